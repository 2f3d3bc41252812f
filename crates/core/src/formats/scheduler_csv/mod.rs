//! vLLM v1 scheduler logging CSVs (spec 004; written when `VLLM_SCHEDULER_LOGGING=1`):
//! `per_request.csv`, `per_iteration.csv`, `per_iteration_requests.csv`, `events.csv` and
//! `state_transitions.csv`. Times are nanoseconds from scheduler start (`perf_counter_ns`).
//!
//! Columns are found by name (with the aliases the logger's versions used, e.g.
//! `forward_duration` / `forward_pass_duration`), so extra columns are ignored and missing ones
//! leave their values empty (NaN) with a warning. Malformed rows are reported by line and kept
//! as far as they go; nothing here panics on any input.

use super::{Format, Reader, Record};
use crate::model::scheduler::SchedulerFile;
use crate::model::FormatError;
use crate::text::paths::file_name;

mod columns;
mod table;

use columns::normalise;
pub use table::{parse_table, SchedulerStream};

pub struct SchedulerCsv;

impl Format for SchedulerCsv {
    fn name(&self) -> &'static str {
        "vllm-scheduler-csv"
    }

    fn describes(&self) -> &'static str {
        "vLLM scheduler-logging CSVs (per_request, per_iteration, per_iteration_requests, events, state_transitions)"
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

    fn reader(&self, path: &str) -> Reader {
        match SchedulerFile::from_name(file_name(path)) {
            Some(kind) => Reader::Stream(Box::new(SchedulerStream::new(path, kind))),
            None => Reader::Whole,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::table::STREAM_BATCH;
    use super::*;
    use crate::model::scheduler::SchedulerRows;

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
        let Reader::Stream(mut stream) = SchedulerCsv.reader(path) else {
            panic!("scheduler CSVs stream")
        };
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
