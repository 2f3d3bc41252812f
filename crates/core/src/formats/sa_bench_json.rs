//! sa-bench / vLLM `benchmark_serving.py` / `vllm bench serve --save-result` result JSON, one
//! file per concurrency — and the shared reader of every `bench_serving`-style result (SGLang's
//! JSONL, vLLM's sweep summaries).
//!
//! Written by `bench_serving` as `*_isl_{I}_osl_{O}/…concurrency_{C}….json`, e.g.
//! `{"date": "20260428-095035", "backend": "openai", …, "max_concurrency": 128, "duration": 156.6,
//! "completed": 1280, …, "output_throughput": 8368.2, …, "input_lens": [...], …, "mean_tpot_ms": 14.8}`.
//! Producer sources read: vLLM `benchmarks/benchmark_serving.py` (v0.3 … v0.10) and
//! `vllm/benchmarks/serve.py` (`vllm bench serve`, 2025–2026): `main` builds `result_json` from
//! `date`, `endpoint_type`, `backend`, `label`, `model_id`, `tokenizer_id`, `num_prompts`, `--metadata`
//! pairs, `request_rate` (`"inf"` string when unlimited), `burstiness`, `max_concurrency` (null when
//! unset), then `benchmark()`'s result; `--append-result` appends further objects to the same file,
//! each `json.dump`ed on one line after a `\n`.
//!
//! Summary keys come first and latency statistics last; the per-request arrays in between
//! (`input_lens`, `output_lens`, `ttfts`, `itls`, `latencies`, `start_times`, `queue_times`,
//! `generated_texts`, `errors`, …) can be hundreds of MB: every array except the
//! `percentiles_*` lists, and every nested object (SGLang's `server_info`), is skipped without
//! being materialised, the arrays' names remembered. Key variants across producer versions:
//! `request_inthroughput` (v0.3 typo) / `request_throughput`; `total_input`/`total_input_tokens`;
//! `input_throughput` (v0.3–v0.5, no total: the total is then input + output throughput, the
//! producer's own definition); `total_token_throughput` (vLLM) / `total_throughput` (SGLang);
//! `request_goodput:` (trailing colon, v0.6) / `request_goodput`; flat `p99_ttft_ms` or a
//! `percentiles_ttft_ms` list of `[p, value]` pairs; `*_e2el_ms` (vLLM) / `*_e2e_latency_ms`
//! (SGLang); `max_output_tokens_per_s` (peak). Python writes non-finite floats as bare
//! `NaN`/`Infinity` tokens (SGLang's `"request_rate": Infinity`); they are read as missing values,
//! except a request rate of infinity (unlimited). A `vllm bench sweep` run file carries
//! `run_number` (−1 = its warm-up, not a result) and the swept parameters.

use std::fmt;

use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use super::json::{non_finite, python_json};
use super::{Format, Record};
use crate::model::{BenchmarkPoint, Diagnostic, FormatError, LatencyStats, RequestSamples};
use crate::text::contains;
use crate::text::paths::{concurrency_from_path, file_name, number_after};

pub struct SaBenchJson;

/// Keys whose presence in the first bytes marks a result file.
/// (`total_token_throughput` alone is not enough: InferenceX wrappers nest it under `metrics`.)
pub(crate) const MARKER_KEYS: &[&[u8]] = &[
    b"\"output_throughput\"",
    b"\"max_concurrency\"",
    b"\"mean_tpot_ms\"",
];

/// Keys that come first when a result is written with sorted keys (`json.dump(sort_keys=True)`),
/// so that the summary keys sit after megabytes of per-request arrays, past the sniffed head.
/// Each is claimed only together with `"completed"`.
const SORTED_MARKER_KEYS: &[&[u8]] = &[
    b"\"burstiness\"",
    b"\"best_of\"",
    b"\"input_lens\"",
    b"\"ttfts\"",
];

/// Whether the first bytes hold a `bench_serving` result object.
pub(crate) fn has_result_keys(head: &[u8]) -> bool {
    MARKER_KEYS.iter().any(|k| contains(head, k))
        || (contains(head, b"\"completed\"")
            && SORTED_MARKER_KEYS.iter().any(|k| contains(head, k)))
}

/// The first non-blank byte.
pub(crate) fn first_byte(head: &[u8]) -> Option<u8> {
    head.iter().copied().find(|b| !b.is_ascii_whitespace())
}

impl Format for SaBenchJson {
    fn name(&self) -> &'static str {
        "sa-bench-json"
    }

    fn describes(&self) -> &'static str {
        "sa-bench / vLLM benchmark_serving / vllm bench serve result JSON, one per concurrency (--append-result: one per line)"
    }

    fn duplicate_rank(&self) -> u8 {
        0
    }

    fn sniff(&self, path: &str, head: &[u8]) -> bool {
        path.ends_with(".json")
            && !path.ends_with(".pytorch.json")
            && first_byte(head) == Some(b'{')
            && has_result_keys(head)
    }

    fn parse(&self, path: &str, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), FormatError> {
        read_results(path, bytes, self.name(), out)
    }
}

/// Read one result object or several in a row (JSONL, `--append-result`): one point each. A
/// document that is not a result (truncated line, not an object, no throughput) becomes a
/// warning naming its line while the others count; a file with no result at all is an error.
pub(crate) fn read_results(
    path: &str,
    bytes: &[u8],
    tool: &'static str,
    out: &mut Vec<Record>,
) -> Result<(), FormatError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(FormatError::Empty);
    }
    let text = python_json(bytes);
    let mut points = Vec::new();
    let mut problems: Vec<(u64, FormatError)> = Vec::new();
    let mut warmups = 0;
    for (line, doc) in documents(&text) {
        match doc.and_then(|s| point_from_summary(path, &s, tool)) {
            Ok(Some(p)) => points.push(p),
            Ok(None) => warmups += 1,
            Err(e) => problems.push((line, e)),
        }
    }
    if points.is_empty() {
        if warmups > 0 && problems.is_empty() {
            return Ok(());
        }
        return Err(problems
            .into_iter()
            .next()
            .map(|(_, e)| e)
            .unwrap_or(FormatError::Empty));
    }
    out.extend(points.into_iter().map(|p| Record::Point(Box::new(p))));
    out.extend(problems.into_iter().map(|(line, e)| {
        let mut d = Diagnostic::warning(
            path,
            format!("line skipped, not a {tool} result: {}", in_line(&e)),
        )
        .at_line(line);
        if let FormatError::Limit { limit, .. } = e {
            d.limit = Some(limit);
        }
        Record::Diagnostic(Box::new(d))
    }));
    Ok(())
}

/// An error's message without the line (the diagnostic names it).
fn in_line(e: &FormatError) -> String {
    match e {
        FormatError::Json {
            column, message, ..
        } => format!("invalid JSON at column {column}: {message}"),
        other => other.to_string(),
    }
}

/// The documents of a file with the line each starts on: the whole file as a stream of values,
/// or, when that fails part-way (a truncated or garbled line), each line on its own.
fn documents(text: &[u8]) -> Vec<(u64, Result<SummaryKeys, FormatError>)> {
    let mut docs = Vec::new();
    let mut stream = serde_json::Deserializer::from_slice(text).into_iter::<SummaryKeys>();
    let (mut counted, mut line) = (0, 1u64);
    loop {
        let start = stream.byte_offset();
        let skip = text[start..]
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
        line += text[counted..start + skip]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        counted = start + skip;
        match stream.next() {
            None => return docs,
            Some(Ok(s)) => docs.push((line, Ok(s))),
            Some(Err(e)) if docs.is_empty() && !text.contains(&b'\n') => {
                return vec![(line, Err(e.into()))]
            }
            Some(Err(e)) => {
                let by_line = by_lines(text);
                // A multi-line document (indented JSON) that broke: no line is a document.
                if by_line.iter().all(|(_, d)| d.is_err()) {
                    docs.push((e.line() as u64, Err(e.into())));
                    return docs;
                }
                return by_line;
            }
        }
    }
}

fn by_lines(text: &[u8]) -> Vec<(u64, Result<SummaryKeys, FormatError>)> {
    text.split(|&b| b == b'\n')
        .enumerate()
        .filter(|(_, l)| !l.iter().all(u8::is_ascii_whitespace))
        .map(|(i, l)| {
            (
                i as u64 + 1,
                serde_json::from_slice::<SummaryKeys>(l).map_err(FormatError::from),
            )
        })
        .collect()
}

/// The scalar keys of a result file, in file order; arrays and nested objects are skipped.
#[derive(Debug, Default)]
pub struct SummaryKeys {
    pub scalars: Vec<(String, Value)>,
    /// Names of the (per-request) arrays present in the file, skipped while reading.
    pub arrays: Vec<String>,
    /// The per-request arrays the comparison resamples, when present: `ttfts` (s), each
    /// request's `itls` summed (s), `output_lens`.
    pub ttfts: Option<Vec<f64>>,
    pub itl_sums: Option<Vec<f64>>,
    pub output_lens: Option<Vec<f64>>,
    pub input_lens: Option<Vec<f64>>,
}

/// A per-request array read without materialising JSON values: each element a number (kept),
/// a list of numbers (summed: one request's inter-token latencies) or anything else (NaN).
struct NumberColumn(Vec<f64>);

/// One element of a [`NumberColumn`].
struct NumberOrSum(f64);

impl<'de> Deserialize<'de> for NumberOrSum {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = NumberOrSum;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or a list of numbers")
            }
            fn visit_i64<E>(self, v: i64) -> Result<NumberOrSum, E> {
                Ok(NumberOrSum(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<NumberOrSum, E> {
                Ok(NumberOrSum(v as f64))
            }
            fn visit_f64<E>(self, v: f64) -> Result<NumberOrSum, E> {
                Ok(NumberOrSum(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<NumberOrSum, A::Error> {
                let mut sum = 0.0;
                while let Some(v) = seq.next_element::<NumberOrSum>()? {
                    if v.0.is_finite() {
                        sum += v.0;
                    }
                }
                Ok(NumberOrSum(sum))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NumberOrSum, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(NumberOrSum(f64::NAN))
            }
            fn visit_str<E>(self, _: &str) -> Result<NumberOrSum, E> {
                Ok(NumberOrSum(f64::NAN))
            }
            fn visit_bool<E>(self, _: bool) -> Result<NumberOrSum, E> {
                Ok(NumberOrSum(f64::NAN))
            }
            fn visit_unit<E>(self) -> Result<NumberOrSum, E> {
                Ok(NumberOrSum(f64::NAN))
            }
            fn visit_none<E>(self) -> Result<NumberOrSum, E> {
                Ok(NumberOrSum(f64::NAN))
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for NumberColumn {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = NumberColumn;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a per-request array")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<NumberColumn, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 16));
                while let Some(v) = seq.next_element::<NumberOrSum>()? {
                    out.push(v.0);
                }
                Ok(NumberColumn(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NumberColumn, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(NumberColumn(Vec::new()))
            }
            fn visit_unit<E>(self) -> Result<NumberColumn, E> {
                Ok(NumberColumn(Vec::new()))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// A value of a result key: kept when scalar, skipped (unread) when an array or object.
enum Field {
    Scalar(Value),
    Array,
    Object,
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldVisitor;
        impl<'de> Visitor<'de> for FieldVisitor {
            type Value = Field;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Field, E> {
                Ok(Field::Scalar(Value::Bool(v)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Field, E> {
                Ok(Field::Scalar(Value::from(v)))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Field, E> {
                Ok(Field::Scalar(Value::from(v)))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Field, E> {
                Ok(Field::Scalar(Value::from(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Field, E> {
                Ok(Field::Scalar(Value::from(v)))
            }
            fn visit_string<E>(self, v: String) -> Result<Field, E> {
                Ok(Field::Scalar(Value::from(v)))
            }
            fn visit_unit<E>(self) -> Result<Field, E> {
                Ok(Field::Scalar(Value::Null))
            }
            fn visit_none<E>(self) -> Result<Field, E> {
                Ok(Field::Scalar(Value::Null))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Field, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Field::Array)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Field, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Field::Object)
            }
        }
        deserializer.deserialize_any(FieldVisitor)
    }
}

impl SummaryKeys {
    /// The value of `key`; of a key written twice the last, as Python's `json` and jq read it.
    fn get(&self, key: &str) -> Option<&Value> {
        self.scalars
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// The first of `keys` holding a finite number (`NaN`/`Infinity` are missing values).
    fn f64(&self, keys: &[&str]) -> Option<f64> {
        keys.iter()
            .find_map(|k| self.get(k).and_then(Value::as_f64))
            .filter(|v| v.is_finite())
    }

    fn u64(&self, keys: &[&str]) -> Option<u64> {
        keys.iter().find_map(|k| {
            let v = self.get(k)?;
            v.as_u64().or_else(|| {
                v.as_f64()
                    .filter(|f| *f >= 0.0 && f.fract() == 0.0)
                    .map(|f| f as u64)
            })
        })
    }

    fn string(&self, key: &str) -> Option<String> {
        self.get(key).and_then(Value::as_str).map(str::to_owned)
    }

    /// `percentiles_{metric}_ms: [[p, value], ...]` lookup for percentile `p`.
    fn percentile_pair(&self, metric: &str, p: f64) -> Option<f64> {
        let list = self.get(&format!("percentiles_{metric}_ms"))?.as_array()?;
        list.iter().find_map(|pair| {
            let pair = pair.as_array()?;
            let (q, v) = (pair.first()?.as_f64()?, pair.get(1)?.as_f64()?);
            ((q - p).abs() < 1e-9 && v.is_finite()).then_some(v)
        })
    }

    /// Statistics of a metric written under any of `names` (`e2el`, `e2e_latency`).
    fn latency(&self, names: &[&str]) -> LatencyStats {
        let flat = |stat: &str| {
            names
                .iter()
                .find_map(|m| self.f64(&[&format!("{stat}_{m}_ms")]))
        };
        let pair = |p: f64| names.iter().find_map(|m| self.percentile_pair(m, p));
        LatencyStats {
            mean: flat("mean"),
            median: flat("median").or_else(|| pair(50.0)),
            std: flat("std"),
            p90: flat("p90").or_else(|| pair(90.0)),
            p99: flat("p99").or_else(|| pair(99.0)),
        }
    }
}

impl<'de> Deserialize<'de> for SummaryKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeysVisitor;
        impl<'de> Visitor<'de> for KeysVisitor {
            type Value = SummaryKeys;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object of benchmark results")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SummaryKeys, A::Error> {
                let mut keys = SummaryKeys::default();
                while let Some(key) = map.next_key::<String>()? {
                    if key.starts_with("percentiles_") {
                        let value = map.next_value::<Value>()?;
                        keys.scalars.push((key, value));
                        continue;
                    }
                    let column = match key.as_str() {
                        "ttfts" => Some(&mut keys.ttfts),
                        "itls" => Some(&mut keys.itl_sums),
                        "output_lens" => Some(&mut keys.output_lens),
                        "input_lens" => Some(&mut keys.input_lens),
                        _ => None,
                    };
                    if let Some(column) = column {
                        *column = Some(map.next_value::<NumberColumn>()?.0);
                        keys.arrays.push(key);
                        continue;
                    }
                    match map.next_value::<Field>()? {
                        Field::Scalar(v) => keys.scalars.push((key, v)),
                        Field::Array => keys.arrays.push(key),
                        Field::Object => {}
                    }
                }
                Ok(keys)
            }
        }
        deserializer.deserialize_map(KeysVisitor)
    }
}

/// The point of one result object; `Ok(None)` for a `vllm bench sweep` warm-up (`run_number` −1).
pub(crate) fn point_from_summary(
    path: &str,
    s: &SummaryKeys,
    tool: &str,
) -> Result<Option<BenchmarkPoint>, FormatError> {
    if s.get("run_number").and_then(Value::as_i64) == Some(-1) {
        return Ok(None);
    }
    let output_throughput = s.f64(&["output_throughput"]);
    let input_throughput = s.f64(&["input_throughput"]);
    let total_token_throughput = s
        .f64(&["total_token_throughput", "total_throughput"])
        .or_else(|| Some(input_throughput? + output_throughput?));
    let request_throughput = s.f64(&["request_throughput", "request_inthroughput"]);
    if output_throughput.is_none()
        && total_token_throughput.is_none()
        && request_throughput.is_none()
    {
        return Err(FormatError::Shape {
            expected: "benchmark result keys (output_throughput, total_token_throughput or request_throughput) with numbers",
            found: format!("{} keys without them", s.scalars.len()),
        });
    }
    let concurrency = s
        .u64(&["max_concurrency"])
        .and_then(|c| u32::try_from(c).ok())
        .or_else(|| concurrency_from_path(file_name(path)));
    // `"request_rate": "inf"` (vLLM) or a bare `Infinity` (SGLang) means unlimited.
    let request_rate = s
        .get("request_rate")
        .and_then(|v| v.as_f64().or_else(|| non_finite(v)).filter(|r| !r.is_nan()));
    Ok(Some(BenchmarkPoint {
        source: path.to_owned(),
        tool: tool.into(),
        gpus_reported: number_after(file_name(path), "gpus"),
        concurrency,
        request_rate,
        duration_s: s.f64(&["duration"]),
        completed: s.u64(&["completed"]),
        num_prompts: s.u64(&["num_prompts"]),
        total_input_tokens: s.u64(&["total_input_tokens", "total_input"]),
        total_output_tokens: s.u64(&["total_output_tokens", "total_output"]),
        request_throughput,
        request_goodput: s.f64(&["request_goodput", "request_goodput:"]),
        output_throughput,
        total_token_throughput,
        peak_output_throughput: s.f64(&["peak_output_tokens_per_s", "max_output_tokens_per_s"]),
        ttft_ms: s.latency(&["ttft"]),
        tpot_ms: s.latency(&["tpot"]),
        itl_ms: s.latency(&["itl"]),
        e2el_ms: s.latency(&["e2el", "e2e_latency"]),
        backend: s.string("backend"),
        model_id: s.string("model_id"),
        date: s.string("date"),
        per_request_arrays: s.arrays.clone(),
        requests: match (&s.ttfts, &s.itl_sums, &s.output_lens) {
            (Some(t), Some(i), Some(o)) => {
                let input = s.input_lens.as_deref().unwrap_or_default();
                RequestSamples::from_client_arrays(t, i, o, input).map(Box::new)
            }
            _ => None,
        },
        concurrency_measured: s.f64(&["concurrency"]),
        ..Default::default()
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_keys_with_large_arrays_before_the_summary_are_still_a_result() {
        let itls: Vec<String> = (0..4000).map(|i| format!("[0.{i:04}]")).collect();
        let text = format!(
            "{{\"backend\":\"vllm\",\"burstiness\":1.0,\"completed\":4000,\"input_lens\":[],\"itls\":[{}],\"max_concurrency\":64,\"output_throughput\":123.5,\"ttfts\":[]}}",
            itls.join(",")
        );
        let head = &text.as_bytes()[..crate::formats::SNIFF_BYTES];
        assert!(
            !MARKER_KEYS.iter().any(|k| contains(head, k)),
            "summary keys past the head"
        );
        assert!(SaBenchJson.sniff("r/concurrency_64.json", head));
        let p = parse_one("r/concurrency_64.json", &text).unwrap();
        assert_eq!(
            (p.concurrency, p.output_throughput),
            (Some(64), Some(123.5))
        );
        // A JSON that merely has a `completed` key is not claimed.
        assert!(!SaBenchJson.sniff("r/x.json", br#"{"completed": true, "name": "job"}"#));
    }

    fn parse_one(path: &str, text: &str) -> Result<BenchmarkPoint, FormatError> {
        let mut out = Vec::new();
        SaBenchJson.parse(path, text.as_bytes(), &mut out)?;
        match out.pop() {
            Some(Record::Point(p)) => Ok(*p),
            other => panic!("expected a point, got {other:?}"),
        }
    }

    #[test]
    fn per_request_arrays_are_skipped_and_remembered() {
        let p = parse_one(
            "x/concurrency_4.json",
            r#"{"max_concurrency": 4, "output_throughput": 10.5, "ttfts": [1,2,3], "itls": [[1],[2]], "mean_tpot_ms": 20}"#,
        )
        .unwrap();
        assert_eq!(p.concurrency, Some(4));
        assert_eq!(p.output_throughput, Some(10.5));
        assert_eq!(p.tpot_ms.mean, Some(20.0));
        assert_eq!(p.per_request_arrays, vec!["ttfts", "itls"]);
    }

    #[test]
    fn per_request_rows_come_from_ttfts_itls_and_output_lens() {
        let p = parse_one(
            "x/concurrency_2.json",
            r#"{"max_concurrency": 2, "output_throughput": 10.5, "ttfts": [0.5, 0.25, 0.0], "itls": [[0.1, 0.1, 0.2], [], []], "output_lens": [4, 1, 0], "generated_texts": ["a", "b", ""]}"#,
        )
        .unwrap();
        let r = p.requests.expect("per-request rows");
        assert_eq!(r.len(), 2, "the request with no output token is left out");
        assert_eq!(r.ttft_ms, vec![500.0, 250.0]);
        assert_eq!(r.e2el_ms, vec![900.0, 250.0]);
        assert!((r.tpot_ms[0] - 400.0 / 3.0).abs() < 1e-3);
        assert_eq!(r.output_tokens, vec![4, 1]);
        assert_eq!(
            p.per_request_arrays,
            vec!["ttfts", "itls", "output_lens", "generated_texts"]
        );
    }

    #[test]
    fn old_aliases_percentile_lists_and_goodput_colon() {
        let p = parse_one(
            "r/concurrency_8.json",
            r#"{"max_concurrency": null, "total_input": 100, "total_output": 50, "request_goodput:": 1.5,
                "output_throughput": 3.0, "percentiles_ttft_ms": [[50, 11.0], [99, 42.0]]}"#,
        )
        .unwrap();
        assert_eq!(
            p.concurrency,
            Some(8),
            "falls back to the file name when max_concurrency is null"
        );
        assert_eq!(p.total_input_tokens, Some(100));
        assert_eq!(p.total_output_tokens, Some(50));
        assert_eq!(p.request_goodput, Some(1.5));
        assert_eq!(p.ttft_ms.median, Some(11.0));
        assert_eq!(p.ttft_ms.p99, Some(42.0));
    }

    #[test]
    fn bad_inputs_are_errors_not_panics() {
        for text in [
            "",
            "   ",
            "[1, 2]",
            "{\"a\": 1}",
            "{\"output_throughput\": 1",
            "{\"output_throughput\": \"x\"}",
            "null",
        ] {
            assert!(
                parse_one("c/concurrency_1.json", text).is_err(),
                "{text:?} should be rejected"
            );
        }
    }

    fn parse_all(path: &str, text: &str) -> (Vec<BenchmarkPoint>, Vec<Diagnostic>) {
        let mut out = Vec::new();
        read_results(path, text.as_bytes(), "sa-bench-json", &mut out).unwrap();
        let (mut points, mut diags) = (Vec::new(), Vec::new());
        for r in out {
            match r {
                Record::Point(p) => points.push(*p),
                Record::Diagnostic(d) => diags.push(*d),
                other => panic!("{other:?}"),
            }
        }
        (points, diags)
    }

    #[test]
    fn appended_results_are_one_point_each() {
        // `vllm bench serve --append-result`: json.dump per run, "\n" between, no final newline.
        let text = "{\"request_rate\": \"inf\", \"max_concurrency\": 8, \"output_throughput\": 1.5}\n{\"request_rate\": 4.0, \"max_concurrency\": 8, \"output_throughput\": 2.5}";
        let (points, diags) = parse_all("r/append.json", text);
        assert!(diags.is_empty());
        assert_eq!(points.len(), 2);
        assert_eq!(points[0].request_rate, Some(f64::INFINITY));
        assert_eq!(points[1].request_rate, Some(4.0));
    }

    #[test]
    fn bad_lines_are_warnings_and_good_lines_still_count() {
        let text = "{\"output_throughput\": 1.0, \"request_rate\": Infinity}\n\
                    [1, 2]\n\
                    {\"output_throughput\": NaN, \"request_throughput\": NaN, \"mean_ttft_ms\": NaN}\n\
                    \n\
                    {\"output_throughput\": 3.0, \"mean_ttft_ms\": NaN, \"median_ttft_ms\": 4.5}\n\
                    {\"output_throughput\": 4.0, \"ttfts\": [0.1, 0.";
        let (points, diags) = parse_all("r/x.jsonl", text);
        assert_eq!(points.len(), 2);
        assert_eq!(points[0].request_rate, Some(f64::INFINITY));
        assert_eq!(points[1].output_throughput, Some(3.0));
        assert_eq!(points[1].ttft_ms.mean, None, "NaN is a missing value");
        assert_eq!(points[1].ttft_ms.median, Some(4.5));
        let lines: Vec<Option<u64>> = diags.iter().map(|d| d.line).collect();
        assert_eq!(lines, vec![Some(2), Some(3), Some(6)]);
        assert!(diags
            .iter()
            .all(|d| d.severity == crate::model::Severity::Warning));
        // Nothing readable at all: an error, not an empty success.
        let mut out = Vec::new();
        assert!(read_results("r/x.jsonl", b"[1]\n{\"a\": NaN}\n", "t", &mut out).is_err());
        assert!(read_results(
            "r/x.json",
            b"{\n  \"output_throughput\": 1,\n  \"itls\": [",
            "t",
            &mut out
        )
        .is_err());
    }

    #[test]
    fn old_generations_and_sweep_warmups() {
        // vLLM v0.3: `request_inthroughput` typo, `input_throughput`, no total.
        let p = parse_one(
            "r/vllm-0.3.json",
            r#"{"backend": "vllm", "request_rate": "inf", "request_inthroughput": 2.0, "input_throughput": 100.0, "output_throughput": 50.0}"#,
        )
        .unwrap();
        assert_eq!(p.request_throughput, Some(2.0));
        assert_eq!(p.total_token_throughput, Some(150.0));
        // `vllm bench sweep` warm-up (run_number -1) is no result, and no error.
        let mut out = Vec::new();
        SaBenchJson
            .parse(
                "sweep/SERVE--BENCH-x/warmup.json",
                br#"{"run_number": -1, "output_throughput": 5.0, "max_concurrency": 4}"#,
                &mut out,
            )
            .unwrap();
        assert!(out.is_empty());
    }

    #[test]
    fn sniff_wants_result_objects_only() {
        assert!(SaBenchJson.sniff(
            "a/concurrency_1.json",
            b"{\"date\": \"x\", \"max_concurrency\": 1"
        ));
        assert!(!SaBenchJson.sniff("a/concurrency_1.pytorch.json", b"{\"max_concurrency\": 1"));
        assert!(!SaBenchJson.sniff("a/list.json", b"[{\"max_concurrency\": 1}]"));
        assert!(!SaBenchJson.sniff("a/config.json", b"{\"environment\": {}}"));
    }
}
