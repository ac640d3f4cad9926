//! The rewrites of progenitor's output, applied to one item at a time
//! (`crate::items`): what makes progenitor's client and mocks use the
//! runtime (decoding, secrets, free-form objects, path encoding, mock
//! matching). Each is a syn visitor of one concern.

use proc_macro2::TokenStream;
use quote::quote;

use crate::normalize::Facts;

/// The rewrites of progenitor's client, applied to each of its items;
/// `at` is the item's module path. typify's `types` module (about four
/// fifths of a client) holds only the schemas' types: the rewrites of the
/// operations' code (decoding, secret bodies and headers, the request's
/// headers and path) have nothing to find there and are not run on it.
pub fn client_item(item: &mut syn::Item, facts: &Facts, at: &crate::items::ModPath) {
    let in_types = at.first().is_some_and(|m| m == "types");
    on_item(item, |file| {
        free_form_objects_as_extra(file);
        crate::lean::schema_derives_behind_feature(file);
        if !in_types {
            route_decoding_through_runtime(file);
            route_secret_bodies(file);
            expose_secret_headers(file, &facts.secret_headers);
            crate::lean::drop_api_version_header(file);
            crate::lean::drop_accept_header(file);
            crate::lean::encode_path_parameters_in_place(file);
        }
    });
}

/// Run a whole-file rewrite on one item.
fn on_item(item: &mut syn::Item, f: impl FnOnce(&mut syn::File)) {
    let placeholder = syn::Item::Verbatim(TokenStream::new());
    let mut file = syn::File {
        shebang: None,
        frontmatter: None,
        attrs: Vec::new(),
        items: vec![std::mem::replace(item, placeholder)],
    };
    f(&mut file);
    *item = file.items.pop().expect("a rewrite keeps the item");
}

/// Point progenitor's `ResponseValue::from_response(..)` calls at
/// `credential_clients_runtime::decode::from_response(..)`, which keeps
/// credential bodies (they may hold secrets) out of decode errors. Returns the
/// number of calls rewritten (a spec without JSON bodies has none).
fn route_decoding_through_runtime(file: &mut syn::File) -> usize {
    use syn::visit_mut::VisitMut;
    struct Rewrite(usize);
    impl VisitMut for Rewrite {
        fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
            syn::visit_mut::visit_expr_call_mut(self, call);
            if let syn::Expr::Path(p) = call.func.as_mut()
                && path_is(&p.path, &["ResponseValue", "from_response"])
            {
                p.path = syn::parse_quote!(credential_clients_runtime::decode::from_response);
                self.0 += 1;
            }
        }
    }
    let mut r = Rewrite(0);
    r.visit_file_mut(file);
    r.0
}

/// The success arm of an operation whose body is not JSON decodes through
/// `decode::secret_body` (the response type is `SecretBody`).
fn route_secret_bodies(file: &mut syn::File) {
    use syn::visit_mut::VisitMut;
    struct Rewrite(bool);
    impl VisitMut for Rewrite {
        fn visit_impl_item_fn_mut(&mut self, f: &mut syn::ImplItemFn) {
            let output = &f.sig.output;
            let was = self.0;
            self.0 = quote!(#output).to_string().contains("SecretBody");
            syn::visit_mut::visit_impl_item_fn_mut(self, f);
            self.0 = was;
        }
        fn visit_arm_mut(&mut self, arm: &mut syn::Arm) {
            syn::visit_mut::visit_arm_mut(self, arm);
            if !self.0 {
                return;
            }
            let syn::Expr::Block(block) = arm.body.as_mut() else {
                return;
            };
            let Some(syn::Stmt::Expr(syn::Expr::Await(aw), None)) = block.block.stmts.last_mut()
            else {
                return;
            };
            if let syn::Expr::Call(call) = aw.base.as_mut()
                && let syn::Expr::Path(p) = call.func.as_mut()
                && path_is(
                    &p.path,
                    &["credential_clients_runtime", "decode", "from_response"],
                )
            {
                p.path = syn::parse_quote!(credential_clients_runtime::decode::secret_body);
            }
        }
    }
    Rewrite(false).visit_file_mut(file);
}

/// A header parameter typed `Secret` is written with `expose_secret()`
/// (progenitor writes `value.to_string()`, which a `Secret` redacts).
fn expose_secret_headers(
    file: &mut syn::File,
    secret_headers: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
) {
    use heck::ToPascalCase;
    use syn::visit_mut::VisitMut;
    let by_type: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        secret_headers
            .iter()
            .map(|(op, names)| (op.to_pascal_case(), names.clone()))
            .collect();
    struct Rewrite<'a> {
        by_type: &'a std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
        current: Option<&'a std::collections::BTreeSet<String>>,
    }
    impl VisitMut for Rewrite<'_> {
        fn visit_item_impl_mut(&mut self, item: &mut syn::ItemImpl) {
            let was = self.current;
            if let syn::Type::Path(tp) = item.self_ty.as_ref()
                && let Some(last) = tp.path.segments.last()
            {
                self.current = self.by_type.get(&last.ident.to_string());
            }
            syn::visit_mut::visit_item_impl_mut(self, item);
            self.current = was;
        }
        fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
            syn::visit_mut::visit_expr_method_call_mut(self, call);
            let Some(names) = self.current else { return };
            if call.method != "append" || call.args.len() != 2 {
                return;
            }
            let Some(syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(name),
                ..
            })) = call.args.first()
            else {
                return;
            };
            if !names.contains(&name.value()) {
                return;
            }
            struct ToExpose;
            impl VisitMut for ToExpose {
                fn visit_expr_method_call_mut(&mut self, c: &mut syn::ExprMethodCall) {
                    syn::visit_mut::visit_expr_method_call_mut(self, c);
                    if c.method == "to_string" && c.args.is_empty() {
                        c.method = syn::Ident::new("expose_secret", c.method.span());
                    }
                }
            }
            if let Some(value) = call.args.iter_mut().nth(1) {
                ToExpose.visit_expr_mut(value);
            }
        }
    }
    Rewrite {
        by_type: &by_type,
        current: None,
    }
    .visit_file_mut(file);
}

/// `serde_json::Map<String, Value>` (free-form objects, and the flattened
/// `extra` map of unknown properties) becomes `credential_clients_runtime::Extra`,
/// whose `Debug` redacts values under secret-looking keys.
fn free_form_objects_as_extra(file: &mut syn::File) {
    use syn::visit_mut::VisitMut;
    struct Rewrite;
    impl VisitMut for Rewrite {
        fn visit_type_mut(&mut self, ty: &mut syn::Type) {
            syn::visit_mut::visit_type_mut(self, ty);
            let syn::Type::Path(tp) = ty else { return };
            let is_map = path_is(&tp.path, &["serde_json", "Map"])
                || path_is(&tp.path, &["std", "collections", "HashMap"]);
            if !is_map {
                return;
            }
            let Some(syn::PathArguments::AngleBracketed(args)) =
                tp.path.segments.last().map(|s| &s.arguments)
            else {
                return;
            };
            let types: Vec<String> = args
                .args
                .iter()
                .map(|a| quote!(#a).to_string().replace(' ', ""))
                .collect();
            if types == ["::std::string::String", "::serde_json::Value"] {
                *ty = syn::parse_quote!(credential_clients_runtime::Extra);
            }
        }
    }
    Rewrite.visit_file_mut(file);
}

/// Whether `path`'s segments are exactly `names` (a leading `::` ignored).
fn path_is(path: &syn::Path, names: &[&str]) -> bool {
    path.segments.len() == names.len() && path.segments.iter().zip(names).all(|(s, n)| s.ident == n)
}

/// The rewrites of progenitor's mocks, applied to each of their items.
pub fn mock_item(item: &mut syn::Item) {
    on_item(item, |file| {
        route_mock_paths_through_runtime(file);
        mock_values_as_text(file);
    });
}

/// progenitor's mocks write query and header values with `value.to_string()`,
/// which typify's newtypes (e.g. a constrained integer) do not all have:
/// `credential_clients_runtime::mock::param_text(&value)` writes any
/// serializable value as its JSON text (strings without quotes).
fn mock_values_as_text(file: &mut syn::File) {
    use syn::visit_mut::VisitMut;
    struct Rewrite;
    impl VisitMut for Rewrite {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            syn::visit_mut::visit_expr_mut(self, expr);
            let syn::Expr::MethodCall(call) = expr else {
                return;
            };
            if call.method != "to_string" || !call.args.is_empty() {
                return;
            }
            let syn::Expr::Path(p) = call.receiver.as_ref() else {
                return;
            };
            if !path_is(&p.path, &["value"]) {
                return;
            }
            *expr = syn::parse_quote!(credential_clients_runtime::mock::param_text(&value));
        }
    }
    Rewrite.visit_file_mut(file);
}

/// `credential_clients_runtime::mock`: progenitor puts path values into a
/// regex unescaped and compares them with the still-encoded request path.
fn route_mock_paths_through_runtime(file: &mut syn::File) {
    use syn::visit_mut::VisitMut;
    struct Rewrite;
    impl VisitMut for Rewrite {
        fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
            syn::visit_mut::visit_expr_call_mut(self, call);
            let syn::Expr::Path(p) = call.func.as_ref() else {
                return;
            };
            if !path_is(&p.path, &["regex", "Regex", "new"]) || call.args.len() != 1 {
                return;
            }
            let arg = call.args[0].clone();
            // `regex::Regex::new(&format!(FMT, value.to_string()))`
            if let syn::Expr::Reference(r) = &arg
                && let syn::Expr::Macro(m) = r.expr.as_ref()
                && m.mac.path.is_ident("format")
                && let Ok(args) = m.mac.parse_body_with(
                    syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
                )
                && args.len() == 2
            {
                let fmt = &args[0];
                let value = &args[1];
                *call = syn::parse_quote!(
                    credential_clients_runtime::mock::param_path_regex(#fmt, &#value)
                );
                return;
            }
            // `regex::Regex::new(ROUTE)`
            if let syn::Expr::Lit(_) = &arg {
                *call = syn::parse_quote!(credential_clients_runtime::mock::route_regex(#arg));
            }
        }
    }
    Rewrite.visit_file_mut(file);
}
