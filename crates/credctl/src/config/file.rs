//! The config file: where it is found, how it is read (TOML, or JSON by
//! extension), and the check that refuses unknown sections and keys.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::globals::GLOBAL_KEYS;
use super::resolve::Resolved;
use crate::exit::Failure;

/// The environment variable naming a config file.
pub const CONFIG_ENV: &str = "CREDCTL_CONFIG";

/// The config file: top-level keys (`output`, `retries`, `timeout`) and one
/// table per provider (`[tines]`, `[netapp-astra]`, ...).
#[derive(Debug, Default, Clone)]
pub struct FileConfig {
    pub path: Option<PathBuf>,
    root: Map<String, Value>,
}

impl FileConfig {
    /// Finds the config file: `--config`, else `$CREDCTL_CONFIG`, else
    /// `$XDG_CONFIG_HOME/credctl/config.{toml,json}`, else
    /// `~/.config/credctl/config.{toml,json}`. A file named explicitly must
    /// exist; the default ones are optional.
    pub fn discover(args: &[OsString]) -> Result<Self, Failure> {
        if let Some(path) = config_flag(args) {
            return Self::load(&path);
        }
        if let Some(path) = std::env::var_os(CONFIG_ENV).filter(|p| !p.is_empty()) {
            return Self::load(Path::new(&path));
        }
        let base = std::env::var_os("XDG_CONFIG_HOME")
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME")
                    .filter(|p| !p.is_empty())
                    .map(|h| PathBuf::from(h).join(".config"))
            });
        if let Some(base) = base {
            for name in ["config.toml", "config.json"] {
                let path = base.join("credctl").join(name);
                if path.is_file() {
                    return Self::load(&path);
                }
            }
        }
        Ok(Self::default())
    }

    /// Reads a TOML file (JSON when the name ends in `.json`).
    pub fn load(path: &Path) -> Result<Self, Failure> {
        let shown = path.display();
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure::usage(format!("cannot read config file {shown}: {e}")))?;
        let value: Value = if path.extension().is_some_and(|e| e == "json") {
            serde_json::from_str(&text).map_err(|e| {
                Failure::usage(format!("config file {shown} is not valid JSON: {e}"))
            })?
        } else {
            let table: toml::Table = toml::from_str(&text).map_err(|e| {
                Failure::usage(format!(
                    "config file {shown} is not valid TOML: {}",
                    e.message()
                ))
            })?;
            serde_json::to_value(table)
                .map_err(|e| Failure::usage(format!("config file {shown}: {e}")))?
        };
        let Value::Object(root) = value else {
            return Err(Failure::usage(format!(
                "config file {shown} must be a table / object"
            )));
        };
        Ok(Self {
            path: Some(path.to_path_buf()),
            root,
        })
    }

    fn shown_path(&self) -> String {
        self.path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "the config file".into())
    }

    /// Refuses unknown sections and keys (a typo would otherwise be ignored
    /// silently). `known` lists each provider stem and its keys.
    pub fn check(&self, known: &[(&str, Vec<String>)]) -> Result<(), Failure> {
        let file = self.shown_path();
        for (key, value) in &self.root {
            if GLOBAL_KEYS.contains(&key.as_str()) {
                continue;
            }
            let Some((stem, keys)) = known.iter().find(|(stem, _)| section_matches(stem, key))
            else {
                let names: Vec<&str> = known.iter().map(|(s, _)| *s).collect();
                return Err(Failure::usage(format!(
                    "config file {file}: unknown key or section `{key}` (top-level keys: {}; \
                     sections: {})",
                    GLOBAL_KEYS.join(", "),
                    names.join(", ")
                )));
            };
            let Value::Object(section) = value else {
                return Err(Failure::usage(format!(
                    "config file {file}: `{key}` must be a table ([{stem}])"
                )));
            };
            for name in section.keys() {
                if !keys.contains(name) {
                    return Err(Failure::usage(format!(
                        "config file {file}: unknown key `{name}` in [{key}] (known: {})",
                        keys.join(", ")
                    )));
                }
            }
        }
        Ok(())
    }

    /// A top-level value.
    pub fn global(&self, key: &str) -> Option<Resolved> {
        scalar(self.root.get(key)?).map(|value| Resolved {
            value,
            source: format!("`{key}` in {}", self.shown_path()),
        })
    }

    /// A value of the provider's section (`[netapp-astra]` or `[netapp_astra]`).
    pub fn provider(&self, stem: &str, key: &str) -> Option<Resolved> {
        let (name, section) = self
            .root
            .iter()
            .find(|(name, v)| section_matches(stem, name) && v.is_object())?;
        scalar(section.get(key)?).map(|value| Resolved {
            value,
            source: format!("`{key}` in [{name}] of {}", self.shown_path()),
        })
    }
}

fn section_matches(stem: &str, name: &str) -> bool {
    name == stem || name == stem.replace('-', "_")
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `--config FILE` / `--config=FILE` before clap runs (the file's values
/// become defaults of clap arguments).
fn config_flag(args: &[OsString]) -> Option<PathBuf> {
    let mut iter = args.iter().skip(1);
    while let Some(arg) = iter.next() {
        let text = arg.to_string_lossy();
        if text == "--" {
            return None;
        }
        if text == "--config" {
            return iter.next().map(PathBuf::from);
        }
        if let Some(path) = text.strip_prefix("--config=") {
            return Some(PathBuf::from(path));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_flag_is_found_before_clap() {
        let args = |a: &[&str]| a.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            config_flag(&args(&["credctl", "--config", "a.toml", "get"])),
            Some(PathBuf::from("a.toml"))
        );
        assert_eq!(
            config_flag(&args(&["credctl", "get", "--config=b.json"])),
            Some(PathBuf::from("b.json"))
        );
        assert_eq!(
            config_flag(&args(&["credctl", "--", "--config", "x"])),
            None
        );
    }
}
