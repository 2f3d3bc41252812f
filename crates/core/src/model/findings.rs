//! Typed findings: what runlens noticed about the inputs, as values. Each has a
//! [`severity`](HealthFinding::severity) and one `Display` (the sentence printers show); tests
//! and the page match on the variant, never on the prose.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::diagnostics::{Diagnostic, Severity};
use super::worker_log::SampleKind;

/// Something about a worker's health, found in its log at a line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "finding", rename_all = "snake_case")]
pub enum HealthFinding {
    /// KV-cache usage stayed at or above [`HealthFinding::KV_HIGH_PCT`] for `samples` samples in a row.
    KvSaturated { line: u64, samples: u32 },
    /// The queue of `kind` samples keeps growing: mean in the first and last quarter.
    QueueGrowing {
        line: u64,
        kind: SampleKind,
        first_mean: f32,
        last_mean: f32,
    },
    /// Requests were retracted (KV cache exhausted), first at `line`.
    Retracted { line: u64 },
    /// `lines` log lines report preempted requests, the first at `line`.
    Preempted { line: u64, lines: u64 },
    /// Every decode batch ran without CUDA graphs.
    CudaGraphsOff { line: u64 },
    /// A Python traceback (the last one at `line`).
    Traceback { line: u64 },
    /// The log stops after its last sample without a shutdown: crash or truncation.
    EndsWhileServing { line: u64 },
}

impl HealthFinding {
    /// KV usage counted as saturated, in %.
    pub const KV_HIGH_PCT: u32 = 95;

    pub fn line(&self) -> u64 {
        match self {
            HealthFinding::KvSaturated { line, .. }
            | HealthFinding::QueueGrowing { line, .. }
            | HealthFinding::Retracted { line }
            | HealthFinding::Preempted { line, .. }
            | HealthFinding::CudaGraphsOff { line }
            | HealthFinding::Traceback { line }
            | HealthFinding::EndsWhileServing { line } => *line,
        }
    }

    pub fn severity(&self) -> Severity {
        match self {
            HealthFinding::Traceback { .. } => Severity::Error,
            HealthFinding::EndsWhileServing { .. } => Severity::Info,
            _ => Severity::Warning,
        }
    }

    /// The finding as a diagnostic of the log file at `path`.
    pub fn to_diagnostic(&self, path: &str) -> Diagnostic {
        Diagnostic {
            severity: self.severity(),
            file: path.to_owned(),
            line: Some(self.line()),
            message: self.to_string(),
            limit: None,
        }
    }
}

impl fmt::Display for HealthFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HealthFinding::KvSaturated { samples, .. } => write!(
                f,
                "KV cache usage at or above {}% for {samples} consecutive samples",
                Self::KV_HIGH_PCT
            ),
            HealthFinding::QueueGrowing {
                kind,
                first_mean,
                last_mean,
                ..
            } => write!(
                f,
                "{} queue keeps growing: mean {first_mean:.0} in the first quarter, {last_mean:.0} in the last",
                kind.label()
            ),
            HealthFinding::Retracted { .. } => {
                f.write_str("requests retracted (KV cache exhausted) from this line on")
            }
            HealthFinding::Preempted { lines, .. } => {
                write!(f, "{lines} log lines report preempted requests")
            }
            HealthFinding::CudaGraphsOff { .. } => {
                f.write_str("CUDA graphs are off in every decode batch")
            }
            HealthFinding::Traceback { .. } => {
                f.write_str("Python traceback: the server raised an exception")
            }
            HealthFinding::EndsWhileServing { .. } => f.write_str(
                "log ends while the server was still serving (no shutdown after the last sample): crash or truncation",
            ),
        }
    }
}

/// A health finding and the log file it was found in (a worker's `.out` and `.err` are merged,
/// so the file is kept beside the line).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogFinding {
    pub file: String,
    pub finding: HealthFinding,
}

impl LogFinding {
    pub fn severity(&self) -> Severity {
        self.finding.severity()
    }

    pub fn to_diagnostic(&self) -> Diagnostic {
        self.finding.to_diagnostic(&self.file)
    }
}

impl fmt::Display for LogFinding {
    /// `warning: path:line: message`, as diagnostics print.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.to_diagnostic().fmt(f)
    }
}

/// Why a run that was found has nothing to plot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// A profiling job (torch profiler, nsys): it writes traces, not benchmark results.
    ProfilingJob,
    /// No result file of any known format was found under the run.
    NoResults,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SkipReason::ProfilingJob => "Profiling job (no benchmark results)",
            SkipReason::NoResults => "No benchmark results found",
        })
    }
}

/// Where a run's GPU count was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum GpuSource {
    /// `{jobid}.json`: nodes × GPUs per node and workers × GPUs per worker.
    Metadata,
    /// The srt-slurm recipe (`config.yaml`).
    Recipe,
    /// A count the result file states: `gpus_16`/`ctx_8_gen_8` in its name, `tp`/`n_gpus` inside.
    ResultFile { path: String },
    /// Parallel sizes of the launch commands in the run's logs (TP × PP × DP per worker, summed
    /// over workers; DP attention shares the TP GPUs).
    LaunchCommand {
        path: String,
        line: u64,
        flags: String,
    },
    /// A token of the run directory's name (`tp4`, `gpus_16`, `ctx_8_gen_8`).
    DirectoryName { token: String },
}

impl fmt::Display for GpuSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GpuSource::Metadata => f.write_str("run metadata ({jobid}.json)"),
            GpuSource::Recipe => f.write_str("recipe (config.yaml)"),
            GpuSource::ResultFile { path } => write!(f, "result file {path}"),
            GpuSource::LaunchCommand { path, line, flags } => {
                write!(f, "launch command {path}:{line} ({flags})")
            }
            GpuSource::DirectoryName { token } => write!(f, "directory name token `{token}`"),
        }
    }
}

/// Something about a run as a whole, found while assembling it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "finding", rename_all = "snake_case")]
pub enum RunFinding {
    /// Two sources state different GPU counts; the first was used.
    GpuCountConflict {
        used: u32,
        used_from: GpuSource,
        other: u32,
        other_from: GpuSource,
    },
    /// A node's clock is off against another's, as when their servers get busy shows
    /// (`analysis::clock_skew`): elapsed times across nodes do not line up.
    ClockSkew {
        node: String,
        reference: String,
        /// The node's clock minus the reference's, seconds.
        offset_s: f64,
        /// Onsets that agree on it.
        matched: usize,
        basis: SkewBasis,
        /// The node's log and the line of its first matched onset.
        file: String,
        line: u64,
    },
    /// Prefill and decode capacities differ enough that one side bounds the run's throughput
    /// (`analysis::rate_match`).
    RateMismatch {
        bound: PdSide,
        /// Prefill's measured cluster capacity over decode's, requests/s.
        ratio: f64,
        prefill_workers: u32,
        prefill_requests_s: f64,
        decode_workers: u32,
        decode_requests_s: f64,
        /// The `xPyD` matching the measured per-worker capacities.
        suggested: (u32, u32),
        /// The bound side's log and the line of its highest sample.
        file: String,
        line: u64,
    },
}

/// What showed a clock offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkewBasis {
    /// Against a node of the same service.
    SameRole,
    /// A decode node busy before its prefill node could have sent it anything.
    Causality,
}

/// A side of a disaggregated run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PdSide {
    Prefill,
    Decode,
}

impl fmt::Display for PdSide {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PdSide::Prefill => "prefill",
            PdSide::Decode => "decode",
        })
    }
}

impl RunFinding {
    pub fn severity(&self) -> Severity {
        Severity::Warning
    }

    /// The file that shows it, where one file does.
    pub fn file(&self) -> Option<&str> {
        match self {
            RunFinding::GpuCountConflict { .. } => None,
            RunFinding::ClockSkew { file, .. } | RunFinding::RateMismatch { file, .. } => {
                Some(file)
            }
        }
    }

    /// Its line in [`Self::file`].
    pub fn line(&self) -> Option<u64> {
        match self {
            RunFinding::GpuCountConflict { .. } => None,
            RunFinding::ClockSkew { line, .. } | RunFinding::RateMismatch { line, .. } => {
                Some(*line)
            }
        }
    }
}

impl fmt::Display for RunFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunFinding::GpuCountConflict {
                used,
                used_from,
                other,
                other_from,
            } => write!(
                f,
                "GPU counts disagree: {used} from {used_from} (used) but {other} from {other_from}"
            ),
            RunFinding::ClockSkew {
                node,
                reference,
                offset_s,
                matched,
                basis,
                ..
            } => {
                let dir = if *offset_s > 0.0 {
                    "ahead of"
                } else {
                    "behind"
                };
                let secs = offset_s.abs();
                match basis {
                    SkewBasis::SameRole => write!(
                        f,
                        "clock of {node} is {secs:.1} s {dir} {reference}'s: its servers get busy \
                         that much {} at {matched} window starts",
                        if *offset_s > 0.0 { "later" } else { "earlier" }
                    ),
                    SkewBasis::Causality => write!(
                        f,
                        "clock of decode node {node} is {secs:.1} s {dir} prefill node \
                         {reference}'s: decode gets busy before prefill at {matched} window starts"
                    ),
                }
            }
            RunFinding::RateMismatch {
                bound,
                ratio,
                prefill_workers,
                prefill_requests_s,
                decode_workers,
                decode_requests_s,
                suggested,
                ..
            } => {
                let (big, small) = if *ratio >= 1.0 {
                    ("prefill", "decode")
                } else {
                    ("decode", "prefill")
                };
                let times = if *ratio >= 1.0 { *ratio } else { 1.0 / ratio };
                write!(
                    f,
                    "{big} can take {times:.1}× the requests {small} can: prefill measured \
                     {prefill_requests_s:.2} req/s per worker × {prefill_workers}, decode \
                     {decode_requests_s:.2} × {decode_workers}, so {bound} bounds throughput; \
                     {}P{}D would match these rates",
                    suggested.0, suggested.1
                )
            }
        }
    }
}

/// Why a benchmark point is not a valid measurement; such points are listed with the reason
/// and left out of frontiers unless the user puts them back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum InvalidPoint {
    /// Every request sent failed.
    AllRequestsFailed { sent: u64 },
    /// Requests completed but no output token was generated.
    NoOutputTokens { completed: u64 },
    /// Far fewer requests completed than were sent (below [`InvalidPoint::MIN_COMPLETED_PCT`]).
    FewCompleted { completed: u64, sent: u64 },
    /// The benchmark client itself marked the run invalid (AIPerf `submission_valid: false`).
    MarkedInvalid { reasons: Vec<String> },
    /// A number no benchmark produces (negative or non-finite throughput, a throughput over
    /// [`InvalidPoint::MAX_PLAUSIBLE_TPS`], a date outside years
    /// [`InvalidPoint::PLAUSIBLE_YEARS`]): `metric` as the file named it, `value` as written.
    ImplausibleValue { metric: String, value: String },
}

impl InvalidPoint {
    /// Share of sent requests that must complete for a point to count, in %.
    pub const MIN_COMPLETED_PCT: u64 = 50;
    /// Largest throughput (tokens or requests per second, per run or per GPU) taken as real.
    pub const MAX_PLAUSIBLE_TPS: f64 = 1e9;
    /// Years a benchmark date may fall in.
    pub const PLAUSIBLE_YEARS: std::ops::RangeInclusive<i64> = 1990..=2200;
}

impl fmt::Display for InvalidPoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvalidPoint::AllRequestsFailed { sent } => {
                write!(f, "all {sent} requests failed")
            }
            InvalidPoint::NoOutputTokens { completed } => {
                write!(
                    f,
                    "{completed} requests completed but 0 tokens were generated"
                )
            }
            InvalidPoint::FewCompleted { completed, sent } => write!(
                f,
                "only {completed} of {sent} requests completed (under {}%)",
                Self::MIN_COMPLETED_PCT
            ),
            InvalidPoint::MarkedInvalid { reasons } if reasons.is_empty() => {
                f.write_str("the benchmark client marked the run invalid")
            }
            InvalidPoint::MarkedInvalid { reasons } => write!(
                f,
                "the benchmark client marked the run invalid: {}",
                reasons.join("; ")
            ),
            InvalidPoint::ImplausibleValue { metric, value } => {
                write!(f, "implausible {metric}: {value}")
            }
        }
    }
}
