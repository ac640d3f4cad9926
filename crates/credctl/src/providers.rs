//! Every provider of the workspace, wired through the facade's
//! `credential_clients::with_providers!`: a new spec gets its `credctl`
//! subcommands, `get`, `schema` and `demo` support without hand edits.
//! The top of the layers: the table of [`Provider`]s (`provider.rs`, a
//! leaf) and each generated CLI writing to [`Output`].

use clap::ArgMatches;
use credential_clients::runtime::{ApiDescription, ClientParts};
use credential_clients::summary::CredentialSummary;
use serde_json::Value;

use crate::output::Output;
pub use crate::provider::Provider;

/// The provider of a stem.
pub fn find(stem: &str) -> Option<&'static Provider> {
    PROVIDERS.iter().find(|p| p.stem == stem)
}

/// Chooses `CredentialSummary::from` when the facade has a conversion for
/// the type, and `None` otherwise (autoref specialization: the `&Summarize`
/// impl wins method resolution when its bound holds).
pub struct Summarize<'a, T>(pub &'a T);

pub trait ViaFrom {
    fn summary(&self) -> Option<CredentialSummary>;
}

impl<T> ViaFrom for &Summarize<'_, T>
where
    CredentialSummary: for<'b> From<&'b T>,
{
    fn summary(&self) -> Option<CredentialSummary> {
        Some(CredentialSummary::from(self.0))
    }
}

#[allow(dead_code)] // chosen only for a provider the facade cannot summarize yet
pub trait ViaJson {
    fn summary(&self) -> Option<CredentialSummary>;
}

impl<T> ViaJson for Summarize<'_, T> {
    fn summary(&self) -> Option<CredentialSummary> {
        None
    }
}

/// A local mock that answers the credential operation of `api` with
/// `body`: JSON, or the text itself when `body` is a string and the
/// operation's first media type is not JSON (a secret returned as such).
async fn serve_credential(
    api: &'static ApiDescription,
    body: &Value,
) -> anyhow::Result<httpmock::MockServer> {
    use anyhow::Context as _;
    let op = api
        .operation(api.credential_operation)
        .context("the API description has no credential operation")?;
    let route = credential_clients::runtime::mock::template_regex(op.path)?;
    let media = op.accept.split(',').next().unwrap_or("").trim();
    let (content_type, bytes) = match body {
        Value::String(text) if !media.contains("json") => {
            (media.to_string(), text.clone().into_bytes())
        }
        _ => ("application/json".to_string(), serde_json::to_vec(body)?),
    };
    let server = httpmock::MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(op.method).path_matches(route);
            then.status(200)
                .header("content-type", content_type)
                .body(bytes);
        })
        .await;
    Ok(server)
}

macro_rules! wire_providers {
    ($($module:ident $stem:literal $lib:ident;)*) => {
        $(
            mod $module {
                use super::*;
                use credential_clients::$module as client;

                pub fn commands() -> Vec<(&'static str, clap::Command)> {
                    client::cli::CliCommand::iter()
                        .map(|c| (c.operation_id(), client::cli::Cli::<Output>::get_command(c)))
                        .collect()
                }

                pub fn schema() -> schemars::schema::RootSchema {
                    schemars::schema_for!(client::CredentialBody)
                }

                pub fn summarize(raw: &Value) -> Option<CredentialSummary> {
                    #[allow(unused_imports)]
                    use super::{ViaFrom as _, ViaJson as _};
                    let credential: client::CredentialBody =
                        serde_json::from_value(raw.clone()).ok()?;
                    #[allow(clippy::needless_borrow)]
                    let summary = (&&Summarize(&credential)).summary();
                    Some(summary.unwrap_or_else(|| {
                        let mut copy = raw.clone();
                        let paths = credential_clients::redact::redact(&mut copy, &schema());
                        crate::output::generic_summary($stem, raw, &paths)
                    }))
                }

                pub fn summarize_item(raw: &Value) -> Option<CredentialSummary> {
                    #[allow(unused_imports)]
                    use super::{ViaFrom as _, ViaJson as _};
                    let item: client::ListItem = serde_json::from_value(raw.clone()).ok()?;
                    #[allow(clippy::needless_borrow)]
                    let summary = (&&Summarize(&item)).summary();
                    summary.or_else(|| summarize(raw))
                }

                pub async fn execute(
                    parts: ClientParts,
                    output: Output,
                    operation: &str,
                    matches: &ArgMatches,
                ) -> anyhow::Result<()> {
                    let client =
                        client::Client::new_with_client(&parts.base_url, parts.http, parts.runtime);
                    let Some(command) =
                        client::cli::CliCommand::iter().find(|c| c.operation_id() == operation)
                    else {
                        anyhow::bail!("{} has no operation `{operation}`", $stem);
                    };
                    client::cli::Cli::new(client, output).execute(command, matches).await
                }

                pub async fn start_mock(body: &Value) -> anyhow::Result<httpmock::MockServer> {
                    // The body must be one the client decodes.
                    let _: client::CredentialBody = serde_json::from_value(body.clone())?;
                    serve_credential(&client::API, body).await
                }

                impl client::cli::CliConfig for Output {
                    fn success_item<T>(&self, value: &client::ResponseValue<T>)
                    where
                        T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug,
                    {
                        let body: &T = value;
                        self.item(body);
                    }

                    fn success_no_item(&self, _: &client::ResponseValue<()>) {
                        self.no_item();
                    }

                    fn error<T>(&self, value: &client::Error<T>)
                    where
                        T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug,
                    {
                        self.record_error(value);
                    }

                    fn list_start<T>(&self)
                    where
                        T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug,
                    {
                        Output::list_start(self);
                    }

                    fn list_item<T>(&self, value: &T)
                    where
                        T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug,
                    {
                        Output::list_item(self, value);
                    }

                    fn list_end_success<T>(&self)
                    where
                        T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug,
                    {
                        Output::list_end_success(self);
                    }

                    fn list_end_error<T>(&self, value: &client::Error<T>)
                    where
                        T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug,
                    {
                        Output::list_end_error(self, value);
                    }

                    fn list_options<'a, I, E>(
                        &self,
                        matches: &ArgMatches,
                        listing: credential_clients::runtime::Listing<'a, I, E>,
                    ) -> credential_clients::runtime::Listing<'a, I, E> {
                        crate::list_options::apply(matches, listing)
                    }

                    fn list_progress(&self, pages: u32) {
                        Output::list_progress(self, pages);
                    }
                }
            }
        )*

        /// Every provider, in the facade's order.
        pub static PROVIDERS: &[Provider] = &[
            $(
                Provider {
                    stem: $stem,
                    api: &credential_clients::$module::API,
                    commands: $module::commands,
                    schema: $module::schema,
                    summarize: $module::summarize,
                    summarize_item: $module::summarize_item,
                    example_body: credential_clients::$module::selftest::EXAMPLE_BODY,
                    example_parameters: credential_clients::$module::selftest::EXAMPLE_PARAMETERS,
                    list_example_body: credential_clients::$module::selftest::LIST_EXAMPLE_BODY,
                    list_example_parameters:
                        credential_clients::$module::selftest::LIST_EXAMPLE_PARAMETERS,
                },
            )*
        ];

        /// Runs `operation` of the provider's generated CLI.
        pub async fn execute(
            provider: &Provider,
            parts: ClientParts,
            output: Output,
            operation: &str,
            matches: &ArgMatches,
        ) -> anyhow::Result<()> {
            match provider.stem {
                $($stem => $module::execute(parts, output, operation, matches).await,)*
                other => anyhow::bail!("unknown provider `{other}`"),
            }
        }

        /// Starts a typed mock of the provider that serves `body`.
        pub async fn start_mock(
            provider: &Provider,
            body: &Value,
        ) -> anyhow::Result<httpmock::MockServer> {
            match provider.stem {
                $($stem => $module::start_mock(body).await,)*
                other => anyhow::bail!("unknown provider `{other}`"),
            }
        }
    };
}

credential_clients::with_providers!(wire_providers);
