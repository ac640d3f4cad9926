//! The type aliases every generated crate has, whatever its spec names:
//! `<Op>Error` per operation, `CredentialBody` and `CredentialError` of the
//! credential operation, and `ListItem` of the list operation.

use openapiv3::{OpenAPI, ReferenceOr};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::doc_attr;
use crate::render::bodies::Bodies;

/// `pub type <Op>Error = crate::types::<Schema>;` for every operation whose
/// error responses have a JSON schema `$ref`, so callers can name
/// `Error<GetCredentialError>`.
pub fn errors(normalized: &OpenAPI) -> Vec<TokenStream> {
    let mut error_aliases = Vec::new();
    for (_, item) in normalized.paths.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (_, op) in item.iter() {
            let Some(id) = op.operation_id.as_deref() else {
                continue;
            };
            let error_ref = op.responses.responses.iter().find_map(|(status, r)| {
                let code = match status {
                    openapiv3::StatusCode::Code(c) => *c >= 400,
                    openapiv3::StatusCode::Range(r) => *r >= 4,
                };
                let ReferenceOr::Item(r) = r else { return None };
                let schema = r.content.get("application/json")?.schema.as_ref()?;
                match (code, schema) {
                    (true, ReferenceOr::Reference { reference }) => {
                        reference.rsplit('/').next().map(str::to_string)
                    }
                    _ => None,
                }
            });
            if let Some(name) = error_ref {
                let alias = format_ident!("{}Error", crate::document::pascal(id));
                let target = format_ident!("{}", crate::document::pascal(&name));
                let doc = doc_attr(&format!(
                    "The typed error body of `{id}` (`Error<{alias}>` from `send()`)."
                ));
                error_aliases.push(quote! {
                    #doc
                    pub type #alias = crate::types::#target;
                });
            }
        }
    }
    error_aliases
}

/// `CredentialBody` and `CredentialError`: the credential operation's
/// success and error body types, read off its builder's `send()`.
pub fn credential(credential_operation: &str, credential_bodies: &Bodies) -> TokenStream {
    let Bodies { ok, error } = credential_bodies;
    let ok_doc = doc_attr(&format!(
        "The body of the credential operation, [`Client::{credential_operation}`]: \
         what code over every provider (credctl, the workspace's suites) names, \
         whatever the spec calls its schema."
    ));
    let error_doc = doc_attr(&format!(
        "The typed error body of the credential operation, \
         [`Client::{credential_operation}`] (`Error<CredentialError>` from `send()`)."
    ));
    quote! {
        #ok_doc
        pub type CredentialBody = #ok;
        #error_doc
        pub type CredentialError = #error;
    }
}

/// `ListItem`: the list operation's item type, or the credential body when
/// the spec has no list operation.
pub fn list_item(list_item: Option<&syn::Type>, list_operation_id: Option<&String>) -> TokenStream {
    match (list_item, list_operation_id) {
        (Some(ty), Some(id)) => {
            let doc = doc_attr(&format!(
                "The item type of the \"list credentials\" operation, [`Client::{id}`] \
                 (its builder's `stream()` yields these)."
            ));
            quote! { #doc pub type ListItem = crate::#ty; }
        }
        _ => quote! {
            /// The spec has no "list credentials" operation; tools that list
            /// fall back to the credential operation's body.
            pub type ListItem = CredentialBody;
        },
    }
}
