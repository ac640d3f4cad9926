//! YAML text to the JSON value the rules and the generator read: mapping
//! keys that YAML reads as numbers or booleans become strings.

use super::*;

/// Parse YAML text into a JSON value. Mapping keys that YAML reads as numbers
/// or booleans (`200:`) become strings, as OpenAPI means them.
pub fn parse_yaml(file: &Path, text: &str) -> Result<Value, SpecError> {
    let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).map_err(|e| {
        let mut err = SpecError::new(file, "", Rule::YamlSyntax, yaml_message(&e));
        err.location = e.location().map(|l| (l.line(), l.column()));
        err
    })?;
    yaml_to_json(file, yaml, &mut Vec::new())
}

pub(super) fn yaml_message(e: &serde_yaml_ng::Error) -> String {
    // The library appends " at line X column Y"; we print the location ourselves.
    let text = e.to_string();
    match text.find(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

pub(super) fn yaml_to_json(
    file: &Path,
    value: serde_yaml_ng::Value,
    at: &mut Vec<String>,
) -> Result<Value, SpecError> {
    use serde_yaml_ng::Value as Y;
    Ok(match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f)
                    .map(Value::Number)
                    .ok_or_else(|| {
                        SpecError::new(
                            file,
                            ptr_of(at),
                            Rule::YamlSyntax,
                            "a number that JSON cannot represent (NaN or infinity)",
                        )
                    })?
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                at.push(i.to_string());
                out.push(yaml_to_json(file, item, at)?);
                at.pop();
            }
            Value::Array(out)
        }
        Y::Mapping(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => {
                        return Err(SpecError::new(
                            file,
                            ptr_of(at),
                            Rule::YamlSyntax,
                            format!("a mapping key must be a scalar, found {other:?}"),
                        ));
                    }
                };
                at.push(key.clone());
                let v = yaml_to_json(file, v, at)?;
                at.pop();
                out.insert(key, v);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => {
            return Err(SpecError::new(
                file,
                ptr_of(at),
                Rule::YamlSyntax,
                format!("YAML tags are not allowed in specs (found !{})", tagged.tag),
            ));
        }
    })
}

pub(super) fn ptr_of(at: &[String]) -> String {
    at.iter()
        .map(|t| format!("/{}", escape_pointer_token(t)))
        .collect()
}
