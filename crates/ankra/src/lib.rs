//! Typed client for the Ankra Platform API - Credentials.
//!
//! Generated from `specs/ankra.yaml`: the files under `src/generated/` are written by
//! `cargo xtask codegen` and must not be edited. This file is hand-written (the
//! xtask only creates it when the crate is new).
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let client = ankra_client::Client::builder().build()?;
//! # let _ = client;
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]

#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic)]
#[path = "generated/client.rs"]
mod client;

#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic)]
#[path = "generated/meta.rs"]
mod meta;

/// Typed httpmock mocks for tests: `use ankra_client::mock::MockServerExt`.
#[cfg(feature = "mock")]
#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic)]
#[path = "generated/mock.rs"]
pub mod mock;

/// clap subcommands for each operation (used by `credctl`).
#[cfg(feature = "cli")]
#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, unused)] // progenitor's CLI template has unused defaults
#[path = "generated/cli.rs"]
pub mod cli;

pub use client::*;
pub use meta::*;
