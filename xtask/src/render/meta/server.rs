//! The server template of the API description and one builder setter per
//! server variable (`.tenant("acme")`), each with its kind and allowed values.

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::doc_attr;
use crate::spec;

/// The spec's first server, or none (then the client needs a base URL).
pub fn first(doc: &OpenAPI) -> openapiv3::Server {
    doc.servers
        .first()
        .cloned()
        .unwrap_or_else(|| openapiv3::Server {
            url: String::new(),
            description: None,
            variables: None,
            extensions: Default::default(),
        })
}

/// The `rt::ServerVariable` items of `server` and their builder setters
/// (named after the variable; `server_<name>` when the name is taken).
pub fn variables(
    server: &openapiv3::Server,
    taken_setters: &mut std::collections::BTreeSet<String>,
) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let server_url = server.url.as_str();
    let kinds = crate::server::variable_kinds_with_defaults(server_url, |name| {
        server
            .variables
            .as_ref()
            .and_then(|v| v.get(name))
            .map(|v| v.default.clone())
    });

    let mut var_items = Vec::new();
    let mut var_setters = Vec::new();
    if let Some(vars) = &server.variables {
        for name in spec::template_names(server_url) {
            let Some(var) = vars.get(&name) else { continue };
            let default = var.default.as_str();
            let allowed = &var.enumeration;
            let description = var.description.clone().unwrap_or_default();
            let kind = kinds
                .get(&name)
                .copied()
                .unwrap_or(crate::server::Kind::Host);
            let kind_tokens = kind.tokens();
            var_items.push(quote! {
                rt::ServerVariable {
                    name: #name,
                    default: #default,
                    allowed: &[#(#allowed),*],
                    kind: #kind_tokens,
                }
            });
            let mut setter_name = crate::spec::sanitize_snake(&name);
            if !taken_setters.insert(setter_name.clone()) {
                setter_name = format!("server_{setter_name}");
                taken_setters.insert(setter_name.clone());
            }
            let setter = format_ident!("{}", setter_name);
            let mut doc_text = format!(
                "Set the server variable `{name}` of `{server_url}` (default `{default}`; {}).\n",
                kind.describe()
            );
            if !description.trim().is_empty() {
                doc_text.push('\n');
                doc_text.push_str(description.trim());
                doc_text.push('\n');
            }
            if !allowed.is_empty() {
                doc_text.push_str(&format!(
                    "\nAllowed values: {}.",
                    allowed
                        .iter()
                        .map(|a| format!("`{a}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            let doc = doc_attr(&doc_text);
            var_setters.push(quote! {
                #doc
                pub fn #setter(mut self, value: impl Into<String>) -> Self {
                    self.config = self.config.server_variable(#name, value);
                    self
                }
            });
        }
    }
    (var_items, var_setters)
}
