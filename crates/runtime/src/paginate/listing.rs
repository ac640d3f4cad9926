//! [`Listing`]: the stream of items across pages and its state machine.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use progenitor_client::{Error, ResponseValue};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{DEFAULT_MAX_PAGES, NextPage, PageError, Pagination};

/// The future of one page request.
pub type PageFuture<'a, E> =
    Pin<Box<dyn Future<Output = Result<ResponseValue<Value>, Error<E>>> + Send + 'a>>;

/// Sends one page request through the client's hooks.
pub type FetchPage<'a, E> = Box<dyn Fn(reqwest::Request) -> PageFuture<'a, E> + Send + Sync + 'a>;

/// The items of a paginated operation across all its pages: a
/// [`futures_core::Stream`] of `Result<I, PageError<E>>`, also usable
/// without a futures crate through [`Listing::try_next`] and
/// [`Listing::collect_all`].
///
/// Options ([`page_size`](Self::page_size), [`limit`](Self::limit),
/// [`max_pages`](Self::max_pages), [`query`](Self::query)) are set before
/// the first item is asked for. After an error the listing ends.
pub struct Listing<'a, I, E> {
    state: Option<State<'a, I, E>>,
    in_flight: Option<NextFuture<'a, I, E>>,
}

type NextFuture<'a, I, E> =
    Pin<Box<dyn Future<Output = (State<'a, I, E>, Option<Result<I, PageError<E>>>)> + Send + 'a>>;

struct State<'a, I, E> {
    pagination: &'static Pagination,
    fetch: Option<FetchPage<'a, E>>,
    /// The first request, as built (before the hooks); later pages are
    /// copies of it with another URL.
    template: Option<reqwest::Request>,
    next: Option<reqwest::Request>,
    first_error: Option<Error<E>>,
    /// The error that ends the listing once the items before it are out.
    pending: Option<PageError<E>>,
    buffer: VecDeque<I>,
    seen: HashSet<String>,
    pages: u32,
    yielded: u64,
    limit: Option<u64>,
    max_pages: u32,
    done: bool,
}

impl<I, E> fmt::Debug for Listing<'_, I, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Listing");
        if let Some(s) = &self.state {
            d.field("pagination", s.pagination)
                .field("pages", &s.pages)
                .field("items", &s.yielded)
                .field("limit", &s.limit)
                .field("max_pages", &s.max_pages)
                .field("done", &s.done);
        }
        d.finish_non_exhaustive()
    }
}

impl<'a, I, E> Listing<'a, I, E> {
    /// A listing that starts with `first`: the operation's request as its
    /// builder made it and the function that sends a page request through
    /// the client's hooks, or the error the builder could not make the
    /// request with (the listing yields it). Generated `stream()` methods
    /// call this.
    pub fn new(
        pagination: &'static Pagination,
        first: Result<(reqwest::Request, FetchPage<'a, E>), Error<E>>,
    ) -> Self {
        let (template, fetch, first_error) = match first {
            Ok((request, fetch)) => (Some(request), Some(fetch), None),
            Err(e) => (None, None, Some(e)),
        };
        Self {
            state: Some(State {
                pagination,
                fetch,
                template,
                next: None,
                first_error,
                pending: None,
                buffer: VecDeque::new(),
                seen: HashSet::new(),
                pages: 0,
                yielded: 0,
                limit: None,
                max_pages: DEFAULT_MAX_PAGES,
                done: false,
            }),
            in_flight: None,
        }
    }

    fn configure(mut self, f: impl FnOnce(&mut State<'a, I, E>)) -> Self {
        if let Some(state) = self.state.as_mut().filter(|s| s.pages == 0) {
            f(state);
        }
        self
    }

    /// Ask for `size` items per page (the spec's page-size parameter; no
    /// effect when the spec declares none).
    pub fn page_size(self, size: u32) -> Self {
        self.configure(|s| {
            if let (Some(param), Some(request)) = (s.pagination.page_size_param, &mut s.template) {
                set_query(request.url_mut(), param, &size.to_string());
            }
        })
    }

    /// Stop after `n` items (no page beyond the one that holds the `n`th
    /// item is requested).
    pub fn limit(self, n: u64) -> Self {
        self.configure(|s| s.limit = Some(n))
    }

    /// Stop with [`PageError::TooManyPages`] rather than request more than
    /// `n` pages (default [`DEFAULT_MAX_PAGES`]).
    pub fn max_pages(self, n: u32) -> Self {
        self.configure(|s| s.max_pages = n)
    }

    /// Set a query parameter of the first request (a filter the builder
    /// has no setter for; next-page URLs carry their own).
    pub fn query(self, name: &str, value: &str) -> Self {
        self.configure(|s| {
            if let Some(request) = &mut s.template {
                set_query(request.url_mut(), name, value);
            }
        })
    }

    /// Pages requested so far.
    pub fn pages(&self) -> u32 {
        self.state.as_ref().map_or(0, |s| s.pages)
    }
}

impl<'a, I, E> Listing<'a, I, E>
where
    I: DeserializeOwned + Send + 'a,
    E: Send + 'a,
{
    /// The next item, `None` at the end.
    ///
    /// # Errors
    /// The [`PageError`] that ended the listing.
    pub async fn try_next(&mut self) -> Result<Option<I>, PageError<E>> {
        std::future::poll_fn(|cx| self.poll_item(cx))
            .await
            .transpose()
    }

    /// Every item (up to the limit) in one `Vec`.
    ///
    /// # Errors
    /// The first [`PageError`].
    pub async fn collect_all(mut self) -> Result<Vec<I>, PageError<E>> {
        let mut all = Vec::new();
        while let Some(item) = self.try_next().await? {
            all.push(item);
        }
        Ok(all)
    }

    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<I, PageError<E>>>> {
        if self.in_flight.is_none() {
            let Some(mut state) = self.state.take() else {
                return Poll::Ready(None);
            };
            if let Some(item) = state.ready_item() {
                self.state = Some(state);
                return Poll::Ready(item);
            }
            self.in_flight = Some(Box::pin(async move {
                let item = state.next_item().await;
                (state, item)
            }));
        }
        let Some(fut) = self.in_flight.as_mut() else {
            return Poll::Ready(None);
        };
        match fut.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready((state, item)) => {
                self.in_flight = None;
                self.state = Some(state);
                Poll::Ready(item)
            }
        }
    }
}

impl<'a, I, E> futures_core::Stream for Listing<'a, I, E>
where
    I: DeserializeOwned + Send + 'a,
    E: Send + 'a,
{
    type Item = Result<I, PageError<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_item(cx)
    }
}

impl<I, E> Unpin for Listing<'_, I, E> {}

impl<'a, I, E> State<'a, I, E>
where
    I: DeserializeOwned + Send + 'a,
    E: Send + 'a,
{
    /// An answer that needs no request: a buffered item, the end, or the
    /// error that the first request could not be built with.
    #[allow(clippy::option_option)]
    fn ready_item(&mut self) -> Option<Option<Result<I, PageError<E>>>> {
        if self.limit.is_some_and(|l| self.yielded >= l) {
            self.done = true;
            self.buffer.clear();
            return Some(None);
        }
        if let Some(item) = self.buffer.pop_front() {
            self.yielded += 1;
            return Some(Some(Ok(item)));
        }
        if let Some(e) = self.pending.take() {
            self.done = true;
            return Some(Some(Err(e)));
        }
        if let Some(source) = self.first_error.take() {
            self.done = true;
            return Some(Some(Err(PageError::Request { page: 1, source })));
        }
        if self.done {
            return Some(None);
        }
        None
    }

    async fn next_item(&mut self) -> Option<Result<I, PageError<E>>> {
        loop {
            if let Some(item) = self.ready_item() {
                return item;
            }
            let request = if self.pages == 0 {
                self.template.as_ref().and_then(reqwest::Request::try_clone)
            } else {
                self.next.take()
            };
            let Some(request) = request else {
                self.done = true;
                return None;
            };
            if self.pages >= self.max_pages {
                self.done = true;
                return Some(Err(PageError::TooManyPages {
                    max: self.max_pages,
                }));
            }
            self.pages += 1;
            let page = self.pages;
            let url = request.url().clone();
            self.seen.insert(url.as_str().to_string());
            let Some(fetch) = self.fetch.as_ref() else {
                self.done = true;
                return None;
            };
            let response = match fetch(request).await {
                Ok(r) => r,
                Err(source) => {
                    self.done = true;
                    return Some(Err(PageError::Request { page, source }));
                }
            };
            if let Err(e) = self.take_page(page, &url, response) {
                // The page's items that decoded come first.
                self.pending = Some(e);
                self.done = true;
            }
        }
    }

    /// Buffer a page's items and prepare the next request.
    // As large as progenitor's `Error<E>`, which every `send()` returns.
    #[allow(clippy::result_large_err)]
    fn take_page(
        &mut self,
        page: u32,
        url: &reqwest::Url,
        response: ResponseValue<Value>,
    ) -> Result<(), PageError<E>> {
        let bad = |reason: String| PageError::BadPage { page, reason };
        let header_token = match self.pagination.next {
            NextPage::Header(name) => match response.headers().get(name) {
                None => None,
                Some(v) => Some(
                    v.to_str()
                        .map_err(|_| bad(format!("the `{name}` header is not text")))?
                        .to_string(),
                ),
            },
            _ => None,
        };
        let mut body = response.into_inner();
        let next_link = match self.pagination.next {
            NextPage::Url(ptr) | NextPage::Token(ptr) => link_at(&body, ptr).map_err(&bad)?,
            NextPage::Header(_) => header_token,
            NextPage::Single => None,
        }
        .filter(|s| !s.is_empty());

        let items = match take_at(&mut body, self.pagination.items) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items,
            Some(_) => {
                return Err(bad(format!(
                    "`{}` is not an array of items",
                    display_pointer(self.pagination.items)
                )));
            }
        };
        for (index, item) in items.into_iter().enumerate() {
            let item = serde_json::from_value(item).map_err(|e| {
                bad(format!(
                    "item {index} does not match the item type: {}",
                    without_quoted_values(&e.to_string())
                ))
            })?;
            self.buffer.push_back(item);
        }

        let Some(link) = next_link else {
            self.next = None;
            return Ok(());
        };
        let mut next = self
            .template
            .as_ref()
            .and_then(reqwest::Request::try_clone)
            .ok_or_else(|| bad("the request cannot be repeated".into()))?;
        match self.pagination.next {
            NextPage::Url(_) => {
                let target = url
                    .join(&link)
                    .map_err(|_| bad("the next-page URL is not a URL".into()))?;
                if target.origin() != next.url().origin() {
                    return Err(PageError::CrossOrigin {
                        page,
                        origin: target.origin().ascii_serialization(),
                    });
                }
                *next.url_mut() = target;
            }
            NextPage::Single => {
                self.next = None;
                return Ok(());
            }
            NextPage::Token(_) | NextPage::Header(_) => {
                let param = self.pagination.token_param.ok_or_else(|| {
                    bad("the pagination has a next-page token but no token parameter".into())
                })?;
                set_query(next.url_mut(), param, &link);
            }
        }
        if self.seen.contains(next.url().as_str()) {
            return Err(PageError::Repeated { page });
        }
        self.next = Some(next);
        Ok(())
    }
}

/// The next link at `ptr`: a string or an integer; `null`/absent is none.
fn link_at(body: &Value, ptr: &str) -> Result<Option<String>, String> {
    match body.pointer(ptr) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) if n.is_u64() || n.is_i64() => Ok(Some(n.to_string())),
        Some(_) => Err(format!(
            "the next-page link at `{}` is neither a string nor an integer",
            display_pointer(ptr)
        )),
    }
}

fn take_at(body: &mut Value, ptr: &str) -> Option<Value> {
    body.pointer_mut(ptr).map(Value::take)
}

fn display_pointer(ptr: &str) -> &str {
    if ptr.is_empty() { "the body" } else { ptr }
}

/// Replace (or add) one query parameter, keeping the others in order.
pub fn set_query(url: &mut reqwest::Url, name: &str, value: &str) {
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != name)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    url.query_pairs_mut()
        .clear()
        .extend_pairs(kept)
        .append_pair(name, value);
}

/// serde's messages quote the offending value (`invalid type: string
/// "hunter2"`); an item can hold secrets, so quoted parts are elided.
fn without_quoted_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quoted = false;
    for c in message.chars() {
        if c == '"' {
            if !quoted {
                out.push_str("\"…\"");
            }
            quoted = !quoted;
        } else if !quoted {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_values_are_elided() {
        assert_eq!(
            without_quoted_values("invalid type: string \"hunter2\", expected i64"),
            "invalid type: string \"…\", expected i64"
        );
        assert_eq!(
            without_quoted_values("missing field `name`"),
            "missing field `name`"
        );
    }

    #[test]
    fn query_parameters_are_replaced_in_place() {
        let mut url = reqwest::Url::parse("https://h/x?a=1&page=2&b=3").unwrap();
        set_query(&mut url, "page", "7");
        assert_eq!(url.as_str(), "https://h/x?a=1&b=3&page=7");
        let mut url = reqwest::Url::parse("https://h/x").unwrap();
        set_query(&mut url, "continue", "a b&c");
        assert_eq!(url.as_str(), "https://h/x?continue=a+b%26c");
    }

    #[test]
    fn links_are_strings_or_integers() {
        let body = serde_json::json!({"m": {"n": 3, "s": "t", "z": null, "f": 1.5}});
        assert_eq!(link_at(&body, "/m/n").unwrap().as_deref(), Some("3"));
        assert_eq!(link_at(&body, "/m/s").unwrap().as_deref(), Some("t"));
        assert_eq!(link_at(&body, "/m/z").unwrap(), None);
        assert_eq!(link_at(&body, "/m/absent").unwrap(), None);
        assert!(
            link_at(&body, "/m/f")
                .unwrap_err()
                .contains("neither a string nor an integer")
        );
    }
}
