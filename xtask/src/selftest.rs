//! `src/generated/selftest.rs` of each client (feature `mock`): one
//! function, `credential_round_trip`, that serves the spec's example of the
//! credential operation on a local httpmock server, calls the typed client
//! over real HTTP with example parameter values, and checks that the decoded
//! body serializes back to what was served (unknown fields, secrets,
//! timestamps and enum values kept). The workspace's tests run it for every
//! provider through the facade's `with_providers!`, so a new spec is covered
//! without hand-written test code.

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

/// The path, query and header parameters of the operation that are
/// required, with a value each.
fn required_parameters(doc: &Value, path: &str, op: &Value) -> Vec<(String, Value)> {
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
    let mut out: Vec<(String, Value)> = Vec::new();
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
        out.retain(|(n, _)| n != name);
        out.push((name.to_string(), value));
    }
    out
}

/// The types of the builder fields of `builder::<Op>` in the generated
/// client (field name -> type inside `Result<T, String>`).
fn builder_fields(client: &syn::File, op_pascal: &str) -> Vec<(String, syn::Type)> {
    let Some(builder) = client.items.iter().find_map(|i| match i {
        syn::Item::Mod(m) if m.ident == "builder" => m.content.as_ref(),
        _ => None,
    }) else {
        return Vec::new();
    };
    for item in &builder.1 {
        let syn::Item::Struct(s) = item else { continue };
        if s.ident != op_pascal {
            continue;
        }
        return s
            .fields
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
            .collect();
    }
    Vec::new()
}

/// The selftest module for one spec.
pub fn tokens(
    doc: &Value,
    normalized_doc: &Value,
    credential: &CredentialOperation<'_>,
    path: &str,
    client: &syn::File,
) -> TokenStream {
    let method_ident = format_ident!("{}", credential.name);
    let op_pascal = {
        use heck::ToPascalCase;
        credential.name.to_pascal_case()
    };
    let fields = builder_fields(client, &op_pascal);
    let op = normalized_doc
        .pointer(&credential.pointer)
        .unwrap_or(credential.op);
    let mut calls = Vec::new();
    for (name, value) in required_parameters(doc, path, credential.op) {
        let field = crate::spec::sanitize_snake(&name);
        let Some((_, ty)) = fields.iter().find(|(f, _)| *f == field) else {
            continue;
        };
        let setter = format_ident!("{}", field);
        let text = value.to_string();
        calls.push(quote! {
            .#setter(
                ::serde_json::from_str::<#ty>(#text)
                    .map_err(|e| format!("example value of `{}`: {e}", #name))?
            )
        });
    }
    let body = example_body(doc, credential.op);
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
        //! A round trip of the spec's credential example through the typed
        //! client over HTTP (feature `mock`), used by the workspace's tests.

        #[allow(unused_imports)]
        use crate::types;

        /// The body served (the spec's example, or one made from its schema).
        pub const EXAMPLE_BODY: &str = #body_text;

        /// Serve [`EXAMPLE_BODY`] for the credential operation on a local
        /// mock server, call the client with example parameters, and check
        /// that the decoded value serializes back to the same JSON (apart
        /// from `null` versus absent and number spelling). Returns the
        /// number of requests the server received.
        pub async fn credential_round_trip() -> ::std::result::Result<usize, String> {
            let server = ::httpmock::MockServer::start_async().await;
            let route = credential_clients_runtime::mock::template_regex(#path)
                .map_err(|e| e.to_string())?;
            let mock = server
                .mock_async(|when, then| {
                    when.method(::httpmock::Method::GET).path_matches(route);
                    then.status(200)
                        .header("content-type", #content_type)
                        .body(EXAMPLE_BODY);
                })
                .await;
            let client = crate::Client::builder()
                .base_url(server.base_url())
                .retry(credential_clients_runtime::RetryPolicy::disabled())
                .build()
                .map_err(|e| e.to_string())?;
            let response = client
                .#method_ident()
                #(#calls)*
                .send()
                .await
                .map_err(|e| format!("the call failed: {e}"))?;
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
    }
}
