//! vLLM v1 scheduler logging (spec 004): the rows of its five CSV files as formats read them
//! ([`SchedulerTable`]) and what the analysis derives from one directory of them
//! ([`SchedulerAnalysis`]). Times in rows are nanoseconds from scheduler start; the analysis
//! reports ms (latencies) and s (time axis).

use serde::{Deserialize, Serialize};

use super::diagnostics::Diagnostic;
use super::serde_nan::nan_as_null;
use super::summary::{Bin, Summary};

/// Which of the five files a table came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SchedulerFile {
    PerRequest,
    PerIteration,
    PerIterationRequests,
    Events,
    StateTransitions,
}

impl SchedulerFile {
    pub fn file_name(self) -> &'static str {
        match self {
            SchedulerFile::PerRequest => "per_request.csv",
            SchedulerFile::PerIteration => "per_iteration.csv",
            SchedulerFile::PerIterationRequests => "per_iteration_requests.csv",
            SchedulerFile::Events => "events.csv",
            SchedulerFile::StateTransitions => "state_transitions.csv",
        }
    }

    /// The file a name denotes (`per_request.csv`, also with a prefix like `dp0_per_request.csv`).
    pub fn from_name(name: &str) -> Option<Self> {
        let lower = name.to_ascii_lowercase();
        // Longest names first: `per_iteration_requests.csv` also ends in `requests.csv`.
        [
            SchedulerFile::PerIterationRequests,
            SchedulerFile::StateTransitions,
            SchedulerFile::PerIteration,
            SchedulerFile::PerRequest,
            SchedulerFile::Events,
        ]
        .into_iter()
        .find(|k| {
            lower == k.file_name()
                || lower
                    .strip_suffix(k.file_name())
                    .is_some_and(|p| p.ends_with(['_', '-', '.']))
        })
    }

    /// A header column every version of this file has (sniffing checks it).
    pub(crate) fn key_column(self) -> &'static str {
        match self {
            SchedulerFile::PerRequest => "request_id",
            SchedulerFile::PerIteration => "iteration_id",
            SchedulerFile::PerIterationRequests => "iteration_id",
            SchedulerFile::Events => "event_type",
            SchedulerFile::StateTransitions => "request_id",
        }
    }
}

/// One finished request (`per_request.csv`); times in ns, NaN where absent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestRow {
    pub request_id: String,
    pub line: u64,
    pub arrival_ns: f64,
    pub first_scheduled_ns: f64,
    pub completion_ns: f64,
    pub waiting_ns: f64,
    pub execution_ns: f64,
    pub e2e_ns: f64,
    pub input_tokens: f64,
    pub output_tokens: f64,
    pub ttft_ns: f64,
    pub tpot_ns: f64,
    pub throughput: f64,
    pub preemption_count: f64,
    pub eviction_count: f64,
    pub kv_cache_blocks: f64,
}

/// One scheduler iteration (`per_iteration.csv`); times in ns, NaN where absent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IterationRow {
    pub iteration_id: f64,
    pub start_ns: f64,
    pub end_ns: f64,
    pub duration_ns: f64,
    pub scheduling_overhead_ns: f64,
    pub forward_ns: f64,
    pub output_processing_ns: f64,
    pub batch_size: f64,
    pub total_tokens: f64,
    pub prefill_tokens: f64,
    pub decode_tokens: f64,
    pub kv_used: f64,
    pub kv_total: f64,
    pub running: f64,
    pub waiting: f64,
    pub preempted: f64,
    pub action: String,
}

/// `per_iteration_requests.csv` counted, not kept (it has a row per request per iteration):
/// rows by state, and waiting rows by waiting reason.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct IterationRequestCounts {
    pub rows: u64,
    pub states: std::collections::BTreeMap<String, u64>,
    pub waiting_reasons: std::collections::BTreeMap<String, u64>,
}

/// One scheduler event (`events.csv`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventRow {
    pub t_ns: f64,
    pub event_type: String,
    pub request_id: String,
    pub details: String,
    pub line: u64,
}

/// One state change of a request (`state_transitions.csv`). `from` is absent in the version
/// that writes `request_id,timestamp,state,duration_in_prev_state`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransitionRow {
    pub request_id: String,
    pub t_ns: f64,
    pub from: Option<String>,
    pub to: String,
    pub duration_in_prev_ns: f64,
    pub line: u64,
}

/// Rows of one file, typed by kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SchedulerRows {
    Requests(Vec<RequestRow>),
    Iterations(Vec<IterationRow>),
    IterationRequests(IterationRequestCounts),
    Events(Vec<EventRow>),
    Transitions(Vec<TransitionRow>),
}

impl SchedulerRows {
    pub fn len(&self) -> usize {
        match self {
            SchedulerRows::Requests(r) => r.len(),
            SchedulerRows::Iterations(r) => r.len(),
            SchedulerRows::IterationRequests(r) => r.rows as usize,
            SchedulerRows::Events(r) => r.len(),
            SchedulerRows::Transitions(r) => r.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One parsed scheduler CSV.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchedulerTable {
    pub path: String,
    pub kind: SchedulerFile,
    pub rows: SchedulerRows,
    /// Expected columns the header lacks (their values are empty).
    pub missing_columns: Vec<String>,
    /// Columns the header has that runlens does not use.
    pub extra_columns: Vec<String>,
    /// Malformed rows and other problems, by line.
    pub problems: Vec<Diagnostic>,
}
/// Iteration series longer than this are averaged in buckets for the page (statistics always
/// come from every row).
pub const MAX_ITERATION_POINTS: usize = 4000;

/// Slowest requests (by E2E latency) whose state timelines are kept for the drill-down.
pub const SLOWEST_REQUESTS: usize = 25;

/// A per-request metric of `per_request.csv` that has a distribution (data only: the page names
/// it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestMetric {
    Ttft,
    Tpot,
    E2eLatency,
    WaitingTime,
    ExecutionTime,
    InputTokens,
    OutputTokens,
}

impl RequestMetric {
    pub const ALL: [RequestMetric; 7] = [
        RequestMetric::Ttft,
        RequestMetric::Tpot,
        RequestMetric::E2eLatency,
        RequestMetric::WaitingTime,
        RequestMetric::ExecutionTime,
        RequestMetric::InputTokens,
        RequestMetric::OutputTokens,
    ];

    /// Stable identifier (`e2e_latency`), as serialised and kept in the URL.
    pub fn id(self) -> &'static str {
        match self {
            RequestMetric::Ttft => "ttft",
            RequestMetric::Tpot => "tpot",
            RequestMetric::E2eLatency => "e2e_latency",
            RequestMetric::WaitingTime => "waiting_time",
            RequestMetric::ExecutionTime => "execution_time",
            RequestMetric::InputTokens => "input_tokens",
            RequestMetric::OutputTokens => "output_tokens",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.id() == id)
    }

    /// Unit of the values: `ms` for times, `tokens` for token counts.
    pub fn unit(self) -> &'static str {
        match self {
            RequestMetric::InputTokens | RequestMetric::OutputTokens => "tokens",
            _ => "ms",
        }
    }
}

/// A request metric with its distribution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Distribution {
    pub metric: RequestMetric,
    pub summary: Summary,
    pub histogram: Vec<Bin>,
    pub cdf: Vec<[f64; 2]>,
}

/// Per-request columns (one entry per row of `per_request.csv`, in arrival order).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RequestColumns {
    pub id: Vec<String>,
    #[serde(with = "nan_as_null::vec_f64")]
    pub arrival_s: Vec<f64>,
    #[serde(with = "nan_as_null::vec_f64")]
    pub ttft_ms: Vec<f64>,
    #[serde(with = "nan_as_null::vec_f64")]
    pub tpot_ms: Vec<f64>,
    #[serde(with = "nan_as_null::vec_f64")]
    pub e2e_ms: Vec<f64>,
    #[serde(with = "nan_as_null::vec_f64")]
    pub waiting_ms: Vec<f64>,
    #[serde(with = "nan_as_null::vec_f64")]
    pub execution_ms: Vec<f64>,
    #[serde(with = "nan_as_null::vec_f64")]
    pub input_tokens: Vec<f64>,
    #[serde(with = "nan_as_null::vec_f64")]
    pub output_tokens: Vec<f64>,
    #[serde(with = "nan_as_null::vec_f64")]
    pub preemptions: Vec<f64>,
    #[serde(with = "nan_as_null::vec_f64")]
    pub evictions: Vec<f64>,
    /// Time in each state from the request's timeline (NaN without one).
    #[serde(with = "nan_as_null::vec_f64", default)]
    pub state_waiting_ms: Vec<f64>,
    #[serde(with = "nan_as_null::vec_f64", default)]
    pub state_running_ms: Vec<f64>,
    #[serde(with = "nan_as_null::vec_f64", default)]
    pub state_preempted_ms: Vec<f64>,
}

/// Preemption and eviction over all requests.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Preemption {
    pub requests: usize,
    /// Requests with `preemption_count > 0`.
    pub preempted_requests: usize,
    /// `preempted_requests / requests` (NaN without requests or without the column).
    #[serde(with = "nan_as_null")]
    pub rate: f64,
    pub total_preemptions: u64,
    pub total_evictions: u64,
    /// `(preemption count, requests with that count)`, ascending.
    pub distribution: Vec<(u64, u64)>,
    /// `request_preempted` rows of `events.csv`, when that file was loaded.
    pub preempted_events: Option<u64>,
}

/// Iteration columns, possibly averaged in buckets of `stride` iterations.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct IterationColumns {
    /// Iterations in the file.
    pub total: usize,
    /// Iterations averaged per point (1: every iteration).
    pub stride: usize,
    #[serde(with = "nan_as_null::vec_f64")]
    pub iteration_id: Vec<f64>,
    /// Start of the iteration, seconds from scheduler start.
    #[serde(with = "nan_as_null::vec_f64")]
    pub t_s: Vec<f64>,
    #[serde(with = "nan_as_null::vec_f64")]
    pub duration_ms: Vec<f64>,
    #[serde(with = "nan_as_null::vec_f64")]
    pub overhead_ms: Vec<f64>,
    #[serde(with = "nan_as_null::vec_f64")]
    pub forward_ms: Vec<f64>,
    #[serde(with = "nan_as_null::vec_f64")]
    pub batch_size: Vec<f64>,
    #[serde(with = "nan_as_null::vec_f64")]
    pub prefill_tokens: Vec<f64>,
    #[serde(with = "nan_as_null::vec_f64")]
    pub decode_tokens: Vec<f64>,
    #[serde(with = "nan_as_null::vec_f64")]
    pub running: Vec<f64>,
    #[serde(with = "nan_as_null::vec_f64")]
    pub waiting: Vec<f64>,
    #[serde(with = "nan_as_null::vec_f64")]
    pub preempted: Vec<f64>,
    #[serde(with = "nan_as_null::vec_f64")]
    pub kv_util_pct: Vec<f64>,
}

/// Statistics over every iteration.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct IterationStats {
    pub batch_size: Summary,
    pub kv_util_pct: Summary,
    pub duration_ms: Summary,
    pub overhead_ms: Summary,
    pub forward_ms: Summary,
    /// Share of summed iteration time spent scheduling, in %.
    #[serde(with = "nan_as_null")]
    pub overhead_share_pct: f64,
}

/// Time requests spent in one state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateTime {
    pub state: String,
    pub total_ms: f64,
    /// Requests that were ever in the state.
    pub requests: usize,
    pub mean_ms: f64,
}

/// A stretch of one request's life in one state, ms from scheduler start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateSpan {
    pub state: String,
    pub start_ms: f64,
    pub end_ms: f64,
}

/// A slow request with its state timeline, for the drill-down.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlowRequest {
    pub id: String,
    #[serde(with = "nan_as_null")]
    pub e2e_ms: f64,
    #[serde(with = "nan_as_null")]
    pub ttft_ms: f64,
    #[serde(with = "nan_as_null")]
    pub waiting_ms: f64,
    #[serde(with = "nan_as_null")]
    pub execution_ms: f64,
    #[serde(with = "nan_as_null")]
    pub preemptions: f64,
    pub spans: Vec<StateSpan>,
    /// File the timeline came from (`state_transitions.csv` or `events.csv`), if any.
    pub timeline_source: Option<String>,
}

/// A loaded file of the set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchedulerFileInfo {
    pub path: String,
    pub kind: SchedulerFile,
    pub rows: usize,
    pub missing_columns: Vec<String>,
    pub extra_columns: Vec<String>,
}

impl SchedulerFileInfo {
    /// `per_request.csv (60 rows)`.
    pub fn label(&self) -> String {
        format!(
            "{} ({} rows)",
            crate::text::paths::file_name(&self.path),
            self.rows
        )
    }
}

/// The numbers `runlens sched` prints.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Headline {
    pub requests: usize,
    pub ttft_ms: Summary,
    pub tpot_ms: Summary,
    pub e2e_ms: Summary,
    #[serde(with = "nan_as_null")]
    pub preemption_rate: f64,
    #[serde(with = "nan_as_null")]
    pub kv_util_mean_pct: f64,
    #[serde(with = "nan_as_null")]
    pub kv_util_max_pct: f64,
    #[serde(with = "nan_as_null")]
    pub batch_size_mean: f64,
}

/// Everything derived from the scheduler CSVs of one directory.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SchedulerAnalysis {
    /// Directory holding the CSVs.
    pub dir: String,
    pub files: Vec<SchedulerFileInfo>,
    pub headline: Headline,
    pub requests: RequestColumns,
    /// TTFT, TPOT, E2E latency, waiting time, execution time (ms).
    pub latencies: Vec<Distribution>,
    /// Input and output tokens per request.
    pub tokens: Vec<Distribution>,
    pub preemption: Preemption,
    pub iterations: IterationColumns,
    pub iteration_stats: IterationStats,
    /// `(event type, rows)` of `events.csv`, most frequent first.
    pub event_counts: Vec<(String, u64)>,
    /// `(waiting reason, waiting rows)` of `per_iteration_requests.csv`, most frequent first.
    pub waiting_reasons: Vec<(String, u64)>,
    /// `(state, rows)` of `per_iteration_requests.csv`.
    pub iteration_request_states: Vec<(String, u64)>,
    /// Time in each state over all requests with a timeline.
    pub state_time: Vec<StateTime>,
    pub slowest: Vec<SlowRequest>,
}
