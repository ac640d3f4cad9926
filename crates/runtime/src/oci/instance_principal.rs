//! Instance principals: a compute instance signs in as itself.
//!
//! As Oracle's SDKs (oci-go-sdk `common/auth/instance_principal_key_provider.go`,
//! `certificate_retriever.go`, `utils.go`, `federation_client.go`;
//! oci-python-sdk `oci/auth/signers/instance_principals_security_token_signer.py`):
//! 1. from the instance metadata service (`http://169.254.169.254/opc/v2`,
//!    or `OCI_METADATA_BASE_URL`; every call with `Authorization: Bearer
//!    Oracle`) read the region (`/instance/region`, a region key such as
//!    `phx` or an identifier), the leaf certificate and its private key
//!    (`/identity/cert.pem`, `/identity/key.pem`) and the intermediate
//!    certificate (`/identity/intermediate.pem`);
//! 2. take the tenancy from the leaf certificate's subject (`opc-tenant:` /
//!    `opc-identity:`);
//! 3. generate a 2048-bit RSA session key;
//! 4. exchange certificates and session public key for a token at the
//!    federation endpoint (`https://auth.<region>.<second-level domain>/v1/x509`,
//!    or `OCI_SDK_AUTH_CLIENT_REGION_URL` + `/v1/x509`; see
//!    [`super::federation`]);
//! 5. sign API calls with `keyId="ST$<token>"` and the session key.
//!
//! The token is renewed (steps 1-4 again, with a new session key) 5 minutes
//! before its `exp`, as the Go SDK does, and after the server answers 401
//! ([`Authenticate::unauthorized`]). If a renewal fails while the token is
//! still valid, the token is used until it expires. The certificate's
//! tenancy may not change between renewals (Oracle's SDKs refuse that too).
//! All calls use the client's own `reqwest::Client`.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use reqwest::header::{AUTHORIZATION, HeaderValue};
use reqwest::{Method, Request, Url};
use tokio::sync::Mutex;

use crate::api::AuthScheme;
use crate::auth::{AuthError, AuthFuture, Authenticate};

use super::certificate::Certificate;
use super::error::{ConfigError, FetchError};
use super::key::{self, SigningKey};
use super::realm::Regions;
use super::signer::Signer;
use super::token::{REFRESH_BEFORE_EXPIRY, SecurityToken};
use super::{federation, fetch};

/// The instance metadata service's default base URL.
pub const DEFAULT_METADATA_URL: &str = "http://169.254.169.254/opc/v2";
/// The environment variable that replaces [`DEFAULT_METADATA_URL`].
pub const METADATA_URL_ENV: &str = "OCI_METADATA_BASE_URL";
/// The environment variable that replaces the federation endpoint's host
/// (`/v1/x509` is appended), as in the Go SDK.
pub const AUTH_CLIENT_URL_ENV: &str = "OCI_SDK_AUTH_CLIENT_REGION_URL";

/// Where instance principals fetch identity and tokens. `None` fields take
/// Oracle's defaults (and environment variables) described on each.
#[derive(Debug, Clone, Default)]
pub struct InstancePrincipalOptions {
    /// The metadata service base URL (default: `$OCI_METADATA_BASE_URL`,
    /// else `http://169.254.169.254/opc/v2`).
    pub metadata_url: Option<String>,
    /// The full federation URL (default: `$OCI_SDK_AUTH_CLIENT_REGION_URL`
    /// with `/v1/x509` appended, else `https://auth.<region>.<domain>/v1/x509`
    /// for the instance's region and its realm's second-level domain).
    pub federation_url: Option<String>,
    /// The region, instead of asking the metadata service.
    pub region: Option<String>,
    /// How long before its `exp` a token is renewed (default 5 minutes).
    pub refresh_before_expiry: Option<Duration>,
}

/// Signs as the compute instance the program runs on.
pub struct InstancePrincipalAuth {
    metadata_url: Url,
    federation_url: Option<Url>,
    configured_region: Option<String>,
    refresh_before_expiry: Duration,
    regions: Regions,
    /// Set by a 401: renew before the next request.
    stale: AtomicBool,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    region: Option<String>,
    tenancy: Option<String>,
    session: Option<Session>,
}

struct Session {
    token: SecurityToken,
    signer: Arc<Signer>,
}

impl fmt::Debug for InstancePrincipalAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InstancePrincipalAuth")
            .field("metadata_url", &self.metadata_url.as_str())
            .field(
                "federation_url",
                &self.federation_url.as_ref().map(Url::as_str),
            )
            .field("region", &self.configured_region)
            .field("refresh_before_expiry", &self.refresh_before_expiry)
            .finish_non_exhaustive()
    }
}

impl InstancePrincipalAuth {
    /// Instance-principal sign-in with `options`. Nothing is fetched until
    /// the first request.
    ///
    /// # Errors
    /// [`ConfigError::InvalidUrl`] if a URL is not an absolute http(s) URL.
    pub fn new(options: InstancePrincipalOptions) -> Result<InstancePrincipalAuth, ConfigError> {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let metadata_url = options
            .metadata_url
            .or_else(|| env(METADATA_URL_ENV))
            .unwrap_or_else(|| DEFAULT_METADATA_URL.to_owned());
        let federation_url = options.federation_url.or_else(|| {
            env(AUTH_CLIENT_URL_ENV).map(|host| format!("{}/v1/x509", host.trim_end_matches('/')))
        });
        Ok(InstancePrincipalAuth {
            metadata_url: parse_url("metadata service URL", metadata_url.trim_end_matches('/'))?,
            federation_url: federation_url
                .map(|url| parse_url("federation URL", &url))
                .transpose()?,
            configured_region: options.region,
            refresh_before_expiry: options
                .refresh_before_expiry
                .unwrap_or(REFRESH_BEFORE_EXPIRY),
            regions: Regions::from_env(),
            stale: AtomicBool::new(false),
            state: Mutex::new(State::default()),
        })
    }

    /// The instance's region identifier (`us-phoenix-1`): the configured
    /// one, else asked of the metadata service once.
    ///
    /// # Errors
    /// [`FetchError::Metadata`] if the metadata service cannot be reached.
    pub async fn region(&self, http: &reqwest::Client) -> Result<String, FetchError> {
        let mut state = self.state.lock().await;
        self.region_locked(&mut state, http).await
    }

    /// The tenancy OCID from the instance certificate, once a token has
    /// been fetched.
    pub async fn tenancy(&self) -> Option<String> {
        self.state.lock().await.tenancy.clone()
    }

    /// The signer for a request sent at `now`, renewing the token first if
    /// it expires within the margin or a 401 was seen.
    pub(crate) async fn signer_at(
        &self,
        http: &reqwest::Client,
        now: SystemTime,
    ) -> Result<Arc<Signer>, AuthError> {
        let mut state = self.state.lock().await;
        let forced = self.stale.swap(false, Ordering::SeqCst);
        let fresh = state
            .session
            .as_ref()
            .filter(|s| !forced && !s.token.expires_within(now, self.refresh_before_expiry));
        if let Some(session) = fresh {
            return Ok(session.signer.clone());
        }
        match self.renew(&mut state, http).await {
            Ok(session) => {
                let signer = session.signer.clone();
                state.session = Some(session);
                Ok(signer)
            }
            Err(error) => match &state.session {
                // Keep using a still-valid token, unless a 401 refused it.
                Some(old) if !forced && !old.token.is_expired(now) => Ok(old.signer.clone()),
                _ => Err(error.into()),
            },
        }
    }

    async fn region_locked(
        &self,
        state: &mut State,
        http: &reqwest::Client,
    ) -> Result<String, FetchError> {
        if let Some(region) = self.configured_region.clone().or(state.region.clone()) {
            return Ok(self.regions.region_identifier(&region).unwrap_or(region));
        }
        let url = self.metadata("instance/region");
        let raw = self.get_text(http, &url).await?;
        let raw = raw.trim().to_ascii_lowercase();
        if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(FetchError::Identity {
                url: url.to_string(),
                reason: "the region is not a region name".to_owned(),
            });
        }
        let region = self.regions.region_identifier(&raw).unwrap_or(raw);
        state.region = Some(region.clone());
        Ok(region)
    }

    async fn renew(
        &self,
        state: &mut State,
        http: &reqwest::Client,
    ) -> Result<Session, FetchError> {
        let federation_url = match &self.federation_url {
            Some(url) => url.clone(),
            None => {
                let region = self.region_locked(state, http).await?;
                self.default_federation_url(&region)
                    .map_err(|error| FetchError::Identity {
                        url: self.metadata("instance/region").to_string(),
                        reason: error.to_string(),
                    })?
            }
        };

        let leaf_url = self.metadata("identity/cert.pem");
        let leaf = self.get_certificate(http, &leaf_url).await?;
        let key_url = self.metadata("identity/key.pem");
        let leaf_key = self.get_key(http, &key_url).await?;
        let intermediate_url = self.metadata("identity/intermediate.pem");
        let intermediate = self.get_certificate(http, &intermediate_url).await?;

        let tenancy = leaf
            .tenancy()
            .ok_or_else(|| FetchError::Identity {
                url: leaf_url.to_string(),
                reason: "the certificate names no tenancy (no `opc-tenant:` or `opc-identity:` \
                         in its subject)"
                    .to_owned(),
            })?
            .to_owned();
        if let Some(previous) = &state.tenancy
            && *previous != tenancy
        {
            return Err(FetchError::Identity {
                url: leaf_url.to_string(),
                reason: format!("the certificate's tenancy changed from {previous} to {tenancy}"),
            });
        }

        let (session_key, session_public_key) = SigningKey::generate()?;
        let body = federation::body(
            &leaf,
            std::slice::from_ref(&intermediate),
            &session_public_key,
        );
        let signer = federation::signer(&tenancy, &leaf, Arc::new(leaf_key));
        let token = federation::request_token(http, &federation_url, &signer, &body).await?;
        let session_signer = Signer::for_token(token.expose_secret(), Arc::new(session_key))
            .map_err(|error| FetchError::Federation {
                url: federation_url.to_string(),
                reason: error.to_string(),
            })?;
        state.tenancy = Some(tenancy);
        Ok(Session {
            token,
            signer: Arc::new(session_signer),
        })
    }

    /// `https://auth.<region>.<second-level domain>/v1/x509`, as Oracle's
    /// SDKs build it (`region.Endpoint("auth")` + `v1/x509`).
    pub(crate) fn default_federation_url(&self, region: &str) -> Result<Url, ConfigError> {
        let url = format!("{}/v1/x509", self.regions.endpoint("auth", region));
        parse_url("federation URL", &url)
    }

    fn metadata(&self, path: &str) -> Url {
        // The base parsed as a URL without a trailing slash; appending a
        // relative path segment keeps it valid.
        Url::parse(&format!(
            "{}/{path}",
            self.metadata_url.as_str().trim_end_matches('/')
        ))
        .unwrap_or_else(|_| self.metadata_url.clone())
    }

    async fn get_text(&self, http: &reqwest::Client, url: &Url) -> Result<String, FetchError> {
        let failed = |reason: String| FetchError::Metadata {
            url: url.to_string(),
            reason,
        };
        let make = || {
            let mut request = Request::new(Method::GET, url.clone());
            request
                .headers_mut()
                .insert(AUTHORIZATION, HeaderValue::from_static("Bearer Oracle"));
            Ok(request)
        };
        let response = fetch::send(http, make).await.map_err(failed)?;
        if !response.status.is_success() {
            // The body is not shown: it may echo key material.
            return Err(failed(format!("status {}", response.status)));
        }
        String::from_utf8(response.body).map_err(|_| failed("the response is not text".to_owned()))
    }

    async fn get_certificate(
        &self,
        http: &reqwest::Client,
        url: &Url,
    ) -> Result<Certificate, FetchError> {
        let text = self.get_text(http, url).await?;
        Certificate::from_pem(&text).map_err(|error| FetchError::Identity {
            url: url.to_string(),
            reason: error.0,
        })
    }

    async fn get_key(&self, http: &reqwest::Client, url: &Url) -> Result<SigningKey, FetchError> {
        let text = super::pem::Wiped(self.get_text(http, url).await?.into_bytes());
        let text = std::str::from_utf8(&text.0).unwrap_or_default();
        key::parse_pem(text).map_err(|error| FetchError::Identity {
            url: url.to_string(),
            reason: error.to_string(),
        })
    }
}

impl Authenticate for InstancePrincipalAuth {
    fn scheme(&self) -> AuthScheme {
        AuthScheme::OciSignature
    }

    fn authenticate<'a>(
        &'a self,
        request: &'a mut Request,
        http: &'a reqwest::Client,
    ) -> AuthFuture<'a> {
        Box::pin(async move {
            let now = SystemTime::now();
            let signer = self.signer_at(http, now).await?;
            signer.sign(request, now).map_err(Into::into)
        })
    }

    /// The token was refused: renew it before the next attempt.
    fn unauthorized(&self) -> bool {
        self.stale.store(true, Ordering::SeqCst);
        true
    }
}

fn parse_url(what: &'static str, url: &str) -> Result<Url, ConfigError> {
    let invalid = |reason: &str| ConfigError::InvalidUrl {
        what,
        url: url.to_owned(),
        reason: reason.to_owned(),
    };
    let parsed = Url::parse(url).map_err(|error| invalid(&error.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(invalid("expected an absolute http(s) URL"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(ConfigError::InvalidUrl {
            what,
            url: "(a URL with credentials)".to_owned(),
            reason: "credentials in the URL are not allowed".to_owned(),
        });
    }
    Ok(parsed)
}
