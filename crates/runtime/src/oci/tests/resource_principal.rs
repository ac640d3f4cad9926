//! Resource principals from an explicit environment: inline and
//! file-based tokens and keys, requests verified by a server on 127.0.0.1,
//! and the errors for what Oracle's SDKs refuse too.

use std::time::{Duration, SystemTime};

use reqwest::{Method, Request, Url};

use super::server::{self, Reply, Server};
use super::vectors::*;
use crate::auth::{AuthError, Authenticate};
use crate::oci::resource_principal_env::*;
use crate::oci::{ConfigError, OciAuth, OciAuthMode, ResourcePrincipalAuth};

const TENANT: &str = "ocid1.tenancy.oc1..resourcetenant";
const COMPARTMENT: &str = "ocid1.compartment.oc1..resourcecompartment";

fn rpst(tag: &str) -> String {
    token(
        SystemTime::now() + Duration::from_secs(3600),
        &[
            ("res_tenant", TENANT),
            ("res_compartment", COMPARTMENT),
            ("sub", tag),
        ],
    )
}

fn env(rpst: &str, pem: &str) -> Vec<(&'static str, String)> {
    vec![
        (VERSION_ENV, "2.2".to_owned()),
        (RPST_ENV, rpst.to_owned()),
        (PRIVATE_PEM_ENV, pem.to_owned()),
        (REGION_ENV, "phx".to_owned()),
    ]
}

async fn api_server() -> Server {
    Server::start(|request| {
        let public_key = test_signer(TEST_KEY_PKCS1).key().public_key_spki().unwrap();
        match server::verify(request, |key_id| {
            key_id.starts_with("ST$").then(|| public_key.clone())
        }) {
            Ok(_) => Reply::new(200, "{}"),
            Err(why) => Reply::new(401, format!(r#"{{"message":"{why}"}}"#)),
        }
    })
    .await
}

async fn call(auth: &dyn Authenticate, server: &Server) -> Result<u16, AuthError> {
    let http = server::http();
    let mut request = Request::new(
        Method::POST,
        Url::parse(&format!("{}/20260430/things", server.url())).unwrap(),
    );
    *request.body_mut() = Some(r#"{"a":1}"#.into());
    auth.authenticate(&mut request, &http).await?;
    Ok(http.execute(request).await.unwrap().status().as_u16())
}

fn last_key_id(server: &Server) -> String {
    let received = server.received();
    key_id_of(received.last().unwrap().header("authorization").unwrap()).to_owned()
}

#[tokio::test]
async fn inline_token_and_key_sign_and_reproduce_the_openssl_signatures() {
    let token = rpst("inline");
    let auth = OciAuth::resource_principal(env(&token, TEST_KEY_PKCS8)).unwrap();
    assert_eq!(auth.mode(), OciAuthMode::ResourcePrincipal);
    assert_eq!(auth.region(), Some("us-phoenix-1"));

    let server = api_server().await;
    assert_eq!(call(&auth, &server).await.unwrap(), 200);
    assert_eq!(last_key_id(&server), format!("ST${token}"));
    assert!(!auth.unauthorized(), "nothing to re-read");

    let rp = ResourcePrincipalAuth::from_env_map(env(&token, TEST_KEY_PKCS1)).unwrap();
    assert_eq!(rp.tenancy().as_deref(), Some(TENANT));
    assert_eq!(rp.compartment().as_deref(), Some(COMPARTMENT));
    let signer = rp.signer_at(SystemTime::now()).unwrap();
    let mut request = get_request();
    signer.sign_with_date(&mut request, vector_date()).unwrap();
    assert_eq!(
        signer.signing_string(&request).unwrap(),
        VECTOR_GET_SIGNING_STRING
    );
    assert_eq!(
        signature_of(header(&request, "authorization")),
        TEST_KEY_GET_SIGNATURE
    );

    let debug = format!("{rp:?} {auth:?}");
    assert!(!debug.contains(&token), "{debug}");
    assert_no_key_material(&debug, TEST_KEY_PKCS1);
}

#[tokio::test]
async fn file_based_token_is_re_read_when_it_changes_and_on_401() {
    let dir = temp_dir("rp");
    let (token_path, key_path, pass_path) =
        (dir.join("rpst"), dir.join("key.pem"), dir.join("pass"));
    let first = rpst("first");
    std::fs::write(&token_path, &first).unwrap();
    std::fs::write(&key_path, TEST_KEY_PKCS1).unwrap();
    std::fs::write(&pass_path, "unused for an unencrypted key").unwrap();
    let mut vars = env(token_path.to_str().unwrap(), key_path.to_str().unwrap());
    vars.push((PASSPHRASE_ENV, pass_path.to_str().unwrap().to_owned()));
    let auth = ResourcePrincipalAuth::from_env_map(vars).unwrap();
    let server = api_server().await;

    assert_eq!(call(&auth, &server).await.unwrap(), 200);
    assert_eq!(last_key_id(&server), format!("ST${first}"));

    let second = rpst("secnd");
    std::fs::write(&token_path, &second).unwrap();
    let file = std::fs::File::options()
        .write(true)
        .open(&token_path)
        .unwrap();
    file.set_modified(SystemTime::now() + Duration::from_secs(5))
        .unwrap();
    assert_eq!(call(&auth, &server).await.unwrap(), 200);
    assert_eq!(last_key_id(&server), format!("ST${second}"));

    let third = rpst("third");
    std::fs::write(&token_path, &third).unwrap();
    assert!(auth.unauthorized());
    assert_eq!(call(&auth, &server).await.unwrap(), 200);
    assert_eq!(last_key_id(&server), format!("ST${third}"));

    // Expired in the file: refused, without the token in the message.
    let expired = token(SystemTime::now() - Duration::from_secs(1), &[]);
    std::fs::write(&token_path, &expired).unwrap();
    match call(&auth, &server).await {
        Err(AuthError::Expired(message)) => {
            assert!(
                message.contains("rpst") && !message.contains(&expired),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn environment_errors() {
    let token = rpst("errors");
    let without = |name: &str| {
        env(&token, TEST_KEY_PKCS1)
            .into_iter()
            .filter(|(n, _)| *n != name)
            .collect::<Vec<_>>()
    };
    for name in [VERSION_ENV, RPST_ENV, PRIVATE_PEM_ENV, REGION_ENV] {
        let error = ResourcePrincipalAuth::from_env_map(without(name)).unwrap_err();
        assert!(
            matches!(error, ConfigError::MissingEnv(n) if n == name),
            "{error:?}"
        );
    }
    for (version, shown) in [
        ("1.1", "1.1"),
        ("3.0", "3.0"),
        ("2.1.1", "2.1.1"),
        ("$(rm -rf)", "an unrecognized value"),
    ] {
        let mut vars = without(VERSION_ENV);
        vars.push((VERSION_ENV, version.to_owned()));
        let error = ResourcePrincipalAuth::from_env_map(vars).unwrap_err();
        assert!(
            matches!(&error, ConfigError::UnsupportedResourcePrincipalVersion { version } if version == shown),
            "{error:?}"
        );
    }

    // A pass phrase given as a path for an inline key (Go's rule).
    let mut vars = env(&token, TEST_KEY_PKCS1);
    vars.push((PASSPHRASE_ENV, "/run/secrets/pass".to_owned()));
    let error = ResourcePrincipalAuth::from_env_map(vars).unwrap_err();
    assert!(
        matches!(error, ConfigError::InvalidEnv { name, .. } if name == PASSPHRASE_ENV),
        "{error:?}"
    );

    // Tokens that are not JWTs, expired tokens, encrypted keys, missing files.
    let expired = super::vectors::token(SystemTime::now() - Duration::from_secs(1), &[]);
    let encrypted = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIC3TBXBgkqhkiG9w0BBQ0w\n-----END ENCRYPTED PRIVATE KEY-----\n";
    type Case = (Vec<(&'static str, String)>, fn(&ConfigError) -> bool);
    let cases: [Case; 4] = [
        (env("opaque-secret-token", TEST_KEY_PKCS1), |e| {
            matches!(e, ConfigError::InvalidToken { .. })
        }),
        (env(&expired, TEST_KEY_PKCS1), |e| {
            matches!(e, ConfigError::TokenExpired { .. })
        }),
        (env(&token, encrypted), |e| {
            matches!(e, ConfigError::EncryptedKey)
        }),
        (env("/nonexistent/rpst", TEST_KEY_PKCS1), |e| {
            matches!(e, ConfigError::Io { .. })
        }),
    ];
    for (vars, expected) in cases {
        let error = ResourcePrincipalAuth::from_env_map(vars).unwrap_err();
        assert!(expected(&error), "{error:?}");
        let text = format!("{error} {error:?}");
        assert!(
            !text.contains("opaque-secret-token") && !text.contains(&expired),
            "{text}"
        );
        assert_no_key_material(&text, TEST_KEY_PKCS1);
    }
}
