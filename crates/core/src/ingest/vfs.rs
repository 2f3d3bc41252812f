//! The virtual file tree: every input (a dropped file, a native file, an archive member) becomes
//! `(path, size, byte stream)` handed to a visitor, one file at a time.
//!
//! Archives (`.tar`, `.tar.gz`/`.tgz`, `.zip`, also nested inside other archives) are expanded as
//! streams: a tar.gz is inflated and walked entry by entry, never held whole in memory. Zip needs
//! random access, which the caller's `Read + Seek` gives at top level; a zip nested inside a tar
//! is buffered (it is one member, not the whole input).

use std::io::{self, BufReader, Cursor, Read, Seek};

use flate2::read::MultiGzDecoder;

use crate::model::InputError;

/// How an input is to be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Tar,
    TarGz,
    Zip,
    /// A single gzip-compressed file (`x.log.gz`).
    Gzip,
    Plain,
}

impl InputKind {
    pub fn label(self) -> &'static str {
        match self {
            InputKind::Tar => "tar",
            InputKind::TarGz => "tar.gz",
            InputKind::Zip => "zip",
            InputKind::Gzip => "gzip",
            InputKind::Plain => "plain",
        }
    }
}

/// Decide from the file name and its first bytes (at least 262 when available).
pub fn input_kind(name: &str, head: &[u8]) -> InputKind {
    let lower = name.to_ascii_lowercase();
    let gz_magic = head.starts_with(&[0x1f, 0x8b]);
    let zip_magic = head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06");
    let tar_magic = head.len() >= 262 && &head[257..262] == b"ustar";
    if zip_magic || (lower.ends_with(".zip") && head.is_empty()) {
        InputKind::Zip
    } else if lower.ends_with(".tar.gz") || lower.ends_with(".tgz") {
        InputKind::TarGz
    } else if gz_magic {
        InputKind::Gzip
    } else if tar_magic || lower.ends_with(".tar") {
        InputKind::Tar
    } else if lower.ends_with(".zip") {
        InputKind::Zip
    } else {
        InputKind::Plain
    }
}

/// Whether a name looks like an archive worth expanding.
pub fn is_archive_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".tar", ".tar.gz", ".tgz", ".zip"]
        .iter()
        .any(|s| lower.ends_with(s))
}

/// Called once per plain file in the tree. Returning an error aborts the current archive.
pub type Visitor<'a> = dyn FnMut(&str, u64, &mut dyn Read) -> io::Result<()> + 'a;

/// Expand one top-level input into plain files.
pub fn expand<R: Read + Seek>(
    name: &str,
    size: u64,
    mut reader: R,
    visit: &mut Visitor<'_>,
) -> Result<(), InputError> {
    let mut head = [0u8; 512];
    let n = read_up_to(&mut reader, &mut head).map_err(|e| InputError::Io(e.to_string()))?;
    reader
        .seek(io::SeekFrom::Start(0))
        .map_err(|e| InputError::Io(e.to_string()))?;
    match input_kind(name, &head[..n]) {
        InputKind::Zip => expand_zip(name, reader, visit),
        _ => expand_stream(name, size, &mut reader, visit),
    }
}

/// Expand an input that can only be read forwards (archive members, tar streams).
pub fn expand_stream(
    name: &str,
    size: u64,
    reader: &mut dyn Read,
    visit: &mut Visitor<'_>,
) -> Result<(), InputError> {
    let mut reader = BufReader::with_capacity(64 * 1024, reader);
    let head = peek(&mut reader).map_err(|e| InputError::Io(e.to_string()))?;
    let kind = input_kind(name, &head);
    match kind {
        InputKind::Plain => {
            visit(name, size, &mut reader).map_err(|e| InputError::Io(e.to_string()))
        }
        InputKind::Tar => expand_tar(name, &mut reader, visit, "tar"),
        InputKind::TarGz => expand_tar(name, &mut MultiGzDecoder::new(reader), visit, "tar.gz"),
        InputKind::Gzip => {
            let inner = name.strip_suffix(".gz").unwrap_or(name);
            let mut gz = MultiGzDecoder::new(reader);
            if is_archive_name(inner) {
                expand_stream(inner, 0, &mut gz, visit)
            } else {
                visit(inner, 0, &mut gz).map_err(|e| corrupt("gzip", e))
            }
        }
        InputKind::Zip => {
            let mut bytes = Vec::new();
            reader
                .read_to_end(&mut bytes)
                .map_err(|e| InputError::Io(e.to_string()))?;
            expand_zip(name, Cursor::new(bytes), visit)
        }
    }
}

fn peek(reader: &mut BufReader<&mut dyn Read>) -> io::Result<Vec<u8>> {
    use std::io::BufRead;
    // fill_buf may return fewer bytes than available; the 512 bytes needed for tar magic come
    // in one read for every realistic source (64 KiB buffer).
    Ok(reader.fill_buf()?.to_vec())
}

fn read_up_to(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
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

fn expand_tar(
    name: &str,
    reader: &mut dyn Read,
    visit: &mut Visitor<'_>,
    kind: &'static str,
) -> Result<(), InputError> {
    let mut archive = tar::Archive::new(reader);
    let entries = archive.entries().map_err(|e| corrupt(kind, e))?;
    let mut seen_any = false;
    for entry in entries {
        let mut entry = entry.map_err(|e| corrupt(kind, e))?;
        seen_any = true;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let inner = entry
            .path()
            .map_err(|e| corrupt(kind, e))?
            .to_string_lossy()
            .into_owned();
        let inner = inner.trim_start_matches("./").to_owned();
        let path = format!("{name}/{inner}");
        let size = entry.header().size().unwrap_or(0);
        if is_archive_name(&inner) {
            expand_stream(&path, size, &mut entry, visit)?;
        } else {
            visit(&path, size, &mut entry).map_err(|e| corrupt(kind, e))?;
        }
    }
    if !seen_any {
        return Err(corrupt(kind, "no entries (empty or not an archive)"));
    }
    Ok(())
}

fn expand_zip<R: Read + Seek>(
    name: &str,
    reader: R,
    visit: &mut Visitor<'_>,
) -> Result<(), InputError> {
    let mut archive = zip::ZipArchive::new(reader).map_err(|e| corrupt("zip", e))?;
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).map_err(|e| corrupt("zip", e))?;
        if !file.is_file() {
            continue;
        }
        let inner = file
            .name()
            .map_err(|e| corrupt("zip", e))?
            .trim_start_matches("./")
            .to_owned();
        let path = format!("{name}/{inner}");
        let size = file.size();
        if is_archive_name(&inner) {
            expand_stream(&path, size, &mut file, visit)?;
        } else {
            visit(&path, size, &mut file).map_err(|e| corrupt("zip", e))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_names_and_magic() {
        assert_eq!(input_kind("a.tgz", &[0x1f, 0x8b]), InputKind::TarGz);
        assert_eq!(input_kind("a.json", b"{}"), InputKind::Plain);
        assert_eq!(input_kind("weird", b"PK\x03\x04rest"), InputKind::Zip);
        assert_eq!(input_kind("x.log.gz", &[0x1f, 0x8b, 8]), InputKind::Gzip);
    }

    #[test]
    fn truncated_gzip_is_a_corrupt_archive() {
        let mut visited = 0;
        let err = expand_stream(
            "broken.tar.gz",
            4,
            &mut &[0x1f, 0x8b, 8, 0][..],
            &mut |_, _, _| {
                visited += 1;
                Ok(())
            },
        );
        assert!(
            matches!(err, Err(InputError::CorruptArchive { .. })),
            "{err:?}"
        );
        assert_eq!(visited, 0);
    }

    #[test]
    fn tar_members_keep_their_archive_prefix() {
        let mut builder = tar::Builder::new(Vec::new());
        let data = b"hello";
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder
            .append_data(&mut header, "run/a.txt", &data[..])
            .unwrap();
        let bytes = builder.into_inner().unwrap();
        let mut seen = Vec::new();
        expand(
            "x.tar",
            bytes.len() as u64,
            Cursor::new(bytes),
            &mut |p, s, r| {
                let mut t = String::new();
                r.read_to_string(&mut t)?;
                seen.push((p.to_owned(), s, t));
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(
            seen,
            vec![("x.tar/run/a.txt".to_owned(), 5, "hello".to_owned())]
        );
    }
}
