//! Native inputs: walk the paths given on the command line and feed every file to the core's
//! ingestion as a stream, with paths relative to each argument's parent so run directory names
//! are kept. A progress bar goes to stderr when the input is large.

use std::fs::File;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use runlens_core::{Dataset, Ingest, Progress};

/// Inputs bigger than this get a progress bar on stderr.
const PROGRESS_BAR_BYTES: u64 = 64 << 20;

/// Every regular file under `path` (or `path` itself), sorted for stable output.
fn walk(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        entries.sort();
        for e in entries {
            walk(&e, out)?;
        }
    } else if path.is_file() {
        out.push(path.to_path_buf());
    }
    Ok(())
}

/// Ingest every path; an argument that does not exist is an error (exit 2).
pub fn ingest_paths(args: &[String]) -> Result<Dataset, String> {
    let mut files: Vec<(String, PathBuf, u64)> = Vec::new();
    for arg in args {
        let root = Path::new(arg);
        if !root.exists() {
            return Err(format!("{arg}: no such file or directory"));
        }
        let base = root.canonicalize().map_err(|e| format!("{arg}: {e}"))?;
        let base_parent = base.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut found = Vec::new();
        walk(&base, &mut found).map_err(|e| format!("{arg}: {e}"))?;
        for f in found {
            let rel = f
                .strip_prefix(&base_parent)
                .unwrap_or(&f)
                .to_string_lossy()
                .replace('\\', "/");
            let size = f.metadata().map(|m| m.len()).unwrap_or(0);
            files.push((rel, f, size));
        }
    }
    let total: u64 = files.iter().map(|f| f.2).sum();
    let show_bar = total >= PROGRESS_BAR_BYTES && std::io::stderr().is_terminal();
    let mut ingest = Ingest::new();
    ingest.expect_bytes(total);
    let mut on_progress = |p: &Progress| {
        if show_bar {
            let pct = (p.bytes_done * 100)
                .checked_div(p.bytes_total)
                .unwrap_or(100);
            let _ = write!(
                std::io::stderr(),
                "\r{pct:3}% {} MB, {} files",
                p.bytes_done >> 20,
                p.files_seen
            );
        }
    };
    for (rel, path, size) in &files {
        match File::open(path) {
            Ok(f) => ingest.add_input(rel, *size, f, &mut on_progress),
            Err(e) => eprintln!("runlens: {}: {e}", path.display()),
        }
    }
    if show_bar {
        eprintln!();
    }
    Ok(ingest.dataset())
}
