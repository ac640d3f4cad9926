//! `src/generated/meta.rs`: the provider's API description for the
//! runtime (servers, auth schemes, retry rules, pagination), its
//! `ClientHooks`, and the builder that wires the client to the runtime.

use openapiv3::{OpenAPI, ReferenceOr, SecurityScheme};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::error::SpecError;
use crate::normalize::{self, Facts};
use crate::spec::{self, SpecFile};

fn doc_attr(text: &str) -> TokenStream {
    let lines = text.trim().lines().map(|l| format!(" {l}"));
    quote! { #( #[doc = #lines] )* }
}

pub fn tokens(
    spec: &SpecFile,
    doc: &OpenAPI,
    normalized: &OpenAPI,
    facts: &Facts,
    list_item: Option<syn::Type>,
    credential_bodies: &super::bodies::Bodies,
) -> Result<TokenStream, SpecError> {
    let file = spec.path.as_path();
    let provider = spec.stem.as_str();
    let title = doc.info.title.as_str();
    let version = doc.info.version.as_str();
    let no_server = openapiv3::Server {
        url: String::new(),
        description: None,
        variables: None,
        extensions: Default::default(),
    };
    let server = doc.servers.first().unwrap_or(&no_server);
    let server_url = server.url.as_str();
    let kinds = crate::server::variable_kinds_with_defaults(server_url, |name| {
        server
            .variables
            .as_ref()
            .and_then(|v| v.get(name))
            .map(|v| v.default.clone())
    });

    let mut var_items = Vec::new();
    let mut var_setters = Vec::new();
    let mut taken_setters: std::collections::BTreeSet<String> = [
        "base_url",
        "retry",
        "connect_timeout",
        "timeout",
        "user_agent",
        "build",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    if let Some(vars) = &server.variables {
        for name in spec::template_names(server_url) {
            let Some(var) = vars.get(&name) else { continue };
            let default = var.default.as_str();
            let allowed = &var.enumeration;
            let description = var.description.clone().unwrap_or_default();
            let kind = kinds
                .get(&name)
                .copied()
                .unwrap_or(crate::server::Kind::Host);
            let kind_tokens = kind.tokens();
            var_items.push(quote! {
                rt::ServerVariable {
                    name: #name,
                    default: #default,
                    allowed: &[#(#allowed),*],
                    kind: #kind_tokens,
                }
            });
            let mut setter_name = crate::spec::sanitize_snake(&name);
            if !taken_setters.insert(setter_name.clone()) {
                setter_name = format!("server_{setter_name}");
                taken_setters.insert(setter_name.clone());
            }
            let setter = format_ident!("{}", setter_name);
            let mut doc_text = format!(
                "Set the server variable `{name}` of `{server_url}` (default `{default}`; {}).\n",
                kind.describe()
            );
            if !description.trim().is_empty() {
                doc_text.push('\n');
                doc_text.push_str(description.trim());
                doc_text.push('\n');
            }
            if !allowed.is_empty() {
                doc_text.push_str(&format!(
                    "\nAllowed values: {}.",
                    allowed
                        .iter()
                        .map(|a| format!("`{a}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            let doc = doc_attr(&doc_text);
            var_setters.push(quote! {
                #doc
                pub fn #setter(mut self, value: impl Into<String>) -> Self {
                    self.config = self.config.server_variable(#name, value);
                    self
                }
            });
        }
    }

    let (auth_items, auth_setters) = auth_tokens(doc, &mut taken_setters);

    let paginated = crate::paginate::read(file, &spec.doc).map_err(|mut e| e.remove(0))?;
    let list_operation_id =
        crate::paginate::list_operation(file, &paginated)?.map(|p| p.op_id.clone());
    let list_operation = match &list_operation_id {
        Some(id) => quote! { Some(#id) },
        None => quote! { None },
    };
    let list_item_alias = match (&list_item, &list_operation_id) {
        (Some(ty), Some(id)) => {
            let doc = doc_attr(&format!(
                "The item type of the \"list credentials\" operation, [`Client::{id}`] \
                 (its builder's `stream()` yields these)."
            ));
            quote! { #doc pub type ListItem = crate::#ty; }
        }
        _ => quote! {
            /// The spec has no "list credentials" operation; tools that list
            /// fall back to the credential operation's body.
            pub type ListItem = CredentialBody;
        },
    };
    let mut op_items = Vec::new();
    for (path, item) in normalized.paths.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, op) in item.iter() {
            let Some(id) = op.operation_id.as_deref() else {
                continue;
            };
            let method_upper = method.to_ascii_uppercase();
            let accept = facts
                .accept
                .get(id)
                .cloned()
                .unwrap_or_else(|| "*/*".into());
            let pagination = match paginated.iter().find(|p| p.op_id == id) {
                Some(p) => {
                    let tokens = p.tokens(&quote! { rt });
                    quote! { Some(#tokens) }
                }
                None => quote! { None },
            };
            op_items.push(quote! {
                rt::OperationDescription {
                    id: #id,
                    method: #method_upper,
                    path: #path,
                    accept: #accept,
                    pagination: #pagination,
                }
            });
        }
    }

    // `GetCredentialError`: the typed error body of each operation, so
    // callers can name `Error<GetCredentialError>`.
    let mut error_aliases = Vec::new();
    for (_, item) in normalized.paths.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (_, op) in item.iter() {
            let Some(id) = op.operation_id.as_deref() else {
                continue;
            };
            let error_ref = op.responses.responses.iter().find_map(|(status, r)| {
                let code = match status {
                    openapiv3::StatusCode::Code(c) => *c >= 400,
                    openapiv3::StatusCode::Range(r) => *r >= 4,
                };
                let ReferenceOr::Item(r) = r else { return None };
                let schema = r.content.get("application/json")?.schema.as_ref()?;
                match (code, schema) {
                    (true, ReferenceOr::Reference { reference }) => {
                        reference.rsplit('/').next().map(str::to_string)
                    }
                    _ => None,
                }
            });
            if let Some(name) = error_ref {
                let alias = format_ident!("{}Error", normalize::pascal(id));
                let target = format_ident!("{}", normalize::pascal(&name));
                let doc = doc_attr(&format!(
                    "The typed error body of `{id}` (`Error<{alias}>` from `send()`)."
                ));
                error_aliases.push(quote! {
                    #doc
                    pub type #alias = crate::types::#target;
                });
            }
        }
    }

    let credential_operation = super::credential_operation(spec)?.name;
    let credential_aliases = {
        let super::bodies::Bodies { ok, error } = credential_bodies;
        let ok_doc = doc_attr(&format!(
            "The body of the credential operation, [`Client::{credential_operation}`]: \
             what code over every provider (credctl, the workspace's suites) names, \
             whatever the spec calls its schema."
        ));
        let error_doc = doc_attr(&format!(
            "The typed error body of the credential operation, \
             [`Client::{credential_operation}`] (`Error<CredentialError>` from `send()`)."
        ));
        quote! {
            #ok_doc
            pub type CredentialBody = #ok;
            #error_doc
            pub type CredentialError = #error;
        }
    };
    let quirk_fields = crate::quirks::read(file, provider, &spec.doc)
        .map_err(|mut e| e.remove(0))?
        .tokens();
    let api_doc = doc_attr(&format!(
        "What `{}` says about the API: default server, authentication and routes.\n\n\
         The runtime uses it to build clients, check request paths and set `Accept`.",
        spec.path.display().to_string().replace('\\', "/")
    ));
    let builder_doc = doc_attr(&format!(
        "Configures a [`Client`] for {title}: base URL (default `{server_url}`), \
         authentication, retries and timeouts."
    ));

    Ok(quote! {
        use credential_clients_runtime as rt;
        use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};

        use crate::Client;

        #api_doc
        pub static API: rt::ApiDescription = rt::ApiDescription {
            provider: #provider,
            title: #title,
            version: #version,
            server: rt::ServerTemplate {
                url: #server_url,
                variables: &[#(#var_items),*],
            },
            auth: &[#(#auth_items),*],
            operations: &[#(#op_items),*],
            credential_operation: #credential_operation,
            list_operation: #list_operation,
            #quirk_fields
        };

        #(#error_aliases)*

        #credential_aliases

        #list_item_alias

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
    })
}

/// The `rt::AuthScheme` items and builder setters for every security scheme
/// the runtime supports; the others are skipped (`cargo xtask lint` lists
/// them). Several schemes of one kind share one setter.
fn auth_tokens(
    doc: &OpenAPI,
    taken: &mut std::collections::BTreeSet<String>,
) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let mut items = Vec::new();
    let mut setters = Vec::new();
    let add = |name: &str,
               item: TokenStream,
               setter: TokenStream,
               items: &mut Vec<TokenStream>,
               setters: &mut Vec<TokenStream>,
               taken: &mut std::collections::BTreeSet<String>| {
        let item_text = item.to_string();
        if !items
            .iter()
            .any(|i: &TokenStream| i.to_string() == item_text)
        {
            items.push(item);
        }
        if taken.insert(name.to_string()) {
            setters.push(setter);
        }
    };
    let Some(components) = &doc.components else {
        return (items, setters);
    };
    for (scheme_name, scheme) in &components.security_schemes {
        let ReferenceOr::Item(scheme) = scheme else {
            continue;
        };
        match scheme {
            SecurityScheme::HTTP {
                scheme: http,
                extensions,
                ..
            } => match http.to_ascii_lowercase().as_str() {
                "bearer" => add(
                    "bearer_token",
                    quote! { rt::AuthScheme::Bearer },
                    quote! {
                        /// Authenticate with `Authorization: Bearer <token>`.
                        pub fn bearer_token(mut self, token: impl Into<rt::Secret>) -> Self {
                            self.config = self.config.auth(rt::Auth::Bearer(token.into()));
                            self
                        }
                    },
                    &mut items,
                    &mut setters,
                    taken,
                ),
                "basic" => add(
                    "basic_auth",
                    quote! { rt::AuthScheme::Basic },
                    quote! {
                        /// Authenticate with HTTP Basic (`Authorization: Basic ...`).
                        pub fn basic_auth(
                            mut self,
                            username: impl Into<String>,
                            password: impl Into<rt::Secret>,
                        ) -> Self {
                            self.config = self.config.auth(rt::Auth::Basic {
                                username: username.into(),
                                password: password.into(),
                            });
                            self
                        }
                    },
                    &mut items,
                    &mut setters,
                    taken,
                ),
                "signature"
                    if extensions.get("x-credential-clients-auth")
                        == Some(&Value::from("oci-signature")) =>
                {
                    add(
                        "oci_signer",
                        quote! { rt::AuthScheme::OciSignature },
                        quote! {
                            /// Sign every request (and every retry) with an OCI API key
                            /// (draft-cavage HTTP signatures, rsa-sha256).
                            pub fn oci_signer(mut self, signer: rt::oci::Signer) -> Self {
                                self.config = self.config.auth(rt::Auth::Oci(::std::sync::Arc::new(signer)));
                                self
                            }
                            /// Sign with an OCI config file profile (`~/.oci/config`, `DEFAULT`):
                            /// its API key, or its session token when it has a
                            /// `security_token_file` (`oci session authenticate`). The
                            /// profile's region fills the spec's region variable, and its
                            /// realm the domain, unless set explicitly.
                            pub fn oci_config_file(
                                mut self,
                                path: impl AsRef<::std::path::Path>,
                                profile: &str,
                            ) -> Result<Self, rt::oci::ConfigError> {
                                let auth = rt::oci::OciAuth::from_profile(path, profile)?;
                                self.config = self.config.oci_auth(auth);
                                Ok(self)
                            }
                            /// Sign in as Oracle's tools do: `rt::oci::OciAuth::from_profile`
                            /// (API key or session token), `::instance_principal(..)`,
                            /// `::resource_principal_from_env()`. Its region and realm fill
                            /// the server variables unless set.
                            pub fn oci_auth(mut self, auth: rt::oci::OciAuth) -> Self {
                                self.config = self.config.oci_auth(auth);
                                self
                            }
                        },
                        &mut items,
                        &mut setters,
                        taken,
                    )
                }
                _ => {}
            },
            SecurityScheme::APIKey {
                location: openapiv3::APIKeyLocation::Header,
                name,
                extensions,
                ..
            } => {
                let header = name.as_str();
                let prefix = extensions
                    .get("x-credential-clients-prefix")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let mut setter_name = crate::spec::sanitize_snake(scheme_name);
                if taken.contains(&setter_name) {
                    setter_name = format!("{setter_name}_key");
                }
                let setter = format_ident!("{}", setter_name);
                let shown = if prefix.is_empty() {
                    format!("`{header}: <key>`")
                } else {
                    format!("`{header}: {prefix}<key>`")
                };
                let doc = doc_attr(&format!(
                    "Authenticate with the {shown} header (security scheme `{scheme_name}`)."
                ));
                let value = if prefix.is_empty() {
                    quote! { key.into() }
                } else {
                    quote! { rt::Secret::new(format!("{}{}", #prefix, key.into().expose_secret())) }
                };
                add(
                    &setter_name,
                    quote! { rt::AuthScheme::ApiKeyHeader { name: #header, prefix: #prefix } },
                    quote! {
                        #doc
                        pub fn #setter(mut self, key: impl Into<rt::Secret>) -> Self {
                            self.config = self.config.auth(rt::Auth::ApiKeyHeader {
                                header: #header,
                                value: #value,
                            });
                            self
                        }
                    },
                    &mut items,
                    &mut setters,
                    taken,
                );
            }
            SecurityScheme::OAuth2 { flows, .. } => {
                let (token_url, scopes) = match &flows.client_credentials {
                    Some(cc) => (
                        Some(cc.token_url.clone()),
                        cc.scopes.keys().cloned().collect::<Vec<_>>(),
                    ),
                    None => (None, Vec::new()),
                };
                let token_url = match token_url {
                    Some(u) => quote! { Some(#u) },
                    None => quote! { None },
                };
                let item = quote! { rt::AuthScheme::OAuth2 { token_url: #token_url, scopes: &[#(#scopes),*] } };
                if let Some(cc) = &flows.client_credentials {
                    let url = cc.token_url.as_str();
                    let doc = doc_attr(&format!(
                        "Authenticate with the OAuth2 client-credentials flow: tokens are fetched \
                         from `{url}` (relative URLs against the base URL), cached until shortly \
                         before they expire, and fetched again once on a 401. `scopes` empty: \
                         the server's default.",
                    ));
                    add(
                        "oauth2_client_credentials",
                        item.clone(),
                        quote! {
                            #doc
                            pub fn oauth2_client_credentials(
                                mut self,
                                client_id: impl Into<String>,
                                client_secret: impl Into<rt::Secret>,
                                scopes: &[&str],
                            ) -> Self {
                                self.config = self.config.auth(rt::Auth::custom(
                                    rt::oauth2::ClientCredentials::new(
                                        #item,
                                        #url,
                                        client_id,
                                        client_secret,
                                        scopes.iter().copied(),
                                    ),
                                ));
                                self
                            }
                        },
                        &mut items,
                        &mut setters,
                        taken,
                    );
                }
                add(
                    "access_token",
                    item,
                    oauth2_access_token_setter(),
                    &mut items,
                    &mut setters,
                    taken,
                );
            }
            SecurityScheme::OpenIDConnect { .. } => add(
                "access_token",
                quote! { rt::AuthScheme::OAuth2 { token_url: None, scopes: &[] } },
                oauth2_access_token_setter(),
                &mut items,
                &mut setters,
                taken,
            ),
            _ => {}
        }
    }
    (items, setters)
}

fn oauth2_access_token_setter() -> TokenStream {
    quote! {
        /// Authenticate with an OAuth2 / OpenID Connect access token
        /// (`Authorization: Bearer <token>`).
        pub fn access_token(mut self, token: impl Into<rt::Secret>) -> Self {
            self.config = self.config.auth(rt::Auth::Bearer(token.into()));
            self
        }
    }
}
