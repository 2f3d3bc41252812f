//! Latency tab: TTFT, TPOT, ITL and E2E latency against concurrency or request rate (chosen, or
//! request rate on its own when the runs sweep the rate at one concurrency), one line per run,
//! for the chosen statistic (mean, median, p90, p99 where the results have it), linear or log
//! Y, and a min/max table per run.

use crate::data::DatasetRef;
use charming::component::{Axis, Grid, Legend, Title};
use charming::element::{AxisType, NameLocation, Symbol, Tooltip, Trigger};
use charming::series::Line;
use charming::Chart;
use leptos::prelude::*;
use runlens_core::analysis::slo::Slo;
use runlens_core::model::{BenchmarkPoint, LatencyStats};
use runlens_core::Dataset;

use crate::components::chart::Chart as ChartView;
use crate::tabs::pareto::{ParetoOptions, SloControls, SloSummary};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Statistic {
    Mean,
    Median,
    P90,
    P99,
}

impl Statistic {
    pub const ALL: [Statistic; 4] = [
        Statistic::Mean,
        Statistic::Median,
        Statistic::P90,
        Statistic::P99,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Statistic::Mean => "Mean",
            Statistic::Median => "Median",
            Statistic::P90 => "P90",
            Statistic::P99 => "P99",
        }
    }

    pub fn of(self, s: &LatencyStats) -> Option<f64> {
        match self {
            Statistic::Mean => s.mean,
            Statistic::Median => s.median,
            Statistic::P90 => s.p90,
            Statistic::P99 => s.p99,
        }
    }
}

/// What the latency charts put on X.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum XDim {
    /// Concurrency, unless the runs sweep request rate at one concurrency (then request rate).
    #[default]
    Auto,
    Concurrency,
    RequestRate,
}

impl XDim {
    fn of(self, p: &BenchmarkPoint) -> Option<f64> {
        match self {
            XDim::RequestRate => p.request_rate.filter(|r| r.is_finite() && *r > 0.0),
            _ => p.concurrency.map(f64::from),
        }
    }

    fn axis_name(self) -> &'static str {
        match self {
            XDim::RequestRate => "Request rate (requests/s asked for)",
            _ => "Concurrency (requests in flight)",
        }
    }

    fn short(self) -> &'static str {
        match self {
            XDim::RequestRate => "request_rate",
            _ => "concurrency",
        }
    }

    /// The dimension to draw: `Auto` becomes request rate when some run has several finite
    /// request rates but at most one concurrency.
    pub fn resolve(self, ds: &Dataset) -> XDim {
        if self != XDim::Auto {
            return self;
        }
        let distinct = |run: &runlens_core::model::Run, dim: XDim| {
            let mut v: Vec<u64> = run
                .points
                .iter()
                .filter_map(|p| dim.of(p))
                .map(f64::to_bits)
                .collect();
            v.sort_unstable();
            v.dedup();
            v.len()
        };
        let rate_sweep = ds
            .runs
            .iter()
            .any(|r| distinct(r, XDim::RequestRate) >= 2 && distinct(r, XDim::Concurrency) <= 1);
        if rate_sweep {
            XDim::RequestRate
        } else {
            XDim::Concurrency
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatencyOptions {
    pub stat: Statistic,
    pub log_y: bool,
    pub x: XDim,
}

impl Default for LatencyOptions {
    fn default() -> Self {
        Self {
            stat: Statistic::Mean,
            log_y: false,
            x: XDim::Auto,
        }
    }
}

/// Reads one latency metric of a point.
pub type MetricOf = fn(&BenchmarkPoint) -> &LatencyStats;

/// The four latency metrics: chart id, title, accessor.
pub const METRICS: [(&str, &str, MetricOf); 4] = [
    ("latency-ttft", "TTFT", |p| &p.ttft_ms),
    ("latency-tpot", "TPOT", |p| &p.tpot_ms),
    ("latency-itl", "ITL", |p| &p.itl_ms),
    ("latency-e2el", "E2E latency", |p| &p.e2el_ms),
];

/// The objective's limit a latency chart draws, by chart id: TTFT, TPOT and E2E latency have
/// one; ITL has none (an objective limits each request's TPOT, the mean of its ITLs).
pub fn slo_limit(chart_id: &str, slo: &Slo) -> Option<f64> {
    match chart_id {
        "latency-ttft" => slo.ttft_ms,
        "latency-tpot" => slo.tpot_ms,
        "latency-e2el" => slo.e2el_ms,
        _ => None,
    }
}

/// Set the limit of `chart_id` (a line dragged to `ms`); other ids change nothing.
pub fn set_slo_limit(chart_id: &str, slo: &mut Slo, ms: f64) {
    let ms = (ms * 100.0).round() / 100.0;
    match chart_id {
        "latency-ttft" => slo.ttft_ms = Some(ms),
        "latency-tpot" => slo.tpot_ms = Some(ms),
        "latency-e2el" => slo.e2el_ms = Some(ms),
        _ => {}
    }
}

/// Id of the SLO line's series: the page moves it while the line is dragged.
const SLO_SERIES_ID: &str = "runlens-slo";

/// One run's line: its label, `(x, ms)` points by x, and its index in the dataset (its colour).
pub type LatencySeries = (String, Vec<(f64, f64)>, usize);

/// The lines of one metric and statistic, x the resolved dimension.
pub fn latency_series(
    ds: &Dataset,
    metric: MetricOf,
    stat: Statistic,
    x: XDim,
) -> Vec<LatencySeries> {
    let x = x.resolve(ds);
    ds.runs
        .iter()
        .enumerate()
        .filter_map(|(index, run)| {
            let mut pts: Vec<(f64, f64)> = run
                .points
                .iter()
                .filter_map(|p| Some((x.of(p)?, stat.of(metric(p))?)))
                .filter(|(_, v)| v.is_finite())
                .collect();
            pts.sort_by(|a, b| a.0.total_cmp(&b.0));
            (!pts.is_empty()).then(|| (run.label(), pts, index))
        })
        .collect()
}

/// The data behind one latency chart: `run,<x>,<stat>_ms`.
pub fn latency_csv(ds: &Dataset, metric: MetricOf, stat: Statistic, x: XDim) -> String {
    let mut out = format!(
        "run,{},{}_ms\n",
        x.resolve(ds).short(),
        stat.label().to_lowercase()
    );
    for (run, pts, _) in latency_series(ds, metric, stat, x) {
        for (c, v) in pts {
            out.push_str(&format!("\"{}\",{c},{v}\n", run.replace('"', "\"\"")));
        }
    }
    out
}

/// The chart of one metric; `slo` draws the objective's limit as a dashed line across the
/// chart that the page lets the user drag (`(chart id, limit ms, share of requests)`).
pub fn latency_option(
    ds: &Dataset,
    title: &str,
    metric: MetricOf,
    opts: &LatencyOptions,
    slo: Option<(&str, f64, f64)>,
) -> Option<String> {
    let series = latency_series(ds, metric, opts.stat, opts.x);
    if series.is_empty() {
        return None;
    }
    let (x_lo, x_hi) =
        crate::tabs::charts::extent(series.iter().flat_map(|s| s.1.iter().map(|p| p.0)));
    let x = opts.x.resolve(ds);
    let y_name = format!("{} {title} (ms)", opts.stat.label());
    let mut chart = Chart::new()
        .title(
            Title::new()
                .text(format!("{y_name} vs {}", x.short().replace('_', " ")))
                .left("center"),
        )
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        .legend(
            Legend::new()
                .bottom(0)
                .type_(charming::component::LegendType::Scroll),
        )
        .grid(Grid::new().left(80).right(30).top(50).bottom(80))
        .x_axis(
            Axis::new()
                .type_(AxisType::Log)
                .log_base(2.0)
                .name(x.axis_name())
                .name_location(NameLocation::Middle)
                .name_gap(30),
        )
        .y_axis(
            Axis::new()
                .type_(if opts.log_y {
                    AxisType::Log
                } else {
                    AxisType::Value
                })
                .name(y_name)
                .name_location(NameLocation::Middle)
                .name_gap(60),
        );
    for (name, pts, index) in series {
        let colour = crate::tabs::charts::run_colour(index);
        chart = chart.series(
            Line::new()
                .name(name)
                .item_style(charming::element::ItemStyle::new().color(colour))
                .line_style(charming::element::LineStyle::new().color(colour))
                .show_symbol(true)
                .symbol(Symbol::Circle)
                .symbol_size(7)
                .data(pts.into_iter().map(|(c, v)| vec![c, v]).collect::<Vec<_>>()),
        );
    }
    let Some((chart_id, limit, share)) = slo else {
        return Some(super::charts::chart_text(&chart));
    };
    // A series, not a markLine: the axis grows to show a limit above every point.
    chart = chart.series(
        Line::new()
            .id(SLO_SERIES_ID)
            .name(format!(
                "SLO: {title} ≤ {limit} ms for {:.0} % of requests",
                share * 100.0
            ))
            .symbol(Symbol::None)
            .line_style(
                charming::element::LineStyle::new()
                    .type_(charming::element::LineStyleType::Dashed)
                    .color("#c0392b")
                    .width(2),
            )
            .item_style(charming::element::ItemStyle::new().color("#c0392b"))
            .z(5)
            .data(vec![vec![x_lo, limit], vec![x_hi, limit]]),
    );
    let mut json = super::charts::chart_json(&chart);
    // The limit written above the line's left end (a markLine of the line itself, drawn
    // transparent: only its label shows).
    if let Some(line) = json["series"].as_array_mut().and_then(|s| s.last_mut()) {
        line["markLine"] = serde_json::json!({
            "silent": true, "symbol": "none", "animation": false,
            "lineStyle": {"color": "rgba(0, 0, 0, 0)", "width": 0},
            "label": {"position": "insideStartTop", "color": "#c0392b",
                      "formatter": format!("SLO ≤ {limit} ms (drag to move)")},
            "data": [{"yAxis": limit}],
        });
    }
    json["runlensSloDrag"] =
        serde_json::json!({ "chart": chart_id, "value": limit, "series": SLO_SERIES_ID });
    Some(json.to_string())
}

#[component]
pub fn LatencyTab(
    dataset: Signal<Option<DatasetRef>>,
    opts: RwSignal<LatencyOptions>,
    /// Holds the objective (shared with the Pareto tab).
    pareto: RwSignal<ParetoOptions>,
) -> impl IntoView {
    let slo = Memo::new(move |_| pareto.get().slo);
    let charts = METRICS
        .iter()
        .map(|&(id, title, metric)| {
            let option = Signal::derive(move || {
                let o = opts.get();
                let line = slo
                    .get()
                    .and_then(|s| Some((id, slo_limit(id, &s)?, s.attainment)));
                dataset.with(|ds| {
                    ds.as_ref()
                        .and_then(|ds| latency_option(ds, title, metric, &o, line))
                })
            });
            let empty = Signal::derive(move || {
                let o = opts.get();
                let x = dataset.with(|ds| ds.as_deref().map(|ds| o.x.resolve(ds)).unwrap_or(o.x));
                format!(
                    "No run has a {} {title} for any {} in its results.",
                    o.stat.label().to_lowercase(),
                    x.short().replace('_', " ")
                )
            });
            let csv = Signal::derive(move || {
                let o = opts.get();
                dataset.with(|ds| {
                    ds.as_ref()
                        .map(|ds| latency_csv(ds, metric, o.stat, o.x))
                        .unwrap_or_default()
                })
            });
            view! { <ChartView id=id option=option empty=empty csv=csv /> }
        })
        .collect_view();
    // A dragged SLO line: `{chart, value}` in the event's detail.
    let on_slo_drag = move |ev: web_sys::Event| {
        let Some(v) = crate::js::event_detail::<serde_json::Value>(&ev) else {
            return;
        };
        let (Some(chart), Some(ms)) = (v["chart"].as_str(), v["value"].as_f64()) else {
            return;
        };
        if ms.is_finite() && ms > 0.0 {
            pareto.update(|p| {
                if let Some(s) = p.slo.as_mut() {
                    set_slo_limit(chart, s, ms)
                }
            });
        }
    };
    let table = move || {
        let o = opts.get();
        dataset.with(|ds| {
            let ds = ds.as_ref()?;
            let rows = ds
                .runs
                .iter()
                .map(|run| {
                    let cells = METRICS
                        .iter()
                        .map(|&(_, _, metric)| {
                            let v: Vec<f64> = run.points.iter().filter_map(|p| o.stat.of(metric(p))).collect();
                            let (min, max) = (v.iter().copied().reduce(f64::min), v.iter().copied().reduce(f64::max));
                            let f = |x: Option<f64>| x.map(|x| format!("{x:.1}")).unwrap_or_else(|| "–".into());
                            view! { <td class="num">{f(min)}</td><td class="num">{f(max)}</td> }
                        })
                        .collect_view();
                    view! { <tr><td>{run.label()}</td>{cells}</tr> }
                })
                .collect_view();
            Some(view! {
                <div class="table-scroll"><table id="latency-summary">
                    <thead><tr><th>"Run"</th>
                        {METRICS.iter().map(|(_, t, _)| view! { <th>{format!("min {t}")}</th><th>{format!("max {t}")}</th> }).collect_view()}
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table></div>
            })
        })
    };
    view! {
        <div class="controls" id="latency-controls">
            {Statistic::ALL.iter().map(|&s| view! {
                <label><input type="radio" name="stat" id=format!("stat-{}", s.label().to_lowercase())
                    prop:checked=move || opts.get().stat == s
                    on:change=move |_| opts.update(|o| o.stat = s) />{s.label()}</label>
            }).collect_view()}
            <span class="sep"></span>
            <label><input type="checkbox" id="log-y" prop:checked=move || opts.get().log_y
                on:change=move |_| opts.update(|o| o.log_y = !o.log_y) />"Log Y"</label>
            <span class="sep"></span>
            <label>"X "
                <select id="latency-x" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    opts.update(|o| o.x = match v.as_str() { "concurrency" => XDim::Concurrency, "rate" => XDim::RequestRate, _ => XDim::Auto });
                }>
                    <option value="auto" selected=move || opts.get().x == XDim::Auto>"auto"</option>
                    <option value="concurrency" selected=move || opts.get().x == XDim::Concurrency>"concurrency"</option>
                    <option value="rate" selected=move || opts.get().x == XDim::RequestRate>"request rate"</option>
                </select>
            </label>
        </div>
        <div class="controls" id="latency-slo">
            <SloControls opts=pareto />
        </div>
        <p class="caption" id="latency-slo-hint">{move || slo.get().map(|s| format!(
            "Drag a dashed SLO line to move its limit. The objective holds each request to the limits; with {:.0} % of requests, compare the lines with that percentile{}.",
            s.attainment * 100.0,
            match s.matching_percentile() { Some(50) => " (Median)", Some(90) => " (P90)", Some(99) => " (P99)", _ => "" }
        ))}</p>
        <div class="chart-grid" on:runlens-slo=on_slo_drag>{charts}</div>
        <SloSummary dataset=dataset opts=pareto />
        <h3>"Latency summary (ms)"</h3>
        {table}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use runlens_core::Ingest;

    #[test]
    fn a_request_rate_sweep_at_one_concurrency_is_drawn_against_the_rate() {
        let point = |rate: f64, ttft: f64| BenchmarkPoint {
            concurrency: Some(64),
            request_rate: Some(rate),
            ttft_ms: LatencyStats {
                mean: Some(ttft),
                ..Default::default()
            },
            ..Default::default()
        };
        let ds = Dataset {
            runs: vec![runlens_core::model::Run {
                key: "qps".into(),
                points: vec![
                    point(4.0, 300.0),
                    point(1.0, 100.0),
                    point(2.0, 150.0),
                    point(f64::INFINITY, 900.0),
                ],
                ..Default::default()
            }],
            ..Default::default()
        };
        assert_eq!(XDim::Auto.resolve(&ds), XDim::RequestRate);
        let s = latency_series(&ds, METRICS[0].2, Statistic::Mean, XDim::Auto);
        assert_eq!(
            s[0].1,
            vec![(1.0, 100.0), (2.0, 150.0), (4.0, 300.0)],
            "sorted by rate; unlimited rate left out"
        );
        // Asked for concurrency, all four stack at 64.
        assert_eq!(
            latency_series(&ds, METRICS[0].2, Statistic::Mean, XDim::Concurrency)[0]
                .1
                .len(),
            4
        );
        assert!(latency_csv(&ds, METRICS[0].2, Statistic::Mean, XDim::Auto)
            .starts_with("run,request_rate,mean_ms"));
    }

    #[test]
    fn a_run_has_the_same_colour_on_pareto_and_latency() {
        let mut ingest = Ingest::new();
        ingest.add_bytes(crate::worker::DEMO_NAME, crate::worker::DEMO_ARCHIVE);
        let ds = ingest.dataset();
        let pareto = crate::tabs::pareto::pareto_series(&ds, &Default::default());
        let latency = latency_series(&ds, METRICS[0].2, Statistic::Mean, XDim::Auto);
        assert!(pareto.len() >= 3);
        for p in &pareto {
            let (_, _, index) = latency
                .iter()
                .find(|l| l.0 == p.name)
                .expect("the run on both tabs");
            assert_eq!(
                p.colour,
                crate::tabs::charts::run_colour(*index),
                "{}",
                p.name
            );
        }
        let colours: std::collections::BTreeSet<_> = pareto.iter().map(|p| p.colour).collect();
        assert_eq!(
            colours.len(),
            pareto.len(),
            "distinct colours for the demo's runs"
        );
    }

    #[test]
    fn the_objective_is_a_dashed_line_across_its_chart_that_the_page_can_drag() {
        let mut ingest = Ingest::new();
        ingest.add_bytes(crate::worker::DEMO_NAME, crate::worker::DEMO_ARCHIVE);
        let ds = ingest.dataset();
        let mut slo = crate::tabs::pareto::DEFAULT_SLO;
        assert_eq!(slo_limit("latency-ttft", &slo), Some(2000.0));
        assert_eq!(slo_limit("latency-itl", &slo), None, "ITL has no limit");
        let opts = LatencyOptions::default();
        let limit = slo_limit("latency-ttft", &slo).map(|l| ("latency-ttft", l, slo.attainment));
        let json: serde_json::Value =
            serde_json::from_str(&latency_option(&ds, "TTFT", METRICS[0].2, &opts, limit).unwrap())
                .unwrap();
        let series = json["series"].as_array().unwrap();
        assert_eq!(series.len(), ds.runs.len() + 1);
        let line = series.last().unwrap();
        assert_eq!(line["id"], SLO_SERIES_ID);
        assert_eq!(line["name"], "SLO: TTFT ≤ 2000 ms for 90 % of requests");
        assert_eq!(line["lineStyle"]["type"], "dashed");
        // Across every x a run has: from the lowest concurrency to the highest.
        let xs: Vec<f64> = series[..ds.runs.len()]
            .iter()
            .flat_map(|s| {
                s["data"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p[0].as_f64().unwrap())
            })
            .collect();
        let data = line["data"].as_array().unwrap();
        assert_eq!(data[0][0].as_f64(), xs.iter().copied().reduce(f64::min));
        assert_eq!(data[1][0].as_f64(), xs.iter().copied().reduce(f64::max));
        assert_eq!(data[0][1], 2000.0);
        assert_eq!(
            line["markLine"]["label"]["formatter"],
            "SLO ≤ 2000 ms (drag to move)"
        );
        assert_eq!(json["runlensSloDrag"]["chart"], "latency-ttft");
        assert_eq!(json["runlensSloDrag"]["series"], SLO_SERIES_ID);
        // A drag sets that chart's limit only, to a hundredth of a millisecond.
        set_slo_limit("latency-ttft", &mut slo, 1234.5678);
        set_slo_limit("latency-itl", &mut slo, 7.0);
        assert_eq!(
            (slo.ttft_ms, slo.tpot_ms, slo.e2el_ms),
            (Some(1234.57), Some(50.0), None)
        );
        // Without an objective: no line and nothing to drag.
        let plain: serde_json::Value =
            serde_json::from_str(&latency_option(&ds, "TTFT", METRICS[0].2, &opts, None).unwrap())
                .unwrap();
        assert_eq!(plain["series"].as_array().unwrap().len(), ds.runs.len());
        assert!(plain.get("runlensSloDrag").is_none());
    }

    #[test]
    fn p99_and_log_axis() {
        let mut ingest = Ingest::new();
        ingest.add_bytes(crate::worker::DEMO_NAME, crate::worker::DEMO_ARCHIVE);
        let ds = ingest.dataset();
        let opts = LatencyOptions {
            stat: Statistic::P99,
            log_y: true,
            x: XDim::Auto,
        };
        let json: serde_json::Value =
            serde_json::from_str(&latency_option(&ds, "TTFT", METRICS[0].2, &opts, None).unwrap())
                .unwrap();
        assert_eq!(json["series"].as_array().unwrap().len(), ds.runs.len());
        let y = if json["yAxis"].is_array() {
            &json["yAxis"][0]
        } else {
            &json["yAxis"]
        };
        assert_eq!(y["type"], "log");
        assert!(y["name"].as_str().unwrap().starts_with("P99 TTFT"));
        let x = if json["xAxis"].is_array() {
            &json["xAxis"][0]
        } else {
            &json["xAxis"]
        };
        assert!(
            x["name"].as_str().unwrap().starts_with("Concurrency"),
            "the demo sweeps concurrency"
        );
        // No result, no chart: the page shows the empty state that names what is missing.
        assert!(latency_option(
            &Dataset::default(),
            "TTFT",
            METRICS[0].2,
            &LatencyOptions::default(),
            None
        )
        .is_none());
    }
}
