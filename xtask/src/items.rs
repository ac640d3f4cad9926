//! Item-by-item rendering of a generated token stream.
//!
//! progenitor returns one token stream per file; for a spec with hundreds
//! of operations that is hundreds of thousands of lines. Parsing it into one
//! `syn::File` holds the tokens, syn's token buffer and the syntax tree at
//! once (about 3x the tokens), and every rewrite walks the whole tree.
//! Here the stream is consumed one item at a time, descending into
//! modules: each item is parsed, handed to the caller's rewrite, printed
//! and dropped before the next one is parsed, and the tokens already used
//! are freed as the stream is consumed.
//!
//! The text is byte for byte what `prettyplease::unparse` prints for the
//! whole file: an item is printed inside as many throwaway modules as it is
//! deep (so at the same indentation and line width) and the wrapper lines
//! are cut off; a module's own lines (attributes, `mod name {`, inner
//! attributes, `}`) are printed around a placeholder item the same way.
//! prettyplease ends every item with a hard break, so the layout of one
//! item never depends on its neighbours. The tests below check that on a
//! crafted file; `render::tests` compares the two on the real specs.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use quote::quote;

/// The names of the modules around an item (`["types", "builder"]`).
pub type ModPath = [String];

/// The rewrite applied to each item (not to module headers) before it is
/// printed; it may keep what it needs of the item. An error stops the
/// rendering.
pub type Rewrite<'a> = dyn FnMut(&ModPath, &mut syn::Item) -> Result<(), String> + 'a;

/// Parse, rewrite and print `tokens` (a whole file's items) into `out`.
/// A parse error names what does not parse.
pub fn render(
    tokens: TokenStream,
    out: &mut String,
    rewrite: &mut Rewrite<'_>,
) -> Result<(), String> {
    let mut path = Vec::new();
    render_items(tokens, &mut path, out, rewrite)
}

fn render_items(
    tokens: TokenStream,
    path: &mut Vec<String>,
    out: &mut String,
    rewrite: &mut Rewrite<'_>,
) -> Result<(), String> {
    let mut trees = tokens.into_iter().peekable();
    // Inner attributes of the file or module: `# ! [..]`.
    let inner = take_inner_attrs(&mut trees);
    if !inner.is_empty() {
        // Only a file's are seen here (a module's are printed with its
        // header): printed before a placeholder item, which is cut off.
        let placeholder = quote::format_ident!("{}", PLACEHOLDER);
        let file: syn::File = syn::parse2(quote!(#inner struct #placeholder;))
            .map_err(|e| format!("inner attributes: {e}"))?;
        let text = prettyplease::unparse(&file);
        let at = text
            .find(&format!("struct {PLACEHOLDER};"))
            .ok_or("inner attributes: placeholder not printed")?;
        out.push_str(&text[..at]);
    }
    let mut chunk: Vec<TokenTree> = Vec::new();
    // The first parse error of the current chunk, and how many ends were
    // tried: an item goes on past at most a couple of them, so a chunk
    // that keeps failing is reported instead of re-parsed to the end.
    let mut failed: Option<(syn::Error, usize)> = None;
    while let Some(tree) = trees.next() {
        let end = match &tree {
            TokenTree::Punct(p) => p.as_char() == ';' && p.spacing() == Spacing::Alone,
            TokenTree::Group(g) => g.delimiter() == Delimiter::Brace,
            _ => false,
        };
        chunk.push(tree);
        if !end {
            continue;
        }
        if let Some(name) = module_name(&chunk) {
            let Some(TokenTree::Group(body)) = chunk.pop() else {
                unreachable!("module_name checked the last tree")
            };
            let head: TokenStream = std::mem::take(&mut chunk).into_iter().collect();
            let stream = body.stream();
            drop(body);
            if stream.is_empty() {
                // `mod name {}`: an ordinary item.
                let item: syn::Item =
                    syn::parse2(quote!(#head {})).map_err(|e| format!("module `{name}`: {e}"))?;
                print_item(item, path, out, rewrite)?;
                continue;
            }
            render_module(head, stream, name, path, out, rewrite)?;
            continue;
        }
        // The trees so far are one item unless it goes on (`const X: T =
        // T { .. };`, `use a::{b, c};`): then parsing fails for want of
        // the rest, and the next end is tried.
        let tokens: TokenStream = chunk.iter().cloned().collect();
        match syn::parse2::<syn::Item>(tokens) {
            Ok(item) => {
                chunk.clear();
                failed = None;
                print_item(item, path, out, rewrite)?;
            }
            Err(e) => {
                let (first, tries) = failed.get_or_insert((e, 0));
                *tries += 1;
                if trees.peek().is_none() || *tries >= MAX_TRIES {
                    return Err(format!("{}: {first}", describe(path)));
                }
            }
        }
    }
    match failed {
        Some((e, _)) => Err(format!("{}: {e}", describe(path))),
        None if chunk.is_empty() => Ok(()),
        None => {
            let tokens: TokenStream = chunk.into_iter().collect();
            let item =
                syn::parse2::<syn::Item>(tokens).map_err(|e| format!("{}: {e}", describe(path)))?;
            print_item(item, path, out, rewrite)
        }
    }
}

/// How many `;` or `{ .. }` ends one item may run past before its first
/// parse error is reported.
const MAX_TRIES: usize = 8;

fn describe(path: &[String]) -> String {
    if path.is_empty() {
        "the file".to_string()
    } else {
        format!("module `{}`", path.join("::"))
    }
}

/// `mod name { .. }` (after attributes and visibility): the trees end with
/// `mod`, an identifier and a brace group.
fn module_name(chunk: &[TokenTree]) -> Option<String> {
    let [
        ..,
        TokenTree::Ident(kw),
        TokenTree::Ident(name),
        TokenTree::Group(g),
    ] = chunk
    else {
        return None;
    };
    (kw == "mod" && g.delimiter() == Delimiter::Brace).then(|| name.to_string())
}

fn take_inner_attrs(
    trees: &mut std::iter::Peekable<proc_macro2::token_stream::IntoIter>,
) -> TokenStream {
    let mut inner = Vec::new();
    loop {
        let mut ahead = trees.clone();
        let (Some(TokenTree::Punct(hash)), Some(TokenTree::Punct(bang)), Some(TokenTree::Group(g))) =
            (ahead.next(), ahead.next(), ahead.next())
        else {
            break;
        };
        if hash.as_char() != '#' || bang.as_char() != '!' || g.delimiter() != Delimiter::Bracket {
            break;
        }
        inner.extend(trees.by_ref().take(3));
    }
    inner.into_iter().collect()
}

const PLACEHOLDER: &str = "__CredentialClientsPlaceholder";

fn render_module(
    head: TokenStream,
    body: TokenStream,
    name: String,
    path: &mut Vec<String>,
    out: &mut String,
    rewrite: &mut Rewrite<'_>,
) -> Result<(), String> {
    let mut trees = body.into_iter().peekable();
    let inner = take_inner_attrs(&mut trees);
    let placeholder = quote::format_ident!("{}", PLACEHOLDER);
    let module: syn::Item = syn::parse2(quote!(#head { #inner struct #placeholder; }))
        .map_err(|e| format!("module `{name}`: {e}"))?;
    let text = print_at_depth(module, path.len());
    let line = format!("{}struct {PLACEHOLDER};\n", "    ".repeat(path.len() + 1));
    let at = text
        .find(&line)
        .ok_or_else(|| format!("module `{name}`: placeholder not printed"))?;
    out.push_str(&text[..at]);
    path.push(name);
    let rest: TokenStream = trees.collect();
    let result = render_items(rest, path, out, rewrite);
    path.pop();
    result?;
    out.push_str(&text[at + line.len()..]);
    Ok(())
}

fn print_item(
    mut item: syn::Item,
    path: &[String],
    out: &mut String,
    rewrite: &mut Rewrite<'_>,
) -> Result<(), String> {
    rewrite(path, &mut item)?;
    out.push_str(&print_at_depth(item, path.len()));
    Ok(())
}

/// `item` as prettyplease prints it `depth` modules deep.
fn print_at_depth(item: syn::Item, depth: usize) -> String {
    let mut item = item;
    for _ in 0..depth {
        item = syn::Item::Mod(syn::ItemMod {
            attrs: Vec::new(),
            vis: syn::Visibility::Inherited,
            unsafety: None,
            mod_token: Default::default(),
            ident: quote::format_ident!("m"),
            content: Some((Default::default(), vec![item])),
            semi: None,
        });
    }
    let file = syn::File {
        shebang: None,
        frontmatter: None,
        attrs: Vec::new(),
        items: vec![item],
    };
    let text = prettyplease::unparse(&file);
    if depth == 0 {
        return text;
    }
    // Cut the wrappers: `depth` lines `mod m {` at the start and `}` at
    // the end.
    let mut start = 0;
    for _ in 0..depth {
        start += text[start..].find('\n').map_or(0, |i| i + 1);
    }
    let mut end = text.len();
    for _ in 0..depth {
        end = text[..end - 1].rfind('\n').map_or(0, |i| i + 1);
    }
    text[start..end].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(tokens: TokenStream) -> String {
        prettyplease::unparse(&syn::parse2(tokens).unwrap())
    }

    fn streamed(tokens: TokenStream) -> String {
        let mut out = String::new();
        render(tokens, &mut out, &mut |_, _| Ok(())).unwrap();
        out
    }

    #[test]
    fn prints_what_prettyplease_prints_for_the_whole_file() {
        let tokens = quote! {
            #![allow(unused)]
            #[allow(unused_imports)]
            pub use a::{b, c};
            /// Docs.
            #[allow(clippy::all)]
            pub mod types {
                #![allow(dead_code)]
                /// A struct whose field list is long enough that prettyplease has to break the line somewhere.
                #[derive(Clone, Debug)]
                pub struct S { a: ::std::option::Option<::std::string::String>, b: ::std::result::Result<::std::option::Option<::std::string::String>, ::std::string::String> }
                const X: S = S { a: None, b: Ok(None) };
                pub mod builder {
                    impl S { fn f(&self) -> ::std::result::Result<::std::option::Option<::std::string::String>, ::std::string::String> { let x = { 1 }; match x { _ => todo!() } } }
                }
                mod empty {}
                pub(crate) mod inner { struct T; }
            }
            impl Client { pub fn new() -> Self { Self {} } }
            macro_rules! m { () => {} }
            pub mod prelude { pub use super::Client; }
        };
        assert_eq!(streamed(tokens.clone()), whole(tokens));
    }

    #[test]
    fn the_rewrite_sees_each_item_with_its_module_path() {
        let tokens = quote! {
            struct A;
            mod types { struct B; mod builder { struct C; } }
        };
        let mut seen = Vec::new();
        let mut out = String::new();
        render(tokens, &mut out, &mut |path, item| {
            let syn::Item::Struct(s) = item else {
                return Ok(());
            };
            seen.push(format!("{}:{}", path.join("::"), s.ident));
            s.ident = quote::format_ident!("{}2", s.ident);
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, [":A", "types:B", "types::builder:C"]);
        assert!(
            out.contains("struct A2;") && out.contains("        struct C2;"),
            "{out}"
        );
    }

    #[test]
    fn an_item_that_does_not_parse_is_an_error_naming_its_module() {
        let tokens = quote! { mod types { struct ; } };
        let mut out = String::new();
        let err = render(tokens, &mut out, &mut |_, _| Ok(())).unwrap_err();
        assert!(err.contains("module `types`"), "{err}");
        let err = render(quote! { fn }, &mut out, &mut |_, _| Ok(())).unwrap_err();
        assert!(err.contains("the file"), "{err}");
    }

    #[test]
    fn a_rewrite_error_stops_the_rendering() {
        let mut out = String::new();
        let err = render(quote! { struct A; struct B; }, &mut out, &mut |_, _| {
            Err("no".into())
        })
        .unwrap_err();
        assert_eq!(err, "no");
    }
}
