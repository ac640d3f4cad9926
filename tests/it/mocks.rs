//! The generated typed mocks (feature `mock`): a user's test can stand up a
//! provider without an account. Path values match exactly themselves after
//! percent-decoding (progenitor's own mocks used them as regexes).
#![cfg(feature = "mock")]

use credential_clients::{RetryPolicy, ankra, oci_aidp, tines};
use serde_json::json;

fn oci_credential(key: &str) -> oci_aidp::types::Credential {
    serde_json::from_value(json!({"key": key, "displayName": "demo", "type": "VAULT_REFERENCE"}))
        .unwrap()
}

async fn oci_get(server: &httpmock::MockServer, key: &str) -> Result<String, String> {
    let client = oci_aidp::Client::builder()
        .base_url(server.base_url())
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    client
        .get_credential()
        .ai_data_platform_id("platform")
        .credential_key(key)
        .send()
        .await
        .map(|r| r.into_inner().key.to_string())
        .map_err(|e| {
            e.status()
                .map(|s| s.to_string())
                .unwrap_or_else(|| e.to_string())
        })
}

#[tokio::test]
async fn path_values_match_exactly_themselves() {
    use oci_aidp::mock::MockServerExt as _;
    for key in ["a.b+c", "a b", "ключ", "(x)*", "a/b", "50%"] {
        let server = httpmock::MockServer::start_async().await;
        let mock = server.get_credential(|when, then| {
            when.ai_data_platform_id(&"platform".parse().unwrap())
                .credential_key(&key.parse().unwrap());
            then.ok(&oci_credential(key));
        });
        assert_eq!(oci_get(&server, key).await, Ok(key.to_string()), "{key:?}");
        mock.assert_async().await;
    }
}

#[tokio::test]
async fn path_values_do_not_match_look_alikes() {
    use oci_aidp::mock::MockServerExt as _;
    let server = httpmock::MockServer::start_async().await;
    let mock = server.get_credential(|when, then| {
        when.credential_key(&"a.b+c".parse().unwrap());
        then.ok(&oci_credential("a.b+c"));
    });
    // With regex semantics `.` matched any character and `+` repeated `b`.
    for other in ["aXb+c", "a.bbc", "a.b+cd"] {
        assert_eq!(
            oci_get(&server, other).await,
            Err("404 Not Found".into()),
            "{other:?}"
        );
    }
    mock.assert_calls_async(0).await;
}

#[tokio::test]
async fn typed_error_responses_and_query_parameters() {
    use tines::mock::MockServerExt as _;
    let server = httpmock::MockServer::start_async().await;
    let error: tines::GetCredentialError = serde_json::from_value(
        json!({"errors": [{"message": "Not found", "details": "credential 9"}]}),
    )
    .unwrap();
    let mock = server.get_credential(|when, then| {
        when.credential_id(9).include_references(true);
        then.not_found(&error);
    });
    let client = tines::Client::builder()
        .base_url(server.base_url())
        .bearer_token("k")
        .build()
        .unwrap();
    let err = client
        .get_credential()
        .credential_id(9)
        .include_references(true)
        .send()
        .await
        .unwrap_err();
    match err {
        tines::Error::ErrorResponse(rv) => {
            assert_eq!(rv.status(), 404);
            assert_eq!(rv.into_inner(), error);
        }
        other => panic!("{other:?}"),
    }
    mock.assert_async().await;
}

#[tokio::test]
async fn a_mocked_credential_keeps_its_secret_out_of_debug() {
    use ankra::mock::MockServerExt as _;
    let id: uuid::Uuid = "3c90c3cc-0d44-4b50-8888-8dd25736052a".parse().unwrap();
    let credential: ankra::types::Credential = serde_json::from_value(
        json!({"id": id, "name": "aws", "secret_access_key": "AKIA-very-secret"}),
    )
    .unwrap();
    let server = httpmock::MockServer::start_async().await;
    server.get_credential(|when, then| {
        when.credential_id(&id);
        then.ok(&credential);
    });
    let client = ankra::Client::builder()
        .base_url(server.base_url())
        .bearer_token("t")
        .build()
        .unwrap();
    let got = client
        .get_credential()
        .credential_id(id)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(got, credential);
    assert!(!format!("{got:?}").contains("AKIA-very-secret"));
    assert_eq!(
        got.secret_access_key.unwrap().expose_secret(),
        "AKIA-very-secret"
    );
}

/// Every provider of the workspace, by construction (`with_providers!`):
/// its spec's credential example is served by a local mock and read back
/// through the typed client, unchanged. A new spec is covered here with no
/// hand-written test code.
macro_rules! round_trips {
    ($($module:ident $stem:literal $lib:ident;)*) => {
        vec![$((
            $stem,
            Box::pin(credential_clients::$module::selftest::credential_round_trip())
                as std::pin::Pin<Box<dyn std::future::Future<Output = Result<usize, String>>>>,
        )),*]
    };
}

#[tokio::test]
async fn every_provider_round_trips_its_credential_example() {
    let mut failures = Vec::new();
    let mut seen = Vec::new();
    for (stem, run) in credential_clients::with_providers!(round_trips) {
        seen.push(stem);
        match run.await {
            Ok(1) => {}
            Ok(n) => failures.push(format!("{stem}: the mock saw {n} requests, not 1")),
            Err(e) => failures.push(format!("{stem}: {e}")),
        }
    }
    // The providers are the specs: one per file in specs/.
    let specs = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/specs"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "yaml" || x == "yml")
        })
        .count();
    assert_eq!(seen.len(), specs, "{seen:?}");
    println!("round-tripped: {}", seen.join(", "));
    // Read by the golden sixth-spec test (as `providers::covered` prints it;
    // this module does not use that table, so that the vendor-corpus copy
    // can compile it alone).
    println!(
        "covered mocks::every_provider_round_trips_its_credential_example: {}",
        seen.join(", ")
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
