//! Secrets never in `Debug` output, error messages or logs.

use super::*;

#[tokio::test]
pub(super) async fn debug_output_never_shows_secrets() {
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
pub(super) async fn decode_errors_never_show_a_credential_body() {
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
pub(super) async fn secret_fields_are_redacted_in_parsed_credentials() {
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
pub(super) async fn build_errors_are_typed_and_clear() {
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
pub(super) fn the_oci_realm_domain_follows_the_region_as_in_oracles_sdks() {
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
