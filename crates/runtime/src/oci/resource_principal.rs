//! Resource principals: an OCI resource (a function, a notebook session, a
//! job) signs in as itself with a resource principal session token (RPST)
//! and a private key its runtime provides through environment variables.
//!
//! As Oracle's SDKs (oci-go-sdk `common/auth/resource_principal_key_provider.go`,
//! oci-python-sdk `oci/auth/signers/resource_principals_signer.py` and
//! `ephemeral_resource_principals_signer.py`), version 2.2:
//! - `OCI_RESOURCE_PRINCIPAL_VERSION` = `2.2`;
//! - `OCI_RESOURCE_PRINCIPAL_RPST`: the token, or the absolute path of a
//!   file holding it;
//! - `OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM`: the PEM private key, or the
//!   absolute path of a file holding it;
//! - `OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM_PASSPHRASE` (optional): its pass
//!   phrase, or a path; a path exactly when the key is one (Go's rule);
//! - `OCI_RESOURCE_PRINCIPAL_REGION`: the region (a key such as `phx` is
//!   turned into its identifier, as the Python SDK does).
//!
//! Requests are signed with `keyId="ST$<rpst>"`. Files are re-read when they
//! change, when the token is within 5 minutes of its `exp` (the Go SDK
//! re-reads then) and on a 401 (the Python SDK re-reads then). The token's
//! `res_tenant` and `res_compartment` claims name the resource's tenancy
//! and compartment.
//!
//! Versions 1.1, 2.1 and 3.0 fetch tokens from endpoints
//! (`OCI_RESOURCE_PRINCIPAL_RPT_ENDPOINT`, `..._RPST_ENDPOINT`, parent
//! resources); they are refused with
//! [`ConfigError::UnsupportedResourcePrincipalVersion`]. Encrypted keys are
//! refused with [`ConfigError::EncryptedKey`].

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use reqwest::Request;

use crate::api::AuthScheme;
use crate::auth::{AuthFuture, Authenticate};

use super::error::ConfigError;
use super::key::{self, SigningKey};
use super::profile::read_token_file;
use super::signer::Signer;
use super::token::{self, REFRESH_BEFORE_EXPIRY, SecurityToken};
use super::watched::WatchedFile;

/// `OCI_RESOURCE_PRINCIPAL_VERSION`.
pub const VERSION_ENV: &str = "OCI_RESOURCE_PRINCIPAL_VERSION";
/// `OCI_RESOURCE_PRINCIPAL_RPST`.
pub const RPST_ENV: &str = "OCI_RESOURCE_PRINCIPAL_RPST";
/// `OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM`.
pub const PRIVATE_PEM_ENV: &str = "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM";
/// `OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM_PASSPHRASE`.
pub const PASSPHRASE_ENV: &str = "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM_PASSPHRASE";
/// `OCI_RESOURCE_PRINCIPAL_REGION`.
pub const REGION_ENV: &str = "OCI_RESOURCE_PRINCIPAL_REGION";

/// Signs as the resource the program runs in, from resource principal
/// environment variables (version 2.2).
pub struct ResourcePrincipalAuth {
    region: String,
    token_source: Source,
    key_source: Source,
    state: Mutex<State>,
}

/// Where a value comes from.
enum Source {
    /// The environment variable holds it.
    Inline,
    /// The environment variable holds the absolute path of a file.
    File(PathBuf),
}

struct State {
    token_file: Option<WatchedFile>,
    key_file: Option<WatchedFile>,
    token: SecurityToken,
    key: Arc<SigningKey>,
    signer: Arc<Signer>,
}

impl fmt::Debug for ResourcePrincipalAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |source: &Source| match source {
            Source::Inline => "inline".to_owned(),
            Source::File(path) => path.display().to_string(),
        };
        f.debug_struct("ResourcePrincipalAuth")
            .field("region", &self.region)
            .field("token", &show(&self.token_source))
            .field("key", &show(&self.key_source))
            .field(
                "expires_at",
                &token::show_time(self.lock().token.expires_at()),
            )
            .finish()
    }
}

impl ResourcePrincipalAuth {
    /// From the process environment.
    ///
    /// # Errors
    /// As [`ResourcePrincipalAuth::from_env_map`].
    pub fn from_env() -> Result<ResourcePrincipalAuth, ConfigError> {
        let env = std::env::vars_os()
            .filter_map(|(name, value)| Some((name.into_string().ok()?, value.into_string().ok()?)))
            .filter(|(name, _)| name.starts_with("OCI_RESOURCE_PRINCIPAL_"));
        ResourcePrincipalAuth::from_env_map(env)
    }

    /// From an explicit environment (name, value pairs); reads the token
    /// and key now.
    ///
    /// # Errors
    /// [`ConfigError::MissingEnv`], [`ConfigError::UnsupportedResourcePrincipalVersion`],
    /// [`ConfigError::InvalidEnv`] (a pass phrase given as a path for an
    /// inline key or the other way round), [`ConfigError::InvalidToken`],
    /// [`ConfigError::TokenExpired`], the key errors, and
    /// [`ConfigError::Io`] for files that cannot be read.
    pub fn from_env_map<K, V>(
        env: impl IntoIterator<Item = (K, V)>,
    ) -> Result<ResourcePrincipalAuth, ConfigError>
    where
        K: Into<String>,
        V: Into<String>,
    {
        let env: HashMap<String, String> = env
            .into_iter()
            .map(|(name, value)| (name.into(), value.into()))
            .collect();
        let get = |name: &'static str| {
            env.get(name)
                .map(|value| value.trim())
                .filter(|value| !value.is_empty())
        };
        let require = |name: &'static str| get(name).ok_or(ConfigError::MissingEnv(name));

        let version = require(VERSION_ENV)?;
        if version != "2.2" {
            let shown =
                if version.len() <= 8 && version.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                    version.to_owned()
                } else {
                    "an unrecognized value".to_owned()
                };
            return Err(ConfigError::UnsupportedResourcePrincipalVersion { version: shown });
        }
        let rpst = require(RPST_ENV)?;
        let pem = require(PRIVATE_PEM_ENV)?;
        let passphrase = get(PASSPHRASE_ENV);
        let region = require(REGION_ENV)?;
        if let Some(passphrase) = passphrase
            && is_path(passphrase) != is_path(pem)
        {
            return Err(ConfigError::InvalidEnv {
                name: PASSPHRASE_ENV,
                reason: format!("it must be a path exactly when `{PRIVATE_PEM_ENV}` is one"),
            });
        }
        let region = super::realm::region_identifier(region)
            .map(str::to_owned)
            .unwrap_or_else(|| region.to_ascii_lowercase());

        let (token_source, token_file, token) = if is_path(rpst) {
            let mut file = WatchedFile::new(rpst);
            let token = read_watched_token(&mut file)?;
            (Source::File(PathBuf::from(rpst)), Some(file), token)
        } else {
            let token = SecurityToken::parse(rpst).map_err(|reason| ConfigError::InvalidToken {
                source_name: format!("`{RPST_ENV}`"),
                reason,
            })?;
            (Source::Inline, None, token)
        };
        let (key_source, key_file, key) = if is_path(pem) {
            let mut file = WatchedFile::new(pem);
            let key = read_watched_key(&mut file)?;
            (Source::File(PathBuf::from(pem)), Some(file), key)
        } else {
            (Source::Inline, None, key::parse_pem(pem)?)
        };
        let key = Arc::new(key);
        let signer = Arc::new(Signer::for_token(token.expose_secret(), key.clone())?);
        let auth = ResourcePrincipalAuth {
            region,
            token_source,
            key_source,
            state: Mutex::new(State {
                token_file,
                key_file,
                token,
                key,
                signer,
            }),
        };
        let now = SystemTime::now();
        auth.check_expiry(&auth.lock(), now)?;
        Ok(auth)
    }

    /// The region identifier (`OCI_RESOURCE_PRINCIPAL_REGION`).
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The resource's tenancy OCID (the token's `res_tenant` claim).
    pub fn tenancy(&self) -> Option<String> {
        self.claim("res_tenant")
    }

    /// The resource's compartment OCID (the token's `res_compartment` claim).
    pub fn compartment(&self) -> Option<String> {
        self.claim("res_compartment")
    }

    /// A string claim of the current token.
    pub fn claim(&self, name: &str) -> Option<String> {
        self.lock().token.claim(name).map(str::to_owned)
    }

    /// When the current token expires.
    pub fn expires_at(&self) -> SystemTime {
        self.lock().token.expires_at()
    }

    /// The signer for a request sent at `now`: files are re-read if they
    /// changed or the token expires within 5 minutes.
    ///
    /// # Errors
    /// [`ConfigError::TokenExpired`] if the token has expired at `now`; the
    /// errors of reading the files.
    pub fn signer_at(&self, now: SystemTime) -> Result<Arc<Signer>, ConfigError> {
        let mut state = self.lock();
        let changed = state.token_file.as_ref().is_some_and(WatchedFile::changed)
            || state.key_file.as_ref().is_some_and(WatchedFile::changed);
        if changed || state.token.expires_within(now, REFRESH_BEFORE_EXPIRY) {
            self.reload(&mut state)?;
        }
        self.check_expiry(&state, now)?;
        Ok(state.signer.clone())
    }

    /// Re-reads the files (if any); `true` if the token changed.
    fn reload(&self, state: &mut State) -> Result<bool, ConfigError> {
        let mut changed = false;
        if let Some(file) = &mut state.key_file {
            state.key = Arc::new(read_watched_key(file)?);
        }
        if let Some(file) = &mut state.token_file {
            let token = read_watched_token(file)?;
            changed = token.expose_secret() != state.token.expose_secret();
            state.token = token;
        }
        if state.key_file.is_some() || state.token_file.is_some() {
            state.signer = Arc::new(Signer::for_token(
                state.token.expose_secret(),
                state.key.clone(),
            )?);
        }
        Ok(changed)
    }

    fn check_expiry(&self, state: &State, now: SystemTime) -> Result<(), ConfigError> {
        if !state.token.is_expired(now) {
            return Ok(());
        }
        let source_name = match &self.token_source {
            Source::Inline => format!("`{RPST_ENV}`"),
            Source::File(path) => format!("`{}`", path.display()),
        };
        Err(ConfigError::TokenExpired {
            source_name,
            expired_at: token::show_time(state.token.expires_at()),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Oracle's rule: a value is a path if it is an absolute path.
fn is_path(value: &str) -> bool {
    Path::new(value).is_absolute()
}

fn read_watched_token(file: &mut WatchedFile) -> Result<SecurityToken, ConfigError> {
    let stamp = file.current()?;
    let token = read_token_file(file.path())?;
    file.mark_read(stamp);
    Ok(token)
}

fn read_watched_key(file: &mut WatchedFile) -> Result<SigningKey, ConfigError> {
    let stamp = file.current()?;
    let key = key::read_pem_file(file.path())?;
    file.mark_read(stamp);
    Ok(key)
}

impl Authenticate for ResourcePrincipalAuth {
    fn scheme(&self) -> AuthScheme {
        AuthScheme::OciSignature
    }

    fn authenticate<'a>(
        &'a self,
        request: &'a mut Request,
        _http: &'a reqwest::Client,
    ) -> AuthFuture<'a> {
        let now = SystemTime::now();
        let result = self
            .signer_at(now)
            .map_err(Into::into)
            .and_then(|signer| signer.sign(request, now).map_err(Into::into));
        Box::pin(std::future::ready(result))
    }

    /// Re-reads file-based values at once; worth a retry only if the token
    /// changed.
    fn unauthorized(&self) -> bool {
        let mut state = self.lock();
        self.reload(&mut state).unwrap_or(false)
    }
}
