//! Tests of OCI sign-in: Oracle's published vectors, each mode over HTTP on
//! 127.0.0.1 against servers that verify what they receive.

mod federation;
mod instance_principal;
mod mode;
mod profile;
mod resource_principal;
mod server;
mod session;
mod signer;
pub(crate) mod vectors;
