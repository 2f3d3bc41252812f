//! Worker logs of SGLang, vLLM and TRT-LLM servers, parsed as a stream into columnar series.
//!
//! Files: `<node>_<service>_<id>.err|.out` (services prefill, decode, agg, frontend, nginx, nats,
//! etcd) in a run root or `logs/`, and any other `.log`/`.out`/`.err`/`.txt` recognised by its
//! content (`server.log`). One pass over the bytes: lines are found with `memchr`, classified by
//! literal anchors (`batch`, `Avg prompt throughput:`, ` metrics: `, `Iteration(`, `iter = `, a
//! JSON object ending the line, `mem`, launch programs) and split into fields without regexes or
//! per-field allocation; unknown fields are kept under their own snake_case name. Lines vLLM's
//! stats logger writes with its stats line (MFU, V0 prefix-cache rates) are looked for only in
//! the few lines after one, and join that sample. See [`sglang`], [`vllm`], [`trtllm`],
//! [`launch`] for each grammar.

pub mod fields;
pub mod launch;
pub mod sglang;
pub mod trtllm;
pub mod vllm;

mod health;

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use memchr::memmem::Finder;

use super::{Format, LineExtractor, Reader, Record};
use crate::model::{
    Coverage, Diagnostic, FormatError, InputLimit, LaunchCommand, LogDialect, LogFinding,
    MemorySample, Parallelism, Ranks, SampleKind, Series, Service, WorkerIdentity, WorkerLog,
};
use crate::text::ansi::strip_ansi;
use crate::text::number::leading_number;
use crate::text::paths::file_name;
use crate::text::time;
use fields::KeyCache;

pub struct WorkerLogFormat;

/// Year assumed for vLLM's year-less timestamps when the file states none.
const DEFAULT_YEAR: i64 = 1970;

const SERVICES: &[(&str, Service)] = &[
    ("prefill", Service::Prefill),
    ("decode", Service::Decode),
    ("agg", Service::Agg),
    ("frontend", Service::Frontend),
    ("nginx", Service::Nginx),
    ("nats", Service::Nats),
    ("etcd", Service::Etcd),
];

/// `<node>_<service>[_<id>].err|.out` → identity (node names may contain `_`); srt-slurm 2.x
/// named services `service_<name>[_<node>].out` (under `logs/services/logs/`).
pub fn worker_identity(path: &str) -> Option<WorkerIdentity> {
    let name = file_name(path);
    let stem = name
        .strip_suffix(".err")
        .or_else(|| name.strip_suffix(".out"))?;
    if let Some(named) = stem.strip_prefix("service_") {
        let (word, node) = named.split_once('_').unwrap_or((named, ""));
        let service = SERVICES
            .iter()
            .find(|(w, s)| *w == word && matches!(s, Service::Etcd | Service::Nats));
        if let Some((_, service)) = service {
            return Some(WorkerIdentity {
                node: (!node.is_empty()).then(|| node.to_owned()),
                service: *service,
                worker_id: None,
            });
        }
    }
    SERVICES.iter().find_map(|(word, service)| {
        let marker = format!("_{word}");
        let mut from = 0;
        let mut found = None;
        while let Some(i) = stem.get(from..).unwrap_or("").find(&marker) {
            let at = from + i;
            let after = stem.get(at + marker.len()..).unwrap_or("");
            if after.is_empty() || after.starts_with('_') {
                found = Some((at, after));
            }
            from = at + 1;
        }
        let (at, after) = found?;
        let id = after
            .strip_prefix('_')
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        Some(WorkerIdentity {
            node: Some(stem.get(..at).unwrap_or("").to_owned()),
            service: *service,
            worker_id: id,
        })
    })
}

impl Format for WorkerLogFormat {
    fn name(&self) -> &'static str {
        "worker-log"
    }

    fn describes(&self) -> &'static str {
        "SGLang, vLLM and TRT-LLM worker logs (<node>_<service>_<id>.out/.err, server.log): batch and engine-stats lines, memory, launch commands"
    }

    fn sniff(&self, path: &str, _head: &[u8]) -> bool {
        let name = file_name(path).to_ascii_lowercase();
        worker_identity(path).is_some()
            || [".log", ".out", ".err", ".txt"]
                .iter()
                .any(|e| name.ends_with(e))
    }

    fn reader(&self, path: &str) -> Reader {
        Reader::Lines(Box::new(WorkerLogParser::new(path)))
    }
}

/// Literal anchors, built once per file.
struct Anchors {
    batch: Finder<'static>,
    prompt_throughput: Finder<'static>,
    /// `SpecDecoding metrics: `, V0 `Speculative metrics: `, `KV Transfer metrics: `.
    metrics: Finder<'static>,
    /// vLLM `Iteration(N): …` (iteration details).
    iteration: Finder<'static>,
    /// vLLM `MFU: …`, looked for only just after an engine-stats line.
    mfu: Finder<'static>,
    /// vLLM V0 `Prefix cache hit rate: GPU: …`, looked for only just after an engine-stats line.
    v0_prefix_cache: Finder<'static>,
    iter: Finder<'static>,
    mem: Finder<'static>,
    kv_cache: Finder<'static>,
    max_total: Finder<'static>,
    available_kv: Finder<'static>,
    kv_cache_size: Finder<'static>,
    preempt: Finder<'static>,
    traceback: Finder<'static>,
}

impl Anchors {
    fn new() -> Self {
        Anchors {
            batch: Finder::new(b" batch"),
            prompt_throughput: Finder::new(b"Avg prompt throughput:"),
            metrics: Finder::new(b" metrics: "),
            iteration: Finder::new(b"Iteration("),
            mfu: Finder::new(b"MFU: "),
            v0_prefix_cache: Finder::new(b"Prefix cache hit rate: GPU:"),
            iter: Finder::new(b"iter = "),
            mem: Finder::new(b"mem"),
            kv_cache: Finder::new(b"KV Cache is allocated"),
            max_total: Finder::new(b"max_total_num_tokens="),
            available_kv: Finder::new(b"Available KV cache memory:"),
            kv_cache_size: Finder::new(b"GPU KV cache size:"),
            preempt: Finder::new(b"reempt"),
            traceback: Finder::new(b"Traceback (most recent call last)"),
        }
    }
}

/// Longest launch command joined from `\`-continued lines; a longer one ends at the bound.
pub const MAX_COMMAND_BYTES: usize = super::MAX_LINE;

/// Lines after a vLLM engine-stats line in which the lines its logger writes with it (MFU, V0's
/// prefix-cache rates) are looked for.
const STATS_FOLLOW_LINES: u64 = 64;

/// Words of a line that make an ignored line worth showing as a possible metric.
const METRIC_WORDS: &[&[u8]] = &[
    b"throughput",
    b"#running",
    b"usage",
    b"#queue",
    b"tokens/s",
    b"token usage",
];

pub struct WorkerLogParser {
    path: String,
    identity: WorkerIdentity,
    anchors: Anchors,
    keys: KeyCache,
    series: Vec<Series>,
    series_index: HashMap<(SampleKind, Ranks), usize>,
    /// Per series: interned key (by pointer) → column index (`None`: over the name limit).
    series_columns: Vec<HashMap<*const u8, Option<usize>>>,
    /// Names given a column in any series, at most [`fields::MAX_FIELD_NAMES`].
    column_names: HashSet<Rc<str>>,
    /// Values not kept because their name was over [`fields::MAX_FIELD_NAMES`], and the first
    /// line with one.
    dropped_values: u64,
    dropped_first: Option<u64>,
    /// Sample lines that had more than [`fields::MAX_FIELDS_PER_SAMPLE`] fields, the fields
    /// skipped, and the first such line.
    full_samples: u64,
    skipped_fields: u64,
    full_first: Option<u64>,
    log: WorkerLog,
    line_no: u64,
    scratch: Vec<u8>,
    fields: Vec<(Rc<str>, f32)>,
    year: Option<i64>,
    last_month: u32,
    pending_command: Option<(u64, &'static str, String)>,
    /// Commands cut at [`MAX_COMMAND_BYTES`], and the line the first began on.
    long_commands: u64,
    long_command_first: Option<u64>,
    /// Line of the last vLLM engine-stats sample, and its ranks.
    last_stats: Option<(u64, Ranks)>,
    pub(crate) events: health::Events,
}

impl WorkerLogParser {
    pub fn new(path: &str) -> Self {
        let identity = worker_identity(path).unwrap_or(WorkerIdentity {
            node: None,
            service: Service::Unknown,
            worker_id: None,
        });
        WorkerLogParser {
            path: path.to_owned(),
            identity: identity.clone(),
            anchors: Anchors::new(),
            keys: KeyCache::default(),
            series: Vec::new(),
            series_index: HashMap::new(),
            series_columns: Vec::new(),
            column_names: HashSet::new(),
            dropped_values: 0,
            dropped_first: None,
            full_samples: 0,
            skipped_fields: 0,
            full_first: None,
            log: WorkerLog {
                path: path.to_owned(),
                merged_paths: Vec::new(),
                parallelism: Default::default(),
                identity,
                series: Vec::new(),
                memory: Vec::new(),
                launches: Vec::new(),
                coverage: Coverage::default(),
                findings: Vec::new(),
            },
            line_no: 0,
            scratch: Vec::new(),
            fields: Vec::with_capacity(32),
            year: None,
            last_month: 0,
            pending_command: None,
            long_commands: 0,
            long_command_first: None,
            last_stats: None,
            events: health::Events::default(),
        }
    }

    fn dialect(&mut self, d: LogDialect) {
        if !self.log.coverage.dialects.contains(&d) {
            self.log.coverage.dialects.push(d);
        }
    }

    fn push_sample(&mut self, kind: SampleKind, ranks: Ranks, time_s: f64) {
        let n = self.series.len();
        let idx = *self.series_index.entry((kind, ranks)).or_insert(n);
        if idx == n {
            self.series.push(Series::new(kind, ranks));
            self.series_columns.push(HashMap::new());
        }
        let row = self.series[idx].push_empty_row(time_s, self.line_no);
        self.set_fields(idx, row);
        self.events.sample(self.line_no, kind, &self.fields);
    }

    /// Write `self.fields` into row `row` of series `idx`. A name new to the log gets a column
    /// while the log has fewer than [`fields::MAX_FIELD_NAMES`]; values of later names are
    /// counted.
    fn set_fields(&mut self, idx: usize, row: usize) {
        let skipped = self.keys.take_skipped();
        if skipped > 0 {
            self.full_samples += 1;
            self.skipped_fields += skipped;
            self.full_first.get_or_insert(self.line_no);
        }
        let (series, cols) = (&mut self.series[idx], &mut self.series_columns[idx]);
        let overflow = self.keys.overflow();
        for (name, v) in &self.fields {
            // Interned names compare by pointer; a new name is looked at once per series.
            let col = *cols.entry(name.as_ptr()).or_insert_with(|| {
                if Rc::ptr_eq(name, overflow) {
                    None
                } else if self.column_names.contains(name)
                    || self.column_names.len() < fields::MAX_FIELD_NAMES
                {
                    self.column_names.insert(name.clone());
                    Some(series.column_index(name))
                } else {
                    None
                }
            });
            match col {
                Some(c) => series.columns[c].values[row] = *v,
                None => {
                    self.dropped_values += 1;
                    self.dropped_first.get_or_insert(self.line_no);
                }
            }
        }
    }

    /// Add `self.fields` to the last engine-stats sample (a line its logger writes with it).
    fn extend_last_stats(&mut self, ranks: Ranks) -> bool {
        let Some(&idx) = self.series_index.get(&(SampleKind::EngineStats, ranks)) else {
            return false;
        };
        let Some(row) = self.series[idx].len().checked_sub(1) else {
            return false;
        };
        self.set_fields(idx, row);
        true
    }

    /// The year for vLLM's `MM-DD` stamps: stated in the file if seen, rolled over at New Year.
    fn year_for(&mut self, message_prefix: &[u8]) -> i64 {
        let year = self.year.unwrap_or(DEFAULT_YEAR);
        // Detect December → January in consecutive stamps.
        if let Some(i) = memchr::memmem::find(message_prefix, b"INFO ") {
            let m = &message_prefix[i + 5..];
            if m.len() >= 2 && m[..2].iter().all(u8::is_ascii_digit) {
                let month = u32::from(m[0] - b'0') * 10 + u32::from(m[1] - b'0');
                if self.last_month == 12 && month == 1 {
                    self.year = Some(year + 1);
                }
                self.last_month = month;
            }
        }
        self.year.unwrap_or(DEFAULT_YEAR)
    }

    /// Handle one line (no terminator, any `\r` already split off).
    fn line(&mut self, raw: &[u8]) -> bool {
        let line: &[u8] = if raw.contains(&0x1b) {
            let mut scratch = std::mem::take(&mut self.scratch);
            strip_ansi(raw, &mut scratch);
            let understood = self.classified(&scratch);
            self.scratch = scratch;
            return understood;
        } else {
            raw
        };
        self.classified(line)
    }

    fn classified(&mut self, line: &[u8]) -> bool {
        if self.year.is_none() {
            // A full date anywhere early in the file fixes the year for year-less stamps.
            let lead = line
                .iter()
                .position(|c| !c.is_ascii_whitespace())
                .unwrap_or(0);
            let start = if line.get(lead) == Some(&b'[') {
                lead + 1
            } else {
                lead
            };
            if let Some((t, _)) = time::date_time(&line[start..]) {
                self.year = Some(time::year_of(t));
            }
        }
        if let Some(pos) = self.anchors.batch.find(line) {
            if let Some((kind, kw_at)) = sglang::batch_kind(line, pos) {
                let (time, ranks) = sglang::prefix_time_and_ranks(&line[..kw_at]);
                self.fields.clear();
                let (keys, fields) = (&mut self.keys, &mut self.fields);
                sglang::batch_fields(&line[pos + 6..], |k, v| keys.push(fields, k, v));
                if !self.fields.is_empty() {
                    self.dialect(LogDialect::SglangScheduler);
                    self.push_sample(kind, ranks, time);
                    return true;
                }
            }
        }
        if let Some(pos) = self.anchors.prompt_throughput.find(line) {
            return self.vllm_message(line, pos, pos, SampleKind::EngineStats);
        }
        if let Some(pos) = self.anchors.metrics.find(line) {
            let before = &line[..pos];
            let message_at = pos + 9;
            if before.ends_with(b"SpecDecoding") {
                return self.vllm_message(line, pos - 12, message_at, SampleKind::SpecDecoding);
            }
            if before.ends_with(b"Speculative") {
                return self.vllm_message(line, pos - 11, message_at, SampleKind::SpecDecoding);
            }
            if before.ends_with(b"KV Transfer") {
                return self.vllm_kv_transfer(line, pos - 11, message_at);
            }
        }
        if let Some(pos) = self.anchors.iteration.find(line) {
            if self.vllm_iteration(line, pos) {
                return true;
            }
        }
        if let Some((stats_line, ranks)) = self.last_stats {
            if self.line_no - stats_line <= STATS_FOLLOW_LINES && self.stats_companion(line, ranks)
            {
                return true;
            }
        }
        if let Some(pos) = self.anchors.iter.find(line) {
            let rest = &line[pos..];
            if memchr::memmem::find(rest, b"num_scheduled_requests").is_some()
                || memchr::memmem::find(rest, b"host_step_time").is_some()
                || memchr::memmem::find(rest, b"elapsed_time = ").is_some()
            {
                self.fields.clear();
                let (keys, fields) = (&mut self.keys, &mut self.fields);
                let (time, mut ranks) =
                    trtllm::iter_line(&line[pos..], |k, v| keys.push(fields, k.as_bytes(), v));
                if ranks.tp.is_none() {
                    ranks = sglang::ranks_in(&line[..pos]);
                }
                self.dialect(LogDialect::TrtllmIteration);
                self.push_sample(SampleKind::Iteration, ranks, time);
                return true;
            }
        }
        if let Some(open) = trtllm::json_start(line).filter(|&open| {
            memchr::memmem::find(&line[open..], b"\"iter\"").is_some()
                || memchr::memmem::find(&line[open..], b"\"Iteration Counter\"").is_some()
        }) {
            self.fields.clear();
            let (keys, fields) = (&mut self.keys, &mut self.fields);
            if let Some(time) =
                trtllm::json_line(&line[open..], |k, v| keys.push(fields, k.as_bytes(), v))
            {
                self.dialect(LogDialect::TrtllmIteration);
                self.push_sample(SampleKind::Iteration, Ranks::default(), time);
                return true;
            }
        }
        if self.anchors.mem.find(line).is_some()
            || self.anchors.kv_cache.find(line).is_some()
            || self.anchors.max_total.find(line).is_some()
        {
            if let Some(mut m) = sglang::memory_line(line) {
                m.line = self.line_no;
                self.log.memory.push(m);
                return true;
            }
        }
        if let Some(pos) = self
            .anchors
            .available_kv
            .find(line)
            .or_else(|| self.anchors.kv_cache_size.find(line))
        {
            let year = self.year_for(&line[..pos]);
            let (time_s, ranks) = vllm::header(line, pos, year);
            let value = leading_number(
                &line[line[pos..]
                    .iter()
                    .position(|&c| c == b':')
                    .map_or(pos, |c| pos + c + 1)..],
            );
            let mut m = MemorySample {
                time_s,
                line: self.line_no,
                ranks,
                ..Default::default()
            };
            if self.anchors.available_kv.find(line).is_some() {
                m.kv_size_gb = value.map(|v| f64::from(v) * 1.073_741_824);
            } else {
                m.kv_tokens = value.map(|v| v as u64);
            }
            self.log.memory.push(m);
            return true;
        }
        if self.anchors.preempt.find(line).is_some() && health::reports_preemption(line) {
            self.events.preempted(self.line_no);
        }
        if self.anchors.traceback.find(line).is_some() {
            self.events.traceback(self.line_no);
        }
        self.events.shutdown_marker(self.line_no, line);
        self.launch_line(line)
    }

    fn vllm_message(
        &mut self,
        line: &[u8],
        header_end: usize,
        message_at: usize,
        kind: SampleKind,
    ) -> bool {
        let year = self.year_for(&line[..header_end]);
        let (time, ranks) = vllm::header(line, header_end, year);
        self.fields.clear();
        let keys = &mut self.keys;
        let fields = &mut self.fields;
        vllm::message_fields(&line[message_at..], |k, i, v| {
            if !keys.room(fields) {
                return;
            }
            let name = keys.name(k);
            // List positions are interned like any key, so each becomes one column.
            let name = match i {
                Some(i) => keys.name(format!("{name}_{i}").as_bytes()),
                None => name,
            };
            fields.push((name, v));
        });
        if self.fields.is_empty() {
            return false;
        }
        self.dialect(LogDialect::VllmEngineStats);
        self.push_sample(kind, ranks, time);
        if kind == SampleKind::EngineStats {
            self.last_stats = Some((self.line_no, ranks));
        }
        true
    }

    /// `KV Transfer metrics: Num successful transfers=3, Avg xfer time (ms)=1.2, …`.
    fn vllm_kv_transfer(&mut self, line: &[u8], header_end: usize, message_at: usize) -> bool {
        let year = self.year_for(&line[..header_end]);
        let (time, ranks) = vllm::header(line, header_end, year);
        self.fields.clear();
        let (keys, fields) = (&mut self.keys, &mut self.fields);
        vllm::kv_transfer_fields(&line[message_at..], |connector, k, v| {
            if !keys.room(fields) {
                return;
            }
            let name = keys.name(k);
            let name = match connector {
                Some(c) => {
                    let c = fields::camel_to_words(&String::from_utf8_lossy(c));
                    keys.name(format!("{c} {name}").as_bytes())
                }
                None => name,
            };
            fields.push((name, v));
        });
        if self.fields.is_empty() {
            return false;
        }
        self.dialect(LogDialect::VllmEngineStats);
        self.push_sample(SampleKind::KvTransfer, ranks, time);
        true
    }

    /// `(EngineCore_DP1 pid=1205) INFO 07-09 03:15:05 [core.py:359] Iteration(15): …`.
    fn vllm_iteration(&mut self, line: &[u8], pos: usize) -> bool {
        self.fields.clear();
        let (keys, fields) = (&mut self.keys, &mut self.fields);
        if !vllm::iteration_fields(&line[pos..], |k, v| keys.push(fields, k, v)) {
            return false;
        }
        let year = self.year_for(&line[..pos]);
        let (time, ranks) = vllm::header(line, pos, year);
        self.dialect(LogDialect::VllmEngineStats);
        self.push_sample(SampleKind::Iteration, ranks, time);
        true
    }

    /// A line vLLM's stats logger writes right after its stats line (`MFU: …`, V0's
    /// `Prefix cache hit rate: GPU: …`): its values join that sample.
    fn stats_companion(&mut self, line: &[u8], stats_ranks: Ranks) -> bool {
        self.fields.clear();
        let (keys, fields) = (&mut self.keys, &mut self.fields);
        let at = if let Some(pos) = self.anchors.mfu.find(line) {
            vllm::mfu_fields(&line[pos + 5..], |k, v| keys.push(fields, k.as_bytes(), v));
            pos
        } else if let Some(pos) = self.anchors.v0_prefix_cache.find(line) {
            vllm::v0_prefix_cache_fields(&line[pos + 22..], |k, v| {
                keys.push(fields, k.as_bytes(), v)
            });
            pos
        } else {
            return false;
        };
        if self.fields.is_empty() {
            return false;
        }
        let ranks = vllm::header(line, at, DEFAULT_YEAR).1;
        self.extend_last_stats(if ranks == Ranks::default() {
            stats_ranks
        } else {
            ranks
        })
    }

    fn launch_line(&mut self, line: &[u8]) -> bool {
        let Ok(text) = std::str::from_utf8(line) else {
            return false;
        };
        if let Some((start, program, mut acc)) = self.pending_command.take() {
            let continued = text.trim_end().strip_suffix('\\');
            let part = continued.unwrap_or(text);
            if acc.len() + 1 + part.len() > MAX_COMMAND_BYTES {
                // A command continued past the bound ends here; the rest is read as lines.
                self.long_commands += 1;
                self.long_command_first.get_or_insert(start);
                self.finish_command(start, program, &acc);
                return self.launch_line(line);
            }
            acc.push(' ');
            acc.push_str(part);
            if continued.is_some() {
                self.pending_command = Some((start, program, acc));
            } else {
                self.finish_command(start, program, &acc);
            }
            return true;
        }
        if let Some(cmd) = launch::args_dump(text, self.line_no) {
            self.log.launches.push(cmd);
            return true;
        }
        if let Some((program, at)) = launch::command_program(text) {
            let rest = text.get(at..).unwrap_or("");
            match rest.trim_end().strip_suffix('\\') {
                Some(head) => self.pending_command = Some((self.line_no, program, head.to_owned())),
                None => self.finish_command(self.line_no, program, rest),
            }
            return true;
        }
        false
    }

    fn finish_command(&mut self, line: u64, program: &str, args: &str) {
        self.log.launches.push(LaunchCommand {
            line,
            program: program.to_owned(),
            flags: crate::text::pairs::command_flags(args),
        });
    }

    fn note_ignored(&mut self, line: &[u8]) {
        self.log.coverage.lines_ignored += 1;
        let samples = &mut self.log.coverage.ignored_metric_samples;
        if samples.len() < 5
            && METRIC_WORDS
                .iter()
                .any(|w| memchr::memmem::find(line, w).is_some())
        {
            let text = String::from_utf8_lossy(&line[..line.len().min(300)]).into_owned();
            samples.push((self.line_no, text));
        }
    }

    fn whole_line(&mut self, line: &[u8]) {
        self.log.coverage.lines_total += 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let mut understood = false;
        let mut any = false;
        // Progress bars rewrite a line with bare `\r`: each segment is its own record.
        for segment in line.split(|&c| c == b'\r') {
            if segment.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            any = true;
            understood |= self.line(segment);
        }
        self.events.line(self.line_no, any);
        if understood {
            self.log.coverage.lines_understood += 1;
        } else if any {
            self.note_ignored(line);
        }
    }
}

impl LineExtractor for WorkerLogParser {
    fn line(&mut self, line_no: u64, line: &[u8]) {
        self.line_no = line_no;
        self.whole_line(line);
    }

    fn finish(mut self: Box<Self>, out: &mut Vec<Record>) -> Result<bool, FormatError> {
        if let Some((start, program, acc)) = self.pending_command.take() {
            self.finish_command(start, program, &acc);
        }
        let mut log = std::mem::replace(
            &mut self.log,
            WorkerLog {
                path: String::new(),
                merged_paths: Vec::new(),
                parallelism: Default::default(),
                identity: self.identity.clone(),
                series: Vec::new(),
                memory: Vec::new(),
                launches: Vec::new(),
                coverage: Coverage::default(),
                findings: Vec::new(),
            },
        );
        log.series = std::mem::take(&mut self.series);
        if self.dropped_values > 0 {
            let mut d = Diagnostic::limit(
                &self.path,
                InputLimit::FieldNames {
                    max: fields::MAX_FIELD_NAMES,
                    dropped_values: self.dropped_values,
                },
            );
            d.line = self.dropped_first;
            out.push(Record::Diagnostic(Box::new(d)));
        }
        if self.long_commands > 0 {
            let mut d = Diagnostic::limit(
                &self.path,
                InputLimit::CommandLength {
                    max: MAX_COMMAND_BYTES,
                    commands: self.long_commands,
                },
            );
            d.line = self.long_command_first;
            out.push(Record::Diagnostic(Box::new(d)));
        }
        if self.full_samples > 0 {
            let mut d = Diagnostic::limit(
                &self.path,
                InputLimit::FieldsPerSample {
                    max: fields::MAX_FIELDS_PER_SAMPLE,
                    lines: self.full_samples,
                    dropped: self.skipped_fields,
                },
            );
            d.line = self.full_first;
            out.push(Record::Diagnostic(Box::new(d)));
        }
        log.series.sort_by_key(|s| (s.kind, s.ranks));
        let recognised =
            !log.series.is_empty() || !log.memory.is_empty() || !log.launches.is_empty();
        if !recognised && log.identity.service == Service::Unknown {
            return Ok(false);
        }
        log.findings = self
            .events
            .findings(&log)
            .into_iter()
            .map(|finding| LogFinding {
                file: self.path.clone(),
                finding,
            })
            .collect();
        log.parallelism = Parallelism::from_pairs(
            log.launches
                .iter()
                .flat_map(|l| l.flags.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
        );
        out.push(Record::WorkerLog(std::sync::Arc::new(log)));
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::{LinePass, StreamParser};
    use crate::model::HealthFinding;

    #[test]
    fn identities_from_file_names() {
        let id = worker_identity("logs/watchtower-navy-cn01_prefill_w0.err").unwrap();
        assert_eq!(
            (id.node.as_deref(), id.service, id.worker_id.as_deref()),
            (Some("watchtower-navy-cn01"), Service::Prefill, Some("w0"))
        );
        let id = worker_identity("r/eos0001_agg_w3.out").unwrap();
        assert_eq!(
            (id.node.as_deref(), id.service),
            (Some("eos0001"), Service::Agg)
        );
        let id = worker_identity("r/node_a_decode_w1.out").unwrap();
        assert_eq!(id.node.as_deref(), Some("node_a"));
        let id = worker_identity("r/cn01_nginx.err").unwrap();
        assert_eq!((id.service, id.worker_id), (Service::Nginx, None));
        let id = worker_identity("r/logs/services/logs/service_etcd_gb-node01.out").unwrap();
        assert_eq!(
            (id.node.as_deref(), id.service, id.worker_id),
            (Some("gb-node01"), Service::Etcd, None)
        );
        let id = worker_identity("r/logs/services/logs/service_nats.out").unwrap();
        assert_eq!((id.node, id.service), (None, Service::Nats));
        assert!(worker_identity("r/service_mooncake-master_n1.out").is_none());
        // A node that happens to be named `service_…` keeps its GPU role.
        let id = worker_identity("r/service_a_prefill_w0.out").unwrap();
        assert_eq!(
            (id.node.as_deref(), id.service),
            (Some("service_a"), Service::Prefill)
        );
        assert!(worker_identity("r/server.log").is_none());
        assert!(worker_identity("r/decode-host_stats.out").is_none());
    }

    fn parse(text: &[u8], chunk: usize) -> WorkerLog {
        let mut p: Box<dyn StreamParser> = Box::new(LinePass::new(
            "n1_decode_w0.err",
            vec![Box::new(WorkerLogParser::new("n1_decode_w0.err"))],
        ));
        for c in text.chunks(chunk.max(1)) {
            p.feed(c);
        }
        let mut out = Vec::new();
        assert!(p.finish(&mut out).unwrap());
        match out.pop() {
            Some(Record::WorkerLog(l)) => (*l).clone(),
            other => panic!("{other:?}"),
        }
    }

    fn findings_of(text: String) -> Vec<HealthFinding> {
        parse(text.as_bytes(), 4096)
            .findings
            .into_iter()
            .map(|f| f.finding)
            .collect()
    }

    #[test]
    fn health_findings() {
        let mut kv = String::new();
        for i in 0..12 {
            kv += &format!("[2026-01-01 00:00:{i:02} TP0] Decode batch, #running-req: 9, token usage: 0.97, cuda graph: False, #queue-req: {}, #retracted-req: {}\n", i * 5, u32::from(i == 7));
        }
        let f = findings_of(kv.clone());
        assert!(
            f.contains(&HealthFinding::KvSaturated {
                line: 1,
                samples: 12
            }),
            "{f:?}"
        );
        assert!(
            f.iter().any(|x| matches!(
                x,
                HealthFinding::QueueGrowing {
                    kind: SampleKind::Decode,
                    line: 12,
                    ..
                }
            )),
            "{f:?}"
        );
        assert!(f.contains(&HealthFinding::Retracted { line: 8 }), "{f:?}");
        assert!(
            f.contains(&HealthFinding::CudaGraphsOff { line: 1 }),
            "{f:?}"
        );
        assert!(
            f.contains(&HealthFinding::EndsWhileServing { line: 12 }),
            "{f:?}"
        );
        let f = findings_of(kv + "[2026-01-01 00:01:00] Received sigterm, Shutting down\n");
        assert!(
            !f.iter()
                .any(|x| matches!(x, HealthFinding::EndsWhileServing { .. })),
            "a clean shutdown is not a truncation: {f:?}"
        );
        let f = findings_of("[2026-01-01 00:00:00 TP0] Decode batch, #running-req: 1, token usage: 0.10, cuda graph: True\nTraceback (most recent call last):\n".into());
        assert!(f.contains(&HealthFinding::Traceback { line: 2 }), "{f:?}");
    }

    #[test]
    fn chunk_boundaries_do_not_change_the_result() {
        let text = b"[2025-11-04 05:32:32 DP1 TP1 EP1] Decode batch, #running-req: 7, #token: 7040, gen throughput (token/s): 6.73, #queue-req: 0,\r\n\
            noise\n[2025-11-04 05:32:33 DP0 TP0 EP0] Prefill batch. #new-seq: 1, #new-token: 10, input throughput (token/s): 5.5\n";
        let whole = parse(text, text.len());
        for chunk in [1, 2, 7, 64] {
            assert_eq!(parse(text, chunk).series, whole.series, "chunk {chunk}");
        }
        assert_eq!(whole.sample_count(), 2);
        assert_eq!(whole.coverage.lines_total, 3);
        assert_eq!(whole.coverage.lines_understood, 2);
        let decode = whole
            .series
            .iter()
            .find(|s| s.kind == SampleKind::Decode)
            .unwrap();
        assert_eq!(decode.ranks.dp, Some(1));
        assert_eq!(decode.column("num_tokens"), Some(&[7040.0][..]));
        assert_eq!(decode.column("gen_throughput"), Some(&[6.73][..]));
    }

    #[test]
    fn vllm_iteration_kv_transfer_and_mfu_lines() {
        let text = b"(EngineCore_DP1 pid=1205) INFO 07-09 03:15:05 [core.py:359] Iteration(15): 2 context requests, 7986 context tokens, 14 generation requests, 14 generation tokens, iteration elapsed time: 1115.64 ms\n\
(APIServer pid=9) INFO 07-09 03:15:10 [loggers.py:271] Engine 000: Avg prompt throughput: 10.0 tokens/s, Avg generation throughput: 5.0 tokens/s, Running: 3 reqs, Waiting: 0 reqs, Preemptions: 2, GPU KV cache usage: 1.0%, Prefix cache hit rate: 0.0%\n\
(APIServer pid=9) INFO 07-09 03:15:10 [metrics.py:98] KV Transfer metrics: NixlConnector={'Num successful transfers': 2, 'Throughput (MB/s)': 512.5}\n\
(APIServer pid=9) INFO 07-09 03:15:10 [perf.py:1] Engine 000: MFU: 12.3 TF/s/GPU 456.7 GB/s/GPU\n";
        let log = parse(text, 17);
        let get = |kind| log.series.iter().find(|s| s.kind == kind).unwrap();
        let it = get(SampleKind::Iteration);
        assert_eq!(it.ranks.dp, Some(1));
        assert_eq!(it.column("iteration_elapsed_time"), Some(&[1115.64][..]));
        assert_eq!(it.column("num_scheduled_requests"), Some(&[16.0][..]));
        let kv = get(SampleKind::KvTransfer);
        assert_eq!(kv.column("nixl_connector_throughput"), Some(&[512.5][..]));
        let stats = get(SampleKind::EngineStats);
        assert_eq!(stats.len(), 1);
        assert_eq!(stats.column("mfu_tflops_per_gpu"), Some(&[12.3][..]));
        assert_eq!(stats.column("preemptions"), Some(&[2.0][..]));
        assert_eq!(log.coverage.lines_understood, 4);
        assert!(log
            .findings
            .iter()
            .any(|f| matches!(f.finding, HealthFinding::Preempted { line: 2, .. })));
    }

    #[test]
    fn trtllm_current_iter_line_and_triton_json() {
        let text = b"[TRT-LLM] [I] [_torch][RANK 0] iter = 9, global_rank = 3, rank = 3, num_scheduled_requests = 14, kv_cache_util = 0.250, currank_total_requests = 3/9, host_step_time = 7.4ms, prev_device_step_time = 6.9ms, timestamp = 2026-07-13 01:02:03, states = {'num_ctx_requests': 0, 'num_ctx_tokens': 0, 'num_generation_tokens': 14}, num_active = 14, num_fetched = 3, num_dummy = 1, num_unscheduled = 5\n\
I1218 03:35:37.688135 20559 libtensorrtllm.cc:1205] {\"Active Request Count\":1,\"Iteration Counter\":0,\"Scheduled Requests\":1,\"Timestamp\":\"12-18-2023 03:35:37\"}\n";
        let log = parse(text, 5);
        assert_eq!(log.coverage.lines_understood, 2);
        let ranked = log.series.iter().find(|s| s.ranks.tp == Some(3)).unwrap();
        assert_eq!(ranked.column("num_unscheduled"), Some(&[5.0][..]));
        assert_eq!(ranked.column("kv_cache_util"), Some(&[0.25][..]));
        let json = log.series.iter().find(|s| s.ranks.tp.is_none()).unwrap();
        assert_eq!(json.column("scheduled_requests"), Some(&[1.0][..]));
        assert!(json.time_s[0].is_finite());
    }
}
