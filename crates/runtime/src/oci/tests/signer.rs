//! The request signer: Oracle's published vector (with the test-only RSA),
//! openssl-made signatures of a 2048-bit key, signed headers, key errors.

use std::time::SystemTime;

use aws_lc_rs::signature::{
    RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY, RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey,
};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use reqwest::header::{CONTENT_TYPE, HOST, HeaderValue};
use reqwest::{Method, Request, Url};

use super::vectors::*;
use crate::oci::reference_rsa::ReferenceRsa;
use crate::oci::{ConfigError, OciConfig, SignError, Signer, key};

#[test]
fn reference_rsa_agrees_with_aws_lc() {
    let reference = ReferenceRsa::from_pem(TEST_KEY_PKCS1);
    let key = key::parse_pem(TEST_KEY_PKCS1).unwrap();
    assert_eq!(reference.sign(b"message"), key.sign(b"message").unwrap());
}

#[test]
fn oracle_get_vector() {
    let signer = vector_signer(VECTOR_KEY_PKCS1);
    let mut request = get_request();
    signer.sign_with_date(&mut request, vector_date()).unwrap();

    assert_eq!(
        signer.signing_string(&request).unwrap(),
        VECTOR_GET_SIGNING_STRING
    );
    assert_eq!(header(&request, "date"), VECTOR_DATE);
    assert_eq!(
        header(&request, "host"),
        "iaas.us-phoenix-1.oraclecloud.com"
    );
    assert_eq!(header(&request, "authorization"), VECTOR_GET_AUTHORIZATION);
    assert_eq!(
        signature_of(header(&request, "authorization")),
        VECTOR_GET_SIGNATURE
    );
    assert!(request.headers().get("x-content-sha256").is_none());
    assert!(
        request
            .headers()
            .get("authorization")
            .unwrap()
            .is_sensitive()
    );

    // Independent check: Oracle's signature verifies (aws-lc-rs) over our
    // signing string with the vector key's public key.
    ReferenceRsa::from_pem(VECTOR_KEY_PKCS1)
        .public_key()
        .verify(
            &RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
            signer.signing_string(&request).unwrap().as_bytes(),
            &STANDARD.decode(VECTOR_GET_SIGNATURE).unwrap(),
        )
        .unwrap();
}

#[test]
fn oracle_post_vector() {
    let signer = vector_signer(VECTOR_KEY_PKCS1);
    let mut request = post_request();
    signer.sign_with_date(&mut request, vector_date()).unwrap();

    assert_eq!(VECTOR_POST_BODY.len(), 316);
    assert_eq!(
        signer.signing_string(&request).unwrap(),
        VECTOR_POST_SIGNING_STRING
    );
    assert_eq!(header(&request, "x-content-sha256"), VECTOR_POST_SHA256);
    assert_eq!(header(&request, "content-length"), "316");
    assert_eq!(header(&request, "content-type"), "application/json");
    let expected_authorization = format!(
        "Signature version=\"1\",headers=\"date (request-target) host content-length content-type x-content-sha256\",keyId=\"{VECTOR_TENANCY}/{VECTOR_USER}/{VECTOR_FINGERPRINT}\",algorithm=\"rsa-sha256\",signature=\"{VECTOR_POST_SIGNATURE}\""
    );
    assert_eq!(header(&request, "authorization"), expected_authorization);

    ReferenceRsa::from_pem(VECTOR_KEY_PKCS1)
        .public_key()
        .verify(
            &RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
            VECTOR_POST_SIGNING_STRING.as_bytes(),
            &STANDARD.decode(VECTOR_POST_SIGNATURE).unwrap(),
        )
        .unwrap();
}

#[test]
fn oracle_vector_key_in_pkcs8_form_gives_the_same_signatures() {
    let signer = vector_signer(VECTOR_KEY_PKCS8);
    let mut get = get_request();
    signer.sign_with_date(&mut get, vector_date()).unwrap();
    assert_eq!(header(&get, "authorization"), VECTOR_GET_AUTHORIZATION);
    let mut post = post_request();
    signer.sign_with_date(&mut post, vector_date()).unwrap();
    assert_eq!(
        signature_of(header(&post, "authorization")),
        VECTOR_POST_SIGNATURE
    );
}

#[test]
fn oracle_vector_key_is_rejected_as_too_small_in_both_forms() {
    // OCI requires API keys of at least 2048 bits; aws-lc-rs refuses less.
    for pem in [VECTOR_KEY_PKCS1, VECTOR_KEY_PKCS8] {
        let error = Signer::new(VECTOR_TENANCY, VECTOR_USER, VECTOR_FINGERPRINT, pem).unwrap_err();
        assert!(
            matches!(&error, ConfigError::InvalidKey(why) if why.contains("2048")),
            "{error:?}"
        );
    }
}

#[test]
fn sign_formats_now_as_the_date() {
    // httpdate refuses Oracle's "Thu, 05 Jan 2014" (a Sunday) ...
    assert!(httpdate::parse_http_date(VECTOR_DATE).is_err());
    // ... so sign the same instant, correctly named.
    let now = httpdate::parse_http_date("Sun, 05 Jan 2014 21:31:40 GMT").unwrap();
    let signer = vector_signer(VECTOR_KEY_PKCS1);
    let mut request = get_request();
    signer.sign(&mut request, now).unwrap();
    assert_eq!(header(&request, "date"), "Sun, 05 Jan 2014 21:31:40 GMT");
    assert_eq!(
        signer.signing_string(&request).unwrap(),
        VECTOR_GET_SIGNING_STRING.replace("Thu,", "Sun,")
    );
}

#[test]
fn pkcs1_and_pkcs8_keys_sign_alike_and_match_openssl() {
    let pkcs1 = test_signer(TEST_KEY_PKCS1);
    let pkcs8 = test_signer(TEST_KEY_PKCS8);
    assert_eq!(pkcs1.key_id(), pkcs8.key_id());
    for signer in [&pkcs1, &pkcs8] {
        let mut get = get_request();
        signer.sign_with_date(&mut get, vector_date()).unwrap();
        assert_eq!(
            signer.signing_string(&get).unwrap(),
            VECTOR_GET_SIGNING_STRING
        );
        assert_eq!(
            signature_of(header(&get, "authorization")),
            TEST_KEY_GET_SIGNATURE
        );
        let mut post = post_request();
        signer.sign_with_date(&mut post, vector_date()).unwrap();
        assert_eq!(
            signature_of(header(&post, "authorization")),
            TEST_KEY_POST_SIGNATURE
        );
    }

    let mut request = post_request();
    pkcs1.sign(&mut request, SystemTime::now()).unwrap();
    UnparsedPublicKey::new(
        &RSA_PKCS1_2048_8192_SHA256,
        pkcs1.key().public_key_spki().unwrap(),
    )
    .verify(
        pkcs1.signing_string(&request).unwrap().as_bytes(),
        &STANDARD
            .decode(signature_of(header(&request, "authorization")))
            .unwrap(),
    )
    .unwrap();
}

#[test]
fn signed_headers_by_method() {
    for method in [Method::GET, Method::HEAD, Method::DELETE] {
        assert_eq!(
            Signer::signed_headers(&method),
            ["date", "(request-target)", "host"]
        );
    }
    for method in [Method::PUT, Method::POST, Method::PATCH] {
        assert_eq!(
            Signer::signed_headers(&method),
            [
                "date",
                "(request-target)",
                "host",
                "content-length",
                "content-type",
                "x-content-sha256"
            ]
        );
    }
}

#[test]
fn host_and_request_target() {
    let signer = test_signer(TEST_KEY_PKCS1);
    let now = SystemTime::UNIX_EPOCH;

    let mut request = Request::new(
        Method::DELETE,
        Url::parse("https://example.com:8443/a/b").unwrap(),
    );
    signer.sign(&mut request, now).unwrap();
    assert_eq!(
        signer.signing_string(&request).unwrap(),
        "date: Thu, 01 Jan 1970 00:00:00 GMT\n(request-target): delete /a/b\nhost: example.com:8443"
    );
    assert!(
        header(&request, "authorization")
            .starts_with("Signature version=\"1\",headers=\"date (request-target) host\",keyId=\"")
    );

    let mut request = Request::new(
        Method::GET,
        Url::parse("https://example.com:443?x=1").unwrap(),
    );
    request
        .headers_mut()
        .insert(HOST, HeaderValue::from_static("proxy.example"));
    signer.sign(&mut request, now).unwrap();
    assert_eq!(
        signer.signing_string(&request).unwrap(),
        "date: Thu, 01 Jan 1970 00:00:00 GMT\n(request-target): get /?x=1\nhost: proxy.example"
    );

    // signing_string needs the headers sign() adds.
    let request = get_request();
    assert!(matches!(
        signer.signing_string(&request),
        Err(SignError::MissingHeader("date"))
    ));
}

#[test]
fn body_headers() {
    let signer = test_signer(TEST_KEY_PKCS1);
    let now = SystemTime::UNIX_EPOCH;

    // No body: the hash of the empty string, length 0.
    let mut request = Request::new(Method::PUT, Url::parse("https://example.com/x").unwrap());
    signer.sign(&mut request, now).unwrap();
    assert_eq!(
        header(&request, "x-content-sha256"),
        "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    );
    assert_eq!(header(&request, "content-length"), "0");

    // An existing content type is kept.
    let mut request = Request::new(Method::PATCH, Url::parse("https://example.com/x").unwrap());
    request
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    *request.body_mut() = Some("abc".into());
    signer.sign(&mut request, now).unwrap();
    assert_eq!(header(&request, "content-type"), "text/plain");
    assert_eq!(header(&request, "content-length"), "3");
    assert!(
        signer
            .signing_string(&request)
            .unwrap()
            .contains("\ncontent-type: text/plain\n")
    );
}

#[test]
fn resigning_replaces_headers() {
    let signer = test_signer(TEST_KEY_PKCS1);
    let mut request = post_request();
    let first = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
    signer.sign(&mut request, first).unwrap();
    let first_date = header(&request, "date").to_owned();
    let first_authorization = header(&request, "authorization").to_owned();

    signer
        .sign(&mut request, first + std::time::Duration::from_secs(7))
        .unwrap();
    assert_ne!(header(&request, "date"), first_date);
    assert_ne!(header(&request, "authorization"), first_authorization);
    for name in [
        "date",
        "authorization",
        "host",
        "content-length",
        "content-type",
        "x-content-sha256",
    ] {
        assert_eq!(request.headers().get_all(name).iter().count(), 1, "{name}");
    }
}

#[test]
fn encrypted_and_garbage_keys_are_rejected() {
    let encrypted_pkcs1 = "-----BEGIN RSA PRIVATE KEY-----
Proc-Type: 4,ENCRYPTED
DEK-Info: AES-256-CBC,D3460DC79595DF5EA6DF4B35275D4DB0

c2VjcmV0IGJ5dGVzIHRoYXQgYXJlIG5vdCBhIGtleQ==
-----END RSA PRIVATE KEY-----
";
    let encrypted_pkcs8 = "-----BEGIN ENCRYPTED PRIVATE KEY-----
MIIC3TBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQIG3PdaljfBGwCAggA
-----END ENCRYPTED PRIVATE KEY-----
";
    for pem in [encrypted_pkcs1, encrypted_pkcs8] {
        assert!(matches!(
            Signer::new(VECTOR_TENANCY, VECTOR_USER, VECTOR_FINGERPRINT, pem),
            Err(ConfigError::EncryptedKey)
        ));
    }

    let truncated = &TEST_KEY_PKCS1[..400];
    let bad_base64 = TEST_KEY_PKCS1.replacen("MIIE", "MI*E", 1);
    let not_a_key = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0IGJ5dGVzIHRoYXQgYXJlIG5vdCBhIGtleQ==\n-----END PRIVATE KEY-----\n";
    type Check = fn(&ConfigError) -> bool;
    let cases: [(&str, Check); 6] = [
        ("", |e| matches!(e, ConfigError::InvalidPem(_))),
        ("not a key", |e| matches!(e, ConfigError::InvalidPem(_))),
        (truncated, |e| matches!(e, ConfigError::InvalidPem(_))),
        (&bad_base64, |e| matches!(e, ConfigError::InvalidPem(_))),
        (not_a_key, |e| matches!(e, ConfigError::InvalidKey(_))),
        (
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            |e| matches!(e, ConfigError::InvalidPem(why) if why.contains("CERTIFICATE")),
        ),
    ];
    for (pem, expected) in cases {
        let error = Signer::new(VECTOR_TENANCY, VECTOR_USER, VECTOR_FINGERPRINT, pem).unwrap_err();
        assert!(expected(&error), "{error:?}");
        assert_no_key_material(&format!("{error} {error:?}"), TEST_KEY_PKCS1);
    }

    assert!(matches!(
        Signer::new("", VECTOR_USER, VECTOR_FINGERPRINT, TEST_KEY_PKCS1),
        Err(ConfigError::InvalidKeyId("tenancy OCID"))
    ));
    assert!(matches!(
        Signer::new(VECTOR_TENANCY, VECTOR_USER, "a\"b", TEST_KEY_PKCS1),
        Err(ConfigError::InvalidKeyId("key fingerprint"))
    ));
}

#[test]
fn debug_does_not_show_the_key() {
    for pem in [TEST_KEY_PKCS1, TEST_KEY_PKCS8] {
        let signer = test_signer(pem);
        let debug = format!("{signer:?} {signer:#?}");
        assert!(debug.contains(signer.key_id()));
        assert!(debug.contains("<redacted>"));
        assert_no_key_material(&debug, pem);
    }
}

#[test]
fn signer_is_send_sync_and_clone() {
    fn assert_traits<T: Send + Sync + Clone + 'static>() {}
    assert_traits::<Signer>();
    assert_traits::<OciConfig>();
}
