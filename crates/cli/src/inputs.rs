//! Native inputs: walk the paths given on the command line and feed every regular file to the
//! core's ingestion as a stream, named relative to its argument's parent so run directory names
//! are kept (`runs/3667_1P_4D_…/3667.json`). Archives are files like any other: the core
//! expands them.
//!
//! The walk ([`walkdir`]) visits entries in name order, follows symbolic links but never back
//! into a folder it is already inside (a loop is skipped with a warning), skips dot folders
//! (`.git`, `.hg`, `.svn`, …) below an argument, and skips FIFOs, sockets and devices with a
//! warning naming them. A folder or file that cannot be read is a warning too; the rest is read.

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use runlens_core::{Dataset, Ingest, Progress};
use walkdir::{DirEntry, WalkDir};

use crate::output::warn;
use crate::progress::Bar;

/// A file to read: its name for the core, where it is, and its size.
struct Input {
    name: String,
    path: PathBuf,
    size: u64,
}

/// A folder below an argument whose name starts with a dot: VCS metadata, caches, editors.
fn is_dot_folder(e: &DirEntry) -> bool {
    e.depth() > 0
        && e.file_type().is_dir()
        && e.file_name().to_str().is_some_and(|n| n.starts_with('.'))
}

/// What a file that is neither a regular file nor a folder is, for the warning.
fn special_kind(t: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_char_device() {
            return "a character device";
        }
    }
    let _ = t;
    "not a regular file"
}

/// The warning for an entry the walk could not follow: a loop, a broken link, no permission.
fn skipped_walk_entry(e: &walkdir::Error) -> String {
    let at = e
        .path()
        .map_or_else(String::new, |p| format!("{}: ", p.display()));
    match e.loop_ancestor() {
        Some(ancestor) => format!(
            "runlens: skipped {at}symbolic link back to {}",
            ancestor.display()
        ),
        None => match (e.io_error(), e.path().and_then(|p| p.read_link().ok())) {
            (Some(io), Some(target)) if io.kind() == std::io::ErrorKind::NotFound => format!(
                "runlens: skipped {at}broken symbolic link to {}",
                target.display()
            ),
            (Some(io), _) => format!("runlens: skipped {at}{io}"),
            (None, _) => format!("runlens: skipped {at}{e}"),
        },
    }
}

/// Every regular file under the argument `root` (or `root` itself), in walk order.
fn walk(root: &Path, out: &mut Vec<Input>) -> Result<()> {
    let base = root
        .canonicalize()
        .with_context(|| format!("cannot resolve {}", root.display()))?;
    let base_parent = base.parent().map(Path::to_path_buf).unwrap_or_default();
    let entries = WalkDir::new(&base)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !is_dot_folder(e));
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                warn(skipped_walk_entry(&e));
                continue;
            }
        };
        let file_type = entry.file_type();
        if file_type.is_dir() {
            continue;
        }
        if !file_type.is_file() {
            warn(format_args!(
                "runlens: skipped {}: {}",
                entry.path().display(),
                special_kind(file_type)
            ));
            continue;
        }
        let path = entry.into_path();
        let name = path
            .strip_prefix(&base_parent)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        let size = path.metadata().map(|m| m.len()).unwrap_or(0);
        out.push(Input { name, path, size });
    }
    Ok(())
}

/// Walk every argument, then read every file found into one dataset, with a progress bar on
/// a terminal.
pub fn ingest_paths(roots: &[PathBuf]) -> Result<Dataset> {
    let mut files = Vec::new();
    for root in roots {
        walk(root, &mut files)?;
    }
    let total: u64 = files.iter().map(|f| f.size).sum();
    let bar = Bar::new(total);
    let mut ingest = Ingest::new();
    ingest.expect_bytes(total);
    let mut on_progress = |p: &Progress| bar.update(p);
    for f in &files {
        match File::open(&f.path) {
            Ok(file) => ingest.add_input(&f.name, f.size, file, &mut on_progress),
            Err(e) => bar.warn(format_args!("runlens: {}: {e}", f.path.display())),
        }
    }
    bar.finish();
    Ok(ingest.dataset())
}
