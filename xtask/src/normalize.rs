//! Adapt a faithful spec to what progenitor can generate, without touching
//! the spec file. Each step is documented in `specs/README.md`.
//!
//! - vendor JSON media types (`application/problem+json`, `*+json`) are typed
//!   as JSON; the original media types are kept for the `Accept` header;
//! - non-JSON alternatives next to a JSON body are dropped for typing;
//! - a `default` response becomes `4XX` and `5XX` responses;
//! - error responses of one operation with different bodies share one
//!   synthesized `oneOf` schema (progenitor needs one error type);
//! - enums become `credential_clients_runtime::OpenEnum<Known>`, secrets
//!   `credential_clients_runtime::Secret`, discriminated unions
//!   `credential_clients_runtime::OpenUnion<Known>` (all forward compatible).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::spec::{METHODS, is_json_media_type, resolve};

/// The runtime crate the normalized spec points at with `x-rust-type`.
pub const RUNTIME_CRATE: &str = "credential-clients-runtime";
const RUNTIME_PATH: &str = "credential_clients_runtime";

/// What the normalization learned that the generated metadata needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// operationId -> the `Accept` header value (all declared media types).
    pub accept: BTreeMap<String, String>,
    /// Operations whose success body is not JSON: it is returned as a
    /// `SecretBody` (Conjur returns the secret value itself).
    pub secret_body_ops: BTreeSet<String>,
    /// Header parameters made `Secret` because of their name, by operation:
    /// their value is written to the header with `expose_secret()`.
    pub secret_headers: BTreeMap<String, BTreeSet<String>>,
    /// Fields made `Secret` because of their name (not `format: password`),
    /// as `Schema.property` paths, for `cargo xtask lint` to list.
    pub inferred_secrets: Vec<String>,
}

/// Normalize `doc` in place and return the facts gathered on the way.
pub fn normalize(doc: &mut Value) -> Facts {
    let mut facts = Facts::default();
    inline_response_refs(doc);
    let mut new_schemas: BTreeMap<String, Value> = BTreeMap::new();
    let existing: BTreeSet<String> = schema_names(doc);

    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return facts;
    };
    for (path, item) in paths.iter_mut() {
        for method in METHODS {
            let Some(op) = item.get_mut(method) else {
                continue;
            };
            // The Rust method name, written back so progenitor uses the same
            // (and operations without an `operationId` get one).
            let op_id = crate::spec::method_name(op, method, path);
            op["operationId"] = Value::String(op_id.clone());
            let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
                continue;
            };
            facts.accept.insert(op_id.clone(), accept_header(responses));
            for (status, response) in responses.iter_mut() {
                normalize_content(response);
                if status.starts_with('2') && secret_body(response) {
                    facts.secret_body_ops.insert(op_id.clone());
                }
            }
            expand_default(responses);
            unify_error_bodies(&op_id, responses, &existing, &mut new_schemas);
        }
    }
    if !new_schemas.is_empty() {
        let schemas = components_schemas(doc);
        for (name, schema) in new_schemas {
            schemas.insert(name, schema);
        }
    }
    relax_response_constraints(doc);
    drop_unknown_formats(doc);
    plain_parameter_types(doc);
    facts.secret_headers = secret_parameters(doc, &mut facts.inferred_secrets);
    facts.inferred_secrets = wrap_types(doc);
    facts
}

/// Header and query parameters whose name says they carry secret material
/// (`X-Vault-Token`, `X-Nomad-Token`, `api_key`) become `Secret`, so that
/// a request builder's `Debug` never shows them; `x-credential-clients-secret:
/// false` on the parameter keeps a plain string. Returns the header names
/// by operation (progenitor writes headers with `to_string()`, which a
/// `Secret` redacts; the client is rewritten to expose them there).
fn secret_parameters(
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
fn plain_parameter_types(doc: &mut Value) {
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
fn drop_unknown_formats(doc: &mut Value) {
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

/// A success response with a body but no JSON media type: type it as
/// `SecretBody` (the raw bytes, never printed). Returns whether it did.
fn secret_body(response: &mut Value) -> bool {
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
const RESPONSE_CONSTRAINTS: [&str; 10] = [
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

fn relax_response_constraints(doc: &mut Value) {
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
fn inline_response_refs(doc: &mut Value) {
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

fn accept_header(responses: &Map<String, Value>) -> String {
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
fn normalize_content(response: &mut Value) {
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
fn expand_default(responses: &mut Map<String, Value>) {
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

fn is_error_status(status: &str) -> bool {
    status.starts_with('4') || status.starts_with('5')
}

fn json_schema_of(response: &Value) -> Option<&Value> {
    response
        .get("content")
        .and_then(|c| c.get("application/json"))
        .and_then(|m| m.get("schema"))
}

/// Give every error response of an operation the same body type.
fn unify_error_bodies(
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

fn schema_names(doc: &Value) -> BTreeSet<String> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

fn components_schemas(doc: &mut Value) -> &mut Map<String, Value> {
    let root = doc.as_object_mut().expect("validated: root is an object");
    let components = root.entry("components").or_insert_with(|| json!({}));
    let schemas = components
        .as_object_mut()
        .expect("validated: components is an object")
        .entry("schemas")
        .or_insert_with(|| json!({}));
    schemas
        .as_object_mut()
        .expect("validated: schemas is an object")
}

/// PascalCase of `get_credential`, `opc-request-id`, `keyType`.
pub fn pascal(s: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            if upper {
                out.push(c.to_ascii_uppercase());
                upper = false;
            } else {
                out.push(c);
            }
        } else {
            upper = true;
        }
    }
    out
}

fn rust_type(path: &str, parameters: Vec<Value>) -> Value {
    let mut ext = json!({
        "crate": RUNTIME_CRATE,
        "version": "*",
        "path": format!("{RUNTIME_PATH}::{path}"),
    });
    if !parameters.is_empty() {
        ext["parameters"] = Value::Array(parameters);
    }
    ext
}

/// A string enum. (Discriminator tags are excluded by the caller: they must
/// stay closed for the union to be told apart.)
fn is_open_enum_candidate(schema: &Map<String, Value>) -> bool {
    let Some(Value::Array(values)) = schema.get("enum") else {
        return false;
    };
    values.iter().any(Value::is_string) && values.iter().all(|v| v.is_string() || v.is_null())
}

/// Every `discriminator.propertyName` in the document.
fn discriminator_properties(doc: &Value) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    crate::spec::walk(doc, &mut String::new(), &mut |node, _| {
        if let Some(name) = node
            .get("discriminator")
            .and_then(|d| d.get("propertyName"))
            .and_then(Value::as_str)
        {
            names.insert(name.to_string());
        }
    });
    names
}

/// The extension that confirms (`true`) or denies (`false`) that a field
/// holds secret material.
pub const SECRET_EXTENSION: &str = "x-credential-clients-secret";

fn is_string_schema(schema: &Map<String, Value>) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("string") && !schema.contains_key("enum")
}

/// `format: password` or `x-credential-clients-secret: true` on a string.
fn is_secret(schema: &Map<String, Value>) -> bool {
    is_string_schema(schema)
        && (schema.get("format").and_then(Value::as_str) == Some("password")
            || schema.get(SECRET_EXTENSION) == Some(&Value::Bool(true)))
}

/// A string property whose name says it holds secret material, unless the
/// spec says `x-credential-clients-secret: false`.
fn is_secret_by_name(name: &str, schema: &Map<String, Value>) -> bool {
    is_string_schema(schema)
        && schema.get(SECRET_EXTENSION) != Some(&Value::Bool(false))
        && credential_clients_runtime::names::is_secret_name(name)
}

fn is_date_time(schema: &Map<String, Value>) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("string")
        && schema.get("format").and_then(Value::as_str) == Some("date-time")
}

/// An object schema that says nothing about unknown properties: it gets
/// `additionalProperties: {}`, so the generated struct keeps them (typify
/// adds a flattened `extra` map) and writes them back.
fn keeps_unknown_properties(schema: &mut Map<String, Value>) {
    let is_object = schema.contains_key("properties")
        || schema.get("type").and_then(Value::as_str) == Some("object");
    let composed = ["oneOf", "anyOf", "allOf"]
        .iter()
        .any(|k| schema.contains_key(*k));
    // `additionalProperties: false` would make every field a server adds
    // later a parse failure: it is read as "open" too.
    let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
    // typify names the map of unknown properties `extra`; a schema with its
    // own `extra` property cannot have both (its unknown fields are dropped).
    if schema
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| p.contains_key("extra"))
    {
        if closed {
            schema.remove("additionalProperties");
        }
        return;
    }
    // typify ignores `additionalProperties: true` next to properties (it
    // keeps a map only for a schema): `{}` says the same and keeps them.
    let open_true = schema.get("additionalProperties") == Some(&Value::Bool(true))
        && schema.contains_key("properties");
    if is_object
        && !composed
        && (closed || open_true || !schema.contains_key("additionalProperties"))
    {
        schema.insert("additionalProperties".into(), json!({}));
    }
}

fn is_union(schema: &Map<String, Value>) -> bool {
    schema.contains_key("oneOf") && schema.contains_key("discriminator")
}

/// Rewrite enums, secrets, timestamps and discriminated unions into runtime
/// wrappers, and let every object keep unknown properties. Returns the
/// fields made secret because of their name.
fn wrap_types(doc: &mut Value) -> Vec<String> {
    let schemas = components_schemas(doc).clone();
    // Component schemas that are themselves enums or unions: every `$ref` to
    // them is wrapped; the component stays as the `Known` type.
    let enum_components: BTreeSet<String> = schemas
        .iter()
        .filter(|(_, s)| s.as_object().is_some_and(is_open_enum_candidate))
        .map(|(n, _)| n.clone())
        .collect();
    let union_components: BTreeSet<String> = schemas
        .iter()
        .filter(|(_, s)| s.as_object().is_some_and(is_union))
        .map(|(n, _)| n.clone())
        .collect();
    let mut ctx = WrapCtx {
        tags: discriminator_properties(doc),
        enum_components,
        union_components,
        taken: schemas.keys().cloned().collect(),
        hoisted: BTreeMap::new(),
        inferred: Vec::new(),
        open_objects: !has_property_named(doc, "extra"),
    };

    // Components first (their own top level is not wrapped, only what is inside).
    let mut new_components = Map::new();
    for (name, mut schema) in schemas {
        ctx.walk_children(&mut schema, &name);
        new_components.insert(name, schema);
    }
    // Then every schema used in paths.
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            // Parameter schemas are left alone: a request carries only
            // values the caller chose, and progenitor must put them on the wire.
            for method in METHODS {
                let Some(op) = item.get_mut(method) else {
                    continue;
                };
                let op_name = pascal(
                    op.get("operationId")
                        .and_then(Value::as_str)
                        .unwrap_or("op"),
                );
                if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
                    for (status, response) in responses.iter_mut() {
                        if let Some(schema) =
                            response.pointer_mut("/content/application~1json/schema")
                        {
                            ctx.wrap(schema, &format!("{op_name}Response{status}"));
                        }
                    }
                }
                // Request bodies: a secret sent is as secret as one received.
                if let Some(schema) =
                    op.pointer_mut("/requestBody/content/application~1json/schema")
                {
                    ctx.wrap(schema, &format!("{op_name}Body"));
                }
            }
        }
    }
    for (name, schema) in std::mem::take(&mut ctx.hoisted) {
        new_components.insert(name, schema);
    }
    *components_schemas(doc) = new_components;
    ctx.inferred
}

struct WrapCtx {
    tags: BTreeSet<String>,
    enum_components: BTreeSet<String>,
    union_components: BTreeSet<String>,
    taken: BTreeSet<String>,
    hoisted: BTreeMap<String, Value>,
    inferred: Vec<String>,
    /// Whether objects get a map of unknown properties: not in a document
    /// with a property named `extra`, which typify's map would collide with
    /// once `allOf` members are merged.
    open_objects: bool,
}

/// Whether any schema of `doc` declares a property called `name`.
pub fn has_property_named(doc: &Value, name: &str) -> bool {
    let mut found = false;
    crate::spec::walk(doc, &mut String::new(), &mut |node, _| {
        if node
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(|p| p.contains_key(name))
        {
            found = true;
        }
    });
    found
}

impl WrapCtx {
    fn fresh_name(&mut self, base: &str) -> String {
        let mut name = base.to_string();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        self.taken.insert(name.clone());
        name
    }

    /// Wrap `schema` itself if it is an enum/secret/union, then recurse.
    /// Returns whether a nullable schema became a wrapper (which cannot hold
    /// `null`, so the property must become optional).
    fn wrap(&mut self, schema: &mut Value, name_hint: &str) -> bool {
        let Some(obj) = schema.as_object() else {
            return false;
        };
        if let Some(Value::String(r)) = obj.get("$ref") {
            let target = r.rsplit('/').next().unwrap_or_default().to_string();
            let description = obj.get("description").cloned();
            if self.enum_components.contains(&target) {
                *schema = wrapper("OpenEnum", json!({ "$ref": r }), description);
            } else if self.union_components.contains(&target) {
                *schema = wrapper("OpenUnion", json!({ "$ref": r }), description);
            }
            return false;
        }
        if is_secret(obj) || is_date_time(obj) {
            let kind = if is_date_time(obj) && !is_secret(obj) {
                "Timestamp"
            } else {
                "Secret"
            };
            let description = obj.get("description").cloned();
            let nullable = obj.get("nullable") == Some(&Value::Bool(true));
            let mut w = json!({ "x-rust-type": rust_type(kind, vec![]) });
            if let Some(d) = description {
                w["description"] = d;
            }
            *schema = w;
            return nullable;
        }
        if is_open_enum_candidate(obj) {
            let mut known = obj.clone();
            let nullable = known.remove("nullable") == Some(Value::Bool(true))
                || known
                    .get("enum")
                    .and_then(Value::as_array)
                    .is_some_and(|v| v.iter().any(Value::is_null));
            if let Some(Value::Array(values)) = known.get_mut("enum") {
                values.retain(|v| !v.is_null());
            }
            known.insert("type".into(), json!("string"));
            known.remove("default");
            known.remove("example");
            let description = known.get("description").cloned();
            let name = self.fresh_name(name_hint);
            self.hoisted.insert(name.clone(), Value::Object(known));
            *schema = wrapper(
                "OpenEnum",
                json!({ "$ref": format!("#/components/schemas/{name}") }),
                description,
            );
            return nullable;
        }
        if is_union(obj) {
            // An inline discriminated union: hoist it so it has a name.
            let mut union = schema.take();
            let name = self.fresh_name(name_hint);
            let description = union.get("description").cloned();
            self.walk_children(&mut union, &name);
            self.hoisted.insert(name.clone(), union);
            *schema = wrapper(
                "OpenUnion",
                json!({ "$ref": format!("#/components/schemas/{name}") }),
                description,
            );
            return false;
        }
        self.walk_children(schema, name_hint);
        false
    }

    /// Recurse into the sub-schemas of `schema` (not `schema` itself).
    fn walk_children(&mut self, schema: &mut Value, name_hint: &str) {
        let Some(obj) = schema.as_object_mut() else {
            return;
        };
        if self.open_objects {
            keeps_unknown_properties(obj);
        } else if obj.get("additionalProperties") == Some(&Value::Bool(false)) {
            obj.remove("additionalProperties");
        }
        if let Some(Value::Object(props)) = obj.get_mut("properties") {
            let mut drop_required = Vec::new();
            for (prop, child) in props.iter_mut() {
                let hint = format!("{name_hint}{}", pascal(prop));
                if let Some(c) = child.as_object_mut()
                    && is_secret_by_name(prop, c)
                    && !is_secret(c)
                {
                    c.insert(SECRET_EXTENSION.into(), Value::Bool(true));
                    self.inferred.push(format!("{name_hint}.{prop}"));
                }
                let single_value_tag = self.tags.contains(prop)
                    && child
                        .get("enum")
                        .and_then(Value::as_array)
                        .is_some_and(|v| v.len() == 1);
                if single_value_tag {
                    continue;
                }
                if self.wrap(child, &hint) {
                    // The wrapper type cannot be `null`; as an optional
                    // field (`Option<_>`) it accepts both `null` and absence.
                    drop_required.push(prop.clone());
                }
            }
            if let Some(Value::Array(required)) = obj.get_mut("required") {
                required.retain(|r| {
                    !r.as_str()
                        .is_some_and(|r| drop_required.iter().any(|d| d == r))
                });
                if required.is_empty() {
                    obj.remove("required");
                }
            }
        }
        if let Some(items) = obj.get_mut("items") {
            self.wrap(items, &format!("{name_hint}Item"));
        }
        if let Some(ap) = obj.get_mut("additionalProperties")
            && ap.is_object()
        {
            self.wrap(ap, &format!("{name_hint}Value"));
        }
        for key in ["oneOf", "anyOf", "allOf"] {
            if let Some(Value::Array(variants)) = obj.get_mut(key) {
                for (i, v) in variants.iter_mut().enumerate() {
                    self.wrap(v, &format!("{name_hint}Variant{i}"));
                }
            }
        }
    }
}

fn wrapper(kind: &str, known: Value, description: Option<Value>) -> Value {
    let mut w = json!({ "x-rust-type": rust_type(kind, vec![known]) });
    if let Some(d) = description {
        w["description"] = d;
    }
    w
}
