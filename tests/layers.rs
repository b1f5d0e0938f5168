//! The layers stay acyclic (ARCHITECTURE.md): the module graph of `src/`, built with the same
//! rules as `/work/shared/hooks/modgraph.py`, has no cycle.
//!
//! A node is a top-level module (the first path component under `src/`: `src/X.rs` or
//! `src/X/…`; `main` and `lib` are left out). There is an edge A -> B when a file of A names
//! `crate::B`, outside `//` comments and outside a trailing `#[cfg(test)] mod tests { … }`
//! block (unit tests may reach anywhere; test files such as `tests.rs` count like any other).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use regex::Regex;

/// Edges A -> B, each with the first place (`file:line`) that names `crate::B` from A.
type Graph = BTreeMap<String, BTreeMap<String, String>>;

/// The module graph of the crate whose sources are under `src`.
fn module_graph(src: &Path) -> Graph {
    let test_block = Regex::new(r"(?s)#\[cfg\(test\)\]\s*mod tests\s*\{.*").unwrap();
    let comment = Regex::new(r"//[^\n]*").unwrap();
    let path = Regex::new(r"\bcrate::([a-z_][a-z0-9_]*)").unwrap();
    let mut graph = Graph::new();
    for file in rust_files(src) {
        let rel = file.strip_prefix(src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.strip_suffix(".rs").unwrap_or(&first).to_string();
        if module == "main" || module == "lib" {
            continue;
        }
        let text = fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let text = test_block.replace(&text, "");
        let text = comment.replace_all(&text, "");
        for (number, line) in text.lines().enumerate() {
            for found in path.captures_iter(line) {
                let target = &found[1];
                if target != module {
                    graph
                        .entry(module.clone())
                        .or_default()
                        .entry(target.to_string())
                        .or_insert_with(|| {
                            format!("{}:{}", Path::new("src").join(rel).display(), number + 1)
                        });
                }
            }
        }
    }
    graph
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
    files
}

/// The strongly connected components of more than one module (Tarjan), each sorted.
fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    struct Tarjan<'g> {
        graph: &'g Graph,
        next: usize,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        found: Vec<Vec<String>>,
    }
    impl<'g> Tarjan<'g> {
        fn visit(&mut self, v: &'g str) {
            self.index.insert(v, self.next);
            self.low.insert(v, self.next);
            self.next += 1;
            self.stack.push(v);
            self.on_stack.insert(v);
            let graph = self.graph;
            for w in graph.get(v).into_iter().flat_map(|targets| targets.keys()) {
                let w = w.as_str();
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w]);
                    self.low.insert(v, low);
                } else if self.on_stack.contains(w) {
                    let low = self.low[v].min(self.index[w]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = Vec::new();
                loop {
                    let w = self.stack.pop().unwrap();
                    self.on_stack.remove(w);
                    component.push(w.to_string());
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    self.found.push(component);
                }
            }
        }
    }
    let nodes: BTreeSet<&str> = graph
        .iter()
        .flat_map(|(a, targets)| {
            std::iter::once(a.as_str()).chain(targets.keys().map(String::as_str))
        })
        .collect();
    let mut tarjan = Tarjan {
        graph,
        next: 0,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in nodes {
        if !tarjan.index.contains_key(v) {
            tarjan.visit(v);
        }
    }
    tarjan.found
}

/// Each cycle with the edges inside it and where they come from.
fn explain(graph: &Graph, found: &[Vec<String>]) -> String {
    let mut text = String::new();
    for component in found {
        text.push_str(&format!("cycle: {}\n", component.join(" ")));
        for a in component {
            for (b, at) in graph.get(a).into_iter().flatten() {
                if component.contains(b) {
                    text.push_str(&format!("  {a} -> {b}  ({at})\n"));
                }
            }
        }
    }
    text
}

#[test]
fn the_module_graph_has_no_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = module_graph(&src);
    // The walk saw the crate.
    assert!(
        graph.len() >= 10 && graph["app"].contains_key("commands"),
        "{graph:#?}"
    );
    let found = cycles(&graph);
    assert!(
        found.is_empty(),
        "the modules depend on each other in a circle; move the type or function that closes \
         the circle down a layer (see ARCHITECTURE.md):\n{}",
        explain(&graph, &found)
    );
}

#[test]
fn a_cycle_is_found_and_named() {
    let edges = |pairs: &[(&str, &str)]| {
        let mut graph = Graph::new();
        for (a, b) in pairs {
            graph
                .entry(a.to_string())
                .or_default()
                .insert(b.to_string(), format!("src/{a}.rs:1"));
        }
        graph
    };
    let graph = edges(&[
        ("app", "commands"),
        ("commands", "engine"),
        ("engine", "app"),
        ("engine", "util"),
        ("output", "util"),
        ("report", "output"),
        ("output", "report"),
    ]);
    assert_eq!(
        cycles(&graph),
        vec![
            vec!["app".to_string(), "commands".into(), "engine".into()],
            vec!["output".to_string(), "report".into()],
        ]
    );
    assert_eq!(
        explain(&graph, &cycles(&graph)[1..]),
        "cycle: output report\n  output -> report  (src/output.rs:1)\n  report -> output  (src/report.rs:1)\n"
    );
    assert!(cycles(&edges(&[("a", "b"), ("b", "c"), ("a", "c")])).is_empty());
}

#[test]
fn the_graph_follows_the_rules_of_modgraph() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    let write = |rel: &str, text: &str| {
        let path = src.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    };
    // main and lib name everything and are no nodes; a module naming itself is no edge.
    write("lib.rs", "pub mod a;\npub mod b;\nuse crate::a;\n");
    write("main.rs", "fn main() { crate::b::go() }\n");
    // a -> b from a nested file; the comment and the unit tests block do not count.
    write(
        "a/mod.rs",
        "use crate::a::x;\n// crate::c in a comment\npub fn f() {} /// crate::c in a doc\n",
    );
    write(
        "a/deep/inner.rs",
        "\n\nuse crate::b::Thing;\n#[cfg(test)]\nmod tests {\n    use crate::c::Fixture;\n}\n",
    );
    // b -> c; c's separate tests file counts, closing the circle c -> a.
    write("b.rs", "pub fn go() { crate::c::run() }\n");
    write("c/mod.rs", "#[cfg(test)]\nmod tests;\n");
    write("c/tests.rs", "use crate::a::f;\n");
    let graph = module_graph(&src);
    let shape: Vec<(&str, Vec<&str>)> = graph
        .iter()
        .map(|(a, targets)| (a.as_str(), targets.keys().map(String::as_str).collect()))
        .collect();
    assert_eq!(
        shape,
        vec![("a", vec!["b"]), ("b", vec!["c"]), ("c", vec!["a"])]
    );
    let at = format!("{}:3", Path::new("src/a/deep/inner.rs").display());
    assert_eq!(graph["a"]["b"], at);
    assert_eq!(cycles(&graph), vec![vec!["a", "b", "c"]]);
}
