//! Real sa-bench / benchmark_serving results from `fixtures/realdata/bench-results`: every number
//! runlens reports must equal the file's own field, read here independently with serde_json.

use std::path::PathBuf;

use runlens_core::model::BenchmarkPoint;
use runlens_core::Ingest;
use serde_json::Value;

fn bench_results() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/realdata/bench-results")
}

/// Real result files in benchmark_serving's own shape (flat keys, `max_concurrency`).
fn sa_bench_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(bench_results())
        .expect("fixtures/realdata/bench-results is in the repository")
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let text = std::fs::read_to_string(p).unwrap_or_default();
            p.extension().is_some_and(|e| e == "json")
                && text.trim_start().starts_with('{')
                && text.contains("\"max_concurrency\"")
        })
        .collect();
    files.sort();
    files
}

fn ingest_file(path: &PathBuf) -> BenchmarkPoint {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let mut ingest = Ingest::new();
    ingest.add_bytes(
        &format!("bench-results/{name}"),
        &std::fs::read(path).unwrap(),
    );
    let ds = ingest.dataset();
    assert!(ds.diagnostics.is_empty(), "{name}: {:?}", ds.diagnostics);
    assert_eq!(ds.runs.len(), 1, "{name}");
    assert_eq!(ds.runs[0].points.len(), 1, "{name}");
    ds.runs[0].points[0].clone()
}

fn f(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64)
}

#[test]
fn every_real_sa_bench_file_reads_its_own_numbers() {
    let files = sa_bench_files();
    assert!(
        files.len() >= 24,
        "expected the multi_node_results sweeps, found {}",
        files.len()
    );
    for path in &files {
        let raw: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        let p = ingest_file(path);
        let name = path.display();
        assert_eq!(
            p.concurrency.map(u64::from),
            raw["max_concurrency"].as_u64(),
            "{name}"
        );
        assert_eq!(p.output_throughput, f(&raw, "output_throughput"), "{name}");
        assert_eq!(
            p.total_token_throughput,
            f(&raw, "total_token_throughput"),
            "{name}"
        );
        assert_eq!(
            p.request_throughput,
            f(&raw, "request_throughput"),
            "{name}"
        );
        assert_eq!(p.duration_s, f(&raw, "duration"), "{name}");
        assert_eq!(p.completed, raw["completed"].as_u64(), "{name}");
        assert_eq!(
            p.total_input_tokens,
            raw["total_input_tokens"].as_u64(),
            "{name}"
        );
        assert_eq!(
            p.total_output_tokens,
            raw["total_output_tokens"].as_u64(),
            "{name}"
        );
        for (metric, stats) in [
            ("ttft", p.ttft_ms),
            ("tpot", p.tpot_ms),
            ("itl", p.itl_ms),
            ("e2el", p.e2el_ms),
        ] {
            assert_eq!(
                stats.mean,
                f(&raw, &format!("mean_{metric}_ms")),
                "{name} mean {metric}"
            );
            assert_eq!(
                stats.median,
                f(&raw, &format!("median_{metric}_ms")),
                "{name} median {metric}"
            );
            assert_eq!(
                stats.std,
                f(&raw, &format!("std_{metric}_ms")),
                "{name} std {metric}"
            );
            assert_eq!(
                stats.p90,
                f(&raw, &format!("p90_{metric}_ms")),
                "{name} p90 {metric}"
            );
            assert_eq!(
                stats.p99,
                f(&raw, &format!("p99_{metric}_ms")),
                "{name} p99 {metric}"
            );
        }
        let tpot = f(&raw, "mean_tpot_ms").unwrap();
        // A failed benchmark (completed 0) has TPOT 0: TPS/User is undefined, not infinite.
        let expected = (tpot > 0.0).then(|| 1000.0 / tpot);
        assert_eq!(p.derived.output_tps_per_user, expected, "{name}");
    }
}

#[test]
fn gpus_from_real_file_names_give_tps_per_gpu() {
    // `…_gpus_16_ctx_8_gen_8.json`: 16 GPUs, so Output TPS/GPU = output_throughput / 16.
    let path = bench_results().join("SemiAnalysisAI__InferenceX__multi_node_results__concurrency_128_req_rate_inf_gpus_16_ctx_8_gen_8.json");
    let raw: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let p = ingest_file(&path);
    assert_eq!(p.concurrency, Some(128));
    assert_eq!(
        p.request_goodput, None,
        "\"request_goodput:\" is null in the file"
    );
    assert_eq!(
        p.derived.output_tps_per_gpu,
        Some(f(&raw, "output_throughput").unwrap() / 16.0)
    );
    assert_eq!(
        p.derived.total_tps_per_gpu,
        Some(f(&raw, "total_token_throughput").unwrap() / 16.0)
    );
}

#[test]
fn a_folder_of_sweeps_becomes_one_run_per_sweep() {
    let mut ingest = Ingest::new();
    for path in sa_bench_files() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        ingest.add_bytes(
            &format!("bench-results/{name}"),
            &std::fs::read(&path).unwrap(),
        );
    }
    let ds = ingest.dataset();
    let sweep = ds
        .runs
        .iter()
        .find(|r| {
            r.job_id
                .value
                .contains("multi_node_results__gpt-oss-120b__concurrency_*")
        })
        .expect("the gpt-oss sweep is one run");
    let concurrencies: Vec<u32> = sweep.points.iter().filter_map(|p| p.concurrency).collect();
    assert_eq!(concurrencies, vec![4, 8, 16, 32, 64, 128, 256, 512]);
}

fn aiperf_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/realdata/aiperf")
}

fn only_point(name: &str, bytes: &[u8]) -> BenchmarkPoint {
    let mut ingest = Ingest::new();
    ingest.add_bytes(name, bytes);
    let ds = ingest.dataset();
    assert!(ds.diagnostics.is_empty(), "{name}: {:?}", ds.diagnostics);
    assert_eq!(
        ds.runs.iter().map(|r| r.points.len()).sum::<usize>(),
        1,
        "{name}"
    );
    ds.runs[0].points[0].clone()
}

#[test]
fn real_aiperf_json_reads_its_own_numbers() {
    for (file, concurrency) in [
        ("SemiAnalysisAI__InferenceX__tp4_sweep_29003473063__conc16_kvdram-lmcache__aiperf_artifacts__profile_export_aiperf.json", 16),
        ("SemiAnalysisAI__InferenceX__tp4_sweep_29003473063__conc1_kvnone__aiperf_artifacts__profile_export_aiperf.json", 1),
    ] {
        let bytes = std::fs::read(aiperf_dir().join(file)).unwrap();
        let raw: Value = serde_json::from_slice(&bytes).unwrap();
        // Named as AIPerf writes it, inside its run folder.
        let p = only_point(&format!("run_conc{concurrency}/aiperf_artifacts/profile_export_aiperf.json"), &bytes);
        assert_eq!(p.concurrency, Some(concurrency), "{file}");
        assert_eq!(p.output_throughput, raw["output_token_throughput"]["avg"].as_f64());
        assert_eq!(p.request_throughput, raw["request_throughput"]["avg"].as_f64());
        assert_eq!(p.total_token_throughput, raw["total_token_throughput"]["avg"].as_f64());
        assert_eq!(p.ttft_ms.mean, raw["time_to_first_token"]["avg"].as_f64());
        assert_eq!(p.ttft_ms.p99, raw["time_to_first_token"]["p99"].as_f64());
        assert_eq!(p.tpot_ms.median, raw["inter_token_latency"]["p50"].as_f64());
        assert_eq!(p.e2el_ms.p90, raw["request_latency"]["p90"].as_f64());
        assert_eq!(p.completed, raw["request_count"]["avg"].as_f64().map(|c| c as u64));
        assert_eq!(p.duration_s, raw["benchmark_duration"]["avg"].as_f64());
        // Scenario runs state their own validity.
        assert_eq!(p.submission_valid, raw["metadata"]["submission_valid"].as_bool());
        assert_eq!(p.submission_valid, Some(true));
        assert!(p.invalid_reasons.is_empty());
    }
}

#[test]
fn real_aiperf_per_request_records_become_the_rows_of_the_summary_point() {
    let file = "SemiAnalysisAI__InferenceX__tp4_sweep_29003473063__conc1_kvnone__aiperf_artifacts__profile_export.jsonl";
    let bytes = std::fs::read(aiperf_dir().join(file)).unwrap();
    let summary = std::fs::read(
        aiperf_dir().join(file.replace("profile_export.jsonl", "profile_export_aiperf.json")),
    )
    .unwrap();
    // What the file says: its profiling-phase records (the warm-up one is left out).
    let records: Vec<Value> = std::str::from_utf8(&bytes)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|r: &Value| r["metadata"]["benchmark_phase"] == "profiling")
        .collect();
    assert_eq!(records.len(), 59);
    let mut ingest = Ingest::new();
    ingest.add_bytes("run_conc1/aiperf_artifacts/profile_export.jsonl", &bytes);
    ingest.add_bytes(
        "run_conc1/aiperf_artifacts/profile_export_aiperf.json",
        &summary,
    );
    let ds = ingest.dataset();
    assert!(ds.diagnostics.is_empty(), "{:?}", ds.diagnostics);
    assert!(ds.unrecognized.is_empty(), "{:?}", ds.unrecognized);
    assert_eq!(ds.runs.len(), 1);
    assert_eq!(ds.runs[0].points.len(), 1, "the summary's point only");
    let p = &ds.runs[0].points[0];
    assert_eq!(p.tool, "aiperf-json");
    let rows = p.requests.as_deref().expect("the records' rows");
    assert_eq!(rows.len(), records.len());
    for (i, r) in records.iter().enumerate() {
        let m = &r["metrics"];
        let f = |k: &str| m[k]["value"].as_f64().unwrap() as f32;
        assert_eq!(rows.ttft_ms[i], f("time_to_first_token"), "row {i}");
        assert_eq!(rows.e2el_ms[i], f("request_latency"), "row {i}");
        if m["inter_token_latency"].is_object() {
            assert_eq!(rows.tpot_ms[i], f("inter_token_latency"), "row {i}");
        }
        assert_eq!(
            rows.output_tokens[i] as f32,
            f("output_sequence_length"),
            "row {i}"
        );
        assert_eq!(
            rows.input_tokens[i] as f32,
            f("input_sequence_length"),
            "row {i}"
        );
    }
    // E2E-normalized interactivity from the records, as AIPerf and InferenceX define it:
    // 1 / p90 of latency (s) / output tokens, numpy's linear percentile.
    let mut ratios: Vec<f64> = records
        .iter()
        .map(|r| {
            let m = &r["metrics"];
            m["request_latency"]["value"].as_f64().unwrap()
                / 1e3
                / m["output_sequence_length"]["value"].as_f64().unwrap()
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    let numpy = |q: f64| {
        let pos = q * (ratios.len() - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        ratios[lo] + (ratios[hi] - ratios[lo]) * (pos - lo as f64)
    };
    let p90 = p.derived.e2e_interactivity_p90.unwrap();
    let p75 = p.derived.e2e_interactivity_p75.unwrap();
    // The rows hold f32 milliseconds: agreement to 1e-5 relative.
    assert!(
        (p90 * numpy(0.9) - 1.0).abs() < 1e-5,
        "{p90} vs {}",
        1.0 / numpy(0.9)
    );
    assert!(
        (p75 * numpy(0.75) - 1.0).abs() < 1e-5,
        "{p75} vs {}",
        1.0 / numpy(0.75)
    );
    assert!(p90 <= p75, "the slower tail has the lower rate");
}

#[test]
fn aiperf_records_without_a_summary_are_reported() {
    let file = "SemiAnalysisAI__InferenceX__tp4_sweep_29003473063__conc1_kvnone__aiperf_artifacts__profile_export.jsonl";
    let bytes = std::fs::read(aiperf_dir().join(file)).unwrap();
    let mut ingest = Ingest::new();
    ingest.add_bytes("alone/profile_export.jsonl", &bytes);
    let ds = ingest.dataset();
    assert!(ds.runs.is_empty());
    assert!(
        ds.diagnostics
            .iter()
            .any(|d| d.file == "alone/profile_export.jsonl"
                && d.message.contains("no result summary"))
    );
}

/// `name,value` of a row of an AIPerf CSV, read with plain string splitting.
fn csv_cell(text: &str, metric: &str, column: usize) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(&format!("{metric},")))?
        .split(',')
        .nth(column)?
        .parse()
        .ok()
}

#[test]
fn real_aiperf_csv_reads_its_own_numbers() {
    let file =
        "SemiAnalysisAI__InferenceX__m1517_direct_results__c16none__profile_export_aiperf.csv";
    let text = std::fs::read_to_string(aiperf_dir().join(file)).unwrap();
    let p = only_point(
        "m1517_direct_results/c16none/profile_export_aiperf.csv",
        text.as_bytes(),
    );
    assert_eq!(p.concurrency, Some(16));
    assert_eq!(
        p.output_throughput,
        csv_cell(&text, "Output Token Throughput (tokens/sec)", 1)
    );
    assert_eq!(
        p.request_throughput,
        csv_cell(&text, "Request Throughput (requests/sec)", 1)
    );
    assert_eq!(
        p.ttft_ms.mean,
        csv_cell(&text, "Time to First Token (ms)", 1)
    );
    assert_eq!(
        p.ttft_ms.p99,
        csv_cell(&text, "Time to First Token (ms)", 13)
    );
    assert_eq!(
        p.itl_ms.median,
        csv_cell(&text, "Inter Token Latency (ms)", 9)
    );
    assert_eq!(p.completed, Some(1735));
}

#[test]
fn aiperf_json_and_csv_of_one_run_are_one_point() {
    let dir = "SemiAnalysisAI__InferenceX__tp4_sweep_29003473063__conc16_kvdram-lmcache__aiperf_artifacts__profile_export_aiperf";
    let mut ingest = Ingest::new();
    for ext in ["json", "csv"] {
        let bytes = std::fs::read(aiperf_dir().join(format!("{dir}.{ext}"))).unwrap();
        ingest.add_bytes(
            &format!("agentic_conc16/aiperf_artifacts/profile_export_aiperf.{ext}"),
            &bytes,
        );
    }
    let ds = ingest.dataset();
    assert_eq!(ds.runs.len(), 1);
    assert_eq!(ds.runs[0].points.len(), 1);
    assert_eq!(ds.runs[0].points[0].tool, "aiperf-json");
}

/// Value on the last line of `text` that starts with `key:` (independent of runlens' parser).
fn last_console_value(text: &str, key: &str) -> Option<f64> {
    text.split(['\n', '\r'])
        .rfind(|l| l.trim_start().starts_with(&format!("{key}:")))?
        .rsplit(':')
        .next()?
        .trim()
        .parse()
        .ok()
}

#[test]
fn real_vllm_bench_serve_console_logs() {
    let dir = bench_results();
    for (file, concurrencies) in [
        ("SemiAnalysisAI__InferenceX__local-results__mtp-fixed-ar-minimax-lcb-v8-20260529-092323__vllm_bench_serve_conc32.log", vec![32]),
        ("SemiAnalysisAI__InferenceX__local-results__mtp-fixed-ar-minimax-lcb-v8-20260529-092323__vllm_bench_serve.log", vec![32, 64]),
    ] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let mut ingest = Ingest::new();
        ingest.add_bytes(file, text.as_bytes());
        let ds = ingest.dataset();
        assert!(ds.diagnostics.is_empty(), "{:?}", ds.diagnostics);
        let points: Vec<&BenchmarkPoint> = ds.runs.iter().flat_map(|r| &r.points).collect();
        assert_eq!(points.iter().map(|p| p.concurrency.unwrap()).collect::<Vec<_>>(), concurrencies, "{file}");
        // The last block of the file is the last concurrency's.
        let last = points.last().unwrap();
        assert_eq!(last.output_throughput, last_console_value(&text, "Output token throughput (tok/s)"));
        assert_eq!(last.total_token_throughput, last_console_value(&text, "Total token throughput (tok/s)"));
        assert_eq!(last.ttft_ms.mean, last_console_value(&text, "Mean TTFT (ms)"));
        assert_eq!(last.tpot_ms.p99, last_console_value(&text, "P99 TPOT (ms)"));
        assert_eq!(last.itl_ms.median, last_console_value(&text, "Median ITL (ms)"));
        assert_eq!(last.completed, last_console_value(&text, "Successful requests").map(|v| v as u64));
        assert_eq!(last.duration_s, last_console_value(&text, "Benchmark duration (s)"));
    }
}

#[test]
fn real_inferencex_results_convert_seconds_and_keep_per_gpu_numbers() {
    let file = "SemiAnalysisAI__InferenceX__agg_kimik2.5_1k1k_int4_vllm_tp8-ep1-dpafalse_disagg-false_spec-mtp_conc4_MI355-gbt350-odcdh5-wbb3.json";
    let bytes = std::fs::read(bench_results().join(file)).unwrap();
    let raw: Value = serde_json::from_slice(&bytes).unwrap();
    let p = only_point(file, &bytes);
    assert_eq!(p.concurrency, Some(4));
    assert_eq!((p.isl, p.osl), (Some(1024), Some(1024)));
    assert_eq!(
        p.ttft_ms.mean,
        Some(raw["mean_ttft"].as_f64().unwrap() * 1000.0),
        "seconds become ms"
    );
    assert_eq!(
        p.tpot_ms.p99,
        Some(raw["p99_tpot"].as_f64().unwrap() * 1000.0)
    );
    assert_eq!(
        p.e2el_ms.median,
        Some(raw["median_e2el"].as_f64().unwrap() * 1000.0)
    );
    assert_eq!(
        p.derived.output_tps_per_gpu,
        raw["output_tput_per_gpu"].as_f64(),
        "per-GPU figure kept as stated"
    );
    assert_eq!(p.derived.total_tps_per_gpu, raw["tput_per_gpu"].as_f64());
    let tpot_ms = raw["mean_tpot"].as_f64().unwrap() * 1000.0;
    assert_eq!(p.derived.output_tps_per_user, Some(1000.0 / tpot_ms));
}

#[test]
fn real_together_runner_baselines_use_their_gpu_count() {
    let file = "SemiAnalysisAI__InferenceX__together_runner__baselines__b200__dsr1-fp4__1k1k__tuned__conc128.json";
    let bytes = std::fs::read(bench_results().join(file)).unwrap();
    let raw: Value = serde_json::from_slice(&bytes).unwrap();
    let p = only_point(file, &bytes);
    let m = &raw["metrics"];
    assert_eq!(p.concurrency, Some(128));
    assert_eq!(p.output_throughput, m["output_token_throughput"].as_f64());
    assert_eq!(p.tpot_ms.median, m["median_tpot_ms"].as_f64());
    assert_eq!(p.ttft_ms.p99, m["p99_ttft_ms"].as_f64());
    let gpus = raw["gpu"]["n_gpus"].as_f64().unwrap();
    assert_eq!(
        p.derived.output_tps_per_gpu,
        Some(m["output_token_throughput"].as_f64().unwrap() / gpus)
    );
    assert_eq!(
        p.derived.output_tps_per_user, None,
        "no mean TPOT in the file"
    );
    assert_eq!(
        p.derived.output_tps_per_user_median,
        Some(1000.0 / m["median_tpot_ms"].as_f64().unwrap())
    );
}

#[test]
fn real_srt_slurm_rollup_csvs_read_their_own_rows() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(bench_results())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with("benchmark-rollup.csv"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 6);
    let mut ingest = Ingest::new();
    for f in &files {
        ingest.add_bytes(
            &format!("issue-41603/{}", f.file_name().unwrap().to_string_lossy()),
            &std::fs::read(f).unwrap(),
        );
    }
    let ds = ingest.dataset();
    assert!(ds.diagnostics.is_empty(), "{:?}", ds.diagnostics);
    assert_eq!(ds.runs.len(), 6, "each rollup is its own run");
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let row: Vec<&str> = lines.next().unwrap().split(',').collect();
        let cell = |name: &str| {
            row[header.iter().position(|h| *h == name).unwrap()]
                .parse::<f64>()
                .unwrap()
        };
        let stem = f
            .file_name()
            .unwrap()
            .to_string_lossy()
            .trim_end_matches(".csv")
            .to_owned();
        let run = ds.runs.iter().find(|r| r.job_id.value == stem).unwrap();
        let p = &run.points[0];
        assert_eq!(p.concurrency, Some(cell("Concurrency") as u32));
        assert_eq!(p.output_throughput, Some(cell("Output Token Throughput")));
        assert_eq!(p.tpot_ms.median, Some(cell("Median TPOT")));
        assert_eq!(run.gpus.total(), Some(cell("Total GPU Count") as u32));
        // The rollup's own "per user" column is 1000 / median TPOT, rounded to 3 decimals.
        let per_user = p.derived.output_tps_per_user_median.unwrap();
        assert!(
            (per_user - cell("Output Token Throughput per User")).abs() < 0.01,
            "{stem}"
        );
    }
}
