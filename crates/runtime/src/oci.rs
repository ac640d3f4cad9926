//! OCI API-key request signing.
//!
//! Oracle Cloud Infrastructure authenticates API calls with an HTTP signature
//! (draft-cavage-http-signatures-08, `rsa-sha256`, RSA PKCS#1 v1.5 with
//! SHA-256) made with the private half of an API key whose public half is
//! registered on an OCI user. The `keyId` is
//! `<tenancy OCID>/<user OCID>/<key fingerprint>`.
//!
//! Signed headers, in order, as Oracle's SDKs do:
//! - `GET`, `HEAD`, `DELETE` (and any other method without a hashed body):
//!   `date (request-target) host`;
//! - `PUT`, `POST`, `PATCH`: additionally
//!   `content-length content-type x-content-sha256`.
//!
//! [`OciConfig`] reads a profile of an OCI config file (`~/.oci/config`).
//!
//! The private key never appears in `Debug` output or in error messages.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use aws_lc_rs::digest;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use reqwest::header::{
    AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, DATE, HOST, HeaderName, HeaderValue,
};
use reqwest::{Method, Request, Url};

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

const X_CONTENT_SHA256: HeaderName = HeaderName::from_static("x-content-sha256");

/// Signs requests with an OCI API key (draft-cavage-http-signatures-08, rsa-sha256).
#[derive(Clone)]
pub struct Signer {
    key_id: String,
    key: Arc<SigningKey>,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("key_id", &self.key_id)
            .field("key", &"<redacted>")
            .finish()
    }
}

/// The RSA private key a [`Signer`] signs with.
enum SigningKey {
    Rsa(RsaKeyPair),
    /// A slow, test-only RSA implementation, used to reproduce Oracle's
    /// published test vector, whose 1024-bit key aws-lc-rs (rightly) refuses.
    #[cfg(test)]
    Reference(tests::ReferenceRsa),
}

impl SigningKey {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        match self {
            SigningKey::Rsa(key_pair) => {
                let mut signature = vec![0; key_pair.public_modulus_len()];
                key_pair
                    .sign(
                        &RSA_PKCS1_SHA256,
                        &SystemRandom::new(),
                        message,
                        &mut signature,
                    )
                    .map_err(|_| SignError::Crypto)?;
                Ok(signature)
            }
            #[cfg(test)]
            SigningKey::Reference(key) => Ok(key.sign(message)),
        }
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
        let key_id = format!(
            "{}/{}/{}",
            key_id_part("tenancy OCID", tenancy_ocid)?,
            key_id_part("user OCID", user_ocid)?,
            key_id_part("key fingerprint", fingerprint)?,
        );
        let key = parse_private_key(private_key_pem)?;
        Ok(Signer {
            key_id,
            key: Arc::new(SigningKey::Rsa(key)),
        })
    }

    /// Like [`Signer::new`], reading the PEM private key from `path`.
    ///
    /// # Errors
    /// [`ConfigError::Io`] if the file cannot be read, otherwise as [`Signer::new`].
    pub fn from_key_file(
        tenancy_ocid: &str,
        user_ocid: &str,
        fingerprint: &str,
        path: impl AsRef<Path>,
    ) -> Result<Signer, ConfigError> {
        let path = path.as_ref();
        let bytes = Wiped(std::fs::read(path).map_err(|source| ConfigError::Io {
            path: path.to_owned(),
            source,
        })?);
        let pem = std::str::from_utf8(&bytes.0)
            .map_err(|_| ConfigError::InvalidPem("the key file is not PEM text".to_owned()))?;
        Signer::new(tenancy_ocid, user_ocid, fingerprint, pem)
    }

    /// `<tenancy>/<user>/<fingerprint>`.
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
        for &name in Self::signed_headers(request.method()) {
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
    fn sign_with_date(&self, request: &mut Request, date: HeaderValue) -> Result<(), SignError> {
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
            Self::signed_headers(request.method()).join(" "),
            self.key_id,
            signature,
        );
        let mut authorization = HeaderValue::from_str(&authorization)
            .map_err(|_| SignError::InvalidHeaderValue("authorization".to_owned()))?;
        authorization.set_sensitive(true);
        request.headers_mut().insert(AUTHORIZATION, authorization);
        Ok(())
    }
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

fn key_id_part<'a>(what: &'static str, value: &'a str) -> Result<&'a str, ConfigError> {
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

/// A byte buffer holding key material, overwritten with zeros when dropped.
struct Wiped(Vec<u8>);

impl Drop for Wiped {
    fn drop(&mut self) {
        self.0.fill(0);
        std::hint::black_box(&self.0);
    }
}

/// DER encodings of RSA private keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyFormat {
    /// `RSAPrivateKey` (RFC 8017), PEM label `RSA PRIVATE KEY`.
    Pkcs1,
    /// `PrivateKeyInfo` (RFC 5208), PEM label `PRIVATE KEY`.
    Pkcs8,
}

/// Decodes the first PEM block of `text`, which must hold an unencrypted
/// private key.
fn decode_pem(text: &str) -> Result<(KeyFormat, Wiped), ConfigError> {
    const BEGIN: &str = "-----BEGIN ";
    const DASHES: &str = "-----";
    let invalid = |why: &str| ConfigError::InvalidPem(why.to_owned());

    let start = text
        .find(BEGIN)
        .ok_or_else(|| invalid("no `-----BEGIN ...-----` line"))?;
    let rest = &text[start + BEGIN.len()..];
    let label_end = rest
        .find(DASHES)
        .ok_or_else(|| invalid("malformed `-----BEGIN ...-----` line"))?;
    let label = &rest[..label_end];
    let rest = &rest[label_end + DASHES.len()..];
    let format = match label {
        "RSA PRIVATE KEY" => KeyFormat::Pkcs1,
        "PRIVATE KEY" => KeyFormat::Pkcs8,
        "ENCRYPTED PRIVATE KEY" => return Err(ConfigError::EncryptedKey),
        other => {
            // Echo the label only when it looks like one.
            let shown = if other.len() <= 40
                && other.bytes().all(|b| b.is_ascii_uppercase() || b == b' ')
            {
                format!("`{other}`")
            } else {
                "an unknown PEM block".to_owned()
            };
            return Err(ConfigError::InvalidPem(format!(
                "expected `RSA PRIVATE KEY` or `PRIVATE KEY`, found {shown}"
            )));
        }
    };
    let end_line = format!("-----END {label}-----");
    let body = &rest[..rest
        .find(&end_line)
        .ok_or_else(|| invalid(&format!("no `{end_line}` line")))?];

    let mut base64 = Wiped(Vec::with_capacity(body.len()));
    for line in body.lines() {
        let line = line.trim();
        if line.contains(':') {
            // RFC 1421 encapsulated header, as written by `openssl rsa -aes256`.
            if line.to_ascii_uppercase().contains("ENCRYPTED") || line.starts_with("DEK-Info") {
                return Err(ConfigError::EncryptedKey);
            }
            continue;
        }
        base64
            .0
            .extend(line.bytes().filter(|b| !b.is_ascii_whitespace()));
    }
    let der = STANDARD
        .decode(&base64.0)
        .map_err(|_| invalid("the PEM body is not valid base64"))?;
    let der = Wiped(der);
    if der.0.is_empty() {
        return Err(invalid("the PEM body is empty"));
    }
    Ok((format, der))
}

fn parse_private_key(pem: &str) -> Result<RsaKeyPair, ConfigError> {
    let (format, der) = decode_pem(pem)?;
    let parsed = match format {
        KeyFormat::Pkcs1 => RsaKeyPair::from_der(&der.0),
        KeyFormat::Pkcs8 => RsaKeyPair::from_pkcs8(&der.0),
    };
    parsed.map_err(|rejected| {
        ConfigError::InvalidKey(match rejected.description_() {
            "TooSmall" => {
                "the RSA key is smaller than 2048 bits, the minimum OCI accepts".to_owned()
            }
            "TooLarge" => "the RSA key is larger than 8192 bits".to_owned(),
            other => format!("not a usable RSA private key ({other})"),
        })
    })
}

/// A profile of an OCI config file (`~/.oci/config` INI format: `[PROFILE]`
/// sections, `key=value`; `DEFAULT` section values are inherited by other
/// profiles as OCI SDKs do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OciConfig {
    /// `user`: the OCID of the user the API key belongs to.
    pub user: String,
    /// `fingerprint`: the API key's fingerprint (`aa:bb:...`).
    pub fingerprint: String,
    /// `tenancy`: the tenancy OCID.
    pub tenancy: String,
    /// `region`, if set (for example `us-phoenix-1`).
    pub region: Option<String>,
    /// `key_file`: the PEM private key, `~/` expanded and made relative to
    /// the config file's directory.
    pub key_file: PathBuf,
    /// Whether the profile sets a `pass_phrase` (its value is not kept).
    pub pass_phrase_set: bool,
}

impl OciConfig {
    /// Reads `profile` from the config file at `path`. A leading `~/` in
    /// `path` or in `key_file` is expanded with `$HOME`; a relative
    /// `key_file` is resolved against the config file's directory.
    ///
    /// # Errors
    /// [`ConfigError::Io`], and as [`OciConfig::parse`].
    pub fn from_file(path: impl AsRef<Path>, profile: &str) -> Result<OciConfig, ConfigError> {
        let home = home_dir();
        let path = expand_home(path.as_ref(), home.as_deref());
        let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Io {
            path: path.clone(),
            source,
        })?;
        let base_dir = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        Self::parse_with_home(&text, profile, base_dir, home.as_deref()).map_err(
            |error| match error {
                ConfigError::MissingProfile {
                    path: None,
                    profile,
                } => ConfigError::MissingProfile {
                    path: Some(path.clone()),
                    profile,
                },
                ConfigError::Syntax { path: None, line } => ConfigError::Syntax {
                    path: Some(path.clone()),
                    line,
                },
                other => other,
            },
        )
    }

    /// Parses `profile` out of config file text; relative `key_file` paths
    /// are resolved against `base_dir`, a leading `~/` with `$HOME`.
    ///
    /// # Errors
    /// [`ConfigError::Syntax`], [`ConfigError::MissingProfile`],
    /// [`ConfigError::MissingKey`] (for `user`, `fingerprint`, `tenancy`,
    /// `key_file`).
    pub fn parse(text: &str, profile: &str, base_dir: &Path) -> Result<OciConfig, ConfigError> {
        Self::parse_with_home(text, profile, base_dir, home_dir().as_deref())
    }

    fn parse_with_home(
        text: &str,
        profile: &str,
        base_dir: &Path,
        home: Option<&Path>,
    ) -> Result<OciConfig, ConfigError> {
        let sections = parse_ini(text)?;
        let own = sections
            .get(profile)
            .ok_or_else(|| ConfigError::MissingProfile {
                path: None,
                profile: profile.to_owned(),
            })?;
        let defaults = sections.get("DEFAULT");
        let get = |key: &str| {
            own.get(key)
                .or_else(|| defaults.and_then(|defaults| defaults.get(key)))
                .filter(|value| !value.is_empty())
        };
        let require = |key: &'static str| {
            get(key).cloned().ok_or_else(|| ConfigError::MissingKey {
                profile: profile.to_owned(),
                key,
            })
        };
        let key_file = expand_home(Path::new(&require("key_file")?), home);
        Ok(OciConfig {
            user: require("user")?,
            fingerprint: require("fingerprint")?,
            tenancy: require("tenancy")?,
            region: get("region").cloned(),
            key_file: base_dir.join(key_file),
            pass_phrase_set: get("pass_phrase").is_some(),
        })
    }

    /// A [`Signer`] for this profile's API key.
    ///
    /// # Errors
    /// As [`Signer::from_key_file`]; pass-phrase protected keys give
    /// [`ConfigError::EncryptedKey`].
    pub fn signer(&self) -> Result<Signer, ConfigError> {
        Signer::from_key_file(&self.tenancy, &self.user, &self.fingerprint, &self.key_file)
    }
}

type Sections = HashMap<String, HashMap<String, String>>;

/// Parses INI text: `[section]` lines, `key=value` (or `key: value`) lines
/// with keys lower-cased, blank lines and `#`/`;` comment lines.
fn parse_ini(text: &str) -> Result<Sections, ConfigError> {
    let mut sections = Sections::new();
    let mut current: Option<String> = None;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (index, line) in text.lines().enumerate() {
        // Never echo the line: it may hold a pass phrase.
        let syntax = || ConfigError::Syntax {
            path: None,
            line: index + 1,
        };
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[') {
            let name = name.strip_suffix(']').ok_or_else(syntax)?.trim();
            if name.is_empty() {
                return Err(syntax());
            }
            sections.entry(name.to_owned()).or_default();
            current = Some(name.to_owned());
            continue;
        }
        let section = current.as_ref().ok_or_else(syntax)?;
        let split = line.find(['=', ':']).ok_or_else(syntax)?;
        let key = line[..split].trim().to_ascii_lowercase();
        if key.is_empty() {
            return Err(syntax());
        }
        let value = line[split + 1..].trim().to_owned();
        sections
            .entry(section.clone())
            .or_default()
            .insert(key, value);
    }
    Ok(sections)
}

fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|home| !home.is_empty())
        .map(PathBuf::from)
}

/// Replaces a leading `~/` with `home`, when known.
fn expand_home(path: &Path, home: Option<&Path>) -> PathBuf {
    match (path.strip_prefix("~"), home) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => path.to_owned(),
    }
}

/// An OCI config file or API key that cannot be used. Messages never contain
/// key material or config values.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A file could not be read.
    #[error("cannot read `{}`: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    #[error(
        "OCI config profile [{profile}] not found{}",
        path.as_ref().map(|path| format!(" in `{}`", path.display())).unwrap_or_default()
    )]
    /// The config file has no such profile (section).
    MissingProfile {
        /// The config file, when read from a file.
        path: Option<PathBuf>,
        /// The profile asked for.
        profile: String,
    },
    /// A required entry is missing or empty in the profile and in `DEFAULT`.
    #[error("OCI config profile [{profile}] has no `{key}` entry")]
    MissingKey {
        /// The profile.
        profile: String,
        /// The entry: `user`, `fingerprint`, `tenancy` or `key_file`.
        key: &'static str,
    },
    #[error(
        "OCI config{} line {line}: expected `[profile]`, `key=value`, a comment or a blank line",
        path.as_ref().map(|path| format!(" `{}`", path.display())).unwrap_or_default()
    )]
    /// A config file line is not a section, entry, comment or blank line.
    Syntax {
        /// The config file, when read from a file.
        path: Option<PathBuf>,
        /// The 1-based line number (the line itself is not shown).
        line: usize,
    },
    /// The key is not a PEM `RSA PRIVATE KEY` or `PRIVATE KEY` block.
    #[error("invalid PEM private key: {0}")]
    InvalidPem(String),
    /// The key is protected by a pass phrase.
    #[error(
        "the private key is encrypted with a pass phrase, which is not supported; \
         supply an unencrypted key (e.g. `openssl rsa -in key.pem -out key-plain.pem`)"
    )]
    EncryptedKey,
    /// The PEM block does not hold a usable RSA key of 2048 to 8192 bits.
    #[error("invalid RSA private key: {0}")]
    InvalidKey(String),
    /// An OCID or the fingerprint is empty or cannot appear in a `keyId`.
    #[error("the {0} is empty or contains characters not allowed in an OCI keyId")]
    InvalidKeyId(&'static str),
}

/// A request that cannot be signed.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    /// A header to sign is missing (or the URL has no host).
    #[error("the request has no `{0}` to sign")]
    MissingHeader(&'static str),
    /// A header value to sign or set is not visible ASCII.
    #[error("header `{0}` has a value that cannot be signed")]
    InvalidHeaderValue(String),
    /// The RSA operation failed.
    #[error("RSA signing failed")]
    Crypto,
    /// A `PUT`/`POST`/`PATCH` body is a stream, which cannot be hashed.
    #[error("the request body is a stream, so its x-content-sha256 cannot be computed")]
    UnsupportedBody,
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lc_rs::signature::{
        KeyPair as _, RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY, RSA_PKCS1_2048_8192_SHA256,
        RsaPublicKeyComponents, UnparsedPublicKey,
    };

    // Oracle's published test values: oci-go-sdk common/http_signer_test.go
    // (oracle/oci-go-sdk @ 7ce2eb7c4688c212b7d1bdf8e7c759f52477cffa), the same
    // as the OCI documentation's "Request Signatures" test values. The key is
    // public test material, 1024 bits.
    const VECTOR_KEY_PKCS1: &str = "-----BEGIN RSA PRIVATE KEY-----
MIICXgIBAAKBgQDCFENGw33yGihy92pDjZQhl0C36rPJj+CvfSC8+q28hxA161QF
NUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6Z4UMR7EOcpfdUE9Hf3m/hs+F
UR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJwoYi+1hqp1fIekaxsyQIDAQAB
AoGBAJR8ZkCUvx5kzv+utdl7T5MnordT1TvoXXJGXK7ZZ+UuvMNUCdN2QPc4sBiA
QWvLw1cSKt5DsKZ8UETpYPy8pPYnnDEz2dDYiaew9+xEpubyeW2oH4Zx71wqBtOK
kqwrXa/pzdpiucRRjk6vE6YY7EBBs/g7uanVpGibOVAEsqH1AkEA7DkjVH28WDUg
f1nqvfn2Kj6CT7nIcE3jGJsZZ7zlZmBmHFDONMLUrXR/Zm3pR5m0tCmBqa5RK95u
412jt1dPIwJBANJT3v8pnkth48bQo/fKel6uEYyboRtA5/uHuHkZ6FQF7OUkGogc
mSJluOdc5t6hI1VsLn0QZEjQZMEOWr+wKSMCQQCC4kXJEsHAve77oP6HtG/IiEn7
kpyUXRNvFsDE0czpJJBvL/aRFUJxuRK91jhjC68sA7NsKMGg5OXb5I5Jj36xAkEA
gIT7aFOYBFwGgQAQkWNKLvySgKbAZRTeLBacpHMuQdl1DfdntvAyqpAZ0lY0RKmW
G6aFKaqQfOXKCyWoUiVknQJAXrlgySFci/2ueKlIE1QqIiLSZ8V8OlpFLRnb1pzI
7U1yQXnTAEFYM560yJlzUpOb1V4cScGd365tiSMvxLOvTA==
-----END RSA PRIVATE KEY-----
";
    /// `VECTOR_KEY_PKCS1` converted offline with
    /// `openssl pkcs8 -topk8 -nocrypt`.
    const VECTOR_KEY_PKCS8: &str = "-----BEGIN PRIVATE KEY-----
MIICeAIBADANBgkqhkiG9w0BAQEFAASCAmIwggJeAgEAAoGBAMIUQ0bDffIaKHL3
akONlCGXQLfqs8mP4K99ILz6rbyHEDXrVAU1R3XfC4JNRyrRB3aqwF7/aEXJzYMI
kmDSHUvvz7pnhQxHsQ5yl91QT0d/eb+Gz4VRHjm4El4MrUdIUcPxscoPqS/wU8Z8
lOi1z7bGMnChiL7WGqnV8h6RrGzJAgMBAAECgYEAlHxmQJS/HmTO/6612XtPkyei
t1PVO+hdckZcrtln5S68w1QJ03ZA9ziwGIBBa8vDVxIq3kOwpnxQROlg/Lyk9iec
MTPZ0NiJp7D37ESm5vJ5bagfhnHvXCoG04qSrCtdr+nN2mK5xFGOTq8TphjsQEGz
+Du5qdWkaJs5UASyofUCQQDsOSNUfbxYNSB/Weq9+fYqPoJPuchwTeMYmxlnvOVm
YGYcUM40wtStdH9mbelHmbS0KYGprlEr3m7jXaO3V08jAkEA0lPe/ymeS2HjxtCj
98p6Xq4RjJuhG0Dn+4e4eRnoVAXs5SQaiByZImW451zm3qEjVWwufRBkSNBkwQ5a
v7ApIwJBAILiRckSwcC97vug/oe0b8iISfuSnJRdE28WwMTRzOkkkG8v9pEVQnG5
Er3WOGMLrywDs2wowaDk5dvkjkmPfrECQQCAhPtoU5gEXAaBABCRY0ou/JKApsBl
FN4sFpykcy5B2XUN92e28DKqkBnSVjREqZYbpoUpqpB85coLJahSJWSdAkBeuWDJ
IVyL/a54qUgTVCoiItJnxXw6WkUtGdvWnMjtTXJBedMAQVgznrTImXNSk5vVXhxJ
wZ3frm2JIy/Es69M
-----END PRIVATE KEY-----
";
    const VECTOR_TENANCY: &str =
        "ocid1.tenancy.oc1..aaaaaaaaba3pv6wkcr4jqae5f15p2b2m2yt2j6rx32uzr4h25vqstifsfdsq";
    const VECTOR_USER: &str =
        "ocid1.user.oc1..aaaaaaaat5nvwcna5j6aqzjcaty5eqbb6qt2jvpkanghtgdaqedqw3rynjq";
    const VECTOR_FINGERPRINT: &str = "20:3b:97:13:55:1c:5b:0d:d3:37:d8:50:4e:c5:3a:34";
    /// Note: 5 January 2014 was a Sunday; Oracle's vector says Thursday, so
    /// it cannot come out of `httpdate` and is passed to `sign_with_date`.
    const VECTOR_DATE: &str = "Thu, 05 Jan 2014 21:31:40 GMT";
    const VECTOR_GET_URL: &str = "https://iaas.us-phoenix-1.oraclecloud.com/20160918/instances?availabilityDomain=Pjwf%3A%20PHX-AD-1&compartmentId=ocid1.compartment.oc1..aaaaaaaam3we6vgnherjq5q2idnccdflvjsnog7mlr6rtdb25gilchfeyjxa&displayName=TeamXInstances&volumeId=ocid1.volume.oc1.phx.abyhqljrgvttnlx73nmrwfaux7kcvzfs3s66izvxf2h4lgvyndsdsnoiwr5q";
    const VECTOR_GET_SIGNING_STRING: &str = "date: Thu, 05 Jan 2014 21:31:40 GMT\n(request-target): get /20160918/instances?availabilityDomain=Pjwf%3A%20PHX-AD-1&compartmentId=ocid1.compartment.oc1..aaaaaaaam3we6vgnherjq5q2idnccdflvjsnog7mlr6rtdb25gilchfeyjxa&displayName=TeamXInstances&volumeId=ocid1.volume.oc1.phx.abyhqljrgvttnlx73nmrwfaux7kcvzfs3s66izvxf2h4lgvyndsdsnoiwr5q\nhost: iaas.us-phoenix-1.oraclecloud.com";
    const VECTOR_GET_SIGNATURE: &str = "GBas7grhyrhSKHP6AVIj/h5/Vp8bd/peM79H9Wv8kjoaCivujVXlpbKLjMPeDUhxkFIWtTtLBj3sUzaFj34XE6YZAHc9r2DmE4pMwOAy/kiITcZxa1oHPOeRheC0jP2dqbTll8fmTZVwKZOKHYPtrLJIJQHJjNvxFWeHQjMaR7M=";
    const VECTOR_GET_AUTHORIZATION: &str = "Signature version=\"1\",headers=\"date (request-target) host\",keyId=\"ocid1.tenancy.oc1..aaaaaaaaba3pv6wkcr4jqae5f15p2b2m2yt2j6rx32uzr4h25vqstifsfdsq/ocid1.user.oc1..aaaaaaaat5nvwcna5j6aqzjcaty5eqbb6qt2jvpkanghtgdaqedqw3rynjq/20:3b:97:13:55:1c:5b:0d:d3:37:d8:50:4e:c5:3a:34\",algorithm=\"rsa-sha256\",signature=\"GBas7grhyrhSKHP6AVIj/h5/Vp8bd/peM79H9Wv8kjoaCivujVXlpbKLjMPeDUhxkFIWtTtLBj3sUzaFj34XE6YZAHc9r2DmE4pMwOAy/kiITcZxa1oHPOeRheC0jP2dqbTll8fmTZVwKZOKHYPtrLJIJQHJjNvxFWeHQjMaR7M=\"";
    const VECTOR_POST_URL: &str =
        "https://iaas.us-phoenix-1.oraclecloud.com/20160918/volumeAttachments";
    const VECTOR_POST_BODY: &str = concat!(
        "{\n",
        "    \"compartmentId\": \"ocid1.compartment.oc1..aaaaaaaam3we6vgnherjq5q2idnccdflvjsnog7mlr6rtdb25gilchfeyjxa\",\n",
        "    \"instanceId\": \"ocid1.instance.oc1.phx.abuw4ljrlsfiqw6vzzxb43vyypt4pkodawglp3wqxjqofakrwvou52gb6s5a\",\n",
        "    \"volumeId\": \"ocid1.volume.oc1.phx.abyhqljrgvttnlx73nmrwfaux7kcvzfs3s66izvxf2h4lgvyndsdsnoiwr5q\"\n",
        "}",
    );
    const VECTOR_POST_SHA256: &str = "V9Z20UJTvkvpJ50flBzKE32+6m2zJjweHpDMX/U4Uy0=";
    const VECTOR_POST_SIGNING_STRING: &str = "date: Thu, 05 Jan 2014 21:31:40 GMT\n(request-target): post /20160918/volumeAttachments\nhost: iaas.us-phoenix-1.oraclecloud.com\ncontent-length: 316\ncontent-type: application/json\nx-content-sha256: V9Z20UJTvkvpJ50flBzKE32+6m2zJjweHpDMX/U4Uy0=";
    const VECTOR_POST_SIGNATURE: &str = "Mje8vIDPlwIHmD/cTDwRxE7HaAvBg16JnVcsuqaNRim23fFPgQfLoOOxae6WqKb1uPjYEl0qIdazWaBy/Ml8DRhqlocMwoSXv0fbukP8J5N80LCmzT/FFBvIvTB91XuXI3hYfP9Zt1l7S6ieVadHUfqBedWH0itrtPJBgKmrWso=";

    // A throwaway 2048-bit key generated for these tests only
    // (`openssl genrsa -traditional 2048`, then `openssl pkcs8 -topk8
    // -nocrypt`), and its signatures of Oracle's two signing strings made
    // with `openssl dgst -sha256 -sign`.
    const TEST_KEY_PKCS1: &str = "-----BEGIN RSA PRIVATE KEY-----
MIIEpQIBAAKCAQEAyTCquwy+Urv/jC2jdineI+jxYNW8WmIkdANIKPJVFrOkxu5y
6cLb1ZNevh0n0f4b8s8fXlAro4aDk7GQ5VaaB5wWfAZHX/bOpWdE7zw0Q2MW1plR
izJU7NYi8SqmnV5k3l53U6kARyHo6RvWWspE8m4M0SL03JJOVquZAJOSvvEIX6Ea
/ZgFg21I4bVUwXN4xWklpiVe60KYjLYvAoXY609+ydVs4kUhOegj9yHMHxY8tOUi
ZP8x67OU/PDz5R+sUrpNS3rSvChT9Yhq9HWYw/MY1q9ST7p4QHYWYYzl0wO/ytUj
GWlWgqdNG+lqD4neOJzfcFQfnDwBzXEGTS2V5wIDAQABAoIBAD0rlN1mVH+nNV2T
ir2koSvd6XX9xlTcviSf0tLQS1qpqBHr8fhtDJX1Rrsa9j58ulaq7uioC3yeq2a+
eEWifRaPOK7g4dalndLggS8T6PgMKqd42jguR2/y85DL3Pi/+H87zaAcJD98aepm
UlgsY6YqG6+Cp1xhB3yGk/B+7gErkYPPyGizAfus9pJ5EdC3PLbuPH5VLm3cueQX
ZmVb6UzWT61g4HTmzW8JVMmuqpiQUsOmlfcJe2abiTdzxtmtkz33+eSkf/aBdQlL
PioMDzV4hXxGRvjo6LxRqH9YqwUgDfEg5EM69EV6SV7E4xZWpklOAdFedHoCsmka
5G9dIrECgYEA8t1rUQNbeGsmvPlbIP041btwqoBrmvilFwPRuFd7NnjPoESBgL+Y
oZvopUFPqJEqjOn1pnvjGd68LVjF9qe+sjiYQQLwq89hTM3An9txH2Ffc4KTKV0T
jBAfRf2//ERYhuuVmvACdoghN4NG0NmjdOLsBKE0OwJoq9tgnKekO3UCgYEA1BI9
cXo7LjhHi6HZhIDRPjWWsWh1vaOWi7mlJQZvWcw0uu/nY3dZPf55Iz+a1up2ZbbT
GI12aBBfMIM9YgxsmuHLM05koSS5G2tNsoREDabTiYQpr2utZv7YaNNnpLJ5VZV+
G3G+WOt1k8VrGVYMRyku5nuPikBDXF8zNbAaTGsCgYEAt4oOKFNZNVAFHptz+yJj
aWMWakRTDfMLELGaNK4oN6plfsFG/X3OY5Pn5bvN756FgajuNLs7jbl+jOah9R4g
R5/tsHQAXleDOP/lqum0O/rin/D2NjRZKWilucdi58re/Ffd4BGyStHmCIX1ZrCT
jypPI9CQIGhZokdQZBNtUmECgYEAhnludseQQVW0oGkn+eqJRE5M2QApMPBLpRw6
CQlUkHd5tFQtwJfMghAcFmrdr4wLOaI9p2MEgyZmheeig8rnDytAY69BBiG4MxfO
s/VFBfcUSi4BFNhNo3LUHVx4ayo04D0kMxjkH5RnASX9LJqwvGrz73jIY10umaNQ
YKnjczMCgYEAltZ5dyl7P1dbnIo7LyfcHyxAm1q3bbPbAa1ax0n+7xKGXgCv8tio
1z3lt6PKPPvX6HSBfegBLIAAd/jrV/ZWvg4JLV3hQkElnOBMx05ZSL49NZuKl4Lv
z+5ELOtzof+RcOcgYaMFCF3I4Z/bjc1ErNpGoqPNpkOXRoAwRySWQ+k=
-----END RSA PRIVATE KEY-----
";
    const TEST_KEY_PKCS8: &str = "-----BEGIN PRIVATE KEY-----
MIIEvwIBADANBgkqhkiG9w0BAQEFAASCBKkwggSlAgEAAoIBAQDJMKq7DL5Su/+M
LaN2Kd4j6PFg1bxaYiR0A0go8lUWs6TG7nLpwtvVk16+HSfR/hvyzx9eUCujhoOT
sZDlVpoHnBZ8Bkdf9s6lZ0TvPDRDYxbWmVGLMlTs1iLxKqadXmTeXndTqQBHIejp
G9ZaykTybgzRIvTckk5Wq5kAk5K+8QhfoRr9mAWDbUjhtVTBc3jFaSWmJV7rQpiM
ti8ChdjrT37J1WziRSE56CP3IcwfFjy05SJk/zHrs5T88PPlH6xSuk1LetK8KFP1
iGr0dZjD8xjWr1JPunhAdhZhjOXTA7/K1SMZaVaCp00b6WoPid44nN9wVB+cPAHN
cQZNLZXnAgMBAAECggEAPSuU3WZUf6c1XZOKvaShK93pdf3GVNy+JJ/S0tBLWqmo
Eevx+G0MlfVGuxr2Pny6Vqru6KgLfJ6rZr54RaJ9Fo84ruDh1qWd0uCBLxPo+Awq
p3jaOC5Hb/LzkMvc+L/4fzvNoBwkP3xp6mZSWCxjpiobr4KnXGEHfIaT8H7uASuR
g8/IaLMB+6z2knkR0Lc8tu48flUubdy55BdmZVvpTNZPrWDgdObNbwlUya6qmJBS
w6aV9wl7ZpuJN3PG2a2TPff55KR/9oF1CUs+KgwPNXiFfEZG+OjovFGof1irBSAN
8SDkQzr0RXpJXsTjFlamSU4B0V50egKyaRrkb10isQKBgQDy3WtRA1t4aya8+Vsg
/TjVu3CqgGua+KUXA9G4V3s2eM+gRIGAv5ihm+ilQU+okSqM6fWme+MZ3rwtWMX2
p76yOJhBAvCrz2FMzcCf23EfYV9zgpMpXROMEB9F/b/8RFiG65Wa8AJ2iCE3g0bQ
2aN04uwEoTQ7Amir22Ccp6Q7dQKBgQDUEj1xejsuOEeLodmEgNE+NZaxaHW9o5aL
uaUlBm9ZzDS67+djd1k9/nkjP5rW6nZlttMYjXZoEF8wgz1iDGya4cszTmShJLkb
a02yhEQNptOJhCmva61m/tho02eksnlVlX4bcb5Y63WTxWsZVgxHKS7me4+KQENc
XzM1sBpMawKBgQC3ig4oU1k1UAUem3P7ImNpYxZqRFMN8wsQsZo0rig3qmV+wUb9
fc5jk+flu83vnoWBqO40uzuNuX6M5qH1HiBHn+2wdABeV4M4/+Wq6bQ7+uKf8PY2
NFkpaKW5x2Lnyt78V93gEbJK0eYIhfVmsJOPKk8j0JAgaFmiR1BkE21SYQKBgQCG
eW52x5BBVbSgaSf56olETkzZACkw8EulHDoJCVSQd3m0VC3Al8yCEBwWat2vjAs5
oj2nYwSDJmaF56KDyucPK0Bjr0EGIbgzF86z9UUF9xRKLgEU2E2jctQdXHhrKjTg
PSQzGOQflGcBJf0smrC8avPveMhjXS6Zo1BgqeNzMwKBgQCW1nl3KXs/V1ucijsv
J9wfLECbWrdts9sBrVrHSf7vEoZeAK/y2KjXPeW3o8o8+9fodIF96AEsgAB3+OtX
9la+DgktXeFCQSWc4EzHTllIvj01m4qXgu/P7kQs63Oh/5Fw5yBhowUIXcjhn9uN
zUSs2kaio82mQ5dGgDBHJJZD6Q==
-----END PRIVATE KEY-----
";
    const TEST_KEY_GET_SIGNATURE: &str = "OgCZMViNcqtiY5CKrGTTgji+y0MB1/cwfop6yzcokQPBzqaFLSnbzclxKgczk1JnaEwwymr6mxXOZR00L4eTcW1VmURZWxJ6qU7eXpu+G9udg4zPLcObOMnOpqYdInzbAUqgQsDqrQLAtH+W4fTTt0rfyCpMVnr8yuFk1Ti0hThdANCbTP79V1TBKWa1Quct9CZRrQ68J5V12HDaod09VgurDdSjSF12agE2TvU9qHY/RYhx3iZtIz/OMaBr4twYjAR+2Q+68Z8ImeZe5QEgr+FCUzX4HHZUZqkB5oFkSzUeYpS8uIyONaLCUQwq6cdpck4uJlkjgvSJEomvibspnw==";
    const TEST_KEY_POST_SIGNATURE: &str = "R0tCHO7vWNDhUv1Wfht3MPm6ynqLt/CYm/0Er73jtVBzEYHXLcEQDQIk/vzSZdH1FKxAma7Q6lhwYpmH3+oBQr5C4yViKiNVWlFc9d6dHvEdDxlVYzlN/3XCiLLkJu/H3YQMN/sm28G4u9HEvWxM0t5biUg3kqvWoxDz3FcrKLcvH8cHleYK1u2KFaBRuirUceD13SmVmh3AaGvdu4FQHaONCYMotzwR0CoGjrJul/GLkO6TKETTidwoF/gfNce9Z0UOzxrU4ko4UoNDNpFKZjSYdS1r8+HDGjn224vk1vFOaHVXZd90dMZMl5WaXA1wbG5HItveMejSy6wGRAvO0g==";

    // ---- A test-only textbook RSA (PKCS#1 v1.5, SHA-256) for the 1024-bit
    // vector key. Not constant time; never used outside tests.

    /// An RSA private key as little-endian `u32` limbs.
    pub(super) struct ReferenceRsa {
        n: Vec<u32>,
        e: Vec<u8>,
        d: Vec<u32>,
        modulus_len: usize,
    }

    /// Reads one DER element: (tag, contents, rest).
    fn der_element(input: &[u8]) -> (u8, &[u8], &[u8]) {
        let (tag, first) = (input[0], input[1]);
        let (length, header) = if first < 0x80 {
            (usize::from(first), 2)
        } else {
            let count = usize::from(first & 0x7f);
            let length = input[2..2 + count]
                .iter()
                .fold(0, |acc, &b| (acc << 8) | usize::from(b));
            (length, 2 + count)
        };
        (
            tag,
            &input[header..header + length],
            &input[header + length..],
        )
    }

    fn der_integers(sequence: &[u8]) -> Vec<&[u8]> {
        let (tag, mut contents, _) = der_element(sequence);
        assert_eq!(tag, 0x30);
        let mut integers = Vec::new();
        while !contents.is_empty() {
            let (tag, value, rest) = der_element(contents);
            assert_eq!(tag, 0x02);
            let zeros = value.iter().take_while(|&&b| b == 0).count();
            integers.push(&value[zeros..]);
            contents = rest;
        }
        integers
    }

    fn limbs(big_endian: &[u8], count: usize) -> Vec<u32> {
        let mut limbs = vec![0u32; count];
        for (i, &byte) in big_endian.iter().rev().enumerate() {
            limbs[i / 4] |= u32::from(byte) << (8 * (i % 4));
        }
        limbs
    }

    fn greater_or_equal(a: &[u32], b: &[u32]) -> bool {
        for (x, y) in a.iter().rev().zip(b.iter().rev()) {
            if x != y {
                return x > y;
            }
        }
        true
    }

    fn subtract_in_place(a: &mut [u32], b: &[u32]) {
        let mut borrow = 0u64;
        for (x, &y) in a.iter_mut().zip(b) {
            let difference = u64::from(*x)
                .wrapping_sub(u64::from(y))
                .wrapping_sub(borrow);
            *x = difference as u32;
            borrow = (difference >> 63) & 1;
        }
    }

    impl ReferenceRsa {
        pub(super) fn from_pem(pem: &str) -> ReferenceRsa {
            let (format, der) = decode_pem(pem).expect("test key PEM");
            let der = der.0.clone();
            let pkcs1 = match format {
                KeyFormat::Pkcs1 => der,
                KeyFormat::Pkcs8 => {
                    // PrivateKeyInfo: SEQUENCE { version, algorithm, OCTET STRING key }
                    let (_, contents, _) = der_element(&der);
                    let (_, _, rest) = der_element(contents);
                    let (_, _, rest) = der_element(rest);
                    let (tag, key, _) = der_element(rest);
                    assert_eq!(tag, 0x04);
                    key.to_vec()
                }
            };
            // RSAPrivateKey: SEQUENCE { version, n, e, d, p, q, dP, dQ, qInv }
            let integers = der_integers(&pkcs1);
            let (n, e, d) = (integers[1], integers[2], integers[3]);
            let count = n.len().div_ceil(4);
            ReferenceRsa {
                n: limbs(n, count),
                e: e.to_vec(),
                d: limbs(d, count),
                modulus_len: n.len(),
            }
        }

        fn public_key(&self) -> RsaPublicKeyComponents<Vec<u8>> {
            let mut n: Vec<u8> = self.n.iter().rev().flat_map(|l| l.to_be_bytes()).collect();
            n.drain(..n.len() - self.modulus_len);
            RsaPublicKeyComponents {
                n,
                e: self.e.clone(),
            }
        }

        /// Montgomery product `a * b / R mod n` (CIOS).
        fn montgomery_multiply(&self, a: &[u32], b: &[u32], n_prime: u32) -> Vec<u32> {
            let (n, s) = (&self.n, self.n.len());
            let mut t = vec![0u32; s + 2];
            for &b_i in b {
                let mut carry = 0u64;
                for j in 0..s {
                    let x = u64::from(t[j]) + u64::from(a[j]) * u64::from(b_i) + carry;
                    t[j] = x as u32;
                    carry = x >> 32;
                }
                let x = u64::from(t[s]) + carry;
                t[s] = x as u32;
                t[s + 1] = (x >> 32) as u32;
                let m = t[0].wrapping_mul(n_prime);
                let mut carry = (u64::from(t[0]) + u64::from(m) * u64::from(n[0])) >> 32;
                for j in 1..s {
                    let x = u64::from(t[j]) + u64::from(m) * u64::from(n[j]) + carry;
                    t[j - 1] = x as u32;
                    carry = x >> 32;
                }
                let x = u64::from(t[s]) + carry;
                t[s - 1] = x as u32;
                t[s] = t[s + 1] + (x >> 32) as u32;
            }
            let overflow = t[s] != 0;
            t.truncate(s);
            if overflow || greater_or_equal(&t, n) {
                subtract_in_place(&mut t, n);
            }
            t
        }

        /// `base^d mod n`.
        fn private_operation(&self, base: &[u32]) -> Vec<u32> {
            let (n, s) = (&self.n, self.n.len());
            // n' = -n^-1 mod 2^32, by Newton's iteration.
            let mut inverse = 1u32;
            for _ in 0..5 {
                inverse = inverse.wrapping_mul(2u32.wrapping_sub(n[0].wrapping_mul(inverse)));
            }
            let n_prime = inverse.wrapping_neg();
            // R^2 mod n, R = 2^(32 s), by doubling 1.
            let mut r2 = vec![0u32; s];
            r2[0] = 1;
            for _ in 0..64 * s {
                let mut carry = 0u32;
                for limb in r2.iter_mut() {
                    let next = *limb >> 31;
                    *limb = (*limb << 1) | carry;
                    carry = next;
                }
                if carry != 0 || greater_or_equal(&r2, n) {
                    subtract_in_place(&mut r2, n);
                }
            }
            let mut one = vec![0u32; s];
            one[0] = 1;
            let base = self.montgomery_multiply(base, &r2, n_prime);
            let mut accumulator = self.montgomery_multiply(&one, &r2, n_prime);
            for limb in self.d.iter().rev() {
                for bit in (0..32).rev() {
                    accumulator = self.montgomery_multiply(&accumulator, &accumulator, n_prime);
                    if (limb >> bit) & 1 == 1 {
                        accumulator = self.montgomery_multiply(&accumulator, &base, n_prime);
                    }
                }
            }
            self.montgomery_multiply(&accumulator, &one, n_prime)
        }

        /// RSASSA-PKCS1-v1_5 with SHA-256.
        pub(super) fn sign(&self, message: &[u8]) -> Vec<u8> {
            const DIGEST_INFO: [u8; 19] = [
                0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x01, 0x05, 0x00, 0x04, 0x20,
            ];
            let k = self.modulus_len;
            let hash = digest::digest(&digest::SHA256, message);
            let mut encoded = vec![0xffu8; k];
            encoded[0] = 0;
            encoded[1] = 1;
            encoded[k - 52] = 0;
            encoded[k - 51..k - 32].copy_from_slice(&DIGEST_INFO);
            encoded[k - 32..].copy_from_slice(hash.as_ref());
            let signature = self.private_operation(&limbs(&encoded, self.n.len()));
            let mut bytes: Vec<u8> = signature
                .iter()
                .rev()
                .flat_map(|l| l.to_be_bytes())
                .collect();
            bytes.drain(..bytes.len() - k);
            bytes
        }
    }

    fn vector_signer(pem: &str) -> Signer {
        Signer {
            key_id: format!("{VECTOR_TENANCY}/{VECTOR_USER}/{VECTOR_FINGERPRINT}"),
            key: Arc::new(SigningKey::Reference(ReferenceRsa::from_pem(pem))),
        }
    }

    fn test_signer(pem: &str) -> Signer {
        Signer::new(VECTOR_TENANCY, VECTOR_USER, VECTOR_FINGERPRINT, pem).expect("test key")
    }

    fn get_request() -> Request {
        Request::new(Method::GET, Url::parse(VECTOR_GET_URL).unwrap())
    }

    fn post_request() -> Request {
        let mut request = Request::new(Method::POST, Url::parse(VECTOR_POST_URL).unwrap());
        *request.body_mut() = Some(VECTOR_POST_BODY.into());
        request
    }

    fn header<'a>(request: &'a Request, name: &str) -> &'a str {
        request.headers().get(name).unwrap().to_str().unwrap()
    }

    fn signature_of(authorization: &str) -> &str {
        let start = authorization.find("signature=\"").unwrap() + "signature=\"".len();
        authorization[start..].strip_suffix('"').unwrap()
    }

    fn vector_date() -> HeaderValue {
        HeaderValue::from_static(VECTOR_DATE)
    }

    #[test]
    fn reference_rsa_agrees_with_aws_lc() {
        let reference = ReferenceRsa::from_pem(TEST_KEY_PKCS1);
        let key = parse_private_key(TEST_KEY_PKCS1).unwrap();
        let mut expected = vec![0; key.public_modulus_len()];
        key.sign(
            &RSA_PKCS1_SHA256,
            &SystemRandom::new(),
            b"message",
            &mut expected,
        )
        .unwrap();
        assert_eq!(reference.sign(b"message"), expected);
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
            let error =
                Signer::new(VECTOR_TENANCY, VECTOR_USER, VECTOR_FINGERPRINT, pem).unwrap_err();
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

        let SigningKey::Rsa(key) = &*pkcs1.key else {
            unreachable!()
        };
        let mut request = post_request();
        pkcs1.sign(&mut request, SystemTime::now()).unwrap();
        UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, key.public_key().as_ref())
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
        assert!(header(&request, "authorization").starts_with(
            "Signature version=\"1\",headers=\"date (request-target) host\",keyId=\""
        ));

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
            let error =
                Signer::new(VECTOR_TENANCY, VECTOR_USER, VECTOR_FINGERPRINT, pem).unwrap_err();
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

    /// Fails if `text` contains any 8-character run of the base64 body of `pem`.
    fn assert_no_key_material(text: &str, pem: &str) {
        let body: String = pem
            .lines()
            .filter(|line| !line.starts_with("-----"))
            .collect();
        for start in 0..body.len() - 8 {
            let chunk = &body[start..start + 8];
            assert!(!text.contains(chunk), "leaks key material {chunk:?}");
        }
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

    const CONFIG: &str = "\u{feff}# OCI config
[DEFAULT]
user=ocid1.user.oc1..default
fingerprint = 20:3b:97:13:55:1c:5b:0d:d3:37:d8:50:4e:c5:3a:34
tenancy=ocid1.tenancy.oc1..default
region=us-phoenix-1
key_file=~/.oci/oci_api_key.pem

[OTHER]
; only overrides the user and the key
user=ocid1.user.oc1..other
key_file=keys/other.pem
pass_phrase=hunter2

[ABSOLUTE]
key_file=/etc/oci/key.pem
Region: eu-frankfurt-1

[NO_FINGERPRINT]
fingerprint=
";

    #[test]
    fn config_default_profile_and_home_expansion() {
        let config = OciConfig::parse_with_home(
            CONFIG,
            "DEFAULT",
            Path::new("/cfg"),
            Some(Path::new("/home/me")),
        )
        .unwrap();
        assert_eq!(
            config,
            OciConfig {
                user: "ocid1.user.oc1..default".to_owned(),
                fingerprint: VECTOR_FINGERPRINT.to_owned(),
                tenancy: "ocid1.tenancy.oc1..default".to_owned(),
                region: Some("us-phoenix-1".to_owned()),
                key_file: PathBuf::from("/home/me/.oci/oci_api_key.pem"),
                pass_phrase_set: false,
            }
        );
    }

    #[test]
    fn config_inherits_default_and_resolves_relative_paths() {
        let home = Some(Path::new("/home/me"));
        let other = OciConfig::parse_with_home(CONFIG, "OTHER", Path::new("/cfg"), home).unwrap();
        assert_eq!(other.user, "ocid1.user.oc1..other");
        assert_eq!(other.tenancy, "ocid1.tenancy.oc1..default");
        assert_eq!(other.fingerprint, VECTOR_FINGERPRINT);
        assert_eq!(other.region.as_deref(), Some("us-phoenix-1"));
        assert_eq!(other.key_file, PathBuf::from("/cfg/keys/other.pem"));
        assert!(other.pass_phrase_set);
        assert!(!format!("{other:?}").contains("hunter2"));

        let absolute =
            OciConfig::parse_with_home(CONFIG, "ABSOLUTE", Path::new("/cfg"), home).unwrap();
        assert_eq!(absolute.key_file, PathBuf::from("/etc/oci/key.pem"));
        assert_eq!(absolute.region.as_deref(), Some("eu-frankfurt-1"));
    }

    #[test]
    fn config_errors() {
        let base = Path::new("/cfg");
        let error = OciConfig::parse(CONFIG, "MISSING", base).unwrap_err();
        assert!(
            matches!(&error, ConfigError::MissingProfile { path: None, profile } if profile == "MISSING"),
            "{error:?}"
        );
        // Profile names are case-sensitive.
        assert!(matches!(
            OciConfig::parse(CONFIG, "other", base),
            Err(ConfigError::MissingProfile { .. })
        ));

        let error = OciConfig::parse(CONFIG, "NO_FINGERPRINT", base).unwrap_err();
        assert!(
            matches!(&error, ConfigError::MissingKey { profile, key: "fingerprint" } if profile == "NO_FINGERPRINT"),
            "{error:?}"
        );
        let error =
            OciConfig::parse("[P]\nuser=u\nfingerprint=f\nkey_file=k\n", "P", base).unwrap_err();
        assert!(
            matches!(error, ConfigError::MissingKey { key: "tenancy", .. }),
            "{error:?}"
        );

        for (text, line) in [
            ("user=u\n", 1),
            ("[P]\n\nno delimiter secret\n", 3),
            ("[P\n", 1),
            ("[]\n", 1),
        ] {
            let error = OciConfig::parse(text, "P", base).unwrap_err();
            assert!(
                matches!(error, ConfigError::Syntax { path: None, line: l } if l == line),
                "{error:?}"
            );
            assert!(!error.to_string().contains("secret"));
        }
    }

    #[test]
    fn config_from_file_and_signer() {
        let dir = std::env::temp_dir().join(format!("oci-config-test-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("keys")).unwrap();
        std::fs::write(dir.join("keys/key.pem"), TEST_KEY_PKCS8).unwrap();
        let config_path = dir.join("config");
        std::fs::write(
            &config_path,
            format!(
                "[DEFAULT]\nuser={VECTOR_USER}\nfingerprint={VECTOR_FINGERPRINT}\ntenancy={VECTOR_TENANCY}\nkey_file=keys/key.pem\n[BROKEN]\nkey_file=keys/nope.pem\n"
            ),
        )
        .unwrap();

        let config = OciConfig::from_file(&config_path, "DEFAULT").unwrap();
        assert_eq!(config.key_file, dir.join("keys/key.pem"));
        let signer = config.signer().unwrap();
        assert_eq!(
            signer.key_id(),
            format!("{VECTOR_TENANCY}/{VECTOR_USER}/{VECTOR_FINGERPRINT}")
        );
        let mut request = get_request();
        signer.sign_with_date(&mut request, vector_date()).unwrap();
        assert_eq!(
            signature_of(header(&request, "authorization")),
            TEST_KEY_GET_SIGNATURE
        );

        let error = OciConfig::from_file(&config_path, "BROKEN")
            .unwrap()
            .signer()
            .unwrap_err();
        assert!(
            matches!(&error, ConfigError::Io { path, .. } if path.ends_with("keys/nope.pem")),
            "{error:?}"
        );
        let error = OciConfig::from_file(&config_path, "NOPE").unwrap_err();
        assert!(
            matches!(&error, ConfigError::MissingProfile { path: Some(path), .. } if *path == config_path),
            "{error:?}"
        );
        assert!(matches!(
            OciConfig::from_file(dir.join("missing"), "DEFAULT"),
            Err(ConfigError::Io { .. })
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
