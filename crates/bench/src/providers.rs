//! Every provider of the workspace, by construction: the facade's generated
//! `with_providers!` table, so a new spec gets its benchmark cases (client
//! overhead, hooks, decode) without an edit here.
//!
//! Per provider the table holds only what the generated crate exports: its
//! `API` description (route, method, `Accept`, auth schemes, request-id
//! header, server template), its `types::Credential`, and the
//! `selftest::ExampleCall` / `selftest::EXAMPLE_PATH_PARAMETERS` that the
//! codegen writes from the spec's example parameter values.

use std::fmt;
use std::time::Duration;

use credential_clients::runtime::{ApiDescription, OperationDescription};

use credential_clients::runtime::Auth;

use crate::decode::Row;

/// What the benchmark knows about one provider.
pub struct Entry {
    /// The spec stem (`netapp-astra`).
    pub stem: &'static str,
    /// The generated client's API description.
    pub api: &'static ApiDescription,
    /// The credential operation's path parameters with the spec's example
    /// values (name, value as text).
    pub path_parameters: &'static [(&'static str, &'static str)],
    /// Build the generated side of a case: the client against the base URL,
    /// with its default retry policy or none, and the auth.
    pub(crate) generated: fn(&str, bool, Option<Auth>) -> Result<Generated, String>,
    /// Decode a body into the provider's `types::Credential`, by hand.
    pub(crate) decode: fn(&[u8]) -> Result<Cred, serde_json::Error>,
    /// The decode-throughput row of a body.
    pub(crate) decode_row: fn(Provider, &[u8], usize, Duration) -> Result<Row, String>,
}

/// A provider: an index into [`PROVIDERS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Provider(usize);

impl Provider {
    /// Every provider, in the facade's order.
    pub fn all() -> impl Iterator<Item = Provider> {
        (0..PROVIDERS.len()).map(Provider)
    }

    /// The provider of a spec stem.
    pub fn find(stem: &str) -> Option<Provider> {
        PROVIDERS.iter().position(|e| e.stem == stem).map(Provider)
    }

    /// Its table entry.
    pub fn entry(self) -> &'static Entry {
        &PROVIDERS[self.0]
    }

    /// The spec stem.
    pub fn stem(self) -> &'static str {
        self.entry().stem
    }

    /// The generated API description.
    pub fn api(self) -> &'static ApiDescription {
        self.entry().api
    }

    /// The credential operation's description.
    pub fn credential_operation(self) -> Result<&'static OperationDescription, String> {
        let api = self.api();
        api.operation(api.credential_operation)
            .ok_or_else(|| format!("{self}: no operation `{}`", api.credential_operation))
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.stem())
    }
}

macro_rules! bench_providers {
    ($($module:ident $stem:literal $lib:ident;)*) => {
        /// The generated client of a case, with the spec's example
        /// parameters parsed once.
        #[allow(non_camel_case_types)]
        pub enum Generated {
            $(
                #[doc = concat!("`", $stem, "`.")]
                $module(
                    credential_clients::$module::Client,
                    credential_clients::$module::selftest::ExampleCall,
                ),
            )*
        }

        /// A decoded credential of any provider (both sides return it).
        // Unboxed on purpose: both sides return it, and a box would add an
        // allocation per request to both.
        #[allow(non_camel_case_types, clippy::large_enum_variant)]
        #[derive(Debug, Clone, PartialEq)]
        pub enum Cred {
            $(
                #[doc = concat!("`", $stem, "`.")]
                $module(credential_clients::$module::types::Credential),
            )*
        }

        impl Generated {
            /// The credential operation with the example values,
            /// `...send()`, into the same type the hand-written call
            /// decodes.
            pub async fn get(&self) -> Result<Cred, String> {
                match self {
                    $(
                        Generated::$module(client, call) => call
                            .builder(client)
                            .send()
                            .await
                            .map(|r| Cred::$module(r.into_inner()))
                            .map_err(|e| e.to_string()),
                    )*
                }
            }
        }

        $(
            mod $module {
                use super::*;
                use credential_clients::$module as client;

                pub(super) fn generated(
                    base: &str,
                    retries: bool,
                    auth: Option<Auth>,
                ) -> Result<Generated, String> {
                    let mut builder = client::Client::builder().base_url(base);
                    if !retries {
                        builder = builder.retry(credential_clients::runtime::RetryPolicy::disabled());
                    }
                    if let Some(auth) = auth {
                        builder = builder.configure(|c| c.auth(auth));
                    }
                    let client = builder.build().map_err(|e| format!("{}: {e}", $stem))?;
                    let call = client::selftest::ExampleCall::new()
                        .map_err(|e| format!("{}: {e}", $stem))?;
                    Ok(Generated::$module(client, call))
                }

                pub(super) fn decode(body: &[u8]) -> Result<Cred, serde_json::Error> {
                    serde_json::from_slice(body).map(Cred::$module)
                }

                pub(super) fn decode_row(
                    provider: Provider,
                    body: &[u8],
                    batches: usize,
                    batch_time: Duration,
                ) -> Result<Row, String> {
                    crate::decode::row::<client::types::Credential>(provider, body, batches, batch_time)
                }
            }
        )*

        /// Every provider, in the facade's order.
        pub static PROVIDERS: &[Entry] = &[
            $(
                Entry {
                    stem: $stem,
                    api: &credential_clients::$module::API,
                    path_parameters: credential_clients::$module::selftest::EXAMPLE_PATH_PARAMETERS,
                    generated: $module::generated,
                    decode: $module::decode,
                    decode_row: $module::decode_row,
                },
            )*
        ];
    };
}

credential_clients::with_providers!(bench_providers);

#[cfg(test)]
mod tests {
    use super::*;

    /// Every spec in `specs/` has a benchmark entry (the table comes from
    /// the facade's generated `with_providers!`, which `codegen --check`
    /// keeps in step with the specs).
    #[test]
    fn every_spec_has_a_case() {
        let root = crate::workspace_root();
        let mut stems: Vec<String> = std::fs::read_dir(root.join("specs"))
            .unwrap()
            .filter_map(|e| {
                let name = e.ok()?.file_name().into_string().ok()?;
                name.strip_suffix(".yaml").map(str::to_string)
            })
            .collect();
        stems.sort();
        let mut ours: Vec<String> = Provider::all().map(|p| p.stem().to_string()).collect();
        ours.sort();
        assert_eq!(ours, stems);
        let cases: Vec<Provider> = crate::client::main_cases()
            .iter()
            .map(|c| c.provider)
            .collect();
        assert_eq!(cases, Provider::all().collect::<Vec<_>>());
    }
}
