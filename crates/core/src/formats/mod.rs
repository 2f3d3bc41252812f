//! The format registry: every file format runlens reads is one module here implementing
//! [`Format`], and one line in [`REGISTRY`].
//!
//! A format sniffs a file from its path and first bytes, then parses the whole file into
//! [`Record`]s. Formats never decide presentation and never see other files; grouping records
//! into runs is [`crate::discovery`]'s job.

pub mod sa_bench_json;
pub mod srt_metadata;

use crate::diagnostics::FormatError;
use crate::model::BenchmarkPoint;

/// Bytes of a file offered to [`Format::sniff`].
pub const SNIFF_BYTES: usize = 4096;

/// What a format extracted from one file.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// Run metadata (`{jobid}.json`).
    Metadata(Box<srt_metadata::RunMetadata>),
    /// One benchmark result.
    Point(Box<BenchmarkPoint>),
}

/// One file format.
pub trait Format: Sync {
    /// Short stable name shown in diagnostics (`sa-bench-json`).
    fn name(&self) -> &'static str;
    /// Whether this format wants the file, from its path (`/`-separated) and first bytes.
    fn sniff(&self, path: &str, head: &[u8]) -> bool;
    /// Parse the whole file. Records are appended to `out`.
    fn parse(&self, path: &str, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), FormatError>;
}

/// Every known format, tried in order; the first whose `sniff` accepts a file parses it.
pub static REGISTRY: &[&dyn Format] = &[&srt_metadata::SrtMetadata, &sa_bench_json::SaBenchJson];

/// The first registered format that claims the file.
pub fn sniff(path: &str, head: &[u8]) -> Option<&'static dyn Format> {
    REGISTRY.iter().copied().find(|f| f.sniff(path, head))
}

/// Last path component.
pub(crate) fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Whether `haystack` contains `needle` (byte search, no allocation).
pub(crate) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}
