//! Certificates and the federation request against Oracle's own test
//! material (oci-go-sdk `common/auth/federation_client_test.go`).

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use reqwest::{Method, Request, Url};

use super::vectors::*;
use crate::oci::certificate::Certificate;
use crate::oci::pem::Block;
use crate::oci::{federation, key};

fn body_of(pem: &str) -> String {
    pem.lines().filter(|l| !l.starts_with("-----")).collect()
}

#[test]
fn oracle_leaf_certificate_tenancy_and_fingerprint() {
    let leaf = Certificate::from_pem(ORACLE_LEAF_CERT).unwrap();
    assert_eq!(leaf.tenancy(), Some(ORACLE_TENANCY));
    assert_eq!(leaf.fingerprint_sha256(), ORACLE_LEAF_FINGERPRINT);
    assert_eq!(leaf.sanitized(), body_of(ORACLE_LEAF_CERT));
    assert!(
        leaf.subject()
            .iter()
            .any(|value| value == "opc-certtype:instance")
    );

    let intermediate = Certificate::from_pem(ORACLE_INTERMEDIATE_CERT).unwrap();
    assert_eq!(intermediate.tenancy(), None);
    assert_eq!(
        intermediate.subject(),
        ["PKISVC Identity Intermediate r2".to_owned()]
    );
}

#[test]
fn opc_identity_names_the_tenancy_and_the_issuer_is_ignored() {
    let certificate = Certificate::from_pem(IDENTITY_CERT).unwrap();
    assert_eq!(certificate.tenancy(), Some(IDENTITY_CERT_TENANCY));
    assert_eq!(certificate.fingerprint_sha256(), IDENTITY_CERT_FINGERPRINT);
    assert!(
        !certificate
            .subject()
            .iter()
            .any(|value| value.contains("issuer-not-subject"))
    );
}

#[test]
fn unusable_certificates_are_rejected() {
    for text in [
        "",
        "no pem here",
        TEST_KEY_PKCS1,
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
    ] {
        let error = Certificate::from_pem(text).unwrap_err();
        assert_no_key_material(&error.to_string(), TEST_KEY_PKCS1);
    }
    // A truncated DER is an error, not a panic.
    let der = Block::first(ORACLE_LEAF_CERT).unwrap().decode().unwrap();
    for cut in [1, 10, 100, der.0.len() / 2, der.0.len() - 1] {
        let pem = format!(
            "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
            STANDARD.encode(&der.0[..cut])
        );
        assert!(Certificate::from_pem(&pem).is_err(), "{cut}");
    }
}

#[test]
fn federation_body_is_byte_for_byte_oracles() {
    let leaf = Certificate::from_pem(ORACLE_LEAF_CERT).unwrap();
    let intermediate = Certificate::from_pem(ORACLE_INTERMEDIATE_CERT).unwrap();
    let session_key = Block::first(ORACLE_SESSION_PUBLIC_KEY)
        .unwrap()
        .decode()
        .unwrap();
    // The Go SDK test's `expectedBody`.
    let expected = format!(
        r#"{{"certificate":"{}","fingerprintAlgorithm":"SHA256","intermediateCertificates":["{}"],"publicKey":"{}"}}"#,
        body_of(ORACLE_LEAF_CERT),
        body_of(ORACLE_INTERMEDIATE_CERT),
        body_of(ORACLE_SESSION_PUBLIC_KEY),
    );
    assert_eq!(
        federation::body(&leaf, std::slice::from_ref(&intermediate), &session_key.0),
        expected
    );
    // Without intermediates the field is omitted (Go's `omitempty`).
    assert!(!federation::body(&leaf, &[], &session_key.0).contains("intermediateCertificates"));
}

#[test]
fn federation_request_is_signed_as_the_go_sdk_expects() {
    let leaf = Certificate::from_pem(ORACLE_LEAF_CERT).unwrap();
    let leaf_key = Arc::new(key::parse_pem(ORACLE_LEAF_KEY).unwrap());
    let signer = federation::signer(ORACLE_TENANCY, &leaf, leaf_key);
    let mut request = Request::new(
        Method::POST,
        Url::parse("https://auth.us-phoenix-1.oraclecloud.com/v1/x509").unwrap(),
    );
    request
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    *request.body_mut() = Some("{}".into());
    signer
        .sign(&mut request, std::time::SystemTime::now())
        .unwrap();

    // The prefix the Go SDK's federation tests assert.
    let expected_prefix = format!(
        "Signature version=\"1\",headers=\"date (request-target) content-length content-type x-content-sha256\",keyId=\"{ORACLE_TENANCY}/fed-x509-sha256/{ORACLE_LEAF_FINGERPRINT}\",algorithm=\"rsa-sha256\",signature="
    );
    assert!(
        header(&request, "authorization").starts_with(&expected_prefix),
        "{}",
        header(&request, "authorization")
    );
    let signing_string = signer.signing_string(&request).unwrap();
    assert!(!signing_string.contains("host:"), "{signing_string}");
    assert!(signing_string.starts_with("date: "));
    assert!(signing_string.contains("\n(request-target): post /v1/x509\ncontent-length: 2\n"));
}
