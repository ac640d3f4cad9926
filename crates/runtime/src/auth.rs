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
//! [`crate::Auth`] (`client_auth.rs`) is the convenient front the
//! generated builders use: static credentials ([`StaticHeader`]: bearer,
//! basic, API key with the spec's prefix; the header is built once and
//! marked sensitive), OCI request signing (`impl Authenticate for
//! oci::Signer`), or any implementation of the trait. This module is the
//! seam only, so that the implementations (`oci`, `oauth2`) depend on it
//! and it on none of them.

mod static_header;

use std::fmt;
use std::future::Future;
use std::pin::Pin;

pub use static_header::StaticHeader;

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
