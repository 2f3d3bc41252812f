//! `Ingest::absorb`: inputs read into separate `Ingest`s and merged in input order give the
//! dataset of reading them one after another (the native command line reads files on threads).

mod common;

use std::path::Path;

use runlens_core::{Dataset, Ingest};

/// Every committed fixture set, including archives, worker logs split over `.out`/`.err`,
/// scheduler CSVs and P2P logs, as (name, bytes) in path order.
fn inputs() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    let mut files = Vec::new();
    for set in [
        "demo",
        "generations",
        "worker-logs",
        "scheduler",
        "p2p-nccl",
    ] {
        files.extend(common::files_under(&root.join(set)));
    }
    files
        .into_iter()
        .map(|p| {
            let name = p
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect()
}

fn serial(files: &[(String, Vec<u8>)]) -> Dataset {
    let mut ingest = Ingest::new();
    for (name, bytes) in files {
        ingest.add_bytes(name, bytes);
    }
    ingest.dataset()
}

/// Each chunk of `chunk` files read into its own `Ingest`, merged in order.
fn merged(files: &[(String, Vec<u8>)], chunk: usize) -> Dataset {
    let mut ingest = Ingest::new();
    for part in files.chunks(chunk) {
        let mut one = Ingest::new();
        for (name, bytes) in part {
            one.add_bytes(name, bytes);
        }
        ingest.absorb(one);
    }
    ingest.dataset()
}

#[test]
fn merged_per_file_ingests_equal_serial_ingest() {
    let files = inputs();
    assert!(files.len() > 50, "fixtures found: {}", files.len());
    let expected = serial(&files);
    assert!(!expected.runs.is_empty());
    assert!(!expected.diagnostics.is_empty());
    assert!(expected.input_bytes > 0 && expected.files_seen > 0);
    for chunk in [1, 3, 17] {
        let got = merged(&files, chunk);
        // Debug, not PartialEq: NaN values must compare equal too.
        assert_eq!(
            format!("{got:?}"),
            format!("{expected:?}"),
            "chunks of {chunk}"
        );
    }
}

#[test]
fn absorbing_a_saved_dataset_twice_keeps_the_last() {
    let files = inputs();
    let mut first = Ingest::new();
    for (name, bytes) in &files {
        first.add_bytes(name, bytes);
    }
    let saved = runlens_core::ingest::saved::save_dataset(&first.dataset());
    let mut serial = Ingest::new();
    serial.add_bytes("a.runlens", &saved);
    serial.add_bytes("a.runlens", &saved);
    let mut merged = Ingest::new();
    for _ in 0..2 {
        let mut one = Ingest::new();
        one.add_bytes("a.runlens", &saved);
        merged.absorb(one);
    }
    assert_eq!(
        format!("{:?}", merged.dataset()),
        format!("{:?}", serial.dataset())
    );
}
