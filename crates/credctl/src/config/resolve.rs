//! Value precedence: a flag given on the command line, else the first
//! non-empty environment variable, else the config file; each value keeps
//! where it came from, for messages.

use clap::ArgMatches;
use clap::parser::ValueSource;

use super::defs::Setting;
use super::file::FileConfig;

/// Where a value came from, as a hint for a person ("TINES_API_KEY",
/// "--token", "`token` in [tines] of ~/.config/credctl/config.toml").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub value: String,
    pub source: String,
}

/// The first non-empty environment variable of `names`.
pub fn env_value(names: &[String]) -> Option<Resolved> {
    names.iter().find_map(|name| {
        std::env::var(name)
            .ok()
            .filter(|v| !v.is_empty())
            .map(|value| Resolved {
                value,
                source: name.clone(),
            })
    })
}

/// A provider setting: the flag, else the environment, else the file.
pub fn resolve(
    setting: &Setting,
    stem: &str,
    matches: &ArgMatches,
    file: &FileConfig,
) -> Option<Resolved> {
    let from_flag = matches
        .try_get_one::<String>(&setting.id)
        .ok()
        .flatten()
        .filter(|_| matches.value_source(&setting.id) == Some(ValueSource::CommandLine));
    if let Some(value) = from_flag {
        return Some(Resolved {
            value: value.clone(),
            source: format!("--{}", setting.long),
        });
    }
    if setting.switch
        && matches.try_get_one::<bool>(&setting.id).ok().flatten() == Some(&true)
        && matches.value_source(&setting.id) == Some(ValueSource::CommandLine)
    {
        return Some(Resolved {
            value: "true".into(),
            source: format!("--{}", setting.long),
        });
    }
    env_value(&setting.env).or_else(|| setting.keys.iter().find_map(|key| file.provider(stem, key)))
}
