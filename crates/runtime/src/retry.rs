//! Retry policy: which failures are retried, how long to wait, when to stop.
//!
//! A policy is data: limits and waits, plus an ordered list of
//! [`RetryRule`]s that classify each attempt's outcome (see
//! [`classify`]). A provider's defaults come from its spec
//! (`ApiDescription::retry`, a [`RetryProfile`]) through
//! [`RetryPolicy::for_api`]; users adjust them with the `with_*` methods or
//! add their own rules.

pub mod classify;

use std::time::{Duration, SystemTime};

use rand::Rng;
use reqwest::header::HeaderMap;

pub use classify::{ClassifyRetry, Outcome, RetryAction, RetryRule};

use crate::api::{ApiDescription, RetryProfile};

/// When and how a client retries a failed request.
///
/// Only idempotent requests (GET, HEAD, OPTIONS, PUT, DELETE) are retried.
/// An outcome is retried when the first of [`RetryPolicy::rules`] with an
/// opinion says so. Waits use exponential backoff with full jitter, or the
/// server's `Retry-After` (seconds or HTTP-date, read from
/// [`RetryPolicy::retry_after_headers`]) when present, capped at
/// [`RetryPolicy::max_retry_after`]. No retry starts once
/// [`RetryPolicy::total_budget`] would be exceeded.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    total_budget: Duration,
    max_retry_after: Duration,
    rules: Vec<RetryRule>,
    retry_after_headers: Vec<String>,
}

impl Default for RetryPolicy {
    /// [`RetryProfile::STANDARD`]: 3 attempts, 200 ms doubling up to 5 s,
    /// 30 s budget, Retry-After up to 30 s, on connection errors and 408,
    /// 429, 500, 502, 503, 504.
    fn default() -> Self {
        Self::from_profile(&RetryProfile::STANDARD)
    }
}

impl RetryPolicy {
    /// The policy a retry profile describes.
    pub fn from_profile(profile: &RetryProfile) -> Self {
        let mut rules = Vec::with_capacity(profile.body_codes.len() + 2);
        if !profile.statuses.is_empty() {
            rules.push(RetryRule::Statuses(profile.statuses.to_vec()));
        }
        for rule in profile.body_codes {
            rules.push(RetryRule::BodyCode {
                status: rule.status,
                pointer: rule.pointer.to_string(),
                codes: rule.codes.iter().map(|c| c.to_string()).collect(),
            });
        }
        if profile.connection_errors {
            rules.push(RetryRule::ConnectionErrors);
        }
        let initial = Duration::from_millis(profile.initial_backoff_ms);
        Self {
            max_attempts: profile.max_attempts.max(1),
            initial_backoff: initial,
            max_backoff: Duration::from_millis(profile.max_backoff_ms).max(initial),
            total_budget: Duration::from_millis(profile.total_budget_ms),
            max_retry_after: Duration::from_millis(profile.max_retry_after_ms),
            rules,
            retry_after_headers: profile
                .retry_after_headers
                .iter()
                .map(|h| h.to_ascii_lowercase())
                .collect(),
        }
    }

    /// The provider's default policy, from its spec.
    pub fn for_api(api: &ApiDescription) -> Self {
        Self::from_profile(&api.retry)
    }

    /// No retries at all (one attempt; the rules are kept).
    pub fn disabled() -> Self {
        Self::default().with_max_attempts(1)
    }

    /// Oracle's SDK defaults, as `specs/oci-aidp.yaml` declares them.
    #[deprecated(note = "use `RetryPolicy::for_api(&oci_aidp::API)`: the spec holds the profile")]
    pub fn oci() -> Self {
        let mut statuses = vec![408, 429];
        statuses.extend((500..600).filter(|s| *s != 501));
        Self {
            max_attempts: 8,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
            total_budget: Duration::from_secs(300),
            max_retry_after: Duration::from_secs(30),
            rules: vec![
                RetryRule::Statuses(statuses),
                RetryRule::BodyCode {
                    status: 409,
                    pointer: "/code".into(),
                    codes: vec!["IncorrectState".into(), "LockConflict".into()],
                },
                RetryRule::ConnectionErrors,
            ],
            retry_after_headers: vec!["retry-after".into()],
        }
    }

    /// Set the attempts in all (1 = no retries).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Set the initial and maximum backoff.
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// Set the total time budget: no retry starts when the time elapsed
    /// plus the wait would exceed it.
    pub fn with_total_budget(mut self, budget: Duration) -> Self {
        self.total_budget = budget;
        self
    }

    /// Set the cap on `Retry-After`.
    pub fn with_max_retry_after(mut self, cap: Duration) -> Self {
        self.max_retry_after = cap;
        self
    }

    /// Add a rule after the existing ones (it decides what they have no
    /// opinion on).
    pub fn with_rule(mut self, rule: RetryRule) -> Self {
        self.rules.push(rule);
        self
    }

    /// Add a rule before the existing ones (it overrides them).
    pub fn with_rule_first(mut self, rule: RetryRule) -> Self {
        self.rules.insert(0, rule);
        self
    }

    /// Replace all rules.
    pub fn with_rules(mut self, rules: impl IntoIterator<Item = RetryRule>) -> Self {
        self.rules = rules.into_iter().collect();
        self
    }

    /// Replace the retried statuses (every [`RetryRule::Statuses`] rule).
    pub fn with_statuses(mut self, statuses: impl IntoIterator<Item = u16>) -> Self {
        let statuses: Vec<u16> = statuses.into_iter().collect();
        let at = self
            .rules
            .iter()
            .position(|r| matches!(r, RetryRule::Statuses(_)))
            .unwrap_or(0);
        self.rules.retain(|r| !matches!(r, RetryRule::Statuses(_)));
        self.rules
            .insert(at.min(self.rules.len()), RetryRule::Statuses(statuses));
        self
    }

    /// Retry connection failures and timeouts, or not.
    pub fn with_connection_errors(mut self, retry: bool) -> Self {
        self.rules
            .retain(|r| !matches!(r, RetryRule::ConnectionErrors));
        if retry {
            self.rules.push(RetryRule::ConnectionErrors);
        }
        self
    }

    /// Replace the headers read as `Retry-After`, in order.
    pub fn with_retry_after_headers<S: Into<String>>(
        mut self,
        headers: impl IntoIterator<Item = S>,
    ) -> Self {
        self.retry_after_headers = headers
            .into_iter()
            .map(|h| h.into().to_ascii_lowercase())
            .collect();
        self
    }

    /// Attempts in all, the first included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The backoff before the first retry (before jitter).
    pub fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    /// The largest backoff (before jitter).
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// No retry starts past this total.
    pub fn total_budget(&self) -> Duration {
        self.total_budget
    }

    /// The cap on `Retry-After`.
    pub fn max_retry_after(&self) -> Duration {
        self.max_retry_after
    }

    /// The classification rules, in order.
    pub fn rules(&self) -> &[RetryRule] {
        &self.rules
    }

    /// The headers read as `Retry-After`, in order (lower-case).
    pub fn retry_after_headers(&self) -> &[String] {
        &self.retry_after_headers
    }

    /// Whether connection failures and timeouts are retried.
    pub fn connection_errors(&self) -> bool {
        self.rules
            .iter()
            .any(|r| matches!(r, RetryRule::ConnectionErrors))
    }

    /// Whether a response with `status` is retried by the status rules
    /// alone (body-code and custom rules are not consulted).
    pub fn retries_status(&self, status: u16) -> bool {
        self.rules
            .iter()
            .any(|r| matches!(r, RetryRule::Statuses(s) if s.contains(&status)))
    }

    /// Whether some rule needs the body of a response with `status`.
    pub fn needs_body(&self, status: reqwest::StatusCode) -> bool {
        self.rules.iter().any(|r| r.needs_body(status))
    }

    /// The rules' verdict on `outcome`.
    pub fn classify(&self, outcome: &Outcome<'_>) -> RetryAction {
        classify::decide(&self.rules, outcome)
    }

    /// The server's requested wait, from the first of
    /// [`RetryPolicy::retry_after_headers`] that parses.
    pub fn retry_after(&self, headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
        self.retry_after_headers.iter().find_map(|name| {
            headers
                .get(name.as_str())
                .and_then(|v| v.to_str().ok())
                .and_then(|v| parse_retry_after(v, now))
        })
    }

    /// The capped exponential backoff before retry number `retry` (1-based),
    /// before jitter.
    pub fn backoff_ceiling(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        self.initial_backoff
            .checked_mul(factor)
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff)
    }

    /// The wait before retry number `retry`: the server's `Retry-After` if
    /// given (capped), else full jitter over the backoff ceiling.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        match retry_after {
            Some(d) => d.min(self.max_retry_after),
            None => {
                let ceiling = self.backoff_ceiling(retry);
                let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
                Duration::from_nanos(rand::rng().random_range(0..=nanos))
            }
        }
    }
}

/// Parse a `Retry-After` value: delay-seconds or an HTTP-date (RFC 9110
/// §10.2.3). A date in the past means "now".
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::BodyCodeRule;

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(12));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(12))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(12));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let p = RetryPolicy::default()
            .with_backoff(Duration::from_millis(100), Duration::from_millis(350));
        assert_eq!(p.backoff_ceiling(1), Duration::from_millis(100));
        assert_eq!(p.backoff_ceiling(2), Duration::from_millis(200));
        assert_eq!(p.backoff_ceiling(3), Duration::from_millis(350));
        assert_eq!(p.backoff_ceiling(60), Duration::from_millis(350));
        for retry in 1..10 {
            assert!(p.delay(retry, None) <= p.backoff_ceiling(retry));
        }
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(99))),
            p.max_retry_after()
        );
    }

    #[test]
    fn jitter_is_not_always_zero() {
        let p = RetryPolicy::default()
            .with_backoff(Duration::from_millis(200), Duration::from_millis(200));
        let total: Duration = (0..64).map(|_| p.delay(1, None)).sum();
        // The mean of 64 uniform draws over [0, 200 ms] is far above 20 ms.
        assert!(total > Duration::from_millis(64 * 20), "{total:?}");
    }

    #[test]
    fn the_default_is_the_standard_profile() {
        let p = RetryPolicy::default();
        assert_eq!(p.max_attempts(), 3);
        assert_eq!(p.initial_backoff(), Duration::from_millis(200));
        assert_eq!(p.max_backoff(), Duration::from_secs(5));
        assert_eq!(p.total_budget(), Duration::from_secs(30));
        assert_eq!(p.max_retry_after(), Duration::from_secs(30));
        assert_eq!(p.retry_after_headers(), ["retry-after"]);
        assert!(p.connection_errors());
        for s in [408, 429, 500, 502, 503, 504] {
            assert!(p.retries_status(s), "{s}");
        }
        for s in [400, 401, 404, 409, 501] {
            assert!(!p.retries_status(s), "{s}");
        }
        assert!(!p.needs_body(reqwest::StatusCode::CONFLICT));
        assert_eq!(RetryPolicy::disabled().max_attempts(), 1);
    }

    #[test]
    fn a_profile_becomes_rules() {
        static PROFILE: RetryProfile = RetryProfile {
            max_attempts: 8,
            initial_backoff_ms: 1000,
            max_backoff_ms: 30_000,
            total_budget_ms: 300_000,
            max_retry_after_ms: 20_000,
            statuses: &[429, 503],
            body_codes: &[BodyCodeRule {
                status: 409,
                pointer: "/code",
                codes: &["IncorrectState"],
            }],
            retry_after_headers: &["X-Retry-After", "retry-after"],
            connection_errors: false,
        };
        let p = RetryPolicy::from_profile(&PROFILE);
        assert_eq!(p.max_attempts(), 8);
        assert_eq!(p.initial_backoff(), Duration::from_secs(1));
        assert_eq!(p.max_backoff(), Duration::from_secs(30));
        assert_eq!(p.total_budget(), Duration::from_secs(300));
        assert_eq!(p.max_retry_after(), Duration::from_secs(20));
        assert!(!p.connection_errors());
        assert!(p.needs_body(reqwest::StatusCode::CONFLICT));
        assert_eq!(p.retry_after_headers(), ["x-retry-after", "retry-after"]);
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", "9".parse().unwrap());
        let now = SystemTime::now();
        assert_eq!(p.retry_after(&headers, now), Some(Duration::from_secs(9)));
        headers.insert("x-retry-after", "2".parse().unwrap());
        assert_eq!(p.retry_after(&headers, now), Some(Duration::from_secs(2)));
        let p = p.with_statuses([500]).with_connection_errors(true);
        assert!(p.retries_status(500) && !p.retries_status(429));
        assert!(p.connection_errors());
        assert!(matches!(p.rules()[0], RetryRule::Statuses(_)));
    }

    #[test]
    #[allow(deprecated)]
    fn the_deprecated_oci_policy_is_oracles() {
        let p = RetryPolicy::oci();
        assert_eq!(p.max_attempts(), 8);
        assert_eq!(p.initial_backoff(), Duration::from_secs(1));
        assert_eq!(p.max_backoff(), Duration::from_secs(30));
        assert_eq!(p.total_budget(), Duration::from_secs(300));
        assert!(p.retries_status(408) && p.retries_status(429) && p.retries_status(599));
        assert!(!p.retries_status(501) && !p.retries_status(404));
        assert!(p.needs_body(reqwest::StatusCode::CONFLICT));
    }
}
