//! sa-bench / vLLM `benchmark_serving.py` result JSON, one file per concurrency.
//!
//! Written by `bench_serving` as `*_isl_{I}_osl_{O}/…concurrency_{C}….json`, e.g.
//! `{"date": "20260428-095035", "backend": "openai", …, "max_concurrency": 128, "duration": 156.6,
//! "completed": 1280, …, "output_throughput": 8368.2, …, "input_lens": [...], …, "mean_tpot_ms": 14.8}`.
//! Summary keys come first and latency statistics last; the per-request arrays in between
//! (`input_lens`, `output_lens`, `ttfts`, `itls`, `generated_texts`, `errors`) can be hundreds of
//! MB and are skipped without being materialised. Key aliases across producer versions:
//! `total_input`/`total_input_tokens`, `request_goodput:` (trailing colon), flat `p99_ttft_ms`
//! or a `percentiles_ttft_ms` list of `[p, value]` pairs.

use std::fmt;

use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use super::{Format, Record};
use crate::model::{BenchmarkPoint, FormatError, LatencyStats};
use crate::text::contains;
use crate::text::paths::{concurrency_from_path, file_name, number_after};

pub struct SaBenchJson;

/// Keys holding per-request arrays; skipped while reading the summary.
const PER_REQUEST_ARRAYS: &[&str] = &[
    "input_lens",
    "output_lens",
    "ttfts",
    "itls",
    "generated_texts",
    "errors",
    "start_times",
];

/// Keys whose presence in the first bytes marks a result file.
/// (`total_token_throughput` alone is not enough: InferenceX wrappers nest it under `metrics`.)
const MARKER_KEYS: &[&[u8]] = &[
    b"\"output_throughput\"",
    b"\"max_concurrency\"",
    b"\"mean_tpot_ms\"",
];

/// Keys that come first when a result is written with sorted keys (`json.dump(sort_keys=True)`),
/// so that the summary keys sit after megabytes of per-request arrays, past the sniffed head.
/// Each is claimed only together with `"completed"`.
const SORTED_MARKER_KEYS: &[&[u8]] = &[
    b"\"burstiness\"",
    b"\"best_of\"",
    b"\"input_lens\"",
    b"\"ttfts\"",
];

impl Format for SaBenchJson {
    fn name(&self) -> &'static str {
        "sa-bench-json"
    }

    fn describes(&self) -> &'static str {
        "sa-bench / vLLM benchmark_serving / vllm bench serve result JSON, one per concurrency"
    }

    fn duplicate_rank(&self) -> u8 {
        0
    }

    fn sniff(&self, path: &str, head: &[u8]) -> bool {
        if !path.ends_with(".json") || path.ends_with(".pytorch.json") {
            return false;
        }
        let trimmed = head
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .map(|i| &head[i..]);
        if !matches!(trimmed, Some([b'{', ..])) {
            return false;
        }
        MARKER_KEYS.iter().any(|k| contains(head, k))
            || (contains(head, b"\"completed\"")
                && SORTED_MARKER_KEYS.iter().any(|k| contains(head, k)))
    }

    fn parse(&self, path: &str, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), FormatError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(FormatError::Empty);
        }
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let summary = SummaryKeys::deserialize(&mut de)?;
        de.end()?;
        out.push(Record::Point(Box::new(point_from_summary(path, &summary)?)));
        Ok(())
    }
}

/// The scalar keys of a result file, in file order; per-request arrays are skipped.
#[derive(Debug, Default)]
pub struct SummaryKeys {
    pub scalars: Vec<(String, Value)>,
    /// Names of per-request arrays present in the file (kept for per-request analysis).
    pub arrays: Vec<String>,
}

impl SummaryKeys {
    fn get(&self, key: &str) -> Option<&Value> {
        self.scalars.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    fn f64(&self, keys: &[&str]) -> Option<f64> {
        keys.iter()
            .find_map(|k| self.get(k).and_then(Value::as_f64))
            .filter(|v| v.is_finite())
    }

    fn u64(&self, keys: &[&str]) -> Option<u64> {
        keys.iter().find_map(|k| {
            let v = self.get(k)?;
            v.as_u64().or_else(|| {
                v.as_f64()
                    .filter(|f| *f >= 0.0 && f.fract() == 0.0)
                    .map(|f| f as u64)
            })
        })
    }

    fn string(&self, key: &str) -> Option<String> {
        self.get(key).and_then(Value::as_str).map(str::to_owned)
    }

    /// `percentiles_{metric}_ms: [[p, value], ...]` lookup for percentile `p`.
    fn percentile_pair(&self, metric: &str, p: f64) -> Option<f64> {
        let list = self.get(&format!("percentiles_{metric}_ms"))?.as_array()?;
        list.iter().find_map(|pair| {
            let pair = pair.as_array()?;
            let (q, v) = (pair.first()?.as_f64()?, pair.get(1)?.as_f64()?);
            ((q - p).abs() < 1e-9).then_some(v)
        })
    }

    fn latency(&self, metric: &str) -> LatencyStats {
        let flat = |stat: &str| self.f64(&[&format!("{stat}_{metric}_ms")]);
        LatencyStats {
            mean: flat("mean"),
            median: flat("median").or_else(|| self.percentile_pair(metric, 50.0)),
            std: flat("std"),
            p90: flat("p90").or_else(|| self.percentile_pair(metric, 90.0)),
            p99: flat("p99").or_else(|| self.percentile_pair(metric, 99.0)),
        }
    }
}

impl<'de> Deserialize<'de> for SummaryKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeysVisitor;
        impl<'de> Visitor<'de> for KeysVisitor {
            type Value = SummaryKeys;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object of benchmark results")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SummaryKeys, A::Error> {
                let mut keys = SummaryKeys::default();
                while let Some(key) = map.next_key::<String>()? {
                    if PER_REQUEST_ARRAYS.contains(&key.as_str()) {
                        map.next_value::<IgnoredAny>()?;
                        keys.arrays.push(key);
                    } else {
                        let value = map.next_value::<Value>()?;
                        keys.scalars.push((key, value));
                    }
                }
                Ok(keys)
            }
        }
        deserializer.deserialize_map(KeysVisitor)
    }
}

fn point_from_summary(path: &str, s: &SummaryKeys) -> Result<BenchmarkPoint, FormatError> {
    let output_throughput = s.f64(&["output_throughput"]);
    let total_token_throughput = s.f64(&["total_token_throughput"]);
    let request_throughput = s.f64(&["request_throughput"]);
    if output_throughput.is_none()
        && total_token_throughput.is_none()
        && request_throughput.is_none()
    {
        return Err(FormatError::Shape {
            expected: "benchmark result keys (output_throughput, total_token_throughput or request_throughput)",
            found: format!("{} keys without them", s.scalars.len()),
        });
    }
    let concurrency = s
        .u64(&["max_concurrency"])
        .and_then(|c| u32::try_from(c).ok())
        .or_else(|| concurrency_from_path(file_name(path)));
    Ok(BenchmarkPoint {
        source: path.to_owned(),
        tool: "sa-bench-json".into(),
        gpus_reported: number_after(file_name(path), "gpus"),
        concurrency,
        // `"request_rate": "inf"` means unlimited.
        request_rate: s.f64(&["request_rate"]).or_else(|| {
            (s.string("request_rate").as_deref() == Some("inf")).then_some(f64::INFINITY)
        }),
        duration_s: s.f64(&["duration"]),
        completed: s.u64(&["completed"]),
        num_prompts: s.u64(&["num_prompts"]),
        total_input_tokens: s.u64(&["total_input_tokens", "total_input"]),
        total_output_tokens: s.u64(&["total_output_tokens", "total_output"]),
        request_throughput,
        request_goodput: s.f64(&["request_goodput", "request_goodput:"]),
        output_throughput,
        total_token_throughput,
        peak_output_throughput: s.f64(&["peak_output_tokens_per_s", "max_output_tokens_per_s"]),
        ttft_ms: s.latency("ttft"),
        tpot_ms: s.latency("tpot"),
        itl_ms: s.latency("itl"),
        e2el_ms: s.latency("e2el"),
        backend: s.string("backend"),
        model_id: s.string("model_id"),
        date: s.string("date"),
        per_request_arrays: s.arrays.clone(),
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_keys_with_large_arrays_before_the_summary_are_still_a_result() {
        let itls: Vec<String> = (0..4000).map(|i| format!("[0.{i:04}]")).collect();
        let text = format!(
            "{{\"backend\":\"vllm\",\"burstiness\":1.0,\"completed\":4000,\"input_lens\":[],\"itls\":[{}],\"max_concurrency\":64,\"output_throughput\":123.5,\"ttfts\":[]}}",
            itls.join(",")
        );
        let head = &text.as_bytes()[..crate::formats::SNIFF_BYTES];
        assert!(
            !MARKER_KEYS.iter().any(|k| contains(head, k)),
            "summary keys past the head"
        );
        assert!(SaBenchJson.sniff("r/concurrency_64.json", head));
        let p = parse_one("r/concurrency_64.json", &text).unwrap();
        assert_eq!(
            (p.concurrency, p.output_throughput),
            (Some(64), Some(123.5))
        );
        // A JSON that merely has a `completed` key is not claimed.
        assert!(!SaBenchJson.sniff("r/x.json", br#"{"completed": true, "name": "job"}"#));
    }

    fn parse_one(path: &str, text: &str) -> Result<BenchmarkPoint, FormatError> {
        let mut out = Vec::new();
        SaBenchJson.parse(path, text.as_bytes(), &mut out)?;
        match out.pop() {
            Some(Record::Point(p)) => Ok(*p),
            other => panic!("expected a point, got {other:?}"),
        }
    }

    #[test]
    fn per_request_arrays_are_skipped_and_remembered() {
        let p = parse_one(
            "x/concurrency_4.json",
            r#"{"max_concurrency": 4, "output_throughput": 10.5, "ttfts": [1,2,3], "itls": [[1],[2]], "mean_tpot_ms": 20}"#,
        )
        .unwrap();
        assert_eq!(p.concurrency, Some(4));
        assert_eq!(p.output_throughput, Some(10.5));
        assert_eq!(p.tpot_ms.mean, Some(20.0));
        assert_eq!(p.per_request_arrays, vec!["ttfts", "itls"]);
    }

    #[test]
    fn old_aliases_percentile_lists_and_goodput_colon() {
        let p = parse_one(
            "r/concurrency_8.json",
            r#"{"max_concurrency": null, "total_input": 100, "total_output": 50, "request_goodput:": 1.5,
                "output_throughput": 3.0, "percentiles_ttft_ms": [[50, 11.0], [99, 42.0]]}"#,
        )
        .unwrap();
        assert_eq!(
            p.concurrency,
            Some(8),
            "falls back to the file name when max_concurrency is null"
        );
        assert_eq!(p.total_input_tokens, Some(100));
        assert_eq!(p.total_output_tokens, Some(50));
        assert_eq!(p.request_goodput, Some(1.5));
        assert_eq!(p.ttft_ms.median, Some(11.0));
        assert_eq!(p.ttft_ms.p99, Some(42.0));
    }

    #[test]
    fn bad_inputs_are_errors_not_panics() {
        for text in [
            "",
            "   ",
            "[1, 2]",
            "{\"a\": 1}",
            "{\"output_throughput\": 1",
            "{\"output_throughput\": \"x\"}",
            "null",
        ] {
            assert!(
                parse_one("c/concurrency_1.json", text).is_err(),
                "{text:?} should be rejected"
            );
        }
    }

    #[test]
    fn sniff_wants_result_objects_only() {
        assert!(SaBenchJson.sniff(
            "a/concurrency_1.json",
            b"{\"date\": \"x\", \"max_concurrency\": 1"
        ));
        assert!(!SaBenchJson.sniff("a/concurrency_1.pytorch.json", b"{\"max_concurrency\": 1"));
        assert!(!SaBenchJson.sniff("a/list.json", b"[{\"max_concurrency\": 1}]"));
        assert!(!SaBenchJson.sniff("a/config.json", b"{\"environment\": {}}"));
    }
}
