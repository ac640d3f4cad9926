//! Helpers for driving the real `credctl` binary against local mock servers
//! on 127.0.0.1, with a clean environment and a temporary `$HOME`.

#![allow(dead_code)]

pub mod tls;

use std::path::{Path, PathBuf};

use httpmock::{Method::GET, Mock, MockServer};
use serde_json::Value;

/// `credctl` with an empty environment and `$HOME` in `home` (so no real
/// config file, OCI config or token leaks in).
pub fn credctl(home: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(env!("CARGO_BIN_EXE_credctl"));
    cmd.env_clear().env("HOME", home);
    cmd.timeout(std::time::Duration::from_secs(20));
    cmd
}

/// `specs/<stem>.yaml` as JSON.
pub fn spec(stem: &str) -> Value {
    let rel = format!("specs/{stem}.yaml");
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(&rel);
    let text = std::fs::read_to_string(&path).unwrap();
    xtask::spec::parse_yaml(Path::new(&rel), &text).unwrap()
}

/// The spec's credential operation (what `credctl get` calls), resolved.
pub fn credential_operation(doc: &Value) -> Value {
    xtask::spec::credential_operation(doc)
        .expect("the spec has a credential operation")
        .op
        .clone()
}

/// The JSON schema of the credential operation's 200 body, resolved.
pub fn credential_schema(doc: &Value) -> Value {
    let op = credential_operation(doc);
    let ok = xtask::spec::resolve(doc, &op["responses"]["200"]);
    let media = ok["content"].as_object().unwrap().values().next().unwrap();
    xtask::spec::resolve(doc, &media["schema"]).clone()
}

/// The primary example of a response of the credential operation.
pub fn example(stem: &str, status: &str) -> Value {
    let doc = spec(stem);
    let op = credential_operation(&doc);
    xtask::examples::response_example(&doc, &op, Some(status))
        .unwrap_or_else(|| panic!("{stem}: the credential operation's {status} has no example"))
}

/// An OCI config file (profile DEFAULT) with a fresh 2048-bit API key.
pub fn oci_config(dir: &Path) -> PathBuf {
    use aws_lc_rs::encoding::AsDer as _;
    use base64::Engine as _;
    let key = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
    let der = key.as_der().unwrap();
    let body = base64::engine::general_purpose::STANDARD.encode(der.as_ref());
    let mut pem = String::from("-----BEGIN PRIVATE KEY-----\n");
    for chunk in body.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(chunk).unwrap());
        pem.push('\n');
    }
    pem.push_str("-----END PRIVATE KEY-----\n");
    std::fs::write(dir.join("oci_api_key.pem"), pem).unwrap();
    let config = dir.join("oci-config");
    std::fs::write(
        &config,
        "[DEFAULT]\n\
         user=ocid1.user.oc1..testuser\n\
         fingerprint=20:3b:97:13:55:1c:aa:66:1f:0a:11:22:33:44:55:66\n\
         tenancy=ocid1.tenancy.oc1..testtenancy\n\
         region=us-ashburn-1\n\
         key_file=oci_api_key.pem\n",
    )
    .unwrap();
    config
}

pub const OCI_KEY_ID: &str = "ocid1.tenancy.oc1..testtenancy/ocid1.user.oc1..testuser/20:3b:97:13:55:1c:aa:66:1f:0a:11:22:33:44:55:66";

/// One provider's `get`: the request credctl must send and the answer.
pub struct Case {
    pub stem: &'static str,
    /// `get <stem> <id> <args...>`
    pub id: String,
    pub args: Vec<String>,
    /// Environment with the credentials (the base URL is added per test).
    pub env: Vec<(String, String)>,
    /// The environment variable of the base URL, and the path prefix to add.
    pub base_url_env: &'static str,
    pub base_path: &'static str,
    /// The request path the server must see.
    pub path: String,
    pub query: Option<(&'static str, &'static str)>,
    /// The exact `Authorization` header, or its prefix for OCI signatures.
    pub authorization: Auth,
    /// The body served (the spec's primary example).
    pub body: Value,
    /// Secret fields of `body`: (JSON pointer, the real value).
    pub secrets: Vec<(&'static str, String)>,
}

pub enum Auth {
    Exact(String),
    Prefix(String),
}

pub fn cases(home: &Path) -> Vec<Case> {
    use base64::Engine as _;
    let oci = oci_config(home);
    let astra_account = "3f1c9a52-7d4e-4b8a-9e21-6c0d5b7a2f14";
    let platform = "ocid1.datalake.oc1.iad.example";
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let ankra = example("ankra", "200");
    let awx = example("awx", "200");
    let astra = example("netapp-astra", "200");
    let oci_body = example("oci-aidp", "200");
    let tines = example("tines", "200");
    vec![
        Case {
            stem: "ankra",
            id: text(&ankra["id"]),
            args: vec![],
            env: vec![("ANKRA_TOKEN".into(), "tok-ankra-123".into())],
            base_url_env: "ANKRA_BASE_URL",
            base_path: "",
            path: format!("/api/v1/org/credentials/{}", text(&ankra["id"])),
            query: None,
            authorization: Auth::Exact("Bearer tok-ankra-123".into()),
            secrets: vec![("/secret_access_key", text(&ankra["secret_access_key"]))],
            body: ankra,
        },
        Case {
            stem: "awx",
            id: text(&awx["id"]),
            args: vec![],
            env: vec![
                ("AWX_USERNAME".into(), "admin".into()),
                ("AWX_PASSWORD".into(), "pa:ss word".into()),
            ],
            base_url_env: "AWX_BASE_URL",
            base_path: "/api/controller/v2",
            path: format!("/api/controller/v2/credentials/{}/", text(&awx["id"])),
            query: None,
            authorization: Auth::Exact(format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode("admin:pa:ss word")
            )),
            secrets: vec![],
            body: awx,
        },
        Case {
            stem: "netapp-astra",
            id: text(&astra["id"]),
            args: vec!["--account-id".into(), astra_account.into()],
            env: vec![("ASTRA_API_TOKEN".into(), "astra-tok".into())],
            base_url_env: "ASTRA_BASE_URL",
            base_path: "",
            path: format!(
                "/accounts/{astra_account}/core/v1/credentials/{}",
                text(&astra["id"])
            ),
            query: None,
            authorization: Auth::Exact("Bearer astra-tok".into()),
            secrets: vec![],
            body: astra,
        },
        Case {
            stem: "oci-aidp",
            id: text(&oci_body["key"]),
            args: vec!["--ai-data-platform-id".into(), platform.into()],
            env: vec![("OCI_CONFIG_FILE".into(), oci.display().to_string())],
            base_url_env: "OCI_BASE_URL",
            base_path: "",
            path: format!(
                "/20260430/aiDataPlatforms/{platform}/credentials/{}",
                text(&oci_body["key"])
            ),
            query: None,
            authorization: Auth::Prefix(format!(
                "Signature version=\"1\",headers=\"date (request-target) host\",keyId=\"{OCI_KEY_ID}\",algorithm=\"rsa-sha256\",signature=\""
            )),
            secrets: vec![
                (
                    "/credentialDetails/secretTokenPair/0/secretValue",
                    text(&oci_body["credentialDetails"]["secretTokenPair"][0]["secretValue"]),
                ),
                (
                    "/credentialDetails/secretTokenPair/1/secretValue",
                    text(&oci_body["credentialDetails"]["secretTokenPair"][1]["secretValue"]),
                ),
            ],
            body: oci_body,
        },
        Case {
            stem: "tines",
            id: text(&tines["id"]),
            args: vec!["--include-references".into()],
            env: vec![("TINES_API_KEY".into(), "tines-key".into())],
            base_url_env: "TINES_BASE_URL",
            base_path: "",
            path: format!("/api/v1/user_credentials/{}", text(&tines["id"])),
            query: Some(("include_references", "true")),
            authorization: Auth::Exact("Bearer tines-key".into()),
            secrets: vec![],
            body: tines,
        },
    ]
}

impl Case {
    /// A mock that answers only the exact request this case must send.
    pub fn mock<'a>(&self, server: &'a MockServer) -> Mock<'a> {
        server.mock(|when, then| {
            let mut when = when.method(GET).path(self.path.clone());
            if let Some((k, v)) = self.query {
                when = when.query_param(k, v);
            }
            match &self.authorization {
                Auth::Exact(value) => {
                    when.header("authorization", value.clone());
                }
                Auth::Prefix(prefix) => {
                    when.header_prefix("authorization", prefix.clone());
                }
            }
            then.status(200)
                .header("content-type", "application/json")
                .json_body(self.body.clone());
        })
    }

    /// `credctl get <stem> <id> <args>` with the credentials in the
    /// environment and the base URL pointing at `server`.
    pub fn command(&self, home: &Path, server: &MockServer) -> assert_cmd::Command {
        let mut cmd = credctl(home);
        cmd.arg("get").arg(self.stem).arg(&self.id).args(&self.args);
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd.env(
            self.base_url_env,
            format!("{}{}", server.base_url(), self.base_path),
        );
        cmd
    }
}

/// The stdout of a finished command as text.
pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A 127.0.0.1 port that refuses connections while this lives: bound (no
/// other process can take it, so there is no race between choosing the
/// number and using it) but never listening.
pub struct ClosedPort {
    _socket: socket2::Socket,
    pub port: u16,
}

pub fn closed_port() -> ClosedPort {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    let any: std::net::SocketAddr = "127.0.0.1:0".parse().unwrap();
    socket.bind(&any.into()).unwrap();
    let port = socket.local_addr().unwrap().as_socket().unwrap().port();
    ClosedPort {
        _socket: socket,
        port,
    }
}
