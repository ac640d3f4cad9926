//! OCI security tokens (session tokens, instance- and resource-principal
//! session tokens): JWTs whose payload is read, never verified (the server
//! verifies them), for their `exp` claim and a few others.
//!
//! As Oracle's SDKs: `parseJwt` / `jwtToken.expired` in oci-go-sdk
//! `common/auth/jwt.go` (refresh 5 minutes before `exp`),
//! `SecurityTokenContainer` in oci-python-sdk
//! `oci/auth/security_token_container.py` (`jwt.decode(...,
//! verify_signature=False)`).

use std::fmt;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use crate::secret::Secret;

/// Go SDK's `bufferTimeBeforeTokenExpiration`: a token this close to its
/// `exp` is refreshed.
pub(crate) const REFRESH_BEFORE_EXPIRY: Duration = Duration::from_secs(5 * 60);

/// A security token and what its payload says.
#[derive(Clone)]
pub(crate) struct SecurityToken {
    raw: Secret,
    expires_at: SystemTime,
    claims: Map<String, Value>,
}

impl fmt::Debug for SecurityToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecurityToken")
            .field("token", &self.raw)
            .field("expires_at", &httpdate::fmt_http_date(self.expires_at))
            .finish()
    }
}

/// Why a token is not a usable JWT. Holds no part of the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Not three `.`-separated parts.
    #[error("it is not a JWT (three `.`-separated parts)")]
    NotJwt,
    /// The payload is not base64url JSON.
    #[error("its JWT payload is not base64url-encoded JSON")]
    Payload,
    /// The payload has no numeric `exp` claim.
    #[error("its JWT payload has no numeric `exp` claim")]
    NoExpiry,
}

impl SecurityToken {
    /// Reads the payload of `raw` (surrounding whitespace removed).
    pub(crate) fn parse(raw: &str) -> Result<SecurityToken, TokenError> {
        let raw = raw.trim();
        let parts: Vec<&str> = raw.split('.').collect();
        if parts.len() != 3 || parts.iter().any(|part| part.is_empty()) {
            return Err(TokenError::NotJwt);
        }
        // Oracle's Go SDK pads and uses the URL alphabet; tolerate padding.
        let payload = URL_SAFE_NO_PAD
            .decode(parts[1].trim_end_matches('='))
            .map_err(|_| TokenError::Payload)?;
        let claims: Map<String, Value> =
            serde_json::from_slice(&payload).map_err(|_| TokenError::Payload)?;
        let exp = claims
            .get("exp")
            .and_then(Value::as_f64)
            .filter(|exp| exp.is_finite() && *exp >= 0.0)
            .ok_or(TokenError::NoExpiry)?;
        // Seconds since the epoch; far-future values saturate.
        let expires_at = SystemTime::UNIX_EPOCH
            .checked_add(Duration::from_secs_f64(exp.min(1e11)))
            .ok_or(TokenError::NoExpiry)?;
        Ok(SecurityToken {
            raw: Secret::new(raw),
            expires_at,
            claims,
        })
    }

    /// The token itself.
    pub(crate) fn expose_secret(&self) -> &str {
        self.raw.expose_secret()
    }

    /// The `exp` claim.
    pub(crate) fn expires_at(&self) -> SystemTime {
        self.expires_at
    }

    /// Whether `exp` has passed at `now`.
    pub(crate) fn is_expired(&self, now: SystemTime) -> bool {
        now >= self.expires_at
    }

    /// Whether the token expires within `margin` of `now`.
    pub(crate) fn expires_within(&self, now: SystemTime, margin: Duration) -> bool {
        now + margin >= self.expires_at
    }

    /// A string claim (`res_tenant`, `opc-tenant`, ...).
    pub(crate) fn claim(&self, name: &str) -> Option<&str> {
        self.claims.get(name).and_then(Value::as_str)
    }
}

/// `exp` as an HTTP date, for messages.
pub(crate) fn show_time(time: SystemTime) -> String {
    httpdate::fmt_http_date(time)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oci::tests::vectors::ORACLE_TOKEN;

    #[test]
    fn reads_oracle_test_token() {
        let token = SecurityToken::parse(&format!("{ORACLE_TOKEN}\n")).unwrap();
        let exp = SystemTime::UNIX_EPOCH + Duration::from_secs(1_511_838_793);
        assert_eq!(token.expires_at(), exp);
        assert_eq!(token.expose_secret(), ORACLE_TOKEN);
        assert_eq!(
            token.claim("opc-tenant"),
            Some("ocidv1:tenancy:oc1:phx:1234567890:bluhbluhbluh")
        );
        assert!(token.is_expired(exp));
        assert!(!token.is_expired(exp - Duration::from_secs(1)));
        assert!(token.expires_within(exp - Duration::from_secs(299), REFRESH_BEFORE_EXPIRY));
        assert!(!token.expires_within(exp - Duration::from_secs(301), REFRESH_BEFORE_EXPIRY));
        assert!(!format!("{token:?}").contains("eyJ"));
    }

    #[test]
    fn rejects_what_is_not_a_jwt_without_echoing_it() {
        let no_exp = format!("e30.{}.c2ln", URL_SAFE_NO_PAD.encode(r#"{"sub":"x"}"#));
        let cases = [
            ("secret-opaque-token", TokenError::NotJwt),
            ("a.b", TokenError::NotJwt),
            ("a..c", TokenError::NotJwt),
            ("e30.!!!.c2ln", TokenError::Payload),
            ("e30.bm90IGpzb24.c2ln", TokenError::Payload),
            (no_exp.as_str(), TokenError::NoExpiry),
        ];
        for (raw, expected) in cases {
            let error = SecurityToken::parse(raw).unwrap_err();
            assert_eq!(error, expected, "{raw}");
            assert!(!error.to_string().contains(raw));
        }
    }
}
