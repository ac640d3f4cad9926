//! The base URL a client uses: the explicit one, or the spec's default
//! server with its variables filled in (an OCI-style profile's region
//! fills the API's region variable), validated so that no variable can
//! change the host's structure and no credential sits in the URL.

use super::{BuildError, ClientConfig};
use crate::api::{ServerVariable, VariableKind};

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
            let place = HostPlace::of(server.url, var.name, server.variables);
            if let Err(reason) = check_variable(var.kind, &value, var.default, place) {
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

/// Where a host variable sits in its URL template: a `:port` fits only
/// where the host ends (`{host}/api`, not `{tenant}.example.com` or
/// `{host}:{port}`), a bracketed IPv6 literal only where the variable is
/// the whole host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct HostPlace {
    /// The variable starts the host (`//{host}`).
    starts: bool,
    /// The host ends after the variable (`/`, or the end of the URL).
    ends: bool,
    /// A `:` follows the variable (`{host}:{port}`).
    port_follows: bool,
}

impl HostPlace {
    /// The variable is the whole host part, as in `https://{host}/api`.
    #[cfg(test)]
    const WHOLE: HostPlace = HostPlace {
        starts: true,
        ends: true,
        port_follows: false,
    };

    /// The place of `{name}` in `template` (its first occurrence). A
    /// variable right after it ends the host when it is a path
    /// (`{host}{basePath}`).
    fn of(template: &str, name: &str, variables: &[ServerVariable]) -> HostPlace {
        let marker = format!("{{{name}}}");
        let Some(at) = template.find(&marker) else {
            return HostPlace {
                starts: false,
                ends: false,
                port_follows: false,
            };
        };
        let rest = &template[at + marker.len()..];
        let next_kind = rest
            .strip_prefix('{')
            .and_then(|r| r.split_once('}'))
            .and_then(|(next, _)| variables.iter().find(|v| v.name == next))
            .map(|v| v.kind);
        let (ends, port_follows) = match (rest.chars().next(), next_kind) {
            (None | Some('/'), _) => (true, false),
            (Some(':'), _) => (false, true),
            (Some('{'), Some(VariableKind::Path)) => (true, false),
            _ => (false, false),
        };
        HostPlace {
            starts: template[..at].ends_with("//"),
            ends,
            port_follows,
        }
    }
}

/// Whether `value` fits a server variable of this kind without changing
/// the URL's structure.
fn check_variable(
    kind: VariableKind,
    value: &str,
    default: &str,
    place: HostPlace,
) -> Result<(), &'static str> {
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
        _ => check_host(value, place),
    }
}

/// A host part: letters, digits, `-`, `.`, `_`, optionally `:port`, or a
/// bracketed IPv6 literal with an optional port (each only where `place`
/// allows it).
fn check_host(value: &str, place: HostPlace) -> Result<(), &'static str> {
    const BAD: &str = "a host may hold letters, digits, `-`, `.`, `_`, an optional `:port`, or a \
                       bracketed IPv6 literal; not `/`, `@`, `?`, `#` or whitespace";
    if value.is_empty() {
        return Err("a host part cannot be empty");
    }
    if value.starts_with('[') && !(place.starts && (place.ends || place.port_follows)) {
        return Err("an IPv6 literal fits only a variable that is the whole host");
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
    if port.is_some() && !place.ends {
        return Err(
            "a `:port` fits only where the host ends; this variable is followed by more of the host or a port",
        );
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
    use crate::api::{ApiDescription, RetryProfile, ServerTemplate};

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
            assert_eq!(
                check_variable(VariableKind::Host, ok, "x", HostPlace::WHOLE),
                Ok(()),
                "{ok}"
            );
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
                check_variable(VariableKind::Host, bad, "x", HostPlace::WHOLE).is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn every_other_kind_is_checked_for_its_place() {
        assert!(check_variable(VariableKind::Scheme, "https", "http", HostPlace::WHOLE).is_ok());
        assert!(check_variable(VariableKind::Scheme, "ftp", "http", HostPlace::WHOLE).is_err());
        assert!(check_variable(VariableKind::Port, "8080", "80", HostPlace::WHOLE).is_ok());
        assert!(check_variable(VariableKind::Port, "80a", "80", HostPlace::WHOLE).is_err());
        assert!(check_variable(VariableKind::Path, "v2", "v1", HostPlace::WHOLE).is_ok());
        for bad in ["a/b", "..", ".", "a?b", "a%2f"] {
            assert!(
                check_variable(VariableKind::Path, bad, "v1", HostPlace::WHOLE).is_err(),
                "{bad}"
            );
        }
        // A path-prefix variable (its default starts with `/`) may hold `/`.
        assert!(
            check_variable(
                VariableKind::Path,
                "/api/controller/v2",
                "/api/v2",
                HostPlace::WHOLE
            )
            .is_ok()
        );
        for bad in ["/api/../admin", "api/v2", "/a?b", "/a b"] {
            assert!(
                check_variable(VariableKind::Path, bad, "/api/v2", HostPlace::WHOLE).is_err(),
                "{bad}"
            );
        }
        assert!(
            check_variable(
                VariableKind::Url,
                "https://kv.vault.azure.net",
                "",
                HostPlace::WHOLE
            )
            .is_ok()
        );
        assert!(
            check_variable(
                VariableKind::Url,
                "kv.vault.azure.net",
                "",
                HostPlace::WHOLE
            )
            .is_err()
        );
    }

    /// A description with only what the server checks read.
    const fn described(
        provider: &'static str,
        url: &'static str,
        variables: &'static [ServerVariable],
        env_prefix: &'static str,
    ) -> ApiDescription {
        ApiDescription {
            provider,
            title: "t",
            version: "1",
            server: ServerTemplate { url, variables },
            auth: &[],
            operations: &[],
            credential_operation: "read",
            list_operation: None,
            request_id: None,
            retry: RetryProfile::STANDARD,
            region_variable: None,
            realm_variable: None,
            env_prefix,
        }
    }

    static NO_SERVER: ApiDescription = described("vault", "", &[], "VAULT");

    static SELF_HOSTED: ApiDescription = described(
        "semaphore",
        "{scheme}://{host}",
        &[
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
        "SEMAPHORE",
    );

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

    /// `{host}{basePath}`, as AWX's spec has it.
    static PATH_AFTER_HOST: &[ServerVariable] = &[ServerVariable {
        name: "basePath",
        default: "/api/v2",
        allowed: &[],
        kind: VariableKind::Path,
    }];

    static TENANT: ApiDescription = described(
        "tenanted",
        "https://{tenant}.example.com/api",
        &[ServerVariable {
            name: "tenant",
            default: "acme",
            allowed: &[],
            kind: VariableKind::Host,
        }],
        "TENANTED",
    );

    #[test]
    fn where_a_host_variable_sits_decides_whether_it_takes_a_port_or_ipv6() {
        let place = |t: &str| HostPlace::of(t, "h", PATH_AFTER_HOST);
        assert_eq!(place("https://{h}"), HostPlace::WHOLE);
        assert_eq!(place("https://{h}/api"), HostPlace::WHOLE);
        let label = place("https://{h}.example.com");
        assert!(label.starts && !label.ends && !label.port_follows);
        let before_port = place("{scheme}://{h}:{port}/v1");
        assert!(before_port.starts && !before_port.ends && before_port.port_follows);
        assert_eq!(place("https://{h}{basePath}"), HostPlace::WHOLE);
        let unknown_next = place("https://{h}{other}");
        assert!(!unknown_next.ends && !unknown_next.port_follows);
        let inner = place("https://api.{h}/v1");
        assert!(!inner.starts && inner.ends);

        let check = |v: &str, p: HostPlace| check_variable(VariableKind::Host, v, "x", p);
        assert!(check("acme-eu", label).is_ok());
        for bad in ["a:1", "acme:443", "[::1]", "[::1]:8080"] {
            assert!(check(bad, label).is_err(), "{bad} in a label");
        }
        assert!(check("[fd00::1]", before_port).is_ok());
        assert!(check("h:1", before_port).is_err());
        assert!(check("[fd00::1]:80", before_port).is_err());
        assert!(check("eu.example:8443", inner).is_ok());
        assert!(check("[::1]", inner).is_err());
    }

    #[test]
    fn a_tenant_that_would_move_the_port_is_refused_before_any_url_is_made() {
        assert_eq!(
            ClientConfig::new(&TENANT)
                .server_variable("tenant", "acme-eu")
                .resolved_base_url()
                .unwrap(),
            "https://acme-eu.example.com/api"
        );
        for bad in ["a:1", "evil.test:443", "[::1]"] {
            let err = ClientConfig::new(&TENANT)
                .server_variable("tenant", bad)
                .resolved_base_url()
                .unwrap_err();
            assert!(
                matches!(&err, BuildError::InvalidServerVariable { name, .. } if name == "tenant"),
                "{bad}: {err:?}"
            );
        }
    }
}
