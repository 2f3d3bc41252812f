//! Clocks that disagree between the nodes of a run, read from when their servers get busy.
//!
//! A benchmark sweep starts and stops load on every worker at once: each window's requests
//! reach all decode (or aggregated) workers within a sampling interval, and a disaggregated
//! request is prefilled before it is decoded. So the moments a node goes from idle to busy —
//! its **onsets**: a sample with work after one without, or after a silence of
//! [`IDLE_GAP_SAMPLES`] sample spacings (SGLang logs nothing while idle) — line up across nodes
//! on one clock. Each node's onsets are matched to the nearest onset of a reference node
//! (within [`MATCH_WITHIN_S`]); when the median of the differences is beyond the larger of
//! [`SKEW_THRESHOLD_S`] and two sample spacings, every difference has its sign, and at least
//! [`MIN_MATCHES`] onsets agree, the node's clock is off by that median:
//! - **same role**: against the node of the same service with the most onsets;
//! - **causality**: a decode node that gets busy before the prefill node could have sent it
//!   anything.

use serde::{Deserialize, Serialize};

pub use crate::model::SkewBasis;
use crate::model::{RunFinding, RunWorkerLog, SampleKind, Service};

/// The smallest offset reported, seconds.
pub const SKEW_THRESHOLD_S: f64 = 2.0;
/// How far apart two onsets may be and still be the same window's.
pub const MATCH_WITHIN_S: f64 = 120.0;
/// Onsets that must agree before a clock is called off.
pub const MIN_MATCHES: usize = 2;
/// A silence of this many sample spacings (at least [`MIN_IDLE_GAP_S`]) counts as idle.
pub const IDLE_GAP_SAMPLES: f64 = 5.0;
const MIN_IDLE_GAP_S: f64 = 5.0;

/// One node whose clock is off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeSkew {
    pub node: String,
    pub reference: String,
    /// The node's clock minus the reference's, seconds (median over matched onsets).
    pub offset_s: f64,
    pub matched: usize,
    pub basis: SkewBasis,
    /// The node's log and the line of its first matched onset.
    pub file: String,
    pub line: u64,
}

/// The onsets of one node's servers of one service.
#[derive(Debug)]
struct Activity<'a> {
    node: String,
    service: Service,
    /// (time, file, line), in time order.
    onsets: Vec<(f64, &'a str, u64)>,
    spacing_s: f64,
}

/// The field that says a sample of `kind` had work.
fn activity_field(kind: SampleKind) -> Option<&'static [&'static str]> {
    match kind {
        SampleKind::Decode => Some(&["running_req"]),
        SampleKind::Prefill => Some(&["new_seq", "new_token", "input_throughput"]),
        SampleKind::EngineStats => Some(&["running"]),
        SampleKind::Iteration => Some(&["num_scheduled_requests", "num_active_requests"]),
        _ => None,
    }
}

fn median(v: &mut [f64]) -> f64 {
    super::stats::percentile(v, 0.5)
}

fn activities<'a>(logs: &[&'a RunWorkerLog]) -> Vec<Activity<'a>> {
    let mut out: Vec<Activity<'a>> = Vec::new();
    for l in logs {
        let service = l.log.identity.service;
        if !matches!(service, Service::Prefill | Service::Decode | Service::Agg) {
            continue;
        }
        let node = l
            .log
            .identity
            .node
            .clone()
            .unwrap_or_else(|| l.log.path.clone());
        for s in &l.log.series {
            let Some(values) =
                activity_field(s.kind).and_then(|fields| fields.iter().find_map(|f| s.column(f)))
            else {
                continue;
            };
            let samples: Vec<(f64, f32, u64)> = s
                .time_s
                .iter()
                .zip(values)
                .zip(&s.line)
                .filter(|((t, v), _)| t.is_finite() && v.is_finite())
                .map(|((t, v), line)| (*t, *v, *line))
                .collect();
            let mut gaps: Vec<f64> = samples
                .windows(2)
                .map(|w| w[1].0 - w[0].0)
                .filter(|g| *g > 0.0)
                .collect();
            if gaps.is_empty() {
                continue;
            }
            let spacing_s = median(&mut gaps);
            let idle_gap = (IDLE_GAP_SAMPLES * spacing_s).max(MIN_IDLE_GAP_S);
            let mut onsets = Vec::new();
            let mut previous: Option<(f64, bool)> = None;
            for (t, v, line) in samples {
                let busy = v > 0.0;
                let was_idle = match previous {
                    None => true,
                    Some((pt, pbusy)) => !pbusy || t - pt > idle_gap,
                };
                if busy && was_idle {
                    onsets.push((t, l.log.path.as_str(), line));
                }
                previous = Some((t, busy));
            }
            match out
                .iter_mut()
                .find(|a| a.node == node && a.service == service)
            {
                Some(a) => {
                    a.onsets.extend(onsets);
                    a.onsets.sort_by(|x, y| x.0.total_cmp(&y.0));
                    a.spacing_s = a.spacing_s.max(spacing_s);
                }
                None => out.push(Activity {
                    node: node.clone(),
                    service,
                    onsets,
                    spacing_s,
                }),
            }
        }
    }
    out
}

/// `a`'s offset against `reference`, when the matched onsets agree on one beyond the threshold.
fn offset(a: &Activity, reference: &Activity, basis: SkewBasis) -> Option<NodeSkew> {
    let refs: Vec<f64> = reference.onsets.iter().map(|o| o.0).collect();
    let mut matched: Vec<(f64, &str, u64)> = Vec::new();
    for &(t, file, line) in &a.onsets {
        let i = refs.partition_point(|r| *r < t);
        let nearest = [i.checked_sub(1), Some(i)]
            .into_iter()
            .flatten()
            .filter_map(|j| refs.get(j))
            .map(|r| t - r)
            .min_by(|x, y| x.abs().total_cmp(&y.abs()))?;
        if nearest.abs() <= MATCH_WITHIN_S {
            matched.push((nearest, file, line));
        }
    }
    if matched.len() < MIN_MATCHES {
        return None;
    }
    let mut diffs: Vec<f64> = matched.iter().map(|m| m.0).collect();
    let offset_s = median(&mut diffs);
    let threshold = SKEW_THRESHOLD_S.max(2.0 * a.spacing_s.max(reference.spacing_s));
    let beyond = match basis {
        SkewBasis::SameRole => offset_s.abs() > threshold,
        // Decode after prefill is how it should be; only before it is impossible.
        SkewBasis::Causality => offset_s < -threshold,
    };
    let one_sign = diffs.iter().all(|d| d.signum() == offset_s.signum());
    if !(beyond && one_sign) {
        return None;
    }
    let (_, file, line) = matched[0];
    Some(NodeSkew {
        node: a.node.clone(),
        reference: reference.node.clone(),
        offset_s,
        matched: matched.len(),
        basis,
        file: file.to_owned(),
        line,
    })
}

impl NodeSkew {
    /// As a run finding.
    pub fn finding(&self) -> RunFinding {
        RunFinding::ClockSkew {
            node: self.node.clone(),
            reference: self.reference.clone(),
            offset_s: self.offset_s,
            matched: self.matched,
            basis: self.basis,
            file: self.file.clone(),
            line: self.line,
        }
    }
}

/// The nodes of one run whose clocks are off, given its worker logs.
pub fn clock_skews(logs: &[&RunWorkerLog]) -> Vec<NodeSkew> {
    let acts = activities(logs);
    let reference_of = |service: Service| {
        acts.iter()
            .filter(|a| a.service == service && a.onsets.len() >= MIN_MATCHES)
            .max_by(|a, b| {
                a.onsets
                    .len()
                    .cmp(&b.onsets.len())
                    .then_with(|| b.node.cmp(&a.node))
            })
    };
    let mut out = Vec::new();
    for service in [Service::Prefill, Service::Decode, Service::Agg] {
        let Some(reference) = reference_of(service) else {
            continue;
        };
        for a in acts
            .iter()
            .filter(|a| a.service == service && a.node != reference.node)
        {
            out.extend(offset(a, reference, SkewBasis::SameRole));
        }
    }
    if let Some(prefill) = reference_of(Service::Prefill) {
        for a in acts.iter().filter(|a| a.service == Service::Decode) {
            if !out.iter().any(|s| s.node == a.node) {
                out.extend(offset(a, prefill, SkewBasis::Causality));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Ingest;

    /// Decode lines for bursts starting at `starts` (seconds after 00:00:00), 20 s each, one a
    /// second; nothing logged between bursts, as SGLang does.
    fn decode_bursts(starts: &[u32]) -> String {
        let mut s = String::from(
            "+ python3 -m sglang.launch_server --model-path m --disaggregation-mode decode\n",
        );
        for &b in starts {
            for t in b..b + 20 {
                s += &format!(
                    "[2026-01-01 00:{:02}:{:02}] Decode batch, #running-req: 8, #token: 100, token usage: 0.10, gen throughput (token/s): 100.00, #queue-req: 0,\n",
                    t / 60,
                    t % 60
                );
            }
        }
        s
    }

    fn prefill_bursts(starts: &[u32]) -> String {
        let mut s = String::from(
            "+ python3 -m sglang.launch_server --model-path m --disaggregation-mode prefill\n",
        );
        for &b in starts {
            for t in b..b + 3 {
                s += &format!(
                    "[2026-01-01 00:{:02}:{:02}] Prefill batch, #new-seq: 4, #new-token: 4000, #cached-token: 0, token usage: 0.10, #running-req: 0, #queue-req: 0, input throughput (token/s): 4000.00,\n",
                    t / 60,
                    t % 60
                );
            }
        }
        s
    }

    fn skews(files: &[(&str, String)]) -> Vec<NodeSkew> {
        let mut ingest = Ingest::new();
        for (name, text) in files {
            ingest.add_bytes(
                &format!("9_1P_2D_20260101_000000/logs/{name}"),
                text.as_bytes(),
            );
        }
        let ds = ingest.dataset();
        let logs: Vec<&RunWorkerLog> = ds.worker_logs.iter().collect();
        clock_skews(&logs)
    }

    #[test]
    fn a_decode_node_seven_seconds_ahead_is_found() {
        let found = skews(&[
            ("n1_prefill_w0.err", prefill_bursts(&[9, 99, 189])),
            ("n2_decode_w0.err", decode_bursts(&[10, 100, 190])),
            ("n3_decode_w1.err", decode_bursts(&[17, 107, 197])),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        let s = &found[0];
        assert_eq!(s.node, "n3");
        assert_eq!(s.reference, "n2");
        assert_eq!(s.basis, SkewBasis::SameRole);
        assert!((s.offset_s - 7.0).abs() < 1e-9, "{s:?}");
        assert_eq!(s.matched, 3);
        assert!(s.file.ends_with("n3_decode_w1.err"));
        assert_eq!(s.line, 2, "the first decode line, after the launch command");
    }

    #[test]
    fn decode_busy_before_prefill_is_a_clock_off() {
        let found = skews(&[
            ("n1_prefill_w0.err", prefill_bursts(&[20, 110, 200])),
            ("n2_decode_w0.err", decode_bursts(&[10, 100, 190])),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].basis, SkewBasis::Causality);
        assert!((found[0].offset_s + 10.0).abs() < 1e-9);
    }

    #[test]
    fn clocks_that_agree_are_not_flagged() {
        // Decode a second after prefill, the two decode nodes a second apart: sampling jitter.
        let found = skews(&[
            ("n1_prefill_w0.err", prefill_bursts(&[9, 99, 189])),
            ("n2_decode_w0.err", decode_bursts(&[10, 100, 190])),
            ("n3_decode_w1.err", decode_bursts(&[11, 100, 191])),
        ]);
        assert!(found.is_empty(), "{found:?}");
    }
}
