//! Response decoding for generated clients. `cargo xtask codegen` points
//! progenitor's `ResponseValue::from_response` calls here.
//!
//! The difference: when a body does not parse, progenitor's error carries
//! (and prints) the whole body. A credential body can hold secrets (tokens,
//! keys), so for success statuses the body is withheld from the error and
//! the parser's message is reduced to its category and position. An error
//! status (4xx/5xx) whose body is not the documented error body becomes
//! `Error::UnexpectedResponse`, with status, headers and body intact.

use bytes::Bytes;
use progenitor_client::{Error, ResponseValue};
use serde::de::DeserializeOwned;

/// Decode a JSON body like progenitor's `ResponseValue::from_response`,
/// without leaking success bodies into errors.
pub async fn from_response<T: DeserializeOwned, E>(
    mut response: reqwest::Response,
) -> Result<ResponseValue<T>, Error<E>> {
    let status = response.status();
    let version = response.version();
    // The URL is kept only where an error may need it: an error status.
    let url = (!status.is_success() && !status.is_informational()).then(|| response.url().clone());
    // Moved out, not cloned: reading the body does not need them.
    let headers = std::mem::take(response.headers_mut());
    let full = response.bytes().await.map_err(Error::ResponseBodyError)?;
    match (serde_json::from_slice(&full), url) {
        (Ok(inner), _) => Ok(ResponseValue::new(inner, status, headers)),
        (Err(e), None) => Err(Error::InvalidResponsePayload(
            withheld(full.len()),
            redact(&e),
        )),
        // An error status whose body is not the documented error body (a
        // proxy's HTML page, a plain-text message): keep status, headers
        // and body together instead of a parse error without a status.
        (Err(_), Some(url)) => Err(Error::UnexpectedResponse(crate::http::rebuild(
            status, version, headers, &url, full,
        ))),
    }
}

/// Read a non-JSON success body (`text/plain`, `application/octet-stream`)
/// as a [`crate::SecretBody`]: a credential returned as the secret itself.
pub async fn secret_body<E>(
    mut response: reqwest::Response,
) -> Result<ResponseValue<crate::SecretBody>, Error<E>> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let full = response.bytes().await.map_err(Error::ResponseBodyError)?;
    Ok(ResponseValue::new(
        crate::SecretBody::new(full.to_vec()),
        status,
        headers,
    ))
}

/// The placeholder that replaces a success body in a decode error.
pub fn withheld(len: usize) -> Bytes {
    Bytes::from(format!(
        "<{len} bytes withheld: a credential body may contain secrets>"
    ))
}

/// A parse error with only its category and position: serde's messages can
/// quote the offending value.
fn redact(e: &serde_json::Error) -> serde_json::Error {
    use serde::de::Error as _;
    serde_json::Error::custom(format!(
        "the body does not match the response type ({:?} error at line {} column {})",
        e.classify(),
        e.line(),
        e.column()
    ))
}
