//! Redaction on output, driven by the response type's JSON Schema.
//!
//! The generated types hold secrets as `crate::Secret`, whose
//! `Serialize` writes the real value (responses must round-trip). So tools
//! (credctl's JSON output, [`crate::summary`]'s secret fields) serialize,
//! then walk the value alongside the type's schema
//! (`schemars`) and replaces every value whose schema has
//! `format: password` (`Secret`'s schema). Nothing is listed by hand: a new
//! spec's secrets are found the same way.
//!
//! Where the schema says nothing (free-form maps, union variants newer than
//! the client), fields whose *names* look secret are redacted too
//! (the one rule of [`crate::runtime::names::is_secret_name`], which the code
//! generator also uses to make such fields `Secret`).

use crate::runtime::names::is_secret_name as looks_like_secret_name;
use serde_json::{Map, Value};

/// What replaces a secret value (`Secret`'s own `Display`).
pub const REDACTED: &str = crate::runtime::secret::REDACTED;

/// The JSON paths of the secret fields of `value` that are set (not null,
/// not empty), found from `T`'s JSON Schema; the values are never returned.
pub fn secret_fields<T: serde::Serialize + schemars::JsonSchema>(value: &T) -> Vec<String> {
    let Ok(mut json) = serde_json::to_value(value) else {
        return Vec::new();
    };
    let original = json.clone();
    let found = redact(&mut json, &schemars::schema_for!(T));
    found
        .into_iter()
        .filter(|path| !is_empty_at(&original, path))
        .collect()
}

/// Whether the value at a dotted path (`a.b[1].c`) is an empty string.
fn is_empty_at(value: &Value, path: &str) -> bool {
    let mut current = value;
    for part in path.split('.') {
        let (key, indexes) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            let Some(next) = current.get(key) else {
                return false;
            };
            current = next;
        }
        for index in indexes.split(['[', ']']).filter(|s| !s.is_empty()) {
            let Some(next) = index.parse::<usize>().ok().and_then(|i| current.get(i)) else {
                return false;
            };
            current = next;
        }
    }
    current.as_str() == Some("")
}

/// AWX's placeholder for secret inputs: already no secret, kept as is.
const AWX_ENCRYPTED: &str = "$encrypted$";

/// Redacts `value` in place; returns the JSON paths of the redacted fields
/// (`credentialDetails.secretTokenPair[1].secretValue`).
pub fn redact(value: &mut Value, schema: &schemars::schema::RootSchema) -> Vec<String> {
    let schema = serde_json::to_value(schema).unwrap_or(Value::Bool(true));
    let empty = Map::new();
    let definitions = schema
        .get("definitions")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut walker = Walker {
        definitions,
        found: Vec::new(),
    };
    walker.walk(value, &schema, "", 0);
    walker.found.sort();
    walker.found.dedup();
    walker.found
}

struct Walker<'a> {
    definitions: &'a Map<String, Value>,
    found: Vec<String>,
}

const MAX_DEPTH: usize = 64;

fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

impl Walker<'_> {
    fn walk(&mut self, value: &mut Value, schema: &Value, path: &str, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let schema = self.resolve_owned(schema);
        let Value::Object(s) = &schema else {
            if schema == Value::Bool(true) {
                self.free_form(value, path, depth);
            }
            return;
        };
        if s.get("format").and_then(Value::as_str) == Some("password") {
            if !value.is_null() {
                *value = Value::String(REDACTED.into());
                self.found.push(path.to_string());
            }
            return;
        }
        let mut has_subschemas = false;
        if let Some(all) = s.get("allOf").and_then(Value::as_array) {
            has_subschemas = true;
            for sub in all {
                self.walk(value, sub, path, depth + 1);
            }
        }
        for key in ["anyOf", "oneOf"] {
            let Some(subs) = s.get(key).and_then(Value::as_array) else {
                continue;
            };
            has_subschemas = true;
            // Walk the variants that fit the value; when none does (a
            // variant newer than the client), walk them all, so that the
            // free-form fallback applies the name rule.
            let fitting: Vec<&Value> = subs
                .iter()
                .filter(|sub| self.structured(sub) && self.fits(value, sub, 0))
                .collect();
            let chosen: Vec<Value> = if fitting.is_empty() {
                subs.clone()
            } else {
                fitting.into_iter().cloned().collect()
            };
            for sub in &chosen {
                self.walk(value, sub, path, depth + 1);
            }
        }
        let properties = s.get("properties").and_then(Value::as_object);
        if has_subschemas && properties.is_none() {
            return;
        }
        match value {
            Value::Object(map) => {
                let additional = s.get("additionalProperties");
                for (key, v) in map.iter_mut() {
                    let path = child(path, key);
                    if let Some(sub) = properties.and_then(|p| p.get(key)) {
                        self.walk(v, sub, &path, depth + 1);
                    } else {
                        match additional {
                            Some(Value::Bool(false)) => {}
                            Some(sub @ Value::Object(_)) => self.walk(v, sub, &path, depth + 1),
                            _ => self.free_form_entry(key, v, &path, depth + 1),
                        }
                    }
                }
            }
            Value::Array(items) => match s.get("items") {
                Some(Value::Array(subs)) => {
                    for (i, (v, sub)) in items.iter_mut().zip(subs).enumerate() {
                        self.walk(v, sub, &format!("{path}[{i}]"), depth + 1);
                    }
                }
                Some(sub @ Value::Object(_)) => {
                    for (i, v) in items.iter_mut().enumerate() {
                        self.walk(v, sub, &format!("{path}[{i}]"), depth + 1);
                    }
                }
                _ => self.free_form(value, path, depth + 1),
            },
            _ => {}
        }
    }

    /// The schema with `$ref`s to `#/definitions/...` followed.
    fn resolve_owned(&self, schema: &Value) -> Value {
        let mut current = schema.clone();
        for _ in 0..MAX_DEPTH {
            let Some(name) = current
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/definitions/"))
                .map(str::to_string)
            else {
                return current;
            };
            current = self
                .definitions
                .get(&name)
                .cloned()
                .unwrap_or(Value::Bool(true));
        }
        current
    }

    /// A schema that describes something (properties, enum values, a
    /// reference, variants), as opposed to a free-form fallback.
    fn structured(&self, schema: &Value) -> bool {
        let schema = self.resolve_owned(schema);
        [
            "properties",
            "enum",
            "anyOf",
            "oneOf",
            "allOf",
            "items",
            "format",
        ]
        .iter()
        .any(|k| schema.get(k).is_some())
    }

    /// Whether `value` plausibly is an instance of `schema`: its type, its
    /// enum values, its required properties and the enum values of its
    /// properties (enough to tell discriminated variants apart).
    fn fits(&self, value: &Value, schema: &Value, depth: usize) -> bool {
        if depth > 8 {
            return true;
        }
        let schema = self.resolve_owned(schema);
        let Value::Object(s) = &schema else {
            return schema != Value::Bool(false);
        };
        for key in ["anyOf", "oneOf"] {
            if let Some(subs) = s.get(key).and_then(Value::as_array)
                && !subs.iter().any(|sub| self.fits(value, sub, depth + 1))
            {
                return false;
            }
        }
        if let Some(all) = s.get("allOf").and_then(Value::as_array)
            && !all.iter().all(|sub| self.fits(value, sub, depth + 1))
        {
            return false;
        }
        if let Some(values) = s.get("enum").and_then(Value::as_array)
            && !values.contains(value)
        {
            return false;
        }
        if let Some(types) = s.get("type") {
            let ok = |t: &Value| match t.as_str() {
                Some("object") => value.is_object(),
                Some("array") => value.is_array(),
                Some("string") => value.is_string(),
                Some("integer") => value.is_i64() || value.is_u64(),
                Some("number") => value.is_number(),
                Some("boolean") => value.is_boolean(),
                Some("null") => value.is_null(),
                _ => true,
            };
            let fits = match types {
                Value::Array(list) => list.iter().any(ok),
                t => ok(t),
            };
            if !fits {
                return false;
            }
        }
        if let Value::Object(map) = value {
            if let Some(required) = s.get("required").and_then(Value::as_array)
                && required
                    .iter()
                    .filter_map(Value::as_str)
                    .any(|r| !map.contains_key(r))
            {
                return false;
            }
            if let Some(properties) = s.get("properties").and_then(Value::as_object) {
                for (key, sub) in properties {
                    if let Some(v) = map.get(key) {
                        let sub = self.resolve_owned(sub);
                        if sub.get("enum").is_some() && !self.fits(v, &sub, depth + 1) {
                            return false;
                        }
                    }
                }
            }
        }
        true
    }

    /// A value no schema describes: redact by field name.
    fn free_form(&mut self, value: &mut Value, path: &str, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match value {
            Value::Object(map) => {
                for (key, v) in map.iter_mut() {
                    let path = child(path, key);
                    self.free_form_entry(key, v, &path, depth + 1);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter_mut().enumerate() {
                    self.free_form(v, &format!("{path}[{i}]"), depth + 1);
                }
            }
            _ => {}
        }
    }

    fn free_form_entry(&mut self, key: &str, value: &mut Value, path: &str, depth: usize) {
        let secret_text = value
            .as_str()
            .is_some_and(|s| !s.is_empty() && s != AWX_ENCRYPTED && s != REDACTED);
        if looks_like_secret_name(key) && secret_text {
            *value = Value::String(REDACTED.into());
            self.found.push(path.to_string());
        } else {
            self.free_form(value, path, depth);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ankra, awx, netapp_astra, oci_aidp, tines};
    use serde_json::json;

    fn run<T: schemars::JsonSchema>(mut value: Value) -> (Value, Vec<String>) {
        let schema = schemars::schema_for!(T);
        let found = redact(&mut value, &schema);
        (value, found)
    }

    #[test]
    fn secret_token_pairs_and_unknown_variants() {
        let (v, found) = run::<oci_aidp::types::Credential>(json!({
            "key": "k", "displayName": "d", "type": "SECRET_TOKEN",
            "credentialDetails": {"credentialType": "SECRET_TOKEN", "secretTokenPair": [
                {"secretKey": "api_user", "secretValue": "etl_reader_svc"},
                {"secretKey": "api_token", "secretValue": "pwk-EXAMPLE"}
            ]}
        }));
        assert_eq!(
            found,
            [
                "credentialDetails.secretTokenPair[0].secretValue",
                "credentialDetails.secretTokenPair[1].secretValue"
            ]
        );
        assert_eq!(
            v["credentialDetails"]["secretTokenPair"][1],
            json!({"secretKey": "api_token", "secretValue": REDACTED})
        );

        let (v, found) = run::<oci_aidp::types::Credential>(json!({
            "key": "k", "displayName": "d",
            "credentialDetails": {"credentialType": "SERVICE_ACCOUNT", "userId": "u",
                "fingerprint": "f", "tenancy": "t", "region": "r", "isReadOnly": true,
                "privateKey": "-----BEGIN PRIVATE KEY-----"}
        }));
        assert_eq!(found, ["credentialDetails.privateKey"]);
        assert_eq!(v["credentialDetails"]["fingerprint"], "f");

        let (v, found) = run::<oci_aidp::types::Credential>(json!({
            "key": "k", "displayName": "d",
            "credentialDetails": {"credentialType": "VAULT_REFERENCE", "secretId": "ocid1.vaultsecret"}
        }));
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(v["credentialDetails"]["secretId"], "ocid1.vaultsecret");

        // A variant newer than the client: redact by name, keep the rest.
        let (v, found) = run::<oci_aidp::types::Credential>(json!({
            "key": "k", "displayName": "d",
            "credentialDetails": {"credentialType": "OAUTH_CLIENT_CREDENTIALS",
                "clientId": "crm", "clientSecret": "s3cr3t", "tokenUrl": "https://x/token"}
        }));
        assert_eq!(found, ["credentialDetails.clientSecret"]);
        assert_eq!(v["credentialDetails"]["tokenUrl"], "https://x/token");
        assert_eq!(v["credentialDetails"]["clientId"], "crm");
    }

    #[test]
    fn ankra_optional_secrets() {
        let (v, found) = run::<ankra::types::Credential>(json!({
            "id": "5b1f0d2e-7c4a-4e8b-9a31-2f6d8c0e4a17", "name": "n",
            "access_key_id": "AKIA", "secret_access_key": "sak", "token": null
        }));
        assert_eq!(found, ["secret_access_key"]);
        assert_eq!(v["access_key_id"], "AKIA");
        assert_eq!(v["token"], Value::Null);
    }

    #[test]
    fn free_form_maps_by_name() {
        let (v, found) = run::<awx::types::Credential>(json!({
            "inputs": {"username": "deploy", "password": "$encrypted$", "vault_password": "plain!", "nested": {"api_key": "k"}}
        }));
        assert_eq!(found, ["inputs.nested.api_key", "inputs.vault_password"]);
        assert_eq!(v["inputs"]["password"], "$encrypted$");
        assert_eq!(v["inputs"]["username"], "deploy");

        let (v, found) = run::<tines::types::Credential>(json!({
            "metadata": {"base_url": "https://api.example.com", "client_secret": "x"}
        }));
        assert_eq!(found, ["metadata.client_secret"]);
        assert_eq!(v["metadata"]["base_url"], "https://api.example.com");
    }

    #[test]
    fn no_secrets_where_the_spec_has_none() {
        let body = json!({
            "type": "application/astra-credential", "version": "1.1",
            "id": "9a41e0d7", "name": "backup-bucket-eu", "keyType": "s3",
            "metadata": {"labels": [{"name": "a", "value": "b"}], "createdBy": "u"}
        });
        let (v, found) = run::<netapp_astra::types::Credential>(body.clone());
        assert!(found.is_empty());
        assert_eq!(v, body);
    }
}
