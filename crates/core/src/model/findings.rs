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
