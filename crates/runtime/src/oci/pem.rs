//! PEM (RFC 7468) blocks: the first `-----BEGIN <label>-----` ...
//! `-----END <label>-----` block of a text, its RFC 1421 headers
//! (`Proc-Type: 4,ENCRYPTED`) noticed, its base64 body decoded into a buffer
//! that is wiped when dropped.
//!
//! Error messages name the problem, never the text (it may be a key).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// A byte buffer holding key material, overwritten with zeros when dropped.
pub(crate) struct Wiped(pub(crate) Vec<u8>);

impl Drop for Wiped {
    fn drop(&mut self) {
        self.0.fill(0);
        std::hint::black_box(&self.0);
    }
}

/// The first PEM block of a text, not yet decoded.
pub(crate) struct Block<'a> {
    /// The label, e.g. `RSA PRIVATE KEY` or `CERTIFICATE`.
    pub(crate) label: &'a str,
    /// Whether an RFC 1421 header says the body is encrypted.
    pub(crate) encrypted: bool,
    /// The base64 lines (headers removed).
    body: &'a str,
}

/// Why a text holds no usable PEM block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PemError(pub(crate) String);

impl<'a> Block<'a> {
    /// Finds the first block of `text`.
    pub(crate) fn first(text: &'a str) -> Result<Block<'a>, PemError> {
        const BEGIN: &str = "-----BEGIN ";
        const DASHES: &str = "-----";
        let invalid = |why: &str| PemError(why.to_owned());

        let start = text
            .find(BEGIN)
            .ok_or_else(|| invalid("no `-----BEGIN ...-----` line"))?;
        let rest = &text[start + BEGIN.len()..];
        let label_end = rest
            .find(DASHES)
            .ok_or_else(|| invalid("malformed `-----BEGIN ...-----` line"))?;
        let label = &rest[..label_end];
        let rest = &rest[label_end + DASHES.len()..];
        let end_line = format!("-----END {label}-----");
        let body = &rest[..rest
            .find(&end_line)
            .ok_or_else(|| invalid(&format!("no `{}` line", shown_end_line(label))))?];
        let encrypted = body.lines().any(|line| {
            let line = line.trim();
            line.contains(':')
                && (line.to_ascii_uppercase().contains("ENCRYPTED") || line.starts_with("DEK-Info"))
        });
        Ok(Block {
            label,
            encrypted,
            body,
        })
    }

    /// The decoded body.
    pub(crate) fn decode(&self) -> Result<Wiped, PemError> {
        let mut base64 = Wiped(Vec::with_capacity(self.body.len()));
        for line in self.body.lines() {
            let line = line.trim();
            if line.contains(':') {
                // An RFC 1421 encapsulated header.
                continue;
            }
            base64
                .0
                .extend(line.bytes().filter(|b| !b.is_ascii_whitespace()));
        }
        let der = STANDARD
            .decode(&base64.0)
            .map_err(|_| PemError("the PEM body is not valid base64".to_owned()))?;
        let der = Wiped(der);
        if der.0.is_empty() {
            return Err(PemError("the PEM body is empty".to_owned()));
        }
        Ok(der)
    }

    /// The label in backticks when it looks like one, else a neutral phrase
    /// (never echo arbitrary text).
    pub(crate) fn shown_label(&self) -> String {
        if looks_like_label(self.label) {
            format!("`{}`", self.label)
        } else {
            "an unknown PEM block".to_owned()
        }
    }
}

fn looks_like_label(label: &str) -> bool {
    label.len() <= 40 && label.bytes().all(|b| b.is_ascii_uppercase() || b == b' ')
}

fn shown_end_line(label: &str) -> String {
    if looks_like_label(label) {
        format!("-----END {label}-----")
    } else {
        "-----END ...-----".to_owned()
    }
}

/// Oracle's "sanitized" PEM text, as its SDKs send certificates and public
/// keys to the federation endpoint: the PEM text with the `BEGIN`/`END`
/// `CERTIFICATE` and `PUBLIC KEY` lines and all line breaks removed
/// (`sanitizeCertificateString` in oci-go-sdk `common/auth/utils.go`,
/// `sanitize_certificate_string` in oci-python-sdk `oci/auth/auth_utils.py`).
pub(crate) fn sanitize(text: &str) -> String {
    text.replace("-----BEGIN CERTIFICATE-----", "")
        .replace("-----END CERTIFICATE-----", "")
        .replace("-----BEGIN PUBLIC KEY-----", "")
        .replace("-----END PUBLIC KEY-----", "")
        .replace(['\n', '\r'], "")
}
