//! Configuration: command-line flags win over environment variables, which
//! win over the config file.
//!
//! Every provider's settings are derived from its generated `API`
//! description (server variables, security schemes), so a new spec gets
//! flags, environment variables and config-file keys without hand edits:
//!
//! | setting | flag | environment | config key |
//! |---|---|---|---|
//! | base URL | `--base-url` | `<P>_BASE_URL` | `base_url` |
//! | server variable `v` | `--<v>` | `<P>_<V>` | `<v>` |
//! | bearer token / API key | `--token` | `<P>_TOKEN` (documented names below) | `token` |
//! | HTTP Basic | `--username`, `--password` | `<P>_USERNAME`, `<P>_PASSWORD` | `username`, `password` |
//! | OCI signing | `--oci-config-file`, `--oci-profile` | `<P>_CONFIG_FILE`, `<P>_PROFILE` | `config_file`, `profile` |
//!
//! `<P>` is the provider's environment prefix: the spec stem in upper snake
//! case (`AWX`, `NETAPP_ASTRA`), with the documented short prefixes first for
//! Astra (`ASTRA`) and OCI (`OCI`). Token variables keep the vendors' names:
//! `TINES_API_KEY`, `ASTRA_API_TOKEN`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::ArgMatches;
use clap::parser::ValueSource;
use credential_clients::runtime::{self as rt, AuthScheme};
use serde_json::{Map, Value};

use crate::exit::{AuthHint, Failure};
use crate::providers::Provider;

/// The environment variable naming a config file.
pub const CONFIG_ENV: &str = "CREDCTL_CONFIG";

/// `netapp-astra` -> `NETAPP_ASTRA`; `basePath` -> `BASE_PATH`.
pub fn upper_snake(name: &str) -> String {
    kebab(name).replace('-', "_").to_ascii_uppercase()
}

/// `basePath` -> `base_path`.
pub fn snake(name: &str) -> String {
    kebab(name).replace('-', "_")
}

/// `aiDataPlatformId` -> `ai-data-platform-id`; `credential_id` -> `credential-id`.
pub fn kebab(name: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c == '_' || c == '-' || c == ' ' || c == '.' {
            if !out.ends_with('-') && !out.is_empty() {
                out.push('-');
            }
            previous_lower = false;
        } else if c.is_ascii_uppercase() {
            if previous_lower {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
            previous_lower = false;
        } else {
            out.push(c);
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        }
    }
    out
}

/// The environment prefixes of a provider, the documented one first.
pub fn env_prefixes(stem: &str) -> Vec<String> {
    let own = upper_snake(stem);
    let short = match stem {
        "netapp-astra" => Some("ASTRA"),
        "oci-aidp" => Some("OCI"),
        _ => None,
    };
    short
        .map(str::to_string)
        .into_iter()
        .chain(std::iter::once(own))
        .collect()
}

/// The documented token variable and what the vendor calls the token.
fn token_names(stem: &str, prefix: &str) -> (Vec<String>, &'static str) {
    match stem {
        "tines" => (vec!["TINES_API_KEY".into()], "the API key"),
        "netapp-astra" => (vec!["ASTRA_API_TOKEN".into()], "the API token"),
        _ => (vec![format!("{prefix}_TOKEN")], "the token"),
    }
}

/// What a setting is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    BaseUrl,
    ServerVariable(&'static str),
    Token,
    ApiKeyHeader(&'static str),
    Username,
    Password,
    OciConfigFile,
    OciProfile,
}

/// One connection setting of a provider.
#[derive(Debug, Clone)]
pub struct Setting {
    pub role: Role,
    /// The clap id (`conn-token`), distinct from any operation parameter.
    pub id: String,
    /// The long flag, without `--`.
    pub long: String,
    /// Environment variables, in order of precedence.
    pub env: Vec<String>,
    /// Config-file keys in the provider's section.
    pub keys: Vec<String>,
    pub help: String,
    /// A switch (`--api-key-header`), not a value.
    pub switch: bool,
}

/// The connection settings of a provider, from its API description.
pub fn settings(provider: &Provider) -> Vec<Setting> {
    let api = provider.api;
    let prefixes = env_prefixes(provider.stem);
    let primary = prefixes[0].clone();
    let mut out = Vec::new();
    let all = |suffix: &str| -> Vec<String> {
        prefixes.iter().map(|p| format!("{p}_{suffix}")).collect()
    };
    out.push(Setting {
        role: Role::BaseUrl,
        id: "conn-base-url".into(),
        long: "base-url".into(),
        env: all("BASE_URL"),
        keys: vec!["base_url".into()],
        help: format!(
            "Base URL instead of the default server `{}` (scheme, host, port, path prefix)",
            api.server.url
        ),
        switch: false,
    });
    for var in api.server.variables {
        let allowed = if var.allowed.is_empty() {
            String::new()
        } else {
            format!("; one of {}", var.allowed.join(", "))
        };
        out.push(Setting {
            role: Role::ServerVariable(var.name),
            id: format!("conn-var-{}", kebab(var.name)),
            long: kebab(var.name),
            env: all(&upper_snake(var.name)),
            keys: vec![snake(var.name)],
            help: format!(
                "`{{{}}}` of {} (default {}{allowed})",
                var.name, api.server.url, var.default
            ),
            switch: false,
        });
    }
    let bearer = api.supports(&AuthScheme::Bearer);
    let header = api.auth.iter().find_map(|s| match s {
        AuthScheme::ApiKeyHeader { name, .. } => Some(*name),
        _ => None,
    });
    if bearer || header.is_some() {
        let (env, noun) = token_names(provider.stem, &primary);
        let mut keys = vec!["token".to_string()];
        for name in &env {
            let key = name
                .strip_prefix(&format!("{primary}_"))
                .unwrap_or(name)
                .to_ascii_lowercase();
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        let how = if bearer {
            "`Authorization: Bearer`".to_string()
        } else {
            format!("the `{}` header", header.unwrap_or_default())
        };
        out.push(Setting {
            role: Role::Token,
            id: "conn-token".into(),
            long: "token".into(),
            env,
            keys,
            help: format!("{}, sent as {how}", capitalize(noun)),
            switch: false,
        });
    }
    if let (true, Some(name)) = (bearer, header) {
        out.push(Setting {
            role: Role::ApiKeyHeader(name),
            id: "conn-api-key-header".into(),
            long: "api-key-header".into(),
            env: vec![],
            keys: vec!["api_key_header".into()],
            help: format!("Send the token in the `{name}` header instead of `Authorization`"),
            switch: true,
        });
    }
    if api.supports(&AuthScheme::Basic) {
        out.push(Setting {
            role: Role::Username,
            id: "conn-username".into(),
            long: "username".into(),
            env: all("USERNAME"),
            keys: vec!["username".into()],
            help: "User name for HTTP Basic authentication".into(),
            switch: false,
        });
        out.push(Setting {
            role: Role::Password,
            id: "conn-password".into(),
            long: "password".into(),
            env: all("PASSWORD"),
            keys: vec!["password".into()],
            help: "Password for HTTP Basic authentication".into(),
            switch: false,
        });
    }
    if api.supports(&AuthScheme::OciSignature) {
        out.push(Setting {
            role: Role::OciConfigFile,
            id: "conn-oci-config-file".into(),
            long: "oci-config-file".into(),
            env: all("CONFIG_FILE"),
            keys: vec!["config_file".into(), "oci_config_file".into()],
            help: "OCI config file with the API key that signs requests (default ~/.oci/config)"
                .into(),
            switch: false,
        });
        out.push(Setting {
            role: Role::OciProfile,
            id: "conn-oci-profile".into(),
            long: "oci-profile".into(),
            env: all("PROFILE"),
            keys: vec!["profile".into(), "oci_profile".into()],
            help: "Profile of the OCI config file (default DEFAULT)".into(),
            switch: false,
        });
    }
    out
}

fn capitalize(s: &str) -> String {
    let s = s.strip_prefix("the ").unwrap_or(s);
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Where a value came from, as a hint for a person ("TINES_API_KEY",
/// "--token", "`token` in [tines] of ~/.config/credctl/config.toml").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub value: String,
    pub source: String,
}

/// The config file: top-level keys (`output`, `retries`, `timeout`) and one
/// table per provider (`[tines]`, `[netapp-astra]`, ...).
#[derive(Debug, Default, Clone)]
pub struct FileConfig {
    pub path: Option<PathBuf>,
    root: Map<String, Value>,
}

/// The top-level keys a config file may have.
pub const GLOBAL_KEYS: &[&str] = &["output", "retries", "timeout"];

impl FileConfig {
    /// Finds the config file: `--config`, else `$CREDCTL_CONFIG`, else
    /// `$XDG_CONFIG_HOME/credctl/config.{toml,json}`, else
    /// `~/.config/credctl/config.{toml,json}`. A file named explicitly must
    /// exist; the default ones are optional.
    pub fn discover(args: &[OsString]) -> Result<Self, Failure> {
        if let Some(path) = config_flag(args) {
            return Self::load(&path);
        }
        if let Some(path) = std::env::var_os(CONFIG_ENV).filter(|p| !p.is_empty()) {
            return Self::load(Path::new(&path));
        }
        let base = std::env::var_os("XDG_CONFIG_HOME")
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME")
                    .filter(|p| !p.is_empty())
                    .map(|h| PathBuf::from(h).join(".config"))
            });
        if let Some(base) = base {
            for name in ["config.toml", "config.json"] {
                let path = base.join("credctl").join(name);
                if path.is_file() {
                    return Self::load(&path);
                }
            }
        }
        Ok(Self::default())
    }

    /// Reads a TOML file (JSON when the name ends in `.json`).
    pub fn load(path: &Path) -> Result<Self, Failure> {
        let shown = path.display();
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure::usage(format!("cannot read config file {shown}: {e}")))?;
        let value: Value = if path.extension().is_some_and(|e| e == "json") {
            serde_json::from_str(&text).map_err(|e| {
                Failure::usage(format!("config file {shown} is not valid JSON: {e}"))
            })?
        } else {
            let table: toml::Table = toml::from_str(&text).map_err(|e| {
                Failure::usage(format!(
                    "config file {shown} is not valid TOML: {}",
                    e.message()
                ))
            })?;
            serde_json::to_value(table)
                .map_err(|e| Failure::usage(format!("config file {shown}: {e}")))?
        };
        let Value::Object(root) = value else {
            return Err(Failure::usage(format!(
                "config file {shown} must be a table / object"
            )));
        };
        Ok(Self {
            path: Some(path.to_path_buf()),
            root,
        })
    }

    fn shown_path(&self) -> String {
        self.path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "the config file".into())
    }

    /// Refuses unknown sections and keys (a typo would otherwise be ignored
    /// silently). `known` lists each provider stem and its keys.
    pub fn check(&self, known: &[(&str, Vec<String>)]) -> Result<(), Failure> {
        let file = self.shown_path();
        for (key, value) in &self.root {
            if GLOBAL_KEYS.contains(&key.as_str()) {
                continue;
            }
            let Some((stem, keys)) = known.iter().find(|(stem, _)| section_matches(stem, key))
            else {
                let names: Vec<&str> = known.iter().map(|(s, _)| *s).collect();
                return Err(Failure::usage(format!(
                    "config file {file}: unknown key or section `{key}` (top-level keys: {}; \
                     sections: {})",
                    GLOBAL_KEYS.join(", "),
                    names.join(", ")
                )));
            };
            let Value::Object(section) = value else {
                return Err(Failure::usage(format!(
                    "config file {file}: `{key}` must be a table ([{stem}])"
                )));
            };
            for name in section.keys() {
                if !keys.contains(name) {
                    return Err(Failure::usage(format!(
                        "config file {file}: unknown key `{name}` in [{key}] (known: {})",
                        keys.join(", ")
                    )));
                }
            }
        }
        Ok(())
    }

    /// A top-level value.
    pub fn global(&self, key: &str) -> Option<Resolved> {
        scalar(self.root.get(key)?).map(|value| Resolved {
            value,
            source: format!("`{key}` in {}", self.shown_path()),
        })
    }

    /// A value of the provider's section (`[netapp-astra]` or `[netapp_astra]`).
    pub fn provider(&self, stem: &str, key: &str) -> Option<Resolved> {
        let (name, section) = self
            .root
            .iter()
            .find(|(name, v)| section_matches(stem, name) && v.is_object())?;
        scalar(section.get(key)?).map(|value| Resolved {
            value,
            source: format!("`{key}` in [{name}] of {}", self.shown_path()),
        })
    }
}

fn section_matches(stem: &str, name: &str) -> bool {
    name == stem || name == stem.replace('-', "_")
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `--config FILE` / `--config=FILE` before clap runs (the file's values
/// become defaults of clap arguments).
fn config_flag(args: &[OsString]) -> Option<PathBuf> {
    let mut iter = args.iter().skip(1);
    while let Some(arg) = iter.next() {
        let text = arg.to_string_lossy();
        if text == "--" {
            return None;
        }
        if text == "--config" {
            return iter.next().map(PathBuf::from);
        }
        if let Some(path) = text.strip_prefix("--config=") {
            return Some(PathBuf::from(path));
        }
    }
    None
}

/// The first non-empty environment variable of `names`.
pub fn env_value(names: &[String]) -> Option<Resolved> {
    names.iter().find_map(|name| {
        std::env::var(name)
            .ok()
            .filter(|v| !v.is_empty())
            .map(|value| Resolved {
                value,
                source: name.clone(),
            })
    })
}

/// A provider setting: the flag, else the environment, else the file.
pub fn resolve(
    setting: &Setting,
    stem: &str,
    matches: &ArgMatches,
    file: &FileConfig,
) -> Option<Resolved> {
    let from_flag = matches
        .try_get_one::<String>(&setting.id)
        .ok()
        .flatten()
        .filter(|_| matches.value_source(&setting.id) == Some(ValueSource::CommandLine));
    if let Some(value) = from_flag {
        return Some(Resolved {
            value: value.clone(),
            source: format!("--{}", setting.long),
        });
    }
    if setting.switch
        && matches.try_get_one::<bool>(&setting.id).ok().flatten() == Some(&true)
        && matches.value_source(&setting.id) == Some(ValueSource::CommandLine)
    {
        return Some(Resolved {
            value: "true".into(),
            source: format!("--{}", setting.long),
        });
    }
    env_value(&setting.env).or_else(|| setting.keys.iter().find_map(|key| file.provider(stem, key)))
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Table,
}

/// Settings that apply to every provider.
#[derive(Debug, Clone)]
pub struct Globals {
    pub format: Format,
    pub reveal: bool,
    /// Retries after the first attempt; `None`: the client's default.
    pub retries: Option<u32>,
    pub timeout: Option<Duration>,
}

impl Globals {
    /// `--output` / `CREDCTL_OUTPUT` / `output`, and so on.
    pub fn resolve(matches: &ArgMatches, file: &FileConfig) -> Result<Self, Failure> {
        let get = |id: &str, env: &str| -> Option<Resolved> {
            let flag = matches
                .try_get_one::<String>(id)
                .ok()
                .flatten()
                .filter(|_| matches.value_source(id) == Some(ValueSource::CommandLine));
            if let Some(value) = flag {
                return Some(Resolved {
                    value: value.clone(),
                    source: format!("--{id}"),
                });
            }
            env_value(&[env.to_string()]).or_else(|| file.global(id))
        };
        let format = match get("output", "CREDCTL_OUTPUT") {
            None => Format::Json,
            Some(r) => match r.value.as_str() {
                "json" => Format::Json,
                "table" => Format::Table,
                other => {
                    return Err(Failure::usage(format!(
                        "invalid output format `{other}` from {}: use json or table",
                        r.source
                    )));
                }
            },
        };
        let retries = match get("retries", "CREDCTL_RETRIES") {
            None => None,
            Some(r) => Some(
                r.value
                    .parse::<u32>()
                    .ok()
                    .filter(|n| *n <= 10)
                    .ok_or_else(|| {
                        Failure::usage(format!(
                            "invalid retries `{}` from {}: a number from 0 to 10",
                            r.value, r.source
                        ))
                    })?,
            ),
        };
        let timeout = match get("timeout", "CREDCTL_TIMEOUT") {
            None => None,
            Some(r) => Some(
                r.value
                    .parse::<f64>()
                    .ok()
                    .filter(|s| s.is_finite() && *s > 0.0 && *s <= 3600.0)
                    .map(Duration::from_secs_f64)
                    .ok_or_else(|| {
                        Failure::usage(format!(
                            "invalid timeout `{}` from {}: seconds, more than 0 and at most 3600",
                            r.value, r.source
                        ))
                    })?,
            ),
        };
        Ok(Self {
            format,
            reveal: matches
                .try_get_one::<bool>("reveal-secrets")
                .ok()
                .flatten()
                .copied()
                .unwrap_or(false),
            retries,
            timeout,
        })
    }

    /// The provider's default retry policy with `--retries` applied.
    pub fn retry_policy(&self, api: &rt::ApiDescription) -> Option<rt::RetryPolicy> {
        let retries = self.retries?;
        Some(rt::RetryPolicy::for_api(api).with_max_attempts(retries + 1))
    }

    /// Attempts in all under this configuration.
    pub fn attempts(&self, api: &rt::ApiDescription) -> u32 {
        self.retry_policy(api)
            .unwrap_or_else(|| rt::RetryPolicy::for_api(api))
            .max_attempts()
    }
}

/// A client configuration and what error messages need to know about it.
pub struct Connection {
    pub config: rt::ClientConfig,
    pub auth: AuthHint,
    pub base_url: String,
    pub location_hint: String,
}

/// Builds the provider's client configuration from flags, environment and
/// file, the same `rt::ClientConfig` that each generated
/// `Client::builder()` wraps (its `base_url`, server-variable, auth, retry
/// and timeout setters are one-line wrappers over it). Going through the
/// API description instead of the per-spec setter names is what lets a new
/// spec work without hand edits.
pub fn connection(
    provider: &Provider,
    matches: &ArgMatches,
    file: &FileConfig,
    globals: &Globals,
) -> Result<Connection, Failure> {
    let stem = provider.stem;
    let api = provider.api;
    let mut config = rt::ClientConfig::new(api);
    let mut values = Vec::new();
    for setting in settings(provider) {
        let value = resolve(&setting, stem, matches, file);
        values.push((setting, value));
    }
    let get = |role: &Role| {
        values
            .iter()
            .find(|(s, _)| &s.role == role)
            .and_then(|(s, v)| v.clone().map(|v| (s.clone(), v)))
    };

    let base_url = get(&Role::BaseUrl);
    let mut location = vec![format!("--base-url / {}_BASE_URL", env_prefixes(stem)[0])];
    for (setting, value) in &values {
        let Role::ServerVariable(name) = setting.role else {
            continue;
        };
        location.push(setting.env[0].clone());
        let Some(value) = value else { continue };
        match &base_url {
            Some((_, url)) => {
                if value.source.starts_with("--") && url.source.starts_with("--") {
                    return Err(Failure::usage(format!(
                        "{} only applies to the default server {}; it cannot be combined with \
                         --base-url",
                        value.source, api.server.url
                    )));
                }
            }
            None => config = config.server_variable(name, value.value.clone()),
        }
    }
    if let Some((_, url)) = &base_url {
        config = config.base_url(url.value.clone());
    }

    // Authentication, by what the spec declares.
    let missing = |what: &str, settings: &[&Setting]| {
        let mut ways = Vec::new();
        for s in settings {
            let mut parts = vec![format!("--{}", s.long)];
            parts.extend(s.env.first().cloned());
            parts.push(format!("`{}` in [{stem}] of the config file", s.keys[0]));
            ways.push(parts.join(", "));
        }
        Failure::usage(format!("{stem} needs {what}: set {}", ways.join("; and ")))
    };
    let auth;
    if api.supports(&AuthScheme::OciSignature) {
        let file_setting = values
            .iter()
            .find(|(s, _)| s.role == Role::OciConfigFile)
            .map(|(s, _)| s.clone());
        let explicit = get(&Role::OciConfigFile);
        let profile = get(&Role::OciProfile)
            .map(|(_, v)| v.value)
            .unwrap_or_else(|| "DEFAULT".into());
        let path = explicit
            .as_ref()
            .map(|(_, v)| v.value.clone())
            .unwrap_or_else(|| "~/.oci/config".into());
        let expanded = expand_home(&path);
        if explicit.is_none() && !expanded.is_file() {
            let setting = file_setting.expect("OCI settings exist when OCI signing is supported");
            return Err(missing(
                &format!("an OCI API key (no config file at {path})"),
                &[&setting],
            ));
        }
        let oci = rt::oci::OciConfig::from_file(&expanded, &profile)
            .map_err(|e| Failure::usage(format!("{stem}: {e}")))?;
        config = config
            .oci_config(oci)
            .map_err(|e| Failure::usage(format!("{stem}: {e}")))?;
        auth = AuthHint::Oci {
            profile,
            file: path,
        };
    } else if let Some((_, token)) = get(&Role::Token) {
        let use_header = values.iter().any(|(s, v)| {
            matches!(s.role, Role::ApiKeyHeader(_)) && v.as_ref().is_some_and(|v| v.value == "true")
        });
        let header_only = !api.supports(&AuthScheme::Bearer);
        let secret = rt::Secret::new(token.value.clone());
        config = match api.auth.iter().find_map(|s| match s {
            AuthScheme::ApiKeyHeader { name, .. } if use_header || header_only => Some(*name),
            _ => None,
        }) {
            Some(header) => config.auth(rt::Auth::ApiKeyHeader {
                header,
                value: secret,
            }),
            None => config.auth(rt::Auth::Bearer(secret)),
        };
        let noun = token_names(stem, &env_prefixes(stem)[0]).1.to_string();
        auth = AuthHint::Token {
            noun,
            source: token.source,
        };
    } else if api.supports(&AuthScheme::Basic) {
        let user = get(&Role::Username);
        let password = get(&Role::Password);
        match (user, password) {
            (Some((_, user)), Some((_, password))) => {
                config = config.auth(rt::Auth::Basic {
                    username: user.value.clone(),
                    password: rt::Secret::new(password.value.clone()),
                });
                auth = AuthHint::Basic {
                    source: format!("{} and {}", user.source, password.source),
                };
            }
            _ => {
                let wanted: Vec<&Setting> = values
                    .iter()
                    .filter(|(s, _)| {
                        matches!(s.role, Role::Token | Role::Username | Role::Password)
                    })
                    .map(|(s, _)| s)
                    .collect();
                let what = if wanted.iter().any(|s| s.role == Role::Token) {
                    "a token, or a user name and password"
                } else {
                    "a user name and password"
                };
                return Err(missing(what, &wanted));
            }
        }
    } else if let Some((setting, _)) = values.iter().find(|(s, _)| s.role == Role::Token) {
        let noun = token_names(stem, &env_prefixes(stem)[0]).1;
        return Err(missing(noun, &[setting]));
    } else {
        auth = AuthHint::Demo;
    }

    if let Some(policy) = globals.retry_policy(api) {
        config = config.retry(policy);
    }
    if let Some(timeout) = globals.timeout {
        config = config
            .timeout(timeout)
            .connect_timeout(timeout.min(rt::config::DEFAULT_CONNECT_TIMEOUT));
    }
    let base_url = config
        .resolved_base_url()
        .map_err(|e| Failure::usage(format!("{stem}: {e}")))?;
    Ok(Connection {
        config,
        auth,
        base_url,
        location_hint: location.join(" / "),
    })
}

/// `~/x` -> `$HOME/x`.
pub fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) if !home.is_empty() => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(kebab("aiDataPlatformId"), "ai-data-platform-id");
        assert_eq!(kebab("credential_id"), "credential-id");
        assert_eq!(kebab("basePath"), "base-path");
        assert_eq!(kebab("opc-request-id"), "opc-request-id");
        assert_eq!(upper_snake("netapp-astra"), "NETAPP_ASTRA");
        assert_eq!(upper_snake("basePath"), "BASE_PATH");
        assert_eq!(snake("basePath"), "base_path");
        assert_eq!(env_prefixes("oci-aidp"), ["OCI", "OCI_AIDP"]);
        assert_eq!(env_prefixes("tines"), ["TINES"]);
    }

    #[test]
    fn config_flag_is_found_before_clap() {
        let args = |a: &[&str]| a.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            config_flag(&args(&["credctl", "--config", "a.toml", "get"])),
            Some(PathBuf::from("a.toml"))
        );
        assert_eq!(
            config_flag(&args(&["credctl", "get", "--config=b.json"])),
            Some(PathBuf::from("b.json"))
        );
        assert_eq!(
            config_flag(&args(&["credctl", "--", "--config", "x"])),
            None
        );
    }

    #[test]
    fn documented_names_per_provider() {
        let find = |stem: &str, role: Role| {
            let provider = crate::providers::find(stem).unwrap();
            settings(provider)
                .into_iter()
                .find(|s| s.role == role)
                .map(|s| (s.long, s.env, s.keys))
                .unwrap()
        };
        assert_eq!(find("tines", Role::Token).1, ["TINES_API_KEY"]);
        assert_eq!(find("tines", Role::Token).2, ["token", "api_key"]);
        assert_eq!(find("netapp-astra", Role::Token).1, ["ASTRA_API_TOKEN"]);
        assert_eq!(find("ankra", Role::Token).1, ["ANKRA_TOKEN"]);
        assert_eq!(find("awx", Role::Token).1, ["AWX_TOKEN"]);
        assert_eq!(find("awx", Role::Username).1, ["AWX_USERNAME"]);
        assert_eq!(find("awx", Role::Password).1, ["AWX_PASSWORD"]);
        assert_eq!(
            find("awx", Role::ServerVariable("basePath")),
            (
                "base-path".to_string(),
                vec!["AWX_BASE_PATH".to_string()],
                vec!["base_path".to_string()]
            )
        );
        assert_eq!(find("awx", Role::ServerVariable("host")).1, ["AWX_HOST"]);
        assert_eq!(
            find("tines", Role::ServerVariable("tenant")).1,
            ["TINES_TENANT"]
        );
        assert_eq!(
            find("netapp-astra", Role::ServerVariable("host")).1,
            ["ASTRA_HOST", "NETAPP_ASTRA_HOST"]
        );
        assert_eq!(
            find("oci-aidp", Role::ServerVariable("region")).1,
            ["OCI_REGION", "OCI_AIDP_REGION"]
        );
        assert_eq!(
            find("oci-aidp", Role::OciConfigFile).1[0],
            "OCI_CONFIG_FILE"
        );
        assert_eq!(find("oci-aidp", Role::OciProfile).1[0], "OCI_PROFILE");
        for stem in ["ankra", "awx", "netapp-astra", "oci-aidp", "tines"] {
            let env = find(stem, Role::BaseUrl).1;
            assert!(
                env.contains(&format!("{}_BASE_URL", upper_snake(stem))),
                "{stem}: {env:?}"
            );
        }
        assert_eq!(find("netapp-astra", Role::BaseUrl).1[0], "ASTRA_BASE_URL");
    }
}
