//! Path safety: a request's path must be its operation's route, with each
//! path parameter filling exactly one non-empty segment that is not `.` or
//! `..` (also percent-encoded). Checked before anything is sent.

use crate::api::OperationDescription;
use crate::error::RequestError;

/// The path of an absolute base URL (`https://h:1/api/v2/` -> `/api/v2`),
/// without parsing: the base URL was validated when the client was built.
fn base_path(baseurl: &str) -> &str {
    let after_scheme = baseurl.find("://").map_or(baseurl, |i| &baseurl[i + 3..]);
    let path = after_scheme.find('/').map_or("", |i| &after_scheme[i..]);
    path.split(['?', '#'])
        .next()
        .unwrap_or_default()
        .trim_end_matches('/')
}

/// Whether a path segment is `.` or `..`, also percent-encoded.
fn is_dot_segment(segment: &str) -> bool {
    if !segment.contains('%') {
        return segment == "." || segment == "..";
    }
    let decoded = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
    decoded == "." || decoded == ".."
}

/// Check that the URL's path is the operation's route with each parameter
/// filling exactly one non-empty segment that is not `.` or `..`.
pub fn check_path(
    baseurl: &str,
    op: &OperationDescription,
    url: &reqwest::Url,
) -> Result<(), RequestError> {
    let refuse = |reason: &str| RequestError::UnsafePath {
        operation: op.id.to_string(),
        route: op.path.to_string(),
        actual: url.path().to_string(),
        reason: reason.to_string(),
    };
    let Some(rest) = url.path().strip_prefix(base_path(baseurl)) else {
        return Err(refuse("the path no longer starts with the base URL's path"));
    };
    let mut expected = op.path.split('/');
    let mut actual = rest.split('/');
    loop {
        match (expected.next(), actual.next()) {
            (None, None) => return Ok(()),
            (Some(_), None) | (None, Some(_)) => {
                return Err(refuse("the number of path segments changed"));
            }
            (Some(want), Some(got)) => {
                if want.starts_with('{') && want.ends_with('}') {
                    if got.is_empty() {
                        return Err(refuse("a path parameter is empty"));
                    }
                    if is_dot_segment(got) {
                        return Err(refuse("a path parameter is `.` or `..`"));
                    }
                } else if want != got {
                    return Err(refuse("a fixed path segment changed"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_paths() {
        assert_eq!(base_path("https://h.example"), "");
        assert_eq!(base_path("https://h.example/"), "");
        assert_eq!(base_path("http://127.0.0.1:8080/api/v2/"), "/api/v2");
        assert_eq!(
            base_path("https://h/api/controller/v2"),
            "/api/controller/v2"
        );
    }

    #[test]
    fn dot_segments() {
        for s in [".", "..", "%2e", "%2E%2e", ".%2E"] {
            assert!(is_dot_segment(s), "{s}");
        }
        for s in ["...", "a.", "%2e%2e%2e", "x"] {
            assert!(!is_dot_segment(s), "{s}");
        }
    }
}
