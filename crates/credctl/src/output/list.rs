//! Listings: `credctl list` and the generated CLI's paginated operations
//! call `list_start`, `list_item` per item as pages arrive, `list_progress`
//! and `list_end_success` (or `list_end_error`).
//!
//! - JSON: one array, printed at the end (valid JSON or nothing).
//! - NDJSON: one object per line, printed as each item arrives.
//! - table: the normalized view, printed at the end.
//!
//! Secrets are redacted per item, from the item type's JSON Schema, unless
//! `--reveal-secrets`. On a terminal, progress (pages and items so far)
//! goes to stderr and is cleared at the end; never when stderr is not a
//! terminal.

use std::io::IsTerminal as _;

use serde::Serialize;
use serde_json::Value;

use super::{Format, Output, emit, generic_summary, redact, summary_table};
use crate::exit::Failure;

/// What a listing has gathered so far.
#[derive(Default)]
pub struct ListState {
    items: Vec<Value>,
    count: u64,
    progress_shown: bool,
}

impl Output {
    /// A listing starts.
    pub fn list_start(&self) {
        *self.0.list.borrow_mut() = ListState::default();
    }

    /// One item of a listing.
    pub fn list_item<T: schemars::JsonSchema + Serialize>(&self, value: &T) {
        let raw = match serde_json::to_value(value) {
            Ok(raw) => raw,
            Err(e) => {
                self.fail(Failure::other(format!("cannot print an item: {e}")));
                return;
            }
        };
        let schema = schemars::r#gen::SchemaGenerator::default().into_root_schema_for::<T>();
        let mut redacted = raw.clone();
        let secret_paths = redact(&mut redacted, &schema);
        self.0.list.borrow_mut().count += 1;
        if self.0.collect || self.0.format == Format::Table {
            let summary = (self.0.provider.summarize_item)(&raw)
                .unwrap_or_else(|| generic_summary(self.0.provider.stem, &raw, &secret_paths));
            self.0.summaries.borrow_mut().push(summary);
            return;
        }
        let shown = if self.0.reveal { raw } else { redacted };
        match self.0.format {
            Format::Ndjson => {
                self.clear_progress();
                let mut line = shown.to_string();
                line.push('\n');
                if let Err(failure) = emit(&line) {
                    self.fail(failure);
                }
            }
            _ => self.0.list.borrow_mut().items.push(shown),
        }
    }

    /// After each item: the pages requested so far.
    pub fn list_progress(&self, pages: u32) {
        if self.0.collect || !std::io::stderr().is_terminal() {
            return;
        }
        let mut state = self.0.list.borrow_mut();
        state.progress_shown = true;
        eprint!(
            "\r{}: {pages} pages, {} items so far",
            self.0.provider.stem, state.count
        );
    }

    fn clear_progress(&self) {
        let mut state = self.0.list.borrow_mut();
        if state.progress_shown {
            eprint!("\r\x1b[2K");
            state.progress_shown = false;
        }
    }

    /// The listing ended: print what JSON and the table hold back.
    pub fn list_end_success(&self) {
        self.clear_progress();
        if self.0.collect {
            return;
        }
        let text = match self.0.format {
            Format::Ndjson => return,
            Format::Json => {
                let items = std::mem::take(&mut self.0.list.borrow_mut().items);
                let mut text = serde_json::to_string_pretty(&Value::Array(items))
                    .unwrap_or_else(|_| "[]".into());
                text.push('\n');
                text
            }
            Format::Table => summary_table(&self.0.summaries.borrow()),
        };
        if let Err(failure) = emit(&text) {
            self.fail(failure);
        }
    }

    /// The listing stopped with an error (kept for the exit code; items
    /// already printed as NDJSON stay printed).
    pub fn list_end_error<T: Serialize>(&self, err: &progenitor_client::Error<T>) {
        self.clear_progress();
        self.record_error(err);
    }
}
