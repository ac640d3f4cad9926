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

#[cfg(feature = "oci")]
mod certificate;
#[cfg(feature = "oci")]
mod der;
#[cfg(feature = "oci")]
mod error;
#[cfg(feature = "oci")]
mod federation;
#[cfg(feature = "oci")]
mod fetch;
#[cfg(feature = "oci")]
mod instance_principal;
#[cfg(feature = "oci")]
mod key;
#[cfg(feature = "oci")]
mod mode;
#[cfg(feature = "oci")]
mod pem;
#[cfg(feature = "oci")]
mod profile;
pub mod realm;
#[cfg(feature = "oci")]
mod resource_principal;
#[cfg(feature = "oci")]
mod session;
#[cfg(feature = "oci")]
mod signer;
#[cfg(feature = "oci")]
mod token;
#[cfg(feature = "oci")]
mod watched;

#[cfg(test)]
#[cfg(feature = "oci")]
mod reference_rsa;
#[cfg(test)]
#[cfg(feature = "oci")]
mod tests;

#[cfg(feature = "oci")]
pub use error::{ConfigError, FetchError, SignError};
#[cfg(feature = "oci")]
pub use instance_principal::{
    AUTH_CLIENT_URL_ENV, DEFAULT_METADATA_URL, InstancePrincipalAuth, InstancePrincipalOptions,
    METADATA_URL_ENV,
};
#[cfg(feature = "oci")]
pub use mode::{OciAuth, OciAuthMode, UnknownAuthMode};
#[cfg(feature = "oci")]
pub use profile::OciConfig;
#[cfg(feature = "oci")]
pub use resource_principal::ResourcePrincipalAuth;
#[cfg(feature = "oci")]
pub use session::SessionTokenAuth;
#[cfg(feature = "oci")]
pub use signer::Signer;
#[cfg(feature = "oci")]
pub use token::TokenError;

#[cfg(feature = "oci")]
/// The environment variables of resource principals (version 2.2).
pub mod resource_principal_env {
    pub use super::resource_principal::{
        PASSPHRASE_ENV, PRIVATE_PEM_ENV, REGION_ENV, RPST_ENV, VERSION_ENV,
    };
}
