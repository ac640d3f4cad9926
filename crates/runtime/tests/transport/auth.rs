//! Authentication through the `Authenticate` seam: called before every
//! attempt, one resend with fresh credentials after a 401, failures that
//! send nothing, static headers with the spec's API-key prefix.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use credential_clients_runtime::{
    Auth, AuthError, AuthFuture, AuthScheme, Authenticate, BuildError, RetryPolicy, Secret,
    TransportError,
};
use reqwest::header::{AUTHORIZATION, HeaderValue};

use crate::support::{Reply, Server, chain, config, get, post};

/// A token source whose token changes when it is told the token was
/// rejected: `token-<generation>`.
#[derive(Debug, Default)]
struct Rotating {
    calls: AtomicUsize,
    generation: AtomicUsize,
    refresh: bool,
}

impl Authenticate for Rotating {
    fn scheme(&self) -> AuthScheme {
        AuthScheme::OAuth2 {
            token_url: None,
            scopes: &[],
        }
    }

    fn authenticate<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        _http: &'a reqwest::Client,
    ) -> AuthFuture<'a> {
        let call = self.calls.fetch_add(1, Ordering::SeqCst);
        let token = format!("Bearer token-{}", self.generation.load(Ordering::SeqCst));
        let mut value = HeaderValue::from_str(&token).unwrap();
        value.set_sensitive(true);
        request.headers_mut().insert(AUTHORIZATION, value);
        request
            .headers_mut()
            .insert("x-auth-call", HeaderValue::from(call));
        Box::pin(std::future::ready(Ok(())))
    }

    fn unauthorized(&self) -> bool {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.refresh
    }
}

#[tokio::test]
async fn credentials_are_added_before_every_attempt() {
    let server = Server::sequence(vec![
        Reply::status(503),
        Reply::status(503),
        Reply::json(200, "{}"),
    ])
    .await;
    let auth = Arc::new(Rotating::default());
    let parts = config(&server.url())
        .auth(Auth::Custom(auth.clone()))
        .build()
        .unwrap();
    assert_eq!(get(&parts, "a").await.unwrap().status(), 200);
    assert_eq!(auth.calls.load(Ordering::SeqCst), 3);
    let calls: Vec<_> = server
        .requests()
        .iter()
        .map(|r| r.header("x-auth-call").unwrap().to_string())
        .collect();
    assert_eq!(calls, ["0", "1", "2"]);
}

#[tokio::test]
async fn a_401_is_resent_once_with_fresh_credentials_even_on_the_last_attempt() {
    let server = Server::start(|r, _| {
        if r.header("authorization") == Some("Bearer token-1") {
            Reply::json(200, "{}")
        } else {
            Reply::status(401)
        }
    })
    .await;
    let auth = Arc::new(Rotating {
        refresh: true,
        ..Rotating::default()
    });
    let parts = config(&server.url())
        .auth(Auth::Custom(auth.clone()))
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    assert_eq!(get(&parts, "a").await.unwrap().status(), 200);
    assert_eq!(server.count(), 2);
    // Also for a POST: a 401 means the server did not act on it.
    assert_eq!(post(&parts).await.unwrap().status(), 200);
}

#[tokio::test]
async fn a_persistent_401_is_resent_only_once() {
    let server = Server::sequence(vec![Reply::status(401)]).await;
    let auth = Arc::new(Rotating {
        refresh: true,
        ..Rotating::default()
    });
    let parts = config(&server.url())
        .auth(Auth::Custom(auth))
        .build()
        .unwrap();
    assert_eq!(get(&parts, "a").await.unwrap().status(), 401);
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn static_credentials_are_not_resent_after_a_401() {
    let server = Server::sequence(vec![Reply::status(401)]).await;
    let parts = config(&server.url())
        .auth(Auth::Bearer(Secret::new("t")))
        .build()
        .unwrap();
    assert_eq!(get(&parts, "a").await.unwrap().status(), 401);
    assert_eq!(server.count(), 1);
}

#[derive(Debug)]
struct Unreachable;

impl Authenticate for Unreachable {
    fn scheme(&self) -> AuthScheme {
        AuthScheme::Bearer
    }

    fn authenticate<'a>(
        &'a self,
        _request: &'a mut reqwest::Request,
        _http: &'a reqwest::Client,
    ) -> AuthFuture<'a> {
        Box::pin(std::future::ready(Err(AuthError::Token {
            endpoint: "https://login.example/token".into(),
            reason: "connection refused".into(),
        })))
    }
}

#[tokio::test]
async fn a_failure_to_authenticate_sends_nothing_and_says_why() {
    let server = Server::sequence(vec![Reply::json(200, "{}")]).await;
    let parts = config(&server.url())
        .auth(Auth::custom(Unreachable))
        .build()
        .unwrap();
    let err = get(&parts, "a").await.unwrap_err();
    assert!(
        matches!(TransportError::find(&err), Some(TransportError::Auth(_))),
        "{err:?}"
    );
    let text = chain(&err);
    assert!(
        text.contains("authentication failed before sending")
            && text.contains("https://login.example/token"),
        "{text}"
    );
    assert_eq!(server.connections(), 0);
}

#[tokio::test]
async fn api_keys_get_the_specs_prefix() {
    let server = httpmock::MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.path("/things/1").header("x-api-key", "Key k-123");
            then.status(200).body("{}");
        })
        .await;
    let parts = config(&server.base_url())
        .auth(Auth::ApiKeyHeader {
            header: "x-api-key",
            value: Secret::new("k-123"),
        })
        .build()
        .unwrap();
    assert_eq!(get(&parts, "1").await.unwrap().status(), 200);
    mock.assert_async().await;
    assert!(!format!("{parts:?}").contains("k-123"));
}

#[test]
fn unsupported_or_unsendable_credentials_fail_the_build() {
    let err = config("http://x")
        .auth(Auth::Basic {
            username: "u".into(),
            password: Secret::new("p"),
        })
        .build()
        .unwrap_err();
    assert!(
        matches!(
            err,
            BuildError::AuthNotSupported {
                scheme: AuthScheme::Basic,
                ..
            }
        ),
        "{err}"
    );
    let err = config("http://x")
        .auth(Auth::Bearer(Secret::new("new\nline-secret")))
        .build()
        .unwrap_err();
    assert!(matches!(err, BuildError::InvalidCredential { .. }), "{err}");
    assert!(!err.to_string().contains("line-secret"), "{err}");
}
