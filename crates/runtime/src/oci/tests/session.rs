//! Session tokens: Oracle's vector under `ST$<token>`, requests verified by
//! a server on 127.0.0.1, token files re-read when they change, expired
//! tokens refused with the refresh hint.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use reqwest::{Method, Request, Url};

use super::server::{self, Reply, Server};
use super::vectors::*;
use crate::auth::{AuthError, Authenticate};
use crate::oci::{ConfigError, OciAuth, OciAuthMode, OciConfig, SessionTokenAuth, Signer};

const PROFILE: &str = "SESSION";

/// A config dir with a session profile (as `oci session authenticate`
/// writes one: no `user`) and an API-key profile sharing the key.
fn session_dir(token: &str) -> (PathBuf, PathBuf) {
    let dir = temp_dir("session");
    std::fs::create_dir_all(dir.join("sessions/SESSION")).unwrap();
    std::fs::write(dir.join("sessions/SESSION/oci_api_key.pem"), TEST_KEY_PKCS1).unwrap();
    std::fs::write(dir.join("sessions/SESSION/token"), token).unwrap();
    let config = dir.join("config");
    std::fs::write(
        &config,
        format!(
            "[SESSION]\nfingerprint={VECTOR_FINGERPRINT}\nkey_file=sessions/SESSION/oci_api_key.pem\n\
             tenancy={VECTOR_TENANCY}\nregion=us-ashburn-1\nsecurity_token_file=sessions/SESSION/token\n\
             [APIKEY]\nuser={VECTOR_USER}\nfingerprint={VECTOR_FINGERPRINT}\ntenancy={VECTOR_TENANCY}\n\
             key_file=sessions/SESSION/oci_api_key.pem\n"
        ),
    )
    .unwrap();
    (dir, config)
}

/// Writes a new token and moves the file's mtime forward, so that the
/// change is seen even on file systems with coarse timestamps.
fn rewrite(path: &Path, token: &str, bump: u64) {
    std::fs::write(path, token).unwrap();
    let file = std::fs::File::options().write(true).open(path).unwrap();
    file.set_modified(SystemTime::now() + Duration::from_secs(bump))
        .unwrap();
}

fn hour_from_now(tag: &str) -> String {
    token(
        SystemTime::now() + Duration::from_secs(3600),
        &[("sub", tag)],
    )
}

/// A server that accepts `ST$<token>` signatures by the test key.
async fn api_server() -> Server {
    Server::start(|request| {
        let public_key = test_signer(TEST_KEY_PKCS1).key().public_key_spki().unwrap();
        match server::verify(request, |key_id| {
            key_id.starts_with("ST$").then(|| public_key.clone())
        }) {
            Ok(_) => Reply::new(200, "{}"),
            Err(why) => Reply::new(
                401,
                format!(r#"{{"code":"NotAuthenticated","message":"{why}"}}"#),
            ),
        }
    })
    .await
}

async fn call(auth: &dyn Authenticate, server: &Server) -> Result<u16, AuthError> {
    let http = server::http();
    let mut request = Request::new(
        Method::GET,
        Url::parse(&format!("{}/20260430/aiDataPlatforms/x", server.url())).unwrap(),
    );
    auth.authenticate(&mut request, &http).await?;
    Ok(http.execute(request).await.unwrap().status().as_u16())
}

fn last_key_id(server: &Server) -> String {
    let received = server.received();
    key_id_of(received.last().unwrap().header("authorization").unwrap()).to_owned()
}

#[test]
fn oracle_vector_under_a_security_token_key_id() {
    // The keyId is not signed: Oracle's published signature, keyId ST$<token>.
    let key_id = format!("ST${ORACLE_TOKEN}");
    let signer = vector_signer_with_key_id(VECTOR_KEY_PKCS1, &key_id);
    let mut request = get_request();
    signer.sign_with_date(&mut request, vector_date()).unwrap();
    assert_eq!(
        signer.signing_string(&request).unwrap(),
        VECTOR_GET_SIGNING_STRING
    );
    let expected = VECTOR_GET_AUTHORIZATION.replace(
        &format!("{VECTOR_TENANCY}/{VECTOR_USER}/{VECTOR_FINGERPRINT}"),
        &key_id,
    );
    assert_eq!(header(&request, "authorization"), expected);
}

#[test]
fn session_profile_signs_oracles_signing_string_with_its_key() {
    let token = hour_from_now("vector");
    let (dir, config) = session_dir(&token);
    let auth = SessionTokenAuth::from_profile(&config, PROFILE).unwrap();
    let signer = auth.signer_at(SystemTime::now()).unwrap();
    assert_eq!(signer.key_id(), format!("ST${token}"));
    for (mut request, signing_string, signature) in [
        (
            get_request(),
            VECTOR_GET_SIGNING_STRING,
            TEST_KEY_GET_SIGNATURE,
        ),
        (
            post_request(),
            VECTOR_POST_SIGNING_STRING,
            TEST_KEY_POST_SIGNATURE,
        ),
    ] {
        signer.sign_with_date(&mut request, vector_date()).unwrap();
        assert_eq!(signer.signing_string(&request).unwrap(), signing_string);
        // The key's openssl-made signature of Oracle's signing string.
        assert_eq!(signature_of(header(&request, "authorization")), signature);
        assert_eq!(
            key_id_of(header(&request, "authorization")),
            format!("ST${token}")
        );
    }
    assert_eq!(auth.region(), Some("us-ashburn-1"));
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn session_token_over_http_and_token_file_changes_are_picked_up() {
    let first = hour_from_now("first");
    let (dir, config) = session_dir(&first);
    let auth = OciAuth::from_profile(&config, PROFILE).unwrap();
    assert_eq!(auth.mode(), OciAuthMode::SessionToken);
    assert_eq!(auth.region(), Some("us-ashburn-1"));
    let server = api_server().await;

    assert_eq!(call(&auth, &server).await.unwrap(), 200);
    assert_eq!(last_key_id(&server), format!("ST${first}"));
    assert_eq!(call(&auth, &server).await.unwrap(), 200);
    assert_eq!(last_key_id(&server), format!("ST${first}"));

    // `oci session refresh` rewrites the token file: the next request
    // carries the new token, without a restart.
    let second = hour_from_now("secnd");
    assert_eq!(second.len(), first.len());
    let token_file = dir.join("sessions/SESSION/token");
    rewrite(&token_file, &second, 10);
    assert_eq!(call(&auth, &server).await.unwrap(), 200);
    assert_eq!(last_key_id(&server), format!("ST${second}"));

    // After a 401 the files are re-read at once; retrying is worth it only
    // if the token changed.
    let third = hour_from_now("third");
    rewrite(&token_file, &third, 20);
    assert!(auth.unauthorized());
    assert!(!auth.unauthorized());
    assert_eq!(call(&auth, &server).await.unwrap(), 200);
    assert_eq!(last_key_id(&server), format!("ST${third}"));
    assert_eq!(server.received().len(), 4);

    let debug = format!("{auth:?}");
    for secret in [&first, &second, &third] {
        assert!(!debug.contains(secret.as_str()), "{debug}");
    }
    assert_no_key_material(&debug, TEST_KEY_PKCS1);
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn expired_session_token_asks_for_oci_session_refresh() {
    let expired = token(SystemTime::now() - Duration::from_secs(60), &[]);
    let (dir, config) = session_dir(&expired);

    // At construction ...
    let error = OciAuth::from_profile(&config, PROFILE).unwrap_err();
    assert!(
        matches!(&error, ConfigError::SessionTokenExpired { profile, .. } if profile == PROFILE),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains("oci session refresh --profile SESSION"),
        "{message}"
    );
    assert!(!message.contains(&expired));

    // ... and when the token expires while running.
    let soon = token(SystemTime::now() + Duration::from_secs(3600), &[]);
    let token_file = dir.join("sessions/SESSION/token");
    rewrite(&token_file, &soon, 1);
    let auth = SessionTokenAuth::from_profile(&config, PROFILE).unwrap();
    let later = SystemTime::now() + Duration::from_secs(2 * 3600);
    assert!(matches!(
        auth.signer_at(later),
        Err(ConfigError::SessionTokenExpired { .. })
    ));
    rewrite(&token_file, &expired, 2);
    let server = api_server().await;
    match call(&auth, &server).await {
        Err(AuthError::Expired(message)) => {
            assert!(
                message.contains("oci session refresh --profile SESSION"),
                "{message}"
            );
            assert!(!message.contains(&expired));
        }
        other => panic!("{other:?}"),
    }
    assert!(server.received().is_empty());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn session_profiles_parse_without_user_and_oci_config_signer_uses_the_token() {
    let token = hour_from_now("config");
    let (dir, config_path) = session_dir(&token);
    let config = OciConfig::from_file(&config_path, PROFILE).unwrap();
    assert!(config.is_session());
    assert_eq!(config.user, "");
    assert_eq!(
        config.security_token_file.as_deref(),
        Some(dir.join("sessions/SESSION/token").as_path())
    );
    // Existing callers of `OciConfig::signer` get the token signer.
    let signer: Signer = config.signer().unwrap();
    assert_eq!(signer.key_id(), format!("ST${token}"));
    assert!(!format!("{signer:?}").contains(&token));

    // An API-key profile is not a session profile, and the other way round.
    let error = SessionTokenAuth::from_profile(&config_path, "APIKEY").unwrap_err();
    assert!(
        matches!(
            error,
            ConfigError::MissingKey {
                key: "security_token_file",
                ..
            }
        ),
        "{error:?}"
    );
    let error = OciAuth::api_key(&config_path, PROFILE).unwrap_err();
    assert!(
        matches!(error, ConfigError::MissingKey { key: "user", .. }),
        "{error:?}"
    );
    let api_key = OciAuth::from_profile(&config_path, "APIKEY").unwrap();
    assert_eq!(api_key.mode(), OciAuthMode::ApiKey);

    // A token file that is not a JWT.
    std::fs::write(dir.join("sessions/SESSION/token"), "not-a-jwt-secret").unwrap();
    let error = OciAuth::from_profile(&config_path, PROFILE).unwrap_err();
    assert!(
        matches!(error, ConfigError::InvalidToken { .. }),
        "{error:?}"
    );
    assert!(!error.to_string().contains("not-a-jwt-secret"));
    std::fs::remove_dir_all(dir).unwrap();
}
