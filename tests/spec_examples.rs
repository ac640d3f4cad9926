//! Every example in every spec deserializes into the generated type and
//! re-serializes to the same JSON value; secrets in them never show in
//! `Debug`.
//!
//! "The same value" means: equal after dropping `null` members (an optional
//! field sent as `null` and one left out are both `None`), with date-times
//! compared as instants (`.000000Z` and `Z` are the same time). Examples named
//! `forward_compat_*` carry fields the spec does not know; for them every
//! re-serialized member must equal the original (unknown members may be
//! dropped, nothing may change), and unknown enum values must survive.
//! Optional empty lists and maps may be left out when re-serialized.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

#[derive(Debug)]
struct Example {
    pointer: String,
    is_error: bool,
    value: Value,
}

fn load(stem: &str) -> Value {
    let rel = format!("specs/{stem}.yaml");
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(&rel)).unwrap();
    xtask::spec::parse_yaml(Path::new(&rel), &text).unwrap_or_else(|e| panic!("{e}"))
}

/// Examples of JSON bodies of every response, and of the component schemas
/// used as the credential and error bodies.
fn examples(doc: &Value, error_schema: &str) -> Vec<Example> {
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
    for (schema, is_error) in [("Credential", false), (error_schema, true)] {
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
    let subset = ex.pointer.contains("forward_compat_");
    equivalent(&drop_nulls(&back), &drop_nulls(&ex.value), subset, "")
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

fn check<C, E>(stem: &str, error_schema: &str, min_examples: usize)
where
    C: DeserializeOwned + Serialize + std::fmt::Debug,
    E: DeserializeOwned + Serialize + std::fmt::Debug,
{
    let doc = load(stem);
    let secrets = secret_properties(&doc);
    let all = examples(&doc, error_schema);
    assert!(
        all.len() >= min_examples,
        "{stem}: only {} examples: {all:#?}",
        all.len()
    );
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
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn ankra_examples_round_trip() {
    use credential_clients::ankra as p;
    check::<p::types::Credential, p::GetCredentialError>("ankra", "ErrorDetail", 5);
}

#[test]
fn awx_examples_round_trip() {
    use credential_clients::awx as p;
    check::<p::types::Credential, p::GetCredentialError>("awx", "Error", 5);
}

#[test]
fn tines_examples_round_trip() {
    use credential_clients::tines as p;
    check::<p::types::Credential, p::GetCredentialError>("tines", "ErrorResponse", 5);
}

#[test]
fn netapp_astra_examples_round_trip() {
    use credential_clients::netapp_astra as p;
    check::<p::types::Credential, p::GetCredentialError>("netapp-astra", "ProblemDetails", 5);
}

#[test]
fn oci_aidp_examples_round_trip() {
    use credential_clients::oci_aidp as p;
    check::<p::types::Credential, p::GetCredentialError>("oci-aidp", "Error", 5);
}

#[test]
fn unknown_enum_values_survive_in_forward_compat_examples() {
    // Every spec has a forward-compat example with a value its enums do not
    // list; re-serializing keeps it.
    for stem in ["ankra", "tines", "netapp-astra", "oci-aidp"] {
        let doc = load(stem);
        let found = examples(&doc, "-")
            .into_iter()
            .filter(|e| e.pointer.contains("forward_compat_"))
            .count();
        assert!(found > 0, "{stem} has no forward_compat_ example");
    }
}
