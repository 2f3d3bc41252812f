//! Ray LLMPerf (`ray-project/llmperf`, LLMPerfV2 from 2023-12) results summary:
//! `{model}_{mean_input}_{mean_output}_summary.json`, one per run of `token_benchmark_ray.py`.
//!
//! Producer source read: `token_benchmark_ray.py` (`metrics_summary`, `run_token_benchmark`),
//! `src/llmperf/common_metrics.py` (key names) and `src/llmperf/utils.py` (`LLMPerfResults`,
//! `flatten_dict` joining nested keys with `_`). The nested result dict is flattened, so
//! `results.ttft_s.quantiles.p50` becomes `results_ttft_s_quantiles_p50`:
//!
//! ```text
//! {"version": "2023-08-31", "name": "llama2-70b-4096_550_150_summary", "model": "llama2-70b-4096",
//!  "mean_input_tokens": 550, …, "num_concurrent_requests": 5,
//!  "results_inter_token_latency_s_quantiles_p25": 0.00505, …, "results_ttft_s_mean": 0.2279,
//!  "results_ttft_s_stddev": 0.0455, "results_end_to_end_latency_s_quantiles_p90": 0.9329, …,
//!  "results_number_input_tokens_min": "550", …, "results_num_requests_started": 150,
//!  "results_error_rate": 0.0, "results_number_errors": 0, "results_error_code_frequency": "{}",
//!  "results_mean_output_throughput_token_per_s": 441.85, "results_num_completed_requests": 150,
//!  "results_num_completed_requests_per_min": 176.74, "timestamp": 1704851704}
//! ```
//!
//! Units: every latency is in **seconds** (converted here to ms); the request rate is per
//! **minute** (converted to per second); the output throughput is tokens per second over the
//! whole run. Quantiles are p25/p50/p75/p90/p95/p99 (no median key: p50 is the median). Some
//! numbers are strings (`json.dump(default=str)` on numpy integers: `_min`/`_max` of token
//! counts). A run whose requests all failed has `NaN` statistics (pandas on an empty series),
//! which Python writes as a bare `NaN`; those read as missing, and the point still has
//! `completed = 0` and its error count. User `--metadata k=v` pairs are extra top-level keys.
//!
//! LLMPerf's inter-token latency is end-to-end latency / output tokens per request, *TTFT
//! included* (`token_benchmark_ray.py` divides the sum of all token gaps by the token count);
//! it is the nearest thing the file has to TPOT and fills both `itl_ms` and `tpot_ms`.
//! No duration and no token totals are written. The per-request
//! `*_individual_responses.json` (a JSON array of request records) is not read: it repeats
//! the summary's inputs without the concurrency or the run's wall time.

use serde_json::Value;

use super::json::{json_object, number, python_json};
use super::{Format, Record};
use crate::model::{BenchmarkPoint, FormatError, LatencyStats};
use crate::text::contains;
use crate::text::paths::{concurrency_from_path, file_name};
use crate::text::time::format_date_time;

pub struct LlmperfSummary;

/// Keys whose presence in the first bytes marks an LLMPerf summary.
const MARKER_KEYS: &[&[u8]] = &[
    b"\"results_ttft_s_",
    b"\"results_inter_token_latency_s_",
    b"\"results_end_to_end_latency_s_",
    b"\"results_mean_output_throughput_token_per_s\"",
];

impl Format for LlmperfSummary {
    fn name(&self) -> &'static str {
        "llmperf-summary"
    }

    fn describes(&self) -> &'static str {
        "Ray LLMPerf *_summary.json (token_benchmark_ray.py)"
    }

    fn duplicate_rank(&self) -> u8 {
        0
    }

    fn sniff(&self, path: &str, head: &[u8]) -> bool {
        path.ends_with(".json") && MARKER_KEYS.iter().any(|k| contains(head, k))
    }

    fn parse(&self, path: &str, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), FormatError> {
        let bytes = python_json(bytes);
        let v = json_object(&bytes, "an LLMPerf summary object")?;
        let f = |key: &str| v.get(key).and_then(number);
        let count = |key: &str| {
            f(key)
                .filter(|c| *c >= 0.0 && c.fract() == 0.0)
                .map(|c| c as u64)
        };
        let seconds = |metric: &str| {
            let ms = |stat: &str| f(&format!("results_{metric}_{stat}")).map(|s| s * 1e3);
            LatencyStats {
                mean: ms("mean"),
                median: ms("quantiles_p50"),
                std: ms("stddev"),
                p90: ms("quantiles_p90"),
                p99: ms("quantiles_p99"),
            }
        };
        let completed = count("results_num_completed_requests");
        let output_throughput = f("results_mean_output_throughput_token_per_s");
        let per_min = f("results_num_completed_requests_per_min");
        if completed.is_none() && output_throughput.is_none() && per_min.is_none() {
            return Err(FormatError::Shape {
                expected: "LLMPerf result keys (results_num_completed_requests, results_mean_output_throughput_token_per_s)",
                found: format!("{} keys without them", v.as_object().map_or(0, |o| o.len())),
            });
        }
        let itl = seconds("inter_token_latency_s");
        let failed = count("results_number_errors");
        out.push(Record::Point(Box::new(BenchmarkPoint {
            source: path.to_owned(),
            tool: self.name().into(),
            concurrency: count("num_concurrent_requests")
                .and_then(|c| u32::try_from(c).ok())
                .or_else(|| concurrency_from_path(file_name(path))),
            completed,
            num_prompts: count("results_num_requests_started"),
            request_throughput: per_min.map(|r| r / 60.0),
            output_throughput,
            ttft_ms: seconds("ttft_s"),
            tpot_ms: itl,
            itl_ms: itl,
            e2el_ms: seconds("end_to_end_latency_s"),
            model_id: v.get("model").and_then(Value::as_str).map(str::to_owned),
            date: f("timestamp")
                .map(format_date_time)
                .filter(|d| !d.is_empty()),
            failed_requests: failed,
            ..Default::default()
        })));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<BenchmarkPoint, FormatError> {
        let mut out = Vec::new();
        LlmperfSummary.parse("r/m_550_150_summary.json", text.as_bytes(), &mut out)?;
        match out.pop() {
            Some(Record::Point(p)) => Ok(*p),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn seconds_and_per_minute_are_converted_once() {
        let p = parse(
            r#"{"model": "m", "num_concurrent_requests": 5, "results_ttft_s_mean": 0.25,
               "results_ttft_s_quantiles_p50": "0.5", "results_end_to_end_latency_s_quantiles_p99": 2,
               "results_num_completed_requests": 150, "results_num_completed_requests_per_min": 120,
               "results_mean_output_throughput_token_per_s": 441.5, "results_number_errors": 0}"#,
        )
        .unwrap();
        assert_eq!(p.concurrency, Some(5));
        assert_eq!(p.ttft_ms.mean, Some(250.0));
        assert_eq!(p.ttft_ms.median, Some(500.0));
        assert_eq!(p.e2el_ms.p99, Some(2000.0));
        assert_eq!(p.request_throughput, Some(2.0));
        assert_eq!(p.output_throughput, Some(441.5));
        assert_eq!((p.completed, p.failed_requests), (Some(150), Some(0)));
        assert_eq!(p.duration_s, None);
    }

    #[test]
    fn a_run_whose_requests_all_failed_still_reads() {
        let p = parse(
            r#"{"num_concurrent_requests": 2, "results_ttft_s_mean": NaN, "results_ttft_s_min": NaN,
               "results_error_code_frequency": "{'NaN': 3}", "results_num_requests_started": 3,
               "results_error_rate": 1.0, "results_number_errors": 3,
               "results_mean_output_throughput_token_per_s": 0.0, "results_num_completed_requests": 0,
               "results_num_completed_requests_per_min": 0.0, "x": -Infinity}"#,
        )
        .unwrap();
        assert_eq!(p.completed, Some(0));
        assert_eq!(p.failed_requests, Some(3));
        assert_eq!(p.num_prompts, Some(3));
        assert_eq!(p.ttft_ms.mean, None);
    }

    #[test]
    fn malformed_inputs_are_errors() {
        for text in [
            "",
            "[]",
            "{}",
            "{\"results_ttft_s_mean\": 1",
            "{\"results_ttft_s_mean\": \"x\"}",
            "NaN",
        ] {
            assert!(parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn sniff_wants_only_summaries() {
        assert!(LlmperfSummary.sniff(
            "a_summary.json",
            b"{\"version\": \"2023-08-31\", \"results_ttft_s_mean\": 1}"
        ));
        assert!(!LlmperfSummary.sniff("a.json", b"{\"ttft_s\": 1}"));
        assert!(!LlmperfSummary.sniff("a.txt", b"\"results_ttft_s_mean\""));
    }
}
