//! Typed errors for bad specs and failed codegen runs.

use std::fmt;
use std::path::PathBuf;

/// The rule a spec breaks. Each rule has a stable kebab-case name that appears
/// in messages and that tests match on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    /// The file is not valid YAML.
    YamlSyntax,
    /// The document root is not a mapping.
    RootNotObject,
    /// `openapi` is missing or not 3.0.x (progenitor supports 3.0 only).
    OpenApiVersion,
    /// The document does not have the structure of an OpenAPI 3.0 document.
    OpenApiStructure,
    /// An operation has no `operationId`.
    OperationIdRequired,
    /// Two operations share an `operationId`.
    OperationIdUnique,
    /// An `operationId` is not a valid snake_case Rust identifier.
    OperationIdForm,
    /// A path item is a `$ref` (progenitor cannot follow it).
    PathItemRef,
    /// A `{name}` in a path template has no matching path parameter.
    PathTemplateParameter,
    /// A path parameter does not appear in the path template.
    PathParameterUnused,
    /// A path parameter is not `required: true`.
    PathParameterRequired,
    /// A cookie parameter (unsupported by progenitor).
    CookieParameter,
    /// A `$ref` that does not resolve inside the document.
    UnresolvedRef,
    /// A JSON media type with an `encoding` (unsupported by progenitor).
    MediaTypeEncoding,
    /// A JSON media type without a `schema`.
    JsonMediaTypeSchema,
    /// Success responses of one operation with different body types.
    SuccessBodiesDiffer,
    /// `additionalProperties: false`: servers add fields over time.
    ClosedObject,
    /// A security scheme the runtime cannot apply.
    SecurityScheme,
    /// The project's contract: `get_credential` returning `Credential`.
    CredentialContract,
    /// `x-rust-type` is reserved for the xtask's own normalization.
    ReservedExtension,
    /// The document declares no operation.
    NoOperations,
    /// No `servers` entry, or a server URL the runtime cannot use.
    Servers,
    /// The spec file name is not a valid crate stem.
    FileName,
    /// The generator failed (or panicked) on this document.
    Generator,
    /// An `x-credential-clients-*` extension is malformed.
    Extension,
    /// A schema node is not a valid JSON Schema (e.g. an unknown `type`).
    SchemaType,
    /// `x-credential-clients-pagination` does not fit its operation.
    Pagination,
}

impl Rule {
    /// The stable name of the rule.
    pub fn name(self) -> &'static str {
        match self {
            Rule::YamlSyntax => "yaml-syntax",
            Rule::RootNotObject => "root-object",
            Rule::OpenApiVersion => "openapi-3.0",
            Rule::OpenApiStructure => "openapi-structure",
            Rule::OperationIdRequired => "operation-id-required",
            Rule::OperationIdUnique => "operation-id-unique",
            Rule::OperationIdForm => "operation-id-snake-case",
            Rule::PathItemRef => "no-path-item-ref",
            Rule::PathTemplateParameter => "path-template-parameter-declared",
            Rule::PathParameterUnused => "path-parameter-in-template",
            Rule::PathParameterRequired => "path-parameter-required",
            Rule::CookieParameter => "no-cookie-parameters",
            Rule::UnresolvedRef => "ref-resolves",
            Rule::MediaTypeEncoding => "no-media-type-encoding",
            Rule::JsonMediaTypeSchema => "json-media-type-schema",
            Rule::SuccessBodiesDiffer => "one-success-body-type",
            Rule::ClosedObject => "no-additional-properties-false",
            Rule::SecurityScheme => "supported-security-scheme",
            Rule::CredentialContract => "get-credential-contract",
            Rule::ReservedExtension => "reserved-extension",
            Rule::NoOperations => "has-operations",
            Rule::Servers => "servers",
            Rule::FileName => "file-name",
            Rule::Generator => "generator",
            Rule::Extension => "extension",
            Rule::SchemaType => "schema-type",
            Rule::Pagination => "pagination",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One problem in one spec: the file, the JSON pointer of the offending node,
/// the rule it breaks and a human explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The spec file, as given to the xtask.
    pub file: PathBuf,
    /// RFC 6901 JSON pointer of the offending node (`""` is the root).
    pub pointer: String,
    /// Line and column (1-based) where known (YAML syntax errors).
    pub location: Option<(usize, usize)>,
    /// The rule that is broken.
    pub rule: Rule,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl SpecError {
    pub(crate) fn new(
        file: &std::path::Path,
        pointer: impl Into<String>,
        rule: Rule,
        message: impl Into<String>,
    ) -> Self {
        Self {
            file: file.to_path_buf(),
            pointer: pointer.into(),
            location: None,
            rule,
            message: message.into(),
        }
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some((line, column)) = self.location {
            write!(f, ":{line}:{column}")?;
        }
        let pointer = if self.pointer.is_empty() {
            "(document root)"
        } else {
            &self.pointer
        };
        write!(f, ": at {pointer}: {} [rule {}]", self.message, self.rule)
    }
}

impl std::error::Error for SpecError {}

/// Everything that can stop a codegen run.
#[derive(Debug, thiserror::Error)]
pub enum CodegenError {
    /// One or more specs are invalid; every problem found is listed.
    #[error("{}", format_spec_errors(.0))]
    Specs(Vec<SpecError>),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The workspace layout is not what the xtask expects.
    #[error("{0}")]
    Layout(String),
}

fn format_spec_errors(errors: &[SpecError]) -> String {
    let mut out = format!(
        "{} problem{} in specs:",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    );
    for e in errors {
        out.push_str("\n  ");
        out.push_str(&e.to_string());
    }
    out
}

impl CodegenError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}

/// Escape one JSON pointer reference token (RFC 6901).
pub fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Join pointer tokens into a pointer.
pub fn pointer(tokens: &[&str]) -> String {
    tokens
        .iter()
        .map(|t| format!("/{}", escape_pointer_token(t)))
        .collect()
}
