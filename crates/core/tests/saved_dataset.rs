//! `.runlens` saved datasets: a round trip gives the dataset the files gave, and a saved dataset
//! loads beside other inputs and can be removed like a run.

use runlens_core::ingest::saved::{load_dataset, save_dataset};
use runlens_core::Ingest;

fn demo() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/demo/demo-runs.tar.gz"
    ))
    .unwrap()
}

fn json(ds: &runlens_core::Dataset) -> serde_json::Value {
    let mut v = serde_json::to_value(ds).unwrap();
    // Bytes and files counted are those of the last load, not of the data.
    v["input_bytes"] = 0.into();
    v["files_seen"] = 0.into();
    v
}

/// The first path where two JSON values differ.
fn first_difference(a: &serde_json::Value, b: &serde_json::Value, at: &str) -> Option<String> {
    use serde_json::Value::*;
    match (a, b) {
        (Object(x), Object(y)) => {
            x.keys()
                .chain(y.keys())
                .find_map(|k| match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => first_difference(p, q, &format!("{at}.{k}")),
                    _ => Some(format!("{at}.{k}: present on one side only")),
                })
        }
        (Array(x), Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (p, q))| first_difference(p, q, &format!("{at}[{i}]"))),
        _ if a == b => None,
        _ => Some(format!("{at}: {a} vs {b}").chars().take(300).collect()),
    }
}

#[test]
fn a_saved_dataset_reloads_equal_to_the_parsed_one() {
    let mut ingest = Ingest::new();
    ingest.add_bytes("demo-runs.tar.gz", &demo());
    let parsed = ingest.dataset();
    assert!(!parsed.runs.is_empty() && !parsed.worker_logs.is_empty());
    let bytes = save_dataset(&parsed);
    assert!(bytes.len() < demo().len() * 4, "{} bytes", bytes.len());
    let mut again = Ingest::new();
    again.add_bytes("demo.runlens", &bytes);
    let reloaded = again.dataset();
    assert_eq!(first_difference(&json(&reloaded), &json(&parsed), ""), None);
    assert_eq!(json(&load_dataset(&bytes).unwrap()), json(&parsed));
    // Worker-log samples survive (the Node Metrics tab needs them).
    let samples = |ds: &runlens_core::Dataset| {
        ds.worker_logs
            .iter()
            .map(|l| l.log.sample_count())
            .sum::<usize>()
    };
    assert_eq!(samples(&reloaded), samples(&parsed));
}

#[test]
fn a_saved_dataset_of_another_version_is_refused_by_name() {
    let mut ingest = Ingest::new();
    ingest.add_bytes("old.runlens", b"RUNLENS-DATASET 0\nxxxx");
    let ds = ingest.dataset();
    assert!(ds.runs.is_empty());
    let d = ds
        .diagnostics
        .iter()
        .find(|d| d.file == "old.runlens")
        .expect("a diagnostic naming the file");
    assert!(d.message.contains("version 0"), "{}", d.message);
}

#[test]
fn runs_of_a_saved_dataset_can_be_removed() {
    let mut ingest = Ingest::new();
    ingest.add_bytes("demo-runs.tar.gz", &demo());
    let parsed = ingest.dataset();
    let mut again = Ingest::new();
    again.add_bytes("demo.runlens", &save_dataset(&parsed));
    let root = parsed.runs[0].root.clone();
    again.remove_under(&root);
    assert_eq!(again.dataset().runs.len(), parsed.runs.len() - 1);
}

/// A point writes only the numbers it has (the page receives every point as JSON, and a run of
/// 100 000 results was 1.4 KB a point, two thirds of it `null`); what it does not write reads back
/// as unset, and a file written with every `null` still reads.
#[test]
fn a_point_writes_only_what_it_has_and_reads_back_equal() {
    use runlens_core::model::{BenchmarkPoint, LatencyStats};
    let p = BenchmarkPoint {
        source: "r/results_concurrency_4.json".into(),
        tool: "sa-bench-json".into(),
        concurrency: Some(4),
        request_rate: Some(f64::INFINITY),
        output_throughput: Some(100.0),
        ttft_ms: LatencyStats {
            mean: Some(10.0),
            ..Default::default()
        },
        ..Default::default()
    };
    let text = serde_json::to_string(&p).unwrap();
    assert!(!text.contains("null"), "{text}");
    assert!(text.len() < 300, "{} bytes: {text}", text.len());
    assert!(text.contains(r#""request_rate":"inf""#), "{text}");
    let back: BenchmarkPoint = serde_json::from_str(&text).unwrap();
    assert_eq!(back, p);
    let old = r#"{"source":"s","tool":"t","gpus_reported":null,"concurrency":8,"request_rate":null,
        "ttft_ms":{"mean":null,"median":1.5,"std":null,"p90":null,"p99":null},"tpot_ms":{},"itl_ms":{},
        "e2el_ms":{},"per_request_arrays":[],"derived":{"output_tps_per_gpu":null},"invalid":null}"#;
    let old: BenchmarkPoint = serde_json::from_str(old).unwrap();
    assert_eq!(old.concurrency, Some(8));
    assert_eq!(old.ttft_ms.median, Some(1.5));
    assert_eq!(old.request_rate, None);
}
