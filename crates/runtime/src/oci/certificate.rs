//! X.509 certificates as instance principals use them: the PEM text the
//! instance metadata service serves, the SHA-256 fingerprint of the DER,
//! and the tenancy OCID named in the subject.
//!
//! Oracle's rules: the fingerprint is SHA-256 over the DER, lower-case hex
//! bytes joined with `:` (`fingerprint` / `colonSeparatedString` in
//! oci-go-sdk `common/auth/utils.go`); the tenancy is the value after
//! `opc-tenant:` or `opc-identity:` in a subject attribute
//! (`get_tenancy_id_from_certificate` in oci-python-sdk
//! `oci/auth/auth_utils.py`; the Go SDK knows only `opc-tenant:`).
//!
//! The certificate is not verified here: the federation endpoint does that.

use std::fmt;

use aws_lc_rs::digest;

use super::der::{self, CONTEXT_0, DerError, OID, SEQUENCE, SET};
use super::pem::{self, Block};

/// Subject attribute prefixes that carry the tenancy OCID.
const TENANCY_PREFIXES: [&str; 2] = ["opc-tenant:", "opc-identity:"];

/// A parsed X.509 certificate.
#[derive(Clone)]
pub(crate) struct Certificate {
    /// The PEM text as served, for [`Certificate::sanitized`].
    pem: String,
    der: Vec<u8>,
    subject: Vec<String>,
}

impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field("fingerprint", &self.fingerprint_sha256())
            .field("subject", &self.subject)
            .finish()
    }
}

/// Why a certificate could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub(crate) struct CertificateError(pub(crate) String);

impl Certificate {
    /// Parses the first `CERTIFICATE` PEM block of `text`.
    pub(crate) fn from_pem(text: &str) -> Result<Certificate, CertificateError> {
        let block = Block::first(text).map_err(|e| CertificateError(e.0))?;
        if block.label != "CERTIFICATE" {
            return Err(CertificateError(format!(
                "expected a `CERTIFICATE` PEM block, found {}",
                block.shown_label()
            )));
        }
        let der = block.decode().map_err(|e| CertificateError(e.0))?.0.clone();
        let subject = subject_values(&der)
            .map_err(|DerError| CertificateError("not a DER X.509 certificate".to_owned()))?;
        Ok(Certificate {
            pem: text.to_owned(),
            der,
            subject,
        })
    }

    /// The PEM text without its `BEGIN`/`END` lines and line breaks, as
    /// Oracle's SDKs send it to the federation endpoint.
    pub(crate) fn sanitized(&self) -> String {
        pem::sanitize(&self.pem)
    }

    /// SHA-256 of the DER, as `aa:bb:...` (lower-case).
    pub(crate) fn fingerprint_sha256(&self) -> String {
        digest::digest(&digest::SHA256, &self.der)
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(":")
    }

    /// The tenancy OCID from the first subject attribute starting with
    /// `opc-tenant:` or `opc-identity:`.
    pub(crate) fn tenancy(&self) -> Option<&str> {
        self.subject.iter().find_map(|value| {
            TENANCY_PREFIXES
                .iter()
                .find_map(|prefix| value.strip_prefix(prefix))
                .filter(|tenancy| !tenancy.is_empty())
        })
    }

    /// The subject's attribute values, in order.
    #[cfg(test)]
    pub(crate) fn subject(&self) -> &[String] {
        &self.subject
    }

    /// The DER `SubjectPublicKeyInfo` (tests verify signatures with it).
    #[cfg(test)]
    pub(crate) fn public_key_spki(&self) -> Vec<u8> {
        tbs_fields(&self.der)
            .expect("parsed at construction")
            .spki
            .to_vec()
    }
}

/// The parts of a `TBSCertificate` read here.
struct TbsFields<'a> {
    subject: &'a [u8],
    #[cfg_attr(not(test), allow(dead_code))]
    spki: &'a [u8],
}

/// `Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signature }`,
/// `TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber,
/// signature, issuer, validity, subject, subjectPublicKeyInfo, ... }`.
fn tbs_fields(certificate: &[u8]) -> Result<TbsFields<'_>, DerError> {
    let (certificate, _) = der::expect(certificate, SEQUENCE)?;
    let (tbs, _) = der::expect(certificate, SEQUENCE)?;
    let fields = der::elements(tbs)?;
    let skip = usize::from(fields.first().is_some_and(|f| f.tag == CONTEXT_0));
    let field = |index: usize, tag: u8| {
        fields
            .get(skip + index)
            .filter(|f| f.tag == tag)
            .ok_or(DerError)
    };
    // serialNumber (0), signature (1), issuer (2), validity (3), subject (4),
    // subjectPublicKeyInfo (5).
    let subject = field(4, SEQUENCE)?.contents;
    let spki = field(5, SEQUENCE)?.raw;
    Ok(TbsFields { subject, spki })
}

/// The string values of a `Name ::= SEQUENCE OF SET OF
/// AttributeTypeAndValue { type OID, value ANY }`.
fn subject_values(certificate: &[u8]) -> Result<Vec<String>, DerError> {
    let name = tbs_fields(certificate)?.subject;
    let mut values = Vec::new();
    for rdn in der::elements(name)? {
        if rdn.tag != SET {
            return Err(DerError);
        }
        for attribute in der::elements(rdn.contents)? {
            if attribute.tag != SEQUENCE {
                return Err(DerError);
            }
            let (_, value) = der::expect(attribute.contents, OID)?;
            let (value, _) = der::read(value)?;
            if let Some(text) = directory_string(value.tag, value.contents) {
                values.push(text);
            }
        }
    }
    Ok(values)
}

/// A `DirectoryString` (or IA5String) as text; other types give `None`.
fn directory_string(tag: u8, contents: &[u8]) -> Option<String> {
    match tag {
        // UTF8String, PrintableString, TeletexString, IA5String.
        0x0c | 0x13 | 0x14 | 0x16 => Some(String::from_utf8_lossy(contents).into_owned()),
        // BMPString: UTF-16BE.
        0x1e if contents.len().is_multiple_of(2) => {
            let units: Vec<u16> = contents
                .chunks_exact(2)
                .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
                .collect();
            Some(String::from_utf16_lossy(&units))
        }
        _ => None,
    }
}
