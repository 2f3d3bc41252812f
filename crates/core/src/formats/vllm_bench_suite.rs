//! vLLM's nightly / performance benchmark suite reports: `benchmark_results.json`,
//! `benchmark_results.md`, and the per-test `latency_*.json` / `throughput_*.json` inputs the
//! report also converts (the per-test `serving_*.json` are `vllm bench serve` results, read by
//! [`super::sa_bench_json`]).
//!
//! Producer sources read (vllm-project/vllm):
//! `.buildkite/performance-benchmarks/scripts/convert-results-json-to-markdown.py` @ 798d216f
//! and its predecessor `.buildkite/nightly-benchmarks/scripts/convert-results-json-to-markdown.py`
//! @ ed8db27e; `.buildkite/performance-benchmarks/scripts/run-performance-benchmarks.sh` @ dbc6037e
//! (test names). The script globs `results/*.json`: a name containing `serving` is a
//! `vllm bench serve` result, `latency` a `vllm bench latency --output-json` result
//! (`avg_latency` and `percentiles` in **seconds**, multiplied by 1000 for the report),
//! `throughput` a `vllm bench throughput --output-json` result (`elapsed_time`, `num_requests`,
//! `total_num_tokens`, `requests_per_second`, `tokens_per_second`). It renames the keys to
//! display names and writes `benchmark_results.json` = `json.dumps(latency rows plus throughput
//! rows plus serving rows)`, one flat list of objects keyed by display name (pandas: a missing value is
//! a bare `NaN`), and `benchmark_results.md`, a description template with one `tabulate` pipe
//! table per kind (numbers to 6 significant digits, `inf` as text) and, in the nightly template,
//! the same tables once more as one JSON line, `{"latency": {column: {index: value}},
//! "throughput": …, "serving": …}` (pandas `to_dict()`, full precision), read in preference.
//!
//! Serving columns (newest): `Test name`, `Model`, `Dataset Name`, `Input Len`, `Output Len`,
//! `TP Size`, `PP Size`, `dtype`, `GPU`, `# of req.` (completed), `qps` (the client's
//! `--request-rate`, a number or `"inf"`), `# of max concurrency.`, `Tput (req/s)`,
//! `Total Token Tput (tok/s)`, `Output Tput (tok/s)`, `Mean/Median/P99/STD TTFT (ms)`,
//! `Mean TPOT (ms)`, `Median` and `P99` (the TPOT median and p99 — the producer's own bare
//! names), `STD TPOT (ms)`, `Mean/Median/P99 ITL (ms)`. Older reports (and copies of the
//! script) name them `Total Tput (tok/s)`, `Median TPOT (ms)`, `P99 TPOT (ms)`, and have no `qps`
//! or concurrency column: the test name carries them, `serving_{name}_qps_{qps}` and, since
//! 2025, `…_qps_{qps}_concurrency_{max_concurrency}`. vllm-ascend's copy
//! (`benchmarks/scripts/convert_json_to_markdown.py`) writes `Request rate (req/s)` and the
//! medians as `TTFT (ms)`, `TPOT (ms)`, `ITL (ms)`. Latency rows (`Mean/Median/P99 latency
//! (ms)`) and throughput rows (`Tput (tok/s)`, `Elapsed time (s)`, or a `throughput_` test
//! name) are offline measurements with no request rate or concurrency: they are not points,
//! and a diagnostic names them.
//!
//! The suite writes the report beside the per-test serving JSONs, so a folder holds each
//! serving point twice: these points rank below [`super::sa_bench_json`]'s, the JSON report's
//! below the per-test files and the Markdown table's (rounded) below both.

use serde_json::Value;

use super::json::{non_finite, python_json};
use super::sa_bench_json::first_byte;
use super::{Format, Record};
use crate::model::{BenchmarkPoint, Diagnostic, FormatError, LatencyStats, Severity};
use crate::text::contains;
use crate::text::paths::{concurrency_from_path, file_name};

/// `benchmark_results.json`: the suite's rows as one JSON list.
pub struct VllmSuiteJson;
/// `benchmark_results.md`: the suite's pipe tables.
pub struct VllmSuiteMarkdown;
/// Per-test `latency_*.json` / `throughput_*.json` (`vllm bench latency|throughput --output-json`).
pub struct VllmSuiteOffline;

/// One cell of a report row.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Num(f64),
    Text(String),
    Missing,
}

/// One report row: display name → cell, in file order.
type Row = Vec<(String, Cell)>;

fn cell<'a>(row: &'a Row, key: &str) -> Option<&'a Cell> {
    row.iter().find(|(k, _)| k == key).map(|(_, c)| c)
}

/// The first of `keys` holding a finite number.
fn num(row: &Row, keys: &[&str]) -> Option<f64> {
    keys.iter().find_map(|k| match cell(row, k)? {
        Cell::Num(v) if v.is_finite() => Some(*v),
        Cell::Text(t) => t.trim().parse::<f64>().ok().filter(|v| v.is_finite()),
        _ => None,
    })
}

fn count(row: &Row, keys: &[&str]) -> Option<u64> {
    num(row, keys)
        .filter(|v| *v >= 0.0 && v.fract() == 0.0 && *v <= u64::MAX as f64)
        .map(|v| v as u64)
}

fn small(row: &Row, keys: &[&str]) -> Option<u32> {
    count(row, keys).and_then(|v| u32::try_from(v).ok())
}

fn text(row: &Row, key: &str) -> Option<String> {
    match cell(row, key)? {
        Cell::Text(t) if !t.trim().is_empty() => Some(t.trim().to_owned()),
        _ => None,
    }
}

/// A request rate: a number, or `inf`/`Infinity` (unlimited).
fn rate_value(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("inf") || s.eq_ignore_ascii_case("infinity") {
        return Some(f64::INFINITY);
    }
    s.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0)
}

/// The token after `_{marker}_` in a test name (`…_qps_16_concurrency_8`); of several, the last.
fn name_token<'a>(name: &'a str, marker: &str) -> Option<&'a str> {
    let tokens: Vec<&str> = name.split('_').collect();
    tokens
        .windows(2)
        .rev()
        .find(|w| w[0] == marker)
        .map(|w| w[1])
        .filter(|t| !t.is_empty())
}

const SERVING_KEYS: &[&str] = &[
    "Mean TTFT (ms)",
    "Median TTFT (ms)",
    "P99 TTFT (ms)",
    "TTFT (ms)",
    "Output Tput (tok/s)",
    "Mean TPOT (ms)",
    "TPOT (ms)",
    "Mean ITL (ms)",
    "Median ITL (ms)",
    "ITL (ms)",
];
const LATENCY_KEYS: &[&str] = &[
    "Mean latency (ms)",
    "Median latency (ms)",
    "P99 latency (ms)",
];
const THROUGHPUT_KEYS: &[&str] = &[
    "Tput (tok/s)",
    "Elapsed time (s)",
    "Total # of tokens",
    "Total num of tokens",
];
const CONCURRENCY_KEYS: &[&str] = &[
    "# of max concurrency.",
    "# of max concurrency",
    "Max Concurrency",
];
const RATE_KEYS: &[&str] = &["qps", "Request rate (req/s)"];

/// What one row of the report is.
enum RowKind {
    Serving(Box<BenchmarkPoint>),
    Latency(String),
    Throughput(String),
    Skipped(String),
}

fn has_any(row: &Row, keys: &[&str]) -> bool {
    keys.iter()
        .any(|k| matches!(cell(row, k), Some(c) if *c != Cell::Missing))
}

fn classify(path: &str, tool: &str, row: &Row) -> RowKind {
    let name = text(row, "Test name")
        .or_else(|| num(row, &["Test name"]).map(|v| v.to_string()))
        .unwrap_or_default();
    let shown = if name.is_empty() {
        "(no test name)".to_owned()
    } else {
        name.clone()
    };
    if name.starts_with("latency_") || (!has_any(row, SERVING_KEYS) && has_any(row, LATENCY_KEYS)) {
        return RowKind::Latency(shown);
    }
    if name.starts_with("throughput_")
        || (!has_any(row, SERVING_KEYS) && has_any(row, THROUGHPUT_KEYS))
    {
        return RowKind::Throughput(shown);
    }
    if !has_any(row, SERVING_KEYS) && !name.starts_with("serving_") {
        return RowKind::Skipped(format!(
            "{shown}: neither a serving, latency nor throughput row"
        ));
    }
    let request_throughput = num(row, &["Tput (req/s)"]);
    let output_throughput = num(row, &["Output Tput (tok/s)"]);
    let total_token_throughput = num(row, &["Total Token Tput (tok/s)", "Total Tput (tok/s)"]);
    if request_throughput.is_none()
        && output_throughput.is_none()
        && total_token_throughput.is_none()
    {
        return RowKind::Skipped(format!("{shown}: serving row without a throughput"));
    }
    let request_rate = RATE_KEYS
        .iter()
        .find_map(|k| match cell(row, k)? {
            Cell::Num(v) if !v.is_nan() && *v >= 0.0 => Some(*v),
            Cell::Text(t) => rate_value(t),
            _ => None,
        })
        .or_else(|| name_token(&name, "qps").and_then(rate_value));
    // The test name is the per-test file's stem: read it as `sa_bench_json` reads that file's
    // path (`…_concurrency_16`), so that the two copies of a point match.
    let concurrency = small(row, CONCURRENCY_KEYS).or_else(|| concurrency_from_path(&name));
    let gpus_reported = match (small(row, &["TP Size"]), small(row, &["PP Size"])) {
        (None, None) => None,
        (tp, pp) => tp.unwrap_or(1).checked_mul(pp.unwrap_or(1)),
    };
    RowKind::Serving(Box::new(BenchmarkPoint {
        source: path.to_owned(),
        tool: tool.to_owned(),
        gpus_reported,
        isl: small(row, &["Input Len"]),
        osl: small(row, &["Output Len"]),
        concurrency,
        request_rate,
        completed: count(row, &["# of req."]),
        total_input_tokens: count(row, &["Total input tokens"]),
        total_output_tokens: count(row, &["Total output tokens"]),
        request_throughput,
        output_throughput,
        total_token_throughput,
        ttft_ms: LatencyStats {
            mean: num(row, &["Mean TTFT (ms)"]),
            median: num(row, &["Median TTFT (ms)", "TTFT (ms)"]),
            std: num(row, &["STD TTFT (ms)"]),
            p90: None,
            p99: num(row, &["P99 TTFT (ms)"]),
        },
        tpot_ms: LatencyStats {
            mean: num(row, &["Mean TPOT (ms)"]),
            median: num(row, &["Median TPOT (ms)", "Median", "TPOT (ms)"]),
            std: num(row, &["STD TPOT (ms)"]),
            p90: None,
            p99: num(row, &["P99 TPOT (ms)", "P99"]),
        },
        itl_ms: LatencyStats {
            mean: num(row, &["Mean ITL (ms)"]),
            median: num(row, &["Median ITL (ms)", "ITL (ms)"]),
            std: num(row, &["STD ITL (ms)"]),
            p90: None,
            p99: num(row, &["P99 ITL (ms)"]),
        },
        model_id: text(row, "Model"),
        suite_test: (!name.is_empty()).then(|| name.clone()),
        ..Default::default()
    }))
}

fn info(path: &str, message: String) -> Diagnostic {
    let mut d = Diagnostic::warning(path, message);
    d.severity = Severity::Info;
    d
}

/// Points of the rows, a diagnostic for the offline rows and for each row skipped. `Err` when
/// not one row was understood.
fn emit_rows(
    path: &str,
    tool: &str,
    rows: Vec<(u64, Row)>,
    out: &mut Vec<Record>,
) -> Result<(), FormatError> {
    let total = rows.len();
    let (mut latency, mut throughput, mut skipped) = (Vec::new(), Vec::new(), Vec::new());
    let mut points = 0;
    for (line, row) in rows {
        match classify(path, tool, &row) {
            RowKind::Serving(p) => {
                points += 1;
                out.push(Record::Point(p));
            }
            RowKind::Latency(n) => latency.push(n),
            RowKind::Throughput(n) => throughput.push(n),
            RowKind::Skipped(why) => skipped.push((line, why)),
        }
    }
    if points == 0 && latency.is_empty() && throughput.is_empty() {
        return Err(FormatError::Shape {
            expected: "vLLM benchmark suite rows (serving, latency or throughput tests)",
            found: match skipped.first() {
                Some((_, why)) => format!("{total} rows, none of them a test ({why})"),
                None => "no rows".into(),
            },
        });
    }
    for (kind, names) in [("latency", latency), ("throughput", throughput)] {
        if !names.is_empty() {
            out.push(Record::Diagnostic(Box::new(info(
                path,
                format!(
                    "{} {kind} test row(s) not read as points (offline vllm bench {kind}: no request rate or concurrency): {}",
                    names.len(),
                    names.join(", ")
                ),
            ))));
        }
    }
    for (line, why) in skipped {
        let d = Diagnostic::warning(path, format!("row skipped: {why}"));
        let d = if line > 0 { d.at_line(line) } else { d };
        out.push(Record::Diagnostic(Box::new(d)));
    }
    Ok(())
}

fn json_cell(v: &Value) -> Cell {
    match v {
        Value::Number(n) => n.as_f64().map_or(Cell::Missing, Cell::Num),
        Value::String(s) => match non_finite(v) {
            Some(x) if x.is_nan() => Cell::Missing,
            Some(x) => Cell::Num(x),
            None => Cell::Text(s.clone()),
        },
        Value::Bool(b) => Cell::Text(b.to_string()),
        _ => Cell::Missing,
    }
}

impl Format for VllmSuiteJson {
    fn name(&self) -> &'static str {
        "vllm-suite-json"
    }

    fn describes(&self) -> &'static str {
        "vLLM nightly/performance benchmark suite benchmark_results.json (serving rows by test name, qps and max concurrency)"
    }

    fn duplicate_rank(&self) -> u8 {
        4
    }

    fn sniff(&self, path: &str, head: &[u8]) -> bool {
        path.ends_with(".json")
            && first_byte(head) == Some(b'[')
            && (contains(head, b"\"Test name\"") || file_name(path) == "benchmark_results.json")
    }

    fn parse(&self, path: &str, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), FormatError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(FormatError::Empty);
        }
        let v: Value = serde_json::from_slice(&python_json(bytes))?;
        let Value::Array(items) = v else {
            return Err(FormatError::Shape {
                expected: "a JSON list of benchmark suite rows",
                found: "another JSON value".into(),
            });
        };
        if items.is_empty() {
            out.push(Record::Diagnostic(Box::new(info(
                path,
                "the suite report lists no tests".into(),
            ))));
            return Ok(());
        }
        let rows = items
            .iter()
            .map(|item| {
                let row: Row = item
                    .as_object()
                    .map(|o| o.iter().map(|(k, v)| (k.clone(), json_cell(v))).collect())
                    .unwrap_or_default();
                (0, row)
            })
            .collect();
        let mut found = Vec::new();
        emit_rows(path, self.name(), rows, &mut found)?;
        out.extend(found);
        Ok(())
    }
}

/// The cells of one pipe-table line (`| a | b |`), trimmed; `None` for other lines.
fn pipe_cells(line: &str) -> Option<Vec<&str>> {
    let t = line.trim();
    let inner = t.strip_prefix('|')?;
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    Some(inner.split('|').map(str::trim).collect())
}

fn is_separator(cells: &[&str]) -> bool {
    !cells.is_empty()
        && cells.iter().all(|c| {
            let c = c.trim_matches(':');
            !c.is_empty() && c.bytes().all(|b| b == b'-')
        })
}

/// The rows of every pipe table whose header has a `Test name` column, with their line numbers.
fn markdown_rows(text: &str) -> Vec<(u64, Row)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut rows = Vec::new();
    let mut i = 0;
    while i + 1 < lines.len() {
        let header = pipe_cells(lines[i]);
        let sep = pipe_cells(lines[i + 1]);
        match (header, sep) {
            (Some(h), Some(s)) if is_separator(&s) && h.contains(&"Test name") => {
                i += 2;
                while let Some(cells) = lines.get(i).and_then(|l| pipe_cells(l)) {
                    let row: Row = h
                        .iter()
                        .zip(cells.iter().chain(std::iter::repeat(&"")))
                        .map(|(k, v)| {
                            let c = if v.is_empty() || v.eq_ignore_ascii_case("nan") {
                                Cell::Missing
                            } else if let Some(r) = rate_value(v) {
                                Cell::Num(r)
                            } else {
                                match v.parse::<f64>() {
                                    Ok(x) if x.is_finite() => Cell::Num(x),
                                    _ => Cell::Text((*v).to_owned()),
                                }
                            };
                            ((*k).to_owned(), c)
                        })
                        .collect();
                    rows.push((i as u64 + 1, row));
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    rows
}

/// The rows of the report's "json version of the benchmarking tables" block, when it has one:
/// one line `{"latency": {column: {index: value}}, "throughput": …, "serving": …}` (pandas
/// `DataFrame.to_dict()`, full precision), with its line number. `None` when there is no such
/// line or it holds no rows.
fn embedded_json_rows(text: &str) -> Option<Vec<(u64, Row)>> {
    let (i, line) = text.lines().enumerate().find(|(_, l)| {
        let t = l.trim_start();
        t.starts_with('{') && t.contains("\"serving\"") && t.contains("\"latency\"")
    })?;
    let v: Value = serde_json::from_slice(&python_json(line.trim().as_bytes())).ok()?;
    let mut rows = Vec::new();
    for kind in ["latency", "throughput", "serving"] {
        let Some(columns) = v.get(kind).and_then(Value::as_object) else {
            continue;
        };
        let mut indices: Vec<&String> = columns
            .values()
            .filter_map(Value::as_object)
            .flat_map(|c| c.keys())
            .collect();
        indices.sort_by_key(|k| (k.parse::<u64>().unwrap_or(u64::MAX), k.as_str()));
        indices.dedup();
        for idx in indices {
            let row: Row = columns
                .iter()
                .map(|(name, c)| {
                    let cell = c.get(idx.as_str()).map_or(Cell::Missing, json_cell);
                    (name.clone(), cell)
                })
                .collect();
            rows.push((i as u64 + 1, row));
        }
    }
    (!rows.is_empty()).then_some(rows)
}

impl Format for VllmSuiteMarkdown {
    fn name(&self) -> &'static str {
        "vllm-suite-md"
    }

    fn describes(&self) -> &'static str {
        "vLLM nightly/performance benchmark suite benchmark_results.md (its embedded JSON tables, else the pipe tables)"
    }

    fn duplicate_rank(&self) -> u8 {
        5
    }

    fn sniff(&self, path: &str, head: &[u8]) -> bool {
        path.ends_with(".md")
            && (contains(head, b"| Test name")
                || (file_name(path) == "benchmark_results.md"
                    && (contains(head, b"erving tests") || contains(head, b"atency tests"))))
    }

    fn parse(&self, path: &str, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), FormatError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(FormatError::Empty);
        }
        let text = String::from_utf8_lossy(bytes);
        // The embedded JSON repeats the tables at full precision; the tables are 6 digits.
        let rows = embedded_json_rows(&text).unwrap_or_else(|| markdown_rows(&text));
        if rows.is_empty() {
            out.push(Record::Diagnostic(Box::new(info(
                path,
                "the suite report has no result table (no tests ran)".into(),
            ))));
            return Ok(());
        }
        let mut found = Vec::new();
        emit_rows(path, self.name(), rows, &mut found)?;
        out.extend(found);
        Ok(())
    }
}

impl Format for VllmSuiteOffline {
    fn name(&self) -> &'static str {
        "vllm-suite-offline"
    }

    fn describes(&self) -> &'static str {
        "vLLM benchmark suite latency_*.json / throughput_*.json (vllm bench latency/throughput): noted, not points"
    }

    fn sniff(&self, path: &str, head: &[u8]) -> bool {
        let name = file_name(path);
        name.ends_with(".json")
            && first_byte(head) == Some(b'{')
            && ((name.starts_with("latency_") && contains(head, b"\"avg_latency\""))
                || (name.starts_with("throughput_") && contains(head, b"\"requests_per_second\"")))
    }

    fn parse(&self, path: &str, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), FormatError> {
        let v = super::json_object(
            &python_json(bytes),
            "a vllm bench latency/throughput result",
        )?;
        let f = |k: &str| v.get(k).and_then(Value::as_f64).filter(|x| x.is_finite());
        let message = if let Some(avg) = f("avg_latency") {
            format!(
                "vllm bench latency result (mean {avg:.3} s per batch): an offline test, not a serving point"
            )
        } else if let Some(rps) = f("requests_per_second") {
            let tps = f("tokens_per_second")
                .map(|t| format!(", {t:.1} tok/s"))
                .unwrap_or_default();
            format!(
                "vllm bench throughput result ({rps:.3} req/s{tps}): an offline test, not a serving point"
            )
        } else {
            return Err(FormatError::Shape {
                expected: "avg_latency or requests_per_second as a number",
                found: "neither".into(),
            });
        };
        out.push(Record::Diagnostic(Box::new(info(path, message))));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_name_tokens() {
        assert_eq!(
            name_token("serving_llama8B_tp1_sharegpt_qps_1_concurrency_16", "qps"),
            Some("1")
        );
        assert_eq!(
            name_token(
                "serving_llama8B_tp1_sharegpt_qps_inf_concurrency_16",
                "concurrency"
            ),
            Some("16")
        );
        assert_eq!(name_token("tp8_pp1_qps_04", "qps"), Some("04"));
        assert_eq!(name_token("serving_x_myqps_3", "qps"), None);
        assert_eq!(name_token("serving_x_qps_", "qps"), None);
        assert_eq!(rate_value("04"), Some(4.0));
        assert_eq!(rate_value("inf"), Some(f64::INFINITY));
        assert_eq!(rate_value("-1"), None);
    }

    #[test]
    fn newest_columns_keep_qps_and_concurrency_and_bare_tpot_names() {
        let text = br##"[{"Test name": "serving_llama8B_tp1_random_128_128_qps_4_concurrency_32", "Model": "meta-llama/Llama-3.1-8B-Instruct", "Input Len": 128, "Output Len": 128, "TP Size": 2, "PP Size": 1, "GPU": "8xH100", "# of req.": 200, "qps": 4, "# of max concurrency.": 32, "Tput (req/s)": 3.9, "Total Token Tput (tok/s)": 1000.5, "Output Tput (tok/s)": 500.25, "Mean TTFT (ms)": 20.0, "Median TTFT (ms)": 19.0, "P99 TTFT (ms)": 40.0, "STD TTFT (ms)": NaN, "Mean TPOT (ms)": 7.0, "Median": 6.5, "P99": 9.5, "Mean ITL (ms)": 7.1, "Median ITL (ms)": 6.9, "P99 ITL (ms)": 12.0},
{"Test name": "serving_llama8B_tp1_random_128_128_qps_inf_concurrency_32", "qps": "inf", "# of max concurrency.": 32, "Tput (req/s)": 9.0, "Output Tput (tok/s)": 900.0, "Median TTFT (ms)": 50.0}]"##;
        assert!(VllmSuiteJson.sniff("r/benchmark_results.json", text));
        let mut out = Vec::new();
        VllmSuiteJson
            .parse("r/benchmark_results.json", text, &mut out)
            .unwrap();
        let points: Vec<&BenchmarkPoint> = out
            .iter()
            .filter_map(|r| match r {
                Record::Point(p) => Some(&**p),
                _ => None,
            })
            .collect();
        assert_eq!(points.len(), 2);
        let p = points[0];
        assert_eq!((p.concurrency, p.request_rate), (Some(32), Some(4.0)));
        assert_eq!(
            (p.isl, p.osl, p.gpus_reported),
            (Some(128), Some(128), Some(2))
        );
        assert_eq!(p.tpot_ms.median, Some(6.5));
        assert_eq!(p.tpot_ms.p99, Some(9.5));
        assert_eq!(p.ttft_ms.std, None);
        assert_eq!(p.total_token_throughput, Some(1000.5));
        assert_eq!(
            p.model_id.as_deref(),
            Some("meta-llama/Llama-3.1-8B-Instruct")
        );
        assert_eq!(points[1].request_rate, Some(f64::INFINITY));
    }

    #[test]
    fn offline_rows_are_named_in_a_diagnostic_not_points() {
        let text = br#"[{"Test name": "latency_llama8B_tp1", "GPU": "1xH100", "Mean latency (ms)": 1500.0, "Median latency (ms)": 1490.0, "P99 latency (ms)": 1600.0},
{"Test name": "throughput_llama8B_tp1", "GPU": "1xH100", "Tput (req/s)": 20.0},
{"Test name": "serving_llama8B_tp1_sharegpt_qps_1", "Tput (req/s)": 1.0, "Mean TTFT (ms)": 30.0}]"#;
        let mut out = Vec::new();
        VllmSuiteJson
            .parse("r/benchmark_results.json", text, &mut out)
            .unwrap();
        let points = out.iter().filter(|r| matches!(r, Record::Point(_))).count();
        assert_eq!(points, 1);
        let notes: Vec<String> = out
            .iter()
            .filter_map(|r| match r {
                Record::Diagnostic(d) => Some(d.message.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].contains("latency_llama8B_tp1"));
        assert!(notes[1].contains("throughput_llama8B_tp1"));
    }

    #[test]
    fn markdown_tables_are_read_by_header() {
        let md = "intro\n\n| Test name | qps | Tput (req/s) | Output Tput (tok/s) | Median TTFT (ms) |\n|:--|--:|--:|--:|--:|\n| serving_a_qps_1 | 1 | 0.99 | 100.5 | 20.1 |\n| serving_a_qps_inf | inf | 5.1 | 500 | 300 |\n\n| | Platform Info |\n|:--|:--|\n| Physical cores | 8 |\n";
        assert!(VllmSuiteMarkdown.sniff("r/benchmark_results.md", md.as_bytes()));
        let mut out = Vec::new();
        VllmSuiteMarkdown
            .parse("r/benchmark_results.md", md.as_bytes(), &mut out)
            .unwrap();
        let rates: Vec<Option<f64>> = out
            .iter()
            .filter_map(|r| match r {
                Record::Point(p) => Some(p.request_rate),
                _ => None,
            })
            .collect();
        assert_eq!(rates, vec![Some(1.0), Some(f64::INFINITY)]);
    }

    #[test]
    fn the_embedded_json_line_wins_over_the_rounded_table_unless_empty() {
        let table = "| Test name | Tput (req/s) | Mean TTFT (ms) |\n|:--|--:|--:|\n| serving_a_qps_1 | 0.974567 | 65.2578 |\n";
        let block = r#"{"latency": {}, "throughput": {}, "serving": {"Test name": {"0": "serving_a_qps_1"}, "Tput (req/s)": {"0": 0.9745}, "Mean TTFT (ms)": {"0": NaN}}}"#;
        let read = |md: &str| -> Vec<(Option<f64>, Option<f64>)> {
            let mut out = Vec::new();
            VllmSuiteMarkdown
                .parse("r/benchmark_results.md", md.as_bytes(), &mut out)
                .unwrap();
            out.iter()
                .filter_map(|r| match r {
                    Record::Point(p) => Some((p.request_throughput, p.ttft_ms.mean)),
                    _ => None,
                })
                .collect()
        };
        assert_eq!(
            read(&format!("{table}\n```json\n{block}\n```\n")),
            vec![(Some(0.9745), None)]
        );
        let empty = r#"{"latency": {}, "throughput": {}, "serving": {}}"#;
        assert_eq!(
            read(&format!("{table}\n```json\n{empty}\n```\n")),
            vec![(Some(0.974567), Some(65.2578))]
        );
    }
}
