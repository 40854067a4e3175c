//! The runtime's layers point down only: no two files of `runtime/src` import each other,
//! directly or through others (docs/ARCHITECTURE.md, "Layers").
//!
//! Reads every `crate::` and `super::` path in the source as text (comments removed, `use`
//! groups expanded), resolves each to the file that defines its longest module prefix, and
//! fails on every strongly connected set of more than one file, naming the files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Module = Vec<String>;

#[test]
fn runtime_files_import_without_circles() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime/src");
    let files = modules(&root);
    let known: BTreeSet<&Module> = files.keys().collect();
    let mut edges: BTreeMap<&Module, BTreeSet<&Module>> = BTreeMap::new();
    for (module, path) in &files {
        let text = std::fs::read_to_string(path).expect("readable source");
        let parent: Module = module[..module.len().saturating_sub(1)].to_vec();
        let targets = edges.entry(module).or_default();
        for (kind, segments) in paths(&strip_comments(&text)) {
            let mut full = if kind == "super" {
                parent.clone()
            } else {
                Vec::new()
            };
            full.extend(segments);
            let target = (1..=full.len())
                .rev()
                .map(|n| full[..n].to_vec())
                .find(|prefix| known.contains(prefix));
            if let Some(target) = target
                && &target != module
            {
                targets.insert(known.get(&target).expect("known"));
            }
        }
    }
    let circles: Vec<Vec<String>> = strongly_connected(&edges)
        .into_iter()
        .filter(|set| set.len() > 1)
        .map(|set| {
            set.iter()
                .map(|m| files[*m].display().to_string())
                .collect()
        })
        .collect();
    assert!(
        circles.is_empty(),
        "import circles between runtime files (layers must only point down):\n{circles:#?}"
    );
}

/// Every `.rs` file under `root`, keyed by its module path (`mod.rs` and `lib.rs` name their
/// folder).
fn modules(root: &Path) -> BTreeMap<Module, PathBuf> {
    let mut found = BTreeMap::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable dir") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path
                    .strip_prefix(root)
                    .expect("under root")
                    .with_extension("");
                let mut module: Module = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                if matches!(module.last().map(String::as_str), Some("mod" | "lib")) {
                    module.pop();
                }
                found.insert(module, path);
            }
        }
    }
    found
}

fn strip_comments(text: &str) -> String {
    text.lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Each `crate::a::b` / `super::a` path, as its kind and segments; `use crate::a::{b, c::d}`
/// yields `a::b` and `a::c::d`.
fn paths(text: &str) -> Vec<(&'static str, Vec<String>)> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    for kind in ["crate", "super"] {
        let needle = format!("{kind}::");
        let mut from = 0;
        while let Some(at) = text[from..].find(&needle) {
            let start = from + at;
            from = start + needle.len();
            if start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
                continue;
            }
            let rest = &text[from..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(rest.len());
            let prefix: Vec<String> = rest[..end]
                .split("::")
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            let after = &rest[end..];
            if rest[..end].ends_with("::")
                && after.starts_with('{')
                && let Some(close) = after.find('}')
            {
                for item in after[1..close].split(',') {
                    let item: Vec<String> = item
                        .trim()
                        .split("::")
                        .map(|s| s.split_whitespace().next().unwrap_or_default().to_owned())
                        .filter(|s| !s.is_empty() && s != "self")
                        .collect();
                    let mut full = prefix.clone();
                    full.extend(item);
                    out.push((kind, full));
                }
            } else {
                out.push((kind, prefix));
            }
        }
    }
    out
}

/// Tarjan's strongly connected components.
fn strongly_connected<'a>(
    edges: &BTreeMap<&'a Module, BTreeSet<&'a Module>>,
) -> Vec<Vec<&'a Module>> {
    struct State<'a> {
        index: BTreeMap<&'a Module, usize>,
        low: BTreeMap<&'a Module, usize>,
        stack: Vec<&'a Module>,
        on_stack: BTreeSet<&'a Module>,
        sets: Vec<Vec<&'a Module>>,
    }
    fn visit<'a>(
        node: &'a Module,
        edges: &BTreeMap<&'a Module, BTreeSet<&'a Module>>,
        s: &mut State<'a>,
    ) {
        let n = s.index.len();
        s.index.insert(node, n);
        s.low.insert(node, n);
        s.stack.push(node);
        s.on_stack.insert(node);
        for &next in edges.get(node).into_iter().flatten() {
            if !s.index.contains_key(next) {
                visit(next, edges, s);
                let low = s.low[node].min(s.low[next]);
                s.low.insert(node, low);
            } else if s.on_stack.contains(next) {
                let low = s.low[node].min(s.index[next]);
                s.low.insert(node, low);
            }
        }
        if s.low[node] == s.index[node] {
            let mut set = Vec::new();
            while let Some(top) = s.stack.pop() {
                s.on_stack.remove(top);
                set.push(top);
                if top == node {
                    break;
                }
            }
            s.sets.push(set);
        }
    }
    let mut state = State {
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        sets: Vec::new(),
    };
    for &node in edges.keys() {
        if !state.index.contains_key(node) {
            visit(node, edges, &mut state);
        }
    }
    state.sets
}
