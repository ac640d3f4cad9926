//! Contract tests: every provider's generated client against what its spec
//! documents, over real HTTP on 127.0.0.1 (`tests/support::Server`).
//!
//! - The status matrix is read from the spec itself: every documented status
//!   (a `default` response stands for 4XX and 5XX, as the xtask normalizes
//!   it) is served with each of its examples, media type and documented
//!   response headers, and must give `Ok(Credential)` for 200 and
//!   `Error::ErrorResponse` with the typed error body, status and headers for
//!   the error statuses; statuses the spec does not document give
//!   `Error::UnexpectedResponse`. Every request of the matrix is checked for
//!   method, path, query, `Accept`, `User-Agent`, auth and provider headers.
//! - Fixtures written here (modelled on the real wire behaviour described in
//!   `shared/vendor-notes.md`: unknown fields, nulls, omitted "required"
//!   fields, new enum values and union variants) must parse through the real
//!   client.
//!
//! Retries are disabled throughout so that 429 and 5xx answers are seen once.

use crate::support;

use std::fmt::Debug;
use std::future::Future;
use std::num::NonZeroU64;
use std::sync::{Arc, Mutex};

use credential_clients::ankra::{Error, ResponseValue};
use credential_clients::{
    OpenEnum, OpenUnion, RetryPolicy, ankra, awx, netapp_astra, oci_aidp, tines,
};
use serde::Serialize;
use serde_json::{Value, json};
use support::{Recorded, Reply, Server, in_one_write};

use crate::providers::{self, Provider};

const TOKEN: &str = "contract-token-5c2e9a71";
const ANKRA_ID: &str = "5b1f0d2e-7c4a-4e8b-9a31-2f6d8c0e4a17";
const ASTRA_ACCOUNT: &str = "6b9c2a5e-5a3c-4b0e-9d5e-2f1d8c7b6a54";
const ASTRA_CREDENTIAL: &str = "58e26f6a-a631-4122-8e0e-7afe306675c0";
const OCI_PLATFORM: &str = "ocid1.datalake.oc1.iad.contract";
const OCI_KEY: &str = "3d8f6a12-94be-4c07-b5e1-6fa2c90d7b48";
const OCI_KEY_ID: &str = "ocid1.tenancy.oc1..aaaatest/ocid1.user.oc1..aaaatest/20:3b:97:13:55:1c:5b:0d:d3:37:d8:50:4e:c5:3a:34";

/// Statuses tried as "undocumented" when the spec does not cover them.
const UNDOCUMENTED_CANDIDATES: [u16; 7] = [201, 204, 302, 418, 451, 500, 503];

type ApiResult<T, E> = Result<ResponseValue<T>, Error<E>>;

// ------------------------------------------------------------------- spec

/// One documented response of `get_credential`.
#[derive(Debug)]
struct Documented {
    /// The key in `responses`: `200`, `404`, `4XX`, `default`.
    key: String,
    /// The media types, in spec order.
    media: Vec<String>,
    /// `(media type, example name, body)` for every example.
    examples: Vec<(String, String, Value)>,
    /// Documented response header names (lower case).
    headers: Vec<String>,
}

impl Documented {
    fn is_success(&self) -> bool {
        self.key.starts_with('2')
    }

    /// Whether this response covers `status` (explicitly or by range).
    fn covers(&self, status: u16) -> bool {
        let class = char::from(b'0' + (status / 100) as u8);
        match self.key.as_str() {
            "default" => status >= 400,
            k if k.ends_with("XX") => k.starts_with(class),
            k => k == status.to_string(),
        }
    }
}

fn documented(p: &Provider) -> Vec<Documented> {
    let doc = p.spec();
    let (op, _) = p.operation();
    let mut out = Vec::new();
    for (key, response) in op["responses"].as_object().unwrap() {
        let response = xtask::spec::resolve(&doc, response);
        let mut media = Vec::new();
        let mut examples = Vec::new();
        if let Some(content) = response.get("content").and_then(Value::as_object) {
            for (mt, m) in content {
                media.push(mt.clone());
                if let Some(v) = m.get("example") {
                    examples.push((mt.clone(), "example".to_string(), v.clone()));
                }
                if let Some(named) = m.get("examples").and_then(Value::as_object) {
                    for (name, ex) in named {
                        let ex = xtask::spec::resolve(&doc, ex);
                        examples.push((mt.clone(), name.clone(), ex["value"].clone()));
                    }
                }
            }
        }
        let headers = response
            .get("headers")
            .and_then(Value::as_object)
            .map(|h| h.keys().map(|k| k.to_ascii_lowercase()).collect())
            .unwrap_or_default();
        out.push(Documented {
            key: key.clone(),
            media,
            examples,
            headers,
        });
    }
    out
}

/// The `Accept` header the spec implies, computed here independently of the
/// generator: the success media types, then the error ones in status order
/// (`default` last), each once.
fn spec_accept(docs: &[Documented]) -> String {
    let mut ordered: Vec<&Documented> = docs.iter().collect();
    ordered.sort_by_key(|d| (!d.is_success(), d.key == "default", d.key.clone()));
    let mut seen: Vec<String> = Vec::new();
    for d in ordered {
        for mt in &d.media {
            if !seen.iter().any(|s| s.eq_ignore_ascii_case(mt)) {
                seen.push(mt.clone());
            }
        }
    }
    seen.join(", ")
}

/// The concrete statuses a documented response is exercised with.
fn statuses_for(d: &Documented, all: &[Documented]) -> Vec<u16> {
    let explicit = |s: u16| all.iter().any(|o| o.key == s.to_string());
    match d.key.as_str() {
        "default" => vec![409, 503]
            .into_iter()
            .filter(|s| !explicit(*s))
            .collect(),
        "4XX" => vec![409].into_iter().filter(|s| !explicit(*s)).collect(),
        "5XX" => vec![503].into_iter().filter(|s| !explicit(*s)).collect(),
        k => vec![k.parse().unwrap()],
    }
}

fn is_json(mt: &str) -> bool {
    xtask::spec::is_json_media_type(mt)
}

fn header_value(name: &str) -> String {
    match name {
        "www-authenticate" => "Bearer realm=\"api\"".into(),
        "etag" => "\"9b1f4e7c2a6d8035\"".into(),
        "opc-request-id" => "SERVER-REQ-5E0B7A19".into(),
        other => format!("contract-{other}"),
    }
}

/// `v` without `null` object members (an optional field sent as `null` and
/// one left out are the same `None`).
fn strip_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), strip_nulls(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(strip_nulls).collect()),
        other => other.clone(),
    }
}

// ----------------------------------------------------------- the matrix

/// How many cases of each kind a matrix ran.
#[derive(Debug, Default, PartialEq)]
struct Ran {
    ok: usize,
    error_response: usize,
    non_json_error: usize,
    unexpected: usize,
}

/// What every request of the matrix must be: common headers, the route
/// with the example parameters, the provider's auth.
fn check_request(p: &Provider, r: &Recorded) {
    check_common(r, p.stem, p.accept());
    p.check_path(r);
    p.check_auth(r);
}

/// The status matrix of one provider (see the module doc), read from its
/// spec; the request of every case is checked.
async fn run_matrix(p: &Provider) -> Ran {
    let stem = p.stem;
    let docs = documented(p);
    assert_eq!(spec_accept(&docs), p.accept(), "{stem}: Accept");
    let mut ran = Ran::default();
    // One server whose reply is set per case, one client.
    let next = Arc::new(Mutex::new(Reply::status(500)));
    let server = {
        let next = next.clone();
        Server::start(move |_, _| next.lock().unwrap().clone()).await
    };
    let client = p.client(p.config(&server.url()));
    let call = |reply: Reply| {
        *next.lock().unwrap() = in_one_write(reply);
        let before = server.count();
        let server = &server;
        let client = &client;
        async move {
            let result = client.call().await.result;
            assert_eq!(
                server.count(),
                before + 1,
                "{stem}: sent once, never retried"
            );
            check_request(p, &server.last());
            result
        }
    };
    for d in &docs {
        for status in statuses_for(d, &docs) {
            assert!(!d.examples.is_empty(), "{stem} {}: no example", d.key);
            for (mt, name, body) in &d.examples {
                let what = format!("{stem} {status} ({} / {mt} / {name})", d.key);
                let payload = match body {
                    Value::String(s) if !is_json(mt) => s.clone().into_bytes(),
                    other => serde_json::to_vec(other).unwrap(),
                };
                let mut reply = Reply::bytes(status, mt, payload.clone());
                for h in &d.headers {
                    reply = reply.with_header(h, &header_value(h));
                }
                match call(reply).await {
                    Ok(rv) if d.is_success() => {
                        assert_eq!(rv.status().as_u16(), status, "{what}");
                        assert_headers(d, rv.headers(), &what);
                        assert!(
                            credential_clients::runtime::mock::same_json(body, &rv),
                            "{what}: the credential re-serializes to the example:\n{body}\n{}",
                            *rv
                        );
                        ran.ok += 1;
                    }
                    Err(Error::ErrorResponse(rv)) if !d.is_success() && is_json(mt) => {
                        assert_eq!(rv.status().as_u16(), status, "{what}");
                        assert_headers(d, rv.headers(), &what);
                        assert_eq!(
                            strip_nulls(&rv),
                            strip_nulls(body),
                            "{what}: the typed error body re-serializes to the example"
                        );
                        ran.error_response += 1;
                    }
                    // A documented non-JSON alternative (Tines' text/plain
                    // errors) is not typed: status, headers and body are
                    // handed over as they came.
                    Err(Error::UnexpectedResponse(r)) if !d.is_success() && !is_json(mt) => {
                        assert_eq!(r.status().as_u16(), status, "{what}");
                        assert_eq!(r.headers()["content-type"], mt.as_str(), "{what}");
                        let bytes = r.bytes().await.unwrap();
                        assert_eq!(&bytes[..], &payload[..], "{what}");
                        ran.non_json_error += 1;
                    }
                    other => panic!("{what}: unexpected result {other:?}"),
                }
            }
        }
    }
    let undocumented: Vec<u16> = UNDOCUMENTED_CANDIDATES
        .into_iter()
        .filter(|s| !docs.iter().any(|d| d.covers(*s)))
        .collect();
    assert!(
        !undocumented.is_empty(),
        "{stem}: nothing undocumented to try"
    );
    for status in undocumented {
        let reply = if status == 204 {
            Reply::status(status)
        } else {
            Reply::json(status, &json!({"detail": "teapot"}))
        };
        match call(reply).await {
            Err(Error::UnexpectedResponse(r)) => {
                assert_eq!(r.status().as_u16(), status, "{stem}");
                ran.unexpected += 1;
            }
            other => panic!("{stem} {status}: expected UnexpectedResponse, got {other:?}"),
        }
    }
    // Every documented example was served: the counts follow from the spec.
    let expected = |success: bool, json: bool| -> usize {
        docs.iter()
            .filter(|d| d.is_success() == success)
            .map(|d| {
                statuses_for(d, &docs).len()
                    * d.examples
                        .iter()
                        .filter(|(mt, _, _)| is_json(mt) == json)
                        .count()
            })
            .sum()
    };
    assert_eq!(
        (ran.ok, ran.error_response, ran.non_json_error),
        (
            expected(true, true) + expected(true, false),
            expected(false, true),
            expected(false, false)
        ),
        "{stem}: {ran:?}"
    );
    assert!(ran.ok >= 1, "{stem}: no success example");
    ran
}

fn assert_headers(d: &Documented, headers: &reqwest::header::HeaderMap, what: &str) {
    for h in &d.headers {
        assert_eq!(
            headers.get(h.as_str()).and_then(|v| v.to_str().ok()),
            Some(header_value(h).as_str()),
            "{what}: documented response header `{h}`"
        );
    }
}

// ---------------------------------------------------------- request checks

fn user_agent(stem: &str) -> String {
    format!("credential-clients/{} ({stem})", env!("CARGO_PKG_VERSION"))
}

/// What every request of every provider carries.
fn check_common(r: &Recorded, stem: &str, accept: &str) {
    assert_eq!(r.method, "GET", "{r:#?}");
    assert!(r.request_line.ends_with(" HTTP/1.1"), "{}", r.request_line);
    assert_eq!(r.header("accept"), Some(accept), "{stem}: {r:#?}");
    assert_eq!(r.headers_named("accept"), 1, "{stem}");
    assert_eq!(
        r.header("user-agent"),
        Some(user_agent(stem).as_str()),
        "{stem}"
    );
    assert!(r.header("host").is_some(), "{stem}");
    assert!(r.header("api-version").is_none(), "{stem}: {r:#?}");
    assert!(
        r.header("content-type").is_none(),
        "{stem}: a GET has no body"
    );
    assert!(r.body.is_empty(), "{stem}");
}

fn check_bearer(r: &Recorded) {
    assert_eq!(r.headers_named("authorization"), 1, "{r:#?}");
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
}

fn check_ankra_request(r: &Recorded) {
    check_common(r, "ankra", "application/json");
    assert_eq!(r.target, format!("/api/v1/org/credentials/{ANKRA_ID}"));
    check_bearer(r);
}

fn check_awx_request(r: &Recorded) {
    check_common(r, "awx", "application/json");
    assert_eq!(r.target, "/api/v2/credentials/42/", "trailing slash kept");
    check_bearer(r);
}

fn check_tines_request(r: &Recorded) {
    check_common(r, "tines", "application/json, text/plain");
    assert_eq!(r.path(), "/api/v1/user_credentials/4821");
    assert_eq!(r.query(), Some("include_references=true"));
    check_bearer(r);
    assert!(r.header("x-user-token").is_none());
}

fn check_astra_request(r: &Recorded) {
    check_common(
        r,
        "netapp-astra",
        "application/astra-credential+json, application/problem+json",
    );
    assert_eq!(
        r.target,
        format!("/accounts/{ASTRA_ACCOUNT}/core/v1/credentials/{ASTRA_CREDENTIAL}")
    );
    check_bearer(r);
}

fn check_oci_request(r: &Recorded) {
    check_common(r, "oci-aidp", "application/json");
    assert_eq!(
        r.target,
        format!("/20260430/aiDataPlatforms/{OCI_PLATFORM}/credentials/{OCI_KEY}")
    );
    assert_eq!(r.header("should-update-recent"), Some("true"));
    let id = r.header("opc-request-id").expect("opc-request-id");
    assert_eq!(id.len(), 32, "{id}");
    assert!(
        id.chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()),
        "{id}"
    );
    assert!(
        r.header("date").is_some_and(|d| d.ends_with(" GMT")),
        "{r:#?}"
    );
    assert_eq!(r.headers_named("authorization"), 1);
    let auth = r.header("authorization").unwrap();
    assert!(
        auth.starts_with(&format!(
            "Signature version=\"1\",headers=\"date (request-target) host\",keyId=\"{OCI_KEY_ID}\",algorithm=\"rsa-sha256\",signature=\""
        )),
        "{auth}"
    );
}

// ------------------------------------------------------------ the clients

fn disabled() -> RetryPolicy {
    RetryPolicy::disabled()
}

fn ankra_client(url: String) -> ankra::Client {
    ankra::Client::builder()
        .base_url(url)
        .bearer_token(TOKEN)
        .retry(disabled())
        .build()
        .unwrap()
}

async fn ankra_send(
    client: ankra::Client,
) -> ApiResult<ankra::types::Credential, ankra::GetCredentialError> {
    client
        .get_credential()
        .credential_id(uuid::Uuid::parse_str(ANKRA_ID).unwrap())
        .send()
        .await
}

async fn ankra_call(url: String) -> ApiResult<ankra::types::Credential, ankra::GetCredentialError> {
    ankra_send(ankra_client(url)).await
}

fn awx_client(url: String) -> awx::Client {
    awx::Client::builder()
        .base_url(format!("{url}/api/v2"))
        .bearer_token(TOKEN)
        .retry(disabled())
        .build()
        .unwrap()
}

async fn awx_send(
    client: awx::Client,
) -> ApiResult<awx::types::Credential, awx::GetCredentialError> {
    client
        .get_credential()
        .id(NonZeroU64::new(42).unwrap())
        .send()
        .await
}

async fn awx_call(url: String) -> ApiResult<awx::types::Credential, awx::GetCredentialError> {
    awx_send(awx_client(url)).await
}

fn tines_client(url: String) -> tines::Client {
    tines::Client::builder()
        .base_url(url)
        .bearer_token(TOKEN)
        .retry(disabled())
        .build()
        .unwrap()
}

async fn tines_send(
    client: tines::Client,
) -> ApiResult<tines::types::Credential, tines::GetCredentialError> {
    client
        .get_credential()
        .credential_id(4821)
        .include_references(true)
        .send()
        .await
}

async fn tines_call(url: String) -> ApiResult<tines::types::Credential, tines::GetCredentialError> {
    tines_send(tines_client(url)).await
}

fn astra_client(url: String) -> netapp_astra::Client {
    netapp_astra::Client::builder()
        .base_url(url)
        .bearer_token(TOKEN)
        .retry(disabled())
        .build()
        .unwrap()
}

async fn astra_send(
    client: netapp_astra::Client,
) -> ApiResult<netapp_astra::types::Credential, netapp_astra::GetCredentialError> {
    client
        .get_credential()
        .account_id(ASTRA_ACCOUNT)
        .credential_id(ASTRA_CREDENTIAL)
        .send()
        .await
}

async fn astra_call(
    url: String,
) -> ApiResult<netapp_astra::types::Credential, netapp_astra::GetCredentialError> {
    astra_send(astra_client(url)).await
}

fn oci_signer() -> credential_clients::runtime::oci::Signer {
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

fn oci_client(url: String) -> oci_aidp::Client {
    oci_aidp::Client::builder()
        .base_url(url)
        .oci_signer(oci_signer())
        .retry(disabled())
        .build()
        .unwrap()
}

async fn oci_send(
    client: oci_aidp::Client,
) -> ApiResult<oci_aidp::types::Credential, oci_aidp::GetCredentialError> {
    client
        .get_credential()
        .ai_data_platform_id(OCI_PLATFORM)
        .credential_key(OCI_KEY)
        .should_update_recent(true)
        .send()
        .await
}

async fn oci_call(
    url: String,
) -> ApiResult<oci_aidp::types::Credential, oci_aidp::GetCredentialError> {
    oci_send(oci_client(url)).await
}

/// Serve one reply, call the client once, check the request; the result.
async fn serve<T, E, Fut>(
    reply: Reply,
    call: impl FnOnce(String) -> Fut,
    check_request: impl Fn(&Recorded),
) -> ApiResult<T, E>
where
    Fut: Future<Output = ApiResult<T, E>>,
{
    let server = Server::always(in_one_write(reply)).await;
    let result = call(server.url()).await;
    assert_eq!(server.count(), 1);
    check_request(&server.last());
    result
}

/// A 200 with `body` that must parse; the parsed credential.
async fn parse_ok<T: Debug, E: Debug, Fut>(
    body: Value,
    call: impl FnOnce(String) -> Fut,
    check_request: impl Fn(&Recorded),
) -> ResponseValue<T>
where
    Fut: Future<Output = ApiResult<T, E>>,
{
    match serve(Reply::json(200, &body), call, check_request).await {
        Ok(rv) => {
            assert_eq!(rv.status(), 200);
            rv
        }
        Err(e) => panic!("{body:#}\ndid not parse: {e:?}"),
    }
}

/// An error status with a JSON `body` that must give the typed error body.
async fn parse_error<T: Debug, E: Debug, Fut>(
    status: u16,
    body: Value,
    call: impl FnOnce(String) -> Fut,
    check_request: impl Fn(&Recorded),
) -> ResponseValue<E>
where
    Fut: Future<Output = ApiResult<T, E>>,
{
    match serve(Reply::json(status, &body), call, check_request).await {
        Err(Error::ErrorResponse(rv)) => {
            assert_eq!(rv.status().as_u16(), status);
            rv
        }
        other => panic!("{status} {body:#}: expected ErrorResponse, got {other:?}"),
    }
}

fn reserialized<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap()
}

// ---------------------------------------------------------- status matrix

/// The counts of our five specs' matrices, pinned by hand (a lost
/// example fails here too); a new spec's counts follow from its spec.
const PINNED: &[(&str, Ran)] = &[
    // 7 success examples; 401 (x2), 403 (x3), 404, 422; no 5xx documented.
    (
        "ankra",
        Ran {
            ok: 7,
            error_response: 7,
            non_json_error: 0,
            unexpected: 7,
        },
    ),
    // 401, 403, 404 (x2: DRF 3.15 and older texts).
    (
        "awx",
        Ran {
            ok: 4,
            error_response: 4,
            non_json_error: 0,
            unexpected: 7,
        },
    ),
    // 401, 404, 429 each as JSON and as text/plain.
    (
        "tines",
        Ran {
            ok: 6,
            error_response: 3,
            non_json_error: 3,
            unexpected: 7,
        },
    ),
    // 400 (x2), 401 (x2), 403, 404, 429.
    (
        "netapp-astra",
        Ran {
            ok: 7,
            error_response: 7,
            non_json_error: 0,
            unexpected: 7,
        },
    ),
    // 400, 401, 404, 429, 500, and `default` as 409 and 503; every 4xx
    // and 5xx is documented: only 2xx/3xx are unexpected.
    (
        "oci-aidp",
        Ran {
            ok: 6,
            error_response: 7,
            non_json_error: 0,
            unexpected: 3,
        },
    ),
];

/// Every provider of the workspace (`with_providers!`) against its spec's
/// status matrix.
#[tokio::test]
async fn every_provider_every_documented_status() {
    let mut seen = Vec::new();
    let mut differ = Vec::new();
    for p in providers::all() {
        let ran = run_matrix(p).await;
        if let Some((_, pinned)) = PINNED.iter().find(|(stem, _)| *stem == p.stem)
            && &ran != pinned
        {
            differ.push(format!("{}: ran {ran:?}, pinned {pinned:?}", p.stem));
        }
        seen.push(p.stem);
    }
    providers::covered("contract::every_provider_every_documented_status", &seen);
    assert_eq!(seen, providers::stems());
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

#[tokio::test]
async fn awx_401_carries_www_authenticate() {
    let reply = Reply::json(
        401,
        &json!({"detail": "Authentication credentials were not provided."}),
    )
    .with_header("WWW-Authenticate", "Bearer realm=\"api\"");
    let rv = match serve(reply, awx_call, check_awx_request).await {
        Err(Error::ErrorResponse(rv)) => rv,
        other => panic!("{other:?}"),
    };
    assert_eq!(rv.status(), 401);
    assert_eq!(rv.headers()["www-authenticate"], "Bearer realm=\"api\"");
    assert!(rv.detail.starts_with("Authentication credentials"));
}

#[tokio::test]
async fn oci_errors_expose_opc_request_id_and_localized_fields() {
    let reply = Reply::json(
        400,
        &json!({
            "code": "InvalidParameter",
            "message": "Valeur non valide",
            "originalMessage": "Invalid value for 'x'",
            "originalMessageTemplate": "Invalid value for '{name}'",
            "messageArguments": {"name": "x"},
            "troubleshooting": "an undocumented member"
        }),
    )
    .with_header("opc-request-id", "ABC/DEF/123");
    let rv = match serve(reply, oci_call, check_oci_request).await {
        Err(Error::ErrorResponse(rv)) => rv,
        other => panic!("{other:?}"),
    };
    assert_eq!(rv.status(), 400);
    assert_eq!(rv.headers()["opc-request-id"], "ABC/DEF/123");
    assert_eq!(rv.code.as_deref(), Some("InvalidParameter"));
    assert_eq!(
        rv.original_message.as_deref(),
        Some("Invalid value for 'x'")
    );
    assert_eq!(rv.message_arguments["name"], "x");
}

// -------------------------------------------------------- request headers

#[tokio::test]
async fn a_custom_user_agent_replaces_the_default_for_every_provider() {
    let server = Server::always(Reply::status(418)).await;
    let ua = "acme-vault-sync/2.1";
    let url = server.url();
    for p in providers::all() {
        // No auth configured: nothing is invented (OCI is always signed).
        let mut config = credential_clients::runtime::ClientConfig::new(p.api)
            .base_url(format!("{url}{}", p.base_prefix()))
            .user_agent(ua)
            .retry(disabled());
        let signed = p.auth_kind() == providers::AuthKind::Oci;
        if signed {
            config = config.auth(credential_clients::runtime::Auth::Oci(Arc::new(
                oci_signer(),
            )));
        }
        let before = server.count();
        match p.client(config).call().await.result {
            Err(Error::UnexpectedResponse(r)) => assert_eq!(r.status(), 418, "{p:?}"),
            other => panic!("{p:?}: {other:?}"),
        }
        assert_eq!(server.count(), before + 1, "{p:?}");
        let r = server.last();
        assert_eq!(
            r.header("user-agent"),
            Some(ua),
            "{p:?}: {}",
            r.request_line
        );
        assert_eq!(r.headers_named("user-agent"), 1, "{p:?}");
        if !signed {
            assert!(r.header("authorization").is_none(), "{p:?}: {r:#?}");
        }
    }
    providers::covered(
        "contract::a_custom_user_agent_replaces_the_default_for_every_provider",
        &providers::stems(),
    );
}

#[tokio::test]
async fn tines_include_references_is_sent_only_when_set() {
    let server = Server::always(Reply::status(418)).await;
    let client = tines::Client::builder()
        .base_url(server.url())
        .bearer_token(TOKEN)
        .retry(disabled())
        .build()
        .unwrap();
    for include in [None, Some(false)] {
        let mut request = client.get_credential().credential_id(9);
        if let Some(include) = include {
            request = request.include_references(include);
        }
        match request.send().await {
            Err(Error::UnexpectedResponse(r)) => assert_eq!(r.status(), 418),
            other => panic!("{include:?}: {other:?}"),
        }
    }
    let r = server.requests();
    assert_eq!(r[0].target, "/api/v1/user_credentials/9");
    assert_eq!(
        r[1].target,
        "/api/v1/user_credentials/9?include_references=false"
    );
}

#[tokio::test]
async fn oci_request_ids_are_fresh_per_call_and_optional_headers_are_omitted() {
    let server = Server::always(Reply::status(201)).await;
    let client = oci_aidp::Client::builder()
        .base_url(server.url())
        .oci_signer(oci_signer())
        .retry(disabled())
        .build()
        .unwrap();
    for _ in 0..2 {
        let err = client
            .get_credential()
            .ai_data_platform_id(OCI_PLATFORM)
            .credential_key(OCI_KEY)
            .send()
            .await
            .unwrap_err();
        assert!(matches!(err, Error::UnexpectedResponse(_)), "{err:?}");
    }
    let r = server.requests();
    assert!(r[0].header("should-update-recent").is_none(), "{:#?}", r[0]);
    assert_ne!(r[0].header("opc-request-id"), r[1].header("opc-request-id"));
}

#[tokio::test]
async fn invalid_path_parameters_are_refused_before_sending() {
    let server = Server::always(Reply::status(200)).await;
    let client = netapp_astra::Client::builder()
        .base_url(server.url())
        .bearer_token(TOKEN)
        .build()
        .unwrap();
    // Not an Astra identifier (upper case, wrong version nibble, empty).
    for bad in [
        "6B9C2A5E-5A3C-4B0E-9D5E-2F1D8C7B6A54",
        "6b9c2a5e-5a3c-1b0e-9d5e-2f1d8c7b6a54",
        "",
    ] {
        let err = client
            .get_credential()
            .account_id(bad)
            .credential_id(ASTRA_CREDENTIAL)
            .send()
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{bad:?}: {err:?}");
    }
    let oci = oci_aidp::Client::builder()
        .base_url(server.url())
        .oci_signer(oci_signer())
        .build()
        .unwrap();
    let long_key = "k".repeat(256);
    for (platform, key, opc) in [
        ("p", "k", "has space"),
        ("p", long_key.as_str(), "ok"),
        ("", "k", "ok"),
    ] {
        let err = oci
            .get_credential()
            .ai_data_platform_id(platform)
            .credential_key(key)
            .opc_request_id(opc)
            .send()
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    }
    assert_eq!(server.connections(), 0);
}

// --------------------------------------------------------------- Ankra

#[tokio::test]
async fn ankra_cli_shape_with_omitted_fields_and_string_installation_id() {
    let cred = parse_ok(
        json!({
            "id": ANKRA_ID,
            "name": "github-app-platform",
            "provider": "git",
            "description": "GitHub App for the platform org",
            "created_at": "2025-02-01T10:00:00Z",
            "organisation_id": "0e9a7c31-4d2b-4f6e-8a15-93c2b7d1f048",
            "installation_id": "61234567",
            "repository": "platform-gitops",
            "owner": "example-org",
            "webhook_secret_set": true,
            "scopes": ["contents:read", {"nested": [1, 2.5, null]}]
        }),
        ankra_call,
        check_ankra_request,
    )
    .await;
    // A string installation id stays a string.
    assert_eq!(reserialized(&cred.installation_id), json!("61234567"));
    assert_eq!(cred.system, None);
    assert_eq!(cred.available, None);
    assert!(cred.clusters.is_none() && cred.operations.is_none());
    assert_eq!(cred.updated_at, None);
    assert_eq!(cred.owner.as_deref(), Some("example-org"));

    let cred = parse_ok(
        json!({"id": ANKRA_ID, "name": "n", "installation_id": 51234567}),
        ankra_call,
        check_ankra_request,
    )
    .await;
    // An integer installation id (the list shape) stays an integer.
    assert_eq!(reserialized(&cred.installation_id), json!(51234567));
}

#[tokio::test]
async fn ankra_nulls_unknown_enums_and_secrets() {
    let secret = "ankra-hetzner-token-9f8e7d";
    let body = json!({
        "id": ANKRA_ID,
        "name": "edge-hetzner",
        "provider": "scaleway",
        "organisation_id": null,
        "system": null,
        "available": true,
        "clusters": [{
            "id": "8d3e6f10-2a9b-4c57-b1e4-7f0a3c9d2e68",
            "name": "edge-1",
            "kind": "provisioned",
            "created_at": null,
            "node_count": 3
        }],
        "operations": [{
            "id": "c41a9e27-6b3d-4f08-9d52-1e7b8a0f3c96",
            "name": "upgrade",
            "status": "queued",
            "cluster_kind": "managed",
            "cluster_id": null
        }],
        "created_at": "2025-01-01T00:00:00Z",
        "updated_at": null,
        "description": null,
        "installation_id": null,
        "token": secret,
        "username": null,
        "access_key_id": null,
        "secret_access_key": null,
        "role_arn": null,
        "gitlab_url": null,
        "access_token": null,
        "usage_count": 12
    });
    let cred = parse_ok(body, ankra_call, check_ankra_request).await;
    assert_eq!(cred.provider, Some(OpenEnum::Unknown("scaleway".into())));
    assert_eq!(
        cred.clusters.as_ref().unwrap()[0].kind,
        Some(OpenEnum::Unknown("provisioned".into()))
    );
    assert_eq!(
        cred.operations.as_ref().unwrap()[0].cluster_kind,
        Some(OpenEnum::Unknown("managed".into()))
    );
    assert_eq!(cred.organisation_id, None);
    assert_eq!(cred.updated_at, None);
    assert_eq!(cred.token.as_ref().unwrap().expose_secret(), secret);
    assert!(!format!("{cred:?}").contains(secret));
    // Unknown values re-serialize verbatim; secrets round-trip.
    let out = reserialized(&*cred);
    assert_eq!(out["provider"], "scaleway");
    assert_eq!(out["clusters"][0]["kind"], "provisioned");
    assert_eq!(out["operations"][0]["cluster_kind"], "managed");
    assert_eq!(out["token"], secret);
}

#[tokio::test]
async fn ankra_error_bodies() {
    let rv = parse_error(
        403,
        json!({"detail": "permission_denied", "permission": "credentials.read", "request_id": "r-1"}),
        ankra_call,
        check_ankra_request,
    )
    .await;
    assert_eq!(reserialized(&rv.detail), json!("permission_denied"));
    assert_eq!(rv.permission.as_deref(), Some("credentials.read"));

    // pydantic v2 validation error with ctx, url and a numeric loc item.
    let rv = parse_error(
        422,
        json!({"detail": [{
            "type": "uuid_parsing",
            "loc": ["path", "credential_id", 0],
            "msg": "Input should be a valid UUID",
            "input": {"raw": 7},
            "ctx": {"error": "invalid length"},
            "url": "https://errors.pydantic.dev/2.9/v/uuid_parsing"
        }]}),
        ankra_call,
        check_ankra_request,
    )
    .await;
    let detail = reserialized(&rv.detail);
    assert_eq!(detail[0]["type"], "uuid_parsing");
    assert_eq!(detail[0]["loc"], json!(["path", "credential_id", 0]));
    assert_eq!(detail[0]["input"], json!({"raw": 7}));
    assert_eq!(detail[0]["ctx"]["error"], "invalid length");
}

// ----------------------------------------------------------------- AWX

fn awx_body() -> Value {
    json!({
        "id": 42,
        "type": "credential",
        "url": "/api/v2/credentials/42/",
        "related": {
            "named_url": "/api/v2/credentials/deploy++Machine+ssh++Ops/",
            "organization": "/api/v2/organizations/3/",
            "credential_type": "/api/v2/credential_types/1/",
            "test": "/api/v2/credentials/42/test/",
            "webhook_receiver": "/api/v2/credentials/42/webhook/"
        },
        "summary_fields": {
            "organization": {"id": 3, "name": "Ops", "description": ""},
            "credential_type": {"id": 1, "name": "Machine", "description": ""},
            "user_capabilities": {"edit": true, "delete": false, "copy": true, "use": true},
            "owners": [{"id": 3, "type": "organization", "name": "Ops", "description": "", "url": "/api/v2/organizations/3/"}],
            "resource": {"ansible_id": "0b6f", "resource_type": "shared.credential"}
        },
        "created": "2025-03-01T08:00:00.123456Z",
        "modified": "2025-03-02T08:00:00.654321Z",
        "name": "deploy",
        "description": "",
        "organization": 3,
        "credential_type": 1,
        "managed": true,
        "inputs": {
            "username": "deploy",
            "password": "$encrypted$",
            "ssh_key_data": "$encrypted$",
            "become_method": "sudo",
            "verify_ssl": false,
            "port": 2222,
            "extra": {"nested": ["a", 1, null]}
        },
        "kind": "ssh",
        "cloud": false,
        "kubernetes": false,
        "last_used": "2025-03-05T10:00:00Z"
    })
}

#[tokio::test]
async fn awx_current_server_managed_and_unknown_keys() {
    let cred = parse_ok(awx_body(), awx_call, check_awx_request).await;
    assert_eq!(cred.managed, Some(true));
    assert_eq!(cred.managed_by_tower, None);
    assert_eq!(cred.organization, Some(3));
    assert_eq!(cred.inputs["verify_ssl"], json!(false));
    assert_eq!(cred.inputs["port"], json!(2222));
    assert_eq!(cred.inputs["password"], "$encrypted$");
    // Unknown `related` keys are kept (the map is open).
    assert_eq!(
        cred.related.extra.get("test").map(String::as_str),
        Some("/api/v2/credentials/42/test/")
    );
    assert_eq!(
        reserialized(&*cred)["related"]["webhook_receiver"],
        "/api/v2/credentials/42/webhook/"
    );
}

#[tokio::test]
async fn awx_legacy_server_managed_by_tower_and_personal_credential() {
    let mut body = awx_body();
    let obj = body.as_object_mut().unwrap();
    obj.remove("managed");
    obj.insert("managed_by_tower".into(), json!(false));
    obj.insert("organization".into(), Value::Null);
    obj.insert("kind".into(), json!("tower"));
    obj["related"]
        .as_object_mut()
        .unwrap()
        .remove("organization");
    obj["related"]["user"] = json!("/api/v2/users/7/");
    let sf = obj["summary_fields"].as_object_mut().unwrap();
    sf.remove("organization");
    sf.insert(
        "owners".into(),
        json!([{"id": 7, "type": "user", "name": "ops", "description": " ", "url": "/api/v2/users/7/"}]),
    );
    let cred = parse_ok(body, awx_call, check_awx_request).await;
    assert_eq!(cred.managed, None);
    assert_eq!(cred.managed_by_tower, Some(false));
    assert_eq!(cred.organization, None);
    assert!(cred.summary_fields.organization.is_none());
    assert_eq!(cred.related.organization, None);
    assert_eq!(cred.related.user.as_deref(), Some("/api/v2/users/7/"));
    let out = reserialized(&*cred);
    assert_eq!(out["managed_by_tower"], false);
    assert!(out.get("managed").is_none());
    assert_eq!(out["organization"], Value::Null);
}

#[tokio::test]
async fn awx_custom_type_null_kind_and_new_owner_type() {
    let mut body = awx_body();
    body["kind"] = Value::Null;
    body["type"] = json!("credential_v3");
    body["summary_fields"]["owners"] =
        json!([{"id": 77, "type": "service_account", "name": "vault-sync"}]);
    body["inputs"] = json!({});
    let cred = parse_ok(body, awx_call, check_awx_request).await;
    assert_eq!(cred.kind, None);
    assert!(cred.inputs.is_empty());
    assert_eq!(cred.type_, OpenEnum::Unknown("credential_v3".into()));
    assert_eq!(
        cred.summary_fields.owners[0].type_,
        Some(OpenEnum::Unknown("service_account".into()))
    );
    let out = reserialized(&*cred);
    assert_eq!(out["type"], "credential_v3");
    assert_eq!(
        out["summary_fields"]["owners"][0]["type"],
        "service_account"
    );
    assert_eq!(out["kind"], Value::Null, "kind stays present as null");
}

// --------------------------------------------------------------- Tines

fn tines_real_get() -> Value {
    // What real servers send on GET: no owner, test_credential or
    // use_static_external_id; nulls for folder_id and the AWS fields.
    json!({
        "id": 4821,
        "name": "Outbound webhook",
        "team_id": 2,
        "folder_id": null,
        "mode": "TEXT",
        "read_access": "TEAM",
        "shared_team_slugs": [],
        "slug": "outbound_webhook",
        "created_at": "2025-04-09T12:00:00Z",
        "updated_at": "2025-04-09T12:30:00.5Z",
        "description": "",
        "aws_assumed_role_external_id": null,
        "aws_authentication_type": null,
        "allowed_hosts": [],
        "metadata": {},
        "restriction_type": "RESTRICTED",
        "test_credential_enabled": false
    })
}

#[tokio::test]
async fn tines_real_get_shape_with_omitted_and_null_fields() {
    let cred = parse_ok(tines_real_get(), tines_call, check_tines_request).await;
    assert_eq!(cred.owner, None);
    assert_eq!(cred.test_credential, None);
    assert_eq!(cred.use_static_external_id, None);
    assert_eq!(cred.folder_id, None);
    assert_eq!(cred.aws_authentication_type, None);
    assert!(cred.mode.known().is_some());
    assert_eq!(cred.mode.as_wire(), "TEXT");

    let mut body = tines_real_get();
    body["test_credential"] = Value::Null;
    body["owner"] = json!({"user_id": 58});
    body["metadata"] = json!({"region": "eu-west-1", "ttl": 3600, "flags": [true, null]});
    let cred = parse_ok(body, tines_call, check_tines_request).await;
    assert_eq!(cred.test_credential, None);
    assert_eq!(cred.owner.as_ref().unwrap().user_id, Some(58));
    assert_eq!(cred.owner.as_ref().unwrap().email, None);
    assert_eq!(cred.metadata["ttl"], 3600);
}

#[tokio::test]
async fn tines_new_enum_values_and_reference_fields() {
    let mut body = tines_real_get();
    body["mode"] = json!("DYNAMIC_SECRET");
    body["read_access"] = json!("ORGANIZATION");
    body["restriction_type"] = json!("RESTRICTED_TO_ACTIONS");
    body["aws_authentication_type"] = json!("WEB_IDENTITY");
    // include_references=true adds fields the vendor does not document.
    body["stories"] = json!([{"id": 11, "name": "Alerts"}]);
    body["actions"] = json!([101, 102]);
    let cred = parse_ok(body, tines_call, check_tines_request).await;
    assert_eq!(cred.mode, OpenEnum::Unknown("DYNAMIC_SECRET".into()));
    assert_eq!(cred.read_access, OpenEnum::Unknown("ORGANIZATION".into()));
    assert_eq!(
        cred.restriction_type,
        Some(OpenEnum::Unknown("RESTRICTED_TO_ACTIONS".into()))
    );
    assert_eq!(
        cred.aws_authentication_type,
        Some(OpenEnum::Unknown("WEB_IDENTITY".into()))
    );
    let out = reserialized(&*cred);
    for (k, v) in [
        ("mode", "DYNAMIC_SECRET"),
        ("read_access", "ORGANIZATION"),
        ("restriction_type", "RESTRICTED_TO_ACTIONS"),
        ("aws_authentication_type", "WEB_IDENTITY"),
    ] {
        assert_eq!(out[k], v, "{k}");
    }
}

#[tokio::test]
async fn tines_error_body_shapes() {
    let rv = parse_error(
        404,
        json!({"errors": [{"message": "Not found"}], "request_id": "x"}),
        tines_call,
        check_tines_request,
    )
    .await;
    // Unknown members (`request_id`) are kept: no data lost.
    assert_eq!(
        reserialized(&*rv),
        json!({"errors": [{"message": "Not found"}], "request_id": "x"})
    );

    let rv = parse_error(
        429,
        json!(["Too many requests", {"message": "slow down", "details": "5000/min"}]),
        tines_call,
        check_tines_request,
    )
    .await;
    assert_eq!(
        reserialized(&*rv),
        json!(["Too many requests", {"message": "slow down", "details": "5000/min"}])
    );

    // A plain-text error is not typed; status and body reach the caller.
    let result = serve(
        Reply::bytes(401, "text/plain; charset=utf-8", b"Unauthorized".to_vec()),
        tines_call,
        check_tines_request,
    )
    .await;
    let Err(err) = result else {
        panic!("{result:?}")
    };
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    match err {
        Error::UnexpectedResponse(r) => {
            assert_eq!(r.bytes().await.unwrap().as_ref(), b"Unauthorized")
        }
        other => panic!("{other:?}"),
    }
}

// --------------------------------------------------------- NetApp Astra

fn astra_body() -> Value {
    json!({
        "type": "application/astra-credential",
        "version": "1.1",
        "id": ASTRA_CREDENTIAL,
        "name": "ocp-staging",
        "keyType": "kubeconfig",
        "metadata": {
            "labels": [
                {"name": "astra.netapp.io/labels/read-only/credType", "value": "kubeconfig"}
            ],
            "creationTimestamp": "2022-08-17T17:09:47Z",
            "modificationTimestamp": "2022-08-17T17:09:47Z",
            "createdBy": "79b66aad-aba6-4673-9cef-994fa91c8de6"
        }
    })
}

#[tokio::test]
async fn astra_valid_missing_as_real_servers_send_it() {
    let body = serde_json::to_vec(&astra_body()).unwrap();
    let result = serve(
        Reply::bytes(200, "application/astra-credential+json", body),
        astra_call,
        check_astra_request,
    )
    .await;
    let cred = result.unwrap();
    assert_eq!(cred.valid, None);
    assert_eq!(cred.metadata.modified_by, None);
    let key_type = cred.key_type.as_ref().unwrap();
    assert!(key_type.known().is_some(), "{key_type:?}");
    assert_eq!(key_type.as_wire(), "kubeconfig");
    assert!(reserialized(&*cred).get("valid").is_none());
}

#[tokio::test]
async fn astra_unknown_values_extra_fields_and_relaxed_limits() {
    let mut body = astra_body();
    body["keyType"] = json!("sshKeyPair");
    body["version"] = json!("1.2");
    body["valid"] = json!("false");
    body["validUntilTimestamp"] = json!("2024-06-30T23:59:59Z");
    // Longer than the documented 127 characters: responses are not limited.
    body["name"] = json!("n".repeat(300));
    body["keyStoreDigest"] = json!("sha256:4be1");
    body["metadata"]["modifiedBy"] = json!("8c2a7e4d-1b6f-5a93-9e0c-4d7b2f8a1c36");
    body["metadata"]["tags"] = json!(["x"]);
    body["metadata"]["labels"][0]["origin"] = json!("system");
    let cred = parse_ok(body, astra_call, check_astra_request).await;
    assert_eq!(cred.key_type, Some(OpenEnum::Unknown("sshKeyPair".into())));
    assert_eq!(cred.version, OpenEnum::Unknown("1.2".into()));
    let valid = cred.valid.as_ref().unwrap();
    assert!(valid.known().is_some(), "{valid:?}");
    assert_eq!(valid.as_wire(), "false");
    assert_eq!(cred.name.len(), 300);
    let out = reserialized(&*cred);
    assert_eq!(out["keyType"], "sshKeyPair");
    assert_eq!(out["version"], "1.2");
    assert_eq!(out["valid"], "false", "valid stays a string");
}

#[tokio::test]
async fn astra_problem_details() {
    let body = json!({
        "type": "https://astra.netapp.io/problems/5",
        "title": "Invalid query parameters",
        "detail": "The supplied query parameters are invalid.",
        "status": "400",
        "invalidParams": [{"name": "include", "reason": "unknown field"}],
        "instance": "/accounts/x"
    });
    let result = serve(
        Reply::bytes(
            400,
            "application/problem+json",
            serde_json::to_vec(&body).unwrap(),
        ),
        astra_call,
        check_astra_request,
    )
    .await;
    let rv = match result {
        Err(Error::ErrorResponse(rv)) => rv,
        other => panic!("{other:?}"),
    };
    assert_eq!(rv.status(), 400);
    assert_eq!(rv.status, "400");
    assert_eq!(rv.correlation_id, None);
    assert_eq!(rv.invalid_params[0].name, "include");
}

// ----------------------------------------------------------------- OCI

#[tokio::test]
async fn oci_unknown_credential_type_is_an_open_union_member() {
    let client_secret = "oci-oauth-client-secret-31d7";
    let details = json!({
        "credentialType": "OAUTH_CLIENT_CREDENTIALS",
        "clientId": "crm-sync",
        "clientSecret": client_secret,
        "scopes": ["read", "write"]
    });
    let body = json!({
        "key": OCI_KEY,
        "displayName": "crm_oauth",
        "type": "OAUTH_CLIENT_CREDENTIALS",
        "credentialDetails": details,
        "lifecycleState": "NEEDS_ATTENTION",
        "timeCreated": "2026-06-10T13:30:00Z",
        "compartmentId": "ocid1.compartment.oc1..x"
    });
    let reply = Reply::json(200, &body)
        .with_header("etag", "\"e1\"")
        .with_header("opc-request-id", "SRV-1");
    let cred = serve(reply, oci_call, check_oci_request).await.unwrap();
    assert_eq!(cred.headers()["etag"], "\"e1\"");
    assert_eq!(cred.headers()["opc-request-id"], "SRV-1");
    let Some(OpenUnion::Unknown(obj)) = &cred.credential_details else {
        panic!("{cred:?}")
    };
    assert_eq!(
        obj.str_field("credentialType"),
        Some("OAUTH_CLIENT_CREDENTIALS")
    );
    assert_eq!(
        cred.type_,
        Some(OpenEnum::Unknown("OAUTH_CLIENT_CREDENTIALS".into()))
    );
    assert_eq!(
        cred.lifecycle_state,
        Some(OpenEnum::Unknown("NEEDS_ATTENTION".into()))
    );
    // The unknown variant's values never print; it re-serializes verbatim.
    assert!(!format!("{cred:?}").contains(client_secret));
    let out = reserialized(&*cred);
    assert_eq!(out["credentialDetails"], details);
    assert_eq!(out["lifecycleState"], "NEEDS_ATTENTION");
}

#[tokio::test]
async fn oci_known_variants_keep_secrets_redacted() {
    let token = "oci-secret-token-value-88a1";
    let cred = parse_ok(
        json!({
            "key": OCI_KEY,
            "displayName": "warehouse",
            "type": "SECRET_TOKEN",
            "credentialDetails": {
                "credentialType": "SECRET_TOKEN",
                "secretTokenPair": [{"secretKey": "api_token", "secretValue": token, "hint": "x"}]
            }
        }),
        oci_call,
        check_oci_request,
    )
    .await;
    let Some(OpenUnion::Known(d)) = &cred.credential_details else {
        panic!("{cred:?}")
    };
    // The secret round-trips (Secret serializes its value) but never prints.
    assert_eq!(reserialized(d)["secretTokenPair"][0]["secretValue"], token);
    assert!(!format!("{cred:?}").contains(token));

    let pem = "-----BEGIN PRIVATE KEY-----\nMIIcontract\n-----END PRIVATE KEY-----\n";
    let cred = parse_ok(
        json!({
            "key": OCI_KEY,
            "displayName": "run_as",
            "credentialDetails": {
                "credentialType": "SERVICE_ACCOUNT",
                "userId": "ocid1.user.oc1..u",
                "fingerprint": "4e:91",
                "tenancy": "ocid1.tenancy.oc1..t",
                "region": "us-ashburn-1",
                "isReadOnly": false,
                "privateKey": pem
            }
        }),
        oci_call,
        check_oci_request,
    )
    .await;
    let Some(OpenUnion::Known(d)) = &cred.credential_details else {
        panic!("{cred:?}")
    };
    assert_eq!(reserialized(d)["privateKey"], pem);
    assert_eq!(reserialized(d)["isReadOnly"], false);
    assert!(!format!("{cred:?}").contains("MIIcontract"));
}

#[tokio::test]
async fn oci_nulls_omissions_and_incomplete_variants() {
    // Only the two always-present fields.
    let cred = parse_ok(
        json!({"key": OCI_KEY, "displayName": "bare"}),
        oci_call,
        check_oci_request,
    )
    .await;
    assert_eq!(cred.credential_details, None);
    assert_eq!(cred.lifecycle_state, None);

    // Nulls in every nullable and optional field; a display name outside the
    // documented pattern (response constraints are not enforced).
    let cred = parse_ok(
        json!({
            "key": OCI_KEY,
            "displayName": "9 starts with a digit",
            "type": null,
            "credentialDetails": null,
            "credentialDescription": null,
            "lifecycleState": null,
            "lifecycleStateDetails": null,
            "timeCreated": null,
            "timeUpdated": null,
            "createdBy": null,
            "updatedBy": null
        }),
        oci_call,
        check_oci_request,
    )
    .await;
    assert_eq!(cred.display_name, "9 starts with a digit");
    assert_eq!(cred.time_updated, None);

    // A known discriminator with a member missing is kept, not refused.
    let cred = parse_ok(
        json!({
            "key": OCI_KEY,
            "displayName": "vault_ref",
            "credentialDetails": {"credentialType": "VAULT_REFERENCE"}
        }),
        oci_call,
        check_oci_request,
    )
    .await;
    let Some(OpenUnion::Unknown(obj)) = &cred.credential_details else {
        panic!("{cred:?}")
    };
    assert_eq!(obj.str_field("credentialType"), Some("VAULT_REFERENCE"));
}

// ------------------------------------------- vendor truth (issue 13)
//
// Bodies shaped as `shared/vendor-audit.md` describes the vendors' real
// behaviour (written here, not copied from vendor samples), served over
// HTTP: they must parse into the typed fields with the right values.

mod vendor_truth {
    use super::*;
    use credential_clients::summary::CredentialSummary;

    #[tokio::test]
    async fn ankra_new_provider_and_cluster_kind_values_are_known() {
        use ankra::types::{
            CredentialClusterInfoKind, CredentialOperationInfoClusterKind, CredentialProvider,
        };
        for (wire, known) in [
            ("upcloud", CredentialProvider::Upcloud),
            ("ssh-key", CredentialProvider::SshKey),
            ("github", CredentialProvider::Github),
            ("gitlab", CredentialProvider::Gitlab),
        ] {
            let cred = parse_ok(
                json!({
                    "id": ANKRA_ID,
                    "name": format!("{wire}-credential"),
                    "provider": wire,
                    "clusters": [
                        {"id": "1e8b4f27-6c3a-4d90-a5b2-9f0e7d1c3a64", "name": "a", "kind": "upcloud"},
                        {"id": "5d0a2c93-8e71-4b46-9f3d-c6e1b7a4f208", "name": "b", "kind": "hetzner"}
                    ],
                    "operations": [{
                        "id": "9f4e1b62-3d7c-4a05-b8e9-2c6a0d5f7e31",
                        "name": "scale",
                        "cluster_kind": "proxmox"
                    }]
                }),
                ankra_call,
                check_ankra_request,
            )
            .await;
            assert_eq!(cred.provider, Some(OpenEnum::Known(known)), "{wire}");
            let kinds: Vec<_> = cred
                .clusters
                .as_ref()
                .unwrap()
                .iter()
                .map(|c| c.kind.clone())
                .collect();
            assert_eq!(
                kinds,
                [
                    Some(OpenEnum::Known(CredentialClusterInfoKind::Upcloud)),
                    Some(OpenEnum::Known(CredentialClusterInfoKind::Hetzner))
                ]
            );
            assert_eq!(
                cred.operations.as_ref().unwrap()[0].cluster_kind,
                Some(OpenEnum::Known(CredentialOperationInfoClusterKind::Proxmox))
            );
            assert_eq!(reserialized(&*cred)["provider"], wire);
            assert_eq!(CredentialSummary::from(&*cred).kind.as_deref(), Some(wire));
        }
    }

    #[tokio::test]
    async fn ankra_secrets_beyond_the_reference_page_stay_redacted() {
        let api_token = "upcloud-api-token-7c1e";
        let private_key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE\n";
        let cred = parse_ok(
            json!({
                "id": ANKRA_ID,
                "name": "upcloud-fi-hel",
                "provider": "upcloud",
                "api_token": api_token,
                "private_key": private_key,
                "token_secret": null,
                "application_secret": "",
                "created_at": "2025-04-01T09:00:00Z"
            }),
            ankra_call,
            check_ankra_request,
        )
        .await;
        assert_eq!(cred.api_token.as_ref().unwrap().expose_secret(), api_token);
        assert_eq!(
            cred.private_key.as_ref().unwrap().expose_secret(),
            private_key
        );
        assert_eq!(cred.token_secret, None);
        let debug = format!("{cred:?}");
        assert!(!debug.contains(api_token) && !debug.contains("b3BlbnNzaC1rZXktdjE"));
        // The summary names the secrets that carried a value, never the values.
        let s = CredentialSummary::from(&*cred);
        assert_eq!(s.secret_fields, ["api_token", "private_key"]);
        assert!(s.has_secret_material);
    }

    #[tokio::test]
    async fn ankra_not_authenticated_and_rbac_scope_type() {
        let rv = parse_error(
            401,
            json!({"detail": "Not authenticated"}),
            ankra_call,
            check_ankra_request,
        )
        .await;
        assert_eq!(
            rv.detail,
            ankra::types::ErrorDetailDetail::String("Not authenticated".into())
        );
        assert_eq!(rv.permission, None);

        let rv = parse_error(
            403,
            json!({"detail": "permission_denied", "permission": "clusters.write", "scope_type": "organisation"}),
            ankra_call,
            check_ankra_request,
        )
        .await;
        assert_eq!(rv.permission.as_deref(), Some("clusters.write"));
        assert_eq!(rv.scope_type.as_deref(), Some("organisation"));

        // FastAPI lets `detail` be any object; it stays typed.
        let rv = parse_error(
            403,
            json!({"detail": {"reason": "organisation_suspended", "until": null}}),
            ankra_call,
            check_ankra_request,
        )
        .await;
        let ankra::types::ErrorDetailDetail::Object(detail) = &rv.detail else {
            panic!("{rv:?}")
        };
        assert_eq!(detail["reason"], "organisation_suspended");
    }

    #[tokio::test]
    async fn awx_401_fixed_challenge_timing_headers_and_drf_315_404() {
        let challenge = "Bearer realm=api authorization_url=/api/o/authorize/";
        let reply = Reply::json(
            401,
            &json!({"detail": "Authentication credentials were not provided. To establish a login session, visit /api/login/."}),
        )
        .with_header("WWW-Authenticate", challenge)
        .with_header("X-API-Product-Name", "AWX")
        .with_header("X-API-Node", "awx-web-0")
        .with_header("X-API-Time", "0.004s")
        .with_header("X-API-Total-Time", "0.011s");
        let rv = match serve(reply, awx_call, check_awx_request).await {
            Err(Error::ErrorResponse(rv)) => rv,
            other => panic!("{other:?}"),
        };
        assert_eq!(rv.headers()["www-authenticate"], challenge);
        assert_eq!(rv.headers()["x-api-total-time"], "0.011s");
        assert_eq!(rv.headers()["x-api-product-name"], "AWX");

        let rv = parse_error(
            404,
            json!({"detail": "No Credential matches the given query."}),
            awx_call,
            check_awx_request,
        )
        .await;
        assert_eq!(rv.detail, "No Credential matches the given query.");
    }

    #[tokio::test]
    async fn awx_summary_fields_resource_is_typed() {
        let mut body = awx_body();
        body["summary_fields"]["resource"] = json!({
            "ansible_id": "0c4f7e2a-91d3-4b58-a6e0-5d2b8f3c7a19",
            "resource_type": "shared.credential"
        });
        let reply = Reply::json(200, &body).with_header("X-API-Total-Time", "0.104s");
        let cred = serve(reply, awx_call, check_awx_request).await.unwrap();
        let resource = cred.summary_fields.resource.as_ref().unwrap();
        assert_eq!(
            resource.ansible_id.as_deref(),
            Some("0c4f7e2a-91d3-4b58-a6e0-5d2b8f3c7a19")
        );
        assert_eq!(resource.resource_type.as_deref(), Some("shared.credential"));
        assert_eq!(cred.headers()["x-api-total-time"], "0.104s");
    }

    #[tokio::test]
    async fn tines_expiry_fields_are_typed() {
        let mut body = tines_real_get();
        body["expires_at"] = json!("2025-11-30T00:00:00Z");
        body["expiry_notifications_enabled"] = json!(true);
        body["credential_notification_recipient_user_ids"] = json!([58, 214]);
        let cred = parse_ok(body, tines_call, check_tines_request).await;
        assert_eq!(
            cred.expires_at
                .as_ref()
                .and_then(|t| t.utc())
                .map(|t| t.to_rfc3339()),
            Some("2025-11-30T00:00:00+00:00".to_string())
        );
        assert_eq!(cred.expiry_notifications_enabled, Some(true));
        assert_eq!(
            cred.credential_notification_recipient_user_ids.as_deref(),
            Some(&[58, 214][..])
        );
        let out = reserialized(&*cred);
        assert_eq!(
            out["credential_notification_recipient_user_ids"],
            json!([58, 214])
        );
        assert_eq!(
            CredentialSummary::from(&*cred).expires.as_deref(),
            Some("2025-11-30T00:00:00Z")
        );

        // No expiry set: nulls.
        let mut body = tines_real_get();
        body["expires_at"] = Value::Null;
        body["expiry_notifications_enabled"] = Value::Null;
        body["credential_notification_recipient_user_ids"] = Value::Null;
        let cred = parse_ok(body, tines_call, check_tines_request).await;
        assert_eq!(cred.expires_at, None);
        assert_eq!(cred.expiry_notifications_enabled, None);
        assert_eq!(cred.credential_notification_recipient_user_ids, None);
        assert_eq!(CredentialSummary::from(&*cred).expires, None);
    }

    #[tokio::test]
    async fn tines_older_server_without_restriction_type_or_test_credential_enabled() {
        let mut body = tines_real_get();
        let obj = body.as_object_mut().unwrap();
        obj.remove("restriction_type");
        obj.remove("test_credential_enabled");
        let cred = parse_ok(body, tines_call, check_tines_request).await;
        assert_eq!(cred.restriction_type, None);
        assert_eq!(cred.test_credential_enabled, None);
        assert_eq!(cred.slug, "outbound_webhook");
        let out = reserialized(&*cred);
        assert!(out.get("restriction_type").is_none());

        // Current servers still give the typed values.
        let cred = parse_ok(tines_real_get(), tines_call, check_tines_request).await;
        assert_eq!(
            cred.restriction_type,
            Some(OpenEnum::Known(tines::types::RestrictionType::Restricted))
        );
        assert_eq!(cred.test_credential_enabled, Some(false));
    }

    #[tokio::test]
    async fn tines_error_details_of_any_json_type_stay_typed() {
        let rv = parse_error(
            404,
            json!({"errors": [{"message": "Not found", "details": {"id": ["is unknown"]}}]}),
            tines_call,
            check_tines_request,
        )
        .await;
        assert_eq!(
            reserialized(&*rv),
            json!({"errors": [{"message": "Not found", "details": {"id": ["is unknown"]}}]})
        );
    }

    #[tokio::test]
    async fn astra_sparse_and_empty_metadata_parse() {
        let mut body = astra_body();
        body["metadata"] = json!({"creationTimestamp": "2024-02-19T07:45:11.2Z"});
        let cred = parse_ok(body, astra_call, check_astra_request).await;
        assert!(cred.metadata.labels.is_empty());
        assert_eq!(cred.metadata.created_by, None);
        assert_eq!(cred.metadata.modification_timestamp, None);
        let s = CredentialSummary::from(&*cred);
        assert_eq!(s.created.as_deref(), Some("2024-02-19T07:45:11.200Z"));
        assert_eq!(s.updated, None);

        let mut body = astra_body();
        body["metadata"] = json!({});
        let cred = parse_ok(body, astra_call, check_astra_request).await;
        assert_eq!(
            cred.metadata,
            serde_json::from_value::<netapp_astra::types::TypeAstraMetadata>(json!({})).unwrap()
        );
        let s = CredentialSummary::from(&*cred);
        assert_eq!((s.created, s.updated), (None, None));

        // The full metadata still reads as before.
        let cred = parse_ok(astra_body(), astra_call, check_astra_request).await;
        assert_eq!(
            cred.metadata.created_by.as_deref(),
            Some("79b66aad-aba6-4673-9cef-994fa91c8de6")
        );
        assert_eq!(cred.metadata.labels.len(), 1);
    }

    #[tokio::test]
    async fn oci_masked_or_absent_secrets_keep_the_known_variant() {
        use oci_aidp::types::CredentialDetails;

        let cred = parse_ok(
            json!({
                "key": OCI_KEY,
                "displayName": "crm_export_token",
                "type": "SECRET_TOKEN",
                "credentialDetails": {
                    "credentialType": "SECRET_TOKEN",
                    "secretTokenPair": [
                        {"secretKey": "client_id"},
                        {"secretKey": "client_secret", "secretValue": "********"}
                    ]
                }
            }),
            oci_call,
            check_oci_request,
        )
        .await;
        let Some(OpenUnion::Known(CredentialDetails::SecretTokenCredentialDetails(d))) =
            &cred.credential_details
        else {
            panic!("{cred:?}")
        };
        assert_eq!(d.secret_token_pair.len(), 2);
        assert_eq!(d.secret_token_pair[0].secret_key, "client_id");
        assert_eq!(d.secret_token_pair[0].secret_value, None);
        assert_eq!(
            d.secret_token_pair[1]
                .secret_value
                .as_ref()
                .map(|v| v.expose_secret()),
            Some("********")
        );
        // An absent value is not "secret material"; a masked one is reported
        // as present (the client cannot tell a mask from a value).
        assert_eq!(
            CredentialSummary::from(&*cred).secret_fields,
            ["credentialDetails.secretTokenPair[1].secretValue"]
        );
        let out = reserialized(&*cred);
        assert!(
            out["credentialDetails"]["secretTokenPair"][0]
                .get("secretValue")
                .is_none()
        );

        let cred = parse_ok(
            json!({
                "key": OCI_KEY,
                "displayName": "nightly_reader",
                "credentialDetails": {
                    "credentialType": "SERVICE_ACCOUNT",
                    "userId": "ocid1.user.oc1..u",
                    "fingerprint": "7a:02:c9:5e",
                    "tenancy": "ocid1.tenancy.oc1..t",
                    "region": "eu-frankfurt-1",
                    "isReadOnly": true
                }
            }),
            oci_call,
            check_oci_request,
        )
        .await;
        let Some(OpenUnion::Known(CredentialDetails::ServiceAccountCredentialDetails(d))) =
            &cred.credential_details
        else {
            panic!("{cred:?}")
        };
        assert_eq!(d.private_key, None);
        assert_eq!(d.region, "eu-frankfurt-1");
        let s = CredentialSummary::from(&*cred);
        assert_eq!(s.kind.as_deref(), Some("SERVICE_ACCOUNT"));
        assert!(!s.has_secret_material);
    }

    #[tokio::test]
    async fn oci_200_without_etag_or_opc_request_id_parses() {
        let body = json!({"key": OCI_KEY, "displayName": "no_headers"});
        let reply = Reply::json(200, &body);
        let cred = serve(reply, oci_call, check_oci_request).await.unwrap();
        assert_eq!(cred.display_name, "no_headers");
        assert!(cred.headers().get("etag").is_none());
        assert!(cred.headers().get("opc-request-id").is_none());
    }

    #[test]
    fn oci_realm_second_level_domain_is_a_server_variable() {
        let client = oci_aidp::Client::builder()
            .oci_signer(oci_signer())
            .build()
            .unwrap();
        assert_eq!(
            client.base_url(),
            "https://aidp.us-ashburn-1.oci.oraclecloud.com"
        );
        let client = oci_aidp::Client::builder()
            .oci_signer(oci_signer())
            .region("uk-gov-london-1")
            .second_level_domain("oraclegovcloud.uk")
            .build()
            .unwrap();
        assert_eq!(
            client.base_url(),
            "https://aidp.uk-gov-london-1.oci.oraclegovcloud.uk"
        );
    }
}
