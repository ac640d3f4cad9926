//! Which outcomes are retried: an ordered list of rules, each of which may
//! have an opinion on an attempt's outcome. The first rule with an opinion
//! decides; with none, the outcome is final.
//!
//! The built-in rules are data ([`RetryRule::Statuses`],
//! [`RetryRule::BodyCode`], [`RetryRule::ConnectionErrors`], rendered from
//! the spec's `x-credential-clients-retry`); anything else is a
//! [`ClassifyRetry`] implementation in [`RetryRule::Custom`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// What an attempt produced, as a classifier sees it.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Outcome<'a> {
    /// A response arrived.
    Response {
        /// Its status.
        status: StatusCode,
        /// Its headers.
        headers: &'a HeaderMap,
        /// Its body, when a rule asked for it ([`ClassifyRetry::needs_body`])
        /// and it could be read (within the client's response-size cap).
        body: Option<&'a [u8]>,
    },
    /// The request failed without a response (connect error, timeout,
    /// connection closed, ...).
    Error(&'a reqwest::Error),
}

/// A classifier's opinion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryAction {
    /// No opinion: the next rule decides.
    NoOpinion,
    /// Retry after the usual wait (the server's `Retry-After` if it sent
    /// one, else exponential backoff with jitter).
    Retry,
    /// Retry after this wait (still capped by the policy's
    /// `max_retry_after`).
    RetryAfter(Duration),
    /// Do not retry, whatever later rules say.
    Forbid,
}

/// A user-supplied retry classifier (for [`RetryRule::Custom`]). Only
/// idempotent requests are ever retried, whatever a classifier says.
pub trait ClassifyRetry: fmt::Debug + Send + Sync {
    /// The opinion on `outcome`.
    fn classify(&self, outcome: &Outcome<'_>) -> RetryAction;

    /// Whether this classifier needs the body of a response with `status`.
    /// The body is then read (within the response-size cap) before
    /// classification, and given back to the caller untouched. Default:
    /// `false`.
    fn needs_body(&self, _status: StatusCode) -> bool {
        false
    }
}

/// One retry rule.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum RetryRule {
    /// Retry responses with one of these statuses.
    Statuses(Vec<u16>),
    /// Retry a response with `status` whose JSON body has, at `pointer`, a
    /// string among `codes` (OCI: 409 with `/code` `IncorrectState`).
    BodyCode {
        /// The status.
        status: u16,
        /// A JSON pointer (RFC 6901) into the body, e.g. `/code`.
        pointer: String,
        /// The retried codes.
        codes: Vec<String>,
    },
    /// Retry connect failures, timeouts and connections closed before a
    /// response.
    ConnectionErrors,
    /// A user-supplied classifier.
    Custom(Arc<dyn ClassifyRetry>),
}

impl RetryRule {
    /// A rule from a user-supplied classifier.
    pub fn custom(classifier: impl ClassifyRetry + 'static) -> Self {
        RetryRule::Custom(Arc::new(classifier))
    }
}

impl ClassifyRetry for RetryRule {
    fn classify(&self, outcome: &Outcome<'_>) -> RetryAction {
        match (self, outcome) {
            (RetryRule::Statuses(statuses), Outcome::Response { status, .. }) => {
                if statuses.contains(&status.as_u16()) {
                    RetryAction::Retry
                } else {
                    RetryAction::NoOpinion
                }
            }
            (
                RetryRule::BodyCode {
                    status: wanted,
                    pointer,
                    codes,
                },
                Outcome::Response {
                    status,
                    body: Some(body),
                    ..
                },
            ) if status.as_u16() == *wanted => {
                let code = serde_json::from_slice::<serde_json::Value>(body)
                    .ok()
                    .and_then(|v| {
                        v.pointer(pointer)
                            .and_then(|c| c.as_str())
                            .map(str::to_owned)
                    });
                match code {
                    Some(code) if codes.contains(&code) => RetryAction::Retry,
                    _ => RetryAction::NoOpinion,
                }
            }
            (RetryRule::ConnectionErrors, Outcome::Error(e)) => {
                // `is_request`: the connection closed before a response.
                if e.is_connect() || e.is_timeout() || e.is_request() {
                    RetryAction::Retry
                } else {
                    RetryAction::NoOpinion
                }
            }
            (RetryRule::Custom(classifier), outcome) => classifier.classify(outcome),
            _ => RetryAction::NoOpinion,
        }
    }

    fn needs_body(&self, status: StatusCode) -> bool {
        match self {
            RetryRule::BodyCode { status: wanted, .. } => status.as_u16() == *wanted,
            RetryRule::Custom(classifier) => classifier.needs_body(status),
            _ => false,
        }
    }
}

/// The first opinion of `rules` on `outcome` ([`RetryAction::NoOpinion`]
/// when none has one).
pub fn decide(rules: &[RetryRule], outcome: &Outcome<'_>) -> RetryAction {
    rules
        .iter()
        .map(|rule| rule.classify(outcome))
        .find(|action| *action != RetryAction::NoOpinion)
        .unwrap_or(RetryAction::NoOpinion)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response<'a>(status: u16, headers: &'a HeaderMap, body: Option<&'a [u8]>) -> Outcome<'a> {
        Outcome::Response {
            status: StatusCode::from_u16(status).unwrap(),
            headers,
            body,
        }
    }

    #[test]
    fn body_code_rules_read_the_pointer() {
        let rule = RetryRule::BodyCode {
            status: 409,
            pointer: "/code".into(),
            codes: vec!["IncorrectState".into(), "LockConflict".into()],
        };
        let h = HeaderMap::new();
        assert!(rule.needs_body(StatusCode::CONFLICT));
        assert!(!rule.needs_body(StatusCode::NOT_FOUND));
        let retry = |status, body: &[u8]| rule.classify(&response(status, &h, Some(body)));
        assert_eq!(
            retry(409, br#"{"code":"IncorrectState"}"#),
            RetryAction::Retry
        );
        assert_eq!(
            retry(409, br#"{"code":"LockConflict"}"#),
            RetryAction::Retry
        );
        assert_eq!(
            retry(409, br#"{"code":"Conflict"}"#),
            RetryAction::NoOpinion
        );
        assert_eq!(retry(409, br#"{"code":7}"#), RetryAction::NoOpinion);
        assert_eq!(retry(409, b"<html>"), RetryAction::NoOpinion);
        assert_eq!(
            retry(400, br#"{"code":"IncorrectState"}"#),
            RetryAction::NoOpinion
        );
        let nested = RetryRule::BodyCode {
            status: 503,
            pointer: "/error/reason".into(),
            codes: vec!["busy".into()],
        };
        let body = br#"{"error":{"reason":"busy"}}"#;
        assert_eq!(
            nested.classify(&response(503, &h, Some(body))),
            RetryAction::Retry
        );
    }

    #[derive(Debug)]
    struct NeverOn503;
    impl ClassifyRetry for NeverOn503 {
        fn classify(&self, outcome: &Outcome<'_>) -> RetryAction {
            match outcome {
                Outcome::Response { status, .. } if status.as_u16() == 503 => RetryAction::Forbid,
                _ => RetryAction::NoOpinion,
            }
        }
    }

    #[test]
    fn the_first_opinion_wins() {
        let h = HeaderMap::new();
        let standard = vec![RetryRule::Statuses(vec![429, 503])];
        assert_eq!(
            decide(&standard, &response(503, &h, None)),
            RetryAction::Retry
        );
        assert_eq!(
            decide(&standard, &response(404, &h, None)),
            RetryAction::NoOpinion
        );
        let mut custom = vec![RetryRule::custom(NeverOn503)];
        custom.extend(standard);
        assert_eq!(
            decide(&custom, &response(503, &h, None)),
            RetryAction::Forbid
        );
        assert_eq!(
            decide(&custom, &response(429, &h, None)),
            RetryAction::Retry
        );
    }
}
