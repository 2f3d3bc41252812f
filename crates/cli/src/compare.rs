//! `runlens compare BASELINE CANDIDATE...`: the comparison of core's `analysis::compare` printed as
//! text (tables), JSON, Markdown or CSV. Core decides every number and verdict; this module
//! only lays them out.

use std::io::{self, Write};

use runlens_core::analysis::compare::{report, Comparison};

use crate::cli::CompareFormat;
use crate::table::aligned;

/// Every candidate's comparison with the baseline; one candidate prints exactly as before (a JSON
/// object), several as a JSON array, one CSV with a `candidate` column, one Markdown summary
/// with an overview, or text sections after an overview table.
pub fn write(cs: &[Comparison], format: CompareFormat, out: &mut dyn Write) -> io::Result<()> {
    match (format, cs) {
        (CompareFormat::Json, [one]) => {
            serde_json::to_writer_pretty(&mut *out, one)?;
            writeln!(out)
        }
        (CompareFormat::Json, _) => {
            serde_json::to_writer_pretty(&mut *out, cs)?;
            writeln!(out)
        }
        (CompareFormat::Markdown, _) => out.write_all(report::to_markdown_many(cs).as_bytes()),
        (CompareFormat::Csv, _) => out.write_all(report::to_csv_many(cs).as_bytes()),
        (CompareFormat::Text, [one]) => text(one, out),
        (CompareFormat::Text, _) => {
            out.write_all(aligned(&report::overview(cs)).as_bytes())?;
            for c in cs {
                writeln!(out, "\n== candidate {} ==", c.candidate.label)?;
                text(c, out)?;
            }
            Ok(())
        }
    }
}

fn text(c: &Comparison, out: &mut dyn Write) -> io::Result<()> {
    use runlens_core::analysis::compare::Verdict::*;
    writeln!(
        out,
        "baseline:  {} ({} runs, {} points)\ncandidate: {} ({} runs, {} points)",
        c.baseline.label,
        c.baseline.runs.len(),
        c.baseline.points,
        c.candidate.label,
        c.candidate.runs.len(),
        c.candidate.points
    )?;
    writeln!(
        out,
        "verdicts:  {} better, {} worse, {} unchanged, {} can't tell (99 % intervals)\n",
        c.count(Better),
        c.count(Worse),
        c.count(Unchanged),
        c.count(CantTell)
    )?;
    if c.rows.is_empty() {
        writeln!(out, "no point of the candidate matches a point of the baseline (concurrency and request rate)")?;
    } else {
        out.write_all(aligned(&report::table(c)).as_bytes())?;
    }
    for u in &c.unmatched {
        writeln!(out, "only in the {}: {}", u.side, u.point)?;
    }
    let k = &c.curves;
    writeln!(out)?;
    match (k.shared_range, k.ratio_geomean) {
        (Some((lo, hi)), Some(g)) => {
            writeln!(
                out,
                "Pareto (Output TPS/GPU over TPS/User), shared TPS/User {}..{}: candidate/baseline ×{:.3} (geometric mean), ×{:.3}..×{:.3}",
                report::human(lo),
                report::human(hi),
                g,
                k.ratio_min.unwrap_or(f64::NAN),
                k.ratio_max.unwrap_or(f64::NAN)
            )?;
            writeln!(out, "{}", report::height_text(c))?;
        }
        _ => writeln!(
            out,
            "Pareto: the frontiers share no TPS/User range (or a side has no GPU count / TPOT)"
        )?,
    }
    if let Some((x, ratio)) = k.at {
        match ratio {
            Some(r) => writeln!(out, "at TPS/User {}: ×{r:.3}", report::human(x))?,
            None => writeln!(out, "at TPS/User {}: outside a frontier", report::human(x))?,
        }
    }
    if !c.config.is_empty() {
        writeln!(
            out,
            "\nconfiguration that differs ({} settings equal):",
            c.config_same
        )?;
        let mut rows = vec![vec![
            "setting".to_owned(),
            "baseline".into(),
            "candidate".into(),
        ]];
        for d in &c.config {
            rows.push(vec![
                format!("{} {}", d.category, d.name),
                d.baseline.clone().unwrap_or_else(|| "(unset)".into()),
                d.candidate.clone().unwrap_or_else(|| "(unset)".into()),
            ]);
        }
        out.write_all(aligned(&rows).as_bytes())?;
    }
    Ok(())
}
