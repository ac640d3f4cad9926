//! RSA private keys: parsed from PEM (PKCS#1 `RSA PRIVATE KEY` or PKCS#8
//! `PRIVATE KEY`, unencrypted) or PKCS#8 DER, or generated (the session
//! keys of instance principals, 2048 bits as Oracle's SDKs generate), and
//! used for RSASSA-PKCS1-v1_5 with SHA-256.
//!
//! Key bytes pass through buffers that are wiped when dropped; errors
//! describe the problem, never the key.

use aws_lc_rs::encoding::AsDer as _;
use aws_lc_rs::error::KeyRejected;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{KeyPair as _, RSA_PKCS1_SHA256, RsaKeyPair};

use super::error::{ConfigError, SignError};
use super::pem::{Block, Wiped};

/// The RSA private key a signer signs with.
pub(crate) enum SigningKey {
    /// An aws-lc-rs key (2048 to 8192 bits).
    Rsa(RsaKeyPair),
    /// A slow, test-only RSA implementation, used to reproduce Oracle's
    /// published test vector, whose 1024-bit key aws-lc-rs (rightly) refuses.
    #[cfg(test)]
    Reference(super::reference_rsa::ReferenceRsa),
}

impl SigningKey {
    /// RSASSA-PKCS1-v1_5 SHA-256 signature of `message`.
    pub(crate) fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
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

    /// A fresh 2048-bit key and its public half as DER
    /// `SubjectPublicKeyInfo` (what Oracle's SDKs send as `publicKey`).
    pub(crate) fn generate() -> Result<(SigningKey, Vec<u8>), SignError> {
        let key_pair = RsaKeyPair::generate(KeySize::Rsa2048).map_err(|_| SignError::Crypto)?;
        let public = key_pair
            .public_key()
            .as_der()
            .map_err(|_| SignError::Crypto)?
            .as_ref()
            .to_vec();
        Ok((SigningKey::Rsa(key_pair), public))
    }

    /// The public half as DER `SubjectPublicKeyInfo`.
    #[cfg(test)]
    pub(crate) fn public_key_spki(&self) -> Result<Vec<u8>, SignError> {
        match self {
            SigningKey::Rsa(key_pair) => Ok(key_pair
                .public_key()
                .as_der()
                .map_err(|_| SignError::Crypto)?
                .as_ref()
                .to_vec()),
            #[cfg(test)]
            SigningKey::Reference(_) => Err(SignError::Crypto),
        }
    }
}

/// Parses the first PEM block of `pem`: an unencrypted PKCS#1 or PKCS#8
/// RSA private key.
pub(crate) fn parse_pem(pem: &str) -> Result<SigningKey, ConfigError> {
    let block = Block::first(pem).map_err(|e| ConfigError::InvalidPem(e.0))?;
    let pkcs8 = match block.label {
        "RSA PRIVATE KEY" => false,
        "PRIVATE KEY" => true,
        "ENCRYPTED PRIVATE KEY" => return Err(ConfigError::EncryptedKey),
        _ => {
            return Err(ConfigError::InvalidPem(format!(
                "expected `RSA PRIVATE KEY` or `PRIVATE KEY`, found {}",
                block.shown_label()
            )));
        }
    };
    if block.encrypted {
        // `openssl rsa -aes256` writes `Proc-Type: 4,ENCRYPTED` / `DEK-Info`.
        return Err(ConfigError::EncryptedKey);
    }
    let der = block.decode().map_err(|e| ConfigError::InvalidPem(e.0))?;
    let parsed = if pkcs8 {
        RsaKeyPair::from_pkcs8(&der.0)
    } else {
        RsaKeyPair::from_der(&der.0)
    };
    parsed.map(SigningKey::Rsa).map_err(rejected)
}

/// Parses a DER PKCS#8 `PrivateKeyInfo` holding an RSA key.
pub(crate) fn parse_pkcs8_der(der: &[u8]) -> Result<SigningKey, ConfigError> {
    RsaKeyPair::from_pkcs8(der)
        .map(SigningKey::Rsa)
        .map_err(rejected)
}

/// Reads and parses a PEM key file.
pub(crate) fn read_pem_file(path: &std::path::Path) -> Result<SigningKey, ConfigError> {
    let bytes = Wiped(std::fs::read(path).map_err(|source| ConfigError::Io {
        path: path.to_owned(),
        source,
    })?);
    let pem = std::str::from_utf8(&bytes.0)
        .map_err(|_| ConfigError::InvalidPem("the key file is not PEM text".to_owned()))?;
    parse_pem(pem)
}

fn rejected(rejected: KeyRejected) -> ConfigError {
    ConfigError::InvalidKey(match rejected.description_() {
        "TooSmall" => "the RSA key is smaller than 2048 bits, the minimum OCI accepts".to_owned(),
        "TooLarge" => "the RSA key is larger than 8192 bits".to_owned(),
        other => format!("not a usable RSA private key ({other})"),
    })
}
