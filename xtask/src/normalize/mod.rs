//! Adapt a faithful spec to what progenitor can generate, without touching
//! the spec file. Each step is documented in `specs/README.md`.
//!
//! - vendor JSON media types (`application/problem+json`, `*+json`) are typed
//!   as JSON; the original media types are kept for the `Accept` header;
//! - non-JSON alternatives next to a JSON body are dropped for typing;
//! - a `default` response becomes `4XX` and `5XX` responses;
//! - error responses of one operation with different bodies share one
//!   synthesized `oneOf` schema (progenitor needs one error type);
//! - enums become `credential_clients_runtime::OpenEnum<Known>`, secrets
//!   `credential_clients_runtime::Secret`, discriminated unions
//!   `credential_clients_runtime::OpenUnion<Known>` (all forward compatible).
//!
//! `responses.rs`, `parameters.rs` and `types.rs` hold the steps; this file
//! runs them in order.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::spec::{METHODS, is_json_media_type, resolve};

mod parameters;
mod responses;
mod types;

use crate::document::pascal;
use parameters::*;
use responses::*;
use types::*;
pub use types::{SECRET_EXTENSION, has_property_named};

/// The runtime crate the normalized spec points at with `x-rust-type`.
pub const RUNTIME_CRATE: &str = "credential-clients-runtime";

const RUNTIME_PATH: &str = "credential_clients_runtime";

/// What the normalization learned that the generated metadata needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// operationId -> the `Accept` header value (all declared media types).
    pub accept: BTreeMap<String, String>,
    /// Operations whose success body is not JSON: it is returned as a
    /// `SecretBody` (Conjur returns the secret value itself).
    pub secret_body_ops: BTreeSet<String>,
    /// Header parameters made `Secret` because of their name, by operation:
    /// their value is written to the header with `expose_secret()`.
    pub secret_headers: BTreeMap<String, BTreeSet<String>>,
    /// Fields made `Secret` because of their name (not `format: password`),
    /// as `Schema.property` paths, for `cargo xtask lint` to list.
    pub inferred_secrets: Vec<String>,
}

/// Normalize `doc` in place and return the facts gathered on the way.
pub fn normalize(doc: &mut Value) -> Facts {
    let mut facts = Facts::default();
    inline_response_refs(doc);
    let mut new_schemas: BTreeMap<String, Value> = BTreeMap::new();
    let existing: BTreeSet<String> = schema_names(doc);

    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return facts;
    };
    for (path, item) in paths.iter_mut() {
        for method in METHODS {
            let Some(op) = item.get_mut(method) else {
                continue;
            };
            // The Rust method name, written back so progenitor uses the same
            // (and operations without an `operationId` get one).
            let op_id = crate::spec::method_name(op, method, path);
            op["operationId"] = Value::String(op_id.clone());
            let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
                continue;
            };
            facts.accept.insert(op_id.clone(), accept_header(responses));
            for (status, response) in responses.iter_mut() {
                normalize_content(response);
                if status.starts_with('2') && secret_body(response) {
                    facts.secret_body_ops.insert(op_id.clone());
                }
            }
            expand_default(responses);
            unify_error_bodies(&op_id, responses, &existing, &mut new_schemas);
        }
    }
    if !new_schemas.is_empty() {
        let schemas = components_schemas(doc);
        for (name, schema) in new_schemas {
            schemas.insert(name, schema);
        }
    }
    relax_response_constraints(doc);
    drop_unknown_formats(doc);
    plain_parameter_types(doc);
    facts.secret_headers = secret_parameters(doc, &mut facts.inferred_secrets);
    facts.inferred_secrets = wrap_types(doc);
    facts
}

fn schema_names(doc: &Value) -> BTreeSet<String> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

fn components_schemas(doc: &mut Value) -> &mut Map<String, Value> {
    let root = doc.as_object_mut().expect("validated: root is an object");
    let components = root.entry("components").or_insert_with(|| json!({}));
    let schemas = components
        .as_object_mut()
        .expect("validated: components is an object")
        .entry("schemas")
        .or_insert_with(|| json!({}));
    schemas
        .as_object_mut()
        .expect("validated: schemas is an object")
}
