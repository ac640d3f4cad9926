//! The base URL a client uses: the explicit one, or the spec's default
//! server with its variables filled in (an OCI-style profile's region
//! fills the API's region variable), validated so that no variable can
//! change the host's structure and no credential sits in the URL.

use super::{BuildError, ClientConfig};

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
                .unwrap_or_else(|| var.default.to_string());
            if !var.allowed.is_empty() {
                if !var.allowed.contains(&value.as_str()) {
                    return Err(BuildError::InvalidServerVariable {
                        name: var.name.to_string(),
                        value,
                        reason: format!("allowed values are {}", var.allowed.join(", ")),
                    });
                }
            } else if value.is_empty()
                || !value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
            {
                return Err(BuildError::InvalidServerVariable {
                    name: var.name.to_string(),
                    value,
                    reason:
                        "only letters, digits, `-` and `.` are allowed (it is part of a host name)"
                            .into(),
                });
            }
            url = url.replace(&format!("{{{}}}", var.name), &value);
        }
        Ok(url)
    }
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
