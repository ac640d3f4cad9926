//! `src/generated/selftest.rs` of each client: `ExampleCall`, the
//! credential operation's builder with the spec's example parameter values
//! (parsed once; the benchmark times it, `EXAMPLE_PATH_PARAMETERS` gives the
//! hand-written side the same values), `EXAMPLE_PARAMETERS` (credctl's demo
//! uses them), and with feature `mock`: `serve_example` serves the spec's
//! example of the credential operation on a local httpmock server,
//! `call_example` calls the typed client over real HTTP with the example
//! parameter values, and `credential_round_trip` does both and checks that
//! the decoded body serializes back to what was served (unknown fields,
//! secrets, timestamps and enum values kept). The workspace's tests run it
//! for every provider through the facade's `with_providers!`, and each
//! crate's generated `examples/mock.rs` shows the first two, so a new spec is
//! covered without hand-written code.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::{Value, json};

use crate::spec::{self, CredentialOperation};

/// The example body of the credential operation's success response, or one
/// made from its schema.
pub fn example_body(doc: &Value, op: &Value) -> Value {
    let Some(responses) = op.get("responses").and_then(Value::as_object) else {
        return Value::Null;
    };
    let success = responses.get("200").or_else(|| {
        responses
            .iter()
            .find(|(s, _)| s.starts_with('2'))
            .map(|(_, r)| r)
    });
    let Some(response) = success.map(|r| spec::resolve(doc, r)) else {
        return Value::Null;
    };
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        return Value::Null;
    };
    let json = content
        .iter()
        .find(|(mt, _)| spec::is_json_media_type(mt))
        .map(|(_, m)| m);
    let Some(media) = json else {
        return Value::String("example-secret-value".into());
    };
    if let Some(example) = media.get("example") {
        return example.clone();
    }
    if let Some(examples) = media.get("examples").and_then(Value::as_object)
        && let Some(first) = examples.values().next()
        && let Some(value) = spec::resolve(doc, first).get("value")
    {
        return value.clone();
    }
    media
        .get("schema")
        .map(|s| synthesize(doc, s, 0))
        .unwrap_or(Value::Null)
}

/// The name of the unknown member added to every object of the example.
pub const EXTRA_MEMBER: &str = "x_credential_clients_unknown";

/// `value` with an unknown member added to every object whose schema keeps
/// unknown properties (objects with `properties` and no typed
/// `additionalProperties`), at every depth, inside arrays and unions: the
/// round trip then proves that nothing the server sends is lost.
pub fn with_unknown_members(doc: &Value, schema: &Value, value: &Value, depth: usize) -> Value {
    let schema = spec::resolve(doc, schema);
    if depth > 16 {
        return value.clone();
    }
    match value {
        Value::Object(map) => {
            let mut out = serde_json::Map::new();
            let props = schema.get("properties").and_then(Value::as_object);
            // Sub-schemas of compositions: the first that declares the key.
            let mut parts: Vec<&Value> = vec![schema];
            for key in ["allOf", "oneOf", "anyOf"] {
                if let Some(list) = schema.get(key).and_then(Value::as_array) {
                    parts.extend(list.iter().map(|p| spec::resolve(doc, p)));
                }
            }
            let schema_of = |k: &str| {
                parts
                    .iter()
                    .find_map(|p| p.get("properties").and_then(|ps| ps.get(k)))
            };
            for (k, v) in map {
                let child = match schema_of(k) {
                    Some(sub) => with_unknown_members(doc, sub, v, depth + 1),
                    None => v.clone(),
                };
                out.insert(k.clone(), child);
            }
            let typed_map = parts.iter().any(|p| {
                p.get("additionalProperties")
                    .is_some_and(|a| a.is_object() && a.as_object().is_some_and(|o| !o.is_empty()))
            });
            let declares = props.is_some() || parts.len() > 1;
            let has_extra_prop = parts
                .iter()
                .any(|p| p.get("properties").and_then(|ps| ps.get("extra")).is_some());
            if declares && !typed_map && !has_extra_prop && !map.contains_key(EXTRA_MEMBER) {
                out.insert(EXTRA_MEMBER.to_string(), json!({"kept": [1, "two", null]}));
            }
            Value::Object(out)
        }
        Value::Array(items) => {
            let item = schema.get("items").cloned().unwrap_or(Value::Bool(true));
            Value::Array(
                items
                    .iter()
                    .map(|v| with_unknown_members(doc, &item, v, depth + 1))
                    .collect(),
            )
        }
        other => other.clone(),
    }
}

/// The JSON schema of the credential operation's success body.
fn success_schema(doc: &Value, op: &Value) -> Option<Value> {
    let responses = op.get("responses")?.as_object()?;
    let response = responses.get("200").or_else(|| {
        responses
            .iter()
            .find(|(s, _)| s.starts_with('2'))
            .map(|(_, r)| r)
    })?;
    let content = spec::resolve(doc, response).get("content")?.as_object()?;
    content
        .iter()
        .find(|(mt, _)| spec::is_json_media_type(mt))
        .and_then(|(_, m)| m.get("schema").cloned())
}

/// A value valid for `schema`: its example, default or first enum value, or
/// one made from its type (required properties only).
pub fn synthesize(doc: &Value, schema: &Value, depth: usize) -> Value {
    let schema = spec::resolve(doc, schema);
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

/// The path, query and header parameters of the operation that are
/// required, with their location and a value each.
fn required_parameters(doc: &Value, path: &str, op: &Value) -> Vec<(String, String, Value)> {
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
        let p = spec::resolve(doc, p);
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
                    .and_then(|e| spec::resolve(doc, e).get("value").cloned())
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

/// The types of the fields of progenitor's builder struct `builder::<Op>`
/// (field name -> type inside `Result<T, String>`).
fn builder_fields(builder: Option<&syn::ItemStruct>) -> Vec<(String, syn::Type)> {
    let Some(s) = builder else {
        return Vec::new();
    };
    s.fields
        .iter()
        .filter_map(|f| {
            let name = f.ident.as_ref()?.to_string();
            let syn::Type::Path(tp) = &f.ty else {
                return None;
            };
            let last = tp.path.segments.last()?;
            let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                return None;
            };
            let syn::GenericArgument::Type(inner) = args.args.first()? else {
                return None;
            };
            Some((name, inner.clone()))
        })
        .collect()
}

/// The selftest module for one spec.
pub fn tokens(
    doc: &Value,
    normalized_op: Option<&Value>,
    credential: &CredentialOperation<'_>,
    path: &str,
    builder: Option<&syn::ItemStruct>,
) -> TokenStream {
    let method_ident = format_ident!("{}", credential.name);
    let fields = builder_fields(builder);
    let op = normalized_op.unwrap_or(credential.op);
    let mut calls = Vec::new();
    let mut example_parameters = Vec::new();
    let mut shown = format!(" `client.{}()", credential.name);
    let (mut example_fields, mut example_types, mut example_values) = (vec![], vec![], vec![]);
    let mut path_values = Vec::new();
    for (name, location, value) in required_parameters(doc, path, credential.op) {
        let plain = match &value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        example_parameters.push(quote! { (#name, #plain) });
        let field = crate::spec::sanitize_snake(&name);
        let Some((_, ty)) = fields.iter().find(|(f, _)| *f == field) else {
            continue;
        };
        let setter = format_ident!("{}", field);
        let text = value.to_string();
        shown.push_str(&format!(".{field}({text})"));
        calls.push(quote! {
            .#setter(
                ::serde_json::from_str::<#ty>(#text)
                    .map_err(|e| format!("example value of `{}`: {e}", #name))?
            )
        });
        if location == "path" {
            let plain = match &value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            path_values.push(quote! { (#name, #plain) });
        }
        example_values.push(quote! {
            ::serde_json::from_str::<#ty>(#text)
                .map_err(|e| format!("example value of `{}`: {e}", #name))?
        });
        example_fields.push(setter);
        example_types.push(ty.clone());
    }
    shown.push_str(".send()`.");
    let call_doc = shown;
    let example_call = builder.map(|b| {
        let builder_ident = &b.ident;
        quote! {
            /// The credential operation's path parameters with their
            /// example values (name in the spec, value as text), in the
            /// order of the spec.
            pub const EXAMPLE_PATH_PARAMETERS: &[(&str, &str)] = &[#(#path_values),*];

            /// The credential operation with the spec's example parameter
            /// values, parsed (and validated) once: [`ExampleCall::builder`]
            /// hands out the operation's builder with them set, as a caller
            /// that holds typed ids would write it (the benchmark times it).
            #[derive(Debug, Clone)]
            pub struct ExampleCall {
                #(#example_fields: #example_types,)*
            }

            impl ExampleCall {
                /// Parse the example values.
                pub fn new() -> ::std::result::Result<Self, String> {
                    Ok(Self { #(#example_fields: #example_values,)* })
                }

                /// The credential operation's builder with the example values set.
                pub fn builder<'a>(&self, client: &'a crate::Client) -> crate::builder::#builder_ident<'a> {
                    client
                        .#method_ident()
                        #(.#example_fields(self.#example_fields.clone()))*
                }
            }
        }
    });
    let mut body = example_body(doc, credential.op);
    // Every object the types keep unknown members of gets one (not in a
    // document where typify's `extra` map collides with a property).
    let schema = success_schema(doc, credential.op);
    if let Some(schema) = schema
        && !crate::normalize::has_property_named(doc, "extra")
    {
        body = with_unknown_members(doc, &schema, &body, 0);
    }
    let secret_body = op
        .pointer("/responses/200/content/application~1json/schema/x-rust-type/path")
        .and_then(Value::as_str)
        .is_some_and(|p| p.ends_with("SecretBody"));
    let body_text = if secret_body {
        body.as_str().unwrap_or("example-secret-value").to_string()
    } else {
        body.to_string()
    };
    let content_type = if secret_body {
        "text/plain"
    } else {
        "application/json"
    };
    quote! {
        //! The spec's example parameters as a typed call ([`ExampleCall`]),
        //! and (feature `mock`) a round trip of the spec's credential example
        //! through the typed client over HTTP, used by the workspace's tests.

        #[allow(unused_imports)]
        use crate::types;

        /// The body served (the spec's example, or one made from its schema).
        pub const EXAMPLE_BODY: &str = #body_text;

        /// The required parameters of the credential operation with the
        /// example values the call uses (name in the spec, value as text):
        /// the spec's examples, or values made from the schemas (patterns
        /// included).
        pub const EXAMPLE_PARAMETERS: &[(&str, &str)] = &[#(#example_parameters),*];

        /// Serve [`EXAMPLE_BODY`] as the answer of the credential operation
        /// (any request to its route) on `server`.
        #[cfg(feature = "mock")]
        pub async fn serve_example(
            server: &::httpmock::MockServer,
        ) -> ::std::result::Result<::httpmock::Mock<'_>, String> {
            let route = credential_clients_runtime::mock::template_regex(#path)
                .map_err(|e| e.to_string())?;
            Ok(server
                .mock_async(|when, then| {
                    when.method(::httpmock::Method::GET).path_matches(route);
                    then.status(200)
                        .header("content-type", #content_type)
                        .body(EXAMPLE_BODY);
                })
                .await)
        }

        /// Call the credential operation with [`EXAMPLE_PARAMETERS`]:
        #[doc = #call_doc]
        pub async fn call_example(
            client: &crate::Client,
        ) -> ::std::result::Result<crate::ResponseValue<crate::CredentialBody>, String> {
            client
                .#method_ident()
                #(#calls)*
                .send()
                .await
                .map_err(|e| format!("the call failed: {e}"))
        }

        /// Serve [`EXAMPLE_BODY`] on a local mock server ([`serve_example`]),
        /// call the client ([`call_example`]), and check that the decoded
        /// value serializes back to the same JSON (apart from `null` versus
        /// absent and number spelling). Returns the number of requests the
        /// server received.
        #[cfg(feature = "mock")]
        pub async fn credential_round_trip() -> ::std::result::Result<usize, String> {
            let server = ::httpmock::MockServer::start_async().await;
            let mock = serve_example(&server).await?;
            let client = crate::Client::builder()
                .base_url(server.base_url())
                .retry(credential_clients_runtime::RetryPolicy::disabled())
                .build()
                .map_err(|e| e.to_string())?;
            let response = call_example(&client).await?;
            let got = ::serde_json::to_value(response.into_inner()).map_err(|e| e.to_string())?;
            let want: ::serde_json::Value = if #secret_body {
                ::serde_json::Value::String(EXAMPLE_BODY.to_string())
            } else {
                ::serde_json::from_str(EXAMPLE_BODY).map_err(|e| e.to_string())?
            };
            if !credential_clients_runtime::mock::same_json(&want, &got) {
                return Err(format!("the body did not round-trip:\n served: {want}\n decoded: {got}"));
            }
            Ok(mock.calls_async().await)
        }

        #example_call
    }
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

    #[test]
    fn unknown_members_go_into_every_open_object() {
        let doc = json!({"components": {"schemas": {
            "Item": {"type": "object", "properties": {"n": {"type": "integer"}}},
            "Tags": {"type": "object", "additionalProperties": {"type": "string"}}
        }}});
        let schema = json!({"type": "object", "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
            "tags": {"$ref": "#/components/schemas/Tags"}
        }});
        let value = json!({"items": [{"n": 1}], "tags": {"a": "b"}});
        let got = with_unknown_members(&doc, &schema, &value, 0);
        assert!(got.get(EXTRA_MEMBER).is_some());
        assert!(got["items"][0].get(EXTRA_MEMBER).is_some());
        assert!(
            got["tags"].get(EXTRA_MEMBER).is_none(),
            "a typed map takes only strings"
        );
    }
}
