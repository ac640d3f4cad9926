//! The state behind every generated client's hooks: request preparation
//! (headers, auth, path safety) and execution (retries, re-signing).

use std::time::{Instant, SystemTime};

use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderName, HeaderValue, USER_AGENT};

use crate::api::{ApiDescription, AuthScheme, OperationDescription};
use crate::config::Auth;
use crate::oci;
use crate::retry::{RetryPolicy, parse_retry_after};

/// `credential-clients/<version> (<provider>)`.
pub fn default_user_agent(provider: &str) -> String {
    format!(
        "credential-clients/{} ({provider})",
        env!("CARGO_PKG_VERSION")
    )
}

/// Why a request was refused before anything was sent.
#[derive(Debug, thiserror::Error)]
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
    /// A header value could not be built (e.g. a token with a newline).
    #[error("invalid value for header `{0}`")]
    InvalidHeader(&'static str),
    /// OCI request signing failed.
    #[error("request signing failed: {0}")]
    Signing(#[from] oci::SignError),
}

/// Runtime state of one client: auth, retry policy, User-Agent. `Debug`
/// never shows a secret.
#[derive(Debug, Clone)]
pub struct Runtime {
    auth: Option<Auth>,
    /// The header static auth adds, built once (marked sensitive).
    auth_header: Option<(HeaderName, HeaderValue)>,
    retry: RetryPolicy,
    user_agent: HeaderValue,
}

impl Default for Runtime {
    /// No auth, the default retry policy, the library's User-Agent.
    fn default() -> Self {
        Self::new(None, RetryPolicy::default(), &default_user_agent("unknown"))
    }
}

impl Runtime {
    /// A runtime with this auth, retry policy and User-Agent (an invalid
    /// User-Agent falls back to the library's).
    pub fn new(auth: Option<Auth>, retry: RetryPolicy, user_agent: &str) -> Self {
        let user_agent = HeaderValue::from_str(user_agent)
            .unwrap_or_else(|_| HeaderValue::from_static("credential-clients"));
        let auth_header = auth.as_ref().and_then(static_auth_header);
        Self {
            auth,
            auth_header,
            retry,
            user_agent,
        }
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The configured auth, if any.
    pub fn auth(&self) -> Option<&Auth> {
        self.auth.as_ref()
    }

    /// The `pre` hook: refuse unsafe paths, set `Accept` and `User-Agent`,
    /// drop progenitor's `api-version`, authenticate.
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
        check_path(baseurl, op, request.url())?;

        let headers = request.headers_mut();
        headers.remove("api-version");
        headers.insert(ACCEPT, HeaderValue::from_static(op.accept));
        headers.insert(USER_AGENT, self.user_agent.clone());
        if api.supports(&AuthScheme::OciSignature) && !headers.contains_key("opc-request-id") {
            let id = new_request_id();
            headers.insert(
                HeaderName::from_static("opc-request-id"),
                HeaderValue::from_str(&id)
                    .map_err(|_| RequestError::InvalidHeader("opc-request-id"))?,
            );
        }
        match (&self.auth, &self.auth_header) {
            (Some(Auth::Oci(signer)), _) => {
                signer.sign(request, SystemTime::now())?;
                if let Some(v) = request.headers_mut().get_mut(AUTHORIZATION) {
                    v.set_sensitive(true);
                }
            }
            (Some(_), Some((name, value))) => {
                headers.insert(name.clone(), value.clone());
            }
            // A token that cannot be a header value (e.g. a newline in it).
            (Some(auth), None) => {
                return Err(RequestError::InvalidHeader(match auth {
                    Auth::ApiKeyHeader { header, .. } => header,
                    _ => "authorization",
                }));
            }
            (None, _) => {}
        }
        Ok(())
    }

    /// The `exec` hook: send, and retry idempotent requests per the policy,
    /// re-signing each attempt.
    pub async fn execute(
        &self,
        client: &reqwest::Client,
        request: reqwest::Request,
        _operation_id: &str,
    ) -> reqwest::Result<reqwest::Response> {
        let policy = &self.retry;
        let idempotent = matches!(
            request.method().as_str(),
            "GET" | "HEAD" | "OPTIONS" | "PUT" | "DELETE"
        );
        let start = Instant::now();
        let mut attempt: u32 = 1;
        let mut current = request;
        loop {
            let spare = if idempotent && attempt < policy.max_attempts {
                current.try_clone()
            } else {
                None
            };
            let result = client.execute(current).await;
            let Some(mut next) = spare else {
                return result;
            };
            let (result, wait) = match result {
                Ok(response) => {
                    let (response, retryable) = self.classify(response).await;
                    if !retryable {
                        return Ok(response);
                    }
                    let retry_after = response
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| parse_retry_after(v, SystemTime::now()));
                    (Ok(response), policy.delay(attempt, retry_after))
                }
                Err(e) => {
                    // Connect failures, timeouts, and connections closed
                    // before a response (`is_request`): safe to repeat for
                    // idempotent requests.
                    let transient = e.is_connect() || e.is_timeout() || e.is_request();
                    if !(policy.connection_errors && transient) {
                        return Err(e);
                    }
                    (Err(e), policy.delay(attempt, None))
                }
            };
            if start.elapsed() + wait > policy.total_budget {
                return result;
            }
            tokio::time::sleep(wait).await;
            if let Some(Auth::Oci(signer)) = &self.auth {
                // A fresh `date` for every attempt (servers reject skew > 5 min).
                if signer.sign(&mut next, SystemTime::now()).is_err() {
                    return result;
                }
                if let Some(v) = next.headers_mut().get_mut(AUTHORIZATION) {
                    v.set_sensitive(true);
                }
            }
            drop(result);
            attempt += 1;
            current = next;
        }
    }

    /// Whether `response` should be retried; the body is read (and the
    /// response rebuilt) only for OCI's 409 conflicts.
    async fn classify(&self, response: reqwest::Response) -> (reqwest::Response, bool) {
        let status = response.status().as_u16();
        if self.retry.retries_status(status) {
            return (response, true);
        }
        if status == 409 && self.retry.oci_conflicts {
            let code = response.status();
            let headers = response.headers().clone();
            let version = response.version();
            let Ok(body) = response.bytes().await else {
                let rebuilt = rebuild(code, version, headers, bytes_empty());
                return (rebuilt, false);
            };
            let retry = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v.get("code").and_then(|c| c.as_str()).map(str::to_string))
                .is_some_and(|c| c == "IncorrectState" || c == "LockConflict");
            return (rebuild(code, version, headers, body), retry);
        }
        (response, false)
    }
}

fn bytes_empty() -> reqwest::Body {
    reqwest::Body::from(Vec::<u8>::new())
}

pub(crate) fn rebuild(
    status: reqwest::StatusCode,
    version: reqwest::Version,
    headers: reqwest::header::HeaderMap,
    body: impl Into<reqwest::Body>,
) -> reqwest::Response {
    let mut builder = http::Response::builder().status(status).version(version);
    if let Some(h) = builder.headers_mut() {
        *h = headers;
    }
    let response = builder
        .body(body.into())
        .unwrap_or_else(|_| http::Response::new(bytes_empty()));
    reqwest::Response::from(response)
}

/// The header bearer, basic and API-key auth add to every request; `None`
/// for OCI (signed per attempt) or a value that cannot be a header.
fn static_auth_header(auth: &Auth) -> Option<(HeaderName, HeaderValue)> {
    let (name, value) = match auth {
        Auth::Bearer(token) => (AUTHORIZATION, format!("Bearer {}", token.expose_secret())),
        Auth::Basic { username, password } => {
            use base64::Engine as _;
            let raw = format!("{username}:{}", password.expose_secret());
            let encoded = base64::engine::general_purpose::STANDARD.encode(raw);
            (AUTHORIZATION, format!("Basic {encoded}"))
        }
        Auth::ApiKeyHeader { header, value } => (
            HeaderName::from_bytes(header.as_bytes()).ok()?,
            value.expose_secret().to_string(),
        ),
        Auth::Oci(_) => return None,
    };
    let mut value = HeaderValue::from_str(&value).ok()?;
    value.set_sensitive(true);
    Some((name, value))
}

/// A 32-character upper-case hex request id, as Oracle's SDKs send.
fn new_request_id() -> String {
    use rand::Rng;
    format!("{:032X}", rand::rng().random::<u128>())
}

/// The path of an absolute base URL (`https://h:1/api/v2/` -> `/api/v2`),
/// without parsing: the base URL was validated when the client was built.
fn base_path(baseurl: &str) -> &str {
    let after_scheme = baseurl.find("://").map_or(baseurl, |i| &baseurl[i + 3..]);
    let path = after_scheme.find('/').map_or("", |i| &after_scheme[i..]);
    path.split(['?', '#'])
        .next()
        .unwrap_or_default()
        .trim_end_matches('/')
}

/// Whether a path segment is `.` or `..`, also percent-encoded.
fn is_dot_segment(segment: &str) -> bool {
    if !segment.contains('%') {
        return segment == "." || segment == "..";
    }
    let decoded = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
    decoded == "." || decoded == ".."
}

/// Check that the URL's path is the operation's route with each parameter
/// filling exactly one non-empty segment that is not `.` or `..`.
pub fn check_path(
    baseurl: &str,
    op: &OperationDescription,
    url: &reqwest::Url,
) -> Result<(), RequestError> {
    let refuse = |reason: &str| RequestError::UnsafePath {
        operation: op.id.to_string(),
        route: op.path.to_string(),
        actual: url.path().to_string(),
        reason: reason.to_string(),
    };
    let Some(rest) = url.path().strip_prefix(base_path(baseurl)) else {
        return Err(refuse("the path no longer starts with the base URL's path"));
    };
    let mut expected = op.path.split('/');
    let mut actual = rest.split('/');
    loop {
        match (expected.next(), actual.next()) {
            (None, None) => return Ok(()),
            (Some(_), None) | (None, Some(_)) => {
                return Err(refuse("the number of path segments changed"));
            }
            (Some(want), Some(got)) => {
                if want.starts_with('{') && want.ends_with('}') {
                    if got.is_empty() {
                        return Err(refuse("a path parameter is empty"));
                    }
                    if is_dot_segment(got) {
                        return Err(refuse("a path parameter is `.` or `..`"));
                    }
                } else if want != got {
                    return Err(refuse("a fixed path segment changed"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_paths() {
        assert_eq!(base_path("https://h.example"), "");
        assert_eq!(base_path("https://h.example/"), "");
        assert_eq!(base_path("http://127.0.0.1:8080/api/v2/"), "/api/v2");
        assert_eq!(
            base_path("https://h/api/controller/v2"),
            "/api/controller/v2"
        );
    }

    #[test]
    fn dot_segments() {
        for s in [".", "..", "%2e", "%2E%2e", ".%2E"] {
            assert!(is_dot_segment(s), "{s}");
        }
        for s in ["...", "a.", "%2e%2e%2e", "x"] {
            assert!(!is_dot_segment(s), "{s}");
        }
    }
}
