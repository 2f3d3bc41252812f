//! TensorRT-LLM benchmark results: `trtllm-bench throughput|latency --report_json` files, the
//! console report `trtllm-bench` prints (saved in logs), and the older C++
//! `gptManagerBenchmark --output_csv` file.
//!
//! Producer source read (NVIDIA/TensorRT-LLM): `tensorrt_llm/bench/dataclasses/reporting.py`
//! (`ReportUtility.get_statistics_dict` — the JSON — and `report_statistics` — the console),
//! `tensorrt_llm/bench/dataclasses/statistics.py` (`PercentileStats`: `p50`, `p90` (newer),
//! `p95`, `p99`, `minimum`, `maximum`, `average`; all times in ns, converted by the reporter),
//! `benchmarks/cpp/gptManagerBenchmark.cpp` (`Recorder::writeOpMetricsToCsv`).
//!
//! `--report_json` (TensorRT-LLM ≥ 0.17, e.g. 1.2.0):
//! `{"engine": {"model", "version", "backend": "TRT"|"Pytorch", …}, "machine": {…},
//! "world_info": {"tp_size", "pp_size", "ep_size", "world_size", "max_batch_size", …},
//! "request_info": {"num_requests", "avg_num_concurrent_requests", "avg_input_length",
//! "avg_output_length"}, "performance": {"total_latency_ms", "avg_request_latency_ms",
//! "request_throughput_req_s", "system_output_throughput_tok_s", "system_total_throughput_tok_s",
//! "output_throughput_per_user_tok_s", "output_throughput_per_gpu_tok_s",
//! "request_latency_percentiles_ms": {"p50", …}}, "streaming_metrics": {"avg_ttft_ms",
//! "avg_tpot_ms", "tpot_percentiles", "ttft_percentiles", "gen_tps_percentiles"}, "dataset": {…}}`;
//! `streaming_metrics` only for `--streaming` runs. Times are ms, rates per second.
//!
//! Console (newer): `= PERFORMANCE OVERVIEW` with `Request Throughput (req/sec):`, `Total Output
//! Throughput (tokens/sec):`, `Total Token Throughput (tokens/sec):`, `Total Latency (ms):`,
//! `Average request latency (ms):`, streaming `Average time-to-first-token [TTFT] (ms):`,
//! `[TPOT] P50     : 1.7136`, `[TTFT] P99 …`, `[Latency] AVERAGE: …`; `= REQUEST DETAILS` with
//! `Number of requests:`, `Average Input Length (tokens):`. Console (0.16 and older): one
//! `= PERFORMANCE OVERVIEW` holding `Number of requests:`, `Token Throughput (tokens/sec):`
//! (output tokens), `Request Throughput (req/sec):`, `Total Latency (ms):`; values follow tabs.
//!
//! `trtllm-bench` states no configured concurrency (only the measured average
//! `avg_num_concurrent_requests`, not used as one): the concurrency comes from the file or
//! folder name (`…_conc16…`, `concurrency_8/`) or stays unknown. Token totals are the stated
//! averages × the request count (the producer's own division undone). `world_size` (TP × PP)
//! is the GPU count. `--output_json` and `--request_json` (per-request outputs and timings)
//! are not read.
//!
//! gptManagerBenchmark CSV: a header row with a trailing comma,
//! `num_samples,num_error_samples,total_latency(ms),seq_throughput(seq/sec),
//! token_throughput(token/sec),avg_sequence_latency(ms),…,p50_sequence_latency(ms),
//! avg_acceptance_rate(tokens/decoding steps),` (+ `…_time_to_first_token(ms)` and
//! `…_inter_token_latency(ms)` when streaming), and one row of values. `num_samples` counts the
//! requests without error; older versions lack `num_error_samples` and the percentiles.

use serde_json::Value;

use super::json::{json_object, number};
use super::{Format, LineExtractor, Reader, Record};
use crate::model::{BenchmarkPoint, FormatError, LatencyStats};
use crate::text::contains;
use crate::text::paths::concurrency_from_path;

pub struct TrtllmBenchJson;
pub struct TrtllmBenchConsole;
pub struct GptManagerCsv;

fn count(x: Option<f64>) -> Option<u64> {
    x.filter(|c| *c >= 0.0).map(|c| c.round() as u64)
}

/// Σ tokens from the stated average and request count.
fn total(avg: Option<f64>, n: Option<u64>) -> Option<u64> {
    count(Some(avg? * n? as f64))
}

fn concurrency_of(path: &str) -> Option<u32> {
    concurrency_from_path(path)
}

impl Format for TrtllmBenchJson {
    fn name(&self) -> &'static str {
        "trtllm-bench-json"
    }

    fn describes(&self) -> &'static str {
        "TensorRT-LLM trtllm-bench --report_json"
    }

    fn duplicate_rank(&self) -> u8 {
        1
    }

    fn sniff(&self, path: &str, head: &[u8]) -> bool {
        path.ends_with(".json")
            && contains(head, b"\"world_info\"")
            && (contains(head, b"\"request_info\"")
                || contains(head, b"\"performance\"")
                || contains(head, b"\"engine\""))
    }

    fn parse(&self, path: &str, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), FormatError> {
        let v = json_object(bytes, "a trtllm-bench report object")?;
        let get = |p: &str| v.pointer(p).filter(|x| !x.is_null());
        let f = |paths: &[&str]| paths.iter().find_map(|p| get(p).and_then(number));
        let perf = |key: &str| f(&[&format!("/performance/{key}")]);
        let output_throughput = f(&[
            "/performance/system_output_throughput_tok_s",
            "/performance/output_throughput_tok_s",
            "/performance/token_throughput_tok_s",
        ]);
        let request_throughput = perf("request_throughput_req_s");
        if output_throughput.is_none() && request_throughput.is_none() {
            return Err(FormatError::Shape {
                expected: "trtllm-bench `performance` (request_throughput_req_s, system_output_throughput_tok_s)",
                found: "neither".into(),
            });
        }
        let percentiles = |p: &str, mean: Option<f64>| {
            let s = |k: &str| get(&format!("{p}/{k}")).and_then(number);
            LatencyStats {
                mean: mean.or_else(|| s("average")),
                median: s("p50"),
                std: None,
                p90: s("p90"),
                p99: s("p99"),
            }
        };
        let n = count(f(&["/request_info/num_requests", "/dataset/num_requests"]));
        let world = f(&["/world_info/world_size"]).or_else(|| {
            Some(f(&["/world_info/tp_size"])? * f(&["/world_info/pp_size"]).unwrap_or(1.0))
        });
        let tpot = percentiles(
            "/streaming_metrics/tpot_percentiles",
            f(&["/streaming_metrics/avg_tpot_ms"]),
        );
        out.push(Record::Point(Box::new(BenchmarkPoint {
            source: path.to_owned(),
            tool: self.name().into(),
            gpus_reported: count(world).and_then(|w| u32::try_from(w).ok()),
            concurrency: concurrency_of(path),
            duration_s: perf("total_latency_ms").map(|ms| ms / 1e3),
            completed: n,
            num_prompts: n,
            total_input_tokens: total(f(&["/request_info/avg_input_length"]), n),
            total_output_tokens: total(f(&["/request_info/avg_output_length"]), n),
            request_throughput,
            output_throughput,
            total_token_throughput: f(&[
                "/performance/system_total_throughput_tok_s",
                "/performance/total_token_throughput_tok_s",
            ]),
            ttft_ms: percentiles(
                "/streaming_metrics/ttft_percentiles",
                f(&["/streaming_metrics/avg_ttft_ms"]),
            ),
            tpot_ms: tpot,
            e2el_ms: percentiles(
                "/performance/request_latency_percentiles_ms",
                perf("avg_request_latency_ms"),
            ),
            backend: get("/engine/backend")
                .and_then(Value::as_str)
                .map(str::to_owned),
            model_id: get("/engine/model")
                .and_then(Value::as_str)
                .map(str::to_owned),
            ..Default::default()
        })));
        Ok(())
    }
}

/// Lines that only a trtllm-bench run prints.
const CONSOLE_MARKERS: &[&[u8]] = &[
    b"= PERFORMANCE OVERVIEW",
    b"= ENGINE DETAILS",
    b"= PYTORCH BACKEND",
    b"Preparing to run throughput benchmark",
    b"Preparing to run latency benchmark",
];

impl Format for TrtllmBenchConsole {
    fn name(&self) -> &'static str {
        "trtllm-bench-console"
    }

    fn describes(&self) -> &'static str {
        "TensorRT-LLM trtllm-bench console report (\"PERFORMANCE OVERVIEW\") in a saved log"
    }

    fn duplicate_rank(&self) -> u8 {
        4
    }

    fn sniff(&self, path: &str, head: &[u8]) -> bool {
        !path.ends_with(".json")
            && !path.ends_with(".csv")
            && CONSOLE_MARKERS.iter().any(|m| contains(head, m))
    }

    fn reader(&self, path: &str) -> Reader {
        Reader::Lines(Box::new(ConsoleReport {
            path: path.to_owned(),
            ..Default::default()
        }))
    }
}

/// One report being read and the reports finished.
#[derive(Default)]
struct ConsoleReport {
    path: String,
    /// Inside a `= …` report (until the next log line).
    in_report: bool,
    current: Option<Report>,
    done: Vec<Report>,
}

#[derive(Default)]
struct Report {
    backend: Option<String>,
    model: Option<String>,
    tp: Option<f64>,
    pp: Option<f64>,
    requests: Option<f64>,
    avg_input: Option<f64>,
    avg_output: Option<f64>,
    request_throughput: Option<f64>,
    output_throughput: Option<f64>,
    total_throughput: Option<f64>,
    total_latency_ms: Option<f64>,
    ttft: LatencyStats,
    tpot: LatencyStats,
    e2el: LatencyStats,
}

impl Report {
    fn has_numbers(&self) -> bool {
        self.request_throughput.is_some() || self.output_throughput.is_some()
    }
}

fn set_stat(s: &mut LatencyStats, stat: &str, v: f64) {
    match stat {
        "average" | "avg" | "mean" => s.mean = Some(v),
        "p50" => s.median = Some(v),
        "p90" => s.p90 = Some(v),
        "p99" => s.p99 = Some(v),
        _ => {}
    }
}

impl ConsoleReport {
    fn finish_current(&mut self) {
        if let Some(r) = self.current.take().filter(Report::has_numbers) {
            self.done.push(r);
        }
    }

    fn section(&mut self, title: &str) {
        let starts_run =
            title.starts_with("ENGINE DETAILS") || title.starts_with("PYTORCH BACKEND");
        if starts_run && self.current.as_ref().is_some_and(Report::has_numbers) {
            self.finish_current();
        }
        let report = self.current.get_or_insert_with(Report::default);
        if title.starts_with("PYTORCH BACKEND") {
            report.backend = Some("Pytorch".into());
        } else if title.starts_with("ENGINE DETAILS") {
            report.backend = Some("TRT".into());
        }
        self.in_report = true;
    }

    fn field(&mut self, key: &str, value: &str) {
        let Some(r) = self.current.as_mut() else {
            return;
        };
        let key = key.split_whitespace().collect::<Vec<_>>().join(" ");
        let key = key.to_ascii_lowercase();
        if key == "model" {
            r.model = Some(value.to_owned()).filter(|m| !m.is_empty());
            return;
        }
        let Ok(v) = value.replace(',', "").parse::<f64>() else {
            return;
        };
        if !v.is_finite() {
            return;
        }
        if let Some(rest) = key.strip_prefix('[') {
            if let Some((tag, stat)) = rest.split_once(']') {
                let stats = match tag {
                    "ttft" => &mut r.ttft,
                    "tpot" => &mut r.tpot,
                    "latency" => &mut r.e2el,
                    _ => return,
                };
                set_stat(stats, stat.trim(), v);
            }
            return;
        }
        match key.as_str() {
            "tp size" => r.tp = Some(v),
            "pp size" => r.pp = Some(v),
            "number of requests" => r.requests = Some(v),
            "average input length (tokens)" => r.avg_input = Some(v),
            "average output length (tokens)" => r.avg_output = Some(v),
            "request throughput (req/sec)" => r.request_throughput = Some(v),
            "total output throughput (tokens/sec)" | "token throughput (tokens/sec)" => {
                r.output_throughput = Some(v)
            }
            "total token throughput (tokens/sec)" => r.total_throughput = Some(v),
            "total latency (ms)" => r.total_latency_ms = Some(v),
            "average request latency (ms)" => r.e2el.mean = Some(v),
            "average time-to-first-token [ttft] (ms)" => r.ttft.mean = Some(v),
            "average time-per-output-token [tpot] (ms)" => r.tpot.mean = Some(v),
            _ => {}
        }
    }
}

impl LineExtractor for ConsoleReport {
    fn line(&mut self, _line_no: u64, line: &[u8]) {
        let line = String::from_utf8_lossy(line);
        let line = line.trim_end_matches('\r');
        // A report's lines follow one log line; the next log line (`[07/11/2025-04:32:39]
        // [TRT-LLM] …`, `[TensorRT-LLM]…`) ends it.
        if line.starts_with('[') && line.contains("] [") {
            self.in_report = false;
        }
        if let Some(title) = line.strip_prefix("= ") {
            self.section(title.trim());
            return;
        }
        if !self.in_report {
            return;
        }
        if let Some((key, value)) = line.split_once(':') {
            self.field(key.trim(), value.trim());
        }
    }

    fn finish(mut self: Box<Self>, out: &mut Vec<Record>) -> Result<bool, FormatError> {
        self.finish_current();
        let concurrency = concurrency_of(&self.path);
        let found = !self.done.is_empty();
        for r in std::mem::take(&mut self.done) {
            let n = count(r.requests);
            let gpus = count(Some(r.tp.unwrap_or(1.0) * r.pp.unwrap_or(1.0)))
                .filter(|_| r.tp.is_some())
                .and_then(|g| u32::try_from(g).ok());
            out.push(Record::Point(Box::new(BenchmarkPoint {
                source: self.path.clone(),
                tool: "trtllm-bench-console".into(),
                gpus_reported: gpus,
                concurrency,
                duration_s: r.total_latency_ms.map(|ms| ms / 1e3),
                completed: n,
                num_prompts: n,
                total_input_tokens: total(r.avg_input, n),
                total_output_tokens: total(r.avg_output, n),
                request_throughput: r.request_throughput,
                output_throughput: r.output_throughput,
                total_token_throughput: r.total_throughput,
                ttft_ms: r.ttft,
                tpot_ms: r.tpot,
                e2el_ms: r.e2el,
                backend: r.backend,
                model_id: r.model,
                ..Default::default()
            })));
        }
        Ok(found)
    }
}

impl Format for GptManagerCsv {
    fn name(&self) -> &'static str {
        "gpt-manager-benchmark-csv"
    }

    fn describes(&self) -> &'static str {
        "TensorRT-LLM gptManagerBenchmark --output_csv"
    }

    fn duplicate_rank(&self) -> u8 {
        2
    }

    fn sniff(&self, path: &str, head: &[u8]) -> bool {
        path.ends_with(".csv") && head.starts_with(b"num_samples,")
    }

    fn parse(&self, path: &str, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), FormatError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(FormatError::Empty);
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut records = reader.records();
        let shape = |e: csv::Error| FormatError::Shape {
            expected: "CSV",
            found: e.to_string(),
        };
        let header = records.next().ok_or(FormatError::Empty)?.map_err(shape)?;
        let row = records
            .next()
            .transpose()
            .map_err(shape)?
            .ok_or(FormatError::Shape {
                expected: "a gptManagerBenchmark row of values under the header",
                found: "the header alone".into(),
            })?;
        let value = |name: &str| {
            let i = header.iter().position(|h| h.trim() == name)?;
            let x: f64 = row.get(i)?.trim().parse().ok()?;
            x.is_finite().then_some(x)
        };
        let output_throughput = value("token_throughput(token/sec)");
        let request_throughput = value("seq_throughput(seq/sec)");
        if output_throughput.is_none() && request_throughput.is_none() {
            return Err(FormatError::Shape {
                expected: "gptManagerBenchmark columns token_throughput(token/sec), seq_throughput(seq/sec)",
                found: format!("{} columns without values for them", header.len()),
            });
        }
        let stats = |metric: &str| LatencyStats {
            mean: value(&format!("avg_{metric}(ms)")),
            median: value(&format!("p50_{metric}(ms)")),
            std: None,
            p90: value(&format!("p90_{metric}(ms)")),
            p99: value(&format!("p99_{metric}(ms)")),
        };
        let completed = count(value("num_samples"));
        let failed = count(value("num_error_samples"));
        let itl = stats("inter_token_latency");
        out.push(Record::Point(Box::new(BenchmarkPoint {
            source: path.to_owned(),
            tool: self.name().into(),
            concurrency: concurrency_of(path),
            duration_s: value("total_latency(ms)").map(|ms| ms / 1e3),
            completed,
            num_prompts: completed.map(|c| c + failed.unwrap_or(0)),
            request_throughput,
            output_throughput,
            ttft_ms: stats("time_to_first_token"),
            tpot_ms: itl,
            itl_ms: itl,
            e2el_ms: stats("sequence_latency"),
            failed_requests: failed,
            ..Default::default()
        })));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::LinePass;
    use crate::formats::StreamParser;

    fn console(path: &str, text: &str) -> Vec<BenchmarkPoint> {
        let Reader::Lines(e) = TrtllmBenchConsole.reader(path) else {
            panic!("a line format")
        };
        let mut pass = Box::new(LinePass::new(path, vec![e]));
        pass.feed(text.as_bytes());
        let mut out = Vec::new();
        pass.finish(&mut out).unwrap();
        out.into_iter()
            .map(|r| match r {
                Record::Point(p) => *p,
                other => panic!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn newer_console_report_with_streaming_breakdowns() {
        let text = "[10/01/2025-10:00:00] [TRT-LLM] [I] \n\n\
            ===========================================================\n\
            = PYTORCH BACKEND\n\
            ===========================================================\n\
            Model:\t\t\tQwen/Qwen3-8B\n\
            ===========================================================\n\
            = WORLD + RUNTIME INFORMATION \n\
            ===========================================================\n\
            TP Size:                2\n\
            PP Size:                1\n\
            = REQUEST DETAILS \n\
            Number of requests:             100\n\
            Average Input Length (tokens):  128.0000\n\
            Average Output Length (tokens): 40.5000\n\
            = PERFORMANCE OVERVIEW \n\
            Request Throughput (req/sec):                     13.9096\n\
            Total Output Throughput (tokens/sec):             556.3859\n\
            Total Latency (ms):                               1437.8509\n\
            Average time-to-first-token [TTFT] (ms):          5.1066\n\
            [TTFT] P50     : 3.6765\n\
            [TPOT] P99     : 1.7237\n\
            [Latency] P90     : 75.5022\n\
            [Latency] AVERAGE : 71.8649\n\
            [10/01/2025-10:00:01] [TRT-LLM] [I] Shutting down. Number of requests: 7\n";
        let p = console("runs/conc16/bench.log", text);
        assert_eq!(p.len(), 1);
        let p = &p[0];
        assert_eq!((p.concurrency, p.gpus_reported), (Some(16), Some(2)));
        assert_eq!(p.model_id.as_deref(), Some("Qwen/Qwen3-8B"));
        assert_eq!(
            (p.completed, p.total_output_tokens),
            (Some(100), Some(4050))
        );
        assert_eq!(p.request_throughput, Some(13.9096));
        assert_eq!(p.duration_s, Some(1.4378509));
        assert_eq!(
            (p.ttft_ms.mean, p.ttft_ms.median),
            (Some(5.1066), Some(3.6765))
        );
        assert_eq!(p.tpot_ms.p99, Some(1.7237));
        assert_eq!(
            (p.e2el_ms.p90, p.e2el_ms.mean),
            (Some(75.5022), Some(71.8649))
        );
    }

    #[test]
    fn a_log_without_a_report_yields_nothing() {
        let Reader::Lines(e) = TrtllmBenchConsole.reader("x.log") else {
            panic!()
        };
        let mut pass = Box::new(LinePass::new("x.log", vec![e]));
        pass.feed(b"[TRT-LLM] [I] Preparing to run throughput benchmark...\n= PERFORMANCE OVERVIEW\nRequest Throughput (req/sec): nan\n");
        let mut out = Vec::new();
        assert!(!pass.finish(&mut out).unwrap());
        assert!(out.is_empty());
    }

    #[test]
    fn report_json_and_its_malformed_variants() {
        let mut out = Vec::new();
        TrtllmBenchJson
            .parse(
                "r/concurrency_4/report.json",
                br#"{"world_info": {"tp_size": 4, "pp_size": 2},
                    "request_info": {"num_requests": 10, "avg_input_length": 100.0},
                    "performance": {"total_latency_ms": 2000.0, "request_throughput_req_s": 5.0,
                      "system_output_throughput_tok_s": 50.0, "avg_request_latency_ms": 9.0,
                      "request_latency_percentiles_ms": {"p50": 8.0, "p99": 20.0}}}"#,
                &mut out,
            )
            .unwrap();
        let Some(Record::Point(p)) = out.pop() else {
            panic!()
        };
        assert_eq!((p.concurrency, p.gpus_reported), (Some(4), Some(8)));
        assert_eq!(
            (p.duration_s, p.total_input_tokens),
            (Some(2.0), Some(1000))
        );
        assert_eq!((p.e2el_ms.mean, p.e2el_ms.median), (Some(9.0), Some(8.0)));
        assert_eq!(p.ttft_ms, LatencyStats::default());
        for text in [
            "",
            "[]",
            "{}",
            "{\"performance\": 1}",
            "{\"world_info\": {}",
        ] {
            assert!(
                TrtllmBenchJson
                    .parse("report.json", text.as_bytes(), &mut out)
                    .is_err(),
                "{text}"
            );
        }
    }

    #[test]
    fn gpt_manager_csv_with_trailing_commas() {
        let mut out = Vec::new();
        GptManagerCsv
            .parse(
                "bs_conc8.csv",
                b"num_samples,num_error_samples,total_latency(ms),seq_throughput(seq/sec),token_throughput(token/sec),avg_sequence_latency(ms),p99_sequence_latency(ms),avg_time_to_first_token(ms),\n98,2,1500,65.3,8360.1,120.5,200,15.5\n",
                &mut out,
            )
            .unwrap();
        let Some(Record::Point(p)) = out.pop() else {
            panic!()
        };
        assert_eq!(
            (p.completed, p.failed_requests, p.num_prompts),
            (Some(98), Some(2), Some(100))
        );
        assert_eq!((p.concurrency, p.duration_s), (Some(8), Some(1.5)));
        assert_eq!(
            (p.output_throughput, p.e2el_ms.p99),
            (Some(8360.1), Some(200.0))
        );
        assert_eq!(p.ttft_ms.mean, Some(15.5));
        for text in ["", "num_samples,\n", "num_samples,x\n1\n", "a\"b,\n\"\n"] {
            assert!(
                GptManagerCsv
                    .parse("a.csv", text.as_bytes(), &mut out)
                    .is_err(),
                "{text}"
            );
        }
    }
}
