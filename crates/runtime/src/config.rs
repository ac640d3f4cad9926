//! Building a client: base URL, server variables, auth, retries, timeouts.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use crate::api::{ApiDescription, AuthScheme, VariableKind};
use crate::oci;
use crate::retry::RetryPolicy;
use crate::runtime::Runtime;
use crate::secret::Secret;

/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default timeout of one attempt (request sent to body read).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// How a client authenticates. `Debug` never shows a secret.
#[derive(Debug, Clone)]
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
    /// A key in a request header.
    ApiKeyHeader {
        /// The header name.
        header: &'static str,
        /// The key.
        value: Secret,
    },
    /// OCI request signing; every attempt is signed with a fresh `date`.
    Oci(Arc<oci::Signer>),
}

impl Auth {
    /// The scheme this auth implements.
    pub fn scheme(&self) -> AuthScheme {
        match self {
            Auth::Bearer(_) => AuthScheme::Bearer,
            Auth::Basic { .. } => AuthScheme::Basic,
            Auth::ApiKeyHeader { header, .. } => AuthScheme::ApiKeyHeader {
                name: header,
                prefix: "",
            },
            Auth::Oci(_) => AuthScheme::OciSignature,
        }
    }
}

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The base URL is not an absolute http(s) URL without query or fragment.
    #[error("invalid base URL `{url}`: {reason}")]
    InvalidBaseUrl {
        /// The URL.
        url: String,
        /// What is wrong.
        reason: String,
    },
    /// A server variable the spec does not declare.
    #[error("`{provider}` has no server variable `{name}` (it has: {known})")]
    UnknownServerVariable {
        /// The provider.
        provider: &'static str,
        /// The variable.
        name: String,
        /// The declared variables.
        known: String,
    },
    /// A server variable value that is not allowed or would change the URL.
    #[error("server variable `{name}` cannot be `{value}`: {reason}")]
    InvalidServerVariable {
        /// The variable.
        name: String,
        /// The value.
        value: String,
        /// What is wrong.
        reason: String,
    },
    /// The spec has no absolute server URL (none at all, a relative one, or
    /// a whole-URL variable without a value), and no base URL was given.
    #[error(
        "`{provider}` needs a base URL: its spec's server is {server}; call \
         `.base_url(\"https://...\")` on the builder (credctl: `--base-url URL` or \
         `{env_prefix}_BASE_URL`)"
    )]
    BaseUrlRequired {
        /// The provider.
        provider: &'static str,
        /// How the spec's server reads (`none`, `the relative URL "/"`).
        server: String,
        /// The provider's environment-variable prefix.
        env_prefix: &'static str,
    },
    /// Server variables were set, but so was an explicit base URL.
    #[error("server variables ({names}) only apply to the default server; a base URL was also set")]
    VariablesWithBaseUrl {
        /// The variables set.
        names: String,
    },
    /// An authentication method the provider's spec does not declare.
    #[error("`{provider}` does not support {scheme:?} authentication")]
    AuthNotSupported {
        /// The provider.
        provider: &'static str,
        /// The scheme.
        scheme: AuthScheme,
    },
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Http(#[source] reqwest::Error),
}

/// Everything a generated `ClientBuilder` collects. `Debug` never shows a
/// secret.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    api: &'static ApiDescription,
    base_url: Option<String>,
    variables: BTreeMap<String, String>,
    config_region: Option<String>,
    auth: Option<Auth>,
    retry: RetryPolicy,
    connect_timeout: Duration,
    timeout: Duration,
    user_agent: Option<String>,
}

/// What `ClientConfig::build` produces for the generated `Client`.
#[derive(Debug)]
pub struct ClientParts {
    /// The base URL, without trailing slash.
    pub base_url: String,
    /// The HTTP client, with timeouts set.
    pub http: reqwest::Client,
    /// The runtime hooks' state.
    pub runtime: Runtime,
}

impl ClientConfig {
    /// Defaults for `api`: its default server, no auth, the provider's retry
    /// policy (Oracle's for OCI-signed APIs), default timeouts.
    pub fn new(api: &'static ApiDescription) -> Self {
        let retry = if api.supports(&AuthScheme::OciSignature) {
            RetryPolicy::oci()
        } else {
            RetryPolicy::default()
        };
        Self {
            api,
            base_url: None,
            variables: BTreeMap::new(),
            config_region: None,
            auth: None,
            retry,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            user_agent: None,
        }
    }

    /// Use this base URL instead of the default server.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Set a server variable of the default server.
    pub fn server_variable(mut self, name: &str, value: impl Into<String>) -> Self {
        self.variables.insert(name.to_string(), value.into());
        self
    }

    /// Set the authentication.
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = Some(auth);
        self
    }

    /// Use an OCI config profile: its key signs requests, and its region is
    /// the `region` server variable unless one is set explicitly.
    pub fn oci_config(mut self, config: oci::OciConfig) -> Result<Self, oci::ConfigError> {
        let signer = config.signer()?;
        self.auth = Some(Auth::Oci(Arc::new(signer)));
        self.config_region = config.region.clone();
        Ok(self)
    }

    /// Set the retry policy.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Set the connect timeout.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Set the per-attempt timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Replace the `User-Agent`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// The base URL the client will use.
    pub fn resolved_base_url(&self) -> Result<String, BuildError> {
        let url = match &self.base_url {
            Some(url) => {
                if !self.variables.is_empty() {
                    return Err(BuildError::VariablesWithBaseUrl {
                        names: self
                            .variables
                            .keys()
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(", "),
                    });
                }
                url.clone()
            }
            None => self.expand_server()?,
        };
        validate_base_url(&url)
    }

    fn expand_server(&self) -> Result<String, BuildError> {
        let server = &self.api.server;
        for name in self.variables.keys() {
            if !server.variables.iter().any(|v| v.name == name) {
                return Err(BuildError::UnknownServerVariable {
                    provider: self.api.provider,
                    name: name.clone(),
                    known: server
                        .variables
                        .iter()
                        .map(|v| v.name)
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
        }
        let mut url = server.url.to_string();
        for var in server.variables {
            let value = self
                .variables
                .get(var.name)
                .cloned()
                .or_else(|| {
                    (self.api.region_variable == Some(var.name))
                        .then(|| self.config_region.clone())
                        .flatten()
                })
                .unwrap_or_else(|| var.default.to_string());
            if !var.allowed.is_empty() && !var.allowed.contains(&value.as_str()) {
                return Err(BuildError::InvalidServerVariable {
                    name: var.name.to_string(),
                    value,
                    reason: format!("allowed values are {}", var.allowed.join(", ")),
                });
            }
            if let Err(reason) = check_variable(var.kind, &value, var.default) {
                return Err(BuildError::InvalidServerVariable {
                    name: var.name.to_string(),
                    value,
                    reason: reason.to_string(),
                });
            }
            url = url.replace(&format!("{{{}}}", var.name), &value);
        }
        let lower = url.to_ascii_lowercase();
        if !(lower.starts_with("http://") || lower.starts_with("https://")) {
            return Err(BuildError::BaseUrlRequired {
                provider: self.api.provider,
                server: if server.url.is_empty() {
                    "not given (no `servers`)".to_string()
                } else if server.url == url {
                    format!("the relative URL `{url}`")
                } else {
                    format!("`{}`, which is `{url}` with its defaults", server.url)
                },
                env_prefix: self.api.env_prefix,
            });
        }
        Ok(url)
    }

    /// Build the HTTP client and runtime.
    pub fn build(self) -> Result<ClientParts, BuildError> {
        let base_url = self.resolved_base_url()?;
        if let Some(auth) = &self.auth {
            let scheme = auth.scheme();
            if !self.api.supports(&scheme) {
                return Err(BuildError::AuthNotSupported {
                    provider: self.api.provider,
                    scheme,
                });
            }
        }
        let http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            .build()
            .map_err(BuildError::Http)?;
        let user_agent = self
            .user_agent
            .unwrap_or_else(|| crate::runtime::default_user_agent(self.api.provider));
        let runtime = Runtime::new(self.auth, self.retry, &user_agent);
        Ok(ClientParts {
            base_url,
            http,
            runtime,
        })
    }
}

/// Whether `value` fits a server variable of this kind without changing
/// the URL's structure.
fn check_variable(kind: VariableKind, value: &str, default: &str) -> Result<(), &'static str> {
    let structural =
        |c: char| matches!(c, '/' | '@' | '?' | '#' | '\\') || c.is_whitespace() || c.is_control();
    match kind {
        VariableKind::Scheme => match value.to_ascii_lowercase().as_str() {
            "http" | "https" => Ok(()),
            _ => Err("the scheme must be `http` or `https`"),
        },
        VariableKind::Port => match value.parse::<u16>() {
            Ok(p) if p > 0 && value.bytes().all(|b| b.is_ascii_digit()) => Ok(()),
            _ => Err("a port is a number from 1 to 65535"),
        },
        // A variable whose default is a path prefix (`/api/v2`) may hold `/`,
        // but no `.`/`..` segment; other path variables are one segment.
        VariableKind::Path if default.starts_with('/') => {
            let bad = value
                .chars()
                .any(|c| c != '/' && (structural(c) || c == '%'))
                || !value.starts_with('/')
                || value.split('/').any(|seg| seg == "." || seg == "..");
            if bad {
                Err(
                    "a path prefix starts with `/` and holds no `.`/`..` segment, `@`, `?`, `#`, `%` or whitespace",
                )
            } else {
                Ok(())
            }
        }
        VariableKind::Path => {
            if value.chars().any(|c| structural(c) || c == '%') || value == "." || value == ".." {
                Err("a path part may not hold `/`, `@`, `?`, `#`, `%`, whitespace, or be `.`/`..`")
            } else {
                Ok(())
            }
        }
        VariableKind::Url => {
            let lower = value.to_ascii_lowercase();
            if value.is_empty() {
                Ok(()) // reported as "needs a base URL"
            } else if !(lower.starts_with("http://") || lower.starts_with("https://")) {
                Err("it must be an absolute http(s) URL")
            } else if value
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '?' || c == '#')
            {
                Err("a base URL has no whitespace, query or fragment")
            } else {
                Ok(())
            }
        }
        _ => check_host(value),
    }
}

/// A host part: letters, digits, `-`, `.`, `_`, optionally `:port`, or a
/// bracketed IPv6 literal with an optional port.
fn check_host(value: &str) -> Result<(), &'static str> {
    const BAD: &str = "a host may hold letters, digits, `-`, `.`, `_`, an optional `:port`, or a \
                       bracketed IPv6 literal; not `/`, `@`, `?`, `#` or whitespace";
    if value.is_empty() {
        return Err("a host part cannot be empty");
    }
    let (host, port) = if let Some(rest) = value.strip_prefix('[') {
        let Some((inside, after)) = rest.split_once(']') else {
            return Err(BAD);
        };
        if inside.is_empty()
            || !inside
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        {
            return Err(BAD);
        }
        match after {
            "" => return Ok(()),
            p => (None, Some(p.strip_prefix(':').ok_or(BAD)?)),
        }
    } else {
        match value.split_once(':') {
            Some((h, p)) => (Some(h), Some(p)),
            None => (Some(value), None),
        }
    };
    if let Some(h) = host
        && (h.is_empty()
            || !h
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_')))
    {
        return Err(BAD);
    }
    if let Some(p) = port
        && !(p.parse::<u16>().is_ok_and(|p| p > 0) && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err("the port after `:` must be a number from 1 to 65535");
    }
    Ok(())
}

fn validate_base_url(url: &str) -> Result<String, BuildError> {
    // Never echo a password someone put in the URL.
    let shown = match reqwest::Url::parse(url) {
        Ok(mut u) if u.password().is_some() || !u.username().is_empty() => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string()
        }
        _ => url.to_string(),
    };
    let bad = |reason: &str| BuildError::InvalidBaseUrl {
        url: shown.clone(),
        reason: reason.to_string(),
    };
    let parsed = reqwest::Url::parse(url).map_err(|e| bad(&e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(bad("the scheme must be http or https"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(bad("there is no host"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(bad("a base URL has no query or fragment"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(bad(
            "credentials in the URL are not allowed; use the auth setters",
        ));
    }
    Ok(url.trim_end_matches('/').to_string())
}
