//! The summary printer: the same facts as the web page's summary, as aligned text.

use runlens_core::model::Run;
use runlens_core::Dataset;

fn run_row(run: &Run) -> [String; 7] {
    let opt = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    [
        run.job_id.value.clone(),
        run.generation.label().to_owned(),
        opt(run.topology.as_ref().map(|t| t.value.label())),
        opt(run.gpus.total().map(|g| g.to_string())),
        opt(run.isl_osl_label()),
        run.points.len().to_string(),
        // No spaces inside a cell: scripts split these lines on whitespace.
        opt(run.missing_label().map(|m| m.replace(", ", ","))),
    ]
}

/// Render the whole summary.
pub fn render(ds: &Dataset) -> String {
    let points: usize = ds.runs.iter().map(|r| r.points.len()).sum();
    let mut out = format!(
        "runs: {}  points: {}  skipped: {}  unrecognized files: {}  files read: {}\n",
        ds.runs.len(),
        points,
        ds.skipped.len(),
        ds.unrecognized.len(),
        ds.files_seen
    );
    let header = [
        "RUN", "GEN", "TOPOLOGY", "GPUS", "ISL/OSL", "POINTS", "MISSING",
    ]
    .map(String::from);
    let rows: Vec<[String; 7]> = std::iter::once(header)
        .chain(ds.runs.iter().map(run_row))
        .collect();
    let widths: Vec<usize> = (0..7)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    if !ds.runs.is_empty() {
        for row in &rows {
            let line: Vec<String> = row
                .iter()
                .zip(&widths)
                .map(|(cell, w)| format!("{cell:<w$}"))
                .collect();
            out.push_str(line.join("  ").trim_end());
            out.push('\n');
        }
    }
    for s in &ds.skipped {
        out.push_str(&format!(
            "skipped: {} ({}): {}\n",
            s.job_id, s.root, s.reason
        ));
    }
    for u in &ds.unrecognized {
        out.push_str(&format!(
            "not understood: {} ({} bytes): {}\n",
            u.path, u.size, u.reason
        ));
    }
    out
}
