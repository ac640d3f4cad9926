//! Tests of OCI sign-in: Oracle's published vectors, each mode over HTTP on
//! 127.0.0.1 against servers that verify what they receive.

mod profile;
mod server;
mod signer;
pub(crate) mod vectors;
