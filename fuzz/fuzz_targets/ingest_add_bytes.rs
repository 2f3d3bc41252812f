//! The whole ingestion path (sniffing, archives, parsing, discovery, analyses) on arbitrary
//! bytes under a chosen file name.
#![no_main]

mod paths;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (path, _, bytes) = paths::split(data);
    let mut ingest = runlens_core::Ingest::new();
    ingest.add_bytes(path, bytes);
    let _ = ingest.dataset();
});
