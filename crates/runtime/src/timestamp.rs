//! [`Timestamp`]: a `format: date-time` value that never fails a response.
//!
//! Vendors send more ISO 8601 forms than RFC 3339 allows: NetApp's
//! `type_astra_time` pattern permits a comma before the fraction
//! (`2024-03-11T14:05:02,42Z`), FastAPI servers send naive timestamps
//! without an offset (`2024-03-11T14:05:02.123456`), some send a space for
//! `T`, a lower-case `z`, a `+0000` offset without a colon, or a bare date.
//! [`Timestamp`] parses all of them, treats a naive time as UTC (and says so
//! through [`Timestamp::has_offset`]), and keeps a value that still does not
//! parse as its original text, as `OpenEnum` keeps an unknown enum value.
//! It always serializes the text it was given, so bodies round-trip exactly.

use std::cmp::Ordering;
use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A date-time as the server sent it, with its parsed value when it parses.
#[derive(Clone)]
pub struct Timestamp {
    text: String,
    parsed: Option<DateTime<FixedOffset>>,
    has_offset: bool,
}

impl Timestamp {
    /// Parse `text` (any of the accepted forms); an unparseable text is kept.
    pub fn new(text: impl Into<String>) -> Self {
        let text = text.into();
        let (parsed, has_offset) = match parse(&text) {
            Some((dt, offset)) => (Some(dt), offset),
            None => (None, false),
        };
        Self {
            text,
            parsed,
            has_offset,
        }
    }

    /// The parsed instant, if the text is a date-time this type understands.
    pub fn parsed(&self) -> Option<DateTime<FixedOffset>> {
        self.parsed
    }

    /// The parsed instant in UTC.
    pub fn utc(&self) -> Option<DateTime<Utc>> {
        self.parsed.map(|d| d.with_timezone(&Utc))
    }

    /// The text exactly as the server sent it.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the text carried an offset (`Z`, `+02:00`); naive times are
    /// read as UTC.
    pub fn has_offset(&self) -> bool {
        self.has_offset
    }

    /// Whether the text parsed.
    pub fn is_valid(&self) -> bool {
        self.parsed.is_some()
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(dt: DateTime<Utc>) -> Self {
        Self {
            text: dt.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            parsed: Some(dt.fixed_offset()),
            has_offset: true,
        }
    }
}

impl From<DateTime<FixedOffset>> for Timestamp {
    fn from(dt: DateTime<FixedOffset>) -> Self {
        Self {
            text: dt.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            parsed: Some(dt),
            has_offset: true,
        }
    }
}

impl From<&str> for Timestamp {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl From<String> for Timestamp {
    fn from(text: String) -> Self {
        Self::new(text)
    }
}

impl std::str::FromStr for Timestamp {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::new(s))
    }
}

/// Parse the accepted forms; the bool says whether an offset was present.
fn parse(text: &str) -> Option<(DateTime<FixedOffset>, bool)> {
    let t = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Some((dt, true));
    }
    // Normalize: `,` fraction -> `.`, space or `t` -> `T`, `z` -> `Z`.
    let mut s: String = t.replace(',', ".");
    if s.len() > 10 && s.is_char_boundary(10) {
        let (date, rest) = s.split_at(10);
        let rest = rest
            .strip_prefix(' ')
            .or_else(|| rest.strip_prefix('t'))
            .map(|r| format!("T{r}"))
            .unwrap_or_else(|| rest.to_string());
        s = format!("{date}{rest}");
    }
    if let Some(stripped) = s.strip_suffix('z') {
        s = format!("{stripped}Z");
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(&s) {
        return Some((dt, true));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M%z"] {
        if let Ok(dt) = DateTime::parse_from_str(&s, format) {
            return Some((dt, true));
        }
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(&s, format) {
            return Some((naive.and_utc().fixed_offset(), false));
        }
    }
    if let Ok(date) = NaiveDate::parse_from_str(&s, "%Y-%m-%d") {
        return Some((date.and_hms_opt(0, 0, 0)?.and_utc().fixed_offset(), false));
    }
    None
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.parsed {
            Some(_) => write!(f, "{:?}", self.text),
            None => write!(f, "Unparsed({:?})", self.text),
        }
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl PartialEq for Timestamp {
    /// Equal instants are equal whatever their text; unparsed values compare
    /// by text.
    fn eq(&self, other: &Self) -> bool {
        match (self.parsed, other.parsed) {
            (Some(a), Some(b)) => a == b,
            (None, None) => self.text == other.text,
            _ => false,
        }
    }
}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        match (self.parsed, other.parsed) {
            (Some(a), Some(b)) => a.partial_cmp(&b),
            (None, None) => self.text.partial_cmp(&other.text),
            _ => None,
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Timestamp {
    fn schema_name() -> String {
        "Timestamp".to_string()
    }

    fn is_referenceable() -> bool {
        false
    }

    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        use schemars::schema::{InstanceType, SchemaObject};
        SchemaObject {
            instance_type: Some(InstanceType::String.into()),
            format: Some("date-time".to_string()),
            ..Default::default()
        }
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> String {
        Timestamp::new(text).utc().unwrap().to_rfc3339()
    }

    #[test]
    fn accepts_the_iso_8601_forms_vendors_send() {
        let want = "2024-03-11T14:05:02.420+00:00";
        for text in [
            "2024-03-11T14:05:02.42Z",
            "2024-03-11T14:05:02,42Z",
            "2024-03-11t14:05:02.42z",
            "2024-03-11 14:05:02.42Z",
            "2024-03-11T14:05:02.42+00:00",
            "2024-03-11T14:05:02.42+0000",
            "2024-03-11T16:05:02.42+02:00",
            "2024-03-11T14:05:02.420000",
        ] {
            assert_eq!(utc(text), want, "{text}");
        }
        assert!(!Timestamp::new("2024-03-11T14:05:02").has_offset());
        assert!(Timestamp::new("2024-03-11T14:05:02Z").has_offset());
        assert_eq!(utc("2024-03-11"), "2024-03-11T00:00:00+00:00");
        assert_eq!(
            utc("2383-10-19T23:56:40,42Z"),
            "2383-10-19T23:56:40.420+00:00"
        );
    }

    #[test]
    fn keeps_what_does_not_parse_and_round_trips_the_text() {
        for text in [
            "yesterday",
            "",
            "2024-13-45T99:00:00Z",
            "2024-03-11T14:05:02,42Z",
        ] {
            let ts: Timestamp = serde_json::from_value(serde_json::json!(text)).unwrap();
            assert_eq!(ts.as_str(), text);
            assert_eq!(serde_json::to_value(&ts).unwrap(), serde_json::json!(text));
        }
        assert!(!Timestamp::new("yesterday").is_valid());
        assert_eq!(
            format!("{:?}", Timestamp::new("yesterday")),
            "Unparsed(\"yesterday\")"
        );
        assert!(serde_json::from_str::<Timestamp>("12").is_err());
    }

    #[test]
    fn compares_instants() {
        assert_eq!(
            Timestamp::new("2024-03-11T16:05:02+02:00"),
            Timestamp::new("2024-03-11T14:05:02Z")
        );
        assert!(Timestamp::new("2024-03-11T14:05:03Z") > Timestamp::new("2024-03-11T14:05:02Z"));
    }
}
