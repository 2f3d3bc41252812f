//! srt-slurm post-processing rollups: `logs/benchmark-rollup.csv` and `logs/benchmark-rollup.json`,
//! one row per concurrency of a whole sweep (format reference §1.5.4). Per-concurrency result
//! files win over a rollup when both exist (see `discovery`).
//!
//! CSV: `Config,Total GPU Count,Decode GPU Count,[Total Working GPU Count,…,]Concurrency,
//! Total Token Throughput,Output Token Throughput,Median TTFT,Median TPOT,Median ITL,
//! P90 Decode Running Requests,Output Token Throughput per User,Total Token Throughput per GPU`.
//! JSON (sa-bench): `{"benchmark_type": "sa-bench", "config": {"model", "isl", "osl"}, "runs":
//! [{"concurrency", "throughput_toks", "ttft_mean_ms", "tpot_p99_ms", …}]}`; (mooncake-router):
//! `{"benchmark_type", "data": <AIPerf summary>}`.

use serde_json::Value;

use super::{aiperf::AiperfJson, Format, Record};
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
            return AiperfJson.parse(path, &inner, out);
        }
        let Some(runs) = v.get("runs").and_then(Value::as_array) else {
            return Err(FormatError::Shape {
                expected: "a rollup with `runs` or `data`",
                found: "neither".into(),
            });
        };
        let isl = v
            .pointer("/config/isl")
            .and_then(Value::as_u64)
            .and_then(|x| u32::try_from(x).ok());
        let osl = v
            .pointer("/config/osl")
            .and_then(Value::as_u64)
            .and_then(|x| u32::try_from(x).ok());
        for r in runs {
            let f = |k: &str| r.get(k).and_then(Value::as_f64);
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
                output_throughput: f("throughput_toks").or_else(|| f("output_throughput")),
                request_throughput: f("request_throughput"),
                completed: r.get("completed_requests").and_then(Value::as_u64),
                total_input_tokens: r.get("total_input_tokens").and_then(Value::as_u64),
                total_output_tokens: r.get("total_output_tokens").and_then(Value::as_u64),
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
