//! Forward-compatible wrappers: a server may add enum values and union
//! variants at any time; a client must keep them, not fail.

use std::fmt;
use std::str::FromStr;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An enum value from a server: one of the values the spec knows (`Known`),
/// or a value added since (`Unknown`, kept verbatim and re-serialized as is).
///
/// `K` is the generated closed enum (`Display` + `FromStr` over its wire
/// values).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OpenEnum<K> {
    /// A value listed in the spec.
    Known(K),
    /// A value the spec does not list (yet).
    Unknown(String),
}

impl<K> OpenEnum<K> {
    /// The known value, if it is one.
    pub fn known(&self) -> Option<&K> {
        match self {
            Self::Known(k) => Some(k),
            Self::Unknown(_) => None,
        }
    }

    /// Whether the server sent a value the spec does not list.
    pub fn is_unknown(&self) -> bool {
        matches!(self, Self::Unknown(_))
    }
}

impl<K: fmt::Display> OpenEnum<K> {
    /// The wire value.
    pub fn as_wire(&self) -> String {
        match self {
            Self::Known(k) => k.to_string(),
            Self::Unknown(s) => s.clone(),
        }
    }
}

impl<K> From<K> for OpenEnum<K> {
    fn from(k: K) -> Self {
        Self::Known(k)
    }
}

impl<K: FromStr> FromStr for OpenEnum<K> {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match K::from_str(s) {
            Ok(k) => Self::Known(k),
            Err(_) => Self::Unknown(s.to_string()),
        })
    }
}

impl<K: fmt::Display> fmt::Display for OpenEnum<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Known(k) => k.fmt(f),
            Self::Unknown(s) => f.write_str(s),
        }
    }
}

impl<K: fmt::Debug> fmt::Debug for OpenEnum<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Known(k) => k.fmt(f),
            Self::Unknown(s) => f.debug_tuple("Unknown").field(s).finish(),
        }
    }
}

impl<K: fmt::Display> Serialize for OpenEnum<K> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Known(k) => serializer.collect_str(k),
            Self::Unknown(s) => serializer.serialize_str(s),
        }
    }
}

impl<'de, K: FromStr> Deserialize<'de> for OpenEnum<K> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Ok(s.parse()
            .unwrap_or_else(|never: std::convert::Infallible| match never {}))
    }
}

/// A discriminated union from a server: a variant the spec knows, or an
/// object of a variant added since. The unknown object is kept whole and
/// re-serialized as is; its `Debug` shows only its field names (unknown
/// variants may carry secrets).
#[derive(Clone, PartialEq)]
pub enum OpenUnion<K> {
    /// A variant listed in the spec.
    Known(K),
    /// An object that matches no known variant.
    Unknown(UnknownObject),
}

impl<K> OpenUnion<K> {
    /// The known variant, if it is one.
    pub fn known(&self) -> Option<&K> {
        match self {
            Self::Known(k) => Some(k),
            Self::Unknown(_) => None,
        }
    }
}

impl<K: fmt::Debug> fmt::Debug for OpenUnion<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Known(k) => k.fmt(f),
            Self::Unknown(u) => u.fmt(f),
        }
    }
}

impl<K: Serialize> Serialize for OpenUnion<K> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Known(k) => k.serialize(serializer),
            Self::Unknown(u) => u.0.serialize(serializer),
        }
    }
}

impl<'de, K: DeserializeOwned> Deserialize<'de> for OpenUnion<K> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        match K::deserialize(&value) {
            Ok(k) => Ok(Self::Known(k)),
            Err(known_err) => match value {
                serde_json::Value::Object(map) => Ok(Self::Unknown(UnknownObject(map))),
                _ => Err(serde::de::Error::custom(known_err)),
            },
        }
    }
}

/// The raw object of an unknown union variant.
#[derive(Clone, PartialEq)]
pub struct UnknownObject(pub serde_json::Map<String, serde_json::Value>);

impl UnknownObject {
    /// The string value of `field` (e.g. the discriminator), if present.
    pub fn str_field(&self, field: &str) -> Option<&str> {
        self.0.get(field).and_then(serde_json::Value::as_str)
    }
}

impl fmt::Debug for UnknownObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Field names only: the values of a variant we do not know may be secret.
        f.debug_struct("Unknown")
            .field("fields", &self.0.keys().collect::<Vec<_>>())
            .finish()
    }
}

#[cfg(feature = "schema")]
fn any_of(
    known: schemars::schema::Schema,
    other: schemars::schema::InstanceType,
    description: &str,
) -> schemars::schema::Schema {
    use schemars::schema::{Metadata, SchemaObject, SubschemaValidation};
    let fallback = SchemaObject {
        instance_type: Some(other.into()),
        metadata: Some(Box::new(Metadata {
            description: Some(description.to_string()),
            ..Default::default()
        })),
        ..Default::default()
    };
    SchemaObject {
        subschemas: Some(Box::new(SubschemaValidation {
            any_of: Some(vec![known, fallback.into()]),
            ..Default::default()
        })),
        ..Default::default()
    }
    .into()
}

#[cfg(feature = "schema")]
impl<K: schemars::JsonSchema> schemars::JsonSchema for OpenEnum<K> {
    fn schema_name() -> String {
        format!("Open{}", K::schema_name())
    }

    fn is_referenceable() -> bool {
        false
    }

    fn json_schema(generator: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        any_of(
            generator.subschema_for::<K>(),
            schemars::schema::InstanceType::String,
            "A value the API added after this client was generated (kept verbatim).",
        )
    }
}

#[cfg(feature = "schema")]
impl<K: schemars::JsonSchema> schemars::JsonSchema for OpenUnion<K> {
    fn schema_name() -> String {
        format!("Open{}", K::schema_name())
    }

    fn is_referenceable() -> bool {
        false
    }

    fn json_schema(generator: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        any_of(
            generator.subschema_for::<K>(),
            schemars::schema::InstanceType::Object,
            "A variant the API added after this client was generated (kept verbatim).",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Color {
        Red,
    }
    impl fmt::Display for Color {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("RED")
        }
    }
    impl FromStr for Color {
        type Err = ();
        fn from_str(s: &str) -> Result<Self, ()> {
            if s == "RED" { Ok(Color::Red) } else { Err(()) }
        }
    }

    #[test]
    fn enum_keeps_unknown_values_and_round_trips() {
        let known: OpenEnum<Color> = serde_json::from_str("\"RED\"").unwrap();
        assert_eq!(known, OpenEnum::Known(Color::Red));
        let unknown: OpenEnum<Color> = serde_json::from_str("\"ULTRAVIOLET\"").unwrap();
        assert_eq!(unknown, OpenEnum::Unknown("ULTRAVIOLET".into()));
        assert_eq!(serde_json::to_string(&unknown).unwrap(), "\"ULTRAVIOLET\"");
        assert_eq!(serde_json::to_string(&known).unwrap(), "\"RED\"");
        assert!(serde_json::from_str::<OpenEnum<Color>>("3").is_err());
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(tag = "kind")]
    enum Shape {
        #[serde(rename = "CIRCLE")]
        Circle { r: f64 },
    }

    #[test]
    fn union_keeps_unknown_variants_and_hides_their_values() {
        let u: OpenUnion<Shape> =
            serde_json::from_str(r#"{"kind":"HEX","secret":"s3cr3t"}"#).unwrap();
        let OpenUnion::Unknown(obj) = &u else {
            panic!("expected unknown")
        };
        assert_eq!(obj.str_field("kind"), Some("HEX"));
        assert!(!format!("{u:?}").contains("s3cr3t"));
        assert_eq!(
            serde_json::to_value(&u).unwrap(),
            serde_json::json!({"kind":"HEX","secret":"s3cr3t"})
        );
        let k: OpenUnion<Shape> = serde_json::from_str(r#"{"kind":"CIRCLE","r":1.5}"#).unwrap();
        assert_eq!(k.known(), Some(&Shape::Circle { r: 1.5 }));
        assert!(serde_json::from_str::<OpenUnion<Shape>>("[1]").is_err());
    }
}
