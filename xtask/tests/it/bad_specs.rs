//! Bad specs give clear, typed errors (file, JSON pointer, rule), never a
//! panic; shapes progenitor would panic on are either normalized or refused.

use std::path::Path;

use xtask::spec::{SpecFile, parse_yaml, validate};
use xtask::{Rule, SpecError};

const GOOD: &str = r##"
openapi: 3.0.3
info: {title: Sample API, version: "1"}
servers:
  - url: https://{tenant}.example.com
    variables:
      tenant: {default: demo}
security: [{bearer: []}]
paths:
  /credentials/{id}:
    get:
      operationId: get_credential
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Credential"}
        "404":
          description: not found
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Problem"}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
  schemas:
    Credential:
      type: object
      required: [id]
      properties:
        id: {type: string}
        kind: {type: string, enum: [a, b]}
        token: {type: string, format: password, nullable: true}
    Problem:
      type: object
      properties:
        detail: {type: string}
"##;

/// Validate and, if valid, generate; return every error.
fn errors(yaml: &str) -> Vec<SpecError> {
    errors_named("specs/sample.yaml", yaml)
}

fn errors_named(name: &str, yaml: &str) -> Vec<SpecError> {
    let path = Path::new(name);
    let doc = match parse_yaml(path, yaml) {
        Ok(doc) => doc,
        Err(e) => return vec![e],
    };
    let spec = SpecFile {
        stem: path.file_stem().unwrap().to_str().unwrap().to_string(),
        path: path.to_path_buf(),
        doc,
    };
    let errs = validate(&spec);
    if !errs.is_empty() {
        return errs;
    }
    match xtask::render::render(&spec) {
        Ok(_) => vec![],
        Err(e) => vec![e],
    }
}

/// Exactly one error, with this rule and pointer; its message names the file.
#[track_caller]
fn assert_one(yaml: &str, rule: Rule, pointer: &str) -> SpecError {
    let errs = errors(yaml);
    assert_eq!(errs.len(), 1, "expected one error, got {errs:#?}");
    let e = errs.into_iter().next().unwrap();
    assert_eq!(e.rule, rule, "{e}");
    assert_eq!(e.pointer, pointer, "{e}");
    let shown = e.to_string();
    assert!(shown.starts_with("specs/sample.yaml"), "{shown}");
    assert!(
        shown.contains(&format!("[rule {}]", rule.name())),
        "{shown}"
    );
    e
}

fn edit(from: &str, to: &str) -> String {
    assert!(GOOD.contains(from), "fixture does not contain {from:?}");
    GOOD.replacen(from, to, 1)
}

#[test]
fn the_fixture_itself_is_valid_and_generates() {
    assert_eq!(errors(GOOD), vec![]);
}

#[test]
fn yaml_syntax_error_has_line_and_column() {
    let e = assert_one(
        &edit(
            "      operationId: get_credential",
            "      operationId: [get_credential",
        ),
        Rule::YamlSyntax,
        "",
    );
    let (line, column) = e.location.expect("location");
    assert!(line >= 10 && column > 0, "{e}");
    assert!(
        e.to_string()
            .starts_with(&format!("specs/sample.yaml:{line}:{column}: ")),
        "{e}"
    );
}

#[test]
fn openapi_3_1_is_refused() {
    let e = assert_one(
        &edit("openapi: 3.0.3", "openapi: 3.1.0"),
        Rule::OpenApiVersion,
        "/openapi",
    );
    assert!(e.message.contains("3.1.0"), "{e}");
}

#[test]
fn missing_openapi_field_is_refused() {
    assert_one(&edit("openapi: 3.0.3\n", ""), Rule::OpenApiVersion, "");
}

#[test]
fn a_missing_operation_id_is_made_from_the_method_and_path() {
    let yaml = edit("      operationId: get_credential\n", "");
    assert_eq!(
        errors(&yaml),
        vec![],
        "the only GET is the credential operation"
    );
    let doc = parse_yaml(Path::new("specs/sample.yaml"), &yaml).unwrap();
    let op = doc.pointer("/paths/~1credentials~1{id}/get").unwrap();
    assert_eq!(
        xtask::spec::method_name(op, "get", "/credentials/{id}"),
        "get_credentials_id"
    );
    let mut normalized = doc.clone();
    xtask::normalize::normalize(&mut normalized);
    assert_eq!(
        normalized.pointer("/paths/~1credentials~1{id}/get/operationId"),
        Some(&serde_json::json!("get_credentials_id"))
    );
}

#[test]
fn duplicate_operation_id() {
    let yaml = edit(
        "components:",
        "  /other/{id}:\n    get:\n      operationId: get_credential\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: string}}\n      responses:\n        \"204\": {description: none}\ncomponents:",
    );
    let errs = errors(&yaml);
    assert!(
        errs.iter().any(|e| e.rule == Rule::OperationIdUnique
            && e.pointer == "/paths/~1other~1{id}/get"
            && e.message.contains("`get_credential`")),
        "{errs:#?}"
    );
}

#[test]
fn camel_case_operation_ids_become_snake_case_methods_and_must_stay_unique() {
    let yaml = edit(
        "components:",
        "  /x:\n    get:\n      operationId: getThing\n      responses:\n        \"204\": {description: none}\ncomponents:",
    );
    assert_eq!(errors(&yaml), vec![]);
    let yaml = edit(
        "components:",
        "  /x:\n    get:\n      operationId: getCredential\n      responses:\n        \"204\": {description: none}\ncomponents:",
    );
    assert_one(&yaml, Rule::OperationIdUnique, "/paths/~1x/get");
    assert_eq!(xtask::spec::sanitize_snake("kv-v2-read"), "kv_v2_read");
    assert_eq!(xtask::spec::sanitize_snake("GetACLToken"), "get_acl_token");
}

#[test]
fn path_template_parameter_without_declaration() {
    assert_one(
        &edit("/credentials/{id}:", "/credentials/{id}/{version}:"),
        Rule::PathTemplateParameter,
        "/paths/~1credentials~1{id}~1{version}/get",
    );
}

#[test]
fn path_parameter_not_in_template() {
    let yaml = edit(
        "        - {name: id, in: path, required: true, schema: {type: string}}",
        "        - {name: id, in: path, required: true, schema: {type: string}}\n        - {name: extra, in: path, required: true, schema: {type: string}}",
    );
    assert_one(
        &yaml,
        Rule::PathParameterUnused,
        "/paths/~1credentials~1{id}/get/parameters/1",
    );
}

#[test]
fn path_parameter_must_be_required() {
    let yaml = edit(
        "{name: id, in: path, required: true,",
        "{name: id, in: path, required: false,",
    );
    assert_one(
        &yaml,
        Rule::PathParameterRequired,
        "/paths/~1credentials~1{id}/get/parameters/0",
    );
}

#[test]
fn cookie_parameters_are_refused() {
    let yaml = edit(
        "        - {name: id, in: path, required: true, schema: {type: string}}",
        "        - {name: id, in: path, required: true, schema: {type: string}}\n        - {name: session, in: cookie, schema: {type: string}}",
    );
    assert_one(
        &yaml,
        Rule::CookieParameter,
        "/paths/~1credentials~1{id}/get/parameters/1",
    );
}

#[test]
fn unresolved_ref() {
    let yaml = edit(
        "schema: {$ref: \"#/components/schemas/Problem\"}",
        "schema: {$ref: \"#/components/schemas/Nope\"}",
    );
    assert_one(
        &yaml,
        Rule::UnresolvedRef,
        "/paths/~1credentials~1{id}/get/responses/404/content/application~1json/schema/$ref",
    );
}

#[test]
fn external_ref() {
    let yaml = edit(
        "schema: {$ref: \"#/components/schemas/Problem\"}",
        "schema: {$ref: \"other.yaml#/Problem\"}",
    );
    assert_one(
        &yaml,
        Rule::UnresolvedRef,
        "/paths/~1credentials~1{id}/get/responses/404/content/application~1json/schema/$ref",
    );
}

#[test]
fn closed_objects_are_opened_not_refused() {
    let yaml = edit(
        "    Problem:\n      type: object\n",
        "    Problem:\n      type: object\n      additionalProperties: false\n",
    );
    assert_eq!(errors(&yaml), vec![]);
    let mut doc = parse_yaml(Path::new("specs/sample.yaml"), &yaml).unwrap();
    xtask::normalize::normalize(&mut doc);
    assert_eq!(
        doc.pointer("/components/schemas/Problem/additionalProperties"),
        Some(&serde_json::json!({})),
        "unknown fields are kept, never a parse failure"
    );
}

#[test]
fn path_item_ref_is_refused() {
    let yaml = edit(
        "components:",
        "  /alias:\n    $ref: \"#/paths/~1credentials~1{id}\"\ncomponents:",
    );
    assert_one(&yaml, Rule::PathItemRef, "/paths/~1alias/$ref");
}

#[test]
fn json_media_type_without_schema() {
    let yaml = edit(
        "          description: not found\n          content:\n            application/json:\n              schema: {$ref: \"#/components/schemas/Problem\"}",
        "          description: not found\n          content:\n            application/problem+json: {}",
    );
    assert_one(
        &yaml,
        Rule::JsonMediaTypeSchema,
        "/paths/~1credentials~1{id}/get/responses/404/content/application~1problem+json",
    );
}

#[test]
fn json_media_type_encoding() {
    let yaml = edit(
        "              schema: {$ref: \"#/components/schemas/Problem\"}",
        "              schema: {$ref: \"#/components/schemas/Problem\"}\n              encoding: {detail: {contentType: text/plain}}",
    );
    assert_one(
        &yaml,
        Rule::MediaTypeEncoding,
        "/paths/~1credentials~1{id}/get/responses/404/content/application~1json/encoding",
    );
}

#[test]
fn different_success_bodies() {
    let yaml = edit(
        "        \"404\":",
        "        \"203\":\n          description: other\n          content:\n            application/json:\n              schema: {$ref: \"#/components/schemas/Problem\"}\n        \"404\":",
    );
    assert_one(
        &yaml,
        Rule::SuccessBodiesDiffer,
        "/paths/~1credentials~1{id}/get/responses",
    );
}

#[test]
fn unsupported_security_schemes_are_refused_only_without_a_usable_alternative() {
    // oauth2 is supported (an access token is a bearer token).
    let yaml = edit(
        "    bearer: {type: http, scheme: bearer}",
        "    bearer: {type: oauth2, flows: {clientCredentials: {tokenUrl: \"https://x/token\", scopes: {}}}}",
    );
    assert_eq!(errors(&yaml), vec![]);
    // mutual TLS as the only way in: refused, at the requirement.
    let yaml = edit(
        "    bearer: {type: http, scheme: bearer}",
        "    bearer: {type: http, scheme: mutual}",
    );
    assert_one(&yaml, Rule::SecurityScheme, "/security");
    // ... but next to a usable alternative it is skipped.
    let yaml = edit(
        "    bearer: {type: http, scheme: bearer}",
        "    bearer: {type: http, scheme: bearer}\n    mtls: {type: http, scheme: mutual}",
    );
    assert_eq!(errors(&yaml), vec![]);
}

#[test]
fn get_credential_must_have_a_success_body() {
    // Any JSON schema will do (vendor specs name their own types) ...
    let yaml = edit(
        "schema: {$ref: \"#/components/schemas/Credential\"}",
        "schema: {$ref: \"#/components/schemas/Problem\"}",
    );
    assert_eq!(errors(&yaml), vec![]);
    // ... but a JSON body without a schema is not a credential.
    let yaml = edit(
        "schema: {$ref: \"#/components/schemas/Credential\"}",
        "x-no-schema: true",
    );
    assert!(
        errors(&yaml)
            .iter()
            .any(|e| e.rule == Rule::CredentialContract || e.rule == Rule::JsonMediaTypeSchema),
        "{:#?}",
        errors(&yaml)
    );
}

#[test]
fn x_rust_type_is_reserved() {
    let yaml = edit(
        "        id: {type: string}",
        "        id: {type: string, x-rust-type: {crate: evil, version: \"*\", path: evil::T}}",
    );
    assert_one(
        &yaml,
        Rule::ReservedExtension,
        "/components/schemas/Credential/properties/id/x-rust-type",
    );
}

#[test]
fn server_variable_without_default() {
    assert_one(
        &edit(
            "      tenant: {default: demo}",
            "      tenant: {description: x}",
        ),
        Rule::Servers,
        "/servers/0/variables",
    );
}

#[test]
fn openapi_structure_errors_have_pointers() {
    let yaml = edit(
        "        \"404\":\n          description: not found",
        "        \"404\":\n          description: [not, a, string]",
    );
    let e = assert_one(
        &yaml,
        Rule::OpenApiStructure,
        "/paths/~1credentials~1{id}/get/responses/404",
    );
    assert!(e.message.contains("not a valid OpenAPI"), "{e}");
}

#[test]
fn file_name_must_be_a_crate_stem() {
    let errs = errors_named("specs/Bad_Name.yaml", GOOD);
    assert!(errs.iter().any(|e| e.rule == Rule::FileName), "{errs:#?}");
}

#[test]
fn root_must_be_a_mapping() {
    assert_one("- just\n- a list\n", Rule::RootNotObject, "");
}

// Shapes progenitor 0.15 panics on when given verbatim; the normalizer makes
// them generate.

#[test]
fn default_response_next_to_typed_200_generates() {
    let yaml = edit(
        "        \"404\":",
        "        default:\n          description: anything else\n          content:\n            application/json:\n              schema: {$ref: \"#/components/schemas/Problem\"}\n        \"404\":",
    );
    assert_eq!(errors(&yaml), vec![]);
    // `default` stands for 4XX and 5XX with the typed error body.
    let client = generated(&yaml).client;
    assert!(
        client.contains("Result<ResponseValue<types::Credential>, Error<types::Problem>>"),
        "{client}"
    );
    assert!(client.contains("400u16..=499u16 =>"), "{client}");
    assert!(client.contains("500u16..=599u16 =>"), "{client}");
}

/// The generated files of a valid document.
fn generated(yaml: &str) -> xtask::render::ProviderOutput {
    let path = Path::new("specs/sample.yaml");
    let spec = SpecFile {
        stem: "sample".into(),
        path: path.to_path_buf(),
        doc: parse_yaml(path, yaml).unwrap(),
    };
    xtask::render::render(&spec).unwrap()
}

#[test]
fn different_error_bodies_generate_one_error_union() {
    let yaml = edit(
        "        \"404\":",
        "        \"500\":\n          description: oops\n          content:\n            application/json:\n              schema: {type: object, properties: {code: {type: integer}}}\n        \"401\":\n          description: no body\n        \"404\":",
    );
    assert_eq!(errors(&yaml), vec![]);
    // One error type for all three: progenitor would panic on two.
    let client = generated(&yaml).client;
    assert!(client.contains("pub enum GetCredentialError"), "{client}");
    assert!(
        client
            .contains("Result<ResponseValue<types::Credential>, Error<types::GetCredentialError>>"),
        "{client}"
    );
    for arm in ["401u16 =>", "404u16 =>", "500u16 =>"] {
        assert!(client.contains(arm), "{arm}: {client}");
    }
}

#[test]
fn vendor_media_types_and_text_alternatives_generate() {
    let yaml = edit(
        "            application/json:\n              schema: {$ref: \"#/components/schemas/Problem\"}",
        "            application/problem+json:\n              schema: {$ref: \"#/components/schemas/Problem\"}\n            text/plain:\n              schema: {type: string}",
    );
    assert_eq!(errors(&yaml), vec![]);
    // The `+json` body is typed; `Accept` asks for it.
    let out = generated(&yaml);
    assert!(
        out.client
            .contains("Result<ResponseValue<types::Credential>, Error<types::Problem>>"),
        "{}",
        out.client
    );
    assert!(out.client.contains("404u16 =>"), "{}", out.client);
    assert!(
        out.meta.contains("application/problem+json"),
        "{}",
        out.meta
    );
}

#[test]
fn many_mangled_documents_never_panic() {
    // Delete each line of the fixture in turn: every result is either valid
    // or a list of typed errors, never a panic.
    let lines: Vec<&str> = GOOD.lines().collect();
    for i in 0..lines.len() {
        let mut copy = lines.clone();
        copy.remove(i);
        for e in errors(&copy.join("\n")) {
            // A typed error names its node; none comes from a generator panic.
            assert!(
                !e.message.contains("panicked"),
                "line {i} removed: a generator panic leaked through: {e}"
            );
            assert!(e.to_string().starts_with("specs/sample.yaml"), "{e}");
        }
    }
}

#[test]
fn invalid_schema_types_are_named_by_pointer_not_a_generator_panic() {
    for bad in ["\"\"", "\"{bad\"", "[string, \"null\"]", "7"] {
        let yaml = edit(
            "        kind: {type: string, enum: [a, b]}",
            &format!("        kind: {{type: {bad}}}"),
        );
        assert_one(
            &yaml,
            Rule::SchemaType,
            "/components/schemas/Credential/properties/kind/type",
        );
    }
    let yaml = edit("      required: [id]\n", "      required: id\n");
    assert_one(
        &yaml,
        Rule::SchemaType,
        "/components/schemas/Credential/required",
    );
    // Inline schemas of parameters are checked too.
    let yaml = edit("schema: {type: string}", "schema: {type: strin}");
    let errs = errors(&yaml);
    assert!(
        errs.iter()
            .any(|e| e.rule == Rule::SchemaType && e.pointer.ends_with("/schema/type")),
        "{errs:#?}"
    );
}

/// Every `type` of every real spec (ours and the vendor corpus), broken in
/// turn, is reported at that node with rule `schema-type`: never a panic,
/// never at the document root.
#[test]
fn every_broken_schema_type_in_real_specs_is_named_by_its_pointer() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    for dir in ["specs", "tests/fixtures/vendor-specs"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml") {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut checked = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let name = format!("specs/{}", file.file_name().unwrap().to_string_lossy());
        let doc = parse_yaml(Path::new(&name), &text).unwrap();
        let mut pointers = Vec::new();
        xtask::spec::walk(&doc, &mut String::new(), &mut |node, at| {
            if node.get("type").is_some_and(|t| t.is_string())
                && (at.contains("/schema") || at.starts_with("/components/schemas/"))
                && !at.contains("/example")
            {
                pointers.push(format!("{at}/type"));
            }
        });
        for ptr in pointers.iter().step_by(7).take(12) {
            let mut broken = doc.clone();
            *broken.pointer_mut(ptr).unwrap() = serde_json::json!("{bad");
            let spec = SpecFile {
                stem: file.file_stem().unwrap().to_string_lossy().into_owned(),
                path: Path::new(&name).to_path_buf(),
                doc: broken,
            };
            let errs = validate(&spec);
            assert!(
                errs.iter()
                    .any(|e| e.rule == Rule::SchemaType && &e.pointer == ptr),
                "{name} {ptr}: {errs:#?}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 60, "only {checked} mutations");
}
