//! Saved datasets (`.runlens` files): the parsed model written once and read back in a fraction
//! of the parse time, by the page ("Save dataset", reports) and by every CLI command.
//!
//! Layout, version 1: the line `RUNLENS-DATASET 1\n` (so `head -1` says what the file is and
//! which version), then a gzip stream of the [`Dataset`] as JSON (serde's shape of the model;
//! worker-log series are columns of numbers, which gzip well). A file of another version is
//! refused with a message naming both versions, never read into a wrong chart.

use std::io::{Read, Write};

use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use thiserror::Error;

use crate::model::Dataset;

/// What a saved dataset starts with, before its version number.
pub const SAVED_MAGIC: &[u8] = b"RUNLENS-DATASET ";
/// The version this build writes and reads.
pub const SAVED_VERSION: u32 = 1;
/// File name suffix of saved datasets.
pub const SAVED_SUFFIX: &str = ".runlens";
/// Largest dataset JSON a saved file may inflate to (a guard against bombs).
pub const MAX_SAVED_JSON_BYTES: u64 = 3 << 30;

/// Why a saved dataset was not read.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum SavedError {
    #[error("not a runlens dataset (it does not start with \"RUNLENS-DATASET\")")]
    NotADataset,
    #[error("runlens dataset version {found}, but this runlens reads version {supported}: open it with the runlens that wrote it, or re-save it from the original files")]
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
    encode(|gz| {
        let _ = serde_json::to_writer(gz, ds);
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
    if version != SAVED_VERSION.to_string() {
        return Err(SavedError::Version {
            found: version,
            supported: SAVED_VERSION,
        });
    }
    let mut json = Vec::new();
    GzDecoder::new(&rest[end + 1..])
        .take(MAX_SAVED_JSON_BYTES + 1)
        .read_to_end(&mut json)
        .map_err(|e| SavedError::Damaged(e.to_string()))?;
    if json.len() as u64 > MAX_SAVED_JSON_BYTES {
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
            load_dataset(b"RUNLENS-DATASET 2\n...."),
            Err(SavedError::Version { found, supported: 1 }) if found == "2"
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
        assert!(bytes.starts_with(b"RUNLENS-DATASET 1\n"));
        assert_eq!(load_dataset(&bytes), Ok(ds));
        // Truncated: damaged, not a panic.
        assert!(matches!(
            load_dataset(&bytes[..bytes.len() - 5]),
            Err(SavedError::Damaged(_))
        ));
    }
}
