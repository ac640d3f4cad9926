//! OCI API-key request signing as an [`Authenticate`] implementation: every
//! attempt is signed again with a fresh `date` (OCI rejects a clock skew
//! of more than five minutes, and retries can span minutes).

use std::time::SystemTime;

use super::{AuthError, AuthFuture, Authenticate};
use crate::api::AuthScheme;
use crate::oci::Signer;

impl Authenticate for Signer {
    fn scheme(&self) -> AuthScheme {
        AuthScheme::OciSignature
    }

    fn authenticate<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        _http: &'a reqwest::Client,
    ) -> AuthFuture<'a> {
        let signed = self
            .sign(request, SystemTime::now())
            .map_err(|e| AuthError::Signing(e.to_string()));
        Box::pin(std::future::ready(signed))
    }
}
