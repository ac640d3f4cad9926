//! Loading a spec file and checking it against the rules the generator and
//! the project rely on. Every problem is reported as a [`SpecError`] naming the
//! file, the JSON pointer of the offending node and the rule; nothing panics.
//!
//! - `yaml.rs`: YAML text to JSON;
//! - `crate::document` (re-exported): reading the document (`$ref`s, methods,
//!   the credential operation);
//! - `rules.rs`, `schemas.rs`, `operations.rs`: the rules, run by [`validate`];
//! - `openapi.rs`: the structure check through `openapiv3`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::error::{Rule, SpecError, escape_pointer_token, pointer};

mod openapi;
mod operations;
mod rules;
mod schemas;
mod yaml;

pub use crate::document::*;
pub use openapi::parse_openapi;
use operations::*;
pub use rules::validate;
use schemas::*;
pub use yaml::parse_yaml;

/// A loaded spec: its stem (the crate name stem) and its content as JSON.
#[derive(Debug, Clone)]
pub struct SpecFile {
    /// `ankra`, `netapp-astra`, ...
    pub stem: String,
    /// The path as the user named it (relative to the workspace root when
    /// discovered by the xtask).
    pub path: PathBuf,
    /// The document, converted from YAML to JSON values.
    pub doc: Value,
}

impl SpecFile {
    /// `netapp_astra` for `netapp-astra`.
    pub fn snake(&self) -> String {
        self.stem.replace('-', "_")
    }
}

/// Read and parse one spec file. `display_path` is how the file is named in
/// messages (normally relative to the workspace root).
pub fn load(full_path: &Path, display_path: &Path) -> Result<SpecFile, Vec<SpecError>> {
    let stem = display_path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string();
    let text = std::fs::read_to_string(full_path).map_err(|e| {
        vec![SpecError::new(
            display_path,
            "",
            Rule::YamlSyntax,
            format!("cannot read the file: {e}"),
        )]
    })?;
    let doc = parse_yaml(display_path, &text).map_err(|e| vec![e])?;
    let spec = SpecFile {
        stem,
        path: display_path.to_path_buf(),
        doc,
    };
    let errors = validate(&spec);
    if errors.is_empty() {
        Ok(spec)
    } else {
        Err(errors)
    }
}

/// Is `stem` usable as a crate name stem (`[a-z][a-z0-9-]*`, no `--`, not
/// ending in `-`)?
pub fn valid_stem(stem: &str) -> bool {
    let mut chars = stem.chars();
    matches!(chars.next(), Some('a'..='z'))
        && stem
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !stem.ends_with('-')
        && !stem.contains("--")
        && stem != "runtime"
}
