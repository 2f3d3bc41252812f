//! The generated scheduler-logging CSV sets (`fixtures/scheduler`) and P2P NCCL logs
//! (`fixtures/p2p-nccl`) against the ground truth their generator wrote (`cargo xtask fixtures`).

use std::path::{Path, PathBuf};

use runlens_core::model::scheduler::RequestMetric;
use runlens_core::model::{Severity, Summary};
use runlens_core::{Dataset, Ingest};
use serde_json::Value;

fn set(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(name)
}

fn ingest_dir(dir: &Path, prefix: &Path) -> Dataset {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut ingest = Ingest::new();
    for f in files {
        let rel = f
            .strip_prefix(prefix)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        ingest.add_bytes(&rel, &std::fs::read(&f).unwrap());
    }
    ingest.dataset()
}

fn truth(name: &str) -> Value {
    serde_json::from_slice(&std::fs::read(set(name).join("expected.json")).unwrap()).unwrap()
}

fn close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-6 * b.abs().max(1.0),
        "{what}: got {a}, expected {b}"
    );
}

fn same_summary(s: &Summary, t: &Value, what: &str) {
    for (k, v) in [
        ("mean", s.mean),
        ("p50", s.p50),
        ("p90", s.p90),
        ("p99", s.p99),
    ] {
        close(v, t[k].as_f64().unwrap(), &format!("{what} {k}"));
    }
}

#[test]
fn scheduler_statistics_equal_the_simulation() {
    let dir = set("scheduler");
    let ds = ingest_dir(&dir.join("runs"), &dir);
    let truth = truth("scheduler");
    assert_eq!(ds.scheduler.len(), 2);
    assert!(ds.runs.is_empty() && ds.unrecognized.is_empty());
    for a in &ds.scheduler {
        let name = a.dir.rsplit('/').next().unwrap();
        let t = &truth[name];
        let h = &a.headline;
        same_summary(&h.ttft_ms, &t["ttft_ms"], "TTFT");
        same_summary(&h.e2e_ms, &t["e2e_ms"], "E2E");
        let of = |m: RequestMetric| &a.latencies.iter().find(|d| d.metric == m).unwrap().summary;
        same_summary(of(RequestMetric::WaitingTime), &t["waiting_ms"], "waiting");
        same_summary(
            of(RequestMetric::ExecutionTime),
            &t["execution_ms"],
            "execution",
        );
        if t["tpot_ms"].is_null() {
            assert_eq!(h.tpot_ms.count, 0);
        } else {
            // The CSV keeps TPOT to 0.1 ns.
            for k in ["mean", "p50", "p90", "p99"] {
                let got = match k {
                    "mean" => h.tpot_ms.mean,
                    "p50" => h.tpot_ms.p50,
                    "p90" => h.tpot_ms.p90,
                    _ => h.tpot_ms.p99,
                };
                assert!(
                    (got - t["tpot_ms"][k].as_f64().unwrap()).abs() < 1e-6,
                    "TPOT {k}"
                );
            }
        }
        close(
            h.preemption_rate,
            t["preemption_rate"].as_f64().unwrap(),
            "preemption rate",
        );
        assert_eq!(
            a.preemption.total_preemptions,
            t["total_preemptions"].as_u64().unwrap()
        );
        close(
            h.kv_util_mean_pct,
            t["kv_util_mean_pct"].as_f64().unwrap(),
            "KV mean",
        );
        close(
            h.kv_util_max_pct,
            t["kv_util_max_pct"].as_f64().unwrap(),
            "KV max",
        );
        close(
            h.batch_size_mean,
            t["batch_size_mean"].as_f64().unwrap(),
            "batch",
        );
        assert_eq!(a.iterations.total as u64, t["iterations"].as_u64().unwrap());
        for (kind, n) in t["event_counts"].as_object().unwrap() {
            let got = a
                .event_counts
                .iter()
                .find(|(k, _)| k == kind)
                .map(|(_, n)| *n);
            assert_eq!(got, n.as_u64(), "{name} events {kind}");
        }
        assert_eq!(a.slowest[0].id, t["slowest"].as_str().unwrap());
        assert!(
            !a.slowest[0].spans.is_empty(),
            "{name}: drill-down timeline"
        );
        for s in &a.state_time {
            close(
                s.total_ms,
                t["state_time_ms"][&s.state].as_f64().unwrap(),
                &s.state,
            );
        }
        // Per request, the same times add up to the aggregate.
        for (state, col) in [
            ("waiting", &a.requests.state_waiting_ms),
            ("running", &a.requests.state_running_ms),
            ("preempted", &a.requests.state_preempted_ms),
        ] {
            let sum: f64 = col.iter().filter(|v| v.is_finite()).sum();
            close(sum, t["state_time_ms"][state].as_f64().unwrap(), state);
        }
    }
    let basic = ds
        .scheduler
        .iter()
        .find(|a| a.dir.ends_with("sched-basic"))
        .unwrap();
    let t = &truth["sched-basic"]["iteration_requests"];
    for (reason, n) in t["waiting_reasons"].as_object().unwrap() {
        let got = basic
            .waiting_reasons
            .iter()
            .find(|(k, _)| k == reason)
            .map(|(_, n)| *n);
        assert_eq!(got, n.as_u64(), "waiting reason {reason}");
    }
    assert_eq!(
        basic.slowest[0]
            .timeline_source
            .as_deref()
            .map(|s| s.ends_with("state_transitions.csv")),
        Some(true)
    );

    let messy = ds
        .scheduler
        .iter()
        .find(|a| a.dir.ends_with("sched-messy"))
        .unwrap();
    let t = &truth["sched-messy"];
    assert_eq!(
        messy.headline.requests as u64,
        t["requests_with_malformed"].as_u64().unwrap()
    );
    let req = messy
        .files
        .iter()
        .find(|f| f.path.ends_with("per_request.csv"))
        .unwrap();
    assert_eq!(serde_json::json!(req.missing_columns), t["missing_columns"]);
    assert_eq!(serde_json::json!(req.extra_columns), t["extra_columns"]);
    let lines: Vec<u64> = ds
        .diagnostics
        .iter()
        .filter(|d| d.file.ends_with("sched-messy/per_request.csv") && d.line != Some(1))
        .filter_map(|d| d.line)
        .collect();
    assert_eq!(serde_json::json!(lines), t["malformed_lines"]);
    assert!(ds.diagnostics.iter().any(|d| d
        .file
        .ends_with("sched-messy/per_iteration_requests.csv")
        && d.message.contains("empty")));
    assert_eq!(
        messy.slowest[0]
            .timeline_source
            .as_deref()
            .map(|s| s.ends_with("events.csv")),
        Some(true)
    );
}

#[test]
fn p2p_outcomes_equal_the_scenarios() {
    let dir = set("p2p-nccl");
    let ds = ingest_dir(&dir.join("runs"), &dir);
    let truth = truth("p2p-nccl");
    assert_eq!(ds.p2p.len(), 3);
    for a in &ds.p2p {
        let name = a.dir.rsplit('/').next().unwrap();
        let t = &truth[name];
        let mut lanes: Vec<(String, String)> = a
            .lanes
            .iter()
            .map(|l| {
                (
                    format!("Rank {}", l.rank.unwrap()),
                    l.role.label().to_owned(),
                )
            })
            .collect();
        lanes.sort();
        let mut want: Vec<(String, String)> = t["lanes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p[0].as_str().unwrap().into(), p[1].as_str().unwrap().into()))
            .collect();
        want.sort();
        assert_eq!(lanes, want, "{name}");
        assert_eq!(
            a.connections.len() as u64,
            t["connections"].as_u64().unwrap(),
            "{name}"
        );
        let complete = a.connections.iter().filter(|c| c.complete).count();
        assert_eq!(complete as u64, t["complete"].as_u64().unwrap(), "{name}");
        let errors: Vec<_> = a
            .findings
            .iter()
            .filter(|f| f.severity() == Severity::Error)
            .collect();
        assert_eq!(
            errors.len() as u64,
            t["errors"].as_u64().unwrap(),
            "{name}: {errors:?}"
        );
        if let Some(other) = t["error_other_side"].as_str() {
            // The finding is typed: the other side's state is a variant, not a sentence.
            let kind = serde_json::to_value(&errors[0].kind).unwrap();
            assert_eq!(kind["finding"], "incomplete_connection", "{name}: {kind}");
            assert_eq!(kind["other"]["other"], other, "{name}: {kind}");
            assert!(errors[0]
                .file
                .ends_with(t["error_line"]["file"].as_str().unwrap()));
            assert_eq!(errors[0].line, t["error_line"]["line"].as_u64());
        }
        if let Some(d) = t["duration_s"].as_f64() {
            close(a.connections[0].duration_s.unwrap(), d, "duration");
            close(
                a.time_to_first_connection_s.unwrap(),
                t["time_to_first_connection_s"].as_f64().unwrap(),
                "first",
            );
            for (id, w) in t["kv_warnings"].as_object().unwrap() {
                let got = a.kv_warnings.iter().find(|k| &k.request_id == id).unwrap();
                assert_eq!(
                    (got.mismatches, got.none),
                    (
                        w["mismatches"].as_u64().unwrap(),
                        w["none"].as_u64().unwrap()
                    )
                );
            }
            // Rank-less kv_cache lines join the rank of their process.
            assert_eq!(a.lanes.len(), 2);
        }
    }
    // The combined log is a vLLM server log as well: its engine-stats line is not lost.
    let engine = ds
        .worker_logs
        .iter()
        .find(|l| l.log.path.ends_with("combined.log"))
        .expect("worker log of the combined file");
    assert_eq!(
        engine.log.sample_count() as u64,
        truth["p2p-ok"]["vllm_engine_samples"].as_u64().unwrap()
    );
}

#[test]
fn p2p_lines_past_the_head_of_a_vllm_log_are_found() {
    let mut log =
        String::from("INFO 11-01 10:29:00 [api_server.py:1005] vLLM API server version 0.11.0\n");
    while log.len() < 16 << 10 {
        log.push_str("INFO 11-01 10:29:01 [gpu_model_runner.py:2000] Loading model weights took 7.10 GiB and 12.3 seconds\n");
    }
    let ok = std::fs::read_to_string(set("p2p-nccl").join("runs/p2p-ok/combined.log")).unwrap();
    log.push_str(&ok);
    let mut ingest = Ingest::new();
    ingest.add_bytes("run/server.log", log.as_bytes());
    let ds = ingest.dataset();
    assert_eq!(
        ds.p2p.len(),
        1,
        "P2P timeline of a log whose first marker is past 4 KiB"
    );
    assert_eq!(ds.p2p[0].connections.len(), 1);
    assert_eq!(
        ds.worker_logs.len(),
        1,
        "the engine-stats lines are kept too"
    );
}

/// A vLLM run whose benchmark result has only summaries and whose scheduler wrote
/// `per_request.csv` beside it: the point borrows the scheduler's rows, and a comparison of
/// two such runs bootstraps them and says so. Generated with known truth: the candidate's
/// TPOT is 10 % lower, its TTFT the same distribution.
#[test]
fn a_single_point_run_borrows_its_schedulers_request_rows_for_the_bootstrap() {
    use runlens_core::analysis::compare::{compare, Basis, Side, Verdict};
    let mut seed = 17u64;
    let mut unit = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut ingest = Ingest::new();
    for (run, tpot_ms) in [("base", 20.0), ("cand", 18.0)] {
        let mut csv = String::from(
            "request_id,arrival_time,first_scheduled_time,completion_time,waiting_time,execution_time,e2e_latency,input_tokens,output_tokens,ttft,tpot,throughput,preemption_count,eviction_count,kv_cache_blocks\n",
        );
        let n = 3000;
        for i in 0..n {
            let ttft_ns = (150.0 + 100.0 * unit()) * 1e6;
            let tpot_ns = tpot_ms * (0.8 + 0.4 * unit()) * 1e6;
            let out = 100.0;
            let e2e_ns = ttft_ns + tpot_ns * (out - 1.0);
            let arrival = i as f64 * 1e7;
            csv.push_str(&format!(
                "r{i},{arrival},{},{},0,{e2e_ns},{e2e_ns},1000,{out},{ttft_ns},{tpot_ns},0,0,0,8\n",
                arrival + 1e6,
                arrival + e2e_ns
            ));
        }
        ingest.add_bytes(&format!("{run}/sched/per_request.csv"), csv.as_bytes());
        let result = format!(
            r#"{{"date": "20260101-000000", "backend": "vllm", "max_concurrency": 16, "num_prompts": {n}, "completed": {n},
            "duration": 100.0, "request_throughput": 30.0, "output_throughput": {}, "total_token_throughput": 33000.0,
            "mean_ttft_ms": 200.0, "median_ttft_ms": 200.0, "mean_tpot_ms": {tpot_ms}, "median_tpot_ms": {tpot_ms}}}"#,
            3000.0 * 20.0 / tpot_ms
        );
        ingest.add_bytes(
            &format!("{run}/results_concurrency_16.json"),
            result.as_bytes(),
        );
    }
    let ds = ingest.dataset();
    assert_eq!(ds.runs.len(), 2, "{:?}", ds.skipped);
    for run in &ds.runs {
        let p = &run.points[0];
        assert_eq!(
            p.requests.as_ref().map(|r| r.len()),
            Some(3000),
            "{}",
            run.key
        );
        assert_eq!(
            p.requests_from.as_deref(),
            Some(format!("{}/sched/per_request.csv", &run.root[..4]).as_str())
        );
    }
    let side = |dir: &str| Side::of_dataset(dir, &ds, |r| r.root.starts_with(dir));
    let c = compare(&side("base"), &side("cand"));
    let row = |metric: &str| c.rows.iter().find(|r| r.metric == metric).unwrap();
    let tpot = row("tpot_mean");
    assert_eq!(tpot.verdict, Verdict::Better, "{tpot:?}");
    match &tpot.basis {
        Basis::Bootstrap {
            baseline_requests: 3000,
            candidate_requests: 3000,
            rows_from: Some(from),
            ..
        } => assert_eq!(
            from,
            "baseline: base/sched/per_request.csv; candidate: cand/sched/per_request.csv"
        ),
        other => panic!("{other:?}"),
    }
    assert!(tpot.basis.to_string().contains("server-side rows"));
    let ttft = row("ttft_mean");
    assert!(
        matches!(ttft.verdict, Verdict::Unchanged | Verdict::CantTell),
        "{ttft:?}"
    );
    // Goodput and attainment from those rows say that they are the server's view.
    use runlens_core::analysis::slo::{evaluate, Slo, SloBasis};
    let slo = Slo {
        ttft_ms: Some(225.0),
        tpot_ms: None,
        e2el_ms: None,
        attainment: 0.5,
    };
    let judged = evaluate(&ds.runs[0].points[0], &slo);
    assert_eq!(
        judged.basis,
        SloBasis::Requests {
            requests: 3000,
            server_side: true
        }
    );
    // TTFT is uniform on 150–250 ms: three quarters are within 225 ms.
    let share = judged.attainment.unwrap();
    assert!((share - 0.75).abs() < 0.03, "{share}");
}
