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

/// The 200 example of `get_credential` in `specs/<stem>.yaml`, and its media
/// type: the first `example`, or the first of `examples`.
pub fn spec_example(root: &Path, provider: Provider) -> Result<(Value, String), String> {
    let rel = PathBuf::from(format!("specs/{}.yaml", provider.stem()));
    let text =
        std::fs::read_to_string(root.join(&rel)).map_err(|e| format!("{}: {e}", rel.display()))?;
    let doc = xtask::spec::parse_yaml(&rel, &text).map_err(|e| e.to_string())?;
    let op = doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|paths| paths.values())
        .filter_map(|item| item.get("get"))
        .find(|op| op["operationId"] == "get_credential")
        .ok_or_else(|| format!("{}: no get_credential", rel.display()))?;
    let content = op["responses"]["200"]["content"]
        .as_object()
        .ok_or_else(|| format!("{}: get_credential has no 200 body", rel.display()))?;
    let (media_type, media) = content
        .iter()
        .find(|(mt, _)| xtask::spec::is_json_media_type(mt))
        .ok_or_else(|| format!("{}: the 200 body is not JSON", rel.display()))?;
    let example = media.get("example").cloned().or_else(|| {
        media["examples"]
            .as_object()
            .and_then(|e| e.values().next())
            .map(|e| e["value"].clone())
    });
    example
        .map(|e| (e, media_type.clone()))
        .ok_or_else(|| format!("{}: the 200 body has no example", rel.display()))
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
