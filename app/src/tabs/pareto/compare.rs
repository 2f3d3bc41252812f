//! The A/B comparison on the Pareto chart: two clicked points (frontier points resolved to their
//! run), their values side by side and the change of B against A, coloured by better or worse.

use leptos::prelude::*;

/// One picked point of the A/B comparison: run label and `[x, y, concurrency, tps, ttft, tpot]`.
pub type PickedPoint = (String, [f64; 6]);

/// A chart click (the `runlens-point` event's detail) as a picked point. Clicks on the cutoff
/// line are not points; a click on the frontier is resolved to the run it came from.
pub fn picked_point(detail: &str, frontier: &[PickedPoint]) -> Option<PickedPoint> {
    #[derive(serde::Deserialize)]
    struct Click {
        series: String,
        index: usize,
        value: Vec<Option<f64>>,
    }
    let click: Click = serde_json::from_str(detail).ok()?;
    if click.series.starts_with("Pareto frontier") {
        return frontier.get(click.index).cloned();
    }
    if click.series.starts_with("Target: ") || click.value.len() < 6 {
        return None;
    }
    let mut p = [f64::NAN; 6];
    for (slot, v) in p.iter_mut().zip(&click.value) {
        *slot = v.unwrap_or(f64::NAN);
    }
    Some((click.series, p))
}

/// Adds a click to the comparison: the first pick is A, the second B, later picks replace B.
pub fn add_pick(picks: &mut Vec<PickedPoint>, p: PickedPoint) {
    if picks.len() >= 2 {
        picks.truncate(1);
    }
    picks.push(p);
}

/// Relative change from `a` to `b` in percent, when both are known and `a` is not zero.
pub fn percent_change(a: f64, b: f64) -> Option<f64> {
    (a.is_finite() && b.is_finite() && a != 0.0).then(|| (b - a) / a.abs() * 100.0)
}

/// Rows of the comparison: label, index into the point array, and whether higher is better
/// (`None`: neither, like concurrency).
const COMPARE_ROWS: [(&str, usize, Option<bool>); 6] = [
    ("Output TPS/User", 0, Some(true)),
    ("TPS/GPU", 1, Some(true)),
    ("Concurrency", 2, None),
    ("Output TPS", 3, Some(true)),
    ("Mean TTFT (ms)", 4, Some(false)),
    ("Mean TPOT (ms)", 5, Some(false)),
];

/// A/B comparison of two clicked points with the change from A to B, green when better.
#[component]
pub fn Comparison(
    picks: RwSignal<Vec<PickedPoint>>,
    y_name: Signal<&'static str>,
    dataset: Signal<Option<crate::data::DatasetRef>>,
) -> impl IntoView {
    // A picked point of a run with worker logs opens Node Metrics zoomed to its window.
    let node_button = move |pick: Option<PickedPoint>, id: &'static str, text: &'static str| {
        let pick = pick?;
        let run_key = dataset.with(|ds| {
            let ds = ds.as_ref()?;
            let run = ds.runs.iter().find(|r| r.label() == pick.0)?;
            ds.worker_logs
                .iter()
                .any(|l| l.run_key == run.key)
                .then(|| run.key.clone())
        })?;
        let concurrency = Some(pick.1[2])
            .filter(|c| c.is_finite() && *c >= 0.0)
            .map(|c| c as u32);
        let nav = use_context::<crate::tabs::Navigator>()?;
        Some(view! {
            <button class="small" id=id title="Node Metrics of this run, zoomed to this point's benchmark window"
                on:click=move |_| nav.show_nodes(crate::tabs::NodeFocus { run_key: run_key.clone(), concurrency })>{text}</button>
        })
    };
    let fmt = |v: f64| {
        if v.is_finite() && v.fract() == 0.0 {
            format!("{v:.0}")
        } else if v.is_finite() {
            format!("{v:.2}")
        } else {
            "–".to_string()
        }
    };
    view! {
        <div id="ab-compare" class="compare">
            {move || {
                let p = picks.get();
                match p.len() {
                    0 => view! { <p class="caption">"Click a point to pick A, then another to pick B for a side-by-side comparison."</p> }.into_any(),
                    _ => {
                        let a = p[0].clone();
                        let b = p.get(1).cloned();
                        let rows = COMPARE_ROWS.iter().map(|(label, i, higher)| {
                            let label = if *i == 1 { y_name.get() } else { *label };
                            let va = a.1[*i];
                            let vb = b.as_ref().map(|b| b.1[*i]).unwrap_or(f64::NAN);
                            let change = percent_change(va, vb);
                            let class = match (change, higher) {
                                (Some(c), Some(h)) if c != 0.0 => if (c > 0.0) == *h { "num better" } else { "num worse" },
                                _ => "num",
                            };
                            view! {
                                <tr><td>{label}</td><td class="num">{fmt(va)}</td><td class="num">{fmt(vb)}</td>
                                <td class=class>{change.map(|c| format!("{c:+.1} %")).unwrap_or_else(|| "–".into())}</td></tr>
                            }
                        }).collect_view();
                        view! {
                            <div class="table-scroll"><table>
                                <thead><tr><th></th>
                                    <th>"A: " {a.0.clone()}</th>
                                    <th>"B: " {b.as_ref().map(|b| b.0.clone()).unwrap_or_else(|| "click a second point".into())}</th>
                                    <th>"B vs A"</th></tr></thead>
                                <tbody>{rows}</tbody>
                            </table></div>
                            <button class="small" id="ab-swap" disabled=p.len() < 2 on:click=move |_| picks.update(|p| p.reverse())>"Swap A/B"</button>
                            <button class="small" id="ab-clear" on:click=move |_| picks.set(Vec::new())>"Clear"</button>
                            {node_button(Some(a.clone()), "ab-nodes-a", "A on Node Metrics")}
                            {node_button(b.clone(), "ab-nodes-b", "B on Node Metrics")}
                        }.into_any()
                    }
                }
            }}
        </div>
    }
}
