//! Paginated operations: `x-credential-clients-pagination` on a GET says
//! where a page's items are and where the next page is. This module checks
//! the extension against the operation (rule `pagination`) and turns it
//! into data (`rt::paginate::Pagination`) and into a `stream()` method on
//! the operation's builder (see [`StreamRewriter`]).
//!
//! The forms (documented in `specs/README.md`):
//! `{items, next-url}` (a next URL in the body, Django REST framework),
//! `{items, next-token, token-param}` (a token or page number in the body),
//! `{items, next-header, token-param}` (a token in a response header), each
//! with an optional `page-size-param`.

use std::path::Path;

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{Map, Value};

use crate::document;
use crate::error::{Rule, SpecError};

mod stream;

pub use stream::{Stream, StreamRewriter, add_cli_streams};

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
                        format!("/paths/{}/{method}/{LIST}", crate::error::escape_pointer_token(path)),
                        Rule::Pagination,
                        format!("only a paginated operation (with `{PAGINATION}`) can be the list operation"),
                    ));
                }
                continue;
            };
            let at = format!(
                "/paths/{}/{method}",
                crate::error::escape_pointer_token(path)
            );
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
                format!("{ext_at}/{}", crate::error::escape_pointer_token(key)),
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
        Some(Next::Single) if token_param.is_some() => err(
            format!("{ext_at}/token-param"),
            "a single-page operation has no next-page token".into(),
        ),
        Some(Next::Header(h))
            if h.is_empty()
                || !h
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b)) =>
        {
            err(
                format!("{ext_at}/next-header"),
                format!("`{h}` is not a header name"),
            );
        }
        Some(Next::Single | Next::Header(_)) | None => {}
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
            op_id: document::method_name(op, method, path),
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
        .map(|r| document::resolve(doc, r))?;
    let content = response.get("content")?.as_object()?;
    let (_, media) = content
        .iter()
        .find(|(mt, _)| document::is_json_media_type(mt))?;
    media.get("schema").map(|s| document::resolve(doc, s))
}

/// The schema at a JSON pointer into instances of `schema` (through
/// `$ref`s and `allOf` branches).
fn schema_at<'a>(doc: &'a Value, schema: &'a Value, pointer: &str) -> Option<&'a Value> {
    let mut s = document::resolve(doc, schema);
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
    let schema = document::resolve(doc, schema);
    if let Some(p) = schema.get("properties").and_then(|p| p.get(name)) {
        return Some(document::resolve(doc, p));
    }
    schema
        .get("allOf")
        .and_then(Value::as_array)?
        .iter()
        .find_map(|branch| property(doc, branch, name))
}

fn schema_type<'a>(doc: &'a Value, schema: &'a Value) -> Option<&'a str> {
    let schema = document::resolve(doc, schema);
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
        .map(|p| document::resolve(doc, p))
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
