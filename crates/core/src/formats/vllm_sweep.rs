//! `vllm bench sweep serve` per-combination `summary.json`: a top-level JSON **array** of the
//! combination's measured runs, each a `vllm bench serve --save-result` object plus the sweep's
//! bookkeeping.
//!
//! Producer source read: vllm-project/vllm `vllm/benchmarks/sweep/serve.py` (`run_benchmark`,
//! `run_comb`, `_get_comb_run_path`). Layout: `{output_dir}/{experiment}/SERVE-…-BENCH-…/`
//! holds `run={N}.json` (one result, re-written with `indent=4` after `run_number` and the serve
//! and bench overrides, e.g. `"max_num_seqs": 64`, `"max_concurrency": 32`, are merged in; read
//! by [`super::sa_bench_json`]), `warmup.json` (`run_number` −1, skipped) and `summary.json` =
//! `json.dump(comb_data, indent=4)`, the list of the `run=N` objects:
//! `[{"date": "20251104-101112", "backend": "vllm", …, "max_concurrency": 32, …,
//! "output_throughput": 2345.6, …, "run_number": 0, "max_num_seqs": 64}, …]`.
//! The experiment's `summary.csv` (pandas, one row per run) repeats the same numbers.
//! Points from here rank below the `run=N.json` files of the same runs.

use super::json::python_json;
use super::sa_bench_json::{first_byte, has_result_keys, point_from_summary, SummaryKeys};
use super::{Format, Record};
use crate::model::{Diagnostic, FormatError};
use crate::text::contains;

pub struct VllmSweepSummary;

impl Format for VllmSweepSummary {
    fn name(&self) -> &'static str {
        "vllm-sweep-summary"
    }

    fn describes(&self) -> &'static str {
        "vllm bench sweep summary.json: a list of vllm bench serve results, one per run"
    }

    fn duplicate_rank(&self) -> u8 {
        3
    }

    fn sniff(&self, path: &str, head: &[u8]) -> bool {
        path.ends_with(".json")
            && first_byte(head) == Some(b'[')
            && contains(head, b"\"run_number\"")
            && has_result_keys(head)
    }

    fn parse(&self, path: &str, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), FormatError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(FormatError::Empty);
        }
        let rows: Vec<SummaryKeys> = serde_json::from_slice(&python_json(bytes))?;
        let mut found = 0;
        for (i, row) in rows.iter().enumerate() {
            match point_from_summary(path, row, self.name()) {
                Ok(Some(p)) => {
                    found += 1;
                    out.push(Record::Point(Box::new(p)));
                }
                Ok(None) => {}
                Err(e) => out.push(Record::Diagnostic(Box::new(Diagnostic::warning(
                    path,
                    format!("run {} of the summary skipped: {e}", i + 1),
                )))),
            }
        }
        if found == 0 {
            out.clear();
            return Err(FormatError::Shape {
                expected: "a list of vllm bench serve results",
                found: format!("{} rows without a result", rows.len()),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_point_per_run_and_bad_shapes_are_errors() {
        let text = br#"[
    {"date": "20251104-101112", "backend": "vllm", "request_rate": "inf", "max_concurrency": 32, "output_throughput": 100.5, "run_number": 0, "max_num_seqs": 64},
    {"date": "20251104-101500", "backend": "vllm", "request_rate": "inf", "max_concurrency": 32, "output_throughput": 101.5, "run_number": 1, "max_num_seqs": 64}
]"#;
        assert!(VllmSweepSummary.sniff("exp/SERVE--BENCH-c32/summary.json", text));
        let mut out = Vec::new();
        VllmSweepSummary
            .parse("s/summary.json", text, &mut out)
            .unwrap();
        assert_eq!(out.len(), 2);
        for bad in [
            &b""[..],
            b"[]",
            b"[1]",
            b"{}",
            b"[{\"run_number\": 0}]",
            b"[{\"a\": ",
        ] {
            let mut out = Vec::new();
            assert!(VllmSweepSummary
                .parse("s/summary.json", bad, &mut out)
                .is_err());
            assert!(out.is_empty());
        }
        assert!(!VllmSweepSummary.sniff("x/list.json", b"[{\"max_concurrency\": 1}]"));
    }
}
