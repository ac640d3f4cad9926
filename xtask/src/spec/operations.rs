//! The rules on operations: ids, path templates and parameters, response
//! bodies, and the project's contract for the credential operation.

use super::*;

pub(super) fn check_operations(
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

pub(super) fn check_credential_contract(
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
pub(super) fn check_parameters(
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

pub(super) fn check_responses(
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
