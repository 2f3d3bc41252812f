//! Real SGLang `bench_serving --output-file` JSONL results from
//! `fixtures/realdata/bench-results/sglang-vllm`: every line is one point, and every number
//! runlens reports equals the line's own field, read here independently with serde_json.

use std::path::PathBuf;

use runlens_core::model::{BenchmarkPoint, Dataset, Severity};
use runlens_core::Ingest;
use serde_json::Value;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/realdata/bench-results/sglang-vllm")
}

fn jsonl_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir())
        .expect("fixtures/realdata/bench-results/sglang-vllm is in the repository")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    files
}

fn load(name: &str, bytes: &[u8]) -> Dataset {
    let mut ingest = Ingest::new();
    ingest.add_bytes(&format!("sglang/{name}"), bytes);
    ingest.dataset()
}

fn points(ds: &Dataset) -> Vec<&BenchmarkPoint> {
    ds.runs.iter().flat_map(|r| &r.points).collect()
}

/// The file's lines as JSON, Python's bare `Infinity` read as a marker string.
fn lines(bytes: &[u8]) -> Vec<Value> {
    String::from_utf8(bytes.to_vec())
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(&l.replace(": Infinity", ": \"Infinity\"")).unwrap())
        .collect()
}

fn close(a: Option<f64>, b: Option<f64>, what: &str) {
    match (a, b) {
        (Some(a), Some(b)) => assert!(
            (a - b).abs() <= 1e-9 * b.abs().max(1.0),
            "{what}: {a} vs {b}"
        ),
        (a, b) => assert_eq!(a, b, "{what}"),
    }
}

#[test]
fn every_real_sglang_jsonl_line_is_a_point_with_its_own_numbers() {
    let files = jsonl_files();
    assert!(files.len() >= 6, "found {}", files.len());
    let mut repos = std::collections::BTreeSet::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        repos.insert(name.split("__").take(2).collect::<Vec<_>>().join("/"));
        let bytes = std::fs::read(path).unwrap();
        let raw = lines(&bytes);
        let ds = load(&name, &bytes);
        assert!(ds.diagnostics.is_empty(), "{name}: {:?}", ds.diagnostics);
        let mut pts = points(&ds);
        assert_eq!(pts.len(), raw.len(), "{name}: one point per line");
        // Points are ordered by the run; match each line by its own duration.
        for line in &raw {
            let duration = line["duration"].as_f64().unwrap();
            let i = pts
                .iter()
                .position(|p| p.duration_s == Some(duration))
                .unwrap_or_else(|| panic!("{name}: no point for duration {duration}"));
            let p = pts.remove(i);
            let what = |k: &str| format!("{name} {k}");
            assert_eq!(p.tool, "sglang-bench-serving");
            assert!(p.source.ends_with(&name));
            let f = |k: &str| line.get(k).and_then(Value::as_f64);
            close(
                p.output_throughput,
                f("output_throughput"),
                &what("output_throughput"),
            );
            close(p.e2el_ms.mean, f("mean_e2e_latency_ms"), &what("mean e2e"));
            close(
                p.e2el_ms.median,
                f("median_e2e_latency_ms"),
                &what("median e2e"),
            );
            close(p.ttft_ms.median, f("median_ttft_ms"), &what("median ttft"));
            close(p.itl_ms.median, f("median_itl_ms"), &what("median itl"));
            close(
                p.total_token_throughput,
                f("total_throughput"),
                &what("total_throughput"),
            );
            assert_eq!(p.completed, line["completed"].as_u64(), "{name}");
            assert_eq!(
                p.total_input_tokens,
                line["total_input_tokens"].as_u64(),
                "{name}"
            );
            assert_eq!(
                p.total_output_tokens,
                line["total_output_tokens"].as_u64(),
                "{name}"
            );
            let rate = match &line["request_rate"] {
                Value::String(s) if s == "Infinity" => Some(f64::INFINITY),
                v => v.as_f64(),
            };
            assert_eq!(p.request_rate, rate, "{name}");
            // `max_concurrency` is null or absent in every one of these runs, and no file name
            // has a concurrency token.
            assert_eq!(p.concurrency, None, "{name}");
        }
    }
    assert!(repos.len() >= 2, "{repos:?}");
}

#[test]
fn a_request_rate_sweep_in_one_file_keeps_every_rate() {
    let name = "datacrunch-research__h200-benchmarks__sglang__llama_3_3_70b_output_online.jsonl";
    let ds = load(name, &std::fs::read(dir().join(name)).unwrap());
    let mut rates: Vec<f64> = points(&ds).iter().filter_map(|p| p.request_rate).collect();
    rates.sort_by(f64::total_cmp);
    assert_eq!(rates, vec![1.0, 2.0, 4.0, 8.0, 16.0]);
    let p = points(&ds)
        .into_iter()
        .find(|p| p.request_rate == Some(16.0))
        .unwrap();
    assert_eq!(p.completed, Some(3200));
    assert_eq!(p.output_throughput, Some(4238.110256944623));
}

#[test]
fn malformed_variants_of_a_real_file_give_line_warnings_and_keep_good_lines() {
    let name = "datacrunch-research__h200-benchmarks__sglang__llama_3_3_70b_output_online.jsonl";
    let bytes = std::fs::read(dir().join(name)).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let good: Vec<&str> = text.lines().collect();
    // Line 3 truncated, line 4 not an object, line 5 every number NaN, then two good lines.
    let nan_line = good[4]
        .split(", ")
        .map(|kv| match kv.split_once(": ") {
            Some((k, v)) if v.trim_end_matches('}').parse::<f64>().is_ok() => {
                format!("{k}: NaN{}", if v.ends_with('}') { "}" } else { "" })
            }
            _ => kv.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let broken = format!(
        "{}\n{}\n{}\n[1, 2, 3]\n{}\n{}\n",
        good[0],
        good[1],
        &good[2][..good[2].len() / 2],
        nan_line,
        good[3]
    );
    let ds = load("broken.jsonl", broken.as_bytes());
    assert_eq!(points(&ds).len(), 3, "the good lines still count");
    let lines: Vec<Option<u64>> = ds.diagnostics.iter().map(|d| d.line).collect();
    assert_eq!(
        lines,
        vec![Some(3), Some(4), Some(5)],
        "{:?}",
        ds.diagnostics
    );
    assert!(ds
        .diagnostics
        .iter()
        .all(|d| d.severity == Severity::Warning && d.file.ends_with("broken.jsonl")));
    // A file cut inside its only line is an error naming the file, never a panic.
    let ds = load("cut.jsonl", &good[0].as_bytes()[..400]);
    assert!(points(&ds).is_empty());
    assert_eq!(ds.diagnostics.len(), 1);
    assert_eq!(ds.diagnostics[0].severity, Severity::Error);
}
