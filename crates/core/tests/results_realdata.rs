//! Real LLMPerf summaries, TensorRT-LLM benchmark reports and genai-perf exports from
//! `fixtures/realdata/{llmperf,trtllm,genai-perf}`: each number runlens reports equals the file's
//! own, read here independently (serde_json, the csv crate, or the literal text of the console
//! report), in the model's units.

use std::path::PathBuf;

use runlens_core::model::BenchmarkPoint;
use runlens_core::Ingest;
use serde_json::Value;

fn realdata(family: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/realdata")
        .join(family)
}

fn files(family: &str, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(realdata(family))
        .expect("the real-data folder is in the repository")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    files
}

/// The one point a file gives, read alone; no diagnostics.
fn only_point(family: &str, path: &PathBuf) -> BenchmarkPoint {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let mut ingest = Ingest::new();
    ingest.add_bytes(&format!("{family}/{name}"), &std::fs::read(path).unwrap());
    let ds = ingest.dataset();
    assert!(ds.diagnostics.is_empty(), "{name}: {:?}", ds.diagnostics);
    assert!(ds.unrecognized.is_empty(), "{name}: {:?}", ds.unrecognized);
    let points: Vec<&BenchmarkPoint> = ds.runs.iter().flat_map(|r| &r.points).collect();
    assert_eq!(points.len(), 1, "{name}");
    points[0].clone()
}

/// A number or a numeric string (LLMPerf writes numpy integers as strings).
fn num(v: &Value, key: &str) -> Option<f64> {
    match v.get(key)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0),
        (None, None) => true,
        _ => false,
    }
}

#[test]
fn real_llmperf_summaries_read_their_own_numbers_in_ms_and_per_second() {
    let files = files("llmperf", "json");
    assert!(files.len() >= 4, "{files:?}");
    let mut with_errors = 0;
    for path in &files {
        let raw: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        let p = only_point("llmperf", path);
        let name = path.display();
        assert_eq!(p.tool, "llmperf-summary", "{name}");
        assert!(p
            .source
            .ends_with(&*path.file_name().unwrap().to_string_lossy()));
        assert_eq!(
            p.concurrency.map(f64::from),
            num(&raw, "num_concurrent_requests"),
            "{name}"
        );
        let ms = |key: &str| num(&raw, key).map(|s| s * 1e3);
        for (stats, metric) in [
            (&p.ttft_ms, "ttft_s"),
            (&p.itl_ms, "inter_token_latency_s"),
            (&p.e2el_ms, "end_to_end_latency_s"),
        ] {
            assert!(
                close(stats.mean, ms(&format!("results_{metric}_mean"))),
                "{name} {metric}"
            );
            assert!(
                close(stats.median, ms(&format!("results_{metric}_quantiles_p50"))),
                "{name} {metric}"
            );
            assert!(
                close(stats.p90, ms(&format!("results_{metric}_quantiles_p90"))),
                "{name} {metric}"
            );
            assert!(
                close(stats.p99, ms(&format!("results_{metric}_quantiles_p99"))),
                "{name} {metric}"
            );
            assert!(
                close(stats.std, ms(&format!("results_{metric}_stddev"))),
                "{name} {metric}"
            );
        }
        assert!(close(
            p.request_throughput,
            num(&raw, "results_num_completed_requests_per_min").map(|r| r / 60.0)
        ));
        assert_eq!(
            p.output_throughput,
            num(&raw, "results_mean_output_throughput_token_per_s"),
            "{name}"
        );
        assert_eq!(
            p.completed.map(|c| c as f64),
            num(&raw, "results_num_completed_requests"),
            "{name}"
        );
        assert_eq!(
            p.num_prompts.map(|c| c as f64),
            num(&raw, "results_num_requests_started"),
            "{name}"
        );
        assert_eq!(
            p.failed_requests.map(|c| c as f64),
            num(&raw, "results_number_errors"),
            "{name}"
        );
        assert_eq!(p.model_id.as_deref(), raw["model"].as_str(), "{name}");
        assert_eq!(p.duration_s, None, "{name}: LLMPerf writes no duration");
        with_errors += usize::from(p.failed_requests.unwrap_or(0) > 0);
    }
    assert!(with_errors >= 1, "the bedrock run has failed requests");
}

#[test]
fn real_llmperf_leaderboard_groq_literal_values() {
    let path = realdata("llmperf")
        .join("ray-project__llmperf-leaderboard__raw_data__summary__groq_70b.json");
    let p = only_point("llmperf", &path);
    assert_eq!(p.concurrency, Some(5));
    assert_eq!(p.completed, Some(150));
    assert!(close(p.ttft_ms.mean, Some(227.86034579078357)));
    assert!(close(p.request_throughput, Some(176.73895115400083 / 60.0)));
    assert_eq!(p.output_throughput, Some(441.84737788500206));
    assert_eq!(p.date.as_deref(), Some("2024-01-10 01:55:04"));
}

#[test]
fn real_trtllm_bench_report_json_reads_its_own_numbers() {
    let files = files("trtllm", "json");
    assert!(!files.is_empty());
    for path in &files {
        let raw: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        let p = only_point("trtllm", path);
        let name = path.display();
        let perf = &raw["performance"];
        assert_eq!(p.tool, "trtllm-bench-json", "{name}");
        assert_eq!(
            p.request_throughput,
            perf["request_throughput_req_s"].as_f64()
        );
        assert_eq!(
            p.output_throughput,
            perf["system_output_throughput_tok_s"].as_f64()
        );
        assert_eq!(
            p.total_token_throughput,
            perf["system_total_throughput_tok_s"].as_f64()
        );
        assert!(close(
            p.duration_s,
            perf["total_latency_ms"].as_f64().map(|ms| ms / 1e3)
        ));
        assert_eq!(p.e2el_ms.mean, perf["avg_request_latency_ms"].as_f64());
        let lat = &perf["request_latency_percentiles_ms"];
        assert_eq!(p.e2el_ms.median, lat["p50"].as_f64());
        assert_eq!(p.e2el_ms.p90, lat["p90"].as_f64());
        assert_eq!(p.e2el_ms.p99, lat["p99"].as_f64());
        let streaming = &raw["streaming_metrics"];
        assert_eq!(p.ttft_ms.mean, streaming["avg_ttft_ms"].as_f64());
        assert_eq!(
            p.ttft_ms.median,
            streaming["ttft_percentiles"]["p50"].as_f64()
        );
        assert_eq!(p.tpot_ms.mean, streaming["avg_tpot_ms"].as_f64());
        assert_eq!(p.tpot_ms.p99, streaming["tpot_percentiles"]["p99"].as_f64());
        assert_eq!(p.completed, raw["request_info"]["num_requests"].as_u64());
        assert_eq!(
            p.gpus_reported.map(u64::from),
            raw["world_info"]["world_size"].as_u64()
        );
        assert_eq!(p.model_id.as_deref(), raw["engine"]["model"].as_str());
        assert_eq!(p.backend.as_deref(), raw["engine"]["backend"].as_str());
        // trtllm-bench states no configured concurrency; this file name (`bs1`) states none.
        assert_eq!(p.concurrency, None, "{name}");
    }
}

#[test]
fn real_trtllm_bench_console_report_in_a_v0_16_log() {
    let path = realdata("trtllm")
        .join("shaamil101-etched__trtllm-benchmarks__results__result_128_128_30000.txt");
    let p = only_point("trtllm", &path);
    // The file's own lines:
    //   Number of requests:		30000
    //   Average Input Length (tokens):	128.0000 / Average Output Length (tokens):	128.0000
    //   Token Throughput (tokens/sec):	14389.7989
    //   Request Throughput (req/sec):	112.4203
    //   Total Latency (ms):		266855.7100
    //   TP Size: 8, PP Size: 1; Model: meta-llama/Llama-3.1-70B-Instruct (= ENGINE DETAILS)
    assert_eq!(p.tool, "trtllm-bench-console");
    assert_eq!(p.completed, Some(30000));
    assert_eq!(p.total_input_tokens, Some(128 * 30000));
    assert_eq!(p.total_output_tokens, Some(128 * 30000));
    assert_eq!(p.output_throughput, Some(14389.7989));
    assert_eq!(p.request_throughput, Some(112.4203));
    assert!(close(p.duration_s, Some(266.85571)));
    assert_eq!(p.gpus_reported, Some(8));
    assert_eq!(
        p.model_id.as_deref(),
        Some("meta-llama/Llama-3.1-70B-Instruct")
    );
    assert_eq!(p.backend.as_deref(), Some("TRT"));
    // Not streaming: no TTFT/TPOT in the report, and none invented.
    assert_eq!((p.ttft_ms.mean, p.tpot_ms.mean), (None, None));
    assert_eq!(p.concurrency, None);
}

#[test]
fn malformed_variants_of_the_real_files_are_errors_not_panics() {
    let mut inputs: Vec<(String, Vec<u8>)> = Vec::new();
    for family in ["llmperf", "trtllm"] {
        for ext in ["json", "txt"] {
            for path in files(family, ext) {
                let bytes = std::fs::read(&path).unwrap();
                let name = format!("{family}/{}", path.file_name().unwrap().to_string_lossy());
                for cut in [1, bytes.len() / 3, bytes.len() / 2, bytes.len() - 2] {
                    inputs.push((name.clone(), bytes[..cut].to_vec()));
                }
            }
        }
    }
    for (name, bytes) in inputs {
        let mut ingest = Ingest::new();
        ingest.add_bytes(&name, &bytes);
        let ds = ingest.dataset();
        if name.ends_with(".json") {
            assert!(
                !ds.diagnostics.is_empty() || !ds.unrecognized.is_empty(),
                "{name} cut to {} bytes gave no error",
                bytes.len()
            );
        }
    }
}

/// The repository path a real-data file was copied from (`owner__repo__a__b.csv` → `a/b.csv`),
/// so the reader sees the folder names the producer wrote (genai-perf's `…-concurrency10/`).
fn original_path(path: &std::path::Path) -> String {
    let name = path.file_name().unwrap().to_string_lossy();
    name.splitn(3, "__").nth(2).unwrap().replace("__", "/")
}

fn genai_point(path: &std::path::Path) -> BenchmarkPoint {
    let mut ingest = Ingest::new();
    ingest.add_bytes(&original_path(path), &std::fs::read(path).unwrap());
    let ds = ingest.dataset();
    assert!(ds.diagnostics.is_empty(), "{path:?}: {:?}", ds.diagnostics);
    let points: Vec<&BenchmarkPoint> = ds.runs.iter().flat_map(|r| &r.points).collect();
    assert_eq!(points.len(), 1, "{path:?}");
    points[0].clone()
}

#[test]
fn real_genai_perf_csv_reads_its_own_numbers() {
    let files = files("genai-perf", "csv");
    assert_eq!(files.len(), 2);
    for path in &files {
        // The file's cells, read here with the csv crate: `name -> [cells]`.
        let mut rows = std::collections::HashMap::new();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_path(path)
            .unwrap();
        for r in reader.records() {
            let r = r.unwrap();
            let cells: Vec<f64> = r
                .iter()
                .skip(1)
                .filter_map(|c| c.replace(',', "").parse().ok())
                .collect();
            rows.insert(r[0].to_owned(), cells);
        }
        let cell = |name: &str, i: usize| rows[name][i];
        let p = genai_point(path);
        let name = path.display();
        assert_eq!(p.tool, "genai-perf-csv", "{name}");
        let latency = "Request Latency (ms)";
        // Columns avg,min,max,p99,p95,p90,p75,p50,…
        assert_eq!(p.e2el_ms.mean, Some(cell(latency, 0)), "{name}");
        assert_eq!(p.e2el_ms.p99, Some(cell(latency, 3)), "{name}");
        assert_eq!(p.e2el_ms.p90, Some(cell(latency, 5)), "{name}");
        assert_eq!(p.e2el_ms.median, Some(cell(latency, 7)), "{name}");
        assert_eq!(
            p.output_throughput,
            Some(cell("Output Token Throughput (tokens/sec)", 0))
        );
        assert_eq!(
            p.request_throughput,
            Some(cell("Request Throughput (per sec)", 0))
        );
        assert_eq!(
            p.completed,
            Some(cell("Request Count (count)", 0) as u64),
            "{name}"
        );
        // Not streamed: no first token, so no TTFT and no ITL.
        assert_eq!(p.ttft_ms.mean, None, "{name}");
        let folder = original_path(path);
        let c: u32 = folder
            .rsplit_once("-concurrency")
            .unwrap()
            .1
            .split('/')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(p.concurrency, Some(c), "{name}");
    }
}

#[test]
fn real_genai_perf_json_reads_its_own_numbers_and_drops_a_non_streaming_ttft() {
    let files = files("genai-perf", "json");
    assert_eq!(files.len(), 1);
    let path = &files[0];
    let raw: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let p = genai_point(path);
    assert_eq!(p.tool, "genai-perf-json");
    let lat = &raw["request_latency"];
    assert_eq!(p.e2el_ms.mean, lat["avg"].as_f64());
    assert_eq!(p.e2el_ms.median, lat["p50"].as_f64());
    assert_eq!(p.e2el_ms.p90, lat["p90"].as_f64());
    assert_eq!(p.e2el_ms.p99, lat["p99"].as_f64());
    assert_eq!(p.e2el_ms.std, lat["std"].as_f64());
    assert_eq!(
        p.output_throughput,
        raw["output_token_throughput"]["avg"].as_f64()
    );
    assert_eq!(
        p.request_throughput,
        raw["request_throughput"]["avg"].as_f64()
    );
    assert_eq!(
        p.completed,
        raw["request_count"]["avg"].as_f64().map(|c| c as u64)
    );
    // `endpoint.streaming` is false and the TTFT block equals the latency block.
    assert_eq!(raw["input_config"]["endpoint"]["streaming"], false);
    assert_eq!(raw["time_to_first_token"], raw["request_latency"]);
    assert_eq!(p.ttft_ms.mean, None);
    assert_eq!(
        p.concurrency.map(u64::from),
        raw["input_config"]["perf_analyzer"]["stimulus"]["concurrency"].as_u64()
    );
}
