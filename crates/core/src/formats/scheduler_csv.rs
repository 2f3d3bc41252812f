//! vLLM v1 scheduler logging CSVs (spec 004; written when `VLLM_SCHEDULER_LOGGING=1`):
//! `per_request.csv`, `per_iteration.csv`, `per_iteration_requests.csv`, `events.csv` and
//! `state_transitions.csv`. Times are nanoseconds from scheduler start (`perf_counter_ns`).
//!
//! Columns are found by name (with the aliases the logger's versions used, e.g.
//! `forward_duration` / `forward_pass_duration`), so extra columns are ignored and missing ones
//! leave their values empty (NaN) with a warning. Malformed rows are reported by line and kept
//! as far as they go; nothing here panics on any input.

use serde::{Deserialize, Serialize};

use super::{file_name, Format, Record, StreamParser};
use crate::diagnostics::{Diagnostic, FormatError};

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
    pub const ALL: [SchedulerFile; 5] = [
        SchedulerFile::PerRequest,
        SchedulerFile::PerIteration,
        SchedulerFile::PerIterationRequests,
        SchedulerFile::Events,
        SchedulerFile::StateTransitions,
    ];

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
    fn key_column(self) -> &'static str {
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

pub struct SchedulerCsv;

impl Format for SchedulerCsv {
    fn name(&self) -> &'static str {
        "vllm-scheduler-csv"
    }

    fn sniff(&self, path: &str, head: &[u8]) -> bool {
        let Some(kind) = SchedulerFile::from_name(file_name(path)) else {
            return false;
        };
        // An empty file of the right name is still one of ours (reported as empty).
        if head.iter().all(u8::is_ascii_whitespace) {
            return true;
        }
        let first = head.split(|&b| b == b'\n').next().unwrap_or(head);
        String::from_utf8_lossy(first)
            .split(',')
            .any(|c| normalise(c) == kind.key_column())
    }

    fn parse(&self, path: &str, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), FormatError> {
        let kind = SchedulerFile::from_name(file_name(path)).ok_or(FormatError::Shape {
            expected: "a scheduler CSV name",
            found: file_name(path).to_owned(),
        })?;
        out.push(Record::Scheduler(Box::new(parse_table(path, kind, bytes))));
        Ok(())
    }

    fn streaming(&self, path: &str) -> Option<Box<dyn StreamParser>> {
        let kind = SchedulerFile::from_name(file_name(path))?;
        Some(Box::new(SchedulerStream {
            builder: TableBuilder::new(path, kind),
            carry: Vec::new(),
            next_line: 1,
        }))
    }
}

fn normalise(column: &str) -> String {
    column
        .trim()
        .trim_start_matches('\u{feff}')
        .trim_matches('"')
        .to_ascii_lowercase()
}

/// Column aliases: the first name is the one the spec's logger writes.
type Spec = &'static [&'static [&'static str]];

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
struct Header {
    index: Vec<Option<usize>>,
    missing: Vec<String>,
    extra: Vec<String>,
}

impl Header {
    fn new(header: &csv::StringRecord, spec: Spec, optional: &[&str]) -> Self {
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
struct Row<'a> {
    record: &'a csv::StringRecord,
    header: &'a Header,
    bad: Vec<&'static str>,
}

impl<'a> Row<'a> {
    fn text(&self, field: usize) -> &'a str {
        self.header.index[field]
            .and_then(|i| self.record.get(i))
            .map(str::trim)
            .unwrap_or("")
    }

    /// A number; empty, `None`, `nan` and absent are NaN without complaint.
    fn num(&mut self, field: usize, name: &'static str) -> f64 {
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

/// Most malformed rows reported one by one; the rest are counted.
const MAX_ROW_PROBLEMS: usize = 5;

/// Builds one table row by row; fed whole files ([`parse_table`]) or line chunks (streaming).
pub struct TableBuilder {
    table: SchedulerTable,
    header: Option<(Header, usize)>,
    spec: Spec,
    optional: &'static [&'static str],
    bad_rows: usize,
    dead: bool,
}

impl TableBuilder {
    pub fn new(path: &str, kind: SchedulerFile) -> Self {
        let (spec, optional): (Spec, &'static [&'static str]) = match kind {
            SchedulerFile::PerRequest => (REQUEST_COLUMNS, REQUEST_OPTIONAL),
            SchedulerFile::PerIteration => (ITERATION_COLUMNS, ITERATION_OPTIONAL),
            SchedulerFile::PerIterationRequests => (ITERATION_REQUEST_COLUMNS, &[]),
            SchedulerFile::Events => (EVENT_COLUMNS, &[]),
            SchedulerFile::StateTransitions => (TRANSITION_COLUMNS, &["from_state"]),
        };
        Self {
            table: SchedulerTable {
                path: path.to_owned(),
                kind,
                rows: match kind {
                    SchedulerFile::PerRequest => SchedulerRows::Requests(Vec::new()),
                    SchedulerFile::PerIteration => SchedulerRows::Iterations(Vec::new()),
                    SchedulerFile::PerIterationRequests => {
                        SchedulerRows::IterationRequests(IterationRequestCounts::default())
                    }
                    SchedulerFile::Events => SchedulerRows::Events(Vec::new()),
                    SchedulerFile::StateTransitions => SchedulerRows::Transitions(Vec::new()),
                },
                missing_columns: Vec::new(),
                extra_columns: Vec::new(),
                problems: Vec::new(),
            },
            header: None,
            spec,
            optional,
            bad_rows: 0,
            dead: false,
        }
    }

    fn problem(&mut self, line: u64, message: String) {
        self.bad_rows += 1;
        if self.bad_rows <= MAX_ROW_PROBLEMS {
            self.table
                .problems
                .push(Diagnostic::warning(&self.table.path, message).at_line(line));
        }
    }

    /// Parse complete lines (`chunk` ends at a line end) whose first line is `first_line`.
    pub fn feed_lines(&mut self, chunk: &[u8], first_line: u64) {
        if self.dead {
            return;
        }
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(false)
            .from_reader(chunk);
        let mut record = csv::StringRecord::new();
        loop {
            let line = first_line + reader.position().line() - 1;
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    if self.header.is_none() {
                        self.table.problems.push(
                            Diagnostic::error(&self.table.path, format!("unreadable header: {e}"))
                                .at_line(line),
                        );
                        self.dead = true;
                        return;
                    }
                    self.problem(line, format!("unreadable row: {e}"));
                    continue;
                }
            }
            if record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            let Some((header, width)) = &self.header else {
                let header = Header::new(&record, self.spec, self.optional);
                if header.index[0].is_none() {
                    self.table.problems.push(
                        Diagnostic::error(
                            &self.table.path,
                            format!(
                                "header has no `{}` column; is this a vLLM scheduler log?",
                                self.spec[0][0]
                            ),
                        )
                        .at_line(line),
                    );
                    self.dead = true;
                    return;
                }
                self.table.missing_columns = header.missing.clone();
                self.table.extra_columns = header.extra.clone();
                if !header.missing.is_empty() {
                    self.table.problems.push(
                        Diagnostic::warning(
                            &self.table.path,
                            format!(
                                "columns missing from the header: {} (their values are left empty)",
                                header.missing.join(", ")
                            ),
                        )
                        .at_line(line),
                    );
                }
                self.header = Some((header, record.len()));
                continue;
            };
            let mut row = Row {
                record: &record,
                header,
                bad: Vec::new(),
            };
            let kept = push_row(&mut self.table.rows, &mut row, line);
            let short = record.len() != *width;
            if !kept || short || !row.bad.is_empty() {
                let what = if !kept {
                    format!("row without a {}; skipped", self.spec[0][0])
                } else if short {
                    format!(
                        "row has {} fields, the header {}; missing fields left empty",
                        record.len(),
                        width
                    )
                } else {
                    format!("not a number in {}; left empty", row.bad.join(", "))
                };
                self.problem(line, what);
            }
        }
    }

    pub fn finish(mut self) -> SchedulerTable {
        if self.header.is_none() && !self.dead {
            self.table.problems.push(Diagnostic::warning(
                &self.table.path,
                "file is empty (the logger writes rows when it flushes; was the server stopped cleanly?)",
            ));
        }
        if self.bad_rows > MAX_ROW_PROBLEMS {
            self.table.problems.push(Diagnostic::warning(
                &self.table.path,
                format!(
                    "{} more malformed rows not listed",
                    self.bad_rows - MAX_ROW_PROBLEMS
                ),
            ));
        }
        self.table
    }
}

/// Parse one scheduler CSV held whole. Never fails: an empty or unreadable file gives an empty
/// table with its problem stated.
pub fn parse_table(path: &str, kind: SchedulerFile, bytes: &[u8]) -> SchedulerTable {
    let mut b = TableBuilder::new(path, kind);
    b.feed_lines(bytes, 1);
    b.finish()
}

/// Streams a scheduler CSV in line chunks, so a multi-GB `per_iteration_requests.csv` is never
/// held whole (its rows are counted, not kept).
pub struct SchedulerStream {
    builder: TableBuilder,
    carry: Vec<u8>,
    next_line: u64,
}

/// Bytes gathered before a chunk of lines is parsed.
const STREAM_BATCH: usize = 1 << 20;

impl SchedulerStream {
    fn flush(&mut self, all: bool) {
        let cut = if all {
            self.carry.len()
        } else {
            match memchr::memrchr(b'\n', &self.carry) {
                Some(i) => i + 1,
                None => return,
            }
        };
        if cut == 0 {
            return;
        }
        let rest = self.carry.split_off(cut);
        let chunk = std::mem::replace(&mut self.carry, rest);
        self.builder.feed_lines(&chunk, self.next_line);
        self.next_line += memchr::memchr_iter(b'\n', &chunk).count() as u64;
    }
}

impl StreamParser for SchedulerStream {
    fn feed(&mut self, chunk: &[u8]) {
        self.carry.extend_from_slice(chunk);
        if self.carry.len() >= STREAM_BATCH {
            self.flush(false);
        }
    }

    fn finish(mut self: Box<Self>, out: &mut Vec<Record>) -> Result<bool, FormatError> {
        self.flush(true);
        let SchedulerStream { builder, .. } = *self;
        out.push(Record::Scheduler(Box::new(builder.finish())));
        Ok(true)
    }
}

/// Append one row of the table's kind; `false` when the row lacks its key and is skipped.
fn push_row(rows: &mut SchedulerRows, r: &mut Row, line: u64) -> bool {
    match rows {
        SchedulerRows::Requests(v) => {
            let request_id = r.text(0).to_owned();
            if request_id.is_empty() {
                return false;
            }
            v.push(RequestRow {
                request_id,
                line,
                arrival_ns: r.num(1, "arrival_time"),
                first_scheduled_ns: r.num(2, "first_scheduled_time"),
                completion_ns: r.num(3, "completion_time"),
                waiting_ns: r.num(4, "waiting_time"),
                execution_ns: r.num(5, "execution_time"),
                e2e_ns: r.num(6, "e2e_latency"),
                input_tokens: r.num(7, "input_tokens"),
                output_tokens: r.num(8, "output_tokens"),
                ttft_ns: r.num(9, "ttft"),
                tpot_ns: r.num(10, "tpot"),
                throughput: r.num(11, "throughput"),
                preemption_count: r.num(12, "preemption_count"),
                eviction_count: r.num(13, "eviction_count"),
                kv_cache_blocks: r.num(14, "kv_cache_blocks"),
            });
        }
        SchedulerRows::Iterations(v) => {
            let iteration_id = r.num(0, "iteration_id");
            if iteration_id.is_nan() {
                return false;
            }
            v.push(IterationRow {
                iteration_id,
                start_ns: r.num(1, "start_time"),
                end_ns: r.num(2, "end_time"),
                duration_ns: r.num(3, "duration"),
                scheduling_overhead_ns: r.num(4, "scheduling_overhead"),
                forward_ns: r.num(5, "forward_duration"),
                output_processing_ns: r.num(6, "output_processing_duration"),
                batch_size: r.num(7, "batch_size"),
                total_tokens: r.num(8, "total_tokens"),
                prefill_tokens: r.num(9, "prefill_tokens"),
                decode_tokens: r.num(10, "decode_tokens"),
                kv_used: r.num(11, "kv_cache_used"),
                kv_total: r.num(12, "kv_cache_total"),
                running: r.num(13, "running_count"),
                waiting: r.num(14, "waiting_count"),
                preempted: r.num(15, "preempted_count"),
                action: r.text(16).to_owned(),
            });
        }
        SchedulerRows::IterationRequests(c) => {
            let iteration_id = r.num(0, "iteration_id");
            if iteration_id.is_nan() || r.text(1).is_empty() {
                return false;
            }
            let state = r.text(2).to_ascii_lowercase();
            if state == "waiting" {
                let reason = match r.text(4) {
                    "" => "(not stated)",
                    reason => reason,
                };
                *c.waiting_reasons.entry(reason.to_owned()).or_default() += 1;
            }
            *c.states.entry(state).or_default() += 1;
            c.rows += 1;
        }
        SchedulerRows::Events(v) => {
            let event_type = r.text(1).to_owned();
            if event_type.is_empty() {
                return false;
            }
            v.push(EventRow {
                t_ns: r.num(0, "timestamp"),
                event_type,
                request_id: r.text(2).to_owned(),
                details: r.text(3).to_owned(),
                line,
            });
        }
        SchedulerRows::Transitions(v) => {
            let request_id = r.text(0).to_owned();
            let to = r.text(2).to_ascii_lowercase();
            if request_id.is_empty() || to.is_empty() {
                return false;
            }
            let from = Some(r.text(3).to_ascii_lowercase()).filter(|s| !s.is_empty());
            v.push(TransitionRow {
                request_id,
                t_ns: r.num(1, "timestamp"),
                from,
                to,
                duration_in_prev_ns: r.num(4, "duration_in_prev_state"),
                line,
            });
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_with_and_without_prefix() {
        assert_eq!(
            SchedulerFile::from_name("per_iteration_requests.csv"),
            Some(SchedulerFile::PerIterationRequests)
        );
        assert_eq!(
            SchedulerFile::from_name("dp0_per_request.csv"),
            Some(SchedulerFile::PerRequest)
        );
        assert_eq!(SchedulerFile::from_name("myevents.csv"), None);
        assert_eq!(SchedulerFile::from_name("per_request.json"), None);
    }

    #[test]
    fn sniff_wants_the_key_column_or_an_empty_file() {
        let f = SchedulerCsv;
        assert!(f.sniff("logs/per_request.csv", b"request_id,arrival_time\n"));
        assert!(f.sniff("logs/events.csv", b""));
        assert!(!f.sniff("logs/events.csv", b"a,b,c\n1,2,3\n"));
        assert!(!f.sniff("logs/results.csv", b"request_id\n"));
    }

    #[test]
    fn malformed_rows_extra_and_missing_columns() {
        let csv = "request_id,arrival_time,ttft,bogus,e2e_latency\n\
                   r1,0,1000000,x,5000000\n\
                   r2,10,abc,y,6000000\n\
                   ,1,2,3,4\n\
                   r3,20\n";
        let t = parse_table(
            "s/per_request.csv",
            SchedulerFile::PerRequest,
            csv.as_bytes(),
        );
        let SchedulerRows::Requests(rows) = &t.rows else {
            panic!()
        };
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].ttft_ns, 1e6);
        assert!(rows[1].ttft_ns.is_nan());
        assert!(rows[2].e2e_ns.is_nan());
        assert_eq!(rows[2].line, 5);
        assert_eq!(t.extra_columns, vec!["bogus"]);
        assert!(t.missing_columns.contains(&"tpot".to_string()));
        let lines: Vec<Option<u64>> = t.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![Some(1), Some(3), Some(4), Some(5)]);
    }

    #[test]
    fn streaming_in_tiny_chunks_equals_the_whole_parse() {
        let mut csv = String::from("iteration_id,request_id,state,queue_position,waiting_reason,tokens_generated,kv_cache_blocks,time_in_state\n");
        for i in 0..60_000 {
            let state = if i % 3 == 0 { "waiting" } else { "running" };
            let reason = if i % 6 == 0 { "max_num_seqs" } else { "" };
            csv.push_str(&format!(
                "{},r{},{state},0,{reason},1,2,3\n",
                i / 10,
                i % 10
            ));
        }
        csv.push_str("x,r1,running,0,,1,2,3\n");
        let path = "s/per_iteration_requests.csv";
        assert!(
            csv.len() > STREAM_BATCH,
            "the stream must cut the file into several batches"
        );
        let whole = parse_table(path, SchedulerFile::PerIterationRequests, csv.as_bytes());
        let mut stream = SchedulerCsv.streaming(path).unwrap();
        for piece in csv.as_bytes().chunks(7) {
            stream.feed(piece);
        }
        let mut out = Vec::new();
        stream.finish(&mut out).unwrap();
        let Record::Scheduler(streamed) = &out[0] else {
            panic!()
        };
        assert_eq!(**streamed, whole);
        let SchedulerRows::IterationRequests(c) = &whole.rows else {
            panic!()
        };
        assert_eq!(c.rows, 60_000);
        assert_eq!(c.states["waiting"], 20_000);
        assert_eq!(c.waiting_reasons["max_num_seqs"], 10_000);
        assert_eq!(c.waiting_reasons["(not stated)"], 10_000);
        assert_eq!(whole.problems[0].line, Some(60_002));
    }

    #[test]
    fn empty_and_foreign_files_never_fail() {
        let t = parse_table("e/events.csv", SchedulerFile::Events, b"");
        assert!(t.rows.is_empty());
        assert!(t.problems[0].message.contains("empty"));
        let t = parse_table("e/events.csv", SchedulerFile::Events, b"\xff\xfe,\"\n\x00");
        assert!(t.rows.is_empty());
        assert!(!t.problems.is_empty());
    }
}
