//! Exit codes and the one-line messages that go with them.

use credential_clients::runtime::TransportError;
use serde::Serialize;

/// The process exit codes (documented in `credctl --help` and the README).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// Whoever read stdout closed it (`credctl get ... | head -1`): stop
    /// quietly, as a successful run.
    StdoutClosed = 0,
    /// A server error (5xx), an undocumented status, a body that does not parse.
    Other = 1,
    /// Bad arguments or configuration (clap also exits with 2 on usage errors).
    Usage = 2,
    /// 401 or 403.
    Auth = 3,
    /// 404.
    NotFound = 4,
    /// 429, after the retries.
    RateLimited = 5,
    /// DNS, connect, TLS or timeout.
    Network = 6,
    /// `credctl audit` found credentials that need attention.
    Findings = 7,
}

/// The text of the "Exit codes" section of `credctl --help`.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success
  1  other error: server error (5xx), undocumented status, response that does not parse
  2  bad arguments or configuration: usage error, invalid value, missing credentials,
     unreadable config file, a 400/422 from the server
  3  authentication failed: 401 or 403
  4  not found: 404
  5  rate limited: 429 (after the retries)
  6  network error: DNS, connection refused, TLS, timeout
  7  audit findings: `credctl audit` found expired, expiring, invalid or inactive credentials
  (inventory/audit: the first failing provider's code; the others still print)";

/// Why credctl stops: an exit code and a message for stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The exit code.
    pub code: Code,
    /// One line (or a few) for a person.
    pub message: String,
}

impl Failure {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Code::Usage, message)
    }

    pub fn other(message: impl Into<String>) -> Self {
        Self::new(Code::Other, message)
    }

    /// stdout is closed: nothing to print, nothing to report.
    pub fn stdout_closed() -> Self {
        Self::new(Code::StdoutClosed, "")
    }
}

/// How the request authenticated, to say what to check after a 401/403.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthHint {
    /// A bearer token or API-key header: what the provider calls it ("the
    /// API key") and where it came from ("TINES_API_KEY").
    Token { noun: String, source: String },
    /// HTTP Basic.
    Basic { source: String },
    /// OCI request signing with a config-file profile.
    Oci { profile: String, file: String },
    /// Set up by credctl itself (the demo).
    Demo,
}

/// What an error message needs to know about the request.
#[derive(Debug, Clone)]
pub struct ErrorContext {
    pub provider: &'static str,
    pub base_url: String,
    pub auth: AuthHint,
    /// Where the base URL comes from, e.g. "TINES_BASE_URL or TINES_TENANT".
    pub location_hint: String,
    /// Attempts in all (1 = no retries).
    pub attempts: u32,
    /// The API's request-id header (`ApiDescription::request_id`), whose
    /// value is printed with errors.
    pub request_id: Option<&'static str>,
}

/// The exit code and message for a failed call, with the vendor's request
/// id when the response had one.
pub fn classify<T: Serialize>(err: &progenitor_client::Error<T>, ctx: &ErrorContext) -> Failure {
    use progenitor_client::Error as E;
    let headers = match err {
        E::ErrorResponse(rv) => Some(rv.headers()),
        E::UnexpectedResponse(r) => Some(r.headers()),
        _ => None,
    };
    let id = ctx
        .request_id
        .zip(headers)
        .and_then(|(name, h)| h.get(name))
        .and_then(|v| v.to_str().ok());
    let mut failure = classify_inner(err, ctx);
    if let Some(id) = id {
        failure.message.push_str(&format!(" [request id {id}]"));
    }
    failure
}

fn classify_inner<T: Serialize>(err: &progenitor_client::Error<T>, ctx: &ErrorContext) -> Failure {
    use progenitor_client::Error as E;
    let p = ctx.provider;
    match err {
        E::ErrorResponse(rv) => {
            let retry_after = rv
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let body: &T = rv;
            from_status(rv.status().as_u16(), retry_after, body_message(body), ctx)
        }
        E::UnexpectedResponse(r) => {
            let retry_after = r
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            from_status(r.status().as_u16(), retry_after, None, ctx)
        }
        E::CommunicationError(e) | E::InvalidUpgrade(e) | E::ResponseBodyError(e) => {
            if let Some(stopped) = TransportError::find(e) {
                return transport(stopped, ctx);
            }
            match e.status() {
                Some(status) => from_status(status.as_u16(), None, None, ctx),
                None => network(e, ctx),
            }
        }
        E::InvalidRequest(m) => Failure::usage(format!("refused before sending to {p}: {m}")),
        E::InvalidResponsePayload(_, e) => Failure::other(format!(
            "the response from {p} does not match its spec: {e}"
        )),
        E::Custom(m) => Failure::other(format!("{p}: {m}")),
    }
}

/// A call the client itself stopped.
fn transport(e: &TransportError, ctx: &ErrorContext) -> Failure {
    let p = ctx.provider;
    match e {
        TransportError::BodyTooLarge { .. } => Failure::other(format!(
            "the response from {p} is too large: {e} (credctl: --max-response-bytes)"
        )),
        TransportError::CrossOriginRedirect { .. } => Failure::usage(format!(
            "{p} redirected elsewhere: {e}; check {}",
            ctx.location_hint
        )),
        TransportError::Auth(_) => Failure::new(Code::Auth, format!("{p}: {e}")),
        _ => Failure::other(format!("{p}: {e}")),
    }
}

fn network(e: &reqwest::Error, ctx: &ErrorContext) -> Failure {
    let what = if e.is_timeout() {
        "timed out talking to"
    } else if e.is_connect() {
        "cannot connect to"
    } else {
        "request failed to"
    };
    let mut cause = String::new();
    let mut source: Option<&dyn std::error::Error> = Some(e);
    while let Some(s) = source {
        cause = s.to_string();
        source = s.source();
    }
    let tries = if ctx.attempts > 1 {
        format!(" (tried {} times)", ctx.attempts)
    } else {
        String::new()
    };
    Failure::new(
        Code::Network,
        format!(
            "network error: {what} {} at {}{tries}: {cause}; check {} and the network",
            ctx.provider, ctx.base_url, ctx.location_hint
        ),
    )
}

fn from_status(
    status: u16,
    retry_after: Option<String>,
    server: Option<String>,
    ctx: &ErrorContext,
) -> Failure {
    let p = ctx.provider;
    let said = server
        .map(|s| format!(" (server said: {s})"))
        .unwrap_or_default();
    match status {
        401 => {
            let what = match &ctx.auth {
                AuthHint::Token { noun, source } => {
                    format!("{noun} was rejected; check {source}")
                }
                AuthHint::Basic { source } => {
                    format!("the user name or password was rejected; check {source}")
                }
                AuthHint::Oci { profile, file } => format!(
                    "the request signature was rejected; check the key, fingerprint, user and \
                     tenancy of profile [{profile}] in {file}, and the clock"
                ),
                AuthHint::Demo => "the demo credentials were rejected".to_string(),
            };
            Failure::new(Code::Auth, format!("401 from {p}: {what}{said}"))
        }
        403 => {
            let who = match &ctx.auth {
                AuthHint::Token { noun, source } => format!("{noun} ({source})"),
                AuthHint::Basic { source } => format!("the user ({source})"),
                AuthHint::Oci { profile, .. } => format!("the OCI user of profile [{profile}]"),
                AuthHint::Demo => "the demo user".to_string(),
            };
            Failure::new(
                Code::Auth,
                format!(
                    "403 from {p}: access denied: {who} was accepted but may not read this \
                     credential{said}"
                ),
            )
        }
        404 => Failure::new(
            Code::NotFound,
            format!(
                "404 from {p}: not found: no such credential at {}{said}; check the ID (and {})",
                ctx.base_url, ctx.location_hint
            ),
        ),
        429 => {
            let wait = retry_after
                .map(|r| format!("; the server asks to wait {r} s (Retry-After)"))
                .unwrap_or_default();
            let tries = if ctx.attempts > 1 {
                format!(" after {} attempts", ctx.attempts)
            } else {
                String::new()
            };
            Failure::new(
                Code::RateLimited,
                format!("429 from {p}: rate limited{tries}{wait}{said}; try again later"),
            )
        }
        400 | 422 => Failure::usage(format!(
            "{status} from {p}: the server rejected the request's arguments{said}"
        )),
        500..=599 => Failure::other(format!("{status} from {p}: server error{said}")),
        _ => Failure::other(format!("{status} from {p}: unexpected response{said}")),
    }
}

/// The human part of an error body: FastAPI / DRF `detail`, OCI
/// `code` + `message`, RFC 7807 `detail` / `title`, Tines `errors[].message`.
pub fn body_message<T: Serialize>(body: &T) -> Option<String> {
    let value = serde_json::to_value(body).ok()?;
    let text = pick(&value, 0)?;
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(if line.chars().count() > 300 {
        format!("{}…", line.chars().take(300).collect::<String>())
    } else {
        line
    })
    .filter(|s| !s.is_empty())
}

fn pick(value: &serde_json::Value, depth: usize) -> Option<String> {
    use serde_json::Value;
    if depth > 4 {
        return None;
    }
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Array(items) => items.iter().find_map(|v| pick(v, depth + 1)),
        Value::Object(map) => {
            let code = map.get("code").and_then(Value::as_str);
            for key in [
                "detail",
                "message",
                "msg",
                "title",
                "error_description",
                "error",
                "errors",
            ] {
                if let Some(text) = map.get(key).and_then(|v| pick(v, depth + 1)) {
                    return Some(match code {
                        Some(code) if key == "message" => format!("{code}: {text}"),
                        _ => text,
                    });
                }
            }
            code.map(str::to_string)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn error_bodies_of_every_provider() {
        let cases = [
            (json!({"detail": "Not found."}), "Not found."),
            (
                json!({"detail": "permission_denied", "permission": "credentials:read"}),
                "permission_denied",
            ),
            (
                json!({"detail": [{"loc": ["path"], "msg": "bad uuid"}]}),
                "bad uuid",
            ),
            (
                json!({"code": "NotAuthenticated", "message": "The required information to complete authentication was not provided."}),
                "NotAuthenticated: The required information to complete authentication was not provided.",
            ),
            (
                json!({"type": "https://astra.netapp.io/problems/2", "title": "Resource not found", "detail": "The resource\nwas not found.", "status": "404"}),
                "The resource was not found.",
            ),
            (
                json!({"errors": [{"message": "Unauthorized", "details": "bad key"}]}),
                "Unauthorized",
            ),
            (json!(["Retry later"]), "Retry later"),
        ];
        for (body, expected) in cases {
            assert_eq!(body_message(&body).as_deref(), Some(expected), "{body}");
        }
        assert_eq!(body_message(&json!({})), None);
        let long = "x".repeat(400);
        assert_eq!(
            body_message(&json!({ "detail": long }))
                .unwrap()
                .chars()
                .count(),
            301
        );
    }

    fn ctx(auth: AuthHint) -> ErrorContext {
        ErrorContext {
            provider: "tines",
            base_url: "http://127.0.0.1:9".into(),
            auth,
            location_hint: "TINES_BASE_URL or TINES_TENANT".into(),
            attempts: 3,
            request_id: None,
        }
    }

    #[test]
    fn statuses_map_to_codes_and_hints() {
        let token = AuthHint::Token {
            noun: "the API key".into(),
            source: "TINES_API_KEY".into(),
        };
        let f = from_status(401, None, Some("Unauthorized".into()), &ctx(token.clone()));
        assert_eq!(f.code, Code::Auth);
        assert_eq!(
            f.message,
            "401 from tines: the API key was rejected; check TINES_API_KEY (server said: Unauthorized)"
        );
        assert_eq!(
            from_status(403, None, None, &ctx(token.clone())).code,
            Code::Auth
        );
        assert_eq!(
            from_status(404, None, None, &ctx(token.clone())).code,
            Code::NotFound
        );
        let f = from_status(429, Some("30".into()), None, &ctx(token.clone()));
        assert_eq!(f.code, Code::RateLimited);
        assert!(f.message.contains("after 3 attempts"), "{}", f.message);
        assert!(f.message.contains("wait 30 s"), "{}", f.message);
        assert_eq!(
            from_status(422, None, None, &ctx(token.clone())).code,
            Code::Usage
        );
        assert_eq!(
            from_status(503, None, None, &ctx(token.clone())).code,
            Code::Other
        );
        assert_eq!(from_status(418, None, None, &ctx(token)).code, Code::Other);
        let f = from_status(
            401,
            None,
            None,
            &ctx(AuthHint::Basic {
                source: "AWX_USERNAME and AWX_PASSWORD".into(),
            }),
        );
        assert!(f.message.contains("check AWX_USERNAME and AWX_PASSWORD"));
        let f = from_status(
            401,
            None,
            None,
            &ctx(AuthHint::Oci {
                profile: "DEFAULT".into(),
                file: "~/.oci/config".into(),
            }),
        );
        assert!(f.message.contains("profile [DEFAULT] in ~/.oci/config"));
    }
}
