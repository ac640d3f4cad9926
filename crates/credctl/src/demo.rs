//! `credctl demo`: every provider served by a local mock on 127.0.0.1,
//! read with `get` through the real clients, shown as the normalized table.
//!
//! The credential each mock serves is the primary example of the
//! `get_credential` 200 response in `specs/<stem>.yaml` (embedded at build
//! time), so a new spec is in the demo without hand edits.

use std::sync::Arc;

use credential_clients::runtime::{self as rt, AuthScheme};

use crate::config::{FileConfig, Globals, kebab};
use crate::exit::{AuthHint, ErrorContext, Failure};
use crate::output::{Format, Output, emit, summary_json, summary_table};
use crate::providers::{self, PROVIDERS, Provider};
use crate::{cli, spec};

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
    let mut servers = Vec::new();
    for provider in PROVIDERS {
        let fail =
            |e: &dyn std::fmt::Display| Failure::other(format!("demo: {}: {e}", provider.stem));
        let call = spec::demo_call(provider.spec).map_err(|e| fail(&e))?;
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

        let config = rt::ClientConfig::new(provider.api)
            .base_url(base_url.clone())
            .retry(rt::RetryPolicy::disabled())
            .auth(
                demo_auth(provider, signer.as_ref())
                    .ok_or_else(|| fail(&"no authentication scheme the demo can use"))?,
            );
        let parts = config.build().map_err(|e| fail(&e))?;
        let output = Output::collecting(
            provider,
            ErrorContext {
                provider: provider.stem,
                base_url: base_url.clone(),
                auth: AuthHint::Demo,
                location_hint: "the demo's mock server".into(),
                attempts: 1,
                request_id: provider.api.request_id.map(|r| r.name),
            },
        );
        let result =
            providers::execute(provider, parts, output.clone(), "get_credential", &matches).await;
        if let Some(failure) = output.failure() {
            return Err(failure);
        }
        result.map_err(|e| fail(&e))?;
        rows.extend(output.summaries());
        servers.push((provider.stem, base_url, server));
    }

    eprintln!(
        "credctl demo: {} providers, each served by a local mock and read with `credctl get` \
         through its generated client:",
        servers.len()
    );
    for (stem, url, _) in &servers {
        eprintln!("  {stem:<13} {url}");
    }
    match globals.format {
        Format::Table => emit(&summary_table(&rows)),
        Format::Json => {
            let rows: Vec<_> = rows.iter().map(summary_json).collect();
            let mut text = serde_json::to_string_pretty(&rows).unwrap_or_default();
            text.push('\n');
            emit(&text)
        }
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
