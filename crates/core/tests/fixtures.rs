//! Snapshot of the generated demo runs (`fixtures/demo`, written by `cargo xtask fixtures`)
//! against the ground truth the generator wrote beside them, through every input shape.

mod common;

use std::path::{Path, PathBuf};

use runlens_core::model::{Generation, SampleKind};
use runlens_core::{Dataset, Ingest};
use serde_json::Value;

fn demo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/demo")
}

/// Ingest `set/runs/` file by file, paths relative to `set` (as a folder drop gives them).
fn ingest_folder(set: &Path) -> Dataset {
    let files = common::files_under(&set.join("runs"));
    let mut ingest = Ingest::new();
    for f in files {
        let rel = f.strip_prefix(set).unwrap().to_string_lossy().into_owned();
        ingest.add_input(
            &rel,
            f.metadata().unwrap().len(),
            std::fs::File::open(&f).unwrap(),
            &mut |_| {},
        );
    }
    ingest.dataset()
}

fn from_folder() -> Dataset {
    ingest_folder(&demo())
}

fn from_archive(name: &str) -> Dataset {
    let mut ingest = Ingest::new();
    ingest.add_bytes(name, &std::fs::read(demo().join(name)).unwrap());
    ingest.dataset()
}

fn check_against_truth(ds: &Dataset) {
    let truth: Value =
        serde_json::from_slice(&std::fs::read(demo().join("expected.json")).unwrap()).unwrap();
    assert!(ds.diagnostics.is_empty(), "{:?}", ds.diagnostics);
    assert!(ds.unrecognized.is_empty(), "{:?}", ds.unrecognized);
    let runs = truth["runs"].as_array().unwrap();
    assert_eq!(ds.runs.len(), runs.len());
    for t in runs {
        let job = t["job_id"].as_str().unwrap();
        let run = ds
            .runs
            .iter()
            .find(|r| r.job_id.value == job)
            .unwrap_or_else(|| panic!("run {job}"));
        assert_eq!(
            run.gpus.total(),
            Some(t["gpus"].as_u64().unwrap() as u32),
            "{job}"
        );
        let missing: Vec<u32> = t["missing_concurrencies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as u32)
            .collect();
        assert_eq!(run.missing_concurrencies, missing, "{job}");
        let points = t["points"].as_array().unwrap();
        assert_eq!(run.points.len(), points.len(), "{job}");
        for (p, tp) in run.points.iter().zip(points) {
            assert_eq!(
                p.concurrency,
                Some(tp["concurrency"].as_u64().unwrap() as u32)
            );
            let close = |a: Option<f64>, b: &Value| {
                (a.unwrap() - b.as_f64().unwrap()).abs() <= 1e-9 * b.as_f64().unwrap()
            };
            assert!(
                close(p.output_throughput, &tp["output_throughput"]),
                "{job}"
            );
            assert!(
                close(p.derived.output_tps_per_gpu, &tp["output_tps_per_gpu"]),
                "{job}"
            );
            assert!(
                close(p.derived.output_tps_per_user, &tp["output_tps_per_user"]),
                "{job}"
            );
        }
    }
    let g = |job: &str| {
        ds.runs
            .iter()
            .find(|r| r.job_id.value == job)
            .unwrap()
            .generation
    };
    assert_eq!(
        (g("4242001"), g("4242002"), g("3667")),
        (Generation::G2, Generation::G2, Generation::G1)
    );
}

/// The demo lights every tab: worker logs of each run, a node config, engine statistics of the
/// vLLM run, a scheduler set and a P2P hang, as the generator's truth states.
fn check_every_tab_has_data(ds: &Dataset) {
    let truth: Value =
        serde_json::from_slice(&std::fs::read(demo().join("expected.json")).unwrap()).unwrap();
    let run_key = |job: &str| {
        ds.runs
            .iter()
            .find(|r| r.job_id.value == job)
            .unwrap_or_else(|| panic!("run {job}"))
            .key
            .clone()
    };
    for (dir, t) in truth["worker_logs"].as_object().unwrap() {
        let key = run_key(dir.trim_start_matches("outputs/"));
        let logs: Vec<_> = ds.worker_logs.iter().filter(|l| l.run_key == key).collect();
        assert_eq!(logs.len() as u64, t["files"].as_u64().unwrap(), "{dir}");
        if let Some(n) = t["nodes"].as_u64() {
            assert_eq!(ds.node_services(&key).len() as u64, n, "{dir}");
        }
        let samples = |kind: SampleKind| -> u64 {
            logs.iter()
                .flat_map(|l| l.log.series.iter())
                .filter(|s| s.kind == kind)
                .map(|s| s.len() as u64)
                .sum()
        };
        for (field, kind) in [
            ("prefill_samples", SampleKind::Prefill),
            ("decode_samples", SampleKind::Decode),
            ("engine_stats_samples", SampleKind::EngineStats),
        ] {
            if let Some(n) = t[field].as_u64() {
                assert_eq!(samples(kind), n, "{dir} {field}");
            }
        }
    }
    let disagg = run_key("4242001");
    assert!(
        ds.node_configs
            .iter()
            .any(|c| c.run_key == disagg && !c.config.environment.is_empty()),
        "the disaggregated run has a node config with its environment"
    );
    let sched = &truth["scheduler"];
    let a = ds
        .scheduler
        .iter()
        .find(|a| a.dir.ends_with(sched["dir"].as_str().unwrap()))
        .expect("scheduler set");
    assert_eq!(
        a.headline.requests as u64,
        sched["requests"].as_u64().unwrap()
    );
    let p2p = &truth["p2p"];
    let p = ds
        .p2p
        .iter()
        .find(|a| a.dir.ends_with(p2p["dir"].as_str().unwrap()))
        .expect("p2p set");
    assert_eq!(
        p.connections.len() as u64,
        p2p["connections"].as_u64().unwrap()
    );
    let complete = p.connections.iter().filter(|c| c.complete).count() as u64;
    assert_eq!(complete, p2p["complete"].as_u64().unwrap());
}

#[test]
fn demo_lights_every_tab() {
    check_every_tab_has_data(&from_folder());
    check_every_tab_has_data(&from_archive("demo-runs.tar.gz"));
}

/// The demo runs share one clock and the disaggregated one's prefill input follows decode's
/// sweep: no clock or rate-mismatch lint (each tested to fire in `analysis`), and its rate
/// match says its capacities agree. (The generations' logs keep one clock too, but their rates
/// are arbitrary.)
#[test]
fn demo_runs_raise_no_clock_or_rate_lints() {
    use runlens_core::model::RunFinding;
    let lints = |ds: &Dataset, rates: bool| -> Vec<RunFinding> {
        ds.runs
            .iter()
            .flat_map(|r| r.findings.iter().cloned())
            .filter(|f| match f {
                RunFinding::ClockSkew { .. } => true,
                RunFinding::RateMismatch { .. } => rates,
                RunFinding::GpuCountConflict { .. } => false,
            })
            .collect()
    };
    assert_eq!(lints(&from_folder(), true), []);
    assert_eq!(lints(&generations_from_folder(), false), []);
    let ds = from_folder();
    let run = ds
        .runs
        .iter()
        .find(|r| {
            ds.worker_logs.iter().any(|l| {
                l.run_key == r.key
                    && l.log.identity.service == runlens_core::model::Service::Prefill
            })
        })
        .expect("the disaggregated demo run");
    let m = runlens_core::analysis::rate_match::rate_match(&ds, run, &[]).expect("rate match");
    assert!(!m.mismatched(), "{m:?}");
}

/// The disaggregated demo run's benchmark windows land on its node charts' axis where the
/// generator put them, and each window's steady state (ratio 0.9) skips warm-up and drain.
#[test]
fn demo_windows_and_steady_state_match_the_sweep() {
    use runlens_core::analysis::windows::{benchmark_windows, steady_state};
    let truth: Value =
        serde_json::from_slice(&std::fs::read(demo().join("expected.json")).unwrap()).unwrap();
    let t = &truth["windows"];
    let ds = from_archive("demo-runs.tar.gz");
    let job = t["run"].as_str().unwrap().trim_start_matches("outputs/");
    let run = ds.runs.iter().find(|r| r.job_id.value == job).unwrap();
    let windows = benchmark_windows(&ds, &run.key);
    let expected = t["windows"].as_array().unwrap();
    assert_eq!(windows.len(), expected.len());
    let close = |a: f64, b: &Value, what: &str| {
        let b = b.as_f64().unwrap();
        assert!(
            (a - b).abs() <= 1e-6 * b.abs().max(1.0),
            "{what}: {a} vs {b}"
        );
    };
    for (w, e) in windows.iter().zip(expected) {
        assert_eq!(w.concurrency, e["concurrency"].as_u64().map(|c| c as u32));
        let c = w.label();
        close(w.start_s, &e["start_s"], &format!("{c} start"));
        close(w.end_s, &e["end_s"], &format!("{c} end"));
        let s = steady_state(w, t["steady_ratio"].as_f64().unwrap()).expect("a steady state");
        close(
            s.start_s,
            &e["steady_start_s"],
            &format!("{c} steady start"),
        );
        close(s.end_s, &e["steady_end_s"], &format!("{c} steady end"));
        close(
            s.whole.in_flight.unwrap(),
            &e["whole_in_flight"],
            &format!("{c} in flight"),
        );
        close(
            s.steady.in_flight.unwrap(),
            &e["steady_in_flight"],
            &format!("{c} steady in flight"),
        );
        close(
            s.whole.gen_throughput.unwrap(),
            &e["whole_gen_throughput"],
            &format!("{c} tps"),
        );
        close(
            s.steady.gen_throughput.unwrap(),
            &e["steady_gen_throughput"],
            &format!("{c} steady tps"),
        );
        assert!(
            s.steady.gen_throughput > s.whole.gen_throughput,
            "{c}: warm-up and drain are slower"
        );
    }
}

#[test]
fn demo_folder_matches_ground_truth() {
    check_against_truth(&from_folder());
}

#[test]
fn demo_tar_gz_matches_ground_truth() {
    check_against_truth(&from_archive("demo-runs.tar.gz"));
}

#[test]
fn demo_zip_matches_ground_truth() {
    check_against_truth(&from_archive("demo-runs.zip"));
}

fn generations() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/generations")
}

fn generations_from_folder() -> Dataset {
    ingest_folder(&generations())
}

fn check_generations(ds: &Dataset, prefix: &str) {
    let truth: Value =
        serde_json::from_slice(&std::fs::read(generations().join("expected.json")).unwrap())
            .unwrap();
    let runs = truth["runs"].as_array().unwrap();
    assert_eq!(
        ds.runs.len(),
        runs.len(),
        "{:?}",
        ds.runs.iter().map(|r| &r.job_id.value).collect::<Vec<_>>()
    );
    for t in runs {
        let job = t["job_id"].as_str().unwrap();
        let run = ds
            .runs
            .iter()
            .find(|r| r.job_id.value == job)
            .unwrap_or_else(|| panic!("run {job}"));
        assert_eq!(
            run.generation.label(),
            t["generation"].as_str().unwrap(),
            "{job}"
        );
        assert_eq!(
            run.topology.as_ref().map(|t| t.value.label()).as_deref(),
            t["topology"].as_str(),
            "{job}"
        );
        assert_eq!(
            run.gpus.total(),
            Some(t["gpus"].as_u64().unwrap() as u32),
            "{job}"
        );
        assert_eq!(
            run.isl.as_ref().map(|v| u64::from(v.value)),
            t["isl"].as_u64(),
            "{job}"
        );
        assert_eq!(
            run.osl.as_ref().map(|v| u64::from(v.value)),
            t["osl"].as_u64(),
            "{job}"
        );
        if let Some(container) = t["container"].as_str() {
            assert_eq!(run.container_label().as_deref(), Some(container), "{job}");
        }
        let missing: Vec<u32> = t["missing_concurrencies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as u32)
            .collect();
        assert_eq!(run.missing_concurrencies, missing, "{job}");
        let points = t["points"].as_array().unwrap();
        assert_eq!(
            run.points.len(),
            points.len(),
            "{job}: {:?}",
            run.points
                .iter()
                .map(|p| (&p.tool, p.concurrency))
                .collect::<Vec<_>>()
        );
        for (p, tp) in run.points.iter().zip(points) {
            assert_eq!(
                p.concurrency,
                Some(tp["concurrency"].as_u64().unwrap() as u32),
                "{job}"
            );
            // CSV/console sources print 2 decimals; JSON sources are exact.
            let close = |a: Option<f64>, b: &Value| {
                (a.unwrap() - b.as_f64().unwrap()).abs()
                    <= 1e-6 * b.as_f64().unwrap().abs().max(1.0)
            };
            assert!(
                close(p.output_throughput, &tp["output_throughput"]),
                "{job}@{:?} {}",
                p.concurrency,
                p.tool
            );
            assert!(
                close(p.derived.output_tps_per_gpu, &tp["output_tps_per_gpu"]),
                "{job}"
            );
            assert!(
                close(p.derived.output_tps_per_user, &tp["output_tps_per_user"]),
                "{job}"
            );
        }
    }
    let skipped: Vec<(String, String)> = ds
        .skipped
        .iter()
        .map(|s| {
            // The reason is a typed value; the truth names its variant.
            let reason = serde_json::to_value(s.reason).unwrap();
            (s.job_id.clone(), reason.as_str().unwrap().to_owned())
        })
        .collect();
    for s in truth["skipped"].as_array().unwrap() {
        let want = (
            s["job_id"].as_str().unwrap().to_owned(),
            s["reason"].as_str().unwrap().to_owned(),
        );
        assert!(skipped.contains(&want), "{want:?} in {skipped:?}");
    }
    assert_eq!(ds.skipped.len(), truth["skipped"].as_array().unwrap().len());
    let diagnostic_files: Vec<String> = truth["diagnostic_files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{prefix}runs/{}", f.as_str().unwrap()))
        .collect();
    assert_eq!(
        ds.diagnostics
            .iter()
            .map(|d| d.file.clone())
            .collect::<Vec<_>>(),
        diagnostic_files
    );
    for empty in truth["empty_files"].as_array().unwrap() {
        let path = format!("{prefix}runs/{}", empty.as_str().unwrap());
        assert!(
            ds.unrecognized
                .iter()
                .any(|u| u.path == path && u.reason == "empty file"),
            "{path}"
        );
    }
}

#[test]
fn every_generation_matches_ground_truth() {
    check_generations(&generations_from_folder(), "");
}

#[test]
fn every_generation_from_one_tar_gz() {
    let mut ingest = Ingest::new();
    ingest.add_bytes(
        "generations.tar.gz",
        &std::fs::read(generations().join("generations.tar.gz")).unwrap(),
    );
    check_generations(&ingest.dataset(), "generations.tar.gz/");
}

#[test]
fn a_logs_folder_dropped_alone_is_one_run() {
    // Dropping only `outputs/3003/logs/`: paths start at `logs/`.
    let logs = generations().join("runs/outputs/3003/logs");
    let files = common::files_under(&logs);
    let mut ingest = Ingest::new();
    for f in files {
        let rel = format!("logs/{}", f.strip_prefix(&logs).unwrap().to_string_lossy());
        ingest.add_input(
            &rel,
            f.metadata().unwrap().len(),
            std::fs::File::open(&f).unwrap(),
            &mut |_| {},
        );
    }
    let ds = ingest.dataset();
    assert_eq!(
        ds.runs.len(),
        1,
        "{:?}",
        ds.runs.iter().map(|r| &r.root).collect::<Vec<_>>()
    );
    let run = &ds.runs[0];
    assert_eq!(
        run.points
            .iter()
            .map(|p| p.concurrency.unwrap())
            .collect::<Vec<_>>(),
        vec![4, 16, 64, 256]
    );
    assert_eq!(run.gpus.total(), Some(12), "from the result file names");
    assert_eq!(
        (
            run.isl.as_ref().unwrap().value,
            run.osl.as_ref().unwrap().value
        ),
        (8192, 1024)
    );
}

/// srt-slurm 2.x run 8008: a `schema: 2` recipe (topology only in `roles:`) and its resolved
/// copy, no `{jobid}.json`, worker logs in `logs/workers/` and services in `logs/services/logs/`.
#[test]
fn a_schema_2_run_reads_its_roles_and_its_nested_logs() {
    use runlens_core::model::{GpuSource, Provenance, Service};
    let truth: Value =
        serde_json::from_slice(&std::fs::read(generations().join("expected.json")).unwrap())
            .unwrap();
    let t = truth["runs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["recipe_schema"] == 2)
        .expect("the generator writes a schema-2 run");
    let ds = generations_from_folder();
    let run = ds
        .runs
        .iter()
        .find(|r| r.job_id.value == t["job_id"].as_str().unwrap())
        .unwrap();
    assert_eq!(run.root, "runs/outputs/8008");
    assert_eq!(run.generation, Generation::G2);
    assert_eq!(run.points.len(), t["points"].as_array().unwrap().len());
    let gpus = t["gpus"].as_u64().unwrap() as u32;
    assert_eq!(run.gpus.total(), Some(gpus));
    assert_eq!(
        (run.gpus.node_based, run.gpus.worker_based),
        (Some(gpus), Some(gpus)),
        "nodes × gpus_per_node and workers × gpus agree"
    );
    assert_eq!(t["gpus_from"], "recipe");
    assert_eq!(run.gpus_from, Some(GpuSource::Recipe));
    // No GPU count conflict (its generated rates need not match: a rate lint may stand).
    assert!(
        !run.findings
            .iter()
            .any(|f| matches!(f, runlens_core::model::RunFinding::GpuCountConflict { .. })),
        "{:?}",
        run.findings
    );
    let topology = run.topology.as_ref().unwrap();
    assert_eq!(topology.value.label(), t["topology"].as_str().unwrap());
    assert_eq!(topology.from, Provenance::ConfigYaml);
    assert_eq!(
        (run.nodes.prefill, run.nodes.decode, run.nodes.agg),
        (
            t["nodes"]["prefill"].as_u64().map(|n| n as u32),
            t["nodes"]["decode"].as_u64().map(|n| n as u32),
            None
        )
    );
    assert_eq!(
        (run.workers.prefill, run.workers.decode),
        (
            t["workers"]["prefill"].as_u64().map(|n| n as u32),
            t["workers"]["decode"].as_u64().map(|n| n as u32)
        )
    );
    assert_eq!(
        run.isl.as_ref().map(|v| v.from),
        Some(Provenance::ConfigYaml)
    );
    assert_eq!(run.backend.as_deref(), t["backend"].as_str());
    assert_eq!(
        run.model.as_ref().map(|m| m.value.as_str()),
        t["model"].as_str()
    );
    assert_eq!(
        run.gpu_type.as_ref().map(|g| g.value.as_str()),
        t["gpu_type"].as_str()
    );
    // The resolved copy's container, not the alias of the recipe as submitted.
    assert_eq!(run.container_label().as_deref(), t["container"].as_str());
    assert_eq!(run.expected_concurrencies, vec![8, 32, 128]);
    // Worker logs under logs/workers/ are this run's, with their batch lines (node metrics).
    let of_run = |paths: &Value| -> Vec<String> {
        paths
            .as_array()
            .unwrap()
            .iter()
            .map(|p| format!("runs/{}", p.as_str().unwrap()))
            .collect()
    };
    for path in of_run(&t["worker_logs"]) {
        let l = ds
            .worker_logs
            .iter()
            .find(|l| l.log.path == path)
            .unwrap_or_else(|| panic!("{path} read as a worker log"));
        assert_eq!(l.run_key, run.key, "{path}");
        assert!(
            matches!(l.log.identity.service, Service::Prefill | Service::Decode),
            "{path}"
        );
        assert!(!l.log.series.is_empty(), "{path}: batch lines read");
    }
    for path in of_run(&t["service_logs"]) {
        let l = ds
            .worker_logs
            .iter()
            .find(|l| l.log.path == path)
            .unwrap_or_else(|| panic!("{path} read as a service log"));
        assert_eq!(l.run_key, run.key, "{path}");
        assert!(
            matches!(l.log.identity.service, Service::Etcd | Service::Nats),
            "{path}: {:?}",
            l.log.identity
        );
    }
    for path in of_run(&t["node_configs"]) {
        let c = ds
            .node_configs
            .iter()
            .find(|c| c.config.path == path)
            .unwrap_or_else(|| panic!("{path} read as a node config"));
        assert_eq!(c.run_key, run.key, "{path}");
    }
    for path in of_run(&t["unread_files"]) {
        assert!(
            ds.unrecognized.iter().any(|u| u.path == path),
            "{path} left unread"
        );
        assert!(!ds.node_configs.iter().any(|c| c.config.path == path));
    }
}
