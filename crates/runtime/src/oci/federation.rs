//! The x509 federation call of instance principals: the instance's leaf
//! certificate (and intermediates) and a fresh session public key are
//! exchanged for a security token, in a request signed with the leaf key.
//!
//! As oci-go-sdk `common/auth/federation_client.go` (`x509FederationClient`,
//! `X509FederationDetails`, `newAuthClient`): `POST <auth endpoint>/v1/x509`
//! with the JSON body
//! `{"certificate":..,"fingerprintAlgorithm":"SHA256","intermediateCertificates":[..],"publicKey":..}`
//! (certificates and key as sanitized PEM, i.e. base64 DER without line
//! breaks; `intermediateCertificates` omitted when empty; no `purpose`:
//! the default, instance-principal purpose sends none, as the Python SDK's
//! `X509FederationClient` does), signed with
//! `keyId="<tenancy>/fed-x509-sha256/<SHA-256 fingerprint of the leaf>"`
//! over `date (request-target) content-length content-type
//! x-content-sha256` (no `host`). The answer is `{"token": "<JWT>"}`.
//!
//! (The Python SDK still signs with `fed-x509/<SHA-1 fingerprint>` and no
//! `fingerprintAlgorithm`; the Go SDK's SHA-256 form is the current one.)

use std::sync::Arc;
use std::time::SystemTime;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use reqwest::{Method, Request, Url};
use serde::{Deserialize, Serialize};

use super::certificate::Certificate;
use super::error::FetchError;
use super::fetch;
use super::key::SigningKey;
use super::signer::{HeaderSet, Signer};
use super::token::SecurityToken;

/// The request body. Field order is Go's (alphabetical), so the bytes are
/// the Go SDK's.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct X509FederationDetails {
    certificate: String,
    fingerprint_algorithm: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    intermediate_certificates: Vec<String>,
    public_key: String,
}

#[derive(Deserialize)]
struct TokenResponse {
    token: String,
}

/// OCI's error body, for messages.
#[derive(Deserialize)]
struct ServiceError {
    code: Option<String>,
    message: Option<String>,
}

/// The request body for `leaf`, `intermediates` and the session key's DER
/// `SubjectPublicKeyInfo`.
pub(crate) fn body(
    leaf: &Certificate,
    intermediates: &[Certificate],
    session_public_key_spki: &[u8],
) -> String {
    let details = X509FederationDetails {
        certificate: leaf.sanitized(),
        fingerprint_algorithm: "SHA256",
        intermediate_certificates: intermediates.iter().map(Certificate::sanitized).collect(),
        public_key: STANDARD.encode(session_public_key_spki),
    };
    // Serializing strings cannot fail.
    serde_json::to_string(&details).unwrap_or_default()
}

/// `<tenancy>/fed-x509-sha256/<fingerprint>`.
pub(crate) fn key_id(tenancy: &str, leaf: &Certificate) -> String {
    format!("{tenancy}/fed-x509-sha256/{}", leaf.fingerprint_sha256())
}

/// The signer of federation requests.
pub(crate) fn signer(tenancy: &str, leaf: &Certificate, leaf_key: Arc<SigningKey>) -> Signer {
    Signer::from_parts(key_id(tenancy, leaf), leaf_key, HeaderSet::Federation)
}

/// POSTs `body` to `url`, signed by `signer`, and reads the token.
pub(crate) async fn request_token(
    http: &reqwest::Client,
    url: &Url,
    signer: &Signer,
    body: &str,
) -> Result<SecurityToken, FetchError> {
    let failed = |reason: String| FetchError::Federation {
        url: url.to_string(),
        reason,
    };
    let make = || {
        let mut request = Request::new(Method::POST, url.clone());
        request
            .headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        *request.body_mut() = Some(body.to_owned().into());
        signer
            .sign(&mut request, SystemTime::now())
            .map_err(|error| error.to_string())?;
        Ok(request)
    };
    let response = fetch::send(http, make).await.map_err(failed)?;
    if !response.status.is_success() {
        let detail = serde_json::from_slice::<ServiceError>(&response.body)
            .ok()
            .map(|error| {
                let code = error.code.unwrap_or_default();
                let message: String = error
                    .message
                    .unwrap_or_default()
                    .chars()
                    .take(200)
                    .collect();
                format!(" ({code}: {message})")
            })
            .unwrap_or_default();
        return Err(failed(format!("status {}{detail}", response.status)));
    }
    let token = serde_json::from_slice::<TokenResponse>(&response.body)
        .map_err(|_| failed("the response has no `token`".to_owned()))?;
    SecurityToken::parse(&token.token)
        .map_err(|reason| failed(format!("the token it issued cannot be used: {reason}")))
}
