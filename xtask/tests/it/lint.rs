//! `cargo xtask lint` rules fire on bad specs and pass on ours.

use std::path::Path;

use xtask::lint::{LintProblem, lint};
use xtask::spec::{SpecFile, parse_yaml};

const BASE: &str = r##"
openapi: 3.0.3
info: {title: T, version: "1"}
servers: [{url: "https://x.example"}]
paths:
  /c/{id}:
    get:
      operationId: get_credential
      description: Read one.
      parameters:
        - {name: id, in: path, required: true, description: The id., schema: {type: string}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Credential"}
              examples:
                normal: {value: {id: "a", kind: on, created: "2024-01-01T00:00:00Z"}}
                forward_compat_new_kind: {value: {id: "b", kind: sideways}}
components:
  schemas:
    Credential:
      type: object
      description: A credential.
      required: [id]
      properties:
        id: {type: string, description: Its id.}
        kind: {type: string, enum: [on, off], description: Its kind.}
        created: {type: string, format: date-time, description: When., nullable: true}
"##;

fn problems(yaml: &str) -> Vec<LintProblem> {
    let path = Path::new("specs/t.yaml");
    let spec = SpecFile {
        stem: "t".into(),
        path: path.to_path_buf(),
        doc: parse_yaml(path, yaml).unwrap(),
    };
    lint(&spec)
}

fn rules(yaml: &str) -> Vec<(&'static str, String)> {
    problems(yaml)
        .into_iter()
        .map(|p| (p.rule, p.pointer))
        .collect()
}

#[test]
fn the_base_fixture_is_clean() {
    assert_eq!(problems(BASE), vec![]);
}

#[test]
fn every_project_spec_is_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    for rel in xtask::discover_specs(root).unwrap() {
        let spec = xtask::spec::load(&root.join(&rel), &rel).unwrap();
        let found = lint(&spec);
        assert!(
            found.is_empty(),
            "{}",
            found
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

#[test]
fn missing_descriptions() {
    let yaml = BASE
        .replace("      description: Read one.\n", "")
        .replace(", description: The id.", "")
        .replace("{type: string, description: Its id.}", "{type: string}");
    let found = rules(&yaml);
    assert!(
        found.contains(&("operation-description", "/paths/~1c~1{id}/get".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&(
            "parameter-description",
            "/paths/~1c~1{id}/get/parameters/0".into()
        )),
        "{found:?}"
    );
    assert!(
        found.contains(&(
            "property-description",
            "/components/schemas/Credential/properties/id".into()
        )),
        "{found:?}"
    );
    assert_eq!(found.len(), 3, "{found:?}");
}

#[test]
fn missing_example() {
    let yaml = BASE.replace(
        "              examples:\n                normal: {value: {id: \"a\", kind: on, created: \"2024-01-01T00:00:00Z\"}}\n                forward_compat_new_kind: {value: {id: \"b\", kind: sideways}}\n",
        "",
    );
    assert_eq!(
        rules(&yaml),
        vec![(
            "response-example",
            "/paths/~1c~1{id}/get/responses/200/content/application~1json".to_string()
        )]
    );
}

#[test]
fn invalid_examples_are_found_with_their_instance_path() {
    let yaml = BASE.replace("{id: \"a\", kind: on,", "{id: 5, kind: maybe,");
    let found = rules(&yaml);
    let base = "/paths/~1c~1{id}/get/responses/200/content/application~1json/examples/normal/value";
    assert!(
        found.contains(&("example-valid", format!("{base}/id"))),
        "{found:?}"
    );
    assert!(
        found.contains(&("example-valid", format!("{base}/kind"))),
        "{found:?}"
    );
}

#[test]
fn formats_and_required_fields_are_checked() {
    let yaml = BASE.replace(
        "{id: \"a\", kind: on, created: \"2024-01-01T00:00:00Z\"}",
        "{kind: on, created: \"yesterday\"}",
    );
    let found = rules(&yaml);
    let base = "/paths/~1c~1{id}/get/responses/200/content/application~1json/examples/normal/value";
    assert!(
        found.contains(&("example-valid", base.to_string())),
        "missing `id`: {found:?}"
    );
    assert!(
        found.contains(&("example-valid", format!("{base}/created"))),
        "bad date-time: {found:?}"
    );
}

#[test]
fn nullable_fields_accept_null() {
    let yaml = BASE.replace("created: \"2024-01-01T00:00:00Z\"", "created: null");
    assert_eq!(problems(&yaml), vec![]);
}

#[test]
fn forward_compat_examples_may_use_new_enum_values_but_not_wrong_types() {
    // `sideways` is accepted above; a wrong type is not.
    let yaml = BASE.replace("{id: \"b\", kind: sideways}", "{id: \"b\", kind: 7}");
    let found = rules(&yaml);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "example-valid");
    assert!(
        found[0].1.ends_with("forward_compat_new_kind/value/kind"),
        "{found:?}"
    );
    // Outside forward_compat_, a new enum value is an error.
    let yaml = BASE.replace("forward_compat_new_kind", "new_kind");
    let found = rules(&yaml);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "example-valid", "{found:?}");
    assert!(found[0].1.ends_with("new_kind/value/kind"), "{found:?}");
}
