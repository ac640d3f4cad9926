//! What a generated client tells the runtime about its API (from its spec).

/// A provider's API as its spec describes it. Generated as `API` in each
/// client crate.
#[derive(Debug)]
pub struct ApiDescription {
    /// The spec stem (`tines`, `oci-aidp`, ...).
    pub provider: &'static str,
    /// `info.title`.
    pub title: &'static str,
    /// `info.version`.
    pub version: &'static str,
    /// The default server.
    pub server: ServerTemplate,
    /// The security schemes the spec declares.
    pub auth: &'static [AuthScheme],
    /// Every operation.
    pub operations: &'static [OperationDescription],
    /// The `operationId` of the "read one credential" operation.
    pub credential_operation: &'static str,
    /// The `operationId` of the "list credentials" operation, a paginated
    /// GET (`x-credential-clients-list`, or the only paginated operation).
    pub list_operation: Option<&'static str>,
    /// A request-id header the client sends with every request and reports
    /// in errors (`x-credential-clients-request-id`).
    pub request_id: Option<RequestIdHeader>,
    /// The provider's default retry behaviour (`x-credential-clients-retry`).
    pub retry: RetryProfile,
    /// The server variable that an OCI-style config profile's `region`
    /// fills (`x-credential-clients-region-variable`).
    pub region_variable: Option<&'static str>,
    /// The server variable that the region's realm domain fills (OCI's
    /// `secondLevelDomain`: `oraclecloud.com`, `oraclegovcloud.uk`, ...;
    /// `x-credential-clients-realm-variable`).
    pub realm_variable: Option<&'static str>,
    /// The prefix of the provider's environment variables in tools such as
    /// credctl (`TINES` for `TINES_TOKEN`; `x-credential-clients-env-prefix`,
    /// default: the stem upper-cased with `_`).
    pub env_prefix: &'static str,
}

impl ApiDescription {
    /// The operation with this `operationId`.
    pub fn operation(&self, id: &str) -> Option<&OperationDescription> {
        self.operations.iter().find(|o| o.id == id)
    }

    /// Whether the spec declares this kind of authentication (an OAuth2 /
    /// OpenID Connect scheme accepts an access token as a bearer token).
    pub fn supports(&self, scheme: &AuthScheme) -> bool {
        self.auth.contains(scheme)
            || (*scheme == AuthScheme::Bearer
                && self
                    .auth
                    .iter()
                    .any(|a| matches!(a, AuthScheme::OAuth2 { .. })))
            || matches!(scheme, AuthScheme::ApiKeyHeader { name, .. }
                if self.auth.iter().any(|a| matches!(a, AuthScheme::ApiKeyHeader { name: n, .. } if n.eq_ignore_ascii_case(name))))
    }
}

/// A server URL template such as `https://{tenant}.tines.com`.
///
/// `url` is empty when the spec has no `servers`, and may be relative
/// (`/`, `/api`) when the spec's server is: such a client needs a base URL.
#[derive(Debug)]
pub struct ServerTemplate {
    /// The URL template.
    pub url: &'static str,
    /// Its variables.
    pub variables: &'static [ServerVariable],
}

/// Where a server variable sits in its URL template, which decides the
/// values it may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum VariableKind {
    /// The scheme (`{scheme}://...`): `http` or `https`.
    Scheme,
    /// (Part of) the host, possibly with `:port` or a bracketed IPv6 literal.
    Host,
    /// The port (`:{port}`): digits.
    Port,
    /// (Part of) the path: no `/`, `?`, `#`.
    Path,
    /// The whole URL or its start (`{baseUrl}`, `{baseUrl}/v1`): an
    /// absolute http(s) URL.
    Url,
}

/// One `{name}` of a server URL template.
#[derive(Debug)]
pub struct ServerVariable {
    /// The variable name.
    pub name: &'static str,
    /// The default value.
    pub default: &'static str,
    /// The allowed values (empty: any value valid for its kind).
    pub allowed: &'static [&'static str],
    /// Where the variable sits in the URL.
    pub kind: VariableKind,
}

/// A request-id header (`opc-request-id`, `x-request-id`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestIdHeader {
    /// The header name, lower-case.
    pub name: &'static str,
    /// Whether the client generates one per call (else it only reports the
    /// server's).
    pub generate: bool,
}

/// A provider's retry defaults, as data (rendered from the spec's
/// `x-credential-clients-retry`, or [`RetryProfile::STANDARD`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryProfile {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// Backoff before the first retry (before jitter), in milliseconds.
    pub initial_backoff_ms: u64,
    /// Largest backoff (before jitter), in milliseconds.
    pub max_backoff_ms: u64,
    /// No retry starts past this total, in milliseconds.
    pub total_budget_ms: u64,
    /// Cap on a server's `Retry-After`, in milliseconds.
    pub max_retry_after_ms: u64,
    /// Retried statuses.
    pub statuses: &'static [u16],
    /// Responses retried because of a code in their JSON body.
    pub body_codes: &'static [BodyCodeRule],
    /// Response headers read as `Retry-After` (seconds or HTTP-date), in order.
    pub retry_after_headers: &'static [&'static str],
    /// Retry connection failures and timeouts.
    pub connection_errors: bool,
}

impl RetryProfile {
    /// 3 attempts, 200 ms doubling up to 5 s, 30 s budget, Retry-After up
    /// to 30 s, on connection errors and 408, 429, 500, 502, 503, 504.
    pub const STANDARD: RetryProfile = RetryProfile {
        max_attempts: 3,
        initial_backoff_ms: 200,
        max_backoff_ms: 5_000,
        total_budget_ms: 30_000,
        max_retry_after_ms: 30_000,
        statuses: &[408, 429, 500, 502, 503, 504],
        body_codes: &[],
        retry_after_headers: &["retry-after"],
        connection_errors: true,
    };
}

/// Retry a response with this status whose JSON body has, at `pointer`, a
/// string among `codes` (OCI: 409 with `/code` `IncorrectState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyCodeRule {
    /// The status.
    pub status: u16,
    /// A JSON pointer into the body (`/code`).
    pub pointer: &'static str,
    /// The codes that are retried.
    pub codes: &'static [&'static str],
}

/// An authentication method a spec declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthScheme {
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// HTTP Basic.
    Basic,
    /// A key in a request header.
    ApiKeyHeader {
        /// The header name.
        name: &'static str,
        /// Text before the key (`SSWS ` for Okta), from the scheme's
        /// `x-credential-clients-prefix`; empty for none.
        prefix: &'static str,
    },
    /// OCI request signing.
    OciSignature,
    /// OAuth2 / OpenID Connect: an access token sent as a bearer token.
    OAuth2 {
        /// The client-credentials token URL, when the spec declares that
        /// flow (the client can then fetch and refresh tokens itself).
        token_url: Option<&'static str>,
        /// The flow's scopes.
        scopes: &'static [&'static str],
    },
}

/// One operation: its id, method, route template and the media types it
/// declares (the `Accept` header).
#[derive(Debug)]
pub struct OperationDescription {
    /// `operationId`.
    pub id: &'static str,
    /// Upper-case HTTP method.
    pub method: &'static str,
    /// The path template, e.g. `/api/v1/user_credentials/{credential_id}`.
    pub path: &'static str,
    /// The `Accept` header value.
    pub accept: &'static str,
    /// How the operation pages (`x-credential-clients-pagination`).
    pub pagination: Option<crate::paginate::Pagination>,
}

impl OperationDescription {
    /// GET, HEAD, OPTIONS, PUT and DELETE may be retried (RFC 9110 §9.2.2).
    pub fn is_idempotent(&self) -> bool {
        matches!(self.method, "GET" | "HEAD" | "OPTIONS" | "PUT" | "DELETE")
    }
}
