//! Benchmarks of credential-clients (`cargo run --release -p
//! credential-clients-bench -- all`): codegen time, generated-client overhead
//! against a hand-written reqwest + serde_json call over local HTTP, runtime
//! hook cost per auth mode, and decode throughput. See `BENCHMARKS.md`.
//!
//! Nothing here is timed under `cargo test`: the tests only check that the
//! synthetic spec is valid and that the generated and hand-written clients
//! send the same request and decode the same value.

#![forbid(unsafe_code)]

pub mod client;
pub mod codegen;
pub mod decode;
pub mod peers;
pub mod proto;
pub mod providers;
pub mod report;
pub mod server;
pub mod stats;
pub mod synth;

use std::path::{Path, PathBuf};

use serde_json::Value;

pub use providers::Provider;

/// The workspace root: the nearest directory at or above the current one
/// with `specs/` and a `Cargo.toml` declaring `[workspace]` (found at run
/// time, so a copied or installed binary works from any checkout), else
/// `.`.
pub fn workspace_root() -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|dir| xtask::find_workspace_root(&dir))
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The success example of the credential operation in `specs/<stem>.yaml`, and its media
/// type: the first `example`, or the first of `examples`.
pub fn spec_example(root: &Path, provider: Provider) -> Result<(Value, String), String> {
    let rel = PathBuf::from(format!("specs/{}.yaml", provider.stem()));
    let text =
        std::fs::read_to_string(root.join(&rel)).map_err(|e| format!("{}: {e}", rel.display()))?;
    let doc = xtask::spec::parse_yaml(&rel, &text).map_err(|e| e.to_string())?;
    let op = xtask::spec::credential_operation(&doc)
        .ok_or_else(|| format!("{}: no credential operation", rel.display()))?
        .op;
    let (media_type, media) = xtask::examples::response(&doc, op, None)
        .and_then(xtask::examples::media)
        .ok_or_else(|| {
            format!(
                "{}: the credential operation has no success body",
                rel.display()
            )
        })?;
    if !xtask::spec::is_json_media_type(media_type) {
        return Err(format!("{}: the success body is not JSON", rel.display()));
    }
    xtask::examples::media_example(&doc, media)
        .map(|e| (e, media_type.to_string()))
        .ok_or_else(|| format!("{}: the success body has no example", rel.display()))
}

/// Every provider's example as compact JSON bytes.
pub fn examples(root: &Path) -> Result<Vec<(Provider, Vec<u8>)>, String> {
    Provider::all()
        .map(|p| {
            let (v, _) = spec_example(root, p)?;
            Ok((p, serde_json::to_vec(&v).map_err(|e| e.to_string())?))
        })
        .collect()
}
