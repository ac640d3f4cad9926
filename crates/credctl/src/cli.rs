//! The command tree. Per-provider commands come from each client's
//! generated `cli` module (progenitor's CLI generator); credctl adds the
//! connection flags, `get <provider> <id>`, `schema`, `demo` and the help.

use clap::{Arg, ArgAction, Command};

use crate::config::{self, FileConfig, Setting, kebab, settings, snake, upper_snake};
use crate::exit::EXIT_CODES_HELP;
use crate::providers::{PROVIDERS, Provider};

/// The root command.
pub fn build(file: &FileConfig) -> Command {
    let stems: Vec<&'static str> = PROVIDERS.iter().map(|p| p.stem).collect();
    let mut root = Command::new("credctl")
        .version(env!("CARGO_PKG_VERSION"))
        .about(
            "Read credentials from Ankra, AWX, Tines, NetApp Astra and OCI AI Data Platform \
             with the generated clients of credential-clients",
        )
        .long_about(
            "Read credentials from Ankra, AWX, Tines, NetApp Astra and OCI AI Data Platform \
             with the generated clients of credential-clients.\n\n\
             Output is JSON with secret fields redacted (--reveal-secrets shows them) or the \
             normalized table (--output table). Settings come from flags, then environment \
             variables, then the config file (--config, $CREDCTL_CONFIG, or \
             ~/.config/credctl/config.toml / config.json).",
        )
        .subcommand_required(true)
        .arg_required_else_help(true)
        .after_help(after_help())
        .args(global_args())
        .subcommand(
            Command::new("get")
                .about("Get one credential: credctl get <provider> <id> [options]")
                .subcommand_required(true)
                .arg_required_else_help(true)
                .subcommands(PROVIDERS.iter().map(|p| get_command(p, file))),
        )
        .subcommand(
            Command::new("list")
                .about(
                    "List every credential of a provider, page by page: credctl list <provider> \
                     [filters] [--limit N] [--page-size N] [--output json|ndjson|table]",
                )
                .subcommand_required(true)
                .arg_required_else_help(true)
                .subcommands(PROVIDERS.iter().filter_map(|p| list_command(p, file))),
        )
        .subcommand(
            Command::new("inventory")
                .about(
                    "List every configured provider concurrently and print one normalized \
                     table (or JSON); a provider that fails is reported, the others still print",
                )
                .arg(provider_filter()),
        )
        .subcommand(
            Command::new("audit")
                .about(
                    "Credentials that are expired, expiring within the window, marked invalid \
                     or not in an active state, with the reason per row; exit code 7 when any \
                     are found",
                )
                .arg(provider_filter())
                .arg(
                    Arg::new("expiring-within")
                        .long("expiring-within")
                        .value_name("DAYS")
                        .value_parser(clap::value_parser!(u32))
                        .default_value("30")
                        .help("Report credentials that expire within DAYS days"),
                )
                .arg(
                    Arg::new("at").long("at").value_name("TIME").help(
                        "Audit as of this RFC 3339 time instead of now (reproducible audits)",
                    ),
                ),
        )
        .subcommand(
            Command::new("schema")
                .about("Print the JSON Schema of a provider's credential type")
                .arg(
                    Arg::new("provider")
                        .required(true)
                        .value_parser(clap::builder::PossibleValuesParser::new(stems)),
                ),
        )
        .subcommand(Command::new("demo").about(
            "Start a local mock of every provider on 127.0.0.1, read a realistic credential \
             from each with `get` through the real clients, and print the normalized table",
        ));
    for provider in PROVIDERS {
        root = root.subcommand(provider_command(provider, file));
    }
    root
}

fn global_args() -> Vec<Arg> {
    vec![
        Arg::new("config")
            .long("config")
            .value_name("FILE")
            .global(true)
            .help(
                "Config file (TOML, or JSON if it ends in .json) [env: CREDCTL_CONFIG] \
                 [default: ~/.config/credctl/config.toml]",
            ),
        Arg::new("output")
            .long("output")
            .short('o')
            .value_name("FORMAT")
            .global(true)
            .value_parser(["json", "ndjson", "table"])
            .help(
                "json: the full credential, secrets redacted; ndjson: one JSON object per line \
                 (listings print each item as its page arrives); table: the normalized view \
                 [env: CREDCTL_OUTPUT] [config: output] [default: json]",
            ),
        Arg::new("reveal-secrets")
            .long("reveal-secrets")
            .global(true)
            .action(ArgAction::SetTrue)
            .help("Print secret fields in JSON output instead of <redacted>"),
        Arg::new("timeout")
            .long("timeout")
            .value_name("SECONDS")
            .global(true)
            .help("Timeout of one attempt [env: CREDCTL_TIMEOUT] [config: timeout] [default: 30]"),
        Arg::new("retries")
            .long("retries")
            .value_name("N")
            .global(true)
            .help(
                "Retries after the first attempt, 0 to 10 [env: CREDCTL_RETRIES] \
                 [config: retries] [default: the provider's policy from its spec: 2, OCI 7]",
            ),
        Arg::new("max-response-bytes")
            .long("max-response-bytes")
            .value_name("BYTES")
            .global(true)
            .help(
                "Refuse response bodies larger than this [env: CREDCTL_MAX_RESPONSE_BYTES] \
                 [config: max_response_bytes] [default: 4194304 (4 MiB)]",
            ),
        Arg::new("verbose")
            .long("verbose")
            .short('v')
            .global(true)
            .action(ArgAction::Count)
            .help(
                "Print the client's tracing spans to stderr: provider, operation, route, \
                 attempts, status, backoff, request id (never secrets)",
            ),
        Arg::new("ca-cert")
            .long("ca-cert")
            .value_name("FILE")
            .global(true)
            .help_heading("TLS and proxy")
            .help(
                "Also trust the CA certificates in this PEM file [env: CREDCTL_CA_CERT] \
                 [config: ca_cert]",
            ),
        Arg::new("client-cert")
            .long("client-cert")
            .value_name("FILE")
            .global(true)
            .help_heading("TLS and proxy")
            .help(
                "Client certificate chain (PEM) for mutual TLS, with --client-key \
                 [env: CREDCTL_CLIENT_CERT] [config: client_cert]",
            ),
        Arg::new("client-key")
            .long("client-key")
            .value_name("FILE")
            .global(true)
            .help_heading("TLS and proxy")
            .help(
                "Private key (PEM) of --client-cert [env: CREDCTL_CLIENT_KEY] \
                 [config: client_key]",
            ),
        Arg::new("proxy")
            .long("proxy")
            .value_name("URL")
            .global(true)
            .help_heading("TLS and proxy")
            .help(
                "Send requests through this proxy (http://, https://, socks5://; may hold \
                 user:password@) except to NO_PROXY hosts [env: CREDCTL_PROXY] [config: proxy] \
                 [default: HTTPS_PROXY / HTTP_PROXY / ALL_PROXY]",
            ),
        Arg::new("insecure")
            .long("insecure")
            .global(true)
            .action(ArgAction::SetTrue)
            .help_heading("TLS and proxy")
            .help(
                "DANGEROUS: do not verify TLS certificates (warns on every run) \
                 [env: CREDCTL_INSECURE=true] [config: insecure = true]",
            ),
    ]
}

/// The `--help` epilogue: exit codes and environment variables.
pub fn after_help() -> String {
    let mut env = String::from(
        "Environment (flags win over environment, environment over the config file):\n",
    );
    for provider in PROVIDERS {
        let names: Vec<String> = settings(provider)
            .iter()
            .flat_map(|s| s.env.first().cloned())
            .collect();
        env.push_str(&format!("  {:<13} {}\n", provider.stem, names.join(", ")));
    }
    env.push_str(&format!(
        "  all           {}\n",
        config::GLOBAL_ENV.join(", ")
    ));
    env.push_str("  proxy         HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY (standard)");
    format!("{EXIT_CODES_HELP}\n\n{env}")
}

/// The name of the credential operation's parameter that is the
/// credential's id: the last path parameter of its route.
pub fn id_arg(provider: &Provider) -> Option<String> {
    let op = provider.credential()?;
    op.path
        .rsplit('/')
        .find_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(kebab)
}

/// The generated command of the credential operation with the id
/// positional: `credctl get tines 7 --include-references`.
pub fn get_command(provider: &'static Provider, file: &FileConfig) -> Command {
    let generated = (provider.commands)()
        .into_iter()
        .find(|(id, _)| *id == provider.api.credential_operation)
        .map(|(_, cmd)| cmd)
        .unwrap_or_else(|| Command::new(""));
    let mut cmd = adapt_operation(provider, generated, file).name(provider.stem);
    if let Some(id) = id_arg(provider)
        && cmd.get_arguments().any(|a| a.get_id() == id.as_str())
    {
        let value_name = upper_snake(&id);
        cmd = cmd.mut_arg(&id, |a| a.long(None).value_name(value_name));
    }
    let title = provider.api.title;
    let taken = taken_longs(&cmd);
    cmd.about(format!("Get a credential from {title}"))
        .args(setting_args(provider, &taken, false))
}

fn provider_filter() -> Arg {
    Arg::new("provider")
        .long("provider")
        .value_name("STEM")
        .action(ArgAction::Append)
        .help("Only this provider (repeatable; default: every provider with a list operation)")
}

/// `credctl list <provider>`: the generated command of the spec's list
/// operation (its filters as flags, required parameters also from the
/// environment and config file), with the page-size parameter as
/// `--page-size`, and credctl's `--limit N` (items; `--max-items` when the
/// vendor has a `limit` parameter of its own) and `--max-pages N`.
pub fn list_command(provider: &'static Provider, file: &FileConfig) -> Option<Command> {
    let op = provider.api.list_operation?;
    let pagination = provider.api.operation(op)?.pagination;
    let generated = (provider.commands)()
        .into_iter()
        .find(|(id, _)| *id == op)
        .map(|(_, cmd)| cmd)?;
    let mut cmd = adapt_operation(provider, generated, file).name(provider.stem);
    if let Some(size) = pagination.and_then(|p| p.page_size_param)
        && cmd.get_arguments().any(|a| a.get_id() == size)
        && !cmd
            .get_arguments()
            .any(|a| a.get_long() == Some("page-size") && a.get_id() != size)
    {
        cmd = cmd.mut_arg(size, |a| a.long("page-size"));
    }
    let taken = taken_longs(&cmd);
    let limit_long = if taken.iter().any(|l| l == "limit") {
        "max-items"
    } else {
        "limit"
    };
    let title = provider.api.title;
    Some(
        cmd.about(format!(
            "List every credential of {title}, across all pages"
        ))
        .arg(
            Arg::new(crate::list_options::LIMIT)
                .long(limit_long)
                .value_name("N")
                .value_parser(clap::value_parser!(u64))
                .help("Stop after N items (no page beyond the one holding the Nth is requested)"),
        )
        .arg(
            Arg::new(crate::list_options::MAX_PAGES)
                .long("max-pages")
                .value_name("N")
                .value_parser(clap::value_parser!(u32))
                .help("Stop with an error rather than request more than N pages [default: 10000]"),
        )
        .args(setting_args(provider, &taken, false)),
    )
}

/// `credctl <provider> <operation>`: every generated operation.
fn provider_command(provider: &'static Provider, file: &FileConfig) -> Command {
    let ops: Vec<Command> = (provider.commands)()
        .into_iter()
        .map(|(id, cmd)| adapt_operation(provider, cmd, file).name(kebab(id)))
        .collect();
    let taken: Vec<String> = ops.iter().flat_map(taken_longs).collect();
    Command::new(provider.stem)
        .about(format!(
            "{}: every operation of specs/{}.yaml (generated by progenitor)",
            provider.api.title, provider.stem
        ))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .args(setting_args(provider, &taken, true))
        .subcommands(ops)
}

fn taken_longs(cmd: &Command) -> Vec<String> {
    cmd.get_arguments()
        .filter_map(|a| a.get_long().map(str::to_string))
        .collect()
}

/// Boolean parameters become switches (`--include-references`, or
/// `--include-references=false`); required parameters other than the id
/// (Astra's account, OCI's AI Data Platform) also come from
/// `<P>_<PARAM>` and the config file.
fn adapt_operation(provider: &Provider, cmd: Command, file: &FileConfig) -> Command {
    let id = id_arg(provider).unwrap_or_default();
    let prefix = config::env_prefixes(provider.stem, provider.api)[0].clone();
    let stem = provider.stem;
    cmd.mut_args(|arg| {
        let is_bool = {
            let values: Vec<String> = arg
                .get_possible_values()
                .iter()
                .map(|v| v.get_name().to_string())
                .collect();
            values == ["true", "false"]
        };
        let mut arg = if is_bool {
            arg.num_args(0..=1)
                .require_equals(true)
                .default_missing_value("true")
        } else {
            arg
        };
        let name = arg.get_id().as_str().to_string();
        if arg.is_required_set() && name != id {
            let env = format!("{prefix}_{}", upper_snake(&name));
            let key = snake(&name);
            arg = arg.env(env.clone());
            if let Some(value) = file.provider(stem, &key) {
                arg = arg.required(false).default_value(value.value);
            }
            let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
            arg = arg.help(format!("{} [config: {key}]", help.trim_end()));
        }
        arg
    })
}

/// The config-file keys of operation parameters (see `adapt_operation`),
/// each once (several operations share a parameter).
pub fn parameter_keys(provider: &Provider) -> Vec<String> {
    let id = id_arg(provider).unwrap_or_default();
    let mut keys: Vec<String> = Vec::new();
    for (_, cmd) in (provider.commands)() {
        for a in cmd.get_arguments() {
            let key = snake(a.get_id().as_str());
            if a.is_required_set() && a.get_id().as_str() != id && !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    keys
}

/// Every config-file key of every provider section.
pub fn known_keys() -> Vec<(&'static str, Vec<String>)> {
    PROVIDERS
        .iter()
        .map(|p| {
            let mut keys: Vec<String> = settings(p).into_iter().flat_map(|s| s.keys).collect();
            keys.extend(parameter_keys(p));
            keys.sort();
            keys.dedup();
            (p.stem, keys)
        })
        .collect()
}

/// The connection flags of a provider; `global` on provider commands so
/// they also follow the operation name.
fn setting_args(provider: &Provider, taken: &[String], global: bool) -> Vec<Arg> {
    settings(provider)
        .into_iter()
        .filter(|s| !taken.contains(&s.long))
        .map(|s| setting_arg(&s, provider.stem, global))
        .collect()
}

fn setting_arg(s: &Setting, stem: &str, global: bool) -> Arg {
    let env = if s.env.is_empty() {
        String::new()
    } else {
        format!(" [env: {}]", s.env.join(", "))
    };
    let arg = Arg::new(s.id.clone())
        .long(s.long.clone())
        .global(global)
        .help_heading("Connection")
        .help(format!(
            "{}{env} [config: {} in [{stem}]]",
            s.help, s.keys[0]
        ));
    if s.switch {
        arg.action(ArgAction::SetTrue)
    } else {
        arg.value_name(upper_snake(&s.long))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_tree_is_valid() {
        build(&FileConfig::default()).debug_assert();
    }

    #[test]
    fn ids_are_the_last_path_parameter() {
        let id = |stem| id_arg(crate::providers::find(stem).unwrap()).unwrap();
        assert_eq!(id("tines"), "credential-id");
        assert_eq!(id("awx"), "id");
        assert_eq!(id("netapp-astra"), "credential-id");
        assert_eq!(id("oci-aidp"), "credential-key");
        assert_eq!(id("ankra"), "credential-id");
    }

    #[test]
    fn parameter_keys_of_scoped_providers() {
        let keys = |stem| parameter_keys(crate::providers::find(stem).unwrap());
        assert_eq!(keys("netapp-astra"), ["account_id"]);
        assert_eq!(keys("oci-aidp"), ["ai_data_platform_id"]);
        assert!(keys("tines").is_empty());
    }
}
