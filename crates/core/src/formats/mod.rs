//! The format registry: every file format runlens reads is one module here implementing
//! [`Format`], and one line in [`REGISTRY`].
//!
//! A format sniffs a file from its path and first bytes, then parses the whole file into
//! [`Record`]s. Formats never decide presentation and never see other files; grouping records
//! into runs is [`crate::discovery`]'s job.

pub mod aiperf;
pub mod inferencex;
pub mod node_config;
pub mod p2p_nccl;
pub mod recipe_yaml;
pub mod rollup;
pub mod sa_bench_json;
pub mod scheduler_csv;
pub mod serving_console;
pub mod slurm_job_log;
pub mod srt_metadata;
pub mod worker_log;

use crate::diagnostics::FormatError;
use crate::model::BenchmarkPoint;

/// Bytes of a file offered to [`Format::sniff`].
pub const SNIFF_BYTES: usize = 4096;

/// What a format extracted from one file.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// Run metadata (`{jobid}.json`).
    Metadata(Box<srt_metadata::RunMetadata>),
    /// An srt-slurm recipe (`config.yaml`), used where metadata is silent.
    Config(Box<srt_metadata::RunMetadata>),
    /// One benchmark result.
    Point(Box<BenchmarkPoint>),
    /// A node configuration dump (`*_config.json`).
    NodeConfig(Box<node_config::NodeConfig>),
    /// Time series, memory snapshots and launch commands of one worker log file.
    WorkerLog(Box<crate::timeseries::WorkerLog>),
    /// One vLLM scheduler-logging CSV (`per_request.csv`, …).
    Scheduler(Box<scheduler_csv::SchedulerTable>),
    /// The P2P NCCL connector lines of one vLLM log.
    P2p(Box<p2p_nccl::P2pLog>),
}

/// One file format.
pub trait Format: Sync {
    /// Short stable name shown in diagnostics (`sa-bench-json`).
    fn name(&self) -> &'static str;
    /// Whether this format wants the file, from its path (`/`-separated) and first bytes.
    fn sniff(&self, path: &str, head: &[u8]) -> bool;
    /// Parse the whole file. Records are appended to `out`.
    fn parse(&self, path: &str, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), FormatError>;
    /// Formats of large line-oriented files return a parser fed chunk by chunk, so a file is
    /// never held whole in memory; others are read whole and given to [`Format::parse`].
    fn streaming(&self, _path: &str) -> Option<Box<dyn StreamParser>> {
        None
    }
}

/// Incremental parser of one file; chunks may split lines anywhere.
pub trait StreamParser {
    fn feed(&mut self, chunk: &[u8]);
    /// Flush and emit records. `Ok(false)`: the content was not this format after all.
    fn finish(self: Box<Self>, out: &mut Vec<Record>) -> Result<bool, FormatError>;
}

/// Every known format, tried in order; the first whose `sniff` accepts a file parses it.
pub static REGISTRY: &[&dyn Format] = &[
    &srt_metadata::SrtMetadata,
    &recipe_yaml::RecipeYaml,
    &node_config::NodeConfigJson,
    &slurm_job_log::SlurmJobLog,
    &scheduler_csv::SchedulerCsv,
    &sa_bench_json::SaBenchJson,
    &aiperf::AiperfJson,
    &aiperf::AiperfCsv,
    &inferencex::InferenceXJson,
    &rollup::RollupCsv,
    &rollup::RollupJson,
    &serving_console::ServingConsole,
    &p2p_nccl::P2pNcclLog,
    &worker_log::WorkerLogFormat,
];

/// The first registered format that claims the file.
pub fn sniff(path: &str, head: &[u8]) -> Option<&'static dyn Format> {
    REGISTRY.iter().copied().find(|f| f.sniff(path, head))
}

/// Last path component.
pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Byte range of the concurrency digits one path component states, and their value:
/// `concurrency_16`, `…_conc16_…`, `c16none`, `kimi_conc32.json`.
pub fn concurrency_token(component: &str) -> Option<(usize, usize, u32)> {
    let mut offset = 0;
    let tokens: Vec<(usize, &str)> = component
        .split(['_', '-', '.'])
        .map(|t| {
            let start = offset;
            offset += t.len() + 1;
            (start, t)
        })
        .collect();
    tokens.iter().enumerate().find_map(|(i, &(start, t))| {
        let lower = t.to_ascii_lowercase();
        if lower == "concurrency" || lower == "conc" {
            let &(s, n) = tokens.get(i + 1)?;
            let digits = n.bytes().take_while(u8::is_ascii_digit).count();
            return (digits == n.len() && digits > 0)
                .then(|| Some((s, s + digits, n.parse().ok()?)))
                .flatten();
        }
        let prefix = ["concurrency", "conc", "c"]
            .iter()
            .find(|p| lower.starts_with(*p))?;
        let rest = &t[prefix.len()..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let tail_ok = rest[digits..].bytes().all(|b| b.is_ascii_alphabetic());
        let at = start + prefix.len();
        (digits > 0 && tail_ok)
            .then(|| Some((at, at + digits, rest[..digits].parse().ok()?)))
            .flatten()
    })
}

/// Concurrency stated by a path; the deepest component that states one wins.
pub fn concurrency_from_path(path: &str) -> Option<u32> {
    path.rsplit('/')
        .find_map(|c| concurrency_token(c).map(|t| t.2))
}

/// Parse a whole file as a JSON object; empty files, invalid JSON and other values are errors.
pub(crate) fn json_object(
    bytes: &[u8],
    expected: &'static str,
) -> Result<serde_json::Value, FormatError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(FormatError::Empty);
    }
    let v: serde_json::Value = serde_json::from_slice(bytes)?;
    if !v.is_object() {
        let found = match &v {
            serde_json::Value::Array(_) => "an array",
            serde_json::Value::Null => "null",
            serde_json::Value::String(_) => "a string",
            _ => "a scalar",
        };
        return Err(FormatError::Shape {
            expected,
            found: found.into(),
        });
    }
    Ok(v)
}

/// Whether `haystack` contains `needle` (byte search, no allocation).
pub(crate) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concurrency_in_paths_of_every_tool() {
        assert_eq!(
            concurrency_from_path(
                "r/aiperf_isl_1_osl_2_17/concurrency_16/profile_export_aiperf.json"
            ),
            Some(16)
        );
        assert_eq!(
            concurrency_from_path("m1517_direct_results/c16none/profile_export_aiperf.csv"),
            Some(16)
        );
        assert_eq!(
            concurrency_from_path("x/agentic_kimi_tp4_conc16_kvdram_fp4/aiperf_artifacts/p.json"),
            Some(16)
        );
        assert_eq!(
            concurrency_from_path("x/vllm_bench_serve_conc64.log"),
            Some(64)
        );
        assert_eq!(
            concurrency_from_path(
                "x/artifacts/Qwen3_conversation_20251229/profile_export_aiperf.json"
            ),
            None
        );
    }
}
