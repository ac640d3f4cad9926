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
    let content = op["responses"][status]["content"]
        .as_object()
        .unwrap()
        .clone();
    let media = content.values().next().unwrap();
    if let Some(v) = media.get("example") {
        return v.clone();
    }
    media["examples"]
        .as_object()
        .unwrap()
        .values()
        .next()
        .unwrap()["value"]
        .clone()
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
    // `a:1` passes the host check (`host:port` is a valid host value) and
    // is refused when the URL it makes, `https://a:1.tines.com`, is parsed.
    match tines::Client::builder().tenant("a:1").build() {
        Err(credential_clients::runtime::BuildError::InvalidBaseUrl { reason, .. }) => {
            assert!(reason.contains("port"), "{reason}")
        }
        Err(other) => panic!("a:1: {other}"),
        Ok(c) => panic!("a:1 accepted: {}", c.base_url()),
    }
    for bad in ["evil.com/x", "a@b", "", "x y"] {
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

// -------------------------------------------------------------------- OCI

fn oci_signer() -> credential_clients::runtime::oci::Signer {
    credential_clients::runtime::oci::Signer::from_key_file(
        "ocid1.tenancy.oc1..aaaatest",
        "ocid1.user.oc1..aaaatest",
        "20:3b:97:13:55:1c:5b:0d:d3:37:d8:50:4e:c5:3a:34",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/oci-test-key.pem"
        ),
    )
    .unwrap()
}

fn oci_client(server: &Server, retry: RetryPolicy) -> oci_aidp::Client {
    oci_aidp::Client::builder()
        .base_url(server.url())
        .oci_signer(oci_signer())
        .retry(retry)
        .build()
        .unwrap()
}

/// Verify the OCI signature of a recorded request with the test key's public
/// half, from what the server received.
fn verify_oci_signature(r: &Recorded) {
    let auth = r.header("authorization").expect("authorization");
    assert!(auth.starts_with("Signature version=\"1\",headers=\"date (request-target) host\",keyId=\"ocid1.tenancy.oc1..aaaatest/ocid1.user.oc1..aaaatest/20:3b:97:13:55:1c:5b:0d:d3:37:d8:50:4e:c5:3a:34\",algorithm=\"rsa-sha256\",signature=\""), "{auth}");
    let signature = auth
        .rsplit("signature=\"")
        .next()
        .unwrap()
        .trim_end_matches('"');
    let signing_string = format!(
        "date: {}\n(request-target): {} {}\nhost: {}",
        r.header("date").expect("date"),
        r.method.to_lowercase(),
        r.target,
        r.header("host").expect("host")
    );
    use base64::Engine as _;
    let sig = base64::engine::general_purpose::STANDARD
        .decode(signature)
        .unwrap();
    let pem = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/oci-test-key.pem"
    ))
    .unwrap();
    let der = base64::engine::general_purpose::STANDARD
        .decode(
            pem.lines()
                .filter(|l| !l.starts_with("-----"))
                .collect::<String>(),
        )
        .unwrap();
    let pair = aws_lc_rs::signature::RsaKeyPair::from_der(&der).unwrap();
    use aws_lc_rs::signature::KeyPair as _;
    let public = aws_lc_rs::signature::UnparsedPublicKey::new(
        &aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256,
        pair.public_key().as_ref(),
    );
    public
        .verify(signing_string.as_bytes(), &sig)
        .unwrap_or_else(|_| panic!("signature does not verify for:\n{signing_string}"));
}

#[tokio::test]
async fn oci_signs_the_request_the_server_receives() {
    let body = spec_example("oci-aidp", "200");
    let server = Server::always(
        Reply::json(200, &body)
            .with_header("etag", "\"abc\"")
            .with_header("opc-request-id", "SERVER-ID"),
    )
    .await;
    let client = oci_client(&server, RetryPolicy::disabled());
    let cred = client
        .get_credential()
        .ai_data_platform_id("ocid1.datalake.oc1.iad.aaaa")
        .credential_key("db_password")
        .should_update_recent(true)
        .send()
        .await
        .unwrap();
    assert_eq!(cred.headers().get("etag").unwrap(), "\"abc\"");
    let r = server.last();
    assert_eq!(
        r.target,
        "/20260430/aiDataPlatforms/ocid1.datalake.oc1.iad.aaaa/credentials/db_password"
    );
    assert_common_headers(&r, "application/json");
    assert_eq!(r.header("should-update-recent"), Some("true"));
    let id = r
        .header("opc-request-id")
        .expect("an opc-request-id is added");
    assert_eq!(id.len(), 32);
    assert!(id.chars().all(|c| c.is_ascii_hexdigit()));
    verify_oci_signature(&r);
    let date = httpdate::parse_http_date(r.header("date").unwrap()).unwrap();
    let skew = SystemTime::now().duration_since(date).unwrap_or_default();
    assert!(skew < Duration::from_secs(5));
}

#[tokio::test]
async fn oci_keeps_a_caller_supplied_request_id() {
    let server = Server::always(Reply::json(200, &spec_example("oci-aidp", "200"))).await;
    let client = oci_client(&server, RetryPolicy::disabled());
    client
        .get_credential()
        .ai_data_platform_id("p")
        .credential_key("k")
        .opc_request_id("my-request-1")
        .send()
        .await
        .unwrap();
    let r = server.last();
    assert_eq!(r.header("opc-request-id"), Some("my-request-1"));
    assert_eq!(r.headers_named("opc-request-id"), 1);
}

#[tokio::test]
async fn oci_config_file_sets_signer_and_region() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("oci-config");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/oci-test-key.pem"
        ),
        dir.join("key.pem"),
    )
    .unwrap();
    std::fs::write(
        dir.join("config"),
        "[DEFAULT]\nuser=ocid1.user.oc1..aaaatest\nfingerprint=20:3b:97:13:55:1c:5b:0d:d3:37:d8:50:4e:c5:3a:34\n\
         tenancy=ocid1.tenancy.oc1..aaaatest\nregion=eu-frankfurt-1\nkey_file=key.pem\n",
    )
    .unwrap();
    let client = oci_aidp::Client::builder()
        .oci_config_file(dir.join("config"), "DEFAULT")
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(
        client.base_url(),
        "https://aidp.eu-frankfurt-1.oci.oraclecloud.com"
    );
    // An explicit region wins over the profile's.
    let client = oci_aidp::Client::builder()
        .oci_config_file(dir.join("config"), "DEFAULT")
        .unwrap()
        .region("us-phoenix-1")
        .build()
        .unwrap();
    assert_eq!(
        client.base_url(),
        "https://aidp.us-phoenix-1.oci.oraclecloud.com"
    );
    let err = oci_aidp::Client::builder()
        .oci_config_file(dir.join("config"), "NOPE")
        .unwrap_err();
    assert!(err.to_string().contains("NOPE"), "{err}");
}

#[tokio::test]
async fn oci_retries_are_resigned_with_a_fresh_date() {
    let server = Server::sequence(vec![
        Reply::json(
            503,
            &json!({"code": "ServiceUnavailable", "message": "try later"}),
        )
        .with_header("retry-after", "1"),
        Reply::json(200, &spec_example("oci-aidp", "200")),
    ])
    .await;
    let client = oci_client(
        &server,
        RetryPolicy::for_api(&oci_aidp::API)
            .with_backoff(Duration::from_millis(5), Duration::from_millis(10)),
    );
    client
        .get_credential()
        .ai_data_platform_id("p")
        .credential_key("k")
        .send()
        .await
        .unwrap();
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_ne!(
        reqs[0].header("date"),
        reqs[1].header("date"),
        "each attempt gets a fresh date"
    );
    assert_eq!(
        reqs[0].header("opc-request-id"),
        reqs[1].header("opc-request-id"),
        "one request id across retries"
    );
    verify_oci_signature(&reqs[0]);
    verify_oci_signature(&reqs[1]);
    assert!(reqs[1].at - reqs[0].at >= Duration::from_millis(950));
}

#[tokio::test]
async fn oci_retries_409_incorrect_state_but_not_other_conflicts() {
    let policy = RetryPolicy::for_api(&oci_aidp::API)
        .with_backoff(Duration::from_millis(1), Duration::from_millis(2))
        .with_max_attempts(3);
    let server = Server::sequence(vec![
        Reply::json(409, &json!({"code": "IncorrectState", "message": "busy"})),
        Reply::json(200, &spec_example("oci-aidp", "200")),
    ])
    .await;
    oci_client(&server, policy.clone())
        .get_credential()
        .ai_data_platform_id("p")
        .credential_key("k")
        .send()
        .await
        .unwrap();
    assert_eq!(server.count(), 2);

    let server = Server::always(Reply::json(
        409,
        &json!({"code": "Conflict", "message": "no"}),
    ))
    .await;
    let err = oci_client(&server, policy)
        .get_credential()
        .ai_data_platform_id("p")
        .credential_key("k")
        .send()
        .await
        .unwrap_err();
    assert_eq!(server.count(), 1);
    // The body was read to decide, and is still there for the caller.
    match err {
        oci_aidp::Error::ErrorResponse(rv) => {
            assert_eq!(rv.status(), 409);
            assert_eq!(rv.code.as_deref(), Some("Conflict"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn oci_retries_409_lock_conflict_by_the_specs_body_code_rule() {
    let policy = RetryPolicy::for_api(&oci_aidp::API)
        .with_backoff(Duration::from_millis(1), Duration::from_millis(2));
    let server = Server::sequence(vec![
        Reply::json(409, &json!({"code": "LockConflict", "message": "locked"})),
        Reply::json(200, &spec_example("oci-aidp", "200")),
    ])
    .await;
    oci_client(&server, policy)
        .get_credential()
        .ai_data_platform_id("p")
        .credential_key("k")
        .send()
        .await
        .unwrap();
    assert_eq!(server.count(), 2);
}

#[test]
fn each_client_defaults_to_its_specs_retry_profile() {
    use credential_clients::runtime::ClientConfig;
    let oci = ClientConfig::new(&oci_aidp::API).retry_policy();
    assert_eq!(oci.max_attempts(), 8);
    assert_eq!(oci.initial_backoff(), Duration::from_secs(1));
    assert_eq!(oci.max_backoff(), Duration::from_secs(30));
    assert_eq!(oci.total_budget(), Duration::from_secs(300));
    for s in [408, 429, 500, 502, 503, 504, 599] {
        assert!(oci.retries_status(s), "{s}");
    }
    assert!(!oci.retries_status(404) && !oci.retries_status(409));
    assert!(oci.needs_body(reqwest::StatusCode::CONFLICT));
    for api in [&ankra::API, &awx::API, &tines::API, &netapp_astra::API] {
        let p = ClientConfig::new(api).retry_policy();
        assert_eq!(p.max_attempts(), 3, "{}", api.provider);
        assert_eq!(p.initial_backoff(), Duration::from_millis(200));
        assert_eq!(p.total_budget(), Duration::from_secs(30));
        assert!(p.retries_status(503) && !p.retries_status(501));
        assert!(!p.needs_body(reqwest::StatusCode::CONFLICT));
    }
}

// ---------------------------------------------------------------- retries

fn ankra(server: &Server, retry: RetryPolicy) -> ankra::Client {
    ankra::Client::builder()
        .base_url(server.url())
        .bearer_token(TOKEN)
        .retry(retry)
        .build()
        .unwrap()
}

async fn get_ankra(client: &ankra::Client) -> Result<(), ankra::Error<ankra::GetCredentialError>> {
    client
        .get_credential()
        .credential_id(uuid::Uuid::parse_str(UUID).unwrap())
        .send()
        .await
        .map(|_| ())
}

#[tokio::test]
async fn retries_503_then_succeeds() {
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
async fn gives_up_after_max_attempts_with_the_last_response() {
    let server = Server::always(Reply::status(503)).await;
    let err = get_ankra(&ankra(&server, fast_retries(4)))
        .await
        .unwrap_err();
    assert_eq!(server.count(), 4);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
}

#[tokio::test]
async fn does_not_retry_client_errors() {
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
async fn retries_can_be_turned_off() {
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
async fn honours_retry_after_in_seconds() {
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
async fn honours_retry_after_as_an_http_date() {
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
async fn retry_after_is_capped() {
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
async fn the_time_budget_stops_retries() {
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
async fn backoff_waits_between_attempts() {
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
async fn retries_a_dropped_connection() {
    let server = Server::sequence(vec![
        Reply::Close,
        Reply::json(200, &spec_example("ankra", "200")),
    ])
    .await;
    get_ankra(&ankra(&server, fast_retries(3))).await.unwrap();
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn retries_connection_refused_then_reports_it() {
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

// --------------------------------------------------------------- timeouts

#[tokio::test]
async fn a_server_slower_than_the_timeout_is_a_timeout_error() {
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

// ------------------------------------------------------------ path safety

/// Ids that try to leave the route. Each is either refused before anything
/// is sent, or arrives percent-encoded as exactly one segment on the route.
const ADVERSARIAL_IDS: &[&str] = &[
    "..",
    ".",
    "",
    "../x",
    "../../admin",
    "..%2f",
    "%2e%2e",
    "%2E%2E",
    ".%2e",
    "a/b",
    "a/../b",
    "/",
    "//",
    "a?b=c",
    "?",
    "a#frag",
    "#",
    "a b",
    "a\\b",
    "..\\..",
    "\\",
    "a\tb",
    "a\nb",
    "a\r\nHost: evil",
    "ключ",
    "😀",
    "a;b",
    "a%00b",
    "a\0b",
    "%",
    "%%",
    "a+b",
    "a.b",
    "...",
    ". .",
    "./",
    "&x=1",
    "~user",
    "a@b",
    "x:y",
    "C:\\",
    "\u{202e}gnp.exe",
    "%252e%252e",
    "a/./b",
    ".\u{0}.",
];

/// The ids of [`ADVERSARIAL_IDS`] refused before anything is sent: empty,
/// `.` and `..`, and those with a backslash (the URL parser reads `\` as
/// `/` in http URLs, so the route would change). All others are sent,
/// encoded, as one segment (`%2e%2e` arrives as the text `%2e%2e`).
const REFUSED_IDS: &[&str] = &["..", ".", "", "a\\b", "..\\..", "\\", "C:\\"];

#[tokio::test]
async fn path_parameters_cannot_change_the_route() {
    let server = Server::always(Reply::json(200, &spec_example("oci-aidp", "200"))).await;
    let client = oci_client(&server, RetryPolicy::disabled());
    let prefix = "/20260430/aiDataPlatforms/platform-1/credentials/";
    let mut refused_ids: Vec<&str> = Vec::new();
    for id in ADVERSARIAL_IDS {
        let before = (server.count(), server.connections());
        let result = client
            .get_credential()
            .ai_data_platform_id("platform-1")
            .credential_key(*id)
            .send()
            .await;
        match result {
            Ok(_) => {
                assert_eq!(server.count(), before.0 + 1, "{id:?}");
                let r = server.last();
                let segment = r
                    .target
                    .strip_prefix(prefix)
                    .unwrap_or_else(|| panic!("{id:?} left the route: {}", r.request_line));
                assert!(
                    !segment.contains('/') && !segment.contains('?') && !segment.contains('#'),
                    "{id:?}: {}",
                    r.request_line
                );
                let decoded = percent_encoding::percent_decode_str(segment)
                    .decode_utf8()
                    .unwrap();
                assert_eq!(decoded, *id, "{id:?} arrived as {}", r.request_line);
            }
            Err(e) => {
                refused_ids.push(id);
                assert!(
                    matches!(e, oci_aidp::Error::InvalidRequest(_)),
                    "{id:?}: {e:?}"
                );
                assert_eq!(
                    (server.count(), server.connections()),
                    before,
                    "{id:?} was refused but something was sent"
                );
            }
        }
    }
    // Each id's outcome is pinned: exactly these are refused before
    // sending; every other one arrived above as one encoded segment.
    assert_eq!(refused_ids, REFUSED_IDS, "refused ids changed");
    assert_eq!(ADVERSARIAL_IDS.len(), 45);
}

/// Every path parameter of every provider (`with_providers!`) that can hold
/// text, with every adversarial id (the others at their examples): the id is
/// either refused before anything is sent (`InvalidRequest`), or arrives as
/// exactly its own segment of the route, which keeps its shape.
#[tokio::test]
async fn no_path_parameter_of_any_provider_can_change_the_route() {
    let mut tried = 0;
    let mut seen = Vec::new();
    for p in crate::providers::all() {
        let server = Server::always(Reply::status(418)).await;
        let parts = p.config(&server.url()).build().unwrap();
        let template = p.expected_template();
        let template: Vec<&str> = template.split('/').collect();
        let examples = p.example_parameters();
        for (name, location, _) in &examples {
            if *location != "path" {
                continue;
            }
            for id in ADVERSARIAL_IDS {
                let Ok(client) = p.client_with_value(&parts, name, id) else {
                    // The parameter's type (a number, a UUID) refuses the
                    // text before any request exists.
                    continue;
                };
                tried += 1;
                let what = format!("{p:?} {name}={id:?}");
                let before = (server.count(), server.connections());
                match client.call().await.result {
                    Err(credential_clients::ankra::Error::UnexpectedResponse(r)) => {
                        assert_eq!(r.status(), 418, "{what}");
                        assert_eq!(server.count(), before.0 + 1, "{what}");
                        let r = server.last();
                        let got: Vec<&str> = r.path().split('/').collect();
                        assert_eq!(got.len(), template.len(), "{what}: {}", r.request_line);
                        for (segment, want) in got.iter().zip(&template) {
                            let decoded = percent_encoding::percent_decode_str(segment)
                                .decode_utf8()
                                .unwrap();
                            let mut want = want.replace(&format!("{{{name}}}"), id);
                            for (other, location, value) in &examples {
                                if *location == "path" && other != name {
                                    want = want.replace(&format!("{{{other}}}"), value);
                                }
                            }
                            assert_eq!(decoded, want, "{what}: {}", r.request_line);
                        }
                    }
                    Err(credential_clients::ankra::Error::InvalidRequest(_)) => {
                        assert_eq!(
                            (server.count(), server.connections()),
                            before,
                            "{what} was refused but something was sent"
                        );
                    }
                    Err(other) => panic!("{what}: {other:?}"),
                    Ok(_) => panic!("{what}: a 418 was accepted"),
                }
            }
        }
        seen.push(p.stem);
    }
    crate::providers::covered(
        "http_runtime::no_path_parameter_of_any_provider_can_change_the_route",
        &seen,
    );
    // OCI's two text keys (the platform id and the key) took nearly every
    // id (the CLI refuses an empty value); Astra's ids are typed by their
    // pattern and refuse them while parsing.
    assert!(tried >= ADVERSARIAL_IDS.len() + 40, "{tried}");
}

#[tokio::test]
async fn unsafe_ids_are_refused_with_a_clear_error() {
    let server = Server::always(Reply::status(200)).await;
    let client = oci_client(&server, RetryPolicy::disabled());
    for id in ["..", ".", "a\\..\\..\\b"] {
        let err = client
            .get_credential()
            .ai_data_platform_id("p")
            .credential_key(id)
            .send()
            .await
            .unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("refused before sending"), "{id:?}: {msg}");
    }
    assert_eq!(server.connections(), 0);
}

// ------------------------------------------------------------ secrets

#[tokio::test]
async fn debug_output_never_shows_secrets() {
    let builder = ankra::Client::builder().bearer_token(TOKEN);
    assert!(!format!("{builder:?}").contains(TOKEN));
    let client = builder.build().unwrap();
    assert!(!format!("{client:?}").contains(TOKEN), "{client:?}");
    assert!(!format!("{:?}", client.runtime()).contains(TOKEN));

    let awx = awx::Client::builder()
        .basic_auth("admin", TOKEN)
        .build()
        .unwrap();
    // Neither the password nor the header value it becomes (base64 of
    // `user:password`, or any base64 window of the password) is shown.
    use base64::Engine as _;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("admin:{TOKEN}"));
    for shown in [format!("{awx:?}"), format!("{:#?}", awx.runtime())] {
        assert!(!shown.contains(TOKEN), "{shown}");
        assert!(!shown.contains(&basic), "{shown}");
        assert!(!shown.contains(&basic[8..basic.len() - 4]), "{shown}");
    }

    // Tines' legacy `X-User-Token` header and its bearer key.
    let tines_user_token = tines::Client::builder()
        .tenant("acme")
        .user_token(TOKEN)
        .build()
        .unwrap();
    for shown in [
        format!("{tines_user_token:?}"),
        format!("{:#?}", tines_user_token.runtime()),
    ] {
        assert!(!shown.contains(TOKEN), "{shown}");
    }

    // Free-form objects (AWX `inputs`, Tines `metadata`) redact values under
    // secret-looking keys in Debug, at every depth.
    let mut body = spec_example("awx", "200");
    body["inputs"] =
        json!({"username": "deploy", "vault_password": TOKEN, "nested": {"api_key": TOKEN}});
    let cred: awx::types::Credential = serde_json::from_value(body).unwrap();
    let shown = format!("{cred:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
    assert!(shown.contains("deploy"), "{shown}");

    let oci = oci_aidp::Client::builder()
        .oci_signer(oci_signer())
        .build()
        .unwrap();
    let pem = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/oci-test-key.pem"
    ))
    .unwrap();
    let debug = format!("{oci:?}");
    for line in pem.lines().filter(|l| !l.starts_with("-----")) {
        assert!(!debug.contains(line), "{debug}");
    }
}

#[tokio::test]
async fn decode_errors_never_show_a_credential_body() {
    // A credential body that does not parse (id is not a UUID) but carries a
    // token: the error must not print it.
    let server = Server::always(Reply::json(
        200,
        &json!({"id": "nope", "name": "x", "token": TOKEN}),
    ))
    .await;
    let err = get_ankra(&ankra(&server, RetryPolicy::disabled()))
        .await
        .unwrap_err();
    assert!(
        matches!(err, ankra::Error::InvalidResponsePayload(..)),
        "{err:?}"
    );
    for shown in [format!("{err}"), format!("{err:?}"), format!("{err:#}")] {
        assert!(!shown.contains(TOKEN), "{shown}");
    }
}

#[tokio::test]
async fn secret_fields_are_redacted_in_parsed_credentials() {
    let mut body = spec_example("ankra", "200");
    body["token"] = json!(TOKEN);
    let server = Server::always(Reply::json(200, &body)).await;
    let client = ankra(&server, RetryPolicy::disabled());
    let cred = client
        .get_credential()
        .credential_id(uuid::Uuid::parse_str(UUID).unwrap())
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(!format!("{cred:?}").contains(TOKEN));
    assert_eq!(cred.token.as_ref().unwrap().expose_secret(), TOKEN);
    // Serializing gives the real value back (round trip).
    assert_eq!(serde_json::to_value(&cred).unwrap()["token"], json!(TOKEN));
}

#[tokio::test]
async fn build_errors_are_typed_and_clear() {
    let err = ankra::Client::builder()
        .base_url("ftp://x")
        .build()
        .unwrap_err();
    assert!(
        matches!(
            err,
            credential_clients::runtime::BuildError::InvalidBaseUrl { .. }
        ),
        "{err}"
    );
    let err = ankra::Client::builder()
        .base_url("https://user:hunter2@x.example")
        .build()
        .unwrap_err();
    assert!(
        matches!(
            err,
            credential_clients::runtime::BuildError::InvalidBaseUrl { .. }
        ),
        "{err}"
    );
    assert!(!err.to_string().contains("hunter2"), "{err}");
    let err = ankra::Client::builder()
        .base_url("http://x")
        .bearer_token("t")
        .build();
    assert!(err.is_ok());
}

#[test]
fn the_oci_realm_domain_follows_the_region_as_in_oracles_sdks() {
    let base = |region: &str| {
        oci_aidp::Client::builder()
            .region(region)
            .build()
            .unwrap()
            .base_url()
            .to_string()
    };
    assert_eq!(
        base("us-ashburn-1"),
        "https://aidp.us-ashburn-1.oci.oraclecloud.com"
    );
    assert_eq!(
        base("uk-gov-london-1"),
        "https://aidp.uk-gov-london-1.oci.oraclegovcloud.uk"
    );
    assert_eq!(
        base("us-langley-1"),
        "https://aidp.us-langley-1.oci.oraclegovcloud.com"
    );
    // An explicit domain wins over the realm table.
    let explicit = oci_aidp::Client::builder()
        .region("uk-gov-london-1")
        .second_level_domain("example.test")
        .build()
        .unwrap();
    assert_eq!(
        explicit.base_url(),
        "https://aidp.uk-gov-london-1.oci.example.test"
    );
}
