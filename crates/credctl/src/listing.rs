//! `credctl list`, `credctl inventory` and `credctl audit`.
//!
//! All three run the provider's generated list command (its
//! `list_credentials` operation, `ApiDescription::list_operation`), whose
//! generated `execute_*` follows every page through the client's
//! `stream()`. `inventory` and `audit` run every provider that has a list
//! operation and is configured, concurrently, and keep going when one
//! fails: its error and exit code are reported, the others still print.

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

use chrono::{DateTime, Utc};
use clap::ArgMatches;
use credential_clients::audit::{Reason, audit};
use credential_clients::summary::CredentialSummary;
use serde_json::json;

use crate::config::{self, FileConfig, Globals};
use crate::exit::{Code, ErrorContext, Failure};
use crate::output::{Format, Output, emit, render, summary_json, summary_table};
use crate::providers::{self, PROVIDERS, Provider};

/// What one provider's listing gave.
pub struct Listed {
    pub provider: &'static Provider,
    pub result: Collected,
}

/// The items of one listing, and why it stopped early if it did: the pages
/// that arrived before a failure still count (an inventory or audit shows
/// them and says it is incomplete).
#[derive(Debug, Default)]
pub struct Collected {
    pub items: Vec<CredentialSummary>,
    pub failure: Option<Failure>,
}

impl Collected {
    fn failed(failure: Failure) -> Self {
        Self {
            items: Vec::new(),
            failure: Some(failure),
        }
    }

    /// The items, or the failure (dropping the items before it).
    pub fn into_result(self) -> Result<Vec<CredentialSummary>, Failure> {
        match self.failure {
            Some(f) => Err(f),
            None => Ok(self.items),
        }
    }
}

/// Run the list command of `provider` with `matches`, keeping the
/// normalized view of every item.
pub async fn collect(
    provider: &'static Provider,
    matches: &ArgMatches,
    file: &FileConfig,
    globals: &Globals,
) -> Collected {
    match start(provider, matches, file, globals) {
        Ok((parts, context, operation)) => {
            collect_with(provider, parts, context, operation, matches).await
        }
        Err(f) => Collected::failed(f),
    }
}

/// The client and error context of `provider`'s list command.
fn start(
    provider: &'static Provider,
    matches: &ArgMatches,
    file: &FileConfig,
    globals: &Globals,
) -> Result<
    (
        credential_clients::runtime::ClientParts,
        ErrorContext,
        &'static str,
    ),
    Failure,
> {
    let operation = provider
        .api
        .list_operation
        .ok_or_else(|| Failure::usage(format!("{} has no list operation", provider.stem)))?;
    let connection = config::connection(provider, matches, file, globals)?;
    let context = ErrorContext {
        provider: provider.stem,
        base_url: connection.base_url.clone(),
        auth: connection.auth.clone(),
        location_hint: connection.location_hint.clone(),
        attempts: globals.attempts(provider.api),
        request_id: provider.api.request_id.map(|r| r.name),
    };
    let parts = connection
        .config
        .build()
        .map_err(|e| Failure::usage(format!("{}: {e}", provider.stem)))?;
    Ok((parts, context, operation))
}

/// [`collect`] with a client that is already configured (the demo's). The
/// items listed before a failure are kept.
pub async fn collect_with(
    provider: &'static Provider,
    parts: credential_clients::runtime::ClientParts,
    context: ErrorContext,
    operation: &str,
    matches: &ArgMatches,
) -> Collected {
    let output = Output::collecting(provider, context);
    let result = providers::execute(provider, parts, output.clone(), operation, matches).await;
    let failure = match (result, output.failure()) {
        (_, Some(failure)) => Some(failure),
        (Ok(()), None) => None,
        (Err(e), None) => Some(Failure::other(format!("{}: {e:#}", provider.stem))),
    };
    Collected {
        items: output.summaries(),
        failure,
    }
}

/// Every provider with a list operation, listed concurrently. A provider
/// whose list command cannot be formed from the environment and config
/// file (a required parameter such as Astra's account is missing) is
/// reported as not configured.
pub async fn everything(
    stems: &[String],
    file: &FileConfig,
    globals: &Globals,
) -> Result<Vec<Listed>, Failure> {
    let chosen: Vec<&'static Provider> = PROVIDERS
        .iter()
        .filter(|p| p.api.list_operation.is_some())
        .filter(|p| stems.is_empty() || stems.iter().any(|s| s == p.stem))
        .collect();
    for stem in stems {
        if !PROVIDERS.iter().any(|p| p.stem == stem) {
            return Err(Failure::usage(format!("unknown provider `{stem}`")));
        }
    }
    let mut matches = Vec::new();
    for provider in &chosen {
        let m = crate::cli::list_command(provider, file)
            .map(|cmd| cmd.try_get_matches_from([provider.stem]))
            .ok_or_else(|| Failure::usage(format!("{} has no list operation", provider.stem)))?
            .map_err(|e| {
                // clap's message up to its usage line, on one line.
                let text = e.to_string();
                let reason: Vec<&str> = text
                    .lines()
                    .take_while(|l| !l.starts_with("Usage:"))
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .collect();
                let reason = reason.join(" ");
                Failure::usage(format!(
                    "not configured: {}",
                    reason.trim_start_matches("error: ")
                ))
            });
        matches.push(m);
    }
    let futures: Vec<Pin<Box<dyn Future<Output = Listed> + '_>>> = chosen
        .iter()
        .zip(&matches)
        .map(|(provider, m)| {
            let provider: &'static Provider = provider;
            Box::pin(async move {
                let result = match m {
                    Ok(m) => collect(provider, m, file, globals).await,
                    Err(e) => Collected::failed(e.clone()),
                };
                Listed { provider, result }
            }) as Pin<Box<dyn Future<Output = Listed> + '_>>
        })
        .collect();
    Ok(join_all(futures).await)
}

/// Poll every future until all are done, in order (credctl runs on one
/// thread; the listings wait on the network concurrently).
async fn join_all<T>(mut futures: Vec<Pin<Box<dyn Future<Output = T> + '_>>>) -> Vec<T> {
    let mut done: Vec<Option<T>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (f, slot) in futures.iter_mut().zip(done.iter_mut()) {
            if slot.is_none() {
                match f.as_mut().poll(cx) {
                    Poll::Ready(v) => *slot = Some(v),
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
    .await;
    done.into_iter().flatten().collect()
}

/// Report failed providers on stderr; the first failure decides the exit code.
fn report_failures(listed: &[Listed]) -> Option<Failure> {
    let mut first = None;
    for l in listed {
        if let Some(f) = &l.result.failure {
            let listed = match l.result.items.len() {
                0 => String::new(),
                n => format!("; the {n} credentials listed before it are included"),
            };
            eprintln!(
                "credctl: {}: {} (exit code {}{listed})",
                l.provider.stem, f.message, f.code as u8
            );
            first.get_or_insert_with(|| f.clone());
        }
    }
    first
}

/// `credctl inventory`: one normalized table (or JSON / NDJSON) of every
/// configured provider's credentials.
pub async fn inventory(
    stems: &[String],
    file: &FileConfig,
    globals: &Globals,
) -> Result<(), Failure> {
    let listed = everything(stems, file, globals).await?;
    let rows: Vec<CredentialSummary> = listed
        .iter()
        .flat_map(|l| &l.result.items)
        .cloned()
        .collect();
    print_rows(globals.format, &rows, summary_json, summary_table)?;
    match report_failures(&listed) {
        Some(f) => Err(Failure::new(
            f.code,
            format!(
                "inventory incomplete: {} of {} providers failed",
                listed.iter().filter(|l| l.result.failure.is_some()).count(),
                listed.len()
            ),
        )),
        None => Ok(()),
    }
}

/// `credctl audit`: the credentials that need attention, with the reasons.
/// Exit code 7 when it found any (so it can gate a pipeline).
pub async fn run_audit(
    stems: &[String],
    window_days: i64,
    at: DateTime<Utc>,
    file: &FileConfig,
    globals: &Globals,
) -> Result<(), Failure> {
    let listed = everything(stems, file, globals).await?;
    let window = chrono::Duration::days(window_days);
    let mut findings: Vec<(CredentialSummary, Vec<Reason>)> = Vec::new();
    let mut checked = 0usize;
    for l in &listed {
        for s in &l.result.items {
            checked += 1;
            let reasons = audit(s, at, window);
            if !reasons.is_empty() {
                findings.push((s.clone(), reasons));
            }
        }
    }
    print_findings(globals.format, &findings)?;
    eprintln!(
        "credctl audit: {checked} credentials checked at {}, {} need attention (expiring within {window_days} days)",
        at.format("%Y-%m-%dT%H:%M:%SZ"),
        findings.len()
    );
    if let Some(f) = report_failures(&listed) {
        return Err(Failure::new(f.code, "audit incomplete: a provider failed"));
    }
    if findings.is_empty() {
        Ok(())
    } else {
        Err(Failure::new(
            Code::Findings,
            format!("{} credentials need attention", findings.len()),
        ))
    }
}

pub fn print_rows<T>(
    format: Format,
    rows: &[T],
    to_json: impl Fn(&T) -> serde_json::Value,
    table: impl Fn(&[T]) -> String,
) -> Result<(), Failure> {
    let text = match format {
        Format::Table => table(rows),
        Format::Ndjson => rows.iter().map(|r| format!("{}\n", to_json(r))).collect(),
        Format::Json => {
            let all: Vec<_> = rows.iter().map(to_json).collect();
            let mut text = serde_json::to_string_pretty(&all).unwrap_or_default();
            text.push('\n');
            text
        }
    };
    emit(&text)
}

pub fn print_findings(
    format: Format,
    findings: &[(CredentialSummary, Vec<Reason>)],
) -> Result<(), Failure> {
    let reasons = |r: &[Reason]| r.iter().map(ToString::to_string).collect::<Vec<_>>();
    print_rows(
        format,
        findings,
        |(s, r)| {
            let mut v = summary_json(s);
            v["reasons"] = json!(reasons(r));
            v
        },
        |rows| {
            let body: Vec<Vec<String>> = rows
                .iter()
                .map(|(s, r)| {
                    vec![
                        s.provider.clone(),
                        s.id.clone(),
                        s.name.clone(),
                        reasons(r).join("; "),
                        s.owner.clone().unwrap_or_else(|| "-".into()),
                    ]
                })
                .collect();
            render(&["PROVIDER", "ID", "NAME", "REASON", "OWNER"], &body)
        },
    )
}
