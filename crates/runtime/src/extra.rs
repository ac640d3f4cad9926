//! [`Extra`]: a free-form JSON object — the unknown properties the server
//! sent beside the known ones (kept and written back, so nothing is lost on
//! a read-edit-write), and objects the spec leaves free-form (AWX `inputs`,
//! Tines `metadata`).
//!
//! `Debug` shows every key, and the values of keys that do not look secret
//! ([`crate::names::is_secret_name`]); values under secret-looking keys are
//! printed as `<redacted>`, at every depth.

use std::fmt;
use std::ops::{Deref, DerefMut};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::names::is_secret_name;
use crate::secret::REDACTED;

/// A JSON object whose `Debug` redacts values under secret-looking keys.
#[derive(Clone, PartialEq, Default)]
pub struct Extra(pub Map<String, Value>);

impl Extra {
    /// An empty object.
    pub fn new() -> Self {
        Self::default()
    }

    /// The underlying map.
    pub fn into_inner(self) -> Map<String, Value> {
        self.0
    }
}

impl Deref for Extra {
    type Target = Map<String, Value>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl DerefMut for Extra {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl From<Map<String, Value>> for Extra {
    fn from(map: Map<String, Value>) -> Self {
        Self(map)
    }
}

impl From<Extra> for Map<String, Value> {
    fn from(extra: Extra) -> Self {
        extra.0
    }
}

impl FromIterator<(String, Value)> for Extra {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

impl IntoIterator for Extra {
    type Item = (String, Value);
    type IntoIter = serde_json::map::IntoIter;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Extra {
    type Item = (&'a String, &'a Value);
    type IntoIter = serde_json::map::Iter<'a>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl Serialize for Extra {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Extra {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Map::deserialize(deserializer).map(Self)
    }
}

/// `Debug` of a JSON value with the values of secret-looking keys redacted.
struct Shown<'a>(&'a Value);

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Value::Object(map) => fmt_map(map, f),
            Value::Array(items) => f.debug_list().entries(items.iter().map(Shown)).finish(),
            other => fmt::Debug::fmt(other, f),
        }
    }
}

struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

fn fmt_map(map: &Map<String, Value>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let mut m = f.debug_map();
    for (k, v) in map {
        if is_secret_name(k) && !v.is_null() {
            m.entry(k, &Redacted);
        } else {
            m.entry(k, &Shown(v));
        }
    }
    m.finish()
}

impl fmt::Debug for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_map(&self.0, f)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Extra {
    fn schema_name() -> String {
        "Extra".to_string()
    }

    fn is_referenceable() -> bool {
        false
    }

    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        use schemars::schema::{InstanceType, ObjectValidation, Schema, SchemaObject};
        SchemaObject {
            instance_type: Some(InstanceType::Object.into()),
            object: Some(Box::new(ObjectValidation {
                additional_properties: Some(Box::new(Schema::Bool(true))),
                ..Default::default()
            })),
            ..Default::default()
        }
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_secret_keys_at_every_depth() {
        let extra: Extra = serde_json::from_str(
            r#"{"username":"deploy","password":"hunter2","nested":{"api_key":"k-123","list":[{"clientSecret":"s3"}]},"token_type":"bearer"}"#,
        )
        .unwrap();
        let shown = format!("{extra:?}");
        for secret in ["hunter2", "k-123", "s3"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(
            shown.contains("deploy") && shown.contains("bearer"),
            "{shown}"
        );
        assert!(shown.contains("\"password\": <redacted>"), "{shown}");
    }

    #[test]
    fn round_trips_unchanged() {
        let text = r#"{"b":1,"a":{"password":"x"},"c":[null,true]}"#;
        let extra: Extra = serde_json::from_str(text).unwrap();
        let back: Value = serde_json::to_value(&extra).unwrap();
        assert_eq!(back, serde_json::from_str::<Value>(text).unwrap());
    }
}
