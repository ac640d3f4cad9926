//! TLS and proxy settings of the HTTP client the runtime builds: extra root
//! certificates, a client identity for mutual TLS, a minimum TLS version,
//! an explicit proxy, and the loudly named opt-out from certificate
//! checks. Without settings the client trusts the platform's roots
//! (rustls with the platform verifier) and honours `HTTPS_PROXY`,
//! `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY`.
//!
//! Key material and proxy URLs (which may hold credentials) never appear
//! in `Debug` output or errors.

use std::fmt;

use crate::secret::Secret;

/// Why the TLS or proxy settings cannot be used. Never holds key material
/// or a proxy URL.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TlsError {
    /// A root certificate bundle is not PEM with at least one certificate.
    #[error("root certificate {index}: {reason}")]
    RootCertificate {
        /// Which bundle (0-based, in the order they were added).
        index: usize,
        /// What is wrong.
        reason: String,
    },
    /// The client identity (certificate chain and private key) is unusable.
    #[error("client identity: {0}")]
    Identity(String),
    /// The proxy URL is invalid (the URL itself is not shown: it may hold
    /// a password).
    #[error("invalid proxy URL: {0}")]
    Proxy(String),
}

/// TLS and proxy settings. `Debug` shows what is set, never a key or a
/// proxy URL.
#[derive(Clone, Default)]
pub(crate) struct NetworkOptions {
    pub(crate) root_certificates: Vec<Vec<u8>>,
    pub(crate) only_given_roots: bool,
    pub(crate) identity: Option<(Vec<u8>, Secret)>,
    pub(crate) min_tls_version: Option<reqwest::tls::Version>,
    pub(crate) danger_accept_invalid_certs: bool,
    pub(crate) proxy: Option<Secret>,
    pub(crate) no_proxy: bool,
}

impl fmt::Debug for NetworkOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NetworkOptions")
            .field("root_certificates", &self.root_certificates.len())
            .field("only_given_roots", &self.only_given_roots)
            .field(
                "identity",
                &self.identity.as_ref().map(|_| crate::secret::REDACTED),
            )
            .field("min_tls_version", &self.min_tls_version)
            .field(
                "danger_accept_invalid_certs",
                &self.danger_accept_invalid_certs,
            )
            .field(
                "proxy",
                &self.proxy.as_ref().map(|_| crate::secret::REDACTED),
            )
            .field("no_proxy", &self.no_proxy)
            .finish()
    }
}

impl NetworkOptions {
    /// Whether nothing is set (the platform defaults apply).
    pub(crate) fn is_default(&self) -> bool {
        self.root_certificates.is_empty()
            && !self.only_given_roots
            && self.identity.is_none()
            && self.min_tls_version.is_none()
            && !self.danger_accept_invalid_certs
            && self.proxy.is_none()
            && !self.no_proxy
    }

    /// Apply the settings to `builder`.
    pub(crate) fn apply(
        &self,
        mut builder: reqwest::ClientBuilder,
    ) -> Result<reqwest::ClientBuilder, TlsError> {
        let mut roots = Vec::new();
        for (index, pem) in self.root_certificates.iter().enumerate() {
            let bad = |reason: String| TlsError::RootCertificate { index, reason };
            let certs = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| bad(cause(&e)))?;
            if certs.is_empty() {
                return Err(bad("no PEM certificate found".into()));
            }
            roots.extend(certs);
        }
        if self.only_given_roots {
            builder = builder.tls_certs_only(roots);
        } else if !roots.is_empty() {
            builder = builder.tls_certs_merge(roots);
        }
        if let Some((chain, key)) = &self.identity {
            let mut pem = Vec::with_capacity(chain.len() + key.expose_secret().len() + 1);
            pem.extend_from_slice(chain);
            pem.push(b'\n');
            pem.extend_from_slice(key.expose_secret().as_bytes());
            let identity = reqwest::Identity::from_pem(&pem);
            pem.fill(0);
            builder = builder.identity(identity.map_err(|e| TlsError::Identity(cause(&e)))?);
        }
        if let Some(version) = self.min_tls_version {
            builder = builder.tls_version_min(version);
        }
        if self.danger_accept_invalid_certs {
            builder = builder.tls_danger_accept_invalid_certs(true);
        }
        if self.no_proxy {
            builder = builder.no_proxy();
        }
        if let Some(url) = &self.proxy {
            builder = builder.proxy(proxy(url)?.no_proxy(reqwest::NoProxy::from_env()));
        }
        Ok(builder)
    }
}

/// The proxy of `url` (reqwest keeps its credentials out of `Debug`).
fn proxy(url: &Secret) -> Result<reqwest::Proxy, TlsError> {
    reqwest::Proxy::all(url.expose_secret()).map_err(|e| TlsError::Proxy(cause(&e)))
}

/// The innermost cause of `e` (reqwest's outer message is only "builder
/// error").
fn cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut last = e;
    while let Some(next) = last.source() {
        last = next;
    }
    last.to_string()
}

/// Make sure rustls has a crypto provider before a client is built.
///
/// With the `oci` feature, reqwest's own default (aws-lc-rs, which OCI
/// signing needs anyway) applies. Without it, the runtime brings *ring*
/// (feature `ring`, which the generated crates enable) and installs it as
/// the process default, unless a provider is installed already; it builds
/// in a fraction of aws-lc-rs's time.
pub(crate) fn ensure_crypto_provider() {
    #[cfg(all(feature = "ring", not(feature = "oci")))]
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Another thread may win the race; either provider is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}
