//! The hand-written runtime shared by every generated credential client.
//!
//! Generated crates (`crates/<provider>/src/generated/`) wire their
//! progenitor `Client` to this crate through `ClientHooks`: [`Runtime::prepare`]
//! runs before a request is sent (path safety, `Accept`, `User-Agent`,
//! authentication incl. OCI signing) and [`Runtime::execute`] sends it with
//! retries. The generated types use [`Secret`], [`OpenEnum`] and
//! [`OpenUnion`] for secrets, enums and unions.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod api;
pub mod auth;
pub mod config;
pub mod decode;
pub mod extra;
#[cfg(feature = "mock")]
pub mod mock;
pub mod names;
pub mod oci;
pub mod open;
pub mod retry;
pub mod runtime;
pub mod secret;
pub mod timestamp;

pub use api::{
    ApiDescription, AuthScheme, BodyCodeRule, OperationDescription, RequestIdHeader, RetryProfile,
    ServerTemplate, ServerVariable, VariableKind,
};
pub use auth::{AuthError, AuthFuture, Authenticate};
pub use config::{Auth, BuildError, ClientConfig, ClientParts};
pub use extra::Extra;
pub use open::{OpenEnum, OpenUnion, UnknownObject};
pub use retry::RetryPolicy;
pub use runtime::{RequestError, Runtime};
pub use secret::{Secret, SecretBody};
pub use timestamp::Timestamp;
