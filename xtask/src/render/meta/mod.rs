//! `src/generated/meta.rs`: the provider's API description for the
//! runtime (servers, auth schemes, retry rules, pagination), its
//! `ClientHooks`, and the builder that wires the client to the runtime.
//!
//! - `server.rs`: the server template and its variables' setters;
//! - `auth.rs`: the security schemes and their setters;
//! - `operations.rs`: one description per operation;
//! - `aliases.rs`: `<Op>Error`, `CredentialBody`, `CredentialError`, `ListItem`;
//! - `builder.rs`: the hooks and the builder's fixed setters.

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use quote::quote;

use crate::error::SpecError;
use crate::normalize::Facts;
use crate::spec::SpecFile;

mod aliases;
mod auth;
mod builder;
mod operations;
mod server;

fn doc_attr(text: &str) -> TokenStream {
    let lines = text.trim().lines().map(|l| format!(" {l}"));
    quote! { #( #[doc = #lines] )* }
}

/// The tokens of `meta.rs` for one spec (`doc`: as written; `normalized`:
/// as progenitor saw it).
pub fn tokens(
    spec: &SpecFile,
    doc: &OpenAPI,
    normalized: &OpenAPI,
    facts: &Facts,
    list_item: Option<syn::Type>,
    credential_bodies: &super::bodies::Bodies,
) -> Result<TokenStream, SpecError> {
    let file = spec.path.as_path();
    let provider = spec.stem.as_str();
    let title = doc.info.title.as_str();
    let version = doc.info.version.as_str();
    let server = server::first(doc);
    let server_url = server.url.as_str();
    let mut taken_setters = builder::FIXED_SETTERS
        .map(String::from)
        .into_iter()
        .collect();
    let (var_items, var_setters) = server::variables(&server, &mut taken_setters);
    let (auth_items, auth_setters) = auth::tokens(doc, &mut taken_setters);

    let paginated = crate::paginate::read(file, &spec.doc).map_err(|mut e| e.remove(0))?;
    let list_operation_id =
        crate::paginate::list_operation(file, &paginated)?.map(|p| p.op_id.clone());
    let list_operation = match &list_operation_id {
        Some(id) => quote! { Some(#id) },
        None => quote! { None },
    };
    let list_item_alias = aliases::list_item(list_item.as_ref(), list_operation_id.as_ref());
    let op_items = operations::descriptions(normalized, facts, &paginated);
    let error_aliases = aliases::errors(normalized);
    let credential_operation = super::credential_operation(spec)?.name;
    let credential_aliases = aliases::credential(&credential_operation, credential_bodies);
    let quirk_fields = crate::quirks::read(file, provider, &spec.doc)
        .map_err(|mut e| e.remove(0))?
        .tokens();
    let api_doc = doc_attr(&format!(
        "What `{}` says about the API: default server, authentication and routes.\n\n\
         The runtime uses it to build clients, check request paths and set `Accept`.",
        spec.path.display().to_string().replace('\\', "/")
    ));
    let builder = builder::tokens(title, server_url, &var_setters, &auth_setters);

    Ok(quote! {
        use credential_clients_runtime as rt;
        use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};

        use crate::Client;

        #api_doc
        pub static API: rt::ApiDescription = rt::ApiDescription {
            provider: #provider,
            title: #title,
            version: #version,
            server: rt::ServerTemplate {
                url: #server_url,
                variables: &[#(#var_items),*],
            },
            auth: &[#(#auth_items),*],
            operations: &[#(#op_items),*],
            credential_operation: #credential_operation,
            list_operation: #list_operation,
            #quirk_fields
        };

        #(#error_aliases)*

        #credential_aliases

        #list_item_alias

        #builder
    })
}
