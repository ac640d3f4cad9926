//! Provider quirks as data: the request-id header, body-code retry rules,
//! the profile's Retry-After headers and the region variable come from the
//! `ApiDescription`, not from provider names in the runtime.

use std::time::Duration;

use credential_clients_runtime::retry::RetryRule;
use credential_clients_runtime::{
    ApiDescription, AuthScheme, ClientConfig, RetryPolicy, RetryProfile, ServerTemplate,
    ServerVariable, VariableKind,
};

use crate::support::{API, Reply, Server, config, get};

fn is_request_id(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b))
}

#[tokio::test]
async fn a_request_id_is_generated_per_call_and_kept_across_retries() {
    let server = Server::sequence(vec![
        Reply::status(503),
        Reply::json(200, "{}"),
        Reply::json(200, "{}"),
    ])
    .await;
    let parts = config(&server.url()).build().unwrap();
    assert_eq!(get(&parts, "a").await.unwrap().status(), 200);
    assert_eq!(get(&parts, "b").await.unwrap().status(), 200);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    let ids: Vec<&str> = reqs
        .iter()
        .map(|r| r.header("x-request-id").unwrap())
        .collect();
    assert!(ids.iter().all(|id| is_request_id(id)), "{ids:?}");
    assert_eq!(ids[0], ids[1], "one id across the retries of a call");
    assert_ne!(ids[1], ids[2], "a new id per call");
}

#[tokio::test]
async fn the_request_id_header_is_checked_with_httpmock() {
    let server = httpmock::MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method("GET")
                .path("/things/1")
                .header_matches("x-request-id", "^[0-9A-F]{32}$")
                .header("accept", "application/json");
            then.status(200)
                .header("x-request-id", "SERVER-ID")
                .body("{}");
        })
        .await;
    let parts = config(&server.base_url()).build().unwrap();
    let response = get(&parts, "1").await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        credential_clients_runtime::request_id(&API, response.headers()),
        Some("SERVER-ID")
    );
    mock.assert_async().await;
}

#[tokio::test]
async fn an_api_without_a_request_id_sends_none() {
    static PLAIN: ApiDescription = ApiDescription {
        provider: "plain",
        title: "",
        version: "",
        server: ServerTemplate {
            url: "",
            variables: &[],
        },
        auth: &[],
        operations: API.operations,
        credential_operation: "get_thing",
        list_operation: None,
        request_id: None,
        retry: RetryProfile::STANDARD,
        region_variable: None,
        realm_variable: None,
        env_prefix: "PLAIN",
    };
    let server = httpmock::MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.path("/things/1").header_missing("x-request-id");
            then.status(200).body("{}");
        })
        .await;
    let parts = ClientConfig::new(&PLAIN)
        .base_url(server.base_url())
        .build()
        .unwrap();
    let url = format!("{}/things/1", parts.base_url);
    let mut request = parts.http.get(url).build().unwrap();
    parts
        .runtime
        .prepare(&PLAIN, &parts.base_url, &mut request, "get_thing")
        .unwrap();
    let response = parts
        .runtime
        .execute(&parts.http, request, "get_thing")
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    mock.assert_async().await;
}

#[test]
fn the_default_policy_is_the_specs_profile() {
    let p = RetryPolicy::for_api(&API);
    assert_eq!(p.max_attempts(), 4);
    assert_eq!(p.max_retry_after(), Duration::from_secs(3));
    assert!(p.retries_status(503) && !p.retries_status(500));
    assert!(p.connection_errors());
    assert!(p.rules().iter().any(|r| matches!(
        r,
        RetryRule::BodyCode { status: 409, pointer, codes } if pointer == "/error/code" && codes == &["Busy"]
    )));
    assert_eq!(p.retry_after_headers(), ["x-wait-seconds", "retry-after"]);
    assert_eq!(config("http://x").retry_policy().max_attempts(), 4);
}

#[tokio::test]
async fn a_body_code_rule_retries_matching_codes_only() {
    let server = Server::sequence(vec![
        Reply::json(409, r#"{"error":{"code":"Busy"}}"#),
        Reply::json(200, r#"{"ok":true}"#),
    ])
    .await;
    let parts = config(&server.url()).build().unwrap();
    let response = get(&parts, "a").await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(server.count(), 2);

    let server = Server::sequence(vec![Reply::json(409, r#"{"error":{"code":"Conflict"}}"#)]).await;
    let parts = config(&server.url()).build().unwrap();
    let response = get(&parts, "a").await.unwrap();
    assert_eq!(response.status(), 409);
    assert_eq!(server.count(), 1);
    // The body was read to decide, and is still there for the caller.
    assert_eq!(
        response.text().await.unwrap(),
        r#"{"error":{"code":"Conflict"}}"#
    );
}

#[tokio::test]
async fn retry_after_comes_from_the_profiles_headers() {
    let server = Server::sequence(vec![
        Reply::status(503).with("x-wait-seconds", "1"),
        Reply::json(200, "{}"),
    ])
    .await;
    let parts = config(&server.url()).build().unwrap();
    assert_eq!(get(&parts, "a").await.unwrap().status(), 200);
    let reqs = server.requests();
    let gap = reqs[1].at - reqs[0].at;
    assert!(gap >= Duration::from_millis(950), "waited only {gap:?}");
    assert!(gap < Duration::from_secs(3), "waited {gap:?}");
}

#[derive(Debug)]
struct NeverRetry;
impl credential_clients_runtime::ClassifyRetry for NeverRetry {
    fn classify(
        &self,
        _outcome: &credential_clients_runtime::retry::Outcome<'_>,
    ) -> credential_clients_runtime::RetryAction {
        credential_clients_runtime::RetryAction::Forbid
    }
}

#[tokio::test]
async fn a_users_classifier_can_override_the_rules() {
    let server = Server::sequence(vec![Reply::status(503), Reply::json(200, "{}")]).await;
    let policy = RetryPolicy::for_api(&API).with_rule_first(RetryRule::custom(NeverRetry));
    let parts = config(&server.url()).retry(policy).build().unwrap();
    assert_eq!(get(&parts, "a").await.unwrap().status(), 503);
    assert_eq!(server.count(), 1);
}

#[test]
fn a_profiles_region_fills_the_apis_region_variable() {
    static ZONED: ApiDescription = ApiDescription {
        provider: "zoned",
        title: "",
        version: "",
        server: ServerTemplate {
            url: "https://svc.{zone}.example.com",
            variables: &[ServerVariable {
                name: "zone",
                default: "zone-1",
                allowed: &[],
                kind: VariableKind::Host,
            }],
        },
        auth: &[AuthScheme::OciSignature],
        operations: &[],
        credential_operation: "",
        list_operation: None,
        request_id: None,
        retry: RetryProfile::STANDARD,
        region_variable: Some("zone"),
        realm_variable: None,
        env_prefix: "ZONED",
    };
    let dir = std::env::temp_dir().join(format!("rt-zone-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/oci-test-key.pem"
    );
    let file = dir.join("config");
    std::fs::write(
        &file,
        format!(
            "[DEFAULT]\nuser=ocid1.user.oc1..u\nfingerprint=aa:bb\ntenancy=ocid1.tenancy.oc1..t\n\
             region=eu-frankfurt-1\nkey_file={key}\n"
        ),
    )
    .unwrap();
    let profile = credential_clients_runtime::oci::OciConfig::from_file(&file, "DEFAULT").unwrap();
    let config = ClientConfig::new(&ZONED).oci_config(profile).unwrap();
    assert_eq!(
        config.resolved_base_url().unwrap(),
        "https://svc.eu-frankfurt-1.example.com"
    );
    // An explicit value wins over the profile's.
    let config = config.server_variable("zone", "ap-tokyo-1");
    assert_eq!(
        config.resolved_base_url().unwrap(),
        "https://svc.ap-tokyo-1.example.com"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
