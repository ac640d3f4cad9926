//! The authentication seam: one trait, [`Authenticate`], that every way of
//! signing in implements (static headers, OCI request signing, OAuth2
//! client credentials, OCI session tokens and principals, ...).
//!
//! The retry loop calls [`Authenticate::authenticate`] before *every*
//! attempt (a signer puts a fresh `date` on each) and
//! [`Authenticate::unauthorized`] when a server answers 401, so that a
//! cached token can be dropped and fetched again once. The loop itself
//! knows no scheme.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use crate::api::AuthScheme;

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

    /// The server answered 401. Drop cached credentials and return `true`
    /// when sending the request once more with fresh ones may succeed
    /// (default: `false`, the 401 is returned as it is).
    fn unauthorized(&self) -> bool {
        false
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
