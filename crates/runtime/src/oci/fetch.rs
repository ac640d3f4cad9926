//! HTTP calls made while signing in (the instance metadata service, the
//! federation endpoint), over the client's own `reqwest::Client`, with a
//! few quick retries on connection errors, 429 and 5xx as Oracle's SDKs
//! retry them (the Go SDK: 8 tries for the region, 3 for the federation
//! endpoint, never on other 4xx).

use std::time::Duration;

use reqwest::{Request, StatusCode};

/// Attempts per call.
const ATTEMPTS: u32 = 3;
/// Backoff before the first retry; doubled for each next one.
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
/// Bodies read are capped (a certificate chain is a few KiB).
const MAX_BODY: usize = 1 << 20;

/// A response that arrived: its status and body.
#[derive(Debug)]
pub(crate) struct Response {
    pub(crate) status: StatusCode,
    pub(crate) body: Vec<u8>,
}

/// Sends the request `make` builds (again for each attempt) and returns
/// the last response, or why none arrived (no URL, no body: safe to show).
pub(crate) async fn send(
    http: &reqwest::Client,
    make: impl Fn() -> Result<Request, String>,
) -> Result<Response, String> {
    let mut backoff = FIRST_BACKOFF;
    let mut attempt = 1;
    loop {
        let outcome = match http.execute(make()?).await {
            Ok(response) => {
                let status = response.status();
                match read_body(response).await {
                    Ok(body) => Ok(Response { status, body }),
                    Err(error) => Err(error),
                }
            }
            Err(error) => Err(describe(&error)),
        };
        let retry = match &outcome {
            Ok(response) => {
                response.status == StatusCode::TOO_MANY_REQUESTS
                    || response.status.is_server_error()
            }
            Err(_) => true,
        };
        if !retry || attempt >= ATTEMPTS {
            return outcome;
        }
        tokio::time::sleep(backoff).await;
        backoff *= 2;
        attempt += 1;
    }
}

async fn read_body(mut response: reqwest::Response) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| describe(&e))? {
        if body.len() + chunk.len() > MAX_BODY {
            return Err("the response body is larger than 1 MiB".to_owned());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A transport error without its URL (the caller names the endpoint).
fn describe(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "connection failed"
    } else if error.is_body() || error.is_decode() {
        "reading the response failed"
    } else {
        "the request failed"
    };
    let mut text = kind.to_owned();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
