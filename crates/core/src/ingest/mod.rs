//! Ingestion: the one entry point that turns inputs into a [`Dataset`].
//!
//! Callers (the CLI walking directories, the web worker reading dropped `File`s) hand every
//! input to [`Ingest::add_input`] as a `Read + Seek` stream. Each plain file of the expanded tree
//! is sniffed from its first bytes; only files a format claims are read whole and parsed, the
//! rest are listed as unrecognised without being read further. State accumulates across calls, so
//! a second drop adds to the first, and [`Ingest::dataset`] can be taken at any time.

use std::cell::RefCell;
use std::io::{self, Read, Seek, SeekFrom};
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::diagnostics::Diagnostic;
use crate::formats::{self, Record, SNIFF_BYTES};
use crate::model::{Dataset, UnrecognizedFile};
use crate::{discovery, vfs};

/// Files larger than this are not parsed whole (a result JSON this big is not a summary).
pub const MAX_PARSED_FILE_BYTES: u64 = 1 << 30;

/// Bytes handed to a streaming parser at a time.
const STREAM_CHUNK: usize = 256 << 10;

/// Bytes between two progress reports.
const PROGRESS_STEP: u64 = 1 << 20;

/// How far ingestion has come; reported while inputs are read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// Input bytes consumed so far (compressed bytes for archives).
    pub bytes_done: u64,
    /// Input bytes announced with [`Ingest::expect_bytes`].
    pub bytes_total: u64,
    pub files_seen: u64,
    /// File being read.
    pub current: String,
}

/// Accumulates records from any number of inputs.
#[derive(Default)]
pub struct Ingest {
    records: Vec<Record>,
    unrecognized: Vec<UnrecognizedFile>,
    diagnostics: Vec<Diagnostic>,
    bytes_done: u64,
    bytes_total: u64,
    files_seen: u64,
}

struct Tracker<'p> {
    progress: Progress,
    last_report: u64,
    sink: &'p mut dyn FnMut(&Progress),
}

impl Tracker<'_> {
    fn advance(&mut self, n: u64) {
        self.progress.bytes_done += n;
        if self.progress.bytes_done - self.last_report >= PROGRESS_STEP {
            self.report();
        }
    }

    fn report(&mut self) {
        self.last_report = self.progress.bytes_done;
        (self.sink)(&self.progress);
    }
}

/// Counts bytes read from a top-level input for progress.
struct CountingReader<'t, 'p, R> {
    inner: R,
    pos: u64,
    tracker: Rc<RefCell<Tracker<'p>>>,
    _t: std::marker::PhantomData<&'t ()>,
}

impl<R: Read> Read for CountingReader<'_, '_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        self.tracker.borrow_mut().advance(n as u64);
        Ok(n)
    }
}

impl<R: Seek> Seek for CountingReader<'_, '_, R> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        let new = self.inner.seek(pos)?;
        // Seeking back re-reads bytes: count progress by the furthest position only.
        let mut t = self.tracker.borrow_mut();
        if new < self.pos {
            t.progress.bytes_done -= self.pos - new;
        } else {
            t.advance(new - self.pos);
        }
        self.pos = new;
        Ok(new)
    }
}

impl Ingest {
    pub fn new() -> Self {
        Self::default()
    }

    /// Announce input bytes about to be added, so progress can show a percentage.
    pub fn expect_bytes(&mut self, total: u64) {
        self.bytes_total = self.bytes_done + total;
    }

    /// Add one input: a plain file, or an archive of any depth. Never fails: problems become
    /// diagnostics naming the input, and whatever was read before a problem is kept.
    pub fn add_input<R: Read + Seek>(
        &mut self,
        name: &str,
        size: u64,
        reader: R,
        on_progress: &mut dyn FnMut(&Progress),
    ) {
        let tracker = Rc::new(RefCell::new(Tracker {
            progress: Progress {
                bytes_done: self.bytes_done,
                bytes_total: self.bytes_total.max(self.bytes_done + size),
                files_seen: self.files_seen,
                current: name.to_owned(),
            },
            last_report: self.bytes_done,
            sink: on_progress,
        }));
        let counting = CountingReader {
            inner: reader,
            pos: 0,
            tracker: tracker.clone(),
            _t: Default::default(),
        };
        let mut records = std::mem::take(&mut self.records);
        let mut unrecognized = std::mem::take(&mut self.unrecognized);
        let mut diagnostics = std::mem::take(&mut self.diagnostics);
        let result = {
            let tracker = tracker.clone();
            let mut visit = |path: &str, size: u64, r: &mut dyn Read| -> io::Result<()> {
                {
                    let mut t = tracker.borrow_mut();
                    t.progress.files_seen += 1;
                    t.progress.current = path.to_owned();
                }
                read_file(
                    path,
                    size,
                    r,
                    &mut records,
                    &mut unrecognized,
                    &mut diagnostics,
                )
            };
            vfs::expand(name, size, counting, &mut visit)
        };
        if let Err(e) = result {
            diagnostics.push(Diagnostic::error(name, e.to_string()));
        }
        self.records = records;
        self.unrecognized = unrecognized;
        self.diagnostics = diagnostics;
        let mut t = tracker.borrow_mut();
        // Whatever was not read of a plain input (unrecognised files stop after the sniff) is done.
        self.bytes_done = t.progress.bytes_done.max(self.bytes_done + size);
        t.progress.bytes_done = self.bytes_done;
        self.files_seen = t.progress.files_seen;
        t.report();
    }

    /// Add an in-memory file or archive.
    pub fn add_bytes(&mut self, name: &str, bytes: &[u8]) {
        self.add_input(
            name,
            bytes.len() as u64,
            io::Cursor::new(bytes),
            &mut |_| {},
        );
    }

    /// Forget everything read from under `root` (a run's directory), so a run can be removed
    /// without reloading the rest. Returns how many records were dropped.
    pub fn remove_under(&mut self, root: &str) -> usize {
        let inside = |path: &str| {
            root.is_empty()
                || path == root
                || path
                    .strip_prefix(root)
                    .is_some_and(|rest| rest.starts_with('/'))
        };
        let before = self.records.len();
        self.records.retain(|r| {
            let path = match r {
                Record::Metadata(m) | Record::Config(m) => &m.path,
                Record::Point(p) => &p.source,
                Record::WorkerLog(l) => &l.path,
                Record::NodeConfig(c) => &c.path,
                Record::Scheduler(t) => &t.path,
                Record::P2p(l) => &l.path,
            };
            !inside(path)
        });
        self.unrecognized.retain(|u| !inside(&u.path));
        self.diagnostics.retain(|d| !inside(&d.file));
        before - self.records.len()
    }

    /// The dataset from everything added so far.
    pub fn dataset(&self) -> Dataset {
        let mut ds = discovery::build_dataset(&self.records);
        ds.unrecognized = self.unrecognized.clone();
        ds.diagnostics
            .splice(0..0, self.diagnostics.iter().cloned());
        ds.input_bytes = self.bytes_done;
        ds.files_seen = self.files_seen;
        ds
    }
}

fn read_file(
    path: &str,
    size: u64,
    r: &mut dyn Read,
    records: &mut Vec<Record>,
    unrecognized: &mut Vec<UnrecognizedFile>,
    diagnostics: &mut Vec<Diagnostic>,
) -> io::Result<()> {
    let mut bytes = Vec::with_capacity(SNIFF_BYTES.min(size as usize).max(16));
    (&mut *r).take(SNIFF_BYTES as u64).read_to_end(&mut bytes)?;
    let Some(format) = formats::sniff(path, &bytes) else {
        unrecognized.push(UnrecognizedFile {
            path: path.to_owned(),
            size,
            reason: unrecognized_reason(path, &bytes),
        });
        return Ok(());
    };
    if let Some(mut parser) = format.streaming(path) {
        parser.feed(&bytes);
        let mut chunk = vec![0u8; STREAM_CHUNK];
        loop {
            let n = r.read(&mut chunk)?;
            if n == 0 {
                break;
            }
            parser.feed(&chunk[..n]);
        }
        let mut out = Vec::new();
        match parser.finish(&mut out) {
            Ok(true) => records.extend(out),
            Ok(false) => unrecognized.push(UnrecognizedFile {
                path: path.to_owned(),
                size,
                reason: "log file: no metric, memory or launch-command lines found".into(),
            }),
            Err(e) => {
                let mut d =
                    Diagnostic::error(path, format!("not a valid {} file: {e}", format.name()));
                d.line = e.line();
                diagnostics.push(d);
            }
        }
        return Ok(());
    }
    if size > MAX_PARSED_FILE_BYTES {
        diagnostics.push(Diagnostic::warning(
            path,
            format!(
                "{} file of {size} bytes is too large to parse whole; skipped",
                format.name()
            ),
        ));
        return Ok(());
    }
    r.read_to_end(&mut bytes)?;
    let mut out = Vec::new();
    match format.parse(path, &bytes, &mut out) {
        Ok(()) => records.extend(out),
        Err(e) => {
            let mut d = Diagnostic::error(path, format!("not a valid {} file: {e}", format.name()));
            d.line = e.line();
            diagnostics.push(d);
        }
    }
    Ok(())
}

fn unrecognized_reason(path: &str, head: &[u8]) -> String {
    let name = formats::file_name(path);
    if head.is_empty() {
        "empty file".into()
    } else if name.ends_with(".json") {
        "JSON without benchmark-result or run-metadata keys".into()
    } else if name.ends_with(".out") || name.ends_with(".err") || name.ends_with(".log") {
        "log file: no log format is registered for it".into()
    } else {
        "no registered format recognises this file".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrupt_archive_keeps_earlier_runs_and_names_the_file() {
        let mut ingest = Ingest::new();
        ingest.add_bytes(
            "good/concurrency_4.json",
            br#"{"max_concurrency": 4, "output_throughput": 100.0}"#,
        );
        ingest.add_bytes("bad.tar.gz", &[0x1f, 0x8b, 8, 0, 0, 0]);
        let ds = ingest.dataset();
        assert_eq!(ds.runs.len(), 1);
        assert_eq!(ds.runs[0].points.len(), 1);
        assert!(
            ds.diagnostics
                .iter()
                .any(|d| d.file == "bad.tar.gz" && d.message.contains("corrupt")),
            "{:?}",
            ds.diagnostics
        );
    }

    #[test]
    fn a_run_can_be_removed_without_touching_the_others() {
        let mut ingest = Ingest::new();
        ingest.add_bytes(
            "a/1/concurrency_4.json",
            br#"{"max_concurrency": 4, "output_throughput": 1.0}"#,
        );
        ingest.add_bytes(
            "a/11/concurrency_4.json",
            br#"{"max_concurrency": 4, "output_throughput": 2.0}"#,
        );
        assert_eq!(ingest.dataset().runs.len(), 2);
        assert_eq!(ingest.remove_under("a/1"), 1);
        let ds = ingest.dataset();
        assert_eq!(ds.runs.len(), 1);
        assert_eq!(
            ds.runs[0].root, "a/11",
            "a sibling with the same prefix stays"
        );
    }

    #[test]
    fn progress_reaches_the_total() {
        let mut ingest = Ingest::new();
        let data = vec![b'x'; 3 << 20];
        ingest.expect_bytes(data.len() as u64);
        let mut last = Progress::default();
        ingest.add_input(
            "big.log",
            data.len() as u64,
            io::Cursor::new(&data),
            &mut |p| last = p.clone(),
        );
        assert_eq!(last.bytes_done, last.bytes_total);
        assert_eq!(ingest.dataset().unrecognized.len(), 1);
    }
}
