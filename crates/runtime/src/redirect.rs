//! The redirect policy of clients the runtime builds: a redirect is only
//! followed to the same origin (scheme, host and port) as the request, for
//! idempotent requests, at most [`DEFAULT_MAX_REDIRECTS`] times; no
//! `Referer` is sent.
//!
//! A redirect to another origin fails with
//! [`TransportError::CrossOriginRedirect`], which names the target: an API
//! key in a custom header would otherwise follow the redirect (reqwest only
//! strips `Authorization` and cookies), and the usual cause, an `http://`
//! base URL redirected to `https://`, is fixed by changing the base URL.
//! A non-idempotent request is not followed: its 3xx response is returned.

use std::future::Future;

use reqwest::redirect::{Attempt, Policy};

use crate::error::{TransportError, origin, shown_url};

/// Same-origin redirects followed per request.
pub const DEFAULT_MAX_REDIRECTS: usize = 3;

tokio::task_local! {
    /// Whether the request being sent by this task may follow redirects
    /// (set by the transport around each attempt).
    static FOLLOW: bool;
}

/// The policy: same origin only, idempotent requests only, at most `max`
/// redirects. Install it on your own `reqwest::Client` (with
/// `.referer(false)`) to get the same behaviour with
/// `ClientConfig::http_client`.
pub fn policy(max: usize) -> Policy {
    Policy::custom(move |attempt| decide(attempt, max))
}

fn decide(attempt: Attempt<'_>, max: usize) -> reqwest::redirect::Action {
    let Some(first) = attempt.previous().first() else {
        return attempt.stop();
    };
    let next = attempt.url();
    if first.origin() != next.origin() {
        let error = TransportError::CrossOriginRedirect {
            origin: origin(first),
            to: shown_url(next),
        };
        return attempt.error(error);
    }
    // Outside a transport call (someone else's use of the policy) redirects
    // are allowed.
    if max == 0 || !FOLLOW.try_with(|follow| *follow).unwrap_or(true) {
        return attempt.stop();
    }
    if attempt.previous().len() > max {
        let error = TransportError::TooManyRedirects {
            limit: max,
            to: shown_url(next),
        };
        return attempt.error(error);
    }
    attempt.follow()
}

/// Run `send` (one attempt) with redirects allowed or not.
pub(crate) async fn scope<F: Future>(follow: bool, send: F) -> F::Output {
    FOLLOW.scope(follow, send).await
}
