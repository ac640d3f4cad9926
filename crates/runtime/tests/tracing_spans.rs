//! Tracing: one span per call and per attempt with provider, operation,
//! method, route template, status, attempt, backoff and request id; never
//! the concrete path (which holds ids), query, or a secret.
//!
//! A test binary of its own: a scoped subscriber in a process where other
//! tests register tracing callsites concurrently can miss events (callsite
//! interest is cached process-wide), which made this test flaky.

#[allow(dead_code)]
#[path = "transport/support.rs"]
mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use credential_clients_runtime::{Auth, Secret};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::layer::SubscriberExt as _;

use crate::support::{Reply, Server, config, get};

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Buffer {
    type Writer = Buffer;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn spans_describe_calls_and_attempts_without_secrets() {
    let buffer = Buffer::default();
    let subscriber = tracing_subscriber::registry()
        .with(
            tracing_subscriber::filter::Targets::new()
                .with_target("credential_clients", tracing::Level::DEBUG),
        )
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(buffer.clone())
                .with_ansi(false)
                .with_span_events(FmtSpan::CLOSE),
        );
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = Server::sequence(vec![
        Reply::status(503),
        Reply::json(200, "{}").with("x-request-id", "SERVER-REQ-7"),
    ])
    .await;
    let parts = config(&server.url())
        .auth(Auth::Bearer(Secret::new("tok-very-secret")))
        .build()
        .unwrap();
    assert_eq!(get(&parts, "id-123?x=1").await.unwrap().status(), 200);

    let out = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    for needle in [
        "provider=\"testprov\"",
        "operation=\"get_thing\"",
        "method=GET",
        "route=\"/things/{id}\"",
        "attempt=1",
        "attempt=2",
        "status=503",
        "status=200",
        "backoff_ms=",
        "retrying",
        "attempts=2",
        "elapsed_ms=",
        "SERVER-REQ-7",
    ] {
        assert!(out.contains(needle), "missing {needle}:\n{out}");
    }
    for secret in ["tok-very-secret", "id-123", "x=1", "Bearer"] {
        assert!(!out.contains(secret), "shows {secret}:\n{out}");
    }
}
