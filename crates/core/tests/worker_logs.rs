//! Every real SGLang and vLLM log in `fixtures/realdata`: the number of samples equals the
//! number of metric lines in the file (counted here independently, by plain substring search),
//! spot values match the text, and no metric line is left unexplained.

use std::path::PathBuf;

use runlens_core::model::{LogDialect, SampleKind, WorkerLog};
use runlens_core::Ingest;

const METRIC_MARKERS: &[&str] = &[
    "Prefill batch",
    "Decode batch",
    "Avg prompt throughput:",
    "SpecDecoding metrics:",
    "Speculative metrics:",
    "KV Transfer metrics:",
];

fn realdata(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/realdata")
            .join(dir),
    )
    .unwrap()
    .map(|e| e.unwrap().path())
    .filter(|p| p.extension().is_some_and(|e| e == "log"))
    .collect();
    files.sort();
    files
}

fn parse(path: &PathBuf) -> Option<WorkerLog> {
    let mut ingest = Ingest::new();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    ingest.add_bytes(&name, &std::fs::read(path).unwrap());
    ingest
        .dataset()
        .worker_logs
        .into_iter()
        .next()
        .map(|l| (*l.log).clone())
}

/// Lines with a metric marker, each counted once; progress-bar `\r` segments count separately.
fn count_metric_lines(text: &str) -> usize {
    text.split('\n')
        .flat_map(|l| l.split('\r'))
        .filter(|l| METRIC_MARKERS.iter().any(|m| l.contains(m)))
        .count()
}

#[test]
fn every_real_log_yields_one_sample_per_metric_line() {
    let mut with_samples = 0;
    for path in realdata("sglang").into_iter().chain(realdata("vllm")) {
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        let expected = count_metric_lines(&text);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(log) = parse(&path) else {
            assert_eq!(
                expected, 0,
                "{name} has metric lines but was not recognised"
            );
            continue;
        };
        assert_eq!(log.sample_count(), expected, "{name}");
        if expected > 0 {
            with_samples += 1;
        }
        for (line, sample) in &log.coverage.ignored_metric_samples {
            assert!(
                !METRIC_MARKERS.iter().any(|m| sample.contains(m)),
                "{name}:{line} left unexplained: {sample}"
            );
        }
        assert_eq!(
            log.coverage.lines_total,
            text.split('\n').count() as u64 - u64::from(text.ends_with('\n')),
            "{name}"
        );
    }
    assert!(with_samples >= 6, "{with_samples} logs with samples");
}

fn realdata_file(dir: &str, name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/realdata")
        .join(dir)
        .join(name)
}

#[test]
fn sglang_tp_tagged_log_spot_values() {
    let log = parse(&realdata_file(
        "sglang",
        "SemiAnalysisAI__InferenceX__server@db4487a.log",
    ))
    .unwrap();
    assert_eq!(log.coverage.dialects, vec![LogDialect::SglangScheduler]);
    let decode = log
        .series
        .iter()
        .find(|s| s.kind == SampleKind::Decode)
        .unwrap();
    assert_eq!(decode.ranks.tp, Some(0));
    // `[2026-06-05 19:22:27 TP0] Decode batch, #running-req: 32, #full token: 34707, full token usage: 0.00,
    //  mamba num: 32, mamba usage: 0.67, accept len: 2.47, accept rate: 0.49, cuda graph: True, gen throughput (token/s): 17.72, #queue-req: 0`
    assert_eq!(decode.column("running_req").unwrap()[0], 32.0);
    assert_eq!(decode.column("full_token").unwrap()[0], 34707.0);
    assert_eq!(decode.column("accept_len").unwrap()[0], 2.47);
    assert_eq!(decode.column("cuda_graph").unwrap()[0], 1.0);
    assert_eq!(decode.column("gen_throughput").unwrap()[0], 17.72);
    let prefill = log
        .series
        .iter()
        .find(|s| s.kind == SampleKind::Prefill)
        .unwrap();
    assert_eq!(prefill.column("input_throughput").unwrap()[0], 0.97);
    assert_eq!(prefill.column("mamba_usage").unwrap()[0], 0.12);
    assert!(log
        .memory
        .iter()
        .any(|m| m.avail_mem_gb == Some(184.1199951171875) && m.ranks.tp == Some(6)));
    assert!(log.memory.iter().any(|m| m.kv_tokens == Some(8615408)));
    let server_args = log
        .launches
        .iter()
        .find(|l| l.program == "ServerArgs")
        .unwrap();
    assert!(server_args
        .flags
        .iter()
        .any(|(k, v)| k == "model_path" && v == "Qwen/Qwen3.5-397B-A17B"));
}

#[test]
fn vllm_engine_stats_with_ansi_and_crlf() {
    let log = parse(&realdata_file(
        "vllm",
        "SemiAnalysisAI__InferenceX__multiturn_sweep_20260204__tp1_bs128_offloadoff__server.log",
    ))
    .unwrap();
    let stats = log
        .series
        .iter()
        .find(|s| s.kind == SampleKind::EngineStats)
        .unwrap();
    // `… 02-04 11:28:51 [loggers.py:257] Engine 000: Avg prompt throughput: 8149.1 tokens/s, Avg generation
    //  throughput: 979.0 tokens/s, Running: 127 reqs, Waiting: 0 reqs, GPU KV cache usage: 10.3%, Prefix cache hit rate: 13.5%`
    assert_eq!(stats.column("prompt_throughput").unwrap()[0], 8149.1);
    assert_eq!(stats.column("generation_throughput").unwrap()[0], 979.0);
    assert_eq!(stats.column("running").unwrap()[0], 127.0);
    assert_eq!(stats.column("gpu_kv_cache_usage").unwrap()[0], 10.3);
    assert_eq!(stats.column("prefix_cache_hit_rate").unwrap()[0], 13.5);
    assert_eq!(stats.ranks.dp, Some(0));
    // Ten seconds between consecutive stats lines.
    assert_eq!(stats.time_s[1] - stats.time_s[0], 10.0);
    assert!(log
        .launches
        .iter()
        .any(|l| l.program == "non-default args" || l.program == "vllm serve"));
}

#[test]
fn vllm_spec_decoding_per_position_rates() {
    let log = parse(&realdata_file(
        "vllm",
        "sostrowsk__dgx-spark-local-llm__vllm.log",
    ))
    .unwrap();
    let spec = log
        .series
        .iter()
        .find(|s| s.kind == SampleKind::SpecDecoding)
        .unwrap();
    // `SpecDecoding metrics: Mean acceptance length: 3.62, …, Per-position acceptance rate: 0.793, 0.552, …`
    assert_eq!(spec.column("mean_acceptance_length").unwrap()[0], 3.62);
    assert_eq!(
        spec.column("per_position_acceptance_rate").unwrap()[0],
        0.793
    );
    assert_eq!(
        spec.column("per_position_acceptance_rate_1").unwrap()[0],
        0.552
    );
    let stats = log
        .series
        .iter()
        .find(|s| s.kind == SampleKind::EngineStats)
        .unwrap();
    assert!(
        stats.column("external_prefix_cache_hit_rate").is_some()
            || stats.column("prefix_cache_hit_rate").is_some()
    );
}

/// Generated logs of every dialect (`fixtures/worker-logs`, `cargo xtask fixtures`) against the
/// samples the generator wrote.
#[test]
fn generated_logs_of_every_dialect_match_their_ground_truth() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/worker-logs");
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
    for t in truth["files"].as_array().unwrap() {
        let file = t["file"].as_str().unwrap();
        let mut ingest = Ingest::new();
        ingest.add_bytes(file, &std::fs::read(dir.join("runs").join(file)).unwrap());
        let ds = ingest.dataset();
        assert_eq!(ds.worker_logs.len(), 1, "{file}");
        let log = &ds.worker_logs[0].log;
        assert_eq!(
            log.identity.service.label(),
            t["service"].as_str().unwrap(),
            "{file}"
        );
        let dialects: Vec<String> = log
            .coverage
            .dialects
            .iter()
            .map(|d| {
                serde_json::to_value(d)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(serde_json::json!(dialects), t["dialects"], "{file}");
        assert_eq!(
            log.memory.len() as u64,
            t["memory"].as_u64().unwrap(),
            "{file}"
        );
        if let Some(p) = t.get("parallelism") {
            assert_eq!(
                serde_json::json!({"tp": log.parallelism.tp, "dp": log.parallelism.dp, "ep": log.parallelism.ep}),
                *p,
                "{file}"
            );
        }
        let expected = t["series"].as_array().unwrap();
        assert_eq!(
            log.series.len(),
            expected.len(),
            "{file}: {:?}",
            log.series
                .iter()
                .map(|s| (s.kind, s.ranks))
                .collect::<Vec<_>>()
        );
        for e in expected {
            let rank = |k: &str| e[k].as_u64().map(|v| v as u32);
            let s = log
                .series
                .iter()
                .find(|s| {
                    s.kind.label() == e["kind"].as_str().unwrap()
                        && s.ranks.dp == rank("dp")
                        && s.ranks.tp == rank("tp")
                        && s.ranks.ep == rank("ep")
                })
                .unwrap_or_else(|| panic!("{file}: series {e}"));
            assert_eq!(s.len() as u64, e["count"].as_u64().unwrap(), "{file}");
            for (field, value) in e["first"].as_object().unwrap() {
                let got = s
                    .column(field)
                    .unwrap_or_else(|| panic!("{file}: column {field}"))[0];
                assert!(
                    (f64::from(got) - value.as_f64().unwrap()).abs() < 1e-3,
                    "{file}: {field} = {got}, expected {value}"
                );
            }
            if let Some(dt) = t.get("first_interval_s").and_then(|v| v.as_f64()) {
                assert!(
                    (s.time_s[1] - s.time_s[0] - dt).abs() < 1e-6,
                    "{file}: interval {}",
                    s.time_s[1] - s.time_s[0]
                );
            }
            assert!(
                s.time_s.iter().all(|t| t.is_finite()),
                "{file}: every sample has a timestamp"
            );
        }
    }
}

#[test]
fn hostile_bytes_never_panic_the_log_parser() {
    let cases: Vec<Vec<u8>> = vec![
        vec![0xff, 0xfe, 0x00, b'\n', 0xc3, 0x28, b'\r'],
        vec![b'x'; 10 << 20],
        [b"[2026-01-01 00:00:00 DP0] Decode batch, #running-req: ".as_slice(), &[b'9'; 5000], b"\n"].concat(),
        b"\r\r\r[2026-01-01 00:00:00] Prefill batch, #new-seq: 1\r".to_vec(),
        b"Decode batch, : , ::, #a: , #b: 1e99999, #c: -, #d: ., cuda graph: maybe\n".to_vec(),
        b"iter = , states = {'a': }, timestamp = 99-99-9999 99:99:99\n{\"iter\": [1, {\"x\": null}]}\n".to_vec(),
        b"+ python3 -m dynamo.sglang --a \\".to_vec(),
        b"server_args=ServerArgs(a='unterminated, b=(1\nnon-default args: {'a': [\n".to_vec(),
    ];
    for bytes in cases {
        for chunk in [1usize, 3, 4096, usize::MAX] {
            let chunk = chunk.min(bytes.len().max(1));
            runlens_core::parse_with_every_format("n_decode_w0.err", &bytes, chunk);
        }
    }
}
