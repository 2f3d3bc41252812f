//! The virtual file tree's tests: archives, compression layers and their limits, built in memory.
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
    let zst =
        ruzstd::encoding::compress_to_vec(&tar[..], ruzstd::encoding::CompressionLevel::Fastest);
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

/// A reader that hands out a few bytes at a time and never states its length (like an
/// inflating decoder), so nothing can size the buffer up front.
struct Trickle(u64);

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(1000).min(self.0 as usize);
        buf[..n].fill(b'x');
        self.0 -= n as u64;
        Ok(n)
    }
}

#[test]
fn a_capped_read_never_holds_more_than_its_limit() {
    let limit = 1 << 20;
    // One byte past the limit: `read_to_end` would double the buffer to 2 MiB here.
    let mut bytes = Vec::new();
    assert!(read_capped(&mut Trickle(limit + 1), &mut bytes, limit).unwrap());
    assert_eq!(bytes.len() as u64, limit + 1);
    assert!(bytes.capacity() as u64 <= limit + 1, "{}", bytes.capacity());
    // Far past it: stops reading at the limit.
    let mut bytes = Vec::new();
    let mut endless = Trickle(u64::MAX);
    assert!(read_capped(&mut endless, &mut bytes, limit).unwrap());
    assert!(bytes.capacity() as u64 <= limit + 1);
    // Under it: everything, and not past the limit.
    let mut bytes = b"head".to_vec();
    assert!(!read_capped(&mut Trickle(5000), &mut bytes, limit).unwrap());
    assert_eq!(bytes.len(), 5004);
    assert!(bytes.starts_with(b"headx"));
}
