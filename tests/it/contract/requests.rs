//! What every request of the matrix must carry (method, path, `Accept`,
//! `User-Agent`, auth and provider headers), and the request-side tests of
//! single providers.

use super::*;

pub(super) fn user_agent(stem: &str) -> String {
    format!("credential-clients/{} ({stem})", env!("CARGO_PKG_VERSION"))
}

/// What every request of every provider carries.
pub(super) fn check_common(r: &Recorded, stem: &str, accept: &str) {
    assert_eq!(r.method, "GET", "{r:#?}");
    assert!(r.request_line.ends_with(" HTTP/1.1"), "{}", r.request_line);
    assert_eq!(r.header("accept"), Some(accept), "{stem}: {r:#?}");
    assert_eq!(r.headers_named("accept"), 1, "{stem}");
    assert_eq!(
        r.header("user-agent"),
        Some(user_agent(stem).as_str()),
        "{stem}"
    );
    assert!(r.header("host").is_some(), "{stem}");
    assert!(r.header("api-version").is_none(), "{stem}: {r:#?}");
    assert!(
        r.header("content-type").is_none(),
        "{stem}: a GET has no body"
    );
    assert!(r.body.is_empty(), "{stem}");
}

pub(super) fn check_bearer(r: &Recorded) {
    assert_eq!(r.headers_named("authorization"), 1, "{r:#?}");
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
}

pub(super) fn check_ankra_request(r: &Recorded) {
    check_common(r, "ankra", "application/json");
    assert_eq!(r.target, format!("/api/v1/org/credentials/{ANKRA_ID}"));
    check_bearer(r);
}

pub(super) fn check_awx_request(r: &Recorded) {
    check_common(r, "awx", "application/json");
    assert_eq!(r.target, "/api/v2/credentials/42/", "trailing slash kept");
    check_bearer(r);
}

pub(super) fn check_tines_request(r: &Recorded) {
    check_common(r, "tines", "application/json, text/plain");
    assert_eq!(r.path(), "/api/v1/user_credentials/4821");
    assert_eq!(r.query(), Some("include_references=true"));
    check_bearer(r);
    assert!(r.header("x-user-token").is_none());
}

pub(super) fn check_astra_request(r: &Recorded) {
    check_common(
        r,
        "netapp-astra",
        "application/astra-credential+json, application/problem+json",
    );
    assert_eq!(
        r.target,
        format!("/accounts/{ASTRA_ACCOUNT}/core/v1/credentials/{ASTRA_CREDENTIAL}")
    );
    check_bearer(r);
}

pub(super) fn check_oci_request(r: &Recorded) {
    check_common(r, "oci-aidp", "application/json");
    assert_eq!(
        r.target,
        format!("/20260430/aiDataPlatforms/{OCI_PLATFORM}/credentials/{OCI_KEY}")
    );
    assert_eq!(r.header("should-update-recent"), Some("true"));
    let id = r.header("opc-request-id").expect("opc-request-id");
    assert_eq!(id.len(), 32, "{id}");
    assert!(
        id.chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()),
        "{id}"
    );
    assert!(
        r.header("date").is_some_and(|d| d.ends_with(" GMT")),
        "{r:#?}"
    );
    assert_eq!(r.headers_named("authorization"), 1);
    let auth = r.header("authorization").unwrap();
    assert!(
        auth.starts_with(&format!(
            "Signature version=\"1\",headers=\"date (request-target) host\",keyId=\"{OCI_KEY_ID}\",algorithm=\"rsa-sha256\",signature=\""
        )),
        "{auth}"
    );
}

#[tokio::test]
pub(super) async fn tines_include_references_is_sent_only_when_set() {
    let server = Server::always(Reply::status(418)).await;
    let client = tines::Client::builder()
        .base_url(server.url())
        .bearer_token(TOKEN)
        .retry(disabled())
        .build()
        .unwrap();
    for include in [None, Some(false)] {
        let mut request = client.get_credential().credential_id(9);
        if let Some(include) = include {
            request = request.include_references(include);
        }
        match request.send().await {
            Err(Error::UnexpectedResponse(r)) => assert_eq!(r.status(), 418),
            other => panic!("{include:?}: {other:?}"),
        }
    }
    let r = server.requests();
    assert_eq!(r[0].target, "/api/v1/user_credentials/9");
    assert_eq!(
        r[1].target,
        "/api/v1/user_credentials/9?include_references=false"
    );
}

#[tokio::test]
pub(super) async fn oci_request_ids_are_fresh_per_call_and_optional_headers_are_omitted() {
    let server = Server::always(Reply::status(201)).await;
    let client = oci_aidp::Client::builder()
        .base_url(server.url())
        .oci_signer(oci_signer())
        .retry(disabled())
        .build()
        .unwrap();
    for _ in 0..2 {
        let err = client
            .get_credential()
            .ai_data_platform_id(OCI_PLATFORM)
            .credential_key(OCI_KEY)
            .send()
            .await
            .unwrap_err();
        assert!(matches!(err, Error::UnexpectedResponse(_)), "{err:?}");
    }
    let r = server.requests();
    assert!(r[0].header("should-update-recent").is_none(), "{:#?}", r[0]);
    assert_ne!(r[0].header("opc-request-id"), r[1].header("opc-request-id"));
}

#[tokio::test]
pub(super) async fn invalid_path_parameters_are_refused_before_sending() {
    let server = Server::always(Reply::status(200)).await;
    let client = netapp_astra::Client::builder()
        .base_url(server.url())
        .bearer_token(TOKEN)
        .build()
        .unwrap();
    // Not an Astra identifier (upper case, wrong version nibble, empty).
    for bad in [
        "6B9C2A5E-5A3C-4B0E-9D5E-2F1D8C7B6A54",
        "6b9c2a5e-5a3c-1b0e-9d5e-2f1d8c7b6a54",
        "",
    ] {
        let err = client
            .get_credential()
            .account_id(bad)
            .credential_id(ASTRA_CREDENTIAL)
            .send()
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{bad:?}: {err:?}");
    }
    let oci = oci_aidp::Client::builder()
        .base_url(server.url())
        .oci_signer(oci_signer())
        .build()
        .unwrap();
    let long_key = "k".repeat(256);
    for (platform, key, opc) in [
        ("p", "k", "has space"),
        ("p", long_key.as_str(), "ok"),
        ("", "k", "ok"),
    ] {
        let err = oci
            .get_credential()
            .ai_data_platform_id(platform)
            .credential_key(key)
            .opc_request_id(opc)
            .send()
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    }
    assert_eq!(server.connections(), 0);
}
