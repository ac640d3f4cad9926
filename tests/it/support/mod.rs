//! A small HTTP/1.1 server on 127.0.0.1 for tests: it records every request
//! exactly as received (raw request line, headers, body) and answers with a
//! scripted reply, including misbehaving ones (delays, truncated bodies,
//! closed connections, raw bytes).

#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The raw request line, e.g. `GET /a%2Fb HTTP/1.1`.
    pub request_line: String,
    pub method: String,
    /// The raw request target (path and query, as sent).
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// When it arrived (for backoff / Retry-After assertions).
    pub at: Instant,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn headers_named(&self, name: &str) -> usize {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .count()
    }

    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, q)| q)
    }
}

/// What the server sends back.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A complete response (Content-Length is added).
    Full {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// These bytes verbatim, then close.
    Raw(Vec<u8>),
    /// Headers announcing `declared` bytes, then only `body`, then close.
    Truncated {
        status: u16,
        headers: Vec<(String, String)>,
        declared: usize,
        body: Vec<u8>,
    },
    /// Close the connection without answering.
    Close,
    /// Wait, then send the inner reply.
    After(Duration, Box<Reply>),
}

impl Reply {
    pub fn json(status: u16, body: &serde_json::Value) -> Reply {
        Reply::Full {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: serde_json::to_vec(body).unwrap(),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Reply {
        match &mut self {
            Reply::Full { headers, .. } | Reply::Truncated { headers, .. } => {
                headers.push((name.to_string(), value.to_string()))
            }
            Reply::After(_, inner) => **inner = inner.clone().with_header(name, value),
            _ => {}
        }
        self
    }

    pub fn with_content_type(mut self, ct: &str) -> Reply {
        if let Reply::Full { headers, .. } = &mut self {
            headers.retain(|(k, _)| !k.eq_ignore_ascii_case("content-type"));
            headers.push(("content-type".into(), ct.into()));
        }
        self
    }

    pub fn status(status: u16) -> Reply {
        Reply::Full {
            status,
            headers: vec![],
            body: vec![],
        }
    }

    pub fn bytes(status: u16, content_type: &str, body: Vec<u8>) -> Reply {
        Reply::Full {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body,
        }
    }
}

type Handler = dyn Fn(&Recorded, usize) -> Reply + Send + Sync;

/// A running test server; stops when dropped.
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

impl Server {
    /// Start a server whose `handler` gets each request and its 0-based index.
    pub async fn start(
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
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        return;
                    };
                    connections.fetch_add(1, Ordering::SeqCst);
                    let requests = requests.clone();
                    let handler = handler.clone();
                    tokio::spawn(async move {
                        let _ = serve(stream, requests, handler).await;
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

    /// Always the same reply.
    pub async fn always(reply: Reply) -> Server {
        Server::start(move |_, _| reply.clone()).await
    }

    /// Replies in order; the last one repeats.
    pub async fn sequence(replies: Vec<Reply>) -> Server {
        Server::start(move |_, i| replies[i.min(replies.len() - 1)].clone()).await
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

    pub fn last(&self) -> Recorded {
        self.requests()
            .pop()
            .expect("the server received no request")
    }
}

async fn serve(
    mut stream: TcpStream,
    requests: Arc<Mutex<Vec<Recorded>>>,
    handler: Arc<Handler>,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        // Read one request head.
        let head_end = loop {
            if let Some(i) = find(&buf, b"\r\n\r\n") {
                break i;
            }
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
        let mut lines = head.split("\r\n");
        let request_line = lines.next().unwrap_or_default().to_string();
        let mut parts = request_line.splitn(3, ' ');
        let method = parts.next().unwrap_or_default().to_string();
        let target = parts.next().unwrap_or_default().to_string();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        let len = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse::<usize>().ok())
            .unwrap_or(0);
        let body_start = head_end + 4;
        while buf.len() < body_start + len {
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        let body = buf[body_start..body_start + len].to_vec();
        buf.drain(..body_start + len);
        let recorded = Recorded {
            request_line,
            method,
            target,
            headers,
            body,
            at: Instant::now(),
        };
        let index = {
            let mut r = requests.lock().unwrap();
            r.push(recorded.clone());
            r.len() - 1
        };
        let mut reply = handler(&recorded, index);
        while let Reply::After(delay, inner) = reply {
            tokio::time::sleep(delay).await;
            reply = *inner;
        }
        match reply {
            Reply::Full {
                status,
                headers,
                body,
            } => {
                let mut out = status_line(status);
                for (k, v) in &headers {
                    out.push_str(&format!("{k}: {v}\r\n"));
                }
                out.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
                stream.write_all(out.as_bytes()).await?;
                stream.write_all(&body).await?;
                stream.flush().await?;
            }
            Reply::Raw(bytes) => {
                stream.write_all(&bytes).await?;
                stream.flush().await?;
                return Ok(());
            }
            Reply::Truncated {
                status,
                headers,
                declared,
                body,
            } => {
                let mut out = status_line(status);
                for (k, v) in &headers {
                    out.push_str(&format!("{k}: {v}\r\n"));
                }
                out.push_str(&format!("content-length: {declared}\r\n\r\n"));
                stream.write_all(out.as_bytes()).await?;
                stream.write_all(&body).await?;
                stream.flush().await?;
                return Ok(());
            }
            Reply::Close => return Ok(()),
            Reply::After(..) => unreachable!(),
        }
    }
}

fn status_line(status: u16) -> String {
    format!("HTTP/1.1 {status} Status{status}\r\n")
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// A server that answers every request with `head` (a status line, headers
/// and possibly the start of a body), then keeps the connection open without
/// sending anything more for `stall`, then closes it: a body that stalls
/// after the headers (for body-read timeouts).
pub async fn stalling_server(head: Vec<u8>, stall: Duration) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let requests = Arc::new(Mutex::new(Vec::new()));
    let connections = Arc::new(AtomicUsize::new(0));
    let task = {
        let requests = requests.clone();
        let connections = connections.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut stream, _)) = listener.accept().await else {
                    return;
                };
                connections.fetch_add(1, Ordering::SeqCst);
                let requests = requests.clone();
                let head = head.clone();
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    let end = loop {
                        if let Some(i) = find(&buf, b"\r\n\r\n") {
                            break i;
                        }
                        match stream.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    };
                    let text = String::from_utf8_lossy(&buf[..end]).to_string();
                    let mut lines = text.split("\r\n");
                    let request_line = lines.next().unwrap_or_default().to_string();
                    let mut parts = request_line.splitn(3, ' ');
                    let method = parts.next().unwrap_or_default().to_string();
                    let target = parts.next().unwrap_or_default().to_string();
                    let headers = lines
                        .filter_map(|l| l.split_once(':'))
                        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                        .collect();
                    requests.lock().unwrap().push(Recorded {
                        request_line,
                        method,
                        target,
                        headers,
                        body: Vec::new(),
                        at: Instant::now(),
                    });
                    if stream.write_all(&head).await.is_err() {
                        return;
                    }
                    let _ = stream.flush().await;
                    tokio::time::sleep(stall).await;
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

/// `reply` sent as one write followed by closing the connection: a
/// `Reply::Full` becomes the same bytes `serve` would send (plus
/// `connection: close`) as a `Reply::Raw`. A response written in two parts
/// can wait ~40 ms on Nagle's algorithm and delayed ACKs; tests that send
/// thousands of responses use this. Other replies are returned unchanged.
pub fn in_one_write(reply: Reply) -> Reply {
    match reply {
        Reply::Full {
            status,
            headers,
            body,
        } => {
            let mut out = status_line(status);
            for (k, v) in &headers {
                out.push_str(&format!("{k}: {v}\r\n"));
            }
            out.push_str(&format!(
                "connection: close\r\ncontent-length: {}\r\n\r\n",
                body.len()
            ));
            let mut bytes = out.into_bytes();
            bytes.extend_from_slice(&body);
            Reply::Raw(bytes)
        }
        other => other,
    }
}
