//! Retries with backoff and Retry-After, and timeouts, over HTTP.

use super::*;

pub(super) fn ankra(server: &Server, retry: RetryPolicy) -> ankra::Client {
    ankra::Client::builder()
        .base_url(server.url())
        .bearer_token(TOKEN)
        .retry(retry)
        .build()
        .unwrap()
}

pub(super) async fn get_ankra(
    client: &ankra::Client,
) -> Result<(), ankra::Error<ankra::GetCredentialError>> {
    client
        .get_credential()
        .credential_id(uuid::Uuid::parse_str(UUID).unwrap())
        .send()
        .await
        .map(|_| ())
}

#[tokio::test]
pub(super) async fn retries_503_then_succeeds() {
    let server = Server::sequence(vec![
        Reply::status(503),
        Reply::status(502),
        Reply::json(200, &spec_example("ankra", "200")),
    ])
    .await;
    get_ankra(&ankra(&server, fast_retries(3))).await.unwrap();
    assert_eq!(server.count(), 3);
}

#[tokio::test]
pub(super) async fn gives_up_after_max_attempts_with_the_last_response() {
    let server = Server::always(Reply::status(503)).await;
    let err = get_ankra(&ankra(&server, fast_retries(4)))
        .await
        .unwrap_err();
    assert_eq!(server.count(), 4);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
}

#[tokio::test]
pub(super) async fn does_not_retry_client_errors() {
    let server = Server::always(Reply::json(404, &json!({"detail": "Not found"}))).await;
    let err = get_ankra(&ankra(&server, fast_retries(5)))
        .await
        .unwrap_err();
    assert_eq!(server.count(), 1);
    match err {
        ankra::Error::ErrorResponse(rv) => assert_eq!(rv.status(), 404),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
pub(super) async fn retries_can_be_turned_off() {
    let server = Server::always(Reply::status(503)).await;
    let err = get_ankra(&ankra(&server, RetryPolicy::disabled()))
        .await
        .unwrap_err();
    assert_eq!(server.count(), 1);
    match err {
        ankra::Error::UnexpectedResponse(r) => assert_eq!(r.status(), 503),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
pub(super) async fn honours_retry_after_in_seconds() {
    let server = Server::sequence(vec![
        Reply::status(429).with_header("retry-after", "1"),
        Reply::json(200, &spec_example("ankra", "200")),
    ])
    .await;
    get_ankra(&ankra(&server, fast_retries(3))).await.unwrap();
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    let gap = reqs[1].at - reqs[0].at;
    assert!(gap >= Duration::from_millis(950), "waited only {gap:?}");
    assert!(gap < Duration::from_secs(3), "waited {gap:?}");
}

#[tokio::test]
pub(super) async fn honours_retry_after_as_an_http_date() {
    let server = Server::start(|_, i| {
        if i == 0 {
            let when = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
            Reply::status(503).with_header("retry-after", &when)
        } else {
            Reply::json(200, &spec_example("ankra", "200"))
        }
    })
    .await;
    get_ankra(&ankra(&server, fast_retries(3))).await.unwrap();
    let reqs = server.requests();
    let gap = reqs[1].at - reqs[0].at;
    // HTTP dates have 1 s resolution: 2 s ahead is at least 1 s away.
    assert!(gap >= Duration::from_millis(950), "waited only {gap:?}");
    assert!(gap < Duration::from_secs(4), "waited {gap:?}");
}

#[tokio::test]
pub(super) async fn retry_after_is_capped() {
    let server = Server::sequence(vec![
        Reply::status(429).with_header("retry-after", "3600"),
        Reply::json(200, &spec_example("ankra", "200")),
    ])
    .await;
    let start = Instant::now();
    get_ankra(&ankra(
        &server,
        fast_retries(3).with_max_retry_after(Duration::from_millis(100)),
    ))
    .await
    .unwrap();
    assert!(start.elapsed() < Duration::from_secs(2));
    assert_eq!(server.count(), 2);
}

#[tokio::test]
pub(super) async fn the_time_budget_stops_retries() {
    let server = Server::always(Reply::status(429).with_header("retry-after", "5")).await;
    let start = Instant::now();
    let err = get_ankra(&ankra(
        &server,
        fast_retries(5).with_total_budget(Duration::from_secs(1)),
    ))
    .await
    .unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(2));
    assert_eq!(server.count(), 1);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
}

#[tokio::test]
pub(super) async fn backoff_waits_between_attempts() {
    let policy = RetryPolicy::default()
        .with_max_attempts(3)
        .with_backoff(Duration::from_millis(200), Duration::from_millis(200));
    let server = Server::always(Reply::status(500)).await;
    let start = Instant::now();
    let err = get_ankra(&ankra(&server, policy)).await.unwrap_err();
    match err {
        ankra::Error::UnexpectedResponse(r) => assert_eq!(r.status(), 500),
        other => panic!("{other:?}"),
    }
    // Full jitter: each wait is in [0, 200 ms]; never more than the ceiling.
    assert!(start.elapsed() < Duration::from_millis(1500));
    assert_eq!(server.count(), 3);
}

#[tokio::test]
pub(super) async fn retries_a_dropped_connection() {
    let server = Server::sequence(vec![
        Reply::Close,
        Reply::json(200, &spec_example("ankra", "200")),
    ])
    .await;
    get_ankra(&ankra(&server, fast_retries(3))).await.unwrap();
    assert_eq!(server.count(), 2);
}

#[tokio::test]
pub(super) async fn retries_connection_refused_then_reports_it() {
    // Bound, never listening: the port refuses connections and no other
    // process can take it while the test runs (no race).
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let url = format!("http://{}", socket.local_addr().unwrap());
    let client = ankra::Client::builder()
        .base_url(url)
        .retry(fast_retries(3))
        .build()
        .unwrap();
    let err = get_ankra(&client).await.unwrap_err();
    // The attempts are shown in crates/runtime/tests/transport/retries.rs
    // (`a_refused_connection_is_retried_until_the_server_is_up`).
    match &err {
        ankra::Error::CommunicationError(e) => assert!(e.is_connect(), "{e:?}"),
        other => panic!("expected a refused connection, got {other:?}"),
    }
    drop(socket);
}

#[tokio::test]
pub(super) async fn a_server_slower_than_the_timeout_is_a_timeout_error() {
    let server = Server::always(Reply::After(
        Duration::from_secs(3),
        Box::new(Reply::json(200, &spec_example("ankra", "200"))),
    ))
    .await;
    let client = ankra::Client::builder()
        .base_url(server.url())
        .timeout(Duration::from_millis(300))
        .retry(fast_retries(2))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = get_ankra(&client).await.unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    match &err {
        ankra::Error::CommunicationError(e) => assert!(e.is_timeout(), "{e:?}"),
        other => panic!("{other:?}"),
    }
    // Timeouts of idempotent requests are retried.
    assert_eq!(server.count(), 2);
}
