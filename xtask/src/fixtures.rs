//! `cargo xtask fixtures`: deterministic synthetic runs with known ground truth.
//!
//! Writes `fixtures/demo/runs/` (three runs: a G2 disaggregated run, a G2 aggregated run and a
//! G1 run with one concurrency missing), the same tree as `demo-runs.tar.gz` and
//! `demo-runs.zip` (the app bundles the tar.gz as its demo), and `expected.json` with the numbers
//! every reader must get back. Numbers follow a simple serving model so charts look plausible:
//! TPOT grows with concurrency, throughput saturates.

use std::io::Write;
use std::path::Path;

use serde_json::{json, Value};

use crate::{root, Result};

/// One synthetic run: where it lives and what it contains.
struct SyntheticRun {
    /// Path under `runs/`.
    dir: &'static str,
    metadata_name: &'static str,
    metadata: Value,
    results_dir: &'static str,
    /// File name for a concurrency.
    file_name: fn(u32) -> String,
    concurrencies: &'static [u32],
    /// Concurrencies listed in metadata but without a result file.
    missing: &'static [u32],
    gpus: u32,
    /// TPOT (ms) = base + growth × concurrency^0.7 (batching makes the Pareto curve bend).
    tpot: (f64, f64),
    isl: u32,
    osl: u32,
}

fn runs() -> Vec<SyntheticRun> {
    vec![
        SyntheticRun {
            dir: "outputs/4242001",
            metadata_name: "4242001.json",
            metadata: json!({
                "version": "2.0", "orchestrator": true, "job_id": "4242001", "job_name": "demo-disagg",
                "generated_at": "2026-05-12 08:30:00",
                "model": {"path": "/models/DeepSeek-R1", "container": "sglang+v0.5.9-cu130", "precision": "fp4"},
                "resources": {"gpu_type": "gb200", "gpus_per_node": 4, "prefill_nodes": 1, "decode_nodes": 2,
                    "agg_nodes": null, "prefill_workers": 1, "decode_workers": 2, "agg_workers": 0,
                    "gpus_per_prefill": 4, "gpus_per_decode": 4, "gpus_per_agg": null},
                "backend_type": "sglang", "frontend_type": "dynamo",
                "benchmark": {"type": "sa-bench", "isl": 8192, "osl": 1024},
                "tags": ["demo"]
            }),
            results_dir: "logs/sa-bench_isl_8192_osl_1024",
            file_name: |c| format!("results_concurrency_{c}_gpus_12_ctx_4_gen_8.json"),
            concurrencies: &[4, 16, 64, 128, 256],
            missing: &[],
            gpus: 12,
            tpot: (9.0, 0.6),
            isl: 8192,
            osl: 1024,
        },
        SyntheticRun {
            dir: "outputs/4242002",
            metadata_name: "4242002.json",
            metadata: json!({
                "version": "2.0", "orchestrator": true, "job_id": "4242002", "job_name": "demo-agg",
                "generated_at": "2026-05-13 10:00:00",
                "model": {"path": "/models/DeepSeek-R1", "container": "sglang+v0.5.9-cu130", "precision": "fp4"},
                "resources": {"gpu_type": "gb200", "gpus_per_node": 4, "prefill_nodes": null, "decode_nodes": null,
                    "prefill_workers": 0, "decode_workers": 0, "agg_workers": 2},
                "backend_type": "sglang",
                "benchmark": {"type": "sa-bench", "isl": 8192, "osl": 1024}
            }),
            results_dir: "logs/sa-bench_isl_8192_osl_1024",
            file_name: |c| format!("results_concurrency_{c}_gpus_8.json"),
            concurrencies: &[4, 16, 64, 128],
            missing: &[],
            // No agg_nodes and no gpus_per_agg (pre-2026-04-21 metadata): GPUs come from the file names.
            gpus: 8,
            tpot: (11.0, 1.0),
            isl: 8192,
            osl: 1024,
        },
        SyntheticRun {
            dir: "3667_1P_4D_20251110_192145",
            metadata_name: "3667.json",
            metadata: json!({
                "version": "1.0", "generated_at": "2025-11-10 19:21:45",
                "run_metadata": {"slurm_job_id": "3667", "run_date": "20251110_192145", "job_name": "demo-g1",
                    "container": "/lustre/user+sglang-v0.5.4.sqsh", "gpus_per_node": 4, "gpu_type": "h100",
                    "mode": "disaggregated", "prefill_nodes": 1, "decode_nodes": 4, "prefill_workers": 1, "decode_workers": 4},
                "profiler_metadata": {"type": "sa-bench", "isl": "1024", "osl": "1024", "concurrencies": "16x32x64x128", "req-rate": "inf"},
                "tags": []
            }),
            results_dir: "sa-bench_isl_1024_osl_1024",
            file_name: |c| {
                format!("isl_1024_osl_1024_concurrency_{c}_req_rate_inf_ctx4_gen16.json")
            },
            concurrencies: &[16, 32, 64],
            missing: &[128],
            gpus: 20,
            tpot: (14.0, 1.5),
            isl: 1024,
            osl: 1024,
        },
    ]
}

/// The result JSON of one concurrency, with its ground-truth derived numbers.
fn result(run: &SyntheticRun, c: u32) -> (Value, Value) {
    let tpot = run.tpot.0 + run.tpot.1 * f64::from(c).powf(0.7);
    let tps_per_user = 1000.0 / tpot;
    let output_tps = tps_per_user * f64::from(c) * 0.92;
    let completed = c * 10;
    let duration = f64::from(completed * run.osl) / output_tps;
    let total_tps = output_tps * f64::from(run.isl + run.osl) / f64::from(run.osl);
    let ttft = 120.0 + 4.0 * f64::from(c);
    let n = 3.min(completed) as usize;
    let body = json!({
        "date": "20260512-083000", "backend": "sglang-oai", "model_id": "/models/DeepSeek-R1",
        "tokenizer_id": "/models/DeepSeek-R1", "best_of": 1, "num_prompts": completed,
        "request_rate": "inf", "burstiness": 1.0, "max_concurrency": c,
        "duration": duration, "completed": completed,
        "total_input_tokens": completed * run.isl, "total_output_tokens": completed * run.osl,
        "request_throughput": f64::from(completed) / duration, "request_goodput:": null,
        "output_throughput": output_tps, "total_token_throughput": total_tps,
        "input_lens": vec![run.isl; n], "output_lens": vec![run.osl; n],
        "ttfts": vec![ttft / 1000.0; n], "itls": vec![vec![tpot / 1000.0; 2]; n],
        "generated_texts": vec![""; n], "errors": vec![""; n],
        "mean_ttft_ms": ttft, "median_ttft_ms": ttft * 0.95, "std_ttft_ms": ttft * 0.1, "p99_ttft_ms": ttft * 1.8,
        "mean_tpot_ms": tpot, "median_tpot_ms": tpot * 0.98, "std_tpot_ms": 0.4, "p99_tpot_ms": tpot * 1.3,
        "mean_itl_ms": tpot, "median_itl_ms": tpot * 0.97, "std_itl_ms": 1.1, "p99_itl_ms": tpot * 2.0,
        "mean_e2el_ms": ttft + tpot * f64::from(run.osl), "median_e2el_ms": ttft + tpot * f64::from(run.osl),
        "std_e2el_ms": 50.0, "p99_e2el_ms": (ttft + tpot * f64::from(run.osl)) * 1.2
    });
    let truth = json!({
        "concurrency": c,
        "output_throughput": output_tps,
        "output_tps_per_gpu": output_tps / f64::from(run.gpus),
        "output_tps_per_user": tps_per_user,
        "mean_tpot_ms": tpot,
    });
    (body, truth)
}

fn write(path: &Path, bytes: &[u8]) -> Result {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// Files of the demo tree as `(path under runs/, bytes)`, plus the ground truth.
fn demo_files() -> (Vec<(String, Vec<u8>)>, Value) {
    let mut files = Vec::new();
    let mut truth_runs = Vec::new();
    for run in runs() {
        let pretty = |v: &Value| serde_json::to_vec_pretty(v).unwrap_or_default();
        files.push((
            format!("{}/{}", run.dir, run.metadata_name),
            pretty(&run.metadata),
        ));
        let mut points = Vec::new();
        for &c in run.concurrencies {
            let (body, truth) = result(&run, c);
            files.push((
                format!("{}/{}/{}", run.dir, run.results_dir, (run.file_name)(c)),
                body.to_string().into_bytes(),
            ));
            points.push(truth);
        }
        let job_id = run.metadata_name.trim_end_matches(".json");
        truth_runs.push(json!({
            "job_id": job_id, "gpus": run.gpus, "points": points, "missing_concurrencies": run.missing,
        }));
    }
    (files, json!({ "runs": truth_runs }))
}

fn tar_gz(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>> {
    let gz = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::best());
    let mut tar = tar::Builder::new(gz);
    for (path, bytes) in files {
        let mut header = tar::Header::new_ustar();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_cksum();
        tar.append_data(&mut header, format!("runs/{path}"), bytes.as_slice())
            .map_err(|e| e.to_string())?;
    }
    tar.into_inner()
        .and_then(|gz| gz.finish())
        .map_err(|e| e.to_string())
}

fn zip(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (path, bytes) in files {
        zip.start_file(format!("runs/{path}"), options)
            .map_err(|e| e.to_string())?;
        zip.write_all(bytes).map_err(|e| e.to_string())?;
    }
    zip.finish()
        .map(|c| c.into_inner())
        .map_err(|e| e.to_string())
}

pub fn write_all() -> Result {
    let dir = root().join("fixtures/demo");
    let _ = std::fs::remove_dir_all(dir.join("runs"));
    let (files, truth) = demo_files();
    for (path, bytes) in &files {
        write(&dir.join("runs").join(path), bytes)?;
    }
    write(&dir.join("demo-runs.tar.gz"), &tar_gz(&files)?)?;
    write(&dir.join("demo-runs.zip"), &zip(&files)?)?;
    write(
        &dir.join("expected.json"),
        &serde_json::to_vec_pretty(&truth).map_err(|e| e.to_string())?,
    )?;
    println!("wrote {} files under {}", files.len() + 3, dir.display());
    Ok(())
}
