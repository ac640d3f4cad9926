//! The state behind every generated client's hooks: request preparation
//! ([`Transport::prepare`]: path safety, `Accept`, `User-Agent`, the API's
//! request-id header) and execution ([`Transport::execute`]: authentication
//! before every attempt, a fresh-credentials resend after a 401, retries
//! by the policy's rules, the per-attempt timeout and the call deadline, the
//! response-size cap, redirects, tracing).
//!
//! Everything provider-specific arrives as data, from the
//! `ApiDescription` (request-id header, retry profile) and from the
//! [`Authenticate`] implementation; nothing here names a provider.
//!
//! Tracing (target `credential_clients`): one `call` span per operation
//! (provider, operation, method, route template, request id, status,
//! attempts, elapsed_ms) and one `attempt` span per attempt (attempt,
//! status, elapsed_ms), with a `retrying` event (backoff_ms) between
//! attempts. Concrete paths (which hold ids), query strings, headers and
//! bodies are never recorded. Without a subscriber the spans cost a
//! disabled-callsite check.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{ACCEPT, HeaderName, HeaderValue, USER_AGENT};
use tracing::{Instrument as _, Span, field};

use crate::api::{ApiDescription, RetryProfile, ServerTemplate};
use crate::auth::{AuthError, Authenticate};
use crate::body;
use crate::error::{RequestError, TransportError};
use crate::redirect;
use crate::retry::{Outcome, RetryAction, RetryPolicy};

/// The header progenitor adds to every request, which these APIs do not use.
const API_VERSION: HeaderName = HeaderName::from_static("api-version");

/// The name the generated code uses for [`Transport`].
pub type Runtime = Transport;

/// `credential-clients/<version> (<provider>)`.
pub fn default_user_agent(provider: &str) -> String {
    format!(
        "credential-clients/{} ({provider})",
        env!("CARGO_PKG_VERSION")
    )
}

/// One client's transport: auth, retry policy, limits, User-Agent. Built by
/// `ClientConfig::build`. `Debug` never shows a secret.
#[derive(Debug, Clone)]
pub struct Transport {
    pub(crate) api: &'static ApiDescription,
    pub(crate) auth: Option<Arc<dyn Authenticate>>,
    pub(crate) retry: RetryPolicy,
    pub(crate) user_agent: HeaderValue,
    pub(crate) max_response_bytes: u64,
    /// Applies to every attempt (cut to the remaining call time, if shorter).
    pub(crate) attempt_timeout: Option<Duration>,
    /// Whether the HTTP client already applies `attempt_timeout` to every
    /// request (a client the runtime built): then a per-request timeout is
    /// set only when the call deadline leaves less.
    pub(crate) client_timeout: bool,
    pub(crate) call_timeout: Option<Duration>,
}

/// The API of a transport built without one ([`Transport::default`]).
static UNKNOWN_API: ApiDescription = ApiDescription {
    provider: "unknown",
    title: "",
    version: "",
    server: ServerTemplate {
        url: "",
        variables: &[],
    },
    auth: &[],
    operations: &[],
    credential_operation: "",
    list_operation: None,
    request_id: None,
    retry: RetryProfile::STANDARD,
    region_variable: None,
    realm_variable: None,
    env_prefix: "",
};

impl Default for Transport {
    /// No API, no auth, the standard retry policy, the default limits.
    fn default() -> Self {
        Self {
            api: &UNKNOWN_API,
            auth: None,
            retry: RetryPolicy::default(),
            user_agent: user_agent(&default_user_agent("unknown")),
            max_response_bytes: body::DEFAULT_MAX_RESPONSE_BYTES,
            attempt_timeout: None,
            client_timeout: false,
            call_timeout: None,
        }
    }
}

/// `value` as a `User-Agent`, or the library's name if it cannot be one.
pub(crate) fn user_agent(value: &str) -> HeaderValue {
    HeaderValue::from_str(value).unwrap_or_else(|_| HeaderValue::from_static("credential-clients"))
}

impl Transport {
    /// The `pre` hook: refuse unsafe paths, set `Accept` and `User-Agent`,
    /// drop progenitor's `api-version`, add the API's request-id header
    /// (a new 32-hex-digit id per call, when the API generates them).
    /// Authentication happens in [`Transport::execute`], before every
    /// attempt.
    ///
    /// # Errors
    /// [`RequestError::UnsafePath`] when a path parameter would change the
    /// route, [`RequestError::UnknownOperation`] for an operation `api`
    /// does not have.
    pub fn prepare(
        &self,
        api: &ApiDescription,
        baseurl: &str,
        request: &mut reqwest::Request,
        operation_id: &str,
    ) -> Result<(), RequestError> {
        let op = api
            .operation(operation_id)
            .ok_or_else(|| RequestError::UnknownOperation(operation_id.to_string()))?;
        crate::path::check_path(baseurl, op, request.url())?;

        let headers = request.headers_mut();
        // progenitor's `api-version` header (the codegen drops it where it
        // can; operations with header parameters still build it).
        if !headers.is_empty() {
            headers.remove(API_VERSION);
        }
        // The operation's media types (the generated code leaves `Accept`
        // to this hook).
        headers.insert(ACCEPT, HeaderValue::from_static(op.accept));
        headers.insert(USER_AGENT, self.user_agent.clone());
        if let Some(rid) = api.request_id.filter(|r| r.generate)
            && !headers.contains_key(rid.name)
        {
            let name = HeaderName::from_bytes(rid.name.as_bytes())
                .map_err(|_| RequestError::InvalidHeader(rid.name))?;
            let value = HeaderValue::from_str(&new_request_id())
                .map_err(|_| RequestError::InvalidHeader(rid.name))?;
            headers.insert(name, value);
        }
        Ok(())
    }

    /// Add this client's credentials to `request`, as
    /// [`Transport::execute`] does before every attempt (nothing without
    /// auth).
    ///
    /// # Errors
    /// The authenticator's [`AuthError`].
    pub async fn authenticate(
        &self,
        http: &reqwest::Client,
        request: &mut reqwest::Request,
    ) -> Result<(), AuthError> {
        match &self.auth {
            Some(auth) => auth.authenticate(request, http).await,
            None => Ok(()),
        }
    }

    /// The `exec` hook: authenticate and send, resend once with fresh
    /// credentials after a 401 when the authenticator says that may help,
    /// and retry idempotent requests per the policy, within the call
    /// deadline. Every response's body is capped at the client's
    /// `max_response_bytes`.
    ///
    /// # Errors
    /// The last attempt's `reqwest::Error`. Failures of the runtime's own
    /// (credentials that could not be obtained before the first attempt, a
    /// refused redirect, a body over the cap) carry a [`TransportError`] in
    /// their `source()` chain.
    pub async fn execute(
        &self,
        client: &reqwest::Client,
        request: reqwest::Request,
        operation_id: &str,
    ) -> reqwest::Result<reqwest::Response> {
        let op = self.api.operation(operation_id);
        let span = tracing::info_span!(
            target: "credential_clients",
            "call",
            provider = self.api.provider,
            operation = operation_id,
            method = %request.method(),
            route = op.map_or("", |o| o.path),
            request_id = field::Empty,
            status = field::Empty,
            attempts = field::Empty,
            elapsed_ms = field::Empty,
        );
        // RFC 9110 §9.2.2; by the method when the operation is unknown (a
        // transport built without an API description).
        let idempotent = op.map_or_else(
            || {
                matches!(
                    request.method().as_str(),
                    "GET" | "HEAD" | "OPTIONS" | "PUT" | "DELETE"
                )
            },
            |o| o.is_idempotent(),
        );
        // Without a subscriber (or with this target filtered out) the span
        // is disabled: then no `Instrumented` wrapper polls around the call.
        if span.is_disabled() {
            self.send(client, request, idempotent, &span).await
        } else {
            let call = span.clone();
            self.send(client, request, idempotent, &call)
                .instrument(span)
                .await
        }
    }

    async fn send(
        &self,
        client: &reqwest::Client,
        request: reqwest::Request,
        idempotent: bool,
        call: &Span,
    ) -> reqwest::Result<reqwest::Response> {
        let policy = &self.retry;
        let start = Instant::now();
        let deadline = self.call_timeout.map(|t| start + t);
        let request_id_name = self.api.request_id.map(|r| r.name);
        let sent_id = request_id_name
            .and_then(|name| request.headers().get(name))
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        if let Some(id) = &sent_id {
            call.record("request_id", id.as_str());
        }

        let mut attempt: u32 = 1;
        let mut resent_after_401 = false;
        // The previous result, returned if credentials for the next
        // attempt cannot be obtained.
        let mut previous: Option<reqwest::Result<reqwest::Response>> = None;
        let mut current = request;
        loop {
            // A per-request timeout is an entry in the request's extensions
            // (an allocation, and copied with every spare): set it only when
            // the client does not already apply the same one.
            match deadline {
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    match self.attempt_timeout {
                        Some(t) if t <= left && self.client_timeout => {}
                        Some(t) => *current.timeout_mut() = Some(t.min(left)),
                        None => *current.timeout_mut() = Some(left),
                    }
                }
                None => {
                    if !self.client_timeout && self.attempt_timeout.is_some() {
                        *current.timeout_mut() = self.attempt_timeout;
                    }
                }
            }
            let authenticated = match &self.auth {
                None => Ok(()),
                Some(auth) => match auth.authenticate_now(&mut current) {
                    Some(done) => done,
                    None => auth.authenticate(&mut current, client).await,
                },
            };
            if let Err(e) = authenticated {
                tracing::warn!(target: "credential_clients", attempt, error = %e, "authentication failed");
                return match previous {
                    Some(result) => result,
                    None => Err(
                        crate::http::reqwest_error(current.url(), TransportError::Auth(e)).await,
                    ),
                };
            }
            // A copy of the request is kept only when it may be sent again:
            // a retry of an idempotent request, or the one resend after a
            // 401 when the authenticator can refresh its credentials.
            let can_retry = idempotent && attempt < policy.max_attempts();
            let may_resend =
                !resent_after_401 && self.auth.as_ref().is_some_and(|a| a.may_refresh());
            let spare = if can_retry || may_resend {
                spare(&current)
            } else {
                None
            };
            drop(previous.take());

            let span = tracing::debug_span!(
                target: "credential_clients",
                "attempt",
                attempt,
                status = field::Empty,
                elapsed_ms = field::Empty,
            );
            let traced = !span.is_disabled();
            let sent = traced.then(Instant::now);
            // Redirects are followed unless a scope says otherwise: only a
            // non-idempotent request needs one.
            let result = match (idempotent, traced) {
                (true, false) => client.execute(current).await,
                (true, true) => client.execute(current).instrument(span.clone()).await,
                (false, false) => redirect::scope(false, client.execute(current)).await,
                (false, true) => {
                    redirect::scope(false, client.execute(current))
                        .instrument(span.clone())
                        .await
                }
            }
            .map(|response| self.guard(response, request_id_name, sent_id.as_deref(), call));
            let status = result.as_ref().ok().map(|r| r.status().as_u16());
            // Recording into a disabled span still costs a call: only into
            // spans a subscriber wants.
            if let Some(sent) = sent {
                if let Some(status) = status {
                    span.record("status", status);
                }
                span.record("elapsed_ms", millis(sent.elapsed()));
            }
            if !call.is_disabled() {
                if let Some(status) = status {
                    call.record("status", status);
                }
                call.record("attempts", attempt);
                call.record("elapsed_ms", millis(start.elapsed()));
            }
            if let Err(e) = &result {
                tracing::debug!(target: "credential_clients", parent: &span, error = %e, "no response");
            }

            if status == Some(401) && may_resend {
                let fresh = self.auth.as_ref().is_some_and(|a| a.unauthorized());
                if let (true, Some(next)) = (fresh, spare) {
                    tracing::info!(target: "credential_clients", attempt, "401: resending once with fresh credentials");
                    resent_after_401 = true;
                    previous = Some(result);
                    current = next;
                    continue;
                }
                return result;
            }
            let Some(next) = spare.filter(|_| can_retry) else {
                return result;
            };
            let (result, wait) = match result {
                Ok(response) => {
                    let (response, action) = self.classify(response).await;
                    match action {
                        RetryAction::Retry => {
                            let server_wait = policy
                                .retry_after(response.headers(), std::time::SystemTime::now());
                            (Ok(response), policy.delay(attempt, server_wait))
                        }
                        RetryAction::RetryAfter(d) => {
                            (Ok(response), policy.delay(attempt, Some(d)))
                        }
                        _ => return Ok(response),
                    }
                }
                Err(e) => match policy.classify(&Outcome::Error(&e)) {
                    RetryAction::Retry => (Err(e), policy.delay(attempt, None)),
                    RetryAction::RetryAfter(d) => (Err(e), policy.delay(attempt, Some(d))),
                    _ => return Err(e),
                },
            };
            if start.elapsed() + wait > policy.total_budget() {
                tracing::debug!(target: "credential_clients", backoff_ms = millis(wait), "retry budget exhausted");
                return result;
            }
            if deadline.is_some_and(|d| Instant::now() + wait >= d) {
                tracing::debug!(target: "credential_clients", backoff_ms = millis(wait), "call deadline reached");
                return result;
            }
            tracing::info!(target: "credential_clients", attempt, backoff_ms = millis(wait), "retrying");
            tokio::time::sleep(wait).await;
            previous = Some(result);
            attempt += 1;
            current = next;
        }
    }

    /// Cap the body and note the server's request id.
    fn guard(
        &self,
        response: reqwest::Response,
        request_id_name: Option<&'static str>,
        sent_id: Option<&str>,
        call: &Span,
    ) -> reqwest::Response {
        let server_id = request_id_name
            .and_then(|name| response.headers().get(name))
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        if let Some(id) = &server_id {
            call.record("request_id", id.as_str());
        }
        let id = server_id.or_else(|| sent_id.map(str::to_owned));
        body::cap(response, self.max_response_bytes, id)
    }

    /// The rules' verdict on `response`; its body is read first (and put
    /// back) only when a rule needs it.
    async fn classify(&self, response: reqwest::Response) -> (reqwest::Response, RetryAction) {
        let status = response.status();
        if !self.retry.needs_body(status) {
            let action = self.retry.classify(&Outcome::Response {
                status,
                headers: response.headers(),
                body: None,
            });
            return (response, action);
        }
        let version = response.version();
        let headers = response.headers().clone();
        let url = response.url().clone();
        match response.bytes().await {
            Ok(body) => {
                let action = self.retry.classify(&Outcome::Response {
                    status,
                    headers: &headers,
                    body: Some(&body),
                });
                let rebuilt = crate::http::rebuild(status, version, headers, &url, body);
                (rebuilt, action)
            }
            Err(e) => {
                let action = self.retry.classify(&Outcome::Response {
                    status,
                    headers: &headers,
                    body: None,
                });
                // The caller reads the same error when it reads the body.
                let body = crate::http::failing_body(e);
                (
                    crate::http::rebuild(status, version, headers, &url, body),
                    action,
                )
            }
        }
    }
}

/// A copy of `request` to send again. A bodiless request (the usual GET) is
/// copied field by field: `Request::try_clone` also allocates an extension
/// map for the timeout even when there is none. The requests here come from
/// the generated code, whose only extension is that timeout.
fn spare(request: &reqwest::Request) -> Option<reqwest::Request> {
    if request.body().is_some() {
        return request.try_clone();
    }
    let mut copy = reqwest::Request::new(request.method().clone(), request.url().clone());
    *copy.headers_mut() = request.headers().clone();
    *copy.version_mut() = request.version();
    if let Some(timeout) = request.timeout() {
        *copy.timeout_mut() = Some(*timeout);
    }
    Some(copy)
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// A 32-character upper-case hex request id, as Oracle's SDKs send.
fn new_request_id() -> String {
    use rand::Rng;
    format!("{:032X}", rand::rng().random::<u128>())
}
