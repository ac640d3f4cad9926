//! OCI request signing (draft-cavage-http-signatures-08, `rsa-sha256`,
//! RSASSA-PKCS1-v1_5 with SHA-256), as Oracle's SDKs sign.
//!
//! Signed headers, in order:
//! - `GET`, `HEAD`, `DELETE` (and any other method without a hashed body):
//!   `date (request-target) host`;
//! - `PUT`, `POST`, `PATCH`: additionally
//!   `content-length content-type x-content-sha256`.
//!
//! The federation endpoint of instance principals is signed without
//! `host` (`genericHeaders` in oci-go-sdk `common/auth/federation_client.go`,
//! `AuthTokenRequestSigner` in oci-python-sdk `oci/auth/federation_client.py`).
//!
//! The `keyId` says whose key signed: `<tenancy>/<user>/<fingerprint>` for
//! an API key, `ST$<token>` for a session or principal token,
//! `<tenancy>/fed-x509-sha256/<fingerprint>` for a federation request. The
//! `keyId` is not part of the signing string, so the same key gives the same
//! signature whatever it is.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use aws_lc_rs::digest;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use reqwest::header::{
    AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, DATE, HOST, HeaderName, HeaderValue,
};
use reqwest::{Method, Request, Url};

use crate::api::AuthScheme;
use crate::auth::{AuthError, AuthFuture, Authenticate};

use super::error::{ConfigError, SignError};
use super::key::{self, SigningKey};

/// Headers signed for requests without a hashed body.
const HEADERS_WITHOUT_BODY: &[&str] = &["date", "(request-target)", "host"];

/// Headers signed for `PUT`, `POST` and `PATCH`.
const HEADERS_WITH_BODY: &[&str] = &[
    "date",
    "(request-target)",
    "host",
    "content-length",
    "content-type",
    "x-content-sha256",
];

/// Federation requests: as above, without `host`.
const FEDERATION_WITHOUT_BODY: &[&str] = &["date", "(request-target)"];
const FEDERATION_WITH_BODY: &[&str] = &[
    "date",
    "(request-target)",
    "content-length",
    "content-type",
    "x-content-sha256",
];

/// The `keyId` prefix of security tokens.
pub(crate) const SECURITY_TOKEN_PREFIX: &str = "ST$";

const X_CONTENT_SHA256: HeaderName = HeaderName::from_static("x-content-sha256");

/// Which headers a signer signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HeaderSet {
    /// Every OCI API call.
    Standard,
    /// The x509 federation endpoint (no `host`).
    Federation,
}

/// Signs requests with an RSA key (draft-cavage-http-signatures-08,
/// rsa-sha256). Made from an API key ([`Signer::new`]), or by the session
/// and principal modes of [`super::OciAuth`] with an `ST$<token>` key id.
///
/// `Debug` shows the key id (an `ST$` token as `ST$<redacted>`), never the
/// key.
#[derive(Clone)]
pub struct Signer {
    key_id: String,
    key: Arc<SigningKey>,
    headers: HeaderSet,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let key_id = if self.key_id.starts_with(SECURITY_TOKEN_PREFIX) {
            "ST$<redacted>"
        } else {
            &self.key_id
        };
        f.debug_struct("Signer")
            .field("key_id", &key_id)
            .field("key", &"<redacted>")
            .finish()
    }
}

impl Signer {
    /// A signer for the API key `private_key_pem` (unencrypted PKCS#1
    /// `BEGIN RSA PRIVATE KEY` or PKCS#8 `BEGIN PRIVATE KEY`, at least 2048
    /// bits as OCI requires) registered on `user_ocid` with `fingerprint`.
    ///
    /// # Errors
    /// [`ConfigError::EncryptedKey`] for pass-phrase protected keys,
    /// [`ConfigError::InvalidPem`] / [`ConfigError::InvalidKey`] for anything
    /// that is not a usable RSA private key, [`ConfigError::InvalidKeyId`] if
    /// an OCID or the fingerprint is empty or cannot appear in a header.
    pub fn new(
        tenancy_ocid: &str,
        user_ocid: &str,
        fingerprint: &str,
        private_key_pem: &str,
    ) -> Result<Signer, ConfigError> {
        let key_id = api_key_id(tenancy_ocid, user_ocid, fingerprint)?;
        let key = key::parse_pem(private_key_pem)?;
        Ok(Signer::from_parts(
            key_id,
            Arc::new(key),
            HeaderSet::Standard,
        ))
    }

    /// Like [`Signer::new`], reading the PEM private key from `path`.
    ///
    /// # Errors
    /// [`ConfigError::Io`] if the file cannot be read, otherwise as [`Signer::new`].
    pub fn from_key_file(
        tenancy_ocid: &str,
        user_ocid: &str,
        fingerprint: &str,
        path: impl AsRef<std::path::Path>,
    ) -> Result<Signer, ConfigError> {
        let key_id = api_key_id(tenancy_ocid, user_ocid, fingerprint)?;
        let key = key::read_pem_file(path.as_ref())?;
        Ok(Signer::from_parts(
            key_id,
            Arc::new(key),
            HeaderSet::Standard,
        ))
    }

    /// A signer with the key id `key_id` (`<tenancy>/<user>/<fingerprint>`
    /// for an API key, `ST$<token>` for a security token) and the RSA key
    /// `pkcs8_der` (DER `PrivateKeyInfo`, as `openssl pkcs8 -topk8 -nocrypt
    /// -outform DER` writes and aws-lc-rs' `AsDer` encodes).
    ///
    /// # Errors
    /// [`ConfigError::InvalidKeyId`] if `key_id` is empty or cannot appear in
    /// a header, [`ConfigError::InvalidKey`] if the DER is not a usable RSA
    /// key of 2048 to 8192 bits.
    pub fn from_pkcs8_der(key_id: &str, pkcs8_der: &[u8]) -> Result<Signer, ConfigError> {
        let key_id = key_id_part("key id", key_id)?.to_owned();
        let key = key::parse_pkcs8_der(pkcs8_der)?;
        Ok(Signer::from_parts(
            key_id,
            Arc::new(key),
            HeaderSet::Standard,
        ))
    }

    /// A signer from parts already checked.
    pub(crate) fn from_parts(key_id: String, key: Arc<SigningKey>, headers: HeaderSet) -> Signer {
        Signer {
            key_id,
            key,
            headers,
        }
    }

    /// A security-token signer: `keyId="ST$<token>"`.
    pub(crate) fn for_token(token: &str, key: Arc<SigningKey>) -> Result<Signer, ConfigError> {
        let token = key_id_part("security token", token)?;
        Ok(Signer::from_parts(
            format!("{SECURITY_TOKEN_PREFIX}{token}"),
            key,
            HeaderSet::Standard,
        ))
    }

    /// The key id: `<tenancy>/<user>/<fingerprint>` for an API key,
    /// `ST$<token>` for a security token (which is then in the returned
    /// string: treat it as a secret).
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Headers to sign for this method, in order. GET/HEAD/DELETE:
    /// `["date","(request-target)","host"]`; PUT/POST/PATCH: plus
    /// `"content-length","content-type","x-content-sha256"` (as Oracle does).
    pub fn signed_headers(method: &Method) -> &'static [&'static str] {
        if has_hashed_body(method) {
            HEADERS_WITH_BODY
        } else {
            HEADERS_WITHOUT_BODY
        }
    }

    /// The headers this signer signs for `method`.
    fn headers_for(&self, method: &Method) -> &'static [&'static str] {
        match (self.headers, has_hashed_body(method)) {
            (HeaderSet::Standard, _) => Self::signed_headers(method),
            (HeaderSet::Federation, true) => FEDERATION_WITH_BODY,
            (HeaderSet::Federation, false) => FEDERATION_WITHOUT_BODY,
        }
    }

    /// The signing string for the request as it stands (headers must already
    /// be present). `(request-target)` is the lower-case method, a space, the
    /// path and `?query` if any; `host` is the `Host` header if set, else the
    /// URL's host (with `:port` if not the scheme's default).
    ///
    /// # Errors
    /// [`SignError::MissingHeader`] if a header to sign is absent,
    /// [`SignError::InvalidHeaderValue`] if one is not visible ASCII.
    pub fn signing_string(&self, request: &Request) -> Result<String, SignError> {
        let mut lines = Vec::with_capacity(HEADERS_WITH_BODY.len());
        for &name in self.headers_for(request.method()) {
            let value = match name {
                "(request-target)" => request_target(request),
                "host" => match request.headers().get(HOST) {
                    Some(_) => header_value(request, "host")?,
                    None => url_authority(request.url())?,
                },
                _ => header_value(request, name)?,
            };
            lines.push(format!("{name}: {value}"));
        }
        Ok(lines.join("\n"))
    }

    /// Sets `date` (the HTTP date of `now`) and, for `PUT`/`POST`/`PATCH`,
    /// `x-content-sha256` and `content-length` (and `content-type:
    /// application/json` if missing); sets `host` if absent; then sets
    /// `Authorization: Signature version="1",headers="...",keyId="...",algorithm="rsa-sha256",signature="..."`.
    /// Replaces any previous `date`/`authorization`, so call it again with a
    /// fresh time before every retry.
    ///
    /// # Errors
    /// [`SignError::UnsupportedBody`] if a body to hash is a stream; otherwise
    /// as [`Signer::signing_string`].
    pub fn sign(&self, request: &mut Request, now: SystemTime) -> Result<(), SignError> {
        let date = HeaderValue::from_str(&httpdate::fmt_http_date(now))
            .map_err(|_| SignError::InvalidHeaderValue("date".to_owned()))?;
        self.sign_with_date(request, date)
    }

    /// [`Signer::sign`] with a preformatted `date` header value.
    pub(crate) fn sign_with_date(
        &self,
        request: &mut Request,
        date: HeaderValue,
    ) -> Result<(), SignError> {
        let body_headers = if has_hashed_body(request.method()) {
            let body: &[u8] = match request.body() {
                None => &[],
                Some(body) => body.as_bytes().ok_or(SignError::UnsupportedBody)?,
            };
            let hash = STANDARD.encode(digest::digest(&digest::SHA256, body));
            let hash = HeaderValue::from_str(&hash)
                .map_err(|_| SignError::InvalidHeaderValue("x-content-sha256".to_owned()))?;
            Some((hash, HeaderValue::from(body.len())))
        } else {
            None
        };
        let host = if request.headers().contains_key(HOST) {
            None
        } else {
            let authority = url_authority(request.url())?;
            Some(
                HeaderValue::from_str(&authority)
                    .map_err(|_| SignError::InvalidHeaderValue("host".to_owned()))?,
            )
        };

        let headers = request.headers_mut();
        headers.remove(AUTHORIZATION);
        headers.insert(DATE, date);
        if let Some((hash, length)) = body_headers {
            headers.insert(X_CONTENT_SHA256, hash);
            headers.insert(CONTENT_LENGTH, length);
            if !headers.contains_key(CONTENT_TYPE) {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            }
        }
        if let Some(host) = host {
            headers.insert(HOST, host);
        }

        let signing_string = self.signing_string(request)?;
        let signature = STANDARD.encode(self.key.sign(signing_string.as_bytes())?);
        let authorization = format!(
            "Signature version=\"1\",headers=\"{}\",keyId=\"{}\",algorithm=\"rsa-sha256\",signature=\"{}\"",
            self.headers_for(request.method()).join(" "),
            self.key_id,
            signature,
        );
        let mut authorization = HeaderValue::from_str(&authorization)
            .map_err(|_| SignError::InvalidHeaderValue("authorization".to_owned()))?;
        authorization.set_sensitive(true);
        request.headers_mut().insert(AUTHORIZATION, authorization);
        Ok(())
    }

    /// The signing key (tests compare keys and verify with its public half).
    #[cfg(test)]
    pub(crate) fn key(&self) -> &SigningKey {
        &self.key
    }
}

/// An API key signs every attempt with a fresh `date`.
impl Authenticate for Signer {
    fn scheme(&self) -> AuthScheme {
        AuthScheme::OciSignature
    }

    fn authenticate<'a>(
        &'a self,
        request: &'a mut Request,
        _http: &'a reqwest::Client,
    ) -> AuthFuture<'a> {
        let result = self.sign(request, SystemTime::now()).map_err(Into::into);
        Box::pin(std::future::ready(result))
    }

    fn authenticate_now(&self, request: &mut Request) -> Option<Result<(), AuthError>> {
        Some(self.sign(request, SystemTime::now()).map_err(Into::into))
    }

    fn may_refresh(&self) -> bool {
        false
    }
}

fn api_key_id(tenancy: &str, user: &str, fingerprint: &str) -> Result<String, ConfigError> {
    Ok(format!(
        "{}/{}/{}",
        key_id_part("tenancy OCID", tenancy)?,
        key_id_part("user OCID", user)?,
        key_id_part("key fingerprint", fingerprint)?,
    ))
}

fn has_hashed_body(method: &Method) -> bool {
    *method == Method::POST || *method == Method::PUT || *method == Method::PATCH
}

fn request_target(request: &Request) -> String {
    let url = request.url();
    let method = request.method().as_str().to_ascii_lowercase();
    match url.query() {
        Some(query) => format!("{method} {}?{query}", url.path()),
        None => format!("{method} {}", url.path()),
    }
}

/// `host[:port]` of `url`, the port only if it is not the scheme's default.
fn url_authority(url: &Url) -> Result<String, SignError> {
    let host = url.host_str().ok_or(SignError::MissingHeader("host"))?;
    Ok(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

/// The value of header `name`; several values are joined with `", "`.
fn header_value(request: &Request, name: &'static str) -> Result<String, SignError> {
    let mut values = Vec::new();
    for value in request.headers().get_all(name) {
        let value = value
            .to_str()
            .map_err(|_| SignError::InvalidHeaderValue(name.to_owned()))?;
        values.push(value.trim());
    }
    if values.is_empty() {
        return Err(SignError::MissingHeader(name));
    }
    Ok(values.join(", "))
}

/// `value` trimmed, if it can be part of a quoted `keyId`.
pub(crate) fn key_id_part<'a>(what: &'static str, value: &'a str) -> Result<&'a str, ConfigError> {
    let value = value.trim();
    let valid = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\');
    if valid {
        Ok(value)
    } else {
        Err(ConfigError::InvalidKeyId(what))
    }
}
