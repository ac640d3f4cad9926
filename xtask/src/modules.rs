//! The module graph of a hand-written crate: which top-level module names
//! which (`crate::config::..`, `use crate::{a, b::c}`), and the cycles in
//! it. Tests keep the hand-written crates free of import cycles, so each
//! module can be read, and replaced, below the ones that use it.
//!
//! The reading is textual and deliberately simple: comments and everything
//! from the first `#[cfg(test)]` on are left out (tests may use anything),
//! the crate root (`lib.rs`, `main.rs`) is not a module, and a module's
//! submodules count as the module.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level module -> the top-level modules it names.
pub type Graph = BTreeMap<String, BTreeSet<String>>;

/// The graph of the crate whose sources are under `src`.
pub fn graph(src: &Path) -> std::io::Result<Graph> {
    let mut graph = Graph::new();
    let mut files = Vec::new();
    collect(src, &mut files)?;
    for file in files {
        let rel = file.strip_prefix(src).unwrap_or(&file);
        let Some(module) = top_level(rel) else {
            continue;
        };
        let text = std::fs::read_to_string(&file)?;
        let uses = graph.entry(module.clone()).or_default();
        for named in named_modules(&code_of(&text)) {
            if named != module {
                uses.insert(named);
            }
        }
    }
    // Names that are not modules (`crate::Error`, a macro) are not edges.
    let modules: BTreeSet<String> = graph.keys().cloned().collect();
    for uses in graph.values_mut() {
        uses.retain(|m| modules.contains(m));
    }
    Ok(graph)
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    Ok(())
}

/// `config/names.rs` -> `config`; `lib.rs` -> none (the root).
fn top_level(rel: &Path) -> Option<String> {
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (!matches!(name, "lib" | "main")).then(|| name.to_string())
}

/// The text without comments and without tests.
fn code_of(text: &str) -> String {
    let code = match text.find("#[cfg(test)]") {
        Some(at) => &text[..at],
        None => text,
    };
    code.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules named after `crate::`, in braces too.
fn named_modules(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().last();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue; // `credential_clients_runtime::..`, `$crate::`
        }
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let end = group
                .char_indices()
                .find(|&(_, c)| {
                    depth += match c {
                        '{' => 1,
                        '}' => -1,
                        _ => 0,
                    };
                    depth == 0
                })
                .map_or(group.len(), |(i, _)| i);
            let mut depth = 0;
            let mut item = String::new();
            for c in group[..end].chars().chain([',']) {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.extend(first_ident(item.trim()));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                if depth == 0 {
                    item.push(c);
                }
            }
        } else {
            out.extend(first_ident(rest));
        }
    }
    out
}

fn first_ident(text: &str) -> Option<String> {
    let ident: String = text
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!ident.is_empty() && ident != "self").then_some(ident)
}

/// The cycles of the graph: each strongly connected set of two or more
/// modules, sorted.
pub fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    let reaches = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.to_string()];
        while let Some(m) = todo.pop() {
            for next in graph.get(&m).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    todo.push(next.clone());
                }
            }
        }
        seen
    };
    let reach: BTreeMap<&String, BTreeSet<String>> =
        graph.keys().map(|m| (m, reaches(m))).collect();
    let mut out: Vec<Vec<String>> = Vec::new();
    for (m, from_m) in &reach {
        let set: Vec<String> = reach
            .iter()
            .filter(|(n, from_n)| from_m.contains(n.as_str()) && from_n.contains(m.as_str()))
            .map(|(n, _)| (*n).clone())
            .collect();
        if set.len() > 1 && !out.contains(&set) {
            out.push(set);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_cycles() {
        let code = "use crate::{a, b::{c, d}, self};\nfn f() { crate::e::g(); $crate::h; my_crate::i; }\n// crate::j\n";
        let names: Vec<String> = named_modules(&code_of(code)).into_iter().collect();
        assert_eq!(names, ["a", "b", "e"]);
        let g: Graph = [
            ("a", vec!["b"]),
            ("b", vec!["c"]),
            ("c", vec!["a"]),
            ("d", vec!["a"]),
        ]
        .into_iter()
        .map(|(m, uses)| (m.to_string(), uses.into_iter().map(String::from).collect()))
        .collect();
        assert_eq!(cycles(&g), [vec!["a", "b", "c"]]);
    }

    /// The hand-written crates of this workspace have no import cycles.
    #[test]
    fn the_workspace_has_no_import_cycles() {
        let root = crate::find_workspace_root(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
        for src in [
            "src",
            "xtask/src",
            "crates/runtime/src",
            "crates/credctl/src",
            "crates/bench/src",
        ] {
            let graph = graph(&root.join(src)).unwrap();
            assert!(graph.len() > 2, "{src}: {graph:?}");
            let cycles = cycles(&graph);
            assert!(
                cycles.is_empty(),
                "{src}: import cycles between modules: {cycles:?}"
            );
        }
    }
}
