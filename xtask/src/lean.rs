//! Post-processing of progenitor's client: optional weight out of a
//! default build (the `schemars::JsonSchema` derives go behind the crate's
//! `schema` feature) and per-request work out of every call (no
//! `api-version` or `Accept` header that the runtime would remove or set
//! again, no `String`s for encoding path parameters).

use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;

/// `#[derive(.., schemars::JsonSchema)]` becomes `#[derive(..)]` plus
/// `#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]`.
pub fn schema_derives_behind_feature(file: &mut syn::File) {
    struct Gate;
    impl Gate {
        fn attrs(attrs: &mut Vec<syn::Attribute>) {
            let mut gated = false;
            for attr in attrs.iter_mut() {
                if !attr.path().is_ident("derive") {
                    continue;
                }
                let Ok(paths) =
                    attr.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
                else {
                    continue;
                };
                let before = paths.len();
                let kept: Punctuated<syn::Path, syn::Token![,]> =
                    paths.into_iter().filter(|p| !is_json_schema(p)).collect();
                if kept.len() != before {
                    gated = true;
                    *attr = syn::parse_quote!(#[derive(#kept)]);
                }
            }
            if gated {
                attrs.push(syn::parse_quote!(
                    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
                ));
            }
        }
    }
    impl VisitMut for Gate {
        fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
            Self::attrs(&mut item.attrs);
            syn::visit_mut::visit_item_struct_mut(self, item);
        }
        fn visit_item_enum_mut(&mut self, item: &mut syn::ItemEnum) {
            Self::attrs(&mut item.attrs);
            syn::visit_mut::visit_item_enum_mut(self, item);
        }
    }
    Gate.visit_file_mut(file);
}

fn is_json_schema(path: &syn::Path) -> bool {
    let names: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    names == ["schemars", "JsonSchema"]
}

/// Drop progenitor's `api-version` header: the statements
/// `let mut header_map = HeaderMap::with_capacity(..)` and
/// `header_map.append("api-version", ..)` go, and so does the
/// `.headers(header_map)` call on the request builder, when nothing else is
/// appended to the map. (The runtime's `pre` hook removes the header
/// anyway; building it costs an allocation per request.)
pub fn drop_api_version_header(file: &mut syn::File) {
    struct Drop;
    impl VisitMut for Drop {
        fn visit_block_mut(&mut self, block: &mut syn::Block) {
            syn::visit_mut::visit_block_mut(self, block);
            // Printing every statement of every block is what this costs;
            // a block that never names the map is left at once.
            if !block.stmts.iter().any(names_header_map) {
                return;
            }
            let text = |s: &syn::Stmt| quote::quote!(#s).to_string();
            let uses_map: Vec<usize> = block
                .stmts
                .iter()
                .enumerate()
                .filter(|(_, s)| text(s).contains("header_map"))
                .map(|(i, _)| i)
                .collect();
            // Exactly: the `let`, the api-version append, and the builder.
            if uses_map.len() != 3 {
                return;
            }
            let (decl, append, build) = (uses_map[0], uses_map[1], uses_map[2]);
            if !text(&block.stmts[decl]).starts_with("let mut header_map")
                || !text(&block.stmts[append]).contains("\"api-version\"")
            {
                return;
            }
            let mut strip = StripHeaders(false);
            strip.visit_stmt_mut(&mut block.stmts[build]);
            if !strip.0 {
                return;
            }
            block.stmts.remove(append);
            block.stmts.remove(decl);
        }
    }
    /// Removes `.headers(header_map)` from a method chain.
    struct StripHeaders(bool);
    impl VisitMut for StripHeaders {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            if let syn::Expr::MethodCall(call) = expr
                && call.method == "headers"
                && call.args.len() == 1
                && {
                    let args = &call.args;
                    quote::quote!(#args).to_string().contains("header_map")
                }
            {
                *expr = (*call.receiver).clone();
                self.0 = true;
                self.visit_expr_mut(expr);
                return;
            }
            syn::visit_mut::visit_expr_mut(self, expr);
        }
    }
    Drop.visit_file_mut(file);
}

/// Whether `header_map` occurs in the statement: in an identifier, a
/// literal, an attribute or a macro's tokens. (A statement this misses
/// keeps its `api-version` header, which the runtime removes anyway.)
fn names_header_map(stmt: &syn::Stmt) -> bool {
    use syn::visit::Visit;
    fn scan(tokens: proc_macro2::TokenStream) -> bool {
        tokens.into_iter().any(|t| match t {
            proc_macro2::TokenTree::Ident(i) => i.to_string().contains("header_map"),
            proc_macro2::TokenTree::Literal(l) => l.to_string().contains("header_map"),
            proc_macro2::TokenTree::Group(g) => scan(g.stream()),
            proc_macro2::TokenTree::Punct(_) => false,
        })
    }
    struct Find(bool);
    impl Visit<'_> for Find {
        fn visit_ident(&mut self, i: &proc_macro2::Ident) {
            self.0 |= i.to_string().contains("header_map");
        }
        fn visit_lit(&mut self, l: &syn::Lit) {
            self.0 |= scan(quote::quote!(#l));
        }
        fn visit_attribute(&mut self, a: &syn::Attribute) {
            self.0 |= scan(quote::quote!(#a));
        }
        fn visit_macro(&mut self, m: &syn::Macro) {
            syn::visit::visit_macro(self, m);
            self.0 |= scan(m.tokens.clone());
        }
        fn visit_expr(&mut self, e: &syn::Expr) {
            match e {
                syn::Expr::Verbatim(t) => self.0 |= scan(t.clone()),
                _ => syn::visit::visit_expr(self, e),
            }
        }
        fn visit_type(&mut self, t: &syn::Type) {
            match t {
                syn::Type::Verbatim(v) => self.0 |= scan(v.clone()),
                _ => syn::visit::visit_type(self, t),
            }
        }
        fn visit_pat(&mut self, p: &syn::Pat) {
            match p {
                syn::Pat::Verbatim(v) => self.0 |= scan(v.clone()),
                _ => syn::visit::visit_pat(self, p),
            }
        }
        fn visit_item(&mut self, i: &syn::Item) {
            match i {
                syn::Item::Verbatim(v) => self.0 |= scan(v.clone()),
                _ => syn::visit::visit_item(self, i),
            }
        }
    }
    let mut find = Find(false);
    find.visit_stmt(stmt);
    find.0
}

/// Drop progenitor's `.header(::reqwest::header::ACCEPT, ..)` from request
/// builders: the runtime's `pre` hook (`Transport::prepare`) sets `Accept`
/// to the operation's media types on every request anyway, so the header
/// was built, inserted, looked up and compared for nothing.
pub fn drop_accept_header(file: &mut syn::File) {
    struct Drop;
    impl VisitMut for Drop {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            syn::visit_mut::visit_expr_mut(self, expr);
            let syn::Expr::MethodCall(call) = expr else {
                return;
            };
            let names_accept = matches!(
                call.args.first(),
                Some(syn::Expr::Path(p)) if p.path.segments.last().is_some_and(|s| s.ident == "ACCEPT")
            );
            if call.method == "header" && call.args.len() == 2 && names_accept {
                *expr = (*call.receiver).clone();
            }
        }
    }
    Drop.visit_file_mut(file);
}

/// `encode_path(&value.to_string())` (two `String`s per path parameter and
/// request) becomes `credential_clients_runtime::path::encoded(&value)`,
/// which percent-encodes the same characters while the URL is formatted;
/// and the request URL's `format!("...", client.baseurl, ...)` becomes
/// `credential_clients_runtime::path::url(format_args!(...))`, one
/// allocation with room for the URL instead of `format!`'s growing.
pub fn encode_path_parameters_in_place(file: &mut syn::File) {
    /// Whether `mac` is `format!(<literal>, client.baseurl, ...)`.
    fn is_url_format(mac: &syn::Macro) -> bool {
        if !mac.path.is_ident("format") {
            return false;
        }
        let Ok(args) =
            mac.parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
        else {
            return false;
        };
        let mut args = args.iter();
        let literal = matches!(
            args.next(),
            Some(syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(_),
                ..
            }))
        );
        let base = matches!(
            args.next(),
            Some(syn::Expr::Field(f)) if matches!(&f.member, syn::Member::Named(n) if n == "baseurl")
        );
        literal && base
    }
    struct Rewrite;
    impl VisitMut for Rewrite {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            syn::visit_mut::visit_expr_mut(self, expr);
            if let syn::Expr::Macro(m) = expr
                && is_url_format(&m.mac)
            {
                let tokens = &m.mac.tokens;
                *expr =
                    syn::parse_quote!(credential_clients_runtime::path::url(format_args!(#tokens)));
                return;
            }
            let syn::Expr::Call(call) = expr else {
                return;
            };
            let syn::Expr::Path(func) = &*call.func else {
                return;
            };
            if !func.path.is_ident("encode_path") || call.args.len() != 1 {
                return;
            }
            let Some(syn::Expr::Reference(reference)) = call.args.first() else {
                return;
            };
            let syn::Expr::MethodCall(to_string) = &*reference.expr else {
                return;
            };
            if to_string.method != "to_string" || !to_string.args.is_empty() {
                return;
            }
            let value = &to_string.receiver;
            // Method syntax, so that the value resolves (through `Deref`,
            // for pattern-checked newtypes) exactly as `.to_string()` did.
            *expr = syn::parse_quote!({
                use credential_clients_runtime::path::EncodePath as _;
                #value.path_encoded()
            });
        }

        /// The URL is built in a `format!`, whose arguments syn keeps as
        /// tokens: parse them, rewrite, put them back.
        fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
            if !mac.path.is_ident("format") {
                return;
            }
            let Ok(mut args) =
                mac.parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
            else {
                return;
            };
            for arg in args.iter_mut() {
                self.visit_expr_mut(arg);
            }
            mac.tokens = quote::quote!(#args);
        }
    }
    Rewrite.visit_file_mut(file);
}
