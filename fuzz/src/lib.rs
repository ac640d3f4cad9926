//! The checks the fuzz target runs on its input. [`check_any`] picks the
//! provider from the first byte ([`PROVIDERS`], every provider of the
//! workspace by construction: the facade's `with_providers!`) and runs
//! [`check`] on the rest, for that provider's credential type `T` and error
//! body type `E`:
//!
//! 1. `serde_json::from_slice::<T>` and `::<E>` never panic; a value that
//!    parses serializes, parses again, and serializes to the same JSON
//!    (numbers compared as close floats), and its `Debug` does not panic.
//! 2. The runtime decoder `credential_clients::runtime::decode::from_response`
//!    on a `reqwest::Response` built from the bytes never panics and agrees
//!    with `from_slice`: under 200 it returns the credential or
//!    `InvalidResponsePayload` with the body withheld; under 404 it returns
//!    the typed error body or `UnexpectedResponse` with the body intact.

use std::fmt::Debug;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use credential_clients::ankra::Error;
use credential_clients::runtime::decode::{from_response, withheld};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Every provider's checks: `(spec stem, check::<CredentialBody,
/// CredentialError>)` (the credential operation's bodies, whatever the spec
/// names them).
macro_rules! providers {
    ($($module:ident $stem:literal $lib:ident;)*) => {
        &[$((
            $stem,
            check::<
                credential_clients::$module::CredentialBody,
                credential_clients::$module::CredentialError,
            > as fn(&[u8]),
        )),*]
    };
}

/// One provider's checks.
pub type Check = fn(&[u8]);

/// Every provider of the workspace, in the facade's order.
pub static PROVIDERS: &[(&str, Check)] = credential_clients::with_providers!(providers);

/// The provider a selector byte picks: `PROVIDERS[byte % len]`.
pub fn provider_of(selector: u8) -> (&'static str, Check) {
    PROVIDERS[usize::from(selector) % PROVIDERS.len()]
}

/// The fuzz target: the first byte picks the provider, the rest is the body.
pub fn check_any(data: &[u8]) {
    if let Some((selector, body)) = data.split_first() {
        (provider_of(*selector).1)(body);
    }
}

/// Run every check on `data`.
pub fn check<T, E>(data: &[u8])
where
    T: DeserializeOwned + Serialize + Debug,
    E: DeserializeOwned + Serialize + Debug,
{
    let t = round_trip::<T>(data);
    let e = round_trip::<E>(data);
    success_status::<T, E>(data, t);
    error_status::<E>(data, e);
}

/// Whether `data` parses as `T`; if it does, it round-trips.
fn round_trip<T: DeserializeOwned + Serialize + Debug>(data: &[u8]) -> bool {
    let Ok(parsed) = serde_json::from_slice::<T>(data) else {
        return false;
    };
    let _ = format!("{parsed:?}");
    let first = serde_json::to_value(&parsed).expect("a parsed value serializes");
    let again: T = serde_json::from_value(first.clone())
        .unwrap_or_else(|e| panic!("re-serialized value does not parse: {e}\n{first}"));
    let second = serde_json::to_value(&again).expect("serializes");
    assert!(same(&first, &second), "not stable:\n{first}\n{second}");
    true
}

/// JSON equality with numbers compared as close floats (serde_json's
/// default float parser can be one ULP off when re-reading its output).
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

fn response(status: u16, data: &[u8]) -> reqwest::Response {
    let http = http::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(data.to_vec())
        .expect("a valid response");
    reqwest::Response::from(http)
}

/// Drive a future that never waits on I/O (the body is already in memory).
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..1000 {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
    panic!("an in-memory body did not complete");
}

fn success_status<T, E>(data: &[u8], parses: bool)
where
    T: DeserializeOwned + Debug,
    E: Debug,
{
    match block_on(from_response::<T, E>(response(200, data))) {
        Ok(rv) => {
            assert!(parses, "the decoder accepted what from_slice refuses");
            assert_eq!(rv.status(), 200);
        }
        Err(Error::InvalidResponsePayload(shown, e)) => {
            assert!(!parses, "the decoder refused what from_slice accepts");
            assert_eq!(
                shown,
                withheld(data.len()),
                "a success body must be withheld"
            );
            let _ = e.to_string();
        }
        Err(other) => panic!("unexpected decoder error: {other:?}"),
    }
}

fn error_status<E>(data: &[u8], parses: bool)
where
    E: DeserializeOwned + Debug,
{
    match block_on(from_response::<E, ()>(response(404, data))) {
        Ok(rv) => {
            assert!(parses, "the decoder accepted what from_slice refuses");
            assert_eq!(rv.status(), 404);
        }
        Err(Error::UnexpectedResponse(r)) => {
            assert!(!parses, "the decoder refused what from_slice accepts");
            assert_eq!(r.status(), 404);
            let kept = block_on(r.bytes()).expect("an in-memory body");
            assert_eq!(&kept[..], data, "an error body must be handed over whole");
        }
        Err(other) => panic!("unexpected decoder error: {other:?}"),
    }
}
