//! An explicit proxy: requests go to it in absolute form (so an
//! unresolvable host works through it), with the proxy's credentials, and
//! the proxy URL never shows in `Debug`.

use credential_clients_runtime::RetryPolicy;

use crate::support::{Reply, Server, config, get};

#[tokio::test]
async fn requests_go_through_an_explicit_proxy() {
    let proxy = Server::sequence(vec![Reply::json(200, "{}")]).await;
    let url = format!("http://user:proxy-pass@{}", proxy.addr);
    let cfg = config("http://api.example.invalid")
        .proxy(url.as_str())
        .retry(RetryPolicy::disabled());
    assert!(!format!("{cfg:?}").contains("proxy-pass"));
    let parts = cfg.build().unwrap();
    // reqwest's own Debug of the client lists its proxies.
    assert!(!format!("{parts:?}").contains("proxy-pass"), "{parts:?}");
    assert_eq!(get(&parts, "a").await.unwrap().status(), 200);
    let r = &proxy.requests()[0];
    assert_eq!(r.target, "http://api.example.invalid/things/a");
    use base64::Engine as _;
    let basic = base64::engine::general_purpose::STANDARD.encode("user:proxy-pass");
    assert_eq!(
        r.header("proxy-authorization"),
        Some(format!("Basic {basic}").as_str())
    );
}

#[test]
fn an_invalid_proxy_url_is_refused_without_showing_it() {
    let err = config("http://x")
        .proxy("::not a url with pw hunter2")
        .build()
        .unwrap_err();
    assert!(
        matches!(
            err,
            credential_clients_runtime::BuildError::Tls(
                credential_clients_runtime::TlsError::Proxy(_)
            )
        ),
        "{err}"
    );
    assert!(!err.to_string().contains("hunter2"), "{err}");
}
