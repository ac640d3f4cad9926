//! Exit codes and messages: 401/403 (3), 404 (4), 429 (5), network (6),
//! bad arguments and configuration (2), other server errors (1).

use crate::support;

use httpmock::MockServer;
use serde_json::json;
use support::{closed_port, credctl, stderr};

fn code(output: &std::process::Output) -> i32 {
    output.status.code().expect("exited normally")
}

#[test]
fn unauthorized_names_the_variable_to_check() {
    let home = tempfile::tempdir().unwrap();
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.path("/api/v1/user_credentials/7");
        then.status(401)
            .header("content-type", "application/json")
            .json_body(json!({"errors": [{"message": "Unauthorized"}]}));
    });
    let output = credctl(home.path())
        .args(["get", "tines", "7"])
        .env("TINES_API_KEY", "wrong-key")
        .env("TINES_BASE_URL", server.base_url())
        .output()
        .unwrap();
    assert_eq!(code(&output), 3, "{}", stderr(&output));
    assert_eq!(
        stderr(&output).trim(),
        "credctl: 401 from tines: the API key was rejected; check TINES_API_KEY \
         (server said: Unauthorized)"
    );
    assert!(output.stdout.is_empty());
    assert!(!stderr(&output).contains("wrong-key"));
    mock.assert_calls(1);
}

#[test]
fn unauthorized_with_basic_auth_and_a_flag() {
    let home = tempfile::tempdir().unwrap();
    let server = MockServer::start();
    server.mock(|when, then| {
        when.path("/credentials/5/");
        then.status(401)
            .header("content-type", "application/json")
            .header("www-authenticate", "Bearer realm=\"api\"")
            .json_body(json!({"detail": "Invalid username/password."}));
    });
    let output = credctl(home.path())
        .args(["get", "awx", "5", "--username", "admin"])
        .args(["--base-url", &server.base_url()])
        .env("AWX_PASSWORD", "nope")
        .output()
        .unwrap();
    assert_eq!(code(&output), 3);
    let err = stderr(&output);
    assert!(
        err.contains("401 from awx: the user name or password was rejected; check --username and AWX_PASSWORD"),
        "{err}"
    );
    assert!(err.contains("Invalid username/password."), "{err}");
}

#[test]
fn forbidden_is_an_auth_failure() {
    let home = tempfile::tempdir().unwrap();
    let server = MockServer::start();
    server.mock(|when, then| {
        when.path_prefix("/api/v1/org/credentials/");
        then.status(403)
            .header("content-type", "application/json")
            .json_body(json!({"detail": "permission_denied", "permission": "credentials:read"}));
    });
    let output = credctl(home.path())
        .args(["get", "ankra", "3c90c3cc-0d44-4b50-8888-8dd25736052a"])
        .env("ANKRA_TOKEN", "t")
        .env("ANKRA_BASE_URL", server.base_url())
        .output()
        .unwrap();
    assert_eq!(code(&output), 3);
    let err = stderr(&output);
    assert!(err.contains("403 from ankra: access denied"), "{err}");
    assert!(err.contains("permission_denied"), "{err}");
}

#[test]
fn not_found() {
    let home = tempfile::tempdir().unwrap();
    let server = MockServer::start();
    let body = support::example("netapp-astra", "404");
    let mock = server.mock(|when, then| {
        when.path_prefix("/accounts/");
        then.status(404)
            .header("content-type", "application/problem+json")
            .json_body(body);
    });
    let output = credctl(home.path())
        .args([
            "get",
            "netapp-astra",
            "9a41e0d7-2c5b-4f3e-8d16-b7c2a90e4f58",
            "--account-id",
            "3f1c9a52-7d4e-4b8a-9e21-6c0d5b7a2f14",
        ])
        .env("ASTRA_API_TOKEN", "t")
        .env("NETAPP_ASTRA_BASE_URL", server.base_url())
        .output()
        .unwrap();
    assert_eq!(code(&output), 4, "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.starts_with("credctl: 404 from netapp-astra: not found"),
        "{err}"
    );
    assert!(err.contains(&server.base_url()), "{err}");
    mock.assert_calls(1);
}

#[test]
fn rate_limited_after_the_clients_retries() {
    let home = tempfile::tempdir().unwrap();
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.path("/api/v1/user_credentials/7");
        then.status(429)
            .header("content-type", "text/plain")
            .header("retry-after", "0")
            .body("Retry later");
    });
    let output = credctl(home.path())
        .args(["get", "tines", "7", "--retries", "1"])
        .env("TINES_API_KEY", "k")
        .env("TINES_BASE_URL", server.base_url())
        .output()
        .unwrap();
    assert_eq!(code(&output), 5, "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains("429 from tines: rate limited after 2 attempts"),
        "{err}"
    );
    assert!(err.contains("Retry-After"), "{err}");
    mock.assert_calls(2);
}

#[test]
fn network_errors() {
    let home = tempfile::tempdir().unwrap();
    let closed = closed_port();
    let url = format!("http://127.0.0.1:{}", closed.port);
    let output = credctl(home.path())
        .args(["get", "tines", "7", "--retries", "0", "--base-url", &url])
        .env("TINES_API_KEY", "k")
        .output()
        .unwrap();
    assert_eq!(code(&output), 6, "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains(&format!("network error: cannot connect to tines at {url}")),
        "{err}"
    );
    assert!(err.contains("TINES_BASE_URL"), "{err}");

    // AWX's server variables: --host and --base-path build the base URL
    // (https on the closed port).
    let host = format!("127.0.0.1:{}", closed.port);
    let output = credctl(home.path())
        .args(["get", "awx", "5", "--retries", "0", "--token", "t"])
        .args(["--host", &host, "--base-path", "/api/controller/v2"])
        .output()
        .unwrap();
    assert_eq!(code(&output), 6, "{}", stderr(&output));
    assert!(
        stderr(&output).contains(&format!("awx at https://{host}/api/controller/v2")),
        "{}",
        stderr(&output)
    );
}

#[test]
fn bad_arguments_exit_2() {
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = credctl(home.path());
        cmd.args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    };
    let key = [
        ("TINES_API_KEY", "k"),
        ("TINES_BASE_URL", "http://127.0.0.1:9"),
    ];
    for (args, env, needle) in [
        (&["get", "tines"][..], &key[..], "<CREDENTIAL_ID>"),
        (&["get", "tines", "seven"], &key, "invalid value 'seven'"),
        (
            &["get", "nope", "1"],
            &key,
            "unrecognized subcommand 'nope'",
        ),
        (
            &["get", "tines", "7", "--output", "yaml"],
            &key,
            "invalid value 'yaml'",
        ),
        (
            &["get", "tines", "7"],
            &[],
            "tines needs the API key: set --token, TINES_TOKEN",
        ),
        (
            &["get", "awx", "1"],
            &[("AWX_USERNAME", "admin")],
            "awx needs a token, or a user name and password",
        ),
        (
            &["get", "oci-aidp", "k", "--ai-data-platform-id", "p"],
            &[],
            "no config file at ~/.oci/config",
        ),
        (
            &[
                "get",
                "netapp-astra",
                "9a41e0d7-2c5b-4f3e-8d16-b7c2a90e4f58",
            ],
            &[("ASTRA_API_TOKEN", "t")],
            "--account-id <account-id>",
        ),
        (
            &["get", "awx", "1", "--token", "t", "--base-path", "/evil"],
            &[],
            "allowed values are /api/v2, /api/controller/v2",
        ),
        (
            &["get", "tines", "7", "--retries", "many"],
            &key,
            "invalid retries `many`",
        ),
        (
            &["get", "tines", "7", "--config", "/nonexistent.toml"],
            &key,
            "cannot read config file",
        ),
    ] {
        let output = run(args, env);
        assert_eq!(code(&output), 2, "{args:?}: {}", stderr(&output));
        assert!(
            stderr(&output).contains(needle),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(output.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn server_errors_exit_1() {
    let home = tempfile::tempdir().unwrap();
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.path("/api/v1/user_credentials/7");
        then.status(502).body("<html>Bad gateway</html>");
    });
    let output = credctl(home.path())
        .args(["get", "tines", "7", "--retries", "0"])
        .env("TINES_API_KEY", "k")
        .env("TINES_BASE_URL", server.base_url())
        .output()
        .unwrap();
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(stderr(&output).contains("502 from tines: server error"));
    mock.assert_calls(1);
}
