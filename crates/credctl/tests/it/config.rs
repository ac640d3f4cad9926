//! Configuration precedence: flag > environment > config file, for
//! connection settings, operation parameters and the output format.

use crate::support;

use httpmock::MockServer;
use serde_json::Value;
use support::{closed_port, credctl, example, stderr};

/// A Tines mock that names, in the credential it returns, the key it saw.
fn tines_server() -> MockServer {
    let server = MockServer::start();
    for key in ["file-key", "env-key", "flag-key"] {
        let mut body = example("tines", "200");
        body["name"] = format!("seen {key}").into();
        server.mock(|when, then| {
            when.path("/api/v1/user_credentials/7")
                .header("authorization", format!("Bearer {key}"));
            then.status(200)
                .header("content-type", "application/json")
                .json_body(body);
        });
    }
    server
}

fn name(output: &std::process::Output) -> String {
    assert!(output.status.success(), "{}", stderr(output));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    json["name"].as_str().unwrap().to_string()
}

#[test]
fn flag_beats_env_beats_file() {
    let home = tempfile::tempdir().unwrap();
    let server = tines_server();
    let config = home.path().join("credctl.toml");
    std::fs::write(
        &config,
        format!(
            "# credctl config\n[tines]\nbase_url = \"{}\"\napi_key = \"file-key\"\n",
            server.base_url()
        ),
    )
    .unwrap();
    let run = |env: Option<&str>, flag: Option<&str>| {
        let mut cmd = credctl(home.path());
        cmd.args(["get", "tines", "7", "--config"]).arg(&config);
        if let Some(key) = env {
            cmd.env("TINES_API_KEY", key);
        }
        if let Some(key) = flag {
            cmd.args(["--token", key]);
        }
        cmd.output().unwrap()
    };
    assert_eq!(name(&run(None, None)), "seen file-key");
    assert_eq!(name(&run(Some("env-key"), None)), "seen env-key");
    assert_eq!(
        name(&run(Some("env-key"), Some("flag-key"))),
        "seen flag-key"
    );
    assert_eq!(name(&run(None, Some("flag-key"))), "seen flag-key");
}

#[test]
fn base_url_and_output_precedence_with_the_default_config_file() {
    let home = tempfile::tempdir().unwrap();
    let server = tines_server();
    let dir = home.path().join(".config/credctl");
    std::fs::create_dir_all(&dir).unwrap();
    // The file points at a closed port; the environment fixes it.
    let closed = closed_port();
    std::fs::write(
        dir.join("config.toml"),
        format!(
            "output = \"table\"\nretries = 0\n[tines]\nbase_url = \"http://127.0.0.1:{}\"\ntoken = \"file-key\"\n",
            closed.port
        ),
    )
    .unwrap();
    let output = credctl(home.path())
        .args(["get", "tines", "7"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(6),
        "file base URL: {}",
        stderr(&output)
    );

    let output = credctl(home.path())
        .args(["get", "tines", "7"])
        .env("TINES_BASE_URL", server.base_url())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(text.starts_with("PROVIDER"), "table from the file: {text}");
    assert!(text.contains("seen file-key"), "{text}");

    let output = credctl(home.path())
        .args(["get", "tines", "7"])
        .env("TINES_BASE_URL", server.base_url())
        .env("CREDCTL_OUTPUT", "json")
        .output()
        .unwrap();
    assert_eq!(name(&output), "seen file-key", "JSON from the environment");

    let output = credctl(home.path())
        .args(["get", "tines", "7", "--output", "table"])
        .env("TINES_BASE_URL", server.base_url())
        .env("CREDCTL_OUTPUT", "json")
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&output.stdout).starts_with("PROVIDER"),
        "table from the flag"
    );
}

#[test]
fn json_config_and_operation_parameters_from_file_and_env() {
    let home = tempfile::tempdir().unwrap();
    let server = MockServer::start();
    let body = example("netapp-astra", "200");
    let id = body["id"].as_str().unwrap().to_string();
    let file_account = "3f1c9a52-7d4e-4b8a-9e21-6c0d5b7a2f14";
    let env_account = "0e9a7c31-4d2b-4f6e-8a15-93c2b7d1f048";
    let flag_account = "6b9c2a5e-5a3c-4b0e-9d5e-2f1d8c7b6a54";
    let mocks: Vec<_> = [file_account, env_account, flag_account]
        .iter()
        .map(|account| {
            server.mock(|when, then| {
                when.path(format!("/accounts/{account}/core/v1/credentials/{id}"))
                    .header("authorization", "Bearer json-token");
                then.status(200)
                    .header("content-type", "application/astra-credential+json")
                    .json_body(body.clone());
            })
        })
        .collect();
    let config = home.path().join("credctl.json");
    std::fs::write(
        &config,
        serde_json::json!({
            "netapp-astra": {
                "base_url": server.base_url(),
                "api_token": "json-token",
                "account_id": file_account
            }
        })
        .to_string(),
    )
    .unwrap();
    let run = |env: Option<&str>, flag: Option<&str>| {
        let mut cmd = credctl(home.path());
        cmd.args(["get", "netapp-astra", &id])
            .env("CREDCTL_CONFIG", &config);
        if let Some(account) = env {
            cmd.env("ASTRA_ACCOUNT_ID", account);
        }
        if let Some(account) = flag {
            cmd.args(["--account-id", account]);
        }
        let output = cmd.output().unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
    };
    run(None, None);
    run(Some(env_account), None);
    run(Some(env_account), Some(flag_account));
    for mock in &mocks {
        mock.assert_calls(1);
    }
}

#[test]
fn config_file_mistakes_are_bad_arguments() {
    let home = tempfile::tempdir().unwrap();
    for (text, needle) in [
        (
            "[tines]\napi_kee = \"x\"\n",
            "unknown key `api_kee` in [tines]",
        ),
        ("[tine]\ntoken = \"x\"\n", "unknown key or section `tine`"),
        ("[tines\n", "is not valid TOML"),
        ("output = \"yaml\"\n", "invalid output format `yaml`"),
    ] {
        let config = home.path().join("bad.toml");
        std::fs::write(&config, text).unwrap();
        let output = credctl(home.path())
            .args(["get", "tines", "7", "--config"])
            .arg(&config)
            .env("TINES_API_KEY", "k")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{text}: {}", stderr(&output));
        assert!(
            stderr(&output).contains(needle),
            "{text}: {}",
            stderr(&output)
        );
    }
}
