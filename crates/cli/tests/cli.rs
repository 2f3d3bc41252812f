//! The `runlens` binary as scripts see it: output shape and exit codes.

use std::process::Command;

fn runlens(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_runlens"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn fixture(rel: &str) -> String {
    format!("{}/../../fixtures/demo/{rel}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn summary_of_the_demo_archive() {
    let (code, out, _) = runlens(&["summary", &fixture("demo-runs.tar.gz")]);
    assert_eq!(code, 0);
    assert!(out.starts_with("runs: 3  points: 12  skipped: 0"), "{out}");
    let line = out
        .lines()
        .find(|l| l.starts_with("3667 "))
        .expect("G1 run line");
    let cells: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(
        cells,
        ["3667", "G1", "1P/4D", "20", "1024/1024", "3", "128"]
    );
}

#[test]
fn exit_codes() {
    assert_eq!(runlens(&[]).0, 2, "no command");
    assert_eq!(runlens(&["summary"]).0, 2, "no path");
    assert_eq!(
        runlens(&["summary", "/nonexistent/path"]).0,
        2,
        "missing path"
    );
    let (code, out, _) = runlens(&["summary", &fixture("expected.json")]);
    assert_eq!(code, 1, "no runs in a file that is not a result: {out}");
}

#[test]
fn points_csv_has_the_reference_header_and_one_row_per_point() {
    let (code, out, _) = runlens(&["points", &fixture("runs")]);
    assert_eq!(code, 0);
    let mut lines = out.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with(
            "Run ID,Run Date,Profiler,ISL,OSL,Prefill Nodes,Decode Nodes,Prefill Workers,Decode Workers,Frontends,\
             GPUs per Node,Total GPUs,Request Rate,Concurrency,Output TPS,Total TPS,Output TPS/GPU,Total TPS/GPU,\
             Output TPS/User,Mean TTFT (ms),Mean TPOT (ms),Mean ITL (ms),"
        ),
        "{header}"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 12);
    assert!(rows.iter().all(|r| !r.contains("N/A")));
    assert!(
        rows.iter()
            .any(|r| r.starts_with("4242002_2A_20260513_100000,")),
        "aggregated run ids carry their topology"
    );
}

#[test]
fn points_json_uses_null_for_missing_values() {
    let (code, out, _) = runlens(&["points", "--format", "json", &fixture("demo-runs.zip")]);
    assert_eq!(code, 0);
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 12);
    let g1 = rows.iter().find(|r| r["Job ID"] == "3667").unwrap();
    assert_eq!(g1["Frontends"], serde_json::Value::Null);
    assert_eq!(g1["Request Rate"], "inf");
    assert_eq!(g1["Total GPUs"], 20);
}

#[test]
fn bad_format_is_a_usage_error() {
    assert_eq!(
        runlens(&["points", "--format", "xml", &fixture("runs")]).0,
        2
    );
}

fn fixtures_dir(rel: &str) -> String {
    format!("{}/../../fixtures/{rel}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn sched_prints_the_headline_statistics() {
    let (code, out, _) = runlens(&["sched", &fixtures_dir("scheduler/runs/sched-basic")]);
    assert_eq!(code, 0);
    assert!(out.contains("requests: 60"), "{out}");
    let ttft: Vec<&str> = out
        .lines()
        .find(|l| l.trim_start().starts_with("TTFT"))
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(&ttft[..5], ["TTFT", "24.27", "24.20", "35.20", "40.94"]);
    assert!(out.contains("preemption rate: 26.7 %"), "{out}");
    let (code, out, _) = runlens(&["sched", &fixtures_dir("scheduler/runs"), "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert_eq!(v[0]["requests"], 60);
    assert!(v[0]["kv_util_max_pct"].as_f64().unwrap() > 21.0);
    assert_eq!(
        runlens(&["sched", &fixture("runs")]).0,
        1,
        "no scheduler CSVs"
    );
}

#[test]
fn nccl_prints_connections_and_hangs() {
    let (code, out, _) = runlens(&["nccl", &fixtures_dir("p2p-nccl/runs")]);
    assert_eq!(code, 0);
    assert!(
        out.contains("127.0.0.1:14579 -> 127.0.0.1:14580  complete  2.00 s"),
        "{out}"
    );
    assert_eq!(out.matches("INCOMPLETE").count(), 2, "{out}");
    assert!(out.contains("prefill.log:10: Connection"), "{out}");
    let (_, out, _) = runlens(&[
        "nccl",
        &fixtures_dir("p2p-nccl/runs/p2p-ok"),
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["ranks"].as_array().unwrap().len(), 2);
    assert_eq!(v[0]["incomplete"], 0);
    assert_eq!(v[0]["kv_warnings"][0]["request_id"], "cmpl-3");
}
