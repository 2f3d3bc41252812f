//! Request state timelines: from `state_transitions.csv` (each row closes the previous state)
//! or, without it, from `events.csv` (arrived, scheduled, preempted, resumed, completed); and the
//! time spent per state over all requests.

use std::collections::{BTreeMap, HashMap};

use super::ms;
use crate::model::scheduler::{EventRow, RequestRow, StateSpan, StateTime, TransitionRow};

pub(super) type Timelines = HashMap<String, Vec<StateSpan>>;

/// Close the open span of a request at `t` and open `state` there.
fn switch_state(spans: &mut Vec<StateSpan>, current: &mut (String, f64), state: &str, t: f64) {
    if t.is_finite() && current.1.is_finite() && t >= current.1 && !current.0.is_empty() {
        spans.push(StateSpan {
            state: current.0.clone(),
            start_ms: ms(current.1),
            end_ms: ms(t),
        });
    }
    *current = (state.to_owned(), t);
}

/// Finish a request's timeline: an unfinished last state runs to its completion time.
fn close_timeline(
    mut spans: Vec<StateSpan>,
    current: (String, f64),
    row: Option<&&RequestRow>,
) -> Vec<StateSpan> {
    if current.0 != "completed" {
        if let Some(end) = row.map(|r| r.completion_ns).filter(|t| t.is_finite()) {
            let mut c = current;
            switch_state(&mut spans, &mut c, "completed", end);
        }
    }
    spans
}

/// Timelines from `state_transitions.csv`: each row closes the previous state (the first one
/// is `waiting`, from arrival) and opens `state`.
pub(super) fn timelines_from_transitions(
    rows: &[TransitionRow],
    requests: &HashMap<&str, &RequestRow>,
) -> Timelines {
    let mut by_request: BTreeMap<&str, Vec<&TransitionRow>> = BTreeMap::new();
    for r in rows {
        by_request.entry(r.request_id.as_str()).or_default().push(r);
    }
    by_request
        .into_iter()
        .map(|(id, mut rows)| {
            rows.sort_by(|a, b| a.t_ns.total_cmp(&b.t_ns));
            let row = requests.get(id);
            let first = rows[0];
            let start = row
                .map(|r| r.arrival_ns)
                .filter(|t| t.is_finite())
                .unwrap_or(if first.duration_in_prev_ns.is_finite() {
                    first.t_ns - first.duration_in_prev_ns
                } else {
                    first.t_ns
                });
            let initial = first.from.clone().unwrap_or_else(|| "waiting".to_owned());
            let mut current = (initial, start);
            let mut spans = Vec::new();
            for t in rows {
                if let Some(from) = &t.from {
                    current.0 = from.clone();
                }
                switch_state(&mut spans, &mut current, &t.to, t.t_ns);
            }
            (id.to_owned(), close_timeline(spans, current, row))
        })
        .collect()
}

/// State an event moves a request into, if it does.
fn event_state(event_type: &str) -> Option<&'static str> {
    Some(match event_type {
        "request_arrived" => "waiting",
        "request_scheduled" | "request_resumed" | "request_admitted" => "running",
        "request_preempted" => "preempted",
        "request_evicted" => "waiting",
        "request_completed" => "completed",
        _ => return None,
    })
}

/// Timelines from `events.csv` when no state-transition file was written.
pub(super) fn timelines_from_events(
    rows: &[EventRow],
    requests: &HashMap<&str, &RequestRow>,
) -> Timelines {
    let mut by_request: BTreeMap<&str, Vec<&EventRow>> = BTreeMap::new();
    for r in rows.iter().filter(|r| event_state(&r.event_type).is_some()) {
        by_request.entry(r.request_id.as_str()).or_default().push(r);
    }
    by_request
        .into_iter()
        .map(|(id, mut rows)| {
            rows.sort_by(|a, b| a.t_ns.total_cmp(&b.t_ns));
            let row = requests.get(id);
            let mut current = (String::new(), f64::NAN);
            let mut spans = Vec::new();
            for e in rows {
                let state = event_state(&e.event_type).unwrap_or("waiting");
                if state != current.0 {
                    switch_state(&mut spans, &mut current, state, e.t_ns);
                }
            }
            (id.to_owned(), close_timeline(spans, current, row))
        })
        .collect()
}

pub(super) fn state_time(timelines: &Timelines) -> Vec<StateTime> {
    let mut totals: BTreeMap<&str, (f64, usize)> = BTreeMap::new();
    // Summed in request-id order: a HashMap's order changes from map to map, and with it the
    // rounding of the totals.
    let mut by_id: Vec<(&String, &Vec<StateSpan>)> = timelines.iter().collect();
    by_id.sort_unstable_by_key(|(id, _)| *id);
    for (_, spans) in by_id {
        let mut seen: Vec<&str> = Vec::new();
        for s in spans {
            let e = totals.entry(s.state.as_str()).or_default();
            e.0 += s.end_ms - s.start_ms;
            if !seen.contains(&s.state.as_str()) {
                seen.push(&s.state);
                e.1 += 1;
            }
        }
    }
    let order = ["waiting", "running", "preempted"];
    let mut v: Vec<StateTime> = totals
        .into_iter()
        .map(|(state, (total_ms, requests))| StateTime {
            state: state.to_owned(),
            total_ms,
            requests,
            mean_ms: total_ms / requests.max(1) as f64,
        })
        .collect();
    v.sort_by_key(|s| {
        order
            .iter()
            .position(|o| *o == s.state)
            .unwrap_or(order.len())
    });
    v
}
