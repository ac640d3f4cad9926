//! Signing in to Oracle Cloud Infrastructure, as Oracle's own SDKs and CLIs
//! do.
//!
//! Every OCI call carries an HTTP signature (draft-cavage-http-signatures-08,
//! `rsa-sha256`; [`Signer`]). What differs between the ways of signing in
//! is the key and the `keyId`:
//!
//! | mode ([`OciAuthMode`]) | `keyId` | key | type |
//! |---|---|---|---|
//! | API key | `<tenancy>/<user>/<fingerprint>` | the profile's `key_file` | [`Signer`] |
//! | session token | `ST$<token>` (`security_token_file`, re-read when it changes) | the profile's `key_file` | [`SessionTokenAuth`] |
//! | instance principal | `ST$<token>` from the federation endpoint | a session key generated here | [`InstancePrincipalAuth`] |
//! | resource principal | `ST$<rpst>` (`OCI_RESOURCE_PRINCIPAL_RPST`) | `OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM` | [`ResourcePrincipalAuth`] |
//!
//! [`OciAuth`] is the single entry point ([`OciAuth::from_profile`],
//! [`OciAuth::instance_principal`], [`OciAuth::resource_principal`]); every
//! mode implements [`crate::Authenticate`], so the retry loop signs each
//! attempt afresh and tells it about a 401. Oracle's AIDP CLI defaults to
//! session tokens ([`OciAuthMode::AIDP_CLI_DEFAULT`]).
//!
//! [`OciConfig`] reads a profile of an OCI config file (`~/.oci/config`);
//! [`realm`] maps regions to their realm's second-level domain.
//!
//! Private keys, tokens and pass phrases never appear in `Debug` output or
//! in error messages.

mod certificate;
mod der;
mod error;
mod federation;
mod fetch;
mod instance_principal;
mod key;
mod mode;
mod pem;
mod profile;
pub mod realm;
mod resource_principal;
mod session;
mod signer;
mod token;
mod watched;

#[cfg(test)]
mod reference_rsa;
#[cfg(test)]
mod tests;

pub use error::{ConfigError, FetchError, SignError};
pub use instance_principal::{
    AUTH_CLIENT_URL_ENV, DEFAULT_METADATA_URL, InstancePrincipalAuth, InstancePrincipalOptions,
    METADATA_URL_ENV,
};
pub use mode::{OciAuth, OciAuthMode, UnknownAuthMode};
pub use profile::OciConfig;
pub use resource_principal::ResourcePrincipalAuth;
pub use session::SessionTokenAuth;
pub use signer::Signer;
pub use token::TokenError;

/// The environment variables of resource principals (version 2.2).
pub mod resource_principal_env {
    pub use super::resource_principal::{
        PASSPHRASE_ENV, PRIVATE_PEM_ENV, REGION_ENV, RPST_ENV, VERSION_ENV,
    };
}
