//! The Pareto chart: one series per run (points in concurrency order, labelled with their
//! concurrency), the frontier over every plotted point, the TPS/User cutoff line, the tooltip's
//! value dimensions, and the CSV of all points.

use charming::component::{Axis, Grid, Legend, Title};
use charming::datatype::DataPointItem;
use charming::element::{
    AxisType, Label, LabelPosition, LineStyle, LineStyleType, NameLocation, Symbol, Tooltip,
    Trigger,
};
use charming::series::Line;
use charming::Chart;
use runlens_core::analysis::export::{point_columns, point_rows};
use runlens_core::analysis::metrics::pareto_frontier;
use runlens_core::Dataset;

use super::ParetoOptions;
use crate::tabs::charts::csv;

/// A run's points are labelled with their concurrency up to this many; more would overlap into
/// a smear (and cost the page a text element each: a run of 100 000 results held it for seconds).
pub const MAX_LABELLED_POINTS: usize = 64;

/// Dimension names of each data point's value array, shown in the tooltip.
pub const TOOLTIP_FIELDS: [&str; 6] = [
    "Output TPS/User",
    "TPS/GPU",
    "Concurrency",
    "Output TPS",
    "Mean TTFT (ms)",
    "Mean TPOT (ms)",
];

/// One plotted series: run label and its points `[x, y, concurrency, tps, ttft, tpot]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ParetoSeries {
    pub name: String,
    pub points: Vec<[f64; 6]>,
    /// The run's colour ([`crate::tabs::charts::run_colour`] of its index).
    pub colour: &'static str,
}

/// Series of every run with at least one plottable point.
pub fn pareto_series(ds: &Dataset, opts: &ParetoOptions) -> Vec<ParetoSeries> {
    ds.runs
        .iter()
        .enumerate()
        .filter_map(|(index, run)| {
            let points: Vec<[f64; 6]> = run
                .points
                .iter()
                .filter(|p| opts.include_invalid || p.invalid.is_none())
                .filter_map(|p| {
                    let nan = f64::NAN;
                    Some([
                        opts.x_of(p)?,
                        opts.y_of(p)?,
                        p.concurrency.map(f64::from).unwrap_or(nan),
                        p.output_throughput.unwrap_or(nan),
                        p.ttft_ms.mean.unwrap_or(nan),
                        p.tpot_ms.mean.unwrap_or(nan),
                    ])
                })
                .collect();
            (!points.is_empty()).then(|| ParetoSeries {
                name: run.label(),
                colour: crate::tabs::charts::run_colour(index),
                points,
            })
        })
        .collect()
}

/// Frontier points `(series name, point)` over every plotted point, ordered by TPS/User.
pub fn frontier_points(series: &[ParetoSeries]) -> Vec<(String, [f64; 6])> {
    let all: Vec<(&str, [f64; 6])> = series
        .iter()
        .flat_map(|s| s.points.iter().map(move |p| (s.name.as_str(), *p)))
        .collect();
    let xy: Vec<(Option<f64>, Option<f64>)> =
        all.iter().map(|(_, p)| (Some(p[0]), Some(p[1]))).collect();
    pareto_frontier(&xy)
        .into_iter()
        .map(|i| (all[i].0.to_owned(), all[i].1))
        .collect()
}

fn point_item(p: &[f64; 6]) -> DataPointItem {
    let values: Vec<Option<f64>> = p.iter().map(|v| v.is_finite().then_some(*v)).collect();
    let name = if p[2].is_finite() {
        format!("{}", p[2])
    } else {
        String::new()
    };
    DataPointItem::new(values).name(name)
}

/// A five-pointed star (ECharts `path://` symbol) for the best point under the SLO.
const STAR: &str = "path://M12 2l3.1 6.3 6.9 1-5 4.9 1.2 6.8L12 17.8 5.8 21l1.2-6.8-5-4.9 6.9-1z";

/// The ECharts option as JSON, or `None` when nothing can be plotted.
pub fn pareto_option(ds: &Dataset, opts: &ParetoOptions) -> Option<String> {
    let series = pareto_series(ds, opts);
    if series.is_empty() {
        return None;
    }
    let y_name = opts.y_name();
    let mut chart = Chart::new()
        .title(
            Title::new()
                .text(format!("{y_name} vs {}", opts.x.name()))
                .left("center"),
        )
        .tooltip(Tooltip::new().trigger(Trigger::Item))
        .legend(
            Legend::new()
                .bottom(0)
                .type_(charming::component::LegendType::Scroll),
        )
        .grid(Grid::new().left(80).right(40).top(50).bottom(80))
        .x_axis(
            Axis::new()
                .type_(AxisType::Value)
                .name(format!("{} (tokens/s per user)", opts.x.name()))
                .name_location(NameLocation::Middle)
                .name_gap(30)
                .scale(true),
        )
        .y_axis(
            Axis::new()
                .type_(AxisType::Value)
                .name(format!("{y_name} (tokens/s per GPU)"))
                .name_location(NameLocation::Middle)
                .name_gap(60)
                .scale(true),
        );
    if opts.frontier {
        let frontier = frontier_points(&series);
        let data: Vec<DataPointItem> = frontier.iter().map(|(_, p)| point_item(p)).collect();
        chart = chart.series(
            Line::new()
                .name(format!("Pareto frontier ({} points)", frontier.len()))
                .symbol(Symbol::Diamond)
                .symbol_size(14)
                .line_style(LineStyle::new().width(6).opacity(0.35).color("#d4a017"))
                .z(1)
                .data(data),
        );
    }
    for s in &series {
        let data: Vec<DataPointItem> = s.points.iter().map(point_item).collect();
        chart = chart.series(
            Line::new()
                .name(s.name.as_str())
                .item_style(charming::element::ItemStyle::new().color(s.colour))
                .line_style(LineStyle::new().color(s.colour))
                .show_symbol(true)
                .symbol(Symbol::Circle)
                .symbol_size(8)
                .z(3)
                .label(
                    Label::new()
                        .show(s.points.len() <= MAX_LABELLED_POINTS)
                        .position(LabelPosition::Top)
                        .formatter("{b}"),
                )
                .data(data),
        );
    }
    if let Some(slo) = opts.slo.filter(runlens_core::analysis::slo::Slo::is_set) {
        let best: Vec<DataPointItem> = ds
            .runs
            .iter()
            .filter_map(|run| {
                let p = run
                    .points
                    .get(runlens_core::analysis::slo::best_under_slo(run, &slo)?)?;
                Some(DataPointItem::new(vec![opts.x_of(p)?, opts.y_of(p)?]).name(run.label()))
            })
            .collect();
        chart = chart.series(
            charming::series::Scatter::new()
                .name(format!("Best under SLO ({})", super::slo_words(&slo)))
                .symbol(Symbol::Custom(STAR.into()))
                .symbol_size(22)
                .item_style(charming::element::ItemStyle::new().color("#c0392b"))
                .data(best),
        );
    }
    if let Some(cutoff) = opts.cutoff {
        let y_max = series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p[1]))
            .fold(0.0, f64::max)
            * 1.05;
        chart = chart.series(
            Line::new()
                .name(format!("Target: {cutoff} TPS/User"))
                .symbol(Symbol::None)
                .line_style(
                    LineStyle::new()
                        .type_(LineStyleType::Dashed)
                        .color("#c0392b")
                        .width(2),
                )
                .data(vec![
                    DataPointItem::new(vec![cutoff, 0.0]),
                    DataPointItem::new(vec![cutoff, y_max]),
                ]),
        );
    }
    Some(crate::tabs::charts::chart_text(&chart))
}

/// Tooltip lines of a Pareto point, the x and y dimensions named as plotted.
pub fn tooltip_fields(x_name: &str, y_name: &str) -> Vec<String> {
    let mut fields: Vec<String> = TOOLTIP_FIELDS.iter().map(|f| (*f).to_owned()).collect();
    fields[0] = x_name.to_owned();
    fields[1] = y_name.to_owned();
    fields
}

/// The per-point table as CSV text (the reference's column names first).
pub fn points_csv(ds: &Dataset) -> String {
    csv(
        &point_columns(),
        point_rows(ds)
            .into_iter()
            .map(|row| row.iter().map(|c| c.to_csv()).collect()),
    )
}
