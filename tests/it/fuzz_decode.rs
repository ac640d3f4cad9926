//! Stable, CI-sized fuzzing of every provider's decoders with proptest.
//!
//! Inputs are arbitrary bytes, and structure-aware mutations of the spec's
//! own examples (credential and error bodies): values replaced by other
//! types, members deleted, unknown members inserted, random strings where
//! enums are, nodes nested past serde_json's recursion limit, then sometimes
//! a damaged byte or a cut. Each input goes to
//!
//! - `serde_json::from_slice` into `CredentialBody` and into the typed
//!   error body (`CredentialError`): never a panic; whatever parses
//!   re-serializes and parses again to the same value;
//! - the runtime decoder `credential_clients::runtime::decode::from_response`
//!   with a real `reqwest::Response` (from the test server) under a success
//!   and an error status: never a panic; it agrees with `from_slice`; a
//!   success body that does not parse is withheld from the error; an error
//!   body that does not parse comes back whole in `UnexpectedResponse`.
//!
//! The standalone cargo-fuzz targets in `fuzz/` run the same checks for
//! millions of executions.

use crate::support;

use std::fmt::Debug;

use std::sync::{Arc, Mutex};

use credential_clients::ankra::Error;
use credential_clients::runtime::decode::{from_response, withheld};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use support::{Reply, Server, in_one_write};

/// Cases per provider fed straight to serde.
const DIRECT_CASES: u32 = 1000;
/// Cases per provider sent through HTTP to the runtime decoder.
const HTTP_CASES: u32 = 256;

// --------------------------------------------------------------- seeds

/// Every JSON example of the spec: 200 bodies and error bodies. A JSON body
/// without examples is represented by one made from its schema, a text
/// success body by its example text (as a JSON string: `SecretBody`
/// decodes one). No error seeds: no error of the operation has a JSON body.
fn seeds(stem: &str) -> (Vec<Value>, Vec<Value>) {
    let p = crate::providers::all()
        .iter()
        .find(|p| p.stem == stem)
        .unwrap();
    let doc = p.spec();
    let (op, _) = p.operation();
    let (mut ok, mut err) = (Vec::new(), Vec::new());
    for (status, response) in op["responses"].as_object().unwrap() {
        let response = xtask::spec::resolve(&doc, response);
        let Some(content) = response.get("content").and_then(Value::as_object) else {
            continue;
        };
        for (mt, media) in content {
            if !xtask::spec::is_json_media_type(mt) {
                continue;
            }
            let mut found: Vec<Value> = media.get("example").cloned().into_iter().collect();
            if let Some(named) = media.get("examples").and_then(Value::as_object) {
                found.extend(named.values().map(|e| e["value"].clone()));
            }
            if found.is_empty()
                && let Some(schema) = media.get("schema")
            {
                found.push(xtask::examples::synthesize(&doc, schema, 0));
            }
            if status.starts_with('2') {
                ok.extend(found);
            } else {
                err.extend(found);
            }
        }
    }
    if ok.is_empty() {
        ok.push(p.example());
    }
    (ok, err)
}

// ----------------------------------------------------------- mutations

#[derive(Debug, Clone)]
enum Mutation {
    /// Replace the node with a value of any type (flips types, nulls).
    Replace(usize, Value),
    /// Replace the node with a string (random enum values and the like).
    Text(usize, String),
    /// Delete a child of an object or array node.
    Delete(usize, usize),
    /// Insert an unknown member into an object node.
    Insert(usize, String, Value),
    /// Wrap the node in `depth` arrays or objects.
    Nest(usize, usize, bool),
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,24}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map("[a-zA-Z_]{1,12}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn arb_text() -> impl Strategy<Value = String> {
    prop_oneof![
        // Enum-like values.
        "[A-Za-z_0-9./+-]{0,20}",
        // Date-time-like values.
        "[0-9]{1,6}-[0-9]{1,2}-[0-9]{1,2}T[0-9:.]{1,14}(Z|[+-][0-9]{2}:[0-9]{2})?",
        // Anything.
        ".{0,40}",
        // Long.
        "[a-z]{200,400}",
    ]
}

fn arb_mutation() -> impl Strategy<Value = Mutation> {
    let at = any::<usize>();
    prop_oneof![
        3 => (at, arb_json()).prop_map(|(a, v)| Mutation::Replace(a, v)),
        3 => (at, arb_text()).prop_map(|(a, s)| Mutation::Text(a, s)),
        3 => (at, any::<usize>()).prop_map(|(a, c)| Mutation::Delete(a, c)),
        2 => (at, "[a-zA-Z_]{1,16}", arb_json()).prop_map(|(a, k, v)| Mutation::Insert(a, k, v)),
        1 => (at, 1usize..300, any::<bool>()).prop_map(|(a, d, o)| Mutation::Nest(a, d, o)),
    ]
}

fn count_nodes(v: &Value) -> usize {
    1 + match v {
        Value::Array(a) => a.iter().map(count_nodes).sum(),
        Value::Object(m) => m.values().map(count_nodes).sum(),
        _ => 0,
    }
}

/// The `n`th node of `v` in pre-order (`n < count_nodes(v)`).
fn nth_node(v: &mut Value, n: usize) -> &mut Value {
    fn go<'a>(v: &'a mut Value, n: &mut usize) -> Option<&'a mut Value> {
        if *n == 0 {
            return Some(v);
        }
        *n -= 1;
        match v {
            Value::Array(a) => a.iter_mut().find_map(|c| go(c, n)),
            Value::Object(m) => m.values_mut().find_map(|c| go(c, n)),
            _ => None,
        }
    }
    let mut n = n;
    go(v, &mut n).expect("n < count_nodes")
}

fn apply(mut doc: Value, mutations: &[Mutation]) -> Value {
    for m in mutations {
        let nodes = count_nodes(&doc);
        match m.clone() {
            Mutation::Replace(at, v) => *nth_node(&mut doc, at % nodes) = v,
            Mutation::Text(at, s) => *nth_node(&mut doc, at % nodes) = Value::String(s),
            Mutation::Delete(at, child) => match nth_node(&mut doc, at % nodes) {
                Value::Array(a) if !a.is_empty() => {
                    let i = child % a.len();
                    a.remove(i);
                }
                Value::Object(o) if !o.is_empty() => {
                    let key = o.keys().nth(child % o.len()).unwrap().clone();
                    o.remove(&key);
                }
                _ => {}
            },
            Mutation::Insert(at, key, v) => {
                if let Value::Object(o) = nth_node(&mut doc, at % nodes) {
                    o.insert(key, v);
                }
            }
            Mutation::Nest(at, depth, object) => {
                let node = nth_node(&mut doc, at % nodes);
                let mut v = node.take();
                for _ in 0..depth {
                    v = if object {
                        Value::Object(Map::from_iter([("n".to_string(), v)]))
                    } else {
                        json!([v])
                    };
                }
                *node = v;
            }
        }
    }
    doc
}

/// Byte-level damage after serializing.
#[derive(Debug, Clone)]
enum Damage {
    None,
    Cut(prop::sample::Index),
    Flip(prop::sample::Index, u8),
    Append(Vec<u8>),
}

fn arb_damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        6 => Just(Damage::None),
        1 => any::<prop::sample::Index>().prop_map(Damage::Cut),
        1 => (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(i, b)| Damage::Flip(i, b)),
        1 => prop::collection::vec(any::<u8>(), 1..8).prop_map(Damage::Append),
    ]
}

fn damage(mut bytes: Vec<u8>, d: &Damage) -> Vec<u8> {
    match d {
        Damage::None => {}
        Damage::Cut(i) if !bytes.is_empty() => bytes.truncate(i.index(bytes.len())),
        Damage::Flip(i, b) if !bytes.is_empty() => {
            let i = i.index(bytes.len());
            bytes[i] = *b;
        }
        Damage::Append(tail) => bytes.extend_from_slice(tail),
        _ => {}
    }
    bytes
}

/// Arbitrary bytes, or a mutated (and maybe damaged) spec example.
fn arb_input(examples: Vec<Value>) -> BoxedStrategy<Vec<u8>> {
    let structured = (
        prop::sample::select(examples),
        prop::collection::vec(arb_mutation(), 0..5),
        arb_damage(),
    )
        .prop_map(|(seed, mutations, d)| {
            let doc = apply(seed, &mutations);
            damage(serde_json::to_vec(&doc).unwrap(), &d)
        });
    prop_oneof![
        1 => prop::collection::vec(any::<u8>(), 0..256),
        1 => "[\\[\\]{}\",:0-9a-z \\\\.eE+-]{0,64}".prop_map(String::into_bytes),
        6 => structured,
    ]
    .boxed()
}

// --------------------------------------------------------------- checks

/// Whether two JSON values are the same, numbers compared as close floats
/// (serde_json's default float parser may be one ULP off on a re-parse).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            x == y || {
                let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
                (x - y).abs() <= f64::EPSILON * x.abs().max(y.abs())
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// `from_slice` into `T` never panics; what parses round-trips.
fn direct<T: DeserializeOwned + Serialize>(bytes: &[u8]) -> Result<bool, TestCaseError> {
    let Ok(parsed) = serde_json::from_slice::<T>(bytes) else {
        return Ok(false);
    };
    let first = serde_json::to_value(&parsed).unwrap();
    let again: T = serde_json::from_value(first.clone()).map_err(|e| {
        TestCaseError::fail(format!("re-serialized value does not parse: {e}: {first}"))
    })?;
    let second = serde_json::to_value(&again).unwrap();
    prop_assert!(same(&first, &second), "{first}\n!=\n{second}");
    Ok(true)
}

/// A fixed seed, so a failure replays exactly; `PROPTEST_RNG_SEED=<n>`
/// explores other inputs (and is what a failure report names).
fn config(cases: u32) -> Config {
    let seed = std::env::var("PROPTEST_RNG_SEED")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(0x5eed_c0de);
    Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 2000,
        rng_seed: proptest::test_runner::RngSeed::Fixed(seed),
        ..Config::default()
    }
}

fn fuzz_direct<T, E>(stem: &str)
where
    T: DeserializeOwned + Serialize,
    E: DeserializeOwned + Serialize,
{
    let (ok, err) = seeds(stem);
    let typed_errors = !err.is_empty();
    let input = arb_input(ok.into_iter().chain(err).collect());
    let parsed = Arc::new(Mutex::new([0usize; 2]));
    let counter = parsed.clone();
    TestRunner::new(config(DIRECT_CASES))
        .run(&input, move |bytes| {
            let t = direct::<T>(&bytes)?;
            let e = direct::<E>(&bytes)?;
            let mut c = counter.lock().unwrap();
            c[0] += usize::from(t);
            c[1] += usize::from(e);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{stem}: {e}"));
    // The mutations keep a fair share of inputs valid: the parsers are
    // exercised past the first byte (the error body's, where it is JSON).
    let [t, e] = *parsed.lock().unwrap();
    assert!(
        t > 10 && (e > 10 || !typed_errors),
        "{stem}: only {t} credentials and {e} errors parsed"
    );
}

/// One server whose next reply is set per case, on its own runtime.
struct Http {
    rt: tokio::runtime::Runtime,
    next: Arc<Mutex<Reply>>,
    server: Server,
    client: reqwest::Client,
}

impl Http {
    fn new() -> Http {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let next = Arc::new(Mutex::new(Reply::status(500)));
        let server = {
            let next = next.clone();
            rt.block_on(Server::start(move |_, _| next.lock().unwrap().clone()))
        };
        Http {
            rt,
            next,
            server,
            client: reqwest::Client::new(),
        }
    }

    fn response(&self, status: u16, body: &[u8]) -> reqwest::Response {
        *self.next.lock().unwrap() =
            in_one_write(Reply::bytes(status, "application/json", body.to_vec()));
        self.rt
            .block_on(self.client.get(self.server.url()).send())
            .unwrap()
    }
}

fn fuzz_runtime_decoder<T, E>(stem: &str)
where
    T: DeserializeOwned + Serialize + Debug,
    E: DeserializeOwned + Serialize + Debug,
{
    let (ok, err) = seeds(stem);
    let input = (
        arb_input(ok.into_iter().chain(err).collect()),
        prop::sample::select(vec![200u16, 203, 404, 429, 503]),
    );
    let http = Http::new();
    TestRunner::new(config(HTTP_CASES))
        .run(&input, |(bytes, status)| {
            let success = status < 300;
            let response = http.response(status, &bytes);
            if success {
                let decoded = http.rt.block_on(from_response::<T, E>(response));
                let parses = serde_json::from_slice::<T>(&bytes).is_ok();
                match decoded {
                    Ok(rv) => {
                        prop_assert!(parses, "decoder accepted what from_slice refuses");
                        prop_assert_eq!(rv.status().as_u16(), status);
                    }
                    Err(Error::InvalidResponsePayload(shown, _)) => {
                        prop_assert!(!parses, "decoder refused what from_slice accepts");
                        // The body never reaches the error.
                        prop_assert_eq!(shown, withheld(bytes.len()));
                    }
                    Err(other) => prop_assert!(false, "{:?}", other),
                }
            } else {
                let decoded = http.rt.block_on(from_response::<E, ()>(response));
                let parses = serde_json::from_slice::<E>(&bytes).is_ok();
                match decoded {
                    Ok(rv) => {
                        prop_assert!(parses);
                        prop_assert_eq!(rv.status().as_u16(), status);
                    }
                    Err(Error::UnexpectedResponse(r)) => {
                        prop_assert!(!parses);
                        prop_assert_eq!(r.status().as_u16(), status);
                        // The error body is handed over whole.
                        let kept = http.rt.block_on(r.bytes()).unwrap();
                        prop_assert_eq!(&kept[..], &bytes[..]);
                    }
                    Err(other) => prop_assert!(false, "{:?}", other),
                }
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{stem}: {e}"));
    assert_eq!(http.server.count(), HTTP_CASES as usize, "{stem}");
}

// --------------------------------------------------------------- tests

/// `(stem, fuzz_direct, fuzz_runtime_decoder)` of every provider, with its
/// `CredentialBody` and `CredentialError` (`with_providers!`).
macro_rules! targets {
    ($($module:ident $stem:literal $lib:ident;)*) => {
        vec![$((
            $stem,
            fuzz_direct::<
                credential_clients::$module::CredentialBody,
                credential_clients::$module::CredentialError,
            > as fn(&str),
            fuzz_runtime_decoder::<
                credential_clients::$module::CredentialBody,
                credential_clients::$module::CredentialError,
            > as fn(&str),
        )),*]
    };
}

#[test]
fn every_provider_decoders_never_panic() {
    let mut seen = Vec::new();
    for (stem, direct, _) in credential_clients::with_providers!(targets) {
        seen.push(stem);
        direct(stem);
    }
    crate::providers::covered("fuzz_decode::every_provider_decoders_never_panic", &seen);
    assert_eq!(seen, crate::providers::stems());
}

#[test]
fn every_provider_runtime_decoder_over_http() {
    let mut seen = Vec::new();
    for (stem, _, over_http) in credential_clients::with_providers!(targets) {
        seen.push(stem);
        over_http(stem);
    }
    crate::providers::covered(
        "fuzz_decode::every_provider_runtime_decoder_over_http",
        &seen,
    );
    assert_eq!(seen, crate::providers::stems());
}
