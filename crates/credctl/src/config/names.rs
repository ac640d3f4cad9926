//! Names: case conversions, and every environment-variable name a provider
//! gets, derived from its API description alone (no vendor names here).
//!
//! The rule (documented in `crates/credctl/README.md`):
//!
//! - `<P>` is the spec's environment prefix, `ApiDescription::env_prefix`
//!   (`x-credential-clients-env-prefix`, by default the stem in upper snake
//!   case). When that differs from the stem in upper snake case, the latter
//!   is accepted too, after it (`ASTRA_HOST`, then `NETAPP_ASTRA_HOST`).
//! - Base URL `<P>_BASE_URL`; server variable `v`: `<P>_<V>`; an operation
//!   parameter `p`: `<P>_<P>`; HTTP Basic `<P>_USERNAME`, `<P>_PASSWORD`;
//!   OCI signing `<P>_CONFIG_FILE`, `<P>_PROFILE`.
//! - A token: `<P>_TOKEN`, then `<P>_API_TOKEN`, then `<P>_API_KEY`.

use credential_clients::runtime::{ApiDescription, AuthScheme};
use heck::{ToKebabCase as _, ToShoutySnakeCase as _, ToSnakeCase as _};

// The case conversions are heck's, the rule progenitor names the generated
// CLI's arguments by (`sanitize(.., Case::Kebab)`), so that a spec name
// maps to the argument progenitor made of it.

/// `netapp-astra` -> `NETAPP_ASTRA`; `basePath` -> `BASE_PATH`.
pub fn upper_snake(name: &str) -> String {
    name.to_shouty_snake_case()
}

/// `basePath` -> `base_path`.
pub fn snake(name: &str) -> String {
    name.to_snake_case()
}

/// `aiDataPlatformId` -> `ai-data-platform-id`; `credential_id` -> `credential-id`.
pub fn kebab(name: &str) -> String {
    name.to_kebab_case()
}

/// The environment prefixes of a provider: the spec's first, then the stem
/// in upper snake case if different.
pub fn env_prefixes(stem: &str, api: &ApiDescription) -> Vec<String> {
    let declared = if api.env_prefix.is_empty() {
        upper_snake(stem)
    } else {
        api.env_prefix.to_string()
    };
    let own = upper_snake(stem);
    let mut out = vec![declared];
    if out[0] != own {
        out.push(own);
    }
    out
}

/// `<P>_<suffix>` for every prefix, in order.
pub fn env_names(prefixes: &[String], suffix: &str) -> Vec<String> {
    prefixes.iter().map(|p| format!("{p}_{suffix}")).collect()
}

/// The token suffixes, in order of precedence.
pub const TOKEN_SUFFIXES: &[&str] = &["TOKEN", "API_TOKEN", "API_KEY"];

/// The token variables of a provider, in order.
pub fn token_env(prefixes: &[String]) -> Vec<String> {
    prefixes
        .iter()
        .flat_map(|p| TOKEN_SUFFIXES.iter().map(move |s| format!("{p}_{s}")))
        .collect()
}

/// What the token is called in messages: "the API key" when the spec
/// sends it in a header of its own, else "the token".
pub fn token_noun(api: &ApiDescription) -> &'static str {
    if api
        .auth
        .iter()
        .any(|s| matches!(s, AuthScheme::ApiKeyHeader { .. }))
    {
        "the API key"
    } else {
        "the token"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        assert_eq!(kebab("aiDataPlatformId"), "ai-data-platform-id");
        assert_eq!(kebab("credential_id"), "credential-id");
        assert_eq!(kebab("basePath"), "base-path");
        assert_eq!(kebab("opc-request-id"), "opc-request-id");
        assert_eq!(upper_snake("netapp-astra"), "NETAPP_ASTRA");
        assert_eq!(upper_snake("basePath"), "BASE_PATH");
        assert_eq!(snake("basePath"), "base_path");
        assert_eq!(
            kebab("APIKey"),
            "api-key",
            "as progenitor names the argument"
        );
    }

    #[test]
    fn prefixes_come_from_the_description() {
        let api = |stem| crate::providers::find(stem).unwrap().api;
        assert_eq!(
            env_prefixes("netapp-astra", api("netapp-astra"))
                .last()
                .unwrap(),
            "NETAPP_ASTRA"
        );
        assert_eq!(env_prefixes("tines", api("tines")), ["TINES"]);
        assert_eq!(
            token_env(&["TINES".into()]),
            ["TINES_TOKEN", "TINES_API_TOKEN", "TINES_API_KEY"]
        );
        assert_eq!(token_noun(api("tines")), "the API key");
        assert_eq!(token_noun(api("ankra")), "the token");
    }
}
