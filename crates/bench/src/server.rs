//! A minimal HTTP/1.1 server on 127.0.0.1 for the client benchmarks: it
//! answers every request with the same prebuilt response, keeps connections
//! alive (and answers pipelined requests in order), and can record the last
//! request head for the parity check. It runs on its own OS thread with a
//! single-threaded tokio runtime, so it never competes with the client's
//! runtime for a worker.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A complete HTTP/1.1 response with `content-length`.
pub fn http_response(status: u16, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status} OK\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

#[derive(Default)]
struct State {
    requests: AtomicU64,
    connections: AtomicU64,
    record: AtomicBool,
    last_head: Mutex<Option<String>>,
}

/// A running server; stopped when dropped.
pub struct Server {
    addr: SocketAddr,
    state: Arc<State>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Start a server that answers every request with `response` (raw bytes
    /// of a full HTTP/1.1 response, see [`http_response`]).
    pub fn start(response: Vec<u8>) -> Server {
        let state = Arc::new(State::default());
        let response: Arc<[u8]> = response.into();
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = {
            let state = state.clone();
            std::thread::Builder::new()
                .name("bench-server".into())
                .spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .expect("server runtime");
                    rt.block_on(async move {
                        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
                        addr_tx
                            .send(listener.local_addr().expect("local addr"))
                            .expect("send addr");
                        let accept = async {
                            loop {
                                let Ok((stream, _)) = listener.accept().await else {
                                    continue;
                                };
                                state.connections.fetch_add(1, Ordering::Relaxed);
                                let _ = stream.set_nodelay(true);
                                tokio::spawn(serve(stream, response.clone(), state.clone()));
                            }
                        };
                        tokio::select! {
                            _ = accept => {}
                            _ = stop_rx => {}
                        }
                    });
                })
                .expect("spawn server thread")
        };
        let addr = addr_rx.recv().expect("server address");
        Server {
            addr,
            state,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Requests answered so far.
    pub fn requests(&self) -> u64 {
        self.state.requests.load(Ordering::Relaxed)
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> u64 {
        self.state.connections.load(Ordering::Relaxed)
    }

    /// Record the head of each request (for [`Server::take_last_head`]).
    pub fn set_recording(&self, on: bool) {
        self.state.record.store(on, Ordering::Relaxed);
    }

    /// The head (request line and headers) of the last request recorded.
    pub fn take_last_head(&self) -> Option<String> {
        self.state
            .last_head
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn serve(mut stream: TcpStream, response: Arc<[u8]>, state: Arc<State>) {
    let mut buf: Vec<u8> = Vec::with_capacity(8192);
    let mut chunk = vec![0u8; 8192];
    let mut out: Vec<u8> = Vec::with_capacity(response.len() * 4);
    loop {
        let n = match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        buf.extend_from_slice(&chunk[..n]);
        // Answer every complete request head in the buffer (GETs: no body).
        let mut consumed = 0;
        while let Some(end) = find(&buf[consumed..], b"\r\n\r\n") {
            let head_end = consumed + end;
            if state.record.load(Ordering::Relaxed) {
                let head = String::from_utf8_lossy(&buf[consumed..head_end]).into_owned();
                *state.last_head.lock().unwrap_or_else(|e| e.into_inner()) = Some(head);
            }
            consumed = head_end + 4;
            state.requests.fetch_add(1, Ordering::Relaxed);
            out.extend_from_slice(&response);
        }
        buf.drain(..consumed);
        if !out.is_empty() {
            if stream.write_all(&out).await.is_err() {
                return;
            }
            out.clear();
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}
