//! `credctl get` for every provider against local mocks: the request on the
//! wire (path, query, auth), JSON output with and without redaction, the
//! normalized table, and the generated per-provider subcommands.

use crate::support;

use httpmock::MockServer;
use serde_json::Value;
use support::{Case, cases, credctl, stdout};

#[test]
fn every_provider_get_prints_redacted_json() {
    let home = tempfile::tempdir().unwrap();
    for case in cases(home.path()) {
        let server = MockServer::start();
        let mock = case.mock(&server);
        let output = case.command(home.path(), &server).output().unwrap();
        assert!(
            output.status.success(),
            "{}: {:?}\n{}",
            case.stem,
            output.status,
            support::stderr(&output)
        );
        mock.assert();
        let text = stdout(&output);
        let json: Value = serde_json::from_str(&text).unwrap();
        for field in ["name", "displayName"] {
            if let Some(expected) = case.body.get(field) {
                assert_eq!(&json[field], expected, "{}", case.stem);
            }
        }
        for (pointer, real) in &case.secrets {
            assert_eq!(
                json.pointer(pointer),
                Some(&Value::from("<redacted>")),
                "{}: {pointer}",
                case.stem
            );
            assert!(
                !text.contains(real.as_str()),
                "{}: secret leaked",
                case.stem
            );
        }
    }
}

#[test]
fn reveal_secrets_prints_the_real_values() {
    let home = tempfile::tempdir().unwrap();
    let with_secrets: Vec<Case> = cases(home.path())
        .into_iter()
        .filter(|c| !c.secrets.is_empty())
        .collect();
    assert_eq!(
        with_secrets.iter().map(|c| c.stem).collect::<Vec<_>>(),
        ["ankra", "oci-aidp"]
    );
    for case in with_secrets {
        let server = MockServer::start();
        let mock = case.mock(&server);
        let output = case
            .command(home.path(), &server)
            .arg("--reveal-secrets")
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", support::stderr(&output));
        mock.assert();
        let json: Value = serde_json::from_slice(&output.stdout).unwrap();
        for (pointer, real) in &case.secrets {
            assert_eq!(json.pointer(pointer), Some(&Value::from(real.as_str())));
        }
    }
}

#[test]
fn every_provider_get_prints_the_normalized_table() {
    let home = tempfile::tempdir().unwrap();
    for case in cases(home.path()) {
        let server = MockServer::start();
        let mock = case.mock(&server);
        let output = case
            .command(home.path(), &server)
            .args(["--output", "table"])
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", support::stderr(&output));
        mock.assert();
        let text = stdout(&output);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{}: {text}", case.stem);
        assert!(
            lines[0].starts_with("PROVIDER") && lines[0].ends_with("SECRETS"),
            "{text}"
        );
        let name = case
            .body
            .get("name")
            .or_else(|| case.body.get("displayName"))
            .and_then(Value::as_str)
            .unwrap();
        assert!(lines[1].starts_with(case.stem), "{text}");
        assert!(lines[1].contains(&case.id), "{text}");
        assert!(lines[1].contains(name), "{text}");
        for (pointer, real) in &case.secrets {
            let path = pointer
                .trim_start_matches('/')
                .replace("/0/", "[0].")
                .replace("/1/", "[1].")
                .replace('/', ".");
            assert!(lines[1].contains(&path), "{}: {path} in {text}", case.stem);
            assert!(!text.contains(real.as_str()));
        }
        if case.secrets.is_empty() {
            assert!(lines[1].ends_with(" -"), "{text}");
        }
    }
}

#[test]
fn table_shows_astra_expiry_and_unknown_enum_values() {
    let home = tempfile::tempdir().unwrap();
    let server = MockServer::start();
    let mut case = cases(home.path()).remove(2);
    assert_eq!(case.stem, "netapp-astra");
    case.body["keyType"] = "vaultAppRole".into();
    case.body["validUntilTimestamp"] = "2024-06-30T23:59:59.5Z".into();
    let mock = case.mock(&server);
    let output = case
        .command(home.path(), &server)
        .args(["-o", "table"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", support::stderr(&output));
    mock.assert();
    let text = stdout(&output);
    assert!(text.contains("  vaultAppRole  "), "{text}");
    assert!(text.contains("2024-06-30T23:59:59.500Z"), "{text}");
}

#[test]
fn generated_provider_subcommands() {
    let home = tempfile::tempdir().unwrap();
    for case in cases(home.path()) {
        let server = MockServer::start();
        let mock = case.mock(&server);
        // `credctl <stem> get-credential --<id-param> <id> ...`, as progenitor generates it.
        // The id is the route's last parameter (from the spec).
        let spec = support::spec(case.stem);
        let op = xtask::spec::credential_operation(&spec).expect("a credential operation");
        let route = xtask::spec::credential_path(&spec, &op.pointer);
        let last = xtask::spec::template_names(&route)
            .pop()
            .expect("a path parameter");
        let id_flag = format!("--{}", xtask::spec::sanitize_snake(&last).replace('_', "-"));
        let mut cmd = credctl(home.path());
        cmd.arg(case.stem)
            .arg("get-credential")
            .arg(&id_flag)
            .arg(&case.id)
            .args(&case.args)
            .arg("--base-url")
            .arg(format!("{}{}", server.base_url(), case.base_path));
        for (k, v) in &case.env {
            cmd.env(k, v);
        }
        let output = cmd.output().unwrap();
        assert!(
            output.status.success(),
            "{}: {}",
            case.stem,
            support::stderr(&output)
        );
        mock.assert();
        // The same output as `credctl get`: the whole body, with secrets
        // redacted (and absent from everything printed).
        let text = stdout(&output);
        let printed: Value = serde_json::from_str(&text).unwrap();
        let mut expected = case.body.clone();
        for (pointer, real) in &case.secrets {
            *expected
                .pointer_mut(pointer)
                .expect("the secret is in the body") = Value::from("<redacted>");
            assert!(
                !text.contains(real.as_str()),
                "{}: secret leaked",
                case.stem
            );
        }
        assert!(
            credential_clients::runtime::mock::same_json(&expected, &printed),
            "{}: printed JSON differs from the body\n sent: {expected}\n printed: {printed}",
            case.stem
        );
    }
}

#[test]
fn tines_legacy_user_token_header() {
    let home = tempfile::tempdir().unwrap();
    let server = MockServer::start();
    let body = support::example("tines", "200");
    let mock = server.mock(|when, then| {
        when.path("/api/v1/user_credentials/7")
            .header("x-user-token", "legacy-key")
            .header_missing("authorization");
        then.status(200)
            .header("content-type", "application/json")
            .json_body(body);
    });
    let output = credctl(home.path())
        .args([
            "get",
            "tines",
            "7",
            "--api-key-header",
            "--token",
            "legacy-key",
        ])
        .args(["--base-url", &server.base_url()])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", support::stderr(&output));
    mock.assert();
}

/// `--auth`: a session profile (`oci session authenticate`) signs with
/// `keyId="ST$<token>"`, by default and with `--auth session-token`;
/// `--auth api-key` on it is refused with a clear error; a bad mode names
/// the valid ones.
#[test]
fn oci_session_token_profiles_sign_with_the_session_token() {
    use base64::Engine as _;
    let home = tempfile::tempdir().unwrap();
    let dir = home.path();
    support::oci_config(dir);
    let b64 = |v: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
    let token = format!(
        "{}.{}.sig",
        b64(r#"{"alg":"RS256"}"#),
        b64(r#"{"exp":4102444800,"sub":"ocid1.user.oc1..u"}"#)
    );
    std::fs::write(dir.join("token"), &token).unwrap();
    let config = dir.join("session-config");
    std::fs::write(
        &config,
        "[SESSION]\n\
         tenancy=ocid1.tenancy.oc1..testtenancy\n\
         region=us-ashburn-1\n\
         key_file=oci_api_key.pem\n\
         security_token_file=token\n",
    )
    .unwrap();
    let server = MockServer::start();
    let body = support::example("oci-aidp", "200");
    let key = body["key"].as_str().unwrap().to_string();
    let mock = server.mock(|when, then| {
        when.path(format!("/20260430/aiDataPlatforms/p/credentials/{key}"))
            .header_prefix(
                "authorization",
                format!("Signature version=\"1\",headers=\"date (request-target) host\",keyId=\"ST${token}\""),
            );
        then.status(200)
            .header("content-type", "application/json")
            .json_body(body.clone());
    });
    for auth in [None, Some("session-token"), Some("security_token")] {
        let mut cmd = credctl(dir);
        cmd.args(["get", "oci-aidp", &key, "--ai-data-platform-id", "p"])
            .args([
                "--oci-config-file",
                config.to_str().unwrap(),
                "--oci-profile",
                "SESSION",
            ])
            .args(["--base-url", &server.base_url()]);
        if let Some(auth) = auth {
            cmd.args(["--auth", auth]);
        }
        let output = cmd.output().unwrap();
        assert!(
            output.status.success(),
            "{auth:?}: {}",
            support::stderr(&output)
        );
        assert!(!support::stderr(&output).contains(&token));
    }
    assert_eq!(mock.calls(), 3);

    let output = credctl(dir)
        .args(["get", "oci-aidp", &key, "--ai-data-platform-id", "p"])
        .args([
            "--oci-config-file",
            config.to_str().unwrap(),
            "--oci-profile",
            "SESSION",
        ])
        .args(["--auth", "api-key", "--base-url", &server.base_url()])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let err = support::stderr(&output);
    assert!(!err.contains(&token), "{err}");
    assert_eq!(mock.calls(), 3, "nothing sent");

    let output = credctl(dir)
        .args([
            "get",
            "oci-aidp",
            &key,
            "--ai-data-platform-id",
            "p",
            "--auth",
            "password",
        ])
        .args(["--base-url", &server.base_url()])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "{}",
        support::stderr(&output)
    );
    assert!(
        support::stderr(&output).contains("--auth"),
        "{}",
        support::stderr(&output)
    );
}

/// `credctl get` prints what the server sent, apart from redacted secrets:
/// every provider's example with an unknown member added to every object
/// (at every depth, in arrays and unions) comes back whole.
#[test]
fn every_provider_get_prints_the_whole_body() {
    let home = tempfile::tempdir().unwrap();
    for mut case in cases(home.path()) {
        let spec = support::spec(case.stem);
        let op = xtask::spec::credential_operation(&spec).expect("a credential operation");
        let schema = op
            .op
            .pointer("/responses/200/content")
            .and_then(Value::as_object)
            .and_then(|c| c.values().next())
            .and_then(|m| m.get("schema"))
            .cloned()
            .expect("a 200 schema");
        case.body = xtask::selftest::with_unknown_members(&spec, &schema, &case.body, 0);
        assert!(
            case.body.get(xtask::selftest::EXTRA_MEMBER).is_some(),
            "{}",
            case.stem
        );
        let server = MockServer::start();
        let mock = case.mock(&server);
        let output = case.command(home.path(), &server).output().unwrap();
        assert!(
            output.status.success(),
            "{}: {}",
            case.stem,
            support::stderr(&output)
        );
        mock.assert();
        let printed: Value = serde_json::from_str(&stdout(&output)).unwrap();
        let mut expected = case.body.clone();
        for (pointer, _) in &case.secrets {
            if let Some(v) = expected.pointer_mut(pointer) {
                *v = Value::from("<redacted>");
            }
        }
        assert!(
            credential_clients::runtime::mock::same_json(&expected, &printed),
            "{}: printed JSON differs from the body\n sent: {expected}\n printed: {printed}",
            case.stem
        );
    }
}
