//! The entry point: mode names, API keys through `Authenticate` over HTTP,
//! `Signer::from_pkcs8_der`.

use std::sync::Arc;

use reqwest::{Method, Request, Url};

use super::server::{self, Reply, Server};
use super::vectors::*;
use crate::api::AuthScheme;
use crate::auth::Authenticate;
use crate::oci::pem::Block;
use crate::oci::{ConfigError, OciAuth, OciAuthMode, Signer};

#[test]
fn mode_names() {
    for mode in OciAuthMode::ALL {
        assert_eq!(mode.as_str().parse::<OciAuthMode>(), Ok(mode));
        assert_eq!(mode.oracle_name().parse::<OciAuthMode>(), Ok(mode));
        assert_eq!(mode.to_string(), mode.as_str());
    }
    assert_eq!(
        "Security-Token".parse::<OciAuthMode>(),
        Ok(OciAuthMode::SessionToken)
    );
    assert_eq!(
        OciAuthMode::AIDP_CLI_DEFAULT.oracle_name(),
        "security_token"
    );
    assert!("password".parse::<OciAuthMode>().is_err());
}

#[tokio::test]
async fn api_key_through_authenticate_is_verified_by_the_server() {
    let dir = temp_dir("mode");
    std::fs::write(dir.join("key.pem"), TEST_KEY_PKCS8).unwrap();
    std::fs::write(
        dir.join("config"),
        format!(
            "[DEFAULT]\nuser={VECTOR_USER}\nfingerprint={VECTOR_FINGERPRINT}\ntenancy={VECTOR_TENANCY}\nkey_file=key.pem\nregion=eu-frankfurt-1\n"
        ),
    )
    .unwrap();
    let auth = OciAuth::from_profile(dir.join("config"), "DEFAULT").unwrap();
    assert_eq!(auth.mode(), OciAuthMode::ApiKey);
    assert_eq!(auth.region(), Some("eu-frankfurt-1"));
    assert_eq!(auth.scheme(), AuthScheme::OciSignature);
    assert!(!auth.unauthorized());

    let expected_key_id = format!("{VECTOR_TENANCY}/{VECTOR_USER}/{VECTOR_FINGERPRINT}");
    let public_key = test_signer(TEST_KEY_PKCS1).key().public_key_spki().unwrap();
    let key_id = expected_key_id.clone();
    let server = Server::start(move |request| {
        match server::verify(request, |id| (id == key_id).then(|| public_key.clone())) {
            Ok(_) => Reply::new(200, "{}"),
            Err(why) => Reply::new(401, format!(r#"{{"message":"{why}"}}"#)),
        }
    })
    .await;
    let http = server::http();
    for authenticator in [
        Arc::new(auth.clone()) as Arc<dyn Authenticate>,
        auth.authenticator(),
    ] {
        let mut request = Request::new(
            Method::PUT,
            Url::parse(&format!("{}/a?b=c", server.url())).unwrap(),
        );
        *request.body_mut() = Some("{}".into());
        authenticator
            .authenticate(&mut request, &http)
            .await
            .unwrap();
        assert_eq!(http.execute(request).await.unwrap().status(), 200);
    }
    assert_eq!(server.received().len(), 2);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn signer_from_pkcs8_der() {
    let der = Block::first(TEST_KEY_PKCS8).unwrap().decode().unwrap();
    let key_id = format!("{VECTOR_TENANCY}/{VECTOR_USER}/{VECTOR_FINGERPRINT}");
    let signer = Signer::from_pkcs8_der(&key_id, &der.0).unwrap();
    assert_eq!(signer.key_id(), key_id);
    let mut request = get_request();
    signer.sign_with_date(&mut request, vector_date()).unwrap();
    assert_eq!(header(&request, "authorization"), {
        VECTOR_GET_AUTHORIZATION.replace(VECTOR_GET_SIGNATURE, TEST_KEY_GET_SIGNATURE)
    });

    // A generated key, as credctl's demo makes one.
    let generated = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
    let der =
        aws_lc_rs::encoding::AsDer::<aws_lc_rs::encoding::Pkcs8V1Der>::as_der(&generated).unwrap();
    assert!(Signer::from_pkcs8_der("ocid1.tenancy.oc1..demo/u/f", der.as_ref()).is_ok());

    assert!(matches!(
        Signer::from_pkcs8_der("", der.as_ref()),
        Err(ConfigError::InvalidKeyId("key id"))
    ));
    assert!(matches!(
        Signer::from_pkcs8_der("a\"b", der.as_ref()),
        Err(ConfigError::InvalidKeyId(_))
    ));
    assert!(matches!(
        Signer::from_pkcs8_der(&key_id, b"not der"),
        Err(ConfigError::InvalidKey(_))
    ));
    let token_signer = Signer::from_pkcs8_der("ST$secret.token.value", der.as_ref()).unwrap();
    assert!(!format!("{token_signer:?}").contains("secret.token"));
}
