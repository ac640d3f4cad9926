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
}

impl ApiDescription {
    /// The operation with this `operationId`.
    pub fn operation(&self, id: &str) -> Option<&OperationDescription> {
        self.operations.iter().find(|o| o.id == id)
    }

    /// Whether the spec declares this kind of authentication.
    pub fn supports(&self, scheme: &AuthScheme) -> bool {
        self.auth.contains(scheme)
    }
}

/// A server URL template such as `https://{tenant}.tines.com`.
#[derive(Debug)]
pub struct ServerTemplate {
    /// The URL template.
    pub url: &'static str,
    /// Its variables.
    pub variables: &'static [ServerVariable],
}

/// One `{name}` of a server URL template.
#[derive(Debug)]
pub struct ServerVariable {
    /// The variable name.
    pub name: &'static str,
    /// The default value.
    pub default: &'static str,
    /// The allowed values (empty: any host-like value).
    pub allowed: &'static [&'static str],
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
    },
    /// OCI API-key request signing.
    OciSignature,
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
}

impl OperationDescription {
    /// GET, HEAD, OPTIONS, PUT and DELETE may be retried (RFC 9110 §9.2.2).
    pub fn is_idempotent(&self) -> bool {
        matches!(self.method, "GET" | "HEAD" | "OPTIONS" | "PUT" | "DELETE")
    }
}
