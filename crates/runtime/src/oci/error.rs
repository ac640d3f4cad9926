//! The errors of OCI sign-in: [`ConfigError`] (config files, keys, tokens
//! and environment variables that cannot be used), [`SignError`] (a request
//! that cannot be signed) and [`FetchError`] (instance-principal calls to
//! the metadata service or the federation endpoint that failed).
//!
//! No message ever contains key material, a token, a pass phrase or a
//! config value other than a path, a profile name or an environment
//! variable's name.

use std::path::PathBuf;

use crate::auth::AuthError;

use super::token::TokenError;

/// An OCI config file, key, token or environment that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A file could not be read.
    #[error("cannot read `{}`: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    #[error(
        "OCI config profile [{profile}] not found{}",
        path.as_ref().map(|path| format!(" in `{}`", path.display())).unwrap_or_default()
    )]
    /// The config file has no such profile (section).
    MissingProfile {
        /// The config file, when read from a file.
        path: Option<PathBuf>,
        /// The profile asked for.
        profile: String,
    },
    /// A required entry is missing or empty in the profile and in `DEFAULT`.
    #[error("OCI config profile [{profile}] has no `{key}` entry")]
    MissingKey {
        /// The profile.
        profile: String,
        /// The entry: `user`, `fingerprint`, `tenancy`, `key_file` or
        /// `security_token_file`.
        key: &'static str,
    },
    #[error(
        "OCI config{} line {line}: expected `[profile]`, `key=value`, a comment or a blank line",
        path.as_ref().map(|path| format!(" `{}`", path.display())).unwrap_or_default()
    )]
    /// A config file line is not a section, entry, comment or blank line.
    Syntax {
        /// The config file, when read from a file.
        path: Option<PathBuf>,
        /// The 1-based line number (the line itself is not shown).
        line: usize,
    },
    /// The key is not a PEM `RSA PRIVATE KEY` or `PRIVATE KEY` block.
    #[error("invalid PEM private key: {0}")]
    InvalidPem(String),
    /// The key is protected by a pass phrase.
    #[error(
        "the private key is encrypted with a pass phrase, which is not supported; \
         supply an unencrypted key (e.g. `openssl rsa -in key.pem -out key-plain.pem`)"
    )]
    EncryptedKey,
    /// The PEM block does not hold a usable RSA key of 2048 to 8192 bits.
    #[error("invalid RSA private key: {0}")]
    InvalidKey(String),
    /// An OCID, the fingerprint or a key id is empty or cannot appear in a
    /// `keyId`.
    #[error("the {0} is empty or contains characters not allowed in an OCI keyId")]
    InvalidKeyId(&'static str),
    /// A security token (session token, RPST) is not a JWT with an `exp`.
    #[error("the security token from {source_name} cannot be used: {reason}")]
    InvalidToken {
        /// Where the token came from: a file path or an environment
        /// variable's name.
        source_name: String,
        /// What is wrong.
        reason: TokenError,
    },
    /// The session token of a config profile has expired.
    #[error(
        "the session token of OCI config profile [{profile}] expired at {expired_at}; \
         run `oci session refresh --profile {profile}` (or, once the session can no longer \
         be refreshed, `oci session authenticate --profile-name {profile}`)"
    )]
    SessionTokenExpired {
        /// The profile.
        profile: String,
        /// The token's `exp`, as an HTTP date.
        expired_at: String,
    },
    /// A token that this client cannot refresh has expired.
    #[error("the security token from {source_name} expired at {expired_at}")]
    TokenExpired {
        /// A file path or an environment variable's name.
        source_name: String,
        /// The token's `exp`, as an HTTP date.
        expired_at: String,
    },
    /// A required environment variable is not set (or is empty).
    #[error("environment variable `{0}` is not set")]
    MissingEnv(&'static str),
    /// An environment variable has a value that cannot be used.
    #[error("environment variable `{name}` cannot be used: {reason}")]
    InvalidEnv {
        /// The variable.
        name: &'static str,
        /// What is wrong (never the value).
        reason: String,
    },
    /// An `OCI_RESOURCE_PRINCIPAL_VERSION` this client does not implement.
    #[error(
        "resource principal version {version} is not supported (supported: 2.2); \
         versions 1.1, 2.1 and 3.0 exchange tokens with endpoints this client does not call"
    )]
    UnsupportedResourcePrincipalVersion {
        /// The version, or `an unrecognized value` if it does not look like one.
        version: String,
    },
    /// A URL option that is not an absolute http(s) URL.
    #[error("invalid {what} `{url}`: {reason}")]
    InvalidUrl {
        /// Which option.
        what: &'static str,
        /// The URL.
        url: String,
        /// What is wrong.
        reason: String,
    },
}

/// A request that cannot be signed.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    /// A header to sign is missing (or the URL has no host).
    #[error("the request has no `{0}` to sign")]
    MissingHeader(&'static str),
    /// A header value to sign or set is not visible ASCII.
    #[error("header `{0}` has a value that cannot be signed")]
    InvalidHeaderValue(String),
    /// The RSA operation failed.
    #[error("RSA signing failed")]
    Crypto,
    /// A `PUT`/`POST`/`PATCH` body is a stream, which cannot be hashed.
    #[error("the request body is a stream, so its x-content-sha256 cannot be computed")]
    UnsupportedBody,
}

/// An instance-principal call that failed: to the instance metadata
/// service or to the federation endpoint.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The instance metadata service did not answer as expected.
    #[error(
        "instance metadata service `{url}`: {reason} (instance principals work only on OCI \
         compute instances; see \
         https://docs.oracle.com/en-us/iaas/Content/Identity/Tasks/callingservicesfrominstances.htm)"
    )]
    Metadata {
        /// The URL asked.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// The federation endpoint did not issue a token.
    #[error("federation endpoint `{url}`: {reason}")]
    Federation {
        /// The endpoint.
        url: String,
        /// What went wrong (status, OCI error code and message).
        reason: String,
    },
    /// What the metadata service served cannot be used.
    #[error("instance identity from `{url}` cannot be used: {reason}")]
    Identity {
        /// The URL it came from.
        url: String,
        /// What is wrong.
        reason: String,
    },
    /// The federation request could not be signed.
    #[error("cannot sign the federation request: {0}")]
    Sign(#[from] SignError),
}

impl FetchError {
    /// The URL involved.
    pub fn url(&self) -> Option<&str> {
        match self {
            FetchError::Metadata { url, .. }
            | FetchError::Federation { url, .. }
            | FetchError::Identity { url, .. } => Some(url),
            FetchError::Sign(_) => None,
        }
    }
}

impl From<SignError> for AuthError {
    fn from(error: SignError) -> Self {
        AuthError::Signing(error.to_string())
    }
}

impl From<FetchError> for AuthError {
    fn from(error: FetchError) -> Self {
        match error {
            FetchError::Sign(error) => error.into(),
            FetchError::Metadata { url, reason } => AuthError::Token {
                endpoint: url,
                reason: format!(
                    "{reason} (instance principals work only on OCI compute instances)"
                ),
            },
            FetchError::Federation { url, reason } | FetchError::Identity { url, reason } => {
                AuthError::Token {
                    endpoint: url,
                    reason,
                }
            }
        }
    }
}

impl From<ConfigError> for AuthError {
    fn from(error: ConfigError) -> Self {
        match error {
            ConfigError::SessionTokenExpired { .. } | ConfigError::TokenExpired { .. } => {
                AuthError::Expired(error.to_string())
            }
            ConfigError::Io { path, source } => AuthError::Token {
                endpoint: path.display().to_string(),
                reason: source.to_string(),
            },
            other => AuthError::Signing(other.to_string()),
        }
    }
}
