//! What the demo reads from a provider's spec (embedded at build time): the
//! primary example of the `get_credential` 200 body, and example values of
//! the operation's required parameters.

use anyhow::{Context as _, bail};
use serde_json::{Map, Value};

/// One demo request: the body the mock serves and the `get` arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoCall {
    /// The primary 200 example.
    pub body: Value,
    /// The credential's id (the last path parameter).
    pub id: String,
    /// The other required parameters: (name as in the spec, value).
    pub params: Vec<(String, String)>,
}

/// Parses YAML into JSON values (mapping keys become strings).
pub fn parse_yaml(text: &str) -> anyhow::Result<Value> {
    let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(text)?;
    Ok(to_json(yaml))
}

fn to_json(value: serde_yaml_ng::Value) -> Value {
    use serde_yaml_ng::Value as Y;
    match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => serde_json::to_value(n).unwrap_or(Value::Null),
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(to_json).collect()),
        Y::Mapping(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let key = match k {
                        Y::String(s) => s,
                        other => serde_yaml_ng::to_string(&other)
                            .unwrap_or_default()
                            .trim()
                            .to_string(),
                    };
                    (key, to_json(v))
                })
                .collect::<Map<_, _>>(),
        ),
        Y::Tagged(tagged) => to_json(tagged.value),
    }
}

/// Follows a local `$ref` (`#/components/...`).
fn deref<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    let mut current = value;
    for _ in 0..16 {
        let Some(pointer) = current
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
        else {
            break;
        };
        match doc.pointer(pointer) {
            Some(next) => current = next,
            None => break,
        }
    }
    current
}

/// The GET operation `operation`: its route, path item and operation.
fn find_get<'a>(doc: &'a Value, route: &str) -> anyhow::Result<(&'a Value, &'a Value)> {
    let item = doc
        .get("paths")
        .and_then(Value::as_object)
        .context("the spec has no paths")?
        .get(route)
        .with_context(|| format!("the spec has no path `{route}`"))?;
    let op = item
        .get("get")
        .with_context(|| format!("the spec has no GET at `{route}`"))?;
    Ok((item, op))
}

/// The primary example of the operation's 200 response.
fn ok_example(doc: &Value, op: &Value, route: &str) -> anyhow::Result<Value> {
    let media = op
        .pointer("/responses/200")
        .map(|r| deref(doc, r))
        .and_then(|r| r.get("content"))
        .and_then(Value::as_object)
        .and_then(|c| c.values().next())
        .with_context(|| format!("GET `{route}` has no 200 response with content"))?;
    match media.get("example") {
        Some(example) => Ok(example.clone()),
        None => media
            .get("examples")
            .and_then(Value::as_object)
            .and_then(|e| e.values().next())
            .map(|e| deref(doc, e))
            .and_then(|e| e.get("value"))
            .cloned()
            .with_context(|| format!("the 200 response of GET `{route}` has no example")),
    }
}

/// The required parameters (path parameters and `required: true`) of the
/// path item and the operation: (name, resolved parameter).
fn required_params<'a>(
    doc: &'a Value,
    item: &'a Value,
    op: &'a Value,
) -> Vec<(&'a str, &'a Value)> {
    item.get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .chain(op.get("parameters").and_then(Value::as_array))
        .flatten()
        .map(|p| deref(doc, p))
        .filter(|p| {
            p.get("in").and_then(Value::as_str) == Some("path")
                || p.get("required").and_then(Value::as_bool).unwrap_or(false)
        })
        .filter_map(|p| Some((p.get("name")?.as_str()?, p)))
        .collect()
}

/// The demo request of a spec: of the credential operation, the GET at
/// `route` (the API description's path template). Without an example in
/// the spec, the body is `fallback` (the generated client's example, made
/// from the schema; JSON, or the text of a non-JSON body), and a parameter
/// without one takes its value from `generated` (the generated client's
/// example values, which meet the schema's pattern) before one is made up.
pub fn demo_call(
    spec: &str,
    route: &str,
    fallback: &str,
    generated: &[(&str, &str)],
) -> anyhow::Result<DemoCall> {
    let doc = parse_yaml(spec).context("the embedded spec is not valid YAML")?;
    let (item, op) = find_get(&doc, route)?;
    let body = ok_example(&doc, op, route).unwrap_or_else(|_| {
        serde_json::from_str(fallback).unwrap_or_else(|_| Value::String(fallback.to_string()))
    });
    let id_name = route
        .rsplit('/')
        .find_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .with_context(|| format!("the credential route `{route}` has no path parameter"))?;
    let mut id = None;
    let mut params = Vec::new();
    for (name, param) in required_params(&doc, item, op) {
        let generated_value = generated
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string());
        let given = example_value(&doc, param);
        if name == id_name {
            // Without an example, ask for the id the example body has.
            let from_body = match body.get("id").or_else(|| body.get("key")) {
                Some(Value::String(s)) => Some(s.clone()),
                Some(Value::Number(n)) => Some(n.to_string()),
                _ => None,
            };
            id = Some(
                given
                    .or(from_body)
                    .or(generated_value)
                    .unwrap_or_else(|| synthesized(&doc, param)),
            );
        } else {
            params.push((
                name.to_string(),
                given
                    .or(generated_value)
                    .unwrap_or_else(|| synthesized(&doc, param)),
            ));
        }
    }
    let Some(id) = id else {
        bail!("the spec does not declare the path parameter `{id_name}`");
    };
    Ok(DemoCall { body, id, params })
}

/// The demo listing of a spec: the list operation's 200 example (one page)
/// and example values of its required parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoList {
    /// The 200 example.
    pub body: Value,
    /// Required parameters: (name as in the spec, value).
    pub params: Vec<(String, String)>,
}

/// The demo listing of the API's list operation, the GET at `route`.
pub fn demo_list(spec: &str, route: &str) -> anyhow::Result<DemoList> {
    let doc = parse_yaml(spec).context("the embedded spec is not valid YAML")?;
    let (item, op) = find_get(&doc, route)?;
    let body = ok_example(&doc, op, route)?;
    let params = required_params(&doc, item, op)
        .into_iter()
        .map(|(name, param)| {
            let value = example_value(&doc, param).unwrap_or_else(|| synthesized(&doc, param));
            (name.to_string(), value)
        })
        .collect();
    Ok(DemoList { body, params })
}

/// The parameter's example, default or first enum value.
fn example_value(doc: &Value, param: &Value) -> Option<String> {
    let schema = param.get("schema").map(|s| deref(doc, s));
    let given = param
        .get("example")
        .or_else(|| schema.and_then(|s| s.get("example")))
        .or_else(|| {
            param
                .get("examples")
                .and_then(Value::as_object)
                .and_then(|e| e.values().next())
                .and_then(|e| deref(doc, e).get("value"))
        })
        .or_else(|| schema.and_then(|s| s.get("default")))
        .or_else(|| {
            schema
                .and_then(|s| s.get("enum"))
                .and_then(Value::as_array)
                .and_then(|e| e.first())
        });
    given.map(|value| match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

/// A value made from the parameter's schema.
fn synthesized(doc: &Value, param: &Value) -> String {
    let schema = param.get("schema").map(|s| deref(doc, s));
    let kind = schema
        .and_then(|s| s.get("type"))
        .and_then(Value::as_str)
        .unwrap_or("string");
    let format = schema
        .and_then(|s| s.get("format"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    match (kind, format) {
        (_, "uuid") => "3c90c3cc-0d44-4b50-8888-8dd25736052a".into(),
        ("integer" | "number", _) => "42".into(),
        ("boolean", _) => "true".into(),
        _ => "demo".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credential_route(provider: &crate::provider::Provider) -> &'static str {
        provider.credential().unwrap().path
    }

    #[test]
    fn every_provider_has_a_demo_call() {
        for provider in crate::providers::PROVIDERS {
            let call = demo_call(
                provider.spec,
                credential_route(provider),
                provider.example_body,
                provider.example_parameters,
            )
            .unwrap();
            assert!(call.body.is_object(), "{}", provider.stem);
            assert!(!call.id.is_empty(), "{}", provider.stem);
        }
        let astra = crate::providers::find("netapp-astra").unwrap();
        let astra = demo_call(astra.spec, credential_route(astra), "{}", &[]).unwrap();
        assert_eq!(astra.id, "9a41e0d7-2c5b-4f3e-8d16-b7c2a90e4f58");
        assert_eq!(
            astra.params,
            [(
                "account_id".to_string(),
                "3f1c9a52-7d4e-4b8a-9e21-6c0d5b7a2f14".to_string()
            )]
        );
        let tines = crate::providers::find("tines").unwrap();
        let tines = demo_call(tines.spec, credential_route(tines), "{}", &[]).unwrap();
        assert_eq!(
            tines.id,
            tines.body["id"].to_string(),
            "the example's own id"
        );
        assert!(tines.params.is_empty());
    }

    #[test]
    fn without_an_example_the_generated_body_is_served() {
        let spec = r##"
paths:
  /secrets/{id}:
    get:
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          content:
            text/plain:
              schema: {type: string}
"##;
        let text = demo_call(spec, "/secrets/{id}", "example-secret-value", &[]).unwrap();
        assert_eq!(text.body, Value::String("example-secret-value".into()));
        assert_eq!(text.id, "demo", "made up");
        let generated = demo_call(spec, "/secrets/{id}", "s", &[("id", "ab12")]).unwrap();
        assert_eq!(generated.id, "ab12", "the generated client's example value");
        let json = demo_call(spec, "/secrets/{id}", r#"{"id":"s1"}"#, &[("id", "x")]).unwrap();
        assert_eq!(json.body, serde_json::json!({"id": "s1"}));
        assert_eq!(json.id, "s1", "the id the body has");
        assert!(demo_call(spec, "/other/{id}", "x", &[]).is_err());
    }

    #[test]
    fn refs_and_synthesized_values() {
        let spec = r##"
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
      responses:
        '200':
          $ref: '#/components/responses/Ok'
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
          examples:
            first:
              value: {name: n}
"##;
        let call = demo_call(spec, "/things/{thing_id}", "{}", &[]).unwrap();
        assert_eq!(
            call.body,
            serde_json::json!({"name": "n"}),
            "the spec's example"
        );
        assert_eq!(call.id, "3c90c3cc-0d44-4b50-8888-8dd25736052a");
        assert_eq!(call.params, [("org".to_string(), "42".to_string())]);
        assert_eq!(call.body, serde_json::json!({"name": "n"}));
    }
}
