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
        Some(view! {
            <div id="notices">
                {(n_incomplete > 0).then(|| view! { <div class="notice warn" id="notice-incomplete"><ul>{incomplete}</ul></div> })}
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
