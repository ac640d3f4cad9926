//! Loading a spec file and checking it against the rules the generator and
//! the project rely on. Every problem is reported as a [`SpecError`] naming the
//! file, the JSON pointer of the offending node and the rule; nothing panics.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::error::{Rule, SpecError, escape_pointer_token, pointer};

/// The HTTP methods an OpenAPI path item may hold.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// A loaded spec: its stem (the crate name stem) and its content as JSON.
#[derive(Debug, Clone)]
pub struct SpecFile {
    /// `ankra`, `netapp-astra`, ...
    pub stem: String,
    /// The path as the user named it (relative to the workspace root when
    /// discovered by the xtask).
    pub path: PathBuf,
    /// The document, converted from YAML to JSON values.
    pub doc: Value,
}

impl SpecFile {
    /// `netapp_astra` for `netapp-astra`.
    pub fn snake(&self) -> String {
        self.stem.replace('-', "_")
    }
}

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

fn yaml_message(e: &serde_yaml_ng::Error) -> String {
    // The library appends " at line X column Y"; we print the location ourselves.
    let text = e.to_string();
    match text.find(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

fn yaml_to_json(
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

fn ptr_of(at: &[String]) -> String {
    at.iter()
        .map(|t| format!("/{}", escape_pointer_token(t)))
        .collect()
}

/// Read and parse one spec file. `display_path` is how the file is named in
/// messages (normally relative to the workspace root).
pub fn load(full_path: &Path, display_path: &Path) -> Result<SpecFile, Vec<SpecError>> {
    let stem = display_path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string();
    let text = std::fs::read_to_string(full_path).map_err(|e| {
        vec![SpecError::new(
            display_path,
            "",
            Rule::YamlSyntax,
            format!("cannot read the file: {e}"),
        )]
    })?;
    let doc = parse_yaml(display_path, &text).map_err(|e| vec![e])?;
    let spec = SpecFile {
        stem,
        path: display_path.to_path_buf(),
        doc,
    };
    let errors = validate(&spec);
    if errors.is_empty() {
        Ok(spec)
    } else {
        Err(errors)
    }
}

/// Is `stem` usable as a crate name stem (`[a-z][a-z0-9-]*`, no `--`, not
/// ending in `-`)?
pub fn valid_stem(stem: &str) -> bool {
    let mut chars = stem.chars();
    matches!(chars.next(), Some('a'..='z'))
        && stem
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !stem.ends_with('-')
        && !stem.contains("--")
        && stem != "runtime"
}

/// Check a parsed document against every rule. Returns all problems found.
pub fn validate(spec: &SpecFile) -> Vec<SpecError> {
    let file = spec.path.as_path();
    let mut errors = Vec::new();
    let doc = &spec.doc;

    if !valid_stem(&spec.stem) {
        errors.push(SpecError::new(
            file,
            "",
            Rule::FileName,
            format!(
                "the file stem `{}` must be lower-case letters, digits and single dashes \
                 (it becomes the crate `<stem>-client`), and not `runtime`",
                spec.stem
            ),
        ));
    }

    let Some(root) = doc.as_object() else {
        errors.push(SpecError::new(
            file,
            "",
            Rule::RootNotObject,
            "the document must be a mapping with `openapi`, `info` and `paths`",
        ));
        return errors;
    };

    match root.get("openapi") {
        Some(Value::String(v)) if v.trim().starts_with("3.0.") => {}
        Some(Value::String(v)) => errors.push(SpecError::new(
            file,
            "/openapi",
            Rule::OpenApiVersion,
            format!(
                "OpenAPI {v} is not supported: progenitor generates from OpenAPI 3.0.x only; \
                 write the document as `openapi: 3.0.3`"
            ),
        )),
        Some(other) => errors.push(SpecError::new(
            file,
            "/openapi",
            Rule::OpenApiVersion,
            format!("`openapi` must be a string such as \"3.0.3\", found {other}"),
        )),
        None => errors.push(SpecError::new(
            file,
            "",
            Rule::OpenApiVersion,
            "`openapi: 3.0.3` is missing",
        )),
    }
    if !errors.is_empty() {
        // A 3.1 or unversioned document has other shapes; stop here.
        return errors;
    }

    check_reserved_extensions(file, doc, &mut String::new(), &mut errors);
    check_refs(file, doc, doc, &mut String::new(), &mut errors);
    check_schemas(file, doc, &mut errors);
    check_servers(file, root, &mut errors);
    check_security(file, root, &mut errors);
    check_operations(file, doc, root, &mut errors);
    match crate::paginate::read(file, doc) {
        Ok(ops) => {
            if let Err(e) = crate::paginate::list_operation(file, &ops) {
                errors.push(e);
            }
        }
        Err(mut e) => errors.append(&mut e),
    }

    if errors.is_empty() {
        // The structure check via openapiv3 only makes sense once the
        // project-level rules pass; its messages are less specific.
        if let Err(e) = parse_openapi(file, doc) {
            errors.push(e);
        }
    }
    errors
}

/// Deserialize into `openapiv3::OpenAPI`, reporting the path of the first
/// node that does not fit.
pub fn parse_openapi(file: &Path, doc: &Value) -> Result<openapiv3::OpenAPI, SpecError> {
    serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(doc.clone()).map_err(|e| {
        // openapiv3's untagged and flattened types hide where the error is;
        // re-check the sub-nodes with their own types to find the deepest one.
        let (pointer, message) =
            refine(doc).unwrap_or_else(|| (path_to_pointer(e.path()), e.inner().to_string()));
        SpecError::new(
            file,
            pointer,
            Rule::OpenApiStructure,
            format!("not a valid OpenAPI 3.0 node: {message}"),
        )
    })
}

/// Deserialize `v` as `T`; on failure, the pointer (below `at`) and message.
fn try_node<T: serde::de::DeserializeOwned>(v: &Value, at: &str) -> Option<(String, String)> {
    match serde_path_to_error::deserialize::<_, T>(v.clone()) {
        Ok(_) => None,
        Err(e) => Some((
            format!("{at}{}", path_to_pointer(e.path())),
            e.inner().to_string(),
        )),
    }
}

fn refine(doc: &Value) -> Option<(String, String)> {
    use openapiv3 as o;
    let mut found = None;
    let first = |found: &mut Option<(String, String)>, r: Option<(String, String)>| {
        if found.is_none() {
            *found = r;
        }
    };
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let item_ptr = pointer(&["paths", path]);
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let op_ptr = format!("{item_ptr}/{method}");
                if let Some(params) = op.get("parameters").and_then(Value::as_array) {
                    for (i, p) in params.iter().enumerate() {
                        first(
                            &mut found,
                            try_node::<o::ReferenceOr<o::Parameter>>(
                                p,
                                &format!("{op_ptr}/parameters/{i}"),
                            ),
                        );
                    }
                }
                if let Some(responses) = op.get("responses").and_then(Value::as_object) {
                    for (status, r) in responses {
                        let r_ptr = format!("{op_ptr}/responses/{}", escape_pointer_token(status));
                        first(
                            &mut found,
                            try_node::<o::ReferenceOr<o::Response>>(r, &r_ptr),
                        );
                    }
                }
                first(&mut found, try_node::<o::Operation>(op, &op_ptr));
            }
            first(
                &mut found,
                try_node::<o::ReferenceOr<o::PathItem>>(item, &item_ptr),
            );
        }
    }
    if let Some(components) = doc.get("components") {
        for (section, kind) in [
            ("schemas", 0),
            ("responses", 1),
            ("parameters", 2),
            ("securitySchemes", 3),
        ] {
            let Some(map) = components.get(section).and_then(Value::as_object) else {
                continue;
            };
            for (name, node) in map {
                let at = pointer(&["components", section, name]);
                let r = match kind {
                    0 => try_node::<o::ReferenceOr<o::Schema>>(node, &at),
                    1 => try_node::<o::ReferenceOr<o::Response>>(node, &at),
                    2 => try_node::<o::ReferenceOr<o::Parameter>>(node, &at),
                    _ => try_node::<o::ReferenceOr<o::SecurityScheme>>(node, &at),
                };
                first(&mut found, r);
            }
        }
    }
    found
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out.push_str(&format!("/{index}")),
            Segment::Map { key } => out.push_str(&format!("/{}", escape_pointer_token(key))),
            Segment::Enum { variant } => {
                out.push_str(&format!("/{}", escape_pointer_token(variant)))
            }
            Segment::Unknown => out.push_str("/?"),
        }
    }
    out
}

fn check_reserved_extensions(file: &Path, v: &Value, at: &mut String, errors: &mut Vec<SpecError>) {
    walk(v, at, &mut |node, at| {
        if let Some(obj) = node.as_object()
            && obj.contains_key("x-rust-type")
        {
            errors.push(SpecError::new(
                file,
                format!("{at}/x-rust-type"),
                Rule::ReservedExtension,
                "`x-rust-type` is set by `cargo xtask codegen` itself (secrets, open enums); \
                 describe the data with `format`/`enum` instead",
            ));
        }
    });
}

fn check_refs(file: &Path, doc: &Value, v: &Value, at: &mut String, errors: &mut Vec<SpecError>) {
    walk(v, at, &mut |node, at| {
        let Some(Value::String(r)) = node.as_object().and_then(|o| o.get("$ref")) else {
            return;
        };
        if !r.starts_with("#/") {
            errors.push(SpecError::new(
                file,
                format!("{at}/$ref"),
                Rule::UnresolvedRef,
                format!("`{r}` is an external reference; specs must be self-contained (`#/components/...`)"),
            ));
        } else if doc.pointer(&r[1..]).is_none() {
            errors.push(SpecError::new(
                file,
                format!("{at}/$ref"),
                Rule::UnresolvedRef,
                format!("`{r}` does not resolve to anything in this document"),
            ));
        }
    });
}

/// Servers: any OpenAPI 3.0 form is accepted. None at all, or a relative
/// URL (`/`, `/api`), gives a client that needs a base URL. Variables may sit
/// anywhere (scheme, host, port, path, the whole URL); each needs a string
/// `default`, which must be among its `enum` when it has one, and with the
/// defaults substituted an absolute URL must be a valid http(s) URL.
fn check_servers(file: &Path, root: &Map<String, Value>, errors: &mut Vec<SpecError>) {
    let Some(first) = root
        .get("servers")
        .and_then(Value::as_array)
        .and_then(|s| s.first())
    else {
        return;
    };
    let Some(url) = first.get("url").and_then(Value::as_str) else {
        errors.push(SpecError::new(
            file,
            "/servers/0",
            Rule::Servers,
            "a server needs a `url` string",
        ));
        return;
    };
    let vars = first.get("variables").and_then(Value::as_object);
    let mut expanded = url.to_string();
    for name in template_names(url) {
        let at = format!("/servers/0/variables/{}", escape_pointer_token(&name));
        let var = vars.and_then(|v| v.get(&name));
        let Some(default) = var.and_then(|v| v.get("default")).and_then(Value::as_str) else {
            errors.push(SpecError::new(
                file,
                "/servers/0/variables",
                Rule::Servers,
                format!(
                    "server variable `{{{name}}}` in `{url}` needs a `variables.{name}.default`"
                ),
            ));
            continue;
        };
        if let Some(allowed) = var.and_then(|v| v.get("enum")).and_then(Value::as_array)
            && !allowed.iter().any(|a| a.as_str() == Some(default))
        {
            errors.push(SpecError::new(
                file,
                format!("{at}/default"),
                Rule::Servers,
                format!("the default `{default}` of `{{{name}}}` is not among its `enum`"),
            ));
        }
        expanded = expanded.replace(&format!("{{{name}}}"), default);
    }
    let lower = expanded.to_ascii_lowercase();
    if (lower.starts_with("http://") || lower.starts_with("https://")) && url_has_no_host(&expanded)
    {
        errors.push(SpecError::new(
            file,
            "/servers/0/url",
            Rule::Servers,
            format!(
                "with its defaults, the server URL `{url}` becomes `{expanded}`, which has no host"
            ),
        ));
    } else if lower.contains("://")
        && !(lower.starts_with("http://") || lower.starts_with("https://"))
    {
        errors.push(SpecError::new(
            file,
            "/servers/0/url",
            Rule::Servers,
            format!("the server URL `{expanded}` is not http or https"),
        ));
    }
}

/// The JSON Schema types OpenAPI 3.0 allows.
const SCHEMA_TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "array", "object"];

/// Every schema node (components, parameters, headers, media types, and
/// everything below them) has a valid shape: `type` one of the six types,
/// `properties` a mapping, `required` and `enum` lists, `items` a schema.
/// Checked before generation, so a bad node is named by its pointer instead
/// of making progenitor panic at the document root.
fn check_schemas(file: &Path, doc: &Value, errors: &mut Vec<SpecError>) {
    let mut roots: Vec<(String, &Value)> = Vec::new();
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            roots.push((pointer(&["components", "schemas", name]), schema));
        }
    }
    // Schemas under `schema` keys outside components.
    collect_schema_keys(doc, &mut String::new(), &mut roots);
    for (at, schema) in roots {
        check_schema_node(file, schema, &at, 0, errors);
    }
}

fn collect_schema_keys<'a>(v: &'a Value, at: &mut String, out: &mut Vec<(String, &'a Value)>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let len = at.len();
                at.push('/');
                at.push_str(&escape_pointer_token(k));
                if k == "schema" && !at.starts_with("/components/schemas") {
                    out.push((at.clone(), child));
                } else if !(k == "example" || k == "examples" || at == "/components/schemas") {
                    collect_schema_keys(child, at, out);
                }
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let len = at.len();
                at.push_str(&format!("/{i}"));
                collect_schema_keys(child, at, out);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

fn check_schema_node(
    file: &Path,
    schema: &Value,
    at: &str,
    depth: usize,
    errors: &mut Vec<SpecError>,
) {
    if depth > 64 {
        return;
    }
    let bad = |errors: &mut Vec<SpecError>, ptr: String, msg: String| {
        errors.push(SpecError::new(file, ptr, Rule::SchemaType, msg));
    };
    let Some(obj) = schema.as_object() else {
        if !schema.is_boolean() {
            bad(
                errors,
                at.to_string(),
                format!("a schema must be a mapping, found {schema}"),
            );
        }
        return;
    };
    if obj.contains_key("$ref") {
        return;
    }
    match obj.get("type") {
        None => {}
        Some(Value::String(t)) if SCHEMA_TYPES.contains(&t.as_str()) => {}
        Some(other) => bad(
            errors,
            format!("{at}/type"),
            format!(
                "`type` must be one of {} in OpenAPI 3.0 (a list of types is 3.1), found {other}",
                SCHEMA_TYPES.join(", ")
            ),
        ),
    }
    if let Some(p) = obj.get("properties") {
        match p.as_object() {
            Some(props) => {
                for (name, child) in props {
                    let ptr = format!("{at}/properties/{}", escape_pointer_token(name));
                    check_schema_node(file, child, &ptr, depth + 1, errors);
                }
            }
            None => bad(
                errors,
                format!("{at}/properties"),
                "`properties` must be a mapping".into(),
            ),
        }
    }
    if let Some(r) = obj.get("required")
        && !r.as_array().is_some_and(|r| r.iter().all(Value::is_string))
    {
        bad(
            errors,
            format!("{at}/required"),
            "`required` must be a list of property names".into(),
        );
    }
    if let Some(e) = obj.get("enum")
        && !e.is_array()
    {
        bad(errors, format!("{at}/enum"), "`enum` must be a list".into());
    }
    if let Some(items) = obj.get("items") {
        check_schema_node(file, items, &format!("{at}/items"), depth + 1, errors);
    }
    if let Some(ap) = obj.get("additionalProperties")
        && ap.is_object()
    {
        check_schema_node(
            file,
            ap,
            &format!("{at}/additionalProperties"),
            depth + 1,
            errors,
        );
    }
    if let Some(not) = obj.get("not") {
        check_schema_node(file, not, &format!("{at}/not"), depth + 1, errors);
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(parts) = obj.get(key) {
            match parts.as_array() {
                Some(parts) => {
                    for (i, part) in parts.iter().enumerate() {
                        check_schema_node(
                            file,
                            part,
                            &format!("{at}/{key}/{i}"),
                            depth + 1,
                            errors,
                        );
                    }
                }
                None => bad(
                    errors,
                    format!("{at}/{key}"),
                    format!("`{key}` must be a list of schemas"),
                ),
            }
        }
    }
}

fn url_has_no_host(url: &str) -> bool {
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

/// Security: unsupported schemes are skipped (`cargo xtask lint` lists
/// them); the spec is refused only when it requires authentication and no
/// alternative is made of supported schemes alone.
fn check_security(file: &Path, root: &Map<String, Value>, errors: &mut Vec<SpecError>) {
    let schemes = root
        .get("components")
        .and_then(|c| c.get("securitySchemes"))
        .and_then(Value::as_object);
    let usable = |name: &str| {
        schemes
            .and_then(|s| s.get(name))
            .is_some_and(supported_scheme)
    };
    let mut lists: Vec<(String, &Vec<Value>)> = Vec::new();
    if let Some(Value::Array(top)) = root.get("security") {
        lists.push(("/security".into(), top));
    }
    if let Some(paths) = root.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for method in METHODS {
                if let Some(Value::Array(list)) = item.get(method).and_then(|o| o.get("security")) {
                    lists.push((
                        format!("{}/{method}/security", pointer(&["paths", path])),
                        list,
                    ));
                }
            }
        }
    }
    for (at, list) in lists {
        if list.is_empty() {
            continue;
        }
        let declared = list.iter().filter_map(Value::as_object).any(|req| {
            req.keys()
                .any(|k| schemes.is_some_and(|s| s.contains_key(k)))
        });
        let ok = list
            .iter()
            .filter_map(Value::as_object)
            .any(|req| req.keys().all(|k| usable(k)));
        if declared && !ok {
            errors.push(SpecError::new(
                file,
                at,
                Rule::SecurityScheme,
                "no alternative of this security requirement can be applied: the runtime supports \
                 `http` bearer/basic, header `apiKey`, `oauth2`/`openIdConnect` (access token), and \
                 `http` `signature` with `x-credential-clients-auth: oci-signature`",
            ));
        }
    }
}

fn check_operations(
    file: &Path,
    doc: &Value,
    root: &Map<String, Value>,
    errors: &mut Vec<SpecError>,
) {
    let Some(paths) = root.get("paths").and_then(Value::as_object) else {
        errors.push(SpecError::new(
            file,
            "",
            Rule::NoOperations,
            "`paths` is missing; a spec must declare at least `get_credential`",
        ));
        return;
    };
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut operations = 0;
    for (path, item) in paths {
        let item_ptr = pointer(&["paths", path]);
        let Some(item_obj) = item.as_object() else {
            errors.push(SpecError::new(
                file,
                item_ptr,
                Rule::OpenApiStructure,
                "a path item must be a mapping",
            ));
            continue;
        };
        if item_obj.contains_key("$ref") {
            errors.push(SpecError::new(
                file,
                format!("{item_ptr}/$ref"),
                Rule::PathItemRef,
                "path items given as `$ref` are not supported by the generator; write the operations inline",
            ));
            continue;
        }
        let template: BTreeSet<String> = template_names(path).into_iter().collect();
        let shared_params = item_obj.get("parameters").cloned().unwrap_or(Value::Null);
        for method in METHODS {
            let Some(op) = item_obj.get(method) else {
                continue;
            };
            operations += 1;
            let op_ptr = format!("{item_ptr}/{method}");
            if let Some(id) = op.get("operationId")
                && !id.is_string()
            {
                errors.push(SpecError::new(
                    file,
                    format!("{op_ptr}/operationId"),
                    Rule::OperationIdForm,
                    "`operationId` must be a string",
                ));
            }
            let name = method_name(op, method, path);
            if let Some(prev) = seen.insert(name.clone(), op_ptr.clone()) {
                errors.push(SpecError::new(
                    file,
                    op_ptr.clone(),
                    Rule::OperationIdUnique,
                    format!("this operation's Rust method would be `{name}`, which the operation at {prev} already has; give one of them another `operationId`"),
                ));
            }
            check_parameters(
                file,
                doc,
                &template,
                &shared_params,
                op,
                &item_ptr,
                &op_ptr,
                errors,
            );
            check_responses(file, doc, op, &op_ptr, errors);
        }
    }
    if operations == 0 {
        errors.push(SpecError::new(
            file,
            "/paths",
            Rule::NoOperations,
            "the document declares no operation",
        ));
    } else {
        match credential_operation(doc) {
            Some(c) => check_credential_contract(file, doc, &c.method, &c.pointer, c.op, errors),
            None => errors.push(SpecError::new(
                file,
                "/paths",
                Rule::CredentialContract,
                "no operation reads a credential: name it `get_credential` (or `getCredential`), \
                 mark it `x-credential-clients-credential: true`, or keep a single GET",
            )),
        }
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

fn check_credential_contract(
    file: &Path,
    doc: &Value,
    method: &str,
    op_ptr: &str,
    op: &Value,
    errors: &mut Vec<SpecError>,
) {
    if method != "get" {
        errors.push(SpecError::new(
            file,
            op_ptr,
            Rule::CredentialContract,
            "the credential operation must be a GET",
        ));
    }
    let responses = op.get("responses").and_then(Value::as_object);
    let success = responses.and_then(|r| {
        r.iter()
            .find(|(status, _)| status.as_str() == "200")
            .or_else(|| r.iter().find(|(status, _)| is_success(status)))
    });
    let ok = success
        .map(|(_, r)| resolve(doc, r))
        .and_then(|r| r.get("content"))
        .and_then(Value::as_object)
        .is_some_and(|content| {
            content.iter().any(|(mt, m)| {
                // A JSON body with a schema, or a non-JSON body (the secret itself).
                !is_json_media_type(mt) || m.get("schema").is_some()
            })
        });
    if !ok {
        errors.push(SpecError::new(
            file,
            format!("{op_ptr}/responses"),
            Rule::CredentialContract,
            "the credential operation needs a success response with a body: a JSON body with a \
             `schema`, or a non-JSON body (`text/plain`, `application/octet-stream`) that is the \
             secret itself",
        ));
    }
}

#[allow(clippy::too_many_arguments)]
fn check_parameters(
    file: &Path,
    doc: &Value,
    template: &BTreeSet<String>,
    shared: &Value,
    op: &Value,
    item_ptr: &str,
    op_ptr: &str,
    errors: &mut Vec<SpecError>,
) {
    let mut declared = BTreeSet::new();
    let lists = [
        (shared, format!("{item_ptr}/parameters")),
        (
            op.get("parameters").unwrap_or(&Value::Null),
            format!("{op_ptr}/parameters"),
        ),
    ];
    for (list, list_ptr) in lists {
        let Some(list) = list.as_array() else {
            continue;
        };
        for (i, p) in list.iter().enumerate() {
            let p_ptr = format!("{list_ptr}/{i}");
            let p = resolve(doc, p);
            let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
            match p.get("in").and_then(Value::as_str) {
                Some("path") => {
                    declared.insert(name.to_string());
                    if !template.contains(name) {
                        errors.push(SpecError::new(
                            file,
                            p_ptr.clone(),
                            Rule::PathParameterUnused,
                            format!("path parameter `{name}` does not appear in the path template"),
                        ));
                    }
                    if p.get("required") != Some(&Value::Bool(true)) {
                        errors.push(SpecError::new(
                            file,
                            p_ptr,
                            Rule::PathParameterRequired,
                            format!("path parameter `{name}` must have `required: true`"),
                        ));
                    }
                }
                Some("cookie") => errors.push(SpecError::new(
                    file,
                    p_ptr,
                    Rule::CookieParameter,
                    format!("cookie parameter `{name}` is not supported by the generator"),
                )),
                _ => {}
            }
        }
    }
    for name in template.difference(&declared) {
        errors.push(SpecError::new(
            file,
            op_ptr,
            Rule::PathTemplateParameter,
            format!("`{{{name}}}` appears in the path but no `in: path` parameter named `{name}` is declared"),
        ));
    }
}

fn check_responses(
    file: &Path,
    doc: &Value,
    op: &Value,
    op_ptr: &str,
    errors: &mut Vec<SpecError>,
) {
    let Some(responses) = op.get("responses").and_then(Value::as_object) else {
        return;
    };
    let mut success_bodies: BTreeMap<String, String> = BTreeMap::new();
    for (status, response) in responses {
        let r_ptr = format!("{op_ptr}/responses/{}", escape_pointer_token(status));
        let response = resolve(doc, response);
        let Some(content) = response.get("content").and_then(Value::as_object) else {
            if is_success(status) {
                success_bodies.insert(status.clone(), "no body".into());
            }
            continue;
        };
        for (mt, media) in content {
            if !is_json_media_type(mt) {
                continue;
            }
            let mt_ptr = format!("{r_ptr}/content/{}", escape_pointer_token(mt));
            if media
                .get("encoding")
                .is_some_and(|e| e.as_object().is_some_and(|o| !o.is_empty()))
            {
                errors.push(SpecError::new(
                    file,
                    format!("{mt_ptr}/encoding"),
                    Rule::MediaTypeEncoding,
                    "`encoding` on a JSON media type is not supported by the generator",
                ));
            }
            match media.get("schema") {
                Some(schema) => {
                    if is_success(status) {
                        success_bodies.insert(status.clone(), schema.to_string());
                    }
                }
                None => errors.push(SpecError::new(
                    file,
                    mt_ptr,
                    Rule::JsonMediaTypeSchema,
                    format!("the JSON body of response {status} needs a `schema`"),
                )),
            }
        }
    }
    let distinct: BTreeSet<&String> = success_bodies.values().collect();
    if distinct.len() > 1 {
        let statuses: Vec<&str> = success_bodies.keys().map(String::as_str).collect();
        errors.push(SpecError::new(
            file,
            format!("{op_ptr}/responses"),
            Rule::SuccessBodiesDiffer,
            format!(
                "success responses {} have different bodies; the generated method returns one type, \
                 so give them one schema (a `oneOf` if they really differ)",
                statuses.join(", ")
            ),
        ));
    }
}

fn is_success(status: &str) -> bool {
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
