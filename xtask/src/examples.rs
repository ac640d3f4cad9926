//! Examples read from a spec, one way for every user: the code generator
//! (the generated `selftest` module's example bodies and parameter values),
//! and the tests, the benchmark and credctl's tests that need "the spec's
//! example of this response". A response's example is its JSON media type's
//! `example`, else the value of the first of its `examples` (`$ref`s
//! followed); with none, [`synthesize`] makes one from the schema.

use serde_json::{Value, json};

use crate::document;

/// The response `status` of `op` (`"200"`, `"404"`, `"default"`), resolved;
/// with `None`, the success response: `200`, else the first `2XX`.
pub fn response<'a>(doc: &'a Value, op: &'a Value, status: Option<&str>) -> Option<&'a Value> {
    let responses = op.get("responses")?.as_object()?;
    let response = match status {
        Some(status) => responses.get(status)?,
        None => responses.get("200").or_else(|| {
            responses
                .iter()
                .find(|(s, _)| s.starts_with('2'))
                .map(|(_, r)| r)
        })?,
    };
    Some(document::resolve(doc, response))
}

/// The media type of a response that examples are read from: its first
/// JSON one, else its first. (media type, media type object)
pub fn media(response: &Value) -> Option<(&str, &Value)> {
    let content = response.get("content")?.as_object()?;
    content
        .iter()
        .find(|(mt, _)| document::is_json_media_type(mt))
        .or_else(|| content.iter().next())
        .map(|(mt, m)| (mt.as_str(), m))
}

/// The primary example of a media type object: `example`, else the value of
/// the first of `examples`.
pub fn media_example(doc: &Value, media: &Value) -> Option<Value> {
    if let Some(example) = media.get("example") {
        return Some(example.clone());
    }
    let first = media.get("examples")?.as_object()?.values().next()?;
    document::resolve(doc, first).get("value").cloned()
}

/// The spec's primary example of the response `status` of `op` (`None`: the
/// success response), if it has one.
pub fn response_example(doc: &Value, op: &Value, status: Option<&str>) -> Option<Value> {
    let (_, media) = media(response(doc, op, status)?)?;
    media_example(doc, media)
}

/// The body of `op`'s success response: the spec's example, or one made
/// from its schema; for a body that is not JSON, its example text or
/// `example-secret-value`.
pub fn success_body(doc: &Value, op: &Value) -> Value {
    let Some((media_type, media)) = response(doc, op, None).and_then(media) else {
        return Value::Null;
    };
    if !document::is_json_media_type(media_type) {
        return match media_example(doc, media) {
            Some(Value::String(text)) => Value::String(text),
            _ => Value::String("example-secret-value".into()),
        };
    }
    media_example(doc, media)
        .or_else(|| media.get("schema").map(|s| synthesize(doc, s, 0)))
        .unwrap_or(Value::Null)
}

/// The JSON schema of `op`'s success body, if the body is JSON.
pub fn success_schema(doc: &Value, op: &Value) -> Option<Value> {
    let (media_type, media) = media(response(doc, op, None)?)?;
    if !document::is_json_media_type(media_type) {
        return None;
    }
    media.get("schema").cloned()
}

/// A value valid for `schema`: its example, default or first enum value, or
/// one made from its type (required properties only).
pub fn synthesize(doc: &Value, schema: &Value, depth: usize) -> Value {
    let schema = document::resolve(doc, schema);
    if depth > 8 {
        return Value::Null;
    }
    for key in ["example", "default"] {
        if let Some(v) = schema.get(key) {
            return v.clone();
        }
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(parts) = schema.get(key).and_then(Value::as_array) {
            if key == "allOf" {
                let mut merged = serde_json::Map::new();
                for part in parts {
                    match synthesize(doc, part, depth + 1) {
                        Value::Object(o) => merged.extend(o),
                        other if parts.len() == 1 => return other,
                        _ => {}
                    }
                }
                return Value::Object(merged);
            }
            if let Some(first) = parts.first() {
                return synthesize(doc, first, depth + 1);
            }
        }
    }
    let ty = schema.get("type").and_then(Value::as_str);
    let format = schema
        .get("format")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if ty == Some("string")
        && let Some(sample) = schema
            .get("pattern")
            .and_then(Value::as_str)
            .and_then(sample_for_pattern)
    {
        return Value::String(sample);
    }
    match ty {
        Some("string") => match format {
            "date-time" => json!("2024-01-02T03:04:05Z"),
            "date" => json!("2024-01-02"),
            "uuid" => json!("00000000-0000-4000-8000-000000000001"),
            "uri" | "url" => json!("https://example.invalid/x"),
            "email" => json!("user@example.invalid"),
            "byte" => json!("ZXhhbXBsZQ=="),
            _ => json!("example"),
        },
        Some("integer") => json!(1),
        Some("number") => json!(1.5),
        Some("boolean") => json!(true),
        Some("array") => Value::Array(Vec::new()),
        _ if schema.get("properties").is_some() || ty == Some("object") => {
            let mut out = serde_json::Map::new();
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                for name in required {
                    if let Some(p) = props.get(name) {
                        out.insert(name.to_string(), synthesize(doc, p, depth + 1));
                    }
                }
            }
            Value::Object(out)
        }
        _ => json!("example"),
    }
}

/// A string that matches `pattern` (an ECMA/Rust-style regex): the first
/// alternative, the fewest repetitions (at least one), and for each class
/// its first letter or digit.
pub fn sample_for_pattern(pattern: &str) -> Option<String> {
    use regex_syntax::hir::{Class, Hir, HirKind};
    fn pick(ranges: impl Iterator<Item = (u32, u32)> + Clone) -> Option<char> {
        let chars = || {
            ranges
                .clone()
                .flat_map(|(a, b)| (a..=b.min(a + 512)).filter_map(char::from_u32))
        };
        chars()
            .find(|c| c.is_ascii_alphanumeric())
            .or_else(|| chars().find(|c| c.is_ascii_graphic()))
            .or_else(|| chars().next())
    }
    fn walk(h: &Hir, out: &mut String, depth: usize) -> Option<()> {
        if depth > 64 || out.len() > 4096 {
            return None;
        }
        match h.kind() {
            HirKind::Empty | HirKind::Look(_) => {}
            HirKind::Literal(l) => out.push_str(std::str::from_utf8(&l.0).ok()?),
            HirKind::Class(Class::Unicode(c)) => out.push(pick(
                c.ranges()
                    .iter()
                    .map(|r| (r.start() as u32, r.end() as u32)),
            )?),
            HirKind::Class(Class::Bytes(c)) => out.push(pick(
                c.ranges()
                    .iter()
                    .map(|r| (r.start() as u32, r.end() as u32)),
            )?),
            HirKind::Repetition(r) => {
                for _ in 0..r.min.clamp(1, 256) {
                    walk(&r.sub, out, depth + 1)?;
                }
            }
            HirKind::Capture(c) => walk(&c.sub, out, depth + 1)?,
            HirKind::Concat(parts) => {
                for p in parts {
                    walk(p, out, depth + 1)?;
                }
            }
            HirKind::Alternation(alts) => walk(alts.first()?, out, depth + 1)?,
        }
        Some(())
    }
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let mut out = String::new();
    walk(&hir, &mut out, 0)?;
    let check = regex_syntax::Parser::new().parse(pattern).ok().map(|_| ());
    check.map(|_| out)
}

/// The path, query and header parameters of `op` (at `path`, the path
/// item's parameters included) that are required, with their location and
/// a value each: the parameter's example, else one made from its schema.
/// A path value always stays one segment.
pub fn required_parameters(doc: &Value, path: &str, op: &Value) -> Vec<(String, String, Value)> {
    let shared = doc
        .get("paths")
        .and_then(|p| p.get(path))
        .and_then(|i| i.get("parameters"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let own = op
        .get("parameters")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut out: Vec<(String, String, Value)> = Vec::new();
    for p in shared.iter().chain(own.iter()) {
        let p = document::resolve(doc, p);
        let Some(name) = p.get("name").and_then(Value::as_str) else {
            continue;
        };
        let location = p.get("in").and_then(Value::as_str).unwrap_or_default();
        let required = p.get("required") == Some(&Value::Bool(true)) || location == "path";
        if !required || location == "cookie" {
            continue;
        }
        let value = p
            .get("example")
            .cloned()
            .or_else(|| {
                p.get("examples")
                    .and_then(Value::as_object)
                    .and_then(|e| e.values().next())
                    .and_then(|e| document::resolve(doc, e).get("value").cloned())
            })
            .or_else(|| p.get("schema").map(|s| synthesize(doc, s, 0)))
            .unwrap_or(json!("example"));
        // Path values must stay one segment.
        let value = match (location, value) {
            ("path", Value::String(s))
                if s.is_empty() || s.contains('/') || s == "." || s == ".." =>
            {
                json!("example")
            }
            (_, v) => v,
        };
        out.retain(|(n, _, _)| n != name);
        out.push((name.to_string(), location.to_string(), value));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_match_their_patterns() {
        for pattern in [
            r"^[\da-z]{26}$",
            r"^[A-Z]{2}-\d+$",
            r"^(ocid1|ocid2)\.[a-z]+\.\S*$",
            r"^[a-f0-9]{8}-[a-f0-9]{4}$",
            r"\w+@\w+\.com",
        ] {
            let sample = sample_for_pattern(pattern).unwrap();
            let re = regex::Regex::new(pattern).unwrap();
            assert!(re.is_match(&sample), "{pattern}: {sample}");
        }
    }

    const DOC: &str = r##"
paths:
  /things/{thing_id}:
    parameters:
      - $ref: '#/components/parameters/Org'
    get:
      operationId: readThing
      parameters:
        - name: thing_id
          in: path
          required: true
          schema: {type: string, format: uuid}
        - name: verbose
          in: query
          schema: {type: boolean}
        - name: x-tenant
          in: header
          required: true
          example: acme
      responses:
        '200':
          $ref: '#/components/responses/Ok'
        '404':
          content:
            application/problem+json:
              example: {title: missing}
  /secrets/{id}:
    get:
      parameters:
        - {name: id, in: path, required: true, schema: {type: string, pattern: '^[a-f]{4}$'}}
      responses:
        '201':
          content:
            text/plain:
              schema: {type: string}
components:
  parameters:
    Org:
      name: org
      in: path
      required: true
      schema: {type: integer}
  responses:
    Ok:
      content:
        application/json:
          schema: {type: object, required: [name], properties: {name: {type: string}}}
          examples:
            first:
              $ref: '#/components/examples/First'
  examples:
    First:
      value: {name: n}
"##;

    fn doc() -> Value {
        crate::spec::parse_yaml(std::path::Path::new("t.yaml"), DOC).unwrap()
    }

    #[test]
    fn examples_follow_refs_and_statuses() {
        let doc = doc();
        let op = &doc["paths"]["/things/{thing_id}"]["get"];
        assert_eq!(response_example(&doc, op, None), Some(json!({"name": "n"})));
        assert_eq!(
            response_example(&doc, op, Some("404")),
            Some(json!({"title": "missing"}))
        );
        assert_eq!(response_example(&doc, op, Some("500")), None);
        assert_eq!(success_body(&doc, op), json!({"name": "n"}));
        assert_eq!(
            success_schema(&doc, op).unwrap()["required"],
            json!(["name"])
        );
    }

    #[test]
    fn without_an_example_a_body_is_made() {
        let mut doc = doc();
        let media = doc
            .pointer_mut("/components/responses/Ok/content/application~1json")
            .unwrap();
        media.as_object_mut().unwrap().remove("examples");
        let op = doc["paths"]["/things/{thing_id}"]["get"].clone();
        assert_eq!(response_example(&doc, &op, None), None);
        assert_eq!(success_body(&doc, &op), json!({"name": "example"}));
        let text = &doc["paths"]["/secrets/{id}"]["get"];
        assert_eq!(success_body(&doc, text), json!("example-secret-value"));
        assert_eq!(success_schema(&doc, text), None, "not JSON");
    }

    #[test]
    fn required_parameters_with_values() {
        let doc = doc();
        let op = &doc["paths"]["/things/{thing_id}"]["get"];
        let got = required_parameters(&doc, "/things/{thing_id}", op);
        assert_eq!(
            got,
            [
                ("org".to_string(), "path".to_string(), json!(1)),
                (
                    "thing_id".to_string(),
                    "path".to_string(),
                    json!("00000000-0000-4000-8000-000000000001")
                ),
                ("x-tenant".to_string(), "header".to_string(), json!("acme")),
            ],
            "shared parameters first, the optional query parameter left out"
        );
        let op = &doc["paths"]["/secrets/{id}"]["get"];
        let got = required_parameters(&doc, "/secrets/{id}", op);
        assert_eq!(got[0].2, json!("aaaa"), "meets the pattern");
    }
}
