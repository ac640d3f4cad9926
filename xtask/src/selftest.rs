//! `src/generated/selftest.rs` of each client: `ExampleCall`, the
//! credential operation's builder with the spec's example parameter values
//! (parsed once; the benchmark times it, `EXAMPLE_PATH_PARAMETERS` gives the
//! hand-written side the same values), `EXAMPLE_BODY`, `EXAMPLE_PARAMETERS`
//! and the list operation's `LIST_EXAMPLE_BODY` and `LIST_EXAMPLE_PARAMETERS`
//! (credctl's demo serves and calls them; examples and values come from
//! [`crate::examples`]), and with feature `mock`: `serve_example` serves the spec's
//! example of the credential operation on a local httpmock server,
//! `call_example` calls the typed client over real HTTP with the example
//! parameter values, and `credential_round_trip` does both and checks that
//! the decoded body serializes back to what was served (unknown fields,
//! secrets, timestamps and enum values kept). The workspace's tests run it
//! for every provider through the facade's `with_providers!`, and each
//! crate's generated `examples/<stem>_mock.rs` shows the first two, so a new spec is
//! covered without hand-written code.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::{Value, json};

use crate::examples::{required_parameters, success_body, success_schema};
use crate::spec::{self, CredentialOperation};

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

/// The list operation: its path template and operation object.
#[derive(Debug, Clone, Copy)]
pub struct ListOperation<'a> {
    /// The path template (`/credentials`).
    pub path: &'a str,
    /// The operation object in the original document.
    pub op: &'a Value,
}

/// A parameter's value as text (a string as it is, anything else as JSON).
fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `LIST_EXAMPLE_BODY` and `LIST_EXAMPLE_PARAMETERS`.
fn list_example(doc: &Value, list: Option<ListOperation<'_>>) -> TokenStream {
    let (body, parameters) = match list {
        Some(list) => {
            let body = crate::examples::success_body(doc, list.op).to_string();
            let parameters: Vec<TokenStream> = required_parameters(doc, list.path, list.op)
                .iter()
                .map(|(name, _, value)| {
                    let value = plain(value);
                    quote! { (#name, #value) }
                })
                .collect();
            (quote! { Some(#body) }, parameters)
        }
        None => (quote! { None }, Vec::new()),
    };
    quote! {
        /// The list operation's success body (one page: the spec's example,
        /// or one made from its schema), if the API has a list operation.
        pub const LIST_EXAMPLE_BODY: Option<&str> = #body;

        /// The required parameters of the list operation with example
        /// values (name in the spec, value as text).
        pub const LIST_EXAMPLE_PARAMETERS: &[(&str, &str)] = &[#(#parameters),*];
    }
}

/// The selftest module for one spec.
pub fn tokens(
    doc: &Value,
    normalized_op: Option<&Value>,
    credential: &CredentialOperation<'_>,
    path: &str,
    builder: Option<&syn::ItemStruct>,
    list: Option<ListOperation<'_>>,
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
        let plain = plain(&value);
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
    let mut body = success_body(doc, credential.op);
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
    let list_example = list_example(doc, list);
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

        #list_example

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
