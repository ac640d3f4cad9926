//! Typed errors the transport reports from inside `reqwest` errors.
//!
//! A generated client's `send()` returns progenitor's `Error<E>`, whose
//! transport variants (`CommunicationError`, `ResponseBodyError`) hold a
//! `reqwest::Error`. When the runtime itself stops a call (a body over the
//! size cap, a redirect to another origin, credentials that could not be
//! obtained), the `reqwest::Error` has a [`TransportError`] in its
//! `source()` chain: [`TransportError::find`] gets it back, and
//! `format!("{err:#}")` prints it.
//!
//! [`RequestError`] is what the `pre` hook refuses before anything is sent
//! (it becomes `Error::InvalidRequest`).

use std::error::Error as StdError;

use crate::auth::AuthError;

/// Why a request was refused before anything was sent.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// A path parameter would change the request path (`..`, `.`, empty,
    /// or anything that after URL normalisation leaves the route).
    #[error(
        "refused before sending: a path parameter of `{operation}` would change the request path \
         (route `{route}`, got `{actual}`): {reason}"
    )]
    UnsafePath {
        /// The operation.
        operation: String,
        /// The route template.
        route: String,
        /// The path the URL would have.
        actual: String,
        /// What is wrong.
        reason: String,
    },
    /// The client does not know this operation (a generator bug).
    #[error("unknown operation `{0}`")]
    UnknownOperation(String),
    /// A header value could not be built.
    #[error("invalid value for header `{0}`")]
    InvalidHeader(&'static str),
}

/// Why the runtime stopped a call. Never holds a secret: URLs are shown
/// without credentials or query.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The response body exceeds the client's size cap; nothing beyond the
    /// cap was buffered.
    #[error(
        "the response body is larger than the client's limit of {limit} bytes{}{}; if a body \
         this large is expected, raise the limit with `max_response_bytes` on the client builder",
        declared.map(|d| format!(" (Content-Length: {d})")).unwrap_or_default(),
        request_id.as_ref().map(|id| format!(" [request id {id}]")).unwrap_or_default()
    )]
    BodyTooLarge {
        /// The limit in bytes.
        limit: u64,
        /// The size the server declared (`Content-Length`), if it did.
        declared: Option<u64>,
        /// The server's (or the client's) request id, if any.
        request_id: Option<String>,
    },
    /// A redirect to another origin (scheme, host or port) was refused.
    #[error(
        "refused to follow a redirect to another origin: {to} (requests only go to {origin}, \
         the base URL's origin); if the service has moved (e.g. from http to https), set the \
         base URL to the new address"
    )]
    CrossOriginRedirect {
        /// The base URL's origin (`https://host:port`).
        origin: String,
        /// The redirect target, without query or credentials.
        to: String,
    },
    /// More same-origin redirects than the client follows.
    #[error("stopped after {limit} redirects; the last one was to {to}")]
    TooManyRedirects {
        /// The number of redirects followed.
        limit: usize,
        /// The last target, without query or credentials.
        to: String,
    },
    /// Credentials could not be added to the request; nothing was sent.
    #[error("authentication failed before sending: {0}")]
    Auth(#[source] AuthError),
}

impl TransportError {
    /// The first [`TransportError`] in `err`'s `source()` chain (`err`
    /// included), e.g. in the `reqwest::Error` of a generated client's
    /// `Error::ResponseBodyError`.
    pub fn find<'a>(err: &'a (dyn StdError + 'static)) -> Option<&'a TransportError> {
        let mut next: Option<&'a (dyn StdError + 'static)> = Some(err);
        while let Some(e) = next {
            if let Some(found) = e.downcast_ref::<TransportError>() {
                return Some(found);
            }
            next = e.source();
        }
        None
    }
}

/// `scheme://host[:port]/path` of `url`: no credentials, query or fragment.
pub(crate) fn shown_url(url: &reqwest::Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.set_query(None);
    shown.set_fragment(None);
    shown.to_string()
}

/// `scheme://host[:port]` of `url`.
pub(crate) fn origin(url: &reqwest::Url) -> String {
    url.origin().ascii_serialization()
}
