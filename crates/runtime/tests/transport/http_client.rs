//! A caller's own `reqwest::Client`: retries, auth, the size cap and the
//! per-attempt timeout (when set) still apply; settings that only a client
//! the runtime builds can have are refused instead of silently ignored.

use std::time::{Duration, Instant};

use credential_clients_runtime::{Auth, BuildError, Secret, TransportError};

use crate::support::{Reply, Server, config, get};

#[tokio::test]
async fn the_runtime_still_applies_to_your_own_client() {
    let server = Server::sequence(vec![
        Reply::status(503),
        Reply::json(200, r#"{"a":"0123456789abcdef"}"#),
    ])
    .await;
    let parts = config(&server.url())
        .http_client(reqwest::Client::new())
        .auth(Auth::Bearer(Secret::new("t")))
        .max_response_bytes(10)
        .build()
        .unwrap();
    let err = get(&parts, "a").await.unwrap().bytes().await.unwrap_err();
    assert!(matches!(
        TransportError::find(&err),
        Some(TransportError::BodyTooLarge { limit: 10, .. })
    ));
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2, "retried");
    assert!(
        reqs.iter()
            .all(|r| r.header("authorization") == Some("Bearer t"))
    );
}

#[tokio::test]
async fn an_explicit_timeout_applies_to_your_own_client() {
    let server = Server::sequence(vec![Reply::After(
        Duration::from_secs(3),
        Box::new(Reply::json(200, "{}")),
    )])
    .await;
    let parts = config(&server.url())
        .http_client(reqwest::Client::new())
        .timeout(Duration::from_millis(300))
        .retry(credential_clients_runtime::RetryPolicy::disabled())
        .build()
        .unwrap();
    let start = Instant::now();
    let err = get(&parts, "a").await.unwrap_err();
    assert!(err.is_timeout());
    assert!(start.elapsed() < Duration::from_secs(2));
}

#[test]
fn settings_your_client_cannot_take_are_refused() {
    let err = config("http://x")
        .http_client(reqwest::Client::new())
        .root_certificate_pem("pem")
        .connect_timeout(Duration::from_secs(1))
        .build()
        .unwrap_err();
    match err {
        BuildError::HttpClientConflict { settings } => {
            assert_eq!(settings, "TLS / proxy settings, a connect timeout")
        }
        other => panic!("{other}"),
    }
}
