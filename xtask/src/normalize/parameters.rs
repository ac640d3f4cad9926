//! Parameters: secret header and query values as `Secret`, plain types for
//! path and query values, formats progenitor does not know dropped.

use super::*;

/// Header and query parameters whose name says they carry secret material
/// (`X-Vault-Token`, `X-Nomad-Token`, `api_key`) become `Secret`, so that
/// a request builder's `Debug` never shows them; `x-credential-clients-secret:
/// false` on the parameter keeps a plain string. Returns the header names
/// by operation (progenitor writes headers with `to_string()`, which a
/// `Secret` redacts; the client is rewritten to expose them there).
pub(super) fn secret_parameters(
    doc: &mut Value,
    inferred: &mut Vec<String>,
) -> BTreeMap<String, BTreeSet<String>> {
    let mut headers: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let shared_components = doc.pointer("/components/parameters").cloned();
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return headers;
    };
    for (path, item) in paths.iter_mut() {
        let shared = item.get("parameters").cloned();
        for method in METHODS {
            let Some(op) = item.get_mut(method) else {
                continue;
            };
            let op_id = op
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            // Path-level and `$ref` parameters are copied into the operation
            // (progenitor merges them the same way) so they can be retyped.
            let mut list: Vec<Value> = shared
                .as_ref()
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let own = op
                .get("parameters")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let resolve = |p: &Value| -> Value {
                match p
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix("#/components/parameters/"))
                {
                    Some(name) => shared_components
                        .as_ref()
                        .and_then(|c| c.get(name))
                        .cloned()
                        .unwrap_or_else(|| p.clone()),
                    None => p.clone(),
                }
            };
            for p in own {
                let p = resolve(&p);
                let key = (p.get("name").cloned(), p.get("in").cloned());
                list.retain(|q| {
                    let q = resolve(q);
                    (q.get("name").cloned(), q.get("in").cloned()) != key
                });
                list.push(p);
            }
            let mut changed = false;
            let mut merged = Vec::new();
            for p in list {
                let mut p = resolve(&p);
                let name = p
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                let location = p
                    .get("in")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                let secret = matches!(location.as_str(), "header" | "query")
                    && p.get(SECRET_EXTENSION) != Some(&Value::Bool(false))
                    && p.get("schema").and_then(Value::as_object).is_some_and(|s| {
                        (s.get("type").and_then(Value::as_str) == Some("string")
                            && !s.contains_key("enum"))
                            && (credential_clients_runtime::names::is_secret_name(&name)
                                || s.get("format").and_then(Value::as_str) == Some("password"))
                    });
                if secret {
                    p["schema"] = json!({ "x-rust-type": rust_type("Secret", vec![]) });
                    inferred.push(format!("{path} {method} parameter `{name}`"));
                    if location == "header" {
                        headers
                            .entry(op_id.clone())
                            .or_default()
                            .insert(name.clone());
                    }
                    changed = true;
                }
                merged.push(p);
            }
            if changed {
                op["parameters"] = Value::Array(merged);
            }
        }
    }
    headers
}

/// A parameter is a value the caller passes, never `null`: a `$ref` to a
/// scalar component schema is inlined without `nullable` (typify would make
/// a newtype of `Option<_>` that the generated CLI and mocks cannot parse
/// or print), and an inline `nullable` is dropped.
pub(super) fn plain_parameter_types(doc: &mut Value) {
    let components = doc
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or(Value::Null);
    let fix = |param: &mut Value| {
        let Some(schema) = param.get_mut("schema") else {
            return;
        };
        if let Some(r) = schema.get("$ref").and_then(Value::as_str)
            && let Some(name) = r.strip_prefix("#/components/schemas/")
            && let Some(target) = components.get(name)
            && target
                .get("type")
                .and_then(Value::as_str)
                .is_some_and(|t| matches!(t, "string" | "integer" | "number" | "boolean"))
            && target.get("nullable") == Some(&Value::Bool(true))
        {
            *schema = target.clone();
        }
        if let Some(obj) = schema.as_object_mut() {
            obj.remove("nullable");
        }
    };
    if let Some(params) = doc
        .pointer_mut("/components/parameters")
        .and_then(Value::as_object_mut)
    {
        params.values_mut().for_each(fix);
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            if let Some(list) = item.get_mut("parameters").and_then(Value::as_array_mut) {
                list.iter_mut().for_each(fix);
            }
            for method in METHODS {
                if let Some(list) = item
                    .get_mut(method)
                    .and_then(|op| op.get_mut("parameters"))
                    .and_then(Value::as_array_mut)
                {
                    list.iter_mut().for_each(fix);
                }
            }
        }
    }
}

/// `format` only types strings and numbers; typify refuses an unknown one
/// elsewhere (Vault's `type: object, format: map`). Formats it does not
/// know on numbers are dropped too (the number keeps its type).
pub(super) fn drop_unknown_formats(doc: &mut Value) {
    const NUMBER_FORMATS: &[&str] = &[
        "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float", "double",
    ];
    fn visit(v: &mut Value) {
        match v {
            Value::Object(map) => {
                let ty = map.get("type").and_then(Value::as_str).map(str::to_string);
                let format = map
                    .get("format")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                if let (Some(ty), Some(format)) = (ty, format) {
                    let keep = match ty.as_str() {
                        "string" => true,
                        "integer" | "number" => NUMBER_FORMATS.contains(&format.as_str()),
                        _ => false,
                    };
                    if !keep {
                        map.remove("format");
                    }
                }
                map.values_mut().for_each(visit);
            }
            Value::Array(items) => items.iter_mut().for_each(visit),
            _ => {}
        }
    }
    visit(doc);
}
