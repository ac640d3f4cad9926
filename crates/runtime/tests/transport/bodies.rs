//! Bounded bodies and time limits: the response-size cap holds while a
//! body streams in (a multi-GiB body fails fast, having buffered no more
//! than the cap), the per-attempt timeout holds while a body drips, and the
//! call deadline bounds all attempts and waits.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use credential_clients_runtime::{RetryPolicy, TransportError};

use crate::support::{Reply, Server, chain, config, get};

const MIB: u64 = 1024 * 1024;

/// VmRSS of this process in KiB (Linux).
fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::test]
async fn a_multi_gigabyte_body_fails_fast_with_bounded_memory() {
    let written = Arc::new(AtomicU64::new(0));
    let server = {
        let written = written.clone();
        Server::start(move |_, _| Reply::Zeros {
            limit: 8 * 1024 * MIB,
            written: written.clone(),
        })
        .await
    };
    let parts = config(&server.url()).build().unwrap();
    let before = rss_kib();
    let start = Instant::now();
    let response = get(&parts, "a").await.unwrap();
    let err = response.bytes().await.unwrap_err();
    let elapsed = start.elapsed();
    assert!(elapsed < Duration::from_secs(2), "took {elapsed:?}");
    match TransportError::find(&err) {
        Some(TransportError::BodyTooLarge {
            limit, declared, ..
        }) => {
            assert_eq!(*limit, 4 * MIB);
            assert_eq!(*declared, None);
        }
        other => panic!("{other:?}: {}", chain(&err)),
    }
    let text = chain(&err);
    assert!(
        text.contains("limit of 4194304 bytes") && text.contains("max_response_bytes"),
        "{text}"
    );
    // The client stopped reading: the server could write little more than
    // the cap (plus what the socket buffers hold) before its writes failed.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let sent = written.load(Ordering::SeqCst);
    assert!(sent < 4 * MIB + 64 * MIB, "the server wrote {sent} bytes");
    if let (Some(before), Some(after)) = (before, rss_kib()) {
        // Other tests run alongside; 256 MiB is far below the 8 GiB offered.
        assert!(
            after < before + 256 * 1024,
            "RSS grew from {before} to {after} KiB"
        );
    }
}

#[tokio::test]
async fn a_declared_length_over_the_cap_fails_before_reading() {
    // 10 GiB announced, one byte every 10 ms: the refusal must not wait.
    let server = Server::sequence(vec![Reply::Drip {
        len: 10 * 1024 * 1024 * 1024,
        every: Duration::from_millis(10),
    }])
    .await;
    let parts = config(&server.url()).build().unwrap();
    let start = Instant::now();
    let err = get(&parts, "a").await.unwrap().bytes().await.unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(1));
    match TransportError::find(&err) {
        Some(TransportError::BodyTooLarge {
            declared,
            request_id,
            ..
        }) => {
            assert_eq!(*declared, Some(10 * 1024 * MIB));
            // The id the client sent, as the server sent none.
            assert_eq!(request_id.as_deref().map(str::len), Some(32));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_cap_is_configurable_and_names_the_servers_request_id() {
    let body = vec![b'x'; 2048];
    let reply = Reply::Full(200, vec![("x-request-id".into(), "SRV-42".into())], body);
    let server = Server::sequence(vec![reply]).await;
    let small = config(&server.url())
        .max_response_bytes(1024)
        .build()
        .unwrap();
    let err = get(&small, "a").await.unwrap().bytes().await.unwrap_err();
    let text = chain(&err);
    assert!(
        text.contains("limit of 1024 bytes") && text.contains("SRV-42"),
        "{text}"
    );
    let large = config(&server.url())
        .max_response_bytes(4096)
        .build()
        .unwrap();
    assert_eq!(
        get(&large, "a").await.unwrap().bytes().await.unwrap().len(),
        2048
    );
}

#[tokio::test]
async fn the_attempt_timeout_holds_while_a_body_drips() {
    // 100 bytes, one every 50 ms: 5 s in all, against a 500 ms timeout.
    let server = Server::sequence(vec![Reply::Drip {
        len: 100,
        every: Duration::from_millis(50),
    }])
    .await;
    let parts = config(&server.url())
        .timeout(Duration::from_millis(500))
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    let start = Instant::now();
    let response = get(&parts, "a").await.unwrap();
    let err = response.bytes().await.unwrap_err();
    let elapsed = start.elapsed();
    assert!(err.is_timeout(), "{}", chain(&err));
    assert!(
        elapsed >= Duration::from_millis(450) && elapsed < Duration::from_millis(2000),
        "{elapsed:?}"
    );
}

#[tokio::test]
async fn the_call_deadline_bounds_attempts_and_waits() {
    // Every attempt gets a 503 asking for 1 s: without a deadline the
    // profile would try 4 times over 3 s.
    let server = Server::sequence(vec![Reply::status(503).with("retry-after", "1")]).await;
    let parts = config(&server.url())
        .call_timeout(Duration::from_millis(1500))
        .build()
        .unwrap();
    let start = Instant::now();
    let response = get(&parts, "a").await.unwrap();
    let elapsed = start.elapsed();
    assert_eq!(response.status(), 503);
    assert_eq!(
        server.count(),
        2,
        "the third attempt would start after the deadline"
    );
    assert!(elapsed < Duration::from_millis(1500), "{elapsed:?}");
}

#[tokio::test]
async fn the_call_deadline_cuts_an_attempt_in_flight() {
    let server = Server::sequence(vec![Reply::After(
        Duration::from_secs(5),
        Box::new(Reply::json(200, "{}")),
    )])
    .await;
    let parts = config(&server.url())
        .timeout(Duration::from_secs(30))
        .call_timeout(Duration::from_millis(600))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = get(&parts, "a").await.unwrap_err();
    let elapsed = start.elapsed();
    assert!(err.is_timeout(), "{}", chain(&err));
    assert!(elapsed < Duration::from_millis(1500), "{elapsed:?}");
    assert_eq!(server.count(), 1, "no retry after the deadline");
}
