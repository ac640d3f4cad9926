//! The structure check: the document deserialized into `openapiv3`, with
//! the pointer of the first node that does not fit.

use super::*;

/// Deserialize into `openapiv3::OpenAPI`, reporting the path of the first
/// node that does not fit.
pub fn parse_openapi(file: &Path, doc: &Value) -> Result<openapiv3::OpenAPI, SpecError> {
    // Straight from the borrowed tree: no copy of the document and no path
    // kept at every step. Only a document that fails is walked again, with
    // the path, to say where.
    if let Ok(api) = <openapiv3::OpenAPI as serde::Deserialize>::deserialize(doc) {
        return Ok(api);
    }
    serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(doc.clone()).map_err(|e| {
        // openapiv3's untagged and flattened types hide where the error is;
        // re-check the sub-nodes with their own types to find the deepest one.
        let (pointer, message) =
            refine(doc).unwrap_or_else(|| (path_to_pointer(e.path()), e.inner().to_string()));
        SpecError::new(
            file,
            pointer,
            Rule::OpenApiStructure,
            format!("not a valid OpenAPI 3.0 node: {message}"),
        )
    })
}

/// Deserialize `v` as `T`; on failure, the pointer (below `at`) and message.
pub(super) fn try_node<T: serde::de::DeserializeOwned>(
    v: &Value,
    at: &str,
) -> Option<(String, String)> {
    match serde_path_to_error::deserialize::<_, T>(v.clone()) {
        Ok(_) => None,
        Err(e) => Some((
            format!("{at}{}", path_to_pointer(e.path())),
            e.inner().to_string(),
        )),
    }
}

pub(super) fn refine(doc: &Value) -> Option<(String, String)> {
    use openapiv3 as o;
    let mut found = None;
    let first = |found: &mut Option<(String, String)>, r: Option<(String, String)>| {
        if found.is_none() {
            *found = r;
        }
    };
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let item_ptr = pointer(&["paths", path]);
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let op_ptr = format!("{item_ptr}/{method}");
                if let Some(params) = op.get("parameters").and_then(Value::as_array) {
                    for (i, p) in params.iter().enumerate() {
                        first(
                            &mut found,
                            try_node::<o::ReferenceOr<o::Parameter>>(
                                p,
                                &format!("{op_ptr}/parameters/{i}"),
                            ),
                        );
                    }
                }
                if let Some(responses) = op.get("responses").and_then(Value::as_object) {
                    for (status, r) in responses {
                        let r_ptr = format!("{op_ptr}/responses/{}", escape_pointer_token(status));
                        first(
                            &mut found,
                            try_node::<o::ReferenceOr<o::Response>>(r, &r_ptr),
                        );
                    }
                }
                first(&mut found, try_node::<o::Operation>(op, &op_ptr));
            }
            first(
                &mut found,
                try_node::<o::ReferenceOr<o::PathItem>>(item, &item_ptr),
            );
        }
    }
    if let Some(components) = doc.get("components") {
        for (section, kind) in [
            ("schemas", 0),
            ("responses", 1),
            ("parameters", 2),
            ("securitySchemes", 3),
        ] {
            let Some(map) = components.get(section).and_then(Value::as_object) else {
                continue;
            };
            for (name, node) in map {
                let at = pointer(&["components", section, name]);
                let r = match kind {
                    0 => try_node::<o::ReferenceOr<o::Schema>>(node, &at),
                    1 => try_node::<o::ReferenceOr<o::Response>>(node, &at),
                    2 => try_node::<o::ReferenceOr<o::Parameter>>(node, &at),
                    _ => try_node::<o::ReferenceOr<o::SecurityScheme>>(node, &at),
                };
                first(&mut found, r);
            }
        }
    }
    found
}

pub(super) fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out.push_str(&format!("/{index}")),
            Segment::Map { key } => out.push_str(&format!("/{}", escape_pointer_token(key))),
            Segment::Enum { variant } => {
                out.push_str(&format!("/{}", escape_pointer_token(variant)))
            }
            Segment::Unknown => out.push_str("/?"),
        }
    }
    out
}
