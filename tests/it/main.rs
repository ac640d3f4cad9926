//! The facade's integration tests, in one binary (as ripgrep does): one
//! link instead of one per file. A new test file is a module here
//! (`tests/it/<name>.rs` plus `mod <name>;` below); shared helpers live in
//! `support` (the scripted HTTP server) and `providers` (every provider of
//! the workspace, from the facade's `with_providers!`).
//!
//! Run one module with a filter: `cargo test -p credential-clients
//! --all-features --test it -- hostile::`.

mod contract;
mod fuzz_decode;
mod fuzz_target;
mod golden;
mod hostile;
mod http_runtime;
mod listing;
mod mocks;
mod providers;
mod spec_examples;
mod support;
