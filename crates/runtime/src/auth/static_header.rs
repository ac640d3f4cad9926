//! Static credentials: one header, built once when the client is built and
//! marked sensitive (so `reqwest`/`http` never print it), added to every
//! attempt. Bearer tokens, HTTP Basic and API keys in a header (with the
//! prefix the spec declares, e.g. `SSWS ` for Okta).

use std::fmt;

use base64::Engine as _;
use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};

use super::{AuthError, AuthFuture, Authenticate};
use crate::api::AuthScheme;
use crate::secret::Secret;

/// A header with a credential, the same on every request. `Debug` shows
/// the header name and scheme, never the value.
#[derive(Clone)]
pub struct StaticHeader {
    scheme: AuthScheme,
    name: HeaderName,
    value: HeaderValue,
}

impl fmt::Debug for StaticHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticHeader")
            .field("scheme", &self.scheme)
            .field("header", &self.name.as_str())
            .field("value", &crate::secret::REDACTED)
            .finish()
    }
}

impl StaticHeader {
    /// `Authorization: Bearer <token>`.
    ///
    /// # Errors
    /// [`AuthError::InvalidHeader`] if the token cannot be a header value.
    pub fn bearer(token: &Secret) -> Result<Self, AuthError> {
        Self::new(
            AuthScheme::Bearer,
            AUTHORIZATION,
            &format!("Bearer {}", token.expose_secret()),
        )
    }

    /// `Authorization: Basic base64(<username>:<password>)`.
    ///
    /// # Errors
    /// [`AuthError::InvalidHeader`] if the result cannot be a header value.
    pub fn basic(username: &str, password: &Secret) -> Result<Self, AuthError> {
        let raw = format!("{username}:{}", password.expose_secret());
        let encoded = base64::engine::general_purpose::STANDARD.encode(raw);
        Self::new(
            AuthScheme::Basic,
            AUTHORIZATION,
            &format!("Basic {encoded}"),
        )
    }

    /// `<header>: <prefix><key>`.
    ///
    /// # Errors
    /// [`AuthError::InvalidHeader`] if `header` is not a header name or the
    /// key cannot be a header value.
    pub fn api_key(
        header: &'static str,
        prefix: &'static str,
        key: &Secret,
    ) -> Result<Self, AuthError> {
        let name = HeaderName::from_bytes(header.as_bytes())
            .map_err(|_| AuthError::InvalidHeader(header.to_string()))?;
        Self::new(
            AuthScheme::ApiKeyHeader {
                name: header,
                prefix,
            },
            name,
            &format!("{prefix}{}", key.expose_secret()),
        )
    }

    fn new(scheme: AuthScheme, name: HeaderName, value: &str) -> Result<Self, AuthError> {
        let mut value = HeaderValue::from_str(value)
            .map_err(|_| AuthError::InvalidHeader(name.as_str().to_string()))?;
        value.set_sensitive(true);
        Ok(Self {
            scheme,
            name,
            value,
        })
    }

    /// Add the header (replacing any earlier value).
    pub fn apply(&self, request: &mut reqwest::Request) {
        request
            .headers_mut()
            .insert(self.name.clone(), self.value.clone());
    }
}

impl Authenticate for StaticHeader {
    fn scheme(&self) -> AuthScheme {
        self.scheme.clone()
    }

    fn authenticate<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        _http: &'a reqwest::Client,
    ) -> AuthFuture<'a> {
        self.apply(request);
        Box::pin(std::future::ready(Ok(())))
    }

    fn authenticate_now(&self, request: &mut reqwest::Request) -> Option<Result<(), AuthError>> {
        self.apply(request);
        Some(Ok(()))
    }

    fn may_refresh(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> reqwest::Request {
        reqwest::Request::new(reqwest::Method::GET, "http://127.0.0.1/x".parse().unwrap())
    }

    #[test]
    fn headers_are_built_once_and_sensitive() {
        let secret = Secret::new("s3cr3t");
        let cases = [
            (
                StaticHeader::bearer(&secret).unwrap(),
                "authorization",
                "Bearer s3cr3t",
            ),
            (
                StaticHeader::basic("admin", &secret).unwrap(),
                "authorization",
                "Basic YWRtaW46czNjcjN0",
            ),
            (
                StaticHeader::api_key("X-User-Token", "", &secret).unwrap(),
                "x-user-token",
                "s3cr3t",
            ),
            (
                StaticHeader::api_key("Authorization", "SSWS ", &secret).unwrap(),
                "authorization",
                "SSWS s3cr3t",
            ),
        ];
        for (auth, name, value) in cases {
            assert!(!format!("{auth:?}").contains("s3cr3t"));
            assert!(!format!("{auth:?}").contains("YWRtaW46"));
            let mut r = request();
            auth.apply(&mut r);
            auth.apply(&mut r);
            assert_eq!(r.headers().get_all(name).iter().count(), 1);
            let got = r.headers().get(name).unwrap();
            assert!(got.is_sensitive());
            assert_eq!(got.to_str().unwrap(), value);
        }
    }

    #[test]
    fn a_token_that_cannot_be_a_header_is_refused_without_showing_it() {
        let err = StaticHeader::bearer(&Secret::new("line\nbreak")).unwrap_err();
        assert_eq!(err.to_string(), "invalid value for header `authorization`");
        let err = StaticHeader::api_key("bad header", "", &Secret::new("k")).unwrap_err();
        assert!(err.to_string().contains("bad header"), "{err}");
    }
}
