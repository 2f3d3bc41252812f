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
/// a terminal. Files are parsed on as many threads as there are processors.
pub fn ingest_paths(roots: &[PathBuf]) -> Result<Dataset> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    ingest_paths_on(roots, threads)
}

/// [`ingest_paths`] on up to `threads` threads. Each file is read into an `Ingest` of its own
/// and those are merged in walk order ([`Ingest::absorb`]), so the dataset, and the order of
/// the warnings, is the one of reading the files one after another.
pub fn ingest_paths_on(roots: &[PathBuf], threads: usize) -> Result<Dataset> {
    let mut files = Vec::new();
    for root in roots {
        walk(root, &mut files)?;
    }
    let total: u64 = files.iter().map(|f| f.size).sum();
    let bar = Bar::new(total);
    let mut ingest = Ingest::new();
    ingest.expect_bytes(total);
    let threads = threads.clamp(1, files.len().max(1));
    if threads == 1 {
        let mut on_progress = |p: &Progress| bar.update(p);
        for f in &files {
            match File::open(&f.path) {
                Ok(file) => ingest.add_input(&f.name, f.size, file, &mut on_progress),
                Err(e) => bar.warn(format_args!("runlens: {}: {e}", f.path.display())),
            }
        }
    } else {
        for one in read_in_parallel(&files, threads, total, &bar) {
            match one {
                Ok(one) => ingest.absorb(one),
                Err(message) => bar.warn(message),
            }
        }
    }
    bar.finish();
    Ok(ingest.dataset())
}

/// Every file read into its own `Ingest` (or the message for a file that cannot be opened),
/// in the order of `files`; the threads take the next file as they finish one.
fn read_in_parallel(
    files: &[Input],
    threads: usize,
    total: u64,
    bar: &Bar,
) -> Vec<std::result::Result<Ingest, String>> {
    use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let (done, seen) = (AtomicU64::new(0), AtomicU64::new(0));
    let read_one = |f: &Input| {
        let mut one = Ingest::new();
        // Progress over all files: this file's bytes added to what the others have read.
        let mut mine = 0u64;
        let mut on_progress = |p: &Progress| {
            let now = if p.bytes_done >= mine {
                done.fetch_add(p.bytes_done - mine, Ordering::Relaxed) + (p.bytes_done - mine)
            } else {
                done.fetch_sub(mine - p.bytes_done, Ordering::Relaxed) - (mine - p.bytes_done)
            };
            mine = p.bytes_done;
            bar.update(&Progress {
                bytes_done: now,
                bytes_total: total.max(now),
                files_seen: seen.load(Ordering::Relaxed) + p.files_seen,
                current: p.current.clone(),
            });
        };
        let result = match File::open(&f.path) {
            Ok(file) => {
                one.add_input(&f.name, f.size, file, &mut on_progress);
                Ok(one)
            }
            Err(e) => Err(format!("runlens: {}: {e}", f.path.display())),
        };
        seen.fetch_add(1, Ordering::Relaxed);
        result
    };
    let mut results: Vec<(usize, std::result::Result<Ingest, String>)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(f) = files.get(i) else { break };
                        mine.push((i, read_one(f)));
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parallel reading gives the dataset of serial reading: same runs, points, samples,
    /// diagnostics, unrecognised files, in the same order.
    #[test]
    fn parallel_ingest_equals_serial_ingest() {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
        let roots: Vec<PathBuf> = [
            "demo",
            "generations",
            "worker-logs",
            "scheduler",
            "p2p-nccl",
        ]
        .iter()
        .map(|set| fixtures.join(set))
        .collect();
        let serial = ingest_paths_on(&roots, 1).unwrap();
        assert!(!serial.runs.is_empty() && !serial.diagnostics.is_empty());
        assert!(!serial.scheduler.is_empty() && !serial.p2p.is_empty());
        for threads in [2, 3, 8] {
            let parallel = ingest_paths_on(&roots, threads).unwrap();
            // Debug, not PartialEq: NaN values must compare equal too.
            assert_eq!(
                format!("{parallel:?}"),
                format!("{serial:?}"),
                "{threads} threads"
            );
        }
    }
}
