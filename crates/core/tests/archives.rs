//! One run folder, packed every way the archive layer reads (tar, tar.gz, tar.zst, tar.xz,
//! zip, built here in memory), gives exactly the runs and points of the folder itself; a
//! tar.gz whose CRC is wrong gives none of them and says so.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use runlens_core::{Dataset, Ingest};

fn fixture_set(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(name)
}

/// Every file under `set/runs`, named relative to `set` (`runs/…`), in name order.
fn files(set: &Path) -> Vec<(String, Vec<u8>)> {
    let paths = common::files_under(&set.join("runs"));
    paths
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(set).unwrap().to_string_lossy().into_owned();
            (rel, std::fs::read(&p).unwrap())
        })
        .collect()
}

fn tar(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, data) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append_data(&mut header, name, &data[..]).unwrap();
    }
    builder.into_inner().unwrap()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn zstd(bytes: &[u8]) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(bytes, ruzstd::encoding::CompressionLevel::Fastest)
}

fn xz(bytes: &[u8]) -> Vec<u8> {
    let mut w =
        lzma_rust2::XzWriter::new(Vec::new(), lzma_rust2::XzOptions::with_preset(6)).unwrap();
    w.write_all(bytes).unwrap();
    w.finish().unwrap()
}

fn zip(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in files {
        w.start_file(name.as_str(), options).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn from_files(files: &[(String, Vec<u8>)]) -> Dataset {
    let mut ingest = Ingest::new();
    for (name, data) in files {
        ingest.add_bytes(name, data);
    }
    ingest.dataset()
}

fn from_archive(name: &str, bytes: &[u8]) -> Dataset {
    let mut ingest = Ingest::new();
    ingest.add_bytes(name, bytes);
    ingest.dataset()
}

/// The runs (with their points), worker logs, unrecognised files and diagnostics as JSON, the
/// archive's name taken out of every path.
fn comparable(ds: &Dataset, prefix: &str) -> [String; 4] {
    let json = |v: String| {
        if prefix.is_empty() {
            v
        } else {
            v.replace(&format!("{prefix}/"), "")
        }
    };
    [
        json(serde_json::to_string_pretty(&ds.runs).unwrap()),
        json(serde_json::to_string(&ds.worker_logs.len()).unwrap()),
        json(serde_json::to_string_pretty(&ds.unrecognized).unwrap()),
        json(serde_json::to_string_pretty(&ds.diagnostics).unwrap()),
    ]
}

fn every_packing_matches_the_folder(set: &str) {
    let files = files(&fixture_set(set));
    let folder = from_files(&files);
    let points: usize = folder.runs.iter().map(|r| r.points.len()).sum();
    assert!(points > 0, "{set}: the folder has points");
    let tar = tar(&files);
    let archives = [
        ("bundle.tar", tar.clone()),
        ("bundle.tar.gz", gzip(&tar)),
        ("bundle.tar.zst", zstd(&tar)),
        ("bundle.tar.xz", xz(&tar)),
        ("bundle.zip", zip(&files)),
        // By magic bytes alone.
        ("bundle", zstd(&tar)),
        ("bundle", xz(&tar)),
    ];
    let expected = comparable(&folder, "");
    for (name, bytes) in archives {
        let ds = from_archive(name, &bytes);
        let got = comparable(&ds, name);
        for (what, (g, e)) in ["runs", "worker logs", "unrecognised", "diagnostics"]
            .iter()
            .zip(got.iter().zip(expected.iter()))
        {
            if g != e {
                let dir = std::env::temp_dir();
                std::fs::write(dir.join("runlens-archives-got.json"), g).unwrap();
                std::fs::write(dir.join("runlens-archives-expected.json"), e).unwrap();
            }
            assert!(
                g == e,
                "{set} as {name}: {what} differ from the folder's (see {}/runlens-archives-*.json)",
                std::env::temp_dir().display()
            );
        }
    }
}

#[test]
fn the_demo_runs_read_the_same_packed_every_way() {
    every_packing_matches_the_folder("demo");
}

#[test]
fn every_generation_reads_the_same_packed_every_way() {
    every_packing_matches_the_folder("generations");
}

#[test]
fn a_tar_gz_with_a_wrong_crc_gives_no_numbers() {
    let files = files(&fixture_set("generations"));
    let mut gz = gzip(&tar(&files));
    assert!(!from_archive("runs.tar.gz", &gz).runs.is_empty());
    let crc = gz.len() - 8;
    gz[crc] ^= 0x01;
    let ds = from_archive("runs.tar.gz", &gz);
    assert!(ds.runs.is_empty(), "{} runs read", ds.runs.len());
    assert!(ds.worker_logs.is_empty());
    assert!(
        ds.diagnostics
            .iter()
            .any(|d| d.file == "runs.tar.gz" && d.message.contains("checksum")),
        "{:?}",
        ds.diagnostics
    );
}

/// A long archive shows its results before its logs are parsed: the first result read is
/// previewed (runs and points, no logs) while the logs after it are still to come, and a
/// result after 64 MB more of logs is previewed again. A small input is not previewed.
#[test]
fn a_long_archive_previews_its_results_before_its_logs() {
    let result = |c: u32| {
        format!(
            r#"{{"date": "20260101-000000", "max_concurrency": {c}, "num_prompts": 10, "completed": 10,
            "duration": 10.0, "request_throughput": 1.0, "output_throughput": 100.0,
            "total_token_throughput": 200.0, "mean_ttft_ms": 10.0, "mean_tpot_ms": 5.0}}"#
        )
        .into_bytes()
    };
    let mut log = Vec::new();
    let mut t = 0u64;
    while log.len() < 70 << 20 {
        log.extend_from_slice(
            format!(
                "[2026-01-01 {:02}:{:02}:{:02}] Decode batch, #running-req: 10, #token: 100, token usage: 0.10, gen throughput (token/s): 500.00, #queue-req: 0\n",
                t / 3600 % 24,
                t / 60 % 60,
                t % 60
            )
            .as_bytes(),
        );
        t += 1;
    }
    let files = vec![
        ("r/results_concurrency_4.json".to_owned(), result(4)),
        ("r/logs/n1_decode_w0.err".to_owned(), log),
        ("r/results_concurrency_8.json".to_owned(), result(8)),
    ];
    let bytes = tar(&files);
    let mut previews: Vec<(usize, usize, usize)> = Vec::new();
    let mut ingest = Ingest::new();
    ingest.add_input_previewing(
        "runs.tar",
        bytes.len() as u64,
        std::io::Cursor::new(&bytes),
        &mut |_| {},
        &mut |ds| {
            previews.push((
                ds.runs.len(),
                ds.runs.iter().map(|r| r.points.len()).sum(),
                ds.worker_logs.len(),
            ))
        },
    );
    assert_eq!(previews, vec![(1, 1, 0), (1, 2, 0)]);
    let ds = ingest.dataset();
    assert_eq!(ds.runs[0].points.len(), 2);
    assert_eq!(ds.worker_logs.len(), 1);

    let small = tar(&files[..1]);
    let mut called = false;
    Ingest::new().add_input_previewing(
        "small.tar",
        small.len() as u64,
        std::io::Cursor::new(&small),
        &mut |_| {},
        &mut |_| called = true,
    );
    assert!(!called);
}
