//! Every provider of the workspace, by construction: the table is made by
//! the facade's `with_providers!`, so a spec added to `specs/` is in every
//! suite that iterates [`all`] with no hand edits (the golden sixth-spec
//! test proves it by running the suites in a copy with a sixth spec).
//!
//! A provider's credential operation is called through its generated
//! `cli` module (feature `cli`): the arguments are the spec's example
//! values of the operation's required parameters, so no suite needs to
//! know a provider's parameter names or types. What comes back is the
//! typed result turned into JSON (`Result<ResponseValue<Value>,
//! Error<Value>>`), with everything the typed value or error printed.
//!
//! The table relies on what every generated client has: `API`, `Client`,
//! `CredentialBody` and `CredentialError` (the credential operation's
//! success and typed error bodies) and `cli`.

use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock};

use credential_clients::ankra::{Error, ResponseValue};
use credential_clients::runtime::{ApiDescription, Auth, AuthScheme, ClientConfig, ClientParts};
use serde_json::Value;

/// The token every suite's client sends (bearer, API key or Basic password).
pub const TOKEN: &str = "suite-token-5c2e9a71";
/// The user of Basic auth.
pub const BASIC_USER: &str = "suite-user";

/// The result of one call, as JSON, and how the typed value or error printed.
pub struct Called {
    pub result: Result<ResponseValue<Value>, Error<Value>>,
    /// `{}`, `{:?}`, `{:#?}`, `{:#}` of the typed error, or `{:?}` and
    /// `{:#?}` of the typed value.
    pub shown: Vec<String>,
}

/// Builds a provider's client for an argument vector of its CLI command.
type MakeClient = fn(ClientParts, Vec<String>) -> Result<Box<dyn CredentialCall>, String>;

type CallFuture<'a> = Pin<Box<dyn Future<Output = Called> + Send + 'a>>;

/// A built client of one provider, ready to call its credential operation.
pub trait CredentialCall: Send + Sync {
    /// One call of the credential operation with the example arguments.
    fn call(&self) -> CallFuture<'_>;
}

/// One provider of the workspace.
pub struct Provider {
    /// The spec stem (`netapp-astra`).
    pub stem: &'static str,
    /// The generated API description.
    pub api: &'static ApiDescription,
    client: MakeClient,
    arguments: fn() -> Vec<(String, bool)>,
    /// Decodes bytes as `CredentialBody` and re-serializes them.
    pub decode_credential: fn(&[u8]) -> Result<Value, serde_json::Error>,
    /// Decodes bytes as the typed error body and re-serializes them.
    pub decode_error: fn(&[u8]) -> Result<Value, serde_json::Error>,
}

impl std::fmt::Debug for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.stem)
    }
}

/// What the CLI hands back on success.
#[derive(Default, Clone)]
struct Capture(Arc<Mutex<Option<Captured>>>);

/// A success: the body as JSON, and how the typed value printed.
type Captured = (ResponseValue<Value>, Vec<String>);

/// `Error<E>` with its typed body as JSON, and how it printed.
fn untyped<E>(e: Error<E>) -> Called
where
    E: serde::Serialize,
    Error<E>: std::fmt::Display + std::fmt::Debug,
{
    let shown = vec![
        format!("{e}"),
        format!("{e:?}"),
        format!("{e:#?}"),
        format!("{e:#}"),
    ];
    let error = match e {
        Error::ErrorResponse(rv) => Error::ErrorResponse(
            rv.map::<Value, _, ()>(|b| serde_json::to_value(b).unwrap())
                .unwrap(),
        ),
        Error::InvalidRequest(s) => Error::InvalidRequest(s),
        Error::CommunicationError(e) => Error::CommunicationError(e),
        Error::InvalidUpgrade(e) => Error::InvalidUpgrade(e),
        Error::ResponseBodyError(e) => Error::ResponseBodyError(e),
        Error::InvalidResponsePayload(b, e) => Error::InvalidResponsePayload(b, e),
        Error::UnexpectedResponse(r) => Error::UnexpectedResponse(r),
        Error::Custom(s) => Error::Custom(s),
    };
    Called {
        result: Err(error),
        shown,
    }
}

macro_rules! table {
    ($($module:ident $stem:literal $lib:ident;)*) => {
        $(
            mod $module {
                use super::*;
                use credential_clients::$module as client;

                fn command() -> client::cli::CliCommand {
                    client::cli::CliCommand::iter()
                        .find(|c| c.operation_id() == client::API.credential_operation)
                        .expect("the credential operation has a CLI command")
                }

                pub fn arguments() -> Vec<(String, bool)> {
                    client::cli::Cli::<Capture>::get_command(command())
                        .get_arguments()
                        .map(|a| (a.get_id().as_str().to_string(), a.is_required_set()))
                        .collect()
                }

                struct Built {
                    base_url: String,
                    http: reqwest::Client,
                    runtime: credential_clients::runtime::Runtime,
                    matches: clap::ArgMatches,
                }

                impl CredentialCall for Built {
                    fn call(&self) -> CallFuture<'_> {
                        Box::pin(async move {
                            let capture = Capture::default();
                            let client = client::Client::new_with_client(
                                &self.base_url,
                                self.http.clone(),
                                self.runtime.clone(),
                            );
                            let cli = client::cli::Cli::new(client, capture.clone());
                            match cli.execute(command(), &self.matches).await {
                                Ok(()) => {
                                    let (result, shown) =
                                        capture.0.lock().unwrap().take().expect("a success item");
                                    Called {
                                        result: Ok(result),
                                        shown,
                                    }
                                }
                                Err(e) => match e
                                    .downcast::<client::Error<client::CredentialError>>()
                                {
                                    Ok(e) => untyped(e),
                                    Err(other) => panic!("not a client error: {other:?}"),
                                },
                            }
                        })
                    }
                }

                pub fn client(
                    parts: ClientParts,
                    argv: Vec<String>,
                ) -> Result<Box<dyn CredentialCall>, String> {
                    let matches = client::cli::Cli::<Capture>::get_command(command())
                        .try_get_matches_from(argv)
                        .map_err(|e| e.to_string())?;
                    Ok(Box::new(Built {
                        base_url: parts.base_url,
                        http: parts.http,
                        runtime: parts.runtime,
                        matches,
                    }))
                }

                pub fn decode_credential(bytes: &[u8]) -> Result<Value, serde_json::Error> {
                    let typed: client::CredentialBody = serde_json::from_slice(bytes)?;
                    serde_json::to_value(typed)
                }

                pub fn decode_error(bytes: &[u8]) -> Result<Value, serde_json::Error> {
                    let typed: client::CredentialError = serde_json::from_slice(bytes)?;
                    serde_json::to_value(typed)
                }

                impl client::cli::CliConfig for Capture {
                    fn success_item<T>(&self, value: &client::ResponseValue<T>)
                    where
                        T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug,
                    {
                        let body: &T = value;
                        let json = ResponseValue::new(
                            serde_json::to_value(body).unwrap(),
                            value.status(),
                            value.headers().clone(),
                        );
                        let shown = vec![format!("{body:?}"), format!("{body:#?}")];
                        *self.0.lock().unwrap() = Some((json, shown));
                    }
                    fn success_no_item(&self, _: &client::ResponseValue<()>) {
                        panic!("the credential operation has a body");
                    }
                    fn error<T>(&self, _: &client::Error<T>)
                    where
                        T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug,
                    {
                    }
                    fn list_start<T>(&self)
                    where
                        T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug,
                    {
                    }
                    fn list_item<T>(&self, _: &T)
                    where
                        T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug,
                    {
                    }
                    fn list_end_success<T>(&self)
                    where
                        T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug,
                    {
                    }
                    fn list_end_error<T>(&self, _: &client::Error<T>)
                    where
                        T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug,
                    {
                    }
                }
            }
        )*

        /// Every provider, in the facade's order.
        pub static ALL: &[Provider] = &[
            $(
                Provider {
                    stem: $stem,
                    api: &credential_clients::$module::API,
                    client: $module::client,
                    arguments: $module::arguments,
                    decode_credential: $module::decode_credential,
                    decode_error: $module::decode_error,
                },
            )*
        ];
    };
}

credential_clients::with_providers!(table);

/// Every provider of the workspace.
pub fn all() -> &'static [Provider] {
    ALL
}

/// Prints which providers a suite ran (`covered <suite>: a, b, c`): the
/// golden sixth-spec test reads these lines to see the new provider in
/// every suite.
pub fn covered(suite: &str, stems: &[&str]) {
    println!("covered {suite}: {}", stems.join(", "));
}

/// Prints the providers a suite did not run and why (`not applicable
/// <suite>: conjur (the success body is text)`), when there are any: the
/// golden vendor-spec test accepts these lines in place of `covered`.
pub fn not_applicable(suite: &str, reasons: &[String]) {
    if !reasons.is_empty() {
        println!("not applicable {suite}: {}", reasons.join(", "));
    }
}

/// The stems of all providers.
pub fn stems() -> Vec<&'static str> {
    ALL.iter().map(|p| p.stem).collect()
}

/// The test key of tests/fixtures (also used by `oci_signer`).
pub fn oci_signer() -> credential_clients::runtime::oci::Signer {
    credential_clients::runtime::oci::Signer::from_key_file(
        "ocid1.tenancy.oc1..aaaatest",
        "ocid1.user.oc1..aaaatest",
        "20:3b:97:13:55:1c:5b:0d:d3:37:d8:50:4e:c5:3a:34",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/oci-test-key.pem"
        ),
    )
    .unwrap()
}

/// The `keyId` of [`oci_signer`].
pub const OCI_KEY_ID: &str = "ocid1.tenancy.oc1..aaaatest/ocid1.user.oc1..aaaatest/20:3b:97:13:55:1c:5b:0d:d3:37:d8:50:4e:c5:3a:34";

/// A spec, parsed.
pub fn spec(stem: &str) -> Value {
    static CACHE: OnceLock<Mutex<Vec<(String, Value)>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some((_, v)) = cache.lock().unwrap().iter().find(|(s, _)| s == stem) {
        return v.clone();
    }
    let rel = format!("specs/{stem}.yaml");
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(&rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"));
    let doc = xtask::spec::parse_yaml(Path::new(&rel), &text).unwrap_or_else(|e| panic!("{e}"));
    cache.lock().unwrap().push((stem.to_string(), doc.clone()));
    doc
}

/// Lower case without separators: `ai-data-platform-id`, `aiDataPlatformId`
/// and `ai_data_platform_id` are the same name.
fn loose(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// How the auth of a request is checked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AuthKind {
    /// `Authorization: Bearer TOKEN`.
    Bearer,
    /// `Authorization: Basic base64(BASIC_USER:TOKEN)`.
    Basic,
    /// `<header>: <prefix>TOKEN`.
    ApiKey {
        header: &'static str,
        prefix: &'static str,
    },
    /// An OCI signature with [`OCI_KEY_ID`].
    Oci,
    /// The spec has no security scheme (Vault's published document): no
    /// auth header is sent.
    None,
}

/// What the credential operation's success body is, read from the spec:
/// the suites derive what to expect of a body from it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SuccessBody {
    /// A JSON object.
    Object {
        /// The schema requires members: another object is refused.
        requires_members: bool,
        /// Unknown members are kept (no data lost); see
        /// [`Provider::keeps_unknown_members`].
        keeps_unknown: bool,
    },
    /// JSON that is not an object (an array, a string).
    OtherJson,
    /// Not JSON (`text/plain`, as Conjur's secret): the body is the
    /// credential, as it came.
    Text,
}

/// What an error status of the credential operation gives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ErrorBody {
    /// Documented, and the operation's errors have a JSON body: a body that
    /// decodes is `ErrorResponse`, any other `UnexpectedResponse`.
    Json,
    /// Documented, and no error of the operation has a JSON body:
    /// `ErrorResponse` with no body, whatever the server sent.
    Empty,
    /// Not documented: `UnexpectedResponse`.
    Undocumented,
}

impl Provider {
    /// The operation's route template (`/a/{id}`).
    pub fn route(&self) -> &'static str {
        self.api
            .operation(self.api.credential_operation)
            .expect("the credential operation is described")
            .path
    }

    /// The `Accept` header the generated client sends.
    pub fn accept(&self) -> &'static str {
        self.api
            .operation(self.api.credential_operation)
            .expect("the credential operation is described")
            .accept
    }

    /// The spec, parsed.
    pub fn spec(&self) -> Value {
        spec(self.stem)
    }

    /// The credential operation in the spec, and its path item.
    pub fn operation(&self) -> (Value, Value) {
        let doc = self.spec();
        let item = doc["paths"][self.route()].clone();
        for (_, op) in item.as_object().expect("the route is in the spec") {
            if op
                .get("operationId")
                .and_then(Value::as_str)
                .is_some_and(|id| xtask::spec::sanitize_snake(id) == self.api.credential_operation)
            {
                return (op.clone(), item.clone());
            }
        }
        panic!(
            "{}: no operation {}",
            self.stem, self.api.credential_operation
        )
    }

    /// The primary example of the credential operation's success body.
    pub fn example(&self) -> Value {
        let (op, _) = self.operation();
        xtask::examples::success_body(&self.spec(), &op)
    }

    /// The success body's schema and its `allOf` parts, each resolved
    /// (none when the body is not JSON).
    fn credential_schemas(&self) -> Vec<Value> {
        let doc = self.spec();
        let (op, _) = self.operation();
        let Some(schema) = xtask::examples::success_schema(&doc, &op) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut todo = vec![xtask::spec::resolve(&doc, &schema).clone()];
        while let Some(schema) = todo.pop() {
            for part in schema["allOf"].as_array().into_iter().flatten() {
                todo.push(xtask::spec::resolve(&doc, part).clone());
            }
            out.push(schema);
        }
        out
    }

    /// The properties of the success body's schema (`allOf` parts merged),
    /// each schema resolved.
    pub fn credential_properties(&self) -> Vec<(String, Value)> {
        let doc = self.spec();
        let mut out = Vec::new();
        for schema in self.credential_schemas() {
            for (name, prop) in schema["properties"].as_object().into_iter().flatten() {
                out.push((name.clone(), xtask::spec::resolve(&doc, prop).clone()));
            }
        }
        out
    }

    /// The members the success body's schema requires (`allOf` parts
    /// merged).
    pub fn required_members(&self) -> Vec<String> {
        self.credential_schemas()
            .iter()
            .flat_map(|s| s["required"].as_array().cloned().unwrap_or_default())
            .filter_map(|v| v.as_str().map(String::from))
            .collect()
    }

    /// What the success body is (see [`SuccessBody`]).
    pub fn success_body(&self) -> SuccessBody {
        let doc = self.spec();
        let (op, _) = self.operation();
        if xtask::examples::success_schema(&doc, &op).is_none() {
            return SuccessBody::Text;
        }
        if !self.example().is_object() {
            return SuccessBody::OtherJson;
        }
        SuccessBody::Object {
            requires_members: !self.required_members().is_empty(),
            keeps_unknown: self.keeps_unknown_members(),
        }
    }

    /// Whether the typed credential keeps a member its schema does not
    /// name: the example with one more member decodes and re-serializes
    /// with it. Every object keeps unknown members, except in a spec with a
    /// property named `extra` (the name typify gives the map of unknown
    /// members; `the_provider_table_is_every_spec` checks that rule).
    pub fn keeps_unknown_members(&self) -> bool {
        let mut body = self.example();
        let Some(members) = body.as_object_mut() else {
            return false;
        };
        members.insert("zz_unknown_probe".into(), Value::from(7));
        let bytes = serde_json::to_vec(&body).unwrap();
        (self.decode_credential)(&bytes)
            .is_ok_and(|back| back.get("zz_unknown_probe") == Some(&Value::from(7)))
    }

    /// A member of the example typed as a plain string (no format, no
    /// enum): invalid UTF-8 there cannot be kept.
    pub fn typed_string_member(&self) -> Option<String> {
        let example = self.example();
        self.credential_properties()
            .into_iter()
            .find(|(name, schema)| {
                schema["type"] == "string"
                    && schema.get("format").is_none()
                    && schema.get("enum").is_none()
                    && example.get(name).is_some_and(Value::is_string)
            })
            .map(|(name, _)| name)
    }

    /// A member typed as free-form JSON (an object with no properties of
    /// its own, kept as JSON), if the credential has one.
    pub fn free_form_member(&self) -> Option<String> {
        self.credential_properties()
            .into_iter()
            .find(|(_, schema)| {
                let object = schema.get("type").is_none_or(|t| t == "object");
                object
                    && schema.get("properties").is_none()
                    && schema.get("allOf").is_none()
                    && schema.get("oneOf").is_none()
                    && schema.get("anyOf").is_none()
                    && schema.get("items").is_none()
            })
            .map(|(name, _)| name)
    }

    /// What an error `status` of the credential operation gives (see
    /// [`ErrorBody`]): documented explicitly, by range or as `default`.
    pub fn error_body(&self, status: u16) -> ErrorBody {
        let (op, _) = self.operation();
        let doc = self.spec();
        let responses = op["responses"].as_object().cloned().unwrap_or_default();
        let class = format!("{}XX", status / 100);
        let documented = [status.to_string(), class, "default".into()]
            .iter()
            .any(|k| responses.contains_key(k));
        // The xtask gives every error response the operation's one error
        // body type when any of them has a JSON body.
        let json_errors = responses.iter().any(|(key, response)| {
            !key.starts_with('2')
                && xtask::spec::resolve(&doc, response)["content"]
                    .as_object()
                    .is_some_and(|c| c.keys().any(|mt| xtask::spec::is_json_media_type(mt)))
        });
        match (documented, json_errors) {
            (false, _) => ErrorBody::Undocumented,
            (true, true) => ErrorBody::Json,
            (true, false) => ErrorBody::Empty,
        }
    }

    /// The required parameters with an example value each, by spec name,
    /// with where they go (`path`, `query`, `header`).
    pub fn example_parameters(&self) -> Vec<(String, &'static str, String)> {
        let doc = self.spec();
        let (op, _) = self.operation();
        xtask::examples::required_parameters(&doc, self.route(), &op)
            .into_iter()
            .map(|(name, location, value)| {
                let location = match location.as_str() {
                    "path" => "path",
                    "query" => "query",
                    "header" => "header",
                    other => panic!("{}: a parameter in `{other}`", self.stem),
                };
                let text = match value {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                (name, location, text)
            })
            .collect()
    }

    /// The command line of the credential operation with the example values.
    pub fn argv(&self) -> Vec<String> {
        let params = self.example_parameters();
        let mut argv = vec![String::new()];
        for (id, required) in (self.arguments)() {
            if !required {
                continue;
            }
            let (_, _, value) = params
                .iter()
                .find(|(name, _, _)| loose(name) == loose(&id))
                .unwrap_or_else(|| panic!("{}: no example value for --{id}", self.stem));
            argv.push(format!("--{id}"));
            argv.push(value.clone());
        }
        argv
    }

    /// The request target the example call must produce (path parameters
    /// percent-decoded).
    pub fn expected_path(&self) -> String {
        let mut path = self.route().to_string();
        for (name, location, value) in self.example_parameters() {
            if location == "path" {
                path = path.replace(&format!("{{{name}}}"), &value);
            }
        }
        format!("{}{path}", self.base_prefix())
    }

    /// The request path with the base prefix, parameters as `{name}`.
    pub fn expected_template(&self) -> String {
        format!("{}{}", self.base_prefix(), self.route())
    }

    /// The path prefix of the default server (AWX's `/api/v2`), which a
    /// base URL of a local server must carry too.
    pub fn base_prefix(&self) -> String {
        let mut url = self.api.server.url.to_string();
        for v in self.api.server.variables {
            url = url.replace(&format!("{{{}}}", v.name), v.default);
        }
        let rest = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
        match rest.find('/') {
            Some(i) => rest[i..].trim_end_matches('/').to_string(),
            None => String::new(),
        }
    }

    /// The auth the suites configure: the first scheme the spec offers
    /// ([`AuthKind::None`] when it offers none).
    pub fn auth_kind(&self) -> AuthKind {
        if let Some(scheme) = self.api.auth.first() {
            return match scheme {
                AuthScheme::Bearer | AuthScheme::OAuth2 { .. } => AuthKind::Bearer,
                AuthScheme::Basic => AuthKind::Basic,
                AuthScheme::ApiKeyHeader { name, prefix } => AuthKind::ApiKey {
                    header: name,
                    prefix,
                },
                AuthScheme::OciSignature => AuthKind::Oci,
            };
        }
        AuthKind::None
    }

    /// The runtime's configuration for a local server at `url`: the auth
    /// of [`Provider::auth_kind`], retries off.
    pub fn config(&self, url: &str) -> ClientConfig {
        let auth = match self.auth_kind() {
            AuthKind::Bearer => Some(Auth::Bearer(TOKEN.into())),
            AuthKind::Basic => Some(Auth::Basic {
                username: BASIC_USER.into(),
                password: TOKEN.into(),
            }),
            AuthKind::ApiKey { header, .. } => Some(Auth::ApiKeyHeader {
                header,
                value: TOKEN.into(),
            }),
            AuthKind::Oci => Some(Auth::Oci(Arc::new(oci_signer()))),
            AuthKind::None => None,
        };
        let config = ClientConfig::new(self.api)
            .base_url(format!("{url}{}", self.base_prefix()))
            .retry(credential_clients::RetryPolicy::disabled());
        match auth {
            Some(auth) => config.auth(auth),
            None => config,
        }
    }

    /// A client built from `config`, calling with the example arguments.
    pub fn client(&self, config: ClientConfig) -> Box<dyn CredentialCall> {
        let parts = config
            .build()
            .unwrap_or_else(|e| panic!("{}: {e}", self.stem));
        (self.client)(parts, self.argv()).unwrap_or_else(|e| panic!("{}: {e}", self.stem))
    }

    /// A client on built `parts`, calling with the example arguments but
    /// `value` for the parameter `name`; `Err` when the parameter's type
    /// cannot hold `value` (the generated CLI parses it first).
    pub fn client_with_value(
        &self,
        parts: &ClientParts,
        name: &str,
        value: &str,
    ) -> Result<Box<dyn CredentialCall>, String> {
        let mut argv = self.argv();
        let flag = (self.arguments)()
            .into_iter()
            .find(|(id, _)| loose(id) == loose(name))
            .map(|(id, _)| format!("--{id}"))
            .ok_or_else(|| format!("no argument for {name}"))?;
        let at = argv
            .iter()
            .position(|a| *a == flag)
            .expect("a required argument");
        argv[at + 1] = value.to_string();
        let parts = ClientParts {
            base_url: parts.base_url.clone(),
            http: parts.http.clone(),
            runtime: parts.runtime.clone(),
        };
        (self.client)(parts, argv)
    }

    /// Checks the auth header(s) of a request the example call sent.
    pub fn check_auth(&self, r: &crate::support::Recorded) {
        use base64::Engine as _;
        match self.auth_kind() {
            AuthKind::Bearer => {
                assert_eq!(r.headers_named("authorization"), 1, "{self:?}: {r:#?}");
                assert_eq!(
                    r.header("authorization"),
                    Some(format!("Bearer {TOKEN}").as_str()),
                    "{self:?}"
                );
            }
            AuthKind::Basic => {
                let b64 = base64::engine::general_purpose::STANDARD
                    .encode(format!("{BASIC_USER}:{TOKEN}"));
                assert_eq!(
                    r.header("authorization"),
                    Some(format!("Basic {b64}").as_str()),
                    "{self:?}"
                );
            }
            AuthKind::ApiKey { header, prefix } => {
                assert_eq!(
                    r.header(header),
                    Some(format!("{prefix}{TOKEN}").as_str()),
                    "{self:?}"
                );
            }
            AuthKind::None => {
                assert_eq!(r.headers_named("authorization"), 0, "{self:?}: {r:#?}");
            }
            AuthKind::Oci => {
                assert_eq!(r.headers_named("authorization"), 1, "{self:?}");
                let auth = r.header("authorization").unwrap();
                assert!(
                    auth.starts_with("Signature version=\"1\",")
                        && auth.contains(&format!("keyId=\"{OCI_KEY_ID}\""))
                        && auth.contains("algorithm=\"rsa-sha256\""),
                    "{self:?}: {auth}"
                );
                assert!(
                    r.header("date").is_some_and(|d| d.ends_with(" GMT")),
                    "{r:#?}"
                );
            }
        }
    }

    /// Checks the route (parameters percent-decoded) of a request the
    /// example call sent.
    pub fn check_path(&self, r: &crate::support::Recorded) {
        let decoded = percent_encoding::percent_decode_str(r.path())
            .decode_utf8()
            .unwrap()
            .into_owned();
        assert_eq!(
            decoded,
            self.expected_path(),
            "{self:?}: {}",
            r.request_line
        );
        for (name, location, value) in self.example_parameters() {
            match location {
                "header" => assert_eq!(r.header(&name), Some(value.as_str()), "{self:?} {name}"),
                "query" => assert!(
                    r.query().is_some_and(|q| q.split('&').any(|kv| {
                        kv.split_once('=').is_some_and(|(k, v)| {
                            k == name
                                && percent_encoding::percent_decode_str(v).decode_utf8_lossy()
                                    == value
                        })
                    })),
                    "{self:?} {name}: {}",
                    r.target
                ),
                _ => {}
            }
        }
    }
}

/// Whether some schema of `doc` has a property called `name`.
fn has_property_named(doc: &Value, name: &str) -> bool {
    match doc {
        Value::Object(m) => {
            m.get("properties")
                .and_then(Value::as_object)
                .is_some_and(|p| p.contains_key(name))
                || m.values().any(|v| has_property_named(v, name))
        }
        Value::Array(a) => a.iter().any(|v| has_property_named(v, name)),
        _ => false,
    }
}

/// The table is the specs: one provider per file in `specs/`, in sorted
/// order (a provider missing from `with_providers!` would be missing from
/// every suite that iterates it).
#[test]
fn the_provider_table_is_every_spec() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs");
    let mut specs: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    specs.sort();
    assert_eq!(stems(), specs);
    for p in all() {
        assert_eq!(p.api.provider, p.stem, "{p:?}");
        // Every provider can be called by the suites: an example argument
        // for each required CLI argument, and a route with an example path.
        assert!(p.argv().len() > 1, "{p:?}");
        assert!(!p.expected_path().contains('{'), "{p:?}");
        // Unknown members are kept wherever typify can keep them (its map
        // of unknown members is named `extra`, so a spec with a property of
        // that name cannot).
        if let SuccessBody::Object { keeps_unknown, .. } = p.success_body() {
            assert_eq!(
                keeps_unknown,
                !has_property_named(&p.spec(), "extra"),
                "{p:?}: unknown members kept"
            );
        }
    }
    covered("providers::the_provider_table_is_every_spec", &stems());
}

/// The specs written here have JSON object bodies that require members and
/// keep unknown ones, a plain string member and an auth scheme, so every
/// case of every suite runs on them (none is skipped as not applicable).
#[test]
fn every_case_applies_to_our_own_specs() {
    const OURS: [&str; 6] = [
        "acme-vault",
        "ankra",
        "awx",
        "netapp-astra",
        "oci-aidp",
        "tines",
    ];
    let mut checked = 0;
    for p in all().iter().filter(|p| OURS.contains(&p.stem)) {
        assert_eq!(
            p.success_body(),
            SuccessBody::Object {
                requires_members: true,
                keeps_unknown: true
            },
            "{p:?}"
        );
        assert!(p.typed_string_member().is_some(), "{p:?}");
        assert_ne!(p.auth_kind(), AuthKind::None, "{p:?}");
        assert_eq!(p.error_body(404), ErrorBody::Json, "{p:?}");
        checked += 1;
    }
    // The workspace itself has the five; a copy may have the sixth too.
    assert!(checked >= 5, "{checked}");
}
