//! The generated `ClientHooks` (every request goes through the runtime),
//! `Client::builder()` and the `ClientBuilder` setters that every provider
//! has; server-variable and authentication setters come from the spec.

use proc_macro2::TokenStream;
use quote::quote;

use super::doc_attr;

/// Setter names the builder always has: a server variable or security
/// scheme whose setter would collide gets another name.
pub const FIXED_SETTERS: [&str; 6] = [
    "base_url",
    "retry",
    "connect_timeout",
    "timeout",
    "user_agent",
    "build",
];

/// The hooks, `Client::builder()` and `ClientBuilder`, with the spec's own
/// setters (`var_setters`, `auth_setters`) among the fixed ones.
pub fn tokens(
    title: &str,
    server_url: &str,
    var_setters: &[TokenStream],
    auth_setters: &[TokenStream],
) -> TokenStream {
    let builder_doc = doc_attr(&format!(
        "Configures a [`Client`] for {title}: base URL (default `{server_url}`), \
         authentication, retries and timeouts."
    ));
    quote! {
    impl ClientHooks<rt::Runtime> for Client {
        async fn pre<E>(
            &self,
            request: &mut reqwest::Request,
            info: &OperationInfo,
        ) -> Result<(), Error<E>> {
            self.inner()
                .prepare(&API, self.baseurl(), request, info.operation_id)
                .map_err(|e| Error::InvalidRequest(e.to_string()))
        }

        async fn exec(
            &self,
            request: reqwest::Request,
            info: &OperationInfo,
        ) -> reqwest::Result<reqwest::Response> {
            self.inner()
                .execute(self.client(), request, info.operation_id)
                .await
        }
    }

    impl Client {
        /// Start configuring a client: base URL, authentication, retries, timeouts.
        pub fn builder() -> ClientBuilder {
            ClientBuilder {
                config: rt::ClientConfig::new(&API),
            }
        }

        /// The base URL requests go to.
        pub fn base_url(&self) -> &str {
            self.baseurl()
        }

        /// The runtime settings (auth, retries) this client uses.
        pub fn runtime(&self) -> &rt::Runtime {
            self.inner()
        }
    }

    #builder_doc
    #[derive(Debug, Clone)]
    pub struct ClientBuilder {
        config: rt::ClientConfig,
    }

    impl ClientBuilder {
        /// Use this base URL instead of the spec's default server (scheme,
        /// host, optional port and path prefix; no trailing slash needed).
        pub fn base_url(mut self, url: impl Into<String>) -> Self {
            self.config = self.config.base_url(url);
            self
        }

        #(#var_setters)*

        #(#auth_setters)*

        /// Authenticate with your own [`rt::Authenticate`] implementation
        /// (OCI session tokens and principals: `rt::oci::OciAuth`).
        pub fn authenticator(mut self, auth: impl rt::Authenticate + 'static) -> Self {
            self.config = self.config.auth(rt::Auth::custom(auth));
            self
        }

        /// Retry policy (attempts, backoff, Retry-After handling; default: the
        /// spec's profile, `rt::RetryPolicy::for_api(&API)`);
        /// `rt::RetryPolicy::disabled()` turns retries off.
        pub fn retry(mut self, policy: rt::RetryPolicy) -> Self {
            self.config = self.config.retry(policy);
            self
        }

        /// A deadline for a whole call: every attempt, the waits between them and the last body.
        pub fn call_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.config = self.config.call_timeout(timeout);
            self
        }

        /// Refuse response bodies larger than `bytes` (default 4 MiB) while they stream in.
        pub fn max_response_bytes(mut self, bytes: u64) -> Self {
            self.config = self.config.max_response_bytes(bytes);
            self
        }

        /// Follow at most `count` same-origin redirects of idempotent requests (default 3);
        /// redirects to another origin are always refused.
        pub fn max_redirects(mut self, count: usize) -> Self {
            self.config = self.config.max_redirects(count);
            self
        }

        /// Trust the certificates of this PEM bundle too (e.g. a private CA).
        pub fn root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
            self.config = self.config.root_certificate_pem(pem);
            self
        }

        /// Trust only the certificates given with `root_certificate_pem`.
        pub fn only_given_root_certificates(mut self, only: bool) -> Self {
            self.config = self.config.only_given_root_certificates(only);
            self
        }

        /// Present this client identity (PEM certificate chain and key) for mutual TLS.
        pub fn client_identity_pem(
            mut self,
            certificate_chain: impl Into<Vec<u8>>,
            private_key: impl Into<rt::Secret>,
        ) -> Self {
            self.config = self.config.client_identity_pem(certificate_chain, private_key);
            self
        }

        /// The lowest TLS version accepted.
        pub fn min_tls_version(mut self, version: reqwest::tls::Version) -> Self {
            self.config = self.config.min_tls_version(version);
            self
        }

        /// DANGER: accept any certificate (no verification). For tests against
        /// self-signed servers only.
        pub fn danger_accept_invalid_certs(mut self, accept: bool) -> Self {
            self.config = self.config.danger_accept_invalid_certs(accept);
            self
        }

        /// Send every request through this proxy (`http://`, `https://` or `socks5://`).
        pub fn proxy(mut self, url: impl Into<rt::Secret>) -> Self {
            self.config = self.config.proxy(url);
            self
        }

        /// Use no proxy, not even from `HTTPS_PROXY`/`ALL_PROXY`.
        pub fn no_proxy(mut self) -> Self {
            self.config = self.config.no_proxy();
            self
        }

        /// Use your own `reqwest::Client` (its TLS, proxy and timeouts); the
        /// runtime still applies auth, retries, the size cap and path checks.
        pub fn http_client(mut self, client: reqwest::Client) -> Self {
            self.config = self.config.http_client(client);
            self
        }

        /// Change any other [`rt::ClientConfig`] setting.
        pub fn configure(mut self, f: impl FnOnce(rt::ClientConfig) -> rt::ClientConfig) -> Self {
            self.config = f(self.config);
            self
        }

        /// Timeout for establishing a connection.
        pub fn connect_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.config = self.config.connect_timeout(timeout);
            self
        }

        /// Timeout for one attempt: from sending the request to the end of the body.
        pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.config = self.config.timeout(timeout);
            self
        }

        /// Replace the `User-Agent` (default: `credential-clients/<version> (<provider>)`).
        pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
            self.config = self.config.user_agent(user_agent);
            self
        }

        /// Build the client. Fails on a missing or invalid base URL or server
        /// variable, an authentication method this provider does not support,
        /// a credential that cannot be a header, or bad TLS or proxy settings.
        pub fn build(self) -> Result<Client, rt::BuildError> {
            let parts = self.config.build()?;
            Ok(Client::new_with_client(&parts.base_url, parts.http, parts.runtime))
        }
    }
    }
}
