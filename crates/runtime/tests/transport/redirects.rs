//! Redirects: same-origin redirects of idempotent requests are followed (at
//! most 3, no `Referer`); a redirect to another origin fails naming the
//! target, and the other origin receives nothing; a POST's 3xx is returned.

use credential_clients_runtime::{Auth, Secret, TransportError};

use crate::support::{Reply, Server, chain, config, get, post};

fn found(location: &str) -> Reply {
    Reply::status(302).with("location", location)
}

#[tokio::test]
async fn same_origin_redirects_are_followed_without_referer() {
    let server = Server::start(|r, _| match r.target.as_str() {
        "/things/old" => found("/things/new"),
        _ => Reply::json(200, "{}"),
    })
    .await;
    let parts = config(&server.url())
        .auth(Auth::ApiKeyHeader {
            header: "X-Api-Key",
            value: Secret::new("k"),
        })
        .build()
        .unwrap();
    let response = get(&parts, "old").await.unwrap();
    assert_eq!(response.status(), 200);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[1].target, "/things/new");
    assert_eq!(reqs[1].header("referer"), None);
    assert_eq!(reqs[1].header("x-api-key"), Some("Key k"));
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_refused_and_named() {
    let elsewhere = Server::sequence(vec![Reply::json(200, "{}")]).await;
    let target = format!("{}/things/stolen?token=abc", elsewhere.url());
    let server = Server::sequence(vec![found(&target)]).await;
    let parts = config(&server.url())
        .auth(Auth::ApiKeyHeader {
            header: "X-Api-Key",
            value: Secret::new("k-secret"),
        })
        .build()
        .unwrap();
    let err = get(&parts, "a").await.unwrap_err();
    match TransportError::find(&err) {
        Some(TransportError::CrossOriginRedirect { origin, to }) => {
            assert_eq!(origin, &server.url());
            assert_eq!(to, &format!("{}/things/stolen", elsewhere.url()));
        }
        other => panic!("{other:?}: {}", chain(&err)),
    }
    let text = chain(&err);
    assert!(text.contains("set the base URL"), "{text}");
    assert!(
        !text.contains("token=abc") && !text.contains("k-secret"),
        "{text}"
    );
    assert_eq!(
        elsewhere.connections(),
        0,
        "nothing went to the other origin"
    );
    assert_eq!(server.count(), 1, "a refused redirect is not retried");
}

#[tokio::test]
async fn http_to_https_on_the_same_host_is_another_origin() {
    let server = Server::start(|r, _| {
        let https = format!("https://{}/things/a", r.header("host").unwrap());
        Reply::status(301).with("location", &https)
    })
    .await;
    let parts = config(&server.url()).build().unwrap();
    let err = get(&parts, "a").await.unwrap_err();
    let text = chain(&err);
    assert!(
        text.contains(&format!("https://{}", server.addr.ip())),
        "{text}"
    );
}

#[tokio::test]
async fn at_most_three_redirects_are_followed() {
    let server = Server::start(|_, i| found(&format!("/things/hop{}", i + 1))).await;
    let parts = config(&server.url()).build().unwrap();
    let err = get(&parts, "hop0").await.unwrap_err();
    assert!(
        matches!(
            TransportError::find(&err),
            Some(TransportError::TooManyRedirects { limit: 3, .. })
        ),
        "{}",
        chain(&err)
    );
    assert_eq!(server.count(), 4, "the request and three redirects");

    let server = Server::start(|_, i| found(&format!("/things/hop{}", i + 1))).await;
    let parts = config(&server.url()).max_redirects(0).build().unwrap();
    assert_eq!(get(&parts, "hop0").await.unwrap().status(), 302);
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_post_is_not_redirected() {
    let server = Server::sequence(vec![Reply::status(307).with("location", "/things/1")]).await;
    let parts = config(&server.url()).build().unwrap();
    let response = post(&parts).await.unwrap();
    assert_eq!(response.status(), 307);
    assert_eq!(server.count(), 1);
    assert_eq!(server.requests()[0].method, "POST");
}
