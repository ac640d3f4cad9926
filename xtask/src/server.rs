//! Where each variable of a server URL template sits (scheme, host, port,
//! path, or the whole URL), which decides the values the runtime accepts
//! for it (`rt::VariableKind`).

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

/// The position of a server variable in its URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `{scheme}://...`
    Scheme,
    /// In the host (`{tenant}.example.com`, `{host}`).
    Host,
    /// `host:{port}`
    Port,
    /// In the path.
    Path,
    /// The URL starts with it (`{baseUrl}`, `{baseUrl}/v1`).
    Url,
}

impl Kind {
    /// The `rt::VariableKind` expression.
    pub fn tokens(self) -> TokenStream {
        match self {
            Kind::Scheme => quote! { rt::VariableKind::Scheme },
            Kind::Host => quote! { rt::VariableKind::Host },
            Kind::Port => quote! { rt::VariableKind::Port },
            Kind::Path => quote! { rt::VariableKind::Path },
            Kind::Url => quote! { rt::VariableKind::Url },
        }
    }

    /// For the setter's documentation.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Scheme => "the scheme: `http` or `https`",
            Kind::Host => "part of the host; `host:port` and `[IPv6]` literals are accepted",
            Kind::Port => "the port: digits",
            Kind::Path => "part of the path: no `/`, `?`, `#`",
            Kind::Url => "an absolute http(s) URL",
        }
    }
}

/// The kind of every `{name}` in `url`; a variable whose default starts
/// with `/` (`https://{host}{basePath}`) is a path.
pub fn variable_kinds_with_defaults(
    url: &str,
    default: impl Fn(&str) -> Option<String>,
) -> BTreeMap<String, Kind> {
    let mut kinds = variable_kinds(url);
    for (name, kind) in kinds.iter_mut() {
        if default(name).is_some_and(|d| d.starts_with('/')) {
            *kind = Kind::Path;
        }
    }
    kinds
}

/// The kind of every `{name}` in `url`.
pub fn variable_kinds(url: &str) -> BTreeMap<String, Kind> {
    let mut out = BTreeMap::new();
    // Byte offsets of the structural parts, found with placeholders kept.
    let scheme_end = url.find("://");
    let authority_start = scheme_end.map(|i| i + 3);
    let path_start = authority_start.and_then(|a| url[a..].find('/').map(|i| a + i));
    let mut rest = url;
    let mut offset = 0;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let at = offset + start;
        let name = rest[start + 1..start + len].to_string();
        let kind = match (scheme_end, authority_start) {
            _ if at == 0 && scheme_end != Some(at + len + 1) => Kind::Url,
            (Some(end), _) if at < end => Kind::Scheme,
            (_, Some(a)) if path_start.is_none_or(|p| at < p) && at >= a => {
                let before = &url[a..at];
                if before.ends_with(':') && !before.contains('[') {
                    Kind::Port
                } else {
                    Kind::Host
                }
            }
            (None, None) => Kind::Path,
            _ => Kind::Path,
        };
        out.entry(name).or_insert(kind);
        offset = at + len + 1;
        rest = &url[offset..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(url: &str) -> Vec<(String, Kind)> {
        variable_kinds(url).into_iter().collect()
    }

    #[test]
    fn every_position() {
        assert_eq!(
            kinds("{scheme}://{host}"),
            [("host".into(), Kind::Host), ("scheme".into(), Kind::Scheme)]
        );
        assert_eq!(
            kinds("https://{tenant}.tines.com"),
            [("tenant".into(), Kind::Host)]
        );
        assert_eq!(
            kinds("{scheme}://{address}:{port}/v1"),
            [
                ("address".into(), Kind::Host),
                ("port".into(), Kind::Port),
                ("scheme".into(), Kind::Scheme)
            ]
        );
        assert_eq!(
            kinds("https://h/{basePath}/v2"),
            [("basePath".into(), Kind::Path)]
        );
        assert_eq!(
            kinds("{vaultBaseUrl}"),
            [("vaultBaseUrl".into(), Kind::Url)]
        );
        assert_eq!(kinds("{baseUrl}/api"), [("baseUrl".into(), Kind::Url)]);
        assert_eq!(kinds("/api/{version}"), [("version".into(), Kind::Path)]);
        assert_eq!(
            kinds("https://aidp.{region}.oci.{secondLevelDomain}"),
            [
                ("region".into(), Kind::Host),
                ("secondLevelDomain".into(), Kind::Host)
            ]
        );
    }
}
