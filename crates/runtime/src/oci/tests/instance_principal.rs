//! Instance principals against a local metadata service and a local
//! federation endpoint that checks the federation request's signature and
//! body, and an API server that accepts only tokens the federation endpoint
//! issued, signed by the session key it was given.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use reqwest::{Method, Request, Url};
use serde_json::Value;

use super::server::{self, Reply, Server};
use super::vectors::*;
use crate::auth::{AuthError, Authenticate};
use crate::oci::certificate::Certificate;
use crate::oci::{InstancePrincipalAuth, InstancePrincipalOptions, OciAuth, OciAuthMode};

fn body_of(pem: &str) -> String {
    pem.lines().filter(|l| !l.starts_with("-----")).collect()
}

/// The metadata service: Oracle's test certificates, region `phx`; every
/// request must carry `Authorization: Bearer Oracle`.
async fn metadata_server() -> Server {
    Server::start(|request| {
        if request.header("authorization") != Some("Bearer Oracle") {
            return Reply::new(401, "{}");
        }
        match request.target.as_str() {
            "/opc/v2/instance/region" => Reply::new(200, "phx\n"),
            "/opc/v2/identity/cert.pem" => Reply::new(200, ORACLE_LEAF_CERT),
            "/opc/v2/identity/key.pem" => Reply::new(200, ORACLE_LEAF_KEY),
            "/opc/v2/identity/intermediate.pem" => Reply::new(200, ORACLE_INTERMEDIATE_CERT),
            _ => Reply::new(404, "{}"),
        }
    })
    .await
}

/// What the federation endpoint issued: token -> session public key.
#[derive(Default)]
struct Issued {
    keys: Mutex<HashMap<String, Vec<u8>>>,
    /// Seconds after `base` at which the next token expires.
    lifetime: AtomicU64,
    fail: AtomicBool,
    errors: Mutex<Vec<String>>,
}

/// The federation endpoint: checks the signature (leaf key, Oracle's key
/// id, no `host`) and the body, then issues a token per call that expires
/// `n` hours after `base` for the `n`-th call.
async fn federation_server(issued: Arc<Issued>, base: SystemTime) -> Server {
    let leaf = Certificate::from_pem(ORACLE_LEAF_CERT).unwrap();
    let leaf_key = leaf.public_key_spki();
    Server::start(move |request| {
        let check = || -> Result<Vec<u8>, String> {
            if request.method != "POST" || request.target != "/v1/x509" {
                return Err(format!("{} {}", request.method, request.target));
            }
            let verified = server::verify(request, |key_id| {
                (key_id == format!("{ORACLE_TENANCY}/fed-x509-sha256/{ORACLE_LEAF_FINGERPRINT}"))
                    .then(|| leaf_key.clone())
            })?;
            if verified.headers
                != "date (request-target) content-length content-type x-content-sha256"
            {
                return Err(format!("signed headers {}", verified.headers));
            }
            if request.header("content-type") != Some("application/json") {
                return Err("content-type".into());
            }
            let body: Value = serde_json::from_str(request.text()).map_err(|e| e.to_string())?;
            let fields: Vec<&String> = body.as_object().unwrap().keys().collect();
            if fields
                != [
                    "certificate",
                    "fingerprintAlgorithm",
                    "intermediateCertificates",
                    "publicKey",
                ]
            {
                return Err(format!("fields {fields:?}"));
            }
            if body["certificate"] != body_of(ORACLE_LEAF_CERT)
                || body["intermediateCertificates"]
                    != serde_json::json!([body_of(ORACLE_INTERMEDIATE_CERT)])
                || body["fingerprintAlgorithm"] != "SHA256"
            {
                return Err("body".into());
            }
            STANDARD
                .decode(body["publicKey"].as_str().unwrap_or_default())
                .map_err(|_| "publicKey".to_owned())
        };
        if issued.fail.load(Ordering::SeqCst) {
            return Reply::new(500, r#"{"code":"InternalError","message":"down"}"#);
        }
        match check() {
            Ok(public_key) => {
                let mut keys = issued.keys.lock().unwrap();
                let n = keys.len() as u64 + 1;
                let lifetime = issued.lifetime.load(Ordering::SeqCst).max(1) * n;
                let token = token(
                    base + Duration::from_secs(lifetime),
                    &[
                        ("sub", &format!("token-{n}")),
                        ("opc-tenant", ORACLE_TENANCY),
                    ],
                );
                keys.insert(token.clone(), public_key);
                Reply::new(200, format!("\n{{\n  \"token\" : \"{token}\"\n}}\n"))
            }
            Err(why) => {
                issued.errors.lock().unwrap().push(why.clone());
                Reply::new(
                    401,
                    format!(r#"{{"code":"NotAuthenticated","message":"{why}"}}"#),
                )
            }
        }
    })
    .await
}

/// An API server that accepts `ST$<token>` signed by the session key the
/// federation endpoint was given for that token.
async fn api_server(issued: Arc<Issued>) -> Server {
    Server::start(move |request| {
        let keys = issued.keys.lock().unwrap();
        let verified = server::verify(request, |key_id| {
            keys.get(key_id.strip_prefix("ST$")?).cloned()
        });
        match verified {
            Ok(_) => Reply::new(200, "{}"),
            Err(why) => Reply::new(401, format!(r#"{{"message":"{why}"}}"#)),
        }
    })
    .await
}

struct Setup {
    metadata: Server,
    federation: Server,
    api: Server,
    issued: Arc<Issued>,
    base: SystemTime,
}

async fn setup(hours: u64) -> Setup {
    let issued = Arc::new(Issued::default());
    issued.lifetime.store(hours * 3600, Ordering::SeqCst);
    let base = SystemTime::now();
    Setup {
        metadata: metadata_server().await,
        federation: federation_server(issued.clone(), base).await,
        api: api_server(issued.clone()).await,
        issued,
        base,
    }
}

impl Setup {
    fn options(&self) -> InstancePrincipalOptions {
        InstancePrincipalOptions {
            metadata_url: Some(format!("{}/opc/v2", self.metadata.url())),
            federation_url: Some(format!("{}/v1/x509", self.federation.url())),
            ..Default::default()
        }
    }

    fn federation_calls(&self) -> usize {
        self.federation.count("/v1/x509")
    }

    fn api_request(&self) -> Request {
        Request::new(
            Method::GET,
            Url::parse(&format!("{}/20260430/aiDataPlatforms/x", self.api.url())).unwrap(),
        )
    }

    async fn call(&self, auth: &dyn Authenticate) -> Result<u16, AuthError> {
        let http = server::http();
        let mut request = self.api_request();
        auth.authenticate(&mut request, &http).await?;
        Ok(http.execute(request).await.unwrap().status().as_u16())
    }

    fn last_api_key_id(&self) -> String {
        let received = self.api.received();
        key_id_of(received.last().unwrap().header("authorization").unwrap()).to_owned()
    }

    fn errors(&self) -> Vec<String> {
        self.issued.errors.lock().unwrap().clone()
    }
}

#[tokio::test]
async fn instance_principal_signs_with_the_federated_token_and_renews_it() {
    let setup = setup(1).await;
    let auth = OciAuth::instance_principal(setup.options()).unwrap();
    assert_eq!(auth.mode(), OciAuthMode::InstancePrincipal);

    assert_eq!(
        setup.call(&auth).await.unwrap(),
        200,
        "{:?}",
        setup.errors()
    );
    assert_eq!(setup.call(&auth).await.unwrap(), 200);
    assert_eq!(setup.federation_calls(), 1, "the token is cached");
    let first = setup.last_api_key_id();
    assert!(first.starts_with("ST$"));
    assert!(setup.issued.keys.lock().unwrap().contains_key(&first[3..]));

    // Every metadata call carried `Authorization: Bearer Oracle`; the
    // region is not needed with an explicit federation URL.
    let metadata = setup.metadata.received();
    assert!(
        metadata
            .iter()
            .all(|r| r.header("authorization") == Some("Bearer Oracle"))
    );
    let targets: Vec<&str> = metadata.iter().map(|r| r.target.as_str()).collect();
    assert_eq!(
        targets,
        [
            "/opc/v2/identity/cert.pem",
            "/opc/v2/identity/key.pem",
            "/opc/v2/identity/intermediate.pem"
        ]
    );

    // Within 5 minutes of `exp` the token is renewed, before it expires.
    let ip = auth.as_instance_principal().unwrap();
    let http = server::http();
    let near_expiry = setup.base + Duration::from_secs(3600 - 4 * 60);
    let renewed = ip.signer_at(&http, near_expiry).await.unwrap();
    assert_eq!(setup.federation_calls(), 2);
    assert_ne!(renewed.key_id(), first);
    let again = ip.signer_at(&http, near_expiry).await.unwrap();
    assert_eq!(again.key_id(), renewed.key_id());
    assert_eq!(setup.federation_calls(), 2);
    let mut request = setup.api_request();
    renewed.sign(&mut request, near_expiry).unwrap();
    assert_eq!(http.execute(request).await.unwrap().status(), 200);

    // A 401 makes the next attempt renew the token.
    assert!(auth.unauthorized());
    assert_eq!(setup.call(&auth).await.unwrap(), 200);
    assert_eq!(setup.federation_calls(), 3);
    let third = setup.last_api_key_id();
    assert_ne!(third, renewed.key_id());

    // A new session key for every token.
    let keys: Vec<Vec<u8>> = setup
        .issued
        .keys
        .lock()
        .unwrap()
        .values()
        .cloned()
        .collect();
    assert_eq!(keys.len(), 3);
    assert!(keys[0] != keys[1] && keys[1] != keys[2] && keys[0] != keys[2]);
    assert!(setup.errors().is_empty(), "{:?}", setup.errors());
    assert_eq!(ip.tenancy().await.as_deref(), Some(ORACLE_TENANCY));

    let debug = format!("{auth:?}");
    assert!(!debug.contains(&first[3..]), "{debug}");
    assert!(!debug.contains(&third[3..]), "{debug}");
}

#[tokio::test]
async fn a_failed_renewal_keeps_a_valid_token_until_it_expires() {
    let setup = setup(1).await;
    let auth = InstancePrincipalAuth::new(setup.options()).unwrap();
    let http = server::http();
    let first = auth.signer_at(&http, setup.base).await.unwrap();

    setup.issued.fail.store(true, Ordering::SeqCst);
    let near_expiry = setup.base + Duration::from_secs(3600 - 60);
    let kept = auth.signer_at(&http, near_expiry).await.unwrap();
    assert_eq!(kept.key_id(), first.key_id());
    // 500s are retried: three attempts.
    assert_eq!(setup.federation_calls(), 4);

    let expired = setup.base + Duration::from_secs(3600 + 1);
    match auth.signer_at(&http, expired).await {
        Err(AuthError::Token { endpoint, reason }) => {
            assert_eq!(endpoint, format!("{}/v1/x509", setup.federation.url()));
            assert!(
                reason.contains("500") && reason.contains("InternalError"),
                "{reason}"
            );
        }
        other => panic!("{other:?}"),
    }
    setup.issued.fail.store(false, Ordering::SeqCst);
    assert!(auth.signer_at(&http, expired).await.is_ok());
}

#[tokio::test]
async fn region_from_the_metadata_service_and_metadata_errors() {
    let setup = setup(1).await;
    let auth = InstancePrincipalAuth::new(setup.options()).unwrap();
    let http = server::http();
    assert_eq!(auth.region(&http).await.unwrap(), "us-phoenix-1");
    assert_eq!(auth.region(&http).await.unwrap(), "us-phoenix-1");
    assert_eq!(setup.metadata.count("/opc/v2/instance/region"), 1);

    let configured = InstancePrincipalAuth::new(InstancePrincipalOptions {
        region: Some("IAD".to_owned()),
        ..setup.options()
    })
    .unwrap();
    assert_eq!(configured.region(&http).await.unwrap(), "us-ashburn-1");

    // A metadata service that does not know the paths: no retry on 404.
    let missing = Server::start(|_| Reply::new(404, "{}")).await;
    let auth = InstancePrincipalAuth::new(InstancePrincipalOptions {
        metadata_url: Some(format!("{}/opc/v2", missing.url())),
        ..setup.options()
    })
    .unwrap();
    let mut request = setup.api_request();
    match auth.authenticate(&mut request, &http).await {
        Err(AuthError::Token { endpoint, reason }) => {
            assert_eq!(
                endpoint,
                format!("{}/opc/v2/identity/cert.pem", missing.url())
            );
            assert!(
                reason.contains("404") && reason.contains("compute instances"),
                "{reason}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(missing.received().len(), 1);
    assert!(request.headers().get("authorization").is_none());

    for url in [
        "not a url",
        "ftp://example.com/opc/v2",
        "http://user:pw@127.0.0.1/opc/v2",
    ] {
        let error = InstancePrincipalAuth::new(InstancePrincipalOptions {
            metadata_url: Some(url.to_owned()),
            ..Default::default()
        })
        .unwrap_err();
        assert!(!error.to_string().contains("pw@"), "{error}");
    }
}

#[test]
fn default_federation_endpoint_follows_the_realm() {
    let auth = InstancePrincipalAuth::new(InstancePrincipalOptions::default()).unwrap();
    for (region, url) in [
        ("phx", "https://auth.us-phoenix-1.oraclecloud.com/v1/x509"),
        (
            "us-langley-1",
            "https://auth.us-langley-1.oraclegovcloud.com/v1/x509",
        ),
        (
            "uk-gov-london-1",
            "https://auth.uk-gov-london-1.oraclegovcloud.uk/v1/x509",
        ),
        (
            "eu-frankfurt-2",
            "https://auth.eu-frankfurt-2.oraclecloud.eu/v1/x509",
        ),
    ] {
        assert_eq!(auth.default_federation_url(region).unwrap().as_str(), url);
    }
    assert!(
        format!("{auth:?}").contains("169.254.169.254")
            || std::env::var_os("OCI_METADATA_BASE_URL").is_some()
    );
}
