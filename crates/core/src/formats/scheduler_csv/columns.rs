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

/// A column of one scheduler CSV, named by its canonical name (the first alias).
pub(super) trait Column: Copy {
    /// Position in the file kind's [`Spec`] (the order the columns are declared in).
    fn spec_index(self) -> usize;
    fn name(self) -> &'static str;
}

/// Declare a file's columns once: an enum with one variant per column and the alias table,
/// in the same order, so rows are read by column, never by a number.
macro_rules! columns {
    ($(#[$m:meta])* $enum:ident, $spec:ident { $($variant:ident => [$($alias:literal),+],)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(super) enum $enum {
            $($variant),+
        }

        const $spec: Spec = &[$(&[$($alias),+]),+];

        impl Column for $enum {
            fn spec_index(self) -> usize {
                self as usize
            }

            fn name(self) -> &'static str {
                $spec[self as usize][0]
            }
        }
    };
}

columns! {
    /// The columns of `per_request.csv`, each with the names the logger's versions gave it.
    RequestCol, REQUEST_COLUMNS {
        RequestId => ["request_id", "req_id", "id"],
        ArrivalTime => ["arrival_time", "arrival_time_ns"],
        FirstScheduledTime => ["first_scheduled_time", "first_scheduled_time_ns"],
        CompletionTime => ["completion_time", "completion_time_ns"],
        WaitingTime => ["waiting_time", "waiting_time_ns", "total_waiting_time"],
        ExecutionTime => ["execution_time", "execution_time_ns", "total_execution_time"],
        E2eLatency => ["e2e_latency", "e2e_latency_ns", "e2e"],
        InputTokens => ["input_tokens", "input_token_count", "num_prompt_tokens"],
        OutputTokens => ["output_tokens", "output_token_count", "num_output_tokens"],
        Ttft => ["ttft", "ttft_ns"],
        Tpot => ["tpot", "tpot_ns"],
        Throughput => ["throughput"],
        PreemptionCount => ["preemption_count", "num_preemptions"],
        EvictionCount => ["eviction_count", "num_evictions"],
        KvCacheBlocks => ["kv_cache_blocks"],
    }
}

/// Optional columns: written by some versions only, not worth a warning when absent.
const REQUEST_OPTIONAL: &[&str] = &["kv_cache_memory_bytes", "priority_score"];

columns! {
    /// The columns of `per_iteration.csv`, each with the names the logger's versions gave it.
    IterationCol, ITERATION_COLUMNS {
        IterationId => ["iteration_id", "iteration"],
        StartTime => ["start_time", "start_time_ns", "iteration_start_time"],
        EndTime => ["end_time", "end_time_ns", "iteration_end_time"],
        Duration => ["duration", "duration_ns", "iteration_duration"],
        SchedulingOverhead => ["scheduling_overhead", "scheduling_overhead_ns"],
        ForwardDuration => ["forward_duration", "forward_pass_duration", "forward_pass_duration_ns"],
        OutputProcessingDuration => ["output_processing_duration"],
        BatchSize => ["batch_size"],
        TotalTokens => ["total_tokens", "total_tokens_in_batch"],
        PrefillTokens => ["prefill_tokens"],
        DecodeTokens => ["decode_tokens"],
        KvCacheUsed => ["kv_cache_used", "kv_cache_used_blocks"],
        KvCacheTotal => ["kv_cache_total", "kv_cache_total_blocks"],
        RunningCount => ["running_count", "num_running", "running"],
        WaitingCount => ["waiting_count", "num_waiting", "waiting"],
        PreemptedCount => ["preempted_count", "num_preempted", "preempted"],
        SchedulerAction => ["scheduler_action", "scheduler_actions", "action"],
    }
}

const ITERATION_OPTIONAL: &[&str] = &["output_processing_duration"];

columns! {
    /// The columns of `per_iteration_requests.csv`, each with the names the logger's versions gave it.
    /// The file is counted, not kept: some columns are known (never reported as extra) but not read.
    #[allow(dead_code)]
    IterationRequestCol, ITERATION_REQUEST_COLUMNS {
        IterationId => ["iteration_id", "iteration"],
        RequestId => ["request_id", "req_id"],
        State => ["state"],
        QueuePosition => ["queue_position"],
        WaitingReason => ["waiting_reason"],
        TokensGenerated => ["tokens_generated", "tokens_generated_so_far"],
        KvCacheBlocks => ["kv_cache_blocks"],
        TimeInState => ["time_in_state", "time_in_current_state", "time_in_state_ns"],
    }
}

columns! {
    /// The columns of `events.csv`, each with the names the logger's versions gave it.
    EventCol, EVENT_COLUMNS {
        Timestamp => ["timestamp", "time", "timestamp_ns"],
        EventType => ["event_type", "event"],
        RequestId => ["request_id", "req_id"],
        Details => ["details"],
    }
}

columns! {
    /// The columns of `state_transitions.csv`, each with the names the logger's versions gave it.
    TransitionCol, TRANSITION_COLUMNS {
        RequestId => ["request_id", "req_id"],
        Timestamp => ["timestamp", "time", "timestamp_ns"],
        State => ["state", "to_state", "new_state"],
        FromState => ["from_state", "prev_state"],
        DurationInPrevState => ["duration_in_prev_state", "duration_in_previous_state", "duration"],
    }
}

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
    pub(super) fn text(&self, column: impl Column) -> &'a str {
        self.header.index[column.spec_index()]
            .and_then(|i| self.record.get(i))
            .map(str::trim)
            .unwrap_or("")
    }

    /// A number; empty, `None`, `nan` and absent are NaN without complaint.
    pub(super) fn num(&mut self, column: impl Column) -> f64 {
        let t = self.text(column);
        if t.is_empty() || t.eq_ignore_ascii_case("none") || t.eq_ignore_ascii_case("null") {
            return f64::NAN;
        }
        match t.parse::<f64>() {
            Ok(v) => v,
            Err(_) if t.eq_ignore_ascii_case("true") => 1.0,
            Err(_) if t.eq_ignore_ascii_case("false") => 0.0,
            Err(_) => {
                self.bad.push(column.name());
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_named_by_their_first_alias() {
        assert_eq!(RequestCol::ArrivalTime.name(), "arrival_time");
        assert_eq!(IterationCol::ForwardDuration.name(), "forward_duration");
        assert_eq!(TransitionCol::FromState.name(), "from_state");
        assert_eq!(
            REQUEST_COLUMNS.len(),
            RequestCol::KvCacheBlocks.spec_index() + 1
        );
    }
}
