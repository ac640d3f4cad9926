//! `reqwest` response plumbing: taking a response apart and putting it back
//! together (with its URL, so errors keep naming it), and turning a
//! runtime error into the `reqwest::Error` the generated hooks must return.

use std::error::Error as StdError;

use bytes::Bytes;
use reqwest::ResponseBuilderExt as _;
use reqwest::header::HeaderMap;

use crate::api::ApiDescription;

/// A response with this status, version, headers, URL and body.
pub(crate) fn rebuild(
    status: reqwest::StatusCode,
    version: reqwest::Version,
    headers: HeaderMap,
    url: &reqwest::Url,
    body: impl Into<reqwest::Body>,
) -> reqwest::Response {
    let mut builder = http::Response::builder()
        .status(status)
        .version(version)
        .url(url.clone());
    if let Some(h) = builder.headers_mut() {
        *h = headers;
    }
    let response = builder
        .body(body.into())
        .unwrap_or_else(|_| http::Response::new(reqwest::Body::from(Bytes::new())));
    reqwest::Response::from(response)
}

/// `response` with its body replaced by `wrap(body)`; status, version,
/// headers, extensions and URL are kept.
pub(crate) fn map_body(
    response: reqwest::Response,
    wrap: impl FnOnce(reqwest::Body) -> reqwest::Body,
) -> reqwest::Response {
    let url = response.url().clone();
    let (mut parts, body) = http::Response::<reqwest::Body>::from(response).into_parts();
    let tagged = http::Response::builder()
        .url(url)
        .body(())
        .map(|r| r.into_parts().0.extensions)
        .unwrap_or_default();
    parts.extensions.extend(tagged);
    reqwest::Response::from(http::Response::from_parts(parts, wrap(body)))
}

/// A body whose first read fails with `error`.
pub(crate) fn failing_body(
    error: impl Into<Box<dyn StdError + Send + Sync>> + Send + 'static,
) -> reqwest::Body {
    let error = error.into();
    reqwest::Body::wrap(FailingBody(Some(error)))
}

/// A `reqwest::Error` (kind "decode", for `url`) whose `source()` chain
/// holds `error`: the only way a hook that must return `reqwest::Result`
/// can report a failure of its own.
pub(crate) async fn reqwest_error(
    url: &reqwest::Url,
    error: impl Into<Box<dyn StdError + Send + Sync>> + Send + 'static,
) -> reqwest::Error {
    let response = rebuild(
        reqwest::StatusCode::OK,
        reqwest::Version::HTTP_11,
        HeaderMap::new(),
        url,
        failing_body(error),
    );
    match response.bytes().await {
        Err(e) => e,
        // A failing body cannot be read successfully.
        Ok(_) => unreachable!("a failing body produced bytes"),
    }
}

struct FailingBody(Option<Box<dyn StdError + Send + Sync>>);

impl http_body::Body for FailingBody {
    type Data = Bytes;
    type Error = Box<dyn StdError + Send + Sync>;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        std::task::Poll::Ready(self.0.take().map(Err))
    }
}

/// The request id of a response, by the header the API declares
/// (`opc-request-id`, `x-request-id`, ...).
pub fn request_id<'h>(api: &ApiDescription, headers: &'h HeaderMap) -> Option<&'h str> {
    let name = api.request_id?.name;
    headers.get(name).and_then(|v| v.to_str().ok())
}
