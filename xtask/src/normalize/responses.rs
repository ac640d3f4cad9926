//! Responses made typeable: vendor JSON media types as JSON (the `Accept`
//! header keeps them all), `default` as `4XX`/`5XX`, one error type per
//! operation, non-JSON success bodies as `SecretBody`, no invented defaults.

use super::*;

/// A success response with a body but no JSON media type: type it as
/// `SecretBody` (the raw bytes, never printed). Returns whether it did.
pub(super) fn secret_body(response: &mut Value) -> bool {
    let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) else {
        return false;
    };
    if content.is_empty() || content.contains_key("application/json") {
        return false;
    }
    content.clear();
    content.insert(
        "application/json".to_string(),
        json!({ "schema": { "x-rust-type": rust_type("SecretBody", vec![]) } }),
    );
    true
}

/// Validation keywords that would make a response fail to parse when a
/// server sends a value outside the documented limits. They stay on request
/// parameters (where they check the caller's input before sending) and in
/// the spec (as documentation); response types accept any value of the type.
pub(super) const RESPONSE_CONSTRAINTS: [&str; 10] = [
    "pattern",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
];

pub(super) fn relax_response_constraints(doc: &mut Value) {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(map) => {
                // Only schema objects carry these keys next to `type`/`$ref`;
                // `properties` maps property names, which may be anything.
                for key in RESPONSE_CONSTRAINTS {
                    if map.get(key).is_some_and(|k| !k.is_object()) {
                        map.remove(key);
                    }
                }
                // A `default` makes typify fill in a value the server did not
                // send (and write it back): a response keeps what it had.
                let is_schema = [
                    "type",
                    "$ref",
                    "allOf",
                    "anyOf",
                    "oneOf",
                    "items",
                    "properties",
                    "format",
                ]
                .iter()
                .any(|k| map.contains_key(*k));
                if is_schema {
                    map.remove("default");
                }
                for (k, child) in map.iter_mut() {
                    if k != "example" && k != "examples" && k != "default" && k != "enum" {
                        strip(child);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    if let Some(schemas) = doc.pointer_mut("/components/schemas") {
        strip(schemas);
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            for method in METHODS {
                if let Some(responses) = item.get_mut(method).and_then(|op| op.get_mut("responses"))
                {
                    strip(responses);
                }
            }
        }
    }
}

/// progenitor only follows `$ref` for responses through its own resolver;
/// inlining them lets the steps below see and rewrite every response.
pub(super) fn inline_response_refs(doc: &mut Value) {
    let snapshot = doc.clone();
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for item in paths.values_mut() {
        for method in METHODS {
            let Some(responses) = item
                .get_mut(method)
                .and_then(|op| op.get_mut("responses"))
                .and_then(Value::as_object_mut)
            else {
                continue;
            };
            for response in responses.values_mut() {
                if response.get("$ref").is_some() {
                    *response = resolve(&snapshot, response).clone();
                }
            }
        }
    }
}

pub(super) fn accept_header(responses: &Map<String, Value>) -> String {
    // Success media types first, then error ones, each once, in status order.
    let mut ordered: Vec<(&String, &Value)> = responses.iter().collect();
    ordered.sort_by_key(|(status, _)| {
        let rank = if status.starts_with('2') { 0 } else { 1 };
        (rank, status.as_str() == "default", (*status).clone())
    });
    let mut seen = Vec::<String>::new();
    for (_, response) in ordered {
        if let Some(content) = response.get("content").and_then(Value::as_object) {
            for mt in content.keys() {
                if !seen.iter().any(|s| s.eq_ignore_ascii_case(mt)) {
                    seen.push(mt.clone());
                }
            }
        }
    }
    if seen.is_empty() {
        "*/*".to_string()
    } else {
        seen.join(", ")
    }
}

/// Keep one JSON body named `application/json`; drop the other media types
/// when a JSON one exists (they stay in the `Accept` header).
pub(super) fn normalize_content(response: &mut Value) {
    let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) else {
        return;
    };
    let json_key = content
        .keys()
        .find(|k| k.as_str() == "application/json")
        .or_else(|| content.keys().find(|k| is_json_media_type(k)))
        .cloned();
    if let Some(key) = json_key {
        let media = content.remove(&key).unwrap_or(Value::Null);
        content.clear();
        content.insert("application/json".to_string(), media);
    }
}

/// progenitor treats `default` as both a success and an error response and
/// panics when its body differs from the 200 body; `4XX` + `5XX` say what the
/// vendor means ("any other status is an error with this body").
pub(super) fn expand_default(responses: &mut Map<String, Value>) {
    if let Some(default) = responses.remove("default") {
        for range in ["4XX", "5XX"] {
            responses.entry(range).or_insert_with(|| default.clone());
        }
    }
    // progenitor matches `4XX` (as 400) before `401`; an explicit code with
    // the same body as its range decodes identically, so fold it in rather
    // than generate unreachable match arms.
    for (class, range) in [('4', "4XX"), ('5', "5XX")] {
        let Some(range_schema) = responses.get(range).and_then(json_schema_of).cloned() else {
            continue;
        };
        responses.retain(|status, response| {
            !(status.len() == 3
                && status.starts_with(class)
                && status.chars().all(|c| c.is_ascii_digit())
                && json_schema_of(response) == Some(&range_schema))
        });
    }
}

pub(super) fn is_error_status(status: &str) -> bool {
    status.starts_with('4') || status.starts_with('5')
}

pub(super) fn json_schema_of(response: &Value) -> Option<&Value> {
    response
        .get("content")
        .and_then(|c| c.get("application/json"))
        .and_then(|m| m.get("schema"))
}

/// Give every error response of an operation the same body type.
pub(super) fn unify_error_bodies(
    op_id: &str,
    responses: &mut Map<String, Value>,
    existing: &BTreeSet<String>,
    new_schemas: &mut BTreeMap<String, Value>,
) {
    let mut distinct: Vec<Value> = Vec::new();
    let mut any_without_json = false;
    for (status, response) in responses.iter() {
        if !is_error_status(status) {
            continue;
        }
        match json_schema_of(response) {
            Some(schema) => {
                if !distinct.contains(schema) {
                    distinct.push(schema.clone());
                }
            }
            None => any_without_json = true,
        }
    }
    let unified = match distinct.len() {
        0 => return,
        1 if !any_without_json => return,
        1 => distinct.remove(0),
        _ => {
            let mut name = format!("{}Error", pascal(op_id));
            while existing.contains(&name) || new_schemas.contains_key(&name) {
                name.push('_');
            }
            new_schemas.insert(
                name.clone(),
                json!({
                    "description": format!(
                        "Any error body `{op_id}` can return (the spec gives different bodies per status)."
                    ),
                    "oneOf": distinct,
                }),
            );
            json!({ "$ref": format!("#/components/schemas/{name}") })
        }
    };
    for (status, response) in responses.iter_mut() {
        if !is_error_status(status) {
            continue;
        }
        let Some(obj) = response.as_object_mut() else {
            continue;
        };
        let content = obj.entry("content").or_insert_with(|| json!({}));
        if let Some(content) = content.as_object_mut() {
            let media = content
                .entry("application/json")
                .or_insert_with(|| json!({}));
            if let Some(media) = media.as_object_mut() {
                media.insert("schema".to_string(), unified.clone());
            }
        }
    }
}
