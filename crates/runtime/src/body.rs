//! Bounded response bodies: a size cap enforced while the body streams in,
//! so no more than the cap (plus one network chunk) is ever buffered, and a
//! body announced larger than the cap is refused before a byte is read.
//!
//! The generated code reads bodies itself (`decode::from_response`, or the
//! caller on `Error::UnexpectedResponse`); the transport wraps every
//! response's body with `cap` before handing it over, so the cap holds on
//! every path. The per-attempt timeout keeps running while the body
//! arrives (reqwest's request timeout covers the body).

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Frame, SizeHint};

use crate::error::TransportError;

/// The default response-size cap: 4 MiB, far above any credential body.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 4 * 1024 * 1024;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// `response` with its body capped at `limit` bytes. A declared
/// `Content-Length` above the limit fails at the first read without
/// reading anything (and the connection is dropped).
pub(crate) fn cap(
    response: reqwest::Response,
    limit: u64,
    request_id: Option<String>,
) -> reqwest::Response {
    // The body's exact size hint: what hyper took from `Content-Length`
    // (reqwest's wrappers pass it through; none when it decompresses). No
    // header lookup and parse per response.
    let declared = response.content_length();
    // A declared length within the cap needs no wrapper: hyper never yields
    // more than `Content-Length` bytes of body (HTTP/1 frames the message by
    // it, h2 fails a stream that sends more), and reqwest drops the length
    // when it decompresses. This is the common case, and it costs nothing.
    if declared.is_some_and(|len| len <= limit) {
        return response;
    }
    crate::http::map_body(response, |body| match declared {
        Some(len) if len > limit => {
            drop(body);
            crate::http::failing_body(TransportError::BodyTooLarge {
                limit,
                declared: Some(len),
                request_id,
            })
        }
        _ => reqwest::Body::wrap(Capped {
            inner: Some(body),
            limit,
            seen: 0,
            request_id,
        }),
    })
}

/// A body that fails once more than `limit` bytes have arrived.
struct Capped {
    /// `None` after the end or the error (the connection is then released
    /// or dropped).
    inner: Option<reqwest::Body>,
    limit: u64,
    seen: u64,
    request_id: Option<String>,
}

impl http_body::Body for Capped {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        let Some(inner) = this.inner.as_mut() else {
            return Poll::Ready(None);
        };
        match Pin::new(inner).poll_frame(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(None) => {
                this.inner = None;
                Poll::Ready(None)
            }
            Poll::Ready(Some(Err(e))) => {
                this.inner = None;
                Poll::Ready(Some(Err(e.into())))
            }
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    this.seen = this.seen.saturating_add(data.len() as u64);
                    if this.seen > this.limit {
                        this.inner = None;
                        return Poll::Ready(Some(Err(Box::new(TransportError::BodyTooLarge {
                            limit: this.limit,
                            declared: None,
                            request_id: this.request_id.take(),
                        }))));
                    }
                }
                Poll::Ready(Some(Ok(frame)))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.as_ref().is_none_or(|b| b.is_end_stream())
    }

    fn size_hint(&self) -> SizeHint {
        self.inner
            .as_ref()
            .map_or_else(|| SizeHint::with_exact(0), |b| b.size_hint())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(body: reqwest::Body, content_length: Option<u64>) -> reqwest::Response {
        let mut builder = http::Response::builder().status(200);
        if let Some(len) = content_length {
            builder = builder.header("content-length", len);
        }
        reqwest::Response::from(builder.body(body).unwrap())
    }

    #[tokio::test]
    async fn bodies_within_the_cap_pass_untouched() {
        let body = reqwest::Body::from(vec![7u8; 100]);
        let r = cap(response(body, Some(100)), 100, None);
        assert_eq!(r.bytes().await.unwrap().len(), 100);
    }

    /// A body that declares `len` bytes, as hyper's body of a response with
    /// `Content-Length: len` does (its exact size hint), and has 10.
    fn declared(len: u64) -> reqwest::Body {
        struct Declared(u64, Option<Bytes>);
        impl http_body::Body for Declared {
            type Data = Bytes;
            type Error = std::io::Error;
            fn poll_frame(
                mut self: Pin<&mut Self>,
                _cx: &mut Context<'_>,
            ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
                Poll::Ready(self.1.take().map(|b| Ok(Frame::data(b))))
            }
            fn size_hint(&self) -> SizeHint {
                SizeHint::with_exact(self.0)
            }
        }
        reqwest::Body::wrap(Declared(len, Some(Bytes::from(vec![7u8; 10]))))
    }

    #[tokio::test]
    async fn a_declared_length_over_the_cap_fails_at_once() {
        let r = cap(
            response(declared(1 << 40), Some(1 << 40)),
            100,
            Some("REQ-1".into()),
        );
        let err = r.bytes().await.unwrap_err();
        let found = TransportError::find(&err).expect("a TransportError in the chain");
        let text = found.to_string();
        assert!(text.contains("limit of 100 bytes"), "{text}");
        assert!(text.contains("Content-Length: 1099511627776"), "{text}");
        assert!(text.contains("REQ-1"), "{text}");
        assert!(text.contains("max_response_bytes"), "{text}");
    }

    #[tokio::test]
    async fn an_undeclared_body_over_the_cap_fails_while_streaming() {
        let chunks = (0..10).map(|_| Ok::<_, std::io::Error>(Bytes::from(vec![0u8; 64])));
        let stream = futures_stream(chunks.collect());
        let r = cap(response(stream, None), 100, None);
        let err = r.bytes().await.unwrap_err();
        assert!(matches!(
            TransportError::find(&err),
            Some(TransportError::BodyTooLarge {
                limit: 100,
                declared: None,
                ..
            })
        ));
    }

    /// A streaming body of these chunks (no `futures` dependency).
    fn futures_stream(chunks: Vec<Result<Bytes, std::io::Error>>) -> reqwest::Body {
        struct Chunks(std::collections::VecDeque<Result<Bytes, std::io::Error>>);
        impl http_body::Body for Chunks {
            type Data = Bytes;
            type Error = std::io::Error;
            fn poll_frame(
                mut self: Pin<&mut Self>,
                _cx: &mut Context<'_>,
            ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
                Poll::Ready(self.0.pop_front().map(|c| c.map(Frame::data)))
            }
        }
        reqwest::Body::wrap(Chunks(chunks.into()))
    }
}
