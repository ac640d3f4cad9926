//! Configuration: command-line flags win over environment variables, which
//! win over the config file.
//!
//! Every provider's settings are derived from its generated `API`
//! description (environment prefix, server variables, security schemes), so
//! a new spec gets flags, environment variables and config-file keys without
//! hand edits (the naming rule is in `names.rs`):
//!
//! | setting | flag | environment | config key |
//! |---|---|---|---|
//! | base URL | `--base-url` | `<P>_BASE_URL` | `base_url` |
//! | server variable `v` | `--<v>` | `<P>_<V>` | `<v>` |
//! | bearer token / API key | `--token` | `<P>_TOKEN`, `<P>_API_TOKEN`, `<P>_API_KEY` | `token`, `api_token`, `api_key` |
//! | HTTP Basic | `--username`, `--password` | `<P>_USERNAME`, `<P>_PASSWORD` | `username`, `password` |
//! | OCI signing | `--oci-config-file`, `--oci-profile` | `<P>_CONFIG_FILE`, `<P>_PROFILE` | `config_file`, `profile` |
//!
//! Layers, low to high: `names` (case and environment names), `defs`
//! (setting definitions), `file` (the config file), `resolve` (precedence),
//! `globals` (settings of every provider), `connection` and `network` (the
//! client config).

mod connection;
mod defs;
mod file;
mod globals;
mod names;
mod network;
mod resolve;

pub use connection::connection;
pub use defs::{Setting, settings};
pub use file::FileConfig;
pub use globals::{GLOBAL_ENV, Globals};
pub use names::{env_prefixes, kebab, snake, upper_snake};
