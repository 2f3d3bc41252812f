//! Tables of what was loaded: runs found, each run's health lints (linked to file and line),
//! runs skipped (with reasons), files not understood and diagnostics — the same facts
//! `runlens summary` prints.

use crate::data::DatasetRef;
use leptos::prelude::*;
use runlens_core::analysis::health::lints_by_run;
use runlens_core::model::Severity;
use runlens_core::text::paths::file_name;

use super::worker_client::WorkerClient;
use crate::protocol::ToWorker;

fn or_dash(v: Option<String>) -> String {
    v.unwrap_or_else(|| "–".into())
}

#[component]
pub fn RunTable(dataset: Signal<Option<DatasetRef>>, client: WorkerClient) -> impl IntoView {
    move || {
        let Some(ds) = dataset.get() else {
            return ().into_any();
        };
        let runs = ds
            .runs
            .iter()
            .map(|r| {
                let isl_osl = or_dash(r.isl_osl_label());
                let missing = or_dash(r.missing_label());
                view! {
                    <tr>
                        <td title=r.root.clone()>{r.job_id.value.clone()}</td>
                        <td>{r.generation.label()}</td>
                        <td>{or_dash(r.topology.as_ref().map(|t| t.value.label()))}</td>
                        <td class="num" title=r.gpus_from.as_ref().map(|f| format!("from {f}")).unwrap_or_else(|| "no source states a GPU count".into())>
                            {or_dash(r.gpus.total().map(|g| g.to_string()))}</td>
                        <td>{isl_osl}</td>
                        <td>{or_dash(r.gpu_type.as_ref().map(|g| g.value.clone()))}</td>
                        <td class="num">{r.points.len()}</td>
                        <td>{missing}</td>
                        <td><button class="small remove-run" title="Forget this run (nothing on disk changes)"
                            on:click={ let root = r.root.clone(); move |_| client.send(&ToWorker::RemoveRun { root: root.clone() }, None) }>"Remove"</button></td>
                    </tr>
                }
            })
            .collect_view();
        let health = ds
            .runs
            .iter()
            .zip(lints_by_run(&ds))
            .filter_map(|(r, lints)| {
                if lints.is_empty() {
                    return None;
                }
                let n = lints.len();
                let items = lints
                    .into_iter()
                    .map(|l| {
                        let class = match l.severity() {
                            Severity::Error => "error",
                            Severity::Warning => "warning",
                            _ => "info",
                        };
                        view! { <li class=class>{l.to_string()}" — "<code>{l.place()}</code></li> }
                    })
                    .collect_view();
                Some(view! {
                    <details class="health-run" open=true>
                        <summary>{format!("{} — {n} finding(s)", r.label())}</summary>
                        <ul class="findings">{items}</ul>
                    </details>
                })
            })
            .collect_view();
        let skipped = ds.skipped.iter().map(|s| view! {
            <li><strong>{s.job_id.clone()}</strong>" ("<code>{s.root.clone()}</code>"): "{s.reason.to_string()}</li>
        }).collect_view();
        let unrecognized = ds
            .unrecognized
            .iter()
            .map(|u| {
                view! {
                    <li><code>{u.path.clone()}</code>" — "{u.reason.clone()}</li>
                }
            })
            .collect_view();
        let diagnostics = ds
            .diagnostics
            .iter()
            .map(|d| view! { <li class="diag">{d.to_string()}</li> })
            .collect_view();
        let coverage = ds
            .worker_logs
            .iter()
            .map(|l| {
                let c = &l.log.coverage;
                let dialects = c.dialects.iter().map(|d| format!("{d:?}")).collect::<Vec<_>>().join(", ");
                let samples = c.ignored_metric_samples.iter().map(|(line, text)| view! { <li><code>{format!("{line}: {text}")}</code></li> }).collect_view();
                let findings = l.log.findings.iter().map(|f| view! { <li class="diag">{f.to_string()}</li> }).collect_view();
                view! {
                    <tr>
                        <td title=l.log.path.clone()>{file_name(&l.log.path).to_owned()}</td>
                        <td>{if dialects.is_empty() { "launch/memory only".to_owned() } else { dialects }}</td>
                        <td class="num">{c.lines_total}</td>
                        <td class="num">{c.lines_understood}</td>
                        <td class="num">{c.lines_ignored}</td>
                        <td><ul class="compact">{samples}{findings}</ul></td>
                    </tr>
                }
            })
            .collect_view();
        let n_logs = ds.worker_logs.len();
        let (n_skipped, n_unrec, n_diag) = (
            ds.skipped.len(),
            ds.unrecognized.len(),
            ds.diagnostics.len(),
        );
        let has_problems = n_diag > 0;
        let other_sets = ds
            .scheduler
            .iter()
            .map(|a| {
                let files: Vec<String> = a.files.iter().map(|f| f.label()).collect();
                (format!("Scheduler logs: {}", a.dir), files.join(", "))
            })
            .chain(ds.p2p.iter().map(|a| {
                (
                    format!("P2P NCCL logs: {}", a.dir),
                    format!(
                        "{} ranks, {} connections",
                        a.lanes.len(),
                        a.connections.len()
                    ),
                )
            }))
            .map(|(what, detail)| view! { <li><strong>{what}</strong>" — "{detail}</li> })
            .collect_view();
        let has_other = !ds.scheduler.is_empty() || !ds.p2p.is_empty();
        view! {
            <section class="runs">
                <h2>"Runs found"</h2>
                <div class="table-scroll"><table id="runs-table">
                    <thead><tr>
                        <th>"Run"</th><th>"Gen"</th><th>"Topology"</th><th>"GPUs"</th><th>"ISL/OSL"</th>
                        <th>"GPU type"</th><th>"Points"</th><th>"Missing concurrencies"</th><th></th>
                    </tr></thead>
                    <tbody>{runs}</tbody>
                </table></div>
                <Show when=move || has_other>
                    <p class="caption">"Also loaded (see the Scheduler and P2P NCCL tabs):"</p>
                </Show>
                <ul id="other-sets">{other_sets}</ul>
                <section id="health">
                    <h2>"Health"</h2>
                    <p class="caption">"Per run: worker-log findings (KV cache saturated, growing queues, preemptions, CUDA graphs off, tracebacks, logs that stop while serving), failed requests, invalid points, concurrency above the servers' running-request cap, and conflicting run facts — each with the file and line that shows it."</p>
                    {health}
                </section>
                <details id="coverage" open=true>
                    <summary>{format!("Parse coverage of worker logs ({n_logs})")}</summary>
                    <div class="table-scroll"><table id="coverage-table">
                        <thead><tr><th>"File"</th><th>"Format"</th><th>"Lines"</th><th>"Understood"</th><th>"Ignored"</th><th>"Ignored metric-like lines, findings"</th></tr></thead>
                        <tbody>{coverage}</tbody>
                    </table></div>
                </details>
                <details id="problems" open=has_problems>
                    <summary>{format!("Problems ({n_diag})")}</summary>
                    <ul>{diagnostics}</ul>
                </details>
                <details id="skipped">
                    <summary>{format!("Skipped runs ({n_skipped})")}</summary>
                    <ul>{skipped}</ul>
                </details>
                <details id="unrecognized">
                    <summary>{format!("Files not understood ({n_unrec})")}</summary>
                    <ul>{unrecognized}</ul>
                </details>
            </section>
        }
        .into_any()
    }
}
