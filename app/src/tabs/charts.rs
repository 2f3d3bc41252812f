//! Small charming builders shared by the tabs: titled axes with units, a legend at the bottom,
//! tooltips, NaN values left out (they serialise as gaps), the run palette, and benchmark
//! windows shaded on time charts.

use charming::component::{Axis, Grid, Legend, LegendType, Title};
use charming::element::{AreaStyle, AxisType, NameLocation, Tooltip, Trigger};
use charming::series::{Bar, Line};
use charming::Chart;

/// The Okabe–Ito palette: eight colours told apart with every common colour-vision deficiency.
pub const RUN_PALETTE: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
];

/// The colour of the run at `index` in the dataset's run list: every tab colours a run the same.
pub fn run_colour(index: usize) -> &'static str {
    RUN_PALETTE[index % RUN_PALETTE.len()]
}

/// `chart` as the JSON the page hands ECharts. Every chart goes through this one serialiser
/// (charming's `Display` pretty-prints, `serde_json::to_string` writes compact text,
/// `to_value` builds a tree: each links its own copy of charming's large `Serialize` code into
/// the page's wasm), and through `to_value` because some options are edited as JSON first.
pub fn chart_json(chart: &Chart) -> serde_json::Value {
    serde_json::to_value(chart).unwrap_or_default()
}

/// [`chart_json`] as text.
pub fn chart_text(chart: &Chart) -> String {
    chart_json(chart).to_string()
}

/// The lowest and highest finite value, `(∞, −∞)` when there is none.
pub fn extent(values: impl IntoIterator<Item = f64>) -> (f64, f64) {
    values
        .into_iter()
        .filter(|x| x.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
            (lo.min(x), hi.max(x))
        })
}

/// One line of an XY chart: `[x, y]` points, optionally stacked (with area).
pub struct XySeries {
    pub name: String,
    pub points: Vec<Vec<f64>>,
    pub stack: Option<&'static str>,
}

impl XySeries {
    pub fn new(name: impl Into<String>, xs: &[f64], ys: &[f64]) -> Self {
        Self {
            name: name.into(),
            points: xs.iter().zip(ys).map(|(x, y)| vec![*x, *y]).collect(),
            stack: None,
        }
    }

    pub fn stacked(mut self, stack: &'static str) -> Self {
        self.stack = Some(stack);
        self
    }
}

fn base(title: &str, subtitle: &str, trigger: Trigger) -> Chart {
    Chart::new()
        .title(Title::new().text(title).subtext(subtitle).left(10))
        .tooltip(Tooltip::new().trigger(trigger))
        .legend(Legend::new().bottom(0).type_(LegendType::Scroll))
        .grid(Grid::new().left(80).right(30).top(60).bottom(70))
}

fn value_axis(name: &str, gap: i32) -> Axis {
    Axis::new()
        .type_(AxisType::Value)
        .name(name)
        .name_location(NameLocation::Middle)
        .name_gap(gap)
}

/// Shading of the benchmark windows (light, labelled) and their steady stretches (darker), as
/// an ECharts `markArea` on the first line.
fn window_areas(
    windows: &[(
        runlens_core::analysis::windows::BenchmarkWindow,
        Option<runlens_core::analysis::windows::SteadyState>,
    )],
) -> serde_json::Value {
    use serde_json::json;
    let mut data = Vec::new();
    for (w, steady) in windows {
        data.push(json!([
            {"name": w.label(), "xAxis": w.start_s, "itemStyle": {"color": "rgba(0, 0, 0, 0.06)"}},
            {"xAxis": w.end_s}
        ]));
        if let Some(s) = steady {
            data.push(json!([
                {"name": "", "xAxis": s.start_s, "itemStyle": {"color": "rgba(0, 158, 115, 0.16)"}},
                {"xAxis": s.end_s}
            ]));
        }
    }
    json!({
        "silent": true,
        "label": {"show": true, "position": "insideTop", "fontSize": 10, "color": "#555"},
        "data": data,
    })
}

/// `chart` as JSON with the windows shaded on its first line (as it is without windows).
pub fn with_window_areas(
    chart: &Chart,
    windows: &[(
        runlens_core::analysis::windows::BenchmarkWindow,
        Option<runlens_core::analysis::windows::SteadyState>,
    )],
) -> serde_json::Value {
    let mut json = chart_json(chart);
    if windows.is_empty() {
        return json;
    }
    if let Some(first) = json
        .get_mut("series")
        .and_then(|s| s.as_array_mut())
        .and_then(|s| s.first_mut())
    {
        first["markArea"] = window_areas(windows);
    }
    json
}

/// Make a time chart one of `group`: the page links the group's crosshairs and zoom (every
/// chart shows the hovered time; zooming one zooms all), zoomed by drag-select or shift+wheel,
/// and opened on `focus` (`[from, to]` seconds) when given.
pub fn linked_time_zoom(json: &mut serde_json::Value, group: &str, focus: Option<(f64, f64)>) {
    use serde_json::json;
    let mut zoom = json!({
        "type": "inside", "xAxisIndex": 0, "filterMode": "none",
        "zoomOnMouseWheel": "shift", "moveOnMouseWheel": false, "moveOnMouseMove": false,
    });
    if let Some((from, to)) = focus {
        zoom["startValue"] = json!(from);
        zoom["endValue"] = json!(to);
    }
    json["dataZoom"] = json!([zoom]);
    json["toolbox"] = json!({
        "right": 8, "top": 0, "itemSize": 13,
        "feature": {"dataZoom": {"yAxisIndex": "none", "title": {"zoom": "Zoom to a range", "back": "Back"}},
                    "restore": {"title": "Whole run"}},
    });
    json["runlensGroup"] = json!(group);
}

/// The frame of a line chart over a numeric X axis: title, tooltip, legend and titled axes.
pub fn line_frame(title: &str, subtitle: &str, x_name: &str, y_name: &str) -> Chart {
    base(title, subtitle, Trigger::Axis)
        .x_axis(value_axis(x_name, 28).scale(true))
        .y_axis(value_axis(y_name, 60))
}

/// Lines over a numeric X axis; `None` when no series has a point.
pub fn xy_chart(
    title: &str,
    subtitle: &str,
    x_name: &str,
    y_name: &str,
    series: Vec<XySeries>,
) -> Option<String> {
    if series
        .iter()
        .all(|s| s.points.iter().all(|p| !p[1].is_finite()))
    {
        return None;
    }
    let mut chart = line_frame(title, subtitle, x_name, y_name);
    for s in series {
        let mut line = Line::new().name(s.name).show_symbol(false).data(s.points);
        if let Some(stack) = s.stack {
            line = line.stack(stack).area_style(AreaStyle::new().opacity(0.6));
        }
        chart = chart.series(line);
    }
    Some(chart_text(&chart))
}

/// Bars over categories (stacked when a series names a stack); `None` without categories.
pub fn bar_chart(
    title: &str,
    subtitle: &str,
    categories: Vec<String>,
    x_name: &str,
    y_name: &str,
    series: Vec<(String, Vec<f64>, Option<&'static str>)>,
) -> Option<String> {
    if categories.is_empty() {
        return None;
    }
    let mut chart = base(title, subtitle, Trigger::Axis)
        .x_axis(
            Axis::new()
                .type_(AxisType::Category)
                .data(categories)
                .name(x_name)
                .name_location(NameLocation::Middle)
                .name_gap(28),
        )
        .y_axis(value_axis(y_name, 60));
    for (name, values, stack) in series {
        let mut bar = Bar::new().name(name).data(values);
        if let Some(stack) = stack {
            bar = bar.stack(stack);
        }
        chart = chart.series(bar);
    }
    Some(chart_text(&chart))
}

/// Axis label of a number: integers without decimals, others with two.
pub fn fmt_num(v: f64) -> String {
    if !v.is_finite() {
        "–".into()
    } else if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// A CSV cell of a column: the value, or empty where it is missing.
pub fn cell(column: &[f64], i: usize) -> String {
    column
        .get(i)
        .filter(|v| v.is_finite())
        .map(|v| v.to_string())
        .unwrap_or_default()
}

/// Rows as CSV text (RFC 4180 quoting by the `csv` crate), header first.
pub fn csv<H: AsRef<str>>(header: &[H], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut w = ::csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    let _ = w.write_record(header.iter().map(|h| h.as_ref()));
    for row in rows {
        let _ = w.write_record(&row);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_only_where_needed_and_ends_lines_with_lf() {
        let text = csv(
            &["a", "b"],
            [
                vec!["x,y".to_owned(), "say \"hi\"".to_owned()],
                vec!["1".into(), "".into()],
            ],
        );
        assert_eq!(text, "a,b\n\"x,y\",\"say \"\"hi\"\"\"\n1,\n");
    }
}
