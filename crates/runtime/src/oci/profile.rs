//! OCI config file profiles (`~/.oci/config`): INI `[PROFILE]` sections of
//! `key=value` entries, `DEFAULT` values inherited by every profile, as
//! Oracle's SDKs and CLI read them.
//!
//! A profile is an API-key profile (`user`, `fingerprint`, `tenancy`,
//! `key_file`) or, when it has a `security_token_file` (what `oci session
//! authenticate` writes), a session-token profile (`tenancy`, `key_file`,
//! `security_token_file`; `user` and `fingerprint` are not needed).
//!
//! Values are never echoed in errors: a line may hold a pass phrase.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use super::error::ConfigError;
use super::key;
use super::signer::Signer;
use super::token::{self, SecurityToken};

/// A profile of an OCI config file (`~/.oci/config` INI format: `[PROFILE]`
/// sections, `key=value`; `DEFAULT` section values are inherited by other
/// profiles as OCI SDKs do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OciConfig {
    /// The profile's name.
    pub profile: String,
    /// `user`: the OCID of the user the API key belongs to (empty for a
    /// session-token profile without one).
    pub user: String,
    /// `fingerprint`: the API key's fingerprint (`aa:bb:...`; empty for a
    /// session-token profile without one).
    pub fingerprint: String,
    /// `tenancy`: the tenancy OCID.
    pub tenancy: String,
    /// `region`, if set (for example `us-phoenix-1`).
    pub region: Option<String>,
    /// `key_file`: the PEM private key, `~/` expanded and made relative to
    /// the config file's directory.
    pub key_file: PathBuf,
    /// Whether the profile sets a `pass_phrase` (its value is not kept).
    pub pass_phrase_set: bool,
    /// `security_token_file`: the session token file of a session-token
    /// profile, resolved like `key_file`.
    pub security_token_file: Option<PathBuf>,
}

impl OciConfig {
    /// Reads `profile` from the config file at `path`. A leading `~/` in
    /// `path`, `key_file` or `security_token_file` is expanded with `$HOME`;
    /// relative paths are resolved against the config file's directory.
    ///
    /// # Errors
    /// [`ConfigError::Io`], and as [`OciConfig::parse`].
    pub fn from_file(path: impl AsRef<Path>, profile: &str) -> Result<OciConfig, ConfigError> {
        let home = home_dir();
        let path = expand_home(path.as_ref(), home.as_deref());
        let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Io {
            path: path.clone(),
            source,
        })?;
        let base_dir = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        Self::parse_with_home(&text, profile, base_dir, home.as_deref()).map_err(
            |error| match error {
                ConfigError::MissingProfile {
                    path: None,
                    profile,
                } => ConfigError::MissingProfile {
                    path: Some(path.clone()),
                    profile,
                },
                ConfigError::Syntax { path: None, line } => ConfigError::Syntax {
                    path: Some(path.clone()),
                    line,
                },
                other => other,
            },
        )
    }

    /// Parses `profile` out of config file text; relative paths are
    /// resolved against `base_dir`, a leading `~/` with `$HOME`.
    ///
    /// # Errors
    /// [`ConfigError::Syntax`], [`ConfigError::MissingProfile`],
    /// [`ConfigError::MissingKey`] (for `tenancy`, `key_file`, and, without
    /// a `security_token_file`, `user` and `fingerprint`).
    pub fn parse(text: &str, profile: &str, base_dir: &Path) -> Result<OciConfig, ConfigError> {
        Self::parse_with_home(text, profile, base_dir, home_dir().as_deref())
    }

    pub(crate) fn parse_with_home(
        text: &str,
        profile: &str,
        base_dir: &Path,
        home: Option<&Path>,
    ) -> Result<OciConfig, ConfigError> {
        let sections = parse_ini(text)?;
        let own = sections
            .get(profile)
            .ok_or_else(|| ConfigError::MissingProfile {
                path: None,
                profile: profile.to_owned(),
            })?;
        let defaults = sections.get("DEFAULT");
        let get = |key: &str| {
            own.get(key)
                .or_else(|| defaults.and_then(|defaults| defaults.get(key)))
                .filter(|value| !value.is_empty())
        };
        let require = |key: &'static str| {
            get(key).cloned().ok_or_else(|| ConfigError::MissingKey {
                profile: profile.to_owned(),
                key,
            })
        };
        let resolve = |value: &str| base_dir.join(expand_home(Path::new(value), home));
        let security_token_file = get("security_token_file").map(|value| resolve(value));
        // A session profile signs with its token, so needs no user.
        let api_key_only = |key: &'static str| match &security_token_file {
            None => require(key),
            Some(_) => Ok(get(key).cloned().unwrap_or_default()),
        };
        Ok(OciConfig {
            profile: profile.to_owned(),
            user: api_key_only("user")?,
            fingerprint: api_key_only("fingerprint")?,
            tenancy: require("tenancy")?,
            region: get("region").cloned(),
            key_file: resolve(&require("key_file")?),
            pass_phrase_set: get("pass_phrase").is_some(),
            security_token_file,
        })
    }

    /// Whether this is a session-token profile (it has a
    /// `security_token_file`).
    pub fn is_session(&self) -> bool {
        self.security_token_file.is_some()
    }

    /// A [`Signer`] for this profile: its API key, or for a session-token
    /// profile the current token (`keyId="ST$<token>"`) and `key_file`, read
    /// now. A signer from a session profile does not notice a refreshed
    /// token; [`super::SessionTokenAuth`] does.
    ///
    /// # Errors
    /// As [`Signer::from_key_file`]; pass-phrase protected keys give
    /// [`ConfigError::EncryptedKey`]; for a session profile also
    /// [`ConfigError::InvalidToken`] and [`ConfigError::SessionTokenExpired`].
    pub fn signer(&self) -> Result<Signer, ConfigError> {
        match &self.security_token_file {
            None => {
                Signer::from_key_file(&self.tenancy, &self.user, &self.fingerprint, &self.key_file)
            }
            Some(token_file) => {
                let token = read_session_token(token_file, &self.profile, SystemTime::now())?;
                let key = key::read_pem_file(&self.key_file)?;
                Signer::for_token(token.expose_secret(), Arc::new(key))
            }
        }
    }
}

/// Reads a session token file and checks that the token has not expired
/// at `now`.
pub(crate) fn read_session_token(
    path: &Path,
    profile: &str,
    now: SystemTime,
) -> Result<SecurityToken, ConfigError> {
    let token = read_token_file(path)?;
    if token.is_expired(now) {
        return Err(ConfigError::SessionTokenExpired {
            profile: profile.to_owned(),
            expired_at: token::show_time(token.expires_at()),
        });
    }
    Ok(token)
}

/// Reads and parses a token file (surrounding whitespace removed).
pub(crate) fn read_token_file(path: &Path) -> Result<SecurityToken, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
        path: path.to_owned(),
        source,
    })?;
    SecurityToken::parse(&text).map_err(|reason| ConfigError::InvalidToken {
        source_name: format!("`{}`", path.display()),
        reason,
    })
}

type Sections = HashMap<String, HashMap<String, String>>;

/// Parses INI text: `[section]` lines, `key=value` (or `key: value`) lines
/// with keys lower-cased, blank lines and `#`/`;` comment lines.
fn parse_ini(text: &str) -> Result<Sections, ConfigError> {
    let mut sections = Sections::new();
    let mut current: Option<String> = None;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (index, line) in text.lines().enumerate() {
        // Never echo the line: it may hold a pass phrase.
        let syntax = || ConfigError::Syntax {
            path: None,
            line: index + 1,
        };
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[') {
            let name = name.strip_suffix(']').ok_or_else(syntax)?.trim();
            if name.is_empty() {
                return Err(syntax());
            }
            sections.entry(name.to_owned()).or_default();
            current = Some(name.to_owned());
            continue;
        }
        let section = current.as_ref().ok_or_else(syntax)?;
        let split = line.find(['=', ':']).ok_or_else(syntax)?;
        let key = line[..split].trim().to_ascii_lowercase();
        if key.is_empty() {
            return Err(syntax());
        }
        let value = line[split + 1..].trim().to_owned();
        sections
            .entry(section.clone())
            .or_default()
            .insert(key, value);
    }
    Ok(sections)
}

/// `$HOME`, if set.
pub(crate) fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|home| !home.is_empty())
        .map(PathBuf::from)
}

/// Replaces a leading `~/` with `home`, when known.
pub(crate) fn expand_home(path: &Path, home: Option<&Path>) -> PathBuf {
    match (path.strip_prefix("~"), home) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => path.to_owned(),
    }
}
