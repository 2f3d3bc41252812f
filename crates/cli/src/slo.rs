//! The `slo` printer: every point judged against a service-level objective, and each run's
//! fastest point that meets it. The core judges (`analysis::slo`); this module lays it out.

use std::io::{self, Write};

use runlens_core::analysis::slo::{best_under_slo, evaluate, Slo, SloBasis};
use runlens_core::Dataset;
use serde_json::json;

use crate::cli::ReportFormat;
use crate::table::{self, number};

fn basis_text(basis: &SloBasis) -> String {
    match basis {
        SloBasis::Requests {
            requests,
            server_side: false,
        } => format!("{requests} requests"),
        SloBasis::Requests {
            requests,
            server_side: true,
        } => format!("{requests} server-side requests (scheduler per_request.csv)"),
        SloBasis::Percentile { percentile } => format!("summary p{percentile}"),
        SloBasis::Unknown => "nothing to judge by".into(),
    }
}

/// The objective in words: "TTFT <= 2000 ms, TPOT <= 50 ms, for 90 % of requests".
pub fn objective_text(slo: &Slo) -> String {
    let limits: Vec<String> = slo
        .limits()
        .map(|(name, v)| format!("{name} <= {v} ms"))
        .collect();
    format!(
        "{}, for {} % of requests",
        limits.join(", "),
        slo.attainment * 100.0
    )
}

pub fn write(ds: &Dataset, slo: &Slo, format: ReportFormat, out: &mut dyn Write) -> io::Result<()> {
    match format {
        ReportFormat::Json => {
            let runs: Vec<serde_json::Value> = ds
                .runs
                .iter()
                .map(|run| {
                    let best = best_under_slo(run, slo);
                    json!({
                        "run": run.label(),
                        "best": best.map(|i| json!({
                            "concurrency": run.points[i].concurrency,
                            "request_rate": run.points[i].request_rate,
                            "output_throughput": run.points[i].output_throughput,
                        })),
                        "points": run.points.iter().map(|p| {
                            let r = evaluate(p, slo);
                            json!({
                                "concurrency": p.concurrency,
                                "request_rate": p.request_rate,
                                "output_throughput": p.output_throughput,
                                "meets": r.meets,
                                "attainment": r.attainment,
                                "goodput_rps": r.goodput_rps,
                                "basis": r.basis,
                            })
                        }).collect::<Vec<_>>(),
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &json!({ "slo": slo, "runs": runs }))?;
            writeln!(out)
        }
        ReportFormat::Text => {
            writeln!(out, "SLO: {}", objective_text(slo))?;
            for run in &ds.runs {
                writeln!(out)?;
                writeln!(out, "{}", run.label())?;
                let best = best_under_slo(run, slo);
                let mut lines = vec![[
                    "concurrency",
                    "output tok/s",
                    "attainment %",
                    "goodput req/s",
                    "meets",
                    "basis",
                    "",
                ]
                .map(str::to_owned)
                .to_vec()];
                for (i, p) in run.points.iter().enumerate() {
                    let r = evaluate(p, slo);
                    lines.push(vec![
                        p.concurrency.map_or("-".into(), |c| c.to_string()),
                        number(p.output_throughput, 1),
                        number(r.attainment.map(|a| a * 100.0), 1),
                        number(r.goodput_rps, 3),
                        match r.meets {
                            Some(true) => "yes".into(),
                            Some(false) => "no".into(),
                            None => "can't tell".into(),
                        },
                        basis_text(&r.basis),
                        if best == Some(i) {
                            "<- best".into()
                        } else {
                            String::new()
                        },
                    ]);
                }
                out.write_all(table::aligned(&lines).as_bytes())?;
                if best.is_none() {
                    writeln!(out, "no point of this run meets the SLO")?;
                }
            }
            Ok(())
        }
    }
}
