//! The `runlens` binary as scripts see it: output shape and exit codes.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};

const RUNLENS: &str = env!("CARGO_BIN_EXE_runlens");

fn runlens(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(RUNLENS).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn fixture(rel: &str) -> String {
    format!("{}/../../fixtures/demo/{rel}", env!("CARGO_MANIFEST_DIR"))
}

/// Runs and points of the demo fixtures, from the `expected.json` written beside them (so these
/// tests follow the fixtures when they are regenerated with more runs).
fn demo_counts() -> (usize, usize) {
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("expected.json")).unwrap()).unwrap();
    let runs = expected["runs"].as_array().unwrap();
    let points = runs
        .iter()
        .map(|r| r["points"].as_array().unwrap().len())
        .sum();
    (runs.len(), points)
}

#[test]
fn summary_of_the_demo_archive() {
    let (code, out, _) = runlens(&["summary", &fixture("demo-runs.tar.gz")]);
    assert_eq!(code, 0);
    let (runs, points) = demo_counts();
    assert!(
        out.starts_with(&format!("runs: {runs}  points: {points}  skipped: 0")),
        "{out}"
    );
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
    assert_eq!(rows.len(), demo_counts().1);
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
    assert_eq!(rows.len(), demo_counts().1);
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
        runlens(&["sched", &fixtures_dir("worker-logs/runs")]).0,
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

#[test]
fn version_and_help() {
    let (code, out, _) = runlens(&["--version"]);
    assert_eq!((code, out.as_str()), (0, "runlens 0.1.0\n"));
    let (code, out, _) = runlens(&["--help"]);
    assert_eq!(code, 0);
    for command in [
        "summary", "points", "nodes", "diagnose", "sched", "nccl", "bench",
    ] {
        assert!(out.contains(command), "{command} missing from\n{out}");
    }
    assert!(out.contains("Exit status:"), "{out}");
    assert!(out.contains("2  bad arguments"), "{out}");
    let (code, out, _) = runlens(&["summary", "--help"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("Usage: runlens summary [OPTIONS] <PATH>..."),
        "{out}"
    );
    assert!(out.contains("[possible values: text, csv, json]"), "{out}");
    assert!(out.contains("Exit status: 0 when a run"), "{out}");
    let (code, out, _) = runlens(&["bench", "--help"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("--mb <N>") && out.contains("[default: 100]"),
        "{out}"
    );
}

#[test]
fn a_mistyped_command_gets_a_suggestion() {
    let (code, _, err) = runlens(&["sumary", "x"]);
    assert_eq!(code, 2);
    assert!(err.contains("'summary'"), "{err}");
}

#[test]
fn a_format_a_command_cannot_print_is_rejected() {
    for command in ["diagnose", "sched", "nccl"] {
        let (code, _, err) = runlens(&[command, "--format", "csv", &fixture("runs")]);
        assert_eq!(code, 2, "{command} --format csv");
        assert!(err.contains("[possible values: text, json]"), "{err}");
    }
    assert_eq!(runlens(&["bench", "--mb", "ten"]).0, 2);
    assert_eq!(runlens(&["bench", "--format", "json"]).0, 2);
}

#[test]
fn summary_json_and_csv_list_the_runs() {
    let (code, out, _) = runlens(&["summary", "--format", "json", &fixture("runs")]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("expected.json")).unwrap()).unwrap();
    let mut ids: Vec<&str> = v["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let mut expected_ids: Vec<&str> = expected["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["job_id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    expected_ids.sort_unstable();
    assert_eq!(ids, expected_ids);
    let g1 = v["runs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "3667")
        .unwrap();
    assert_eq!(
        g1,
        &serde_json::json!({
            "id": "3667", "generation": "G1", "topology": "1P/4D", "gpus": 20,
            "gpus_from": "run metadata ({jobid}.json)", "findings": [], "invalid_points": 0,
            "isl": 1024, "osl": 1024, "points": 3, "missing": [128],
        })
    );
    assert_eq!(v["points"], demo_counts().1);
    assert!(v["skipped"].as_array().unwrap().is_empty());

    let (code, out, _) = runlens(&[
        "summary",
        "--format",
        "json",
        &fixtures_dir("generations/runs"),
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let skipped = v["skipped"].as_array().unwrap();
    assert!(!skipped.is_empty(), "{out}");
    assert!(skipped
        .iter()
        .all(|s| s["id"].is_string() && s["reason"].is_string()));

    let (code, out, _) = runlens(&["summary", "--format", "csv", &fixture("runs")]);
    assert_eq!(code, 0);
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("id,generation,topology,gpus,isl,osl,points,missing")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), demo_counts().0);
    assert!(rows.contains(&"3667,G1,1P/4D,20,1024,1024,3,128"), "{out}");
}

#[test]
fn points_and_nodes_as_text_tables() {
    let (code, out, _) = runlens(&["points", "--format", "text", &fixture("runs")]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("Run ID  "), "{out}");
    assert_eq!(lines.len(), 1 + demo_counts().1);
    assert!(lines.iter().all(|l| !l.ends_with(' ')));
    let (code, out, _) = runlens(&[
        "nodes",
        "--format",
        "text",
        &fixtures_dir("worker-logs/runs"),
    ]);
    assert_eq!(code, 0);
    let (_, csv, _) = runlens(&["nodes", &fixtures_dir("worker-logs/runs")]);
    assert_eq!(out.lines().count(), csv.lines().count());
    assert!(out.starts_with("run "), "{out}");
}

#[test]
fn diagnose_json_has_coverage_and_findings_per_log() {
    let (code, out, _) = runlens(&[
        "diagnose",
        "--format",
        "json",
        &fixtures_dir("worker-logs/runs"),
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let logs = v["worker_logs"].as_array().unwrap();
    let (_, text, _) = runlens(&["diagnose", &fixtures_dir("worker-logs/runs")]);
    assert!(
        text.starts_with(&format!("worker logs: {}\n", logs.len())),
        "{text}"
    );
    for l in logs {
        let total = l["lines_total"].as_u64().unwrap();
        let understood = l["lines_understood"].as_u64().unwrap();
        let ignored = l["lines_ignored"].as_u64().unwrap();
        assert!(understood + ignored <= total, "{l}");
        assert!(text.contains(&format!("{}\n  format: ", l["path"].as_str().unwrap())));
        for f in l["findings"].as_array().unwrap() {
            assert!(f["finding"].is_string() && f["severity"].is_string(), "{f}");
            assert!(text.contains(f["message"].as_str().unwrap()), "{f}");
        }
    }
    assert!(v["diagnostics"].is_array() && v["unrecognized"].is_array());
}

#[test]
fn completions_for_bash_zsh_and_fish() {
    for shell in ["bash", "zsh", "fish"] {
        let (code, out, _) = runlens(&["completions", shell]);
        assert_eq!(code, 0, "{shell}");
        assert!(out.contains("runlens"), "{shell}: {out}");
        assert!(out.contains("summary"), "{shell}: {out}");
    }
    assert_eq!(runlens(&["completions", "tcsh"]).0, 2);
}

#[test]
fn a_closed_pipe_ends_quietly() {
    // Far more than a pipe holds, so the writer meets the closed end.
    let dir = fixtures_dir("worker-logs/runs");
    let mut args = vec!["nodes"];
    args.extend(std::iter::repeat_n(dir.as_str(), 64));
    let stderr = tempfile::tempfile().unwrap();
    let mut child = Command::new(RUNLENS)
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(stderr.try_clone().unwrap())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut header = String::new();
    stdout.read_line(&mut header).unwrap();
    assert!(header.starts_with("run,worker,"), "{header}");
    drop(stdout);
    let status = child.wait().unwrap();
    let mut err = String::new();
    let mut stderr = stderr;
    std::io::Seek::rewind(&mut stderr).unwrap();
    stderr.read_to_string(&mut err).unwrap();
    assert_eq!(status.code(), Some(0), "{err}");
    assert!(err.is_empty(), "{err}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_an_error_not_a_panic() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return;
    };
    let out = Command::new(RUNLENS)
        .args(["summary", &fixture("runs")])
        .stdout(full)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("runlens: cannot write output"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

fn result_file(concurrency: u32) -> String {
    fixture(&format!(
        "runs/3667_1P_4D_20251110_192145/sa-bench_isl_1024_osl_1024/\
         isl_1024_osl_1024_concurrency_{concurrency}_req_rate_inf_ctx4_gen16.json"
    ))
}

/// `summary --format json` of `dir`: (runs, points, stderr).
fn summary_counts(dir: &Path) -> (usize, u64, String) {
    let (code, out, err) = runlens(&["summary", "--format", "json", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    (
        v["runs"].as_array().unwrap().len(),
        v["points"].as_u64().unwrap(),
        err,
    )
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_and_dot_folders_are_read_once() {
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path().join("run");
    std::fs::create_dir_all(run.join(".git")).unwrap();
    std::fs::create_dir_all(run.join("sub")).unwrap();
    let name = Path::new(&result_file(64)).file_name().unwrap().to_owned();
    std::fs::copy(result_file(64), run.join(&name)).unwrap();
    // A result in a dot folder would add a point.
    std::fs::copy(result_file(32), run.join(".git").join("c32.json")).unwrap();
    std::os::unix::fs::symlink(".", run.join("loop")).unwrap();
    std::os::unix::fs::symlink("..", run.join("sub").join("up")).unwrap();
    let (runs, points, err) = summary_counts(&run);
    assert_eq!((runs, points), (1, 1), "{err}");
    assert!(err.contains("loop: symbolic link back to"), "{err}");
    // A symlink to a file is still read, as before.
    let c16 = result_file(16);
    let c16_name = Path::new(&c16).file_name().unwrap();
    std::os::unix::fs::symlink(&c16, run.join(c16_name)).unwrap();
    let (runs, points, err) = summary_counts(&run);
    assert_eq!((runs, points), (1, 2), "{err}");
}

#[cfg(unix)]
#[test]
fn a_fifo_is_skipped_with_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path().join("run");
    std::fs::create_dir_all(&run).unwrap();
    std::fs::copy(result_file(64), run.join("c64.json")).unwrap();
    let made = Command::new("mkfifo")
        .arg(run.join("pipe"))
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        return; // no mkfifo here
    }
    let (runs, _, err) = summary_counts(&run);
    assert_eq!(runs, 1, "{err}");
    assert!(err.contains("pipe: a FIFO"), "{err}");
}

/// A bench_serving result with per-request arrays: `n` requests of 200 output tokens whose
/// inter-token latency is `itl_s` (±10 % by a fixed pattern), TTFT 0.2 s.
fn result_with_requests(concurrency: u32, n: usize, itl_s: f64) -> String {
    let mut ttfts = Vec::new();
    let mut itls = Vec::new();
    let (mut e2el_sum, mut out_sum) = (0.0, 0.0);
    for i in 0..n {
        let wobble = 1.0 + 0.1 * (((i * 7919) % 21) as f64 - 10.0) / 10.0;
        let itl = itl_s * wobble;
        ttfts.push(format!("{:.6}", 0.2 * wobble));
        itls.push(format!("[{:.6}]", itl * 199.0));
        e2el_sum += 0.2 * wobble + itl * 199.0;
        out_sum += 200.0;
    }
    let tps = f64::from(concurrency) * out_sum / e2el_sum;
    format!(
        r#"{{"backend":"vllm","max_concurrency":{concurrency},"completed":{n},"output_throughput":{tps},"total_token_throughput":{tps},"mean_tpot_ms":{},"mean_ttft_ms":200.0,"ttfts":[{}],"itls":[{}],"output_lens":[{}]}}"#,
        itl_s * 1e3,
        ttfts.join(","),
        itls.join(","),
        vec!["200"; n].join(",")
    )
}

#[test]
fn compare_gives_verdicts_and_fails_on_worse() {
    let dir = std::env::temp_dir().join(format!("runlens-compare-{}", std::process::id()));
    let (a, b) = (dir.join("base"), dir.join("cand"));
    for (d, itl) in [(&a, 0.020), (&b, 0.025)] {
        std::fs::create_dir_all(d).unwrap();
        for c in [8, 32] {
            std::fs::write(
                d.join(format!("result_c{c}.json")),
                result_with_requests(c, 400, itl),
            )
            .unwrap();
        }
    }
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    // The candidate's tokens are 25 % slower: output TPS worse, TTFT unchanged.
    let (code, out, err) = runlens(&["compare", a, b, "--format", "json", "--fail-on", "worse"]);
    assert_eq!(code, 3, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rows = v["rows"].as_array().unwrap();
    let row = |c: u64, metric: &str| {
        rows.iter()
            .find(|r| r["point"]["concurrency"] == c && r["metric"] == metric)
            .unwrap_or_else(|| panic!("{metric} at {c}"))
    };
    for c in [8, 32] {
        assert_eq!(row(c, "output_tps")["verdict"], "worse");
        assert_eq!(row(c, "output_tps")["basis"]["kind"], "bootstrap");
        assert_eq!(row(c, "ttft_mean")["verdict"], "unchanged");
        let change = row(c, "tpot_mean")["change"].as_f64().unwrap();
        assert!((change - 0.25).abs() < 1e-9, "{change}");
    }
    // The other way round nothing is worse: exit 0; Markdown names the verdicts.
    let (code, md, _) = runlens(&[
        "compare",
        b,
        a,
        "--format",
        "markdown",
        "--fail-on",
        "worse",
    ]);
    assert_eq!(code, 0);
    assert!(md.contains("**better**") && md.contains("| c=8 |"), "{md}");
    let (code, text, _) = runlens(&["compare", a, b]);
    assert_eq!(
        code, 0,
        "without --fail-on a worse verdict is not a failure"
    );
    assert!(text.contains("c=32") && text.contains("worse"), "{text}");
    let (code, _, err) = runlens(&["compare", a, b, "--fail-on", "bogus"]);
    assert_eq!(code, 2, "{err}");
    // A chosen range for the curve heights is taken (these results have no GPU count, so no
    // frontier: the range comes back empty rather than invented).
    let (code, out, err) = runlens(&["compare", a, b, "--format", "json", "--area", "10,60"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["curves"]["height_range"].is_null(), "{}", v["curves"]);
    let (code, _, err) = runlens(&["compare", a, b, "--area", "10"]);
    assert_eq!(code, 2, "--area takes two numbers: {err}");
    // Several candidates: each compared with the baseline; one of them worse fails the gate.
    let (code, out, err) = runlens(&["compare", a, a, b, "--format", "json", "--fail-on", "worse"]);
    assert_eq!(code, 3, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let both = v.as_array().unwrap();
    assert_eq!(both.len(), 2);
    assert_eq!(both[0]["candidate"]["label"], a);
    assert_eq!(both[1]["candidate"]["label"], b);
    assert!(both[0]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["verdict"] != "worse"));
    let (code, csv, _) = runlens(&["compare", a, a, b, "--format", "csv"]);
    assert_eq!(code, 0);
    assert!(csv.starts_with("candidate,point,metric,"), "{csv}");
    assert!(csv
        .lines()
        .skip(1)
        .all(|l| l.starts_with(a) || l.starts_with(b)));
    let (_, text, _) = runlens(&["compare", a, a, b]);
    assert!(text.starts_with("candidate"), "{text}");
    assert_eq!(text.matches("== candidate ").count(), 2, "{text}");
    std::fs::remove_dir_all(&dir).ok();
}

/// Symbolic links to devices (`/dev/zero` never ends, `/dev/null` is empty) and a device given
/// as an argument are skipped with a warning naming them, never read: the walk ends at once.
#[cfg(unix)]
#[test]
fn symlinks_to_devices_are_skipped_not_read() {
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path().join("run");
    std::fs::create_dir_all(&run).unwrap();
    std::fs::copy(result_file(64), run.join("c64.json")).unwrap();
    for (link, device) in [("zero.log", "/dev/zero"), ("null.json", "/dev/null")] {
        if Path::new(device).exists() {
            std::os::unix::fs::symlink(device, run.join(link)).unwrap();
        }
    }
    if !Path::new("/dev/zero").exists() {
        return; // no devices here
    }
    let started = std::time::Instant::now();
    let (runs, points, err) = summary_counts(&run);
    assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
    assert_eq!((runs, points), (1, 1), "{err}");
    assert!(err.contains("zero.log: a character device"), "{err}");
    assert!(err.contains("null.json: a character device"), "{err}");
    // A device named on the command line is skipped the same way.
    let (code, _, err) = runlens(&["summary", "/dev/zero"]);
    assert!(
        err.contains("/dev/zero: a character device"),
        "{code} {err}"
    );
}

#[test]
fn save_writes_a_dataset_every_command_reads_back() {
    let tmp = tempfile::tempdir().unwrap();
    let saved = tmp.path().join("demo.runlens");
    let (code, _, err) = runlens(&[
        "save",
        &fixture("demo-runs.tar.gz"),
        "-o",
        saved.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read(&saved)
        .unwrap()
        .starts_with(b"RUNLENS-DATASET 2\n"));
    let (_, from_archive, _) = runlens(&["points", &fixture("demo-runs.tar.gz")]);
    let (code, from_saved, err) = runlens(&["points", saved.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        from_saved, from_archive,
        "the same points from the saved dataset"
    );
    let (_, nodes_archive, _) = runlens(&["nodes", &fixture("demo-runs.tar.gz")]);
    let (_, nodes_saved, _) = runlens(&["nodes", saved.to_str().unwrap()]);
    assert_eq!(
        nodes_saved, nodes_archive,
        "worker-log samples are saved too"
    );
}

#[test]
fn report_with_redaction_contains_none_of_the_redacted_values() {
    let tmp = tempfile::tempdir().unwrap();
    // A stand-in for the one-file app (the test checks the embedding, not the app).
    let app = tmp.path().join("runlens.html");
    std::fs::write(
        &app,
        "<!DOCTYPE html><html><head><title>app</title></head><body></body></html>",
    )
    .unwrap();
    let out = tmp.path().join("report.html");
    let run = |redact: &str| {
        let o = Command::new(RUNLENS)
            .env("RUNLENS_APP", &app)
            .args([
                "report",
                &fixture("demo-runs.tar.gz"),
                "-o",
                out.to_str().unwrap(),
                "--view",
                "#tab=latency",
            ])
            .args(if redact.is_empty() {
                vec![]
            } else {
                vec!["--redact", redact]
            })
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
            std::fs::read(&out).unwrap_or_default(),
        )
    };
    let (code, err, plain) = run("");
    assert_eq!(code, Some(0), "{err}");
    let plain = String::from_utf8(plain).unwrap();
    assert!(plain.contains(r##"id="runlens-report-dataset" data-hash="#tab=latency""##));
    let (code, err, redacted) = run("all");
    assert_eq!(code, Some(0), "{err}");
    // Every value the redaction listed is gone from the file's bytes, inside the gzipped dataset too.
    let listed: Vec<&str> = err
        .lines()
        .filter_map(|l| l.strip_prefix("runlens: redact "))
        .filter_map(|l| {
            l.split_once(": ")
                .map(|(_, r)| r.split(" -> ").next().unwrap())
        })
        .collect();
    assert!(listed.iter().any(|v| v.contains("gb-node01")), "{err}");
    assert!(listed.contains(&"mlx5_0,mlx5_1"), "env values: {err}");
    let html = String::from_utf8(redacted).unwrap();
    let b64 = html
        .split("data-hash=\"#tab=latency\">")
        .nth(1)
        .unwrap()
        .split("</script>")
        .next()
        .unwrap();
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    let mut json = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[18..]), &mut json)
        .unwrap();
    for v in &listed {
        assert!(
            !json.contains(v) && !html.contains(v),
            "{v} survived redaction"
        );
    }
    assert!(json.contains("node-1"));
    let (code, err, _) = run("bogus");
    assert_ne!(code, Some(0), "{err}");
    assert!(err.contains("unknown redaction"), "{err}");
}

#[test]
fn escape_sequences_in_file_names_reach_stderr_escaped() {
    let dir = std::env::temp_dir().join(format!("runlens-cli-esc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // A broken result file whose name clears the screen and sets the window title.
    let name = "results_concurrency_8\u{1b}[2J\u{1b}]0;pwned\u{7}.json";
    std::fs::write(
        dir.join(name),
        b"{\"max_concurrency\": 8, \"output_throughput\": ",
    )
    .unwrap();
    let (_, _, err) = runlens(&["summary", dir.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        err.contains("results_concurrency_8\\u{1b}[2J\\u{1b}]0;pwned\\u{7}.json"),
        "{err}"
    );
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
}

#[test]
fn slo_judges_every_point_and_marks_each_runs_best() {
    let demo = fixture("demo-runs.tar.gz");
    let (code, out, _) = runlens(&["slo", "--ttft", "2000", "--tpot", "50", &demo]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("SLO: TTFT <= 2000 ms, TPOT <= 50 ms, for 90 % of requests\n"),
        "{out}"
    );
    let (runs, _) = demo_counts();
    assert_eq!(out.matches("<- best").count(), runs, "{out}");
    assert!(out.contains("3 requests"), "per-request rows decide: {out}");

    let (code, json, _) = runlens(&["slo", "--ttft", "1", "--format", "json", &demo]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["runs"].as_array().unwrap().len(), runs);
    assert!(v["runs"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["best"].is_null()));
    assert!(v["runs"][0]["points"][0]["meets"] == false);

    // No limit, or a share that is not a percentage: usage errors.
    assert_eq!(runlens(&["slo", &demo]).0, 2);
    assert_eq!(
        runlens(&["slo", "--ttft", "5", "--attainment", "0", &demo]).0,
        2
    );
}

#[test]
fn health_lists_each_runs_lints_with_file_and_line() {
    let (code, out, err) = runlens(&["health", &fixture("demo-runs.tar.gz")]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.lines().any(|l| l.starts_with("  warning: ")
            && l.contains("gb-node02_decode_w0.err:")
            && l.contains("KV cache usage at or above 95%")),
        "{out}"
    );
    let (code, json, _) = runlens(&["health", "--format", "json", &fixture("demo-runs.tar.gz")]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let lint = v["runs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["lints"].as_array().unwrap())
        .find(|l| l["severity"] == "warning")
        .expect("a warning");
    assert!(lint["line"].as_u64().is_some(), "{lint}");
}

#[test]
fn health_names_the_side_that_bounds_a_disaggregated_run_and_the_ratio_that_matches() {
    // Run 3003 of the schema-2 fixture: prefill's busy samples reach 7.09 req/s on its one
    // worker, decode's 2.00 on each of two, so decode bounds and 2P7D would match the rates.
    let (code, json, err) = runlens(&[
        "health",
        "--format",
        "json",
        &fixtures_dir("generations/generations.tar.gz"),
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let lint = v["runs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["lints"].as_array().unwrap())
        .find(|l| {
            l["file"].as_str().unwrap_or("").contains("/3003/")
                && l["finding"]
                    .as_str()
                    .unwrap_or("")
                    .contains("bounds throughput")
        })
        .expect("a rate-mismatch lint on run 3003");
    assert_eq!(lint["severity"], "warning");
    assert_eq!(lint["line"], 41);
    assert!(lint["file"]
        .as_str()
        .unwrap()
        .ends_with("gb-node02_decode_w0.out"));
    assert!(lint["finding"].as_str().unwrap().contains("2P7D"), "{lint}");
}

#[test]
fn windows_match_the_demo_sweep_and_the_ratio_moves_the_steady_state() {
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixture("expected.json")).unwrap()).unwrap();
    let expected = truth["windows"]["windows"].as_array().unwrap();
    let read = |ratio: &str| -> serde_json::Value {
        let (code, json, err) = runlens(&[
            "windows",
            "--steady",
            ratio,
            "--format",
            "json",
            &fixture("demo-runs.tar.gz"),
        ]);
        assert_eq!(code, 0, "{err}");
        serde_json::from_str(&json).unwrap()
    };
    let v = read("90");
    let runs = v["runs"].as_array().unwrap();
    assert_eq!(
        runs.len(),
        1,
        "only the disaggregated run's results are stamped in its logs"
    );
    let windows = runs[0]["windows"].as_array().unwrap();
    assert_eq!(windows.len(), expected.len());
    for (w, e) in windows.iter().zip(expected) {
        assert_eq!(w["concurrency"], e["concurrency"]);
        let close = |a: &serde_json::Value, b: &serde_json::Value| {
            (a.as_f64().unwrap() - b.as_f64().unwrap()).abs() < 1e-6
        };
        assert!(close(&w["steady"]["start_s"], &e["steady_start_s"]), "{w}");
        assert!(
            close(
                &w["steady"]["steady"]["gen_throughput"],
                &e["steady_gen_throughput"]
            ),
            "{w}"
        );
    }
    let low = read("50");
    let first = &low["runs"][0]["windows"][0]["steady"]["start_s"];
    assert!(first.as_f64().unwrap() < expected[0]["steady_start_s"].as_f64().unwrap());
    let (code, text, _) = runlens(&["windows", &fixture("demo-runs.tar.gz")]);
    assert_eq!(code, 0);
    assert!(text.contains("c=256"), "{text}");
}
