//! SemiAnalysis InferenceX result JSON, two shapes, one file per (config, concurrency).
//!
//! Post-processed result (latencies in **seconds**, throughput already per GPU):
//! `{"hw": "mi355x", "conc": 4, "model": "moonshotai/Kimi-K2.5", "framework": "vllm", "isl": 1024,
//! "osl": 1024, "tp": 8, "is_multinode": false, "disagg": false, "tput_per_gpu": 55.6,
//! "output_tput_per_gpu": 27.6, "mean_ttft": 0.317, "median_tpot": 0.0173, "p99_itl": 0.17, …}`.
//! together_runner baseline (milliseconds, whole-deployment throughput, GPU count in `gpu`):
//! `{"hw": "b200", "conc": 128, "isl": 1024, "metrics": {"output_token_throughput": 4780.3,
//! "median_tpot_ms": 24.5, …}, "gpu": {"n_gpus": 8, …}}`.
//! Agentic runner (`bmk_agentic_*/…json`; seconds, statistics nested, `p50` for the median, no p99):
//! `{"conc": 4, "tp": 4, "is_multinode": false, "num_requests_total": 552,
//! "num_requests_successful": 547, "request_metrics": {"latency": {"ttft": {"mean": 12.7,
//! "p50": 5.83, "p90": 36.7, "std": 18.3}, …}, "throughput": {"output": {"tokens_per_second":
//! 162.6}, "total": {…}, "duration_seconds": 3625.9, "per_gpu": {"output_tput_tps": 40.7, …}}}}`.

use serde_json::Value;

use super::{json_object, Format, Record};
use crate::model::{BenchmarkPoint, FormatError, LatencyStats};
use crate::text::contains;

pub struct InferenceXJson;

impl Format for InferenceXJson {
    fn name(&self) -> &'static str {
        "inferencex-json"
    }

    fn describes(&self) -> &'static str {
        "InferenceX aggregated result JSON"
    }

    fn duplicate_rank(&self) -> u8 {
        40
    }

    fn sniff(&self, path: &str, head: &[u8]) -> bool {
        path.ends_with(".json")
            && contains(head, b"\"conc\"")
            && (contains(head, b"\"tput_per_gpu\"")
                || contains(head, b"\"output_tput_per_gpu\"")
                || contains(head, b"\"metrics\"")
                || contains(head, b"\"request_metrics\""))
    }

    fn parse(&self, path: &str, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), FormatError> {
        let v = json_object(bytes, "an InferenceX result object")?;
        let f = |v: &Value, k: &str| v.get(k).and_then(Value::as_f64).filter(|x| x.is_finite());
        let u = |v: &Value, k: &str| {
            v.get(k)
                .and_then(Value::as_u64)
                .and_then(|x| u32::try_from(x).ok())
        };
        let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
        let mut point = BenchmarkPoint {
            source: path.to_owned(),
            tool: self.name().into(),
            concurrency: u(&v, "conc"),
            isl: u(&v, "isl"),
            osl: u(&v, "osl"),
            model_id: text("model"),
            backend: text("framework"),
            date: text("ts"),
            ..Default::default()
        };
        if let Some(m) = v.get("request_metrics").filter(|m| m.is_object()) {
            agentic_metrics(&mut point, &v, m);
        } else if let Some(m) = v.get("metrics").filter(|m| m.is_object()) {
            // together_runner: milliseconds, whole-deployment numbers.
            let stats = |metric: &str| LatencyStats {
                mean: f(m, &format!("mean_{metric}_ms")),
                median: f(m, &format!("median_{metric}_ms")),
                std: f(m, &format!("std_{metric}_ms")),
                p90: f(m, &format!("p90_{metric}_ms")),
                p99: f(m, &format!("p99_{metric}_ms")),
            };
            point.output_throughput = f(m, "output_token_throughput");
            point.total_token_throughput = f(m, "total_token_throughput");
            point.request_throughput = f(m, "request_throughput");
            point.completed = m.get("successful_requests").and_then(Value::as_u64);
            point.ttft_ms = stats("ttft");
            point.tpot_ms = stats("tpot");
            point.itl_ms = stats("itl");
            point.e2el_ms = stats("e2el");
            point.gpus_reported = v.get("gpu").and_then(|g| u(g, "n_gpus"));
        } else {
            // Post-processed: seconds, per-GPU throughput.
            let stats = |metric: &str| {
                let ms = |stat: &str| f(&v, &format!("{stat}_{metric}")).map(|s| s * 1000.0);
                LatencyStats {
                    mean: ms("mean"),
                    median: ms("median"),
                    std: ms("std"),
                    p90: ms("p90"),
                    p99: ms("p99"),
                }
            };
            point.reported_output_tps_per_gpu = f(&v, "output_tput_per_gpu");
            point.reported_total_tps_per_gpu = f(&v, "tput_per_gpu");
            point.ttft_ms = stats("ttft");
            point.tpot_ms = stats("tpot");
            point.itl_ms = stats("itl");
            point.e2el_ms = stats("e2el");
            point.gpus_reported = single_node_gpus(&v);
            if let Some(g) = point.gpus_reported.map(f64::from) {
                point.output_throughput = point.reported_output_tps_per_gpu.map(|x| x * g);
                point.total_token_throughput = point.reported_total_tps_per_gpu.map(|x| x * g);
            }
        }
        if point.output_throughput.is_none() && point.reported_output_tps_per_gpu.is_none() {
            return Err(FormatError::Shape {
                expected:
                    "InferenceX throughput (output_tput_per_gpu or metrics.output_token_throughput)",
                found: "neither".into(),
            });
        }
        out.push(Record::Point(Box::new(point)));
        Ok(())
    }
}

/// A single-node aggregated deployment uses its TP GPUs; multi-node ones do not say.
fn single_node_gpus(v: &Value) -> Option<u32> {
    let single_node = v.get("is_multinode").and_then(Value::as_bool) == Some(false)
        && v.get("disagg").and_then(Value::as_bool) != Some(true);
    single_node
        .then(|| v.get("tp")?.as_u64()?.try_into().ok())
        .flatten()
}

/// The agentic runner's nested `request_metrics` (seconds).
fn agentic_metrics(point: &mut BenchmarkPoint, v: &Value, m: &Value) {
    let at = |path: &[&str]| {
        path.iter()
            .try_fold(m, |o, k| o.get(k))
            .and_then(Value::as_f64)
            .filter(|x| x.is_finite())
    };
    let stats = |metric: &str| {
        let ms = |stat: &str| at(&["latency", metric, stat]).map(|s| s * 1000.0);
        LatencyStats {
            mean: ms("mean"),
            median: ms("p50"),
            std: ms("std"),
            p90: ms("p90"),
            p99: ms("p99"),
        }
    };
    point.ttft_ms = stats("ttft");
    point.tpot_ms = stats("tpot");
    point.itl_ms = stats("itl");
    point.e2el_ms = stats("e2el");
    point.output_throughput = at(&["throughput", "output", "tokens_per_second"]);
    point.total_token_throughput = at(&["throughput", "total", "tokens_per_second"]);
    point.duration_s = at(&["throughput", "duration_seconds"]);
    point.reported_output_tps_per_gpu = at(&["throughput", "per_gpu", "output_tput_tps"]);
    point.reported_total_tps_per_gpu = at(&["throughput", "per_gpu", "total_tput_tps"]);
    point.completed = v.get("num_requests_successful").and_then(Value::as_u64);
    point.num_prompts = v.get("num_requests_total").and_then(Value::as_u64);
    point.gpus_reported = single_node_gpus(v);
}
