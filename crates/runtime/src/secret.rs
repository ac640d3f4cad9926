//! A string that never prints itself.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The text printed instead of a secret.
pub const REDACTED: &str = "<redacted>";

/// A secret string: a token, a password, a private key, a secret field of a
/// response. `Debug` and `Display` print `<redacted>`; the value is reachable
/// only through [`Secret::expose_secret`]. It (de)serializes as the real
/// string, so responses round-trip.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Secret(String);

impl Secret {
    /// Wrap a value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret value. Every call site that reads a secret says so.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// Whether the value is empty (safe to ask: it reveals nothing else).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_string())
    }
}

impl From<&String> for Secret {
    fn from(value: &String) -> Self {
        Self(value.clone())
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_string()))
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Secret {
    fn schema_name() -> String {
        "Secret".to_string()
    }

    fn is_referenceable() -> bool {
        false
    }

    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        use schemars::schema::{InstanceType, Metadata, SchemaObject};
        SchemaObject {
            instance_type: Some(InstanceType::String.into()),
            format: Some("password".to_string()),
            metadata: Some(Box::new(Metadata {
                description: Some(
                    "Secret material; printed as <redacted> by credential-clients.".to_string(),
                ),
                ..Default::default()
            })),
            ..Default::default()
        }
        .into()
    }
}

/// A credential returned as a non-JSON body (`text/plain`,
/// `application/octet-stream`: Conjur returns the secret value itself).
/// `Debug` prints only its length; the bytes are reachable through
/// [`SecretBody::expose_secret`]. It serializes as `<redacted>` text only
/// through tools that redact `format: password`; serde writes the real text.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct SecretBody(Vec<u8>);

impl SecretBody {
    /// Wrap a body.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Self(bytes.into())
    }

    /// The raw bytes.
    pub fn expose_secret(&self) -> &[u8] {
        &self.0
    }

    /// The body as UTF-8 text, if it is.
    pub fn expose_text(&self) -> Option<&str> {
        std::str::from_utf8(&self.0).ok()
    }

    /// The body as a [`Secret`] string (invalid UTF-8 replaced).
    pub fn to_secret(&self) -> Secret {
        Secret(String::from_utf8_lossy(&self.0).into_owned())
    }

    /// The length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the body is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{REDACTED} ({} bytes)", self.0.len())
    }
}

impl Serialize for SecretBody {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&String::from_utf8_lossy(&self.0))
    }
}

impl<'de> Deserialize<'de> for SecretBody {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|s| Self(s.into_bytes()))
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for SecretBody {
    fn schema_name() -> String {
        "SecretBody".to_string()
    }

    fn is_referenceable() -> bool {
        false
    }

    fn json_schema(generator: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        Secret::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_the_value() {
        let s = Secret::new("hunter2-token");
        assert_eq!(format!("{s:?}"), REDACTED);
        assert_eq!(format!("{s}"), REDACTED);
        assert_eq!(
            format!("{:#?}", Some(s.clone())),
            format!("Some(\n    {REDACTED},\n)")
        );
        assert_eq!(s.expose_secret(), "hunter2-token");
    }

    #[test]
    fn round_trips_the_real_value() {
        let s: Secret = serde_json::from_str("\"abc\"").unwrap();
        assert_eq!(s.expose_secret(), "abc");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"abc\"");
        assert!(serde_json::from_str::<Secret>("1").is_err());
    }

    #[test]
    fn secret_bodies_print_only_their_length() {
        let b = SecretBody::new(b"conjur-secret-value".to_vec());
        assert_eq!(format!("{b:?}"), "<redacted> (19 bytes)");
        assert_eq!(b.expose_text(), Some("conjur-secret-value"));
    }
}
