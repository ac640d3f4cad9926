//! The retry promises of README.md, each pinned so that a regression fails
//! (issue 16): backoff really waits, refused connections are retried, only
//! idempotent requests are retried, the total budget is measured in time,
//! and the default policy's values.

use std::time::{Duration, Instant};

use credential_clients_runtime::RetryPolicy;

use crate::support::{Reply, Server, config, get, post};

#[tokio::test]
async fn backoff_waits_at_least_the_servers_retry_after() {
    // A backoff that always returned zero would make the gap ~0.
    let server = Server::sequence(vec![
        Reply::status(503).with("retry-after", "1"),
        Reply::json(200, "{}"),
    ])
    .await;
    let parts = config(&server.url()).build().unwrap();
    assert_eq!(get(&parts, "a").await.unwrap().status(), 200);
    let reqs = server.requests();
    let gap = reqs[1].at - reqs[0].at;
    assert!(gap >= Duration::from_millis(950), "waited only {gap:?}");
}

#[tokio::test]
async fn jittered_backoff_waits_a_real_time_on_average() {
    // 8 retries with a 40 ms ceiling: full jitter averages ~20 ms a wait.
    let server = Server::sequence(vec![Reply::status(503)]).await;
    let parts = config(&server.url())
        .retry(
            RetryPolicy::default()
                .with_max_attempts(9)
                .with_backoff(Duration::from_millis(40), Duration::from_millis(40))
                .with_total_budget(Duration::from_secs(10)),
        )
        .build()
        .unwrap();
    let start = Instant::now();
    let _ = get(&parts, "a").await;
    assert_eq!(server.count(), 9);
    let waited = start.elapsed();
    assert!(
        waited >= Duration::from_millis(40),
        "8 waits took only {waited:?}"
    );
    assert!(waited < Duration::from_secs(3), "{waited:?}");
}

#[tokio::test]
async fn a_post_is_never_retried() {
    let server = Server::sequence(vec![Reply::status(503)]).await;
    let parts = config(&server.url()).build().unwrap();
    let response = post(&parts).await.unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(
        server.count(),
        1,
        "POST is not idempotent: one attempt only"
    );
    // The same server and policy retry a GET.
    let _ = get(&parts, "a").await;
    assert!(server.count() > 2, "{}", server.count());
}

#[tokio::test]
async fn a_refused_connection_is_retried_until_the_server_is_up() {
    // Bound but not listening: connections are refused, and the port stays
    // ours (no race with other processes) until the same socket listens.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = socket.local_addr().unwrap();
    // The server comes up on the same port after the first attempts failed.
    let up = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let listener = socket.listen(16).unwrap();
        let (mut stream, _) = listener.accept().await.unwrap();
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut buf = [0u8; 4096];
        let _ = stream.read(&mut buf).await.unwrap();
        stream
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}")
            .await
            .unwrap();
    });
    let parts = config(&format!("http://{addr}"))
        .retry(
            RetryPolicy::default()
                .with_max_attempts(40)
                .with_backoff(Duration::from_millis(20), Duration::from_millis(40))
                .with_total_budget(Duration::from_secs(10)),
        )
        .build()
        .unwrap();
    let start = Instant::now();
    let response = get(&parts, "a").await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        start.elapsed() >= Duration::from_millis(140),
        "{:?}",
        start.elapsed()
    );
    up.await.unwrap();
}

#[tokio::test]
async fn the_total_budget_is_measured_in_elapsed_time() {
    // Waits of 10 ms on average: without the elapsed-time check all 200
    // attempts would run (about 2 s).
    let server = Server::sequence(vec![Reply::status(503)]).await;
    let parts = config(&server.url())
        .retry(
            RetryPolicy::default()
                .with_max_attempts(200)
                .with_backoff(Duration::from_millis(20), Duration::from_millis(20))
                .with_total_budget(Duration::from_millis(300)),
        )
        .build()
        .unwrap();
    let start = Instant::now();
    let _ = get(&parts, "a").await;
    let attempts = server.count();
    assert!(
        attempts < 120,
        "the budget did not stop retries ({attempts} attempts)"
    );
    assert!(
        start.elapsed() >= Duration::from_millis(250),
        "{:?}",
        start.elapsed()
    );
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn the_default_policy_is_pinned() {
    let p = RetryPolicy::default();
    assert_eq!(p.max_attempts(), 3);
    assert_eq!(p.initial_backoff(), Duration::from_millis(200));
    assert_eq!(p.max_backoff(), Duration::from_secs(5));
    assert_eq!(p.total_budget(), Duration::from_secs(30));
    assert_eq!(p.max_retry_after(), Duration::from_secs(30));
    for s in [408, 429, 500, 502, 503, 504] {
        assert!(p.retries_status(s), "{s}");
    }
    for s in [400, 401, 403, 404, 409, 501] {
        assert!(!p.retries_status(s), "{s}");
    }
    assert_eq!(
        p.delay(1, Some(Duration::from_secs(3600))),
        Duration::from_secs(30),
        "Retry-After is capped at 30 s"
    );
    assert_eq!(RetryPolicy::disabled().max_attempts(), 1);
}
