//! Session-token sign-in: a config profile written by `oci session
//! authenticate` (`security_token_file`, `key_file`) signs with
//! `keyId="ST$<token>"` and the profile's key.
//!
//! As Oracle's tools: the Go SDK's file configuration provider reads
//! `security_token_file` and returns `"ST$" + token` as the key id
//! (`fileConfigurationProvider.KeyID` in oci-go-sdk
//! `common/configuration.go`); the Java SDK's
//! `SessionTokenAuthenticationDetailsProvider` re-reads the token file when
//! a call is refused as not authenticated (`refresh()`).
//!
//! Here the token and key files are re-read whenever they change (one
//! `stat` each per request), so `oci session refresh` in another terminal
//! is picked up without a restart; a 401 re-reads them at once. A token
//! whose `exp` has passed fails with [`ConfigError::SessionTokenExpired`],
//! which tells the user to run `oci session refresh --profile <name>`.
//! This client never refreshes the session itself.

use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use reqwest::Request;

use crate::api::AuthScheme;
use crate::auth::{AuthFuture, Authenticate};

use super::error::ConfigError;
use super::key;
use super::profile::{OciConfig, read_session_token};
use super::signer::Signer;
use super::token::SecurityToken;
use super::watched::WatchedFile;

/// Signs with the session token of an OCI config profile, re-reading the
/// token and key files when they change.
pub struct SessionTokenAuth {
    profile: String,
    region: Option<String>,
    state: Mutex<State>,
}

struct State {
    token_file: WatchedFile,
    key_file: WatchedFile,
    token: SecurityToken,
    signer: Arc<Signer>,
}

impl fmt::Debug for SessionTokenAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("SessionTokenAuth")
            .field("profile", &self.profile)
            .field("region", &self.region)
            .field("token_file", &state.token_file.path())
            .field("key_file", &state.key_file.path())
            .field("token", &state.token)
            .finish()
    }
}

impl SessionTokenAuth {
    /// Reads `profile` of the config file at `path`, which must be a
    /// session-token profile, and its token and key.
    ///
    /// # Errors
    /// As [`OciConfig::from_file`] and [`SessionTokenAuth::from_config`].
    pub fn from_profile(
        path: impl AsRef<Path>,
        profile: &str,
    ) -> Result<SessionTokenAuth, ConfigError> {
        SessionTokenAuth::from_config(&OciConfig::from_file(path, profile)?)
    }

    /// Session-token sign-in for a parsed profile; reads its token and key
    /// now.
    ///
    /// # Errors
    /// [`ConfigError::MissingKey`] (`security_token_file`) if it is not a
    /// session-token profile, [`ConfigError::SessionTokenExpired`] if the
    /// token has expired, and the errors of reading the token and the key.
    pub fn from_config(config: &OciConfig) -> Result<SessionTokenAuth, ConfigError> {
        let token_path =
            config
                .security_token_file
                .clone()
                .ok_or_else(|| ConfigError::MissingKey {
                    profile: config.profile.clone(),
                    key: "security_token_file",
                })?;
        let mut token_file = WatchedFile::new(token_path);
        let mut key_file = WatchedFile::new(config.key_file.clone());
        let (token, signer) = load(
            &mut token_file,
            &mut key_file,
            &config.profile,
            SystemTime::now(),
        )?;
        Ok(SessionTokenAuth {
            profile: config.profile.clone(),
            region: config.region.clone(),
            state: Mutex::new(State {
                token_file,
                key_file,
                token,
                signer,
            }),
        })
    }

    /// The profile's `region`, if set.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The profile's name.
    pub fn profile(&self) -> &str {
        &self.profile
    }

    /// When the current token expires.
    pub fn expires_at(&self) -> SystemTime {
        self.lock().token.expires_at()
    }

    /// The signer for a request sent at `now`: the files are re-read if
    /// they changed since they were last read.
    ///
    /// # Errors
    /// [`ConfigError::SessionTokenExpired`] if the token has expired at
    /// `now`; the errors of reading the files.
    pub fn signer_at(&self, now: SystemTime) -> Result<Arc<Signer>, ConfigError> {
        let mut state = self.lock();
        if state.token_file.changed() || state.key_file.changed() {
            self.reload(&mut state, now)?;
        }
        if state.token.is_expired(now) {
            return Err(expired(&self.profile, &state.token));
        }
        Ok(state.signer.clone())
    }

    /// Re-reads both files now; `true` if the token changed.
    fn reload(&self, state: &mut State, now: SystemTime) -> Result<bool, ConfigError> {
        let State {
            token_file,
            key_file,
            ..
        } = state;
        let (token, signer) = load(token_file, key_file, &self.profile, now)?;
        let changed = token.expose_secret() != state.token.expose_secret();
        state.token = token;
        state.signer = signer;
        Ok(changed)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Reads the token (checked against `now`), then the key.
fn load(
    token_file: &mut WatchedFile,
    key_file: &mut WatchedFile,
    profile: &str,
    now: SystemTime,
) -> Result<(SecurityToken, Arc<Signer>), ConfigError> {
    let token_stamp = token_file.current()?;
    let key_stamp = key_file.current()?;
    let token = read_session_token(token_file.path(), profile, now)?;
    let key = key::read_pem_file(key_file.path())?;
    let signer = Signer::for_token(token.expose_secret(), Arc::new(key))?;
    token_file.mark_read(token_stamp);
    key_file.mark_read(key_stamp);
    Ok((token, Arc::new(signer)))
}

fn expired(profile: &str, token: &SecurityToken) -> ConfigError {
    ConfigError::SessionTokenExpired {
        profile: profile.to_owned(),
        expired_at: super::token::show_time(token.expires_at()),
    }
}

impl Authenticate for SessionTokenAuth {
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

    /// Re-reads the token and key files at once (as the Java SDK's
    /// `refresh()` on 401); worth a retry only if the token changed.
    fn unauthorized(&self) -> bool {
        let mut state = self.lock();
        self.reload(&mut state, SystemTime::now()).unwrap_or(false)
    }
}
