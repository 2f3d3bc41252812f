//! Helpers shared by the integration tests (each test file includes this with `mod common;`).

use std::path::{Path, PathBuf};

/// Every file under `dir`, recursively, in path order (entries sorted by name at each level).
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    let mut out = Vec::new();
    for p in entries {
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}
