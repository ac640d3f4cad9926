//! `credctl`: read credentials from Ankra, AWX, Tines, NetApp Astra and OCI
//! AI Data Platform with the generated clients of `credential-clients`.
//!
//! See `crates/credctl/README.md` for commands, configuration and exit codes.

#![forbid(unsafe_code)]

mod cli;
mod config;
mod demo;
mod exit;
mod list_options;
mod listing;
mod output;
mod provider;
mod providers;
mod trace;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::ArgMatches;

use crate::config::{FileConfig, Globals};
use crate::exit::{ErrorContext, Failure};
use crate::output::Output;
use crate::provider::Provider;

fn main() -> ExitCode {
    match run(std::env::args_os().collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) if failure.code == exit::Code::StdoutClosed => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("credctl: {}", failure.message);
            ExitCode::from(failure.code as u8)
        }
    }
}

fn run(args: Vec<OsString>) -> Result<(), Failure> {
    let file = FileConfig::discover(&args)?;
    file.check(&cli::known_keys())?;
    let matches = match cli::build(&file).try_get_matches_from(&args) {
        Ok(matches) => matches,
        // Help and version exit 0, usage errors 2.
        Err(e) => e.exit(),
    };
    let Some((name, sub)) = matches.subcommand() else {
        return Err(Failure::usage("a command is required; see credctl --help"));
    };
    let find = |stem: &str| {
        providers::find(stem).ok_or_else(|| Failure::usage(format!("unknown provider `{stem}`")))
    };
    match name {
        "get" => {
            let (stem, m) = sub
                .subcommand()
                .ok_or_else(|| Failure::usage("credctl get <provider> <id>"))?;
            let provider = find(stem)?;
            call(provider, provider.api.credential_operation, m, &file)
        }
        "list" => {
            let (stem, m) = sub
                .subcommand()
                .ok_or_else(|| Failure::usage("credctl list <provider>"))?;
            let provider = find(stem)?;
            let op = provider
                .api
                .list_operation
                .ok_or_else(|| Failure::usage(format!("{stem} has no list operation")))?;
            call(provider, op, m, &file)
        }
        "inventory" | "audit" => {
            let globals = Globals::resolve(sub, &file)?;
            trace::init(globals.verbose);
            let stems: Vec<String> = sub
                .get_many::<String>("provider")
                .map(|v| v.cloned().collect())
                .unwrap_or_default();
            if name == "inventory" {
                return runtime()?.block_on(listing::inventory(&stems, &file, &globals));
            }
            let days = sub.get_one::<u32>("expiring-within").copied().unwrap_or(30);
            let at = match sub.get_one::<String>("at") {
                None => chrono::Utc::now(),
                Some(t) => chrono::DateTime::parse_from_rfc3339(t)
                    .map_err(|e| Failure::usage(format!("--at `{t}`: not an RFC 3339 time ({e})")))?
                    .with_timezone(&chrono::Utc),
            };
            runtime()?.block_on(listing::run_audit(
                &stems,
                i64::from(days),
                at,
                &file,
                &globals,
            ))
        }
        "schema" => {
            let stem = sub
                .get_one::<String>("provider")
                .ok_or_else(|| Failure::usage("credctl schema <provider>"))?;
            let schema = (find(stem)?.schema)();
            let mut text =
                serde_json::to_string_pretty(&schema).map_err(|e| Failure::other(e.to_string()))?;
            text.push('\n');
            output::emit(&text)
        }
        "demo" => {
            let mut globals = Globals::resolve(sub, &file)?;
            trace::init(globals.verbose);
            // The demo shows the table unless JSON is asked for on the command line.
            if sub.value_source("output") != Some(clap::parser::ValueSource::CommandLine) {
                globals.format = output::Format::Table;
            }
            runtime()?.block_on(demo::run(&globals))
        }
        stem => {
            let provider = find(stem)?;
            let (op, m) = sub
                .subcommand()
                .ok_or_else(|| Failure::usage(format!("credctl {stem} <operation>")))?;
            call(provider, &op.replace('-', "_"), m, &file)
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::other(format!("cannot start the async runtime: {e}")))
}

/// Runs one generated operation of `provider` with the configured client.
fn call(
    provider: &'static Provider,
    operation: &str,
    matches: &ArgMatches,
    file: &FileConfig,
) -> Result<(), Failure> {
    let globals = Globals::resolve(matches, file)?;
    trace::init(globals.verbose);
    let connection = config::connection(provider, matches, file, &globals)?;
    let context = ErrorContext {
        provider: provider.stem,
        base_url: connection.base_url.clone(),
        auth: connection.auth.clone(),
        location_hint: connection.location_hint.clone(),
        attempts: globals.attempts(provider.api),
        request_id: provider.api.request_id.map(|r| r.name),
    };
    let output = Output::new(provider, globals.format, globals.reveal, context);
    runtime()?.block_on(async {
        let parts = connection
            .config
            .build()
            .map_err(|e| Failure::usage(format!("{}: {e}", provider.stem)))?;
        let result = providers::execute(provider, parts, output.clone(), operation, matches).await;
        match (result, output.failure()) {
            (_, Some(failure)) => Err(failure),
            (Ok(()), None) => Ok(()),
            (Err(e), None) => Err(Failure::other(format!("{}: {e:#}", provider.stem))),
        }
    })
}
