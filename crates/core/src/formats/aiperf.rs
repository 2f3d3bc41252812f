//! NVIDIA AIPerf exports: the run summary `profile_export_aiperf.{json,csv}`, its phase-scoped
//! copies `phases/<name>/profile_export_aiperf.{json,csv}` (multi-phase workflows, with
//! `phase_manifest.json`), the confidence aggregate over repeated trials
//! `aggregate/<cell>/profile_export_aiperf_aggregate.{json,csv}`, and the sweep aggregate
//! `sweep_aggregate/profile_export_aiperf_sweep.{json,csv}`.
//!
//! Producer source read (ai-dynamo/aiperf): `src/aiperf/exporters/metrics_json_exporter.py`,
//! `metrics_csv_exporter.py`, `exporter_manager.py` (`_export_phase_metric_artifacts`,
//! `_write_phase_manifest`), `exporters/aggregate/aggregate_confidence_{json,csv}_exporter.py`,
//! `aggregate_sweep_{json,csv}_exporter.py`, `orchestrator/aggregation/{confidence,sweep}.py`,
//! `timeslice_metrics_{json,csv}_exporter.py`, `timeslice_{json,csv}_exporter.py`;
//! docs `docs/api/sweep-aggregates.md`, `docs/tutorials/multi-phase-workflows.md`, `timeslices.md`.
//!
//! Summary JSON, current shape: each metric is a top-level object
//! `"time_to_first_token": {"unit": "ms", "avg": 58706.5, "p50": 52990.5, "p90": …, "p99": …, "std": …}`
//! next to `input_config` (`loadgen.concurrency`, `endpoint.model_names`), `start_time`, and
//! (scenario runs) `metadata: {"scenario", "submission_valid", "submission_invalid_reasons"}`.
//! Summary JSON, early shape: the same objects under `"records"`, some tags abbreviated (`ttft`).
//! Summary CSV: a stats table `Metric,avg,min,max,sum,p1,…,p99,std` with rows such as
//! `Time to First Token (ms),8578.24,…`, a blank line, then `Metric,Value` rows such as
//! `Request Throughput (requests/sec),0.48`.
//! AIPerf's inter-token latency excludes the first token, so it is both ITL and TPOT.
//! genai-perf (AIPerf's predecessor, srt-slurm G0 `gap_isl_*` folders) writes the same metric
//! objects, with the concurrency under `input_config.perf_analyzer.stimulus`.
//!
//! Phase files are whole summaries of one phase (same exporter, same `input_config`); a phase of
//! kind `warmup` (named `warmup`, or declared `kind: warmup` in `input_config`'s phase list) is
//! not a point. The root summary already excludes warm-up and, with one profiling phase, is the
//! same point as that phase's file: the phase formats rank before the summary formats, so per
//! concurrency the phase point wins.
//!
//! Confidence aggregate JSON: `{"schema_version": "1.0", "metadata": {"aggregation_type":
//! "confidence", "num_profile_runs", "num_successful_runs", "confidence_level", "single_run"?,
//! "submission_valid"?, …}, "metrics": {"time_to_first_token_p50": {"mean", "std", "min", "max",
//! "cv", "se", "ci_low", "ci_high", "t_critical", "unit"}, …}}` — keys are `{metric}_{stat}`;
//! the point is the mean. Its CSV: `metric,mean,std,min,max,cv,se,ci_low,ci_high,t_critical,unit`
//! rows, a blank line, then `Aggregation Type,confidence`, `Successful Runs,N`, … .
//! Sweep aggregate JSON: `{"aggregation_type": "sweep", "num_profile_runs", "num_successful_runs",
//! "failed_runs", "metadata": {"sweep_parameters", "num_combinations"}, "per_combination_metrics":
//! [{"parameters": {"concurrency": 10}, "metrics": {<the same flattened keys>}}], …}`: one point
//! per combination (parameters may be dotted, `phases.profiling.concurrency`). Its CSV: a wide
//! table `concurrency,<metric>_mean,<metric>_std,…` then `Best Configurations`, … sections.
//!
//! Not points, so not claimed here: time-slice exports (`profile_export_aiperf_timeslices.*`,
//! older `timeslices/profile_export_aiperf_<i>.*`: one window of a run each) and the
//! per-request records `profile_export.jsonl` (read by `aiperf_records` as the rows of the
//! point beside them).

use serde_json::Value;

use super::metric_csv::{csv_rows, num, MetricTable};
use super::{Format, Record};
use crate::model::{BenchmarkPoint, FormatError, LatencyStats};
use crate::text::contains;
use crate::text::paths::{concurrency_from_path, file_name, parent};

pub struct AiperfJson;
pub struct AiperfCsv;
pub struct AiperfPhaseJson;
pub struct AiperfPhaseCsv;
pub struct AiperfAggregateJson;
pub struct AiperfAggregateCsv;
pub struct AiperfSweepJson;
pub struct AiperfSweepCsv;

/// Which AIPerf export a path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Export {
    Summary,
    Phase,
    Aggregate,
    Sweep,
    /// Time slices or anything else named `profile_export_aiperf*` that is not a point.
    NotAPoint,
}

/// The AIPerf export kind of a path, by name (`None`: not named like an AIPerf export).
fn export_kind(path: &str) -> Option<Export> {
    let name = file_name(path);
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let dir = file_name(parent(path));
    if dir == "timeslices" || stem.contains("timeslice") {
        return stem
            .starts_with("profile_export_aiperf")
            .then_some(Export::NotAPoint);
    }
    match stem {
        "profile_export_aiperf_aggregate" => Some(Export::Aggregate),
        "profile_export_aiperf_sweep" => Some(Export::Sweep),
        "profile_export_aiperf" if phase_name(path).is_some() => Some(Export::Phase),
        "profile_export_aiperf" => Some(Export::Summary),
        s if s.starts_with("profile_export_aiperf") => Some(Export::NotAPoint),
        _ => None,
    }
}

/// `baseline` of `…/phases/baseline/profile_export_aiperf.json`.
fn phase_name(path: &str) -> Option<&str> {
    let dir = parent(path);
    let grand = parent(dir);
    (file_name(grand) == "phases" && !file_name(dir).is_empty()).then(|| file_name(dir))
}

/// Multiplier from a unit to milliseconds.
fn to_ms(unit: &str) -> f64 {
    match unit.trim().to_ascii_lowercase().as_str() {
        "ns" => 1e-6,
        "us" | "µs" => 1e-3,
        "s" | "sec" | "seconds" => 1e3,
        _ => 1.0,
    }
}

fn empty(bytes: &[u8]) -> bool {
    bytes.iter().all(u8::is_ascii_whitespace)
}

/// One statistic of one metric (`avg`, `p50`, …) in the metric's own unit, with that unit.
type StatFn<'a> = dyn Fn(&[&str], &str) -> Option<(f64, String)> + 'a;

/// A point from a metric lookup shared by every AIPerf shape (summary, aggregate mean, sweep
/// combination). `None` when neither throughput is there.
fn point_from(stat: &StatFn<'_>) -> Option<BenchmarkPoint> {
    let value = |tags: &[&str], key: &str| stat(tags, key).map(|(v, _)| v);
    let latency = |tags: &[&str]| {
        let ms = |k: &str| stat(tags, k).map(|(v, unit)| v * to_ms(&unit));
        LatencyStats {
            mean: ms("avg"),
            median: ms("p50"),
            std: ms("std"),
            p90: ms("p90"),
            p99: ms("p99"),
        }
    };
    let output_throughput = value(&["output_token_throughput"], "avg");
    let request_throughput = value(&["request_throughput"], "avg");
    if output_throughput.is_none() && request_throughput.is_none() {
        return None;
    }
    let count = |tags: &[&str]| {
        value(tags, "avg")
            .filter(|c| *c >= 0.0)
            .map(|c| c.round() as u64)
    };
    let itl = latency(&["inter_token_latency", "itl"]);
    Some(BenchmarkPoint {
        duration_s: stat(&["benchmark_duration"], "avg").map(|(d, unit)| d * to_ms(&unit) / 1e3),
        completed: count(&["request_count"]),
        num_prompts: count(&["request_count"]),
        total_input_tokens: count(&["total_isl"]),
        total_output_tokens: count(&["total_osl", "total_output_tokens"]),
        request_throughput,
        output_throughput,
        total_token_throughput: value(&["total_token_throughput"], "avg"),
        ttft_ms: latency(&["time_to_first_token", "ttft"]),
        tpot_ms: itl,
        itl_ms: itl,
        e2el_ms: latency(&["request_latency"]),
        reported_e2e_interactivity_p90: value(&["e2e_normalized_interactivity_p90"], "avg"),
        reported_e2e_interactivity_p75: value(&["e2e_normalized_interactivity_p75"], "avg"),
        ..Default::default()
    })
}

/// `metadata.submission_valid` and `metadata.submission_invalid_reasons` (scenario runs).
fn validity(v: &Value, p: &mut BenchmarkPoint) {
    let Some(md) = v.get("metadata") else {
        return;
    };
    p.submission_valid = md.get("submission_valid").and_then(Value::as_bool);
    p.invalid_reasons = match md.get("submission_invalid_reasons") {
        Some(Value::Array(a)) => a
            .iter()
            .map(|r| match r {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect(),
        Some(Value::String(s)) if !s.is_empty() => vec![s.clone()],
        _ => Vec::new(),
    };
}

/// A flattened-metric lookup (`{metric}_{stat}` → `{"mean", "unit", …}`), the shape of the
/// confidence and sweep aggregates.
fn flattened<'a>(metrics: &'a Value) -> impl Fn(&[&str], &str) -> Option<(f64, String)> + 'a {
    move |tags: &[&str], key: &str| {
        tags.iter().find_map(|t| {
            let m = metrics.get(format!("{t}_{key}"))?;
            let mean = m.get("mean").and_then(Value::as_f64)?;
            let unit = m.get("unit").and_then(Value::as_str).unwrap_or("ms");
            Some((mean, unit.to_owned()))
        })
    }
}

/// `(ci_low, ci_high)` of the mean output throughput, when the interval is a real one.
fn throughput_ci(metrics: &Value) -> Option<(f64, f64)> {
    let m = metrics.get("output_token_throughput_avg")?;
    let lo = m.get("ci_low").and_then(Value::as_f64)?;
    let hi = m.get("ci_high").and_then(Value::as_f64)?;
    // One trial: AIPerf collapses the interval to the mean and sets t_critical to NaN (null).
    (m.get("t_critical").and_then(Value::as_f64).is_some() && hi >= lo).then_some((lo, hi))
}

fn as_u32(v: Option<&Value>) -> Option<u32> {
    v.and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
}

/// The summary JSON reader (root and phase files).
fn parse_summary(
    tool: &'static str,
    path: &str,
    bytes: &[u8],
    out: &mut Vec<Record>,
) -> Result<(), FormatError> {
    if empty(bytes) {
        return Err(FormatError::Empty);
    }
    let v: Value = serde_json::from_slice(bytes)?;
    let metrics = v.get("records").filter(|r| r.is_object()).unwrap_or(&v);
    if !metrics.is_object() {
        return Err(FormatError::Shape {
            expected: "an AIPerf summary object",
            found: "another JSON value".into(),
        });
    }
    let stat = |tags: &[&str], key: &str| {
        tags.iter().find_map(|t| {
            let m = metrics.get(*t).filter(|m| m.is_object())?;
            let x = m.get(key).and_then(Value::as_f64)?;
            let unit = m.get("unit").and_then(Value::as_str).unwrap_or("ms");
            Some((x, unit.to_owned()))
        })
    };
    let Some(mut p) = point_from(&stat) else {
        return Err(FormatError::Shape {
            expected: "AIPerf metrics (output_token_throughput, request_throughput)",
            found: "neither".into(),
        });
    };
    // Phase files: the phase's own entry in the config gives its kind and concurrency.
    let phase = phase_name(path).map(|name| (name, phase_config(&v, name)));
    if let Some((name, cfg)) = &phase {
        let kind = cfg
            .and_then(|c| c.get("kind"))
            .and_then(Value::as_str)
            .unwrap_or(if name.eq_ignore_ascii_case("warmup") {
                "warmup"
            } else {
                "profiling"
            });
        if kind.eq_ignore_ascii_case("warmup") {
            return Ok(()); // warm-up traffic is never a benchmark point
        }
    }
    p.source = path.to_owned();
    p.tool = tool.into();
    p.concurrency = phase
        .and_then(|(_, cfg)| as_u32(cfg?.get("concurrency")))
        .or_else(|| {
            as_u32(
                v.pointer("/input_config/loadgen/concurrency")
                    .or_else(|| v.pointer("/input_config/perf_analyzer/stimulus/concurrency")),
            )
        })
        .or_else(|| concurrency_from_path(path));
    p.request_rate = v
        .pointer("/input_config/loadgen/request_rate")
        .and_then(Value::as_f64);
    p.model_id = v
        .pointer("/input_config/endpoint/model_names/0")
        .or_else(|| v.pointer("/input_config/benchmark/model"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    p.date = v
        .get("start_time")
        .and_then(Value::as_str)
        .map(str::to_owned);
    validity(&v, &mut p);
    out.push(Record::Point(Box::new(p)));
    Ok(())
}

/// The phase list entry named `name` in the run's config (`input_config.phases` or
/// `input_config.benchmark.phases`), if the export carries one.
fn phase_config<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    ["/input_config/phases", "/input_config/benchmark/phases"]
        .iter()
        .find_map(|p| v.pointer(p).and_then(Value::as_array))?
        .iter()
        .find(|ph| {
            ph.get("name")
                .and_then(Value::as_str)
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })
}

fn sniff_json(path: &str, head: &[u8], want: Export) -> bool {
    if !path.ends_with(".json") {
        return false;
    }
    match export_kind(path) {
        Some(kind) => kind == want,
        // Not named like an export: only the root summary and aggregates are claimed by content.
        None => match want {
            Export::Sweep => contains(head, b"\"per_combination_metrics\""),
            Export::Aggregate => {
                contains(head, b"\"aggregation_type\"")
                    && !contains(head, b"\"per_combination_metrics\"")
            }
            Export::Summary => {
                !contains(head, b"\"timeslices\"")
                    && !contains(head, b"\"aggregation_type\"")
                    && (contains(head, b"\"aiperf_version\"")
                        || (contains(head, b"\"time_to_first_token\"")
                            && contains(head, b"\"unit\"")))
            }
            _ => false,
        },
    }
}

impl Format for AiperfJson {
    fn name(&self) -> &'static str {
        "aiperf-json"
    }

    fn describes(&self) -> &'static str {
        "AIPerf profile_export_aiperf.json"
    }

    fn duplicate_rank(&self) -> u8 {
        10
    }

    fn sniff(&self, path: &str, head: &[u8]) -> bool {
        sniff_json(path, head, Export::Summary)
    }

    fn parse(&self, path: &str, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), FormatError> {
        parse_summary(self.name(), path, bytes, out)
    }
}

impl Format for AiperfPhaseJson {
    fn name(&self) -> &'static str {
        "aiperf-phase-json"
    }

    fn describes(&self) -> &'static str {
        "AIPerf phases/<name>/profile_export_aiperf.json (multi-phase workflows; warm-up skipped)"
    }

    fn duplicate_rank(&self) -> u8 {
        4
    }

    fn sniff(&self, path: &str, _head: &[u8]) -> bool {
        path.ends_with(".json") && export_kind(path) == Some(Export::Phase)
    }

    fn parse(&self, path: &str, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), FormatError> {
        parse_summary(self.name(), path, bytes, out)
    }
}

impl Format for AiperfAggregateJson {
    fn name(&self) -> &'static str {
        "aiperf-aggregate-json"
    }

    fn describes(&self) -> &'static str {
        "AIPerf profile_export_aiperf_aggregate.json (mean and confidence interval over trials)"
    }

    fn duplicate_rank(&self) -> u8 {
        2
    }

    fn sniff(&self, path: &str, head: &[u8]) -> bool {
        sniff_json(path, head, Export::Aggregate)
    }

    fn parse(&self, path: &str, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), FormatError> {
        if empty(bytes) {
            return Err(FormatError::Empty);
        }
        let v: Value = serde_json::from_slice(bytes)?;
        let Some(metrics) = v.get("metrics").filter(|m| m.is_object()) else {
            return Err(FormatError::Shape {
                expected: "an AIPerf aggregate with `metrics`",
                found: "no metrics object".into(),
            });
        };
        let Some(mut p) = point_from(&flattened(metrics)) else {
            return Err(FormatError::Shape {
                expected: "aggregate metrics output_token_throughput_avg or request_throughput_avg",
                found: "neither".into(),
            });
        };
        let md = v.get("metadata");
        let single = md
            .and_then(|m| m.get("single_run"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        p.source = path.to_owned();
        p.tool = self.name().into();
        p.concurrency = concurrency_from_path(path);
        p.trials = as_u32(md.and_then(|m| m.get("num_successful_runs")));
        p.output_throughput_ci = (!single).then(|| throughput_ci(metrics)).flatten();
        validity(&v, &mut p);
        out.push(Record::Point(Box::new(p)));
        Ok(())
    }
}

impl Format for AiperfSweepJson {
    fn name(&self) -> &'static str {
        "aiperf-sweep-json"
    }

    fn describes(&self) -> &'static str {
        "AIPerf profile_export_aiperf_sweep.json (one point per swept combination)"
    }

    fn duplicate_rank(&self) -> u8 {
        22
    }

    fn sniff(&self, path: &str, head: &[u8]) -> bool {
        sniff_json(path, head, Export::Sweep)
    }

    fn parse(&self, path: &str, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), FormatError> {
        if empty(bytes) {
            return Err(FormatError::Empty);
        }
        let v: Value = serde_json::from_slice(bytes)?;
        let Some(combos) = v.get("per_combination_metrics").and_then(Value::as_array) else {
            return Err(FormatError::Shape {
                expected: "an AIPerf sweep aggregate with `per_combination_metrics`",
                found: "none".into(),
            });
        };
        // Trials per combination: all runs over all combinations, when none failed.
        let runs = as_u32(v.get("num_profile_runs"));
        let n = as_u32(v.pointer("/metadata/num_combinations")).filter(|n| *n > 0);
        let failed = v
            .get("failed_runs")
            .and_then(Value::as_array)
            .is_some_and(|f| !f.is_empty());
        let trials = runs
            .zip(n)
            .filter(|(r, n)| !failed && r % n == 0 && r / n > 1)
            .map(|(r, n)| r / n);
        let before = out.len();
        for combo in combos {
            let Some(metrics) = combo.get("metrics").filter(|m| m.is_object()) else {
                continue;
            };
            let Some(mut p) = point_from(&flattened(metrics)) else {
                continue;
            };
            let param = |leaf: &str| {
                combo
                    .get("parameters")?
                    .as_object()?
                    .iter()
                    .find(|(k, _)| k.rsplit('.').next() == Some(leaf))
                    .map(|(_, v)| v)
            };
            p.source = path.to_owned();
            p.tool = self.name().into();
            p.concurrency = as_u32(param("concurrency"));
            p.request_rate = param("request_rate").and_then(Value::as_f64);
            p.isl = as_u32(param("isl"));
            p.osl = as_u32(param("osl"));
            p.trials = trials;
            p.output_throughput_ci = trials.and_then(|_| throughput_ci(metrics));
            out.push(Record::Point(Box::new(p)));
        }
        if out.len() == before {
            return Err(FormatError::Shape {
                expected: "sweep combinations with throughput metrics",
                found: format!("{} combinations without them", combos.len()),
            });
        }
        Ok(())
    }
}

/// The summary CSV reader (root and phase files).
fn parse_summary_csv(
    tool: &'static str,
    path: &str,
    bytes: &[u8],
    out: &mut Vec<Record>,
) -> Result<(), FormatError> {
    if empty(bytes) {
        return Err(FormatError::Empty);
    }
    if phase_name(path).is_some_and(|n| n.eq_ignore_ascii_case("warmup")) {
        return Ok(()); // warm-up traffic is never a benchmark point
    }
    // Two tables share the file; each starts with a `Metric,…` header.
    let table = MetricTable::read(bytes, str::to_owned)?;
    let scalar = |name: &str| table.scalar(name);
    let latency = |name: &str| table.latency(name);
    let output_throughput = scalar("Output Token Throughput (tokens/sec)");
    let request_throughput = scalar("Request Throughput (requests/sec)");
    if output_throughput.is_none() && request_throughput.is_none() {
        return Err(FormatError::Shape {
            expected: "AIPerf rows `Output Token Throughput (tokens/sec)` or `Request Throughput (requests/sec)`",
            found: format!("{} metric rows without them", table.len()),
        });
    }
    let count = |name: &str| scalar(name).filter(|c| *c >= 0.0).map(|c| c.round() as u64);
    let itl = latency("Inter Token Latency (ms)");
    out.push(Record::Point(Box::new(BenchmarkPoint {
        source: path.to_owned(),
        tool: tool.into(),
        concurrency: concurrency_from_path(path),
        duration_s: scalar("Benchmark Duration (sec)"),
        completed: count("Request Count"),
        num_prompts: count("Request Count"),
        total_input_tokens: count("Total Input Sequence Length (tokens)"),
        total_output_tokens: count("Total Output Sequence Length (tokens)"),
        request_throughput,
        output_throughput,
        total_token_throughput: scalar("Total Token Throughput (tokens/sec)"),
        ttft_ms: latency("Time to First Token (ms)"),
        tpot_ms: itl,
        itl_ms: itl,
        e2el_ms: latency("Request Latency (ms)"),
        reported_e2e_interactivity_p90: scalar(
            "E2E Normalized Interactivity p90 (tokens/sec/user)",
        ),
        reported_e2e_interactivity_p75: scalar(
            "E2E Normalized Interactivity p75 (tokens/sec/user)",
        ),
        ..Default::default()
    })));
    Ok(())
}

impl Format for AiperfCsv {
    fn name(&self) -> &'static str {
        "aiperf-csv"
    }

    fn describes(&self) -> &'static str {
        "AIPerf profile_export_aiperf.csv"
    }

    fn duplicate_rank(&self) -> u8 {
        20
    }

    fn sniff(&self, path: &str, head: &[u8]) -> bool {
        path.ends_with(".csv")
            && match export_kind(path) {
                Some(kind) => kind == Export::Summary,
                None => head.starts_with(b"Metric,avg,"),
            }
    }

    fn parse(&self, path: &str, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), FormatError> {
        parse_summary_csv(self.name(), path, bytes, out)
    }
}

impl Format for AiperfPhaseCsv {
    fn name(&self) -> &'static str {
        "aiperf-phase-csv"
    }

    fn describes(&self) -> &'static str {
        "AIPerf phases/<name>/profile_export_aiperf.csv (multi-phase workflows; warm-up skipped)"
    }

    fn duplicate_rank(&self) -> u8 {
        5
    }

    fn sniff(&self, path: &str, _head: &[u8]) -> bool {
        path.ends_with(".csv") && export_kind(path) == Some(Export::Phase)
    }

    fn parse(&self, path: &str, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), FormatError> {
        parse_summary_csv(self.name(), path, bytes, out)
    }
}

/// Flattened-metric statistics of one CSV table, as the JSON lookup sees them.
fn csv_metrics(pairs: impl Iterator<Item = (String, Value)>) -> Value {
    Value::Object(pairs.collect())
}

impl Format for AiperfAggregateCsv {
    fn name(&self) -> &'static str {
        "aiperf-aggregate-csv"
    }

    fn describes(&self) -> &'static str {
        "AIPerf profile_export_aiperf_aggregate.csv (mean and confidence interval over trials)"
    }

    fn duplicate_rank(&self) -> u8 {
        3
    }

    fn sniff(&self, path: &str, head: &[u8]) -> bool {
        path.ends_with(".csv")
            && (export_kind(path) == Some(Export::Aggregate)
                || (export_kind(path).is_none()
                    && head.starts_with(b"metric,mean,std,min,max,cv,se,ci_low,ci_high")))
    }

    fn parse(&self, path: &str, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), FormatError> {
        if empty(bytes) {
            return Err(FormatError::Empty);
        }
        let rows = csv_rows(bytes)?;
        let Some(header) = rows
            .iter()
            .position(|r| r.first().map(String::as_str) == Some("metric"))
        else {
            return Err(FormatError::Shape {
                expected: "an aggregate table headed `metric,mean,…`",
                found: "no such header".into(),
            });
        };
        let cols = &rows[header];
        let col = |name: &str| cols.iter().position(|c| c == name);
        let mut trials = None;
        let mut single = false;
        let mut table = Vec::new();
        for r in &rows[header + 1..] {
            let (Some(name), Some(second)) = (r.first(), r.get(1)) else {
                continue;
            };
            match name.as_str() {
                "Successful Runs" => trials = second.parse::<u32>().ok(),
                "Single Run" => single = second.eq_ignore_ascii_case("true"),
                _ => {}
            }
            let cell = |c: &str| col(c).and_then(|i| r.get(i)).and_then(|x| num(x));
            let Some(mean) = cell("mean") else {
                continue;
            };
            let mut stats = serde_json::Map::new();
            stats.insert("mean".into(), mean.into());
            for k in ["ci_low", "ci_high", "t_critical"] {
                if let Some(x) = cell(k) {
                    stats.insert(k.into(), x.into());
                }
            }
            if let Some(unit) = col("unit").and_then(|i| r.get(i)) {
                stats.insert("unit".into(), unit.clone().into());
            }
            table.push((name.clone(), Value::Object(stats)));
        }
        let metrics = csv_metrics(table.into_iter());
        let Some(mut p) = point_from(&flattened(&metrics)) else {
            return Err(FormatError::Shape {
                expected: "aggregate rows output_token_throughput_avg or request_throughput_avg",
                found: "neither".into(),
            });
        };
        p.source = path.to_owned();
        p.tool = self.name().into();
        p.concurrency = concurrency_from_path(path);
        p.trials = trials;
        p.output_throughput_ci = (!single).then(|| throughput_ci(&metrics)).flatten();
        out.push(Record::Point(Box::new(p)));
        Ok(())
    }
}

impl Format for AiperfSweepCsv {
    fn name(&self) -> &'static str {
        "aiperf-sweep-csv"
    }

    fn describes(&self) -> &'static str {
        "AIPerf profile_export_aiperf_sweep.csv (one point per swept combination)"
    }

    fn duplicate_rank(&self) -> u8 {
        23
    }

    fn sniff(&self, path: &str, _head: &[u8]) -> bool {
        path.ends_with(".csv") && export_kind(path) == Some(Export::Sweep)
    }

    fn parse(&self, path: &str, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), FormatError> {
        if empty(bytes) {
            return Err(FormatError::Empty);
        }
        let rows = csv_rows(bytes)?;
        // Section 1: header then one row per combination, up to the first blank line.
        let Some(header) = rows.first() else {
            return Err(FormatError::Empty);
        };
        let stat_col = |h: &str| {
            ["_mean", "_std", "_min", "_max", "_cv"]
                .iter()
                .any(|s| h.ends_with(s))
        };
        let params: Vec<(usize, &str)> = header
            .iter()
            .enumerate()
            .filter(|(_, h)| !stat_col(h))
            .map(|(i, h)| (i, h.rsplit('.').next().unwrap_or(h)))
            .collect();
        let before = out.len();
        // The csv reader skips blank lines, so the table ends at the first row of another width
        // (the `Best Configurations` title).
        for r in rows[1..].iter().take_while(|r| r.len() == header.len()) {
            let metrics = csv_metrics(header.iter().enumerate().filter_map(|(i, h)| {
                let key = h.strip_suffix("_mean")?;
                let mean = num(r.get(i)?)?;
                // The CSV drops units; AIPerf writes latencies in ms, the duration in sec.
                let unit = if key.starts_with("benchmark_duration") {
                    "sec"
                } else {
                    "ms"
                };
                Some((
                    key.to_owned(),
                    serde_json::json!({"mean": mean, "unit": unit}),
                ))
            }));
            let Some(mut p) = point_from(&flattened(&metrics)) else {
                continue;
            };
            let param = |leaf: &str| {
                params
                    .iter()
                    .find(|(_, n)| *n == leaf)
                    .and_then(|(i, _)| r.get(*i))
                    .and_then(|c| num(c))
            };
            p.source = path.to_owned();
            p.tool = self.name().into();
            p.concurrency = param("concurrency")
                .filter(|c| *c >= 0.0 && *c <= f64::from(u32::MAX))
                .map(|c| c as u32);
            p.request_rate = param("request_rate");
            out.push(Record::Point(Box::new(p)));
        }
        if out.len() == before {
            return Err(FormatError::Shape {
                expected: "sweep rows with `output_token_throughput_avg_mean` or `request_throughput_avg_mean`",
                found: "none".into(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(format: &dyn Format, path: &str, text: &str) -> BenchmarkPoint {
        let mut out = Vec::new();
        format.parse(path, text.as_bytes(), &mut out).unwrap();
        match out.pop() {
            Some(Record::Point(p)) => *p,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn wrapped_records_shape_with_seconds() {
        let p = point(
            &AiperfJson,
            "a/concurrency_8/profile_export_aiperf.json",
            r#"{"records": {"ttft": {"unit": "s", "avg": 0.5, "p50": 0.4},
               "output_token_throughput": {"unit": "tokens/sec", "avg": 100.0},
               "request_throughput": {"unit": "requests/sec", "avg": 2.0}}}"#,
        );
        assert_eq!(p.concurrency, Some(8));
        assert_eq!(p.ttft_ms.mean, Some(500.0));
        assert_eq!(p.ttft_ms.median, Some(400.0));
        assert_eq!(p.output_throughput, Some(100.0));
    }

    fn points(format: &dyn Format, path: &str, text: &str) -> Vec<BenchmarkPoint> {
        let mut out = Vec::new();
        format.parse(path, text.as_bytes(), &mut out).unwrap();
        out.into_iter()
            .map(|r| match r {
                Record::Point(p) => *p,
                other => panic!("{other:?}"),
            })
            .collect()
    }

    // Synthetic inputs below are shaped after AIPerf's exporters (see the module doc); no
    // public sample of these artifacts was found.

    #[test]
    fn e2e_normalized_interactivity_scalars_are_kept() {
        // `E2ENormalizedInteractivityP90Metric`: tag `e2e_normalized_interactivity_p90`,
        // unit tokens/sec/user, the value in `avg`; the CSV row is `{header} ({unit})`.
        let p = point(
            &AiperfJson,
            "a/profile_export_aiperf.json",
            r#"{"output_token_throughput": {"unit": "tokens/sec", "avg": 5.0},
               "e2e_normalized_interactivity_p90": {"unit": "tokens/sec/user", "avg": 26.3, "count": 2},
               "e2e_normalized_interactivity_p75": {"unit": "tokens/sec/user", "avg": 28.6, "count": 2}}"#,
        );
        assert_eq!(p.reported_e2e_interactivity_p90, Some(26.3));
        assert_eq!(p.reported_e2e_interactivity_p75, Some(28.6));
        let p = point(
            &AiperfCsv,
            "a/profile_export_aiperf.csv",
            "Metric,avg,min,max\r\nTime to First Token (ms),10,5,20\r\n\r\nMetric,Value\r\n\
             Output Token Throughput (tokens/sec),5.0\r\n\
             E2E Normalized Interactivity p90 (tokens/sec/user),26.30\r\n",
        );
        assert_eq!(p.reported_e2e_interactivity_p90, Some(26.3));
        assert_eq!(p.reported_e2e_interactivity_p75, None);
    }

    #[test]
    fn scenario_validity_is_kept() {
        let p = point(
            &AiperfJson,
            "a/profile_export_aiperf.json",
            r#"{"aiperf_version": "0.8.0", "output_token_throughput": {"unit": "tokens/sec", "avg": 5.0},
               "metadata": {"scenario": "inferencex-agentx-mvp", "submission_valid": false,
                            "submission_invalid_reasons": ["context_overflow_rate_exceeded"]}}"#,
        );
        assert_eq!(p.submission_valid, Some(false));
        assert_eq!(p.invalid_reasons, vec!["context_overflow_rate_exceeded"]);
    }

    #[test]
    fn confidence_aggregate_is_the_mean_with_its_interval() {
        // AggregateConfidenceJsonExporter: metadata + flattened `{metric}_{stat}` metrics.
        let p = point(
            &AiperfAggregateJson,
            "art/aggregate/concurrency_10__isl_512/profile_export_aiperf_aggregate.json",
            r#"{"schema_version": "1.0", "aiperf_version": "0.8.0",
                "metadata": {"aggregation_type": "confidence", "num_profile_runs": 5,
                             "num_successful_runs": 4, "failed_runs": [{"label": "run_0003", "error": "x"}],
                             "confidence_level": 0.95, "run_labels": ["run_0001"]},
                "metrics": {
                  "output_token_throughput_avg": {"mean": 1000.0, "std": 20.0, "min": 980.0, "max": 1030.0,
                    "cv": 0.02, "se": 10.0, "ci_low": 968.2, "ci_high": 1031.8, "t_critical": 3.182, "unit": "tokens/sec"},
                  "request_throughput_avg": {"mean": 4.0, "unit": "requests/sec"},
                  "time_to_first_token_p50": {"mean": 0.25, "ci_low": 0.2, "ci_high": 0.3, "unit": "s"},
                  "inter_token_latency_avg": {"mean": 12.5, "unit": "ms"},
                  "benchmark_duration_avg": {"mean": 60.0, "unit": "sec"},
                  "request_count_avg": {"mean": 240.0, "unit": "requests"}}}"#,
        );
        assert_eq!(p.concurrency, Some(10));
        assert_eq!(p.output_throughput, Some(1000.0));
        assert_eq!(p.output_throughput_ci, Some((968.2, 1031.8)));
        assert_eq!(p.trials, Some(4));
        assert_eq!(p.ttft_ms.median, Some(250.0));
        assert_eq!(p.tpot_ms.mean, Some(12.5));
        assert_eq!(p.duration_s, Some(60.0));
        assert_eq!(p.completed, Some(240));
        assert_eq!(p.tool, "aiperf-aggregate-json");
    }

    #[test]
    fn single_run_aggregate_has_no_interval() {
        let p = point(
            &AiperfAggregateJson,
            "x/aggregate/concurrency_4/profile_export_aiperf_aggregate.json",
            r#"{"metadata": {"aggregation_type": "confidence", "num_successful_runs": 1, "single_run": true},
                "metrics": {"output_token_throughput_avg": {"mean": 7.0, "ci_low": 7.0, "ci_high": 7.0,
                  "t_critical": null, "unit": "tokens/sec"}}}"#,
        );
        assert_eq!((p.trials, p.output_throughput_ci), (Some(1), None));
    }

    #[test]
    fn aggregate_csv_reads_the_metric_table_and_run_count() {
        let p = point(
            &AiperfAggregateCsv,
            "x/aggregate/concurrency_20/profile_export_aiperf_aggregate.csv",
            "metric,mean,std,min,max,cv,se,ci_low,ci_high,t_critical,unit\n\
             output_token_throughput_avg,1800.50,10.00,1790.00,1811.00,0.0056,5.7735,1775.66,1825.34,4.3027,tokens/sec\n\
             time_to_first_token_p99,120.50,8.10,110.20,132.80,0.0672,4.6765,100.38,140.62,4.3027,ms\n\
             \n\
             Aggregation Type,confidence\nTotal Runs,3\nSuccessful Runs,3\nConfidence Level,0.95\n\
             Run Labels,\"['run_0001', 'run_0002', 'run_0003']\"\n",
        );
        assert_eq!(p.concurrency, Some(20));
        assert_eq!(p.output_throughput, Some(1800.5));
        assert_eq!(p.output_throughput_ci, Some((1775.66, 1825.34)));
        assert_eq!(p.ttft_ms.p99, Some(120.5));
        assert_eq!(p.trials, Some(3));
    }

    #[test]
    fn sweep_json_gives_one_point_per_combination() {
        let ps = points(
            &AiperfSweepJson,
            "art/sweep_aggregate/profile_export_aiperf_sweep.json",
            r#"{"aggregation_type": "sweep", "num_profile_runs": 6, "num_successful_runs": 6, "failed_runs": [],
                "metadata": {"sweep_parameters": [{"name": "concurrency", "values": [10, 20]}], "num_combinations": 2},
                "per_combination_metrics": [
                  {"parameters": {"concurrency": 10}, "metrics": {
                     "request_throughput_avg": {"mean": 100.5, "ci_low": 94.3, "ci_high": 106.7, "t_critical": 4.3, "unit": "requests/sec"},
                     "output_token_throughput_avg": {"mean": 900.0, "ci_low": 880.0, "ci_high": 920.0, "t_critical": 4.3, "unit": "tokens/sec"},
                     "time_to_first_token_p99": {"mean": 120.5, "unit": "ms"}}},
                  {"parameters": {"phases.profiling.concurrency": 20}, "metrics": {
                     "request_throughput_avg": {"mean": 180.3, "unit": "requests/sec"}}}],
                "best_configurations": {}, "pareto_optimal": [{"concurrency": 10}]}"#,
        );
        assert_eq!(ps.len(), 2);
        assert_eq!(
            (
                ps[0].concurrency,
                ps[0].request_throughput,
                ps[0].ttft_ms.p99
            ),
            (Some(10), Some(100.5), Some(120.5))
        );
        assert_eq!(
            (ps[0].trials, ps[0].output_throughput_ci),
            (Some(3), Some((880.0, 920.0)))
        );
        assert_eq!(
            (ps[1].concurrency, ps[1].output_throughput),
            (Some(20), None)
        );
    }

    #[test]
    fn sweep_csv_reads_the_first_section_only() {
        let ps = points(
            &AiperfSweepCsv,
            "art/sweep_aggregate/profile_export_aiperf_sweep.csv",
            "concurrency,request_throughput_avg_mean,request_throughput_avg_std,request_throughput_avg_min,request_throughput_avg_max,request_throughput_avg_cv,time_to_first_token_p99_mean,time_to_first_token_p99_std,time_to_first_token_p99_min,time_to_first_token_p99_max,time_to_first_token_p99_cv\n\
             10,100.50,5.20,95.00,108.00,0.0520,120.50,8.10,110.20,132.80,0.0672\n\
             20,180.30,8.50,170.00,195.00,0.0471,135.20,9.30,125.00,148.00,0.0688\n\
             \n\
             Best Configurations\nConfiguration,concurrency,Metric,Unit\nBest Throughput,20,180.30,requests/sec\n\
             \n\
             Pareto Optimal Points\nconcurrency\n10\n20\n\n\
             Metadata\nField,Value\nAggregation Type,sweep\n",
        );
        let got: Vec<_> = ps
            .iter()
            .map(|p| (p.concurrency, p.request_throughput, p.ttft_ms.p99))
            .collect();
        assert_eq!(
            got,
            vec![
                (Some(10), Some(100.5), Some(120.5)),
                (Some(20), Some(180.3), Some(135.2))
            ]
        );
    }

    #[test]
    fn warmup_phases_are_not_points_and_profiling_phases_are() {
        let summary = |phases: &str| {
            format!(
                r#"{{"aiperf_version": "1.0", "output_token_throughput": {{"unit": "tokens/sec", "avg": 50.0}},
                    "input_config": {{"benchmark": {{"phases": {phases}}}}}}}"#
            )
        };
        let phases = r#"[{"name": "warmup", "type": "concurrency", "concurrency": 8},
                         {"name": "cache_prime", "kind": "warmup", "type": "poisson"},
                         {"name": "baseline_traffic", "kind": "profiling", "concurrency": 32}]"#;
        for name in ["warmup", "cache_prime"] {
            let path = format!("art/phases/{name}/profile_export_aiperf.json");
            assert!(AiperfPhaseJson.sniff(&path, b"{"));
            assert!(!AiperfJson.sniff(&path, b"{"));
            assert!(
                points(&AiperfPhaseJson, &path, &summary(phases)).is_empty(),
                "{name}"
            );
        }
        let p = point(
            &AiperfPhaseJson,
            "art/phases/baseline_traffic/profile_export_aiperf.json",
            &summary(phases),
        );
        assert_eq!(
            (p.concurrency, p.tool.as_str()),
            (Some(32), "aiperf-phase-json")
        );
        assert!(points(
            &AiperfPhaseCsv,
            "a/phases/warmup/profile_export_aiperf.csv",
            "Metric,avg\n"
        )
        .is_empty());
    }

    #[test]
    fn timeslices_are_not_claimed_and_per_request_records_only_by_their_reader() {
        let head = br#"{"timeslices": [{"start_ns": 1, "time_to_first_token": {"unit": "ms", "avg": 1.0}}]}"#;
        for path in [
            "a/profile_export_aiperf_timeslices.json",
            "a/profile_export_aiperf_timeslices.csv",
            "a/timeslices/profile_export_aiperf_0.json",
            "a/timeslices/profile_export_aiperf_0.csv",
            "a/renamed.json",
            "a/profile_export.jsonl",
        ] {
            for f in super::super::REGISTRY {
                let reader =
                    path.ends_with("profile_export.jsonl") && f.name() == "aiperf-records-jsonl";
                assert_eq!(f.sniff(path, head), reader, "{} and {path}", f.name());
            }
        }
    }

    #[test]
    fn bad_inputs_are_errors() {
        for text in [
            "",
            "[]",
            "{}",
            "{\"records\": 3}",
            "{\"output_token_throughput\": 5",
        ] {
            let mut out = Vec::new();
            assert!(
                AiperfJson
                    .parse("profile_export_aiperf.json", text.as_bytes(), &mut out)
                    .is_err(),
                "{text}"
            );
        }
        let mut out = Vec::new();
        assert!(AiperfCsv
            .parse(
                "profile_export_aiperf.csv",
                b"Metric,avg\nfoo,1\n",
                &mut out
            )
            .is_err());
        let formats: [&dyn Format; 6] = [
            &AiperfAggregateJson,
            &AiperfSweepJson,
            &AiperfPhaseJson,
            &AiperfAggregateCsv,
            &AiperfSweepCsv,
            &AiperfPhaseCsv,
        ];
        for f in formats {
            for text in [
                "",
                "[]",
                "{}",
                "{\"metrics\": 3}",
                "{\"per_combination_metrics\": [{\"metrics\": {}}]}",
                "metric,mean\nfoo,1\n",
                "\"unterminated",
            ] {
                let mut out = Vec::new();
                assert!(
                    f.parse("x/phases/p/y_aggregate", text.as_bytes(), &mut out)
                        .is_err(),
                    "{} {text}",
                    f.name()
                );
            }
        }
    }
}
