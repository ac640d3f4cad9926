//! `credctl demo`: every provider served by a local mock on 127.0.0.1,
//! read with `get`, then listed page by page (`list`), gathered into one
//! `inventory` and checked by `audit`, through the real clients.
//!
//! The credential each mock serves is the generated client's example of the
//! credential operation's success body (the spec's example, or one made from
//! its schema: `example.rs`); the listing is the list operation's example
//! page served one item per page with the spec's pagination protocol
//! (`pages.rs`). A new spec is in the demo without hand edits.

mod example;
mod pages;

use std::sync::Arc;

use credential_clients::runtime::{self as rt, AuthScheme};

use crate::cli;
use crate::config::{FileConfig, Globals, kebab};
use crate::exit::{AuthHint, ErrorContext, Failure};
use crate::listing;
use crate::output::{Format, Output, emit, summary_json, summary_table};
use crate::providers::{self, PROVIDERS, Provider};

/// Runs the demo and prints the table (or a JSON array with `--output json`).
pub async fn run(globals: &Globals) -> Result<(), Failure> {
    let signer = if PROVIDERS
        .iter()
        .any(|p| p.api.supports(&AuthScheme::OciSignature))
    {
        Some(Arc::new(demo_signer()?))
    } else {
        None
    };
    let mut rows = Vec::new();
    let mut inventory = Vec::new();
    let mut servers = Vec::new();
    for provider in PROVIDERS {
        let fail =
            |e: &dyn std::fmt::Display| Failure::other(format!("demo: {}: {e}", provider.stem));
        let call = example::credential(provider).map_err(|e| fail(&e))?;
        let server = providers::start_mock(provider, &call.body)
            .await
            .map_err(|e| fail(&e))?;
        let base_url = server.base_url();

        let mut argv = vec![provider.stem.to_string(), call.id.clone()];
        for (name, value) in &call.params {
            argv.push(format!("--{}={value}", kebab(name)));
        }
        let matches = cli::get_command(provider, &FileConfig::default())
            .try_get_matches_from(&argv)
            .map_err(|e| fail(&e))?;

        // A spec that declares no security scheme is called without one.
        if !provider.api.auth.is_empty() && demo_auth(provider, signer.as_ref()).is_none() {
            return Err(fail(&"no authentication scheme the demo can use"));
        }
        let parts = config_for(provider, &base_url, signer.as_ref())
            .build()
            .map_err(|e| fail(&e))?;
        let output = Output::collecting(provider, context(provider, &base_url));
        let result = providers::execute(
            provider,
            parts,
            output.clone(),
            provider.api.credential_operation,
            &matches,
        )
        .await;
        if let Some(failure) = output.failure() {
            return Err(failure);
        }
        result.map_err(|e| fail(&e))?;
        rows.extend(output.summaries());

        // `list`: the list example, one item per page.
        let mut pages = 0;
        if let Some(op) = provider.api.list_operation
            && let Some(described) = provider.api.operation(op)
            && let Some(pagination) = &described.pagination
            && let Some(demo) = example::list(provider)
        {
            pages = pages::serve(
                &server,
                described.path,
                &demo.params,
                pagination,
                &demo.body,
            );
            let mut argv = vec![provider.stem.to_string()];
            for (name, value) in &demo.params {
                argv.push(format!("--{}={value}", kebab(name)));
            }
            let matches = cli::list_command(provider, &FileConfig::default())
                .ok_or_else(|| fail(&"no list command"))?
                .try_get_matches_from(&argv)
                .map_err(|e| fail(&e))?;
            let parts = config_for(provider, &base_url, signer.as_ref())
                .build()
                .map_err(|e| fail(&e))?;
            let listed =
                listing::collect_with(provider, parts, context(provider, &base_url), op, &matches)
                    .await
                    .into_result()?;
            inventory.extend(listed);
        }
        servers.push((provider.stem, base_url, server, pages));
    }

    eprintln!(
        "credctl demo: {} providers, each served by a local mock, read with `credctl get` and \
         listed page by page with `credctl list` through its generated client:",
        servers.len()
    );
    for (stem, url, _, pages) in &servers {
        eprintln!("  {stem:<13} {url}  (list: {pages} pages)");
    }
    let now = chrono::Utc::now();
    let window = chrono::Duration::days(30);
    let findings: Vec<_> = inventory
        .iter()
        .filter_map(|s| {
            let reasons = credential_clients::audit::audit(s, now, window);
            (!reasons.is_empty()).then(|| (s.clone(), reasons))
        })
        .collect();
    match globals.format {
        Format::Table => {
            emit("credctl get (one credential per provider):\n")?;
            emit(&summary_table(&rows))?;
            emit(&format!(
                "\ncredctl inventory ({} credentials listed across all pages):\n",
                inventory.len()
            ))?;
            emit(&summary_table(&inventory))?;
            emit(&format!(
                "\ncredctl audit --expiring-within 30 ({} need attention):\n",
                findings.len()
            ))?;
            listing::print_findings(Format::Table, &findings)
        }
        Format::Json | Format::Ndjson => {
            let reasons = |r: &[credential_clients::audit::Reason]| {
                r.iter().map(ToString::to_string).collect::<Vec<_>>()
            };
            let all = serde_json::json!({
                "get": rows.iter().map(summary_json).collect::<Vec<_>>(),
                "inventory": inventory.iter().map(summary_json).collect::<Vec<_>>(),
                "audit": findings.iter().map(|(s, r)| {
                    let mut v = summary_json(s);
                    v["reasons"] = serde_json::json!(reasons(r));
                    v
                }).collect::<Vec<_>>(),
            });
            let mut text = serde_json::to_string_pretty(&all).unwrap_or_default();
            text.push('\n');
            emit(&text)
        }
    }
}

fn config_for(
    provider: &Provider,
    base_url: &str,
    signer: Option<&Arc<rt::oci::Signer>>,
) -> rt::ClientConfig {
    let config = rt::ClientConfig::new(provider.api)
        .base_url(base_url.to_string())
        .retry(rt::RetryPolicy::disabled());
    match demo_auth(provider, signer) {
        Some(auth) => config.auth(auth),
        None => config,
    }
}

fn context(provider: &Provider, base_url: &str) -> ErrorContext {
    ErrorContext {
        provider: provider.stem,
        base_url: base_url.to_string(),
        auth: AuthHint::Demo,
        location_hint: "the demo's mock server".into(),
        attempts: 1,
        request_id: provider.api.request_id.map(|r| r.name),
    }
}

/// The first authentication the spec declares, with demo credentials.
fn demo_auth(provider: &Provider, signer: Option<&Arc<rt::oci::Signer>>) -> Option<rt::Auth> {
    provider.api.auth.iter().find_map(|scheme| match scheme {
        AuthScheme::Bearer => Some(rt::Auth::Bearer("demo-token".into())),
        AuthScheme::Basic => Some(rt::Auth::Basic {
            username: "demo".into(),
            password: "demo-password".into(),
        }),
        AuthScheme::ApiKeyHeader { name, .. } => Some(rt::Auth::ApiKeyHeader {
            header: name,
            value: "demo-key".into(),
        }),
        AuthScheme::OciSignature => signer.map(|s| rt::Auth::Oci(s.clone())),
        AuthScheme::OAuth2 { .. } => Some(rt::Auth::Bearer("demo-token".into())),
    })
}

/// A throwaway RSA key (generated now, never stored) for OCI request signing.
fn demo_signer() -> Result<rt::oci::Signer, Failure> {
    use aws_lc_rs::encoding::AsDer as _;
    use base64::Engine as _;
    let fail = |what: &str| Failure::other(format!("demo: cannot {what}"));
    let key = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048)
        .map_err(|_| fail("generate an RSA key"))?;
    let der = key.as_der().map_err(|_| fail("encode the RSA key"))?;
    let body = base64::engine::general_purpose::STANDARD.encode(der.as_ref());
    let mut pem = String::from("-----BEGIN PRIVATE KEY-----\n");
    for chunk in body.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        pem.push('\n');
    }
    pem.push_str("-----END PRIVATE KEY-----\n");
    rt::oci::Signer::new(
        "ocid1.tenancy.oc1..demo",
        "ocid1.user.oc1..demo",
        "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff",
        &pem,
    )
    .map_err(|e| Failure::other(format!("demo: {e}")))
}
