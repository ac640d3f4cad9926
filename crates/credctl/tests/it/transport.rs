//! The hardened transport through the binary: TLS with a CA file or the
//! loudly warned `--insecure`, mutual TLS, an explicit proxy, the
//! response-size cap, `-v` tracing on stderr, request ids in errors, and a
//! quiet exit when stdout is closed (`credctl get ... | head -1`).

use crate::support;

use std::io::Read as _;
use std::process::Stdio;

use httpmock::MockServer;
use serde_json::json;
use support::tls::{Pki, TlsServer};
use support::{credctl, example, oci_config, stderr};

fn tines_body() -> String {
    example("tines", "200").to_string()
}

fn tines_mock(server: &MockServer) {
    server.mock(|when, then| {
        when.path("/api/v1/user_credentials/7");
        then.status(200)
            .header("content-type", "application/json")
            .json_body(example("tines", "200"));
    });
}

#[test]
fn tls_needs_the_ca_from_a_flag_the_environment_or_the_config_file() {
    let home = tempfile::tempdir().unwrap();
    let pki = Pki::new(home.path());
    let server = TlsServer::start(&pki, false, tines_body());
    let get = || {
        let mut cmd = credctl(home.path());
        cmd.args(["get", "tines", "7", "--retries", "0"])
            .env("TINES_TOKEN", "t")
            .env("TINES_BASE_URL", server.url());
        cmd
    };
    let output = get().output().unwrap();
    assert_eq!(output.status.code(), Some(6), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("network error"),
        "{}",
        stderr(&output)
    );

    let output = get().arg("--ca-cert").arg(&pki.ca).output().unwrap();
    assert!(output.status.success(), "flag: {}", stderr(&output));

    let output = get().env("CREDCTL_CA_CERT", &pki.ca).output().unwrap();
    assert!(output.status.success(), "env: {}", stderr(&output));

    let config = home.path().join("credctl.toml");
    std::fs::write(
        &config,
        format!("ca_cert = {:?}\n", pki.ca.display().to_string()),
    )
    .unwrap();
    let output = get().arg("--config").arg(&config).output().unwrap();
    assert!(output.status.success(), "file: {}", stderr(&output));
    assert_eq!(server.requests(), 3);

    let output = get()
        .args(["--ca-cert", "/nonexistent/ca.pem"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output)
            .contains("cannot read the CA certificate /nonexistent/ca.pem (from --ca-cert)"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn insecure_works_and_warns_every_time() {
    let home = tempfile::tempdir().unwrap();
    let pki = Pki::new(home.path());
    let server = TlsServer::start(&pki, false, tines_body());
    for (flag, env) in [(true, None), (false, Some("true"))] {
        let mut cmd = credctl(home.path());
        cmd.args(["get", "tines", "7"])
            .env("TINES_TOKEN", "t")
            .env("TINES_BASE_URL", server.url());
        if flag {
            cmd.arg("--insecure");
        }
        if let Some(v) = env {
            cmd.env("CREDCTL_INSECURE", v);
        }
        let output = cmd.output().unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        assert!(
            stderr(&output).contains("warning: TLS certificates are not verified"),
            "{}",
            stderr(&output)
        );
    }
}

#[test]
fn mutual_tls_with_the_client_identity() {
    let home = tempfile::tempdir().unwrap();
    let pki = Pki::new(home.path());
    let server = TlsServer::start(&pki, true, tines_body());
    let get = || {
        let mut cmd = credctl(home.path());
        cmd.args(["get", "tines", "7", "--retries", "0"])
            .env("TINES_TOKEN", "t")
            .env("TINES_BASE_URL", server.url())
            .arg("--ca-cert")
            .arg(&pki.ca);
        cmd
    };
    let output = get().output().unwrap();
    assert_eq!(output.status.code(), Some(6), "{}", stderr(&output));
    let output = get()
        .arg("--client-cert")
        .arg(&pki.client_cert)
        .arg("--client-key")
        .arg(&pki.client_key)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(server.requests(), 1);
    let output = get()
        .arg("--client-cert")
        .arg(&pki.client_cert)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("go together"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn requests_go_through_an_explicit_proxy() {
    let home = tempfile::tempdir().unwrap();
    let proxy = MockServer::start();
    let mock = proxy.mock(|when, then| {
        when.path("/api/v1/user_credentials/7");
        then.status(200)
            .header("content-type", "application/json")
            .json_body(example("tines", "200"));
    });
    let output = credctl(home.path())
        .args(["get", "tines", "7", "--retries", "0"])
        .env("TINES_TOKEN", "t")
        .env("TINES_BASE_URL", "http://tines.example.invalid")
        .env("CREDCTL_PROXY", proxy.base_url())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    mock.assert_calls(1);
}

#[test]
fn the_response_size_cap_is_configurable() {
    let home = tempfile::tempdir().unwrap();
    let server = MockServer::start();
    tines_mock(&server);
    let get = || {
        let mut cmd = credctl(home.path());
        cmd.args(["get", "tines", "7"])
            .env("TINES_TOKEN", "t")
            .env("TINES_BASE_URL", server.base_url());
        cmd
    };
    let output = get()
        .args(["--max-response-bytes", "100"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains("the response from tines is too large")
            && err.contains("limit of 100 bytes")
            && err.contains("--max-response-bytes"),
        "{err}"
    );
    let output = get()
        .env("CREDCTL_MAX_RESPONSE_BYTES", "100")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let output = get()
        .args(["--max-response-bytes", "100000"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let output = get()
        .args(["--max-response-bytes", "lots"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("invalid max-response-bytes `lots`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn verbose_prints_spans_to_stderr_without_secrets() {
    let home = tempfile::tempdir().unwrap();
    let server = MockServer::start();
    tines_mock(&server);
    let output = credctl(home.path())
        .args(["get", "tines", "7", "-v"])
        .env("TINES_TOKEN", "tok-verbose-secret")
        .env("TINES_BASE_URL", server.base_url())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let err = stderr(&output);
    for needle in [
        "provider=\"tines\"",
        "operation=\"get_credential\"",
        "route=\"/api/v1/user_credentials/{credential_id}\"",
        "status=200",
        "attempts=1",
    ] {
        assert!(err.contains(needle), "{needle}: {err}");
    }
    assert!(!err.contains("tok-verbose-secret"), "{err}");
    assert!(!err.contains("/user_credentials/7"), "{err}");
    // Without -v, stderr stays empty.
    let output = credctl(home.path())
        .args(["get", "tines", "7"])
        .env("TINES_TOKEN", "t")
        .env("TINES_BASE_URL", server.base_url())
        .output()
        .unwrap();
    assert!(output.stderr.is_empty(), "{}", stderr(&output));
}

#[test]
fn errors_carry_the_vendors_request_id() {
    let home = tempfile::tempdir().unwrap();
    let oci = oci_config(home.path());
    let server = MockServer::start();
    server.mock(|when, then| {
        when.path_includes("/credentials/");
        then.status(404)
            .header("content-type", "application/json")
            .header("opc-request-id", "ORACLE-REQ-123")
            .json_body(json!({"code": "NotAuthorizedOrNotFound", "message": "no such key"}));
    });
    let output = credctl(home.path())
        .args(["get", "oci-aidp", "k", "--ai-data-platform-id", "p"])
        .env("OCI_CONFIG_FILE", &oci)
        .env("OCI_BASE_URL", server.base_url())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("[request id ORACLE-REQ-123]"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_closed_stdout_ends_quietly() {
    let home = tempfile::tempdir().unwrap();
    let server = MockServer::start();
    // The answer comes after the reader has gone.
    server.mock(|when, then| {
        when.path("/api/v1/user_credentials/7");
        then.status(200)
            .header("content-type", "application/json")
            .delay(std::time::Duration::from_millis(300))
            .json_body(example("tines", "200"));
    });
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_credctl"))
        .env_clear()
        .env("HOME", home.path())
        .env("TINES_TOKEN", "t")
        .env("TINES_BASE_URL", server.base_url())
        .args(["get", "tines", "7"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{err}");
    assert!(err.is_empty(), "{err}");
}

#[test]
fn piping_into_head_is_quiet() {
    let home = tempfile::tempdir().unwrap();
    let server = MockServer::start();
    tines_mock(&server);
    let script = format!(
        "set -o pipefail; {:?} get tines 7 | head -1",
        env!("CARGO_BIN_EXE_credctl")
    );
    let output = std::process::Command::new("bash")
        .args(["-c", &script])
        .env_clear()
        .env("HOME", home.path())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TINES_TOKEN", "t")
        .env("TINES_BASE_URL", server.base_url())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stderr.is_empty(), "{}", stderr(&output));
    assert_eq!(String::from_utf8_lossy(&output.stdout), "{\n");
}
