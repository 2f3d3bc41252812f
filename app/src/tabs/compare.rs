//! Compare tab: a baseline and one or more candidates — each one run, every run carrying a tag,
//! or every run with one value of a sidebar field (container, GPU type, …) — each compared
//! by core's `analysis::compare`: the verdict counts, the Pareto frontiers overlaid with the
//! ratio of candidate to baseline throughput at equal TPS/User (the perf ruler), the table of
//! every matched point and metric with its change, interval, minimum detectable effect, verdict
//! and basis, and the configuration that differs. CSV and Markdown downloads write core's
//! report. The selections live in the URL hash. The worker computes the comparison (it
//! holds the per-request rows and runs the bootstraps off the page's thread).

use leptos::prelude::*;
use runlens_core::analysis::compare::{self, report, Comparison, Verdict};
use runlens_core::model::Run;
use runlens_core::Dataset;

use super::charts::{xy_chart, XySeries};
use crate::components::chart::Chart as ChartView;
use crate::components::worker_client::WorkerClient;
use crate::data::DatasetRef;
use crate::filters::{Field, Filters};
use crate::js;
use crate::protocol::{CompareRequest, CompareSide, ToWorker};

/// What the tab compares: `run:<key>`, `tag:<tag>` or `field:<key>=<value>` for the baseline
/// and for each candidate, and the choices of the curve summaries.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CompareView {
    pub baseline: Option<String>,
    /// Each compared with the baseline; empty: the second run.
    pub candidates: Vec<String>,
    pub at: Option<f64>,
    /// The TPS/User range of the curves' mean heights, each end open when unset (both unset:
    /// the range both frontiers cover).
    pub range_lo: Option<f64>,
    pub range_hi: Option<f64>,
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
            .map(|(t, n)| (format!("tag:{t}"), format!("tag {t} ({})", runs_text(n)))),
    );
    // Groups by a sidebar field (container, GPU type, topology, ISL/OSL) where runs differ in it.
    for field in Field::ALL {
        let mut values: std::collections::BTreeMap<String, usize> = Default::default();
        for r in &ds.runs {
            *values.entry(field.value_of(r)).or_default() += 1;
        }
        if values.len() < 2 {
            continue;
        }
        out.extend(values.into_iter().map(|(v, n)| {
            (
                format!("field:{}={v}", field.key()),
                format!("{} {v} ({})", field.title(), runs_text(n)),
            )
        }));
    }
    out
}

fn runs_text(n: usize) -> String {
    if n == 1 {
        "1 run".into()
    } else {
        format!("{n} runs")
    }
}

fn selects(selector: &str, run: &Run, filters: &Filters) -> bool {
    match selector.split_once(':') {
        Some(("run", key)) => run.key == key,
        Some(("tag", tag)) => filters.tags_of(run).iter().any(|t| t == tag),
        Some(("field", rest)) => rest.split_once('=').is_some_and(|(key, value)| {
            Field::from_key(key).is_some_and(|f| f.value_of(run) == value)
        }),
        _ => false,
    }
}

fn label_of(selector: &str, choices: &[(String, String)]) -> String {
    choices
        .iter()
        .find(|(k, _)| k == selector)
        .map_or_else(|| selector.to_owned(), |(_, l)| l.clone())
}

/// The selectors the view compares: its own, or the first run against the second.
fn selections(choices: &[(String, String)], view: &CompareView) -> Option<(String, Vec<String>)> {
    let mut runs = choices
        .iter()
        .filter(|c| c.0.starts_with("run:"))
        .map(|c| &c.0);
    let first = runs.next().cloned();
    let second = runs.next().cloned();
    let base = view.baseline.clone().or(first)?;
    let candidates = if view.candidates.is_empty() {
        vec![second?]
    } else {
        view.candidates.clone()
    };
    Some((base, candidates))
}

/// The next candidate the "add" button proposes: the first run not on either side yet.
fn next_candidate(
    choices: &[(String, String)],
    base: &str,
    candidates: &[String],
) -> Option<String> {
    choices
        .iter()
        .map(|c| &c.0)
        .find(|k| k.starts_with("run:") && k.as_str() != base && !candidates.contains(k))
        .cloned()
}

/// What the worker is asked to compare for the view's selections: each side's label and run
/// keys, and the TPS/User of the extra ratio.
pub fn compare_request(
    ds: &Dataset,
    filters: &Filters,
    view: &CompareView,
) -> Option<CompareRequest> {
    let all = choices(ds, filters);
    let (base, candidates) = selections(&all, view)?;
    let side = |selector: &str| CompareSide {
        label: label_of(selector, &all),
        runs: ds
            .runs
            .iter()
            .filter(|r| selects(selector, r, filters))
            .map(|r| r.key.clone())
            .collect(),
    };
    Some(CompareRequest {
        baseline: side(&base),
        candidates: candidates.iter().map(|c| side(c)).collect(),
        at: view.at,
        range: (view.range_lo.is_some() || view.range_hi.is_some()).then(|| {
            (
                view.range_lo.unwrap_or(0.0),
                view.range_hi.unwrap_or(f64::MAX),
            )
        }),
    })
}

fn line(name: String, pts: &[(f64, f64)]) -> XySeries {
    XySeries {
        name,
        points: pts.iter().map(|p| vec![p.0, p.1]).collect(),
        stack: None,
    }
}

/// The baseline's frontier and every candidate's, as one chart.
fn frontier_option(cs: &[Comparison]) -> Option<String> {
    let first = cs.first()?;
    let mut series = vec![line(
        format!("baseline: {}", first.baseline.label),
        &first.curves.baseline_frontier,
    )];
    series.extend(cs.iter().map(|c| {
        line(
            format!("candidate: {}", c.candidate.label),
            &c.curves.candidate_frontier,
        )
    }));
    xy_chart(
        "Pareto frontiers",
        "Output TPS/GPU over TPS/User (1000 / mean TPOT); valid points only",
        "TPS/User (tok/s/user)",
        "Output TPS/GPU",
        series,
    )
}

/// Each candidate's ratio to the baseline at equal TPS/User, with the parity line.
fn ruler_option(cs: &[Comparison]) -> Option<String> {
    let mut series: Vec<XySeries> = cs
        .iter()
        .filter(|c| !c.curves.ruler.is_empty())
        .map(|c| {
            let name = if cs.len() == 1 {
                "candidate / baseline".to_owned()
            } else {
                format!("{} / baseline", c.candidate.label)
            };
            line(name, &c.curves.ruler)
        })
        .collect();
    if series.is_empty() {
        return None;
    }
    let (lo, hi) =
        super::charts::extent(cs.iter().flat_map(|c| c.curves.ruler.iter().map(|r| r.0)));
    // Parity first: it takes the baseline's colour of the frontier chart, so each candidate has
    // the same colour on both charts.
    series.insert(0, line("parity (baseline)".into(), &[(lo, 1.0), (hi, 1.0)]));
    xy_chart(
        "Perf ruler",
        "candidate / baseline Output TPS/GPU at equal TPS/User, over the range both frontiers cover",
        "TPS/User (tok/s/user)",
        "ratio",
        series,
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
    // The selectors in effect (the view's, or the first two runs).
    let chosen = Memo::new(move |_| {
        let v = view.get();
        options.with(|o| selections(o, &v))
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
    // The comparisons stay in their Arc: reading them clones a pointer, not the rows.
    let result = Signal::derive(move || answer.with(|a| a.as_ref().map(|(c, _)| c.clone())));
    let select = move |id: String, current: String, on_pick: Box<dyn Fn(String)>| {
        view! {
            <select id=id on:change=move |ev| on_pick(event_target_value(&ev))>
                {options.get().into_iter().map(|(k, l)| {
                    let selected = k == current;
                    view! { <option value=k selected=selected>{l}</option> }
                }).collect_view()}
            </select>
        }
    };
    let baseline_picker = move || {
        let current = chosen
            .with(|c| c.as_ref().map(|c| c.0.clone()))
            .unwrap_or_default();
        view! {
            <label>"Baseline "{select("compare-baseline".into(), current, Box::new(move |v| view.update(|s| s.baseline = Some(v))))}</label>
        }
    };
    // One picker per candidate (the first keeps the id `compare-candidate`), each removable
    // while there are two or more, and a button adding the next run not yet compared.
    let candidate_pickers = move || {
        let current = chosen
            .with(|c| c.as_ref().map(|c| c.1.clone()))
            .unwrap_or_default();
        let several = current.len() > 1;
        current.iter().enumerate().map(|(i, sel)| {
            let id = if i == 0 { "compare-candidate".to_owned() } else { format!("compare-candidate-{}", i + 1) };
            let pick = Box::new(move |v: String| view.update(|s| {
                let effective = chosen.get_untracked().map(|c| c.1).unwrap_or_default();
                s.candidates = effective;
                if let Some(slot) = s.candidates.get_mut(i) { *slot = v; }
            }));
            let remove = move |_| view.update(|s| {
                let mut effective = chosen.get_untracked().map(|c| c.1).unwrap_or_default();
                if i < effective.len() { effective.remove(i); }
                s.candidates = effective;
            });
            view! {
                <span class="candidate-pick">
                    <label>{format!("Candidate {} ", i + 1)}{select(id, sel.clone(), pick)}</label>
                    {several.then(|| view! { <button class="compare-remove" title="Stop comparing this candidate" on:click=remove>"×"</button> })}
                </span>
            }
        }).collect_view()
    };
    let add_candidate = move |_| {
        let Some((base, mut candidates)) = chosen.get_untracked() else {
            return;
        };
        if let Some(next) = options.with_untracked(|o| next_candidate(o, &base, &candidates)) {
            candidates.push(next);
            view.update(|s| s.candidates = candidates);
        }
    };
    let can_add = Signal::derive(move || {
        chosen.with(|c| {
            c.as_ref()
                .is_some_and(|(b, cs)| options.with(|o| next_candidate(o, b, cs).is_some()))
        })
    });
    let download = move |csv: bool| {
        if let Some(c) = result.get_untracked() {
            if csv {
                js::download_text("runlens-compare.csv", "text/csv", &report::to_csv_many(&c));
            } else {
                js::download_text(
                    "runlens-compare.md",
                    "text/markdown",
                    &report::to_markdown_many(&c),
                );
            }
        }
    };
    let frontier = Signal::derive(move || result.with(|c| c.as_deref().and_then(frontier_option)));
    let ruler = Signal::derive(move || result.with(|c| c.as_deref().and_then(ruler_option)));
    view! {
        <section class="tab-body" id="compare-tab">
            <div class="controls">
                {baseline_picker}
                {candidate_pickers}
                <button id="compare-add" title="Compare one more run with the baseline" disabled=move || !can_add.get() on:click=add_candidate>"+ candidate"</button>
                <label>"Ratio at TPS/User "
                    <input id="compare-at" type="number" min="0" step="any" prop:value=move || view.get().at.map(|a| a.to_string()).unwrap_or_default()
                        on:change=move |ev| view.update(|s| s.at = positive(&event_target_value(&ev))) />
                </label>
                <label title="The curves' mean height (area ÷ width) over this TPS/User range, cut to the range both frontiers cover; empty: that whole range">"Heights over TPS/User "
                    <input id="compare-range-lo" type="number" min="0" step="any" prop:value=move || view.get().range_lo.map(|v| v.to_string()).unwrap_or_default()
                        on:change=move |ev| view.update(|s| s.range_lo = positive(&event_target_value(&ev))) />
                    "–"
                    <input id="compare-range-hi" type="number" min="0" step="any" prop:value=move || view.get().range_hi.map(|v| v.to_string()).unwrap_or_default()
                        on:change=move |ev| view.update(|s| s.range_hi = positive(&event_target_value(&ev))) />
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
            <p class="caption" id="compare-timing">{move || answer.with(|a| a.as_ref().map(|(cs, ms)| {
                let requests: usize = cs.iter().flat_map(|c| &c.rows).filter_map(|r| match r.basis {
                    compare::Basis::Bootstrap { baseline_requests, candidate_requests, .. } => Some(baseline_requests.max(candidate_requests)),
                    _ => None,
                }).max().unwrap_or(0);
                let what = if cs.len() > 1 { format!(" ({} candidates)", cs.len()) } else { String::new() };
                format!("Compared{what} in {ms:.0} ms in this browser's worker{}.", if requests > 0 { format!(" (bootstraps of up to {requests} requests per side, {} resamples)", compare::RESAMPLES) } else { String::new() })
            }))}</p>
            <div class="chart-grid">
                <ChartView id="compare-frontiers" option=frontier empty=Signal::derive(|| "No frontier: a side has no point with both a GPU count and a mean TPOT.".to_owned()) />
                <ChartView id="compare-ruler" option=ruler empty=Signal::derive(|| "No perf ruler: the frontiers share no TPS/User range.".to_owned()) />
            </div>
        </section>
    }
}

/// A positive finite number typed into a box (or read from the hash), else nothing.
pub fn positive(text: &str) -> Option<f64> {
    text.trim()
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite() && *v > 0.0)
}

/// The curve summary of one candidate: the ruler over the shared range and at the chosen x.
fn curve_text(c: &Comparison) -> String {
    let k = &c.curves;
    let curve = match (k.shared_range, k.ratio_geomean) {
        (Some((lo, hi)), Some(g)) => format!(
            "Over TPS/User {}–{} (both frontiers), the candidate gives ×{:.3} the baseline's Output TPS/GPU at equal interactivity (geometric mean of {} points; ×{:.3}–×{:.3}); {}.",
            report::human(lo), report::human(hi), g, k.ruler.len(),
            k.ratio_min.unwrap_or(f64::NAN), k.ratio_max.unwrap_or(f64::NAN),
            report::height_text(c),
        ),
        _ => "The frontiers share no TPS/User range: no perf ruler.".into(),
    };
    let at = k.at.map(|(x, r)| match r {
        Some(r) => format!(" At TPS/User {}: ×{r:.3}.", report::human(x)),
        None => format!(" TPS/User {} is outside a frontier.", report::human(x)),
    });
    curve + &at.unwrap_or_default()
}

/// One settings table for every candidate: each setting that differs for any candidate, the
/// baseline's value and each candidate's ("= baseline" where that candidate does not differ).
fn config_table(cs: &[Comparison]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut order: Vec<(String, String)> = Vec::new();
    let mut cells: std::collections::HashMap<(String, String), Vec<Option<String>>> =
        Default::default();
    let unset = |v: &Option<String>| v.clone().unwrap_or_else(|| "(unset)".into());
    for (i, c) in cs.iter().enumerate() {
        for d in &c.config {
            let key = (d.category.to_string(), d.name.clone());
            let row = cells.entry(key.clone()).or_insert_with(|| {
                order.push(key.clone());
                let mut row = vec![None; cs.len() + 1];
                row[0] = Some(unset(&d.baseline));
                row
            });
            row[i + 1] = Some(unset(&d.candidate));
        }
    }
    let header = cs.iter().map(|c| c.candidate.label.clone()).collect();
    let rows = order
        .into_iter()
        .map(|key| {
            let row = cells.remove(&key).unwrap_or_default();
            let mut out = vec![key.0, key.1];
            out.extend(
                row.into_iter()
                    .map(|v| v.unwrap_or_else(|| "= baseline".into())),
            );
            out
        })
        .collect();
    (header, rows)
}

fn summary_view(cs: &[Comparison], all_rows: bool) -> impl IntoView {
    let several = cs.len() > 1;
    let overview = several.then(|| {
        let mut table = report::overview(cs).into_iter();
        let head: Vec<_> = table
            .next()
            .unwrap_or_default()
            .into_iter()
            .map(|h| view! { <th>{h}</th> })
            .collect();
        let rows: Vec<_> = table
            .map(|row| {
                view! { <tr>{row.into_iter().enumerate().map(|(i, cell)| {
                    let class = if (1..5).contains(&i) { "num" } else { "" };
                    view! { <td class=class>{cell}</td> }
                }).collect_view()}</tr> }
            })
            .collect();
        view! {
            <div class="table-scroll"><table class="data" id="compare-overview">
                <thead><tr>{head}</tr></thead>
                <tbody>{rows}</tbody>
            </table></div>
        }
    });
    let counts = (!several).then(|| {
        let c = &cs[0];
        view! {
            <div class="cards" id="compare-counts">
                {crate::components::widgets::card("better", c.count(Verdict::Better).to_string())}
                {crate::components::widgets::card("worse", c.count(Verdict::Worse).to_string())}
                {crate::components::widgets::card("unchanged", c.count(Verdict::Unchanged).to_string())}
                {crate::components::widgets::card("can't tell", c.count(Verdict::CantTell).to_string())}
            </div>
        }
    });
    let curves: Vec<_> = cs
        .iter()
        .map(|c| {
            let who = several.then(|| view! { <b>{format!("{}: ", c.candidate.label)}</b> });
            view! { <p class="compare-curve">{who}{curve_text(c)}</p> }
        })
        .collect();
    let rows: Vec<_> = cs
        .iter()
        .flat_map(|c| c.rows.iter().map(move |r| (c, r)))
        .filter(|(_, r)| all_rows || r.verdict != Verdict::Unchanged)
        .map(|(c, r)| {
            let who = several.then(|| view! { <td>{c.candidate.label.clone()}</td> });
            view! {
                <tr>
                    {who}
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
    let total: usize = cs.iter().map(|c| c.rows.len()).sum();
    let hidden = total - rows.len();
    let unmatched: Vec<String> = cs
        .iter()
        .flat_map(|c| {
            c.unmatched.iter().map(move |u| {
                if several {
                    format!("{} ({}, vs {})", u.point, u.side, c.candidate.label)
                } else {
                    format!("{} ({})", u.point, u.side)
                }
            })
        })
        .collect();
    let unmatched = (!unmatched.is_empty()).then(
        || view! { <p id="compare-unmatched">"On one side only: "{unmatched.join(", ")}</p> },
    );
    let (config_heads, config_rows) = config_table(cs);
    let config_heads: Vec<_> = if several {
        config_heads
            .into_iter()
            .map(|h| view! { <th>{h}</th> })
            .collect()
    } else {
        let head = String::from("candidate");
        vec![view! { <th>{head}</th> }]
    };
    let config: Vec<_> = config_rows
        .into_iter()
        .map(|row| view! { <tr>{row.into_iter().map(|cell| view! { <td>{cell}</td> }).collect_view()}</tr> })
        .collect();
    let same_min = cs.iter().map(|c| c.config_same).min().unwrap_or(0);
    let same_max = cs.iter().map(|c| c.config_same).max().unwrap_or(0);
    view! {
        {overview}
        {counts}
        <div id="compare-curve">{curves}</div>
        {unmatched}
        <div class="table-scroll"><table class="data" id="compare-table">
            <thead><tr>{several.then(|| view! { <th>"candidate"</th> })}<th>"point"</th><th>"metric"</th><th>"baseline"</th><th>"candidate"</th><th>"change"</th><th>"99 % interval"</th><th>"MDE"</th><th>"verdict"</th><th>"basis"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table></div>
        <p class="note">{format!("{hidden} unchanged rows hidden. ")}"Better/worse: the whole 99 % interval is beyond ±1 %; unchanged: it lies within ±2 %; otherwise can't tell. One summary per side has no interval. MDE: the smallest change this data detects with 80 % power."</p>
        <h3>"Configuration that differs"</h3>
        <div class="table-scroll"><table class="data" id="compare-config">
            <thead><tr><th>"kind"</th><th>"setting"</th><th>"baseline"</th>{config_heads}</tr></thead>
            <tbody>{config}</tbody>
        </table></div>
        <p class="note">{if several {
            format!("Settings equal to the baseline's are hidden: {same_min} to {same_max} per candidate.")
        } else {
            format!("{same_min} settings are the same on both sides (hidden).")
        }}</p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use runlens_core::Ingest;

    #[test]
    fn sides_are_runs_tags_or_every_run_with_one_value_of_a_sidebar_field() {
        let mut ingest = Ingest::new();
        ingest.add_bytes(crate::worker::DEMO_NAME, crate::worker::DEMO_ARCHIVE);
        let ds = ingest.dataset();
        let filters = Filters::default();
        let all = choices(&ds, &filters);
        let container = Field::Container;
        let mut by_value: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for r in &ds.runs {
            by_value
                .entry(container.value_of(r))
                .or_default()
                .push(r.key.clone());
        }
        assert!(by_value.len() >= 2, "the demo has several containers");
        let (value, keys) = by_value.iter().max_by_key(|(_, k)| k.len()).unwrap();
        let selector = format!("field:container={value}");
        assert!(all
            .iter()
            .any(|(k, l)| *k == selector && l.contains(&format!("({})", runs_text(keys.len())))));
        let view = CompareView {
            baseline: Some(selector),
            candidates: vec![format!("run:{}", ds.runs[0].key), "field:nope=x".into()],
            ..Default::default()
        };
        let request = compare_request(&ds, &filters, &view).unwrap();
        assert_eq!(&request.baseline.runs, keys);
        assert_eq!(request.candidates[0].runs, vec![ds.runs[0].key.clone()]);
        assert!(
            request.candidates[1].runs.is_empty(),
            "an unknown field selects nothing"
        );
        assert_eq!(request.range, None);
        // One end of the heights' range set: the other is open.
        let half = CompareView {
            range_lo: Some(20.0),
            ..Default::default()
        };
        assert_eq!(
            compare_request(&ds, &filters, &half).unwrap().range,
            Some((20.0, f64::MAX))
        );
    }
}
