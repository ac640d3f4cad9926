//! xtask's integration tests, in one binary (as the facade's and
//! credctl's): one link instead of one per file. A new test file is a
//! module here (`tests/it/<name>.rs` plus `mod <name>;` below).

mod bad_specs;
mod cli;
mod lint;
