//! The `rt::AuthScheme` items of the API description and the builder's
//! authentication setters, one per security scheme the runtime supports.

use openapiv3::{OpenAPI, ReferenceOr, SecurityScheme};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::doc_attr;

/// The `rt::AuthScheme` items and builder setters for every security scheme
/// the runtime supports; the others are skipped (`cargo xtask lint` lists
/// them). Several schemes of one kind share one setter.
pub fn tokens(
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
