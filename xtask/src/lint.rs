//! `cargo xtask lint`: the project's own spec rules, beyond what the OpenAPI
//! validators check.
//!
//! - `operation-description`: every operation has a `description`;
//! - `parameter-description`: every parameter has a `description`;
//! - `property-description`: every schema property has a `description`
//!   (a property that is a bare `$ref` inherits its target's);
//! - `response-example`: every response body (each media type) has an
//!   `example` or `examples`;
//! - `example-valid`: every example (response bodies and component schemas)
//!   validates against its schema with a JSON Schema validator. Examples
//!   named `forward_compat_*` model values a server may add later: they are
//!   validated with enums open and discriminated unions accepting any object,
//!   which is how the generated clients read them.

use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use crate::error::{escape_pointer_token, pointer};
use crate::spec::{METHODS, SpecFile, is_json_media_type, resolve};

/// One lint finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintProblem {
    /// The spec file.
    pub file: PathBuf,
    /// JSON pointer of the offending node.
    pub pointer: String,
    /// The rule name.
    pub rule: &'static str,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for LintProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: at {}: {} [lint {}]",
            self.file.display(),
            self.pointer,
            self.message,
            self.rule
        )
    }
}

struct Lint<'a> {
    file: &'a Path,
    doc: &'a Value,
    problems: Vec<LintProblem>,
}

impl Lint<'_> {
    fn report(&mut self, pointer: String, rule: &'static str, message: impl Into<String>) {
        self.problems.push(LintProblem {
            file: self.file.to_path_buf(),
            pointer,
            rule,
            message: message.into(),
        });
    }
}

fn has_text(v: &Value, key: &str) -> bool {
    v.get(key)
        .and_then(Value::as_str)
        .is_some_and(|s| !s.trim().is_empty())
}

/// Lint one spec; an empty result means it passes.
pub fn lint(spec: &SpecFile) -> Vec<LintProblem> {
    let mut l = Lint {
        file: &spec.path,
        doc: &spec.doc,
        problems: Vec::new(),
    };
    let doc = &spec.doc;
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let item_ptr = pointer(&["paths", path]);
            lint_parameters(
                &mut l,
                item.get("parameters"),
                &format!("{item_ptr}/parameters"),
            );
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let op_ptr = format!("{item_ptr}/{method}");
                if !has_text(op, "description") {
                    l.report(
                        op_ptr.clone(),
                        "operation-description",
                        "the operation has no `description`",
                    );
                }
                lint_parameters(
                    &mut l,
                    op.get("parameters"),
                    &format!("{op_ptr}/parameters"),
                );
                if let Some(responses) = op.get("responses").and_then(Value::as_object) {
                    for (status, response) in responses {
                        let r_ptr = format!("{op_ptr}/responses/{}", escape_pointer_token(status));
                        lint_response(&mut l, resolve(doc, response), &r_ptr);
                    }
                }
            }
        }
    }
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            let at = pointer(&["components", "schemas", name]);
            lint_properties(&mut l, schema, &at);
            if let Some(example) = schema.get("example") {
                validate_example(&mut l, schema, example, &format!("{at}/example"), false);
            }
        }
    }
    l.problems
}

fn lint_parameters(l: &mut Lint<'_>, params: Option<&Value>, at: &str) {
    let Some(params) = params.and_then(Value::as_array) else {
        return;
    };
    for (i, p) in params.iter().enumerate() {
        let p = resolve(l.doc, p);
        if !has_text(p, "description") {
            let name = p.get("name").and_then(Value::as_str).unwrap_or("?");
            l.report(
                format!("{at}/{i}"),
                "parameter-description",
                format!("parameter `{name}` has no `description`"),
            );
        }
    }
}

fn lint_response(l: &mut Lint<'_>, response: &Value, at: &str) {
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        return;
    };
    for (mt, media) in content {
        let mt_ptr = format!("{at}/content/{}", escape_pointer_token(mt));
        let example = media.get("example");
        let examples = media.get("examples").and_then(Value::as_object);
        if example.is_none() && examples.is_none_or(Map::is_empty) {
            l.report(
                mt_ptr.clone(),
                "response-example",
                format!("the `{mt}` body has no `example` or `examples`"),
            );
        }
        let Some(schema) = media.get("schema") else {
            continue;
        };
        if let Some(schema_props) = schema.as_object()
            && !schema_props.contains_key("$ref")
        {
            lint_properties(l, schema, &format!("{mt_ptr}/schema"));
        }
        let json = is_json_media_type(mt);
        if let Some(example) = example {
            check_example_for_media(
                l,
                json,
                schema,
                example,
                &format!("{mt_ptr}/example"),
                false,
            );
        }
        for (name, ex) in examples.into_iter().flatten() {
            let ex = resolve(l.doc, ex);
            let Some(value) = ex.get("value") else {
                l.report(
                    format!("{mt_ptr}/examples/{}", escape_pointer_token(name)),
                    "response-example",
                    "a named example without a `value`",
                );
                continue;
            };
            let relaxed = name.starts_with("forward_compat_");
            let at = format!("{mt_ptr}/examples/{}/value", escape_pointer_token(name));
            check_example_for_media(l, json, schema, value, &at, relaxed);
        }
    }
}

fn check_example_for_media(
    l: &mut Lint<'_>,
    json: bool,
    schema: &Value,
    example: &Value,
    at: &str,
    relaxed: bool,
) {
    if json {
        validate_example(l, schema, example, at, relaxed);
    } else if schema.get("type").and_then(Value::as_str) == Some("string") && !example.is_string() {
        l.report(
            at.to_string(),
            "example-valid",
            "a text body's example must be a string",
        );
    }
}

fn lint_properties(l: &mut Lint<'_>, schema: &Value, at: &str) {
    let Some(obj) = schema.as_object() else {
        return;
    };
    if let Some(props) = obj.get("properties").and_then(Value::as_object) {
        for (name, prop) in props {
            let p_ptr = format!("{at}/properties/{}", escape_pointer_token(name));
            let described = has_text(prop, "description")
                || prop
                    .get("$ref")
                    .is_some_and(|_| has_text(resolve(l.doc, prop), "description"));
            if !described {
                l.report(
                    p_ptr.clone(),
                    "property-description",
                    format!("property `{name}` has no `description`"),
                );
            }
            lint_properties(l, prop, &p_ptr);
        }
    }
    if let Some(items) = obj.get("items") {
        lint_properties(l, items, &format!("{at}/items"));
    }
    if let Some(ap) = obj.get("additionalProperties")
        && ap.is_object()
    {
        lint_properties(l, ap, &format!("{at}/additionalProperties"));
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(list) = obj.get(key).and_then(Value::as_array) {
            for (i, s) in list.iter().enumerate() {
                lint_properties(l, s, &format!("{at}/{key}/{i}"));
            }
        }
    }
}

/// OpenAPI 3.0 schema object -> JSON Schema (draft 7).
fn to_json_schema(v: &Value, relaxed: bool) -> Value {
    match v {
        Value::Object(map) => {
            if relaxed && map.contains_key("oneOf") && map.contains_key("discriminator") {
                // An unknown variant is kept as an object by the clients.
                return json!({ "type": "object" });
            }
            let mut out = Map::new();
            for (k, child) in map {
                match k.as_str() {
                    "nullable" | "discriminator" | "example" | "examples" | "externalDocs"
                    | "xml" => {}
                    "enum" if relaxed => {}
                    "properties" => {
                        let props = child
                            .as_object()
                            .map(|p| {
                                p.iter()
                                    .map(|(name, s)| (name.clone(), to_json_schema(s, relaxed)))
                                    .collect::<Map<_, _>>()
                            })
                            .unwrap_or_default();
                        out.insert(k.clone(), Value::Object(props));
                    }
                    _ => {
                        out.insert(k.clone(), to_json_schema(child, relaxed));
                    }
                }
            }
            if map.get("nullable") == Some(&Value::Bool(true)) {
                if let Some(t) = out.get("type").cloned() {
                    out.insert("type".into(), json!([t, "null"]));
                    if let Some(Value::Array(values)) = out.get_mut("enum")
                        && !values.contains(&Value::Null)
                    {
                        values.push(Value::Null);
                    }
                } else {
                    return json!({ "anyOf": [Value::Object(out), { "type": "null" }] });
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => {
            Value::Array(items.iter().map(|i| to_json_schema(i, relaxed)).collect())
        }
        other => other.clone(),
    }
}

fn validate_example(l: &mut Lint<'_>, schema: &Value, example: &Value, at: &str, relaxed: bool) {
    let components = l
        .doc
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or_else(|| json!({}));
    let root = json!({
        "components": { "schemas": to_json_schema(&components, relaxed) },
        "allOf": [to_json_schema(schema, relaxed)],
    });
    let validator = match jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(&root)
    {
        Ok(v) => v,
        Err(e) => {
            l.report(
                at.to_string(),
                "example-valid",
                format!("the schema cannot be compiled: {e}"),
            );
            return;
        }
    };
    for error in validator.iter_errors(example) {
        l.report(
            format!("{at}{}", error.instance_path()),
            "example-valid",
            format!("the example does not match its schema: {error}"),
        );
    }
}

/// What the generator inferred or skipped, for the author to confirm
/// (`cargo xtask lint` prints these as notes; they do not fail the lint):
/// fields made secret because of their name, and security schemes the
/// runtime cannot apply (skipped; the other alternatives are used).
pub fn notes(spec: &SpecFile) -> Vec<String> {
    let file = spec.path.display();
    let mut out = Vec::new();
    let mut doc = spec.doc.clone();
    let facts = crate::normalize::normalize(&mut doc);
    for field in &facts.inferred_secrets {
        out.push(format!(
            "{file}: note: `{field}` is treated as a secret because of its name \
             (mark it `x-credential-clients-secret: false` if it is not)"
        ));
    }
    if let Some(schemes) = spec
        .doc
        .pointer("/components/securitySchemes")
        .and_then(serde_json::Value::as_object)
    {
        for (name, scheme) in schemes {
            if !crate::spec::supported_scheme(crate::spec::resolve(&spec.doc, scheme)) {
                out.push(format!(
                    "{file}: note: security scheme `{name}` is not supported by the runtime and is skipped"
                ));
            }
        }
    }
    for op in &facts.secret_body_ops {
        out.push(format!(
            "{file}: note: `{op}` returns a non-JSON body; the client returns it as a `SecretBody`"
        ));
    }
    out
}
