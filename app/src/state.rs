//! View state in the URL hash (`#tab=latency&y=total&tpot=median&cutoff=30&stat=p99&logy=1`):
//! reloading the page and loading the same data restores the same view. Data never goes in the
//! hash. Unknown or malformed keys are ignored, so old links keep working.

use crate::filters::{Field, Filters};
use crate::tabs::compare::{positive, CompareView};
use crate::tabs::latency::{LatencyOptions, Statistic, XDim};
use crate::tabs::pareto::{ParetoOptions, XMetric, YMetric};
use crate::tabs::scheduler::SchedulerView;
use crate::tabs::Tab;
use runlens_core::analysis::redact::Redaction;
use runlens_core::analysis::windows::DEFAULT_STEADY_RATIO;
use runlens_core::model::scheduler::RequestMetric;

#[derive(Debug, Clone, PartialEq)]
pub struct ViewState {
    pub tab: Tab,
    pub pareto: ParetoOptions,
    pub latency: LatencyOptions,
    /// Sidebar filters, run selection and this browser's tag edits.
    pub filters: Filters,
    pub scheduler: SchedulerView,
    /// Directory of the log set shown in the P2P NCCL tab (`None`: the first).
    pub p2p_set: Option<String>,
    /// The Compare tab's two selections and options.
    pub compare: CompareView,
    /// Node Metrics: the share of a window's peak in-flight requests its steady state keeps.
    pub steady_ratio: f64,
}

impl Default for ViewState {
    fn default() -> Self {
        Self {
            tab: Tab::Pareto,
            pareto: ParetoOptions::default(),
            latency: LatencyOptions::default(),
            filters: Filters::default(),
            scheduler: SchedulerView::default(),
            p2p_set: None,
            compare: CompareView::default(),
            steady_ratio: DEFAULT_STEADY_RATIO,
        }
    }
}

/// Percent-encode the characters the hash grammar uses.
fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' | '&' | '=' | '|' | ';' | ':' | ',' | '#' | ' ' => {
                out.push_str(&format!("%{:02X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

fn dec(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn list(v: &str) -> impl Iterator<Item = String> + '_ {
    v.split('|').filter(|x| !x.is_empty()).map(dec)
}

/// `key:t1,t2;key2:t3` ↔ map of tags per run key.
/// `ttft:2000,tpot:50,e2el:,att:0.9` (an empty limit: not constrained).
fn slo_of(v: &str) -> Option<runlens_core::analysis::slo::Slo> {
    let mut slo = runlens_core::analysis::slo::Slo {
        ttft_ms: None,
        tpot_ms: None,
        e2el_ms: None,
        attainment: 0.9,
    };
    for part in v.split(',') {
        let (k, x) = part.split_once(':')?;
        let x: Option<f64> = x.parse().ok().filter(|x: &f64| x.is_finite() && *x >= 0.0);
        match k {
            "ttft" => slo.ttft_ms = x,
            "tpot" => slo.tpot_ms = x,
            "e2el" => slo.e2el_ms = x,
            "att" => slo.attainment = x.filter(|a| *a > 0.0 && *a <= 1.0)?,
            _ => {}
        }
    }
    Some(slo)
}

fn tag_map(v: &str) -> std::collections::BTreeMap<String, Vec<String>> {
    v.split(';')
        .filter_map(|entry| {
            let (k, tags) = entry.split_once(':')?;
            Some((
                dec(k),
                tags.split(',').filter(|t| !t.is_empty()).map(dec).collect(),
            ))
        })
        .collect()
}

fn tag_map_text(m: &std::collections::BTreeMap<String, Vec<String>>) -> String {
    m.iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| {
            format!(
                "{}:{}",
                enc(k),
                v.iter().map(|t| enc(t)).collect::<Vec<_>>().join(",")
            )
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// `hash` with every redacted value replaced by its pseudonym, in the encoded form the hash
/// holds it in (longer values first, as in the dataset), so a saved report's view names the
/// same pseudonyms as its data.
pub fn redact_hash(hash: &str, plan: &[Redaction]) -> String {
    let mut order: Vec<&Redaction> = plan.iter().collect();
    order.sort_by_key(|r| std::cmp::Reverse(r.original.len()));
    let mut out = hash.to_owned();
    for r in order {
        for (from, to) in [
            (enc(&r.original), enc(&r.pseudonym)),
            (r.original.clone(), r.pseudonym.clone()),
        ] {
            if out.contains(from.as_str()) {
                out = out.replace(from.as_str(), &to);
            }
        }
    }
    out
}

impl ViewState {
    pub fn to_hash(&self) -> String {
        let mut parts = vec![format!("tab={}", self.tab.id())];
        if self.pareto.y == YMetric::Total {
            parts.push("y=total".into());
        }
        if self.steady_ratio != DEFAULT_STEADY_RATIO {
            parts.push(format!("steady={}", self.steady_ratio));
        }
        match self.pareto.x {
            XMetric::TpotMean => {}
            XMetric::TpotMedian => parts.push("tpot=median".into()),
            XMetric::E2eP90 => parts.push("x=e2e-p90".into()),
            XMetric::E2eP75 => parts.push("x=e2e-p75".into()),
        }
        if let Some(c) = self.pareto.cutoff {
            parts.push(format!("cutoff={c}"));
        }
        if let Some(slo) = self.pareto.slo {
            let limit = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
            parts.push(format!(
                "slo=ttft:{},tpot:{},e2el:{},att:{}",
                limit(slo.ttft_ms),
                limit(slo.tpot_ms),
                limit(slo.e2el_ms),
                slo.attainment
            ));
        }
        if !self.pareto.frontier {
            parts.push("frontier=0".into());
        }
        if self.pareto.decode_gpus {
            parts.push("gpus=decode".into());
        }
        if self.pareto.include_invalid {
            parts.push("invalid=1".into());
        }
        if self.latency.stat != Statistic::Mean {
            parts.push(format!("stat={}", self.latency.stat.label().to_lowercase()));
        }
        if self.latency.log_y {
            parts.push("logy=1".into());
        }
        match self.latency.x {
            XDim::Auto => {}
            XDim::Concurrency => parts.push("lx=concurrency".into()),
            XDim::RequestRate => parts.push("lx=rate".into()),
        }
        let cv = &self.compare;
        if let Some(b) = &cv.baseline {
            parts.push(format!("cbase={}", enc(b)));
        }
        for c in &cv.candidates {
            parts.push(format!("ccand={}", enc(c)));
        }
        if let Some(a) = cv.at {
            parts.push(format!("cat={a}"));
        }
        if let Some(v) = cv.range_lo {
            parts.push(format!("clo={v}"));
        }
        if let Some(v) = cv.range_hi {
            parts.push(format!("chi={v}"));
        }
        if cv.all_rows {
            parts.push("call=1".into());
        }
        let sv = &self.scheduler;
        for (k, v) in [("sset", &sv.set), ("pset", &self.p2p_set)] {
            if let Some(v) = v {
                parts.push(format!("{k}={}", enc(v)));
            }
        }
        if sv.metric != RequestMetric::Ttft {
            parts.push(format!("smetric={}", sv.metric.id()));
        }
        if sv.cdf {
            parts.push("scdf=1".into());
        }
        if sv.by_time {
            parts.push("sx=time".into());
        }
        let f = &self.filters;
        for (field, ex) in &f.excluded {
            if !ex.is_empty() {
                parts.push(format!(
                    "x_{}={}",
                    field.key(),
                    ex.iter().map(|v| enc(v)).collect::<Vec<_>>().join("|")
                ));
            }
        }
        if !f.tags.is_empty() {
            parts.push(format!(
                "tags={}",
                f.tags.iter().map(|v| enc(v)).collect::<Vec<_>>().join("|")
            ));
        }
        for (k, v) in [("from", &f.date_from), ("to", &f.date_to)] {
            if let Some(v) = v {
                parts.push(format!("{k}={}", enc(v)));
            }
        }
        for (k, v) in [("cmin", f.concurrency_min), ("cmax", f.concurrency_max)] {
            if let Some(v) = v {
                parts.push(format!("{k}={v}"));
            }
        }
        if !f.deselected.is_empty() {
            parts.push(format!(
                "off={}",
                f.deselected
                    .iter()
                    .map(|v| enc(v))
                    .collect::<Vec<_>>()
                    .join("|")
            ));
        }
        let (added, removed) = (tag_map_text(&f.extra_tags), tag_map_text(&f.removed_tags));
        if !added.is_empty() {
            parts.push(format!("tag_add={added}"));
        }
        if !removed.is_empty() {
            parts.push(format!("tag_del={removed}"));
        }
        format!("#{}", parts.join("&"))
    }

    pub fn from_hash(hash: &str) -> Self {
        let mut s = ViewState::default();
        for pair in hash.trim_start_matches('#').split('&') {
            let Some((k, v)) = pair.split_once('=') else {
                continue;
            };
            match k {
                "tab" => s.tab = Tab::from_id(v).unwrap_or(s.tab),
                "y" => {
                    s.pareto.y = if v == "total" {
                        YMetric::Total
                    } else {
                        YMetric::Output
                    }
                }
                "tpot" => {
                    s.pareto.x = if v == "median" {
                        XMetric::TpotMedian
                    } else {
                        XMetric::TpotMean
                    }
                }
                "steady" => {
                    if let Some(r) = v.parse::<f64>().ok().filter(|r| (0.0..=1.0).contains(r)) {
                        s.steady_ratio = r;
                    }
                }
                "x" => {
                    s.pareto.x = match v {
                        "e2e-p90" => XMetric::E2eP90,
                        "e2e-p75" => XMetric::E2eP75,
                        "median" => XMetric::TpotMedian,
                        _ => XMetric::TpotMean,
                    }
                }
                "cutoff" => {
                    s.pareto.cutoff = v.parse().ok().filter(|c: &f64| c.is_finite() && *c >= 0.0)
                }
                "slo" => s.pareto.slo = slo_of(v),
                "frontier" => s.pareto.frontier = v != "0",
                "gpus" => s.pareto.decode_gpus = v == "decode",
                "invalid" => s.pareto.include_invalid = v == "1",
                "stat" => {
                    s.latency.stat = Statistic::ALL
                        .into_iter()
                        .find(|st| st.label().eq_ignore_ascii_case(v))
                        .unwrap_or(s.latency.stat)
                }
                "logy" => s.latency.log_y = v == "1",
                "lx" => {
                    s.latency.x = match v {
                        "rate" => XDim::RequestRate,
                        "concurrency" => XDim::Concurrency,
                        _ => XDim::Auto,
                    }
                }
                "cbase" => s.compare.baseline = Some(dec(v)),
                "ccand" => s.compare.candidates.push(dec(v)),
                "cat" => s.compare.at = positive(v),
                "clo" => s.compare.range_lo = positive(v),
                "chi" => s.compare.range_hi = positive(v),
                "call" => s.compare.all_rows = v == "1",
                "sset" => s.scheduler.set = Some(dec(v)),
                "smetric" => {
                    s.scheduler.metric = RequestMetric::from_id(v).unwrap_or(s.scheduler.metric)
                }
                "scdf" => s.scheduler.cdf = v == "1",
                "sx" => s.scheduler.by_time = v == "time",
                "pset" => s.p2p_set = Some(dec(v)),
                "tags" => s.filters.tags = list(v).collect(),
                "from" => s.filters.date_from = Some(dec(v)),
                "to" => s.filters.date_to = Some(dec(v)),
                "cmin" => s.filters.concurrency_min = v.parse().ok(),
                "cmax" => s.filters.concurrency_max = v.parse().ok(),
                "off" => s.filters.deselected = list(v).collect(),
                "tag_add" => {
                    s.filters.extra_tags =
                        Filters::bounded_tags(tag_map(v), crate::filters::MAX_TAGGED_RUNS)
                }
                "tag_del" => s.filters.removed_tags = tag_map(v),
                k => {
                    if let Some(field) = k.strip_prefix("x_").and_then(Field::from_key) {
                        s.filters.excluded.insert(field, list(v).collect());
                    }
                }
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use runlens_core::analysis::redact::RedactKind;

    #[test]
    fn redacted_hash_names_the_pseudonyms_in_their_encoded_form() {
        let r = |kind, original: &str, pseudonym: &str| Redaction {
            kind,
            original: original.into(),
            pseudonym: pseudonym.into(),
            occurrences: 1,
        };
        let plan = [
            r(RedactKind::Users, "alice", "user-1"),
            r(RedactKind::Paths, "/home/alice/runs x", "/path-1"),
            r(RedactKind::Tags, "alice's pick", "tag-1"),
        ];
        let hash = format!(
            "#tab=compare&cbase=run{}&tag_add={}",
            enc(":/home/alice/runs x"),
            enc("/home/alice/runs x:alice's pick")
        );
        let out = redact_hash(&hash, &plan);
        assert_eq!(
            out,
            format!(
                "#tab=compare&cbase=run{}&tag_add={}",
                enc(":/path-1"),
                enc("/path-1:tag-1")
            )
        );
        assert!(!out.contains("alice"));
    }

    #[test]
    fn hash_round_trips() {
        let mut filters = Filters::default();
        filters
            .excluded
            .entry(Field::GpuType)
            .or_default()
            .insert("gb200".into());
        filters
            .excluded
            .entry(Field::Container)
            .or_default()
            .insert("(none)".into());
        filters.tags.insert("a b&c".into());
        filters.date_from = Some("2026-01-01".into());
        filters.concurrency_max = Some(256);
        filters.deselected.insert("runs.tar.gz/outputs/3003".into());
        filters.add_tag("x|y", "t:1").unwrap();
        filters.remove_tag("z", "old");
        let s = ViewState {
            filters,
            tab: Tab::Latency,
            pareto: ParetoOptions {
                y: YMetric::Total,
                x: XMetric::E2eP90,
                cutoff: Some(42.5),
                frontier: false,
                decode_gpus: true,
                include_invalid: true,
                slo: Some(runlens_core::analysis::slo::Slo {
                    ttft_ms: Some(1500.0),
                    tpot_ms: None,
                    e2el_ms: Some(30000.5),
                    attainment: 0.99,
                }),
            },
            latency: LatencyOptions {
                stat: Statistic::P99,
                log_y: true,
                x: XDim::RequestRate,
            },
            scheduler: SchedulerView {
                set: Some("logs/sched a".into()),
                metric: RequestMetric::E2eLatency,
                cdf: true,
                by_time: true,
            },
            p2p_set: Some("p2p&b".into()),
            compare: CompareView {
                baseline: Some("run:runs.tar.gz/outputs/3003".into()),
                candidates: vec!["tag:nightly=1105&x".into(), "run:b|c, d".into()],
                at: Some(37.5),
                range_lo: Some(20.0),
                range_hi: Some(61.5),
                all_rows: true,
            },
            steady_ratio: 0.75,
        };
        assert_eq!(ViewState::from_hash(&s.to_hash()), s);
        assert_eq!(ViewState::from_hash(""), ViewState::default());
        assert_eq!(
            ViewState::from_hash("#tab=nope&cutoff=abc&x"),
            ViewState::default()
        );
    }
}
