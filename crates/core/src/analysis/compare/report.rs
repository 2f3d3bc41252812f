//! A comparison written out: the table every printer shares (one row per matched point and
//! metric), its CSV (full precision, for spreadsheets), and the Markdown summary a user pastes
//! into a pull request or ticket (verdict counts, the curve summary, the rows with a verdict
//! other than "unchanged", the configuration that differs, and the basis of every verdict).

use std::fmt::Write;

use super::{Comparison, MetricComparison, Verdict, CONFIDENCE, MIN_EFFECT, UNCHANGED_MARGIN};

/// Column names of [`table`] and [`to_csv`].
pub const COLUMNS: [&str; 11] = [
    "point",
    "metric",
    "unit",
    "baseline",
    "candidate",
    "change",
    "interval_low",
    "interval_high",
    "min_detectable",
    "verdict",
    "basis",
];

/// A value for people: 4 significant digits, no exponent below a million.
pub fn human(v: f64) -> String {
    if !v.is_finite() {
        return if v.is_nan() {
            "-".into()
        } else {
            format!("{v}")
        };
    }
    let a = v.abs();
    if a >= 1e6 || (a > 0.0 && a < 1e-3) {
        format!("{v:.3e}")
    } else if a >= 100.0 {
        format!("{v:.1}")
    } else if a >= 10.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

/// A relative change as a signed percentage.
pub fn percent(v: f64) -> String {
    format!("{:+.1}%", v * 100.0)
}

fn opt(v: Option<f64>, f: fn(f64) -> String) -> String {
    v.map_or_else(|| "-".into(), f)
}

/// The interval as `[−1.2%, +3.4%]`.
pub fn interval(r: &MetricComparison) -> String {
    r.interval.map_or_else(
        || "-".into(),
        |(lo, hi)| format!("[{}, {}]", percent(lo), percent(hi)),
    )
}

/// Header and rows for an aligned text table.
pub fn table(c: &Comparison) -> Vec<Vec<String>> {
    let mut rows = vec![[
        "point",
        "metric",
        "baseline",
        "candidate",
        "change",
        "interval",
        "MDE",
        "verdict",
        "basis",
    ]
    .map(String::from)
    .to_vec()];
    for r in &c.rows {
        rows.push(vec![
            r.point.to_string(),
            format!("{} ({})", r.label, r.unit),
            opt(r.baseline, human),
            opt(r.candidate, human),
            opt(r.change, percent),
            interval(r),
            opt(r.min_detectable, |m| format!("{:.1}%", m * 100.0)),
            r.verdict.to_string(),
            r.basis.to_string(),
        ]);
    }
    rows
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// Every row at full precision (empty cells where missing).
pub fn to_csv(c: &Comparison) -> String {
    let mut out = COLUMNS.join(",");
    out.push('\n');
    let num = |v: Option<f64>| v.map_or_else(String::new, |v| v.to_string());
    for r in &c.rows {
        let cells = [
            r.point.to_string(),
            r.metric.to_string(),
            r.unit.to_string(),
            num(r.baseline),
            num(r.candidate),
            num(r.change),
            num(r.interval.map(|i| i.0)),
            num(r.interval.map(|i| i.1)),
            num(r.min_detectable),
            r.verdict.to_string(),
            r.basis.to_string(),
        ];
        let line: Vec<String> = cells.iter().map(|s| csv_field(s)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// The Markdown summary.
pub fn to_markdown(c: &Comparison) -> String {
    markdown_of(c, "##")
}

/// One line per candidate against the shared baseline: its verdict counts and the perf ruler's
/// geometric mean (header first).
pub fn overview(cs: &[Comparison]) -> Vec<Vec<String>> {
    let mut rows = vec![[
        "candidate",
        "better",
        "worse",
        "unchanged",
        "can't tell",
        "throughput at equal TPS/User",
    ]
    .map(String::from)
    .to_vec()];
    for c in cs {
        rows.push(vec![
            c.candidate.label.clone(),
            c.count(Verdict::Better).to_string(),
            c.count(Verdict::Worse).to_string(),
            c.count(Verdict::Unchanged).to_string(),
            c.count(Verdict::CantTell).to_string(),
            ruler_summary(c),
        ]);
    }
    rows
}

/// The curves' mean heights with their range and definition: `mean curve height (area ÷ width)
/// over TPS/User 20.0–60.0: 1130 vs 904 tok/s/GPU` (candidate first).
pub fn height_text(c: &Comparison) -> String {
    let k = &c.curves;
    match (
        k.height_range,
        k.mean_height_candidate,
        k.mean_height_baseline,
    ) {
        (Some((lo, hi)), Some(cand), Some(base)) => format!(
            "mean curve height (area ÷ width) over TPS/User {}–{}: {} vs {} tok/s/GPU",
            human(lo),
            human(hi),
            human(cand),
            human(base)
        ),
        _ => "no mean curve height: the chosen TPS/User range is outside the shared range".into(),
    }
}

/// `×1.083 over TPS/User 20.5–61.0`, or `-` when the frontiers share no range.
pub fn ruler_summary(c: &Comparison) -> String {
    let k = &c.curves;
    match (k.shared_range, k.ratio_geomean) {
        (Some((lo, hi)), Some(g)) => format!("×{g:.3} over TPS/User {}–{}", human(lo), human(hi)),
        _ => "-".into(),
    }
}

/// The CSV of several candidates against one baseline: [`to_csv`] of one, or its rows behind a
/// `candidate` column naming the candidate of each.
pub fn to_csv_many(cs: &[Comparison]) -> String {
    if let [one] = cs {
        return to_csv(one);
    }
    let mut out = format!("candidate,{}\n", COLUMNS.join(","));
    for c in cs {
        let label = csv_field(&c.candidate.label);
        for line in to_csv(c).lines().skip(1) {
            let _ = writeln!(out, "{label},{line}");
        }
    }
    out
}

/// The Markdown summary of several candidates against one baseline: [`to_markdown`] of one, or
/// an overview table followed by each candidate's summary.
pub fn to_markdown_many(cs: &[Comparison]) -> String {
    if let [one] = cs {
        return to_markdown(one);
    }
    let mut md = String::new();
    let base = cs.first().map_or("", |c| c.baseline.label.as_str());
    let _ = writeln!(
        md,
        "## runlens compare: {} candidates vs {}\n",
        cs.len(),
        md_cell(base)
    );
    let table = overview(cs);
    for (i, row) in table.iter().enumerate() {
        let cells: Vec<String> = row.iter().map(|c| md_cell(c)).collect();
        let _ = writeln!(md, "| {} |", cells.join(" | "));
        if i == 0 {
            md.push_str("|---|---:|---:|---:|---:|---|\n");
        }
    }
    md.push('\n');
    for c in cs {
        md.push_str(&markdown_of(c, "###"));
        md.push('\n');
    }
    md
}

fn markdown_of(c: &Comparison, heading: &str) -> String {
    let mut md = String::new();
    let _ = writeln!(
        md,
        "{heading} runlens compare: {} vs {}\n",
        md_cell(&c.candidate.label),
        md_cell(&c.baseline.label)
    );
    let _ = writeln!(
        md,
        "Baseline: {} ({} points). Candidate: {} ({} points).\n",
        md_cell(&c.baseline.runs.join(", ")),
        c.baseline.points,
        md_cell(&c.candidate.runs.join(", ")),
        c.candidate.points
    );
    let _ = writeln!(
        md,
        "**{} better, {} worse, {} unchanged, {} can't tell** over {} metric comparisons.\n",
        c.count(Verdict::Better),
        c.count(Verdict::Worse),
        c.count(Verdict::Unchanged),
        c.count(Verdict::CantTell),
        c.rows.len()
    );
    let k = &c.curves;
    if let (Some((lo, hi)), Some(g)) = (k.shared_range, k.ratio_geomean) {
        let _ = writeln!(
            md,
            "Pareto curves (Output TPS/GPU over TPS/User): over the shared TPS/User range {}–{}, \
             candidate/baseline throughput at equal interactivity is ×{:.3} (geometric mean; min ×{:.3}, max ×{:.3}); \
             {}.\n",
            human(lo),
            human(hi),
            g,
            k.ratio_min.unwrap_or(f64::NAN),
            k.ratio_max.unwrap_or(f64::NAN),
            height_text(c),
        );
    }
    let notable: Vec<&MetricComparison> = c
        .rows
        .iter()
        .filter(|r| r.verdict != Verdict::Unchanged)
        .collect();
    if !notable.is_empty() {
        md.push_str(
            "| point | metric | baseline | candidate | change | interval | verdict | basis |\n",
        );
        md.push_str("|---|---|---:|---:|---:|---|---|---|\n");
        for r in notable {
            let _ = writeln!(
                md,
                "| {} | {} ({}) | {} | {} | {} | {} | {} | {} |",
                r.point,
                r.label,
                r.unit,
                opt(r.baseline, human),
                opt(r.candidate, human),
                opt(r.change, percent),
                interval(r),
                if matches!(r.verdict, Verdict::Better | Verdict::Worse) {
                    format!("**{}**", r.verdict)
                } else {
                    r.verdict.to_string()
                },
                r.basis
            );
        }
        md.push('\n');
    }
    if !c.unmatched.is_empty() {
        let list: Vec<String> = c
            .unmatched
            .iter()
            .map(|u| format!("{} ({})", u.point, u.side))
            .collect();
        let _ = writeln!(md, "Points on one side only: {}.\n", list.join(", "));
    }
    if !c.config.is_empty() {
        md.push_str("| setting | baseline | candidate |\n|---|---|---|\n");
        for d in &c.config {
            let _ = writeln!(
                md,
                "| {} `{}` | {} | {} |",
                d.category,
                md_cell(&d.name),
                md_cell(d.baseline.as_deref().unwrap_or("(unset)")),
                md_cell(d.candidate.as_deref().unwrap_or("(unset)"))
            );
        }
        let _ = writeln!(
            md,
            "\n{} settings are the same on both sides.\n",
            c.config_same
        );
    }
    let _ = writeln!(
        md,
        "_Verdicts: intervals at {:.0}% confidence; better/worse when the whole interval is beyond ±{:.0}%, \
         unchanged when it lies within ±{:.0}%, otherwise can't tell. One summary per side gives no interval._",
        CONFIDENCE * 100.0,
        MIN_EFFECT * 100.0,
        UNCHANGED_MARGIN * 100.0
    );
    md
}
