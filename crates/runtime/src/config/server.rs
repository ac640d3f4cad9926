//! The base URL a client uses: the explicit one, or the spec's default
//! server with its variables filled in (an OCI-style profile's region
//! fills the API's region variable), validated so that no variable can
//! change the host's structure and no credential sits in the URL.

use super::{BuildError, ClientConfig};
use crate::api::VariableKind;

impl ClientConfig {
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
                        .then(|| self.profile_region.clone())
                        .flatten()
                })
                .or_else(|| {
                    // The realm of the region in use (the explicit one, else
                    // the profile's) decides the domain (oc1 oraclecloud.com,
                    // oc4 oraclegovcloud.uk, ...).
                    let region_var = self.api.region_variable?;
                    (self.api.realm_variable == Some(var.name)).then_some(())?;
                    let region = self
                        .variables
                        .get(region_var)
                        .cloned()
                        .or_else(|| self.profile_region.clone())?;
                    crate::oci::realm::second_level_domain(&region).map(str::to_string)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{ApiDescription, RetryProfile, ServerTemplate, ServerVariable};

    #[test]
    fn host_variables_take_ports_and_ipv6_but_nothing_that_changes_the_url() {
        for ok in [
            "semaphore.internal:3000",
            "localhost",
            "10.0.0.7:8443",
            "[::1]",
            "[fd00::1]:8080",
            "a_b.example",
        ] {
            assert_eq!(check_variable(VariableKind::Host, ok, "x"), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "evil.com/",
            "user@evil.com",
            "h?x=1",
            "h#f",
            "h x",
            "h:0",
            "h:99999",
            "h:port",
            "[::1",
            "[zz::1]",
            "h\n",
        ] {
            assert!(
                check_variable(VariableKind::Host, bad, "x").is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn every_other_kind_is_checked_for_its_place() {
        assert!(check_variable(VariableKind::Scheme, "https", "http").is_ok());
        assert!(check_variable(VariableKind::Scheme, "ftp", "http").is_err());
        assert!(check_variable(VariableKind::Port, "8080", "80").is_ok());
        assert!(check_variable(VariableKind::Port, "80a", "80").is_err());
        assert!(check_variable(VariableKind::Path, "v2", "v1").is_ok());
        for bad in ["a/b", "..", ".", "a?b", "a%2f"] {
            assert!(
                check_variable(VariableKind::Path, bad, "v1").is_err(),
                "{bad}"
            );
        }
        // A path-prefix variable (its default starts with `/`) may hold `/`.
        assert!(check_variable(VariableKind::Path, "/api/controller/v2", "/api/v2").is_ok());
        for bad in ["/api/../admin", "api/v2", "/a?b", "/a b"] {
            assert!(
                check_variable(VariableKind::Path, bad, "/api/v2").is_err(),
                "{bad}"
            );
        }
        assert!(check_variable(VariableKind::Url, "https://kv.vault.azure.net", "").is_ok());
        assert!(check_variable(VariableKind::Url, "kv.vault.azure.net", "").is_err());
    }

    static NO_SERVER: ApiDescription = ApiDescription {
        provider: "vault",
        title: "t",
        version: "1",
        server: ServerTemplate {
            url: "",
            variables: &[],
        },
        auth: &[],
        operations: &[],
        credential_operation: "read",
        list_operation: None,
        request_id: None,
        retry: RetryProfile::STANDARD,
        region_variable: None,
        realm_variable: None,
        env_prefix: "VAULT",
    };

    static SELF_HOSTED: ApiDescription = ApiDescription {
        provider: "semaphore",
        title: "t",
        version: "1",
        server: ServerTemplate {
            url: "{scheme}://{host}",
            variables: &[
                ServerVariable {
                    name: "scheme",
                    default: "http",
                    allowed: &["http", "https"],
                    kind: VariableKind::Scheme,
                },
                ServerVariable {
                    name: "host",
                    default: "localhost:3000",
                    allowed: &[],
                    kind: VariableKind::Host,
                },
            ],
        },
        auth: &[],
        operations: &[],
        credential_operation: "read",
        list_operation: None,
        request_id: None,
        retry: RetryProfile::STANDARD,
        region_variable: None,
        realm_variable: None,
        env_prefix: "SEMAPHORE",
    };

    #[test]
    fn a_spec_without_a_server_needs_a_base_url_and_says_how() {
        let err = ClientConfig::new(&NO_SERVER)
            .resolved_base_url()
            .unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, BuildError::BaseUrlRequired { .. }), "{err:?}");
        assert!(
            text.contains(".base_url(")
                && text.contains("--base-url")
                && text.contains("VAULT_BASE_URL"),
            "{text}"
        );
        assert_eq!(
            ClientConfig::new(&NO_SERVER)
                .base_url("https://vault.example:8200/v1/")
                .resolved_base_url()
                .unwrap(),
            "https://vault.example:8200/v1"
        );
    }

    #[test]
    fn a_self_hosted_server_on_a_custom_port() {
        assert_eq!(
            ClientConfig::new(&SELF_HOSTED).resolved_base_url().unwrap(),
            "http://localhost:3000"
        );
        assert_eq!(
            ClientConfig::new(&SELF_HOSTED)
                .server_variable("scheme", "https")
                .server_variable("host", "semaphore.internal:3000")
                .resolved_base_url()
                .unwrap(),
            "https://semaphore.internal:3000"
        );
        let err = ClientConfig::new(&SELF_HOSTED)
            .server_variable("host", "evil.example/x#")
            .resolved_base_url()
            .unwrap_err();
        assert!(
            matches!(err, BuildError::InvalidServerVariable { .. }),
            "{err:?}"
        );
    }
}
