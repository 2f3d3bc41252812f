//! Real vLLM benchmark-suite reports from `fixtures/realdata/vllm-suite` (`benchmark_results.json`
//! and `.md`, the per-test serving/latency/throughput JSONs beside them): each number runlens
//! reports equals the file's own, read here independently (serde_json, or the table's literal
//! text); malformed copies give diagnostics naming the file; a report beside its per-test files
//! gives each point once, from the better-ranked format.

use std::path::PathBuf;

use runlens_core::model::{BenchmarkPoint, Dataset, Severity};
use runlens_core::Ingest;
use serde_json::Value;

fn dir(sample: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/realdata/vllm-suite")
        .join(sample)
}

fn read(sample: &str, file: &str) -> Vec<u8> {
    std::fs::read(dir(sample).join(file)).expect("the real-data file is in the repository")
}

/// The dataset of the named files of one sample, added under `vllm-suite/{sample}/`.
fn load(sample: &str, files: &[&str]) -> Dataset {
    let mut ingest = Ingest::new();
    for f in files {
        ingest.add_bytes(&format!("vllm-suite/{sample}/{f}"), &read(sample, f));
    }
    ingest.dataset()
}

fn points(ds: &Dataset) -> Vec<&BenchmarkPoint> {
    ds.runs.iter().flat_map(|r| &r.points).collect()
}

/// The point at a request rate (and of a model's test, by the source-independent
/// `completed`/throughput numbers the caller checks).
fn at_rate<'a>(points: &[&'a BenchmarkPoint], rate: f64) -> Vec<&'a BenchmarkPoint> {
    points
        .iter()
        .copied()
        .filter(|p| p.request_rate == Some(rate))
        .collect()
}

fn num(row: &Value, key: &str) -> Option<f64> {
    row.get(key)?.as_f64()
}

fn qps_of(name: &str) -> f64 {
    let t = name.rsplit("_qps_").next().unwrap();
    if t == "inf" {
        f64::INFINITY
    } else {
        t.parse().unwrap()
    }
}

/// A report column and the point's value it must equal.
type Column = (&'static str, fn(&BenchmarkPoint) -> Option<f64>);

/// Compare every serving row of a real `benchmark_results.json` to the point of its test.
fn check_rows_against_raw(sample: &str, ds: &Dataset, key_map: &[Column]) {
    let raw: Vec<Value> = serde_json::from_slice(&read(sample, "benchmark_results.json")).unwrap();
    let pts = points(ds);
    assert_eq!(pts.len(), raw.len(), "{sample}: one point per row");
    for row in &raw {
        let name = row["Test name"].as_str().unwrap().trim();
        let rate = qps_of(name);
        let tput = num(row, "Tput (req/s)");
        let p = pts
            .iter()
            .find(|p| p.request_rate == Some(rate) && p.request_throughput == tput)
            .unwrap_or_else(|| panic!("{sample}: no point for {name}"));
        assert_eq!(p.tool, "vllm-suite-json");
        assert_eq!(
            p.concurrency, None,
            "{name}: the report names no concurrency"
        );
        for (key, get) in key_map {
            assert_eq!(get(p), num(row, key), "{sample} {name}: {key}");
        }
    }
}

#[test]
fn surajssd_llama70b_report_rows_are_points_at_their_qps() {
    let s = "surajssd__llm-k8s__llama70b_01_tp8_pp1";
    let ds = load(s, &["benchmark_results.json"]);
    assert!(ds.diagnostics.is_empty(), "{:?}", ds.diagnostics);
    assert!(ds.unrecognized.is_empty(), "{:?}", ds.unrecognized);
    check_rows_against_raw(
        s,
        &ds,
        &[
            ("Output Tput (tok/s)", |p| p.output_throughput),
            ("Total Tput (tok/s)", |p| p.total_token_throughput),
            ("Mean TTFT (ms)", |p| p.ttft_ms.mean),
            ("Median TTFT (ms)", |p| p.ttft_ms.median),
            ("P99 TTFT (ms)", |p| p.ttft_ms.p99),
            ("Mean TPOT (ms)", |p| p.tpot_ms.mean),
            ("Median TPOT (ms)", |p| p.tpot_ms.median),
            ("P99 TPOT (ms)", |p| p.tpot_ms.p99),
            ("Mean ITL (ms)", |p| p.itl_ms.mean),
            ("Median ITL (ms)", |p| p.itl_ms.median),
            ("P99 ITL (ms)", |p| p.itl_ms.p99),
            ("# of req.", |p| p.completed.map(|c| c as f64)),
        ],
    );
    // Literal values of the file, row `tp8_pp1_qps_04` and `tp8_pp1_qps_inf`.
    let pts = points(&ds);
    let q4 = at_rate(&pts, 4.0);
    assert_eq!(q4.len(), 1);
    assert_eq!(q4[0].output_throughput, Some(673.9184869835061));
    assert_eq!(q4[0].ttft_ms.mean, Some(50.32546663501307));
    assert_eq!(q4[0].completed, Some(200));
    let inf = at_rate(&pts, f64::INFINITY);
    assert_eq!(inf.len(), 1);
    assert_eq!(inf[0].request_throughput, Some(8.398304797910107));
    assert_eq!(inf[0].tpot_ms.p99, Some(75.76524432244929));
    let mut rates: Vec<f64> = pts.iter().filter_map(|p| p.request_rate).collect();
    rates.sort_by(f64::total_cmp);
    assert_eq!(
        rates,
        vec![1.0, 4.0, 16.0, f64::INFINITY],
        "a qps sweep stays 4 points"
    );
}

#[test]
fn surajssd_markdown_reads_its_embedded_json_at_full_precision_matching_its_table() {
    let s = "surajssd__llm-k8s__llama70b_01_tp8_pp1";
    let ds = load(s, &["benchmark_results.md"]);
    assert!(ds.diagnostics.is_empty(), "{:?}", ds.diagnostics);
    let pts = points(&ds);
    assert_eq!(pts.len(), 4);
    assert!(pts.iter().all(|p| p.tool == "vllm-suite-md"));
    // The JSON line of the Markdown holds the JSON report's numbers exactly.
    let json = load(s, &["benchmark_results.json"]);
    for j in points(&json) {
        let m = at_rate(&pts, j.request_rate.unwrap())[0];
        assert_eq!(m.output_throughput, j.output_throughput);
        assert_eq!(m.total_token_throughput, j.total_token_throughput);
        assert_eq!(m.ttft_ms, j.ttft_ms);
        assert_eq!(m.tpot_ms, j.tpot_ms);
        assert_eq!(m.itl_ms, j.itl_ms);
        assert_eq!(m.completed, j.completed);
    }
    // And the pipe table's text to its 6 significant digits:
    // `| tp8_pp1_qps_04  | 1xStandard_ND96asr_v4 x 1 |  200 |  3.17519  |  673.918 |  1351.17 |
    //   50.3255 | 49.5001 | 67.5639 | 27.0833 | 27.3485 | 27.9128 | 27.1039 | 27.1927 | 29.63 |`
    let q4 = at_rate(&pts, 4.0)[0];
    for (value, shown) in [
        (q4.request_throughput, 3.17519),
        (q4.output_throughput, 673.918),
        (q4.total_token_throughput, 1351.17),
        (q4.ttft_ms.p99, 67.5639),
        (q4.tpot_ms.median, 27.3485),
        (q4.itl_ms.p99, 29.63),
    ] {
        let v = value.unwrap();
        assert!((v - shown).abs() <= 5e-6 * shown, "{v} shown as {shown}");
    }
}

#[test]
fn surajssd_json_and_markdown_in_one_folder_give_each_point_once_from_the_json() {
    let s = "surajssd__llm-k8s__llama70b_01_tp8_pp1";
    let ds = load(s, &["benchmark_results.json", "benchmark_results.md"]);
    assert_eq!(ds.runs.len(), 1);
    let pts = points(&ds);
    assert_eq!(
        pts.len(),
        4,
        "{:?}",
        pts.iter().map(|p| &p.source).collect::<Vec<_>>()
    );
    assert!(pts.iter().all(|p| p.tool == "vllm-suite-json"));
}

#[test]
fn surajssd_deepseek_report_reads_qps_from_serving_test_names() {
    let s = "surajssd__llm-k8s__deepseek_01_tp8_pp2_no_ib";
    let ds = load(s, &["benchmark_results.json"]);
    assert!(ds.diagnostics.is_empty(), "{:?}", ds.diagnostics);
    check_rows_against_raw(
        s,
        &ds,
        &[
            ("Output Tput (tok/s)", |p| p.output_throughput),
            ("Median TTFT (ms)", |p| p.ttft_ms.median),
            ("P99 ITL (ms)", |p| p.itl_ms.p99),
        ],
    );
    // Row `serving_deepseek-ai-DeepSeek-V2.5_tp8_pp2_sharegpt_qps_01`.
    let pts = points(&ds);
    let q1 = at_rate(&pts, 1.0);
    assert_eq!(q1.len(), 1);
    assert_eq!(q1[0].output_throughput, Some(137.9009721392204));
    assert_eq!(q1[0].ttft_ms.p99, Some(1302.7685389300552));
    let md = load(s, &["benchmark_results.md"]);
    assert_eq!(points(&md).len(), 4, "{:?}", md.diagnostics);
}

const POTABK: &str = "Potabk__vllm-ascend__benchmarks_results";
const POTABK_SERVING: [&str; 8] = [
    "serving_qwen2_5_7B_tp1_qps_1.json",
    "serving_qwen2_5_7B_tp1_qps_4.json",
    "serving_qwen2_5_7B_tp1_qps_16.json",
    "serving_qwen2_5_7B_tp1_qps_inf.json",
    "serving_qwen2_5vl_7B_tp1_qps_1.json",
    "serving_qwen2_5vl_7B_tp1_qps_4.json",
    "serving_qwen2_5vl_7B_tp1_qps_16.json",
    "serving_qwen2_5vl_7B_tp1_qps_inf.json",
];

#[test]
fn vllm_ascend_report_reads_request_rate_and_bare_median_columns() {
    let ds = load(POTABK, &["benchmark_results.json"]);
    assert!(ds.diagnostics.is_empty(), "{:?}", ds.diagnostics);
    let raw: Vec<Value> = serde_json::from_slice(&read(POTABK, "benchmark_results.json")).unwrap();
    let pts = points(&ds);
    assert_eq!(pts.len(), 8);
    for row in &raw {
        let rate = match &row["Request rate (req/s)"] {
            Value::String(s) if s == "inf" => f64::INFINITY,
            v => v.as_f64().unwrap(),
        };
        let tput = num(row, "Tput (req/s)");
        let p = pts
            .iter()
            .find(|p| p.request_rate == Some(rate) && p.request_throughput == tput)
            .unwrap_or_else(|| panic!("no point for {row}"));
        assert_eq!(p.output_throughput, num(row, "Output Tput (tok/s)"));
        assert_eq!(p.ttft_ms.median, num(row, "TTFT (ms)"));
        assert_eq!(p.tpot_ms.median, num(row, "TPOT (ms)"));
        assert_eq!(p.itl_ms.median, num(row, "ITL (ms)"));
        assert_eq!(p.ttft_ms.mean, None, "the report has medians only");
    }
    // Row `serving_qwen2_5vl_7B_tp1_qps_16`.
    let q16 = at_rate(&pts, 16.0);
    assert_eq!(q16.len(), 2);
    let vl = q16
        .iter()
        .find(|p| p.output_throughput == Some(668.411508804108))
        .unwrap();
    assert_eq!(vl.ttft_ms.median, Some(8580.351281911135));
    assert_eq!(vl.request_throughput, Some(6.070122224983954));
    // The Markdown: `| serving_qwen2_5_7B_tp1_qps_inf | inf | 5.13334 | 1147.22 | 3082.94 | 64.4224 | 52.5289 |`
    let md = load(POTABK, &["benchmark_results.md"]);
    let mpts = points(&md);
    assert_eq!(mpts.len(), 8, "{:?}", md.diagnostics);
    let inf = at_rate(&mpts, f64::INFINITY);
    let q = inf
        .iter()
        .find(|p| p.request_throughput == Some(5.13334))
        .unwrap();
    assert_eq!(q.output_throughput, Some(1147.22));
    assert_eq!(q.ttft_ms.median, Some(3082.94));
    assert_eq!(q.tpot_ms.median, Some(64.4224));
    assert_eq!(q.itl_ms.median, Some(52.5289));
}

#[test]
fn vllm_ascend_folder_gives_each_point_once_from_the_per_test_files() {
    let mut files = vec!["benchmark_results.json", "benchmark_results.md"];
    files.extend(POTABK_SERVING);
    let ds = load(POTABK, &files);
    // One run per test (its qps sweep), the report's rows in the run of their test.
    let mut roots: Vec<(String, usize)> = ds
        .runs
        .iter()
        .map(|r| (r.key.clone(), r.points.len()))
        .collect();
    roots.sort();
    let dir = format!("vllm-suite/{POTABK}");
    assert_eq!(
        roots,
        vec![
            (format!("{dir}/serving_qwen2_5_7B_tp1_qps_*"), 4),
            (format!("{dir}/serving_qwen2_5vl_7B_tp1_qps_*"), 4),
        ]
    );
    let pts = points(&ds);
    assert_eq!(
        pts.len(),
        8,
        "{:?}",
        pts.iter().map(|p| &p.source).collect::<Vec<_>>()
    );
    assert!(pts.iter().all(|p| p.tool == "sa-bench-json"));
    // The per-test file carries more than the report: the mean TTFT of qps inf, 7B.
    let p = pts
        .iter()
        .find(|p| p.source.ends_with("serving_qwen2_5_7B_tp1_qps_inf.json"))
        .unwrap();
    assert_eq!(p.request_rate, Some(f64::INFINITY));
    assert_eq!(p.ttft_ms.mean, Some(2456.657849922776));
    assert_eq!(p.ttft_ms.median, Some(3082.936432212591));
}

#[test]
fn a_report_row_without_its_per_test_file_is_kept_beside_the_others() {
    // Per-test files of qps 1 and 4 only: the report's qps 16 and inf rows are the only copies
    // of those points and must stay, while its qps 1 and 4 rows give way to the files.
    let mut files = vec!["benchmark_results.json"];
    files.extend(
        POTABK_SERVING
            .iter()
            .filter(|f| f.ends_with("_1.json") || f.ends_with("_4.json")),
    );
    let ds = load(POTABK, &files);
    let pts = points(&ds);
    let tools = |rate: f64| -> Vec<&str> {
        at_rate(&pts, rate)
            .iter()
            .map(|p| p.tool.as_str())
            .collect()
    };
    assert_eq!(tools(1.0), vec!["sa-bench-json"; 2]);
    assert_eq!(tools(4.0), vec!["sa-bench-json"; 2]);
    assert_eq!(tools(16.0), vec!["vllm-suite-json"; 2]);
    assert_eq!(tools(f64::INFINITY), vec!["vllm-suite-json"; 2]);
    assert_eq!(pts.len(), 8);
}

const NASH: &str = "Nash-123__vllm-odh__benchmarks_results";

#[test]
fn empty_report_and_offline_tests_are_named_in_info_diagnostics_not_points() {
    let files = [
        "benchmark_results.json",
        "benchmark_results.md",
        "latency_gpt2.json",
        "throughput_gpt2.json",
    ];
    let ds = load(NASH, &files);
    assert!(points(&ds).is_empty());
    assert!(ds.unrecognized.is_empty(), "{:?}", ds.unrecognized);
    for f in files {
        let path = format!("vllm-suite/{NASH}/{f}");
        let d: Vec<_> = ds.diagnostics.iter().filter(|d| d.file == path).collect();
        assert_eq!(d.len(), 1, "{f}: {:?}", ds.diagnostics);
        assert_eq!(d[0].severity, Severity::Info, "{f}: {}", d[0]);
    }
    let msg = |f: &str| {
        let path = format!("vllm-suite/{NASH}/{f}");
        ds.diagnostics
            .iter()
            .find(|d| d.file == path)
            .unwrap()
            .message
            .clone()
    };
    // `"avg_latency": 115.43770262573769` (seconds); `"requests_per_second": 0.10057109466847049`,
    // `"tokens_per_second": 49.27681925471048`.
    assert!(
        msg("latency_gpt2.json").contains("115.438 s"),
        "{}",
        msg("latency_gpt2.json")
    );
    let t = msg("throughput_gpt2.json");
    assert!(t.contains("0.101 req/s") && t.contains("49.3 tok/s"), "{t}");
}

#[test]
fn malformed_copies_give_diagnostics_naming_the_file_and_never_panic() {
    let json = read(
        "surajssd__llm-k8s__llama70b_01_tp8_pp1",
        "benchmark_results.json",
    );
    let md = read(
        "surajssd__llm-k8s__llama70b_01_tp8_pp1",
        "benchmark_results.md",
    );
    let text = String::from_utf8(json.clone()).unwrap();
    let mut variants: Vec<(&str, Vec<u8>)> = vec![
        ("truncated", json[..json.len() / 2].to_vec()),
        ("not-rows", b"[1, \"two\", null]".to_vec()),
        (
            "no-throughput",
            br#"[{"Test name": "serving_x_qps_1", "Mean TTFT (ms)": 3.5}]"#.to_vec(),
        ),
        ("nested", format!("[{text}]").into_bytes()),
        (
            "wrong-types",
            text.replace("\"Tput (req/s)\": ", "\"Tput (req/s)\": \"fast\", \"x\": ")
                .into_bytes(),
        ),
    ];
    for cut in [1, 7, 100, 1000, 2000] {
        variants.push(("md-cut", md[..md.len().min(cut)].to_vec()));
    }
    let mut garbled = md.clone();
    for b in garbled.iter_mut().skip(1500).step_by(97) {
        *b = 0xff;
    }
    variants.push(("md-garbled", garbled));
    for (what, bytes) in variants {
        let name = if what.starts_with("md") {
            "benchmark_results.md"
        } else {
            "benchmark_results.json"
        };
        let path = format!("bad/{what}/{name}");
        let mut ingest = Ingest::new();
        ingest.add_bytes(&path, &bytes);
        let ds = ingest.dataset();
        let n = points(&ds).len();
        assert!(n <= 4, "{what}: {n} points");
        if n == 0 && what != "md-cut" {
            assert!(
                ds.diagnostics.iter().any(|d| d.file == path)
                    || ds.unrecognized.iter().any(|u| u.path == path),
                "{what}: nothing said about {path}: {:?}",
                ds.diagnostics
            );
        }
        for d in &ds.diagnostics {
            assert_eq!(d.file, path, "{what}: {d}");
        }
    }
    // The wrong-typed copy keeps its rows (other throughputs are numbers) and says nothing false:
    // request throughput is missing, not zero.
    let bad = text.replace("\"Tput (req/s)\": ", "\"Tput (req/s)\": \"fast\", \"x\": ");
    let mut ingest = Ingest::new();
    ingest.add_bytes("bad/types/benchmark_results.json", bad.as_bytes());
    let ds = ingest.dataset();
    let pts = points(&ds);
    assert_eq!(pts.len(), 4);
    assert!(pts.iter().all(|p| p.request_throughput.is_none()));
    // The rows without a throughput: an error naming the file.
    let mut ingest = Ingest::new();
    ingest.add_bytes(
        "bad/none/benchmark_results.json",
        br#"[{"Test name": "serving_x_qps_1", "Mean TTFT (ms)": 3.5}]"#,
    );
    let ds = ingest.dataset();
    assert!(points(&ds).is_empty());
    let d = ds
        .diagnostics
        .iter()
        .find(|d| d.file == "bad/none/benchmark_results.json")
        .expect("a diagnostic for the file");
    assert!(d.to_string().contains("without a throughput"), "{d}");
}
