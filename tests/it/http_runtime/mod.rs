//! The generated clients over real HTTP on 127.0.0.1: what each one puts on
//! the wire (method, path, query, headers, auth incl. verified OCI
//! signatures), retries with backoff and Retry-After, timeouts, path safety
//! and secret redaction.

use crate::support;

use std::num::NonZeroU64;
use std::time::{Duration, Instant, SystemTime};

use credential_clients::{RetryPolicy, ankra, awx, netapp_astra, oci_aidp, tines};
use serde_json::{Value, json};
use support::{Recorded, Reply, Server};

mod oci;
mod paths;
mod retries;
mod secrets;

use oci::{oci_client, oci_signer};
use retries::{ankra, get_ankra};

const TOKEN: &str = "tok-3f1d0c5e-very-secret";
const UUID: &str = "3c90c3cc-0d44-4b50-8888-8dd25736052a";

fn fast_retries(attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(attempts)
        .with_backoff(Duration::from_millis(5), Duration::from_millis(20))
}

/// The first example body of `status` in a spec.
fn spec_example(stem: &str, status: &str) -> Value {
    let rel = format!("specs/{stem}.yaml");
    let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(&rel))
        .unwrap();
    let doc = xtask::spec::parse_yaml(std::path::Path::new(&rel), &text).unwrap();
    let op = xtask::spec::credential_operation(&doc).unwrap().op;
    xtask::examples::response_example(&doc, op, Some(status))
        .unwrap_or_else(|| panic!("{stem}: the credential operation's {status} has no example"))
}

fn assert_common_headers(r: &Recorded, accept: &str) {
    assert_eq!(r.method, "GET");
    assert_eq!(r.header("accept"), Some(accept), "{r:#?}");
    let ua = r.header("user-agent").unwrap_or_default();
    assert!(ua.starts_with("credential-clients/"), "{ua}");
    assert!(
        r.header("api-version").is_none(),
        "progenitor's api-version header must be dropped: {r:#?}"
    );
    assert_eq!(r.headers_named("authorization"), 1, "{r:#?}");
}

// ---------------------------------------------------------------- providers

#[tokio::test]
async fn ankra_sends_bearer_get_and_parses_the_example() {
    let server = Server::always(Reply::json(200, &spec_example("ankra", "200"))).await;
    let client = ankra::Client::builder()
        .base_url(server.url())
        .bearer_token(TOKEN)
        .build()
        .unwrap();
    let cred = client
        .get_credential()
        .credential_id(uuid::Uuid::parse_str(UUID).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(cred.status(), 200);
    // The body is the example (the contract suite checks every example).
    let example = spec_example("ankra", "200");
    assert!(
        credential_clients::runtime::mock::same_json(
            &example,
            &serde_json::to_value(&*cred).unwrap()
        ),
        "{example}"
    );
    let r = server.last();
    assert_eq!(r.target, format!("/api/v1/org/credentials/{UUID}"));
    assert_common_headers(&r, "application/json");
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
}

#[tokio::test]
async fn awx_uses_basic_auth_the_gateway_prefix_and_the_trailing_slash() {
    let server = Server::always(Reply::json(200, &spec_example("awx", "200"))).await;
    let client = awx::Client::builder()
        .base_url(format!("{}/api/controller/v2", server.url()))
        .basic_auth("admin", "pa:ss wörd")
        .build()
        .unwrap();
    let cred = client
        .get_credential()
        .id(NonZeroU64::new(42).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(&cred.name).unwrap(),
        spec_example("awx", "200")["name"]
    );
    assert!(
        credential_clients::runtime::mock::same_json(
            &spec_example("awx", "200"),
            &serde_json::to_value(&*cred).unwrap()
        ),
        "the body is the example"
    );
    let r = server.last();
    assert_eq!(r.target, "/api/controller/v2/credentials/42/");
    assert_common_headers(&r, "application/json");
    use base64::Engine as _;
    let expected = base64::engine::general_purpose::STANDARD.encode("admin:pa:ss wörd");
    assert_eq!(
        r.header("authorization"),
        Some(format!("Basic {expected}").as_str())
    );
}

#[tokio::test]
async fn awx_default_server_uses_host_and_base_path_variables() {
    let client = awx::Client::builder()
        .host("tower.internal.example")
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "https://tower.internal.example/api/v2");
    let client = awx::Client::builder()
        .base_path("/api/controller/v2")
        .build()
        .unwrap();
    assert_eq!(
        client.base_url(),
        "https://awx.example.com/api/controller/v2"
    );
    let err = awx::Client::builder()
        .base_path("/evil")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("allowed values"), "{err}");
}

#[tokio::test]
async fn tines_sends_the_query_parameter_and_bearer_key() {
    let server = Server::always(Reply::json(200, &spec_example("tines", "200"))).await;
    let client = tines::Client::builder()
        .base_url(server.url())
        .bearer_token(TOKEN)
        .build()
        .unwrap();
    let cred = client
        .get_credential()
        .credential_id(7)
        .include_references(true)
        .send()
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(&cred.name).unwrap(),
        spec_example("tines", "200")["name"]
    );
    assert!(
        credential_clients::runtime::mock::same_json(
            &spec_example("tines", "200"),
            &serde_json::to_value(&*cred).unwrap()
        ),
        "the body is the example"
    );
    let r = server.last();
    assert_eq!(r.path(), "/api/v1/user_credentials/7");
    assert_eq!(r.query(), Some("include_references=true"));
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert!(
        r.header("accept").unwrap().starts_with("application/json"),
        "{r:#?}"
    );
}

#[tokio::test]
async fn tines_legacy_user_token_header() {
    let server = Server::always(Reply::json(200, &spec_example("tines", "200"))).await;
    let client = tines::Client::builder()
        .base_url(server.url())
        .user_token(TOKEN)
        .build()
        .unwrap();
    client
        .get_credential()
        .credential_id(7)
        .send()
        .await
        .unwrap();
    let r = server.last();
    assert_eq!(r.header("x-user-token"), Some(TOKEN));
    assert!(r.header("authorization").is_none());
}

#[tokio::test]
async fn tines_default_server_is_the_tenant() {
    let client = tines::Client::builder()
        .tenant("brave-otter-1234")
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "https://brave-otter-1234.tines.com");
    // `{tenant}` is a label of the host (`.tines.com` follows), so a
    // `:port` or an IPv6 literal in it is the variable's error, not a URL
    // that fails to parse later.
    for bad in ["evil.com/x", "a@b", "", "x y", "a:1", "[::1]"] {
        match tines::Client::builder().tenant(bad).build() {
            Err(credential_clients::runtime::BuildError::InvalidServerVariable {
                name,
                value,
                ..
            }) => {
                assert_eq!(name, "tenant", "{bad:?}");
                assert_eq!(value, bad);
            }
            Err(other) => panic!("{bad:?}: not the tenant variable's error: {other}"),
            Ok(c) => panic!("{bad:?} accepted: {}", c.base_url()),
        }
    }
}

#[tokio::test]
async fn astra_accepts_its_vendor_media_types() {
    let body = serde_json::to_vec(&spec_example("netapp-astra", "200")).unwrap();
    let server = Server::always(Reply::bytes(200, "application/astra-credential+json", body)).await;
    let client = netapp_astra::Client::builder()
        .base_url(server.url())
        .bearer_token(TOKEN)
        .build()
        .unwrap();
    let cred = client
        .get_credential()
        .account_id("6b9c2a5e-5a3c-4b0e-9d5e-2f1d8c7b6a54")
        .credential_id("58e26f6a-a631-4122-8e0e-7afe306675c0")
        .send()
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(&cred.name).unwrap(),
        spec_example("netapp-astra", "200")["name"]
    );
    assert!(
        credential_clients::runtime::mock::same_json(
            &spec_example("netapp-astra", "200"),
            &serde_json::to_value(&*cred).unwrap()
        ),
        "the body is the example"
    );
    let r = server.last();
    assert_eq!(
        r.target,
        "/accounts/6b9c2a5e-5a3c-4b0e-9d5e-2f1d8c7b6a54/core/v1/credentials/58e26f6a-a631-4122-8e0e-7afe306675c0"
    );
    assert_common_headers(
        &r,
        "application/astra-credential+json, application/problem+json",
    );
}
