//! The format registry: every file format runlens reads is one module here implementing
//! [`Format`], and one line in [`REGISTRY`].
//!
//! A format sniffs a file from its path and first bytes and says how it reads what it claims
//! ([`Reader`]): whole (small JSON/YAML/CSV summaries), as its own stream (large CSV tables), or
//! line by line. Line formats do not wrap each other: every line format that claims a log gets
//! its lines from one shared pass ([`LinePass`]), so the worker-metrics, P2P and future
//! connector extractors read a 1 GB log once. Formats use only the model and the text helpers;
//! they never decide presentation and never see other files (grouping records into runs is
//! discovery's job).

pub mod aiperf;
pub mod aiperf_records;
pub mod genai_perf;
pub mod inferencex;
mod json;
pub mod llmperf;
mod metric_csv;
pub mod node_config;
pub mod p2p_nccl;
pub mod power_energy;
pub mod recipe_yaml;
pub mod rollup;
pub mod sa_bench_json;
pub mod scheduler_csv;
pub mod serving_console;
pub mod sglang_bench;
pub mod slurm_job_log;
pub mod srt_metadata;
pub mod trtllm_bench;
pub mod vllm_bench_suite;
pub mod vllm_sweep;
pub mod worker_log;

pub(crate) use json::json_object;

use crate::model::{
    BenchmarkPoint, Diagnostic, EnergyReport, FormatError, InputLimit, NodeConfig, P2pLog,
    RunMetadata, SchedulerTable, WorkerLog,
};
use crate::text::lines::LineSplitter;

/// Bytes of a file offered to [`Format::sniff`].
pub const SNIFF_BYTES: usize = 4096;

/// Longest log line handed to line extractors; the rest of a longer line is skipped (a 1 MB
/// line is not a metric).
pub const MAX_LINE: usize = 1 << 20;

/// What a format extracted from one file.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// Run metadata (`{jobid}.json`).
    Metadata(Box<RunMetadata>),
    /// An srt-slurm recipe (`config.yaml`) or job log, used where metadata is silent.
    Config(Box<RunMetadata>),
    /// One benchmark result.
    Point(Box<BenchmarkPoint>),
    /// A node configuration dump (`*_config.json`).
    NodeConfig(Box<NodeConfig>),
    /// Time series, memory snapshots and launch commands of one worker log file.
    WorkerLog(std::sync::Arc<WorkerLog>),
    /// One vLLM scheduler-logging CSV (`per_request.csv`, …).
    Scheduler(Box<SchedulerTable>),
    /// The P2P NCCL connector lines of one vLLM log.
    P2p(Box<P2pLog>),
    /// A problem with part of a file whose other parts were read (a bad line of a JSONL
    /// result file); a file that cannot be read at all is an `Err(FormatError)` instead.
    Diagnostic(Box<Diagnostic>),
    /// Energy of one concurrency point (srt-slurm power/energy report).
    Energy(Box<EnergyReport>),
    /// Per-request rows of a result written beside them (AIPerf `profile_export.jsonl`).
    Requests(Box<aiperf_records::RequestRows>),
}

impl Record {
    /// The file the record was read from.
    pub fn path(&self) -> &str {
        match self {
            Record::Metadata(m) | Record::Config(m) => &m.path,
            Record::Point(p) => &p.source,
            Record::NodeConfig(c) => &c.path,
            Record::WorkerLog(l) => &l.path,
            Record::Scheduler(t) => &t.path,
            Record::P2p(l) => &l.path,
            Record::Diagnostic(d) => &d.file,
            Record::Energy(e) => &e.path,
            Record::Requests(r) => &r.path,
        }
    }
}

/// How a format reads a file it claims.
pub enum Reader {
    /// Read whole (up to the ingest limit) and given to [`Format::parse`].
    Whole,
    /// Fed chunk by chunk to the format's own stream parser.
    Stream(Box<dyn StreamParser>),
    /// Fed line by line; every line format that claims the file shares one pass.
    Lines(Box<dyn LineExtractor>),
}

/// One file format.
pub trait Format: Sync {
    /// Short stable name shown in diagnostics and recorded on points (`sa-bench-json`).
    fn name(&self) -> &'static str;
    /// What the format reads, in one line, for the "What can I drop here?" list.
    fn describes(&self) -> &'static str;
    /// Whether this format wants the file, from its path (`/`-separated) and first bytes.
    fn sniff(&self, path: &str, head: &[u8]) -> bool;
    /// How the format reads the file.
    fn reader(&self, _path: &str) -> Reader {
        Reader::Whole
    }
    /// Parse the whole file held in memory; records are appended to `out`. Stream and line
    /// formats get this for free.
    fn parse(&self, path: &str, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), FormatError> {
        let found = match self.reader(path) {
            Reader::Whole => return Err(FormatError::Empty),
            Reader::Stream(mut p) => {
                p.feed(bytes);
                p.finish(out)?
            }
            Reader::Lines(e) => {
                let mut pass = LinePass::new(path, vec![e]);
                pass.feed(bytes);
                Box::new(pass).finish(out)?
            }
        };
        if found {
            Ok(())
        } else {
            Err(FormatError::Shape {
                expected: self.describes(),
                found: "none of its lines".into(),
            })
        }
    }
    /// Preference when two formats report the same point of one run (AIPerf writes a JSON and a
    /// CSV of the same numbers; rollups repeat per-concurrency files): lower wins.
    fn duplicate_rank(&self) -> u8 {
        u8::MAX
    }
}

/// Incremental parser of one file; chunks may split lines anywhere.
pub trait StreamParser {
    fn feed(&mut self, chunk: &[u8]);
    /// Flush and emit records. `Ok(false)`: the content was not this format after all.
    fn finish(self: Box<Self>, out: &mut Vec<Record>) -> Result<bool, FormatError>;
}

/// A reader of log lines, one of several sharing a [`LinePass`].
pub trait LineExtractor {
    /// One line without its `\n` (a trailing `\r` is kept), numbered from 1.
    fn line(&mut self, line_no: u64, line: &[u8]);
    /// Emit records. `Ok(false)`: nothing of this format was in the file.
    fn finish(self: Box<Self>, out: &mut Vec<Record>) -> Result<bool, FormatError>;
}

/// One pass over a log's lines feeding every line extractor that claimed the file.
pub struct LinePass {
    path: String,
    splitter: LineSplitter,
    line_no: u64,
    extractors: Vec<Box<dyn LineExtractor>>,
}

impl LinePass {
    /// A pass over the log at `path` (named in the diagnostic about lines cut at [`MAX_LINE`]).
    pub fn new(path: &str, extractors: Vec<Box<dyn LineExtractor>>) -> Self {
        Self {
            path: path.to_owned(),
            splitter: LineSplitter::new(MAX_LINE),
            line_no: 0,
            extractors,
        }
    }
}

/// Number the next line and hand it to every extractor.
fn deliver(line_no: &mut u64, extractors: &mut [Box<dyn LineExtractor>], line: &[u8]) {
    *line_no += 1;
    for e in extractors.iter_mut() {
        e.line(*line_no, line);
    }
}

impl StreamParser for LinePass {
    fn feed(&mut self, chunk: &[u8]) {
        let (line_no, extractors) = (&mut self.line_no, &mut self.extractors);
        self.splitter
            .feed(chunk, |line| deliver(line_no, extractors, line));
    }

    fn finish(mut self: Box<Self>, out: &mut Vec<Record>) -> Result<bool, FormatError> {
        let (line_no, extractors) = (&mut self.line_no, &mut self.extractors);
        self.splitter
            .finish(|line| deliver(line_no, extractors, line));
        let mut found = false;
        let mut first_error = None;
        for e in std::mem::take(&mut self.extractors) {
            match e.finish(out) {
                Ok(f) => found |= f,
                Err(err) => first_error = first_error.or(Some(err)),
            }
        }
        if found && self.splitter.cut_lines > 0 {
            let mut d = Diagnostic::limit(
                &self.path,
                InputLimit::LineLength {
                    max: MAX_LINE,
                    lines: self.splitter.cut_lines,
                },
            );
            d.line = self.splitter.first_cut_line;
            out.push(Record::Diagnostic(Box::new(d)));
        }
        match first_error {
            Some(e) if !found => Err(e),
            _ => Ok(found),
        }
    }
}

/// Every known format. Whole and stream formats are tried in order and the first that claims a
/// file reads it alone; line formats (last) all read a file they claim, in one pass.
pub static REGISTRY: &[&dyn Format] = &[
    &sglang_bench::SglangBenchServing,
    &srt_metadata::SrtMetadata,
    &recipe_yaml::RecipeYaml,
    &node_config::NodeConfigJson,
    &slurm_job_log::SlurmJobLog,
    &scheduler_csv::SchedulerCsv,
    &llmperf::LlmperfSummary,
    &trtllm_bench::TrtllmBenchJson,
    &power_energy::PowerEnergy,
    &sa_bench_json::SaBenchJson,
    &genai_perf::GenaiPerfJson,
    &genai_perf::GenaiPerfCsv,
    &vllm_sweep::VllmSweepSummary,
    &vllm_bench_suite::VllmSuiteJson,
    &vllm_bench_suite::VllmSuiteOffline,
    &aiperf_records::AiperfRecordsJsonl,
    &aiperf::AiperfAggregateJson,
    &aiperf::AiperfSweepJson,
    &aiperf::AiperfPhaseJson,
    &aiperf::AiperfJson,
    &aiperf::AiperfAggregateCsv,
    &aiperf::AiperfSweepCsv,
    &aiperf::AiperfPhaseCsv,
    &aiperf::AiperfCsv,
    &trtllm_bench::GptManagerCsv,
    &inferencex::InferenceXJson,
    &rollup::RollupCsv,
    &rollup::RollupJson,
    &vllm_bench_suite::VllmSuiteMarkdown,
    // A line format ahead of the serving console so that a `*bench*.log` holding a
    // trtllm-bench report is read by it (and by the worker-log lines) in one pass.
    &trtllm_bench::TrtllmBenchConsole,
    &serving_console::ServingConsole,
    &p2p_nccl::P2pNcclLog,
    &worker_log::WorkerLogFormat,
];

/// How a file is read: by the one whole/stream format that claims it first, or by every line
/// format that claims it, in one pass (the format returned is then the last of them, which names
/// the file in diagnostics). `None`: no format wants it.
pub fn reader_for(path: &str, head: &[u8]) -> Option<(&'static dyn Format, Reader)> {
    let mut lines: Vec<Box<dyn LineExtractor>> = Vec::new();
    let mut last_line_format = None;
    for &f in REGISTRY.iter().filter(|f| f.sniff(path, head)) {
        match f.reader(path) {
            Reader::Lines(e) => {
                lines.push(e);
                last_line_format = Some(f);
            }
            other if lines.is_empty() => return Some((f, other)),
            _ => {}
        }
    }
    Some((
        last_line_format?,
        Reader::Stream(Box::new(LinePass::new(path, lines))),
    ))
}

/// The format registered under `name`.
pub fn by_name(name: &str) -> Option<&'static dyn Format> {
    REGISTRY.iter().copied().find(|f| f.name() == name)
}

/// [`Format::duplicate_rank`] of the format that wrote a point (`u8::MAX` when unknown).
pub fn duplicate_rank(tool: &str) -> u8 {
    by_name(tool).map_or(u8::MAX, |f| f.duplicate_rank())
}
