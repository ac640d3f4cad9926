//! `credctl schema`, `credctl demo` and `credctl --help`.

use crate::support;

use std::collections::BTreeSet;

use serde_json::Value;
use support::{credctl, spec, stderr, stdout};

/// Every provider: one per spec in specs/, in the facade's (sorted) order.
/// A new spec is covered here with no edit.
fn stems() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs");
    let mut stems: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    stems.sort();
    assert!(stems.len() >= 5, "{stems:?}");
    stems
}

/// Read by the golden sixth-spec test: which providers a test ran.
fn covered(test: &str, stems: &[String]) {
    println!("covered credctl::{test}: {}", stems.join(", "));
}

#[test]
fn schema_lists_the_specs_credential_properties() {
    let home = tempfile::tempdir().unwrap();
    let stems = stems();
    for stem in &stems {
        let stem = stem.as_str();
        let output = credctl(home.path())
            .args(["schema", stem])
            .output()
            .unwrap();
        assert!(output.status.success(), "{stem}: {}", stderr(&output));
        let schema: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(schema["title"], "Credential", "{stem}");
        let printed: BTreeSet<&str> = schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let doc = spec(stem);
        let expected: BTreeSet<&str> = doc["components"]["schemas"]["Credential"]["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(printed, expected, "{stem}");
        assert!(!expected.is_empty(), "{stem}");
    }
    covered(
        "schema_demo::schema_lists_the_specs_credential_properties",
        &stems,
    );
}

#[test]
fn schema_marks_secrets_as_passwords() {
    let home = tempfile::tempdir().unwrap();
    let output = credctl(home.path())
        .args(["schema", "ankra"])
        .output()
        .unwrap();
    let schema: Value = serde_json::from_slice(&output.stdout).unwrap();
    let token = &schema["properties"]["token"];
    assert_eq!(token["format"], "password", "{token}");

    let output = credctl(home.path())
        .args(["schema", "gitlab"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn demo_prints_every_provider_from_local_mocks() {
    let home = tempfile::tempdir().unwrap();
    let output = credctl(home.path()).arg("demo").output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let stems = stems();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1 + stems.len(), "{text}");
    assert!(lines[0].starts_with("PROVIDER  "), "{text}");
    for (line, stem) in lines[1..].iter().zip(&stems) {
        assert!(line.starts_with(&format!("{stem} ")), "{text}");
    }
    assert!(text.contains("secret_access_key"), "{text}");
    assert!(
        text.contains("credentialDetails.secretTokenPair[1].secretValue"),
        "{text}"
    );
    let err = stderr(&output);
    assert_eq!(
        err.matches("http://127.0.0.1:").count(),
        stems.len(),
        "{err}"
    );

    let output = credctl(home.path())
        .args(["demo", "--output", "json"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let rows: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    let providers: Vec<&str> = rows
        .iter()
        .map(|r| r["provider"].as_str().unwrap())
        .collect();
    assert_eq!(providers, stems);
    let oci = rows.iter().find(|r| r["provider"] == "oci-aidp").unwrap();
    assert_eq!(oci["has_secret_material"], true);
    assert_eq!(oci["kind"], "SECRET_TOKEN");
    assert!(!String::from_utf8_lossy(&output.stdout).contains("pwk-EXAMPLE"));
    covered(
        "schema_demo::demo_prints_every_provider_from_local_mocks",
        &stems,
    );
}

#[test]
fn help_documents_exit_codes_and_environment() {
    let home = tempfile::tempdir().unwrap();
    for flag in ["-h", "--help"] {
        let output = credctl(home.path()).arg(flag).output().unwrap();
        assert!(output.status.success());
        let text = stdout(&output);
        for needle in [
            "Exit codes:",
            "  2  bad arguments",
            "  3  authentication failed: 401 or 403",
            "  4  not found: 404",
            "  5  rate limited: 429",
            "  6  network error",
            "ANKRA_TOKEN",
            "AWX_HOST",
            "AWX_TOKEN, AWX_USERNAME, AWX_PASSWORD",
            "TINES_TENANT, TINES_TOKEN",
            "ASTRA_HOST, ASTRA_TOKEN",
            "OCI_REGION, OCI_SECOND_LEVEL_DOMAIN, OCI_CONFIG_FILE, OCI_PROFILE",
            "OCI_BASE_URL",
            "CREDCTL_MAX_RESPONSE_BYTES",
            "CREDCTL_CA_CERT, CREDCTL_CLIENT_CERT, CREDCTL_CLIENT_KEY, CREDCTL_PROXY",
            "HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY",
            "--insecure",
            "--verbose",
        ] {
            assert!(text.contains(needle), "{flag}: {needle}\n{text}");
        }
        for stem in stems() {
            assert!(text.contains(&format!("  {stem} ")), "{stem}\n{text}");
        }
    }
    let output = credctl(home.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "no command is a usage error");
}

#[test]
fn get_help_shows_provider_parameters() {
    let home = tempfile::tempdir().unwrap();
    for (stem, needles) in [
        (
            "netapp-astra",
            &["--account-id", "ASTRA_ACCOUNT_ID", "--host"][..],
        ),
        (
            "oci-aidp",
            &[
                "--ai-data-platform-id",
                "--region",
                "--second-level-domain",
                "--oci-profile",
            ],
        ),
        (
            "tines",
            &["--include-references", "--tenant", "TINES_API_KEY"],
        ),
        ("awx", &["--base-path", "--username", "AWX_PASSWORD"]),
        ("ankra", &["<CREDENTIAL_ID>", "ANKRA_BASE_URL"]),
    ] {
        let output = credctl(home.path())
            .args(["get", stem, "--help"])
            .output()
            .unwrap();
        assert!(output.status.success());
        let text = stdout(&output);
        for needle in needles {
            assert!(text.contains(needle), "{stem}: {needle}\n{text}");
        }
    }
}
