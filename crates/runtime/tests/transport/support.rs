//! Test support: a synthetic API description with every quirk the runtime
//! applies as data, a call helper that drives the hooks the way generated
//! code does, and a small scripted HTTP/1.1 server (plain or TLS) whose
//! replies can stream, drip and redirect.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use credential_clients_runtime::{
    ApiDescription, AuthScheme, BodyCodeRule, ClientConfig, ClientParts, OperationDescription,
    RequestIdHeader, RetryProfile, ServerTemplate,
};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;

/// An API that declares a request-id header, a body-code retry rule, its
/// own Retry-After header and an API-key prefix.
pub static API: ApiDescription = ApiDescription {
    provider: "testprov",
    title: "Test provider",
    version: "1",
    server: ServerTemplate {
        url: "",
        variables: &[],
    },
    auth: &[
        AuthScheme::Bearer,
        AuthScheme::ApiKeyHeader {
            name: "X-Api-Key",
            prefix: "Key ",
        },
        AuthScheme::OAuth2 {
            token_url: None,
            scopes: &[],
        },
    ],
    operations: &[
        OperationDescription {
            id: "get_thing",
            method: "GET",
            path: "/things/{id}",
            accept: "application/json",
            pagination: None,
        },
        OperationDescription {
            id: "create_thing",
            method: "POST",
            path: "/things",
            accept: "application/json",
            pagination: None,
        },
    ],
    credential_operation: "get_thing",
    list_operation: None,
    request_id: Some(RequestIdHeader {
        name: "x-request-id",
        generate: true,
    }),
    retry: RetryProfile {
        max_attempts: 4,
        initial_backoff_ms: 1,
        max_backoff_ms: 5,
        total_budget_ms: 20_000,
        max_retry_after_ms: 3_000,
        statuses: &[503],
        body_codes: &[BodyCodeRule {
            status: 409,
            pointer: "/error/code",
            codes: &["Busy"],
        }],
        retry_after_headers: &["x-wait-seconds", "retry-after"],
        connection_errors: true,
    },
    region_variable: None,
    realm_variable: None,
    env_prefix: "TESTPROV",
};

/// A client of [`API`] at `base`.
pub fn config(base: &str) -> ClientConfig {
    ClientConfig::new(&API).base_url(base)
}

/// `GET {base}/things/{id}` through `prepare` and `execute`, as a generated
/// client sends it.
pub async fn get(parts: &ClientParts, id: &str) -> reqwest::Result<reqwest::Response> {
    let url = format!("{}/things/{id}", parts.base_url);
    let mut request = parts.http.get(url).build()?;
    parts
        .runtime
        .prepare(&API, &parts.base_url, &mut request, "get_thing")
        .expect("prepare");
    parts
        .runtime
        .execute(&parts.http, request, "get_thing")
        .await
}

/// `POST {base}/things` with a JSON body.
pub async fn post(parts: &ClientParts) -> reqwest::Result<reqwest::Response> {
    let url = format!("{}/things", parts.base_url);
    let mut request = parts.http.post(url).body("{}").build()?;
    parts
        .runtime
        .prepare(&API, &parts.base_url, &mut request, "create_thing")
        .expect("prepare");
    parts
        .runtime
        .execute(&parts.http, request, "create_thing")
        .await
}

/// The whole source chain of `e`, as `{:#}` would print it.
pub fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(s) = next {
        out.push_str(": ");
        out.push_str(&s.to_string());
        next = s.source();
    }
    out
}

/// One request as received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub at: Instant,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the server sends.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Status, headers and a body (Content-Length added).
    Full(u16, Vec<(String, String)>, Vec<u8>),
    /// A chunked 200 body of zeros, 64 KiB chunks, up to `limit` bytes;
    /// `written` counts the body bytes the server managed to write.
    Zeros { limit: u64, written: Arc<AtomicU64> },
    /// A 200 with Content-Length `len`, one byte every `every`.
    Drip { len: usize, every: Duration },
    /// Wait, then the inner reply.
    After(Duration, Box<Reply>),
}

impl Reply {
    pub fn status(status: u16) -> Reply {
        Reply::Full(status, vec![], vec![])
    }

    pub fn json(status: u16, body: &str) -> Reply {
        Reply::Full(
            status,
            vec![("content-type".into(), "application/json".into())],
            body.as_bytes().to_vec(),
        )
    }

    pub fn with(mut self, name: &str, value: &str) -> Reply {
        if let Reply::Full(_, headers, _) = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }
}

type Handler = dyn Fn(&Recorded, usize) -> Reply + Send + Sync;

/// A scripted server; stops when dropped.
pub struct Server {
    pub addr: std::net::SocketAddr,
    requests: Arc<Mutex<Vec<Recorded>>>,
    connections: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Turns an accepted TCP stream into the stream to serve (TLS or not).
pub type Wrap = Arc<
    dyn Fn(
            tokio::net::TcpStream,
        )
            -> std::pin::Pin<Box<dyn std::future::Future<Output = Option<Box<dyn Stream>>> + Send>>
        + Send
        + Sync,
>;

/// A served stream.
pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

impl Server {
    /// Plain HTTP.
    pub async fn start(
        handler: impl Fn(&Recorded, usize) -> Reply + Send + Sync + 'static,
    ) -> Server {
        let wrap: Wrap =
            Arc::new(|tcp| Box::pin(async move { Some(Box::new(tcp) as Box<dyn Stream>) }));
        Self::start_with(wrap, handler).await
    }

    /// Replies in order; the last repeats.
    pub async fn sequence(replies: Vec<Reply>) -> Server {
        Server::start(move |_, i| replies[i.min(replies.len() - 1)].clone()).await
    }

    /// Each accepted connection goes through `wrap` first (a TLS handshake).
    pub async fn start_with(
        wrap: Wrap,
        handler: impl Fn(&Recorded, usize) -> Reply + Send + Sync + 'static,
    ) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let handler: Arc<Handler> = Arc::new(handler);
        let task = {
            let requests = requests.clone();
            let connections = connections.clone();
            tokio::spawn(async move {
                while let Ok((tcp, _)) = listener.accept().await {
                    connections.fetch_add(1, Ordering::SeqCst);
                    let (requests, handler, wrap) =
                        (requests.clone(), handler.clone(), wrap.clone());
                    tokio::spawn(async move {
                        if let Some(stream) = wrap(tcp).await {
                            let _ = serve(stream, requests, handler).await;
                        }
                    });
                }
            })
        };
        Server {
            addr,
            requests,
            connections,
            task,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    pub fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }

    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

async fn serve(
    mut stream: Box<dyn Stream>,
    requests: Arc<Mutex<Vec<Recorded>>>,
    handler: Arc<Handler>,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i;
            }
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&buf[..end]).to_string();
        let mut lines = head.split("\r\n");
        let mut first = lines.next().unwrap_or_default().split(' ');
        let method = first.next().unwrap_or_default().to_string();
        let target = first.next().unwrap_or_default().to_string();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        let len = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse::<usize>().ok())
            .unwrap_or(0);
        while buf.len() < end + 4 + len {
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        buf.drain(..end + 4 + len);
        let recorded = Recorded {
            method,
            target,
            headers,
            at: Instant::now(),
        };
        let index = {
            let mut r = requests.lock().unwrap();
            r.push(recorded.clone());
            r.len() - 1
        };
        let mut reply = handler(&recorded, index);
        while let Reply::After(wait, inner) = reply {
            tokio::time::sleep(wait).await;
            reply = *inner;
        }
        match reply {
            Reply::Full(status, headers, body) => {
                let mut out = format!("HTTP/1.1 {status} S\r\n");
                for (k, v) in &headers {
                    out.push_str(&format!("{k}: {v}\r\n"));
                }
                out.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
                let mut bytes = out.into_bytes();
                bytes.extend_from_slice(&body);
                stream.write_all(&bytes).await?;
                stream.flush().await?;
            }
            Reply::Zeros { limit, written } => {
                stream
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n")
                    .await?;
                let data = vec![0u8; 64 * 1024];
                let mut frame = format!("{:x}\r\n", data.len()).into_bytes();
                frame.extend_from_slice(&data);
                frame.extend_from_slice(b"\r\n");
                let mut sent = 0u64;
                // Bounded: at most `limit` bytes, then the end chunk.
                while sent < limit {
                    stream.write_all(&frame).await?;
                    sent += data.len() as u64;
                    written.fetch_add(data.len() as u64, Ordering::SeqCst);
                }
                stream.write_all(b"0\r\n\r\n").await?;
                return Ok(());
            }
            Reply::Drip { len, every } => {
                stream
                    .write_all(
                        format!("HTTP/1.1 200 OK\r\ncontent-length: {len}\r\n\r\n").as_bytes(),
                    )
                    .await?;
                stream.flush().await?;
                for _ in 0..len {
                    tokio::time::sleep(every).await;
                    stream.write_all(b" ").await?;
                    stream.flush().await?;
                }
            }
            Reply::After(..) => unreachable!(),
        }
    }
}
