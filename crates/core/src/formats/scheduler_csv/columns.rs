//! The columns of each scheduler CSV, found by name: the aliases every logger version used,
//! which absent columns deserve a warning, and typed access to one row's fields.

use crate::model::SchedulerFile;

pub(super) fn normalise(column: &str) -> String {
    column
        .trim()
        .trim_start_matches('\u{feff}')
        .trim_matches('"')
        .to_ascii_lowercase()
}

/// Column aliases: the first name is the one the spec's logger writes.
pub(super) type Spec = &'static [&'static [&'static str]];

const REQUEST_COLUMNS: Spec = &[
    &["request_id", "req_id", "id"],
    &["arrival_time", "arrival_time_ns"],
    &["first_scheduled_time", "first_scheduled_time_ns"],
    &["completion_time", "completion_time_ns"],
    &["waiting_time", "waiting_time_ns", "total_waiting_time"],
    &[
        "execution_time",
        "execution_time_ns",
        "total_execution_time",
    ],
    &["e2e_latency", "e2e_latency_ns", "e2e"],
    &["input_tokens", "input_token_count", "num_prompt_tokens"],
    &["output_tokens", "output_token_count", "num_output_tokens"],
    &["ttft", "ttft_ns"],
    &["tpot", "tpot_ns"],
    &["throughput"],
    &["preemption_count", "num_preemptions"],
    &["eviction_count", "num_evictions"],
    &["kv_cache_blocks"],
];

/// Optional columns: written by some versions only, not worth a warning when absent.
const REQUEST_OPTIONAL: &[&str] = &["kv_cache_memory_bytes", "priority_score"];

const ITERATION_COLUMNS: Spec = &[
    &["iteration_id", "iteration"],
    &["start_time", "start_time_ns", "iteration_start_time"],
    &["end_time", "end_time_ns", "iteration_end_time"],
    &["duration", "duration_ns", "iteration_duration"],
    &["scheduling_overhead", "scheduling_overhead_ns"],
    &[
        "forward_duration",
        "forward_pass_duration",
        "forward_pass_duration_ns",
    ],
    &["output_processing_duration"],
    &["batch_size"],
    &["total_tokens", "total_tokens_in_batch"],
    &["prefill_tokens"],
    &["decode_tokens"],
    &["kv_cache_used", "kv_cache_used_blocks"],
    &["kv_cache_total", "kv_cache_total_blocks"],
    &["running_count", "num_running", "running"],
    &["waiting_count", "num_waiting", "waiting"],
    &["preempted_count", "num_preempted", "preempted"],
    &["scheduler_action", "scheduler_actions", "action"],
];

const ITERATION_OPTIONAL: &[&str] = &["output_processing_duration"];

const ITERATION_REQUEST_COLUMNS: Spec = &[
    &["iteration_id", "iteration"],
    &["request_id", "req_id"],
    &["state"],
    &["queue_position"],
    &["waiting_reason"],
    &["tokens_generated", "tokens_generated_so_far"],
    &["kv_cache_blocks"],
    &["time_in_state", "time_in_current_state", "time_in_state_ns"],
];

const EVENT_COLUMNS: Spec = &[
    &["timestamp", "time", "timestamp_ns"],
    &["event_type", "event"],
    &["request_id", "req_id"],
    &["details"],
];

const TRANSITION_COLUMNS: Spec = &[
    &["request_id", "req_id"],
    &["timestamp", "time", "timestamp_ns"],
    &["state", "to_state", "new_state"],
    &["from_state", "prev_state"],
    &[
        "duration_in_prev_state",
        "duration_in_previous_state",
        "duration",
    ],
];

/// Positions of the spec's columns in one header, plus what is missing and extra.
pub(super) struct Header {
    pub(super) index: Vec<Option<usize>>,
    pub(super) missing: Vec<String>,
    pub(super) extra: Vec<String>,
}

impl Header {
    pub(super) fn new(header: &csv::StringRecord, spec: Spec, optional: &[&str]) -> Self {
        let names: Vec<String> = header.iter().map(normalise).collect();
        let index: Vec<Option<usize>> = spec
            .iter()
            .map(|aliases| {
                aliases
                    .iter()
                    .find_map(|a| names.iter().position(|n| n == a))
            })
            .collect();
        let missing = spec
            .iter()
            .zip(&index)
            .filter(|(aliases, i)| i.is_none() && !optional.contains(&aliases[0]))
            .map(|(aliases, _)| aliases[0].to_owned())
            .collect();
        let extra = names
            .iter()
            .filter(|n| {
                !n.is_empty()
                    && !optional.contains(&n.as_str())
                    && !spec.iter().any(|aliases| aliases.contains(&n.as_str()))
            })
            .cloned()
            .collect();
        Self {
            index,
            missing,
            extra,
        }
    }
}

/// Reads typed fields of one row, counting values that are not numbers.
pub(super) struct Row<'a> {
    pub(super) record: &'a csv::StringRecord,
    pub(super) header: &'a Header,
    pub(super) bad: Vec<&'static str>,
}

impl<'a> Row<'a> {
    pub(super) fn text(&self, field: usize) -> &'a str {
        self.header.index[field]
            .and_then(|i| self.record.get(i))
            .map(str::trim)
            .unwrap_or("")
    }

    /// A number; empty, `None`, `nan` and absent are NaN without complaint.
    pub(super) fn num(&mut self, field: usize, name: &'static str) -> f64 {
        let t = self.text(field);
        if t.is_empty() || t.eq_ignore_ascii_case("none") || t.eq_ignore_ascii_case("null") {
            return f64::NAN;
        }
        match t.parse::<f64>() {
            Ok(v) => v,
            Err(_) if t.eq_ignore_ascii_case("true") => 1.0,
            Err(_) if t.eq_ignore_ascii_case("false") => 0.0,
            Err(_) => {
                self.bad.push(name);
                f64::NAN
            }
        }
    }
}

/// Column aliases and optional columns of a file kind.
pub(super) fn columns_of(kind: SchedulerFile) -> (Spec, &'static [&'static str]) {
    match kind {
        SchedulerFile::PerRequest => (REQUEST_COLUMNS, REQUEST_OPTIONAL),
        SchedulerFile::PerIteration => (ITERATION_COLUMNS, ITERATION_OPTIONAL),
        SchedulerFile::PerIterationRequests => (ITERATION_REQUEST_COLUMNS, &[]),
        SchedulerFile::Events => (EVENT_COLUMNS, &[]),
        SchedulerFile::StateTransitions => (TRANSITION_COLUMNS, &["from_state"]),
    }
}
