//! OCI request signing over HTTP: signatures verified by the test server,
//! re-signed retries, request ids.

use super::*;

pub(super) fn oci_signer() -> credential_clients::runtime::oci::Signer {
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

pub(super) fn oci_client(server: &Server, retry: RetryPolicy) -> oci_aidp::Client {
    oci_aidp::Client::builder()
        .base_url(server.url())
        .oci_signer(oci_signer())
        .retry(retry)
        .build()
        .unwrap()
}

/// Verify the OCI signature of a recorded request with the test key's public
/// half, from what the server received.
pub(super) fn verify_oci_signature(r: &Recorded) {
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
pub(super) async fn oci_signs_the_request_the_server_receives() {
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
pub(super) async fn oci_keeps_a_caller_supplied_request_id() {
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
pub(super) async fn oci_config_file_sets_signer_and_region() {
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
pub(super) async fn oci_retries_are_resigned_with_a_fresh_date() {
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
pub(super) async fn oci_retries_409_incorrect_state_but_not_other_conflicts() {
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
pub(super) async fn oci_retries_409_lock_conflict_by_the_specs_body_code_rule() {
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
pub(super) fn each_client_defaults_to_its_specs_retry_profile() {
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
