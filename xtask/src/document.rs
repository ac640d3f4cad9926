//! Reading an OpenAPI document as JSON: `$ref`s, path templates, method
//! names as progenitor makes them, media types, the credential operation.
//! What every later stage (rules, pagination, normalization, rendering)
//! shares (`crate::spec` re-exports it).

use serde_json::Value;

use crate::error::{escape_pointer_token, pointer};

/// The HTTP methods an OpenAPI path item may hold.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

pub(crate) fn url_has_no_host(url: &str) -> bool {
    let after = url.split_once("://").map_or("", |(_, rest)| rest);
    let authority = after.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit('@').next().unwrap_or_default();
    host.is_empty() || host.starts_with(':')
}

/// The security schemes the runtime can apply, by their `type`/`scheme`.
pub fn supported_scheme(scheme: &Value) -> bool {
    let kind = scheme.get("type").and_then(Value::as_str);
    let http = scheme
        .get("scheme")
        .and_then(Value::as_str)
        .map(str::to_ascii_lowercase);
    match (kind, http.as_deref()) {
        (Some("http"), Some("bearer" | "basic")) => true,
        (Some("http"), Some("signature")) => {
            scheme
                .get("x-credential-clients-auth")
                .and_then(Value::as_str)
                == Some("oci-signature")
        }
        (Some("apiKey"), _) => scheme.get("in").and_then(Value::as_str) == Some("header"),
        (Some("oauth2" | "openIdConnect"), _) => true,
        _ => false,
    }
}

/// The extension that marks the "read one credential" operation.
pub const CREDENTIAL_EXTENSION: &str = "x-credential-clients-credential";

/// The operation that reads one credential.
#[derive(Debug)]
pub struct CredentialOperation<'a> {
    /// Its Rust method name (snake case).
    pub name: String,
    /// Lower-case HTTP method.
    pub method: String,
    /// JSON pointer of the operation.
    pub pointer: String,
    /// The operation.
    pub op: &'a Value,
}

/// Find the credential operation: the one marked
/// `x-credential-clients-credential: true`, else the one whose method name
/// is `get_credential`, else the only GET of the document.
pub fn credential_operation(doc: &Value) -> Option<CredentialOperation<'_>> {
    let paths = doc.get("paths")?.as_object()?;
    let mut all = Vec::new();
    for (path, item) in paths {
        for method in METHODS {
            if let Some(op) = item.get(method).filter(|o| o.is_object()) {
                all.push(CredentialOperation {
                    name: method_name(op, method, path),
                    method: method.to_string(),
                    pointer: format!("{}/{method}", pointer(&["paths", path])),
                    op,
                });
            }
        }
    }
    if let Some(i) = all
        .iter()
        .position(|c| c.op.get(CREDENTIAL_EXTENSION) == Some(&Value::Bool(true)))
    {
        return Some(all.swap_remove(i));
    }
    if let Some(i) = all.iter().position(|c| c.name == "get_credential") {
        return Some(all.swap_remove(i));
    }
    let gets: Vec<usize> = (0..all.len()).filter(|&i| all[i].method == "get").collect();
    match gets.as_slice() {
        [only] => Some(all.swap_remove(*only)),
        _ => None,
    }
}

/// The path template of the operation at `op_pointer` (`/paths/~1a~1{id}/get`).
pub fn credential_path(doc: &Value, op_pointer: &str) -> String {
    let _ = doc;
    let token = op_pointer
        .strip_prefix("/paths/")
        .and_then(|rest| rest.rsplit_once('/'))
        .map(|(path, _)| path)
        .unwrap_or_default();
    token.replace("~1", "/").replace("~0", "~")
}

/// The Rust method name progenitor gives an operation: its `operationId`
/// in snake case (`getSecret` -> `get_secret`, `kv-v2-read` ->
/// `kv_v2_read`), or, without one, one made from the method and path
/// (`get /secrets/{id}` -> `get_secrets_id`; the normalization writes it
/// into the document so progenitor sees the same).
pub fn method_name(op: &Value, method: &str, path: &str) -> String {
    let raw = match op.get("operationId").and_then(Value::as_str) {
        Some(id) if !id.trim().is_empty() => id.to_string(),
        _ => format!("{method} {path}"),
    };
    sanitize_snake(&raw)
}

/// progenitor's `sanitize(.., Case::Snake)`: quotes dropped, every
/// character that cannot continue an identifier becomes `-`, then heck's
/// snake case; a leading digit gets `_`.
pub fn sanitize_snake(input: &str) -> String {
    use heck::ToSnakeCase;
    let cleaned: String = input
        .replace('\'', "")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let out = cleaned.to_snake_case();
    match out.chars().next() {
        None => "x".to_string(),
        Some(c) if c.is_alphabetic() || c == '_' => out,
        Some(_) => format!("_{out}"),
    }
}

/// PascalCase (our own names, not progenitor's: the alias and the schema
/// name it targets both come from here) of `get_credential`, `opc-request-id`, `keyType`.
pub fn pascal(s: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            if upper {
                out.push(c.to_ascii_uppercase());
                upper = false;
            } else {
                out.push(c);
            }
        } else {
            upper = true;
        }
    }
    out
}

pub(crate) fn is_success(status: &str) -> bool {
    status.starts_with('2')
}

/// `application/json`, `application/problem+json`, `application/x+json; v=1`.
pub fn is_json_media_type(mt: &str) -> bool {
    let essence = mt
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Follow a local `$ref` (one level after another); unresolvable refs return
/// the node itself (they are reported by `check_refs`).
pub fn resolve<'a>(doc: &'a Value, mut v: &'a Value) -> &'a Value {
    for _ in 0..16 {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) if r.starts_with("#/") => match doc.pointer(&r[1..]) {
                Some(target) => v = target,
                None => return v,
            },
            _ => return v,
        }
    }
    v
}

/// `{name}` placeholders of a path or server URL template, in order.
pub fn template_names(template: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                names.push(after[..end].to_string());
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    names
}

/// Visit every node with its JSON pointer.
pub fn walk(v: &Value, at: &mut String, f: &mut impl FnMut(&Value, &str)) {
    f(v, at);
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let len = at.len();
                at.push('/');
                at.push_str(&escape_pointer_token(k));
                walk(child, at, f);
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let len = at.len();
                at.push('/');
                at.push_str(&i.to_string());
                walk(child, at, f);
                at.truncate(len);
            }
        }
        _ => {}
    }
}
