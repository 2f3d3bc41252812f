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
use std::io::{self, Cursor, Read, Seek};
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
                let over = match read_capped(&mut joined, &mut bytes, limit) {
                    Ok(over) => over,
                    Err(e) => return self.failed(kind, e),
                };
                if over {
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

/// Append `reader` to `bytes` until it ends or `bytes` holds more than `limit` bytes; whether it
/// went past the limit. The buffer's capacity never exceeds `limit + 1` (`read_to_end` doubles
/// it, so a bound of 1 GiB could cost 2), and an allocation the heap refuses is an
/// [`io::ErrorKind::OutOfMemory`] error instead of an abort.
pub(crate) fn read_capped(
    reader: &mut dyn Read,
    bytes: &mut Vec<u8>,
    limit: u64,
) -> io::Result<bool> {
    let cap = usize::try_from(limit.saturating_add(1)).unwrap_or(usize::MAX);
    let mut chunk = [0u8; 64 << 10];
    while bytes.len() < cap {
        let want = chunk.len().min(cap - bytes.len());
        let n = match reader.read(&mut chunk[..want]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if bytes.capacity() - bytes.len() < n {
            let grown = (bytes.capacity() * 2)
                .max(bytes.len() + n)
                .max(1 << 16)
                .min(cap);
            bytes
                .try_reserve_exact(grown - bytes.len())
                .map_err(|e| io::Error::new(io::ErrorKind::OutOfMemory, e.to_string()))?;
        }
        bytes.extend_from_slice(&chunk[..n]);
    }
    Ok(bytes.len() as u64 > limit)
}

fn corrupt(kind: &'static str, e: impl std::fmt::Display) -> InputError {
    InputError::CorruptArchive {
        kind,
        reason: e.to_string(),
    }
}

mod readers;

use readers::{Counted, Decoded, Meter, ZstdReader};

#[cfg(test)]
mod tests;
