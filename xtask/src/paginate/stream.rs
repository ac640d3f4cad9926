//! The generated code of paginated operations: `stream()` on each
//! builder (a syn rewrite of progenitor's output) and the CLI that lists
//! every page.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Next, Paginated};

/// Adds to each paginated operation's builder (in progenitor's `builder`
/// module): `into_request` (the first half of `send`: the request as
/// built), `execute_page` (the second half, decoding a 2xx body as
/// `serde_json::Value`), `send` rewritten as the two halves, and
/// `stream()`, which returns an `rt::paginate::Listing` of the page's item
/// type. [`StreamRewriter::finish`] returns each operation's item and
/// error types, for the CLI.
///
/// It works while the client is rendered item by item (`crate::items`):
/// it is shown the items of progenitor's `types` module (which comes
/// first) and rewrites the builders it is shown of the `builder` module.
pub struct StreamRewriter<'a> {
    ops: &'a [Paginated],
    /// What the item types are looked up in: the structs of `types` (fields
    /// only) and the names of its enums and aliases.
    types: Vec<syn::Item>,
    streams: Vec<Stream>,
}

impl<'a> StreamRewriter<'a> {
    pub fn new(ops: &'a [Paginated]) -> Self {
        Self {
            ops,
            types: Vec::new(),
            streams: Vec::new(),
        }
    }

    /// Whether [`Self::see_type`] needs the struct, enum and type items of
    /// the `types` module (only when some operation is paginated).
    pub fn sees_types(&self) -> bool {
        !self.ops.is_empty()
    }

    /// An item of the `types` module.
    pub fn see_type(&mut self, item: &syn::Item) {
        if self.ops.is_empty() {
            return;
        }
        let skeleton = match item {
            syn::Item::Struct(s) => syn::Item::Struct(syn::ItemStruct {
                attrs: Vec::new(),
                ..s.clone()
            }),
            syn::Item::Enum(e) => syn::Item::Enum(syn::ItemEnum {
                attrs: Vec::new(),
                variants: Default::default(),
                ..e.clone()
            }),
            syn::Item::Type(t) => syn::Item::Type(t.clone()),
            _ => return,
        };
        self.types.push(skeleton);
    }

    /// An item of the `builder` module: a paginated operation's builder
    /// gets its stream.
    pub fn rewrite_builder(&mut self, item: &mut syn::Item) -> Result<(), String> {
        let syn::Item::Impl(imp) = item else {
            return Ok(());
        };
        let Some(op_id) = send_of(imp).and_then(operation_id) else {
            return Ok(());
        };
        let Some(p) = self.ops.iter().find(|p| p.op_id == op_id) else {
            return Ok(());
        };
        if self.streams.iter().any(|s| s.op_id == op_id) {
            return Err(format!("two builders with a `send` for `{op_id}`"));
        }
        let stream = rewrite_builder(imp, p, &self.types)?;
        self.streams.push(stream);
        Ok(())
    }

    /// The streams, in the order of the operations; an operation whose
    /// builder was not seen is an error.
    pub fn finish(mut self) -> Result<Vec<Stream>, String> {
        let mut streams = Vec::new();
        for p in self.ops {
            let at = self
                .streams
                .iter()
                .position(|s| s.op_id == p.op_id)
                .ok_or_else(|| format!("no builder with a `send` for `{}`", p.op_id))?;
            streams.push(self.streams.swap_remove(at));
        }
        Ok(streams)
    }
}

/// What [`StreamRewriter`] made for one operation.
#[derive(Clone)]
pub struct Stream {
    /// The operation.
    pub op_id: String,
    /// The item type (`types::CredentialSummary`).
    pub item: syn::Type,
    /// The error body type.
    pub error: syn::Type,
}

/// In progenitor's generated CLI: each paginated operation's `execute_*`
/// lists every item through `stream()` (`list_start`, `list_item` per
/// item as pages arrive, `list_end_success` or `list_end_error`) instead
/// of printing one page, and `CliConfig` gains `list_options`, where a
/// tool sets the item limit from its own arguments, and `list_progress`
/// (both with defaults, in every CLI, so tools compile against any spec).
/// Applied to each item of the CLI.
pub fn add_cli_streams(item: &mut syn::Item, streams: &[Stream]) -> Result<(), String> {
    let rt = quote! { credential_clients_runtime };
    {
        match item {
            syn::Item::Impl(imp) if is_type(&imp.self_ty, "Cli") => {
                for s in streams {
                    let name = format_ident!("execute_{}", s.op_id);
                    let f = imp
                        .items
                        .iter_mut()
                        .find_map(|i| match i {
                            syn::ImplItem::Fn(f) if f.sig.ident == name => Some(f),
                            _ => None,
                        })
                        .ok_or_else(|| format!("the CLI has no `{name}`"))?;
                    let at = f
                        .block
                        .stmts
                        .iter()
                        .position(|s| matches!(s, syn::Stmt::Local(l) if matches!(&l.pat, syn::Pat::Ident(i) if i.ident == "result")))
                        .ok_or_else(|| format!("`{name}` has no `let result`"))?;
                    let item_ty = &s.item;
                    let err_ty = &s.error;
                    let body: syn::Block = syn::parse2(quote! {{
                        let mut listing = self.config.list_options(matches, request.stream());
                        self.config.list_start::<#item_ty>();
                        loop {
                            match listing.try_next().await {
                                Ok(Some(item)) => {
                                    self.config.list_item(&item);
                                    self.config.list_progress(listing.pages());
                                }
                                Ok(None) => {
                                    self.config.list_end_success::<#item_ty>();
                                    return Ok(());
                                }
                                Err(e) => {
                                    let error: Error<#err_ty> = e.into_error();
                                    self.config.list_end_error(&error);
                                    return Err(anyhow::Error::new(error));
                                }
                            }
                        }
                    }})
                    .map_err(|e| e.to_string())?;
                    f.block.stmts.truncate(at);
                    f.block.stmts.extend(body.stmts);
                }
            }
            syn::Item::Trait(t) if t.ident == "CliConfig" => {
                let method: syn::TraitItem = syn::parse2(quote! {
                    /// Adjust a listing before it starts (page size, item
                    /// limit from the tool's own arguments).
                    fn list_options<'a, I, E>(
                        &self,
                        _matches: &::clap::ArgMatches,
                        listing: #rt::paginate::Listing<'a, I, E>,
                    ) -> #rt::paginate::Listing<'a, I, E> {
                        listing
                    }
                })
                .map_err(|e| e.to_string())?;
                t.items.push(method);
                let method: syn::TraitItem = syn::parse2(quote! {
                    /// Called after each listed item with the pages
                    /// requested so far (progress display).
                    fn list_progress(&self, _pages: u32) {}
                })
                .map_err(|e| e.to_string())?;
                t.items.push(method);
            }
            _ => {}
        }
    }
    Ok(())
}

fn is_type(ty: &syn::Type, name: &str) -> bool {
    matches!(ty, syn::Type::Path(tp) if tp.path.segments.last().is_some_and(|s| s.ident == name))
}

fn send_of(imp: &syn::ItemImpl) -> Option<&syn::ImplItemFn> {
    imp.items.iter().find_map(|i| match i {
        syn::ImplItem::Fn(f) if f.sig.ident == "send" => Some(f),
        _ => None,
    })
}

/// The `operation_id: "..."` of the `OperationInfo` in `send`.
fn operation_id(send: &syn::ImplItemFn) -> Option<String> {
    send.block.stmts.iter().find_map(|s| {
        let syn::Stmt::Local(local) = s else {
            return None;
        };
        let syn::Expr::Struct(st) = &*local.init.as_ref()?.expr else {
            return None;
        };
        if !st.path.is_ident("OperationInfo") {
            return None;
        }
        st.fields.iter().find_map(|f| match (&f.member, &f.expr) {
            (
                syn::Member::Named(n),
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }),
            ) if n == "operation_id" => Some(s.value()),
            _ => None,
        })
    })
}

fn rewrite_builder(
    imp: &mut syn::ItemImpl,
    p: &Paginated,
    types: &[syn::Item],
) -> Result<Stream, String> {
    let send = send_of(imp).ok_or("no send")?.clone();
    let (ok_ty, err_ty) = send_types(&send.sig.output)
        .ok_or_else(|| format!("`{}`: unexpected `send` signature", p.op_id))?;
    let item_ty = item_type(&ok_ty, &p.items, types).ok_or_else(|| {
        format!(
            "`{}`: no array of items at `{}` in the generated response type",
            p.op_id, p.items
        )
    })?;
    let split = send
        .block
        .stmts
        .iter()
        .position(|s| matches!(s, syn::Stmt::Local(l) if matches!(&l.pat, syn::Pat::Ident(i) if i.ident == "info")))
        .ok_or_else(|| format!("`{}`: `send` has no `let info`", p.op_id))?;
    let (head, tail) = send.block.stmts.split_at(split);
    let rt = quote! { credential_clients_runtime };
    let pagination = p.tokens(&rt);
    let describe = match &p.next {
        Next::Url(ptr) => format!("the next-page URL at `{ptr}` in each page"),
        Next::Token(ptr) => format!(
            "the token at `{ptr}` in each page, sent back as `{}`",
            p.token_param.as_deref().unwrap_or_default()
        ),
        Next::Header(h) => format!(
            "the `{h}` response header, sent back as `{}`",
            p.token_param.as_deref().unwrap_or_default()
        ),
        Next::Single => "none: the operation returns every item at once".to_string(),
    };
    let items_at = if p.items.is_empty() {
        "each page (the body is the array)".to_string()
    } else {
        format!("`{}` of each page", p.items)
    };
    let stream_doc = format!(
        "Every item of [`Client::{op}`](super::Client::{op}) across all pages: the items \
         are {items_at}, the next page is {describe}. Each page request goes through the \
         client's authentication, retries and limits.\n\n\
         Set `.page_size(n)`, `.limit(n)` (items) and `.max_pages(n)` on the returned \
         [`Listing`]({rt}::paginate::Listing) before reading it; it is a `Stream` and has \
         `try_next()` and `collect_all()`. A server whose pages loop, that links to another \
         origin or sends more than `max_pages` pages ends the listing with a typed \
         `PageError`.",
        op = p.op_id,
        rt = "credential_clients_runtime",
    );
    let into_request: syn::ImplItem = syn::parse2(quote! {
        /// The request `send` would send (before the client's hooks run).
        fn into_request(self) -> Result<(&'a super::Client, reqwest::Request), Error<#err_ty>> {
            #(#head)*
            Ok((client, request))
        }
    })
    .map_err(|e| e.to_string())?;
    let execute_page: syn::ImplItem = syn::parse2(quote! {
        /// Send one page request through the client's hooks; a 2xx body is
        /// returned as JSON for the listing to take apart.
        async fn execute_page(
            client: &'a super::Client,
            mut request: reqwest::Request,
        ) -> Result<ResponseValue<::serde_json::Value>, Error<#err_ty>> {
            #(#tail)*
        }
    })
    .map_err(|e| e.to_string())?;
    let send_fn: syn::ImplItem = {
        let attrs = &send.attrs;
        let vis = &send.vis;
        let sig = &send.sig;
        syn::parse2(quote! {
            #(#attrs)*
            #vis #sig {
                #[allow(unused_mut)]
                let (client, mut request) = self.into_request()?;
                #(#tail)*
            }
        })
        .map_err(|e| e.to_string())?
    };
    let static_name = format_ident!("PAGINATION");
    let stream: syn::ImplItem = syn::parse2(quote! {
        #[doc = #stream_doc]
        pub fn stream(self) -> #rt::paginate::Listing<'a, #item_ty, #err_ty> {
            static #static_name: #rt::paginate::Pagination = #pagination;
            let first = self.into_request().map(|(client, request)| {
                let fetch: #rt::paginate::FetchPage<'a, #err_ty> =
                    Box::new(move |request| Box::pin(Self::execute_page(client, request)));
                (request, fetch)
            });
            #rt::paginate::Listing::new(&#static_name, first)
        }
    })
    .map_err(|e| e.to_string())?;
    let at = imp
        .items
        .iter()
        .position(|i| matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "send"))
        .expect("send exists");
    imp.items[at] = send_fn;
    imp.items.insert(at, into_request);
    imp.items.push(execute_page);
    imp.items.push(stream);
    Ok(Stream {
        op_id: p.op_id.clone(),
        item: item_ty,
        error: err_ty,
    })
}

/// `Result<ResponseValue<T>, Error<E>>` -> (T, E).
fn send_types(output: &syn::ReturnType) -> Option<(syn::Type, syn::Type)> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let args = generic_args(ty, "Result")?;
    let [ok, err] = args.as_slice() else {
        return None;
    };
    let t = generic_args(ok, "ResponseValue")?.into_iter().next()?;
    let e = generic_args(err, "Error")?.into_iter().next()?;
    Some((t, e))
}

fn generic_args(ty: &syn::Type, name: &str) -> Option<Vec<syn::Type>> {
    let syn::Type::Path(tp) = ty else {
        return None;
    };
    let last = tp.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    Some(
        args.args
            .iter()
            .filter_map(|a| match a {
                syn::GenericArgument::Type(t) => Some(t.clone()),
                _ => None,
            })
            .collect(),
    )
}

/// The element type of the array at `pointer` in the page type `page`,
/// following struct fields (by their JSON names) through `types`.
fn item_type(page: &syn::Type, pointer: &str, types: &[syn::Item]) -> Option<syn::Type> {
    let mut ty = unwrap_wrappers(page);
    if !pointer.is_empty() {
        for raw in pointer[1..].split('/') {
            let name = raw.replace("~1", "/").replace("~0", "~");
            let fields = struct_fields(&ty, types)?;
            let field = fields
                .iter()
                .find(|f| json_name(f).as_deref() == Some(&name))?;
            ty = unwrap_wrappers(&field.ty);
        }
    }
    let item = if let Some(args) = generic_args(&ty, "Vec") {
        args.into_iter().next()
    } else {
        // A newtype around the array (`pub struct Page(pub Vec<Item>)`).
        let fields = struct_fields(&ty, types)?;
        match fields.as_slice() {
            [only] if only.ident.is_none() => generic_args(&unwrap_wrappers(&only.ty), "Vec")?
                .into_iter()
                .next(),
            _ => None,
        }
    };
    // Field types are written from inside `types`; the page type already
    // from outside (qualifying twice changes nothing: `types::X` starts
    // with `types`, which is no type of the module).
    item.map(|t| qualify(t, types))
}

/// Paths to types of progenitor's `types` module written from inside it
/// (`Credential`) as seen from outside (`types::Credential`).
fn qualify(mut ty: syn::Type, types: &[syn::Item]) -> syn::Type {
    use syn::visit_mut::VisitMut;
    struct Q<'a>(&'a [syn::Item]);
    impl VisitMut for Q<'_> {
        fn visit_type_path_mut(&mut self, tp: &mut syn::TypePath) {
            syn::visit_mut::visit_type_path_mut(self, tp);
            if tp.qself.is_some() || tp.path.leading_colon.is_some() {
                return;
            }
            let Some(first) = tp.path.segments.first() else {
                return;
            };
            let local = self.0.iter().any(|i| match i {
                syn::Item::Struct(s) => s.ident == first.ident,
                syn::Item::Enum(e) => e.ident == first.ident,
                syn::Item::Type(t) => t.ident == first.ident,
                _ => false,
            });
            if local {
                tp.path.segments.insert(0, syn::parse_quote!(types));
            }
        }
    }
    Q(types).visit_type_mut(&mut ty);
    ty
}

/// `Option<T>`, `Box<T>` -> `T`.
fn unwrap_wrappers(ty: &syn::Type) -> syn::Type {
    let mut ty = ty.clone();
    loop {
        let inner = generic_args(&ty, "Option")
            .or_else(|| generic_args(&ty, "Box"))
            .and_then(|a| a.into_iter().next());
        match inner {
            Some(t) => ty = t,
            None => return ty,
        }
    }
}

/// The fields of the struct a `types::Name` (or `Name`) path names.
fn struct_fields(ty: &syn::Type, types: &[syn::Item]) -> Option<Vec<syn::Field>> {
    let syn::Type::Path(tp) = ty else {
        return None;
    };
    let name = &tp.path.segments.last()?.ident;
    types.iter().find_map(|i| match i {
        syn::Item::Struct(s) if &s.ident == name => Some(s.fields.iter().cloned().collect()),
        _ => None,
    })
}

/// A field's JSON name: its `#[serde(rename = "..")]`, else its identifier
/// (without a raw `r#`).
fn json_name(field: &syn::Field) -> Option<String> {
    for attr in &field.attrs {
        if !attr.path().is_ident("serde") {
            continue;
        }
        let mut renamed = None;
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let s: syn::LitStr = meta.value()?.parse()?;
                renamed = Some(s.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            } else if meta.input.peek(syn::token::Paren) {
                let _content;
                syn::parenthesized!(_content in meta.input);
                let _: TokenStream = _content.parse()?;
            }
            Ok(())
        });
        if renamed.is_some() {
            return renamed;
        }
    }
    field
        .ident
        .as_ref()
        .map(|i| i.to_string().trim_start_matches("r#").to_string())
}
