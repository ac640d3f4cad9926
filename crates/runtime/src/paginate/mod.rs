//! Listing across pages: what a spec's `x-credential-clients-pagination`
//! says ([`Pagination`]) and the stream of items a generated `stream()`
//! method returns ([`Listing`]).
//!
//! A [`Listing`] sends the operation's first request, takes the items out
//! of each page (the JSON pointer `items`), finds the next page (a URL or a
//! token in the body, or a token in a response header) and sends the next
//! request through the same hooks as every other call, so authentication,
//! retries, the size cap and path checks apply to every page. It ends with a
//! typed [`PageError`], never an endless loop, when a server repeats a page
//! token or URL, sends more than [`Listing::max_pages`] pages, or points the
//! next page at another origin.
//!
//! Nothing here names a provider: the protocol is data from the spec.

use std::fmt;

use progenitor_client::Error;

mod listing;

pub use listing::{FetchPage, Listing, PageFuture, set_query};

/// How an operation pages (`x-credential-clients-pagination`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pagination {
    /// JSON pointer to the array of items in a page (`""`: the page is the
    /// array).
    pub items: &'static str,
    /// Where the next page is.
    pub next: NextPage,
    /// The query parameter that carries a next-page token back (with
    /// [`NextPage::Token`] and [`NextPage::Header`]); with [`NextPage::Url`]
    /// the parameter the vendor's next URLs carry, if the spec names it.
    pub token_param: Option<&'static str>,
    /// The query parameter that sets the page size.
    pub page_size_param: Option<&'static str>,
}

/// Where a page says the next one is. Absent, `null` or empty: the last page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NextPage {
    /// A URL at this JSON pointer in the body, absolute or relative to the
    /// request URL (Django REST framework's `next`).
    Url(&'static str),
    /// A token (string or integer) at this JSON pointer in the body, sent
    /// back in the token parameter (a continue token, a page number).
    Token(&'static str),
    /// A token in this response header, sent back in the token parameter
    /// (OCI's `opc-next-page`).
    Header(&'static str),
    /// None: the operation returns the whole collection in one response.
    Single,
}

impl NextPage {
    /// A short description for messages and docs.
    pub fn describe(&self) -> String {
        match self {
            Self::Url(p) => format!("a next-page URL at `{p}` in the body"),
            Self::Token(p) => format!("a next-page token at `{p}` in the body"),
            Self::Header(h) => format!("a next-page token in the `{h}` header"),
            Self::Single => "one response with every item".to_string(),
        }
    }
}

/// The default for [`Listing::max_pages`].
pub const DEFAULT_MAX_PAGES: u32 = 10_000;

/// Why a listing stopped early. Never holds a secret: URLs are shown as
/// their origin and path, tokens not at all.
#[derive(Debug)]
#[non_exhaustive]
pub enum PageError<E> {
    /// A page request failed (a typed error response, a transport error, a
    /// refused request), as the single-page `send()` reports it.
    Request {
        /// The page (1 for the first request).
        page: u32,
        /// The error.
        source: Error<E>,
    },
    /// The server sent a next-page token or URL it had sent before: its
    /// pagination loops.
    Repeated {
        /// The page whose next link repeats.
        page: u32,
    },
    /// More pages than the listing allows.
    TooManyPages {
        /// The limit.
        max: u32,
    },
    /// The next page is at another origin (scheme, host, port) than the
    /// client's base URL; credentials are never sent there.
    CrossOrigin {
        /// The page whose next link leaves the origin.
        page: u32,
        /// The other origin.
        origin: String,
    },
    /// A page does not have the documented shape (no item array, a next
    /// link that is not a string or integer, an item that does not decode).
    BadPage {
        /// The page.
        page: u32,
        /// What is wrong (no values from the body).
        reason: String,
    },
}

impl<E> PageError<E> {
    /// As progenitor's `Error<E>`: a failed page request as it failed, any
    /// other stop as `Error::Custom` with this error's message.
    pub fn into_error(self) -> Error<E> {
        match self {
            Self::Request { source, .. } => source,
            other => Error::Custom(other.message()),
        }
    }

    fn message(&self) -> String {
        match self {
            Self::Request { page, .. } => format!("page {page} failed"),
            Self::Repeated { page } => format!(
                "page {page} links to a page the listing already fetched: the server's \
                 pagination loops, so the listing stopped"
            ),
            Self::TooManyPages { max } => format!(
                "the listing reached {max} pages and stopped; if more are expected, raise \
                 the limit with `max_pages`"
            ),
            Self::CrossOrigin { page, origin } => format!(
                "page {page} links its next page to another origin ({origin}); the listing \
                 stopped without sending credentials there (check the client's base URL)"
            ),
            Self::BadPage { page, reason } => format!("page {page}: {reason}"),
        }
    }

    /// The HTTP status, when a page request got a response.
    pub fn status(&self) -> Option<reqwest::StatusCode> {
        match self {
            Self::Request { source, .. } => source.status(),
            _ => None,
        }
    }
}

impl<E> fmt::Display for PageError<E>
where
    Error<E>: fmt::Display,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Request { page, source } => write!(f, "page {page}: {source}"),
            other => f.write_str(&other.message()),
        }
    }
}

impl<E> std::error::Error for PageError<E>
where
    E: fmt::Debug,
    Error<E>: std::error::Error + 'static,
{
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Request { source, .. } => Some(source),
            _ => None,
        }
    }
}
