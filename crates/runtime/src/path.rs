//! Path safety: a request's path must be its operation's route, with each
//! path parameter filling exactly one non-empty segment that is not `.` or
//! `..` (also percent-encoded). Checked before anything is sent.

use std::fmt;

use crate::api::OperationDescription;
use crate::error::RequestError;

/// The path of an absolute base URL (`https://h:1/api/v2/` -> `/api/v2`),
/// without parsing: the base URL was validated when the client was built.
fn base_path(baseurl: &str) -> &str {
    let bytes = baseurl.as_bytes();
    // `scheme://`: the first `:` (a scheme has none), then `//`.
    let after_scheme = match baseurl.find(':') {
        Some(i) if bytes[i + 1..].starts_with(b"//") => i + 3,
        _ => 0,
    };
    let Some(start) = baseurl[after_scheme..].find('/').map(|i| after_scheme + i) else {
        return "";
    };
    let end = bytes[start..]
        .iter()
        .position(|&b| b == b'?' || b == b'#')
        .map_or(bytes.len(), |i| start + i);
    baseurl[start..end].trim_end_matches('/')
}

/// Whether a path segment is `.` or `..`, also percent-encoded.
fn is_dot_segment(segment: &str) -> bool {
    if segment.len() > 6 {
        return false;
    }
    if !segment.contains('%') {
        return segment == "." || segment == "..";
    }
    let decoded = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
    decoded == "." || decoded == ".."
}

/// Check that the URL's path is the operation's route with each parameter
/// filling exactly one non-empty segment that is not `.` or `..`.
///
/// One pass over both strings, byte by byte, without allocating (it runs
/// on every request).
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
    check_route(op.path, rest).map_err(refuse)
}

/// Where the segment that starts at `from` ends (the next `/`, or the end).
fn segment_end(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| b == b'/')
        .map_or(bytes.len(), |i| from + i)
}

/// [`check_path`] on the path below the base path, segment by segment, with
/// the reason of a refusal: `route` is the operation's template.
fn check_segments(route: &str, actual: &str) -> Result<(), &'static str> {
    let (want, got) = (route.as_bytes(), actual.as_bytes());
    let (mut r, mut a) = (0, 0);
    // Each round: one segment of the route and of the actual path, both
    // starting at `r` / `a`.
    loop {
        let route_end = segment_end(want, r);
        let segment = &want[r..route_end];
        let actual_end;
        if segment.len() >= 2 && segment[0] == b'{' && segment[segment.len() - 1] == b'}' {
            actual_end = segment_end(got, a);
            if actual_end == a {
                return Err("a path parameter is empty");
            }
            // A whole segment of a `str`, split at an ASCII `/`.
            if is_dot_segment(&actual[a..actual_end]) {
                return Err("a path parameter is `.` or `..`");
            }
        } else {
            // A fixed segment: the same bytes, then `/` or the end.
            actual_end = a + segment.len();
            if got.get(a..actual_end) != Some(segment)
                || (actual_end < got.len() && got[actual_end] != b'/')
            {
                return Err("a fixed path segment changed");
            }
        }
        match (route_end == want.len(), actual_end == got.len()) {
            (true, true) => return Ok(()),
            (false, false) => {
                r = route_end + 1;
                a = actual_end + 1;
            }
            _ => return Err("the number of path segments changed"),
        }
    }
}

/// [`check_path`] on the path below the base path: `route` is the
/// operation's template. The usual case, a path that is fine, is decided
/// by [`route_matches`]; [`check_segments`] gives a refusal its reason.
fn check_route(route: &str, actual: &str) -> Result<(), &'static str> {
    if route_matches(route, actual) {
        Ok(())
    } else {
        check_segments(route, actual)
    }
}

/// Whether `actual` is `route` with each `{name}` that is a whole segment of
/// the route replaced by one non-empty segment that is not `.` or `..`
/// (what [`check_segments`] accepts). The fixed text between two
/// parameters is compared in one piece: equal text has its `/` at the same
/// places. Any other `{` is fixed text.
fn route_matches(route: &str, actual: &str) -> bool {
    // `str::find` of one ASCII byte is a `memchr`: word at a time, where a
    // loop over the bytes costs several instructions each.
    let (mut route, mut actual) = (route, actual);
    loop {
        // The next parameter that fills a whole segment of the route.
        let mut from = 0;
        let param = loop {
            let Some(i) = route[from..].find('{') else {
                break None;
            };
            let start = from + i;
            let end = route[start..].find('/').map_or(route.len(), |i| start + i);
            let whole = (start == 0 || route.as_bytes()[start - 1] == b'/')
                && end - start >= 2
                && route.as_bytes()[end - 1] == b'}';
            if whole {
                break Some((start, end));
            }
            from = start + 1;
        };
        let Some((start, end)) = param else {
            return actual == route;
        };
        let Some(rest) = actual.strip_prefix(&route[..start]) else {
            return false;
        };
        let value_end = rest.find('/').unwrap_or(rest.len());
        // A whole segment of a `str`, split at an ASCII `/`.
        if value_end == 0 || is_dot_segment(&rest[..value_end]) {
            return false;
        }
        route = &route[end..];
        actual = &rest[value_end..];
    }
}

/// The room a request URL's `String` gets up front ([`url`]): a base URL
/// and route with a few ids fit without growing.
const URL_CAPACITY: usize = 256;

/// A request URL, written as `format!` would but into one `String` with room
/// for it (`format!` starts from the length of the literal text and grows
/// while the base URL and parameters are written). The generated clients
/// build every request URL with it.
///
/// # Panics
/// Like `format!`, if a `Display` implementation of an argument returns an
/// error although the `String` did not.
pub fn url(args: fmt::Arguments<'_>) -> String {
    let mut url = String::with_capacity(URL_CAPACITY);
    fmt::Write::write_fmt(&mut url, args)
        .expect("a Display implementation returned an error unexpectedly");
    url
}

/// The path-segment set of progenitor's `encode_path` (the URL standard's
/// path-segment percent-encode set, plus `/` and `%`).
const PATH_SET: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'%');

/// Whether `PATH_SET` escapes `b` (controls, non-ASCII and the listed
/// characters).
const fn needs_escape(b: u8) -> bool {
    b < 0x20
        || b >= 0x7f
        || matches!(
            b,
            b' ' | b'"' | b'#' | b'<' | b'>' | b'?' | b'`' | b'{' | b'}' | b'/' | b'%'
        )
}

/// [`needs_escape`] of every byte: one load per byte of a path value.
static ESCAPES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = needs_escape(b as u8);
        b += 1;
    }
    table
};

/// A path parameter as its percent-encoded `Display`: what
/// `encode_path(&value.to_string())` produces, written straight into the
/// URL being formatted (no `String` for the value, none for its encoding).
/// The generated clients use it for every path parameter.
pub fn encoded<T: fmt::Display + ?Sized>(value: &T) -> Encoded<'_, T> {
    Encoded(value)
}

/// [`encoded`] in method syntax, which the generated code uses: the value
/// resolves as `value.to_string()` would (through `Deref`, for the
/// pattern-checked newtypes).
pub trait EncodePath {
    /// See [`encoded`].
    fn path_encoded(&self) -> Encoded<'_, Self>;
}

impl<T: fmt::Display + ?Sized> EncodePath for T {
    fn path_encoded(&self) -> Encoded<'_, Self> {
        Encoded(self)
    }
}

/// See [`encoded`].
pub struct Encoded<'a, T: ?Sized>(&'a T);

impl<T: fmt::Display + ?Sized> fmt::Display for Encoded<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Escape<'f, 'g>(&'f mut fmt::Formatter<'g>);
        impl fmt::Write for Escape<'_, '_> {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                // Ids, numbers and most names need no escaping: one check
                // per byte, then the text as it is.
                if !s.bytes().any(|b| ESCAPES[usize::from(b)]) {
                    return self.0.write_str(s);
                }
                for piece in percent_encoding::utf8_percent_encode(s, PATH_SET) {
                    self.0.write_str(piece)?;
                }
                Ok(())
            }
        }
        fmt::write(&mut Escape(f), format_args!("{}", self.0))
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
    fn encoded_is_progenitors_encode_path() {
        for value in ["plain", "a b/c%d?e#f", "é{x}`", "..", "3c90c3cc-0d44"] {
            assert_eq!(
                encoded(value).to_string(),
                progenitor_client::encode_path(value),
                "{value}"
            );
        }
        assert_eq!(encoded(&42u64).to_string(), "42");
        for b in 0..0x80u8 {
            let text = char::from(b).to_string();
            let escaped = percent_encoding::utf8_percent_encode(&text, PATH_SET).to_string();
            assert_eq!(needs_escape(b), escaped != text, "{b}");
        }
        assert!((0x80..=0xff).all(needs_escape));
        assert!((0..=0xffu8).all(|b| ESCAPES[usize::from(b)] == needs_escape(b)));
    }

    #[test]
    fn routes() {
        let route = "/a/{x}/b/{y}";
        assert_eq!(check_route(route, "/a/1/b/2"), Ok(()));
        assert_eq!(check_route(route, "/a/%2F/b/x.y"), Ok(()));
        for (actual, why) in [
            ("/a//b/2", "a path parameter is empty"),
            ("/a/1/b/", "a path parameter is empty"),
            ("/a/../b/2", "a path parameter is `.` or `..`"),
            ("/a/1/b/%2e", "a path parameter is `.` or `..`"),
            ("/a/1/c/2", "a fixed path segment changed"),
            ("/a/1/bb/2", "a fixed path segment changed"),
            ("/a/1/b", "the number of path segments changed"),
            ("/a/1/b/2/3", "the number of path segments changed"),
            ("/a/1", "the number of path segments changed"),
            ("/a", "the number of path segments changed"),
            ("", "the number of path segments changed"),
        ] {
            assert_eq!(check_route(route, actual), Err(why), "{actual}");
        }
        assert_eq!(check_route("", ""), Ok(()));
        assert_eq!(check_route("/x", "/x"), Ok(()));
        assert_eq!(
            check_route("/x", "/x/"),
            Err("the number of path segments changed")
        );
    }

    /// The fast check accepts exactly what the segment-by-segment one does.
    #[test]
    fn the_fast_check_is_the_segment_check() {
        let routes = [
            "/a/{x}/b/{y}",
            "/{x}",
            "{x}",
            "/a/{x}.json",
            "/a/{x}{y}",
            "/a/{x}/",
            "/a/{}/b",
            "/a/{x}",
            "/a/b",
            "",
        ];
        let actuals = [
            "/a/1/b/2",
            "/a/1/b",
            "/a/1/b/",
            "/a//b/2",
            "/a/../b/2",
            "/a/%2E/b/2",
            "/a/1",
            "/a/1/",
            "/a/1.json",
            "/a/{x}.json",
            "/a/{x}{y}",
            "/a/{}/b",
            "/a/b",
            "/a/b/",
            "/1",
            "1",
            "/",
            "",
            "/a/1/b/2/3",
            "/a/é/b/ü",
            "/a/{x}",
        ];
        for route in routes {
            for actual in actuals {
                assert_eq!(
                    route_matches(route, actual),
                    check_segments(route, actual).is_ok(),
                    "{route} {actual}"
                );
            }
        }
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
