//! Rate Match tab (disaggregated runs): prefill input rate against decode generation rate on
//! one time axis from the run's start, in tokens/s or requests/s (prefill ÷ ISL, decode ÷ OSL),
//! as a per-node average or a cluster total. Lines that coincide mean prefill and decode keep
//! pace; decode below prefill means decode is the bottleneck. The series come from the worker's
//! Node Metrics answer (cluster grouping), so nothing is computed here but the division.

use crate::components::widgets::{card, RunPicker};
use crate::data::DatasetRef;
use charming::series::Line;
use leptos::prelude::*;
use runlens_core::analysis::aggregate::{Grouping, NodeMetric, Reducer};
use runlens_core::model::{Run, Topology};

use crate::tabs::node_catalogue::NodeChart;

use super::charts::{line_frame, with_window_areas};
use crate::components::chart::Chart as ChartView;
use crate::components::worker_client::WorkerClient;
use crate::protocol::ToWorker;
use runlens_core::analysis::rate_match::{RateMatch, SideCapacity};
use runlens_core::analysis::windows::BenchmarkWindow;

/// The rate-match option from the cluster-grouped node charts of a run.
pub fn rate_match_option(
    run: &Run,
    charts: &[NodeChart],
    per_request: bool,
    reducer: Reducer,
    windows: &[BenchmarkWindow],
) -> Option<String> {
    let line = |metric: NodeMetric| {
        charts
            .iter()
            .find(|c| c.metric == metric && !c.aggregated_workers)
            .and_then(|c| c.series.first())
    };
    let (prefill, decode) = (
        line(NodeMetric::PrefillInputThroughput)?,
        line(NodeMetric::DecodeGenThroughput)?,
    );
    let (isl, osl) = (
        run.isl.as_ref().map(|v| f64::from(v.value)),
        run.osl.as_ref().map(|v| f64::from(v.value)),
    );
    if per_request && (isl.is_none() || osl.is_none()) {
        return None;
    }
    let unit = if per_request {
        "requests/s"
    } else {
        "tokens/s"
    };
    let scope = match reducer {
        Reducer::Mean => "per-node average",
        Reducer::Sum => "cluster total",
    };
    let scaled = |s: &runlens_core::analysis::aggregate::AggregatedSeries,
                  div: Option<f64>|
     -> Vec<Vec<f64>> {
        let d = if per_request { div.unwrap_or(1.0) } else { 1.0 };
        s.elapsed_s
            .iter()
            .zip(&s.values)
            .map(|(x, y)| vec![*x, y / d])
            .collect()
    };
    let chart = line_frame(
        &format!("Prefill input vs decode generation ({scope})"),
        &format!("Job {}", run.job_id.value),
        "Time since run start (s)",
        &format!("Rate ({unit})"),
    )
    .series(
        Line::new()
            .name(format!(
                "Prefill input rate [{unit}] ({})",
                ranks(prefill.members)
            ))
            .show_symbol(false)
            .data(scaled(prefill, isl)),
    )
    .series(
        Line::new()
            .name(format!(
                "Decode generation rate [{unit}] ({})",
                ranks(decode.members)
            ))
            .show_symbol(false)
            .data(scaled(decode, osl)),
    );
    let shaded: Vec<_> = windows.iter().map(|w| (w.clone(), None)).collect();
    Some(with_window_areas(&chart, &shaded).to_string())
}

fn side_row(name: &'static str, c: &SideCapacity) -> impl IntoView {
    view! {
        <tr>
            <td>{name}</td>
            <td class="num">{c.workers}</td>
            <td class="num">{format!("{:.0}", c.peak_tokens_s)}</td>
            <td class="num">{format!("{:.2}", c.requests_s_per_worker)}</td>
            <td class="num">{format!("{:.2}", c.cluster_requests_s())}</td>
            <td title=c.file.clone()>
                {format!("{}:{}", runlens_core::text::paths::file_name(&c.file), c.line)}
            </td>
        </tr>
    }
}

/// The advisor: each side's measured capacity, the side that bounds, the xPyD that would
/// match, and per window the demand against both sides, with the definitions.
fn advice_view(m: Option<&RateMatch>, current: Option<String>) -> AnyView {
    let Some(m) = m else {
        return view! {
            <p class="caption" id="rate-advice-none">"No rate match: it needs the run's ISL and OSL and both prefill input and decode generation throughput in its logs."</p>
        }
        .into_any();
    };
    let bound = m.bound();
    let times = if m.ratio >= 1.0 {
        m.ratio
    } else {
        1.0 / m.ratio
    };
    let now = current.unwrap_or_else(|| "this run's ratio".into());
    let verdict = if m.mismatched() {
        format!(
            "{bound} bounds throughput: the other side can take {times:.1}× its requests. {} would match these rates (now {now}): prefill ÷ decode workers = {:.2}.",
            m.suggested_label(),
            m.prefill_per_decode
        )
    } else {
        format!(
            "matched: the sides' capacities are within {times:.2}× of each other, so {now} suits these rates ({bound} is a little closer to saturation; prefill ÷ decode workers = {:.2} would match exactly).",
            m.prefill_per_decode
        )
    };
    let flips = m.flips();
    let rows = m
        .windows
        .iter()
        .map(|w| {
            let pct = |u: f64| format!("{:.0} %", u * 100.0);
            view! {
                <tr>
                    <td>{w.label.clone()}</td>
                    <td class="num">{format!("{:.2}", w.requests_s)}</td>
                    <td class="num">{pct(w.prefill_utilisation)}</td>
                    <td class="num">{pct(w.decode_utilisation)}</td>
                    <td>{w.bound.to_string()}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    let has_rows = !rows.is_empty();
    view! {
        <section id="rate-advice">
            <h3>"Rate match"</h3>
            <p id="rate-advice-verdict" class=if m.mismatched() { "notice warn" } else { "notice" }>{verdict}</p>
            <table class="data" id="rate-advice-sides">
                <thead><tr><th>"Side"</th><th>"Workers"</th><th>"Sustained peak, cluster (tok/s)"</th><th>"Capacity (req/s per worker)"</th><th>"Cluster (req/s)"</th><th>"Highest sample"</th></tr></thead>
                <tbody>{side_row("prefill (input)", &m.prefill)}{side_row("decode (generation)", &m.decode)}</tbody>
            </table>
            <p class="caption" id="rate-advice-definition">{format!(
                "Capacity: the 95th percentile of a side's busy {}-bucket cluster rates, ÷ ISL {} (prefill) or OSL {} (decode), per worker — a lower bound where a side never saturated. The matching ratio has prefill ÷ decode workers = decode ÷ prefill capacity per worker ({:.2}), at most {} a side. Demand per window: the requests decode retired per second; utilisation = demand ÷ a side's cluster capacity.",
                super::charts::fmt_num(m.bucket_s) + " s", m.isl, m.osl, m.prefill_per_decode, runlens_core::analysis::rate_match::MAX_SUGGESTED_WORKERS
            )}</p>
            {(!flips.is_empty()).then(|| view! {
                <p class="caption" id="rate-advice-flips">{format!("The bottleneck flips: {}.", flips.iter().map(|(l, s)| format!("to {s} at {l}")).collect::<Vec<_>>().join(", "))}</p>
            })}
            {has_rows.then(|| view! {
                <table class="data" id="rate-advice-windows">
                    <thead><tr><th>"Window"</th><th>"Demand (req/s)"</th><th>"Prefill utilisation"</th><th>"Decode utilisation"</th><th>"Closer to saturation"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            })}
        </section>
    }
    .into_any()
}

/// `1 worker rank` / `3 worker ranks`: what a line combines.
fn ranks(n: usize) -> String {
    format!("{n} worker rank{}", if n == 1 { "" } else { "s" })
}

fn disaggregated(run: &Run) -> bool {
    matches!(
        run.topology.as_ref().map(|t| t.value),
        Some(Topology::Disaggregated { .. })
    )
}

#[component]
pub fn RateMatchTab(dataset: Signal<Option<DatasetRef>>, client: WorkerClient) -> impl IntoView {
    let per_request = RwSignal::new(false);
    let reducer = RwSignal::new(Reducer::Mean);
    let run = RwSignal::new(None::<String>);
    // Disaggregated runs with worker logs; aggregated runs are listed as not applicable.
    let candidates = Signal::derive(move || {
        dataset.with(|ds| {
            let Some(ds) = ds.as_ref() else {
                return (Vec::new(), Vec::new());
            };
            let with_logs = |r: &&Run| ds.worker_logs.iter().any(|l| l.run_key == r.key);
            let disagg: Vec<(String, String)> = ds
                .runs
                .iter()
                .filter(|r| disaggregated(r))
                .filter(with_logs)
                .map(|r| (r.key.clone(), r.label()))
                .collect();
            let agg: Vec<String> = ds
                .runs
                .iter()
                .filter(|r| !disaggregated(r))
                .map(|r| r.label())
                .collect();
            (disagg, agg)
        })
    });
    Effect::new(move |_| {
        let (d, _) = candidates.get();
        if !run.with_untracked(|r| r.as_ref().is_some_and(|r| d.iter().any(|(k, _)| k == r))) {
            run.set(d.first().map(|(k, _)| k.clone()));
        }
    });
    Effect::new(move |_| {
        let _ = dataset.get();
        if let Some(run_key) = run.get() {
            client.query(&ToWorker::NodeCharts {
                run_key,
                grouping: Grouping::Cluster,
                reducer: reducer.get(),
            });
        }
    });
    Effect::new(move |_| {
        let _ = dataset.get();
        if let Some(run_key) = run.get() {
            client.query(&ToWorker::RateMatch { run_key });
        }
    });
    let advice = move || {
        let key = run.get()?;
        let current = dataset.with(|ds| {
            ds.as_ref()?
                .runs
                .iter()
                .find(|r| r.key == key)
                .and_then(|r| r.topology.as_ref())
                .map(|t| t.value.label())
        });
        client.rate_match.with(|m| match m {
            Some((k, m)) if *k == key => Some(advice_view(m.as_ref(), current)),
            _ => None,
        })
    };
    let option = Signal::derive(move || {
        let key = run.get()?;
        let r = dataset.with(|ds| {
            ds.as_ref()
                .and_then(|ds| ds.runs.iter().find(|r| r.key == key).cloned())
        })?;
        client.node_charts.with(|c| match c {
            Some((k, Grouping::Cluster, red, charts, windows))
                if *k == key && *red == reducer.get() =>
            {
                rate_match_option(&r, charts, per_request.get(), reducer.get(), windows)
            }
            _ => None,
        })
    });
    let facts = move || {
        let key = run.get()?;
        dataset.with(|ds| {
            let ds = ds.as_ref()?;
            let r = ds.runs.iter().find(|r| r.key == key)?;
            let services = ds.node_services(&key);
            let count = |s: runlens_core::model::Service| services.iter().filter(|(_, v)| v.contains(&s)).count();
            let split = match (r.gpus.prefill, r.gpus.decode) {
                (Some(p), Some(d)) => format!("{p} / {d}"),
                _ => "–".into(),
            };
            Some(view! {
                <div class="cards" id="rate-facts">
                    {card("Prefill nodes (logs)", count(runlens_core::model::Service::Prefill).to_string())}
                    {card("Decode nodes (logs)", count(runlens_core::model::Service::Decode).to_string())}
                    {card("GPU split (prefill / decode)", split)}
                    {card("ISL/OSL", r.isl_osl_label().unwrap_or_else(|| "–".into()))}
                </div>
            })
        })
    };
    let empty = Signal::derive(move || {
        if candidates.get().0.is_empty() {
            "No disaggregated run with prefill and decode worker logs was loaded.".to_string()
        } else if per_request.get() {
            "Requests/s needs the run's ISL and OSL, and prefill input and decode generation throughput in its logs.".to_string()
        } else {
            "This run's logs have no prefill input throughput or no decode generation throughput."
                .to_string()
        }
    });
    view! {
        <div class="controls" id="rate-controls">
            <RunPicker id="rate-run" choices=Signal::derive(move || candidates.get().0) run=run />
            <span class="sep"></span>
            <label><input type="radio" name="rate-unit" id="rate-tokens" prop:checked=move || !per_request.get() on:change=move |_| per_request.set(false) />"tokens/s"</label>
            <label><input type="radio" name="rate-unit" id="rate-requests" prop:checked=move || per_request.get() on:change=move |_| per_request.set(true) />"requests/s (÷ ISL, ÷ OSL)"</label>
            <span class="sep"></span>
            <label><input type="radio" name="rate-scope" id="rate-mean" prop:checked=move || reducer.get() == Reducer::Mean on:change=move |_| reducer.set(Reducer::Mean) />"Per-node average"</label>
            <label><input type="radio" name="rate-scope" id="rate-sum" prop:checked=move || reducer.get() == Reducer::Sum on:change=move |_| reducer.set(Reducer::Sum) />"Cluster total"</label>
        </div>
        {facts}
        <ChartView id="rate-match-chart" option=option empty=empty />
        {advice}
        {move || {
            let agg = candidates.get().1;
            (!agg.is_empty()).then(|| view! { <p class="caption" id="rate-not-applicable">{format!("Not applicable to aggregated runs: {}", agg.join("; "))}</p> })
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tabs::node_catalogue::charts_of;
    use runlens_core::analysis::aggregate::node_metric_series;
    use runlens_core::Ingest;

    #[test]
    fn requests_per_second_divide_by_isl_and_osl() {
        let bytes = std::fs::read(format!(
            "{}/../fixtures/generations/generations.tar.gz",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let mut ingest = Ingest::new();
        ingest.add_bytes("g.tar.gz", &bytes);
        let ds = ingest.dataset();
        let run = ds.runs.iter().find(|r| r.job_id.value == "3003").unwrap();
        let charts = charts_of(node_metric_series(
            &ds,
            &run.key,
            Grouping::Cluster,
            Reducer::Sum,
            1.0,
        ));
        let tokens: serde_json::Value = serde_json::from_str(
            &rate_match_option(run, &charts, false, Reducer::Sum, &[]).unwrap(),
        )
        .unwrap();
        let requests: serde_json::Value = serde_json::from_str(
            &rate_match_option(run, &charts, true, Reducer::Sum, &[]).unwrap(),
        )
        .unwrap();
        let first =
            |v: &serde_json::Value, s: usize| v["series"][s]["data"][0][1].as_f64().unwrap();
        assert_eq!(
            first(&tokens, 0),
            40_000.0,
            "prefill input throughput at t=0"
        );
        assert_eq!(first(&requests, 0), 40_000.0 / 8192.0);
        // Decode: DP0 1500 + DP1 1510 tokens/s summed, ÷ OSL 1024.
        assert_eq!(first(&requests, 1), 3010.0 / 1024.0);
    }
}
