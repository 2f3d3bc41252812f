//! The console report of vLLM's `benchmark_serving.py` / `vllm bench serve` / sa-bench and of
//! SGLang's `bench_serving`, as saved in srt-slurm's `benchmark.out` (G2) or `profile.out`
//! (G0/G1) and in ad-hoc `*bench*.log` files.
//!
//! ```text
//! Traffic request rate: inf                  (vLLM: before the table)
//! Maximum request concurrency: 32
//!   0%|          | 0/200 [00:00<?, ?it/s]\r  2%|▏  | 4/200 …        (progress bars use `\r`)
//! ============ Serving Benchmark Result ============
//! Successful requests:                     200
//! Output token throughput (tok/s):         1818.47
//! ---------------Time to First Token----------------
//! Mean TTFT (ms):                          1136.12
//! ==================================================
//! ```
//! Producer sources read: vLLM `benchmarks/benchmark_serving.py` and `vllm/benchmarks/serve.py`
//! (`benchmark()`: newer versions print `Maximum request concurrency:` and `Request rate
//! configured (RPS):` inside the table, `Failed requests:`, `Peak output token throughput`,
//! `Peak concurrent requests`, `Total Token throughput`, sections TTFT, TPOT, ITL, E2EL with
//! `Mean/Median/P99 … (ms)`); SGLang `python/sglang/bench_serving.py` (`benchmark()`): the table
//! itself starts with `Backend:`, `Traffic request rate:` (`inf` when unlimited), `Max request
//! concurrency:` (`not set`), then totals, `Total throughput (tok/s)` (2024) / `Total token
//! throughput (tok/s)`, `Concurrency:` (the measured mean in flight), `Accept length:`, and an
//! `End-to-End Latency` section (`Mean/Median E2E Latency (ms)`) **before** TTFT; ITL adds `P95`
//! and `Max`.
//!
//! Each table is one point, keyed by (concurrency, request rate): a sweep over request rates at
//! one concurrency gives one point per rate, and a concurrency run twice at the same rate
//! (warm-up, then the measured run) keeps its last table.

use super::{Format, Record};
use crate::model::{BenchmarkPoint, FormatError, LatencyStats};
use crate::text::contains;
use crate::text::paths::{concurrency_from_path, file_name};

pub struct ServingConsole;

const BLOCK_START: &str = "Serving Benchmark Result";

impl Format for ServingConsole {
    fn name(&self) -> &'static str {
        "serving-console"
    }

    fn describes(&self) -> &'static str {
        "benchmark console output with a \"Serving Benchmark Result\" table (benchmark.out, vllm bench serve logs)"
    }

    fn duplicate_rank(&self) -> u8 {
        50
    }

    fn sniff(&self, path: &str, head: &[u8]) -> bool {
        let name = file_name(path).to_ascii_lowercase();
        let named = matches!(
            name.as_str(),
            "benchmark.out" | "profile.out" | "benchmark.log"
        ) || (name.contains("bench")
            && [".log", ".out", ".txt"].iter().any(|e| name.ends_with(e)));
        named
            || contains(head, BLOCK_START.as_bytes())
            || contains(head, b"Maximum request concurrency:")
    }

    fn parse(&self, path: &str, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), FormatError> {
        let text = String::from_utf8_lossy(bytes);
        let mut blocks: Vec<BenchmarkPoint> = Vec::new();
        let mut current_concurrency = None;
        let mut current_rate = None;
        let mut block: Option<BenchmarkPoint> = None;
        for line in text.split(['\n', '\r']) {
            let line = line.trim();
            if let Some(c) = stated_concurrency(line) {
                current_concurrency = Some(c);
            }
            if block.is_none() {
                if let Some(r) = stated_rate(line) {
                    current_rate = Some(r);
                }
            }
            if line.contains(BLOCK_START) {
                block = Some(BenchmarkPoint {
                    source: path.to_owned(),
                    tool: self.name().into(),
                    concurrency: current_concurrency,
                    request_rate: current_rate,
                    ..Default::default()
                });
                continue;
            }
            let Some(point) = block.as_mut() else {
                continue;
            };
            if line.len() >= 10 && line.bytes().all(|b| b == b'=') {
                blocks.push(block.take().unwrap_or_default());
                continue;
            }
            if let Some((key, value)) = line.rsplit_once(':') {
                if let Ok(v) = value.trim().parse::<f64>() {
                    apply(point, key.trim(), v);
                }
            }
        }
        // A block cut off by truncation still counts if it got its throughput.
        blocks.extend(block.filter(|b| b.output_throughput.is_some()));
        let fallback = concurrency_from_path(path);
        let mut last_per_concurrency: Vec<BenchmarkPoint> = Vec::new();
        for mut b in blocks {
            b.concurrency = b.concurrency.or(fallback);
            last_per_concurrency
                .retain(|p| (p.concurrency, p.request_rate) != (b.concurrency, b.request_rate));
            last_per_concurrency.push(b);
        }
        let says_benchmark = contains(bytes, BLOCK_START.as_bytes())
            || contains(bytes, b"Maximum request concurrency:");
        if last_per_concurrency.is_empty() && !says_benchmark {
            // Claimed by its name only (`*bench*.log`): a log of something else.
            return Err(FormatError::NothingToRead(
                "no \"Serving Benchmark Result\" table in this benchmark-named log",
            ));
        }
        if last_per_concurrency.is_empty() {
            return Err(FormatError::Shape {
                expected: "a \"Serving Benchmark Result\" block",
                found: "none in the file".into(),
            });
        }
        out.extend(
            last_per_concurrency
                .into_iter()
                .map(|p| Record::Point(Box::new(p))),
        );
        Ok(())
    }
}

/// `Traffic request rate: inf` (vLLM prints it before the table) or `Request rate configured
/// (RPS): 4.00`.
fn stated_rate(line: &str) -> Option<f64> {
    let lower = line.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("traffic request rate:")
        .or_else(|| lower.strip_prefix("request rate configured (rps):"))?;
    rest.trim().parse::<f64>().ok().filter(|r| !r.is_nan())
}

/// `Maximum request concurrency: 32` or `===== max-concurrency=32 =====`.
fn stated_concurrency(line: &str) -> Option<u32> {
    let lower = line.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("maximum request concurrency:")
        .or_else(|| lower.split("max-concurrency=").nth(1))
        .or_else(|| lower.split("max_concurrency=").nth(1))?;
    let rest = rest.trim_start();
    rest.get(..rest.bytes().take_while(u8::is_ascii_digit).count())
        .unwrap_or("")
        .parse()
        .ok()
}

fn stats_of<'a>(p: &'a mut BenchmarkPoint, metric: &str) -> Option<&'a mut LatencyStats> {
    match metric {
        "ttft" => Some(&mut p.ttft_ms),
        "tpot" => Some(&mut p.tpot_ms),
        "itl" => Some(&mut p.itl_ms),
        "e2el" => Some(&mut p.e2el_ms),
        _ => None,
    }
}

fn apply(p: &mut BenchmarkPoint, key: &str, v: f64) {
    let k = key.to_ascii_lowercase();
    if k == "traffic request rate" || k == "request rate configured (rps)" {
        // `inf`: unlimited.
        p.request_rate = (!v.is_nan()).then_some(v);
        return;
    }
    if !v.is_finite() {
        return;
    }
    let count = (v >= 0.0).then_some(v.round() as u64);
    match k.as_str() {
        "successful requests" => p.completed = count,
        "maximum request concurrency" | "max request concurrency" => {
            p.concurrency = count.and_then(|c| u32::try_from(c).ok())
        }
        "benchmark duration (s)" => p.duration_s = Some(v),
        "total input tokens" => p.total_input_tokens = count,
        "total generated tokens" => p.total_output_tokens = count,
        "request throughput (req/s)" => p.request_throughput = Some(v),
        "request goodput (req/s)" => p.request_goodput = Some(v),
        "output token throughput (tok/s)" => p.output_throughput = Some(v),
        "peak output token throughput (tok/s)" => p.peak_output_throughput = Some(v),
        "total token throughput (tok/s)" | "total throughput (tok/s)" => {
            p.total_token_throughput = Some(v)
        }
        // SGLang: the measured mean number of requests in flight.
        "concurrency" => p.concurrency_measured = Some(v),
        _ => {
            // `Mean TTFT (ms)`, `P99 ITL (ms)`, `Median E2EL (ms)`, SGLang `Mean E2E Latency (ms)`.
            let Some(rest) = k.strip_suffix(" (ms)") else {
                return;
            };
            let Some((stat, metric)) = rest.split_once(' ') else {
                return;
            };
            let metric = if metric == "e2e latency" {
                "e2el"
            } else {
                metric
            };
            let Some(s) = stats_of(p, metric) else { return };
            match stat {
                "mean" => s.mean = Some(v),
                "median" => s.median = Some(v),
                "std" => s.std = Some(v),
                "p90" => s.p90 = Some(v),
                "p99" => s.p99 = Some(v),
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BLOCK: &str = "============ Serving Benchmark Result ============\n\
        Successful requests:                     10\n\
        Output token throughput (tok/s):         OUT\n\
        Total Token throughput (tok/s):          300.5\n\
        ---------------Time to First Token----------------\n\
        Mean TTFT (ms):                          12.5\n\
        P99 TTFT (ms):                           40.0\n\
        Mean TPOT (ms):                          5.0\n\
        ==================================================\n";

    fn parse(text: &str) -> Vec<BenchmarkPoint> {
        let mut out = Vec::new();
        ServingConsole
            .parse("run/logs/benchmark.out", text.as_bytes(), &mut out)
            .unwrap();
        out.into_iter()
            .map(|r| match r {
                Record::Point(p) => *p,
                other => panic!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn last_block_per_concurrency_wins_and_progress_bars_are_ignored() {
        let text = format!(
            "Maximum request concurrency: 4\n{}\r 10%|█ | 1/10\rMaximum request concurrency: 4\n{}Maximum request concurrency: 8\n{}",
            BLOCK.replace("OUT", "1.0"),
            BLOCK.replace("OUT", "2.0"),
            BLOCK.replace("OUT", "3.0")
        );
        let points = parse(&text);
        assert_eq!(points.len(), 2);
        assert_eq!(
            (points[0].concurrency, points[0].output_throughput),
            (Some(4), Some(2.0))
        );
        assert_eq!(
            (points[1].concurrency, points[1].output_throughput),
            (Some(8), Some(3.0))
        );
        assert_eq!(points[1].ttft_ms.p99, Some(40.0));
        assert_eq!(points[1].tpot_ms.mean, Some(5.0));
        assert_eq!(points[1].total_token_throughput, Some(300.5));
        assert_eq!(points[1].completed, Some(10));
    }

    #[test]
    fn sglang_tables_and_a_request_rate_sweep_at_one_concurrency() {
        // SGLang prints rate and concurrency inside the table, E2E before TTFT.
        let table = |rate: &str, out: &str| {
            format!(
                "\n============ Serving Benchmark Result ============\n\
                 Backend:                                 sglang    \n\
                 Traffic request rate:                    {rate}\n\
                 Max request concurrency:                 not set   \n\
                 Successful requests:                     996       \n\
                 Total throughput (tok/s):                2121.89   \n\
                 Output token throughput (tok/s):         {out}\n\
                 Concurrency:                             7.93      \n\
                 ----------------End-to-End Latency----------------\n\
                 Mean E2E Latency (ms):                   2098.07   \n\
                 Median E2E Latency (ms):                 606.86    \n\
                 ---------------Time to First Token----------------\n\
                 Mean TTFT (ms):                          2074.09   \n\
                 P99 TTFT (ms):                           nan\n\
                 P95 ITL (ms):                            3.00\n\
                 ==================================================\n"
            )
        };
        let text = format!(
            "{}{}{}",
            table("2.0", "825.94"),
            table("4.0", "900.5"),
            table("inf", "950.0")
        );
        let points = parse(&text);
        assert_eq!(points.len(), 3, "one point per request rate");
        let rates: Vec<Option<f64>> = points.iter().map(|p| p.request_rate).collect();
        assert_eq!(rates, vec![Some(2.0), Some(4.0), Some(f64::INFINITY)]);
        let p = &points[0];
        assert_eq!(p.concurrency, None, "`not set` is no concurrency");
        assert_eq!(p.output_throughput, Some(825.94));
        assert_eq!(p.total_token_throughput, Some(2121.89));
        assert_eq!(p.concurrency_measured, Some(7.93));
        assert_eq!(p.e2el_ms.mean, Some(2098.07));
        assert_eq!(p.e2el_ms.median, Some(606.86));
        assert_eq!(p.ttft_ms.mean, Some(2074.09));
        assert_eq!(p.ttft_ms.p99, None, "nan is a missing value");
    }

    #[test]
    fn vllm_rate_lines_before_each_table_key_the_points() {
        let text = format!(
            "Traffic request rate: 1.0\nMaximum request concurrency: 8\n{}Traffic request rate: 2.0\nMaximum request concurrency: 8\n{}Traffic request rate: 2.0\nMaximum request concurrency: 8\n{}",
            BLOCK.replace("OUT", "1.0"),
            BLOCK.replace("OUT", "2.0"),
            BLOCK.replace("OUT", "2.5")
        );
        let points = parse(&text);
        assert_eq!(points.len(), 2);
        assert_eq!(
            (points[0].request_rate, points[0].output_throughput),
            (Some(1.0), Some(1.0))
        );
        assert_eq!(
            (points[1].request_rate, points[1].output_throughput),
            (Some(2.0), Some(2.5))
        );
        assert!(points.iter().all(|p| p.concurrency == Some(8)));
    }

    #[test]
    fn a_file_without_results_is_an_error() {
        let mut out = Vec::new();
        assert!(ServingConsole
            .parse("benchmark.out", b"starting...\n", &mut out)
            .is_err());
        assert!(ServingConsole
            .parse("benchmark.out", b"", &mut out)
            .is_err());
    }
}
