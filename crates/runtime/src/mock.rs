//! Path matching for the generated httpmock mocks (feature `mock`).
//!
//! progenitor's generated mocks put a path value into a regex unescaped and
//! compare it with the raw, percent-encoded request path: `a.b` also matched
//! `aXb`, and `a b` never matched the `a%20b` a client sends. The xtask
//! points those mocks here instead: a path value matches exactly the
//! requests whose segment percent-decodes to that value, and route constants
//! are matched literally.

use regex::Regex;

/// Characters a client may send unencoded in a path segment (RFC 3986
/// unreserved and sub-delims, `:` and `@`); anything else must arrive
/// percent-encoded.
fn may_be_literal(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@".contains(c)
}

fn hex_byte(b: u8) -> String {
    format!("{b:02X}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphabetic() {
                format!("[{}{}]", c, c.to_ascii_lowercase())
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
}

/// A regex fragment matching every percent-encoding of `value` as one path
/// segment (each character literal where allowed, or `%XX` in either case).
pub fn segment_regex(value: &str) -> String {
    let mut out = String::new();
    for c in value.chars() {
        let mut buf = [0u8; 4];
        let encoded: String = c
            .encode_utf8(&mut buf)
            .bytes()
            .map(|b| format!("%{}", hex_byte(b)))
            .collect();
        if may_be_literal(c) {
            out.push_str(&format!(
                "(?:{}|{})",
                regex::escape(&c.to_string()),
                encoded
            ));
        } else {
            out.push_str(&encoded);
        }
    }
    out
}

/// Route constants escaped; `wildcard` (progenitor's marker for "another
/// parameter") becomes one non-empty segment.
fn route_part(part: &str, wildcard: &str) -> String {
    part.split(wildcard)
        .map(regex::escape)
        .collect::<Vec<_>>()
        .join("[^/]+")
}

fn unanchor(template: &str) -> &str {
    template
        .strip_prefix('^')
        .unwrap_or(template)
        .strip_suffix('$')
        .unwrap_or(template)
}

/// The regex for a route as progenitor writes it (`^/a/[^/]*/b$`): constants
/// literal, each parameter one non-empty segment.
pub fn route_regex(progenitor_route: &str) -> Result<Regex, regex::Error> {
    Regex::new(&format!(
        "^{}$",
        route_part(unanchor(progenitor_route), "[^/]*")
    ))
}

/// The regex for a route with one parameter fixed to `value`, from
/// progenitor's format string (`^/a/{}/b/.*$`: `{}` is this parameter, `.*`
/// the others).
pub fn param_path_regex(progenitor_format: &str, value: &str) -> Result<Regex, regex::Error> {
    let template = unanchor(progenitor_format);
    let (before, after) = template.split_once("{}").unwrap_or((template, ""));
    Regex::new(&format!(
        "^{}{}{}$",
        route_part(before, ".*"),
        segment_regex(value),
        route_part(after, ".*")
    ))
}

/// The regex for an OpenAPI path template (`/a/{id}/b`): constants
/// literal, each `{parameter}` one non-empty segment.
pub fn template_regex(template: &str) -> Result<Regex, regex::Error> {
    let mut out = String::from("^");
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&regex::escape(&rest[..start]));
        match rest[start..].find('}') {
            Some(end) => {
                out.push_str("[^/]+");
                rest = &rest[start + end + 1..];
            }
            None => {
                out.push_str(&regex::escape(&rest[start..]));
                rest = "";
            }
        }
    }
    out.push_str(&regex::escape(rest));
    out.push('$');
    Regex::new(&out)
}

/// A mock's query or header value as text: a string as itself, anything
/// else (numbers, booleans, typify newtypes) as its JSON text.
pub fn param_text<T: serde::Serialize + ?Sized>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// JSON equality for round trips: a `null` or empty-list member equals an
/// absent one (generated types skip both when writing), and numbers compare
/// by value (`1` equals `1.0`).
pub fn same_json(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_json(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            keys.into_iter().all(|k| match (x.get(k), y.get(k)) {
                (Some(a), Some(b)) => same_json(a, b),
                (Some(v), None) | (None, Some(v)) => {
                    v.is_null() || v.as_array().is_some_and(Vec::is_empty)
                }
                _ => false,
            })
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(format: &str, value: &str, path: &str) -> bool {
        param_path_regex(format, value).unwrap().is_match(path)
    }

    #[test]
    fn values_match_exactly_after_percent_decoding() {
        let f = "^/creds/{}$";
        assert!(matches(f, "a.b+c", "/creds/a.b+c"));
        assert!(matches(f, "a.b+c", "/creds/a%2Eb%2bc"));
        assert!(
            !matches(f, "a.b+c", "/creds/aXb+c"),
            "`.` is not a wildcard"
        );
        assert!(
            !matches(f, "a.b+c", "/creds/a.bbc"),
            "`+` is not a quantifier"
        );
        assert!(matches(f, "a b", "/creds/a%20b"));
        assert!(!matches(f, "a b", "/creds/a b"));
        assert!(matches(f, "a/b", "/creds/a%2Fb"));
        assert!(
            !matches(f, "a/b", "/creds/a/b"),
            "an encoded slash is not a separator"
        );
        assert!(matches(f, "ключ", "/creds/%D0%BA%D0%BB%D1%8E%D1%87"));
        assert!(matches(f, "(x)*", "/creds/(x)*"));
        assert!(!matches(f, "(x)*", "/creds/xxx"));
        assert!(!matches(f, "a", "/creds/ab"));
        assert!(!matches(f, "a", "/creds/a/extra"));
    }

    #[test]
    fn templates_and_lenient_json() {
        let r = template_regex("/secrets/{account}/{kind}/x.y").unwrap();
        assert!(r.is_match("/secrets/a/b/x.y"));
        assert!(!r.is_match("/secrets/a/b/xzy"));
        assert!(!r.is_match("/secrets/a/b/c/x.y"));
        let a = serde_json::json!({"a": 1, "b": null, "c": [1.0]});
        let b = serde_json::json!({"a": 1.0, "c": [1]});
        assert!(same_json(&a, &b));
        assert!(!same_json(&a, &serde_json::json!({"a": 2, "c": [1]})));
        assert!(!same_json(
            &a,
            &serde_json::json!({"a": 1, "c": [1], "d": 0})
        ));
    }

    #[test]
    fn other_parameters_and_constants() {
        let f = "^/v1.0/accounts/.*/creds/{}$";
        assert!(matches(f, "k", "/v1.0/accounts/acc-1/creds/k"));
        assert!(
            !matches(f, "k", "/v1x0/accounts/acc-1/creds/k"),
            "constants are literal"
        );
        assert!(
            !matches(f, "k", "/v1.0/accounts/a/b/creds/k"),
            "a parameter is one segment"
        );
        let r = route_regex("^/v1.0/accounts/[^/]*/creds/[^/]*$").unwrap();
        assert!(r.is_match("/v1.0/accounts/a/creds/b"));
        assert!(!r.is_match("/v1x0/accounts/a/creds/b"));
        assert!(!r.is_match("/v1.0/accounts/a/x/creds/b"));
    }
}
