//! Hostile servers: every provider's client against broken, huge, slow and
//! malicious answers over real HTTP on 127.0.0.1. Each case must end in a
//! typed result (the specific `Error` variant is asserted), never a panic or
//! a hang; where the body is in fact valid the result is `Ok`.
//!
//! A success (2xx) body that fails to parse may hold a credential, so the
//! runtime withholds it: no error's `Display` or `Debug` may show it.

mod support;

use std::collections::HashMap;
use std::fmt::{Debug, Display};
use std::num::NonZeroU64;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use credential_clients::ankra::{Error, ResponseValue};
use credential_clients::{RetryPolicy, ankra, awx, netapp_astra, oci_aidp, tines};
use serde::Serialize;
use serde_json::{Value, json};
use support::{Reply, Server, in_one_write};

/// Planted in bodies: must never show in an error for a 2xx response.
const SECRET: &str = "hostile-secret-8d41c0e7b2";
const TOKEN: &str = "hostile-api-token";
const PATIENT: Duration = Duration::from_secs(10);
const TWENTY_MB: usize = 20 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq)]
enum P {
    Ankra,
    Awx,
    Tines,
    Astra,
    Oci,
}

const ALL: [P; 5] = [P::Ankra, P::Awx, P::Tines, P::Astra, P::Oci];

/// How a call ended, independent of the provider's types.
#[derive(Debug)]
enum Outcome {
    Ok(Value),
    ErrorResponse(u16),
    Unexpected { status: u16, body: Vec<u8> },
    InvalidPayload(Vec<u8>),
    BodyError { timeout: bool },
    Communication { timeout: bool },
}

/// The outcome and every way the error prints.
#[derive(Debug)]
struct Seen {
    outcome: Outcome,
    shown: Vec<String>,
}

impl Seen {
    /// Nothing the error prints contains `needle`.
    fn hides(&self, needle: &str, what: &str) {
        for shown in &self.shown {
            assert!(!shown.contains(needle), "{what}: shows {needle:?}: {shown}");
        }
    }

    /// A 2xx body that did not parse: withheld, and never printed.
    fn withheld(&self, what: &str) {
        match &self.outcome {
            Outcome::InvalidPayload(bytes) => {
                let text = String::from_utf8_lossy(bytes);
                assert!(text.contains("withheld"), "{what}: {text}");
            }
            other => panic!("{what}: expected InvalidResponsePayload, got {other:?}"),
        }
        self.hides(SECRET, what);
        for shown in &self.shown {
            assert!(shown.len() < 2048, "{what}: {} bytes printed", shown.len());
        }
    }
}

async fn seen<T: Serialize, E: Debug>(result: Result<ResponseValue<T>, Error<E>>) -> Seen
where
    Error<E>: Display,
{
    let (outcome, shown) = match result {
        Ok(rv) => (Outcome::Ok(serde_json::to_value(&*rv).unwrap()), vec![]),
        Err(e) => {
            let shown = vec![
                format!("{e}"),
                format!("{e:?}"),
                format!("{e:#?}"),
                format!("{e:#}"),
            ];
            let outcome = match e {
                Error::ErrorResponse(rv) => Outcome::ErrorResponse(rv.status().as_u16()),
                Error::UnexpectedResponse(r) => {
                    let status = r.status().as_u16();
                    let body = r.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
                    Outcome::Unexpected { status, body }
                }
                Error::InvalidResponsePayload(bytes, _) => Outcome::InvalidPayload(bytes.to_vec()),
                Error::ResponseBodyError(e) => Outcome::BodyError {
                    timeout: e.is_timeout(),
                },
                Error::CommunicationError(e) => Outcome::Communication {
                    timeout: e.is_timeout(),
                },
                other => panic!("an error no hostile server can cause: {other:?}"),
            };
            (outcome, shown)
        }
    };
    Seen { outcome, shown }
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

impl P {
    fn stem(self) -> &'static str {
        match self {
            P::Ankra => "ankra",
            P::Awx => "awx",
            P::Tines => "tines",
            P::Astra => "netapp-astra",
            P::Oci => "oci-aidp",
        }
    }

    /// The member holding the display name, a typed string.
    fn name_field(self) -> &'static str {
        match self {
            P::Oci => "displayName",
            _ => "name",
        }
    }

    /// A member typed as free-form JSON (kept as `serde_json::Value`).
    fn free_form_field(self) -> Option<&'static str> {
        match self {
            P::Awx => Some("inputs"),
            P::Tines => Some("metadata"),
            P::Oci => Some("credentialDetails"),
            P::Ankra | P::Astra => None,
        }
    }

    /// The spec's primary 200 example, plus an unknown member carrying
    /// [`SECRET`] that sorts first (so a truncated body still holds it).
    fn valid(self) -> Value {
        static CACHE: OnceLock<Mutex<HashMap<&'static str, Value>>> = OnceLock::new();
        let cache = CACHE.get_or_init(Default::default);
        if let Some(v) = cache.lock().unwrap().get(self.stem()) {
            return v.clone();
        }
        let rel = format!("specs/{}.yaml", self.stem());
        let text =
            std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(&rel))
                .unwrap();
        let doc = xtask::spec::parse_yaml(std::path::Path::new(&rel), &text).unwrap();
        let op = doc["paths"]
            .as_object()
            .unwrap()
            .values()
            .map(|item| &item["get"])
            .find(|op| op["operationId"] == "get_credential")
            .unwrap();
        let media = op["responses"]["200"]["content"]
            .as_object()
            .unwrap()
            .values()
            .next()
            .unwrap();
        let mut body = match media.get("example") {
            Some(v) => v.clone(),
            None => media["examples"]
                .as_object()
                .unwrap()
                .values()
                .next()
                .unwrap()["value"]
                .clone(),
        };
        body["_note"] = json!(SECRET);
        cache.lock().unwrap().insert(self.stem(), body.clone());
        body
    }

    fn valid_bytes(self) -> Vec<u8> {
        let bytes = serde_json::to_vec(&self.valid()).unwrap();
        assert!(bytes.starts_with(b"{\"_note\""), "the secret comes first");
        bytes
    }

    /// The valid body with `member` replaced by the raw JSON text `raw`.
    fn with_raw(self, member: &str, raw: &[u8]) -> Vec<u8> {
        let mut body = self.valid();
        body[member] = json!("@@RAW@@");
        let text = serde_json::to_vec(&body).unwrap();
        let at = text.windows(9).position(|w| w == b"\"@@RAW@@\"").unwrap();
        [&text[..at], raw, &text[at + 9..]].concat()
    }

    fn client(self, url: String, timeout: Duration) -> Client {
        self.client_with(url, timeout, None)
    }

    /// A client through the runtime's `ClientConfig` (the same one each
    /// generated builder wraps), optionally with a response-size cap.
    fn client_with(self, url: String, timeout: Duration, cap: Option<u64>) -> Client {
        use credential_clients::runtime::{Auth, ClientConfig};
        let (api, base) = match self {
            P::Ankra => (&ankra::API, url),
            P::Awx => (&awx::API, format!("{url}/api/v2")),
            P::Tines => (&tines::API, url),
            P::Astra => (&netapp_astra::API, url),
            P::Oci => (&oci_aidp::API, url),
        };
        let auth = match self {
            P::Oci => Auth::Oci(Arc::new(oci_signer())),
            _ => Auth::Bearer(TOKEN.into()),
        };
        let mut config = ClientConfig::new(api)
            .base_url(base)
            .auth(auth)
            .retry(RetryPolicy::disabled())
            .timeout(timeout);
        if let Some(cap) = cap {
            config = config.max_response_bytes(cap);
        }
        let parts = config.build().unwrap();
        let (base, http, rt) = (&parts.base_url, parts.http, parts.runtime);
        match self {
            P::Ankra => Client::Ankra(ankra::Client::new_with_client(base, http, rt)),
            P::Awx => Client::Awx(awx::Client::new_with_client(base, http, rt)),
            P::Tines => Client::Tines(tines::Client::new_with_client(base, http, rt)),
            P::Astra => Client::Astra(netapp_astra::Client::new_with_client(base, http, rt)),
            P::Oci => Client::Oci(oci_aidp::Client::new_with_client(base, http, rt)),
        }
    }
}

/// One provider's client.
enum Client {
    Ankra(ankra::Client),
    Awx(awx::Client),
    Tines(tines::Client),
    Astra(netapp_astra::Client),
    Oci(oci_aidp::Client),
}

impl Client {
    /// One `get_credential` call (retries are disabled).
    async fn get(&self) -> Seen {
        match self {
            Client::Ankra(c) => {
                let id = uuid::Uuid::parse_str("5b1f0d2e-7c4a-4e8b-9a31-2f6d8c0e4a17").unwrap();
                seen(c.get_credential().credential_id(id).send().await).await
            }
            Client::Awx(c) => {
                let id = NonZeroU64::new(42).unwrap();
                seen(c.get_credential().id(id).send().await).await
            }
            Client::Tines(c) => seen(c.get_credential().credential_id(7).send().await).await,
            Client::Astra(c) => {
                let result = c
                    .get_credential()
                    .account_id("6b9c2a5e-5a3c-4b0e-9d5e-2f1d8c7b6a54")
                    .credential_id("58e26f6a-a631-4122-8e0e-7afe306675c0")
                    .send()
                    .await;
                seen(result).await
            }
            Client::Oci(c) => {
                let result = c
                    .get_credential()
                    .ai_data_platform_id("ocid1.datalake.oc1.iad.hostile")
                    .credential_key("k1")
                    .send()
                    .await;
                seen(result).await
            }
        }
    }
}

/// One server whose next reply is set per call, and one client of `p`
/// pointed at it (building a client per call would dominate the run time).
struct Harness {
    p: P,
    server: Server,
    next: Arc<Mutex<Reply>>,
    client: Client,
}

impl Harness {
    async fn new(p: P) -> Harness {
        Self::with_cap(p, None).await
    }

    async fn with_cap(p: P, cap: Option<u64>) -> Harness {
        let next = Arc::new(Mutex::new(Reply::status(500)));
        let server = {
            let next = next.clone();
            Server::start(move |_, _| next.lock().unwrap().clone()).await
        };
        let client = p.client_with(server.url(), PATIENT, cap);
        Harness {
            p,
            server,
            next,
            client,
        }
    }

    /// Answer one call with `reply`; exactly one request arrives.
    async fn call(&self, reply: Reply) -> Seen {
        *self.next.lock().unwrap() = in_one_write(reply);
        let before = self.server.count();
        let seen = self.client.get().await;
        assert_eq!(
            self.server.count(),
            before + 1,
            "{:?}: retries are disabled",
            self.p
        );
        seen
    }
}

fn json_200(body: Vec<u8>) -> Reply {
    Reply::bytes(200, "application/json", body)
}

// ------------------------------------------------------------- bad bodies

#[tokio::test]
async fn truncated_json() {
    for p in ALL {
        let h = Harness::new(p).await;
        let valid = p.valid_bytes();
        for cut in [1, valid.len() / 2, valid.len() - 1] {
            let seen = h.call(json_200(valid[..cut].to_vec())).await;
            seen.withheld(&format!("{p:?} cut at {cut}"));
        }
    }
}

#[tokio::test]
async fn html_instead_of_json() {
    let page = format!("<html><body><h1>502 Bad Gateway</h1><!-- {SECRET} --></body></html>");
    for p in ALL {
        let h = Harness::new(p).await;
        let reply = Reply::bytes(200, "text/html; charset=utf-8", page.clone().into_bytes());
        let seen = h.call(reply).await;
        seen.withheld(&format!("{p:?}"));
        seen.hides("502 Bad Gateway", &format!("{p:?}"));
    }
}

#[tokio::test]
async fn a_valid_body_under_the_wrong_content_type_is_accepted() {
    for p in ALL {
        let h = Harness::new(p).await;
        let reply = Reply::bytes(200, "text/html", p.valid_bytes());
        match h.call(reply).await.outcome {
            Outcome::Ok(v) => assert!(v.is_object(), "{p:?}"),
            other => panic!("{p:?}: {other:?}"),
        }
        // No content type at all.
        let reply = Reply::bytes(200, "application/json", p.valid_bytes());
        let Reply::Full { body, .. } = reply else {
            unreachable!()
        };
        let reply = Reply::Full {
            status: 200,
            headers: vec![],
            body,
        };
        assert!(
            matches!(h.call(reply).await.outcome, Outcome::Ok(_)),
            "{p:?}"
        );
    }
}

#[tokio::test]
async fn empty_body_with_200() {
    for p in ALL {
        let h = Harness::new(p).await;
        h.call(json_200(vec![])).await.withheld(&format!("{p:?}"));
        h.call(Reply::status(200))
            .await
            .withheld(&format!("{p:?} without content type"));
    }
}

/// A cap above the 20 MB bodies (the default is 4 MiB).
const RAISED_CAP: Option<u64> = Some(64 * 1024 * 1024);

#[tokio::test]
async fn twenty_megabyte_valid_body_is_parsed() {
    for p in ALL {
        let h = Harness::with_cap(p, RAISED_CAP).await;
        let padding = vec![b'x'; TWENTY_MB];
        let bytes = p.with_raw("zz_padding", &[&b"\""[..], &padding, b"\""].concat());
        assert!(bytes.len() > TWENTY_MB);
        match h.call(json_200(bytes)).await.outcome {
            // The unknown member is kept (no data lost), and so is the rest.
            Outcome::Ok(v) => {
                assert_eq!(
                    v.get("zz_padding").and_then(|x| x.as_str()).map(str::len),
                    Some(TWENTY_MB),
                    "{p:?}"
                );
                assert_eq!(v[p.name_field()], p.valid()[p.name_field()], "{p:?}");
            }
            other => panic!("{p:?}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn twenty_megabyte_invalid_body_is_refused_without_printing_it() {
    for p in ALL {
        let h = Harness::with_cap(p, RAISED_CAP).await;
        let mut body = p.valid_bytes();
        // Valid so far, then an unterminated string: invalid at the very end.
        body.truncate(body.len() - 1);
        body.extend_from_slice(b",\"zz_padding\":\"");
        body.resize(body.len() + TWENTY_MB, b'y');
        let seen = h.call(json_200(body)).await;
        seen.withheld(&format!("{p:?}"));
        seen.hides("yyyyyyyy", &format!("{p:?}"));
    }
}

#[tokio::test]
async fn twenty_megabytes_exceed_the_default_cap() {
    for p in ALL {
        let h = Harness::new(p).await;
        let mut body = p.valid_bytes();
        body.truncate(body.len() - 1);
        body.extend_from_slice(format!(",\"zz\":\"{SECRET}").as_bytes());
        body.resize(body.len() + TWENTY_MB, b'y');
        body.extend_from_slice(b"\"}");
        let seen = h.call(json_200(body)).await;
        match &seen.outcome {
            Outcome::BodyError { timeout: false } => {}
            other => panic!("{p:?}: {other:?}"),
        }
        let alternate = &seen.shown[3];
        assert!(
            seen.shown
                .iter()
                .any(|s| s.contains("limit of 4194304 bytes")),
            "{p:?}: the chain names the cap: {alternate}"
        );
        seen.hides(SECRET, &format!("{p:?}"));
        seen.hides("yyyyyyyy", &format!("{p:?}"));
    }
}

#[tokio::test]
async fn invalid_utf8_in_a_typed_string_is_refused() {
    for p in ALL {
        let h = Harness::new(p).await;
        let body = p.with_raw(p.name_field(), b"\"caf\xe9 \xff\xfe\"");
        h.call(json_200(body)).await.withheld(&format!("{p:?}"));
    }
}

#[tokio::test]
async fn invalid_utf8_in_an_unknown_member_never_panics() {
    for p in ALL {
        let h = Harness::new(p).await;
        let body = p.with_raw("zz_unknown", b"\"\xc3\x28\xa0\xa1\"");
        let seen = h.call(json_200(body)).await;
        // serde_json skips unknown members without validating them: the
        // credential itself is intact, so either outcome is acceptable.
        match &seen.outcome {
            Outcome::Ok(v) => assert!(v.get("zz_unknown").is_none(), "{p:?}"),
            Outcome::InvalidPayload(_) => seen.withheld(&format!("{p:?}")),
            other => panic!("{p:?}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn json_of_the_wrong_shape() {
    for p in ALL {
        let h = Harness::new(p).await;
        let valid = p.valid();
        for body in [
            json!([valid.clone()]),
            json!([]),
            Value::Null,
            json!(42),
            json!(SECRET),
            json!(true),
            json!({"data": valid}),
        ] {
            let seen = h.call(json_200(serde_json::to_vec(&body).unwrap())).await;
            seen.withheld(&format!("{p:?} {body:.40}"));
        }
    }
}

#[tokio::test]
async fn an_array_as_an_error_body() {
    // Tines documents bare arrays as error bodies; nobody else does, and
    // their undecodable error bodies arrive as UnexpectedResponse with the
    // status and the body.
    let body = json!([{"message": "Not found"}]);
    for p in ALL {
        let h = Harness::new(p).await;
        let seen = h.call(Reply::json(404, &body)).await;
        match (p, &seen.outcome) {
            (P::Tines, Outcome::ErrorResponse(404)) => {}
            (P::Tines, other) => panic!("{p:?}: {other:?}"),
            (_, Outcome::Unexpected { status: 404, body }) => {
                assert_eq!(body.as_slice(), br#"[{"message":"Not found"}]"#, "{p:?}");
            }
            (_, other) => panic!("{p:?}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn trailing_bytes_after_the_json() {
    for p in ALL {
        let h = Harness::new(p).await;
        for tail in [&b"{}"[..], b"garbage", b"\x00", b",", b"]"] {
            let mut body = p.valid_bytes();
            body.extend_from_slice(tail);
            let seen = h.call(json_200(body)).await;
            seen.withheld(&format!("{p:?} + {tail:?}"));
        }
        // Whitespace after the value is fine.
        let mut body = p.valid_bytes();
        body.extend_from_slice(b" \r\n\t ");
        assert!(
            matches!(h.call(json_200(body)).await.outcome, Outcome::Ok(_)),
            "{p:?}"
        );
    }
}

#[tokio::test]
async fn deeply_nested_json_does_not_overflow_the_stack() {
    const DEPTH: usize = 100_000;
    let open = "[".repeat(DEPTH);
    let closed = format!("{open}{}", "]".repeat(DEPTH));
    for p in ALL {
        let h = Harness::new(p).await;
        // The whole body: refused by type before any depth is reached.
        let seen = h.call(json_200(closed.clone().into_bytes())).await;
        seen.withheld(&format!("{p:?} top level"));
        // In an unknown member: kept as JSON (no data lost), so serde_json's
        // recursion limit refuses it with a typed error, never an overflow.
        let body = p.with_raw("zz_deep", closed.as_bytes());
        let seen = h.call(json_200(body)).await;
        seen.withheld(&format!("{p:?} unknown member"));
        // Unterminated in an unknown member.
        let body = p.with_raw("zz_deep", open.as_bytes());
        let seen = h.call(json_200(body)).await;
        seen.withheld(&format!("{p:?} unterminated"));
        // In a free-form member (parsed into serde_json::Value): refused at
        // serde_json's recursion limit.
        if let Some(member) = p.free_form_field() {
            let nested = format!("{}1{}", "{\"a\":".repeat(DEPTH), "}".repeat(DEPTH));
            let body = p.with_raw(member, nested.as_bytes());
            let seen = h.call(json_200(body)).await;
            seen.withheld(&format!("{p:?} free-form {member}"));
        }
    }
}

#[tokio::test]
async fn an_error_status_with_an_html_body_keeps_status_and_body() {
    let page = b"<html><body>Service Unavailable</body></html>".to_vec();
    for p in ALL {
        let h = Harness::new(p).await;
        for status in [404, 503] {
            let reply = Reply::bytes(status, "text/html", page.clone());
            match h.call(reply).await.outcome {
                Outcome::Unexpected { status: s, body } => {
                    assert_eq!(s, status, "{p:?}");
                    assert_eq!(body, page, "{p:?}");
                }
                other => panic!("{p:?} {status}: {other:?}"),
            }
        }
    }
}

#[tokio::test]
async fn nonstandard_status_codes_are_unexpected() {
    for p in ALL {
        let h = Harness::new(p).await;
        for status in [299, 999] {
            match h
                .call(Reply::bytes(status, "application/json", p.valid_bytes()))
                .await
                .outcome
            {
                Outcome::Unexpected { status: s, .. } => assert_eq!(s, status, "{p:?}"),
                other => panic!("{p:?} {status}: {other:?}"),
            }
        }
    }
}

// ------------------------------------------------------- broken transport

#[tokio::test]
async fn the_connection_closes_mid_body() {
    for p in ALL {
        let h = Harness::new(p).await;
        let valid = p.valid_bytes();
        for status in [200, 404] {
            let reply = Reply::Truncated {
                status,
                headers: vec![("content-type".into(), "application/json".into())],
                declared: valid.len() * 2,
                body: valid.clone(),
            };
            let seen = h.call(reply).await;
            match &seen.outcome {
                Outcome::BodyError { timeout: false } => {}
                other => panic!("{p:?} {status}: {other:?}"),
            }
            seen.hides(SECRET, &format!("{p:?} {status}"));
        }
    }
}

#[tokio::test]
async fn the_connection_closes_without_an_answer() {
    for p in ALL {
        let h = Harness::new(p).await;
        match h.call(Reply::Close).await.outcome {
            Outcome::Communication { timeout: false } => {}
            other => panic!("{p:?}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_server_slower_than_the_timeout() {
    // Clients are built first; then every provider waits at once.
    let mut calls = Vec::new();
    for p in ALL {
        let reply = Reply::After(Duration::from_secs(5), Box::new(json_200(p.valid_bytes())));
        let server = Server::always(reply).await;
        let client = p.client(server.url(), Duration::from_millis(500));
        calls.push(tokio::spawn(async move {
            let start = Instant::now();
            let seen = client.get().await;
            (p, server, start.elapsed(), seen)
        }));
    }
    for call in calls {
        let (p, server, elapsed, seen) = call.await.unwrap();
        assert!(elapsed < Duration::from_secs(3), "{p:?}: {elapsed:?}");
        assert!(
            matches!(seen.outcome, Outcome::Communication { timeout: true }),
            "{p:?}: {:?}",
            seen.outcome
        );
        assert_eq!(server.count(), 1, "{p:?}");
    }
}

#[tokio::test]
async fn a_body_that_stalls_after_the_headers() {
    let mut calls = Vec::new();
    for p in ALL {
        let valid = p.valid_bytes();
        let mut head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            valid.len()
        )
        .into_bytes();
        head.extend_from_slice(&valid[..valid.len() / 2]);
        let server = support::stalling_server(head, Duration::from_secs(10)).await;
        let client = p.client(server.url(), Duration::from_secs(1));
        calls.push(tokio::spawn(async move {
            let start = Instant::now();
            let seen = client.get().await;
            (p, server, start.elapsed(), seen)
        }));
    }
    for call in calls {
        let (p, server, elapsed, seen) = call.await.unwrap();
        assert!(elapsed < Duration::from_secs(4), "{p:?}: {elapsed:?}");
        // The headers came in time; reading the body ran out of time.
        assert!(
            matches!(seen.outcome, Outcome::BodyError { timeout: true }),
            "{p:?}: {:?}",
            seen.outcome
        );
        seen.hides(SECRET, &format!("{p:?}"));
        assert_eq!(server.count(), 1, "{p:?}");
    }
}

#[tokio::test]
async fn garbage_instead_of_an_http_response() {
    let garbage: Vec<Vec<u8>> = vec![
        b"\x00\xff\xfe\x01garbage\r\n\r\n".to_vec(),
        b"SSH-2.0-OpenSSH_9.6\r\n".to_vec(),
        b"HTTP/1.1 abc Nope\r\n\r\n".to_vec(),
        b"HTTP/1.1 200 OK\r\nthis is not a header\r\n\r\n{}".to_vec(),
        (0..=255u8).cycle().take(64 * 1024).collect(),
    ];
    for p in ALL {
        let h = Harness::new(p).await;
        for bytes in &garbage {
            match h.call(Reply::Raw(bytes.clone())).await.outcome {
                Outcome::Communication { timeout: false } => {}
                other => panic!("{p:?} {:?}: {other:?}", &bytes[..bytes.len().min(20)]),
            }
        }
    }
}

#[tokio::test]
async fn raw_framing_variants() {
    for p in ALL {
        let h = Harness::new(p).await;
        let valid = p.valid_bytes();
        // HTTP/1.0, body delimited by the connection closing: valid.
        let mut raw = b"HTTP/1.0 200 OK\r\ncontent-type: application/json\r\n\r\n".to_vec();
        raw.extend_from_slice(&valid);
        assert!(
            matches!(h.call(Reply::Raw(raw)).await.outcome, Outcome::Ok(_)),
            "{p:?} HTTP/1.0"
        );
        // Chunked, well formed: valid. (Raw replies end with the server
        // closing the connection; `connection: close` keeps the client from
        // pooling it.)
        let (a, b) = valid.split_at(valid.len() / 3);
        let mut raw = b"HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
            .to_vec();
        for part in [a, b] {
            raw.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
            raw.extend_from_slice(part);
            raw.extend_from_slice(b"\r\n");
        }
        raw.extend_from_slice(b"0\r\n\r\n");
        assert!(
            matches!(h.call(Reply::Raw(raw)).await.outcome, Outcome::Ok(_)),
            "{p:?} chunked"
        );
        // Chunked with a bad chunk size: the body cannot be read.
        let mut raw =
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
                .to_vec();
        raw.extend_from_slice(format!("{:x}\r\n", a.len()).as_bytes());
        raw.extend_from_slice(a);
        raw.extend_from_slice(b"\r\nzz\r\n");
        let seen = h.call(Reply::Raw(raw)).await;
        assert!(
            matches!(seen.outcome, Outcome::BodyError { timeout: false }),
            "{p:?} bad chunk: {:?}",
            seen.outcome
        );
        seen.hides(SECRET, &format!("{p:?}"));
        // Content-Length shorter than the body: the JSON is cut short.
        let reply = Reply::Raw(
            [
                format!(
                    "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                    valid.len() - 5
                )
                .into_bytes(),
                valid.clone(),
            ]
            .concat(),
        );
        h.call(reply).await.withheld(&format!("{p:?} short length"));
    }
}
