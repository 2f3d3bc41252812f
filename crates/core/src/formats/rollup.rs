//! srt-slurm post-processing rollups: `logs/benchmark-rollup.csv` and `logs/benchmark-rollup.json`,
//! one row per concurrency of a whole sweep (format reference §1.5.4). Per-concurrency result
//! files win over a rollup when both exist (see `discovery`).
//!
//! CSV: `Config,Total GPU Count,Decode GPU Count,[Total Working GPU Count,…,]Concurrency,
//! Total Token Throughput,Output Token Throughput,Median TTFT,Median TPOT,Median ITL,
//! P90 Decode Running Requests,Output Token Throughput per User,Total Token Throughput per GPU`.
//! JSON, by `benchmark_type` (srt-slurm `src/srtctl/benchmarks/scripts/<type>/rollup.py`):
//! - `sa-bench`, `aiperf` (same schema, so IBDB ingests both alike): `{"benchmark_type", "config":
//!   {"model", "isl", "osl"}, "runs": [{"concurrency", "throughput_toks", "request_throughput",
//!   "ttft_mean_ms", "ttft_p99_ms", "tpot_mean_ms", …, "completed_requests", "total_input_tokens",
//!   "total_output_tokens"}]}`; aiperf's token totals are floats (`123456.0`).
//! - `mooncake-router`, `agentx`: `{"benchmark_type", "summary"?, "data": <AIPerf summary or
//!   confidence aggregate>}`, read by the AIPerf formats.
//! - `mlperf` (LoadGen): `{"benchmark_type": "mlperf", "runs": [{"scenario", "mode", "valid",
//!   "result", "throughput_toks", "samples_per_second", "ttft_p99_ms", "tpot_p99_ms",
//!   "constraints": {"Min duration satisfied": "Yes", …}}]}` — no concurrency; `valid` and the
//!   unmet constraints become the point's validity. Accuracy-mode runs carry no throughput and are
//!   no point. The `inference-endpoint` mlperf client records only `mode`/`exit_code`/report files
//!   (no metrics) and `agentperf` (`{"benchmark": "agentperf", "phases": [{"concurrency",
//!   "stats"}]}`) carries its client's own stats, whose schema is not public: both are errors
//!   naming what was found rather than empty points.
//! - `custom` benchmarks may write any of these shapes themselves.

use serde_json::Value;

use super::{
    aiperf::{AiperfAggregateJson, AiperfJson},
    Format, Record,
};
use crate::model::{BenchmarkPoint, FormatError, LatencyStats};
use crate::text::paths::file_name;

pub struct RollupCsv;
pub struct RollupJson;

impl Format for RollupCsv {
    fn name(&self) -> &'static str {
        "srt-rollup-csv"
    }

    fn describes(&self) -> &'static str {
        "srt-slurm benchmark-rollup.csv"
    }

    fn duplicate_rank(&self) -> u8 {
        70
    }

    fn sniff(&self, path: &str, head: &[u8]) -> bool {
        path.ends_with(".csv")
            && (file_name(path).contains("benchmark-rollup")
                || head.starts_with(b"Config,Total GPU Count,"))
    }

    fn parse(&self, path: &str, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), FormatError> {
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| FormatError::Shape {
                expected: "a CSV header",
                found: e.to_string(),
            })?
            .iter()
            .map(|h| h.trim().to_owned())
            .collect();
        let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
        let Some(concurrency_col) = col("Concurrency") else {
            return Err(FormatError::Shape {
                expected: "a `Concurrency` column",
                found: headers.join(","),
            });
        };
        let mut n = 0;
        for record in reader.records() {
            let record = record.map_err(|e| FormatError::Shape {
                expected: "CSV rows",
                found: e.to_string(),
            })?;
            let num = |name: &str| {
                col(name)
                    .and_then(|i| record.get(i))
                    .and_then(|c| c.trim().parse::<f64>().ok())
            };
            let count = |name: &str| num(name).filter(|v| *v >= 0.0).map(|v| v.round() as u32);
            let median = |name: &str| LatencyStats {
                median: num(name),
                ..Default::default()
            };
            out.push(Record::Point(Box::new(BenchmarkPoint {
                source: path.to_owned(),
                tool: self.name().into(),
                concurrency: record
                    .get(concurrency_col)
                    .and_then(|c| c.trim().parse().ok()),
                output_throughput: num("Output Token Throughput"),
                total_token_throughput: num("Total Token Throughput"),
                ttft_ms: median("Median TTFT"),
                tpot_ms: median("Median TPOT"),
                itl_ms: median("Median ITL"),
                gpus_reported: count("Total GPU Count"),
                model_id: col("Config")
                    .and_then(|i| record.get(i))
                    .map(|c| c.trim().to_owned())
                    .filter(|c| !c.is_empty()),
                ..Default::default()
            })));
            n += 1;
        }
        if n == 0 {
            return Err(FormatError::Shape {
                expected: "at least one rollup row",
                found: "a header only".into(),
            });
        }
        Ok(())
    }
}

impl Format for RollupJson {
    fn name(&self) -> &'static str {
        "srt-rollup-json"
    }

    fn describes(&self) -> &'static str {
        "srt-slurm benchmark-rollup.json"
    }

    fn duplicate_rank(&self) -> u8 {
        60
    }

    fn sniff(&self, path: &str, _head: &[u8]) -> bool {
        path.ends_with(".json") && file_name(path).contains("benchmark-rollup")
    }

    fn parse(&self, path: &str, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), FormatError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(FormatError::Empty);
        }
        let v: Value = serde_json::from_slice(bytes)?;
        if let Some(data) = v.get("data").filter(|d| d.is_object()) {
            let inner = serde_json::to_vec(data)?;
            return if data.get("metrics").is_some_and(Value::is_object) {
                AiperfAggregateJson.parse(path, &inner, out)
            } else {
                AiperfJson.parse(path, &inner, out)
            };
        }
        if v.get("phases").is_some_and(Value::is_array) {
            return Err(FormatError::Shape {
                expected: "rollup runs with benchmark metrics",
                found: "agentperf phase stats (the client's own schema, not read)".into(),
            });
        }
        let Some(runs) = v.get("runs").and_then(Value::as_array) else {
            return Err(FormatError::Shape {
                expected: "a rollup with `runs` or `data`",
                found: "neither".into(),
            });
        };
        let before = out.len();
        let isl = v
            .pointer("/config/isl")
            .and_then(Value::as_u64)
            .and_then(|x| u32::try_from(x).ok());
        let osl = v
            .pointer("/config/osl")
            .and_then(Value::as_u64)
            .and_then(|x| u32::try_from(x).ok());
        for r in runs {
            let f = |k: &str| r.get(k).and_then(Value::as_f64).filter(|x| x.is_finite());
            // Counts: integers, or floats where the rollup averaged them (aiperf `total_isl.avg`).
            let n = |k: &str| f(k).filter(|x| *x >= 0.0).map(|x| x.round() as u64);
            let throughput = f("throughput_toks").or_else(|| f("output_throughput"));
            let requests = f("request_throughput").or_else(|| f("samples_per_second"));
            if throughput.is_none() && requests.is_none() {
                continue; // an accuracy-mode or metric-less run record
            }
            // MLPerf LoadGen: `valid` is its verdict; constraints answered `NO` are the reasons.
            let valid = r.get("valid").and_then(Value::as_bool);
            let invalid_reasons = r
                .get("constraints")
                .and_then(Value::as_object)
                .map(|c| {
                    c.iter()
                        .filter(|(_, v)| v.as_str().is_some_and(|v| v.eq_ignore_ascii_case("no")))
                        .map(|(k, _)| k.clone())
                        .collect()
                })
                .unwrap_or_default();
            let stats = |m: &str| LatencyStats {
                mean: f(&format!("{m}_mean_ms")),
                median: f(&format!("{m}_median_ms")),
                p90: f(&format!("{m}_p90_ms")),
                p99: f(&format!("{m}_p99_ms")),
                std: None,
            };
            out.push(Record::Point(Box::new(BenchmarkPoint {
                source: path.to_owned(),
                tool: self.name().into(),
                concurrency: r
                    .get("concurrency")
                    .and_then(Value::as_u64)
                    .and_then(|c| u32::try_from(c).ok()),
                output_throughput: throughput,
                request_throughput: requests,
                completed: n("completed_requests"),
                total_input_tokens: n("total_input_tokens"),
                total_output_tokens: n("total_output_tokens"),
                submission_valid: valid,
                invalid_reasons,
                ttft_ms: stats("ttft"),
                tpot_ms: stats("tpot"),
                itl_ms: stats("itl"),
                e2el_ms: stats("e2el"),
                model_id: v
                    .pointer("/config/model")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                isl,
                osl,
                ..Default::default()
            })));
        }
        if out.len() == before {
            return Err(FormatError::Shape {
                expected: "rollup runs with throughput",
                found: format!("{} run records without metrics", runs.len()),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sa_bench_rollup_json() {
        let mut out = Vec::new();
        RollupJson
            .parse(
                "outputs/1/logs/benchmark-rollup.json",
                br#"{"benchmark_type": "sa-bench", "config": {"model": "m", "isl": 1024, "osl": 128},
                    "runs": [{"concurrency": 4, "throughput_toks": 100.0, "tpot_mean_ms": 20.0, "ttft_p99_ms": 9.0}]}"#,
                &mut out,
            )
            .unwrap();
        let Some(Record::Point(p)) = out.pop() else {
            panic!()
        };
        assert_eq!(
            (
                p.concurrency,
                p.output_throughput,
                p.tpot_ms.mean,
                p.ttft_ms.p99
            ),
            (Some(4), Some(100.0), Some(20.0), Some(9.0))
        );
        assert_eq!((p.isl, p.osl), (Some(1024), Some(128)));
    }

    // Synthetic rollups built from srt-slurm's rollup.py writers (no public sample found).
    fn rollup_points(text: &str) -> Result<Vec<BenchmarkPoint>, FormatError> {
        let mut out = Vec::new();
        RollupJson.parse(
            "outputs/9/logs/benchmark-rollup.json",
            text.as_bytes(),
            &mut out,
        )?;
        Ok(out
            .into_iter()
            .map(|r| match r {
                Record::Point(p) => *p,
                other => panic!("{other:?}"),
            })
            .collect())
    }

    #[test]
    fn aiperf_rollup_with_float_token_totals() {
        let ps = rollup_points(
            r#"{"benchmark_type": "aiperf", "timestamp": "2026-08-01T00:00:00Z",
                "config": {"model": "m", "isl": 1024, "osl": 1024},
                "runs": [{"concurrency": 16, "throughput_toks": 812.5, "request_throughput": 0.8,
                  "ttft_mean_ms": 90.0, "ttft_p99_ms": 300.0, "tpot_mean_ms": 19.0, "tpot_p99_ms": 25.0,
                  "itl_mean_ms": 19.0, "itl_p99_ms": 25.0, "e2el_mean_ms": 20000.0,
                  "completed_requests": 480, "total_input_tokens": 491520.0, "total_output_tokens": 491520.0}]}"#,
        )
        .unwrap();
        assert_eq!(ps.len(), 1);
        assert_eq!(
            (ps[0].concurrency, ps[0].total_input_tokens, ps[0].completed),
            (Some(16), Some(491520), Some(480))
        );
    }

    #[test]
    fn mlperf_rollup_keeps_validity_and_skips_accuracy_runs() {
        let ps = rollup_points(
            r#"{"benchmark_type": "mlperf", "runs": [
                {"path": "offline/performance", "scenario": "Offline", "mode": "performance",
                 "result": "INVALID", "valid": false, "throughput_toks": 12000.5, "samples_per_second": 40.1,
                 "ttft_p99_ms": null, "tpot_p99_ms": null,
                 "constraints": {"Min duration satisfied": "Yes", "Min queries satisfied": "NO"}},
                {"path": "offline/accuracy", "scenario": "offline", "mode": "accuracy", "result": null,
                 "valid": null, "throughput_toks": null, "samples_per_second": null, "constraints": {}}]}"#,
        )
        .unwrap();
        assert_eq!(ps.len(), 1);
        assert_eq!(
            (ps[0].concurrency, ps[0].output_throughput),
            (None, Some(12000.5))
        );
        assert_eq!(ps[0].request_throughput, Some(40.1));
        assert_eq!(ps[0].submission_valid, Some(false));
        assert_eq!(ps[0].invalid_reasons, vec!["Min queries satisfied"]);
    }

    #[test]
    fn agentx_rollup_reads_its_aiperf_data_and_validity() {
        let ps = rollup_points(
            r#"{"benchmark_type": "agentx", "artifact": "agentx/aiperf_artifacts/profile_export_aiperf.json",
                "summary": {"scenario": "inferencex-agentx-mvp", "submission_valid": false},
                "data": {"aiperf_version": "0.8.0", "output_token_throughput": {"unit": "tokens/sec", "avg": 42.0},
                  "input_config": {"loadgen": {"concurrency": 8}},
                  "metadata": {"submission_valid": false, "submission_invalid_reasons": ["unsafe_override"]}}}"#,
        )
        .unwrap();
        assert_eq!(
            (ps[0].concurrency, ps[0].output_throughput),
            (Some(8), Some(42.0))
        );
        assert_eq!(ps[0].submission_valid, Some(false));
        assert_eq!(ps[0].invalid_reasons, vec!["unsafe_override"]);
    }

    #[test]
    fn metric_less_rollups_are_errors_naming_what_was_found() {
        let endpoint_client = r#"{"benchmark_type": "mlperf", "client": "inference-endpoint",
            "runs": [{"mode": "perf", "endpoints": ["http://h:8000"], "exit_code": 0, "report_files": []}]}"#;
        let agentperf = r#"{"benchmark": "agentperf", "phases": [{"file": "m__4u__phase0__dur300s__settle30s__traj1.json",
            "concurrency": 4, "phase_idx": 0, "stats": {}}]}"#;
        for text in [endpoint_client, agentperf] {
            assert!(rollup_points(text).is_err(), "{text}");
        }
    }

    #[test]
    fn rollups_without_rows_are_errors() {
        let mut out = Vec::new();
        assert!(RollupCsv
            .parse("benchmark-rollup.csv", b"Config,Concurrency\n", &mut out)
            .is_err());
        assert!(RollupCsv
            .parse("benchmark-rollup.csv", b"a,b\n1,2\n", &mut out)
            .is_err());
        assert!(RollupJson
            .parse("benchmark-rollup.json", b"{}", &mut out)
            .is_err());
    }
}
