//! credctl's integration tests, in one binary (as ripgrep does): each module
//! drives the built `credctl` binary. A new test file is a module here
//! (`tests/it/<name>.rs` plus `mod <name>;` below); `support` holds the
//! helpers (running the binary, spec examples, a TLS test PKI).
//!
//! Run one module with a filter: `cargo test -p credctl --test it -- get::`.

mod config;
mod errors;
mod get;
mod listing;
mod schema_demo;
mod support;
mod transport;
