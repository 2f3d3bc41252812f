//! AIPerf's per-request records, `profile_export.jsonl`: one JSON object per request, with
//! `metadata` (phase, cancellation, timestamps) and `metrics` (`{name: {value, unit}}`), as
//! AIPerf's record exporter writes them. The profiling phase's completed requests become the
//! per-request rows of the point read from `profile_export_aiperf.json` in the same directory
//! (attached in discovery), so comparisons can resample them and SLOs count them; warm-up and
//! cancelled requests, and requests that carry an error, are left out.

use serde_json::Value;

use super::{Format, Record};
use crate::model::{Diagnostic, FormatError, RequestSamples};
use crate::text::paths::file_name;

pub struct AiperfRecordsJsonl;

/// Per-request rows read from one records file.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestRows {
    pub path: String,
    pub samples: RequestSamples,
    /// Requests left out: warm-up phase, cancelled, or failed.
    pub skipped: usize,
}

/// A metric's value in ms (`unit` ns, us, ms or s), or as is for counts.
fn metric(metrics: &Value, name: &str) -> Option<f64> {
    let m = metrics.get(name)?;
    let v = m.get("value")?.as_f64().filter(|v| v.is_finite())?;
    let scale = match m.get("unit").and_then(Value::as_str).unwrap_or("ms") {
        "ns" => 1e-6,
        "us" | "µs" => 1e-3,
        "s" | "sec" => 1e3,
        _ => 1.0,
    };
    Some(v * scale)
}

impl Format for AiperfRecordsJsonl {
    fn name(&self) -> &'static str {
        "aiperf-records-jsonl"
    }

    fn describes(&self) -> &'static str {
        "AIPerf profile_export.jsonl (per-request records: the rows behind its summary)"
    }

    fn sniff(&self, path: &str, _head: &[u8]) -> bool {
        file_name(path) == "profile_export.jsonl"
    }

    fn parse(&self, path: &str, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), FormatError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(FormatError::Empty);
        }
        let mut s = RequestSamples::default();
        let (mut skipped, mut bad_lines, mut first_bad) = (0, 0usize, None);
        for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let Ok(v) = serde_json::from_slice::<Value>(line) else {
                bad_lines += 1;
                first_bad.get_or_insert(i + 1);
                continue;
            };
            let meta = v.get("metadata").unwrap_or(&Value::Null);
            let phase = meta.get("benchmark_phase").and_then(Value::as_str);
            let cancelled = meta.get("was_cancelled").and_then(Value::as_bool) == Some(true);
            let failed = v.get("error").is_some_and(|e| !e.is_null());
            let metrics = v.get("metrics").unwrap_or(&Value::Null);
            let ttft = metric(metrics, "time_to_first_token");
            let e2el = metric(metrics, "request_latency");
            if phase.is_some_and(|p| p != "profiling") || cancelled || failed {
                skipped += 1;
                continue;
            }
            let (Some(ttft), Some(e2el)) = (ttft, e2el) else {
                skipped += 1;
                continue;
            };
            let output = metric(metrics, "output_sequence_length")
                .or_else(|| metric(metrics, "output_token_count"))
                .unwrap_or(f64::NAN);
            let tpot = metric(metrics, "inter_token_latency").unwrap_or_else(|| {
                if output > 1.0 {
                    (e2el - ttft) / (output - 1.0)
                } else {
                    f64::NAN
                }
            });
            s.ttft_ms.push(ttft as f32);
            s.e2el_ms.push(e2el as f32);
            s.tpot_ms.push(tpot as f32);
            s.output_tokens
                .push(if output.is_finite() { output as u32 } else { 0 });
            s.input_tokens
                .push(metric(metrics, "input_sequence_length").map_or(0, |x| x.max(0.0) as u32));
        }
        if bad_lines > 0 {
            let mut d = Diagnostic::warning(
                path,
                format!("{bad_lines} line(s) are not JSON records and were skipped"),
            );
            d.line = first_bad.map(|l| l as u64);
            out.push(Record::Diagnostic(Box::new(d)));
        }
        if s.is_empty() && skipped == 0 {
            return Err(FormatError::Shape {
                expected: "AIPerf request records",
                found: "no record with time_to_first_token and request_latency".into(),
            });
        }
        out.push(Record::Requests(Box::new(RequestRows {
            path: path.to_owned(),
            samples: s,
            skipped,
        })));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(phase: &str, ttft: f64, e2el: f64, osl: u32) -> String {
        format!(
            r#"{{"metadata":{{"benchmark_phase":"{phase}","was_cancelled":false}},"metrics":{{"time_to_first_token":{{"value":{ttft},"unit":"ms"}},"request_latency":{{"value":{e2el},"unit":"ms"}},"output_sequence_length":{{"value":{osl},"unit":"tokens"}},"input_sequence_length":{{"value":100,"unit":"tokens"}}}}}}"#
        )
    }

    #[test]
    fn profiling_requests_become_rows_and_warm_up_is_left_out() {
        let text = [
            record("warmup", 900.0, 1000.0, 11),
            record("profiling", 100.0, 1100.0, 11),
            "not json".to_owned(),
            record("profiling", 200.0, 200.0, 1),
        ]
        .join("\n");
        let mut out = Vec::new();
        AiperfRecordsJsonl
            .parse("a/profile_export.jsonl", text.as_bytes(), &mut out)
            .unwrap();
        let Some(Record::Requests(rows)) = out.pop() else {
            panic!("rows")
        };
        assert_eq!(rows.skipped, 1);
        assert_eq!(rows.samples.ttft_ms, vec![100.0, 200.0]);
        assert_eq!(rows.samples.tpot_ms[0], 100.0, "(1100 − 100) / (11 − 1)");
        assert!(
            rows.samples.tpot_ms[1].is_nan(),
            "one output token: no TPOT"
        );
        assert_eq!(rows.samples.input_tokens, vec![100, 100]);
        assert!(matches!(out.pop(), Some(Record::Diagnostic(d)) if d.line == Some(3)));
    }
}
