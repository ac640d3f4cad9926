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

mod ankra_wire;
mod astra_wire;
mod awx_wire;
mod clients;
mod oci_wire;
mod requests;
mod tines_wire;
mod vendor_truth;

use astra_wire::astra_body;
use awx_wire::awx_body;
use clients::*;
use requests::*;
use tines_wire::tines_real_get;

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
                // A JSON body the spec gives no example of: one made from
                // its schema (as the generated mock serves it).
                // its schema (as the generated mock serves it); a text one.
                if !examples.iter().any(|(m, _, _)| m == mt) {
                    let made = match m.get("schema") {
                        Some(schema) if is_json(mt) => xtask::examples::synthesize(&doc, schema, 0),
                        _ => Value::String(format!("an example {mt} body")),
                    };
                    examples.push((mt.clone(), "made up".into(), made));
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

// ----------------------------------------------------------- the matrix

/// How many cases of each kind a matrix ran.
#[derive(Debug, Default, PartialEq)]
struct Ran {
    ok: usize,
    error_response: usize,
    non_json_error: usize,
    unexpected: usize,
    /// Success bodies in a non-JSON alternative of a JSON body (Kubernetes'
    /// protobuf): not typed, so refused and withheld.
    withheld: usize,
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
    // What the cases should give, tallied from the spec as they are served.
    let mut expected = Ran::default();
    // A response documented without a body is served with an empty one.
    let no_body = [(String::new(), "no body".to_string(), Value::Null)];
    for d in &docs {
        for status in statuses_for(d, &docs) {
            let cases = if d.media.is_empty() {
                &no_body[..]
            } else {
                &d.examples[..]
            };
            // Errors without a JSON body are typed as "no body" when no
            // error of the operation has one, else handed over untyped.
            let untyped_errors = p.error_body(status) == providers::ErrorBody::Empty;
            for (mt, name, body) in cases {
                let what = format!("{stem} {status} ({} / {mt} / {name})", d.key);
                let payload = match body {
                    Value::String(s) if !is_json(mt) => s.clone().into_bytes(),
                    Value::Null if mt.is_empty() => Vec::new(),
                    other => serde_json::to_vec(other).unwrap(),
                };
                let mut reply = if mt.is_empty() {
                    Reply::status(status)
                } else {
                    Reply::bytes(status, mt, payload.clone())
                };
                for h in &d.headers {
                    reply = reply.with_header(h, &header_value(h));
                }
                let without_json = mt.is_empty() || !is_json(mt);
                // A success body in another media type than the JSON one
                // the client types.
                let alternative =
                    d.is_success() && without_json && d.media.iter().any(|m| is_json(m));
                match (d.is_success(), without_json, untyped_errors) {
                    (true, _, _) if alternative => expected.withheld += 1,
                    (true, _, _) => expected.ok += 1,
                    (false, false, _) | (false, true, true) => expected.error_response += 1,
                    (false, true, false) => expected.non_json_error += 1,
                }
                match call(reply).await {
                    Err(Error::InvalidResponsePayload(shown, _)) if alternative => {
                        assert!(
                            String::from_utf8_lossy(&shown).contains("withheld"),
                            "{what}"
                        );
                        ran.withheld += 1;
                    }
                    // Documented without a JSON body, where no error has one:
                    // the status (and headers) are the answer.
                    Err(Error::ErrorResponse(rv))
                        if !d.is_success() && without_json && untyped_errors =>
                    {
                        assert_eq!(rv.status().as_u16(), status, "{what}");
                        assert_headers(d, rv.headers(), &what);
                        assert_eq!(*rv, Value::Null, "{what}: no typed body");
                        ran.error_response += 1;
                    }
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
                        // As the credential: a `null` or empty list equals
                        // an absent member (the generated types skip both).
                        assert!(
                            credential_clients::runtime::mock::same_json(body, &rv),
                            "{what}: the typed error body re-serializes to the example:\n{body}\n{}",
                            *rv
                        );
                        ran.error_response += 1;
                    }
                    // A documented non-JSON alternative (Tines' text/plain
                    // errors) is not typed: status, headers and body are
                    // handed over as they came.
                    Err(Error::UnexpectedResponse(r)) if !d.is_success() && without_json => {
                        assert_eq!(r.status().as_u16(), status, "{what}");
                        if !mt.is_empty() {
                            assert_eq!(r.headers()["content-type"], mt.as_str(), "{what}");
                        }
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
    // Every documented example was served and gave what the spec says.
    assert_eq!(
        (ran.ok, ran.error_response, ran.non_json_error, ran.withheld),
        (
            expected.ok,
            expected.error_response,
            expected.non_json_error,
            expected.withheld
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
            withheld: 0,
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
            withheld: 0,
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
            withheld: 0,
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
            withheld: 0,
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
            withheld: 0,
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
