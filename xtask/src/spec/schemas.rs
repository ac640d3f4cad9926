//! The rule `schema-type`: every schema node's `type` is one progenitor
//! knows, with the pointer of the node that breaks it.

use super::*;

/// The JSON Schema types OpenAPI 3.0 allows.
pub(super) const SCHEMA_TYPES: [&str; 6] =
    ["string", "number", "integer", "boolean", "array", "object"];

/// Every schema node (components, parameters, headers, media types, and
/// everything below them) has a valid shape: `type` one of the six types,
/// `properties` a mapping, `required` and `enum` lists, `items` a schema.
/// Checked before generation, so a bad node is named by its pointer instead
/// of making progenitor panic at the document root.
pub(super) fn check_schemas(file: &Path, doc: &Value, errors: &mut Vec<SpecError>) {
    let mut roots: Vec<(String, &Value)> = Vec::new();
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            roots.push((pointer(&["components", "schemas", name]), schema));
        }
    }
    // Schemas under `schema` keys outside components.
    collect_schema_keys(doc, &mut String::new(), &mut roots);
    for (at, schema) in roots {
        check_schema_node(file, schema, &at, 0, errors);
    }
}

pub(super) fn collect_schema_keys<'a>(
    v: &'a Value,
    at: &mut String,
    out: &mut Vec<(String, &'a Value)>,
) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let len = at.len();
                at.push('/');
                at.push_str(&escape_pointer_token(k));
                if k == "schema" && !at.starts_with("/components/schemas") {
                    out.push((at.clone(), child));
                } else if !(k == "example" || k == "examples" || at == "/components/schemas") {
                    collect_schema_keys(child, at, out);
                }
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let len = at.len();
                at.push_str(&format!("/{i}"));
                collect_schema_keys(child, at, out);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

pub(super) fn check_schema_node(
    file: &Path,
    schema: &Value,
    at: &str,
    depth: usize,
    errors: &mut Vec<SpecError>,
) {
    if depth > 64 {
        return;
    }
    let bad = |errors: &mut Vec<SpecError>, ptr: String, msg: String| {
        errors.push(SpecError::new(file, ptr, Rule::SchemaType, msg));
    };
    let Some(obj) = schema.as_object() else {
        if !schema.is_boolean() {
            bad(
                errors,
                at.to_string(),
                format!("a schema must be a mapping, found {schema}"),
            );
        }
        return;
    };
    if obj.contains_key("$ref") {
        return;
    }
    match obj.get("type") {
        None => {}
        Some(Value::String(t)) if SCHEMA_TYPES.contains(&t.as_str()) => {}
        Some(other) => bad(
            errors,
            format!("{at}/type"),
            format!(
                "`type` must be one of {} in OpenAPI 3.0 (a list of types is 3.1), found {other}",
                SCHEMA_TYPES.join(", ")
            ),
        ),
    }
    if let Some(p) = obj.get("properties") {
        match p.as_object() {
            Some(props) => {
                for (name, child) in props {
                    let ptr = format!("{at}/properties/{}", escape_pointer_token(name));
                    check_schema_node(file, child, &ptr, depth + 1, errors);
                }
            }
            None => bad(
                errors,
                format!("{at}/properties"),
                "`properties` must be a mapping".into(),
            ),
        }
    }
    if let Some(r) = obj.get("required")
        && !r.as_array().is_some_and(|r| r.iter().all(Value::is_string))
    {
        bad(
            errors,
            format!("{at}/required"),
            "`required` must be a list of property names".into(),
        );
    }
    if let Some(e) = obj.get("enum")
        && !e.is_array()
    {
        bad(errors, format!("{at}/enum"), "`enum` must be a list".into());
    }
    if let Some(items) = obj.get("items") {
        check_schema_node(file, items, &format!("{at}/items"), depth + 1, errors);
    }
    if let Some(ap) = obj.get("additionalProperties")
        && ap.is_object()
    {
        check_schema_node(
            file,
            ap,
            &format!("{at}/additionalProperties"),
            depth + 1,
            errors,
        );
    }
    if let Some(not) = obj.get("not") {
        check_schema_node(file, not, &format!("{at}/not"), depth + 1, errors);
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(parts) = obj.get(key) {
            match parts.as_array() {
                Some(parts) => {
                    for (i, part) in parts.iter().enumerate() {
                        check_schema_node(
                            file,
                            part,
                            &format!("{at}/{key}/{i}"),
                            depth + 1,
                            errors,
                        );
                    }
                }
                None => bad(
                    errors,
                    format!("{at}/{key}"),
                    format!("`{key}` must be a list of schemas"),
                ),
            }
        }
    }
}
