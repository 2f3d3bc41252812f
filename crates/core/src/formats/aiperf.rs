//! NVIDIA AIPerf summaries: `profile_export_aiperf.json` and `profile_export_aiperf.csv`.
//!
//! JSON, current shape: each metric is a top-level object
//! `"time_to_first_token": {"unit": "ms", "avg": 58706.5, "p50": 52990.5, "p90": …, "p99": …, "std": …}`
//! next to `input_config` (`loadgen.concurrency`, `endpoint.model_names`), `start_time`, … .
//! JSON, early shape: the same objects under `"records"`, some tags abbreviated (`ttft`).
//! CSV: a stats table `Metric,avg,min,max,sum,p1,…,p99,std` with rows such as
//! `Time to First Token (ms),8578.24,…`, a blank line, then `Metric,Value` rows such as
//! `Request Throughput (requests/sec),0.48`.
//! AIPerf's inter-token latency excludes the first token, so it is both ITL and TPOT.
//! genai-perf (AIPerf's predecessor, srt-slurm G0 `gap_isl_*` folders) writes the same metric
//! objects, with the concurrency under `input_config.perf_analyzer.stimulus`.

use serde_json::Value;

use super::{Format, Record};
use crate::model::{BenchmarkPoint, FormatError, LatencyStats};
use crate::text::contains;
use crate::text::paths::{concurrency_from_path, file_name};

pub struct AiperfJson;
pub struct AiperfCsv;

/// Multiplier from a unit to milliseconds.
fn to_ms(unit: &str) -> f64 {
    match unit.trim().to_ascii_lowercase().as_str() {
        "ns" => 1e-6,
        "us" | "µs" => 1e-3,
        "s" | "sec" | "seconds" => 1e3,
        _ => 1.0,
    }
}

impl Format for AiperfJson {
    fn name(&self) -> &'static str {
        "aiperf-json"
    }

    fn describes(&self) -> &'static str {
        "AIPerf profile_export_aiperf.json"
    }

    fn duplicate_rank(&self) -> u8 {
        1
    }

    fn sniff(&self, path: &str, head: &[u8]) -> bool {
        path.ends_with(".json")
            && (file_name(path).starts_with("profile_export_aiperf")
                || contains(head, b"\"aiperf_version\"")
                || (contains(head, b"\"time_to_first_token\"") && contains(head, b"\"unit\"")))
    }

    fn parse(&self, path: &str, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), FormatError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(FormatError::Empty);
        }
        let v: Value = serde_json::from_slice(bytes)?;
        let metrics = v.get("records").filter(|r| r.is_object()).unwrap_or(&v);
        if !metrics.is_object() {
            return Err(FormatError::Shape {
                expected: "an AIPerf summary object",
                found: "another JSON value".into(),
            });
        }
        let metric = |tags: &[&str]| {
            tags.iter()
                .find_map(|t| metrics.get(*t).filter(|m| m.is_object()))
        };
        let stat = |tags: &[&str], key: &str| {
            metric(tags)
                .and_then(|m| m.get(key))
                .and_then(Value::as_f64)
        };
        let latency = |tags: &[&str]| {
            let Some(m) = metric(tags) else {
                return LatencyStats::default();
            };
            let scale = to_ms(m.get("unit").and_then(Value::as_str).unwrap_or("ms"));
            let s = |k: &str| m.get(k).and_then(Value::as_f64).map(|x| x * scale);
            LatencyStats {
                mean: s("avg"),
                median: s("p50"),
                std: s("std"),
                p90: s("p90"),
                p99: s("p99"),
            }
        };
        let output_throughput = stat(&["output_token_throughput"], "avg");
        let request_throughput = stat(&["request_throughput"], "avg");
        if output_throughput.is_none() && request_throughput.is_none() {
            return Err(FormatError::Shape {
                expected: "AIPerf metrics (output_token_throughput, request_throughput)",
                found: "neither".into(),
            });
        }
        let count = |tags: &[&str]| {
            stat(tags, "avg")
                .filter(|c| *c >= 0.0)
                .map(|c| c.round() as u64)
        };
        let itl = latency(&["inter_token_latency", "itl"]);
        let concurrency = v
            .pointer("/input_config/loadgen/concurrency")
            .or_else(|| v.pointer("/input_config/perf_analyzer/stimulus/concurrency"))
            .and_then(Value::as_u64)
            .and_then(|c| u32::try_from(c).ok())
            .or_else(|| concurrency_from_path(path));
        let duration_scale = metric(&["benchmark_duration"])
            .and_then(|m| m.get("unit"))
            .and_then(Value::as_str)
            .map(|u| to_ms(u) / 1e3)
            .unwrap_or(1.0);
        out.push(Record::Point(Box::new(BenchmarkPoint {
            source: path.to_owned(),
            tool: self.name().into(),
            concurrency,
            request_rate: v
                .pointer("/input_config/loadgen/request_rate")
                .and_then(Value::as_f64),
            duration_s: stat(&["benchmark_duration"], "avg").map(|d| d * duration_scale),
            completed: count(&["request_count"]),
            num_prompts: count(&["request_count"]),
            total_input_tokens: count(&["total_isl"]),
            total_output_tokens: count(&["total_osl", "total_output_tokens"]),
            request_throughput,
            output_throughput,
            total_token_throughput: stat(&["total_token_throughput"], "avg"),
            ttft_ms: latency(&["time_to_first_token", "ttft"]),
            tpot_ms: itl,
            itl_ms: itl,
            e2el_ms: latency(&["request_latency"]),
            model_id: v
                .pointer("/input_config/endpoint/model_names/0")
                .and_then(Value::as_str)
                .map(str::to_owned),
            date: v
                .get("start_time")
                .and_then(Value::as_str)
                .map(str::to_owned),
            ..Default::default()
        })));
        Ok(())
    }
}

impl Format for AiperfCsv {
    fn name(&self) -> &'static str {
        "aiperf-csv"
    }

    fn describes(&self) -> &'static str {
        "AIPerf profile_export_aiperf.csv"
    }

    fn duplicate_rank(&self) -> u8 {
        2
    }

    fn sniff(&self, path: &str, head: &[u8]) -> bool {
        path.ends_with(".csv")
            && (file_name(path).starts_with("profile_export_aiperf")
                || head.starts_with(b"Metric,avg,"))
    }

    fn parse(&self, path: &str, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), FormatError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(FormatError::Empty);
        }
        // Rows: (metric name, column name → value). Two tables share the file; each starts with a
        // `Metric,…` header.
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut header: Vec<String> = Vec::new();
        let mut rows: Vec<(String, Vec<(String, f64)>)> = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| FormatError::Shape {
                expected: "CSV",
                found: e.to_string(),
            })?;
            let first = record.get(0).unwrap_or("").trim();
            if first == "Metric" {
                header = record
                    .iter()
                    .map(|c| c.trim().to_ascii_lowercase())
                    .collect();
                continue;
            }
            if first.is_empty() || header.is_empty() {
                continue;
            }
            let values = record
                .iter()
                .enumerate()
                .skip(1)
                .filter_map(|(i, c)| {
                    Some((
                        header.get(i)?.clone(),
                        c.trim().replace(',', "").parse::<f64>().ok()?,
                    ))
                })
                .collect();
            rows.push((first.to_owned(), values));
        }
        let row = |name: &str| {
            rows.iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v)
        };
        let value =
            |name: &str, col: &str| row(name)?.iter().find(|(c, _)| c == col).map(|(_, v)| *v);
        let scalar = |name: &str| value(name, "value").or_else(|| value(name, "avg"));
        let latency = |name: &str| LatencyStats {
            mean: value(name, "avg"),
            median: value(name, "p50"),
            std: value(name, "std"),
            p90: value(name, "p90"),
            p99: value(name, "p99"),
        };
        let output_throughput = scalar("Output Token Throughput (tokens/sec)");
        let request_throughput = scalar("Request Throughput (requests/sec)");
        if output_throughput.is_none() && request_throughput.is_none() {
            return Err(FormatError::Shape {
                expected: "AIPerf rows `Output Token Throughput (tokens/sec)` or `Request Throughput (requests/sec)`",
                found: format!("{} metric rows without them", rows.len()),
            });
        }
        let count = |name: &str| scalar(name).filter(|c| *c >= 0.0).map(|c| c.round() as u64);
        let itl = latency("Inter Token Latency (ms)");
        out.push(Record::Point(Box::new(BenchmarkPoint {
            source: path.to_owned(),
            tool: self.name().into(),
            concurrency: concurrency_from_path(path),
            duration_s: scalar("Benchmark Duration (sec)"),
            completed: count("Request Count"),
            num_prompts: count("Request Count"),
            total_input_tokens: count("Total Input Sequence Length (tokens)"),
            total_output_tokens: count("Total Output Sequence Length (tokens)"),
            request_throughput,
            output_throughput,
            total_token_throughput: scalar("Total Token Throughput (tokens/sec)"),
            ttft_ms: latency("Time to First Token (ms)"),
            tpot_ms: itl,
            itl_ms: itl,
            e2el_ms: latency("Request Latency (ms)"),
            ..Default::default()
        })));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(format: &dyn Format, path: &str, text: &str) -> BenchmarkPoint {
        let mut out = Vec::new();
        format.parse(path, text.as_bytes(), &mut out).unwrap();
        match out.pop() {
            Some(Record::Point(p)) => *p,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn wrapped_records_shape_with_seconds() {
        let p = point(
            &AiperfJson,
            "a/concurrency_8/profile_export_aiperf.json",
            r#"{"records": {"ttft": {"unit": "s", "avg": 0.5, "p50": 0.4},
               "output_token_throughput": {"unit": "tokens/sec", "avg": 100.0},
               "request_throughput": {"unit": "requests/sec", "avg": 2.0}}}"#,
        );
        assert_eq!(p.concurrency, Some(8));
        assert_eq!(p.ttft_ms.mean, Some(500.0));
        assert_eq!(p.ttft_ms.median, Some(400.0));
        assert_eq!(p.output_throughput, Some(100.0));
    }

    #[test]
    fn bad_inputs_are_errors() {
        for text in [
            "",
            "[]",
            "{}",
            "{\"records\": 3}",
            "{\"output_token_throughput\": 5",
        ] {
            let mut out = Vec::new();
            assert!(
                AiperfJson
                    .parse("profile_export_aiperf.json", text.as_bytes(), &mut out)
                    .is_err(),
                "{text}"
            );
        }
        let mut out = Vec::new();
        assert!(AiperfCsv
            .parse(
                "profile_export_aiperf.csv",
                b"Metric,avg\nfoo,1\n",
                &mut out
            )
            .is_err());
    }
}
