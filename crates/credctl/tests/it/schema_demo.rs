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

/// The property names of `schema` and of its `allOf` parts (`$ref`s
/// resolved in `root`: the spec, or the printed schema's `definitions`).
fn properties(root: &Value, schema: &Value) -> BTreeSet<String> {
    let schema = resolve_in(root, schema);
    let mut names: BTreeSet<String> = schema["properties"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    for part in schema["allOf"].as_array().into_iter().flatten() {
        names.extend(properties(root, part));
    }
    names
}

fn resolve_in<'a>(root: &'a Value, v: &'a Value) -> &'a Value {
    match v["$ref"].as_str() {
        Some(r) if r.starts_with('#') => root.pointer(&r[1..]).unwrap_or(v),
        _ => v,
    }
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
        let doc = spec(stem);
        let op = support::credential_operation(&doc);
        let ok = xtask::spec::resolve(&doc, &op["responses"]["200"]);
        let (media, body) = ok["content"].as_object().unwrap().iter().next().unwrap();
        if !xtask::spec::is_json_media_type(media) {
            // The secret itself (`text/plain`, ...): a string.
            assert_eq!(schema["title"], "SecretBody", "{stem}");
            assert_eq!(schema["type"], "string", "{stem}");
            continue;
        }
        // A schema of the components is titled with its type's name.
        if let Some(name) = body["schema"]["$ref"]
            .as_str()
            .and_then(|r| r.rsplit('/').next())
        {
            // (typify's Rust spelling of it: `ACLToken` is `AclToken`)
            let plain = |s: &str| {
                s.chars()
                    .filter(char::is_ascii_alphanumeric)
                    .collect::<String>()
                    .to_ascii_lowercase()
            };
            let title = schema["title"].as_str().unwrap_or_default();
            assert_eq!(plain(title), plain(name), "{stem}: {title}");
        }
        let printed: BTreeSet<String> = properties(&schema, &schema);
        let credential = support::credential_schema(&doc);
        let expected: BTreeSet<String> = properties(&doc, &credential);
        assert_eq!(printed, expected, "{stem}");
        assert!(!expected.is_empty(), "{stem}: no properties");
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
    // Three sections: get (one row per provider), inventory, audit.
    let sections: Vec<&str> = text.split("\n\n").collect();
    assert_eq!(sections.len(), 3, "{text}");
    let get: Vec<&str> = sections[0].lines().collect();
    assert!(get[0].starts_with("credctl get"), "{text}");
    assert!(get[1].starts_with("PROVIDER  "), "{text}");
    assert_eq!(get.len(), 2 + stems.len(), "{text}");
    for (line, stem) in get[2..].iter().zip(&stems) {
        assert!(line.starts_with(&format!("{stem} ")), "{text}");
    }
    assert!(sections[0].contains("secret_access_key"), "{text}");
    assert!(
        sections[0].contains("credentialDetails.secretTokenPair[1].secretValue"),
        "{text}"
    );
    assert!(sections[1].starts_with("credctl inventory ("), "{text}");
    assert!(
        sections[2].starts_with("credctl audit --expiring-within 30 ("),
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
    let all: Value = serde_json::from_slice(&output.stdout).unwrap();
    let rows = all["get"].as_array().unwrap();
    let providers: Vec<&str> = rows
        .iter()
        .map(|r| r["provider"].as_str().unwrap())
        .collect();
    assert_eq!(providers, stems);
    let oci = rows.iter().find(|r| r["provider"] == "oci-aidp").unwrap();
    assert_eq!(oci["has_secret_material"], true);
    assert_eq!(oci["kind"], "SECRET_TOKEN");
    assert!(!String::from_utf8_lossy(&output.stdout).contains("pwk-EXAMPLE"));

    // Every provider with a list operation is listed (one item per page)
    // and the spec examples hold expired, expiring, invalid and inactive
    // credentials for the audit to find.
    let inventory = all["inventory"].as_array().unwrap();
    let pages: Vec<&str> = err.lines().filter(|l| l.contains("(list: ")).collect();
    assert_eq!(pages.len(), stems.len(), "{err}");
    for line in &pages {
        let stem = line.split_whitespace().next().unwrap();
        if !line.contains("(list: 0 pages)") {
            let n = inventory.iter().filter(|r| r["provider"] == stem).count();
            assert!(n >= 1, "{stem}: {inventory:?}");
        }
    }
    assert!(
        pages
            .iter()
            .filter(|l| !l.contains("(list: 1 pages)") && !l.contains("(list: 0 pages)"))
            .count()
            >= 3,
        "{err}"
    );
    let reasons: Vec<String> = all["audit"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["reasons"].as_array().unwrap().clone())
        .map(|r| r.as_str().unwrap().to_string())
        .collect();
    for kind in ["expired ", "marked invalid", "state "] {
        assert!(
            reasons.iter().any(|r| r.starts_with(kind)),
            "{kind}: {reasons:?}"
        );
    }
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
