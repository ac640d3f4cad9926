//! Rotation audit: what about a credential needs attention, from its
//! [`CredentialSummary`] alone, so it works the same for every provider and
//! for list items and full credentials alike.
//!
//! A credential is reported when it is expired, expires within the window,
//! is marked not valid, or has a lifecycle state that is not an active one
//! (`ACTIVE`, `AVAILABLE`, `ENABLED`, `READY`, in any case). A credential
//! without an expiry, validity or state is not reported: the audit says
//! only what the vendor says.
//!
//! ```
//! use credential_clients::audit::{Reason, audit};
//! use credential_clients::summary::CredentialSummary;
//!
//! let now = "2026-12-01T00:00:00Z".parse().unwrap();
//! let summary = CredentialSummary {
//!     expires: Some("2026-12-11T00:00:00Z".into()),
//!     state: Some("UPDATING".into()),
//!     ..Default::default()
//! };
//! let reasons = audit(&summary, now, chrono::Duration::days(30));
//! assert_eq!(reasons.len(), 2);
//! assert!(matches!(reasons[0], Reason::Expiring { days_left: 10, .. }));
//! ```

use std::fmt;

use chrono::{DateTime, Duration, Utc};

use crate::summary::CredentialSummary;

/// States that count as active.
pub const ACTIVE_STATES: [&str; 4] = ["ACTIVE", "AVAILABLE", "ENABLED", "READY"];

/// Why a credential needs attention.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// Its expiry has passed.
    Expired {
        /// The expiry (RFC 3339).
        at: String,
    },
    /// It expires within the audit window.
    Expiring {
        /// The expiry (RFC 3339).
        at: String,
        /// Whole days left.
        days_left: i64,
    },
    /// The vendor marks it not valid.
    Invalid,
    /// Its lifecycle state is not an active one.
    State(String),
    /// Its expiry is not a timestamp (shown as sent).
    UnreadableExpiry(String),
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Expired { at } => write!(f, "expired {at}"),
            Self::Expiring { at, days_left } => {
                write!(f, "expires {at} (in {days_left} days)")
            }
            Self::Invalid => f.write_str("marked invalid"),
            Self::State(s) => write!(f, "state {s}"),
            Self::UnreadableExpiry(s) => write!(f, "expiry `{s}` is not a timestamp"),
        }
    }
}

/// Whether a lifecycle state counts as active.
pub fn is_active_state(state: &str) -> bool {
    ACTIVE_STATES.iter().any(|a| a.eq_ignore_ascii_case(state))
}

/// Everything about `summary` that needs attention at `now` with an
/// expiry window of `window`; empty when nothing does.
pub fn audit(summary: &CredentialSummary, now: DateTime<Utc>, window: Duration) -> Vec<Reason> {
    let mut reasons = Vec::new();
    if let Some(expires) = &summary.expires {
        match DateTime::parse_from_rfc3339(expires) {
            Ok(at) => {
                let at_utc = at.with_timezone(&Utc);
                if at_utc <= now {
                    reasons.push(Reason::Expired {
                        at: expires.clone(),
                    });
                } else if at_utc - now <= window {
                    reasons.push(Reason::Expiring {
                        at: expires.clone(),
                        days_left: (at_utc - now).num_days(),
                    });
                }
            }
            Err(_) => reasons.push(Reason::UnreadableExpiry(expires.clone())),
        }
    }
    if summary.valid == Some(false) {
        reasons.push(Reason::Invalid);
    }
    if let Some(state) = &summary.state
        && !is_active_state(state)
    {
        reasons.push(Reason::State(state.clone()));
    }
    reasons
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-12-01T12:00:00Z".parse().unwrap()
    }

    fn with(f: impl FnOnce(&mut CredentialSummary)) -> CredentialSummary {
        let mut s = CredentialSummary::default();
        f(&mut s);
        s
    }

    #[test]
    fn expiry_inside_outside_and_past_the_window() {
        let w = Duration::days(30);
        let past = with(|s| s.expires = Some("2026-11-30T00:00:00Z".into()));
        assert_eq!(
            audit(&past, now(), w),
            [Reason::Expired {
                at: "2026-11-30T00:00:00Z".into()
            }]
        );
        let soon = with(|s| s.expires = Some("2026-12-14T12:00:00+00:00".into()));
        assert_eq!(
            audit(&soon, now(), w),
            [Reason::Expiring {
                at: "2026-12-14T12:00:00+00:00".into(),
                days_left: 13
            }]
        );
        let later = with(|s| s.expires = Some("2027-03-01T00:00:00Z".into()));
        assert!(audit(&later, now(), w).is_empty());
        assert_eq!(audit(&later, now(), Duration::days(120)).len(), 1);
        let exactly_now = with(|s| s.expires = Some("2026-12-01T12:00:00Z".into()));
        assert!(matches!(
            audit(&exactly_now, now(), w)[..],
            [Reason::Expired { .. }]
        ));
        let garbage = with(|s| s.expires = Some("next tuesday".into()));
        assert_eq!(
            audit(&garbage, now(), w),
            [Reason::UnreadableExpiry("next tuesday".into())]
        );
    }

    #[test]
    fn validity_and_state() {
        let w = Duration::days(30);
        assert_eq!(
            audit(&with(|s| s.valid = Some(false)), now(), w),
            [Reason::Invalid]
        );
        assert!(audit(&with(|s| s.valid = Some(true)), now(), w).is_empty());
        for active in ["ACTIVE", "active", "Available", "ENABLED", "ready"] {
            assert!(
                audit(&with(|s| s.state = Some(active.into())), now(), w).is_empty(),
                "{active}"
            );
        }
        for other in ["UPDATING", "DELETING", "suspended", "FAILED", ""] {
            assert_eq!(
                audit(&with(|s| s.state = Some(other.into())), now(), w),
                [Reason::State(other.into())]
            );
        }
        assert!(audit(&CredentialSummary::default(), now(), w).is_empty());
    }
}
