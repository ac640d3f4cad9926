//! The rules a spec must meet before generation, run by [`validate`]: the
//! document's version and structure, `$ref`s, reserved extensions, servers,
//! security, then schemas (`schemas.rs`), operations (`operations.rs`) and
//! pagination. Every problem is a [`SpecError`] with a pointer.

use super::*;

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

pub(super) fn check_reserved_extensions(
    file: &Path,
    v: &Value,
    at: &mut String,
    errors: &mut Vec<SpecError>,
) {
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

pub(super) fn check_refs(
    file: &Path,
    doc: &Value,
    v: &Value,
    at: &mut String,
    errors: &mut Vec<SpecError>,
) {
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
pub(super) fn check_servers(file: &Path, root: &Map<String, Value>, errors: &mut Vec<SpecError>) {
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

/// Security: unsupported schemes are skipped (`cargo xtask lint` lists
/// them); the spec is refused only when it requires authentication and no
/// alternative is made of supported schemes alone.
pub(super) fn check_security(file: &Path, root: &Map<String, Value>, errors: &mut Vec<SpecError>) {
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
