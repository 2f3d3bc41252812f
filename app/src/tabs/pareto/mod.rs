//! Pareto tab: Output (or Total) TPS/GPU against Output TPS/User, one line per run in
//! concurrency order, each point labelled with its concurrency; the Pareto frontier over every
//! plotted point, a TPS/User cutoff line, the frontier's table and the CSV of all points. Numbers
//! come from the core (`DerivedMetrics`, `pareto_frontier`, `export`); this module lays them out.

mod chart;
mod compare;

use crate::components::widgets::card;
use leptos::prelude::*;
use runlens_core::analysis::slo::{best_under_slo, evaluate, Slo, SloBasis};
use runlens_core::model::BenchmarkPoint;

pub use chart::{
    frontier_points, pareto_option, pareto_series, points_csv, tooltip_fields, ParetoSeries,
};
pub use compare::{add_pick, percent_change, picked_point, PickedPoint};

use crate::data::DatasetRef;
use compare::Comparison;

use crate::components::chart::Chart as ChartView;
use crate::js;

/// Which throughput per GPU is on the Y axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YMetric {
    Output,
    Total,
}

/// What the X axis measures: Output TPS/User from the mean or median TPOT, or E2E-normalized
/// interactivity (`1 / p90` or `1 / p75` of each request's E2E latency per output token,
/// InferenceX's axis for agentic workloads).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XMetric {
    TpotMean,
    TpotMedian,
    E2eP90,
    E2eP75,
}

impl XMetric {
    /// Its name on the axis and in tables.
    pub fn name(self) -> &'static str {
        match self {
            XMetric::TpotMean | XMetric::TpotMedian => "Output TPS/User",
            XMetric::E2eP90 => "E2E interactivity p90",
            XMetric::E2eP75 => "E2E interactivity p75",
        }
    }

    /// How it is computed, for the formula line under the chart.
    pub fn definition(self) -> &'static str {
        match self {
            XMetric::TpotMean => "Output TPS/User = 1000 / mean TPOT (ms).",
            XMetric::TpotMedian => "Output TPS/User = 1000 / median TPOT (ms).",
            XMetric::E2eP90 => "E2E interactivity p90 = 1 / p90(E2E latency (s) / output tokens) over the point's requests (the slowest tenth's token rate), else the value the benchmark client reported.",
            XMetric::E2eP75 => "E2E interactivity p75 = 1 / p75(E2E latency (s) / output tokens) over the point's requests, else the value the benchmark client reported.",
        }
    }

    /// What a point needs to have this value, for the empty state.
    fn needs(self) -> &'static str {
        match self {
            XMetric::TpotMean => "Output TPS/User (needs mean TPOT)",
            XMetric::TpotMedian => "Output TPS/User (needs median TPOT)",
            XMetric::E2eP90 | XMetric::E2eP75 => "E2E interactivity (needs per-request latencies and output lengths, or AIPerf's e2e_normalized_interactivity)",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParetoOptions {
    pub y: YMetric,
    pub x: XMetric,
    /// TPS/User cutoff line, when shown.
    pub cutoff: Option<f64>,
    pub frontier: bool,
    /// Divide output throughput by decode GPUs only (InferenceX's definition for disaggregated
    /// runs) instead of all GPUs.
    pub decode_gpus: bool,
    /// Plot points the validity gate rejected (all requests failed, no tokens, …).
    pub include_invalid: bool,
    /// A service-level objective: each run's fastest point that meets it is marked.
    pub slo: Option<Slo>,
}

/// The objective offered when the SLO box is ticked.
pub const DEFAULT_SLO: Slo = Slo {
    ttft_ms: Some(2000.0),
    tpot_ms: Some(50.0),
    e2el_ms: None,
    attainment: 0.9,
};

impl Default for ParetoOptions {
    fn default() -> Self {
        Self {
            y: YMetric::Output,
            x: XMetric::TpotMean,
            cutoff: None,
            frontier: true,
            decode_gpus: false,
            include_invalid: false,
            slo: None,
        }
    }
}

impl ParetoOptions {
    fn y_name(&self) -> &'static str {
        match self.y {
            YMetric::Output => "Output TPS/GPU",
            YMetric::Total => "Total TPS/GPU",
        }
    }

    fn x_of(&self, p: &BenchmarkPoint) -> Option<f64> {
        match self.x {
            XMetric::TpotMean => p.derived.output_tps_per_user,
            XMetric::TpotMedian => p.derived.output_tps_per_user_median,
            XMetric::E2eP90 => p.derived.e2e_interactivity_p90,
            XMetric::E2eP75 => p.derived.e2e_interactivity_p75,
        }
    }

    fn y_of(&self, p: &BenchmarkPoint) -> Option<f64> {
        match (self.y, self.decode_gpus) {
            (YMetric::Output, true) => p
                .derived
                .output_tps_per_decode_gpu
                .or(p.derived.output_tps_per_gpu),
            (YMetric::Output, false) => p.derived.output_tps_per_gpu,
            (YMetric::Total, _) => p.derived.total_tps_per_gpu,
        }
    }
}

/// Summary cards: runs, points, max Output TPS, max concurrency, profilers.
#[component]
fn SummaryCards(dataset: Signal<Option<DatasetRef>>) -> impl IntoView {
    move || {
        let ds = dataset.get()?;
        let points: Vec<_> = ds.runs.iter().flat_map(|r| r.points.iter()).collect();
        let max_tps = points
            .iter()
            .filter_map(|p| p.output_throughput)
            .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
        let max_conc = points.iter().filter_map(|p| p.concurrency).max();
        let mut profilers: Vec<String> = ds
            .runs
            .iter()
            .filter_map(|r| r.profiler.as_ref().map(|p| p.value.clone()))
            .collect();
        profilers.sort();
        profilers.dedup();
        let mut containers: Vec<String> =
            ds.runs.iter().filter_map(|r| r.container_label()).collect();
        containers.sort();
        containers.dedup();
        Some(view! {
            <p class="caption">{if containers.is_empty() { String::new() } else { format!("Containers: {}", containers.join(", ")) }}</p>
            <div class="cards" id="summary-cards">
                {card("Runs", ds.runs.len().to_string())}
                {card("Data points", points.len().to_string())}
                {card("Max output TPS", max_tps.map(|v| format!("{v:.0}")).unwrap_or_else(|| "–".into()))}
                {card("Max concurrency", max_conc.map(|v| v.to_string()).unwrap_or_else(|| "–".into()))}
                {card("Profilers", profilers.len().to_string())}
            </div>
        })
    }
}

#[component]
pub fn ParetoTab(
    dataset: Signal<Option<DatasetRef>>,
    opts: RwSignal<ParetoOptions>,
) -> impl IntoView {
    let option = Signal::derive(move || {
        let o = opts.get();
        dataset.with(|ds| ds.as_ref().and_then(|ds| pareto_option(ds, &o)))
    });
    let empty = Signal::derive(move || match dataset.get() {
        None => "Load runs to see the Pareto chart.".to_string(),
        Some(ds) if ds.runs.is_empty() => {
            "No benchmark results were found in what was loaded.".to_string()
        }
        Some(_) => format!(
            "No point has both {} (needs its throughput and a GPU count) and {}.",
            opts.get().y_name(),
            opts.get().x.needs()
        ),
    });
    let frontier = Signal::derive(move || {
        let o = opts.get();
        dataset.with(|ds| {
            ds.as_ref()
                .map(|ds| frontier_points(&pareto_series(ds, &o)))
                .unwrap_or_default()
        })
    });
    let total_points = Signal::derive(move || {
        let o = opts.get();
        dataset.with(|ds| {
            ds.as_ref()
                .map(|ds| {
                    pareto_series(ds, &o)
                        .iter()
                        .map(|s| s.points.len())
                        .sum::<usize>()
                })
                .unwrap_or(0)
        })
    });
    let invalid_count = Signal::derive(move || {
        dataset.with(|ds| {
            ds.as_ref().map_or(0, |ds| {
                ds.runs
                    .iter()
                    .flat_map(|r| &r.points)
                    .filter(|p| p.invalid.is_some())
                    .count()
            })
        })
    });
    let set = move |f: fn(&mut ParetoOptions)| opts.update(f);
    let picks: RwSignal<Vec<PickedPoint>> = RwSignal::new(Vec::new());
    let on_point = move |ev: web_sys::Event| {
        let Some(detail) = js::event_text(&ev) else {
            return;
        };
        if let Some(p) = frontier.with_untracked(|f| picked_point(&detail, f)) {
            picks.update(|picks| add_pick(picks, p));
        }
    };
    view! {
        <SummaryCards dataset=dataset />
        <div class="controls" id="pareto-controls">
            <label><input type="radio" name="y" id="y-output" prop:checked=move || opts.get().y == YMetric::Output
                on:change=move |_| set(|o| o.y = YMetric::Output) />"Output TPS/GPU"</label>
            <label><input type="radio" name="y" id="y-total" prop:checked=move || opts.get().y == YMetric::Total
                on:change=move |_| set(|o| o.y = YMetric::Total) />"Total TPS/GPU"</label>
            <span class="sep"></span>
            <label><input type="radio" name="tpot" id="tpot-mean" prop:checked=move || opts.get().x == XMetric::TpotMean
                on:change=move |_| set(|o| o.x = XMetric::TpotMean) />"TPS/User from mean TPOT"</label>
            <label><input type="radio" name="tpot" id="tpot-median" prop:checked=move || opts.get().x == XMetric::TpotMedian
                on:change=move |_| set(|o| o.x = XMetric::TpotMedian) />"from median TPOT"</label>
            <label title="1 / p90 of each request's E2E latency per output token (InferenceX, AIPerf): the token rate of the slowest tenth of requests"><input type="radio" name="tpot" id="x-e2e-p90" prop:checked=move || opts.get().x == XMetric::E2eP90
                on:change=move |_| set(|o| o.x = XMetric::E2eP90) />"E2E interactivity p90"</label>
            <label title="1 / p75 of each request's E2E latency per output token"><input type="radio" name="tpot" id="x-e2e-p75" prop:checked=move || opts.get().x == XMetric::E2eP75
                on:change=move |_| set(|o| o.x = XMetric::E2eP75) />"p75"</label>
            <span class="sep"></span>
            <label><input type="checkbox" id="show-frontier" prop:checked=move || opts.get().frontier
                on:change=move |_| set(|o| o.frontier = !o.frontier) />"Pareto frontier"</label>
            <label title="InferenceX divides output throughput by decode GPUs only"><input type="checkbox" id="decode-gpus" prop:checked=move || opts.get().decode_gpus
                on:change=move |_| set(|o| o.decode_gpus = !o.decode_gpus) />"per decode GPU"</label>
            <label title="Points whose requests all failed, that generated no tokens, completed under half their requests or that their client marked invalid">
                <input type="checkbox" id="include-invalid" prop:checked=move || opts.get().include_invalid
                on:change=move |_| set(|o| o.include_invalid = !o.include_invalid) />
                {move || format!("invalid points ({})", invalid_count.get())}</label>
            <label><input type="checkbox" id="show-cutoff" prop:checked=move || opts.get().cutoff.is_some()
                on:change=move |_| opts.update(|o| o.cutoff = if o.cutoff.is_some() { None } else { Some(30.0) }) />"TPS/User cutoff"</label>
            <input type="number" id="cutoff-value" min="0" max="1000" step="1" disabled=move || opts.get().cutoff.is_none()
                prop:value=move || opts.get().cutoff.unwrap_or(30.0).to_string()
                on:change=move |ev| {
                    if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                        opts.update(|o| o.cutoff = Some(v))
                    }
                } />
            <span class="sep"></span>
            <SloControls opts=opts />
            <button class="small" id="download-points" on:click=move |_| {
                if let Some(ds) = dataset.get_untracked() {
                    js::download_text("benchmark_data.csv", "text/csv", &points_csv(&ds));
                }
            }>"Download CSV (all points)"</button>
        </div>
        <div on:runlens-point=on_point>
            <ChartView id="pareto-chart" option=option empty=empty pick_points=true
                tooltip_fields=Signal::derive(move || tooltip_fields(opts.get().x.name(), opts.get().y_name()))
                csv=Signal::derive(move || dataset.with(|ds| ds.as_deref().map(points_csv).unwrap_or_default())) />
        </div>
        <Comparison picks=picks y_name=Signal::derive(move || opts.get().y_name()) dataset=dataset />
        <p class="caption" id="frontier-count">
            {move || {
                let left_out = if opts.get().include_invalid { 0 } else { invalid_count.get() };
                let mut text = format!("Frontier: {} points of {} plotted.", frontier.get().len(), total_points.get());
                if left_out > 0 {
                    text.push_str(&format!(" {left_out} invalid point(s) left out (listed above the tabs)."));
                }
                text
            }}
        </p>
        <SloSummary dataset=dataset opts=opts />
        <details id="frontier-table">
            <summary>"Frontier points"</summary>
            <div class="table-scroll"><table>
                <thead><tr><th>"Run"</th><th>"Concurrency"</th><th>{move || opts.get().x.name()}</th><th>{move || opts.get().y_name()}</th></tr></thead>
                <tbody>
                    {move || frontier.get().into_iter().map(|(name, p)| view! {
                        <tr><td>{name}</td><td class="num">{p[2]}</td><td class="num">{format!("{:.2}", p[0])}</td><td class="num">{format!("{:.2}", p[1])}</td></tr>
                    }).collect_view()}
                </tbody>
            </table></div>
        </details>
        <p class="formula">
            {move || format!(
                "{} = {} / {}. {}",
                opts.get().y_name(),
                if opts.get().y == YMetric::Output { "output_throughput" } else { "total_token_throughput" },
                if opts.get().decode_gpus && opts.get().y == YMetric::Output {
                    "decode GPUs (disaggregated runs; all GPUs for aggregated ones)"
                } else {
                    "total GPUs (nodes × GPUs per node, else working GPUs)"
                },
                opts.get().x.definition()
            )}
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use runlens_core::Dataset;
    use runlens_core::Ingest;

    fn demo() -> Dataset {
        let mut ingest = Ingest::new();
        ingest.add_bytes(crate::worker::DEMO_NAME, crate::worker::DEMO_ARCHIVE);
        ingest.dataset()
    }

    #[test]
    fn demo_run_gives_one_series_per_run_with_every_point() {
        let ds = demo();
        let opts = ParetoOptions {
            frontier: false,
            ..Default::default()
        };
        let series = pareto_series(&ds, &opts);
        assert_eq!(series.len(), ds.runs.len());
        for (s, r) in series.iter().zip(&ds.runs) {
            assert_eq!(s.points.len(), r.points.len(), "{}", s.name);
        }
        let json: serde_json::Value =
            serde_json::from_str(&pareto_option(&ds, &opts).unwrap()).unwrap();
        assert_eq!(json["series"].as_array().unwrap().len(), series.len());
    }

    #[test]
    fn points_are_labelled_only_while_the_labels_can_be_read() {
        let mut ds = demo();
        let opts = ParetoOptions {
            frontier: false,
            ..Default::default()
        };
        let shown = |ds: &Dataset| -> Vec<bool> {
            let json: serde_json::Value =
                serde_json::from_str(&pareto_option(ds, &opts).unwrap()).unwrap();
            json["series"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["label"]["show"] == true)
                .collect()
        };
        assert!(
            shown(&ds).iter().all(|s| *s),
            "the demo's runs are labelled"
        );
        let one = ds.runs[0].points[0].clone();
        ds.runs[0].points = (0..=chart::MAX_LABELLED_POINTS as u32)
            .map(|i| BenchmarkPoint {
                concurrency: Some(i + 1),
                ..one.clone()
            })
            .collect();
        let labels = shown(&ds);
        assert!(!labels[0], "a run of more points is not labelled");
        assert!(labels[1..].iter().all(|s| *s));
    }

    #[test]
    fn invalid_points_are_left_out_unless_asked_for() {
        let mut ds = demo();
        ds.runs[0].points[0].invalid =
            Some(runlens_core::model::InvalidPoint::AllRequestsFailed { sent: 10 });
        let plotted = |include_invalid| {
            let opts = ParetoOptions {
                include_invalid,
                ..Default::default()
            };
            pareto_series(&ds, &opts)
                .iter()
                .map(|s| s.points.len())
                .sum::<usize>()
        };
        assert_eq!(plotted(true), plotted(false) + 1);
    }

    #[test]
    fn frontier_and_cutoff_are_extra_series() {
        let ds = demo();
        let opts = ParetoOptions {
            cutoff: Some(30.0),
            ..Default::default()
        };
        let json: serde_json::Value =
            serde_json::from_str(&pareto_option(&ds, &opts).unwrap()).unwrap();
        let names: Vec<&str> = json["series"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        assert!(names[0].starts_with("Pareto frontier ("));
        assert_eq!(names.last(), Some(&"Target: 30 TPS/User"));
        assert_eq!(names.len(), ds.runs.len() + 2);
    }

    #[test]
    fn clicks_pick_a_then_b_and_resolve_frontier_points() {
        let frontier = vec![("run 7".to_string(), [40.0, 900.0, 16.0, 1.0, 2.0, 3.0])];
        let run_click = r#"{"series":"run 9","index":2,"value":[20,1500,64,9000,null,50]}"#;
        let a = picked_point(run_click, &frontier).unwrap();
        assert_eq!(a.0, "run 9");
        assert_eq!(a.1[2], 64.0);
        assert!(a.1[4].is_nan());
        let b = picked_point(
            r#"{"series":"Pareto frontier (1 points)","index":0,"value":[40,900]}"#,
            &frontier,
        )
        .unwrap();
        assert_eq!(b, frontier[0]);
        assert!(picked_point(
            r#"{"series":"Target: 30 TPS/User","index":0,"value":[30,0]}"#,
            &frontier
        )
        .is_none());
        assert!(picked_point("not json", &frontier).is_none());

        let mut picks = Vec::new();
        add_pick(&mut picks, a.clone());
        add_pick(&mut picks, b.clone());
        add_pick(&mut picks, b.clone());
        assert_eq!(picks.len(), 2);
        assert_eq!(picks[0].0, "run 9");
        assert_eq!(percent_change(20.0, 40.0), Some(100.0));
        assert_eq!(percent_change(0.0, 40.0), None);
        assert_eq!(percent_change(f64::NAN, 40.0), None);
    }

    #[test]
    fn csv_has_the_reference_header_and_a_row_per_point() {
        let ds = demo();
        let csv = points_csv(&ds);
        assert!(csv.starts_with("Run ID,Run Date,Profiler,ISL,OSL,"));
        assert_eq!(
            csv.lines().count(),
            1 + ds.runs.iter().map(|r| r.points.len()).sum::<usize>()
        );
    }
}

/// The objective's boxes, shared by the Pareto and Latency tabs (the same objective: typed here,
/// or dragged as a line on a latency chart): a tick that turns it on, the TTFT, TPOT and E2E
/// latency limits (empty: not constrained) and the share of requests that must meet them.
#[component]
pub fn SloControls(opts: RwSignal<ParetoOptions>) -> impl IntoView {
    let limit_box = move |id: &'static str,
                          step: &'static str,
                          get: fn(&Slo) -> Option<f64>,
                          set: fn(&mut Slo, Option<f64>)| {
        view! {
            <input type="number" id=id class="short" min="0" step=step disabled=move || opts.get().slo.is_none()
                prop:value=move || slo_text(opts.get().slo.as_ref().and_then(get))
                on:change=move |ev| { let v = limit_of(&event_target_value(&ev)); opts.update(|o| if let Some(s) = o.slo.as_mut() { set(s, v) }) } />
        }
    };
    view! {
        <label title="Mark each run's fastest point whose requests meet these latency limits, and draw them on the latency charts"><input type="checkbox" id="show-slo" prop:checked=move || opts.get().slo.is_some()
            on:change=move |_| opts.update(|o| o.slo = if o.slo.is_some() { None } else { Some(DEFAULT_SLO) }) />"SLO: TTFT ≤"</label>
        {limit_box("slo-ttft", "10", |s| s.ttft_ms, |s, v| s.ttft_ms = v)}
        <span>"ms, TPOT ≤"</span>
        {limit_box("slo-tpot", "1", |s| s.tpot_ms, |s, v| s.tpot_ms = v)}
        <span>"ms, E2E ≤"</span>
        {limit_box("slo-e2el", "100", |s| s.e2el_ms, |s, v| s.e2el_ms = v)}
        <span>"ms for"</span>
        <input type="number" id="slo-attainment" class="short" min="1" max="100" step="1" disabled=move || opts.get().slo.is_none()
            prop:value=move || opts.get().slo.map_or(90.0, |s| (s.attainment * 100.0).round()).to_string()
            on:change=move |ev| {
                if let Some(v) = event_target_value(&ev).parse::<f64>().ok().filter(|v| (1.0..=100.0).contains(v)) {
                    opts.update(|o| if let Some(s) = o.slo.as_mut() { s.attainment = v / 100.0 })
                }
            } />
        <span>"% of requests"</span>
    }
}

/// A limit typed into an SLO box: empty means not constrained.
fn limit_of(text: &str) -> Option<f64> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
}

fn slo_text(limit: Option<f64>) -> String {
    limit.map(|v| v.to_string()).unwrap_or_default()
}

/// The objective in words: "TTFT ≤ 2000 ms and TPOT ≤ 50 ms for 90 % of requests".
pub fn slo_words(slo: &Slo) -> String {
    let limits: Vec<String> = slo
        .limits()
        .map(|(name, v)| format!("{name} ≤ {v} ms"))
        .collect();
    format!(
        "{} for {:.0} % of requests",
        limits.join(" and "),
        slo.attainment * 100.0
    )
}

/// What borrowed rows mean for a goodput: they are the server's view of each request.
fn server_side_note(server_side: bool, from: Option<&str>) -> String {
    if !server_side {
        return String::new();
    }
    format!(
        "; rows from {}: latencies from the scheduler's arrival, without the client's network and queueing",
        from.unwrap_or("the scheduler's per_request.csv")
    )
}

/// Per run: its fastest point under the SLO, with the attainment and the basis, or why none.
#[component]
pub fn SloSummary(
    dataset: Signal<Option<DatasetRef>>,
    opts: RwSignal<ParetoOptions>,
) -> impl IntoView {
    move || {
        let slo = opts.get().slo.filter(Slo::is_set)?;
        let ds = dataset.get()?;
        let rows =
            ds.runs
                .iter()
                .filter(|r| !r.points.is_empty())
                .map(|run| {
                    let text = match best_under_slo(run, &slo) {
                    Some(i) => {
                        let p = &run.points[i];
                        let judged = evaluate(p, &slo);
                        let basis = match judged.basis {
                            SloBasis::Requests { requests, server_side } => format!(
                                "{:.1} % of {requests} {}requests met it{}{}",
                                judged.attainment.unwrap_or(0.0) * 100.0,
                                if server_side { "server-side " } else { "" },
                                judged
                                    .goodput_rps
                                    .map(|g| format!(", goodput {g:.2} req/s"))
                                    .unwrap_or_default(),
                                server_side_note(server_side, p.requests_from.as_deref()),
                            ),
                            SloBasis::Percentile { percentile } => {
                                format!("judged from the summary's p{percentile}")
                            }
                            SloBasis::Unknown => String::new(),
                        };
                        format!(
                            "c={} at {:.0} output tok/s ({basis})",
                            p.concurrency.map_or("?".to_owned(), |c| c.to_string()),
                            p.output_throughput.unwrap_or(f64::NAN)
                        )
                    }
                    None if run.points.iter().all(|p| evaluate(p, &slo).meets.is_none()) => {
                        "can't tell: no per-request rows, and no summary percentile at this share"
                            .to_owned()
                    }
                    None => "no point meets it".to_owned(),
                };
                    view! { <li><b>{run.label()}</b>": "{text}</li> }
                })
                .collect_view();
        Some(view! {
            <div class="caption" id="slo-summary">
                <p>{format!("Fastest point of each run under the SLO ({}), marked ★ on the chart:", slo_words(&slo))}</p>
                <ul class="compact">{rows}</ul>
            </div>
        })
    }
}
