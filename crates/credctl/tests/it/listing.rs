//! `credctl list`, `inventory` and `audit` through the binary against
//! local paged mocks: every page is followed, NDJSON streams one object per
//! line, `--limit` stops early, a failing provider is reported while the
//! others still print, and the audit's findings set exit code 7.

use crate::support::{self, credctl, stderr, stdout};
use httpmock::{Method, MockServer};
use serde_json::{Value, json};

/// An AWX-style page (Django REST framework) with `ids`.
fn awx_page(ids: &[i64], next: Option<&str>) -> Value {
    let (example, _) = list_example("awx");
    let item = example["results"][0].clone();
    let mut page = example;
    page["results"] = ids
        .iter()
        .map(|id| {
            let mut i = item.clone();
            i["id"] = json!(id);
            i["name"] = json!(format!("cred-{id}"));
            i
        })
        .collect();
    page["next"] = next.map_or(Value::Null, |n| json!(n));
    page
}

fn list_example(stem: &str) -> (Value, Value) {
    let doc = support::spec(stem);
    for item in doc["paths"].as_object().unwrap().values() {
        if item["get"]["operationId"] == "list_credentials" {
            let op = &item["get"];
            let example = xtask::examples::response_example(&doc, op, None)
                .unwrap_or_else(|| panic!("{stem}: the list operation has no example"));
            return (example, op["x-credential-clients-pagination"].clone());
        }
    }
    panic!("{stem}: no list operation");
}

/// Three AWX pages: 1-2, 3-4, 5.
fn awx_server() -> MockServer {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(Method::GET)
            .path("/api/v2/credentials/")
            .query_param_missing("page");
        then.status(200)
            .json_body(awx_page(&[1, 2], Some("/api/v2/credentials/?page=2")));
    });
    server.mock(|when, then| {
        when.method(Method::GET)
            .path("/api/v2/credentials/")
            .query_param("page", "2");
        then.status(200)
            .json_body(awx_page(&[3, 4], Some("/api/v2/credentials/?page=3")));
    });
    server.mock(|when, then| {
        when.method(Method::GET)
            .path("/api/v2/credentials/")
            .query_param("page", "3");
        then.status(200).json_body(awx_page(&[5], None));
    });
    server
}

fn awx(home: &std::path::Path, server: &MockServer) -> assert_cmd::Command {
    let mut cmd = credctl(home);
    cmd.env("AWX_BASE_URL", format!("{}/api/v2", server.base_url()))
        .env("AWX_TOKEN", "awx-token");
    cmd
}

#[test]
fn list_follows_every_page_and_prints_one_json_array() {
    let home = tempfile::tempdir().unwrap();
    let server = awx_server();
    let output = awx(home.path(), &server)
        .args([
            "list",
            "awx",
            "--page-size",
            "2",
            "--name-icontains",
            "cred",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let items: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    let ids: Vec<i64> = items.iter().map(|i| i["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [1, 2, 3, 4, 5]);
    assert!(
        stderr(&output).is_empty(),
        "no progress when stderr is not a terminal: {}",
        stderr(&output)
    );
}

#[test]
fn list_ndjson_prints_one_object_per_line_and_limit_stops_early() {
    let home = tempfile::tempdir().unwrap();
    let server = awx_server();
    let output = awx(home.path(), &server)
        .args(["list", "awx", "--output", "ndjson"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5, "{text}");
    assert_eq!(lines[4]["name"], "cred-5");

    let output = awx(home.path(), &server)
        .args(["list", "awx", "--output", "ndjson", "--limit", "3"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output).lines().count(), 3);
}

#[test]
fn list_table_shows_the_normalized_view() {
    let home = tempfile::tempdir().unwrap();
    let server = awx_server();
    let output = awx(home.path(), &server)
        .args(["list", "awx", "--output", "table"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("PROVIDER"), "{text}");
    assert_eq!(lines.len(), 6, "{text}");
    assert!(
        lines[5].starts_with("awx ") && lines[5].contains("cred-5"),
        "{text}"
    );
}

#[test]
fn inventory_reports_a_failing_provider_while_the_others_print() {
    let home = tempfile::tempdir().unwrap();
    let server = awx_server();
    let broken = MockServer::start();
    broken.mock(|when, then| {
        when.method(Method::GET);
        then.status(401)
            .json_body(json!({"error": "invalid token"}));
    });
    let output = awx(home.path(), &server)
        .env("TINES_BASE_URL", broken.base_url())
        .env("TINES_API_KEY", "wrong")
        .args([
            "inventory",
            "--provider",
            "awx",
            "--provider",
            "tines",
            "--output",
            "json",
            "--retries",
            "0",
        ])
        .output()
        .unwrap();
    let err = stderr(&output);
    assert_eq!(
        output.status.code(),
        Some(3),
        "the failing provider's code (401): {err}"
    );
    let rows: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().all(|r| r["provider"] == "awx"));
    assert!(err.contains("tines:"), "{err}");
    assert!(
        err.contains("inventory incomplete: 1 of 2 providers failed"),
        "{err}"
    );
    assert!(!err.contains("wrong"), "no secret in messages: {err}");
}

/// AWX's second page fails (500, no retries): the inventory keeps the
/// first page's credentials, says how many it kept, and fails; the audit
/// checks them too and reports the failure's exit code, not 7.
#[test]
fn a_listing_that_fails_midway_keeps_the_pages_before_it() {
    let home = tempfile::tempdir().unwrap();
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(Method::GET)
            .path("/api/v2/credentials/")
            .query_param_missing("page");
        then.status(200)
            .json_body(awx_page(&[1, 2], Some("/api/v2/credentials/?page=2")));
    });
    server.mock(|when, then| {
        when.method(Method::GET)
            .path("/api/v2/credentials/")
            .query_param("page", "2");
        then.status(500)
            .json_body(json!({"detail": "database down"}));
    });
    let output = awx(home.path(), &server)
        .args([
            "inventory",
            "--provider",
            "awx",
            "--output",
            "json",
            "--retries",
            "0",
        ])
        .output()
        .unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "a 5xx is code 1: {err}");
    let rows: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    let names: Vec<&str> = rows.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["cred-1", "cred-2"], "{err}");
    assert!(
        err.contains("the 2 credentials listed before it are included"),
        "{err}"
    );
    assert!(
        err.contains("inventory incomplete: 1 of 1 providers failed"),
        "{err}"
    );

    let output = awx(home.path(), &server)
        .args(["audit", "--provider", "awx", "--retries", "0"])
        .output()
        .unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("2 credentials checked"), "{err}");
    assert!(err.contains("audit incomplete"), "{err}");
}

#[test]
fn inventory_says_which_providers_are_not_configured() {
    let home = tempfile::tempdir().unwrap();
    // Astra's list needs an account id: without ASTRA_ACCOUNT_ID it cannot run.
    let output = credctl(home.path())
        .env("ASTRA_BASE_URL", "http://127.0.0.1:9")
        .env("ASTRA_API_TOKEN", "t")
        .args(["inventory", "--provider", "netapp-astra"])
        .output()
        .unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("netapp-astra: not configured"), "{err}");
    assert!(err.contains("account"), "{err}");
}

/// Astra: one page with an expired, an expiring and an invalid credential
/// (the spec's list example), audited as of 2026-12-01.
#[test]
fn audit_reports_reasons_and_exits_7() {
    let home = tempfile::tempdir().unwrap();
    let (mut example, _) = list_example("netapp-astra");
    example["metadata"]["continue"] = Value::Null; // the only page
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(Method::GET)
            .path_matches("^/accounts/[^/]+/core/v1/credentials$");
        then.status(200).json_body(example.clone());
    });
    let run = |extra: &[&str]| {
        let mut cmd = credctl(home.path());
        cmd.env("ASTRA_BASE_URL", server.base_url())
            .env("ASTRA_API_TOKEN", "astra-tok")
            .env("ASTRA_ACCOUNT_ID", "6b9c2a5e-5a3c-4b0e-9d5e-2f1d8c7b6a54")
            .args([
                "audit",
                "--provider",
                "netapp-astra",
                "--at",
                "2026-12-01T00:00:00Z",
            ])
            .args(extra);
        cmd.output().unwrap()
    };
    let output = run(&["--output", "json"]);
    assert_eq!(output.status.code(), Some(7), "{}", stderr(&output));
    let rows: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    let reasons: Vec<String> = rows
        .iter()
        .flat_map(|r| r["reasons"].as_array().unwrap().clone())
        .map(|r| r.as_str().unwrap().to_string())
        .collect();
    assert!(
        reasons.iter().any(|r| r.starts_with("expired 2026-11-15")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("expires 2026-12-20") && r.contains("in 19 days")),
        "{reasons:?}"
    );
    assert!(reasons.iter().any(|r| r == "marked invalid"), "{reasons:?}");
    assert!(
        stderr(&output).contains("3 credentials checked"),
        "{}",
        stderr(&output)
    );

    // A short window drops the expiring one; the table has a reason column.
    let output = run(&["--expiring-within", "5", "--output", "table"]);
    assert_eq!(output.status.code(), Some(7));
    let text = stdout(&output);
    assert!(text.lines().next().unwrap().contains("REASON"), "{text}");
    assert!(!text.contains("expires 2026-12-20"), "{text}");
    assert!(text.contains("expired 2026-11-15"), "{text}");
}

#[test]
fn audit_without_findings_exits_0() {
    let home = tempfile::tempdir().unwrap();
    let server = awx_server();
    let output = awx(home.path(), &server)
        .args(["audit", "--provider", "awx"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let rows: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert!(rows.is_empty());
    assert!(
        stderr(&output).contains("5 credentials checked"),
        "{}",
        stderr(&output)
    );
}
