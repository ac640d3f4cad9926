//! Paginated operations: `x-credential-clients-pagination` on a GET says
//! where a page's items are and where the next page is. This module checks
//! the extension against the operation (rule `pagination`) and turns it
//! into data (`rt::paginate::Pagination`) and into a `stream()` method on
//! the operation's builder (see [`add_streams`]).
//!
//! The forms (documented in `specs/README.md`):
//! `{items, next-url}` (a next URL in the body, Django REST framework),
//! `{items, next-token, token-param}` (a token or page number in the body),
//! `{items, next-header, token-param}` (a token in a response header), each
//! with an optional `page-size-param`.

use std::path::Path;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::{Map, Value};

use crate::error::{Rule, SpecError};
use crate::spec;

/// The pagination extension.
pub const PAGINATION: &str = "x-credential-clients-pagination";
/// Marks the "list credentials" operation.
pub const LIST: &str = "x-credential-clients-list";

/// Where the next page is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// A URL at this pointer in the body.
    Url(String),
    /// A token at this pointer in the body.
    Token(String),
    /// A token in this response header (lower case).
    Header(String),
    /// No next page: the operation returns the whole collection at once.
    Single,
}

/// One paginated operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paginated {
    /// The operation's method name (snake case, as generated).
    pub op_id: String,
    /// JSON pointer of the operation in the document.
    pub pointer: String,
    /// Pointer to the items in a page.
    pub items: String,
    /// The next page.
    pub next: Next,
    /// Query parameter for the token.
    pub token_param: Option<String>,
    /// Query parameter for the page size.
    pub page_size_param: Option<String>,
    /// Marked `x-credential-clients-list: true`.
    pub marked_list: bool,
}

impl Paginated {
    /// `rt::paginate::Pagination { .. }` (the crate alias `rt` in scope).
    pub fn tokens(&self, rt: &TokenStream) -> TokenStream {
        let items = &self.items;
        let next = match &self.next {
            Next::Url(p) => quote! { #rt::paginate::NextPage::Url(#p) },
            Next::Token(p) => quote! { #rt::paginate::NextPage::Token(#p) },
            Next::Header(h) => quote! { #rt::paginate::NextPage::Header(#h) },
            Next::Single => quote! { #rt::paginate::NextPage::Single },
        };
        let opt = |v: &Option<String>| match v {
            Some(s) => quote! { Some(#s) },
            None => quote! { None },
        };
        let token_param = opt(&self.token_param);
        let page_size_param = opt(&self.page_size_param);
        quote! {
            #rt::paginate::Pagination {
                items: #items,
                next: #next,
                token_param: #token_param,
                page_size_param: #page_size_param,
            }
        }
    }
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Read and check every operation's pagination extension. All problems are
/// returned.
pub fn read(file: &Path, doc: &Value) -> Result<Vec<Paginated>, Vec<SpecError>> {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return Ok(found);
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, op) in item {
            let Some(ext) = op.get(PAGINATION) else {
                if op.get(LIST).is_some() {
                    errors.push(SpecError::new(
                        file,
                        format!("/paths/{}/{method}/{LIST}", escape(path)),
                        Rule::Pagination,
                        format!("only a paginated operation (with `{PAGINATION}`) can be the list operation"),
                    ));
                }
                continue;
            };
            let at = format!("/paths/{}/{method}", escape(path));
            match check(file, doc, item, method, path, op, ext, &at) {
                Ok(p) => found.push(p),
                Err(mut e) => errors.append(&mut e),
            }
        }
    }
    if errors.is_empty() {
        Ok(found)
    } else {
        Err(errors)
    }
}

#[allow(clippy::too_many_arguments)]
fn check(
    file: &Path,
    doc: &Value,
    path_item: &Map<String, Value>,
    method: &str,
    path: &str,
    op: &Value,
    ext: &Value,
    at: &str,
) -> Result<Paginated, Vec<SpecError>> {
    let mut errors = Vec::new();
    let ext_at = format!("{at}/{PAGINATION}");
    let mut err = |ptr: String, msg: String| {
        errors.push(SpecError::new(file, ptr, Rule::Pagination, msg));
    };
    let marked_list = match op.get(LIST) {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            err(format!("{at}/{LIST}"), "must be `true` or `false`".into());
            false
        }
    };
    if method != "get" {
        err(
            ext_at.clone(),
            format!(
                "only a GET can page; this is a {}",
                method.to_ascii_uppercase()
            ),
        );
    }
    let Some(ext) = ext.as_object() else {
        err(
            ext_at,
            "must be a mapping: `{items, next-url | next-token | next-header, token-param, page-size-param}`"
                .into(),
        );
        return Err(errors);
    };
    for key in ext.keys() {
        if !matches!(
            key.as_str(),
            "items" | "next-url" | "next-token" | "next-header" | "token-param" | "page-size-param"
        ) {
            err(
                format!("{ext_at}/{}", escape(key)),
                format!(
                    "unknown key `{key}` (known: items, next-url, next-token, next-header, \
                     token-param, page-size-param)"
                ),
            );
        }
    }
    let string = |key: &str, err: &mut dyn FnMut(String, String)| match ext.get(key) {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            err(format!("{ext_at}/{key}"), "must be a string".into());
            None
        }
    };
    let items = string("items", &mut err);
    let next_url = string("next-url", &mut err);
    let next_token = string("next-token", &mut err);
    let next_header = string("next-header", &mut err);
    let token_param = string("token-param", &mut err);
    let page_size_param = string("page-size-param", &mut err);

    let page = success_schema(doc, op);
    if page.is_none() {
        err(
            format!("{at}/responses"),
            "a paginated operation needs a 200 (or other 2xx) response with a JSON body".into(),
        );
    }
    let pointer_ok = |p: &str| p.is_empty() || p.starts_with('/');

    match &items {
        None => err(
            ext_at.clone(),
            "`items` (a JSON pointer to the array of items; \"\" for the body itself) is required"
                .into(),
        ),
        Some(p) if !pointer_ok(p) => err(
            format!("{ext_at}/items"),
            format!("`{p}` is not a JSON pointer (it starts with `/`, or is \"\")"),
        ),
        Some(p) => {
            if let Some(page) = page {
                match schema_at(doc, page, p) {
                    Some(s) if schema_type(doc, s) == Some("array") => {}
                    Some(_) => err(
                        format!("{ext_at}/items"),
                        format!("`{p}` is not an array in the response schema"),
                    ),
                    None => err(
                        format!("{ext_at}/items"),
                        format!("`{p}` names no property of the response schema"),
                    ),
                }
            }
        }
    }

    let next = match (next_url, next_token, next_header) {
        (Some(p), None, None) => Some(Next::Url(p)),
        (None, Some(p), None) => Some(Next::Token(p)),
        (None, None, Some(h)) => Some(Next::Header(h.to_ascii_lowercase())),
        (None, None, None) => Some(Next::Single),
        _ => {
            err(
                ext_at.clone(),
                "at most one of `next-url`, `next-token` and `next-header` says where the next \
                 page is (none: the operation returns the whole collection at once)"
                    .into(),
            );
            None
        }
    };
    match &next {
        Some(Next::Url(p) | Next::Token(p)) => {
            let key = if matches!(next, Some(Next::Url(_))) {
                "next-url"
            } else {
                "next-token"
            };
            if p.is_empty() || !p.starts_with('/') {
                err(
                    format!("{ext_at}/{key}"),
                    format!("`{p}` is not a JSON pointer into the body (it starts with `/`)"),
                );
            } else if let Some(page) = page {
                match schema_at(doc, page, p).map(|s| schema_type(doc, s)) {
                    Some(Some("string" | "integer")) => {}
                    Some(Some(t)) => err(
                        format!("{ext_at}/{key}"),
                        format!(
                            "`{p}` is a {t} in the response schema; a next link is a string or integer"
                        ),
                    ),
                    Some(None) => err(
                        format!("{ext_at}/{key}"),
                        format!("`{p}` has no `type` in the response schema"),
                    ),
                    None => err(
                        format!("{ext_at}/{key}"),
                        format!("`{p}` names no property of the response schema"),
                    ),
                }
            }
        }
        Some(Next::Single) => {
            if token_param.is_some() {
                err(
                    format!("{ext_at}/token-param"),
                    "a single-page operation has no next-page token".into(),
                );
            }
        }
        Some(Next::Header(h)) => {
            if h.is_empty()
                || !h
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b))
            {
                err(
                    format!("{ext_at}/next-header"),
                    format!("`{h}` is not a header name"),
                );
            }
        }
        None => {}
    }

    let query = query_parameters(doc, path_item, op);
    let needs_token = matches!(next, Some(Next::Token(_) | Next::Header(_)));
    match &token_param {
        None if needs_token => err(
            ext_at.clone(),
            "`token-param` (the query parameter that sends the token back) is required with \
             `next-token` and `next-header`"
                .into(),
        ),
        Some(p) if !query.contains(p) => err(
            format!("{ext_at}/token-param"),
            format!("`{p}` is not a query parameter of this operation"),
        ),
        _ => {}
    }
    if let Some(p) = &page_size_param
        && !query.contains(p)
    {
        err(
            format!("{ext_at}/page-size-param"),
            format!("`{p}` is not a query parameter of this operation"),
        );
    }

    match (items, next) {
        (Some(items), Some(next)) if errors.is_empty() => Ok(Paginated {
            op_id: spec::method_name(op, method, path),
            pointer: at.to_string(),
            items,
            next,
            token_param,
            page_size_param,
            marked_list,
        }),
        _ => Err(errors),
    }
}

/// The JSON schema of the operation's 200 (else first 2xx) response.
fn success_schema<'a>(doc: &'a Value, op: &'a Value) -> Option<&'a Value> {
    let responses = op.get("responses")?.as_object()?;
    let response = responses
        .get("200")
        .or_else(|| {
            responses
                .iter()
                .find(|(s, _)| s.starts_with('2'))
                .map(|(_, r)| r)
        })
        .map(|r| spec::resolve(doc, r))?;
    let content = response.get("content")?.as_object()?;
    let (_, media) = content
        .iter()
        .find(|(mt, _)| spec::is_json_media_type(mt))?;
    media.get("schema").map(|s| spec::resolve(doc, s))
}

/// The schema at a JSON pointer into instances of `schema` (through
/// `$ref`s and `allOf` branches).
fn schema_at<'a>(doc: &'a Value, schema: &'a Value, pointer: &str) -> Option<&'a Value> {
    let mut s = spec::resolve(doc, schema);
    if pointer.is_empty() {
        return Some(s);
    }
    for raw in pointer[1..].split('/') {
        let name = raw.replace("~1", "/").replace("~0", "~");
        s = property(doc, s, &name)?;
    }
    Some(s)
}

fn property<'a>(doc: &'a Value, schema: &'a Value, name: &str) -> Option<&'a Value> {
    let schema = spec::resolve(doc, schema);
    if let Some(p) = schema.get("properties").and_then(|p| p.get(name)) {
        return Some(spec::resolve(doc, p));
    }
    schema
        .get("allOf")
        .and_then(Value::as_array)?
        .iter()
        .find_map(|branch| property(doc, branch, name))
}

fn schema_type<'a>(doc: &'a Value, schema: &'a Value) -> Option<&'a str> {
    let schema = spec::resolve(doc, schema);
    schema.get("type").and_then(Value::as_str).or_else(|| {
        schema
            .get("allOf")?
            .as_array()?
            .iter()
            .find_map(|b| schema_type(doc, b))
    })
}

fn query_parameters(doc: &Value, path_item: &Map<String, Value>, op: &Value) -> Vec<String> {
    let lists = [path_item.get("parameters"), op.get("parameters")];
    lists
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
        .map(|p| spec::resolve(doc, p))
        .filter(|p| p.get("in").and_then(Value::as_str) == Some("query"))
        .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_string))
        .collect()
}

/// The "list credentials" operation: the one marked
/// `x-credential-clients-list: true`, else the only paginated one, else the
/// paginated `list_credentials`.
pub fn list_operation<'a>(
    file: &Path,
    ops: &'a [Paginated],
) -> Result<Option<&'a Paginated>, SpecError> {
    let marked: Vec<&Paginated> = ops.iter().filter(|p| p.marked_list).collect();
    match marked.as_slice() {
        [one] => return Ok(Some(one)),
        [_, second, ..] => {
            return Err(SpecError::new(
                file,
                format!("{}/{LIST}", second.pointer),
                Rule::Pagination,
                format!("more than one operation is marked `{LIST}: true`"),
            ));
        }
        [] => {}
    }
    Ok(match ops {
        [one] => Some(one),
        _ => ops.iter().find(|p| p.op_id == "list_credentials"),
    })
}

/// Add to each paginated operation's builder (in progenitor's `builder`
/// module): `into_request` (the first half of `send`: the request as
/// built), `execute_page` (the second half, decoding a 2xx body as
/// `serde_json::Value`), `send` rewritten as the two halves, and
/// `stream()`, which returns an `rt::paginate::Listing` of the page's item
/// type. Returns each operation's item and error types, for the CLI.
pub fn add_streams(file: &mut syn::File, ops: &[Paginated]) -> Result<Vec<Stream>, String> {
    if ops.is_empty() {
        return Ok(Vec::new());
    }
    let types = file
        .items
        .iter()
        .find_map(|i| match i {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, c)| c.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let builder = file
        .items
        .iter_mut()
        .find_map(|i| match i {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|(_, c)| c),
            _ => None,
        })
        .ok_or("progenitor's output has no `builder` module")?;
    let mut streams = Vec::new();
    for p in ops {
        let imp = builder
            .iter_mut()
            .find_map(|i| match i {
                syn::Item::Impl(imp)
                    if send_of(imp).is_some_and(|s| operation_id(s) == Some(p.op_id.clone())) =>
                {
                    Some(imp)
                }
                _ => None,
            })
            .ok_or_else(|| format!("no builder with a `send` for `{}`", p.op_id))?;
        streams.push(rewrite_builder(imp, p, &types)?);
    }
    Ok(streams)
}

/// What [`add_streams`] made for one operation.
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
pub fn add_cli_streams(file: &mut syn::File, streams: &[Stream]) -> Result<(), String> {
    let rt = quote! { credential_clients_runtime };
    for item in &mut file.items {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(ext: Value, params: Value) -> Value {
        json!({
            "openapi": "3.0.3",
            "paths": {"/things": {"get": {
                "operationId": "list_things",
                "parameters": params,
                "x-credential-clients-pagination": ext,
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/Page"
                }}}}}
            }}},
            "components": {"schemas": {
                "Page": {"type": "object", "allOf": [{"$ref": "#/components/schemas/Meta"}], "properties": {
                    "results": {"type": "array", "items": {"type": "object"}},
                    "next": {"type": "string", "nullable": true}
                }},
                "Meta": {"type": "object", "properties": {"meta": {"type": "object", "properties": {
                    "next_page_number": {"type": "integer"}, "count": {"type": "object"}
                }}}}
            }}
        })
    }

    fn query(names: &[&str]) -> Value {
        Value::Array(
            names
                .iter()
                .map(|n| json!({"name": n, "in": "query", "schema": {"type": "string"}}))
                .collect(),
        )
    }

    #[test]
    fn every_form_is_read() {
        let d = doc(
            json!({"items": "/results", "next-url": "/next", "page-size-param": "page_size"}),
            query(&["page_size"]),
        );
        let p = read(Path::new("s.yaml"), &d).unwrap();
        assert_eq!(p[0].next, Next::Url("/next".into()));
        assert_eq!(p[0].page_size_param.as_deref(), Some("page_size"));
        assert_eq!(p[0].op_id, "list_things");

        let d = doc(
            json!({"items": "/results", "next-token": "/meta/next_page_number", "token-param": "page"}),
            query(&["page"]),
        );
        assert_eq!(
            read(Path::new("s.yaml"), &d).unwrap()[0].next,
            Next::Token("/meta/next_page_number".into())
        );
        let d = doc(
            json!({"items": "/results", "next-header": "Opc-Next-Page", "token-param": "page"}),
            query(&["page"]),
        );
        assert_eq!(
            read(Path::new("s.yaml"), &d).unwrap()[0].next,
            Next::Header("opc-next-page".into())
        );
        let d = doc(json!({"items": "/results"}), query(&[]));
        assert_eq!(read(Path::new("s.yaml"), &d).unwrap()[0].next, Next::Single);
    }

    #[test]
    fn mistakes_name_the_pointer() {
        let cases = [
            (
                json!({"next-url": "/next"}),
                "/x-credential-clients-pagination",
                "`items`",
            ),
            (
                json!({"items": "/next", "next-url": "/next"}),
                "/items",
                "not an array",
            ),
            (
                json!({"items": "/nope", "next-url": "/next"}),
                "/items",
                "names no property",
            ),
            (
                json!({"items": "results", "next-url": "/next"}),
                "/items",
                "not a JSON pointer",
            ),
            (
                json!({"items": "/results", "token-param": "page"}),
                "/token-param",
                "single-page",
            ),
            (
                json!({"items": "/results", "next-url": "/next", "next-token": "/next"}),
                "/x-credential-clients-pagination",
                "at most one",
            ),
            (
                json!({"items": "/results", "next-url": "/meta/count"}),
                "/next-url",
                "is a object",
            ),
            (
                json!({"items": "/results", "next-token": "/next"}),
                "/x-credential-clients-pagination",
                "`token-param`",
            ),
            (
                json!({"items": "/results", "next-token": "/next", "token-param": "cursor"}),
                "/token-param",
                "not a query parameter",
            ),
            (
                json!({"items": "/results", "next-url": "/next", "page-size-param": "n"}),
                "/page-size-param",
                "not a query parameter",
            ),
            (
                json!({"items": "/results", "next-url": "/next", "extra": 1}),
                "/extra",
                "unknown key",
            ),
            (
                json!("yes"),
                "/x-credential-clients-pagination",
                "must be a mapping",
            ),
        ];
        for (ext, ptr, msg) in cases {
            let errors =
                read(Path::new("s.yaml"), &doc(ext.clone(), query(&["page"]))).unwrap_err();
            assert!(
                errors.iter().any(|e| e.rule == Rule::Pagination
                    && e.pointer.ends_with(ptr)
                    && e.message.contains(msg)),
                "{ext}: {errors:?}"
            );
        }
    }

    #[test]
    fn the_list_operation_is_marked_or_the_only_one() {
        let p = |id: &str, marked| Paginated {
            op_id: id.into(),
            pointer: format!("/paths/~1{id}/get"),
            items: "".into(),
            next: Next::Url("/next".into()),
            token_param: None,
            page_size_param: None,
            marked_list: marked,
        };
        let f = Path::new("s.yaml");
        assert_eq!(
            list_operation(f, &[p("a", false)]).unwrap().unwrap().op_id,
            "a"
        );
        assert_eq!(
            list_operation(f, &[p("a", false), p("b", true)])
                .unwrap()
                .unwrap()
                .op_id,
            "b"
        );
        assert!(
            list_operation(f, &[p("a", false), p("b", false)])
                .unwrap()
                .is_none()
        );
        assert_eq!(
            list_operation(f, &[p("a", false), p("list_credentials", false)])
                .unwrap()
                .unwrap()
                .op_id,
            "list_credentials"
        );
        assert!(list_operation(f, &[p("a", true), p("b", true)]).is_err());
    }
}
