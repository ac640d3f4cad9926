//! Schemas made forward compatible and safe: `OpenEnum`, `OpenUnion`,
//! `Secret`, `Timestamp` wrappers, and every object keeping unknown members.

use super::*;

pub(super) fn rust_type(path: &str, parameters: Vec<Value>) -> Value {
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
pub(super) fn is_open_enum_candidate(schema: &Map<String, Value>) -> bool {
    let Some(Value::Array(values)) = schema.get("enum") else {
        return false;
    };
    values.iter().any(Value::is_string) && values.iter().all(|v| v.is_string() || v.is_null())
}

/// Every `discriminator.propertyName` in the document.
pub(super) fn discriminator_properties(doc: &Value) -> BTreeSet<String> {
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

pub(super) fn is_string_schema(schema: &Map<String, Value>) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("string") && !schema.contains_key("enum")
}

/// `format: password` or `x-credential-clients-secret: true` on a string.
pub(super) fn is_secret(schema: &Map<String, Value>) -> bool {
    is_string_schema(schema)
        && (schema.get("format").and_then(Value::as_str) == Some("password")
            || schema.get(SECRET_EXTENSION) == Some(&Value::Bool(true)))
}

/// A string property whose name says it holds secret material, unless the
/// spec says `x-credential-clients-secret: false`.
pub(super) fn is_secret_by_name(name: &str, schema: &Map<String, Value>) -> bool {
    is_string_schema(schema)
        && schema.get(SECRET_EXTENSION) != Some(&Value::Bool(false))
        && credential_clients_runtime::names::is_secret_name(name)
}

pub(super) fn is_date_time(schema: &Map<String, Value>) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("string")
        && schema.get("format").and_then(Value::as_str) == Some("date-time")
}

/// An object schema that says nothing about unknown properties: it gets
/// `additionalProperties: {}`, so the generated struct keeps them (typify
/// adds a flattened `extra` map) and writes them back.
pub(super) fn keeps_unknown_properties(schema: &mut Map<String, Value>) {
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

pub(super) fn is_union(schema: &Map<String, Value>) -> bool {
    schema.contains_key("oneOf") && schema.contains_key("discriminator")
}

/// Rewrite enums, secrets, timestamps and discriminated unions into runtime
/// wrappers, and let every object keep unknown properties. Returns the
/// fields made secret because of their name.
pub(super) fn wrap_types(doc: &mut Value) -> Vec<String> {
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

pub(super) struct WrapCtx {
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

pub(super) fn wrapper(kind: &str, known: Value, description: Option<Value>) -> Value {
    let mut w = json!({ "x-rust-type": rust_type(kind, vec![known]) });
    if let Some(d) = description {
        w["description"] = d;
    }
    w
}
