//! Node Metrics tab: worker-log time series of one run on one time axis from the run's start —
//! prefill, decode, disaggregation flow, vLLM engine stats, TRT-LLM iterations, aggregated
//! workers — per worker, per DP rank or for the whole cluster, with the mean or sum named on
//! every chart; each benchmark window shaded and labelled on every chart with its steady state,
//! and a table of whole-window against steady-state numbers; and the memory / KV allocation of
//! each worker. The worker computes the series
//! (`runlens_core::analysis::aggregate::node_metric_series`) and the windows
//! (`runlens_core::analysis::windows`), named by `node_catalogue`; this module draws them.

use crate::components::widgets::RunPicker;
use crate::data::DatasetRef;
use charming::series::Line;
use leptos::prelude::*;
use runlens_core::analysis::aggregate::{Grouping, Reducer};
use runlens_core::analysis::decimate::{min_max_decimate, Decimated};
use runlens_core::analysis::windows::{steady_state, BenchmarkWindow, SteadyState};

use crate::tabs::node_catalogue::NodeChart;
use runlens_core::Dataset;

use super::charts::{line_frame, linked_time_zoom, with_window_areas};
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

/// Points drawn per line at most: a chart is about 600–900 px wide, so min and max of 800
/// groups draw the line as it would look whole, at a fraction of the page's work.
pub const MAX_DRAWN_POINTS: usize = 1600;

/// The group whose charts share a crosshair and a zoom.
pub const NODE_CHART_GROUP: &str = "node-metrics";

/// The time range shown around a focused window: the window and a tenth of it on each side.
pub fn focus_range(w: &BenchmarkWindow) -> (f64, f64) {
    let margin = (w.end_s - w.start_s).max(1.0) * 0.1;
    (w.start_s - margin, w.end_s + margin)
}

pub fn node_chart_option(
    chart: &NodeChart,
    windows: &[(BenchmarkWindow, Option<SteadyState>)],
    focus: Option<(f64, f64)>,
) -> String {
    let drawn: Vec<Decimated> = chart
        .series
        .iter()
        .map(|s| min_max_decimate(&s.elapsed_s, &s.values, MAX_DRAWN_POINTS))
        .collect();
    let mut note = reduction_note(chart);
    if let Some(group) = drawn.iter().map(|d| d.group).max().filter(|g| *g > 1) {
        note.push_str(&format!(
            " · drawn: min and max of every {group} buckets (CSV: every bucket)"
        ));
    }
    if !windows.is_empty() {
        note.push_str(" · windows shaded, steady state green");
    }
    let mut c = line_frame(
        &chart.title,
        &note,
        "Time since run start (s)",
        &chart.y_name,
    );
    for (s, d) in chart.series.iter().zip(drawn) {
        let data: Vec<Vec<f64>> = d.x.iter().zip(&d.y).map(|(x, y)| vec![*x, *y]).collect();
        c = c.series(
            Line::new()
                .name(s.label.as_str())
                .show_symbol(false)
                .data(data),
        );
    }
    let mut json = with_window_areas(&c, windows);
    // Within the data: ECharts would shift a range that overruns it instead of cutting it.
    let (lo, hi) = super::charts::extent(
        chart
            .series
            .iter()
            .flat_map(|s| s.elapsed_s.iter().copied()),
    );
    let focus = focus
        .map(|(from, to)| (from.max(lo), to.min(hi)))
        .filter(|(from, to)| from < to);
    linked_time_zoom(&mut json, NODE_CHART_GROUP, focus);
    json.to_string()
}

/// `12.3 s`-style cell, `–` when missing.
fn cell(v: Option<f64>, digits: usize) -> String {
    v.filter(|v| v.is_finite())
        .map(|v| format!("{v:.digits$}"))
        .unwrap_or_else(|| "–".into())
}

/// Steady-state change of a mean against the whole window, in percent.
fn change(whole: Option<f64>, steady: Option<f64>) -> String {
    whole
        .zip(steady)
        .and_then(|(w, s)| crate::tabs::pareto::percent_change(w, s))
        .map_or_else(|| "–".into(), |c| format!("{c:+.1} %"))
}

/// "In view: 284–507 s, covering c=64 (100 %), c=128 (3 %)".
fn covered_text(range: (f64, f64), windows: &[(BenchmarkWindow, Option<SteadyState>)]) -> String {
    let covered: Vec<String> = windows
        .iter()
        .map(|(w, _)| (w.label(), w.covered_share(range.0, range.1)))
        .filter(|(_, share)| *share > 0.0)
        .map(|(label, share)| format!("{label} ({:.0} %)", share * 100.0))
        .collect();
    let span = format!("In view: {:.0}–{:.0} s", range.0, range.1);
    if covered.is_empty() {
        format!("{span}, outside every benchmark window.")
    } else {
        format!("{span}, covering {}.", covered.join(", "))
    }
}

/// The table of each window's whole and steady-state numbers, and the ratio control.
#[component]
fn SteadyTable(
    windows: Signal<Vec<(BenchmarkWindow, Option<SteadyState>)>>,
    steady_ratio: RwSignal<f64>,
    focused: Signal<Option<u32>>,
    set_focus: Callback<Option<u32>>,
    in_view: Signal<Option<(f64, f64)>>,
) -> impl IntoView {
    view! {
        <h3>"Benchmark windows and steady state"</h3>
        <div class="controls">
            <label title="The steady state is the longest stretch of a window whose requests in flight (the cluster's sum) stay at or above this share of the window's peak (sglang#30918)">
                "Steady state: in flight ≥ "
                <input type="number" id="steady-ratio" class="short" min="0" max="100" step="5"
                    prop:value=move || format!("{}", (steady_ratio.get() * 100.0).round())
                    on:change=move |ev| {
                        if let Some(v) = event_target_value(&ev).parse::<f64>().ok().filter(|v| (0.0..=100.0).contains(v)) {
                            steady_ratio.set(v / 100.0);
                        }
                    } />
                " % of the window's peak"
            </label>
            <button class="small" id="zoom-whole-run" disabled=move || focused.get().is_none() on:click=move |_| set_focus.run(None)>"Show the whole run"</button>
        </div>
        {move || {
            let rows = windows.get();
            if rows.is_empty() {
                return view! { <p class="empty" id="steady-empty">"No benchmark window falls within this run's logs: windows come from each result file's end stamp and duration (bench_serving / sa-bench `date` and `duration`, AIPerf `start_time`) on the servers' clock."</p> }.into_any();
            }
            view! {
                <div class="table-scroll"><table id="steady-table">
                    <thead><tr>
                        <th>"Window"</th><th>"From–to (s)"</th><th title="The steady stretch">"Steady (s)"</th><th>"Share"</th><th title="Most requests in flight at once">"Peak"</th>
                        <th title="Mean requests in flight over the window, then over its steady stretch">"In flight"</th><th title="Mean generation throughput (tokens/s) over the window, then over its steady stretch">"Gen tok/s"</th><th></th>
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().map(|(w, s)| {
                            let span = format!("{:.0}–{:.0}", w.start_s, w.end_s);
                            let (stretch, share, peak) = match &s {
                                Some(s) => (format!("{:.0}–{:.0}", s.start_s, s.end_s), format!("{:.0} %", s.share_of(&w) * 100.0), cell(Some(s.peak_in_flight), 0)),
                                None => ("none".into(), "–".into(), "–".into()),
                            };
                            let whole = s.map(|s| s.whole).unwrap_or_default();
                            let steady = s.map(|s| s.steady).unwrap_or_default();
                            let c = w.concurrency;
                            view! {
                                <tr title=w.source.clone() class:focused=move || c.is_some() && focused.get() == c>
                                    <td>{w.label()}</td><td class="num">{span}</td><td class="num">{stretch}</td><td class="num">{share}</td><td class="num">{peak}</td>
                                    <td class="num">{format!("{} → {}", cell(whole.in_flight, 1), cell(steady.in_flight, 1))}</td>
                                    <td class="num">{format!("{} → {} ({})", cell(whole.gen_throughput, 1), cell(steady.gen_throughput, 1), change(whole.gen_throughput, steady.gen_throughput))}</td>
                                    <td><button class="small zoom-window" disabled=c.is_none() on:click=move |_| set_focus.run(c)>"Zoom"</button></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table></div>
                <p class="caption" id="zoom-covers">{move || in_view.get().map(|range| windows.with(|w| covered_text(range, w)))}</p>
                <p class="caption">"Windows: each result file's timestamp and duration on the servers' clock. Requests in flight and generation throughput are the cluster's sums (decode workers; engine statistics for vLLM), averaged over the window → over its steady stretch; the difference is warm-up and drain."</p>
            }.into_any()
        }}
    }
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
pub fn NodeMetricsTab(
    dataset: Signal<Option<DatasetRef>>,
    client: WorkerClient,
    steady_ratio: RwSignal<f64>,
) -> impl IntoView {
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
            (Some((k, g, r, charts, _)), Some(run))
                if *k == run && *g == grouping.get() && *r == reducer.get() =>
            {
                charts.clone()
            }
            _ => Vec::new(),
        })
    });
    // The run's windows with their steady state at the chosen ratio.
    let windows = Memo::new(move |_| {
        let ratio = steady_ratio.get();
        client.node_charts.with(|c| match (c, run.get()) {
            (Some((k, _, _, _, windows)), Some(run)) if *k == run => windows
                .iter()
                .map(|w| (w.clone(), steady_state(w, ratio)))
                .collect::<Vec<_>>(),
            _ => Vec::new(),
        })
    });
    let windows = Signal::from(windows);
    // The window shown zoomed, as (run, concurrency): from a picked Pareto point or a table
    // row. It applies to its run only, so picking another run shows all of that one.
    let focus = RwSignal::new(None::<(String, u32)>);
    if let Some(nav) = use_context::<crate::tabs::Navigator>() {
        Effect::new(move |_| {
            if let Some(f) = nav.node_focus.get() {
                focus.set(f.concurrency.map(|c| (f.run_key.clone(), c)));
                run.set(Some(f.run_key));
                nav.node_focus.set(None);
            }
        });
    }
    let focused = Signal::derive(move || {
        let (key, c) = focus.get()?;
        (run.get().as_ref() == Some(&key)).then_some(c)
    });
    let zoom_range = Signal::derive(move || {
        let c = focused.get()?;
        windows.with(|w: &Vec<(BenchmarkWindow, Option<SteadyState>)>| {
            w.iter()
                .find(|(w, _)| w.concurrency == Some(c))
                .map(|(w, _)| focus_range(w))
        })
    });
    let set_focus = Callback::new(move |c: Option<u32>| {
        focus.set(c.and_then(|c| Some((run.get_untracked()?, c))));
    });
    // The range a zoom on any chart brought into view (the charts are linked): which windows
    // it covers is said under the table. A new focus or run starts from its own range.
    let zoomed = RwSignal::new(None::<(f64, f64)>);
    Effect::new(move |_| {
        let _ = (zoom_range.get(), run.get());
        zoomed.set(None);
    });
    let on_zoom = move |ev: web_sys::Event| {
        let range = crate::js::event_detail::<(f64, f64)>(&ev);
        if let Some(r) = range.filter(|(a, b)| a.is_finite() && b.is_finite() && a < b) {
            zoomed.set(Some(r));
        }
    };
    let in_view = Signal::derive(move || zoomed.get().or(zoom_range.get()));
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
        {move || (!runs.get().is_empty()).then(|| view! { <SteadyTable windows=windows steady_ratio=steady_ratio focused=focused set_focus=set_focus in_view=in_view /> })}
        {move || {
            if runs.get().is_empty() {
                return view! { <p class="empty" id="node-empty">"No worker log with metric lines was loaded (SGLang `Prefill/Decode batch`, vLLM engine statistics or TRT-LLM iteration lines)."</p> }.into_any();
            }
            let charts = charts.get();
            let mut sections: Vec<String> = charts.iter().map(|c| c.section.clone()).collect();
            sections.dedup();
            let sections = sections.into_iter().map(|section| {
                let in_section: Vec<NodeChart> = charts.iter().filter(|c| c.section == section).cloned().collect();
                view! {
                    <h3>{section}</h3>
                    <div class="chart-grid">
                        {in_section.into_iter().map(|chart| {
                            let id = format!("node-{}", chart.id);
                            let option = Signal::derive({ let c = chart.clone(); move || Some(windows.with(|w| node_chart_option(&c, w, zoom_range.get()))) });
                            let csv = Signal::derive({ let c = chart.clone(); move || node_chart_csv(&c) });
                            view! { <ChartView id=id option=option empty=Signal::derive(String::new) csv=csv /> }
                        }).collect_view()}
                    </div>
                }
            }).collect_view();
            view! { <div class="node-charts" on:runlens-zoom=on_zoom>{sections}</div> }.into_any()
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
        let json: serde_json::Value =
            serde_json::from_str(&node_chart_option(&charts[0], &[], None)).unwrap();
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

    #[test]
    fn long_lines_are_drawn_thinned_and_say_so_while_the_csv_keeps_every_bucket() {
        use runlens_core::analysis::aggregate::AggregatedSeries;
        use runlens_core::analysis::aggregate::NodeMetric;
        let n = 10_000;
        let mut values: Vec<f64> = (0..n).map(|i| f64::from(i % 7)).collect();
        values[4321] = 999.0;
        let chart = NodeChart {
            metric: NodeMetric::DecodeRunning,
            aggregated_workers: false,
            id: "decode-running".into(),
            section: "Decode".into(),
            title: "Running requests".into(),
            y_name: "requests".into(),
            reducer: Reducer::Sum,
            bucket_s: 1.0,
            series: vec![AggregatedSeries {
                label: "w0".into(),
                reducer: None,
                members: 1,
                elapsed_s: (0..n).map(f64::from).collect(),
                values,
            }],
        };
        let json: serde_json::Value =
            serde_json::from_str(&node_chart_option(&chart, &[], None)).unwrap();
        let data = json["series"][0]["data"].as_array().unwrap();
        assert!(data.len() <= MAX_DRAWN_POINTS, "{}", data.len());
        assert!(data.iter().any(|p| p[1] == 999.0), "the spike is drawn");
        let title = if json["title"].is_array() {
            &json["title"][0]
        } else {
            &json["title"]
        };
        assert_eq!(
            title["subtext"],
            "1 s buckets · drawn: min and max of every 13 buckets (CSV: every bucket)"
        );
        assert_eq!(node_chart_csv(&chart).lines().count(), n as usize + 1);
    }

    #[test]
    fn a_zoomed_range_says_which_windows_it_covers() {
        let w = |c: u32, start_s: f64, end_s: f64| BenchmarkWindow {
            concurrency: Some(c),
            request_rate: None,
            start_s,
            end_s,
            source: String::new(),
            bucket_s: 1.0,
            in_flight: Vec::new(),
            gen_throughput: Vec::new(),
        };
        let windows = vec![(w(4, 0.0, 100.0), None), (w(16, 110.0, 210.0), None)];
        assert_eq!(windows[0].0.covered_share(50.0, 120.0), 0.5);
        assert_eq!(
            covered_text((50.0, 120.0), &windows),
            "In view: 50–120 s, covering c=4 (50 %), c=16 (10 %)."
        );
        assert_eq!(
            covered_text((300.0, 400.0), &windows),
            "In view: 300–400 s, outside every benchmark window."
        );
    }

    #[test]
    fn demo_windows_are_shaded_and_labelled_with_their_steady_state() {
        let mut ingest = Ingest::new();
        ingest.add_bytes(crate::worker::DEMO_NAME, crate::worker::DEMO_ARCHIVE);
        let ds = ingest.dataset();
        let run = ds
            .runs
            .iter()
            .find(|r| r.job_id.value == "4242001")
            .unwrap();
        let windows: Vec<_> = runlens_core::analysis::windows::benchmark_windows(&ds, &run.key)
            .into_iter()
            .map(|w| {
                let s = steady_state(&w, 0.9);
                (w, s)
            })
            .collect();
        assert_eq!(windows.len(), 5);
        let charts = charts_of(node_metric_series(
            &ds,
            &run.key,
            Grouping::Cluster,
            Reducer::Sum,
            1.0,
        ));
        let json: serde_json::Value =
            serde_json::from_str(&node_chart_option(&charts[0], &windows, Some((-50.0, 2.0))))
                .unwrap();
        let areas = json["series"][0]["markArea"]["data"].as_array().unwrap();
        assert_eq!(areas.len(), 10, "each window and its steady stretch");
        let labels: Vec<&str> = areas
            .iter()
            .filter_map(|a| a[0]["name"].as_str())
            .filter(|n| !n.is_empty())
            .collect();
        assert_eq!(labels, ["c=4", "c=16", "c=64", "c=128", "c=256"]);
        assert_eq!(areas[0][0]["xAxis"].as_f64(), Some(windows[0].0.start_s));
        assert_eq!(areas[1][1]["xAxis"].as_f64(), windows[0].1.map(|s| s.end_s));
        let first = charts[0]
            .series
            .iter()
            .filter_map(|s| s.elapsed_s.first().copied())
            .fold(f64::INFINITY, f64::min);
        assert_eq!(json["dataZoom"][0]["startValue"], first, "cut to the data");
        assert_eq!(json["dataZoom"][0]["endValue"], 2.0);
        assert_eq!(json["runlensGroup"], NODE_CHART_GROUP);
    }
}
