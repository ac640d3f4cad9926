//! The credential operation's body types, read off progenitor's builder:
//! `send()` returns `Result<ResponseValue<T>, Error<E>>`, and `T` and `E`
//! become the crate's `CredentialBody` and `CredentialError` aliases, so
//! that code over every provider (credctl, the workspace's suites) names
//! one type whatever the spec calls its schemas and operation.

use syn::visit_mut::VisitMut;

/// The success and error body types of one operation, as paths from the
/// crate root.
#[derive(Clone)]
pub struct Bodies {
    pub ok: syn::Type,
    pub error: syn::Type,
}

/// The body types of the builder `builder`'s `send()`, when `item` is that
/// builder's `impl`.
pub fn of_send(item: &syn::Item, builder: &str) -> Option<Bodies> {
    let syn::Item::Impl(imp) = item else {
        return None;
    };
    let syn::Type::Path(self_ty) = &*imp.self_ty else {
        return None;
    };
    if self_ty.path.segments.last()?.ident != builder || imp.trait_.is_some() {
        return None;
    }
    let send = imp.items.iter().find_map(|i| match i {
        syn::ImplItem::Fn(f) if f.sig.ident == "send" => Some(f),
        _ => None,
    })?;
    let syn::ReturnType::Type(_, ty) = &send.sig.output else {
        return None;
    };
    let [ok, error] = generic_args(ty, "Result")?;
    let [ok] = generic_args(ok, "ResponseValue")?;
    let [error] = generic_args(error, "Error")?;
    Some(Bodies {
        ok: from_crate_root(ok),
        error: from_crate_root(error),
    })
}

/// The `N` type arguments of `ty` when it is `name<..>`.
fn generic_args<'a, const N: usize>(ty: &'a syn::Type, name: &str) -> Option<[&'a syn::Type; N]> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let types: Vec<&syn::Type> = args
        .args
        .iter()
        .filter_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        })
        .collect();
    types.try_into().ok()
}

/// Type names that need no path: primitives and the prelude's types.
const PRELUDE: &[&str] = &[
    "bool", "char", "str", "String", "Option", "Vec", "Box", "i8", "i16", "i32", "i64", "i128",
    "isize", "u8", "u16", "u32", "u64", "u128", "usize", "f32", "f64",
];

/// `ty` as written in progenitor's `builder` module (`types::Credential`,
/// `ByteStream`, `::std::vec::Vec<types::Item>`) made a path from the crate
/// root (`crate::types::Credential`, `crate::ByteStream`); absolute paths,
/// `()` and the prelude's generic types are kept.
fn from_crate_root(ty: &syn::Type) -> syn::Type {
    struct Rooted;
    impl VisitMut for Rooted {
        fn visit_type_path_mut(&mut self, p: &mut syn::TypePath) {
            let relative = p.qself.is_none() && p.path.leading_colon.is_none();
            let first = p.path.segments.first().map(|s| s.ident.to_string());
            let prelude = first.as_deref().is_some_and(|f| PRELUDE.contains(&f));
            if relative && first.is_some() && first.as_deref() != Some("crate") && !prelude {
                p.path.segments.insert(
                    0,
                    syn::PathSegment::from(syn::Ident::new(
                        "crate",
                        proc_macro2::Span::call_site(),
                    )),
                );
            }
            syn::visit_mut::visit_type_path_mut(self, p);
        }
    }
    let mut ty = ty.clone();
    Rooted.visit_type_mut(&mut ty);
    ty
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    fn bodies(src: &str) -> Option<(String, String)> {
        let item: syn::Item = syn::parse_str(src).unwrap();
        of_send(&item, "GetSecret").map(|b| {
            (
                b.ok.to_token_stream().to_string().replace(' ', ""),
                b.error.to_token_stream().to_string().replace(' ', ""),
            )
        })
    }

    #[test]
    fn reads_the_body_types_of_send() {
        let got = bodies(
            "impl<'a> GetSecret<'a> { pub fn id(self) -> Self { self } \
             pub async fn send(self) -> Result<ResponseValue<types::Secret>, Error<types::Problem>> { todo!() } }",
        );
        assert_eq!(
            got,
            Some((
                "crate::types::Secret".into(),
                "crate::types::Problem".into()
            ))
        );
    }

    #[test]
    fn keeps_absolute_paths_unit_and_primitives() {
        let got = bodies(
            "impl<'a> GetSecret<'a> { pub async fn send(self) -> Result<ResponseValue<::std::vec::Vec<types::Item>>, Error<()>> { todo!() } }",
        );
        assert_eq!(
            got,
            Some(("::std::vec::Vec<crate::types::Item>".into(), "()".into()))
        );
        let got = bodies(
            "impl<'a> GetSecret<'a> { pub async fn send(self) -> Result<ResponseValue<ByteStream>, Error<u64>> { todo!() } }",
        );
        assert_eq!(got, Some(("crate::ByteStream".into(), "u64".into())));
    }

    #[test]
    fn other_items_have_no_bodies() {
        assert_eq!(
            bodies(
                "impl<'a> Other<'a> { pub async fn send(self) -> Result<ResponseValue<types::A>, Error<()>> { todo!() } }"
            ),
            None
        );
        assert_eq!(bodies("struct GetSecret;"), None);
        assert_eq!(
            bodies("impl<'a> GetSecret<'a> { pub fn id(self) -> Self { self } }"),
            None
        );
    }
}
