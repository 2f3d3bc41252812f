//! Notices above the tabs: incomplete runs with their missing concurrencies, skipped runs and
//! profiling runs with their reasons — what the reference dashboard warns about, never hidden.

use crate::data::DatasetRef;
use leptos::prelude::*;

#[component]
pub fn Notices(dataset: Signal<Option<DatasetRef>>) -> impl IntoView {
    move || {
        let ds = dataset.get()?;
        let incomplete = ds
            .runs
            .iter()
            .filter_map(|r| r.missing_label().map(|m| view! { <li>{format!("Job {} is incomplete — missing concurrencies: {m}", r.job_id.value)}</li> }))
            .collect_view();
        let n_incomplete = ds
            .runs
            .iter()
            .filter(|r| !r.missing_concurrencies.is_empty())
            .count();
        let (profiling, skipped): (Vec<_>, Vec<_>) = ds
            .skipped
            .iter()
            .partition(|s| s.reason == runlens_core::model::SkipReason::ProfilingJob);
        let list = |runs: Vec<&runlens_core::model::SkippedRun>| {
            runs.into_iter()
                .map(
                    |s| view! { <li>{format!("Job {} ({}): {}", s.job_id, s.root, s.reason)}</li> },
                )
                .collect_view()
        };
        let (n_profiling, n_skipped) = (profiling.len(), skipped.len());
        let invalid: Vec<String> = ds
            .runs
            .iter()
            .flat_map(|r| r.points.iter().map(move |p| (r, p)))
            .filter_map(|(r, p)| {
                let why = p.invalid.as_ref()?;
                let at = p.concurrency.map_or_else(|| "?".into(), |c| c.to_string());
                Some(format!(
                    "Job {} at concurrency {at}: {why} ({})",
                    r.job_id.value, p.source
                ))
            })
            .collect();
        let findings: Vec<String> = ds
            .runs
            .iter()
            .flat_map(|r| r.findings.iter().map(move |f| format!("Job {}: {f}", r.job_id.value)))
            .chain(ds.runs.iter().filter(|r| r.gpus.total().is_none()).map(|r| {
                format!(
                    "Job {}: no GPU count (no metadata, recipe, launch command with --tensor-parallel-size/--tp, result field or `tp4`/`gpus_16` name token), so it has no per-GPU throughput and is not on the Pareto chart",
                    r.job_id.value
                )
            }))
            .collect();
        let items = |v: Vec<String>| v.into_iter().map(|t| view! { <li>{t}</li> }).collect_view();
        let (n_invalid, n_findings) = (invalid.len(), findings.len());
        Some(view! {
            <div id="notices">
                {(n_incomplete > 0).then(|| view! { <div class="notice warn" id="notice-incomplete"><ul>{incomplete}</ul></div> })}
                {(n_invalid > 0).then(|| view! {
                    <details class="notice warn" id="notice-invalid"><summary>{format!("{n_invalid} invalid point(s) left out of the Pareto frontier (tick \"invalid points\" to show them)")}</summary><ul>{items(invalid)}</ul></details>
                })}
                {(n_findings > 0).then(|| view! {
                    <details class="notice warn" id="notice-findings"><summary>{format!("{n_findings} finding(s) about runs")}</summary><ul>{items(findings)}</ul></details>
                })}
                {(n_skipped > 0).then(|| view! {
                    <details class="notice" id="notice-skipped"><summary>{format!("{n_skipped} run(s) skipped (no benchmark data)")}</summary><ul>{list(skipped)}</ul></details>
                })}
                {(n_profiling > 0).then(|| view! {
                    <details class="notice" id="notice-profiling"><summary>{format!("{n_profiling} profiling run(s)")}</summary><ul>{list(profiling)}</ul></details>
                })}
            </div>
        })
    }
}
