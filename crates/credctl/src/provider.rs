//! What credctl knows about one provider: the descriptor that the
//! provider table (`providers.rs`) fills from the generated clients. A leaf
//! module, so that output, configuration and commands can describe a
//! provider without depending on the wiring.

use credential_clients::runtime::{ApiDescription, OperationDescription};
use credential_clients::summary::CredentialSummary;
use serde_json::Value;

/// What credctl knows about one provider.
pub struct Provider {
    /// The spec stem (`netapp-astra`): the subcommand name.
    pub stem: &'static str,
    /// The generated client's API description (servers, auth, routes).
    pub api: &'static ApiDescription,
    /// The generated clap command of each operation, by operation id.
    pub commands: fn() -> Vec<(&'static str, clap::Command)>,
    /// The JSON Schema of the credential operation's body (`CredentialBody`).
    pub schema: fn() -> schemars::schema::RootSchema,
    /// The normalized view of a body, if it is a `CredentialBody`.
    pub summarize: fn(&Value) -> Option<CredentialSummary>,
    /// The normalized view of an item of the list operation.
    pub summarize_item: fn(&Value) -> Option<CredentialSummary>,
    /// The generated client's example credential body (`selftest::EXAMPLE_BODY`:
    /// made from the schema when the spec has no example), for the demo.
    pub example_body: &'static str,
    /// The generated client's example values of the credential operation's
    /// required parameters (`selftest::EXAMPLE_PARAMETERS`: name, value), for
    /// the demo.
    pub example_parameters: &'static [(&'static str, &'static str)],
    /// The list operation's example page (`selftest::LIST_EXAMPLE_BODY`).
    pub list_example_body: Option<&'static str>,
    /// Its required parameters with example values
    /// (`selftest::LIST_EXAMPLE_PARAMETERS`).
    pub list_example_parameters: &'static [(&'static str, &'static str)],
}

impl Provider {
    /// The operation that reads one credential (`credctl get`).
    pub fn credential(&self) -> Option<&'static OperationDescription> {
        self.api.operation(self.api.credential_operation)
    }
}
