//! The layering rule of ARCHITECTURE.md, checked on the source (in the style of rust-analyzer's
//! tidy tests): inside the core, a module may import only its own layer and the layers below.
//!
//! text ← model ← formats ← discovery ← ingest, and analysis (model + text only) ← ingest.
//! Test modules (`#[cfg(test)]` and below) may use anything.

use std::path::{Path, PathBuf};

/// Each top-level module and the modules it may name with `crate::…`.
const ALLOWED: &[(&str, &[&str])] = &[
    ("text", &["text"]),
    ("model", &["model", "text"]),
    ("formats", &["formats", "model", "text"]),
    ("discovery", &["discovery", "formats", "model", "text"]),
    ("analysis", &["analysis", "model", "text"]),
    (
        "ingest",
        &[
            "ingest",
            "analysis",
            "discovery",
            "formats",
            "model",
            "text",
        ],
    ),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `crate::name` occurrences in the non-test part of a file, with their line numbers; a
/// grouped `use crate::{a, b::c}` names every top-level module of the group.
fn crate_paths(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("#[cfg(test)]") {
            break;
        }
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let end = group.find('}').unwrap_or(group.len());
                for item in group[..end].split(',') {
                    let name: String = item
                        .trim()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() {
                        out.push((i + 1, name));
                    }
                }
            } else {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                out.push((i + 1, name));
            }
        }
    }
    out
}

#[test]
fn lower_layers_never_import_higher_ones() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut violations = Vec::new();
    let mut checked = 0;
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_owned();
        if top == "lib" {
            continue; // the façade re-exports from every layer
        }
        let allowed = ALLOWED
            .iter()
            .find(|(m, _)| *m == top)
            .unwrap_or_else(|| {
                panic!(
                    "{}: module `{top}` is in no layer of ALLOWED",
                    rel.display()
                )
            })
            .1;
        let text = std::fs::read_to_string(file).unwrap();
        for (line, name) in crate_paths(&text) {
            checked += 1;
            // Items of the crate root (`crate::Dataset`) are the façade: only ingest may use it.
            let layer_of_name = if ALLOWED.iter().any(|(m, _)| *m == name) {
                name.as_str()
            } else {
                "ingest"
            };
            if !allowed.contains(&layer_of_name) {
                violations.push(format!(
                    "{}:{line}: `{top}` imports `crate::{name}`",
                    rel.display()
                ));
            }
        }
    }
    assert!(
        checked > 50,
        "only {checked} crate paths found: is the scan broken?"
    );
    assert!(
        violations.is_empty(),
        "layering violations (see ARCHITECTURE.md):\n{}",
        violations.join("\n")
    );
}

#[test]
fn the_scan_sees_grouped_and_inline_paths() {
    let found = crate_paths(
        "use crate::{model::Run, text};\nfn f() { crate::formats::x(); } // crate::ingest\n#[cfg(test)]\nuse crate::ingest;\n",
    );
    let names: Vec<&str> = found.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(names, ["model", "text", "formats"]);
}

#[test]
fn the_core_depends_on_no_web_crate() {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    for web in [
        "wasm-bindgen",
        "web-sys",
        "js-sys",
        "leptos",
        "gloo",
        "wasm-bindgen-futures",
    ] {
        assert!(
            !manifest
                .lines()
                .any(|l| l.trim_start().starts_with(&format!("{web} "))
                    || l.trim_start().starts_with(&format!("{web}="))),
            "runlens-core must not depend on {web}"
        );
    }
}
