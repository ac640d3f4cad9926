//! A prototype of the fix for the largest cost the benchmark found in the
//! runtime's `pre` hook: `credential_clients_runtime::path::check_path`
//! parses the base URL on every request and collects the path segments into
//! vectors. Here the base path is computed once (as the runtime could at
//! client build) and the segments are compared without allocating. It exists
//! only to measure what the fix would save (`hooks` table); it is not used
//! by any client.

use credential_clients::runtime::OperationDescription;

/// The path check with the base path precomputed.
#[derive(Debug, Clone)]
pub struct PathCheck {
    base_path: String,
}

impl PathCheck {
    /// Parse `baseurl` once.
    pub fn new(baseurl: &str) -> PathCheck {
        let base_path = reqwest::Url::parse(baseurl)
            .map(|u| u.path().trim_end_matches('/').to_string())
            .unwrap_or_default();
        PathCheck { base_path }
    }

    /// The same verdict as the runtime's `check_path` (is the URL's path the
    /// operation's route with each parameter one non-empty segment that is
    /// not `.` or `..`?), without allocating.
    pub fn check(&self, op: &OperationDescription, url: &reqwest::Url) -> bool {
        let Some(rest) = url.path().strip_prefix(self.base_path.as_str()) else {
            return false;
        };
        let mut want = op.path.split('/');
        let mut got = rest.split('/');
        loop {
            match (want.next(), got.next()) {
                (None, None) => return true,
                (Some(w), Some(g)) => {
                    if w.starts_with('{') && w.ends_with('}') {
                        if g.is_empty() || g == "." || g == ".." {
                            return false;
                        }
                        if g.contains('%') {
                            let d = percent_encoding::percent_decode_str(g).decode_utf8_lossy();
                            if d == "." || d == ".." {
                                return false;
                            }
                        }
                    } else if w != g {
                        return false;
                    }
                }
                _ => return false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use credential_clients::runtime::path::check_path;

    #[test]
    fn agrees_with_the_runtime() {
        let op = &credential_clients::oci_aidp::API.operations[0];
        let base = "http://127.0.0.1:9/prefix";
        let fast = PathCheck::new(base);
        for path in [
            "/20260430/aiDataPlatforms/p/credentials/k",
            "/20260430/aiDataPlatforms/%2E%2E/credentials/k",
            "/20260430/aiDataPlatforms//credentials/k",
            "/20260430/aiDataPlatforms/p/credentials/k/extra",
            "/20260430/aiDataPlatforms/p/other/k",
        ] {
            for prefix in ["/prefix", ""] {
                let url =
                    reqwest::Url::parse(&format!("http://127.0.0.1:9{prefix}{path}")).unwrap();
                assert_eq!(
                    fast.check(op, &url),
                    check_path(base, op, &url).is_ok(),
                    "{url}"
                );
            }
        }
    }
}
