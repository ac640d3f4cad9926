//! From resolved settings to the provider's `rt::ClientConfig`: the same
//! config each generated `Client::builder()` wraps (its setters are
//! one-line wrappers over it). Going through the API description instead
//! of per-spec setter names is what lets a new spec work without hand
//! edits. One `connect_<scheme>` function per kind of authentication.

use std::path::PathBuf;

use clap::ArgMatches;
use credential_clients::runtime::{self as rt, AuthScheme};

use super::defs::{Role, Setting, settings};
use super::file::FileConfig;
use super::globals::Globals;
use super::names::{env_prefixes, token_noun};
use super::network;
use super::resolve::{Resolved, resolve};
use crate::exit::{AuthHint, Failure};
use crate::provider::Provider;

/// A client configuration and what error messages need to know about it.
pub struct Connection {
    pub config: rt::ClientConfig,
    pub auth: AuthHint,
    pub base_url: String,
    pub location_hint: String,
}

/// Every setting of a provider with its resolved value.
struct Values {
    stem: &'static str,
    all: Vec<(Setting, Option<Resolved>)>,
}

impl Values {
    fn get(&self, role: &Role) -> Option<(Setting, Resolved)> {
        self.all
            .iter()
            .find(|(s, _)| &s.role == role)
            .and_then(|(s, v)| v.clone().map(|v| (s.clone(), v)))
    }

    fn setting(&self, role: &Role) -> Option<&Setting> {
        self.all.iter().map(|(s, _)| s).find(|s| &s.role == role)
    }

    /// "tines needs the API key: set --token, TINES_TOKEN, `token` in
    /// [tines] of the config file".
    fn missing(&self, what: &str, settings: &[&Setting]) -> Failure {
        let stem = self.stem;
        let mut ways = Vec::new();
        for s in settings {
            let mut parts = vec![format!("--{}", s.long)];
            parts.extend(s.env.first().cloned());
            parts.push(format!("`{}` in [{stem}] of the config file", s.keys[0]));
            ways.push(parts.join(", "));
        }
        Failure::usage(format!("{stem} needs {what}: set {}", ways.join("; and ")))
    }
}

/// Builds the provider's client configuration from flags, environment and
/// file.
pub fn connection(
    provider: &Provider,
    matches: &ArgMatches,
    file: &FileConfig,
    globals: &Globals,
) -> Result<Connection, Failure> {
    let stem = provider.stem;
    let api = provider.api;
    let values = Values {
        stem,
        all: settings(provider)
            .into_iter()
            .map(|s| {
                let v = resolve(&s, stem, matches, file);
                (s, v)
            })
            .collect(),
    };
    let (mut config, location) = server(provider, &values)?;

    let auth;
    (config, auth) = if api.supports(&AuthScheme::OciSignature) {
        connect_oci(config, &values)?
    } else if let Some((_, token)) = values.get(&Role::Token) {
        connect_token(config, api, &values, token)
    } else if api.supports(&AuthScheme::Basic) {
        connect_basic(config, &values)?
    } else if let Some(setting) = values.setting(&Role::Token) {
        return Err(values.missing(token_noun(api), &[setting]));
    } else {
        (config, AuthHint::Demo)
    };

    if let Some(policy) = globals.retry_policy(api) {
        config = config.retry(policy);
    }
    if let Some(timeout) = globals.timeout {
        config = config
            .timeout(timeout)
            .connect_timeout(timeout.min(rt::config::DEFAULT_CONNECT_TIMEOUT));
    }
    if let Some(cap) = globals.max_response_bytes {
        config = config.max_response_bytes(cap);
    }
    config = network::apply(config, &globals.network)?;
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

/// The base URL or the server variables, and where they come from.
fn server(
    provider: &Provider,
    values: &Values,
) -> Result<(rt::ClientConfig, Vec<String>), Failure> {
    let api = provider.api;
    let mut config = rt::ClientConfig::new(api);
    let base_url = values.get(&Role::BaseUrl);
    let prefix = &env_prefixes(provider.stem, api)[0];
    let mut location = vec![format!("--base-url / {prefix}_BASE_URL")];
    for (setting, value) in &values.all {
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
    Ok((config, location))
}

/// OCI request signing with a config-file profile.
fn connect_oci(
    config: rt::ClientConfig,
    values: &Values,
) -> Result<(rt::ClientConfig, AuthHint), Failure> {
    let stem = values.stem;
    let mode = match values.get(&Role::OciAuth) {
        Some((_, v)) => Some(
            v.value
                .parse::<rt::oci::OciAuthMode>()
                .map_err(|e| Failure::usage(format!("{stem}: --auth: {e}")))?,
        ),
        None => None,
    };
    let explicit = values.get(&Role::OciConfigFile);
    let profile = values
        .get(&Role::OciProfile)
        .map(|(_, v)| v.value)
        .unwrap_or_else(|| "DEFAULT".into());
    let path = explicit
        .as_ref()
        .map(|(_, v)| v.value.clone())
        .unwrap_or_else(|| "~/.oci/config".into());
    let hint = AuthHint::Oci {
        profile: profile.clone(),
        file: path.clone(),
    };
    let usage = |e: rt::oci::ConfigError| Failure::usage(format!("{stem}: {e}"));
    // Principals need no config file.
    match mode {
        Some(rt::oci::OciAuthMode::InstancePrincipal) => {
            let auth = rt::oci::OciAuth::instance_principal(Default::default()).map_err(usage)?;
            return Ok((config.oci_auth(auth), hint));
        }
        Some(rt::oci::OciAuthMode::ResourcePrincipal) => {
            let auth = rt::oci::OciAuth::resource_principal_from_env().map_err(usage)?;
            return Ok((config.oci_auth(auth), hint));
        }
        _ => {}
    }
    let expanded = expand_home(&path);
    if explicit.is_none() && !expanded.is_file() {
        let setting = values
            .setting(&Role::OciConfigFile)
            .ok_or_else(|| Failure::other(format!("{stem}: no OCI config-file setting")))?;
        return Err(values.missing(
            &format!("an OCI API key or session (no config file at {path})"),
            &[setting],
        ));
    }
    let auth = match mode {
        Some(rt::oci::OciAuthMode::ApiKey) => rt::oci::OciAuth::api_key(&expanded, &profile),
        Some(rt::oci::OciAuthMode::SessionToken) => {
            rt::oci::OciAuth::session_token(&expanded, &profile)
        }
        _ => rt::oci::OciAuth::from_profile(&expanded, &profile),
    }
    .map_err(usage)?;
    Ok((config.oci_auth(auth), hint))
}

/// A bearer token, or the key of an API-key header scheme (the only
/// scheme, or chosen with `--api-key-header`).
fn connect_token(
    config: rt::ClientConfig,
    api: &rt::ApiDescription,
    values: &Values,
    token: Resolved,
) -> (rt::ClientConfig, AuthHint) {
    let use_header = values.all.iter().any(|(s, v)| {
        matches!(s.role, Role::ApiKeyHeader(_)) && v.as_ref().is_some_and(|v| v.value == "true")
    });
    let header_only = !api.supports(&AuthScheme::Bearer);
    let secret = rt::Secret::new(token.value.clone());
    let header = api.auth.iter().find_map(|s| match s {
        AuthScheme::ApiKeyHeader { name, .. } if use_header || header_only => Some(*name),
        _ => None,
    });
    let config = match header {
        Some(header) => config.auth(rt::Auth::ApiKeyHeader {
            header,
            value: secret,
        }),
        None => config.auth(rt::Auth::Bearer(secret)),
    };
    (
        config,
        AuthHint::Token {
            noun: token_noun(api).to_string(),
            source: token.source,
        },
    )
}

/// HTTP Basic.
fn connect_basic(
    config: rt::ClientConfig,
    values: &Values,
) -> Result<(rt::ClientConfig, AuthHint), Failure> {
    match (values.get(&Role::Username), values.get(&Role::Password)) {
        (Some((_, user)), Some((_, password))) => Ok((
            config.auth(rt::Auth::Basic {
                username: user.value.clone(),
                password: rt::Secret::new(password.value.clone()),
            }),
            AuthHint::Basic {
                source: format!("{} and {}", user.source, password.source),
            },
        )),
        _ => {
            let wanted: Vec<&Setting> = values
                .all
                .iter()
                .map(|(s, _)| s)
                .filter(|s| matches!(s.role, Role::Token | Role::Username | Role::Password))
                .collect();
            let what = if wanted.iter().any(|s| s.role == Role::Token) {
                "a token, or a user name and password"
            } else {
                "a user name and password"
            };
            Err(values.missing(what, &wanted))
        }
    }
}

/// `~/x` -> `$HOME/x`.
pub fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) if !home.is_empty() => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}
