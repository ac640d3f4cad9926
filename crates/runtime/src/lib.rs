//! The hand-written runtime shared by every generated credential client.
//!
//! Generated crates (`crates/<provider>/src/generated/`) wire their
//! progenitor `Client` to this crate through `ClientHooks`:
//! [`Transport::prepare`] runs before a request is sent (path safety,
//! `Accept`, `User-Agent`, the request-id header) and
//! [`Transport::execute`] sends it (authentication before every attempt,
//! retries, deadline, response-size cap, tracing). The generated types use
//! [`Secret`], [`OpenEnum`] and [`OpenUnion`] for secrets, enums and unions.
//!
//! Modules, leaves first: [`api`] (what a spec says), [`secret`], [`open`],
//! [`auth`] (the [`Authenticate`] seam and [`Auth`]), [`retry`] (policy and
//! rules), [`error`], [`path`], [`body`], [`redirect`], [`tls`],
//! [`transport`] (the hooks' state) and [`config`] (building a client),
//! which depends on the others one way.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod api;
pub mod auth;
pub mod body;
pub mod client_auth;
pub mod config;
pub mod decode;
pub mod error;
pub mod extra;
mod http;
#[cfg(feature = "mock")]
pub mod mock;
pub mod names;
pub mod oauth2;
pub mod oci;
pub mod open;
pub mod paginate;
pub mod path;
pub mod redirect;
pub mod retry;
pub mod secret;
pub mod timestamp;
pub mod tls;
pub mod transport;

pub use api::{
    ApiDescription, AuthScheme, BodyCodeRule, OperationDescription, RequestIdHeader, RetryProfile,
    ServerTemplate, ServerVariable, VariableKind,
};
pub use auth::{AuthError, AuthFuture, Authenticate, StaticHeader};
pub use client_auth::{Auth, AuthSetupError};
pub use config::{BuildError, ClientConfig, ClientParts};
pub use error::{RequestError, TransportError};
pub use extra::Extra;
pub use http::request_id;
pub use open::{OpenEnum, OpenUnion, UnknownObject};
pub use paginate::{Listing, NextPage, PageError, Pagination};
pub use retry::{ClassifyRetry, RetryAction, RetryPolicy, RetryRule};
pub use secret::{Secret, SecretBody};
pub use timestamp::Timestamp;
pub use tls::TlsError;
pub use transport::{Runtime, Transport};
