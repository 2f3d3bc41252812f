//! Compare tab: a baseline and a candidate — each one run or every run carrying a tag — compared
//! by core's `analysis::compare`: the verdict counts, the Pareto frontiers overlaid with the
//! ratio of candidate to baseline throughput at equal TPS/User (the perf ruler), the table of
//! every matched point and metric with its change, interval, minimum detectable effect, verdict
//! and basis, and the configuration that differs. CSV and Markdown downloads write core's
//! report. The two selections live in the URL hash. The worker computes the comparison (it
//! holds the per-request rows and runs the bootstraps off the page's thread).

use leptos::prelude::*;
use runlens_core::analysis::compare::{self, report, Comparison, Verdict};
use runlens_core::model::Run;
use runlens_core::Dataset;

use super::charts::{xy_chart, XySeries};
use crate::components::chart::Chart as ChartView;
use crate::components::worker_client::WorkerClient;
use crate::data::DatasetRef;
use crate::filters::Filters;
use crate::js;
use crate::protocol::{CompareRequest, ToWorker};

/// What the tab compares: `run:<key>` or `tag:<tag>` for each side, and the TPS/User the ratio
/// is also given at.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CompareView {
    pub baseline: Option<String>,
    pub candidate: Option<String>,
    pub at: Option<f64>,
    /// Show rows whose verdict is "unchanged" too.
    pub all_rows: bool,
}

/// `(selector, label)` choices: every run, then every tag with its run count.
fn choices(ds: &Dataset, filters: &Filters) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = ds
        .runs
        .iter()
        .map(|r| (format!("run:{}", r.key), r.label()))
        .collect();
    let mut tags: std::collections::BTreeMap<String, usize> = Default::default();
    for r in &ds.runs {
        for t in filters.tags_of(r) {
            *tags.entry(t).or_default() += 1;
        }
    }
    out.extend(
        tags.into_iter()
            .map(|(t, n)| (format!("tag:{t}"), format!("tag {t} ({n} runs)"))),
    );
    out
}

fn selects(selector: &str, run: &Run, filters: &Filters) -> bool {
    match selector.split_once(':') {
        Some(("run", key)) => run.key == key,
        Some(("tag", tag)) => filters.tags_of(run).iter().any(|t| t == tag),
        _ => false,
    }
}

fn label_of(selector: &str, choices: &[(String, String)]) -> String {
    choices
        .iter()
        .find(|(k, _)| k == selector)
        .map_or_else(|| selector.to_owned(), |(_, l)| l.clone())
}

/// What the worker is asked to compare for the view's two selections (the first two runs by
/// default): each side's label and run keys, and the TPS/User of the extra ratio.
pub fn compare_request(
    ds: &Dataset,
    filters: &Filters,
    view: &CompareView,
) -> Option<CompareRequest> {
    let all = choices(ds, filters);
    let runs: Vec<&String> = all
        .iter()
        .filter(|c| c.0.starts_with("run:"))
        .map(|c| &c.0)
        .collect();
    let base = view
        .baseline
        .clone()
        .or_else(|| runs.first().map(|s| s.to_string()))?;
    let cand = view
        .candidate
        .clone()
        .or_else(|| runs.get(1).map(|s| s.to_string()))?;
    let keys = |selector: &str| -> Vec<String> {
        ds.runs
            .iter()
            .filter(|r| selects(selector, r, filters))
            .map(|r| r.key.clone())
            .collect()
    };
    Some(CompareRequest {
        baseline_label: label_of(&base, &all),
        baseline_runs: keys(&base),
        candidate_label: label_of(&cand, &all),
        candidate_runs: keys(&cand),
        at: view.at,
    })
}

/// The two frontiers and the ruler, as one chart (ratio on a second series over the same x).
fn frontier_option(c: &Comparison) -> Option<String> {
    let k = &c.curves;
    let line = |name: String, pts: &[(f64, f64)]| XySeries {
        name,
        points: pts.iter().map(|p| vec![p.0, p.1]).collect(),
        stack: None,
    };
    xy_chart(
        "Pareto frontiers",
        "Output TPS/GPU over TPS/User (1000 / mean TPOT); valid points only",
        "TPS/User (tok/s/user)",
        "Output TPS/GPU",
        vec![
            line(
                format!("baseline: {}", c.baseline.label),
                &k.baseline_frontier,
            ),
            line(
                format!("candidate: {}", c.candidate.label),
                &k.candidate_frontier,
            ),
        ],
    )
}

fn ruler_option(c: &Comparison) -> Option<String> {
    let k = &c.curves;
    let ones: Vec<Vec<f64>> = k.ruler.iter().map(|r| vec![r.0, 1.0]).collect();
    xy_chart(
        "Perf ruler",
        "candidate / baseline Output TPS/GPU at equal TPS/User, over the range both frontiers cover",
        "TPS/User (tok/s/user)",
        "ratio",
        vec![
            XySeries {
                name: "candidate / baseline".into(),
                points: k.ruler.iter().map(|r| vec![r.0, r.1]).collect(),
                stack: None,
            },
            XySeries {
                name: "parity".into(),
                points: ones,
                stack: None,
            },
        ],
    )
}

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Better => "verdict better",
        Verdict::Worse => "verdict worse",
        Verdict::Unchanged => "verdict unchanged",
        Verdict::CantTell => "verdict cant-tell",
    }
}

#[component]
pub fn CompareTab(
    dataset: Signal<Option<DatasetRef>>,
    filters: RwSignal<Filters>,
    view: RwSignal<CompareView>,
    client: WorkerClient,
) -> impl IntoView {
    let options = Signal::derive(move || {
        let f = filters.get();
        dataset.with(|ds| ds.as_deref().map(|ds| choices(ds, &f)).unwrap_or_default())
    });
    // The worker compares (the bootstraps would hold this thread for a tenth of a second or
    // more); the answer shown is the one to the current request, else "comparing…".
    let request = Memo::new(move |_| {
        let (f, v) = (filters.get(), view.get());
        dataset.with(|ds| ds.as_deref().and_then(|ds| compare_request(ds, &f, &v)))
    });
    Effect::new(move |_| {
        if let Some(request) = request.get() {
            client.query(&ToWorker::Compare { request });
        }
    });
    let answer = Memo::new(move |_| {
        let asked = request.get()?;
        client.compared.with(|a| {
            a.as_ref()
                .filter(|(r, _, _)| *r == asked)
                .map(|(_, c, ms)| (c.clone(), *ms))
        })
    });
    let pending = Memo::new(move |_| request.with(Option::is_some) && answer.with(Option::is_none));
    let result = Memo::new(move |_| answer.with(|a| a.as_ref().map(|(c, _)| Comparison::clone(c))));
    let picker = move |id: &'static str, label: &'static str, baseline: bool| {
        view! {
            <label>{label}" "
                <select id=id on:change=move |ev| {
                    let v = event_target_value(&ev);
                    view.update(|s| if baseline { s.baseline = Some(v) } else { s.candidate = Some(v) });
                }>
                    {move || {
                        let current = result.with(|c| c.as_ref().map(|c| if baseline { c.baseline.label.clone() } else { c.candidate.label.clone() }));
                        options.get().into_iter().map(|(k, l)| {
                            let selected = current.as_deref() == Some(l.as_str());
                            view! { <option value=k selected=selected>{l}</option> }
                        }).collect_view()
                    }}
                </select>
            </label>
        }
    };
    let download = move |csv: bool| {
        if let Some(c) = result.get_untracked() {
            if csv {
                js::download_text("runlens-compare.csv", "text/csv", &report::to_csv(&c));
            } else {
                js::download_text(
                    "runlens-compare.md",
                    "text/markdown",
                    &report::to_markdown(&c),
                );
            }
        }
    };
    let frontier = Signal::derive(move || result.with(|c| c.as_ref().and_then(frontier_option)));
    let ruler = Signal::derive(move || result.with(|c| c.as_ref().and_then(ruler_option)));
    view! {
        <section class="tab-body" id="compare-tab">
            <div class="controls">
                {picker("compare-baseline", "Baseline", true)}
                {picker("compare-candidate", "Candidate", false)}
                <label>"Ratio at TPS/User "
                    <input id="compare-at" type="number" min="0" step="any" prop:value=move || view.get().at.map(|a| a.to_string()).unwrap_or_default()
                        on:change=move |ev| view.update(|s| s.at = event_target_value(&ev).parse().ok().filter(|a: &f64| a.is_finite() && *a > 0.0)) />
                </label>
                <label><input id="compare-all-rows" type="checkbox" prop:checked=move || view.get().all_rows
                    on:change=move |ev| view.update(|s| s.all_rows = event_target_checked(&ev)) />" show unchanged rows"</label>
                <button id="compare-csv" on:click=move |_| download(true)>"CSV"</button>
                <button id="compare-md" on:click=move |_| download(false)>"Markdown"</button>
            </div>
            {move || result.with(|c| match c {
                None if pending.get() => view! { <p class="empty" id="compare-pending">"Comparing in the background…"</p> }.into_any(),
                None => view! { <p class="empty" id="compare-empty">"Load at least two runs (or tag runs into two groups) to compare them: drop two run directories, or a parent holding both."</p> }.into_any(),
                Some(c) => summary_view(c, view.get().all_rows).into_any(),
            })}
            <p class="caption" id="compare-timing">{move || answer.with(|a| a.as_ref().map(|(c, ms)| {
                let requests: usize = c.rows.iter().filter_map(|r| match r.basis {
                    compare::Basis::Bootstrap { baseline_requests, candidate_requests, .. } => Some(baseline_requests.max(candidate_requests)),
                    _ => None,
                }).max().unwrap_or(0);
                format!("Compared in {ms:.0} ms in this browser's worker{}.", if requests > 0 { format!(" (bootstraps of up to {requests} requests per side, {} resamples)", compare::RESAMPLES) } else { String::new() })
            }))}</p>
            <div class="chart-grid">
                <ChartView id="compare-frontiers" option=frontier empty=Signal::derive(|| "No frontier: a side has no point with both a GPU count and a mean TPOT.".to_owned()) />
                <ChartView id="compare-ruler" option=ruler empty=Signal::derive(|| "No perf ruler: the two frontiers share no TPS/User range.".to_owned()) />
            </div>
        </section>
    }
}

fn summary_view(c: &Comparison, all_rows: bool) -> impl IntoView {
    let k = &c.curves;
    let curve = match (k.shared_range, k.ratio_geomean) {
        (Some((lo, hi)), Some(g)) => format!(
            "Over TPS/User {}–{} (both frontiers), the candidate gives ×{:.3} the baseline's Output TPS/GPU at equal interactivity (geometric mean of {} points; ×{:.3}–×{:.3}); mean curve height {} vs {} tok/s/GPU.",
            report::human(lo), report::human(hi), g, k.ruler.len(),
            k.ratio_min.unwrap_or(f64::NAN), k.ratio_max.unwrap_or(f64::NAN),
            k.mean_height_candidate.map_or("-".into(), report::human),
            k.mean_height_baseline.map_or("-".into(), report::human),
        ),
        _ => "The frontiers share no TPS/User range: no perf ruler.".into(),
    };
    let at = k.at.map(|(x, r)| match r {
        Some(r) => format!("At TPS/User {}: ×{r:.3}.", report::human(x)),
        None => format!("TPS/User {} is outside a frontier.", report::human(x)),
    });
    let rows: Vec<_> = c
        .rows
        .iter()
        .filter(|r| all_rows || r.verdict != Verdict::Unchanged)
        .map(|r| {
            view! {
                <tr>
                    <td>{r.point.to_string()}</td>
                    <td>{format!("{} ({})", r.label, r.unit)}</td>
                    <td class="num">{r.baseline.map_or("-".into(), report::human)}</td>
                    <td class="num">{r.candidate.map_or("-".into(), report::human)}</td>
                    <td class="num">{r.change.map_or("-".into(), report::percent)}</td>
                    <td class="num">{report::interval(r)}</td>
                    <td class="num">{r.min_detectable.map_or("-".into(), |m| format!("{:.1}%", m * 100.0))}</td>
                    <td class=verdict_class(r.verdict)>{r.verdict.to_string()}</td>
                    <td class="basis">{r.basis.to_string()}</td>
                </tr>
            }
        })
        .collect();
    let hidden = c.rows.len() - rows.len();
    let unmatched = (!c.unmatched.is_empty()).then(|| {
        let list: Vec<String> = c
            .unmatched
            .iter()
            .map(|u| format!("{} ({})", u.point, u.side))
            .collect();
        view! { <p id="compare-unmatched">"On one side only: "{list.join(", ")}</p> }
    });
    let config: Vec<_> = c
        .config
        .iter()
        .map(|d| {
            view! {
                <tr><td>{d.category.to_string()}</td><td>{d.name.clone()}</td>
                    <td>{d.baseline.clone().unwrap_or_else(|| "(unset)".into())}</td>
                    <td>{d.candidate.clone().unwrap_or_else(|| "(unset)".into())}</td></tr>
            }
        })
        .collect();
    let config_same = c.config_same;
    view! {
        <div class="cards" id="compare-counts">
            {crate::components::widgets::card("better", c.count(Verdict::Better).to_string())}
            {crate::components::widgets::card("worse", c.count(Verdict::Worse).to_string())}
            {crate::components::widgets::card("unchanged", c.count(Verdict::Unchanged).to_string())}
            {crate::components::widgets::card("can't tell", c.count(Verdict::CantTell).to_string())}
        </div>
        <p id="compare-curve">{curve}" "{at}</p>
        {unmatched}
        <div class="table-scroll"><table class="data" id="compare-table">
            <thead><tr><th>"point"</th><th>"metric"</th><th>"baseline"</th><th>"candidate"</th><th>"change"</th><th>"99 % interval"</th><th>"MDE"</th><th>"verdict"</th><th>"basis"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table></div>
        <p class="note">{format!("{hidden} unchanged rows hidden. ")}"Better/worse: the whole 99 % interval is beyond ±1 %; unchanged: it lies within ±2 %; otherwise can't tell. One summary per side has no interval. MDE: the smallest change this data detects with 80 % power."</p>
        <h3>"Configuration that differs"</h3>
        <div class="table-scroll"><table class="data" id="compare-config">
            <thead><tr><th>"kind"</th><th>"setting"</th><th>"baseline"</th><th>"candidate"</th></tr></thead>
            <tbody>{config}</tbody>
        </table></div>
        <p class="note">{format!("{config_same} settings are the same on both sides (hidden).")}</p>
    }
}
