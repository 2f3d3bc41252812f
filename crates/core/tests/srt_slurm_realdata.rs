//! Real srt-slurm 2.x `schema: 2` recipes (`fixtures/realdata/srt-slurm/`), copied byte for
//! byte, each read as the `config.yaml` of a run directory beside one result file.

use std::path::PathBuf;

use runlens_core::model::{GpuSource, Provenance, Run, Topology};
use runlens_core::Ingest;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// The recipe as the `config.yaml` of run `outputs/9001`, beside one result of concurrency 4
/// (a generated sa-bench JSON, named as srt-slurm names it).
fn run_of(recipe: &str) -> Run {
    let recipe = std::fs::read(fixtures().join("realdata/srt-slurm").join(recipe)).unwrap();
    let result = std::fs::read(fixtures().join(
        "generations/runs/outputs/3003/logs/sa-bench_isl_8192_osl_1024/results_concurrency_4_gpus_12_ctx_4_gen_8.json",
    ))
    .unwrap();
    let mut ingest = Ingest::new();
    ingest.add_bytes("outputs/9001/config.yaml", &recipe);
    ingest.add_bytes(
        "outputs/9001/logs/sa-bench_isl_128_osl_128/results_concurrency_4.json",
        &result,
    );
    let mut ds = ingest.dataset();
    assert_eq!(ds.runs.len(), 1, "{:?}", ds.skipped);
    ds.runs.remove(0)
}

#[test]
fn a_real_schema_2_recipe_describes_its_run() {
    let run = &run_of("NVIDIA__srt-slurm__examples__sglang__sglang-router-disagg@23c4852.yaml");
    let topology = run.topology.as_ref().unwrap();
    assert_eq!(topology.value.label(), "1P/1D");
    assert_eq!(topology.from, Provenance::ConfigYaml);
    // `nodes: colocate`: decode reserves no node; one 8-GPU node, two 1-GPU workers.
    assert_eq!((run.nodes.prefill, run.nodes.decode), (Some(1), Some(0)));
    assert_eq!(
        (run.workers.prefill, run.workers.decode),
        (Some(1), Some(1))
    );
    assert_eq!(run.gpus_per_node, Some(8));
    assert_eq!(
        (run.gpus.node_based, run.gpus.worker_based),
        (Some(8), Some(2))
    );
    assert_eq!(run.gpus_from, Some(GpuSource::Recipe));
    assert_eq!(run.backend.as_deref(), Some("sglang"));
    assert_eq!(
        run.model.as_ref().map(|m| m.value.as_str()),
        Some("qwen3-0.6b")
    );
    assert_eq!(
        run.container.as_ref().map(|c| c.value.as_str()),
        Some("sglang")
    );
    assert_eq!(
        run.gpu_type.as_ref().map(|g| g.value.as_str()),
        Some("h100")
    );
    assert_eq!(
        (
            run.isl.as_ref().map(|v| v.value),
            run.osl.as_ref().map(|v| v.value)
        ),
        (Some(128), Some(128))
    );
    assert_eq!(
        run.job_name.as_deref(),
        Some("qwen3-0.6b-sglang-router-disagg")
    );
    assert_eq!(run.expected_concurrencies, vec![4, 8]);
    assert_eq!(run.missing_concurrencies, vec![8]);
    assert_eq!(run.points.len(), 1);
}

#[test]
fn a_real_aggregated_schema_2_recipe_with_an_engine_mapping() {
    let run = &run_of("NVIDIA__srt-slurm__examples__vllm__dynamo-agg@14e9358.yaml");
    assert_eq!(
        run.topology.as_ref().map(|t| t.value),
        Some(Topology::Aggregated { workers: 2 })
    );
    assert_eq!((run.nodes.agg, run.workers.agg), (Some(1), Some(2)));
    assert_eq!(
        (run.gpus.node_based, run.gpus.worker_based),
        (Some(4), Some(2))
    );
    assert_eq!(run.gpus_from, Some(GpuSource::Recipe));
    assert_eq!(run.backend.as_deref(), Some("vllm"));
    assert_eq!(
        run.gpu_type.as_ref().map(|g| g.value.as_str()),
        Some("gb200")
    );
    assert_eq!(run.expected_concurrencies, vec![4, 8]);
}
