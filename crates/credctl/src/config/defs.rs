//! Setting definitions: the connection settings of a provider (flag,
//! environment variables, config-file keys, help), derived from its API
//! description: server variables and security schemes.

use credential_clients::runtime::AuthScheme;

use super::names::{env_names, env_prefixes, kebab, snake, token_env, token_noun, upper_snake};
use crate::provider::Provider;

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
    OciAuth,
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
    let prefixes = env_prefixes(provider.stem, api);
    let mut out = Vec::new();
    let all = |suffix: &str| -> Vec<String> { env_names(&prefixes, suffix) };
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
        let env = token_env(&prefixes);
        let noun = token_noun(api);
        let keys = vec!["token".to_string(), "api_token".into(), "api_key".into()];
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
        out.push(Setting {
            role: Role::OciAuth,
            id: "conn-auth".into(),
            long: "auth".into(),
            env: all("AUTH"),
            keys: vec!["auth".into()],
            help: "How to sign in: api-key, session-token, instance-principal or \
                   resource-principal (default: the profile's session token when it has a \
                   security_token_file, else its API key)"
                .into(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::names::upper_snake;

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
        assert_eq!(
            find("tines", Role::Token).1,
            ["TINES_TOKEN", "TINES_API_TOKEN", "TINES_API_KEY"]
        );
        assert_eq!(
            find("tines", Role::Token).2,
            ["token", "api_token", "api_key"]
        );
        assert_eq!(
            find("netapp-astra", Role::Token).1,
            [
                "ASTRA_TOKEN",
                "ASTRA_API_TOKEN",
                "ASTRA_API_KEY",
                "NETAPP_ASTRA_TOKEN",
                "NETAPP_ASTRA_API_TOKEN",
                "NETAPP_ASTRA_API_KEY"
            ]
        );
        assert_eq!(find("ankra", Role::Token).1[0], "ANKRA_TOKEN");
        assert_eq!(find("awx", Role::Token).1[0], "AWX_TOKEN");
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
