//! Ingestion: the one entry point that turns inputs into a [`Dataset`], and the top layer of
//! the crate.
//!
//! Callers (the CLI walking directories, the web worker reading dropped `File`s) hand every
//! input to [`Ingest::add_input`] as a `Read + Seek` stream. Archives are expanded as streams by
//! [`vfs`]; each plain file is sniffed from its first bytes and read the way its format asks
//! (whole, streamed, or line by line by every line format that claims it); the rest are listed
//! as unrecognised without being read further. A worker's `.out` and `.err` are merged as they
//! arrive. State accumulates across calls, so a second drop adds to the first, and
//! [`Ingest::dataset`] can be taken at any time: it groups the records (discovery), derives the
//! metrics and runs the scheduler and P2P analyses, caching those per directory until a file of
//! that directory is added or removed.

pub mod saved;
pub mod vfs;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{self, Read, Seek, SeekFrom};
use std::rc::Rc;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::analysis::{health, metrics, p2p, scheduler};
use crate::discovery::{self, Partition};
use crate::formats::{self, Reader, Record, SNIFF_BYTES};
use crate::model::{
    Dataset, Diagnostic, InputLimit, P2pAnalysis, SchedulerAnalysis, Severity, UnrecognizedFile,
    WorkerIdentity,
};
use crate::text::encoding::{bom, Bom, Utf16Decoder};
use crate::text::paths::{file_name, group_by_dir, parent};

/// Files larger than this are not parsed whole (a result JSON this big is not a summary).
pub const MAX_PARSED_FILE_BYTES: u64 = 1 << 30;

/// The same bound for a file whose size is not stated (inflated from a loose `.json.gz`): its
/// buffer grows by doubling, and in the page's wasm memory, which never shrinks, every size it
/// passed through stays allocated, so reading up to N costs about 2 N for good.
pub const MAX_UNSIZED_PARSED_FILE_BYTES: u64 = MAX_PARSED_FILE_BYTES / 4;

/// A `.json`/`.jsonl` object file that no format claims from its first [`SNIFF_BYTES`] is sniffed
/// again with up to this many bytes of it (summary keys after large arrays).
pub const RESNIFF_BYTES: u64 = 64 << 20;

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
    /// Index in `records` of each named worker's log, by [`WorkerLog::worker_key`], so a
    /// worker's second file finds its first without a scan.
    workers: HashMap<(String, WorkerIdentity), usize>,
    /// Analyses per directory of scheduler CSVs / P2P logs, valid until a file of the
    /// directory is added or removed.
    scheduler_cache: RefCell<BTreeMap<String, SchedulerAnalysis>>,
    p2p_cache: RefCell<BTreeMap<String, P2pAnalysis>>,
    unrecognized: Vec<UnrecognizedFile>,
    diagnostics: Vec<Diagnostic>,
    bytes_done: u64,
    bytes_total: u64,
    files_seen: u64,
    /// Saved datasets (`.runlens`) loaded, by file name, merged into [`Ingest::dataset`].
    saved: Vec<(String, Dataset)>,
}

struct Tracker<'p> {
    progress: Progress,
    last_report: u64,
    sink: &'p mut dyn FnMut(&Progress),
}

impl Tracker<'_> {
    fn advance(&mut self, n: u64) {
        self.progress.bytes_done += n;
        // A seek back (a zip's central directory, then its members) lowers `bytes_done`,
        // possibly below the last report.
        if self.progress.bytes_done.saturating_sub(self.last_report) >= PROGRESS_STEP {
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
            t.progress.bytes_done = t.progress.bytes_done.saturating_sub(self.pos - new);
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
        self.add_input_previewing(name, size, reader, on_progress, &mut |_| {});
    }

    /// [`Ingest::add_input`], and while the first input (nothing was added before) of
    /// [`PREVIEW_MIN_INPUT`] bytes or more is read, `on_preview` gets what the results read so far show — runs and points, no worker
    /// logs — as soon as the first result is read and then at most once per
    /// [`PREVIEW_STEP`] bytes when more came: results are small and a page can chart them
    /// while gigabytes of logs are still being parsed.
    pub fn add_input_previewing<R: Read + Seek>(
        &mut self,
        name: &str,
        size: u64,
        mut reader: R,
        on_progress: &mut dyn FnMut(&Progress),
        on_preview: &mut dyn FnMut(Dataset),
    ) {
        if self.add_saved(name, size, &mut reader) {
            self.files_seen += 1;
            self.bytes_done += size;
            on_progress(&Progress {
                bytes_done: self.bytes_done,
                bytes_total: self.bytes_total.max(self.bytes_done),
                files_seen: self.files_seen,
                current: name.to_owned(),
            });
            return;
        }
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
        // New records are gathered, then added one by one (merging a worker's files,
        // invalidating cached analyses).
        let mut records: Vec<Record> = Vec::new();
        let mut unrecognized = std::mem::take(&mut self.unrecognized);
        let mut diagnostics = std::mem::take(&mut self.diagnostics);
        {
            let mut sink = IngestSink {
                tracker: &tracker,
                records: &mut records,
                unrecognized: &mut unrecognized,
                diagnostics: &mut diagnostics,
                // Only a first load: a preview of a later one would hide the logs already shown.
                preview: (size >= PREVIEW_MIN_INPUT
                    && self.records.is_empty()
                    && self.saved.is_empty())
                .then_some(Preview {
                    on_preview,
                    points: 0,
                    counted: 0,
                    scanned: 0,
                    at_bytes: None,
                }),
            };
            vfs::expand(name, size, counting, &mut sink);
        }
        for r in records {
            self.add_record(r);
        }
        self.unrecognized = unrecognized;
        self.diagnostics = diagnostics;
        let mut t = tracker.borrow_mut();
        // Whatever was not read of a plain input (unrecognised files stop after the sniff) is done.
        self.bytes_done = t.progress.bytes_done.max(self.bytes_done + size);
        t.progress.bytes_done = self.bytes_done;
        self.files_seen = t.progress.files_seen;
        t.report();
    }

    /// A saved dataset (`.runlens`, known by its first line) is loaded whole and kept beside the
    /// parsed files; `false` (reader rewound) for anything else.
    fn add_saved<R: Read + Seek>(&mut self, name: &str, size: u64, reader: &mut R) -> bool {
        let mut head = [0u8; saved::SAVED_MAGIC.len()];
        let n = vfs::read_up_to(reader, &mut head).unwrap_or(0);
        if reader.seek(SeekFrom::Start(0)).is_err() || !saved::is_saved_dataset(&head[..n]) {
            return false;
        }
        let mut bytes = Vec::with_capacity(size.min(1 << 30) as usize);
        let loaded = reader
            .read_to_end(&mut bytes)
            .map_err(|e| saved::SavedError::Damaged(e.to_string()))
            .and_then(|_| saved::load_dataset(&bytes));
        match loaded {
            Ok(ds) => {
                self.saved.retain(|(n, _)| n != name);
                self.saved.push((name.to_owned(), ds));
            }
            Err(e) => self
                .diagnostics
                .push(Diagnostic::error(name, e.to_string())),
        }
        true
    }

    /// Take in everything `other` read, as if its inputs had been added here after the
    /// inputs already added: records in their order (a worker's files joined), unrecognised
    /// files, diagnostics and saved datasets appended, bytes and files counted. Lets a caller
    /// read independent inputs into separate `Ingest`s (on threads, say) and merge them in
    /// input order with the same dataset as reading them one after another.
    pub fn absorb(&mut self, other: Ingest) {
        let Ingest {
            records,
            unrecognized,
            diagnostics,
            bytes_done,
            files_seen,
            saved,
            ..
        } = other;
        for r in records {
            self.add_record(r);
        }
        self.unrecognized.extend(unrecognized);
        self.diagnostics.extend(diagnostics);
        for (name, ds) in saved {
            self.saved.retain(|(n, _)| *n != name);
            self.saved.push((name, ds));
        }
        self.bytes_done += bytes_done;
        self.bytes_total = self.bytes_total.max(self.bytes_done);
        self.files_seen += files_seen;
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

    /// Keep one record: a worker log joins an earlier file of the same worker (`.out` and
    /// `.err`), the smaller path first; scheduler and P2P records invalidate their directory's
    /// cached analysis.
    fn add_record(&mut self, record: Record) {
        match record {
            Record::WorkerLog(mut log) => {
                let key = log
                    .worker_key()
                    .map(|(dir, id)| (dir.to_owned(), id.clone()));
                let existing = key.as_ref().and_then(|k| self.workers.get(k)).copied();
                match existing.map(|i| &mut self.records[i]) {
                    Some(Record::WorkerLog(base)) => {
                        if log.path < base.path {
                            std::mem::swap(base, &mut log);
                        }
                        let other = Arc::try_unwrap(log).unwrap_or_else(|l| (*l).clone());
                        Arc::make_mut(base).merge(other);
                    }
                    _ => {
                        if let Some(k) = key {
                            self.workers.insert(k, self.records.len());
                        }
                        self.records.push(Record::WorkerLog(log));
                    }
                }
            }
            Record::Scheduler(t) => {
                self.scheduler_cache.get_mut().remove(parent(&t.path));
                self.records.push(Record::Scheduler(t));
            }
            Record::P2p(l) => {
                self.p2p_cache.get_mut().remove(parent(&l.path));
                self.records.push(Record::P2p(l));
            }
            other => self.records.push(other),
        }
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
        self.records.retain(|r| !inside(r.path()));
        self.workers = self
            .records
            .iter()
            .enumerate()
            .filter_map(|(i, r)| match r {
                Record::WorkerLog(l) => l
                    .worker_key()
                    .map(|(dir, id)| ((dir.to_owned(), id.clone()), i)),
                _ => None,
            })
            .collect();
        self.unrecognized.retain(|u| !inside(&u.path));
        self.diagnostics.retain(|d| !inside(&d.file));
        self.scheduler_cache.get_mut().retain(|dir, _| !inside(dir));
        self.saved.retain(|(name, _)| !inside(name));
        for (_, ds) in &mut self.saved {
            saved::remove_where(ds, inside);
        }
        self.p2p_cache.get_mut().retain(|dir, _| !inside(dir));
        before - self.records.len()
    }

    /// The dataset from everything added so far: records grouped into runs, derived metrics,
    /// and one scheduler / P2P analysis per directory (cached).
    pub fn dataset(&self) -> Dataset {
        let records = Partition::of(&self.records);
        let mut ds = discovery::build_dataset(&records);
        for t in &records.scheduler {
            ds.diagnostics.extend(t.problems.iter().cloned());
        }
        ds.scheduler = cached_per_dir(
            &self.scheduler_cache,
            &records.scheduler,
            |t| &t.path,
            scheduler::analyse,
        );
        scheduler::lend_request_rows(&mut ds);
        metrics::derive_all(&mut ds.runs);
        discovery::plausible::flag_implausible(&mut ds.runs);
        health::attach_sample_findings(&mut ds);
        ds.p2p = cached_per_dir(&self.p2p_cache, &records.p2p, |l| &l.path, p2p::analyse);
        ds.unrecognized = self.unrecognized.clone();
        ds.diagnostics
            .splice(0..0, self.diagnostics.iter().cloned());
        ds.input_bytes = self.bytes_done;
        ds.files_seen = self.files_seen;
        for (_, other) in &self.saved {
            saved::merge_into(&mut ds, other);
        }
        ds.input_bytes = self.bytes_done;
        ds
    }
}

/// Inputs smaller than this are read whole before anything is shown (they take well under a
/// second).
pub const PREVIEW_MIN_INPUT: u64 = 16 << 20;
/// Input bytes between two previews.
pub const PREVIEW_STEP: u64 = 64 << 20;

/// Where the archive layer's files, forgets and problems go during one [`Ingest::add_input`].
struct IngestSink<'a, 'p> {
    tracker: &'a Rc<RefCell<Tracker<'p>>>,
    records: &'a mut Vec<Record>,
    unrecognized: &'a mut Vec<UnrecognizedFile>,
    diagnostics: &'a mut Vec<Diagnostic>,
    preview: Option<Preview<'a>>,
}

/// Previews of a long first input (nothing was held before it).
struct Preview<'a> {
    on_preview: &'a mut dyn FnMut(Dataset),
    /// Result points the last preview had.
    points: usize,
    /// Points among the new records scanned so far, and how many were scanned.
    counted: usize,
    scanned: usize,
    /// Input bytes done at the last preview.
    at_bytes: Option<u64>,
}

impl Preview<'_> {
    /// Send a preview when results arrived since the last one and it is due.
    fn offer(&mut self, new: &[Record], bytes_done: u64) {
        let due = self
            .at_bytes
            .is_none_or(|at| bytes_done.saturating_sub(at) >= PREVIEW_STEP);
        if !due {
            return;
        }
        // Counted incrementally: a 200 000-member archive must not count its records again
        // for each member.
        self.counted += new
            .get(self.scanned..)
            .unwrap_or(&[])
            .iter()
            .filter(|r| matches!(r, Record::Point(_)))
            .count();
        self.scanned = new.len();
        if self.counted <= self.points {
            return;
        }
        self.points = self.counted;
        self.at_bytes = Some(bytes_done);
        // Everything but the big per-log records: runs, points, metadata and configurations.
        let records: Vec<Record> = new
            .iter()
            .filter(|r| {
                !matches!(
                    r,
                    Record::WorkerLog(_) | Record::Scheduler(_) | Record::P2p(_)
                )
            })
            .cloned()
            .collect();
        let mut ds = discovery::build_dataset(&Partition::of(&records));
        metrics::derive_all(&mut ds.runs);
        discovery::plausible::flag_implausible(&mut ds.runs);
        (self.on_preview)(ds);
    }
}

impl vfs::Sink for IngestSink<'_, '_> {
    fn file(&mut self, path: &str, size: u64, r: &mut dyn Read) -> io::Result<()> {
        {
            let mut t = self.tracker.borrow_mut();
            t.progress.files_seen += 1;
            t.progress.current = path.to_owned();
        }
        read_file(
            path,
            size,
            r,
            self.records,
            self.unrecognized,
            self.diagnostics,
        )?;
        if let Some(p) = &mut self.preview {
            let done = self.tracker.borrow().progress.bytes_done;
            p.offer(self.records, done);
        }
        Ok(())
    }

    fn forget(&mut self, path: &str) {
        let inside = |p: &str| {
            p == path
                || p.strip_prefix(path)
                    .is_some_and(|rest| rest.starts_with('/'))
        };
        self.records.retain(|r| !inside(r.path()));
        self.unrecognized.retain(|u| !inside(&u.path));
        self.diagnostics.retain(|d| !inside(&d.file));
    }

    fn problem(&mut self, path: &str, error: crate::model::InputError) {
        let message = error.to_string();
        self.diagnostics.push(match error.severity() {
            crate::model::Severity::Warning => Diagnostic::warning(path, message),
            _ => Diagnostic::error(path, message),
        });
    }
}

/// One analysis per directory of `items`, reused from `cache` when its directory did not change.
fn cached_per_dir<T, A: Clone>(
    cache: &RefCell<BTreeMap<String, A>>,
    items: &[&T],
    path_of: impl Fn(&T) -> &str,
    analyse: impl Fn(&str, &[&T]) -> A,
) -> Vec<A> {
    let mut cache = cache.borrow_mut();
    let groups = group_by_dir(items, path_of);
    let dirs: BTreeSet<&String> = groups.keys().collect();
    cache.retain(|dir, _| dirs.contains(dir));
    groups
        .iter()
        .map(|(dir, items)| {
            cache
                .entry(dir.clone())
                .or_insert_with(|| analyse(dir, items))
                .clone()
        })
        .collect()
}

/// Reads UTF-16 as UTF-8, through [`Utf16Decoder`].
struct Utf16Reader<R> {
    inner: R,
    decoder: Utf16Decoder,
    decoded: Vec<u8>,
    at: usize,
    done: bool,
}

impl<R: Read> Read for Utf16Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.decoded.len() && !self.done {
            self.decoded.clear();
            self.at = 0;
            let mut raw = [0u8; 16 << 10];
            let n = self.inner.read(&mut raw)?;
            if n == 0 {
                self.decoder.finish(&mut self.decoded);
                self.done = true;
            } else {
                self.decoder.feed(&raw[..n], &mut self.decoded);
            }
        }
        let n = buf.len().min(self.decoded.len() - self.at);
        buf[..n].copy_from_slice(&self.decoded[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Read one file: a UTF-8 byte-order mark is skipped and UTF-16 decoded (with a diagnostic
/// naming the encoding) before the file is sniffed and parsed.
fn read_file(
    path: &str,
    size: u64,
    r: &mut dyn Read,
    records: &mut Vec<Record>,
    unrecognized: &mut Vec<UnrecognizedFile>,
    diagnostics: &mut Vec<Diagnostic>,
) -> io::Result<()> {
    let mut mark = Vec::with_capacity(3);
    (&mut *r).take(3).read_to_end(&mut mark)?;
    match bom(&mark) {
        None => {
            let mut r = io::Cursor::new(mark).chain(r);
            read_plain(path, size, &mut r, records, unrecognized, diagnostics)
        }
        Some(Bom::Utf8) => read_plain(
            path,
            size.saturating_sub(3),
            r,
            records,
            unrecognized,
            diagnostics,
        ),
        Some(b) => {
            let mut d = Diagnostic::limit(
                path,
                InputLimit::Encoding {
                    encoding: b.name().to_owned(),
                },
            );
            d.severity = Severity::Info;
            diagnostics.push(d);
            let mut r = Utf16Reader {
                inner: io::Cursor::new(mark.split_off(2)).chain(r),
                decoder: Utf16Decoder::new(b == Bom::Utf16Le),
                decoded: Vec::new(),
                at: 0,
                done: false,
            };
            read_plain(path, size, &mut r, records, unrecognized, diagnostics)
        }
    }
}

fn read_plain(
    path: &str,
    size: u64,
    r: &mut dyn Read,
    records: &mut Vec<Record>,
    unrecognized: &mut Vec<UnrecognizedFile>,
    diagnostics: &mut Vec<Diagnostic>,
) -> io::Result<()> {
    let mut bytes = Vec::with_capacity(SNIFF_BYTES.min(size as usize).max(16));
    (&mut *r).take(SNIFF_BYTES as u64).read_to_end(&mut bytes)?;
    let mut found = formats::reader_for(path, &bytes);
    if found.is_none() && bytes.len() == SNIFF_BYTES && json_object_file(path, &bytes) {
        // A JSON object whose telling keys come after its first 4 KiB (sorted keys put
        // per-request arrays first): sniff again with the whole file, up to a bound.
        (&mut *r).take(RESNIFF_BYTES).read_to_end(&mut bytes)?;
        found = formats::reader_for(path, &bytes);
    }
    let Some((format, reader)) = found else {
        unrecognized.push(UnrecognizedFile {
            path: path.to_owned(),
            size,
            reason: unrecognized_reason(path, &bytes),
        });
        return Ok(());
    };
    let failed = |e: crate::model::FormatError| {
        let mut d = Diagnostic::error(path, format!("not a valid {} file: {e}", format.name()));
        d.line = e.line();
        if let crate::model::FormatError::Limit { limit, .. } = &e {
            d.limit = Some(limit.clone());
        }
        d
    };
    let mut parser = match reader {
        Reader::Stream(p) => p,
        Reader::Lines(e) => Box::new(formats::LinePass::new(path, vec![e])),
        Reader::Whole => {
            let too_large = |what: String| {
                Diagnostic::warning(
                    path,
                    format!(
                        "{} file of {what} is too large to parse whole; skipped",
                        format.name()
                    ),
                )
            };
            // A stated size over the bound is skipped unread; the read itself is bounded too,
            // since a member inflated from a stream (a loose `.json.gz`) states only its
            // compressed size.
            if size > MAX_PARSED_FILE_BYTES {
                diagnostics.push(too_large(format!("{size} bytes")));
                return Ok(());
            }
            // A stated size is reserved at once (no doubling past it); a stream grows.
            let _ = bytes.try_reserve_exact((size as usize).saturating_sub(bytes.len()));
            let bound = if size == 0 {
                MAX_UNSIZED_PARSED_FILE_BYTES
            } else {
                MAX_PARSED_FILE_BYTES
            };
            if vfs::read_capped(r, &mut bytes, bound)? {
                diagnostics.push(too_large(format!("more than {bound} bytes (decompressed)")));
                return Ok(());
            }
            let mut out = Vec::new();
            match format.parse(path, &bytes, &mut out) {
                Ok(()) => records.extend(out),
                Err(crate::model::FormatError::NothingToRead(what)) => {
                    unrecognized.push(UnrecognizedFile {
                        path: path.to_owned(),
                        size,
                        reason: format!("{}: {what}", format.name()),
                    })
                }
                Err(e) => diagnostics.push(failed(e)),
            }
            return Ok(());
        }
    };
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
        Err(e) => diagnostics.push(failed(e)),
    }
    Ok(())
}

/// A file named `.json`/`.jsonl` whose first non-blank byte opens an object.
fn json_object_file(path: &str, head: &[u8]) -> bool {
    (path.ends_with(".json") || path.ends_with(".jsonl"))
        && head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}

fn unrecognized_reason(path: &str, head: &[u8]) -> String {
    let name = file_name(path);
    if head.is_empty() {
        "empty file".into()
    } else if name.starts_with("profile_export") && name.ends_with(".jsonl") {
        "AIPerf per-request records: the run's point is read from profile_export_aiperf.json".into()
    } else if name.starts_with("profile_export_aiperf")
        && (name.contains("timeslice") || parent(path).ends_with("timeslices"))
    {
        "AIPerf time-slice export (windows of one run), not a benchmark point".into()
    } else if name == "phase_manifest.json" {
        "AIPerf phase manifest: the phases' own profile_export_aiperf files are read".into()
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
    use crate::model::Service;

    /// Found by fuzzing `ingest_add_bytes` (a zip read past a progress report, then sought
    /// back): `bytes_done - last_report` overflowed.
    #[test]
    fn progress_survives_a_seek_back_past_its_last_report() {
        let mut reports = Vec::new();
        let mut sink = |p: &Progress| reports.push(p.bytes_done);
        let tracker = Rc::new(RefCell::new(Tracker {
            progress: Progress::default(),
            last_report: 0,
            sink: &mut sink,
        }));
        let data = vec![0u8; 3 * PROGRESS_STEP as usize];
        let mut r = CountingReader {
            inner: io::Cursor::new(&data[..]),
            pos: 0,
            tracker: tracker.clone(),
            _t: std::marker::PhantomData,
        };
        let mut buf = vec![0u8; 2 * PROGRESS_STEP as usize];
        r.read_exact(&mut buf).unwrap();
        r.seek(SeekFrom::Start(10)).unwrap();
        r.read_exact(&mut buf[..10]).unwrap();
        assert_eq!(tracker.borrow().progress.bytes_done, 20);
        drop(r);
        drop(tracker);
        assert_eq!(reports, [2 * PROGRESS_STEP]);
    }

    /// Synthetic AIPerf trees shaped after its exporters (no public sample exists).
    #[test]
    fn aiperf_phase_and_trial_trees_give_one_point_per_concurrency() {
        let summary = |tps: f64, conc: u32| {
            format!(
                r#"{{"aiperf_version": "1.0", "output_token_throughput": {{"unit": "tokens/sec", "avg": {tps}}},
                    "input_config": {{"loadgen": {{"concurrency": {conc}}}}}}}"#
            )
        };
        let mut ingest = Ingest::new();
        // Multi-phase: the root export repeats its one profiling phase; warm-up is no point.
        ingest.add_bytes("mp/profile_export_aiperf.json", summary(10.0, 8).as_bytes());
        ingest.add_bytes(
            "mp/phases/profiling/profile_export_aiperf.json",
            summary(11.0, 8).as_bytes(),
        );
        ingest.add_bytes(
            "mp/phases/warmup/profile_export_aiperf.json",
            summary(1.0, 2).as_bytes(),
        );
        ingest.add_bytes(
            "mp/phase_manifest.json",
            br#"{"schema_version": 1, "phases": []}"#,
        );
        // Repeated trials: the confidence aggregate's mean wins over each trial.
        for (t, tps) in [(1, 90.0), (2, 110.0)] {
            ingest.add_bytes(
                &format!("rep/profile_runs/trial_000{t}/concurrency_4/profile_export_aiperf.json"),
                summary(tps, 4).as_bytes(),
            );
        }
        ingest.add_bytes(
            "rep/aggregate/concurrency_4/profile_export_aiperf_aggregate.json",
            br#"{"metadata": {"aggregation_type": "confidence", "num_successful_runs": 2},
                 "metrics": {"output_token_throughput_avg": {"mean": 100.0, "ci_low": 0.0, "ci_high": 227.0,
                   "t_critical": 12.7, "unit": "tokens/sec"}}}"#,
        );
        ingest.add_bytes(
            "rep/profile_export_aiperf_timeslices.json",
            br#"{"timeslices": []}"#,
        );
        let ds = ingest.dataset();
        let got = |root: &str| -> Vec<_> {
            let run = ds.runs.iter().find(|r| r.root == root).unwrap();
            run.points
                .iter()
                .map(|p| (p.concurrency, p.output_throughput, p.tool.clone()))
                .collect()
        };
        assert_eq!(
            got("mp"),
            vec![(Some(8), Some(11.0), "aiperf-phase-json".into())]
        );
        assert_eq!(
            got("rep"),
            vec![(Some(4), Some(100.0), "aiperf-aggregate-json".into())]
        );
        assert_eq!(ds.runs.len(), 2);
        assert!(ds.diagnostics.is_empty(), "{:?}", ds.diagnostics);
        let reasons: Vec<_> = ds.unrecognized.iter().map(|u| u.reason.as_str()).collect();
        assert_eq!(reasons.len(), 2, "{reasons:?}");
        assert!(reasons.iter().any(|r| r.contains("time-slice")));
        assert!(reasons.iter().any(|r| r.contains("phase manifest")));
    }

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
                .any(|d| d.file == "bad.tar.gz" && d.message.contains("truncated")),
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
    fn out_and_err_of_one_worker_are_merged() {
        let mut ingest = Ingest::new();
        // The `.out` arrives first; the merged worker is still named by its `.err`.
        ingest.add_bytes("3667_1P_4D_20251110_192145/cn01_decode_w0.out", b"+ python3 -m dynamo.sglang --tp-size 4 --dp-size 2\n[2025-11-10 19:30:01 TP0] Decode batch, #running-req: 2, gen throughput (token/s): 6.0\n");
        ingest.add_bytes("3667_1P_4D_20251110_192145/cn01_decode_w0.err", b"[2025-11-10 19:30:00 TP0] Decode batch, #running-req: 1, gen throughput (token/s): 5.0\n");
        ingest.add_bytes("3667_1P_4D_20251110_192145/cn02_prefill_w0.err", b"[2025-11-10 19:29:58 TP0] Prefill batch, #new-seq: 1, input throughput (token/s): 9.0\n");
        let ds = ingest.dataset();
        assert_eq!(ds.worker_logs.len(), 2);
        let decode = ds
            .worker_logs
            .iter()
            .find(|l| l.log.identity.service == Service::Decode)
            .unwrap();
        assert!(decode.log.path.ends_with(".err"));
        assert_eq!(decode.log.sample_count(), 2);
        assert_eq!(decode.log.merged_paths.len(), 1);
        assert_eq!(
            (decode.log.parallelism.tp, decode.log.parallelism.dp),
            (Some(4), Some(2))
        );
        let topology = ds.node_services("3667_1P_4D_20251110_192145");
        assert_eq!(topology.len(), 2);
        assert_eq!(topology[0], ("cn01".to_owned(), vec![Service::Decode]));
        // Both workers share the run's time origin: the prefill line two seconds earlier.
        let start = decode.run_start_s.unwrap();
        assert_eq!(decode.log.series[0].time_s[0] - start, 2.0);
        // The dataset shares the parsed log with the ingest: no copy of the samples.
        let again = ingest.dataset();
        let decode2 = again
            .worker_logs
            .iter()
            .find(|l| l.log.identity.service == Service::Decode)
            .unwrap();
        assert!(Arc::ptr_eq(&decode.log, &decode2.log));
    }

    #[test]
    fn a_worker_removed_and_added_again_is_merged_again() {
        let mut ingest = Ingest::new();
        let line = b"[2025-11-10 19:30:00 TP0] Decode batch, #running-req: 1, gen throughput (token/s): 5.0\n";
        ingest.add_bytes("a/cn01_prefill_w0.err", line);
        ingest.add_bytes("r/cn01_decode_w0.err", line);
        ingest.remove_under("a");
        ingest.add_bytes("r/cn01_decode_w0.out", line);
        let ds = ingest.dataset();
        assert_eq!(ds.worker_logs.len(), 1, "the index follows the removal");
        assert_eq!(ds.worker_logs[0].log.sample_count(), 2);
        // Loose logs of the same directory stay separate.
        ingest.add_bytes("r/server.log", line);
        ingest.add_bytes("r/other.log", line);
        assert_eq!(ingest.dataset().worker_logs.len(), 3);
    }

    #[test]
    fn scheduler_analyses_are_cached_per_directory_until_it_changes() {
        let mut ingest = Ingest::new();
        ingest.add_bytes(
            "a/per_request.csv",
            b"request_id,arrival_time,completion_time,e2e_latency\nr1,0,1000000,1000000\n",
        );
        ingest.add_bytes(
            "b/per_request.csv",
            b"request_id,arrival_time,completion_time,e2e_latency\nr1,0,2000000,2000000\n",
        );
        let first = ingest.dataset();
        assert_eq!(first.scheduler.len(), 2);
        assert_eq!(ingest.scheduler_cache.borrow().len(), 2);
        ingest.add_bytes(
            "b/per_iteration.csv",
            b"iteration_id,start_time,end_time,batch_size\n1,0,10,4\n",
        );
        assert_eq!(
            ingest.scheduler_cache.borrow().len(),
            1,
            "only b is recomputed"
        );
        let second = ingest.dataset();
        let json = |a: &SchedulerAnalysis| serde_json::to_string(a).unwrap();
        assert_eq!(json(&second.scheduler[0]), json(&first.scheduler[0]));
        assert_eq!(second.scheduler[1].files.len(), 2);
        ingest.remove_under("a");
        assert_eq!(ingest.dataset().scheduler.len(), 1);
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
