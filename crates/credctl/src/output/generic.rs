//! The summary of a credential whose provider has no hand-written `From`
//! conversion in `credential_clients::summary` (a brand-new spec, a real
//! vendor's published one): read off the response by field names alone.
//!
//! The rules, in order, for each summary field:
//! 1. a well-known name at the top level (`id`, `name`, `createdAt`, ...);
//! 2. the same names inside the envelopes APIs commonly wrap a resource in
//!    (`metadata`, `data`, `attributes`, `properties`, `spec`, `status`),
//!    at most two levels deep (`data.metadata.created_time`);
//! 3. for the id and the kind only, the one top-level field named like an
//!    identifier (`connection_id`, `secretId`) or a type (`conn_type`), when
//!    there is exactly one: with several (`team_id`, `folder_id`) none of
//!    them is known to be the credential's own.
//!
//! A field the schema walk marked as secret is never read as a summary
//! value.

use credential_clients::summary::CredentialSummary;
use serde_json::Value;

/// Objects a resource's own fields are commonly nested in.
const ENVELOPES: &[&str] = &[
    "metadata",
    "data",
    "attributes",
    "properties",
    "spec",
    "status",
];

/// How deep envelopes are searched (`data.metadata` is two).
const MAX_DEPTH: usize = 2;

/// A summary from the common field names, with the secret paths the schema
/// walk found.
pub fn generic_summary(stem: &str, raw: &Value, secret_paths: &[String]) -> CredentialSummary {
    let find = Finder { raw, secret_paths };
    CredentialSummary {
        provider: stem.to_string(),
        id: find
            .text(&["id", "uid", "uuid", "key", "name"])
            .or_else(|| find.only_top_level(is_id_name))
            .unwrap_or_default(),
        name: find
            .text(&["name", "displayName", "display_name", "title", "key"])
            .unwrap_or_default(),
        kind: find
            .text(&[
                "kind",
                "type",
                "keyType",
                "mode",
                "provider",
                "credential_type",
            ])
            .or_else(|| find.only_top_level(is_type_name)),
        created: find.text(&[
            "created_at",
            "created",
            "createdAt",
            "timeCreated",
            "creationTimestamp",
            "created_time",
            "creation_time",
        ]),
        updated: find.text(&[
            "updated_at",
            "modified",
            "updatedAt",
            "timeUpdated",
            "updated_time",
            "lastModified",
        ]),
        expires: find.text(&[
            "expires_at",
            "expiresAt",
            "validUntilTimestamp",
            "valid_until",
            "timeExpires",
            "expiration_time",
            "expirationTime",
        ]),
        valid: match find.value(&["valid", "available", "enabled"]) {
            Some(Value::Bool(b)) => Some(*b),
            Some(Value::String(s)) if s == "true" || s == "false" => Some(s == "true"),
            _ => None,
        },
        state: find.text(&[
            "lifecycleState",
            "lifeCycleState",
            "state",
            "status",
            "phase",
        ]),
        owner: find.text(&[
            "owner",
            "createdBy",
            "created_by",
            "organization",
            "team_id",
            "namespace",
        ]),
        secret_fields: secret_paths.to_vec(),
        has_secret_material: !secret_paths.is_empty(),
    }
}

struct Finder<'a> {
    raw: &'a Value,
    secret_paths: &'a [String],
}

impl Finder<'_> {
    /// The first of `keys` found as text (a string or a number).
    fn text(&self, keys: &[&str]) -> Option<String> {
        self.search(keys, |v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
    }

    /// The first of `keys` found with a scalar value.
    fn value(&self, keys: &[&str]) -> Option<&Value> {
        self.search(keys, |v| {
            (!v.is_object() && !v.is_array() && !v.is_null()).then_some(v)
        })
    }

    /// `keys` at the top level, then in each envelope (breadth first, in
    /// [`ENVELOPES`] order), skipping secret fields.
    fn search<'v, T>(&'v self, keys: &[&str], take: impl Fn(&'v Value) -> Option<T>) -> Option<T> {
        let mut level = vec![(String::new(), self.raw)];
        for depth in 0..=MAX_DEPTH {
            for key in keys {
                for (prefix, object) in &level {
                    let Some(v) = object.get(*key) else { continue };
                    if self.is_secret(&join(prefix, key)) {
                        continue;
                    }
                    if let Some(t) = take(v) {
                        return Some(t);
                    }
                }
            }
            if depth == MAX_DEPTH {
                break;
            }
            level = level
                .iter()
                .flat_map(|(prefix, object)| {
                    ENVELOPES.iter().filter_map(move |e| {
                        let inner = object.get(*e).filter(|v| v.is_object())?;
                        Some((join(prefix, e), inner))
                    })
                })
                .collect();
            if level.is_empty() {
                break;
            }
        }
        None
    }

    /// The value of the one top-level text field whose name `fits`, if
    /// exactly one does.
    fn only_top_level(&self, fits: fn(&str) -> bool) -> Option<String> {
        let object = self.raw.as_object()?;
        let mut found = object
            .iter()
            .filter(|(k, v)| fits(k) && !self.is_secret(k) && (v.is_string() || v.is_number()));
        let (_, v) = found.next()?;
        if found.next().is_some() {
            return None;
        }
        Some(match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    }

    fn is_secret(&self, path: &str) -> bool {
        self.secret_paths.iter().any(|p| p == path)
    }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// `connection_id`, `secretId`, `credentialID` (not `id` itself, which the
/// well-known names cover, nor `idle`).
fn is_id_name(name: &str) -> bool {
    name.len() > 3 && (name.ends_with("_id") || name.ends_with("Id") || name.ends_with("ID"))
}

/// `conn_type`, `secretType`.
fn is_type_name(name: &str) -> bool {
    name.len() > 5 && (name.ends_with("_type") || name.ends_with("Type"))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::output::summary_json;

    #[test]
    fn common_names_at_the_top_level() {
        let raw = json!({"key": "k1", "displayName": "d", "type": "NEW", "timeCreated": "t"});
        let s = generic_summary("new", &raw, &["secret".into()]);
        assert_eq!(
            (s.id.as_str(), s.name.as_str(), s.kind.as_deref()),
            ("k1", "d", Some("NEW"))
        );
        assert!(s.has_secret_material);
        assert_eq!(summary_json(&s)["created"], "t");
    }

    #[test]
    fn a_resource_in_a_metadata_envelope() {
        // The shape of a Kubernetes-style object.
        let raw = json!({
            "apiVersion": "v1",
            "kind": "Secret",
            "type": "Opaque",
            "metadata": {
                "name": "db-password",
                "namespace": "prod",
                "uid": "4f1c",
                "creationTimestamp": "2026-01-02T03:04:05Z"
            },
            "data": {"password": "c2VjcmV0"}
        });
        let s = generic_summary("k", &raw, &["data.password".into()]);
        assert_eq!(s.id, "4f1c");
        assert_eq!(s.name, "db-password");
        assert_eq!(s.kind.as_deref(), Some("Secret"));
        assert_eq!(s.created.as_deref(), Some("2026-01-02T03:04:05Z"));
        assert_eq!(s.owner.as_deref(), Some("prod"));
    }

    #[test]
    fn a_json_api_resource_and_a_two_level_envelope() {
        let raw = json!({"data": {"id": "7", "type": "credentials",
            "attributes": {"name": "ci token", "created_at": "c"}}});
        let s = generic_summary("j", &raw, &[]);
        assert_eq!((s.id.as_str(), s.name.as_str()), ("7", "ci token"));
        assert_eq!(s.created.as_deref(), Some("c"));

        let raw = json!({"request_id": "r-1", "lease_id": "",
            "data": {"data": {"user": "u"}, "metadata": {"created_time": "t", "version": 3}}});
        let s = generic_summary("v", &raw, &["data.data.user".into()]);
        assert_eq!(s.created.as_deref(), Some("t"));
        // Two `*_id` fields: neither is known to be the credential's.
        assert_eq!(s.id, "");
    }

    #[test]
    fn the_one_identifier_like_field_is_the_id() {
        let raw = json!({"connection_id": "my_db", "conn_type": "postgres",
            "host": "db", "login": "u", "password": "p"});
        let s = generic_summary("a", &raw, &["password".into()]);
        assert_eq!(s.id, "my_db");
        assert_eq!(s.kind.as_deref(), Some("postgres"));

        let raw = json!({"team_id": 1, "folder_id": 2});
        assert_eq!(generic_summary("t", &raw, &[]).id, "");
    }

    #[test]
    fn a_secret_field_is_never_a_summary_value() {
        let raw = json!({"name": "hunter2", "data": {"name": "visible"}});
        let s = generic_summary("s", &raw, &["name".into()]);
        assert_eq!(s.name, "visible");
        let raw = json!({"api_key_id": "sk-live"});
        let s = generic_summary("s", &raw, &["api_key_id".into()]);
        assert_eq!(s.id, "");
    }
}
