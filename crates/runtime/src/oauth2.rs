//! OAuth2 client-credentials flow (RFC 6749 §4.4) as an [`Authenticate`]
//! implementation: the client fetches an access token from the spec's
//! declared token URL, caches it until shortly before it expires, and
//! fetches a new one once when the API answers 401.
//!
//! The client authenticates to the token endpoint with HTTP Basic
//! (`client_secret_basic`, §2.3.1), the form every provider must accept.
//! Neither the client secret nor a token appears in `Debug` output or in an
//! [`AuthError`].

use std::sync::Mutex;
use std::time::{Duration, Instant};

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};

use crate::api::AuthScheme;
use crate::auth::{AuthError, AuthFuture, Authenticate};
use crate::secret::Secret;

/// A token is renewed this long before the server says it expires.
const EXPIRY_MARGIN: Duration = Duration::from_secs(30);
/// The lifetime assumed when the token response has no `expires_in`.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(300);
/// The largest token response read.
const MAX_TOKEN_RESPONSE: usize = 64 * 1024;

/// Fetches, caches and refreshes client-credentials access tokens.
pub struct ClientCredentials {
    token_url: String,
    client_id: String,
    client_secret: Secret,
    scopes: Vec<String>,
    scheme: AuthScheme,
    cached: Mutex<Option<(Secret, Instant)>>,
    fetching: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

impl ClientCredentials {
    /// Tokens from `token_url` (absolute, or relative to the API's base URL)
    /// for this client, with these scopes (none: the server's default).
    pub fn new(
        scheme: AuthScheme,
        token_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
        scopes: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        Self {
            token_url: token_url.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            scopes: scopes.into_iter().map(Into::into).collect(),
            scheme,
            cached: Mutex::new(None),
            fetching: tokio::sync::Mutex::new(()),
        }
    }

    fn current(&self) -> Option<Secret> {
        let cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
        cached
            .as_ref()
            .filter(|(_, until)| Instant::now() < *until)
            .map(|(token, _)| token.clone())
    }

    /// The token URL, resolved against the request's origin when relative.
    fn endpoint(&self, request: &reqwest::Request) -> Result<reqwest::Url, AuthError> {
        let bad = |reason: String| AuthError::Token {
            endpoint: self.token_url.clone(),
            reason,
        };
        match reqwest::Url::parse(&self.token_url) {
            Ok(url) => Ok(url),
            Err(_) => request
                .url()
                .join(&self.token_url)
                .map_err(|e| bad(format!("not a URL: {e}"))),
        }
    }

    async fn fetch(
        &self,
        http: &reqwest::Client,
        endpoint: reqwest::Url,
    ) -> Result<Secret, AuthError> {
        let shown = endpoint.as_str().to_string();
        let fail = |reason: String| AuthError::Token {
            endpoint: shown.clone(),
            reason,
        };
        let mut form = String::from("grant_type=client_credentials");
        if !self.scopes.is_empty() {
            form.push_str("&scope=");
            form.push_str(&form_encode(&self.scopes.join(" ")));
        }
        use base64::Engine as _;
        let basic = base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            form_encode(&self.client_id),
            form_encode(self.client_secret.expose_secret())
        ));
        let mut auth = HeaderValue::from_str(&format!("Basic {basic}"))
            .map_err(|_| AuthError::InvalidHeader("authorization".into()))?;
        auth.set_sensitive(true);
        let response = http
            .post(endpoint)
            .header(AUTHORIZATION, auth)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(ACCEPT, "application/json")
            .body(form)
            .send()
            .await
            .map_err(|e| fail(format!("request failed: {}", without_url(&e))))?;
        let status = response.status();
        let body = read_capped(response)
            .await
            .map_err(|e| fail(format!("reading the response failed: {e}")))?;
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        if !status.is_success() {
            // RFC 6749 §5.2: `error` (and `error_description`) name the problem.
            let code = json
                .get("error")
                .and_then(|v| v.as_str())
                .unwrap_or("no error code");
            return Err(fail(format!("HTTP {status}: {code}")));
        }
        let Some(token) = json.get("access_token").and_then(|v| v.as_str()) else {
            return Err(fail("the response has no `access_token`".into()));
        };
        if let Some(kind) = json.get("token_type").and_then(|v| v.as_str())
            && !kind.eq_ignore_ascii_case("bearer")
        {
            return Err(fail(format!("token type `{kind}` is not bearer")));
        }
        let lifetime = json
            .get("expires_in")
            .and_then(|v| {
                v.as_u64()
                    .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            })
            .map(Duration::from_secs)
            .unwrap_or(DEFAULT_LIFETIME);
        let until = Instant::now() + lifetime.saturating_sub(EXPIRY_MARGIN);
        let token = Secret::new(token);
        *self.cached.lock().unwrap_or_else(|e| e.into_inner()) = Some((token.clone(), until));
        Ok(token)
    }
}

impl Authenticate for ClientCredentials {
    fn scheme(&self) -> AuthScheme {
        self.scheme.clone()
    }

    fn authenticate<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        http: &'a reqwest::Client,
    ) -> AuthFuture<'a> {
        Box::pin(async move {
            let token = match self.current() {
                Some(token) => token,
                None => {
                    // One fetch at a time; whoever waited uses its result.
                    let _guard = self.fetching.lock().await;
                    match self.current() {
                        Some(token) => token,
                        None => self.fetch(http, self.endpoint(request)?).await?,
                    }
                }
            };
            let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose_secret()))
                .map_err(|_| AuthError::InvalidHeader("authorization".into()))?;
            value.set_sensitive(true);
            request.headers_mut().insert(AUTHORIZATION, value);
            Ok(())
        })
    }

    fn unauthorized(&self) -> bool {
        // The token may have been revoked early: drop it and try once more.
        self.cached
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .is_some()
    }
}

/// `application/x-www-form-urlencoded` encoding of one value.
fn form_encode(value: &str) -> String {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    const FORM: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    utf8_percent_encode(value, FORM).to_string()
}

/// A reqwest error's text without its URL (the URL may carry a query).
fn without_url(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    if let Some(url) = e.url() {
        text = text.replace(url.as_str(), "<token endpoint>");
    }
    text
}

async fn read_capped(mut response: reqwest::Response) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| without_url(&e))? {
        if body.len() + chunk.len() > MAX_TOKEN_RESPONSE {
            return Err(format!("larger than {MAX_TOKEN_RESPONSE} bytes"));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use httpmock::prelude::*;

    fn scheme() -> AuthScheme {
        AuthScheme::OAuth2 {
            token_url: Some("/oauth/token"),
            scopes: &[],
        }
    }

    async fn authorize(auth: &ClientCredentials, base: &str) -> Result<String, AuthError> {
        let http = reqwest::Client::new();
        let mut request = reqwest::Request::new(
            reqwest::Method::GET,
            reqwest::Url::parse(&format!("{base}/api/credentials/1")).unwrap(),
        );
        auth.authenticate(&mut request, &http).await?;
        Ok(request.headers()[AUTHORIZATION]
            .to_str()
            .unwrap()
            .to_string())
    }

    #[tokio::test]
    async fn fetches_once_caches_and_refreshes_after_a_401() {
        let server = MockServer::start_async().await;
        use base64::Engine as _;
        let basic = base64::engine::general_purpose::STANDARD.encode("my-client:s3cr%2Ft");
        let token = server
            .mock_async(|when, then| {
                when.method(POST)
                    .path("/oauth/token")
                    .header("authorization", format!("Basic {basic}"))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body("grant_type=client_credentials&scope=read%20write");
                then.status(200).json_body(serde_json::json!({
                    "access_token": "tok-1", "token_type": "Bearer", "expires_in": 3600
                }));
            })
            .await;
        let auth = ClientCredentials::new(
            scheme(),
            "/oauth/token",
            "my-client",
            "s3cr/t",
            ["read", "write"],
        );
        assert_eq!(
            authorize(&auth, &server.base_url()).await.unwrap(),
            "Bearer tok-1"
        );
        assert_eq!(
            authorize(&auth, &server.base_url()).await.unwrap(),
            "Bearer tok-1"
        );
        assert_eq!(token.calls_async().await, 1, "cached");
        assert!(auth.unauthorized(), "a cached token is dropped on 401");
        assert!(!auth.unauthorized(), "only once");
        authorize(&auth, &server.base_url()).await.unwrap();
        assert_eq!(token.calls_async().await, 2, "fetched again after the 401");
        let shown = format!("{auth:?}");
        assert!(
            !shown.contains("s3cr") && !shown.contains("tok-1"),
            "{shown}"
        );
    }

    #[tokio::test]
    async fn an_expiring_token_is_renewed_and_errors_name_the_endpoint_only() {
        let server = MockServer::start_async().await;
        let token = server
            .mock_async(|when, then| {
                when.method(POST).path("/t");
                then.status(200)
                    .json_body(serde_json::json!({"access_token": "short", "expires_in": 10}));
            })
            .await;
        let auth = ClientCredentials::new(
            scheme(),
            server.url("/t"),
            "c",
            "secret-value",
            Vec::<String>::new(),
        );
        authorize(&auth, "http://unused.invalid").await.unwrap();
        authorize(&auth, "http://unused.invalid").await.unwrap();
        assert_eq!(
            token.calls_async().await,
            2,
            "a token within the margin is not reused"
        );

        let refused = MockServer::start_async().await;
        refused
            .mock_async(|when, then| {
                when.method(POST).path("/t");
                then.status(401)
                    .json_body(serde_json::json!({"error": "invalid_client"}));
            })
            .await;
        let auth = ClientCredentials::new(
            scheme(),
            refused.url("/t"),
            "c",
            "secret-value",
            Vec::<String>::new(),
        );
        let err = authorize(&auth, "http://unused.invalid")
            .await
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("invalid_client") && err.contains("/t"),
            "{err}"
        );
        assert!(!err.contains("secret-value"), "{err}");
    }
}
