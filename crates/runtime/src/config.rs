//! Building a client: base URL and server variables (`config/server.rs`),
//! auth, retries, timeouts, limits, redirects, TLS and proxy, or a
//! caller's own `reqwest::Client`. The generated `ClientBuilder` setters
//! are one-line wrappers over [`ClientConfig`].

mod server;

use std::collections::BTreeMap;
use std::time::Duration;

use crate::api::{ApiDescription, AuthScheme};
use crate::auth::AuthError;
use crate::body::DEFAULT_MAX_RESPONSE_BYTES;
pub use crate::client_auth::Auth;
use crate::client_auth::AuthSetupError;
#[cfg(feature = "oci")]
use crate::oci;
use crate::redirect::DEFAULT_MAX_REDIRECTS;
use crate::retry::RetryPolicy;
use crate::secret::Secret;
use crate::tls::{NetworkOptions, TlsError};
use crate::transport::{Transport, default_user_agent, user_agent};

/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default timeout of one attempt (request sent to body read).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
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
    /// A credential cannot be sent (e.g. a newline in a token).
    #[error("`{provider}`: {source}")]
    InvalidCredential {
        /// The provider.
        provider: &'static str,
        /// What is wrong (never the credential).
        source: AuthError,
    },
    /// The TLS or proxy settings cannot be used.
    #[error("TLS / proxy settings: {0}")]
    Tls(#[from] TlsError),
    /// Settings that only apply to a client the runtime builds were given
    /// together with [`ClientConfig::http_client`].
    #[error(
        "{settings} cannot be applied to a client passed with `http_client`; configure them on \
         that reqwest::Client instead"
    )]
    HttpClientConflict {
        /// The settings.
        settings: String,
    },
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {}", cause(.0))]
    Http(#[source] reqwest::Error),
}

fn cause(e: &reqwest::Error) -> String {
    let mut last: &(dyn std::error::Error + 'static) = e;
    while let Some(next) = last.source() {
        last = next;
    }
    last.to_string()
}

/// Everything a generated `ClientBuilder` collects. `Debug` never shows a
/// secret.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    api: &'static ApiDescription,
    base_url: Option<String>,
    variables: BTreeMap<String, String>,
    /// The region of an OCI-style config profile, for `api.region_variable`.
    profile_region: Option<String>,
    auth: Option<Auth>,
    retry: Option<RetryPolicy>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    call_timeout: Option<Duration>,
    user_agent: Option<String>,
    max_response_bytes: u64,
    max_redirects: usize,
    network: NetworkOptions,
    http_client: Option<reqwest::Client>,
}

/// What `ClientConfig::build` produces for the generated `Client`.
#[derive(Debug)]
pub struct ClientParts {
    /// The base URL, without trailing slash.
    pub base_url: String,
    /// The HTTP client, with timeouts, redirect policy, TLS and proxy set.
    pub http: reqwest::Client,
    /// The hooks' state.
    pub runtime: Transport,
}

impl ClientConfig {
    /// Defaults for `api`: its default server, no auth, the retry policy
    /// its spec declares, default timeouts and limits.
    pub fn new(api: &'static ApiDescription) -> Self {
        Self {
            api,
            base_url: None,
            variables: BTreeMap::new(),
            profile_region: None,
            auth: None,
            retry: None,
            connect_timeout: None,
            timeout: None,
            call_timeout: None,
            user_agent: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            max_redirects: DEFAULT_MAX_REDIRECTS,
            network: NetworkOptions::default(),
            http_client: None,
        }
    }

    /// The API this configures a client for.
    pub fn api(&self) -> &'static ApiDescription {
        self.api
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

    #[cfg(feature = "oci")]
    /// Use an OCI config profile: its key signs requests, and its region
    /// fills the API's region variable (`ApiDescription::region_variable`)
    /// unless that variable is set explicitly.
    ///
    /// # Errors
    /// The profile's key cannot be used.
    pub fn oci_config(mut self, config: oci::OciConfig) -> Result<Self, oci::ConfigError> {
        let signer = config.signer()?;
        self.auth = Some(Auth::Oci(std::sync::Arc::new(signer)));
        self.profile_region = config.region.clone();
        Ok(self)
    }

    #[cfg(feature = "oci")]
    /// Sign in as Oracle's tools do ([`oci::OciAuth`]: API key, session
    /// token, instance or resource principal). A region the mode knows
    /// (the profile's, `OCI_RESOURCE_PRINCIPAL_REGION`) fills the API's
    /// region variable, and its realm the realm variable, unless set.
    pub fn oci_auth(mut self, auth: oci::OciAuth) -> Self {
        self.profile_region = auth.region().map(str::to_string);
        self.auth = Some(Auth::Custom(auth.authenticator()));
        self
    }

    /// Set the retry policy (default: `RetryPolicy::for_api(api)`).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// The retry policy the client will use.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.retry
            .clone()
            .unwrap_or_else(|| RetryPolicy::for_api(self.api))
    }

    /// Set the connect timeout (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Set the per-attempt timeout, from sending the request to the end of
    /// the body (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Set a deadline for a whole call: all attempts, the waits between
    /// them and the last body (default: none; the retry policy's budget
    /// still stops new retries).
    pub fn call_timeout(mut self, timeout: Duration) -> Self {
        self.call_timeout = Some(timeout);
        self
    }

    /// Replace the `User-Agent`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Cap response bodies at `bytes` (default 4 MiB). A larger body fails
    /// with `TransportError::BodyTooLarge` while it streams in; no more
    /// than the cap is buffered.
    pub fn max_response_bytes(mut self, bytes: u64) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// Follow at most `count` same-origin redirects of idempotent requests
    /// (default 3; 0 returns every 3xx as it is). Redirects to another
    /// origin are always refused.
    pub fn max_redirects(mut self, count: usize) -> Self {
        self.max_redirects = count;
        self
    }

    /// Trust the certificates of this PEM bundle in addition to the
    /// platform's roots (e.g. a company CA).
    pub fn root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.network.root_certificates.push(pem.into());
        self
    }

    /// Trust only the certificates added with
    /// [`ClientConfig::root_certificate_pem`], not the platform's roots.
    pub fn only_given_root_certificates(mut self, only: bool) -> Self {
        self.network.only_given_roots = only;
        self
    }

    /// Present this client identity for mutual TLS: a PEM certificate chain
    /// and its PEM private key (PKCS#8, PKCS#1 or SEC1).
    pub fn client_identity_pem(
        mut self,
        certificate_chain: impl Into<Vec<u8>>,
        private_key: impl Into<Secret>,
    ) -> Self {
        self.network.identity = Some((certificate_chain.into(), private_key.into()));
        self
    }

    /// Refuse TLS versions below `version`.
    pub fn min_tls_version(mut self, version: reqwest::tls::Version) -> Self {
        self.network.min_tls_version = Some(version);
        self
    }

    /// **Dangerous**: accept any server certificate, including expired,
    /// self-signed and wrong-host ones. Anyone on the network path can then
    /// read and change the traffic, credentials included. For local tests
    /// only; prefer [`ClientConfig::root_certificate_pem`].
    pub fn danger_accept_invalid_certs(mut self, accept: bool) -> Self {
        self.network.danger_accept_invalid_certs = accept;
        self
    }

    /// Send every request through this proxy (`http://`, `https://` or
    /// `socks5://`, optionally with `user:password@`), except to hosts in
    /// `NO_PROXY`. Without it, `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY`
    /// and `NO_PROXY` apply.
    pub fn proxy(mut self, url: impl Into<Secret>) -> Self {
        self.network.proxy = Some(url.into());
        self
    }

    /// Ignore the proxy environment variables (an explicit
    /// [`ClientConfig::proxy`] still applies).
    pub fn no_proxy(mut self) -> Self {
        self.network.no_proxy = true;
        self
    }

    /// Send with this `reqwest::Client` instead of building one. Its own
    /// connect timeout, TLS, proxy and redirect settings apply (install
    /// `redirect::policy` and `.referer(false)` on it for the runtime's
    /// redirect rules); the per-attempt timeout applies only when set with
    /// [`ClientConfig::timeout`]; the call deadline, retries, auth and the
    /// response-size cap apply as usual.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Build the HTTP client and runtime.
    ///
    /// # Errors
    /// An invalid base URL or server variable, an authentication method
    /// the provider does not support or a credential that cannot be sent,
    /// unusable TLS or proxy settings.
    pub fn build(self) -> Result<ClientParts, BuildError> {
        let base_url = self.resolved_base_url()?;
        let provider = self.api.provider;
        let auth = match self.auth.clone() {
            None => None,
            Some(auth) => Some(auth.authenticator(self.api).map_err(|e| match e {
                AuthSetupError::NotSupported(scheme) => {
                    BuildError::AuthNotSupported { provider, scheme }
                }
                AuthSetupError::Invalid(source) => {
                    BuildError::InvalidCredential { provider, source }
                }
            })?),
        };
        let retry = self.retry_policy();
        // `client_timeout`: the HTTP client applies `attempt_timeout` to
        // every request itself, so the transport sets a per-request timeout
        // only when a call deadline leaves less.
        let (http, attempt_timeout, client_timeout) = match self.http_client.clone() {
            Some(client) => {
                let mut conflicts = Vec::new();
                if !self.network.is_default() {
                    conflicts.push("TLS / proxy settings");
                }
                if self.connect_timeout.is_some() {
                    conflicts.push("a connect timeout");
                }
                if self.max_redirects != DEFAULT_MAX_REDIRECTS {
                    conflicts.push("a redirect limit");
                }
                if !conflicts.is_empty() {
                    return Err(BuildError::HttpClientConflict {
                        settings: conflicts.join(", "),
                    });
                }
                (client, self.timeout, false)
            }
            None => {
                let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
                let builder = reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                    .timeout(timeout)
                    .redirect(crate::redirect::policy(self.max_redirects))
                    .referer(false);
                let builder = self.network.apply(builder)?;
                crate::tls::ensure_crypto_provider();
                (
                    builder.build().map_err(BuildError::Http)?,
                    Some(timeout),
                    true,
                )
            }
        };
        let agent = self
            .user_agent
            .clone()
            .unwrap_or_else(|| default_user_agent(provider));
        let runtime = Transport {
            api: self.api,
            auth,
            retry,
            user_agent: user_agent(&agent),
            max_response_bytes: self.max_response_bytes,
            attempt_timeout,
            client_timeout,
            call_timeout: self.call_timeout,
        };
        Ok(ClientParts {
            base_url,
            http,
            runtime,
        })
    }
}
