//! Settings that apply to every provider: output format, secrets, retries,
//! timeouts, the response-size cap, TLS and proxy, verbosity. Each comes
//! from `--<flag>`, else `CREDCTL_<FLAG>`, else the config file's top-level
//! `<flag>` key.

use std::time::Duration;

use clap::ArgMatches;
use clap::parser::ValueSource;
use credential_clients::runtime as rt;

use super::file::FileConfig;
use super::resolve::{Resolved, env_value};
use crate::exit::Failure;
use crate::output::Format;

/// A global setting: clap id (= long flag and config key, `-` as `_`) and
/// environment variable.
struct Global {
    id: &'static str,
    env: &'static str,
}

const OUTPUT: Global = Global {
    id: "output",
    env: "CREDCTL_OUTPUT",
};
const RETRIES: Global = Global {
    id: "retries",
    env: "CREDCTL_RETRIES",
};
const TIMEOUT: Global = Global {
    id: "timeout",
    env: "CREDCTL_TIMEOUT",
};
const MAX_RESPONSE_BYTES: Global = Global {
    id: "max-response-bytes",
    env: "CREDCTL_MAX_RESPONSE_BYTES",
};
const CA_CERT: Global = Global {
    id: "ca-cert",
    env: "CREDCTL_CA_CERT",
};
const CLIENT_CERT: Global = Global {
    id: "client-cert",
    env: "CREDCTL_CLIENT_CERT",
};
const CLIENT_KEY: Global = Global {
    id: "client-key",
    env: "CREDCTL_CLIENT_KEY",
};
const PROXY: Global = Global {
    id: "proxy",
    env: "CREDCTL_PROXY",
};
const INSECURE: Global = Global {
    id: "insecure",
    env: "CREDCTL_INSECURE",
};

/// The top-level keys a config file may have.
pub const GLOBAL_KEYS: &[&str] = &[
    "output",
    "retries",
    "timeout",
    "max_response_bytes",
    "ca_cert",
    "client_cert",
    "client_key",
    "proxy",
    "insecure",
];

/// The environment variables of the global settings (for `--help`).
pub const GLOBAL_ENV: &[&str] = &[
    "CREDCTL_CONFIG",
    OUTPUT.env,
    TIMEOUT.env,
    RETRIES.env,
    MAX_RESPONSE_BYTES.env,
    CA_CERT.env,
    CLIENT_CERT.env,
    CLIENT_KEY.env,
    PROXY.env,
    INSECURE.env,
];

/// TLS and proxy settings, as given (files are read when the client is
/// configured).
#[derive(Debug, Clone, Default)]
pub struct Network {
    pub ca_cert: Option<Resolved>,
    pub client_cert: Option<Resolved>,
    pub client_key: Option<Resolved>,
    /// May hold a password: never printed.
    pub proxy: Option<Resolved>,
    pub insecure: Option<Resolved>,
}

/// Settings that apply to every provider.
#[derive(Debug, Clone)]
pub struct Globals {
    pub format: Format,
    pub reveal: bool,
    /// Retries after the first attempt; `None`: the client's default.
    pub retries: Option<u32>,
    pub timeout: Option<Duration>,
    pub max_response_bytes: Option<u64>,
    pub network: Network,
    /// `-v`: print the client's tracing spans to stderr.
    pub verbose: u8,
}

impl Globals {
    /// `--output` / `CREDCTL_OUTPUT` / `output`, and so on.
    pub fn resolve(matches: &ArgMatches, file: &FileConfig) -> Result<Self, Failure> {
        let get = |g: &Global| -> Option<Resolved> {
            let flag = matches
                .try_get_one::<String>(g.id)
                .ok()
                .flatten()
                .filter(|_| matches.value_source(g.id) == Some(ValueSource::CommandLine));
            if let Some(value) = flag {
                return Some(Resolved {
                    value: value.clone(),
                    source: format!("--{}", g.id),
                });
            }
            env_value(&[g.env.to_string()]).or_else(|| file.global(&g.id.replace('-', "_")))
        };
        let format = match get(&OUTPUT) {
            None => Format::Json,
            Some(r) => match r.value.as_str() {
                "json" => Format::Json,
                "ndjson" => Format::Ndjson,
                "table" => Format::Table,
                other => {
                    return Err(Failure::usage(format!(
                        "invalid output format `{other}` from {}: use json, ndjson or table",
                        r.source
                    )));
                }
            },
        };
        let retries = parse(get(&RETRIES), "retries", "a number from 0 to 10", |v| {
            v.parse::<u32>().ok().filter(|n| *n <= 10)
        })?;
        let timeout = parse(
            get(&TIMEOUT),
            "timeout",
            "seconds, more than 0 and at most 3600",
            |v| {
                v.parse::<f64>()
                    .ok()
                    .filter(|s| s.is_finite() && *s > 0.0 && *s <= 3600.0)
                    .map(Duration::from_secs_f64)
            },
        )?;
        let max_response_bytes = parse(
            get(&MAX_RESPONSE_BYTES),
            "max-response-bytes",
            "a number of bytes, at least 1",
            |v| v.parse::<u64>().ok().filter(|n| *n >= 1),
        )?;
        let insecure_flag = matches
            .try_get_one::<bool>(INSECURE.id)
            .ok()
            .flatten()
            .copied()
            .unwrap_or(false);
        let insecure = if insecure_flag {
            Some(Resolved {
                value: "true".into(),
                source: "--insecure".into(),
            })
        } else {
            let from = env_value(&[INSECURE.env.to_string()]).or_else(|| file.global("insecure"));
            match from {
                Some(r) if matches!(r.value.as_str(), "1" | "true" | "yes") => Some(r),
                Some(r) if matches!(r.value.as_str(), "0" | "false" | "no") => None,
                Some(r) => {
                    return Err(Failure::usage(format!(
                        "invalid insecure `{}` from {}: true or false",
                        r.value, r.source
                    )));
                }
                None => None,
            }
        };
        let network = Network {
            ca_cert: get(&CA_CERT),
            client_cert: get(&CLIENT_CERT),
            client_key: get(&CLIENT_KEY),
            proxy: get(&PROXY),
            insecure,
        };
        Ok(Self {
            format,
            reveal: matches
                .try_get_one::<bool>("reveal-secrets")
                .ok()
                .flatten()
                .copied()
                .unwrap_or(false),
            retries,
            timeout,
            max_response_bytes,
            network,
            verbose: matches
                .try_get_one::<u8>("verbose")
                .ok()
                .flatten()
                .copied()
                .unwrap_or(0),
        })
    }

    /// The provider's default retry policy (from its spec) with `--retries`
    /// applied.
    pub fn retry_policy(&self, api: &rt::ApiDescription) -> Option<rt::RetryPolicy> {
        let retries = self.retries?;
        Some(rt::RetryPolicy::for_api(api).with_max_attempts(retries + 1))
    }

    /// Attempts in all under this configuration.
    pub fn attempts(&self, api: &rt::ApiDescription) -> u32 {
        self.retry_policy(api)
            .unwrap_or_else(|| rt::RetryPolicy::for_api(api))
            .max_attempts()
    }
}

/// `value` parsed by `f`, or a usage error that names the setting and
/// says what is expected.
fn parse<T>(
    value: Option<Resolved>,
    name: &str,
    expected: &str,
    f: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, Failure> {
    let Some(r) = value else { return Ok(None) };
    f(r.value.trim()).map(Some).ok_or_else(|| {
        Failure::usage(format!(
            "invalid {name} `{}` from {}: {expected}",
            r.value, r.source
        ))
    })
}
