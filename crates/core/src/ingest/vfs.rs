//! The virtual file tree: every input (a dropped file, a native file, an archive member) becomes
//! `(path, size, byte stream)` handed to a [`Sink`], one file at a time.
//!
//! Archives (`.tar`, `.zip`) and compressed streams (gzip, zstd, xz: `.tar.gz`/`.tgz`,
//! `.tar.zst`/`.tzst`, `.tar.xz`/`.txz`, `x.json.gz`, …), also nested inside each other, are
//! recognised by their magic bytes (or, failing that, their name) and expanded as streams: a
//! `.tar.zst` is decoded and walked entry by entry, never held whole in memory. Zip needs random
//! access, which the caller's `Read + Seek` gives at top level; a zip nested inside another
//! archive is buffered (one member, at most [`MAX_BUFFERED_ZIP_BYTES`]).
//!
//! Hostile input is bounded, each guard by a named limit ([`Limits`]) and reported as a typed
//! [`InputError`] naming the file, what was read before the limit kept:
//! nesting deeper than [`MAX_NESTING_DEPTH`] is not opened; more than [`MAX_ARCHIVE_ENTRIES`]
//! members stop the input; a member over [`MAX_MEMBER_BYTES`] is skipped; an input that
//! inflates to more than [`MAX_EXPANSION_RATIO`] times the bytes read of it (past
//! [`RATIO_FREE_BYTES`]) stops as a decompression bomb; a zstd window over
//! [`MAX_ZSTD_WINDOW_BYTES`] or an xz dictionary over [`MAX_XZ_MEMORY_KIB`] is refused before it
//! is allocated. Checksums are verified (gzip CRC-32,
//! zstd frame checksum, xz block checks, zip CRC-32 per member; the end of a compressed tar is
//! read to reach its trailer): what a failed checksum covers is forgotten ([`Sink::forget`]),
//! not trusted. Hard-linked tar members are read from their target's bytes (members up to
//! [`LINK_CACHE_MEMBER_BYTES`] are kept for that); a path met twice keeps its last copy.
//!
//! Nesting is recursive, bounded by the depth limit (each archive or compression layer is one
//! level), so a tar nested 5 000 deep stops at level 16 in constant stack.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Cursor, Read, Seek};
use std::rc::Rc;

use flate2::read::MultiGzDecoder;

use crate::model::InputError;

/// Archive and compression layers one input may nest (a `.tar.gz` is two).
pub const MAX_NESTING_DEPTH: usize = 16;
/// Archive members (tar entries of any type, zip entries) in one input, at all depths.
pub const MAX_ARCHIVE_ENTRIES: u64 = 200_000;
/// Bytes of one archive member.
pub const MAX_MEMBER_BYTES: u64 = 8 << 30;
/// Decompressed bytes (summed over every layer) may be this many times the bytes read of the
/// input…
pub const MAX_EXPANSION_RATIO: u64 = 250;
/// …once past this many decompressed bytes.
pub const RATIO_FREE_BYTES: u64 = 256 << 20;
/// A zip inside another archive is buffered to be read; at most this many bytes.
pub const MAX_BUFFERED_ZIP_BYTES: u64 = 512 << 20;
/// Tar members up to this size are kept while their archive is read, for hard links to them…
pub const LINK_CACHE_MEMBER_BYTES: u64 = 1 << 20;
/// …up to this many bytes in all, per tar.
pub const LINK_CACHE_BYTES: u64 = 16 << 20;
/// Bytes read past the end of a compressed tar to reach its checksum.
pub const MAX_TRAILER_BYTES: u64 = 1 << 20;
/// Largest zstd window accepted (zstd `--long=27`, `--ultra -22`).
pub const MAX_ZSTD_WINDOW_BYTES: u64 = 128 << 20;
/// Largest xz decoder memory accepted, in KiB (`xz -9` needs about 65 MiB).
pub const MAX_XZ_MEMORY_KIB: u32 = 256 << 10;

/// The guards, the constants above by default (tests use small ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub nesting_depth: usize,
    pub entries: u64,
    pub member_bytes: u64,
    pub expansion_ratio: u64,
    pub ratio_free_bytes: u64,
    pub buffered_zip_bytes: u64,
    pub link_cache_member_bytes: u64,
    pub link_cache_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            nesting_depth: MAX_NESTING_DEPTH,
            entries: MAX_ARCHIVE_ENTRIES,
            member_bytes: MAX_MEMBER_BYTES,
            expansion_ratio: MAX_EXPANSION_RATIO,
            ratio_free_bytes: RATIO_FREE_BYTES,
            buffered_zip_bytes: MAX_BUFFERED_ZIP_BYTES,
            link_cache_member_bytes: LINK_CACHE_MEMBER_BYTES,
            link_cache_bytes: LINK_CACHE_BYTES,
        }
    }
}

/// How an input is to be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Tar,
    Zip,
    /// A gzip stream: a `.tar.gz`, or one compressed file (`x.log.gz`).
    Gzip,
    Zstd,
    Xz,
    Plain,
}

impl InputKind {
    pub fn label(self) -> &'static str {
        match self {
            InputKind::Tar => "tar",
            InputKind::Zip => "zip",
            InputKind::Gzip => "gzip",
            InputKind::Zstd => "zstd",
            InputKind::Xz => "xz",
            InputKind::Plain => "plain",
        }
    }
}

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];
const ZSTD_MAGIC: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];
const XZ_MAGIC: &[u8] = &[0xfd, b'7', b'z', b'X', b'Z', 0];

/// Name endings of compressed streams, and what the name is once decompressed.
const COMPRESSED_SUFFIXES: [(&str, &str, InputKind); 9] = [
    (".tar.gz", ".tar", InputKind::Gzip),
    (".tgz", ".tar", InputKind::Gzip),
    (".gz", "", InputKind::Gzip),
    (".tar.zst", ".tar", InputKind::Zstd),
    (".tzst", ".tar", InputKind::Zstd),
    (".zst", "", InputKind::Zstd),
    (".tar.xz", ".tar", InputKind::Xz),
    (".txz", ".tar", InputKind::Xz),
    (".xz", "", InputKind::Xz),
];

/// Decide from the file name and its first bytes (at least 262 when available): magic bytes
/// first, the name when none matches.
pub fn input_kind(name: &str, head: &[u8]) -> InputKind {
    let lower = name.to_ascii_lowercase();
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        InputKind::Zip
    } else if head.starts_with(GZIP_MAGIC) {
        InputKind::Gzip
    } else if head.starts_with(ZSTD_MAGIC) {
        InputKind::Zstd
    } else if head.starts_with(XZ_MAGIC) {
        InputKind::Xz
    } else if head.len() >= 262 && &head[257..262] == b"ustar" {
        InputKind::Tar
    } else if let Some(&(_, _, kind)) = COMPRESSED_SUFFIXES
        .iter()
        .find(|(suffix, _, _)| lower.ends_with(suffix))
    {
        kind
    } else if lower.ends_with(".tar") {
        InputKind::Tar
    } else if lower.ends_with(".zip") {
        InputKind::Zip
    } else {
        InputKind::Plain
    }
}

/// The name of a compressed file once decompressed: `a.tar.zst` and `a.tzst` → `a.tar`,
/// `x.log.gz` → `x.log`; a name without such an ending is kept.
pub fn decompressed_name(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    COMPRESSED_SUFFIXES
        .iter()
        .find(|(suffix, _, _)| lower.ends_with(suffix) && name.len() > suffix.len())
        .map_or_else(
            || name.to_owned(),
            |(suffix, becomes, _)| {
                let stem = name.get(..name.len() - suffix.len()).unwrap_or(name);
                format!("{stem}{becomes}")
            },
        )
}

/// Whether a name looks like an archive or compressed stream worth expanding.
pub fn is_archive_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".tar")
        || lower.ends_with(".zip")
        || COMPRESSED_SUFFIXES
            .iter()
            .any(|(s, _, _)| lower.ends_with(s))
}

/// What expansion hands its caller.
pub trait Sink {
    /// One plain file. An error means the file could not be read in full: nothing from it is
    /// to be kept.
    fn file(&mut self, path: &str, size: u64, r: &mut dyn Read) -> io::Result<()>;
    /// Forget everything read from `path` and from below `path/` (a failed checksum covers
    /// it, or a later copy of the member replaces it).
    fn forget(&mut self, path: &str);
    /// A problem with `path`; [`InputError::severity`] says how bad.
    fn problem(&mut self, path: &str, error: InputError);
}

/// Expand one top-level input into plain files with the default [`Limits`].
pub fn expand<R: Read + Seek>(name: &str, size: u64, reader: R, sink: &mut dyn Sink) {
    expand_with(name, size, reader, sink, Limits::default());
}

/// Expand one top-level input into plain files. Never fails: problems go to the sink.
pub fn expand_with<R: Read + Seek>(
    name: &str,
    size: u64,
    reader: R,
    sink: &mut dyn Sink,
    limits: Limits,
) {
    let read = Rc::new(Cell::new(0u64));
    let mut reader = Counted {
        inner: reader,
        read: read.clone(),
    };
    let budget = Budget {
        limits,
        entries: Cell::new(0),
        inflated: Cell::new(0),
        read,
        hit: RefCell::new(None),
    };
    let mut walk = Walk {
        sink,
        budget: &budget,
    };
    let mut head = [0u8; 512];
    let sniffed = read_up_to(&mut reader, &mut head)
        .and_then(|n| reader.seek(io::SeekFrom::Start(0)).map(|_| n));
    match sniffed {
        Err(e) => walk.sink.problem(name, InputError::Io(e.to_string())),
        Ok(n) => {
            let result = match input_kind(name, &head[..n]) {
                InputKind::Zip => walk.zip(name, reader, 1).map(|()| Outcome::done()),
                _ => walk.stream(name, name, size, &mut reader, 0),
            };
            if let Ok(Outcome {
                failed: Some(e), ..
            }) = result
            {
                walk.sink.problem(name, InputError::Io(e.to_string()));
            }
        }
    }
    if let Some((path, e)) = budget.hit.take() {
        sink.problem(&path, e);
    }
}

/// A guard of the whole input was hit ([`Budget::hit`]): stop everything.
struct Stop;

/// How a stream was read.
struct Outcome {
    kind: InputKind,
    /// Reading failed below this point (the bytes of this stream could not be read).
    failed: Option<io::Error>,
}

impl Outcome {
    fn done() -> Self {
        Self {
            kind: InputKind::Plain,
            failed: None,
        }
    }
}

/// Counts shared by every layer of one input.
struct Budget {
    limits: Limits,
    entries: Cell<u64>,
    inflated: Cell<u64>,
    /// Bytes read from the top-level input.
    read: Rc<Cell<u64>>,
    /// The first guard hit, with the path it was hit at.
    hit: RefCell<Option<(String, InputError)>>,
}

impl Budget {
    fn halted(&self) -> bool {
        self.hit.borrow().is_some()
    }

    fn halt(&self, path: &str, e: InputError) {
        let mut hit = self.hit.borrow_mut();
        if hit.is_none() {
            *hit = Some((path.to_owned(), e));
        }
    }

    fn entry(&self, path: &str) -> Result<(), Stop> {
        let n = self.entries.get() + 1;
        self.entries.set(n);
        if n > self.limits.entries {
            self.halt(
                path,
                InputError::TooManyEntries {
                    limit: self.limits.entries,
                },
            );
            return Err(Stop);
        }
        Ok(())
    }

    /// `n` more decompressed bytes; an error once the input looks like a bomb.
    fn inflate(&self, n: usize, path: &str) -> io::Result<()> {
        let total = self.inflated.get() + n as u64;
        self.inflated.set(total);
        let read = self.read.get();
        let allowed = self
            .limits
            .ratio_free_bytes
            .max(read.saturating_mul(self.limits.expansion_ratio));
        if total > allowed {
            self.halt(
                path,
                InputError::ExpansionRatio {
                    inflated: total,
                    compressed: read,
                    ratio: self.limits.expansion_ratio,
                },
            );
            return Err(io::Error::other("decompression bomb guard"));
        }
        Ok(())
    }
}

struct Walk<'s, 'b> {
    sink: &'s mut dyn Sink,
    budget: &'b Budget,
}

impl<'b> Walk<'_, 'b> {
    /// Read one stream: `path` names its members if it is an archive, `inner` (its name once
    /// decompressed) names it if it is a plain file.
    fn stream(
        &mut self,
        path: &str,
        inner: &str,
        size: u64,
        reader: &mut dyn Read,
        depth: usize,
    ) -> Result<Outcome, Stop> {
        let mut head = [0u8; 512];
        let n = match read_up_to(reader, &mut head) {
            Ok(n) => n,
            Err(e) => {
                return self.failed(InputKind::Plain, e);
            }
        };
        let mut joined = (&head[..n]).chain(reader);
        let kind = input_kind(inner, &head[..n]);
        if kind != InputKind::Plain && depth >= self.budget.limits.nesting_depth {
            self.sink.problem(
                path,
                InputError::NestedTooDeep {
                    limit: self.budget.limits.nesting_depth,
                },
            );
            return Ok(Outcome { kind, failed: None });
        }
        match kind {
            InputKind::Plain => match self.sink.file(inner, size, &mut joined) {
                Ok(()) => Ok(Outcome::done()),
                Err(e) => self.failed(kind, e),
            },
            InputKind::Tar => {
                self.tar(path, &mut joined, depth + 1)?;
                Ok(Outcome { kind, failed: None })
            }
            InputKind::Zip => {
                let limit = self.budget.limits.buffered_zip_bytes;
                let mut bytes = Vec::new();
                if let Err(e) = (&mut joined).take(limit + 1).read_to_end(&mut bytes) {
                    return self.failed(kind, e);
                }
                if bytes.len() as u64 > limit {
                    self.sink.problem(
                        path,
                        InputError::NestedZipTooLarge {
                            size: size.max(limit + 1),
                            limit,
                        },
                    );
                } else {
                    self.zip(path, Cursor::new(bytes), depth + 1)?;
                }
                Ok(Outcome { kind, failed: None })
            }
            InputKind::Gzip | InputKind::Zstd | InputKind::Xz => {
                self.compressed(path, inner, kind, &mut joined, depth + 1)
            }
        }
    }

    fn failed(&self, kind: InputKind, e: io::Error) -> Result<Outcome, Stop> {
        if self.budget.halted() {
            return Err(Stop);
        }
        Ok(Outcome {
            kind,
            failed: Some(e),
        })
    }

    /// A compressed stream: decoded, its content read as a stream (a tar to its end and
    /// trailer), its integrity checked. A corrupt stream or failed checksum forgets what was
    /// read from it; a truncated one keeps it.
    fn compressed(
        &mut self,
        path: &str,
        inner: &str,
        codec: InputKind,
        reader: &mut dyn Read,
        depth: usize,
    ) -> Result<Outcome, Stop> {
        let budget: &'b Budget = self.budget;
        let decoder: Box<dyn Read + '_> = match codec {
            InputKind::Zstd => Box::new(ZstdReader::new(reader)),
            InputKind::Xz => Box::new(lzma_rust2::XzReader::new_mem_limit(
                reader,
                true,
                MAX_XZ_MEMORY_KIB,
            )),
            _ => Box::new(MultiGzDecoder::new(reader)),
        };
        let mut decoded = Decoded {
            inner: decoder,
            budget,
            path,
            fault: None,
        };
        let content = decompressed_name(inner);
        let outcome = self.stream(path, &content, 0, &mut decoded, depth)?;
        if outcome.kind == InputKind::Tar && outcome.failed.is_none() {
            // The tar ended at its end-of-archive block; the checksum comes after the padding.
            let _ = io::copy(&mut (&mut decoded).take(MAX_TRAILER_BYTES), &mut io::sink());
        }
        if budget.halted() {
            return Err(Stop);
        }
        let kind = codec.label();
        match decoded.fault.take() {
            Some(e) if e.kind() == io::ErrorKind::OutOfMemory => {
                self.sink.problem(
                    path,
                    InputError::DecoderMemory {
                        kind,
                        reason: e.to_string(),
                    },
                );
                Ok(Outcome {
                    kind: outcome.kind,
                    failed: None,
                })
            }
            Some(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                self.sink.problem(
                    path,
                    InputError::Truncated {
                        kind,
                        reason: e.to_string(),
                    },
                );
                Ok(Outcome {
                    kind: outcome.kind,
                    failed: None,
                })
            }
            Some(e) => {
                self.sink.forget(path);
                if content != path {
                    self.sink.forget(&content);
                }
                self.sink.problem(
                    path,
                    InputError::Checksum {
                        kind,
                        reason: e.to_string(),
                    },
                );
                Ok(Outcome {
                    kind: outcome.kind,
                    failed: None,
                })
            }
            // A failure not of this layer is of its source: the caller's to report.
            None => Ok(outcome),
        }
    }

    fn tar(&mut self, path: &str, reader: &mut dyn Read, depth: usize) -> Result<(), Stop> {
        let mut archive = tar::Archive::new(reader);
        let entries = match archive.entries() {
            Ok(entries) => entries,
            Err(e) => {
                self.sink.problem(path, corrupt("tar", e));
                return Ok(());
            }
        };
        let limits = self.budget.limits;
        let mut seen: HashMap<String, u32> = HashMap::new();
        let mut links: HashMap<String, Rc<[u8]>> = HashMap::new();
        let mut linked_bytes = 0u64;
        let mut any = false;
        for entry in entries {
            let mut entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    if self.budget.halted() {
                        return Err(Stop);
                    }
                    self.sink.problem(path, corrupt("tar", e));
                    return Ok(());
                }
            };
            any = true;
            self.budget.entry(path)?;
            let entry_type = entry.header().entry_type();
            let is_link = entry_type.is_hard_link();
            if !(entry_type.is_file() || entry_type == tar::EntryType::Continuous || is_link) {
                continue;
            }
            let (inner, lossy) = member_name(&entry.path_bytes());
            if inner.is_empty() {
                continue;
            }
            let member = format!("{path}/{inner}");
            if lossy {
                self.sink.problem(&member, InputError::NonUtf8Name);
            }
            let count = seen.entry(inner.clone()).or_default();
            *count += 1;
            if *count > 1 {
                self.sink.forget(&member);
                self.sink
                    .problem(&member, InputError::DuplicateMember { count: *count });
                if let Some(old) = links.remove(&inner) {
                    linked_bytes -= old.len() as u64;
                }
            }
            if is_link {
                let target = entry
                    .link_name_bytes()
                    .map(|t| member_name(&t).0)
                    .unwrap_or_default();
                match links.get(&target).cloned() {
                    Some(bytes) => {
                        let outcome = self.stream(
                            &member,
                            &member,
                            bytes.len() as u64,
                            &mut &bytes[..],
                            depth,
                        )?;
                        self.member_failed(&member, "tar", outcome);
                        links.insert(inner, bytes);
                    }
                    None => {
                        let why = if seen.contains_key(&target) {
                            "larger than the bytes kept for hard links"
                        } else {
                            "not an earlier member of this archive"
                        };
                        self.sink
                            .problem(&member, InputError::UnresolvedHardLink { target, why });
                    }
                }
                continue;
            }
            let size = entry.size();
            if size > limits.member_bytes {
                self.member_too_large(&member, size);
                continue;
            }
            if size <= limits.link_cache_member_bytes
                && linked_bytes + size <= limits.link_cache_bytes
            {
                let mut bytes = Vec::with_capacity(size as usize);
                if let Err(e) = entry.read_to_end(&mut bytes) {
                    if self.budget.halted() {
                        return Err(Stop);
                    }
                    self.sink.problem(&member, corrupt("tar", e));
                    return Ok(());
                }
                let bytes: Rc<[u8]> = bytes.into();
                let outcome = self.stream(&member, &member, size, &mut &bytes[..], depth)?;
                self.member_failed(&member, "tar", outcome);
                linked_bytes += size;
                links.insert(inner, bytes);
            } else {
                let outcome = self.stream(&member, &member, size, &mut entry, depth)?;
                self.member_failed(&member, "tar", outcome);
            }
        }
        if !any {
            self.sink
                .problem(path, corrupt("tar", "no entries (empty or not an archive)"));
        }
        Ok(())
    }

    /// Report a member that could not be read, and forget it.
    /// A member over [`Limits::member_bytes`] (stated in its header, or found while reading).
    fn member_too_large(&mut self, member: &str, size: u64) {
        let limit = self.budget.limits.member_bytes;
        self.sink
            .problem(member, InputError::MemberTooLarge { size, limit });
    }

    fn member_failed(&mut self, member: &str, kind: &'static str, outcome: Outcome) {
        if let Some(e) = outcome.failed {
            self.sink.forget(member);
            let reason = e.to_string();
            let error = if e.kind() == io::ErrorKind::InvalidData && reason.contains("checksum") {
                InputError::Checksum { kind, reason }
            } else {
                InputError::BadMember { kind, reason }
            };
            self.sink.problem(member, error);
        }
    }

    fn zip<R: Read + Seek>(&mut self, path: &str, reader: R, depth: usize) -> Result<(), Stop> {
        let budget: &'b Budget = self.budget;
        let limits = budget.limits;
        let mut archive = match zip::ZipArchive::new(reader) {
            Ok(archive) => archive,
            Err(e) => {
                self.sink.problem(path, corrupt("zip", e));
                return Ok(());
            }
        };
        if archive.has_duplicate_names() {
            self.sink.problem(path, InputError::DuplicateZipNames);
        }
        for i in 0..archive.len() {
            budget.entry(path)?;
            let listed = match archive.name_for_index(i) {
                Some(Ok(name)) => name.trim_start_matches("./").to_owned(),
                _ => format!("#{i}"),
            };
            let mut file = match archive.by_index(i) {
                Ok(file) => file,
                Err(e) => {
                    self.sink.problem(
                        &format!("{path}/{listed}"),
                        InputError::BadMember {
                            kind: "zip",
                            reason: e.to_string(),
                        },
                    );
                    continue;
                }
            };
            if !file.is_file() {
                continue;
            }
            let (inner, lossy) = match file.name() {
                Ok(name) => (name.trim_start_matches("./").to_owned(), false),
                Err(_) => member_name(file.name_raw()),
            };
            let member = format!("{path}/{inner}");
            if lossy {
                self.sink.problem(&member, InputError::NonUtf8Name);
            }
            let size = file.size();
            if size > limits.member_bytes {
                self.member_too_large(&member, size);
                continue;
            }
            let mut meter = Meter {
                inner: &mut file,
                budget,
                path: &member,
                read: 0,
                over: false,
            };
            let mut outcome = self.stream(&member, &member, size, &mut meter, depth)?;
            if outcome.failed.is_none() && outcome.kind != InputKind::Plain {
                // A nested archive may end before its member does: read the rest, so the
                // member's CRC-32 is checked.
                if let Err(e) = io::copy(&mut (&mut meter).take(MAX_TRAILER_BYTES), &mut io::sink())
                {
                    outcome.failed = Some(e);
                }
            }
            if budget.halted() {
                return Err(Stop);
            }
            if meter.over {
                self.sink.forget(&member);
                self.member_too_large(&member, meter.read);
                continue;
            }
            self.member_failed(&member, "zip", outcome);
        }
        Ok(())
    }
}

/// A member name: `./` dropped, invalid UTF-8 replaced (and said so).
fn member_name(raw: &[u8]) -> (String, bool) {
    let name = String::from_utf8_lossy(raw);
    let lossy = matches!(name, std::borrow::Cow::Owned(_));
    let name = name.trim_start_matches("./").trim_end_matches('/');
    (name.to_owned(), lossy)
}

/// Fill `buf` from `reader` as far as it goes; the bytes read.
pub(crate) fn read_up_to(reader: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match reader.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

fn corrupt(kind: &'static str, e: impl std::fmt::Display) -> InputError {
    InputError::CorruptArchive {
        kind,
        reason: e.to_string(),
    }
}

/// The top-level input, counting bytes read (the "compressed" side of the expansion ratio).
struct Counted<R> {
    inner: R,
    read: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.set(self.read.get() + n as u64);
        Ok(n)
    }
}

impl<R: Seek> Seek for Counted<R> {
    fn seek(&mut self, pos: io::SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// A decoder's output: counted against the budget; its first error kept (the layer's fault).
struct Decoded<'r, 'b> {
    inner: Box<dyn Read + 'r>,
    budget: &'b Budget,
    path: &'r str,
    fault: Option<io::Error>,
}

impl Read for Decoded<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.inner.read(buf) {
            Ok(n) => {
                self.budget.inflate(n, self.path)?;
                Ok(n)
            }
            Err(e) => {
                if self.fault.is_none() && !self.budget.halted() {
                    self.fault = Some(io::Error::new(e.kind(), e.to_string()));
                }
                Err(e)
            }
        }
    }
}

/// A zip member's output: counted against the budget and the member limit.
struct Meter<'r, 'b> {
    inner: &'r mut dyn Read,
    budget: &'b Budget,
    path: &'r str,
    read: u64,
    over: bool,
}

impl Read for Meter<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.budget.limits.member_bytes {
            self.over = true;
            return Err(io::Error::other("member size limit"));
        }
        self.budget.inflate(n, self.path)?;
        Ok(n)
    }
}

/// A source that remembers reaching its end (to tell a truncated zstd stream from a corrupt one).
struct EofFlag<R> {
    inner: R,
    eof: bool,
}

impl<R: Read> Read for EofFlag<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            self.eof = true;
        }
        Ok(n)
    }
}

/// zstd frames one after another (skippable frames skipped), each frame's content checksum
/// verified, windows over [`MAX_ZSTD_WINDOW_BYTES`] refused.
struct ZstdReader<R> {
    src: EofFlag<BufReader<R>>,
    decoder: ruzstd::decoding::FrameDecoder,
    in_frame: bool,
}

impl<R: Read> ZstdReader<R> {
    fn new(inner: R) -> Self {
        let mut decoder = ruzstd::decoding::FrameDecoder::new();
        decoder.set_max_window_size(MAX_ZSTD_WINDOW_BYTES);
        Self {
            src: EofFlag {
                inner: BufReader::with_capacity(64 << 10, inner),
                eof: false,
            },
            decoder,
            in_frame: false,
        }
    }

    fn error(&self, e: impl std::fmt::Display) -> io::Error {
        let kind = if self.src.eof {
            io::ErrorKind::UnexpectedEof
        } else {
            io::ErrorKind::InvalidData
        };
        io::Error::new(kind, e.to_string())
    }
}

impl<R: Read> Read for ZstdReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        use ruzstd::decoding::errors::{FrameDecoderError, ReadFrameHeaderError};
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if self.in_frame {
                let n = self.decoder.read(buf)?;
                if n > 0 {
                    return Ok(n);
                }
                if !self.decoder.is_finished() {
                    if let Err(e) = self.decoder.decode_blocks(
                        &mut self.src,
                        ruzstd::decoding::BlockDecodingStrategy::UptoBytes(256 << 10),
                    ) {
                        return Err(self.error(e));
                    }
                    continue;
                }
                if let Some(stored) = self.decoder.get_checksum_from_data() {
                    let computed = self.decoder.get_calculated_checksum();
                    if computed != Some(stored) {
                        return Err(io::Error::new(
                            io::ErrorKind::InvalidData,
                            "zstd frame checksum does not match its content",
                        ));
                    }
                }
                self.in_frame = false;
            }
            if self.src.inner.fill_buf()?.is_empty() {
                return Ok(0);
            }
            match self.decoder.reset(&mut self.src) {
                Ok(()) => self.in_frame = true,
                Err(e @ FrameDecoderError::WindowSizeTooBig { .. }) => {
                    return Err(io::Error::new(io::ErrorKind::OutOfMemory, e.to_string()));
                }
                Err(FrameDecoderError::ReadFrameHeaderError(ReadFrameHeaderError::SkipFrame {
                    length,
                    ..
                })) => {
                    let skipped =
                        io::copy(&mut (&mut self.src).take(length as u64), &mut io::sink())?;
                    if skipped < length as u64 {
                        return Err(self.error("skippable frame cut short"));
                    }
                }
                Err(e) => return Err(self.error(e)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Files kept (forgets applied) and problems, in order. Every file is read to its end;
    /// with `discard`, its bytes are counted, not kept.
    #[derive(Default)]
    struct Collect {
        files: Vec<(String, u64, Vec<u8>)>,
        problems: Vec<(String, InputError)>,
        discard: bool,
        bytes_read: u64,
    }

    impl Sink for Collect {
        fn file(&mut self, path: &str, size: u64, r: &mut dyn Read) -> io::Result<()> {
            let mut bytes = Vec::new();
            if self.discard {
                self.bytes_read += io::copy(r, &mut io::sink())?;
            } else {
                r.read_to_end(&mut bytes)?;
            }
            self.files.push((path.to_owned(), size, bytes));
            Ok(())
        }
        fn forget(&mut self, path: &str) {
            let under = format!("{path}/");
            self.files
                .retain(|(p, _, _)| p != path && !p.starts_with(&under));
        }
        fn problem(&mut self, path: &str, error: InputError) {
            self.problems.push((path.to_owned(), error));
        }
    }

    fn run(name: &str, bytes: Vec<u8>, limits: Limits) -> Collect {
        let mut sink = Collect::default();
        expand_with(
            name,
            bytes.len() as u64,
            Cursor::new(bytes),
            &mut sink,
            limits,
        );
        sink
    }

    fn names(c: &Collect) -> Vec<&str> {
        c.files.iter().map(|(p, _, _)| p.as_str()).collect()
    }

    fn tar_of(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        for (path, data) in members {
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            builder.append_data(&mut header, path, *data).unwrap();
        }
        builder.into_inner().unwrap()
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn kinds_from_names_and_magic() {
        assert_eq!(input_kind("a.tgz", &[0x1f, 0x8b]), InputKind::Gzip);
        assert_eq!(input_kind("a.json", b"{}"), InputKind::Plain);
        assert_eq!(input_kind("weird", b"PK\x03\x04rest"), InputKind::Zip);
        assert_eq!(input_kind("x.log.gz", &[0x1f, 0x8b, 8]), InputKind::Gzip);
        assert_eq!(input_kind("bundle", ZSTD_MAGIC), InputKind::Zstd);
        assert_eq!(input_kind("bundle", XZ_MAGIC), InputKind::Xz);
        assert_eq!(input_kind("bundle.tar.zst", b""), InputKind::Zstd);
        assert_eq!(input_kind("bundle.TXZ", b""), InputKind::Xz);
        assert_eq!(decompressed_name("bundle.tar.zst"), "bundle.tar");
        assert_eq!(decompressed_name("x.log.gz"), "x.log");
    }

    #[test]
    fn truncated_gzip_is_reported_as_truncated() {
        let c = run("broken.tar.gz", vec![0x1f, 0x8b, 8, 0], Limits::default());
        assert!(c.files.is_empty());
        assert!(
            matches!(&c.problems[..], [(p, InputError::Truncated { kind: "gzip", .. })] if p == "broken.tar.gz"),
            "{:?}",
            c.problems
        );
    }

    #[test]
    fn tar_members_keep_their_archive_prefix() {
        let c = run(
            "x.tar",
            tar_of(&[("run/a.txt", b"hello")]),
            Limits::default(),
        );
        assert_eq!(
            c.files,
            vec![("x.tar/run/a.txt".to_owned(), 5, b"hello".to_vec())]
        );
        assert!(c.problems.is_empty(), "{:?}", c.problems);
    }

    fn problem_kinds(c: &Collect) -> Vec<(&str, String)> {
        c.problems
            .iter()
            .map(|(p, e)| (p.as_str(), format!("{e:?}")))
            .collect()
    }

    /// A tar nested `depth` deep (`l.tar` in `l.tar` …, a text file innermost), written
    /// directly: headers down, the leaf, then every level's end-of-archive blocks.
    fn nested_tar(depth: usize) -> Vec<u8> {
        let leaf = tar_of(&[("leaf.txt", b"x")]);
        let mut sizes = vec![leaf.len() as u64];
        for _ in 1..depth {
            let below = *sizes.last().unwrap();
            sizes.push(512 + below + 1024);
        }
        let mut out = Vec::new();
        for level in (0..depth - 1).rev() {
            let mut header = tar::Header::new_gnu();
            header.set_path("l.tar").unwrap();
            header.set_size(sizes[level]);
            header.set_mode(0o644);
            header.set_cksum();
            out.extend_from_slice(header.as_bytes());
        }
        out.extend_from_slice(&leaf);
        for _ in 1..depth {
            out.extend_from_slice(&[0u8; 1024]);
        }
        out
    }

    #[test]
    fn a_tar_nested_5000_deep_stops_at_the_depth_limit() {
        let bytes = nested_tar(5000);
        let started = std::time::Instant::now();
        // In a small stack: 16 levels fit well within the web worker's 1 MiB.
        let c = std::thread::Builder::new()
            .stack_size(256 << 10)
            .spawn(move || run("deep.tar", bytes, Limits::default()))
            .unwrap()
            .join()
            .unwrap();
        assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
        assert!(c.files.is_empty());
        let [(path, InputError::NestedTooDeep { limit: 16 })] = &c.problems[..] else {
            panic!("{:?}", problem_kinds(&c));
        };
        assert_eq!(path.matches("l.tar").count(), 16, "{path}");
        // Within the limit the leaf is read.
        let c = run("deep.tar", nested_tar(5), Limits::default());
        assert_eq!(c.files.len(), 1);
        assert!(c.files[0].0.ends_with("l.tar/l.tar/l.tar/l.tar/leaf.txt"));
    }

    #[test]
    fn too_many_entries_stop_the_input_and_keep_the_first() {
        let names: Vec<String> = (0..50).map(|i| format!("run/{i:02}.txt")).collect();
        let members: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"1"[..])).collect();
        let limits = Limits {
            entries: 10,
            ..Limits::default()
        };
        let c = run("many.tar", tar_of(&members), limits);
        assert_eq!(c.files.len(), 10);
        assert!(
            matches!(&c.problems[..], [(p, InputError::TooManyEntries { limit: 10 })] if p == "many.tar"),
            "{:?}",
            problem_kinds(&c)
        );
    }

    #[test]
    fn a_member_over_the_size_limit_is_skipped_and_the_next_read() {
        let limits = Limits {
            member_bytes: 50,
            ..Limits::default()
        };
        let big = [b'a'; 100];
        let c = run(
            "x.tar",
            tar_of(&[("big.txt", &big), ("small.txt", b"ok")]),
            limits,
        );
        assert_eq!(names(&c), ["x.tar/small.txt"]);
        assert!(
            matches!(&c.problems[..], [(p, InputError::MemberTooLarge { size: 100, limit: 50 })] if p == "x.tar/big.txt"),
            "{:?}",
            problem_kinds(&c)
        );
        // A zip member too, by what it inflates to.
        let zip = zip_of(&[("big.txt", &big), ("small.txt", b"ok")], true);
        let c = run("x.zip", zip, limits);
        assert_eq!(names(&c), ["x.zip/small.txt"]);
        assert!(matches!(
            &c.problems[..],
            [(p, InputError::MemberTooLarge { .. })] if p == "x.zip/big.txt"
        ));
    }

    fn zip_of(members: &[(&str, &[u8])], deflate: bool) -> Vec<u8> {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let method = if deflate {
            zip::CompressionMethod::Deflated
        } else {
            zip::CompressionMethod::Stored
        };
        let options = zip::write::SimpleFileOptions::default().compression_method(method);
        for (name, data) in members {
            w.start_file(*name, options).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn a_gzip_bomb_stops_at_the_expansion_ratio() {
        let zeros = vec![0u8; 8 << 20];
        let limits = Limits {
            ratio_free_bytes: 1 << 20,
            expansion_ratio: 10,
            ..Limits::default()
        };
        let mut c = Collect {
            discard: true,
            ..Collect::default()
        };
        let bytes = gzip(&zeros);
        expand_with(
            "z.log.gz",
            bytes.len() as u64,
            Cursor::new(bytes),
            &mut c,
            limits,
        );
        assert!(c.files.is_empty(), "the bomb's file is not kept");
        assert!(c.bytes_read < 2 << 20, "{}", c.bytes_read);
        assert!(
            matches!(&c.problems[..], [(p, InputError::ExpansionRatio { ratio: 10, .. })] if p == "z.log.gz"),
            "{:?}",
            problem_kinds(&c)
        );
    }

    /// A 42.zip-style bomb: a zip of 16 zips of … of 16 members of 64 MiB of newlines, the
    /// copies made without recompressing. With the default limits it ends quickly.
    #[test]
    fn a_nested_zip_bomb_ends_quickly_with_the_default_limits() {
        use std::io::Write;
        let layer = |member: &str, data: &[u8]| -> Vec<u8> {
            let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            w.start_file(format!("0{member}"), options).unwrap();
            w.write_all(data).unwrap();
            let first = w.finish().unwrap().into_inner();
            let mut src = zip::ZipArchive::new(Cursor::new(first)).unwrap();
            let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
            for i in 0..16 {
                let f = src.by_index(0).unwrap();
                w.raw_copy_file_rename(f, format!("{i:x}{member}")).unwrap();
            }
            w.finish().unwrap().into_inner()
        };
        let mut bytes = layer(".log", &vec![b'\n'; 64 << 20]);
        for _ in 0..4 {
            bytes = layer(".zip", &bytes);
        }
        assert!(bytes.len() < 1 << 20, "{}", bytes.len());
        let started = std::time::Instant::now();
        let mut c = Collect {
            discard: true,
            ..Collect::default()
        };
        expand("42.zip", bytes.len() as u64, Cursor::new(bytes), &mut c);
        assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
        assert!(c.bytes_read <= RATIO_FREE_BYTES, "{}", c.bytes_read);
        assert!(
            c.problems
                .iter()
                .any(|(_, e)| matches!(e, InputError::ExpansionRatio { .. })),
            "{:?}",
            problem_kinds(&c)
        );
    }

    #[test]
    fn a_tar_gz_with_a_wrong_crc_keeps_nothing_and_says_so() {
        let tar = tar_of(&[("run/a.json", b"{\"a\": 1}"), ("run/b.json", b"{}")]);
        let mut gz = gzip(&tar);
        let good = run("x.tar.gz", gz.clone(), Limits::default());
        assert_eq!(good.files.len(), 2);
        assert!(good.problems.is_empty(), "{:?}", problem_kinds(&good));
        let crc = gz.len() - 8;
        gz[crc] ^= 0xff;
        let c = run("x.tar.gz", gz, Limits::default());
        assert!(c.files.is_empty(), "{:?}", names(&c));
        assert!(
            matches!(&c.problems[..], [(p, InputError::Checksum { kind: "gzip", .. })] if p == "x.tar.gz"),
            "{:?}",
            problem_kinds(&c)
        );
        // A single compressed file likewise.
        let mut gz = gzip(b"{\"a\": 1}");
        let crc = gz.len() - 8;
        gz[crc] ^= 0xff;
        let c = run("a.json.gz", gz, Limits::default());
        assert!(c.files.is_empty());
        assert!(matches!(
            &c.problems[..],
            [(p, InputError::Checksum { kind: "gzip", .. })] if p == "a.json.gz"
        ));
    }

    #[test]
    fn a_zip_member_with_a_wrong_crc_is_dropped_and_the_rest_read() {
        let mut zip = zip_of(&[("a.txt", b"first"), ("b.txt", b"second")], false);
        let at = zip.windows(5).position(|w| w == b"first").unwrap();
        zip[at] = b'F';
        let c = run("x.zip", zip, Limits::default());
        assert_eq!(names(&c), ["x.zip/b.txt"]);
        assert!(
            matches!(&c.problems[..], [(p, InputError::Checksum { kind: "zip", .. })] if p == "x.zip/a.txt"),
            "{:?}",
            problem_kinds(&c)
        );
    }

    #[test]
    fn a_bad_zip_member_is_named_and_the_others_read() {
        let mut zip = zip_of(&[("a.txt", b"1"), ("b.txt", b"2"), ("c.txt", b"3")], false);
        // Give b.txt an unknown compression method, in its local and central headers.
        let local: Vec<usize> = zip
            .windows(4)
            .enumerate()
            .filter(|(_, w)| w == b"PK\x03\x04")
            .map(|(i, _)| i)
            .collect();
        let central: Vec<usize> = zip
            .windows(4)
            .enumerate()
            .filter(|(_, w)| w == b"PK\x01\x02")
            .map(|(i, _)| i)
            .collect();
        zip[local[1] + 8] = 99;
        zip[central[1] + 10] = 99;
        let c = run("x.zip", zip, Limits::default());
        assert_eq!(names(&c), ["x.zip/a.txt", "x.zip/c.txt"]);
        assert!(
            matches!(&c.problems[..], [(p, InputError::BadMember { kind: "zip", .. })] if p == "x.zip/b.txt"),
            "{:?}",
            problem_kinds(&c)
        );
    }

    #[test]
    fn a_tar_member_name_that_is_not_utf8_does_not_stop_the_archive() {
        let mut builder = tar::Builder::new(Vec::new());
        for (name, data) in [(&b"run/\xffbad.txt"[..], b"one"), (b"run/good.txt", b"two")] {
            let mut header = tar::Header::new_old();
            header.as_old_mut().name[..name.len()].copy_from_slice(name);
            header.set_size(3);
            header.set_mode(0o644);
            header.set_entry_type(tar::EntryType::Regular);
            header.set_cksum();
            builder.append(&header, &data[..]).unwrap();
        }
        let c = run("x.tar", builder.into_inner().unwrap(), Limits::default());
        assert_eq!(
            names(&c),
            ["x.tar/run/\u{fffd}bad.txt", "x.tar/run/good.txt"]
        );
        assert!(
            matches!(&c.problems[..], [(p, InputError::NonUtf8Name)] if p == "x.tar/run/\u{fffd}bad.txt"),
            "{:?}",
            problem_kinds(&c)
        );
    }

    #[test]
    fn hard_links_are_read_and_duplicates_keep_the_last_copy() {
        let mut builder = tar::Builder::new(Vec::new());
        let mut add = |name: &str, data: &[u8]| {
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            builder.append_data(&mut header, name, data).unwrap();
        };
        add("run/a.txt", b"first");
        add("run/dup.txt", b"old");
        add("run/dup.txt", b"new");
        let mut link = tar::Header::new_gnu();
        link.set_entry_type(tar::EntryType::Link);
        link.set_size(0);
        builder
            .append_link(&mut link, "run/b.txt", "run/a.txt")
            .unwrap();
        let mut dangling = tar::Header::new_gnu();
        dangling.set_entry_type(tar::EntryType::Link);
        dangling.set_size(0);
        builder
            .append_link(&mut dangling, "run/c.txt", "elsewhere.txt")
            .unwrap();
        let c = run("x.tar", builder.into_inner().unwrap(), Limits::default());
        let got: Vec<(&str, &[u8])> = c
            .files
            .iter()
            .map(|(p, _, b)| (p.as_str(), &b[..]))
            .collect();
        assert_eq!(
            got,
            [
                ("x.tar/run/a.txt", &b"first"[..]),
                ("x.tar/run/dup.txt", b"new"),
                ("x.tar/run/b.txt", b"first"),
            ]
        );
        let problems = problem_kinds(&c);
        assert!(
            matches!(&c.problems[..], [
                (d, InputError::DuplicateMember { count: 2 }),
                (l, InputError::UnresolvedHardLink { .. }),
            ] if d == "x.tar/run/dup.txt" && l == "x.tar/run/c.txt"),
            "{problems:?}"
        );
    }

    #[test]
    fn a_json_gz_inside_a_tar_is_inflated() {
        let gz = gzip(b"{\"a\": 1}");
        let c = run(
            "x.tar",
            tar_of(&[("run/r.json.gz", &gz)]),
            Limits::default(),
        );
        let got: Vec<(&str, &[u8])> = c
            .files
            .iter()
            .map(|(p, _, b)| (p.as_str(), &b[..]))
            .collect();
        assert_eq!(got, [("x.tar/run/r.json", &b"{\"a\": 1}"[..])]);
    }

    #[test]
    fn zstd_and_xz_tars_are_read_and_checked() {
        use std::io::Write;
        let tar = tar_of(&[("run/a.json", b"{\"a\": 1}")]);
        let zst = ruzstd::encoding::compress_to_vec(
            &tar[..],
            ruzstd::encoding::CompressionLevel::Fastest,
        );
        let mut xz =
            lzma_rust2::XzWriter::new(Vec::new(), lzma_rust2::XzOptions::with_preset(6)).unwrap();
        xz.write_all(&tar).unwrap();
        let xz = xz.finish().unwrap();
        for (name, bytes) in [("b.tar.zst", &zst), ("b.tar.xz", &xz), ("bundle", &zst)] {
            let c = run(name, bytes.clone(), Limits::default());
            assert_eq!(names(&c), [format!("{name}/run/a.json")], "{name}");
            assert!(c.problems.is_empty(), "{name}: {:?}", problem_kinds(&c));
            // The last bytes are the checksum (zstd: the frame's; xz: the stream footer's
            // CRC-32 of itself, so flip the block check before the index instead).
            let mut bad = bytes.clone();
            let at = if name.ends_with(".xz") {
                xz_block_check_offset(&bad)
            } else {
                bad.len() - 1
            };
            bad[at] ^= 0x55;
            let c = run(name, bad, Limits::default());
            assert!(c.files.is_empty(), "{name}: {:?}", names(&c));
            assert!(
                matches!(&c.problems[..], [(p, InputError::Checksum { .. })] if p == name),
                "{name}: {:?}",
                problem_kinds(&c)
            );
        }
        // Truncated: reported as such.
        let c = run(
            "b.tar.zst",
            zst[..zst.len() / 2].to_vec(),
            Limits::default(),
        );
        assert!(
            c.problems
                .iter()
                .any(|(_, e)| matches!(e, InputError::Truncated { kind: "zstd", .. })),
            "{:?}",
            problem_kinds(&c)
        );
    }

    /// Where the last byte of the first block's check is: just before the index (which
    /// starts with a zero byte, after the block's padding).
    fn xz_block_check_offset(xz: &[u8]) -> usize {
        // Footer: 12 bytes; backward size (4 bytes at footer+4) is (index size / 4) - 1.
        let footer = xz.len() - 12;
        let backward = u32::from_le_bytes(xz[footer + 4..footer + 8].try_into().unwrap());
        let index = footer - (backward as usize + 1) * 4;
        index - 1
    }

    #[test]
    fn a_zip_listing_a_name_twice_is_read_once_with_a_warning() {
        let mut zip = zip_of(&[("a.txt", b"1"), ("b.txt", b"2")], false);
        // Rename b.txt to a.txt in its local and central headers.
        for at in zip
            .windows(5)
            .enumerate()
            .filter(|(_, w)| w == b"b.txt")
            .map(|(i, _)| i)
            .collect::<Vec<_>>()
        {
            zip[at] = b'a';
        }
        let c = run("x.zip", zip, Limits::default());
        assert_eq!(names(&c), ["x.zip/a.txt"]);
        assert!(
            matches!(&c.problems[..], [(p, InputError::DuplicateZipNames)] if p == "x.zip"),
            "{:?}",
            problem_kinds(&c)
        );
    }

    #[test]
    fn a_zstd_window_over_the_limit_is_refused_before_allocating() {
        // A frame header asking for a 2 GiB window (window log 31), then one empty raw block.
        let mut frame = ZSTD_MAGIC.to_vec();
        frame.extend_from_slice(&[0x00, 21 << 3, 0x01, 0x00, 0x00]);
        let c = run("w.log.zst", frame, Limits::default());
        assert!(c.files.is_empty());
        assert!(
            matches!(&c.problems[..], [(p, InputError::DecoderMemory { kind: "zstd", .. })] if p == "w.log.zst"),
            "{:?}",
            problem_kinds(&c)
        );
    }
}
