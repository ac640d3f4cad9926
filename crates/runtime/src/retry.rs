//! Retry policy: which failures are retried, how long to wait, when to stop.

use std::time::{Duration, SystemTime};

use rand::Rng;

/// When and how a client retries a failed request.
///
/// Only idempotent operations are retried. A response is retried when its
/// status is in [`RetryPolicy::statuses`] (or, with
/// [`RetryPolicy::oci_conflicts`], a 409 whose body `code` is
/// `IncorrectState` or `LockConflict`); a request that failed to connect,
/// timed out, or whose connection closed before a response is retried when
/// [`RetryPolicy::connection_errors`] is set.
/// Waits use exponential backoff with full jitter, or the server's
/// `Retry-After` (seconds or HTTP-date) when present, capped at
/// [`RetryPolicy::max_retry_after`]. No retry starts once
/// [`RetryPolicy::total_budget`] would be exceeded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = no retries).
    pub max_attempts: u32,
    /// The backoff before the first retry (before jitter).
    pub initial_backoff: Duration,
    /// The largest backoff (before jitter).
    pub max_backoff: Duration,
    /// No retry is started when elapsed time plus the wait exceeds this.
    pub total_budget: Duration,
    /// `Retry-After` values above this are capped to it.
    pub max_retry_after: Duration,
    /// Retried status codes.
    pub statuses: Vec<u16>,
    /// Retry connection failures and timeouts.
    pub connection_errors: bool,
    /// Retry OCI's 409 `IncorrectState` / `LockConflict`.
    pub oci_conflicts: bool,
}

impl Default for RetryPolicy {
    /// 3 attempts, 200 ms doubling up to 5 s, 30 s budget, Retry-After up to
    /// 30 s, on connection errors and 408, 429, 500, 502, 503, 504.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            total_budget: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(30),
            statuses: vec![408, 429, 500, 502, 503, 504],
            connection_errors: true,
            oci_conflicts: false,
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Oracle's SDK defaults: up to 8 attempts, exponential backoff capped at
    /// 30 s, on 429, every 5xx but 501, and 409 `IncorrectState` /
    /// `LockConflict`; a 5-minute budget.
    pub fn oci() -> Self {
        let mut statuses = vec![408, 429];
        statuses.extend((500..600).filter(|s| *s != 501));
        Self {
            max_attempts: 8,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
            total_budget: Duration::from_secs(300),
            max_retry_after: Duration::from_secs(30),
            statuses,
            connection_errors: true,
            oci_conflicts: true,
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

    /// Set the total time budget.
    pub fn with_total_budget(mut self, budget: Duration) -> Self {
        self.total_budget = budget;
        self
    }

    /// Set the cap on `Retry-After`.
    pub fn with_max_retry_after(mut self, cap: Duration) -> Self {
        self.max_retry_after = cap;
        self
    }

    /// Whether `status` is retried.
    pub fn retries_status(&self, status: u16) -> bool {
        self.statuses.contains(&status)
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
        assert_eq!(p.delay(1, Some(Duration::from_secs(99))), p.max_retry_after);
    }

    #[test]
    fn oci_defaults_follow_oracle_sdks() {
        let p = RetryPolicy::oci();
        assert_eq!(p.max_attempts, 8);
        assert!(p.retries_status(429) && p.retries_status(500) && p.retries_status(503));
        assert!(!p.retries_status(501) && !p.retries_status(404));
        assert!(p.oci_conflicts);
    }
}
