//! runlens-core: everything runlens knows about benchmark runs, with no I/O and no web.
//!
//! Layers, bottom-up (each imports only the ones below it; `tests/layering.rs` enforces it):
//!
//! 1. [`text`] — line splitting, dates and times, ANSI, numbers, key/value and path helpers.
//! 2. [`model`] — every type the printers read: runs, points, worker series, node configs,
//!    scheduler and P2P analyses, typed findings and diagnostics (serde only).
//! 3. `formats` — one module per file format behind one trait, and the registry.
//! 4. `discovery` — groups records into runs; runs no analysis.
//! 5. [`analysis`] — metrics, statistics, node aggregation, scheduler and P2P analyses, exports.
//! 6. [`ingest`] — the one entry point: archives expanded as streams ([`ingest::vfs`]), files
//!    sniffed and parsed, records grouped, analyses run and cached per directory.
//!
//! Bytes come in through [`Ingest`] (one call per dropped file, directory entry or archive, each
//! a `Read + Seek` stream the caller owns); a typed [`Dataset`] comes out. Nothing here panics
//! on bad input: problems become [`model::Diagnostic`]s that name the file. The same crate is
//! compiled natively (CLI, tests) and to `wasm32-unknown-unknown` (the web worker).

// Text is cut with `get`, never by indexing at a computed offset (a multi-byte character there
// would panic).
#![warn(clippy::string_slice)]

pub mod analysis;
pub(crate) mod discovery;
pub(crate) mod formats;
pub mod ingest;
pub mod model;
pub mod text;

pub use ingest::{Ingest, Progress};
pub use model::Dataset;

/// A format runlens reads, for lists such as the page's "What can I drop here?".
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FormatInfo {
    /// Stable name, as recorded on points (`sa-bench-json`).
    pub name: String,
    /// What it reads, in one line.
    pub describes: String,
}

/// Every registered format, in registry order (generated from the registry, so never stale).
pub fn formats() -> Vec<FormatInfo> {
    formats::REGISTRY
        .iter()
        .map(|f| FormatInfo {
            name: f.name().to_owned(),
            describes: f.describes().to_owned(),
        })
        .collect()
}

/// Offer `bytes` as the file `path` to every registered format's parser directly, fed in
/// `chunk`-byte pieces to stream and line readers (fuzzing and robustness tests: none may
/// panic). Returns the number of records produced.
pub fn parse_with_every_format(path: &str, bytes: &[u8], chunk: usize) -> usize {
    (0..formats::REGISTRY.len())
        .map(|i| parse_with_format(i, path, bytes, chunk))
        .sum()
}

/// [`parse_with_every_format`] for the one format at `index` of the registry ([`formats`]'
/// order; an index past the end picks none): a fuzzer spends each input on one parser.
pub fn parse_with_format(index: usize, path: &str, bytes: &[u8], chunk: usize) -> usize {
    let Some(f) = formats::REGISTRY.get(index) else {
        return 0;
    };
    let mut out = Vec::new();
    match f.reader(path) {
        formats::Reader::Whole => {
            let _ = f.parse(path, bytes, &mut out);
        }
        formats::Reader::Stream(mut p) => {
            bytes.chunks(chunk.max(1)).for_each(|c| p.feed(c));
            let _ = p.finish(&mut out);
        }
        formats::Reader::Lines(e) => {
            use formats::StreamParser;
            let mut pass = Box::new(formats::LinePass::new(path, vec![e]));
            bytes.chunks(chunk.max(1)).for_each(|c| pass.feed(c));
            let _ = pass.finish(&mut out);
        }
    }
    out.len()
}
