//! One entry point for every way of signing in to OCI, as Oracle's CLIs
//! offer them (`--auth api_key | security_token | instance_principal |
//! resource_principal`): [`OciAuth`], which implements [`Authenticate`].
//!
//! Oracle's AIDP CLI defaults to `security_token`
//! (`aidp-cli/aidp-npm-cli/src/config.ts`: `DEFAULT_AUTH = "security_token"`);
//! the OCI CLI defaults to `api_key`. [`OciAuth::from_profile`] picks by
//! the profile: a `security_token_file` entry means a session-token
//! profile, so a profile written by `oci session authenticate` works the
//! way the AIDP CLI's default does, and an API-key profile the way the OCI
//! CLI's does. (The Go SDK's file provider prefers the API key when a
//! profile has both `user` and `security_token_file`; use
//! [`OciAuth::api_key`] for that.)

use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use reqwest::Request;

use crate::api::AuthScheme;
use crate::auth::{AuthFuture, Authenticate};

use super::error::ConfigError;
use super::instance_principal::{InstancePrincipalAuth, InstancePrincipalOptions};
use super::profile::OciConfig;
use super::resource_principal::ResourcePrincipalAuth;
use super::session::SessionTokenAuth;
use super::signer::Signer;

/// A way of signing in to OCI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OciAuthMode {
    /// An API key of a user (`<tenancy>/<user>/<fingerprint>`).
    ApiKey,
    /// A session token of a config profile (`oci session authenticate`).
    SessionToken,
    /// The compute instance's identity.
    InstancePrincipal,
    /// The identity of the resource the program runs in.
    ResourcePrincipal,
}

impl OciAuthMode {
    /// Every mode.
    pub const ALL: [OciAuthMode; 4] = [
        OciAuthMode::ApiKey,
        OciAuthMode::SessionToken,
        OciAuthMode::InstancePrincipal,
        OciAuthMode::ResourcePrincipal,
    ];

    /// The mode Oracle's AIDP CLI uses by default (`security_token`).
    pub const AIDP_CLI_DEFAULT: OciAuthMode = OciAuthMode::SessionToken;

    /// `api-key`, `session-token`, `instance-principal`, `resource-principal`.
    pub fn as_str(self) -> &'static str {
        match self {
            OciAuthMode::ApiKey => "api-key",
            OciAuthMode::SessionToken => "session-token",
            OciAuthMode::InstancePrincipal => "instance-principal",
            OciAuthMode::ResourcePrincipal => "resource-principal",
        }
    }

    /// Oracle's CLI name: `api_key`, `security_token`, `instance_principal`,
    /// `resource_principal`.
    pub fn oracle_name(self) -> &'static str {
        match self {
            OciAuthMode::ApiKey => "api_key",
            OciAuthMode::SessionToken => "security_token",
            OciAuthMode::InstancePrincipal => "instance_principal",
            OciAuthMode::ResourcePrincipal => "resource_principal",
        }
    }
}

impl fmt::Display for OciAuthMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not an [`OciAuthMode`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown OCI auth mode `{0}`; expected api-key, session-token, instance-principal or resource-principal"
)]
pub struct UnknownAuthMode(pub String);

impl FromStr for OciAuthMode {
    type Err = UnknownAuthMode;

    /// Accepts [`OciAuthMode::as_str`], Oracle's names
    /// ([`OciAuthMode::oracle_name`]) and `security-token`, any case.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let normalized = text.trim().to_ascii_lowercase().replace('_', "-");
        match normalized.as_str() {
            "api-key" => Ok(OciAuthMode::ApiKey),
            "session-token" | "security-token" => Ok(OciAuthMode::SessionToken),
            "instance-principal" => Ok(OciAuthMode::InstancePrincipal),
            "resource-principal" => Ok(OciAuthMode::ResourcePrincipal),
            _ => Err(UnknownAuthMode(text.chars().take(40).collect())),
        }
    }
}

/// Signs OCI requests in any [`OciAuthMode`]. Cheap to clone.
#[derive(Clone)]
pub struct OciAuth {
    inner: Inner,
}

#[derive(Clone)]
enum Inner {
    ApiKey {
        signer: Arc<Signer>,
        region: Option<String>,
    },
    SessionToken(Arc<SessionTokenAuth>),
    InstancePrincipal(Arc<InstancePrincipalAuth>),
    ResourcePrincipal(Arc<ResourcePrincipalAuth>),
}

impl fmt::Debug for OciAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            Inner::ApiKey { signer, region } => f
                .debug_struct("OciAuth::ApiKey")
                .field("signer", signer)
                .field("region", region)
                .finish(),
            Inner::SessionToken(auth) => fmt::Debug::fmt(auth, f),
            Inner::InstancePrincipal(auth) => fmt::Debug::fmt(auth, f),
            Inner::ResourcePrincipal(auth) => fmt::Debug::fmt(auth, f),
        }
    }
}

impl OciAuth {
    /// `profile` of the config file at `path`: session-token sign-in if it
    /// has a `security_token_file`, else its API key.
    ///
    /// # Errors
    /// As [`OciConfig::from_file`], [`Signer::from_key_file`] and
    /// [`SessionTokenAuth::from_config`].
    pub fn from_profile(path: impl AsRef<Path>, profile: &str) -> Result<OciAuth, ConfigError> {
        OciAuth::from_config(&OciConfig::from_file(path, profile)?)
    }

    /// [`OciAuth::from_profile`] for a parsed profile.
    ///
    /// # Errors
    /// As [`OciAuth::from_profile`].
    pub fn from_config(config: &OciConfig) -> Result<OciAuth, ConfigError> {
        if config.is_session() {
            OciAuth::session_token_from_config(config)
        } else {
            OciAuth::api_key_from_config(config)
        }
    }

    /// The API key of `profile` (`user`, `fingerprint`, `tenancy`,
    /// `key_file`), even if the profile also has a `security_token_file`.
    ///
    /// # Errors
    /// As [`OciConfig::from_file`] (a missing `user` or `fingerprint` is
    /// [`ConfigError::MissingKey`]) and [`Signer::from_key_file`].
    pub fn api_key(path: impl AsRef<Path>, profile: &str) -> Result<OciAuth, ConfigError> {
        OciAuth::api_key_from_config(&OciConfig::from_file(path, profile)?)
    }

    fn api_key_from_config(config: &OciConfig) -> Result<OciAuth, ConfigError> {
        for (key, value) in [("user", &config.user), ("fingerprint", &config.fingerprint)] {
            if value.is_empty() {
                return Err(ConfigError::MissingKey {
                    profile: config.profile.clone(),
                    key,
                });
            }
        }
        let signer = Signer::from_key_file(
            &config.tenancy,
            &config.user,
            &config.fingerprint,
            &config.key_file,
        )?;
        Ok(OciAuth::from_signer(signer, config.region.clone()))
    }

    /// The session token of `profile`, which must have a
    /// `security_token_file`.
    ///
    /// # Errors
    /// As [`SessionTokenAuth::from_profile`].
    pub fn session_token(path: impl AsRef<Path>, profile: &str) -> Result<OciAuth, ConfigError> {
        OciAuth::session_token_from_config(&OciConfig::from_file(path, profile)?)
    }

    fn session_token_from_config(config: &OciConfig) -> Result<OciAuth, ConfigError> {
        Ok(OciAuth {
            inner: Inner::SessionToken(Arc::new(SessionTokenAuth::from_config(config)?)),
        })
    }

    /// An API-key signer as it is (for example one made with
    /// [`Signer::from_pkcs8_der`]), with the region to use if known.
    pub fn from_signer(signer: Signer, region: Option<String>) -> OciAuth {
        OciAuth {
            inner: Inner::ApiKey {
                signer: Arc::new(signer),
                region,
            },
        }
    }

    /// Instance principals; nothing is fetched until the first request.
    ///
    /// # Errors
    /// As [`InstancePrincipalAuth::new`].
    pub fn instance_principal(options: InstancePrincipalOptions) -> Result<OciAuth, ConfigError> {
        Ok(OciAuth {
            inner: Inner::InstancePrincipal(Arc::new(InstancePrincipalAuth::new(options)?)),
        })
    }

    /// Resource principals from an explicit environment.
    ///
    /// # Errors
    /// As [`ResourcePrincipalAuth::from_env_map`].
    pub fn resource_principal<K, V>(
        env: impl IntoIterator<Item = (K, V)>,
    ) -> Result<OciAuth, ConfigError>
    where
        K: Into<String>,
        V: Into<String>,
    {
        Ok(OciAuth {
            inner: Inner::ResourcePrincipal(Arc::new(ResourcePrincipalAuth::from_env_map(env)?)),
        })
    }

    /// Resource principals from the process environment.
    ///
    /// # Errors
    /// As [`ResourcePrincipalAuth::from_env`].
    pub fn resource_principal_from_env() -> Result<OciAuth, ConfigError> {
        Ok(OciAuth {
            inner: Inner::ResourcePrincipal(Arc::new(ResourcePrincipalAuth::from_env()?)),
        })
    }

    /// The mode.
    pub fn mode(&self) -> OciAuthMode {
        match &self.inner {
            Inner::ApiKey { .. } => OciAuthMode::ApiKey,
            Inner::SessionToken(_) => OciAuthMode::SessionToken,
            Inner::InstancePrincipal(_) => OciAuthMode::InstancePrincipal,
            Inner::ResourcePrincipal(_) => OciAuthMode::ResourcePrincipal,
        }
    }

    /// The region known without a network call: the profile's `region`,
    /// or `OCI_RESOURCE_PRINCIPAL_REGION`. For instance principals use
    /// [`InstancePrincipalAuth::region`] (via
    /// [`OciAuth::as_instance_principal`]).
    pub fn region(&self) -> Option<&str> {
        match &self.inner {
            Inner::ApiKey { region, .. } => region.as_deref(),
            Inner::SessionToken(auth) => auth.region(),
            Inner::InstancePrincipal(_) => None,
            Inner::ResourcePrincipal(auth) => Some(auth.region()),
        }
    }

    /// The instance-principal state, in that mode.
    pub fn as_instance_principal(&self) -> Option<&InstancePrincipalAuth> {
        match &self.inner {
            Inner::InstancePrincipal(auth) => Some(auth),
            _ => None,
        }
    }

    /// The authenticator as a trait object.
    pub fn authenticator(&self) -> Arc<dyn Authenticate> {
        match &self.inner {
            Inner::ApiKey { signer, .. } => signer.clone(),
            Inner::SessionToken(auth) => auth.clone(),
            Inner::InstancePrincipal(auth) => auth.clone(),
            Inner::ResourcePrincipal(auth) => auth.clone(),
        }
    }

    fn as_dyn(&self) -> &dyn Authenticate {
        match &self.inner {
            Inner::ApiKey { signer, .. } => &**signer,
            Inner::SessionToken(auth) => &**auth,
            Inner::InstancePrincipal(auth) => &**auth,
            Inner::ResourcePrincipal(auth) => &**auth,
        }
    }
}

impl Authenticate for OciAuth {
    fn scheme(&self) -> AuthScheme {
        AuthScheme::OciSignature
    }

    fn authenticate<'a>(
        &'a self,
        request: &'a mut Request,
        http: &'a reqwest::Client,
    ) -> AuthFuture<'a> {
        self.as_dyn().authenticate(request, http)
    }

    fn unauthorized(&self) -> bool {
        self.as_dyn().unauthorized()
    }

    fn may_refresh(&self) -> bool {
        self.as_dyn().may_refresh()
    }
}
