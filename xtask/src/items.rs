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
    render_offloading(tokens, out, rewrite, &mut NoOffload)
}

/// Items handed to another thread to be printed there (proc-macro2's
/// tokens are not `Send`: an item goes as its tokens' text, which
/// [`print_text`] parses, rewrites and prints). The other thread's texts
/// are put back in order with [`Holes::fill`].
pub trait Offload {
    /// Whether the item `tokens` (not parsed yet) in module `path` goes to
    /// the other thread.
    fn wants(&mut self, path: &ModPath, tokens: &[TokenTree]) -> bool;
    /// Hand over the item's text; its printed text belongs at byte `at`
    /// of the output. An error stops the rendering.
    fn send(&mut self, path: &ModPath, text: String, at: usize) -> Result<(), String>;
}

struct NoOffload;

impl Offload for NoOffload {
    fn wants(&mut self, _: &ModPath, _: &[TokenTree]) -> bool {
        false
    }
    fn send(&mut self, _: &ModPath, _: String, _: usize) -> Result<(), String> {
        Err("no thread to hand items to".into())
    }
}

/// [`render`], with the items that `offload` wants printed by another
/// thread: `out` then lacks their text, which belongs at the offsets that
/// `offload` was given.
pub fn render_offloading(
    tokens: TokenStream,
    out: &mut String,
    rewrite: &mut Rewrite<'_>,
    offload: &mut dyn Offload,
) -> Result<(), String> {
    let mut path = Vec::new();
    let mut sink = Sink {
        out,
        rewrite,
        offload,
    };
    render_items(tokens, &mut path, &mut sink)
}

/// Where the items go: printed into `out` here, or handed over.
struct Sink<'s, 'r> {
    out: &'s mut String,
    rewrite: &'s mut Rewrite<'r>,
    offload: &'s mut dyn Offload,
}

/// The printed text of an item handed over by [`Offload::send`]: parsed
/// from `text`, rewritten and printed as deep as `path` says.
pub fn print_text(path: &ModPath, text: &str, rewrite: &mut Rewrite<'_>) -> Result<String, String> {
    let mut item: syn::Item =
        syn::parse_str(text).map_err(|e| format!("{}: {e}", describe(path)))?;
    rewrite(path, &mut item)?;
    Ok(print_at_depth(item, path.len()))
}

/// Offsets in a text where other texts go, in order.
#[derive(Debug, Default)]
pub struct Holes(Vec<usize>);

impl Holes {
    /// Note that the next text goes at byte `at` (not before the last one).
    pub fn push(&mut self, at: usize) {
        debug_assert!(self.0.last().is_none_or(|&last| last <= at));
        self.0.push(at);
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `text` with `fills` (one per hole, in order) put in.
    pub fn fill(&self, text: &str, fills: &[String]) -> Result<String, String> {
        if fills.len() != self.0.len() {
            return Err(format!(
                "{} items were handed over, {} came back",
                self.0.len(),
                fills.len()
            ));
        }
        let mut out =
            String::with_capacity(text.len() + fills.iter().map(String::len).sum::<usize>());
        let mut from = 0;
        for (&at, fill) in self.0.iter().zip(fills) {
            out.push_str(&text[from..at]);
            out.push_str(fill);
            from = at;
        }
        out.push_str(&text[from..]);
        Ok(out)
    }
}

/// Whether the item can be handed over as text: its tokens print as text
/// that parses back to the same tokens, which an invisible group (`Delimiter::None`,
/// from an interpolated expression) would not.
pub fn text_round_trips(tokens: &[TokenTree]) -> bool {
    tokens.iter().all(|t| match t {
        TokenTree::Group(g) => {
            g.delimiter() != Delimiter::None && {
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                text_round_trips(&inner)
            }
        }
        _ => true,
    })
}

fn render_items(
    tokens: TokenStream,
    path: &mut Vec<String>,
    sink: &mut Sink<'_, '_>,
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
        sink.out.push_str(&text[..at]);
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
                print_item(item, path, sink)?;
                continue;
            }
            render_module(head, stream, name, path, sink)?;
            continue;
        }
        if failed.is_none() && is_whole(&chunk) {
            // Nearly always the whole item: parsed (or handed over)
            // without copying its trees (a stream's clone is shared).
            let trees = std::mem::take(&mut chunk);
            if sink.offload.wants(path, &trees) && text_round_trips(&trees) {
                let text = trees.into_iter().collect::<TokenStream>().to_string();
                sink.offload.send(path, text, sink.out.len())?;
                continue;
            }
            let tokens: TokenStream = trees.into_iter().collect();
            match syn::parse2::<syn::Item>(tokens.clone()) {
                Ok(item) => {
                    print_item(item, path, sink)?;
                    continue;
                }
                // It goes on after all (`impl X<{ N }> for Y { .. }`):
                // the next end is tried as below.
                Err(e) => {
                    chunk = tokens.into_iter().collect();
                    failed = Some((e, 1));
                    continue;
                }
            }
        }
        // The trees so far are one item unless it goes on (`const X: T =
        // T { .. };`, `use a::{b, c};`): then parsing fails for want of
        // the rest, and the next end is tried.
        let tokens: TokenStream = chunk.iter().cloned().collect();
        match syn::parse2::<syn::Item>(tokens) {
            Ok(item) => {
                chunk.clear();
                failed = None;
                print_item(item, path, sink)?;
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
            print_item(item, path, sink)
        }
    }
}

/// How many `;` or `{ .. }` ends one item may run past before its first
/// parse error is reported.
const MAX_TRIES: usize = 8;

/// Whether the trees, which end with `;` or `{ .. }`, are a whole item
/// that nothing can follow: after attributes and visibility, a `struct`,
/// `enum`, `union`, `trait`, `impl` or `fn` (possibly `unsafe`, `async` or
/// `extern "C"`) ending with its braces, or a `struct` ending with `;`.
/// Anything else (`const X: T = T { .. };`, `use a::{b, c};`, a macro
/// call) may go on past its first end. Only whole items are handed to
/// another thread, which cannot ask for the rest.
fn is_whole(chunk: &[TokenTree]) -> bool {
    // Braces right after `<`, `,` or `=` are a const generic's block
    // (`impl X<{ N }>`, `struct S<const N: usize = { 3 }>`), not a body.
    let ends_with_braces = match chunk {
        [.., TokenTree::Punct(p), TokenTree::Group(_)]
            if matches!(p.as_char(), '<' | ',' | '=') =>
        {
            false
        }
        [.., TokenTree::Group(g)] => g.delimiter() == Delimiter::Brace,
        _ => false,
    };
    match item_keyword(chunk).as_deref() {
        Some("struct") => ends_with_braces || !matches!(chunk.last(), Some(TokenTree::Group(_))),
        Some("enum" | "union" | "trait" | "impl" | "fn") => ends_with_braces,
        _ => false,
    }
}

/// The keyword that says what an item is (`struct`, `impl`, `fn`, `use`,
/// `const`, ..), after its attributes, visibility and `unsafe`, `async`
/// or `extern "C"`; `None` when the trees do not start like an item.
pub fn item_keyword(chunk: &[TokenTree]) -> Option<String> {
    let mut trees = chunk.iter().peekable();
    // Attributes: `#` and a bracket group.
    while let Some(TokenTree::Punct(p)) = trees.peek() {
        if p.as_char() != '#' {
            return None;
        }
        trees.next();
        match trees.next() {
            Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket => {}
            _ => return None,
        }
    }
    // Visibility: `pub`, `pub(crate)`, `pub(in path)`.
    if let Some(TokenTree::Ident(i)) = trees.peek()
        && i == "pub"
    {
        trees.next();
        if let Some(TokenTree::Group(g)) = trees.peek()
            && g.delimiter() == Delimiter::Parenthesis
        {
            trees.next();
        }
    }
    loop {
        let Some(TokenTree::Ident(kw)) = trees.next() else {
            return None;
        };
        let kw = kw.to_string();
        match kw.as_str() {
            "unsafe" | "async" => {}
            // `extern "C" fn`; `extern crate x;` is a `crate` item.
            "extern" => {
                if let Some(TokenTree::Literal(_)) = trees.peek() {
                    trees.next();
                }
            }
            _ => return Some(kw),
        }
    }
}

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
    sink: &mut Sink<'_, '_>,
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
    sink.out.push_str(&text[..at]);
    path.push(name);
    let rest: TokenStream = trees.collect();
    let result = render_items(rest, path, sink);
    path.pop();
    result?;
    sink.out.push_str(&text[at + line.len()..]);
    Ok(())
}

fn print_item(mut item: syn::Item, path: &[String], sink: &mut Sink<'_, '_>) -> Result<(), String> {
    let (out, rewrite) = (&mut *sink.out, &mut *sink.rewrite);
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

    /// An item that looks whole at its first braces but goes on (a const
    /// generic's block) is parsed once the rest is there.
    #[test]
    fn an_item_that_goes_on_past_its_first_braces_is_still_one_item() {
        let tokens = quote! {
            impl Tr<{ 1 + 1 }> for S { fn f() {} }
            struct W<const N: usize = { 3 }> { a: [u8; N] }
            const X: S = S { a: 1 };
        };
        assert_eq!(streamed(tokens.clone()), whole(tokens));
    }

    /// Everything handed over that can be: only whole items go (one with
    /// a const generic's braces is not cut there), and the text is what
    /// one thread prints.
    #[test]
    fn items_handed_over_whole_print_as_here() {
        struct Now(Vec<String>, Holes);
        impl Offload for Now {
            fn wants(&mut self, _: &ModPath, _: &[TokenTree]) -> bool {
                true
            }
            fn send(&mut self, path: &ModPath, text: String, at: usize) -> Result<(), String> {
                self.0.push(print_text(path, &text, &mut |_, _| Ok(()))?);
                self.1.push(at);
                Ok(())
            }
        }
        let tokens = quote! {
            impl Tr<{ 1 + 1 }> for S { fn f() {} }
            pub struct W<const N: usize = { 3 }> { a: [u8; N] }
            pub struct T(u8);
            mod types {
                #[derive(Debug)]
                pub enum E { A, B }
                impl Tr<2, { 3 }> for E {}
                const X: S = S { a: 1 };
            }
        };
        let mut now = Now(Vec::new(), Holes::default());
        let mut out = String::new();
        render_offloading(tokens.clone(), &mut out, &mut |_, _| Ok(()), &mut now).unwrap();
        // The tuple struct and the enum; the items with a const
        // generic's braces went on past their first end and, like the
        // `const`, are printed here.
        assert_eq!(now.0.len(), 2, "{:?}", now.0);
        assert_eq!(now.1.fill(&out, &now.0).unwrap(), whole(tokens));
    }

    /// Texts handed over go back where their items were, in order.
    #[test]
    fn holes_are_filled_in_order() {
        let mut holes = Holes::default();
        holes.push(1);
        holes.push(1);
        holes.push(3);
        let filled = holes
            .fill("abcd", &["X".into(), "Y".into(), "Z".into()])
            .unwrap();
        assert_eq!(filled, "aXYbcZd");
        assert!(holes.fill("abcd", &["X".into()]).is_err());
    }

    /// An item with an invisible group (an interpolated expression) is not
    /// handed over as text: its text would not parse back the same.
    #[test]
    fn only_items_whose_text_parses_back_the_same_are_handed_over() {
        let plain: Vec<TokenTree> = quote!(
            fn f() -> u8 {
                (1 + 2) * 3
            }
        )
        .into_iter()
        .collect();
        assert!(text_round_trips(&plain));
        let sum = proc_macro2::Group::new(Delimiter::None, quote!(1 + 2));
        let hidden: Vec<TokenTree> = quote!(fn f() -> u8 { #sum * 3 }).into_iter().collect();
        assert!(!text_round_trips(&hidden));
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
