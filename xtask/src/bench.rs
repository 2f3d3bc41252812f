//! `cargo xtask bench`: the budgets of DESIGN.md that can be measured natively — worker-log
//! parse throughput on a generated 100 MB SGLang log (release build) — printed as a table and
//! written to `target/bench.json`. Timing is noisy on shared machines: run it more than once.

use std::process::Command;

use crate::{output, root, Result};

/// The floor and DESIGN.md's target, MB/s on one core.
const FLOOR_MB_S: f64 = 300.0;
const TARGET_MB_S: f64 = 500.0;

pub fn bench() -> Result {
    let mut runs = Vec::new();
    for _ in 0..3 {
        let report = output(Command::new("cargo").args([
            "run",
            "--quiet",
            "--release",
            "-p",
            "runlens-cli",
            "--",
            "bench",
            "--mb",
            "100",
        ]))
        .ok_or("runlens bench failed")?;
        let v: serde_json::Value =
            serde_json::from_str(report.trim()).map_err(|e| format!("bench output: {e}"))?;
        runs.push(v);
    }
    let best = runs
        .iter()
        .filter_map(|r| r["mb_per_s"].as_f64())
        .fold(0.0, f64::max);
    println!(
        "{:<44} {:>10} {:>10} {:>10}",
        "benchmark", "MB/s", "floor", "target"
    );
    println!(
        "{:<44} {best:>10.1} {FLOOR_MB_S:>10} {TARGET_MB_S:>10}",
        "worker-log parse, native, 1 core (best of 3)"
    );
    let sched = runs
        .iter()
        .filter_map(|r| r["scheduler_csv_mb_per_s"].as_f64())
        .fold(0.0, f64::max);
    println!(
        "{:<44} {sched:>10.1} {:>10} {:>10}",
        "scheduler CSV stream, native (best of 3)", "–", "–"
    );
    let json = serde_json::json!({ "worker_log_parse_mb_s": best, "scheduler_csv_mb_s": sched, "runs": runs, "floor_mb_s": FLOOR_MB_S, "target_mb_s": TARGET_MB_S });
    let path = root().join("target/bench.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&json).unwrap_or_default())
        .map_err(|e| format!("{}: {e}", path.display()))?;
    println!("written to {}", path.display());
    if best < FLOOR_MB_S {
        return Err(format!(
            "worker-log parsing at {best:.1} MB/s is below the {FLOOR_MB_S} MB/s floor"
        ));
    }
    Ok(())
}
