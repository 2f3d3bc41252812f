//! Saved datasets (`.runlens` files): the parsed model written once and read back in a fraction
//! of the parse time, by the page ("Save dataset", reports) and by every CLI command.
//!
//! Layout, version 2: the line `RUNLENS-DATASET 2\n` (so `head -1` says what the file is and
//! which version), then a gzip stream of the [`Dataset`] as JSON (serde's shape of the model),
//! its long numeric columns (worker-log series, per-request samples, scheduler columns) in the
//! compact form of `model::serde_nan::columns`: every value at full resolution, bit for bit, a
//! 1 GB run of worker logs in about 1 MB. Version 1 (the same with columns as JSON arrays) is
//! still read; a newer version is refused with a message naming both, never read into a wrong
//! chart.

use std::io::Write;

use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use thiserror::Error;

use crate::model::Dataset;

/// What a saved dataset starts with, before its version number.
pub const SAVED_MAGIC: &[u8] = b"RUNLENS-DATASET ";
/// The version this build writes; it reads this one and every older one.
pub const SAVED_VERSION: u32 = 2;
/// File name suffix of saved datasets.
pub const SAVED_SUFFIX: &str = ".runlens";
/// Largest dataset JSON a saved file may inflate to (a guard against bombs).
pub const MAX_SAVED_JSON_BYTES: u64 = 3 << 30;

/// Why a saved dataset was not read.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum SavedError {
    #[error("not a runlens dataset (it does not start with \"RUNLENS-DATASET\")")]
    NotADataset,
    #[error("runlens dataset version {found}, but this runlens reads versions 1 to {supported}: open it with the runlens that wrote it, or re-save it from the original files")]
    Version { found: String, supported: u32 },
    #[error("damaged runlens dataset: {0}")]
    Damaged(String),
}

/// Whether `head` starts like a saved dataset.
pub fn is_saved_dataset(head: &[u8]) -> bool {
    head.starts_with(SAVED_MAGIC)
}

/// The bytes of a `.runlens` file holding `ds`.
pub fn save_dataset(ds: &Dataset) -> Vec<u8> {
    // Writing into memory cannot fail; serialising the model cannot either (string keys only).
    crate::model::serde_nan::columns::with_compact_columns(|| {
        encode(|gz| {
            let _ = serde_json::to_writer(gz, ds);
        })
    })
}

/// A `.runlens` file of a dataset already turned into JSON (a redacted one: see
/// `analysis::redact::apply_to_json`), without building the model back from it.
pub fn save_dataset_json(json: &serde_json::Value) -> Vec<u8> {
    encode(|gz| {
        let _ = serde_json::to_writer(gz, json);
    })
}

fn encode(write_json: impl FnOnce(&mut GzEncoder<Vec<u8>>)) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(SAVED_MAGIC);
    out.extend_from_slice(format!("{SAVED_VERSION}\n").as_bytes());
    let mut gz = GzEncoder::new(out, Compression::new(6));
    write_json(&mut gz);
    gz.finish().unwrap_or_default()
}

/// The dataset in a `.runlens` file.
pub fn load_dataset(bytes: &[u8]) -> Result<Dataset, SavedError> {
    let rest = bytes
        .strip_prefix(SAVED_MAGIC)
        .ok_or(SavedError::NotADataset)?;
    let end = rest
        .iter()
        .take(32)
        .position(|&b| b == b'\n')
        .ok_or(SavedError::NotADataset)?;
    let version = String::from_utf8_lossy(&rest[..end]).trim().to_owned();
    if !version
        .parse::<u32>()
        .is_ok_and(|v| (1..=SAVED_VERSION).contains(&v))
    {
        return Err(SavedError::Version {
            found: version,
            supported: SAVED_VERSION,
        });
    }
    let mut json = Vec::new();
    let over = super::vfs::read_capped(
        &mut GzDecoder::new(&rest[end + 1..]),
        &mut json,
        MAX_SAVED_JSON_BYTES,
    )
    .map_err(|e| SavedError::Damaged(e.to_string()))?;
    if over {
        return Err(SavedError::Damaged(format!(
            "inflates past {MAX_SAVED_JSON_BYTES} bytes"
        )));
    }
    serde_json::from_slice(&json).map_err(|e| SavedError::Damaged(e.to_string()))
}

/// Add everything of `other` to `into` (a saved dataset loaded beside parsed files).
pub fn merge_into(into: &mut Dataset, other: &Dataset) {
    into.runs.extend(other.runs.iter().cloned());
    into.skipped.extend(other.skipped.iter().cloned());
    into.unrecognized.extend(other.unrecognized.iter().cloned());
    into.diagnostics.extend(other.diagnostics.iter().cloned());
    into.worker_logs.extend(other.worker_logs.iter().cloned());
    into.node_configs.extend(other.node_configs.iter().cloned());
    into.scheduler.extend(other.scheduler.iter().cloned());
    into.p2p.extend(other.p2p.iter().cloned());
    into.input_bytes += other.input_bytes;
    into.files_seen += other.files_seen;
}

/// `ds` without what lies under `inside` (a run the user removed).
pub fn remove_where(ds: &mut Dataset, inside: impl Fn(&str) -> bool) {
    ds.runs.retain(|r| !inside(&r.root) && !inside(&r.key));
    ds.skipped.retain(|s| !inside(&s.root));
    ds.unrecognized.retain(|u| !inside(&u.path));
    ds.diagnostics.retain(|d| !inside(&d.file));
    ds.worker_logs.retain(|l| !inside(&l.run_key));
    ds.node_configs.retain(|c| !inside(&c.run_key));
}

/// Write `ds` as a `.runlens` file to `w`.
pub fn write_dataset(ds: &Dataset, w: &mut dyn Write) -> std::io::Result<()> {
    w.write_all(&save_dataset(ds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_damage_are_named() {
        assert_eq!(load_dataset(b"{}"), Err(SavedError::NotADataset));
        assert!(matches!(
            load_dataset(b"RUNLENS-DATASET 3\n...."),
            Err(SavedError::Version { found, supported: 2 }) if found == "3"
        ));
        assert!(matches!(
            load_dataset(b"RUNLENS-DATASET 1\nnot gzip"),
            Err(SavedError::Damaged(_))
        ));
        let ds = Dataset {
            input_bytes: 42,
            ..Default::default()
        };
        let bytes = save_dataset(&ds);
        assert!(bytes.starts_with(b"RUNLENS-DATASET 2\n"));
        assert_eq!(load_dataset(&bytes), Ok(ds));
        // Truncated: damaged, not a panic.
        assert!(matches!(
            load_dataset(&bytes[..bytes.len() - 5]),
            Err(SavedError::Damaged(_))
        ));
    }

    /// The demo runs, and 20 000 decode lines of one worker log with varying values.
    fn parsed() -> Dataset {
        let mut ingest = crate::Ingest::new();
        ingest.add_bytes(
            "demo.tar.gz",
            include_bytes!("../../../../fixtures/demo/demo-runs.tar.gz"),
        );
        let mut log = String::new();
        let mut x = 12345u64;
        for i in 0..20_000u64 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let running = 100 + (x >> 60);
            log.push_str(&format!(
                "[2026-06-01 12:{:02}:{:02} DP0 TP0 EP0] Decode batch, #running-req: {running}, #token: {}, token usage: 0.{:02}, cuda graph: True, gen throughput (token/s): {}.{:02}, #queue-req: {},\n",
                (i / 60) % 60, i % 60, 30_000 + (x >> 52), (x >> 40) % 100, 1400 + (x >> 55), (x >> 33) % 100, (x >> 62)
            ));
        }
        ingest.add_bytes("big/logs/node1_decode_w0.out", log.as_bytes());
        ingest.dataset()
    }

    fn same_json(a: &Dataset, b: &Dataset) {
        let (a, b) = (
            serde_json::to_string(a).unwrap(),
            serde_json::to_string(b).unwrap(),
        );
        if let Some(at) = a.bytes().zip(b.bytes()).position(|(x, y)| x != y) {
            let from = at.saturating_sub(200);
            panic!(
                "differ at {at}:\n{}\n{}",
                a.get(from..at + 80).unwrap_or(""),
                b.get(from..at + 80).unwrap_or("")
            );
        }
        assert_eq!(a.len(), b.len());
    }

    #[test]
    fn series_are_saved_compactly_and_come_back_bit_for_bit() {
        let ds = parsed();
        assert!(ds
            .worker_logs
            .iter()
            .any(|l| l.log.series.iter().any(|s| s.len() == 20_000)));
        let compact = save_dataset(&ds);
        let back = load_dataset(&compact).unwrap();
        // NaN != NaN: compare the JSON forms, which write NaN as null.
        same_json(&back, &ds);
        // Version 1 (columns as arrays) still reads, to the same model, and is larger.
        let mut v1 = b"RUNLENS-DATASET 1\n".to_vec();
        let mut gz = GzEncoder::new(Vec::new(), Compression::new(6));
        serde_json::to_writer(&mut gz, &ds).unwrap();
        v1.extend(gz.finish().unwrap());
        same_json(&load_dataset(&v1).unwrap(), &ds);
        assert!(
            compact.len() * 3 < v1.len() * 2,
            "compact {} vs arrays {}",
            compact.len(),
            v1.len()
        );
    }
}
