//! Every example of every provider's credential operation (and of the
//! credential and error component schemas) deserializes into the generated
//! type and re-serializes to the same JSON value; secrets in them never
//! show in `Debug`. The providers come from the facade's `with_providers!`.
//!
//! "The same value" means: equal after dropping `null` members (an optional
//! field sent as `null` and one left out are both `None`), with date-times
//! compared as instants (`.000000Z` and `Z` are the same time). Examples named
//! `forward_compat_*` carry fields and enum values the spec does not know;
//! they must survive too (no data lost).
//! Optional empty lists and maps may be left out when re-serialized.

use std::collections::BTreeSet;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::providers::{self, Provider};

#[derive(Debug)]
struct Example {
    pointer: String,
    is_error: bool,
    value: Value,
}

/// Examples of JSON bodies of every response, and of the component schemas
/// used as the credential and error bodies.
fn examples(doc: &Value, success_schemas: &[String], error_schemas: &[String]) -> Vec<Example> {
    let mut out = Vec::new();
    let paths = doc["paths"].as_object().unwrap();
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            let Some(responses) = op.get("responses").and_then(Value::as_object) else {
                continue;
            };
            for (status, response) in responses {
                let response = xtask::spec::resolve(doc, response);
                let Some(content) = response.get("content").and_then(Value::as_object) else {
                    continue;
                };
                for (mt, media) in content {
                    if !xtask::spec::is_json_media_type(mt) {
                        continue;
                    }
                    let base = format!(
                        "/paths/{}/{method}/responses/{status}/content/{mt}",
                        path.replace('/', "~1")
                    );
                    let is_error = !status.starts_with('2');
                    if let Some(v) = media.get("example") {
                        out.push(Example {
                            pointer: format!("{base}/example"),
                            is_error,
                            value: v.clone(),
                        });
                    }
                    if let Some(named) = media.get("examples").and_then(Value::as_object) {
                        for (name, ex) in named {
                            let ex = xtask::spec::resolve(doc, ex);
                            if let Some(v) = ex.get("value") {
                                out.push(Example {
                                    pointer: format!("{base}/examples/{name}"),
                                    is_error,
                                    value: v.clone(),
                                });
                            }
                        }
                    }
                }
            }
        }
    }
    let schemas = success_schemas
        .iter()
        .map(|s| (s.as_str(), false))
        .chain(error_schemas.iter().map(|s| (s.as_str(), true)));
    for (schema, is_error) in schemas {
        if let Some(v) = doc.pointer(&format!("/components/schemas/{schema}/example")) {
            out.push(Example {
                pointer: format!("/components/schemas/{schema}/example"),
                is_error,
                value: v.clone(),
            });
        }
    }
    out
}

fn drop_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), drop_nulls(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(drop_nulls).collect()),
        other => other.clone(),
    }
}

fn same_scalar(a: &Value, b: &Value) -> bool {
    if a == b {
        return true;
    }
    match (a, b) {
        (Value::String(x), Value::String(y)) => {
            match (
                chrono::DateTime::parse_from_rfc3339(x),
                chrono::DateTime::parse_from_rfc3339(y),
            ) {
                (Ok(x), Ok(y)) => x == y,
                _ => false,
            }
        }
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => false,
    }
}

/// `got` equals `want` (exact), or every member of `got` equals the same
/// member of `want` (subset, for forward-compat examples).
fn equivalent(got: &Value, want: &Value, subset: bool, at: &str) -> Result<(), String> {
    match (got, want) {
        (Value::Object(g), Value::Object(w)) => {
            for (k, gv) in g {
                let Some(wv) = w.get(k) else {
                    return Err(format!("{at}/{k}: added by re-serialization"));
                };
                equivalent(gv, wv, subset, &format!("{at}/{k}"))?;
            }
            if !subset {
                for (k, wv) in w {
                    // Optional empty lists and maps are not re-serialized.
                    let empty = matches!(wv, Value::Array(a) if a.is_empty())
                        || matches!(wv, Value::Object(o) if o.is_empty());
                    if !g.contains_key(k) && !empty {
                        return Err(format!("{at}/{k}: lost by re-serialization"));
                    }
                }
            }
            Ok(())
        }
        (Value::Array(g), Value::Array(w)) => {
            if g.len() != w.len() {
                return Err(format!("{at}: array length {} != {}", g.len(), w.len()));
            }
            for (i, (gv, wv)) in g.iter().zip(w).enumerate() {
                equivalent(gv, wv, subset, &format!("{at}/{i}"))?;
            }
            Ok(())
        }
        (g, w) if same_scalar(g, w) => Ok(()),
        (g, w) => Err(format!("{at}: {g} != {w}")),
    }
}

/// Property names declared `format: password` anywhere in the spec.
fn secret_properties(doc: &Value) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    fn walk(v: &Value, names: &mut BTreeSet<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::Object(props)) = m.get("properties") {
                    for (name, schema) in props {
                        if schema.get("format").and_then(Value::as_str) == Some("password") {
                            names.insert(name.clone());
                        }
                    }
                }
                m.values().for_each(|c| walk(c, names));
            }
            Value::Array(a) => a.iter().for_each(|c| walk(c, names)),
            _ => {}
        }
    }
    walk(doc, &mut names);
    names
}

/// String values under the given keys, anywhere in `v`.
fn values_under(v: &Value, keys: &BTreeSet<String>, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                match c {
                    Value::String(s) if keys.contains(k) && s.len() >= 4 => out.push(s.clone()),
                    _ => values_under(c, keys, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|c| values_under(c, keys, out)),
        _ => {}
    }
}

fn round_trip<T: DeserializeOwned + Serialize + std::fmt::Debug>(
    stem: &str,
    ex: &Example,
    secrets: &BTreeSet<String>,
) -> Result<(), String> {
    let parsed: T = serde_json::from_value(ex.value.clone())
        .map_err(|e| format!("{stem} {}: does not parse: {e}", ex.pointer))?;
    let back = serde_json::to_value(&parsed).unwrap();
    // Exact for every example, forward-compat ones included: unknown
    // members and enum values are kept (no data lost).
    equivalent(&drop_nulls(&back), &drop_nulls(&ex.value), false, "")
        .map_err(|e| format!("{stem} {}: round trip differs at {e}", ex.pointer))?;
    let debug = format!("{parsed:?}");
    let mut secret_values = Vec::new();
    values_under(&ex.value, secrets, &mut secret_values);
    for s in secret_values {
        if debug.contains(&s) {
            return Err(format!(
                "{stem} {}: Debug shows the secret value {s:?}",
                ex.pointer
            ));
        }
    }
    Ok(())
}

/// The component schemas the credential operation's success (`errors:
/// false`) or error responses use.
fn body_schemas(doc: &Value, op: &Value, errors: bool) -> Vec<String> {
    let mut out = Vec::new();
    for (status, response) in op["responses"].as_object().into_iter().flatten() {
        if status.starts_with('2') == errors {
            continue;
        }
        let response = xtask::spec::resolve(doc, response);
        for (_, media) in response["content"].as_object().into_iter().flatten() {
            if let Some(name) = media["schema"]["$ref"]
                .as_str()
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                && !out.iter().any(|n| n == name)
            {
                out.push(name.to_string());
            }
        }
    }
    out
}

fn check<C, E>(p: &Provider) -> Result<usize, String>
where
    C: DeserializeOwned + Serialize + std::fmt::Debug,
    E: DeserializeOwned + Serialize + std::fmt::Debug,
{
    let stem = p.stem;
    let mut doc = p.spec();
    let secrets = secret_properties(&doc);
    // Only the credential operation's examples: its bodies are the types
    // checked here.
    let (op, _) = p.operation();
    let route = p.route();
    let successes = body_schemas(&doc, &op, false);
    let errors = body_schemas(&doc, &op, true);
    let paths = doc["paths"].as_object_mut().unwrap();
    paths.retain(|path, _| path == route);
    let mut all = examples(&doc, &successes, &errors);
    // A spec without an example of a JSON credential body: the body made
    // from its schema (what the generated mock serves) round-trips too.
    if !all.iter().any(|e| !e.is_error) && xtask::examples::success_schema(&doc, &op).is_some() {
        all.push(Example {
            pointer: format!(
                "/paths/{}/get/responses (made from the schema)",
                route.replace('/', "~1")
            ),
            is_error: false,
            value: p.example(),
        });
    }
    let failures: Vec<String> = all
        .iter()
        .filter_map(|ex| {
            if ex.is_error {
                round_trip::<E>(stem, ex, &secrets).err()
            } else {
                round_trip::<C>(stem, ex, &secrets).err()
            }
        })
        .collect();
    if failures.is_empty() {
        Ok(all.len())
    } else {
        Err(failures.join("\n"))
    }
}

/// `check::<CredentialBody, CredentialError>` of every provider.
macro_rules! checks {
    ($($module:ident $stem:literal $lib:ident;)*) => {
        vec![$((
            $stem,
            check::<
                credential_clients::$module::CredentialBody,
                credential_clients::$module::CredentialError,
            > as fn(&Provider) -> Result<usize, String>,
        )),*]
    };
}

/// Every provider's examples, by construction (`with_providers!`).
#[test]
fn every_provider_examples_round_trip() {
    let mut failures = Vec::new();
    let mut seen = Vec::new();
    let mut forward_compat = 0;
    for (stem, check) in credential_clients::with_providers!(checks) {
        let p = providers::all().iter().find(|p| p.stem == stem).unwrap();
        seen.push(stem);
        match check(p) {
            // A text credential (no JSON example) may have none.
            Ok(n) => assert!(
                n >= 1 || p.success_body() == providers::SuccessBody::Text,
                "{stem}"
            ),
            Err(e) => failures.push(e),
        }
        forward_compat += examples(&p.spec(), &[], &[])
            .iter()
            .filter(|e| e.pointer.contains("forward_compat_"))
            .count();
    }
    providers::covered("spec_examples::every_provider_examples_round_trip", &seen);
    assert_eq!(seen, providers::stems());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The forward-compat examples (unknown members and enum values) are
    // among those that round-tripped exactly.
    assert!(forward_compat >= 5, "{forward_compat}");
}
