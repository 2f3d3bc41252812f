//! Configuration tab: for the chosen run, an overview (nodes, GPU, ISL/OSL, profiler, model), the
//! topology (physical nodes and the services each hosts), the command-line flags of every worker
//! (from launch commands in its log, or the config dump's argv), searchable with long values
//! folded, and environment variables by category — for every layout generation, `logs/` included.

use crate::components::widgets::{text_card, RunPicker};
use crate::data::DatasetRef;
use leptos::prelude::*;
use runlens_core::model::node_config::env_category;
use runlens_core::text::pairs::flags_from_argv;
use runlens_core::Dataset;

/// Values longer than this are folded behind a click.
const FOLD_AT: usize = 60;

/// Run keys that have anything to configure, with labels.
fn configurable_runs(ds: &Dataset) -> Vec<(String, String)> {
    let mut keys: Vec<String> = ds.runs.iter().map(|r| r.key.clone()).collect();
    keys.extend(ds.worker_logs.iter().map(|l| l.run_key.clone()));
    keys.extend(ds.node_configs.iter().map(|c| c.run_key.clone()));
    keys.extend(ds.skipped.iter().map(|s| s.root.clone()));
    let mut seen = Vec::new();
    keys.retain(|k| {
        let new = !seen.contains(k);
        seen.push(k.clone());
        new
    });
    keys.into_iter()
        .map(|k| {
            let label = ds
                .runs
                .iter()
                .find(|r| r.key == k)
                .map(|r| r.label())
                .unwrap_or_else(|| {
                    if k.is_empty() {
                        "loose files".into()
                    } else {
                        k.clone()
                    }
                });
            (k, label)
        })
        .collect()
}

/// One worker's flags: worker name, where they were read, `(flag, value)` pairs.
pub type WorkerFlags = (String, String, Vec<(String, String)>);

/// The flags of every worker of a run.
pub fn worker_flags(ds: &Dataset, run_key: &str) -> Vec<WorkerFlags> {
    let mut out = Vec::new();
    for l in ds.worker_logs.iter().filter(|l| l.run_key == run_key) {
        let name = runlens_core::text::paths::file_name(&l.log.path).to_owned();
        for cmd in &l.log.launches {
            out.push((
                name.clone(),
                format!("{} (line {})", cmd.program, cmd.line),
                cmd.flags.clone(),
            ));
        }
    }
    for c in ds.node_configs.iter().filter(|c| c.run_key == run_key) {
        if !c.config.command_line.is_empty() {
            out.push((
                c.config.node.clone(),
                "config dump command line".into(),
                flags_from_argv(&c.config.command_line),
            ));
        }
    }
    out
}

/// Rows a flag or environment table shows: a config dump of megabytes would otherwise build
/// tens of thousands of rows at once and block the page; the search box finds the rest.
const ROW_LIMIT: usize = 300;

/// A value as code, folded behind its first characters when long.
fn folded(v: String) -> AnyView {
    if v.chars().count() > FOLD_AT {
        let head: String = v.chars().take(FOLD_AT).collect();
        view! { <details class="long"><summary>{format!("{head}…")}</summary><code>{v}</code></details> }.into_any()
    } else {
        view! { <code>{v}</code> }.into_any()
    }
}

/// The note under a table cut at [`ROW_LIMIT`] rows.
fn more_rows(count: usize) -> Option<impl IntoView> {
    (count > ROW_LIMIT).then(|| {
        view! { <p class="caption more-rows">{format!("{} more not shown: type in the search box to find them.", count - ROW_LIMIT)}</p> }
    })
}

#[component]
pub fn ConfigurationTab(dataset: Signal<Option<DatasetRef>>) -> impl IntoView {
    let run = RwSignal::new(None::<String>);
    let search = RwSignal::new(String::new());
    let runs = Signal::derive(move || {
        dataset.with(|ds| ds.as_deref().map(configurable_runs).unwrap_or_default())
    });
    Effect::new(move |_| {
        let rs = runs.get();
        if !run.with_untracked(|r| r.as_ref().is_some_and(|r| rs.iter().any(|(k, _)| k == r))) {
            run.set(rs.first().map(|(k, _)| k.clone()));
        }
    });
    let body = move || {
        dataset.with(|ds| {
            let ds = ds.as_ref()?;
            let key = run.get()?;
            let r = ds.runs.iter().find(|r| r.key == key);
            let configs: Vec<_> = ds.node_configs.iter().filter(|c| c.run_key == key).collect();
            let topology = ds.node_services(&key);
            let gpu = configs
                .iter()
                .find_map(|c| c.config.gpus.first().and_then(|g| g.name.clone()))
                .or_else(|| r.and_then(|r| r.gpu_type.as_ref().map(|g| g.value.clone())));
            let model = configs
                .iter()
                .find_map(|c| c.config.server_args.iter().find(|(k, _)| k == "served_model_name").map(|(_, v)| v.clone()))
                .or_else(|| r.and_then(|r| r.model.as_ref().map(|m| m.value.clone())));
            let card = text_card;
            let nodes = if topology.is_empty() { configs.len() } else { topology.len() };
            let overview = view! {
                <div class="cards" id="config-overview">
                    {card("Nodes", Some(nodes.to_string()))}
                    {card("GPU", gpu)}
                    {card("ISL/OSL", r.and_then(|r| r.isl_osl_label()))}
                    {card("Profiler", r.and_then(|r| r.profiler.as_ref().map(|p| p.value.clone())))}
                    {card("Model", model)}
                </div>
            };
            let topo_rows = topology
                .iter()
                .map(|(node, services)| {
                    let chips = services.iter().map(|s| view! { <span class="chip">{s.label()}</span> }).collect_view();
                    view! { <tr><td>{node.clone()}</td><td>{chips}</td></tr> }
                })
                .collect_view();
            let needle = search.get().to_lowercase();
            let flags = worker_flags(ds, &key)
                .into_iter()
                .map(|(worker, source, flags)| {
                    let shown: Vec<_> = flags
                        .into_iter()
                        .filter(|(k, v)| needle.is_empty() || k.to_lowercase().contains(&needle) || v.to_lowercase().contains(&needle))
                        .collect();
                    let count = shown.len();
                    let rows = shown
                        .into_iter()
                        .take(ROW_LIMIT)
                        .map(|(k, v)| view! { <tr><td><code>{format!("--{k}")}</code></td><td>{folded(v)}</td></tr> })
                        .collect_view();
                    view! {
                        <details class="flags" open=true>
                            <summary>{format!("{worker} — {source} ({count} flags)")}</summary>
                            <div class="table-scroll"><table class="flag-table"><tbody>{rows}</tbody></table></div>
                            {more_rows(count)}
                        </details>
                    }
                })
                .collect_view();
            let env = configs
                .iter()
                .map(|c| {
                    let mut cats: Vec<(&'static str, Vec<(String, String)>)> = Vec::new();
                    for (k, v) in &c.config.environment {
                        if !(needle.is_empty() || k.to_lowercase().contains(&needle) || v.to_lowercase().contains(&needle)) {
                            continue;
                        }
                        let cat = env_category(k);
                        match cats.iter_mut().find(|(c, _)| *c == cat) {
                            Some((_, vars)) => vars.push((k.clone(), v.clone())),
                            None => cats.push((cat, vec![(k.clone(), v.clone())])),
                        }
                    }
                    cats.sort_by_key(|(c, _)| (*c == "other", *c));
                    let sections = cats
                        .into_iter()
                        .map(|(cat, vars)| {
                            let open = cat == "NCCL" || cat == "SGLANG";
                            let n = vars.len();
                            let rows = vars.into_iter().take(ROW_LIMIT).map(|(k, v)| view! { <tr><td><code>{k}</code></td><td>{folded(v)}</td></tr> }).collect_view();
                            view! { <details open=open><summary>{format!("{cat} ({n} vars)")}</summary><div class="table-scroll"><table><tbody>{rows}</tbody></table></div>{more_rows(n)}</details> }
                        })
                        .collect_view();
                    view! { <h4>{c.config.node.clone()}</h4>{sections} }
                })
                .collect_view();
            Some(view! {
                {overview}
                <h3>"Topology"</h3>
                <div class="table-scroll"><table id="config-topology"><thead><tr><th>"Physical node"</th><th>"Services"</th></tr></thead><tbody>{topo_rows}</tbody></table></div>
                <h3>"Command-line flags"</h3>
                <div id="config-flags">{flags}</div>
                <h3>"Environment"</h3>
                <div id="config-env">{env}</div>
            })
        })
    };
    view! {
        <div class="controls" id="config-controls">
            <RunPicker id="config-run" choices=runs run=run />
            <input type="search" id="flag-search" placeholder="Search flags and variables" prop:value=move || search.get()
                on:input=move |ev| search.set(event_target_value(&ev)) />
        </div>
        {move || if runs.get().is_empty() {
            view! { <p class="empty">"Load a run to see its configuration (config dumps `*_config.json`, launch commands in worker logs)."</p> }.into_any()
        } else {
            body.into_any()
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use runlens_core::Ingest;

    #[test]
    fn flags_from_logs_and_config_dumps() {
        let mut ingest = Ingest::new();
        ingest.add_bytes(
            "123/cn01_decode_w0.err",
            b"+ python3 -m dynamo.sglang --tp-size 4 --model-path /m\n",
        );
        ingest.add_bytes(
            "123/cn01_config.json",
            br#"{"config": {"server_args": {"served_model_name": "R1"}}, "gpu_info": {"gpus": [{"name": "H100"}]}, "environment": {"NCCL_X": "1"},
                "runtime_info": {"command_line_args": ["python3", "--dp-size", "2"]}}"#,
        );
        let ds = ingest.dataset();
        let flags = worker_flags(&ds, "123");
        assert_eq!(flags.len(), 2);
        assert_eq!(flags[0].2[0], ("tp-size".to_owned(), "4".to_owned()));
        assert_eq!(flags[1].2, vec![("dp-size".to_owned(), "2".to_owned())]);
        assert_eq!(configurable_runs(&ds)[0].0, "123");
    }
}
