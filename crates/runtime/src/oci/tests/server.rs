//! A minimal HTTP/1.1 server on 127.0.0.1 (one request per connection) for
//! the sign-in tests, and a server-side check of OCI request signatures
//! written independently of the signer: it rebuilds the signing string
//! from what arrived on the wire.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use aws_lc_rs::digest;
use aws_lc_rs::signature::{RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;

/// A request as it arrived.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    pub(crate) method: String,
    pub(crate) target: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Received {
    /// The value of the only header `name` (any case), if exactly one.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        let mut values = self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str());
        let first = values.next()?;
        values.next().is_none().then_some(first)
    }

    /// The body as text.
    pub(crate) fn text(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap()
    }
}

/// What the server answers.
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) body: String,
}

impl Reply {
    pub(crate) fn new(status: u16, body: impl Into<String>) -> Reply {
        Reply {
            status,
            body: body.into(),
        }
    }
}

type Handler = Arc<dyn Fn(&Received) -> Reply + Send + Sync>;

/// A running server; stops when dropped.
pub(crate) struct Server {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Server {
    /// Starts a server on a free port that answers with `handler`.
    pub(crate) async fn start(
        handler: impl Fn(&Received) -> Reply + Send + Sync + 'static,
    ) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let handler: Handler = Arc::new(handler);
        let log = received.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut stream, _)) = listener.accept().await else {
                    return;
                };
                let (handler, log) = (handler.clone(), log.clone());
                tokio::spawn(async move {
                    let Some(request) = read_request(&mut stream).await else {
                        return;
                    };
                    let reply = handler(&request);
                    log.lock().unwrap().push(request);
                    let response = format!(
                        "HTTP/1.1 {} Test\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{}",
                        reply.status,
                        reply.body.len(),
                        reply.body
                    );
                    let _ = stream.write_all(response.as_bytes()).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        Server {
            url,
            received,
            task,
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// Every request so far.
    pub(crate) fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// How many requests had this target.
    pub(crate) fn count(&self, target: &str) -> usize {
        self.received()
            .iter()
            .filter(|r| r.target == target)
            .count()
    }
}

async fn read_request(stream: &mut tokio::net::TcpStream) -> Option<Received> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8(buffer[..head_end].to_vec()).ok()?;
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let (method, target) = (
        request_line.next()?.to_owned(),
        request_line.next()?.to_owned(),
    );
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Received {
        method,
        target,
        headers,
        body,
    })
}

/// The parts of a verified `Authorization: Signature ...` header.
#[derive(Debug, Clone)]
pub(crate) struct Verified {
    /// The `headers="..."` parameter.
    pub(crate) headers: String,
}

/// Checks the OCI signature of `request`: `keyId` is looked up with
/// `public_key` (DER SPKI or PKCS#1), the signing string is rebuilt from
/// the headers named in `headers="..."` as received, `x-content-sha256`
/// and `content-length` must match the body.
pub(crate) fn verify(
    request: &Received,
    public_key: impl Fn(&str) -> Option<Vec<u8>>,
) -> Result<Verified, String> {
    let authorization = request
        .header("authorization")
        .ok_or("no single authorization header")?;
    let params = authorization
        .strip_prefix("Signature ")
        .ok_or("not a Signature authorization")?;
    let mut fields = HashMap::new();
    for part in params.split("\",") {
        let (name, value) = part.split_once("=\"").ok_or("malformed parameter")?;
        fields.insert(name.trim(), value.trim_end_matches('"'));
    }
    let field = |name: &str| fields.get(name).copied().ok_or(format!("no {name}"));
    if field("version")? != "1" || field("algorithm")? != "rsa-sha256" {
        return Err("wrong version or algorithm".into());
    }
    let key_id = field("keyId")?;
    let headers = field("headers")?;
    let mut lines = Vec::new();
    for name in headers.split(' ') {
        let value = match name {
            "(request-target)" => {
                format!("{} {}", request.method.to_ascii_lowercase(), request.target)
            }
            _ => request
                .header(name)
                .ok_or(format!("signed header {name} missing"))?
                .to_owned(),
        };
        lines.push(format!("{name}: {value}"));
    }
    if headers.contains("x-content-sha256") {
        let hash = STANDARD.encode(digest::digest(&digest::SHA256, &request.body));
        if request.header("x-content-sha256") != Some(hash.as_str()) {
            return Err("x-content-sha256 does not match the body".into());
        }
        if request.header("content-length") != Some(request.body.len().to_string().as_str()) {
            return Err("content-length does not match the body".into());
        }
    }
    let key = public_key(key_id).ok_or(format!("unknown keyId {key_id:.40}"))?;
    let signature = STANDARD
        .decode(field("signature")?)
        .map_err(|_| "signature is not base64")?;
    UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, key)
        .verify(lines.join("\n").as_bytes(), &signature)
        .map_err(|_| "the signature does not verify".to_owned())?;
    Ok(Verified {
        headers: headers.to_owned(),
    })
}

/// A client that never goes through a proxy.
pub(crate) fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}
