//! SGLang `python -m sglang.bench_serving --output-file F` results: JSONL, one JSON object per
//! line, appended per run (a `--request-rate-range … --multi` sweep, or repeated runs into one
//! file, give one point per line).
//!
//! Producer source read: sgl-project/sglang `python/sglang/bench_serving.py`, `benchmark()`
//! (2024-07 … 2026). Default file name `{backend}_{MMDD}_{num_prompts}_{in}_{out}.jsonl` (random
//! datasets) or `…_{dataset}.jsonl`. Each line is `json.dumps(result)`, so non-finite floats are
//! the bare tokens `Infinity`/`NaN` (`"request_rate": Infinity` is the default), e.g.
//! `{"backend": "sglang", "dataset_name": "random", "request_rate": Infinity, "max_concurrency": 64,
//! …, "duration": 61.2, "completed": 640, "total_input_tokens": …, "total_output_tokens_retokenized": …,
//! "request_throughput": …, "input_throughput": …, "output_throughput": …, "total_throughput": …,
//! "mean_e2e_latency_ms": …, "median_ttft_ms": …, "p99_itl_ms": …, "concurrency": 61.8,
//! "accept_length": null, …}`.
//!
//! Variants: 2024-07 lines carry only `backend`, `request_rate`, token totals, mean/median E2E,
//! median TTFT/ITL, `output_throughput`, `duration`, `completed` (no `max_concurrency`, no
//! `dataset_name` in the oldest); later ones add `max_concurrency` (null when unset: the
//! concurrency then comes from a `concurrency_N` file-name token, else stays unknown),
//! `total_throughput`, std/p99 statistics, `p95_itl_ms`, `concurrency` (the **measured** mean
//! number of requests in flight, Σ E2E latency / duration, kept as `concurrency_measured`),
//! `accept_length`; 2025+ add `tag`, `server_info` (a nested object, skipped; PD-disaggregated
//! servers nest `prefill`/`decode` lists in it), `total_input_text_tokens`,
//! `total_input_vision_tokens`, `max_output_tokens_per_s`, `max_concurrent_requests`, and
//! `"request_rate": "trace"` when replaying trace timestamps (no rate). `--output-details` adds the
//! per-request arrays `input_lens`, `output_lens`, `ttfts`, `itls`, `generated_texts`, `errors`
//! (skipped, names kept). Keys are read by the shared reader in [`super::sa_bench_json`].

use super::sa_bench_json::{first_byte, read_results};
use super::{Format, Record};
use crate::model::FormatError;
use crate::text::contains;

pub struct SglangBenchServing;

/// Keys only SGLang's `bench_serving` writes (vLLM spells them `e2el`, no retokenized count).
const SGLANG_KEYS: &[&[u8]] = &[
    b"\"total_output_tokens_retokenized\"",
    b"\"mean_e2e_latency_ms\"",
    b"\"median_e2e_latency_ms\"",
];

impl Format for SglangBenchServing {
    fn name(&self) -> &'static str {
        "sglang-bench-serving"
    }

    fn describes(&self) -> &'static str {
        "SGLang bench_serving --output-file JSONL, one result per line"
    }

    fn duplicate_rank(&self) -> u8 {
        0
    }

    fn sniff(&self, _path: &str, head: &[u8]) -> bool {
        // 2025+ lines put `server_info` (kilobytes of server arguments) before the results, so
        // the benchmark arguments written first identify them too.
        first_byte(head) == Some(b'{')
            && (SGLANG_KEYS.iter().any(|k| contains(head, k))
                || (contains(head, b"\"sharegpt_output_len\"")
                    && contains(head, b"\"random_range_ratio\"")))
    }

    fn parse(&self, path: &str, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), FormatError> {
        read_results(path, bytes, self.name(), out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::BenchmarkPoint;

    fn points(path: &str, text: &str) -> Vec<BenchmarkPoint> {
        let mut out = Vec::new();
        SglangBenchServing
            .parse(path, text.as_bytes(), &mut out)
            .unwrap();
        out.into_iter()
            .filter_map(|r| match r {
                Record::Point(p) => Some(*p),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn sglang_keys_measured_concurrency_and_nested_server_info() {
        let line = r#"{"tag": null, "backend": "sglang-oai", "request_rate": Infinity, "max_concurrency": 64, "server_info": {"decode": [{"internal_states": [{"avg_spec_accept_length": 2.1}]}], "tp_size": 8}, "duration": 10.0, "completed": 640, "total_input_tokens": 1000, "total_output_tokens": 500, "request_throughput": 64.0, "input_throughput": 100.0, "output_throughput": 50.0, "total_throughput": 150.0, "mean_e2e_latency_ms": 900.0, "median_e2e_latency_ms": 850.0, "std_e2e_latency_ms": 10.0, "p99_e2e_latency_ms": 1200.0, "mean_ttft_ms": 80.0, "p95_itl_ms": 9.0, "p99_itl_ms": 12.0, "concurrency": 61.75, "accept_length": null, "max_output_tokens_per_s": 70.0, "output_lens": [1, 2]}"#;
        assert!(SglangBenchServing.sniff("any/name.jsonl", line.as_bytes()));
        let args_first = r#"{"backend": "sglang", "dataset_name": "random", "request_rate": 4.0, "max_concurrency": 8, "sharegpt_output_len": null, "random_input_len": 1024, "random_output_len": 1024, "random_range_ratio": 0.0, "server_info": {"#;
        assert!(SglangBenchServing.sniff("x.jsonl", args_first.as_bytes()));
        let p = &points("r/out.jsonl", line)[0];
        assert_eq!(p.tool, "sglang-bench-serving");
        assert_eq!(p.concurrency, Some(64));
        assert_eq!(p.concurrency_measured, Some(61.75));
        assert_eq!(p.request_rate, Some(f64::INFINITY));
        assert_eq!(p.total_token_throughput, Some(150.0));
        assert_eq!(p.e2el_ms.p99, Some(1200.0));
        assert_eq!(p.itl_ms.p99, Some(12.0));
        assert_eq!(p.peak_output_throughput, Some(70.0));
        assert_eq!(p.per_request_arrays, vec!["output_lens"]);
    }

    #[test]
    fn null_max_concurrency_falls_back_to_the_file_name_then_none() {
        let line = r#"{"backend": "sglang", "request_rate": "trace", "max_concurrency": null, "median_e2e_latency_ms": 1.0, "output_throughput": 2.0}"#;
        assert_eq!(
            points("r/concurrency_16.jsonl", line)[0].concurrency,
            Some(16)
        );
        let p = &points("r/online.jsonl", line)[0];
        assert_eq!((p.concurrency, p.request_rate), (None, None));
        // vLLM results are not claimed.
        assert!(!SglangBenchServing.sniff(
            "r/x.json",
            br#"{"mean_e2el_ms": 1, "output_throughput": 2}"#
        ));
    }
}
