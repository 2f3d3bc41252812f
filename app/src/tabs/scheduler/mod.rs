//! Scheduler tab: vLLM v1 scheduler-logging CSVs (spec 004) as the core analysed them —
//! headline cards, request latency statistics with histogram or CDF, waiting vs execution per
//! request, preemption, iteration series over iteration id or elapsed time (batch, prefill vs
//! decode tokens, queues, KV utilisation, iteration time split), events, waiting reasons, time
//! per state, and a drill-down into one of the slowest requests' state timeline.

mod charts;

use crate::components::widgets::card;
use leptos::prelude::*;
use runlens_core::model::scheduler::{Distribution, RequestMetric};
use runlens_core::model::Summary;

pub use charts::{
    distribution_option, iteration_options, iterations_csv, request_timeline_option, requests_csv,
    time_per_state, wait_exec_option, IterationAxis,
};

use super::charts::{bar_chart, csv, fmt_num};
use crate::components::chart::Chart as ChartView;
use crate::data::DatasetRef;

/// The tab's toggles, kept in the URL hash by name (a link survives a different load order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchedulerView {
    /// Directory of the log set shown (`None`: the first).
    pub set: Option<String>,
    /// The request metric whose distribution is shown.
    pub metric: RequestMetric,
    pub cdf: bool,
    pub by_time: bool,
}

impl Default for SchedulerView {
    fn default() -> Self {
        Self {
            set: None,
            metric: RequestMetric::Ttft,
            cdf: false,
            by_time: false,
        }
    }
}

/// How the page names a request metric.
pub fn metric_name(m: RequestMetric) -> &'static str {
    match m {
        RequestMetric::Ttft => "TTFT",
        RequestMetric::Tpot => "TPOT",
        RequestMetric::E2eLatency => "E2E latency",
        RequestMetric::WaitingTime => "Waiting time",
        RequestMetric::ExecutionTime => "Execution time",
        RequestMetric::InputTokens => "Input tokens",
        RequestMetric::OutputTokens => "Output tokens",
    }
}

fn stat_row(d: &Distribution) -> impl IntoView {
    let s: Summary = d.summary;
    view! {
        <tr><td>{format!("{} ({})", metric_name(d.metric), d.metric.unit())}</td>
            <td class="num">{fmt_num(s.mean)}</td><td class="num">{fmt_num(s.p50)}</td><td class="num">{fmt_num(s.p90)}</td>
            <td class="num">{fmt_num(s.p95)}</td><td class="num">{fmt_num(s.p99)}</td><td class="num">{s.count}</td></tr>
    }
}

#[component]
pub fn SchedulerTab(
    dataset: Signal<Option<DatasetRef>>,
    view_state: RwSignal<SchedulerView>,
) -> impl IntoView {
    let chosen = Memo::new(move |_| view_state.with(|s| s.set.clone()));
    let set_chosen = move |v: String| view_state.update(|s| s.set = Some(v));
    let metric = Memo::new(move |_| view_state.with(|s| s.metric));
    let set_metric = move |v: RequestMetric| view_state.update(|s| s.metric = v);
    let analysis = Memo::new(move |_| {
        dataset.with(|ds| {
            ds.as_ref().and_then(|ds| {
                chosen
                    .with(|c| ds.scheduler.iter().find(|a| Some(&a.dir) == c.as_ref()))
                    .or(ds.scheduler.first())
                    .cloned()
            })
        })
    });
    let cdf = Memo::new(move |_| view_state.with(|s| s.cdf));
    let set_cdf = move |v: bool| view_state.update(|s| s.cdf = v);
    let axis = Memo::new(move |_| {
        if view_state.with(|s| s.by_time) {
            IterationAxis::Elapsed
        } else {
            IterationAxis::Iteration
        }
    });
    let set_axis =
        move |a: IterationAxis| view_state.update(|s| s.by_time = a == IterationAxis::Elapsed);
    let drill = RwSignal::new(0usize);
    let empty_iter =
        Signal::derive(move || "No per_iteration.csv was loaded (or it has no rows).".to_string());

    let sets = move || {
        dataset.with(|ds| {
            ds.as_ref()
                .map(|ds| {
                    ds.scheduler
                        .iter()
                        .map(|a| a.dir.clone())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let distributions = Signal::derive(move || {
        analysis.with(|a| {
            a.as_ref()
                .map(|a| {
                    a.latencies
                        .iter()
                        .chain(&a.tokens)
                        .cloned()
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let dist_option = Signal::derive(move || {
        distributions.with(|d| {
            d.iter()
                .find(|d| d.metric == metric.get())
                .and_then(|d| distribution_option(d, cdf.get()))
        })
    });
    let iter_options = Signal::derive(move || {
        analysis.with(|a| {
            a.as_ref()
                .map(|a| iteration_options(a, axis.get()))
                .unwrap_or_default()
        })
    });
    let iter_csv = Signal::derive(move || {
        analysis.with(|a| a.as_ref().map(iterations_csv).unwrap_or_default())
    });
    let req_csv =
        Signal::derive(move || analysis.with(|a| a.as_ref().map(requests_csv).unwrap_or_default()));

    view! {
        <Show when=move || analysis.with(Option::is_some) fallback=|| view! {
            <p class="empty" id="sched-empty">"No vLLM scheduler logs loaded. Drop the folder holding per_request.csv, per_iteration.csv, per_iteration_requests.csv, events.csv or state_transitions.csv (written with VLLM_SCHEDULER_LOGGING=1)."</p>
        }>
            <div class="controls">
                <Show when=move || { sets().len() > 1 }>
                    <label>"Log set "<select id="sched-set" on:change=move |ev| set_chosen(event_target_value(&ev))>
                        {move || sets().into_iter().map(|d| { let shown = d.clone(); let value = d.clone(); view! { <option value=value selected=move || analysis.with(|a| a.as_ref().is_some_and(|a| a.dir == shown))>{d}</option> } }).collect_view()}
                    </select></label>
                </Show>
                <span class="caption" id="sched-files">{move || analysis.with(|a| a.as_ref().map(|a| a.files.iter().map(|f| {
                    let mut s = f.label();
                    if !f.missing_columns.is_empty() { s.push_str(&format!(" — missing {}", f.missing_columns.join(", "))); }
                    s
                }).collect::<Vec<_>>().join(" · ")).unwrap_or_default())}</span>
            </div>
            {move || analysis.get().map(|a| {
                let h = a.headline.clone();
                view! {
                    <div class="cards" id="sched-cards">
                        {card("Requests", h.requests.to_string())}
                        {card("Mean TTFT (ms)", fmt_num(h.ttft_ms.mean))}
                        {card("Mean TPOT (ms)", fmt_num(h.tpot_ms.mean))}
                        {card("Mean E2E (ms)", fmt_num(h.e2e_ms.mean))}
                        {card("Preemption rate", if h.preemption_rate.is_finite() { format!("{:.1} %", h.preemption_rate * 100.0) } else { "–".into() })}
                        {card("KV util mean / max", format!("{} / {} %", fmt_num(h.kv_util_mean_pct), fmt_num(h.kv_util_max_pct)))}
                        {card("Mean batch size", fmt_num(h.batch_size_mean))}
                    </div>
                    <div class="table-scroll"><table id="sched-stats">
                        <thead><tr><th>"Request metric"</th><th>"mean"</th><th>"p50"</th><th>"p90"</th><th>"p95"</th><th>"p99"</th><th>"n"</th></tr></thead>
                        <tbody>{a.latencies.iter().chain(&a.tokens).map(stat_row).collect_view()}</tbody>
                    </table></div>
                    <p class="formula">"Times are nanoseconds from scheduler start in the CSVs, shown in ms. TPOT = (E2E − TTFT) / (output tokens − 1); waiting time includes time preempted. Percentiles interpolate linearly between ranks (as pandas)."</p>
                }
            })}
            <div class="controls">
                <label>"Metric "<select id="sched-metric" on:change=move |ev| set_metric(RequestMetric::from_id(&event_target_value(&ev)).unwrap_or(RequestMetric::Ttft))>
                    {move || distributions.get().into_iter().map(|d| { let m = d.metric; view! { <option value=m.id() selected=move || metric.get() == m>{metric_name(m)}</option> } }).collect_view()}
                </select></label>
                <label><input type="radio" name="sched-dist" id="sched-hist" prop:checked=move || !cdf.get() on:change=move |_| set_cdf(false) />"Histogram"</label>
                <label><input type="radio" name="sched-dist" id="sched-cdf" prop:checked=move || cdf.get() on:change=move |_| set_cdf(true) />"CDF"</label>
            </div>
            <div class="chart-grid">
            <ChartView id="sched-dist" option=dist_option csv=req_csv
                empty=Signal::derive(move || "per_request.csv has no values for this metric.".to_string()) />
            <ChartView id="sched-wait-exec" option=Signal::derive(move || analysis.with(|a| a.as_ref().and_then(wait_exec_option))) csv=req_csv
                empty=Signal::derive(move || "per_request.csv has no waiting_time or execution_time column.".to_string()) />
            {move || analysis.get().map(|a| {
                let p = a.preemption.clone();
                let option = bar_chart(
                    "Preemptions per request",
                    &format!("{} of {} requests preempted ({}); {} preemptions, {} evictions{}",
                        p.preempted_requests, p.requests,
                        if p.rate.is_finite() { format!("{:.1} %", p.rate * 100.0) } else { "–".into() },
                        p.total_preemptions, p.total_evictions,
                        p.preempted_events.map(|n| format!("; events.csv: {n} request_preempted")).unwrap_or_default()),
                    p.distribution.iter().map(|(n, _)| n.to_string()).collect(),
                    "Times preempted",
                    "Requests",
                    vec![("Requests".into(), p.distribution.iter().map(|(_, r)| *r as f64).collect(), None)],
                );
                let csv_text = csv(&["preemptions", "requests"], p.distribution.iter().map(|(n, r)| vec![n.to_string(), r.to_string()]));
                view! { <ChartView id="sched-preemptions" option=Signal::derive(move || option.clone()) csv=Signal::derive(move || csv_text.clone())
                    empty=Signal::derive(|| "per_request.csv has no preemption_count column.".to_string()) /> }
            })}
            </div>
            <h3>"Iterations"</h3>
            <div class="controls">
                <label><input type="radio" name="sched-x" id="sched-x-iter" prop:checked=move || axis.get() == IterationAxis::Iteration on:change=move |_| set_axis(IterationAxis::Iteration) />"by iteration"</label>
                <label><input type="radio" name="sched-x" id="sched-x-time" prop:checked=move || axis.get() == IterationAxis::Elapsed on:change=move |_| set_axis(IterationAxis::Elapsed) />"by elapsed time"</label>
            </div>
            <div class="chart-grid">
            {["sched-batch", "sched-tokens", "sched-queues", "sched-kv", "sched-iter-time"].into_iter().enumerate().map(|(i, id)| {
                let option = Signal::derive(move || iter_options.with(|o| o.get(i).and_then(|(_, o)| o.clone())));
                view! { <ChartView id=id option=option csv=iter_csv empty=empty_iter /> }
            }).collect_view()}
            </div>
            <h3>"Events and states"</h3>
            {move || analysis.get().map(|a| {
                let events = bar_chart("Events by type", "events.csv", a.event_counts.iter().map(|(k, _)| k.clone()).collect(), "Event type", "Events",
                    vec![("Events".into(), a.event_counts.iter().map(|(_, n)| *n as f64).collect(), None)]);
                let events_csv = csv(&["event_type", "count"], a.event_counts.iter().map(|(k, n)| vec![k.clone(), n.to_string()]));
                let reasons = bar_chart("Waiting reasons", "waiting rows of per_iteration_requests.csv", a.waiting_reasons.iter().map(|(k, _)| k.clone()).collect(), "Reason", "Request-iterations waiting",
                    vec![("Waiting rows".into(), a.waiting_reasons.iter().map(|(_, n)| *n as f64).collect(), None)]);
                let reasons_csv = csv(&["waiting_reason", "rows"], a.waiting_reasons.iter().map(|(k, n)| vec![k.clone(), n.to_string()]));
                view! {
                    <div class="chart-grid">
                    <ChartView id="sched-events" option=Signal::derive(move || events.clone()) csv=Signal::derive(move || events_csv.clone())
                        empty=Signal::derive(|| "No events.csv rows were loaded.".to_string()) />
                    <ChartView id="sched-reasons" option=Signal::derive(move || reasons.clone()) csv=Signal::derive(move || reasons_csv.clone())
                        empty=Signal::derive(|| "No waiting rows in per_iteration_requests.csv (file absent or empty).".to_string()) />
                    </div>
                    <div class="table-scroll"><table id="sched-state-time">
                        <thead><tr><th>"State"</th><th>"Total (ms)"</th><th>"Requests"</th><th>"Mean per request (ms)"</th></tr></thead>
                        <tbody>{if a.state_time.is_empty() {
                            view! { <tr><td colspan="4">"No state_transitions.csv or events.csv to time states from."</td></tr> }.into_any()
                        } else {
                            a.state_time.iter().map(|s| view! { <tr><td>{s.state.clone()}</td><td class="num">{fmt_num(s.total_ms)}</td><td class="num">{s.requests}</td><td class="num">{fmt_num(s.mean_ms)}</td></tr> }).collect_view().into_any()
                        }}</tbody>
                    </table></div>
                }
            })}
            <h3>"Slowest requests"</h3>
            {move || analysis.get().map(|a| {
                let slow = a.slowest.clone();
                view! {
                    <div class="table-scroll"><table id="sched-slowest" class="clickable">
                        <thead><tr><th>"Request"</th><th>"E2E (ms)"</th><th>"TTFT (ms)"</th><th>"Waiting (ms)"</th><th>"Execution (ms)"</th><th>"Preemptions"</th><th>"Time per state (ms, timeline)"</th></tr></thead>
                        <tbody>{slow.into_iter().enumerate().map(|(i, r)| view! {
                            <tr class:selected=move || drill.get() == i on:click=move |_| drill.set(i)>
                                <td>{r.id.clone()}</td><td class="num">{fmt_num(r.e2e_ms)}</td><td class="num">{fmt_num(r.ttft_ms)}</td>
                                <td class="num">{fmt_num(r.waiting_ms)}</td><td class="num">{fmt_num(r.execution_ms)}</td><td class="num">{fmt_num(r.preemptions)}</td>
                                <td>{time_per_state(&r)}</td>
                            </tr>
                        }).collect_view()}</tbody>
                    </table></div>
                }
            })}
            <ChartView id="sched-request" height=240
                option=Signal::derive(move || analysis.with(|a| a.as_ref().and_then(|a| a.slowest.get(drill.get())).and_then(request_timeline_option)))
                csv=Signal::derive(move || analysis.with(|a| a.as_ref().and_then(|a| a.slowest.get(drill.get())).map(|r| csv(&["state", "start_ms", "end_ms"], r.spans.iter().map(|s| vec![s.state.clone(), s.start_ms.to_string(), s.end_ms.to_string()]))).unwrap_or_default()))
                empty=Signal::derive(|| "No state timeline for this request: state_transitions.csv and events.csv are absent or do not mention it.".to_string()) />
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use runlens_core::model::SchedulerAnalysis;
    use runlens_core::Ingest;

    fn basic() -> SchedulerAnalysis {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../fixtures/scheduler/runs/sched-basic"
        );
        let mut ingest = Ingest::new();
        for name in [
            "per_request.csv",
            "per_iteration.csv",
            "events.csv",
            "state_transitions.csv",
        ] {
            ingest.add_bytes(
                &format!("sched-basic/{name}"),
                &std::fs::read(format!("{dir}/{name}")).unwrap(),
            );
        }
        ingest.dataset().scheduler.remove(0)
    }

    #[test]
    fn every_chart_has_data_and_csv_rows() {
        let a = basic();
        for (id, o) in iteration_options(&a, IterationAxis::Elapsed) {
            let v: serde_json::Value = serde_json::from_str(o.as_ref().unwrap()).unwrap();
            assert_eq!(
                v["series"][0]["data"].as_array().unwrap().len(),
                a.iterations.total,
                "{id}"
            );
        }
        assert_eq!(iterations_csv(&a).lines().count(), 1 + a.iterations.total);
        assert_eq!(requests_csv(&a).lines().count(), 61);
        let hist: serde_json::Value =
            serde_json::from_str(&distribution_option(&a.latencies[0], false).unwrap()).unwrap();
        let total: f64 = hist["series"][0]["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .sum();
        assert_eq!(total, 60.0);
        let per_state = time_per_state(&a.slowest[0]);
        assert!(
            per_state.starts_with("waiting ") && per_state.contains(" · running "),
            "{per_state}"
        );
        let t: serde_json::Value =
            serde_json::from_str(&request_timeline_option(&a.slowest[0]).unwrap()).unwrap();
        assert_eq!(
            t["series"].as_array().unwrap().len(),
            1 + a.slowest[0].spans.len()
        );
    }
}
