//! Provider quirks declared in the spec as `x-credential-clients-*`
//! extensions at the document root, checked and turned into the data the
//! runtime applies (`ApiDescription::{request_id, retry, region_variable,
//! env_prefix}`). The runtime and credctl contain no provider names: what
//! differs between providers is written here, in the spec.
//!
//! Every extension is documented in `specs/README.md`.

use std::path::Path;

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::error::{Rule, SpecError};

/// The request-id extension.
pub const REQUEST_ID: &str = "x-credential-clients-request-id";
/// The retry-profile extension.
pub const RETRY: &str = "x-credential-clients-retry";
/// The region-variable extension.
pub const REGION_VARIABLE: &str = "x-credential-clients-region-variable";
/// The realm-variable extension.
pub const REALM_VARIABLE: &str = "x-credential-clients-realm-variable";
/// The environment-variable prefix extension.
pub const ENV_PREFIX: &str = "x-credential-clients-env-prefix";

/// A request-id header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId {
    /// Lower-case header name.
    pub name: String,
    /// Whether the client generates one per call.
    pub generate: bool,
}

/// A body-code retry rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyCode {
    /// Status.
    pub status: u16,
    /// JSON pointer into the body.
    pub pointer: String,
    /// Retried codes.
    pub codes: Vec<String>,
}

/// A retry profile (all times in milliseconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retry {
    /// Attempts in all.
    pub max_attempts: u32,
    /// First backoff.
    pub initial_backoff_ms: u64,
    /// Largest backoff.
    pub max_backoff_ms: u64,
    /// Total budget.
    pub total_budget_ms: u64,
    /// Retry-After cap.
    pub max_retry_after_ms: u64,
    /// Retried statuses, sorted.
    pub statuses: Vec<u16>,
    /// Body-code rules.
    pub body_codes: Vec<BodyCode>,
    /// Headers read as Retry-After.
    pub retry_after_headers: Vec<String>,
    /// Retry connection errors.
    pub connection_errors: bool,
}

impl Default for Retry {
    /// The runtime's `RetryProfile::STANDARD`.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff_ms: 200,
            max_backoff_ms: 5_000,
            total_budget_ms: 30_000,
            max_retry_after_ms: 30_000,
            statuses: vec![408, 429, 500, 502, 503, 504],
            body_codes: Vec::new(),
            retry_after_headers: vec!["retry-after".into()],
            connection_errors: true,
        }
    }
}

/// Everything the extensions say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quirks {
    /// `x-credential-clients-request-id`.
    pub request_id: Option<RequestId>,
    /// `x-credential-clients-retry` (or the standard profile).
    pub retry: Retry,
    /// `x-credential-clients-region-variable`.
    pub region_variable: Option<String>,
    /// `x-credential-clients-realm-variable`.
    pub realm_variable: Option<String>,
    /// `x-credential-clients-env-prefix` or the stem upper-cased.
    pub env_prefix: String,
}

/// The default environment prefix of a stem: `netapp-astra` -> `NETAPP_ASTRA`.
pub fn default_env_prefix(stem: &str) -> String {
    stem.to_ascii_uppercase().replace('-', "_")
}

/// Read and check the extensions of `doc`. All problems are returned.
pub fn read(file: &Path, stem: &str, doc: &Value) -> Result<Quirks, Vec<SpecError>> {
    let mut errors = Vec::new();
    let mut err = |ptr: String, msg: String| {
        errors.push(SpecError::new(file, ptr, Rule::Extension, msg));
    };
    let root = doc.as_object();
    let get = |k: &str| root.and_then(|r| r.get(k));

    let request_id = match get(REQUEST_ID) {
        None => None,
        Some(Value::String(name)) => Some((name.clone(), true)),
        Some(Value::Object(o)) => {
            let name = o.get("header").and_then(Value::as_str);
            let generate = o.get("generate").map(Value::as_bool);
            match (name, generate) {
                (Some(n), None | Some(Some(_))) => {
                    Some((n.to_string(), generate.flatten().unwrap_or(true)))
                }
                _ => {
                    err(
                        format!("/{REQUEST_ID}"),
                        "must be a header name, or `{header: NAME, generate: BOOL}`".into(),
                    );
                    None
                }
            }
        }
        Some(_) => {
            err(
                format!("/{REQUEST_ID}"),
                "must be a header name, or `{header: NAME, generate: BOOL}`".into(),
            );
            None
        }
    }
    .and_then(|(name, generate)| {
        if is_token(&name) {
            Some(RequestId {
                name: name.to_ascii_lowercase(),
                generate,
            })
        } else {
            err(
                format!("/{REQUEST_ID}"),
                format!("`{name}` is not a valid header name"),
            );
            None
        }
    });

    let retry = match get(RETRY) {
        None => Retry::default(),
        Some(v) => read_retry(v, &mut err),
    };

    let region_variable = match get(REGION_VARIABLE) {
        None => None,
        Some(Value::String(name)) => {
            let declared = doc
                .pointer("/servers/0/variables")
                .and_then(Value::as_object)
                .is_some_and(|v| v.contains_key(name));
            if !declared {
                err(
                    format!("/{REGION_VARIABLE}"),
                    format!("`{name}` is not a variable of the first server"),
                );
            }
            Some(name.clone())
        }
        Some(_) => {
            err(
                format!("/{REGION_VARIABLE}"),
                "must be the name of a server variable".into(),
            );
            None
        }
    };

    let realm_variable = match get(REALM_VARIABLE) {
        None => None,
        Some(Value::String(name)) => {
            let declared = doc
                .pointer("/servers/0/variables")
                .and_then(Value::as_object)
                .is_some_and(|v| v.contains_key(name));
            if !declared {
                err(
                    format!("/{REALM_VARIABLE}"),
                    format!("`{name}` is not a variable of the first server"),
                );
            }
            Some(name.clone())
        }
        Some(_) => {
            err(
                format!("/{REALM_VARIABLE}"),
                "must be the name of a server variable".into(),
            );
            None
        }
    };

    let env_prefix = match get(ENV_PREFIX) {
        None => default_env_prefix(stem),
        Some(Value::String(p))
            if !p.is_empty()
                && p.starts_with(|c: char| c.is_ascii_uppercase())
                && p.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_') =>
        {
            p.clone()
        }
        Some(_) => {
            err(
                format!("/{ENV_PREFIX}"),
                "must be upper-case letters, digits and `_`, starting with a letter".into(),
            );
            default_env_prefix(stem)
        }
    };

    if errors.is_empty() {
        Ok(Quirks {
            request_id,
            retry,
            region_variable,
            realm_variable,
            env_prefix,
        })
    } else {
        Err(errors)
    }
}

fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn read_retry(v: &Value, err: &mut impl FnMut(String, String)) -> Retry {
    let mut retry = Retry::default();
    let at = format!("/{RETRY}");
    let Some(o) = v.as_object() else {
        err(at, "must be a mapping (see specs/README.md)".into());
        return retry;
    };
    let mut except: Vec<u16> = Vec::new();
    for (key, value) in o {
        let ptr = format!("{at}/{key}");
        let ms = |value: &Value| value.as_u64();
        match key.as_str() {
            "max-attempts" => match value.as_u64().and_then(|n| u32::try_from(n).ok()) {
                Some(n) if n >= 1 => retry.max_attempts = n,
                _ => err(ptr, "must be an integer >= 1".into()),
            },
            "initial-backoff-ms" | "max-backoff-ms" | "total-budget-ms" | "max-retry-after-ms" => {
                let Some(n) = ms(value) else {
                    err(ptr, "must be a non-negative integer (milliseconds)".into());
                    continue;
                };
                match key.as_str() {
                    "initial-backoff-ms" => retry.initial_backoff_ms = n,
                    "max-backoff-ms" => retry.max_backoff_ms = n,
                    "total-budget-ms" => retry.total_budget_ms = n,
                    _ => retry.max_retry_after_ms = n,
                }
            }
            "statuses" => match parse_statuses(value) {
                Ok(s) => retry.statuses = s,
                Err(m) => err(ptr, m),
            },
            // Applied after the loop: keys come in alphabetical order.
            "except-statuses" => match parse_statuses(value) {
                Ok(s) => except = s,
                Err(m) => err(ptr, m),
            },
            "connection-errors" => match value.as_bool() {
                Some(b) => retry.connection_errors = b,
                None => err(ptr, "must be true or false".into()),
            },
            "retry-after-headers" => match string_list(value) {
                Some(list) if list.iter().all(|h| is_token(h)) => {
                    retry.retry_after_headers =
                        list.into_iter().map(|h| h.to_ascii_lowercase()).collect();
                }
                _ => err(ptr, "must be a list of header names".into()),
            },
            "body-codes" => {
                let Some(rules) = value.as_array() else {
                    err(ptr, "must be a list of `{status, pointer, codes}`".into());
                    continue;
                };
                for (i, rule) in rules.iter().enumerate() {
                    let status = rule
                        .get("status")
                        .and_then(Value::as_u64)
                        .and_then(|s| u16::try_from(s).ok())
                        .filter(|s| (100..600).contains(s));
                    let pointer = rule.get("pointer").and_then(Value::as_str);
                    let codes = rule.get("codes").and_then(string_list);
                    match (status, pointer, codes) {
                        (Some(status), Some(p), Some(codes))
                            if (p.is_empty() || p.starts_with('/')) && !codes.is_empty() =>
                        {
                            retry.body_codes.push(BodyCode {
                                status,
                                pointer: p.to_string(),
                                codes,
                            })
                        }
                        _ => err(
                            format!("{ptr}/{i}"),
                            "needs `status` (100-599), `pointer` (a JSON pointer such as `/code`) \
                             and a non-empty list of `codes`"
                                .into(),
                        ),
                    }
                }
            }
            other => err(
                ptr,
                format!(
                    "unknown key `{other}`; known: max-attempts, initial-backoff-ms, \
                     max-backoff-ms, total-budget-ms, max-retry-after-ms, statuses, \
                     except-statuses, body-codes, retry-after-headers, connection-errors"
                ),
            ),
        }
    }
    retry.statuses.retain(|c| !except.contains(c));
    if retry.max_backoff_ms < retry.initial_backoff_ms {
        err(
            at,
            "`max-backoff-ms` must not be below `initial-backoff-ms`".into(),
        );
    }
    retry
}

fn string_list(v: &Value) -> Option<Vec<String>> {
    v.as_array()?
        .iter()
        .map(|s| s.as_str().map(str::to_string))
        .collect()
}

/// `[408, 429, "500-599"]` -> sorted, deduplicated codes.
fn parse_statuses(v: &Value) -> Result<Vec<u16>, String> {
    let msg =
        || "must be a list of status codes (100-599) or ranges such as \"500-599\"".to_string();
    let items = v.as_array().ok_or_else(msg)?;
    let mut out = Vec::new();
    for item in items {
        let (lo, hi) = match item {
            Value::Number(n) => {
                let c = n.as_u64().ok_or_else(msg)?;
                (c, c)
            }
            Value::String(s) => {
                let (a, b) = s.split_once('-').ok_or_else(msg)?;
                (
                    a.trim().parse().map_err(|_| msg())?,
                    b.trim().parse().map_err(|_| msg())?,
                )
            }
            _ => return Err(msg()),
        };
        if !(100..600).contains(&lo) || !(100..600).contains(&hi) || lo > hi {
            return Err(msg());
        }
        out.extend((lo..=hi).map(|c| c as u16));
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

impl Quirks {
    /// The `request_id`, `retry`, `region_variable` and `env_prefix` fields
    /// of the generated `ApiDescription`.
    pub fn tokens(&self) -> TokenStream {
        let request_id = match &self.request_id {
            Some(RequestId { name, generate }) => {
                quote! { Some(rt::RequestIdHeader { name: #name, generate: #generate }) }
            }
            None => quote! { None },
        };
        let r = &self.retry;
        let retry = if *r == Retry::default() {
            quote! { rt::RetryProfile::STANDARD }
        } else {
            let Retry {
                max_attempts,
                initial_backoff_ms,
                max_backoff_ms,
                total_budget_ms,
                max_retry_after_ms,
                statuses,
                body_codes,
                retry_after_headers,
                connection_errors,
            } = r;
            let body_codes = body_codes.iter().map(|b| {
                let (status, pointer, codes) = (b.status, &b.pointer, &b.codes);
                quote! { rt::BodyCodeRule { status: #status, pointer: #pointer, codes: &[#(#codes),*] } }
            });
            quote! {
                rt::RetryProfile {
                    max_attempts: #max_attempts,
                    initial_backoff_ms: #initial_backoff_ms,
                    max_backoff_ms: #max_backoff_ms,
                    total_budget_ms: #total_budget_ms,
                    max_retry_after_ms: #max_retry_after_ms,
                    statuses: &[#(#statuses),*],
                    body_codes: &[#(#body_codes),*],
                    retry_after_headers: &[#(#retry_after_headers),*],
                    connection_errors: #connection_errors,
                }
            }
        };
        let region = match &self.region_variable {
            Some(v) => quote! { Some(#v) },
            None => quote! { None },
        };
        let realm = match &self.realm_variable {
            Some(v) => quote! { Some(#v) },
            None => quote! { None },
        };
        let env_prefix = &self.env_prefix;
        quote! {
            request_id: #request_id,
            retry: #retry,
            region_variable: #region,
            realm_variable: #realm,
            env_prefix: #env_prefix,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn quirks(doc: Value) -> Result<Quirks, Vec<SpecError>> {
        read(Path::new("specs/x.yaml"), "x-y", &doc)
    }

    #[test]
    fn a_retry_profile_with_ranges_exceptions_and_body_codes() {
        let q = quirks(json!({
            "x-credential-clients-retry": {
                "except-statuses": [501],
                "statuses": [429, "500-503"],
                "body-codes": [{"status": 409, "pointer": "/code", "codes": ["Busy"]}],
                "max-attempts": 5
            },
            "x-credential-clients-request-id": "X-Request-Id"
        }))
        .unwrap();
        assert_eq!(
            q.retry.statuses,
            [429, 500, 502, 503],
            "except applies whatever the key order"
        );
        assert_eq!(q.retry.max_attempts, 5);
        assert_eq!(q.retry.body_codes[0].codes, ["Busy"]);
        assert_eq!(
            q.request_id,
            Some(RequestId {
                name: "x-request-id".into(),
                generate: true
            })
        );
        assert_eq!(q.env_prefix, "X_Y");
    }

    #[test]
    fn malformed_extensions_are_named_by_pointer() {
        let errs = quirks(json!({
            "x-credential-clients-retry": {"statuses": ["5xx"], "max-attempts": 0, "nope": 1},
            "x-credential-clients-env-prefix": "lower",
            "x-credential-clients-region-variable": "region"
        }))
        .unwrap_err();
        let pointers: Vec<&str> = errs.iter().map(|e| e.pointer.as_str()).collect();
        for p in [
            "/x-credential-clients-retry/statuses",
            "/x-credential-clients-retry/max-attempts",
            "/x-credential-clients-retry/nope",
            "/x-credential-clients-env-prefix",
            "/x-credential-clients-region-variable",
        ] {
            assert!(pointers.contains(&p), "{p} in {pointers:?}");
        }
        assert!(errs.iter().all(|e| e.rule == Rule::Extension));
    }
}
