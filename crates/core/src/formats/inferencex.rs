//! SemiAnalysis InferenceX result JSON, two shapes, one file per (config, concurrency).
//!
//! Post-processed result (latencies in **seconds**, throughput already per GPU):
//! `{"hw": "mi355x", "conc": 4, "model": "moonshotai/Kimi-K2.5", "framework": "vllm", "isl": 1024,
//! "osl": 1024, "tp": 8, "is_multinode": false, "disagg": false, "tput_per_gpu": 55.6,
//! "output_tput_per_gpu": 27.6, "mean_ttft": 0.317, "median_tpot": 0.0173, "p99_itl": 0.17, …}`.
//! together_runner baseline (milliseconds, whole-deployment throughput, GPU count in `gpu`):
//! `{"hw": "b200", "conc": 128, "isl": 1024, "metrics": {"output_token_throughput": 4780.3,
//! "median_tpot_ms": 24.5, …}, "gpu": {"n_gpus": 8, …}}`.

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
                || contains(head, b"\"metrics\""))
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
        if let Some(m) = v.get("metrics").filter(|m| m.is_object()) {
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
            // A single-node aggregated deployment uses its TP GPUs; multi-node ones do not say.
            let single_node = v.get("is_multinode").and_then(Value::as_bool) == Some(false)
                && v.get("disagg").and_then(Value::as_bool) != Some(true);
            if single_node {
                point.gpus_reported = u(&v, "tp");
            }
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
