//! Hostile servers: every provider's client against broken, huge, slow and
//! malicious answers over real HTTP on 127.0.0.1. Each case must end in a
//! typed result (the specific `Error` variant is asserted), never a panic or
//! a hang; where the body is in fact valid the result is `Ok`.
//!
//! A success (2xx) body that fails to parse may hold a credential, so the
//! runtime withholds it: no error's `Display` or `Debug` may show it.

use crate::support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use credential_clients::ankra::Error;
use serde_json::{Value, json};
use support::{Reply, Server, in_one_write};

use crate::providers::{self, Called, CredentialCall, ErrorBody, Provider, SuccessBody};

/// Planted in bodies: must never show in an error for a 2xx response.
const SECRET: &str = "hostile-secret-8d41c0e7b2";
const PATIENT: Duration = Duration::from_secs(10);
const TWENTY_MB: usize = 20 * 1024 * 1024;

type P = &'static Provider;

/// Every provider of the workspace; the run is reported for the golden
/// sixth-spec test.
fn all(suite: &str) -> &'static [Provider] {
    providers::covered(&format!("hostile::{suite}"), &providers::stems());
    providers::all()
}

/// The providers a case applies to (`applies` gives the reason it does
/// not); the run and the reasons are reported for the golden tests.
fn all_where(suite: &str, applies: impl Fn(P) -> Result<(), String>) -> Vec<P> {
    let (mut run, mut skipped) = (Vec::new(), Vec::new());
    for p in providers::all() {
        match applies(p) {
            Ok(()) => run.push(p),
            Err(why) => skipped.push(format!("{} ({why})", p.stem)),
        }
    }
    let stems: Vec<&str> = run.iter().map(|p| p.stem).collect();
    providers::covered(&format!("hostile::{suite}"), &stems);
    providers::not_applicable(&format!("hostile::{suite}"), &skipped);
    run
}

/// A JSON success body (cases about malformed JSON).
fn json_body(p: P) -> Result<(), String> {
    match p.success_body() {
        SuccessBody::Text => Err("the success body is text".into()),
        _ => Ok(()),
    }
}

/// A JSON object success body (cases that change its members).
fn object_body(p: P) -> Result<(), String> {
    match p.success_body() {
        SuccessBody::Object { .. } => Ok(()),
        SuccessBody::OtherJson => Err("the success body is JSON but not an object".into()),
        SuccessBody::Text => Err("the success body is text".into()),
    }
}

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

async fn seen(called: Called) -> Seen {
    let Called { result, shown } = called;
    let outcome = match result {
        Ok(rv) => {
            return Seen {
                outcome: Outcome::Ok(rv.into_inner()),
                shown: vec![],
            };
        }
        Err(Error::ErrorResponse(rv)) => Outcome::ErrorResponse(rv.status().as_u16()),
        Err(Error::UnexpectedResponse(r)) => {
            let status = r.status().as_u16();
            let body = r.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
            Outcome::Unexpected { status, body }
        }
        Err(Error::InvalidResponsePayload(bytes, _)) => Outcome::InvalidPayload(bytes.to_vec()),
        Err(Error::ResponseBodyError(e)) => Outcome::BodyError {
            timeout: e.is_timeout(),
        },
        Err(Error::CommunicationError(e)) => Outcome::Communication {
            timeout: e.is_timeout(),
        },
        Err(other) => panic!("an error no hostile server can cause: {other:?}"),
    };
    Seen { outcome, shown }
}

/// The spec's primary 200 example (a JSON object), plus an unknown member
/// carrying [`SECRET`] that sorts first (so a truncated body still holds
/// it).
fn valid(p: P) -> Value {
    static CACHE: OnceLock<Mutex<HashMap<&'static str, Value>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(v) = cache.lock().unwrap().get(p.stem) {
        return v.clone();
    }
    let mut body = p.example();
    assert!(body.is_object(), "{p:?}: the example is a JSON object");
    // `!` sorts before letters, digits and `_` (a vendor's `_links`).
    body["!note"] = json!(SECRET);
    cache.lock().unwrap().insert(p.stem, body.clone());
    body
}

/// A valid success body: [`valid`] for an object; the example for other
/// JSON; for text, [`SECRET`] and the example text.
fn valid_bytes(p: P) -> Vec<u8> {
    match p.success_body() {
        SuccessBody::Object { .. } => {
            let bytes = serde_json::to_vec(&valid(p)).unwrap();
            assert!(bytes.starts_with(b"{\"!note\""), "the secret comes first");
            bytes
        }
        SuccessBody::OtherJson => serde_json::to_vec(&p.example()).unwrap(),
        SuccessBody::Text => match p.example() {
            Value::String(text) => format!("{SECRET} {text}").into_bytes(),
            other => panic!("{p:?}: a text example {other}"),
        },
    }
}

/// What [`valid_bytes`] decodes to: the text, or the typed credential
/// (re-serialized).
fn decoded(p: P) -> Value {
    let bytes = valid_bytes(p);
    match p.success_body() {
        SuccessBody::Text => Value::String(String::from_utf8(bytes).unwrap()),
        _ => (p.decode_credential)(&bytes).unwrap(),
    }
}

/// The success media type of `p` (the type its spec documents).
fn media_type(p: P) -> &'static str {
    match p.success_body() {
        SuccessBody::Text => "text/plain",
        _ => "application/json",
    }
}

/// A 200 with `body` under `p`'s success media type.
fn ok_200(p: P, body: Vec<u8>) -> Reply {
    Reply::bytes(200, media_type(p), body)
}

/// The valid body with `member` replaced by the raw JSON text `raw`.
fn with_raw(p: P, member: &str, raw: &[u8]) -> Vec<u8> {
    let mut body = valid(p);
    body[member] = json!("@@RAW@@");
    let text = serde_json::to_vec(&body).unwrap();
    let at = text.windows(9).position(|w| w == b"\"@@RAW@@\"").unwrap();
    [&text[..at], raw, &text[at + 9..]].concat()
}

/// A client of `p` (retries off) against `url`, optionally with a
/// response-size cap.
fn client_with(p: P, url: String, timeout: Duration, cap: Option<u64>) -> Box<dyn CredentialCall> {
    let mut config = p.config(&url).timeout(timeout);
    if let Some(cap) = cap {
        config = config.max_response_bytes(cap);
    }
    p.client(config)
}

fn client(p: P, url: String, timeout: Duration) -> Box<dyn CredentialCall> {
    client_with(p, url, timeout, None)
}

/// One server whose next reply is set per call, and one client of `p`
/// pointed at it (building a client per call would dominate the run time).
struct Harness {
    p: P,
    server: Server,
    next: Arc<Mutex<Reply>>,
    client: Box<dyn CredentialCall>,
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
        let client = client_with(p, server.url(), PATIENT, cap);
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
        let seen = seen(self.client.call().await).await;
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
    for p in all_where("truncated_json", json_body) {
        let h = Harness::new(p).await;
        let valid = valid_bytes(p);
        for cut in [1, valid.len() / 2, valid.len() - 1] {
            let seen = h.call(json_200(valid[..cut].to_vec())).await;
            seen.withheld(&format!("{p:?} cut at {cut}"));
        }
    }
}

#[tokio::test]
async fn html_instead_of_json() {
    let page = format!("<html><body><h1>502 Bad Gateway</h1><!-- {SECRET} --></body></html>");
    for p in all_where("html_instead_of_json", json_body) {
        let h = Harness::new(p).await;
        let reply = Reply::bytes(200, "text/html; charset=utf-8", page.clone().into_bytes());
        let seen = h.call(reply).await;
        seen.withheld(&format!("{p:?}"));
        seen.hides("502 Bad Gateway", &format!("{p:?}"));
    }
}

#[tokio::test]
async fn a_valid_body_under_the_wrong_content_type_is_accepted() {
    for p in all("a_valid_body_under_the_wrong_content_type_is_accepted") {
        let h = Harness::new(p).await;
        let reply = Reply::bytes(200, "text/html", valid_bytes(p));
        match h.call(reply).await.outcome {
            Outcome::Ok(v) => assert_eq!(v, decoded(p), "{p:?}"),
            other => panic!("{p:?}: {other:?}"),
        }
        // No content type at all.
        let reply = Reply::bytes(200, "application/json", valid_bytes(p));
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
    for p in all("empty_body_with_200") {
        let h = Harness::new(p).await;
        if p.success_body() == SuccessBody::Text {
            // An empty text is an empty credential, as sent.
            for reply in [ok_200(p, vec![]), Reply::status(200)] {
                match h.call(reply).await.outcome {
                    Outcome::Ok(v) => assert_eq!(v, "", "{p:?}"),
                    other => panic!("{p:?}: {other:?}"),
                }
            }
            continue;
        }
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
    for p in all_where("twenty_megabyte_valid_body_is_parsed", object_body) {
        let h = Harness::with_cap(p, RAISED_CAP).await;
        let padding = vec![b'x'; TWENTY_MB];
        let bytes = with_raw(p, "zz_padding", &[&b"\""[..], &padding, b"\""].concat());
        assert!(bytes.len() > TWENTY_MB);
        match h.call(json_200(bytes)).await.outcome {
            // The unknown member is kept (no data lost) where the type keeps
            // unknown members, and so is the rest.
            Outcome::Ok(v) => {
                let kept = v.get("zz_padding").and_then(|x| x.as_str()).map(str::len);
                let expected = p.keeps_unknown_members().then_some(TWENTY_MB);
                assert_eq!(kept, expected, "{p:?}");
                if let Some(member) = p.typed_string_member() {
                    assert_eq!(v[&member], valid(p)[&member], "{p:?}");
                }
            }
            other => panic!("{p:?}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn twenty_megabyte_invalid_body_is_refused_without_printing_it() {
    for p in all_where(
        "twenty_megabyte_invalid_body_is_refused_without_printing_it",
        json_body,
    ) {
        let h = Harness::with_cap(p, RAISED_CAP).await;
        let mut body = valid_bytes(p);
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
    for p in all("twenty_megabytes_exceed_the_default_cap") {
        let h = Harness::new(p).await;
        let mut body = valid_bytes(p);
        body.truncate(body.len() - 1);
        body.extend_from_slice(format!(",\"zz\":\"{SECRET}").as_bytes());
        body.resize(body.len() + TWENTY_MB, b'y');
        body.extend_from_slice(b"\"}");
        let seen = h.call(ok_200(p, body)).await;
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
    let typed_string = |p: P| {
        object_body(p)?;
        match p.typed_string_member() {
            Some(_) => Ok(()),
            None => Err("the example has no plain string member".to_string()),
        }
    };
    for p in all_where("invalid_utf8_in_a_typed_string_is_refused", typed_string) {
        let h = Harness::new(p).await;
        let member = p.typed_string_member().unwrap();
        let body = with_raw(p, &member, b"\"caf\xe9 \xff\xfe\"");
        h.call(json_200(body)).await.withheld(&format!("{p:?}"));
    }
}

#[tokio::test]
async fn invalid_utf8_in_an_unknown_member_never_panics() {
    for p in all_where(
        "invalid_utf8_in_an_unknown_member_never_panics",
        object_body,
    ) {
        let h = Harness::new(p).await;
        let body = with_raw(p, "zz_unknown", b"\"\xc3\x28\xa0\xa1\"");
        let seen = h.call(json_200(body)).await;
        if p.keeps_unknown_members() {
            // Unknown members are kept (no data lost), so one that is not
            // valid UTF-8 cannot be: the body is refused, and withheld.
            seen.withheld(&format!("{p:?}"));
        } else {
            // Skipped unread: the rest is the credential.
            assert!(matches!(seen.outcome, Outcome::Ok(_)), "{p:?}: {seen:?}");
        }
    }
}

#[tokio::test]
async fn json_of_the_wrong_shape() {
    for p in all_where("json_of_the_wrong_shape", object_body) {
        let h = Harness::new(p).await;
        let valid = valid(p);
        for body in [
            json!([valid.clone()]),
            json!([]),
            Value::Null,
            json!(42),
            json!(SECRET),
            json!(true),
        ] {
            let seen = h.call(json_200(serde_json::to_vec(&body).unwrap())).await;
            seen.withheld(&format!("{p:?} {body:.40}"));
        }
        // The credential in an envelope: refused when the schema requires
        // members; where it requires none, any object is a credential.
        let envelope = if p.credential_properties().iter().any(|(n, _)| n == "data") {
            "zz_envelope"
        } else {
            "data"
        };
        let other = json!({ envelope: valid });
        let seen = h.call(json_200(serde_json::to_vec(&other).unwrap())).await;
        if p.required_members().is_empty() {
            assert!(matches!(seen.outcome, Outcome::Ok(_)), "{p:?}: {seen:?}");
        } else {
            seen.withheld(&format!("{p:?} {other:.40}"));
        }
    }
}

#[tokio::test]
async fn an_array_as_an_error_body() {
    // Tines documents bare arrays as error bodies: where the spec types the
    // 404 body and the array decodes as that type, it is the typed error
    // body; everywhere else it arrives as UnexpectedResponse with the status
    // and the body intact.
    let body = json!([{"message": "Not found"}]);
    let bytes = serde_json::to_vec(&body).unwrap();
    let mut typed = 0;
    for p in all("an_array_as_an_error_body") {
        let h = Harness::new(p).await;
        let seen = h.call(Reply::json(404, &body)).await;
        let kind = p.error_body(404);
        let decodes = kind == ErrorBody::Json && (p.decode_error)(&bytes).is_ok();
        match (kind, decodes, &seen.outcome) {
            (ErrorBody::Json, true, Outcome::ErrorResponse(404)) => typed += 1,
            // A documented error without a body: the status is the answer.
            (ErrorBody::Empty, _, Outcome::ErrorResponse(404)) => {}
            (
                ErrorBody::Json | ErrorBody::Undocumented,
                false,
                Outcome::Unexpected { status: 404, body },
            ) => {
                assert_eq!(body.as_slice(), br#"[{"message":"Not found"}]"#, "{p:?}");
            }
            (_, _, other) => panic!("{p:?} ({kind:?}, decodes: {decodes}): {other:?}"),
        }
    }
    // Tines is one of them.
    assert!(typed >= 1, "no provider types an array error body");
}

#[tokio::test]
async fn trailing_bytes_after_the_json() {
    for p in all_where("trailing_bytes_after_the_json", json_body) {
        let h = Harness::new(p).await;
        for tail in [&b"{}"[..], b"garbage", b"\x00", b",", b"]"] {
            let mut body = valid_bytes(p);
            body.extend_from_slice(tail);
            let seen = h.call(json_200(body)).await;
            seen.withheld(&format!("{p:?} + {tail:?}"));
        }
        // Whitespace after the value is fine.
        let mut body = valid_bytes(p);
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
    for p in all_where("deeply_nested_json_does_not_overflow_the_stack", json_body) {
        let h = Harness::new(p).await;
        // The whole body: refused by type or at serde_json's recursion
        // limit, never an overflow.
        let seen = h.call(json_200(closed.clone().into_bytes())).await;
        seen.withheld(&format!("{p:?} top level"));
        if object_body(p).is_err() {
            continue;
        }
        // In an unknown member: kept as JSON (no data lost), so serde_json's
        // recursion limit refuses it with a typed error, never an overflow;
        // where unknown members are not kept it is skipped unread.
        let body = with_raw(p, "zz_deep", closed.as_bytes());
        let seen = h.call(json_200(body)).await;
        if p.keeps_unknown_members() {
            seen.withheld(&format!("{p:?} unknown member"));
        } else {
            assert!(matches!(seen.outcome, Outcome::Ok(_)), "{p:?}: {seen:?}");
        }
        // Unterminated in an unknown member.
        let body = with_raw(p, "zz_deep", open.as_bytes());
        let seen = h.call(json_200(body)).await;
        seen.withheld(&format!("{p:?} unterminated"));
        // In a free-form member (parsed into serde_json::Value): refused at
        // serde_json's recursion limit.
        if let Some(member) = p.free_form_member() {
            let nested = format!("{}1{}", "{\"a\":".repeat(DEPTH), "}".repeat(DEPTH));
            let body = with_raw(p, &member, nested.as_bytes());
            let seen = h.call(json_200(body)).await;
            seen.withheld(&format!("{p:?} free-form {member}"));
        }
    }
}

#[tokio::test]
async fn an_error_status_with_an_html_body_keeps_status_and_body() {
    let page = b"<html><body>Service Unavailable</body></html>".to_vec();
    for p in all("an_error_status_with_an_html_body_keeps_status_and_body") {
        let h = Harness::new(p).await;
        for status in [404, 503] {
            let reply = Reply::bytes(status, "text/html", page.clone());
            match (p.error_body(status), h.call(reply).await.outcome) {
                (
                    ErrorBody::Json | ErrorBody::Undocumented,
                    Outcome::Unexpected { status: s, body },
                ) => {
                    assert_eq!(s, status, "{p:?}");
                    assert_eq!(body, page, "{p:?}");
                }
                // Documented without a body: the status is the answer.
                (ErrorBody::Empty, Outcome::ErrorResponse(s)) => assert_eq!(s, status, "{p:?}"),
                (kind, other) => panic!("{p:?} {status} ({kind:?}): {other:?}"),
            }
        }
    }
}

#[tokio::test]
async fn nonstandard_status_codes_are_unexpected() {
    for p in all("nonstandard_status_codes_are_unexpected") {
        let h = Harness::new(p).await;
        for status in [299, 999] {
            let seen = h
                .call(Reply::bytes(status, media_type(p), valid_bytes(p)))
                .await;
            match &seen.outcome {
                Outcome::Unexpected { status: s, .. } => assert_eq!(*s, status, "{p:?}"),
                other => panic!("{p:?} {status}: {other:?}"),
            }
            // The body (with its planted secret) is handed over, never printed.
            seen.hides(SECRET, &format!("{p:?} {status}"));
        }
    }
}

// ------------------------------------------------------- broken transport

#[tokio::test]
async fn the_connection_closes_mid_body() {
    for p in all("the_connection_closes_mid_body") {
        let h = Harness::new(p).await;
        let valid = valid_bytes(p);
        for status in [200, 404] {
            let reply = Reply::Truncated {
                status,
                headers: vec![("content-type".into(), media_type(p).into())],
                declared: valid.len() * 2,
                body: valid.clone(),
            };
            let seen = h.call(reply).await;
            let kind = (status >= 400).then(|| p.error_body(status));
            match (kind, &seen.outcome) {
                // The body is read (a credential, or a documented error body).
                (None | Some(ErrorBody::Json), Outcome::BodyError { timeout: false }) => {}
                // Not read: the status is the answer, or the response is
                // handed over unread.
                (Some(ErrorBody::Empty), Outcome::ErrorResponse(404)) => {}
                (Some(ErrorBody::Undocumented), Outcome::Unexpected { status: 404, .. }) => {}
                (kind, other) => panic!("{p:?} {status} ({kind:?}): {other:?}"),
            }
            seen.hides(SECRET, &format!("{p:?} {status}"));
        }
    }
}

#[tokio::test]
async fn the_connection_closes_without_an_answer() {
    for p in all("the_connection_closes_without_an_answer") {
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
    for p in all("a_server_slower_than_the_timeout") {
        let reply = Reply::After(Duration::from_secs(5), Box::new(ok_200(p, valid_bytes(p))));
        let server = Server::always(reply).await;
        let client = client(p, server.url(), Duration::from_millis(500));
        calls.push(tokio::spawn(async move {
            let start = Instant::now();
            let seen = seen(client.call().await).await;
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
    for p in all("a_body_that_stalls_after_the_headers") {
        let valid = valid_bytes(p);
        let mut head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: {}\r\ncontent-length: {}\r\n\r\n",
            media_type(p),
            valid.len()
        )
        .into_bytes();
        head.extend_from_slice(&valid[..valid.len() / 2]);
        let server = support::stalling_server(head, Duration::from_secs(10)).await;
        let client = client(p, server.url(), Duration::from_secs(1));
        calls.push(tokio::spawn(async move {
            let start = Instant::now();
            let seen = seen(client.call().await).await;
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
    for p in all("garbage_instead_of_an_http_response") {
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
    for p in all("raw_framing_variants") {
        let h = Harness::new(p).await;
        let valid = valid_bytes(p);
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
                    "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: {}\r\ncontent-length: {}\r\n\r\n",
                    media_type(p),
                    valid.len() - 5
                )
                .into_bytes(),
                valid.clone(),
            ]
            .concat(),
        );
        let seen = h.call(reply).await;
        match p.success_body() {
            // A cut text is still text: what arrived, up to the length.
            SuccessBody::Text => match seen.outcome {
                Outcome::Ok(v) => assert_eq!(
                    v.as_str().map(str::len),
                    Some(valid.len() - 5),
                    "{p:?} short length"
                ),
                other => panic!("{p:?} short length: {other:?}"),
            },
            _ => seen.withheld(&format!("{p:?} short length")),
        }
    }
}
