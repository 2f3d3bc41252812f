//! Node Metrics tab: worker-log time series of one run on one time axis from the run's start —
//! prefill, decode, disaggregation flow, vLLM engine stats, TRT-LLM iterations, aggregated
//! workers — per worker, per DP rank or for the whole cluster, with the mean or sum named on
//! every chart; and the memory / KV allocation of each worker. The worker computes the series
//! (`runlens_core::analysis::aggregate::node_metric_series`), named by `node_catalogue`; this
//! module draws them.

use crate::components::widgets::RunPicker;
use crate::data::DatasetRef;
use charming::series::Line;
use leptos::prelude::*;
use runlens_core::analysis::aggregate::{Grouping, Reducer};

use crate::tabs::node_catalogue::NodeChart;
use runlens_core::Dataset;

use super::charts::line_frame;
use crate::components::chart::Chart as ChartView;
use crate::components::worker_client::WorkerClient;
use crate::protocol::ToWorker;

/// `mean of 3 series per line` / `sum of …`, or nothing for single lines.
fn reduction_note(chart: &NodeChart) -> String {
    let combined: Vec<_> = chart
        .series
        .iter()
        .filter_map(|s| s.reducer.map(|r| (r, s.members)))
        .collect();
    let reduction = match combined.first() {
        Some((Reducer::Mean, n)) => format!("mean of {n} series per line"),
        Some((Reducer::Sum, n)) => format!("sum of {n} series per line"),
        None => String::new(),
    };
    let bucket = format!("{} s buckets", chart.bucket_s);
    if reduction.is_empty() {
        bucket
    } else {
        format!("{reduction} · {bucket}")
    }
}

pub fn node_chart_option(chart: &NodeChart) -> String {
    let mut c = line_frame(
        &chart.title,
        &reduction_note(chart),
        "Time since run start (s)",
        &chart.y_name,
    );
    for s in &chart.series {
        let data: Vec<Vec<f64>> = s
            .elapsed_s
            .iter()
            .zip(&s.values)
            .map(|(x, y)| vec![*x, *y])
            .collect();
        c = c.series(
            Line::new()
                .name(s.label.as_str())
                .show_symbol(false)
                .data(data),
        );
    }
    c.to_string()
}

/// CSV of one chart's lines: `series,elapsed_s,value`.
pub fn node_chart_csv(chart: &NodeChart) -> String {
    let mut out = String::from("series,elapsed_s,value\n");
    for s in &chart.series {
        for (x, y) in s.elapsed_s.iter().zip(&s.values) {
            out.push_str(&format!("\"{}\",{x},{y}\n", s.label.replace('"', "\"\"")));
        }
    }
    out
}

/// Runs that have worker logs: (run key, label).
fn runs_with_logs(ds: &Dataset) -> Vec<(String, String)> {
    let mut keys: Vec<String> = ds
        .worker_logs
        .iter()
        .filter(|l| !l.log.series.is_empty())
        .map(|l| l.run_key.clone())
        .collect();
    keys.dedup();
    keys.into_iter()
        .map(|k| {
            let label = ds
                .runs
                .iter()
                .find(|r| r.key == k)
                .map(|r| r.label())
                .or_else(|| {
                    ds.skipped
                        .iter()
                        .find(|s| s.root == k)
                        .map(|s| format!("{} (no results)", s.job_id))
                })
                .unwrap_or_else(|| {
                    if k.is_empty() {
                        "loose logs".into()
                    } else {
                        k.clone()
                    }
                });
            (k, label)
        })
        .collect()
}

#[component]
pub fn NodeMetricsTab(dataset: Signal<Option<DatasetRef>>, client: WorkerClient) -> impl IntoView {
    let run = RwSignal::new(None::<String>);
    let grouping = RwSignal::new(Grouping::Cluster);
    let reducer = RwSignal::new(Reducer::Mean);
    let runs = Signal::derive(move || {
        dataset.with(|ds| ds.as_deref().map(runs_with_logs).unwrap_or_default())
    });
    // Default to the first run with logs; keep the choice while it exists.
    Effect::new(move |_| {
        let rs = runs.get();
        if !run.with_untracked(|r| r.as_ref().is_some_and(|r| rs.iter().any(|(k, _)| k == r))) {
            run.set(rs.first().map(|(k, _)| k.clone()));
        }
    });
    Effect::new(move |_| {
        let _ = dataset.get();
        if let Some(run_key) = run.get() {
            client.query(&ToWorker::NodeCharts {
                run_key,
                grouping: grouping.get(),
                reducer: reducer.get(),
            });
        }
    });
    let charts = Signal::derive(move || {
        client.node_charts.with(|c| match (c, run.get()) {
            (Some((k, g, r, charts)), Some(run))
                if *k == run && *g == grouping.get() && *r == reducer.get() =>
            {
                charts.clone()
            }
            _ => Vec::new(),
        })
    });
    let radio = move |id: &'static str,
                      label: &'static str,
                      checked: Signal<bool>,
                      on: Callback<()>| {
        view! { <label><input type="radio" name=id.split('-').next().unwrap_or(id) id=id prop:checked=move || checked.get() on:change=move |_| on.run(()) />{label}</label> }
    };
    let memory = move || {
        dataset.with(|ds| {
            let ds = ds.as_ref()?;
            let run = run.get()?;
            let rows = ds
                .worker_logs
                .iter()
                .filter(|l| l.run_key == run && !l.log.memory.is_empty())
                .map(|l| {
                    let m = &l.log.memory;
                    let last = |f: fn(&runlens_core::model::MemorySample) -> Option<f64>| m.iter().rev().find_map(f);
                    let f = |v: Option<f64>| v.map(|v| format!("{v:.2}")).unwrap_or_else(|| "–".into());
                    let tokens = m.iter().rev().find_map(|s| s.kv_tokens).map(|t| t.to_string()).unwrap_or_else(|| "–".into());
                    view! {
                        <tr>
                            <td>{runlens_core::text::paths::file_name(&l.log.path).to_owned()}</td>
                            <td class="num">{f(last(|s| s.avail_mem_gb))}</td>
                            <td class="num">{f(last(|s| s.mem_usage_gb))}</td>
                            <td class="num">{f(last(|s| s.kv_size_gb))}</td>
                            <td class="num">{tokens}</td>
                        </tr>
                    }
                })
                .collect_view();
            Some(view! {
                <h3>"Memory and KV cache per worker"</h3>
                <div class="table-scroll"><table id="memory-table">
                    <thead><tr><th>"Worker"</th><th>"Available after load (GB)"</th><th>"Weights (GB)"</th><th>"KV cache (GB)"</th><th>"KV tokens"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table></div>
            })
        })
    };
    view! {
        <div class="controls" id="node-controls">
            <RunPicker id="node-run" choices=runs run=run />
            <span class="sep"></span>
            {radio("grouping-worker", "Per worker", Signal::derive(move || grouping.get() == Grouping::PerWorker), Callback::new(move |_| grouping.set(Grouping::PerWorker)))}
            {radio("grouping-dp", "By DP rank", Signal::derive(move || grouping.get() == Grouping::ByDpRank), Callback::new(move |_| grouping.set(Grouping::ByDpRank)))}
            {radio("grouping-cluster", "Whole cluster", Signal::derive(move || grouping.get() == Grouping::Cluster), Callback::new(move |_| grouping.set(Grouping::Cluster)))}
            <span class="sep"></span>
            {radio("reducer-mean", "Mean", Signal::derive(move || reducer.get() == Reducer::Mean), Callback::new(move |_| reducer.set(Reducer::Mean)))}
            {radio("reducer-sum", "Sum", Signal::derive(move || reducer.get() == Reducer::Sum), Callback::new(move |_| reducer.set(Reducer::Sum)))}
        </div>
        {move || {
            if runs.get().is_empty() {
                return view! { <p class="empty" id="node-empty">"No worker log with metric lines was loaded (SGLang `Prefill/Decode batch`, vLLM engine statistics or TRT-LLM iteration lines)."</p> }.into_any();
            }
            let charts = charts.get();
            let mut sections: Vec<String> = charts.iter().map(|c| c.section.clone()).collect();
            sections.dedup();
            sections.into_iter().map(|section| {
                let in_section: Vec<NodeChart> = charts.iter().filter(|c| c.section == section).cloned().collect();
                view! {
                    <h3>{section}</h3>
                    <div class="chart-grid">
                        {in_section.into_iter().map(|chart| {
                            let id = format!("node-{}", chart.id);
                            let option = Signal::derive({ let c = chart.clone(); move || Some(node_chart_option(&c)) });
                            let csv = Signal::derive({ let c = chart.clone(); move || node_chart_csv(&c) });
                            view! { <ChartView id=id option=option empty=Signal::derive(String::new) csv=csv /> }
                        }).collect_view()}
                    </div>
                }
            }).collect_view().into_any()
        }}
        {memory}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tabs::node_catalogue::charts_of;
    use runlens_core::analysis::aggregate::node_metric_series;
    use runlens_core::Ingest;

    #[test]
    fn charts_name_their_reduction_and_export_csv() {
        let text = "[2026-01-01 00:00:00 DP0 TP0 EP0] Decode batch, #running-req: 10, gen throughput (token/s): 100\n\
                    [2026-01-01 00:00:00 DP1 TP1 EP1] Decode batch, #running-req: 20, gen throughput (token/s): 200\n";
        let mut ingest = Ingest::new();
        ingest.add_bytes("r/n1_decode_w0.err", text.as_bytes());
        let ds = ingest.dataset();
        let charts = charts_of(node_metric_series(
            &ds,
            "r",
            Grouping::Cluster,
            Reducer::Sum,
            1.0,
        ));
        let json: serde_json::Value = serde_json::from_str(&node_chart_option(&charts[0])).unwrap();
        let title = if json["title"].is_array() {
            &json["title"][0]
        } else {
            &json["title"]
        };
        assert_eq!(title["text"], "Running requests");
        assert_eq!(title["subtext"], "sum of 2 series per line · 1 s buckets");
        assert_eq!(
            node_chart_csv(&charts[0]),
            "series,elapsed_s,value\n\"all workers\",0,30\n"
        );
        assert_eq!(runs_with_logs(&ds), vec![("r".to_owned(), "r".to_owned())]);
    }
}
