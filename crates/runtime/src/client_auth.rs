//! [`Auth`]: how a client authenticates, as the generated builders take it
//! (`.bearer_token(..)`, `.basic_auth(..)`, `.oci_signer(..)`, ...), checked
//! against the spec's security schemes and turned into an
//! [`Authenticate`] implementation when the client is built.

use std::sync::Arc;

use crate::api::{ApiDescription, AuthScheme};
use crate::auth::{AuthError, Authenticate, StaticHeader};
#[cfg(feature = "oci")]
use crate::oci;
use crate::secret::Secret;

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
