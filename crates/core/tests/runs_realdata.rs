//! Whole real run directories from `fixtures/realdata/runs/`, read as a user drops them.

mod common;

use std::path::{Path, PathBuf};

use runlens_core::model::{GpuSource, Run};
use runlens_core::{Dataset, Ingest};

fn runs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/realdata/runs")
}

fn add_tree(ingest: &mut Ingest, base: &Path, dir: &Path) {
    for p in common::files_under(dir) {
        let rel = p
            .strip_prefix(base)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        ingest.add_bytes(&rel, &std::fs::read(&p).unwrap());
    }
}

fn load(name: &str) -> Dataset {
    let mut ingest = Ingest::new();
    add_tree(&mut ingest, &runs_dir(), &runs_dir().join(name));
    ingest.dataset()
}

fn run_under<'a>(ds: &'a Dataset, prefix: &str) -> &'a Run {
    ds.runs
        .iter()
        .find(|r| runlens_core::text::paths::file_name(&r.root).starts_with(prefix))
        .unwrap_or_else(|| {
            panic!(
                "no run {prefix}: {:?}",
                ds.runs.iter().map(|r| &r.root).collect::<Vec<_>>()
            )
        })
}

#[test]
fn inferencex_agentic_run_gets_its_gpu_count_from_the_launch_command() {
    let ds = load("SemiAnalysisAI__InferenceX__tp4_sweep_29003473063");
    // The AIPerf result beside `vllm_command.txt` (`--tensor-parallel-size=4`) and a `tp4` name.
    let aiperf = run_under(&ds, "agentic_kimik2.7_tp4_conc*");
    assert_eq!(aiperf.gpus.total(), Some(4));
    match &aiperf.gpus_from {
        Some(GpuSource::LaunchCommand { path, flags, .. }) => {
            assert!(
                path.ends_with("/vllm_command.txt") || path.ends_with("/server.log"),
                "{path}"
            );
            assert_eq!(flags, "tensor_parallel_size 4");
        }
        other => panic!("GPU count from {other:?}"),
    }
    assert!(
        aiperf.findings.is_empty(),
        "launch command and directory agree: {:?}",
        aiperf.findings
    );
    let p = &aiperf.points[0];
    assert_eq!(p.concurrency, Some(4));
    let out = p.output_throughput.unwrap();
    let per_gpu = p
        .derived
        .output_tps_per_gpu
        .expect("plotted on the Pareto chart");
    assert!((per_gpu - out / 4.0).abs() < 1e-9);

    // The runner's own summary in `bmk_…/`: seconds → ms, TP GPUs stated in the file.
    let bmk = run_under(&ds, "kimik2.7_tp4_conc*");
    assert!(
        matches!(bmk.gpus_from, Some(GpuSource::ResultFile { .. })),
        "{:?}",
        bmk.gpus_from
    );
    assert_eq!(bmk.gpus.total(), Some(4));
    let p = &bmk.points[0];
    assert_eq!(p.tool, "inferencex-json");
    assert_eq!(p.concurrency, Some(4));
    assert_eq!(p.output_throughput, Some(162.62426));
    assert_eq!(p.total_token_throughput, Some(12396.84057));
    assert_eq!(p.duration_s, Some(3625.94128));
    assert_eq!(p.completed, Some(547));
    assert_eq!(p.num_prompts, Some(552));
    assert!((p.ttft_ms.mean.unwrap() - 12695.26).abs() < 1e-6);
    assert!((p.ttft_ms.median.unwrap() - 5834.38).abs() < 1e-6);
    assert!((p.tpot_ms.p90.unwrap() - 27.19).abs() < 1e-6);
    assert_eq!(p.ttft_ms.p99, None, "the file has no p99");
    assert_eq!(p.reported_output_tps_per_gpu, Some(40.65606));
    assert_eq!(p.invalid, None);
}

/// The InferenceX point folder's vLLM server log belongs to the AIPerf run beside it (its key
/// is the masked sweep `…_conc*_…`), and the AIPerf window lands on the log's axis although
/// vLLM's `MM-DD` stamps state no year.
#[test]
fn inferencex_server_log_joins_its_run_and_the_benchmark_window_lands_on_it() {
    use runlens_core::analysis::windows::{benchmark_windows, steady_state};
    let ds = load("SemiAnalysisAI__InferenceX__tp4_sweep_29003473063");
    let aiperf = run_under(&ds, "agentic_kimik2.7_tp4_conc*");
    let logs: Vec<_> = ds
        .worker_logs
        .iter()
        .filter(|l| l.run_key == aiperf.key)
        .collect();
    assert!(
        logs.iter().any(|l| l.log.path.ends_with("/server.log")),
        "the server log is the run's: {:?}",
        logs.iter().map(|l| &l.log.path).collect::<Vec<_>>()
    );
    let windows = benchmark_windows(&ds, &aiperf.key);
    assert_eq!(windows.len(), 1);
    let w = &windows[0];
    let p = &aiperf.points[0];
    assert_eq!(w.concurrency, Some(4));
    // AIPerf's window starts at its `start_time` and lasts its benchmark duration; the server
    // log starts a little before (model load and warm-up).
    assert!((w.end_s - w.start_s - p.duration_s.unwrap()).abs() < 1e-6);
    assert!(w.start_s > 0.0 && w.start_s < 600.0, "{w:?}");
    assert!(!w.in_flight.is_empty());
    let s = steady_state(w, 0.9).unwrap();
    assert!(s.start_s >= w.start_s && s.end_s <= w.end_s, "{s:?}");
    assert_eq!(s.peak_in_flight, 4.0);
}
