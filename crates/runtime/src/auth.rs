//! The authentication seam: one trait, [`Authenticate`], that every way of
//! signing in implements (static headers, OCI request signing, OAuth2
//! client credentials, OCI session tokens and principals, ...).
//!
//! The retry loop calls [`Authenticate::authenticate`] before *every*
//! attempt (a signer puts a fresh `date` on each) and
//! [`Authenticate::unauthorized`] when a server answers 401, so that a
//! cached token can be dropped and fetched again once. The loop itself
//! knows no scheme.
//!
//! [`Auth`] is the convenient front the generated builders use: static
//! credentials ([`StaticHeader`]: bearer, basic, API key with the spec's
//! prefix; the header is built once and marked sensitive), OCI request
//! signing (`impl Authenticate for oci::Signer`), or any implementation of
//! the trait ([`Auth::Custom`]: OAuth2, OCI session tokens and principals,
//! ...).

mod static_header;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub use static_header::StaticHeader;

use crate::api::{ApiDescription, AuthScheme};
#[cfg(feature = "oci")]
use crate::oci;
use crate::secret::Secret;

/// The future [`Authenticate::authenticate`] returns.
pub type AuthFuture<'a> = Pin<Box<dyn Future<Output = Result<(), AuthError>> + Send + 'a>>;

/// Adds credentials to a request. Implementations never put a secret in
/// `Debug` output or in an [`AuthError`].
pub trait Authenticate: fmt::Debug + Send + Sync {
    /// The spec security scheme this implements (checked against the
    /// spec when the client is built).
    fn scheme(&self) -> AuthScheme;

    /// Add credentials to `request` just before an attempt is sent; called
    /// again for every retry. `http` is the client's own HTTP client, for
    /// schemes that fetch tokens (its timeouts, TLS and proxy settings
    /// apply to those calls too).
    fn authenticate<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        http: &'a reqwest::Client,
    ) -> AuthFuture<'a>;

    /// Add credentials without waiting, when that is possible (static
    /// headers, request signing): `Some(result)` skips
    /// [`Authenticate::authenticate`] and its boxed future. Default: `None`.
    fn authenticate_now(&self, request: &mut reqwest::Request) -> Option<Result<(), AuthError>> {
        let _ = request;
        None
    }

    /// The server answered 401. Drop cached credentials and return `true`
    /// when sending the request once more with fresh ones may succeed
    /// (default: `false`, the 401 is returned as it is).
    fn unauthorized(&self) -> bool {
        false
    }

    /// Whether [`Authenticate::unauthorized`] can ever return `true`. When
    /// it cannot (static credentials, request signing), the transport keeps
    /// no copy of a request for a resend after a 401. Default: `true`, the
    /// safe answer for an implementation that refreshes.
    fn may_refresh(&self) -> bool {
        true
    }
}

/// Why credentials could not be added to a request. Never holds a secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// A credential cannot be a header value (e.g. a newline in a token).
    #[error("invalid value for header `{0}`")]
    InvalidHeader(String),
    /// Request signing failed.
    #[error("request signing failed: {0}")]
    Signing(String),
    /// A token could not be obtained or refreshed.
    #[error("could not obtain an access token from {endpoint}: {reason}")]
    Token {
        /// The token endpoint or source (a URL or file path, never a secret).
        endpoint: String,
        /// What went wrong.
        reason: String,
    },
    /// A credential has expired and cannot be refreshed by the client.
    #[error("{0}")]
    Expired(String),
}

/// How a client authenticates. `Debug` never shows a secret.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Auth {
    /// `Authorization: Bearer <token>`.
    Bearer(Secret),
    /// HTTP Basic.
    Basic {
        /// The user name.
        username: String,
        /// The password.
        password: Secret,
    },
    /// A key in a request header; the spec's `prefix` for that header (if
    /// any) is put before the key.
    ApiKeyHeader {
        /// The header name.
        header: &'static str,
        /// The key.
        value: Secret,
    },
    /// OCI request signing; every attempt is signed with a fresh `date`.
    #[cfg(feature = "oci")]
    Oci(Arc<oci::Signer>),
    /// Any other way of signing in (OAuth2 client credentials, OCI session
    /// tokens or principals, a vault lookup, ...).
    Custom(Arc<dyn Authenticate>),
}

impl Auth {
    /// Wrap an [`Authenticate`] implementation.
    pub fn custom(auth: impl Authenticate + 'static) -> Self {
        Auth::Custom(Arc::new(auth))
    }

    /// The scheme this auth implements (for an API key without the spec's
    /// prefix, which [`Auth::authenticator`] fills in).
    pub fn scheme(&self) -> AuthScheme {
        match self {
            Auth::Bearer(_) => AuthScheme::Bearer,
            Auth::Basic { .. } => AuthScheme::Basic,
            Auth::ApiKeyHeader { header, .. } => AuthScheme::ApiKeyHeader {
                name: header,
                prefix: "",
            },
            #[cfg(feature = "oci")]
            Auth::Oci(signer) => signer.scheme(),
            Auth::Custom(auth) => auth.scheme(),
        }
    }

    /// The implementation for `api`, after checking that its spec declares
    /// the scheme (API-key headers match by name, case-insensitively, and
    /// take the spec's prefix).
    ///
    /// # Errors
    /// [`AuthSetupError::NotSupported`] if the spec does not declare the
    /// scheme, [`AuthSetupError::Invalid`] if a credential cannot be a
    /// header value.
    pub fn authenticator(
        self,
        api: &ApiDescription,
    ) -> Result<Arc<dyn Authenticate>, AuthSetupError> {
        let scheme = self.scheme();
        let declared = api.auth.iter().find(|s| scheme_matches(s, &scheme));
        let Some(declared) = declared else {
            return Err(AuthSetupError::NotSupported(scheme));
        };
        Ok(match self {
            Auth::Bearer(token) => Arc::new(StaticHeader::bearer(&token)?),
            Auth::Basic { username, password } => {
                Arc::new(StaticHeader::basic(&username, &password)?)
            }
            Auth::ApiKeyHeader { header, value } => {
                let prefix = match declared {
                    AuthScheme::ApiKeyHeader { prefix, .. } => prefix,
                    _ => "",
                };
                Arc::new(StaticHeader::api_key(header, prefix, &value)?)
            }
            #[cfg(feature = "oci")]
            Auth::Oci(signer) => signer,
            Auth::Custom(auth) => auth,
        })
    }
}

/// Whether the spec's `declared` scheme is the one `wanted` implements.
fn scheme_matches(declared: &AuthScheme, wanted: &AuthScheme) -> bool {
    match (declared, wanted) {
        (AuthScheme::ApiKeyHeader { name: a, .. }, AuthScheme::ApiKeyHeader { name: b, .. }) => {
            a.eq_ignore_ascii_case(b)
        }
        // A custom OAuth2 authenticator need not know the spec's token URL.
        (AuthScheme::OAuth2 { .. }, AuthScheme::OAuth2 { .. }) => true,
        // An access token may always be sent as a bearer token where the
        // spec declares OAuth2.
        (AuthScheme::OAuth2 { .. }, AuthScheme::Bearer) => true,
        _ => declared == wanted,
    }
}

/// Why an [`Auth`] cannot be used with an API.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthSetupError {
    /// The spec does not declare this scheme.
    #[error("the API does not support {0:?} authentication")]
    NotSupported(AuthScheme),
    /// A credential cannot be sent (e.g. a newline in a token).
    #[error(transparent)]
    Invalid(#[from] AuthError),
}
