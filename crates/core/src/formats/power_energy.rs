//! srt-slurm power/energy reports: the terminal `logs/power_energy_report.json` (a JSON array,
//! one object per concurrency point), the incremental `logs/power_energy_report.jsonl` (one
//! object a line) and `power_energy_c{N}.json` written beside each result (one object). They
//! carry energy only; discovery copies it onto the run's point of the same concurrency.
//!
//! Producer source read (NVIDIA/srt-slurm): `src/srtctl/analysis/power_energy_report.py`
//! (`report_to_dict`, `ConcurrencyReport`), `src/srtctl/analysis/incremental_power.py`
//! (`IncrementalPowerEmitter._write`: the same dict plus `schema_version: 1`, `emitted_at_unix`).
//!
//! Shape: `{"benchmark_type": "sa-bench"|"aiperf", "concurrency": 4, "start_unix", "end_unix",
//! "output_tokens", "input_tokens", "cpu_total_joules", "gpu_total_joules",
//! "combined_total_joules", "joules_per_output_token", "joules_per_total_token",
//! "perf_per_watt": {"output_tokens_per_second", "gpu_avg_power_w", "combined_avg_power_w",
//! "output_tokens_per_second_per_gpu_watt", …}, "timing", "cpu_per_socket", "gpu_per_device",
//! "warnings", …}`. `joules_per_output_token` counts the CPU and GPU legs that were measured;
//! `gpu_avg_power_w` and the per-watt rates are GPU-only and `null` without GPU samples.

use serde_json::Value;

use super::{Format, Record};
use crate::model::{EnergyReport, FormatError};
use crate::text::paths::file_name;

pub struct PowerEnergy;

/// The report's rank by file name (see [`EnergyReport::rank`]), `None` when not one of them.
fn rank(path: &str) -> Option<u8> {
    let name = file_name(path);
    if name == "power_energy_report.json" {
        Some(0)
    } else if name == "power_energy_report.jsonl" {
        Some(2)
    } else {
        let n = name.strip_prefix("power_energy_c")?.strip_suffix(".json")?;
        (!n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())).then_some(1)
    }
}

fn report(path: &str, rank: u8, v: &Value) -> Option<EnergyReport> {
    let concurrency = v
        .get("concurrency")
        .and_then(Value::as_u64)
        .and_then(|c| u32::try_from(c).ok())?;
    let f = |p: &str| {
        v.pointer(p)
            .and_then(Value::as_f64)
            .filter(|x| x.is_finite())
    };
    Some(EnergyReport {
        path: path.to_owned(),
        concurrency,
        benchmark_type: v
            .get("benchmark_type")
            .and_then(Value::as_str)
            .map(str::to_owned),
        joules_per_output_token: f("/joules_per_output_token"),
        gpu_avg_power_w: f("/perf_per_watt/gpu_avg_power_w"),
        output_tps_per_gpu_watt: f("/perf_per_watt/output_tokens_per_second_per_gpu_watt"),
        rank,
    })
}

impl Format for PowerEnergy {
    fn name(&self) -> &'static str {
        "srt-power-energy"
    }

    fn describes(&self) -> &'static str {
        "srt-slurm power_energy_report.json(l) / power_energy_c{N}.json (energy per point)"
    }

    fn sniff(&self, path: &str, _head: &[u8]) -> bool {
        rank(path).is_some()
    }

    fn parse(&self, path: &str, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), FormatError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(FormatError::Empty);
        }
        let rank = rank(path).unwrap_or(1);
        let values: Vec<Value> = if rank == 2 {
            let mut values = Vec::new();
            for line in bytes.split(|b| *b == b'\n') {
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                // A torn last line (the emitter appends while running) ends the file.
                match serde_json::from_slice(line) {
                    Ok(v) => values.push(v),
                    Err(_) => break,
                }
            }
            values
        } else {
            match serde_json::from_slice(bytes)? {
                Value::Array(a) => a,
                v => vec![v],
            }
        };
        let before = out.len();
        for v in &values {
            if let Some(r) = report(path, rank, v) {
                out.push(Record::Energy(Box::new(r)));
            }
        }
        if out.len() == before {
            return Err(FormatError::Shape {
                expected: "power/energy reports with a `concurrency`",
                found: format!("{} objects without one", values.len()),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Synthetic, shaped after `report_to_dict` (no public sample of these files was found).
    pub(crate) const C4: &str = r#"{"benchmark_type": "sa-bench", "concurrency": 4,
        "start_unix": 1000.0, "end_unix": 1100.0, "output_tokens": 50000.0, "input_tokens": 400000.0,
        "cpu_total_joules": 0.0, "gpu_total_joules": 70000.0, "combined_total_joules": 70000.0,
        "joules_per_output_token": 1.4, "joules_per_total_token": 0.1556,
        "perf_per_watt": {"output_tokens_per_second": 500.0, "total_tokens_per_second": 4500.0,
          "gpu_avg_power_w": 700.0, "combined_avg_power_w": null,
          "output_tokens_per_second_per_gpu_watt": 0.7143, "output_tokens_per_second_per_combined_watt": null},
        "warnings": ["combined perf/W unavailable: no CPU power leg in this run (GPU-only figures reported)"],
        "schema_version": 1, "emitted_at_unix": 1101.5}"#;

    #[test]
    fn every_file_of_the_report_reads() {
        let array = format!("[{C4}]");
        let lines = format!(
            "{}\n{}\n{{\"concur",
            C4.replace('\n', " "),
            C4.replace('\n', " ")
        );
        for (path, text, n) in [
            ("o/1/logs/power_energy_report.json", array.as_str(), 1),
            ("o/1/logs/power_energy_report.jsonl", lines.as_str(), 2),
            ("o/1/logs/sa-bench_isl_1_osl_1/power_energy_c4.json", C4, 1),
        ] {
            let mut out = Vec::new();
            PowerEnergy.parse(path, text.as_bytes(), &mut out).unwrap();
            assert_eq!(out.len(), n, "{path}");
            let Some(Record::Energy(e)) = out.pop() else {
                panic!()
            };
            assert_eq!(e.concurrency, 4);
            assert_eq!(e.joules_per_output_token, Some(1.4));
            assert_eq!(e.gpu_avg_power_w, Some(700.0));
            assert_eq!(e.output_tps_per_gpu_watt, Some(0.7143));
        }
        assert!(!PowerEnergy.sniff("x/power_energy_cx.json", b"{"));
        for bad in ["", "[]", "{}", "[1, 2]", "{\"concurrency\": "] {
            let mut out = Vec::new();
            assert!(PowerEnergy
                .parse("power_energy_report.json", bad.as_bytes(), &mut out)
                .is_err());
        }
    }
}
