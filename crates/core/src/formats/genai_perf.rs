//! NVIDIA genai-perf (Triton perf_analyzer's LLM front end, AIPerf's predecessor) summaries:
//! `profile_export_genai_perf.json` and `profile_export_genai_perf.csv`, in the artifact folder
//! `artifacts/{model}-{service}-{backend}-concurrency{N}/` (the prefix follows
//! `--profile-export-file`: `{stem}_genai_perf.json`).
//!
//! Producer source read (triton-inference-server/perf_analyzer, `genai-perf/genai_perf/`):
//! `export_data/json_exporter.py`, `export_data/csv_exporter.py`, `export_data/exporter_utils.py`,
//! `metrics/llm_metrics.py`, `metrics/statistics.py`, `config/generate/perf_analyzer_config.py`,
//! across their history since 2024-05 (`c18c493e` … `effc2064`).
//!
//! JSON: every metric is a top-level object with its unit,
//! `"time_to_first_token": {"unit": "ms", "avg": 55.2, "p50": …, "p90": …, "p99": …, "std": …}`,
//! `"request_throughput": {"unit": "requests/sec", "avg": 9.8}`, `"request_count": {"unit":
//! "count", "avg": 100}`, then `"input_config"` (and `"sessions"` for multi-turn). The
//! concurrency moved: until 2025-03 `input_config` is the argparse namespace (flat
//! `"concurrency": 8`, `"request_rate"`, `"model": ["name"]`, `"streaming": true`); since the
//! config-file rewrite (#308) it is nested (`"perf_analyzer": {"stimulus": {"concurrency": 8}}`,
//! `"endpoint": {"streaming": true}`, `"model_names": ["name"]`).
//!
//! CSV (written with `csv.writer`, so CRLF line ends): a request-metrics table
//! `Metric,avg,min,max,p99,p95,p90,p75,p50,p25,p10,p5,p1` with rows such as
//! `Time To First Token (ms),"9,611.46",…` (values formatted `{:,.2f}`, quoted when they hold a
//! thousands separator; `N/A` when missing), a blank line, a `Metric,Value` table
//! (`Output Token Throughput (tokens/sec)`, `Request Throughput (per sec)`, `Request Count
//! (count)`), then optional GPU telemetry tables. The CSV states no concurrency (taken from the
//! artifact folder name) and has no `std` column.
//!
//! Non-streaming runs have no first token: genai-perf then reports TTFT equal to the request
//! latency (current CSVs drop the TTFT and ITL rows). Such a TTFT is not a TTFT and is left
//! out, as is the ITL: when the config says `streaming: false`, or when the TTFT statistics
//! equal the request-latency ones. genai-perf writes no benchmark duration and no token totals.
//! Its inter-token latency excludes the first token, so it is both ITL and TPOT.

use serde_json::Value;

use super::json::{json_object, number};
use super::metric_csv::MetricTable;
use super::{Format, Record};
use crate::model::{BenchmarkPoint, FormatError, LatencyStats};
use crate::text::paths::{concurrency_from_path, file_name};

pub struct GenaiPerfJson;
pub struct GenaiPerfCsv;

/// Multiplier from a unit to milliseconds.
fn to_ms(unit: &str) -> f64 {
    match unit.trim().to_ascii_lowercase().as_str() {
        "ns" => 1e-6,
        "us" | "µs" => 1e-3,
        "s" | "sec" | "seconds" => 1e3,
        _ => 1.0,
    }
}

/// The streaming-only statistics are dropped when the run was not streaming.
fn drop_non_streaming(point: &mut BenchmarkPoint, streaming: Option<bool>) {
    let same_as_request = point.ttft_ms.mean.is_some()
        && point.ttft_ms.mean == point.e2el_ms.mean
        && point.ttft_ms.median == point.e2el_ms.median
        && point.ttft_ms.p99 == point.e2el_ms.p99;
    if streaming == Some(false) || same_as_request {
        point.ttft_ms = LatencyStats::default();
        point.itl_ms = LatencyStats::default();
        point.tpot_ms = LatencyStats::default();
    }
}

fn count(x: Option<f64>) -> Option<u64> {
    x.filter(|c| *c >= 0.0).map(|c| c.round() as u64)
}

impl Format for GenaiPerfJson {
    fn name(&self) -> &'static str {
        "genai-perf-json"
    }

    fn describes(&self) -> &'static str {
        "genai-perf profile_export_genai_perf.json"
    }

    fn duplicate_rank(&self) -> u8 {
        1
    }

    fn sniff(&self, path: &str, _head: &[u8]) -> bool {
        file_name(path).ends_with("_genai_perf.json")
    }

    fn parse(&self, path: &str, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), FormatError> {
        let v = json_object(bytes, "a genai-perf summary object")?;
        let metric = |tag: &str| v.get(tag).filter(|m| m.is_object());
        let stat = |tag: &str, key: &str| metric(tag).and_then(|m| m.get(key)).and_then(number);
        let latency = |tag: &str| {
            let Some(m) = metric(tag) else {
                return LatencyStats::default();
            };
            let scale = to_ms(m.get("unit").and_then(Value::as_str).unwrap_or("ms"));
            let s = |k: &str| m.get(k).and_then(number).map(|x| x * scale);
            LatencyStats {
                mean: s("avg"),
                median: s("p50"),
                std: s("std"),
                p90: s("p90"),
                p99: s("p99"),
            }
        };
        let output_throughput = stat("output_token_throughput", "avg");
        let request_throughput = stat("request_throughput", "avg");
        if output_throughput.is_none() && request_throughput.is_none() {
            return Err(FormatError::Shape {
                expected: "genai-perf metrics (output_token_throughput, request_throughput)",
                found: "neither".into(),
            });
        }
        let config = v.get("input_config");
        let at = |path: &str| {
            config
                .and_then(|c| c.pointer(path))
                .filter(|x| !x.is_null())
        };
        let concurrency = at("/perf_analyzer/stimulus/concurrency")
            .or_else(|| at("/concurrency"))
            .and_then(number)
            .filter(|c| *c >= 1.0 && c.fract() == 0.0)
            .and_then(|c| u32::try_from(c as u64).ok())
            .or_else(|| concurrency_from_path(path));
        let streaming = at("/endpoint/streaming")
            .or_else(|| at("/streaming"))
            .and_then(Value::as_bool);
        let model = at("/model_names/0")
            .or_else(|| at("/model/0"))
            .or_else(|| at("/model"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let itl = latency("inter_token_latency");
        let mut point = BenchmarkPoint {
            source: path.to_owned(),
            tool: self.name().into(),
            concurrency,
            request_rate: at("/perf_analyzer/stimulus/request_rate")
                .or_else(|| at("/request_rate"))
                .and_then(number),
            completed: count(stat("request_count", "avg")),
            num_prompts: count(stat("request_count", "avg")),
            request_throughput,
            request_goodput: stat("request_goodput", "avg"),
            output_throughput,
            ttft_ms: latency("time_to_first_token"),
            tpot_ms: itl,
            itl_ms: itl,
            e2el_ms: latency("request_latency"),
            model_id: model,
            ..Default::default()
        };
        drop_non_streaming(&mut point, streaming);
        out.push(Record::Point(Box::new(point)));
        Ok(())
    }
}

impl Format for GenaiPerfCsv {
    fn name(&self) -> &'static str {
        "genai-perf-csv"
    }

    fn describes(&self) -> &'static str {
        "genai-perf profile_export_genai_perf.csv"
    }

    fn duplicate_rank(&self) -> u8 {
        2
    }

    fn sniff(&self, path: &str, head: &[u8]) -> bool {
        let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
        path.ends_with(".csv")
            && (file_name(path).ends_with("_genai_perf.csv")
                || head.starts_with(b"Metric,avg,min,max,p99,"))
    }

    fn parse(&self, path: &str, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), FormatError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(FormatError::Empty);
        }
        // Rows keyed by the metric name without its unit, lowercase.
        let table = MetricTable::read(bytes, |name| {
            name.split(" (")
                .next()
                .unwrap_or(name)
                .trim()
                .to_ascii_lowercase()
        })?;
        let scalar = |name: &str| table.scalar(name);
        let latency = |name: &str| table.latency(name);
        let output_throughput = scalar("output token throughput");
        let request_throughput = scalar("request throughput");
        if output_throughput.is_none() && request_throughput.is_none() {
            return Err(FormatError::Shape {
                expected: "genai-perf rows `Output Token Throughput` or `Request Throughput`",
                found: format!("{} metric rows without them", table.len()),
            });
        }
        let itl = latency("inter token latency");
        let mut point = BenchmarkPoint {
            source: path.to_owned(),
            tool: self.name().into(),
            concurrency: concurrency_from_path(path),
            completed: count(scalar("request count")),
            num_prompts: count(scalar("request count")),
            request_throughput,
            request_goodput: scalar("request goodput"),
            output_throughput,
            ttft_ms: latency("time to first token"),
            tpot_ms: itl,
            itl_ms: itl,
            e2el_ms: latency("request latency"),
            ..Default::default()
        };
        drop_non_streaming(&mut point, None);
        out.push(Record::Point(Box::new(point)));
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

    const METRICS: &str = r#""time_to_first_token": {"unit": "ms", "avg": 20.0, "p50": 19.0, "p99": 40.0},
        "inter_token_latency": {"unit": "ms", "avg": 5.0},
        "request_latency": {"unit": "ms", "avg": 700.0, "p50": 690.0, "p99": 900.0},
        "request_throughput": {"unit": "requests/sec", "avg": 2.5},
        "request_count": {"unit": "count", "avg": 50},
        "output_token_throughput": {"unit": "tokens/sec", "avg": 300.0}"#;

    #[test]
    fn both_config_layouts_give_the_concurrency() {
        let old = format!(
            "{{{METRICS}, \"input_config\": {{\"concurrency\": 4, \"model\": [\"m\"], \"streaming\": true}}}}"
        );
        let p = point(&GenaiPerfJson, "a/profile_export_genai_perf.json", &old);
        assert_eq!(
            (p.concurrency, p.model_id.as_deref(), p.ttft_ms.mean),
            (Some(4), Some("m"), Some(20.0))
        );
        let new = format!(
            "{{{METRICS}, \"input_config\": {{\"model_names\": [\"n\"], \"endpoint\": {{\"streaming\": true}}, \"perf_analyzer\": {{\"stimulus\": {{\"concurrency\": 16}}}}}}}}"
        );
        let p = point(&GenaiPerfJson, "a/profile_export_genai_perf.json", &new);
        assert_eq!(
            (p.concurrency, p.model_id.as_deref()),
            (Some(16), Some("n"))
        );
        assert_eq!((p.completed, p.duration_s), (Some(50), None));
    }

    #[test]
    fn non_streaming_runs_have_no_ttft() {
        let text = format!("{{{METRICS}, \"input_config\": {{\"streaming\": false}}}}");
        let p = point(&GenaiPerfJson, "c8/profile_export_genai_perf.json", &text);
        assert_eq!((p.ttft_ms.mean, p.itl_ms.mean), (None, None));
        assert_eq!(p.e2el_ms.mean, Some(700.0));
        assert_eq!(p.concurrency, Some(8));
    }

    #[test]
    fn csv_with_crlf_quoted_thousands_and_sections() {
        let text = "Metric,avg,min,max,p99,p95,p90,p75,p50,p25,p10,p5,p1\r\n\
            Time To First Token (ms),\"9,611.46\",1.00,2.00,\"12,000.00\",N/A,3,4,\"9,000.50\",5,6,7,8\r\n\
            Request Latency (ms),\"19,611.46\",1,2,3,4,5,6,7,8,9,10,11\r\n\
            \r\n\
            Metric,Value\r\n\
            Output Token Throughput (tokens/sec),\"1,234.50\"\r\n\
            Request Throughput (per sec),2.50\r\n\
            Request Count (count),100.00\r\n";
        let p = point(
            &GenaiPerfCsv,
            "artifacts/m-openai-chat-concurrency32/profile_export_genai_perf.csv",
            text,
        );
        assert_eq!(p.concurrency, Some(32));
        assert_eq!(p.ttft_ms.mean, Some(9611.46));
        assert_eq!(p.ttft_ms.median, Some(9000.5));
        assert_eq!(p.ttft_ms.p99, Some(12000.0));
        assert_eq!(p.output_throughput, Some(1234.5));
        assert_eq!((p.request_throughput, p.completed), (Some(2.5), Some(100)));
    }

    #[test]
    fn bad_inputs_are_errors() {
        for text in ["", "[]", "{}", "{\"request_throughput\": 3}", "{\"x\": 5"] {
            let mut out = Vec::new();
            assert!(
                GenaiPerfJson
                    .parse("profile_export_genai_perf.json", text.as_bytes(), &mut out)
                    .is_err(),
                "{text}"
            );
        }
        for text in [
            "",
            "Metric,avg\nfoo,1\n",
            "Metric,Value\nRequest Throughput (per sec),N/A\n",
            "\u{0}\u{1}",
        ] {
            let mut out = Vec::new();
            assert!(
                GenaiPerfCsv
                    .parse("profile_export_genai_perf.csv", text.as_bytes(), &mut out)
                    .is_err(),
                "{text:?}"
            );
        }
    }
}
