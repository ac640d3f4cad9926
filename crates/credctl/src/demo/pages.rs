//! The demo's paged list mocks: the list operation's 200 example from the
//! spec, served one item per page with the pagination protocol the spec
//! declares (`ApiDescription` data, no provider names): a next URL or a
//! token in the body, or a token in a response header, sent back in the
//! token parameter; a single-page operation gets one response.

use credential_clients::runtime::{NextPage, Pagination};
use httpmock::{Method, MockServer};
use serde_json::Value;

/// Serve `example` (one page of the list operation at `route`, called with
/// the path parameters `params`) as one page per item on `server`. Returns
/// the number of pages.
pub fn serve(
    server: &MockServer,
    route: &str,
    params: &[(String, String)],
    pagination: &Pagination,
    example: &Value,
) -> usize {
    // The route as a regex (each `{parameter}` one segment), as the
    // generated typed mocks match it.
    let path = credential_clients::runtime::mock::template_regex(route)
        .map(|r| r.as_str().to_string())
        .unwrap_or_else(|_| format!("^{}$", route));
    let items = example
        .pointer(pagination.items)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if matches!(pagination.next, NextPage::Single) || items.len() < 2 {
        let body = example.clone();
        server.mock(|when, then| {
            when.method(Method::GET).path_matches(path.as_str());
            then.status(200)
                .header("content-type", "application/json")
                .json_body(body);
        });
        return 1;
    }
    let param = pagination.token_param.unwrap_or("page");
    let token = |page: usize| -> Value {
        // A token of the example's own kind: a page number where the
        // example has a number.
        let numeric = match pagination.next {
            NextPage::Token(ptr) => example.pointer(ptr).is_some_and(Value::is_number),
            _ => false,
        };
        if numeric {
            Value::from(page)
        } else {
            Value::String(format!("demo-page-{page}"))
        }
    };
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    for (i, item) in items.iter().enumerate() {
        let page = i + 1;
        let last = page == items.len();
        let mut body = example.clone();
        if let Some(slot) = body.pointer_mut(pagination.items) {
            *slot = Value::Array(vec![item.clone()]);
        }
        let next = (!last).then(|| token(page + 1));
        let mut header = None;
        match pagination.next {
            NextPage::Url(ptr) => {
                let url = next.as_ref().map(|t| {
                    Value::String(format!(
                        "{}{}?{param}={}",
                        server.base_url(),
                        concrete(route, params),
                        text(t)
                    ))
                });
                set(&mut body, ptr, url);
            }
            NextPage::Token(ptr) => set(&mut body, ptr, next.clone()),
            NextPage::Header(name) => header = next.as_ref().map(|t| (name, text(t))),
            _ => {}
        }
        let this = token(page);
        let path = path.clone();
        server.mock(move |when, then| {
            let when = when.method(Method::GET).path_matches(path.as_str());
            if page == 1 {
                when.query_param_missing(param);
            } else {
                when.query_param(param, text(&this));
            }
            let then = then.status(200).header("content-type", "application/json");
            let then = match &header {
                Some((name, value)) => then.header(*name, value),
                None => then,
            };
            then.json_body(body);
        });
    }
    items.len()
}

fn set(body: &mut Value, ptr: &str, value: Option<Value>) {
    if let Some(slot) = body.pointer_mut(ptr) {
        *slot = value.unwrap_or(Value::Null);
    }
}

/// The route with its path parameters filled in.
fn concrete(route: &str, params: &[(String, String)]) -> String {
    let mut out = route.to_string();
    for (name, value) in params {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}
