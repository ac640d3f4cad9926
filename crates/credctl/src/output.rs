//! What credctl prints: JSON (secrets redacted unless `--reveal-secrets`)
//! or the normalized table; and the failure an error response maps to.
//!
//! [`Output`] is the state behind every provider's generated
//! `cli::CliConfig` implementation (see `providers.rs`).

use std::cell::RefCell;
use std::rc::Rc;

use credential_clients::summary::CredentialSummary;
use serde::Serialize;
use serde_json::{Value, json};

use crate::exit::{ErrorContext, Failure, classify};
use crate::provider::Provider;
use credential_clients::redact::redact;

mod generic;
pub use generic::generic_summary;

mod list;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    /// One JSON object per line, printed as pages arrive (listings).
    Ndjson,
    Table,
}

/// Printer and recorder for one call. Cheap to clone (shared state), so the
/// generated `Cli` can own one while credctl keeps another.
#[derive(Clone)]
pub struct Output(Rc<Inner>);

struct Inner {
    format: Format,
    reveal: bool,
    /// Keep summaries instead of printing (the demo).
    collect: bool,
    provider: &'static Provider,
    context: ErrorContext,
    failure: RefCell<Option<Failure>>,
    summaries: RefCell<Vec<CredentialSummary>>,
    list: RefCell<list::ListState>,
}

impl Output {
    pub fn new(
        provider: &'static Provider,
        format: Format,
        reveal: bool,
        context: ErrorContext,
    ) -> Self {
        Self(Rc::new(Inner {
            format,
            reveal,
            collect: false,
            provider,
            context,
            failure: RefCell::new(None),
            summaries: RefCell::new(Vec::new()),
            list: RefCell::default(),
        }))
    }

    /// An output that keeps the normalized view instead of printing it.
    pub fn collecting(provider: &'static Provider, context: ErrorContext) -> Self {
        Self(Rc::new(Inner {
            format: Format::Table,
            reveal: false,
            collect: true,
            provider,
            context,
            failure: RefCell::new(None),
            summaries: RefCell::new(Vec::new()),
            list: RefCell::default(),
        }))
    }

    /// The failure recorded by the last error, if any.
    pub fn failure(&self) -> Option<Failure> {
        self.0.failure.borrow().clone()
    }

    /// The summaries collected so far.
    pub fn summaries(&self) -> Vec<CredentialSummary> {
        self.0.summaries.borrow().clone()
    }

    /// A response body: printed redacted (JSON) or as the normalized table.
    pub fn item<T: schemars::JsonSchema + Serialize>(&self, value: &T) {
        let raw = match serde_json::to_value(value) {
            Ok(raw) => raw,
            Err(e) => {
                self.fail(Failure::other(format!("cannot print the response: {e}")));
                return;
            }
        };
        let schema = schemars::r#gen::SchemaGenerator::default().into_root_schema_for::<T>();
        let mut redacted = raw.clone();
        let secret_paths = redact(&mut redacted, &schema);
        // `None` when the body is not the provider's `Credential`.
        let summary = (self.0.provider.summarize)(&raw);
        if self.0.collect {
            let summary = summary
                .unwrap_or_else(|| generic_summary(self.0.provider.stem, &raw, &secret_paths));
            self.0.summaries.borrow_mut().push(summary);
            return;
        }
        let text = match self.0.format {
            Format::Json | Format::Ndjson => {
                let shown = if self.0.reveal { &raw } else { &redacted };
                let mut text =
                    serde_json::to_string_pretty(shown).unwrap_or_else(|_| shown.to_string());
                text.push('\n');
                text
            }
            Format::Table => match summary {
                Some(summary) => summary_table(&[summary]),
                None => field_table(&redacted),
            },
        };
        if let Err(failure) = emit(&text) {
            self.fail(failure);
        }
    }

    /// A response without a body.
    pub fn no_item(&self) {
        if !self.0.collect
            && self.0.format != Format::Table
            && let Err(failure) = emit("null\n")
        {
            self.fail(failure);
        }
    }

    /// An error: keep its exit code and message for `main`.
    pub fn record_error<T: Serialize>(&self, err: &progenitor_client::Error<T>) {
        self.fail(classify(err, &self.0.context));
    }

    fn fail(&self, failure: Failure) {
        *self.0.failure.borrow_mut() = Some(failure);
    }
}

/// Write `text` to stdout and flush. A closed stdout (the reader of a pipe
/// exited, as `head -1` does) is [`Failure::stdout_closed`]: credctl then
/// stops quietly with exit code 0, without a panic or a message.
pub fn emit(text: &str) -> Result<(), Failure> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Failure::stdout_closed()),
        Err(e) => Err(Failure::other(format!("cannot write to stdout: {e}"))),
    }
}

/// The normalized view as JSON (the summary type has no `Serialize`: the
/// facade does not depend on serde).
pub fn summary_json(s: &CredentialSummary) -> Value {
    json!({
        "provider": s.provider,
        "id": s.id,
        "name": s.name,
        "kind": s.kind,
        "created": s.created,
        "updated": s.updated,
        "expires": s.expires,
        "valid": s.valid,
        "state": s.state,
        "owner": s.owner,
        "secret_fields": s.secret_fields,
        "has_secret_material": s.has_secret_material,
    })
}

/// The normalized table: one row per credential.
pub fn summary_table(rows: &[CredentialSummary]) -> String {
    let header = [
        "PROVIDER", "ID", "NAME", "KIND", "CREATED", "UPDATED", "EXPIRES", "STATE", "SECRETS",
    ];
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|s| {
            vec![
                s.provider.clone(),
                s.id.clone(),
                s.name.clone(),
                dash(&s.kind),
                dash(&s.created),
                dash(&s.updated),
                dash(&s.expires),
                state_cell(s),
                if s.has_secret_material {
                    s.secret_fields.join(", ")
                } else {
                    "-".into()
                },
            ]
        })
        .collect();
    render(&header, &body)
}

/// The state column: the vendor's state, and `invalid` when marked so.
fn state_cell(s: &CredentialSummary) -> String {
    match (&s.state, s.valid) {
        (Some(state), Some(false)) => format!("{state}, invalid"),
        (Some(state), _) => state.clone(),
        (None, Some(false)) => "invalid".into(),
        (None, Some(true)) => "valid".into(),
        (None, None) => "-".into(),
    }
}

/// Top-level fields of a body that is not a credential, one per line.
fn field_table(value: &Value) -> String {
    let rows: Vec<Vec<String>> = match value {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| {
                let text = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                vec![k.clone(), text]
            })
            .collect(),
        other => vec![vec!["value".into(), other.to_string()]],
    };
    render(&["FIELD", "VALUE"], &rows)
}

pub(crate) fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    let clean = |s: &str| s.replace(['\n', '\r', '\t'], " ");
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(clean(cell).chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let mut out = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                out.push_str(cell);
            } else {
                let pad = widths[i] - cell.chars().count();
                out.push_str(cell);
                out.push_str(&" ".repeat(pad + 2));
            }
        }
        out.trim_end().to_string() + "\n"
    };
    let mut out = line(header.iter().map(|h| h.to_string()).collect());
    for row in rows {
        out.push_str(&line(row.iter().map(|c| clean(c)).collect()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_columns_and_shows_dashes() {
        let rows = [
            CredentialSummary {
                provider: "tines".into(),
                id: "7".into(),
                name: "Slack bot".into(),
                kind: Some("TEXT".into()),
                created: Some("2025-04-09T10:00:00Z".into()),
                ..Default::default()
            },
            CredentialSummary {
                provider: "oci-aidp".into(),
                id: "k".into(),
                name: "multi\nline".into(),
                secret_fields: vec!["a".into(), "b".into()],
                has_secret_material: true,
                ..Default::default()
            },
        ];
        let table = summary_table(&rows);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("PROVIDER  ID  NAME"), "{table}");
        assert!(
            lines[1].starts_with("tines     7   Slack bot   TEXT  2025-04-09T10:00:00Z  -"),
            "{table}"
        );
        assert!(lines[2].contains("multi line"), "{table}");
        assert!(lines[2].ends_with("a, b"), "{table}");
    }
}
