//! Running progenitor: the generation settings, and each run turned into a
//! `SpecError` when progenitor refuses or panics.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use progenitor::{CrateVers, GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use quote::quote;

use crate::error::{Rule, SpecError};
use crate::normalize::RUNTIME_CRATE;
use crate::spec::SpecFile;

fn settings() -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(quote! { credential_clients_runtime::Runtime })
        .with_crate(RUNTIME_CRATE, CrateVers::Any, None)
        .with_derive("PartialEq")
        .with_derive("schemars::JsonSchema");
    settings
}

/// Which progenitor output to produce.
#[derive(Clone, Copy)]
pub enum Target {
    Client,
    Mock,
    Cli,
}

thread_local! {
    /// Whether this thread is inside a progenitor run (its panics are
    /// reported as `SpecError`s, not printed).
    static IN_PROGENITOR: Cell<bool> = const { Cell::new(false) };
}

/// Install, once per process, a panic hook that is silent for threads
/// running progenitor and hands every other panic to the hook that was
/// there before. Runs on several threads need no lock.
fn install_quiet_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_PROGENITOR.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

/// progenitor's output for `doc`. progenitor asserts on shapes it cannot
/// handle; validation catches the known ones, and this turns anything else
/// into a `SpecError` instead of a backtrace.
pub fn run(spec: &SpecFile, doc: &OpenAPI, target: Target) -> Result<TokenStream, SpecError> {
    let settings = settings();
    install_quiet_hook();
    IN_PROGENITOR.with(|f| f.set(true));
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut generator = Generator::new(&settings);
        match target {
            Target::Client => generator.generate_tokens(doc),
            Target::Mock => generator.httpmock(doc, "crate"),
            Target::Cli => generator.cli(doc, "crate"),
        }
    }));
    IN_PROGENITOR.with(|f| f.set(false));

    let file = spec.path.as_path();
    match result {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(e)) => Err(SpecError::new(
            file,
            "",
            Rule::Generator,
            format!("progenitor rejected the document: {e}"),
        )),
        Err(panic) => {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown panic".into());
            Err(SpecError::new(
                file,
                "",
                Rule::Generator,
                format!("progenitor cannot generate this document (it panicked: {msg})"),
            ))
        }
    }
}
