//! `runlens report PATH... -o report.html [--redact KINDS]`: the same self-contained report the
//! page's "Save report" writes — the one-file app with the (optionally redacted) dataset
//! embedded — so a benchmark job on a cluster can attach one file to its results.
//!
//! The one-file app is found, in this order, at `$RUNLENS_APP`, as `runlens.html` next to the
//! `runlens` binary, or in the `dist/` of the source tree the binary was built from
//! (`cargo xtask build` writes it); a clear error names all three when none exists.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use base64::Engine;
use runlens_core::analysis::redact::{self, RedactKind, Redaction};
use runlens_core::Dataset;

/// Where the one-file app may be.
fn app_candidates() -> Vec<PathBuf> {
    let mut c = Vec::new();
    if let Some(p) = std::env::var_os("RUNLENS_APP") {
        c.push(PathBuf::from(p));
    }
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(PathBuf::from))
    {
        c.push(dir.join("runlens.html"));
    }
    c.push(PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../dist/runlens.html"
    )));
    c
}

fn one_file_app() -> Result<String> {
    let candidates = app_candidates();
    for p in &candidates {
        if let Ok(text) = std::fs::read_to_string(p) {
            return Ok(text);
        }
    }
    let tried: Vec<String> = candidates.iter().map(|p| p.display().to_string()).collect();
    bail!(
        "the one-file app runlens.html was not found (tried {}); build it with `cargo xtask build` or point RUNLENS_APP at it",
        tried.join(", ")
    )
}

/// The report's HTML: `app` with the dataset block (and the view `hash`) before `</head>`.
pub fn embed(app: &str, dataset: &[u8], hash: &str) -> Result<String> {
    let at = app
        .rfind("</head>")
        .context("the one-file app has no </head>: not a runlens.html")?;
    let escaped: String = hash
        .chars()
        .map(|c| match c {
            '&' => "&amp;".into(),
            '"' => "&quot;".into(),
            '<' => "&lt;".into(),
            '>' => "&gt;".into(),
            c => c.to_string(),
        })
        .collect();
    let b64 = base64::engine::general_purpose::STANDARD.encode(dataset);
    Ok(format!(
        "{}<script type=\"application/octet-stream\" id=\"runlens-report-dataset\" data-hash=\"{escaped}\">{b64}</script>\n{}",
        app.get(..at).unwrap_or(app),
        app.get(at..).unwrap_or("")
    ))
}

/// Redact `ds` as asked; the redactions made, for the user to see.
pub fn redacted(ds: &Dataset, kinds: &[RedactKind]) -> (Dataset, Vec<Redaction>) {
    if kinds.is_empty() {
        return (ds.clone(), Vec::new());
    }
    let plan = redact::plan(ds, kinds);
    (redact::apply(ds, &plan), plan)
}

/// The whole report for `ds`.
pub fn report_html(ds: &Dataset, hash: &str) -> Result<String> {
    embed(
        &one_file_app()?,
        &runlens_core::ingest::saved::save_dataset(ds),
        hash,
    )
}
