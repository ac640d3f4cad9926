//! The `rt::OperationDescription` of every operation: method, route
//! template, `Accept` header and pagination, for the runtime's path checks
//! and the tools that iterate operations.

use openapiv3::{OpenAPI, ReferenceOr};
use proc_macro2::TokenStream;
use quote::quote;

use crate::normalize::Facts;
use crate::paginate::Paginated;

/// One `rt::OperationDescription` per operation of the normalized document.
pub fn descriptions(
    normalized: &OpenAPI,
    facts: &Facts,
    paginated: &[Paginated],
) -> Vec<TokenStream> {
    let mut op_items = Vec::new();
    for (path, item) in normalized.paths.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, op) in item.iter() {
            let Some(id) = op.operation_id.as_deref() else {
                continue;
            };
            let method_upper = method.to_ascii_uppercase();
            let accept = facts
                .accept
                .get(id)
                .cloned()
                .unwrap_or_else(|| "*/*".into());
            let pagination = match paginated.iter().find(|p| p.op_id == id) {
                Some(p) => {
                    let tokens = p.tokens(&quote! { rt });
                    quote! { Some(#tokens) }
                }
                None => quote! { None },
            };
            op_items.push(quote! {
                rt::OperationDescription {
                    id: #id,
                    method: #method_upper,
                    path: #path,
                    accept: #accept,
                    pagination: #pagination,
                }
            });
        }
    }
    op_items
}
