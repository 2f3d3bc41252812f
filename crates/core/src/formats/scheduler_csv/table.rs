//! Building a [`SchedulerTable`] row by row, from a whole file or streamed in line batches:
//! header matching, typed rows, malformed rows reported by line (the first few listed, the rest
//! counted).

use super::columns::{
    columns_of, EventCol, Header, IterationCol, IterationRequestCol, RequestCol, Row, Spec,
    TransitionCol,
};
use crate::formats::{Record, StreamParser};
use crate::model::scheduler::{
    EventRow, IterationRequestCounts, IterationRow, RequestRow, SchedulerFile, SchedulerRows,
    SchedulerTable, TransitionRow,
};
use crate::model::{Diagnostic, FormatError};
use crate::text::lines::LineBlocks;

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
        let (spec, optional) = columns_of(kind);
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

/// Streams a scheduler CSV in blocks of whole lines, so a multi-GB `per_iteration_requests.csv`
/// is never held whole (its rows are counted, not kept).
pub struct SchedulerStream {
    builder: TableBuilder,
    blocks: LineBlocks,
    next_line: u64,
}

/// Bytes gathered before a block of lines is parsed.
pub(super) const STREAM_BATCH: usize = 1 << 20;

impl SchedulerStream {
    pub fn new(path: &str, kind: SchedulerFile) -> Self {
        Self {
            builder: TableBuilder::new(path, kind),
            blocks: LineBlocks::new(STREAM_BATCH),
            next_line: 1,
        }
    }

    fn block(builder: &mut TableBuilder, next_line: &mut u64, block: &[u8]) {
        builder.feed_lines(block, *next_line);
        *next_line += memchr::memchr_iter(b'\n', block).count() as u64;
    }
}

impl StreamParser for SchedulerStream {
    fn feed(&mut self, chunk: &[u8]) {
        let (builder, next_line) = (&mut self.builder, &mut self.next_line);
        self.blocks
            .feed(chunk, |b| Self::block(builder, next_line, b));
    }

    fn finish(mut self: Box<Self>, out: &mut Vec<Record>) -> Result<bool, FormatError> {
        let (builder, next_line) = (&mut self.builder, &mut self.next_line);
        self.blocks.finish(|b| Self::block(builder, next_line, b));
        let SchedulerStream { builder, .. } = *self;
        out.push(Record::Scheduler(Box::new(builder.finish())));
        Ok(true)
    }
}

/// Append one row of the table's kind; `false` when the row lacks its key and is skipped.
fn push_row(rows: &mut SchedulerRows, r: &mut Row, line: u64) -> bool {
    match rows {
        SchedulerRows::Requests(v) => {
            let request_id = r.text(RequestCol::RequestId).to_owned();
            if request_id.is_empty() {
                return false;
            }
            v.push(RequestRow {
                request_id,
                line,
                arrival_ns: r.num(RequestCol::ArrivalTime),
                first_scheduled_ns: r.num(RequestCol::FirstScheduledTime),
                completion_ns: r.num(RequestCol::CompletionTime),
                waiting_ns: r.num(RequestCol::WaitingTime),
                execution_ns: r.num(RequestCol::ExecutionTime),
                e2e_ns: r.num(RequestCol::E2eLatency),
                input_tokens: r.num(RequestCol::InputTokens),
                output_tokens: r.num(RequestCol::OutputTokens),
                ttft_ns: r.num(RequestCol::Ttft),
                tpot_ns: r.num(RequestCol::Tpot),
                throughput: r.num(RequestCol::Throughput),
                preemption_count: r.num(RequestCol::PreemptionCount),
                eviction_count: r.num(RequestCol::EvictionCount),
                kv_cache_blocks: r.num(RequestCol::KvCacheBlocks),
            });
        }
        SchedulerRows::Iterations(v) => {
            let iteration_id = r.num(IterationCol::IterationId);
            if iteration_id.is_nan() {
                return false;
            }
            v.push(IterationRow {
                iteration_id,
                start_ns: r.num(IterationCol::StartTime),
                end_ns: r.num(IterationCol::EndTime),
                duration_ns: r.num(IterationCol::Duration),
                scheduling_overhead_ns: r.num(IterationCol::SchedulingOverhead),
                forward_ns: r.num(IterationCol::ForwardDuration),
                output_processing_ns: r.num(IterationCol::OutputProcessingDuration),
                batch_size: r.num(IterationCol::BatchSize),
                total_tokens: r.num(IterationCol::TotalTokens),
                prefill_tokens: r.num(IterationCol::PrefillTokens),
                decode_tokens: r.num(IterationCol::DecodeTokens),
                kv_used: r.num(IterationCol::KvCacheUsed),
                kv_total: r.num(IterationCol::KvCacheTotal),
                running: r.num(IterationCol::RunningCount),
                waiting: r.num(IterationCol::WaitingCount),
                preempted: r.num(IterationCol::PreemptedCount),
                action: r.text(IterationCol::SchedulerAction).to_owned(),
            });
        }
        SchedulerRows::IterationRequests(c) => {
            let iteration_id = r.num(IterationRequestCol::IterationId);
            if iteration_id.is_nan() || r.text(IterationRequestCol::RequestId).is_empty() {
                return false;
            }
            let state = r.text(IterationRequestCol::State).to_ascii_lowercase();
            if state == "waiting" {
                let reason = match r.text(IterationRequestCol::WaitingReason) {
                    "" => "(not stated)",
                    reason => reason,
                };
                *c.waiting_reasons.entry(reason.to_owned()).or_default() += 1;
            }
            *c.states.entry(state).or_default() += 1;
            c.rows += 1;
        }
        SchedulerRows::Events(v) => {
            let event_type = r.text(EventCol::EventType).to_owned();
            if event_type.is_empty() {
                return false;
            }
            v.push(EventRow {
                t_ns: r.num(EventCol::Timestamp),
                event_type,
                request_id: r.text(EventCol::RequestId).to_owned(),
                details: r.text(EventCol::Details).to_owned(),
                line,
            });
        }
        SchedulerRows::Transitions(v) => {
            let request_id = r.text(TransitionCol::RequestId).to_owned();
            let to = r.text(TransitionCol::State).to_ascii_lowercase();
            if request_id.is_empty() || to.is_empty() {
                return false;
            }
            let from = Some(r.text(TransitionCol::FromState).to_ascii_lowercase())
                .filter(|s| !s.is_empty());
            v.push(TransitionRow {
                request_id,
                t_ns: r.num(TransitionCol::Timestamp),
                from,
                to,
                duration_in_prev_ns: r.num(TransitionCol::DurationInPrevState),
                line,
            });
        }
    }
    true
}
