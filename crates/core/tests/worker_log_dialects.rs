//! Worker-log line shapes that real logs in `fixtures/realdata` do not contain, each tested on a
//! real line quoted from its public source (issue, pull request or documentation; URL and commit
//! beside each). Lines are verbatim; where two quotations are joined into one input, the test
//! says so.

use runlens_core::model::{LogDialect, SampleKind, Series, WorkerLog};
use runlens_core::Ingest;

fn parse(name: &str, text: &str) -> WorkerLog {
    let mut ingest = Ingest::new();
    ingest.add_bytes(name, text.as_bytes());
    let ds = ingest.dataset();
    assert_eq!(ds.worker_logs.len(), 1, "{name}: {:?}", ds.diagnostics);
    (*ds.worker_logs[0].log).clone()
}

fn series(log: &WorkerLog, kind: SampleKind) -> &Series {
    log.series
        .iter()
        .find(|s| s.kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} series: {:?}", log.series))
}

fn value(s: &Series, column: &str, row: usize) -> f32 {
    s.column(column)
        .unwrap_or_else(|| panic!("no column {column}: {:?}", s.columns))[row]
}

/// vLLM 0.5 (V0) stats and `Speculative metrics` lines as the server printed them, including the
/// doubled `tokens tokens` of that release; vllm-project/vllm#6768
/// (https://github.com/vllm-project/vllm/issues/6768).
#[test]
fn vllm_v0_speculative_metrics() {
    let text = "\
INFO 07-24 04:00:31 metrics.py:295] Avg prompt throughput: 558.7 tokens/s, Avg generation throughput: 127.4 tokens/s, Running: 2 reqs, Swapped: 0 reqs, Pending: 0 reqs, GPU KV cache usage: 0.8%, CPU KV cache usage: 0.0%.
INFO 07-24 04:00:31 metrics.py:316] Speculative metrics: Draft acceptance rate: 0.000, System efficiency: 0.059, Number of speculative tokens: 16, Number of accepted tokens: 0, Number of draft tokens tokens: 42272, Number of emitted tokens tokens: 2642.
INFO:     ::1:50352 - \"POST /v1/completions HTTP/1.1\" 200 OK
INFO 07-24 04:00:36 metrics.py:295] Avg prompt throughput: 278.5 tokens/s, Avg generation throughput: 110.4 tokens/s, Running: 2 reqs, Swapped: 0 reqs, Pending: 0 reqs, GPU KV cache usage: 0.3%, CPU KV cache usage: 0.0%.
INFO 07-24 04:00:36 metrics.py:316] Speculative metrics: Draft acceptance rate: 0.000, System efficiency: 0.059, Number of speculative tokens: 16, Number of accepted tokens: 0, Number of draft tokens tokens: 51056, Number of emitted tokens tokens: 3191.
";
    let log = parse("server.log", text);
    assert_eq!(log.coverage.dialects, vec![LogDialect::VllmEngineStats]);
    let stats = series(&log, SampleKind::EngineStats);
    assert_eq!(value(stats, "prompt_throughput", 1), 278.5);
    assert_eq!(value(stats, "pending", 0), 0.0);
    let spec = series(&log, SampleKind::SpecDecoding);
    assert_eq!(spec.len(), 2);
    assert_eq!(value(spec, "system_efficiency", 0), 0.059);
    assert_eq!(value(spec, "number_of_speculative_tokens", 0), 16.0);
    assert_eq!(value(spec, "number_of_draft_tokens_tokens", 1), 51056.0);
    assert_eq!(value(spec, "number_of_emitted_tokens_tokens", 1), 3191.0);
    assert_eq!(spec.time_s[1] - spec.time_s[0], 5.0);
}

/// vLLM 0.6.3's later spec line and its separate `Prefix cache hit rate: GPU: …, CPU: …` line,
/// vllm-project/vllm#9539 (https://github.com/vllm-project/vllm/issues/9539). The prefix-cache
/// line follows a stats line in a server log; this input puts the first stats line of #6768
/// (verbatim, so from another day) before the two lines of #9539: three real lines, joined here.
#[test]
fn vllm_v0_prefix_cache_line_joins_its_stats_sample() {
    let text = "\
INFO 07-24 04:00:31 metrics.py:295] Avg prompt throughput: 558.7 tokens/s, Avg generation throughput: 127.4 tokens/s, Running: 2 reqs, Swapped: 0 reqs, Pending: 0 reqs, GPU KV cache usage: 0.8%, CPU KV cache usage: 0.0%.
INFO 10-16 19:05:47 metrics.py:367] Speculative metrics: Draft acceptance rate: 0.642, System efficiency: 0.598, Number of speculative tokens: 3, Number of accepted tokens: 8547, Number of draft tokens: 13311, Number of emitted tokens: 10616.
INFO 10-16 19:06:01 metrics.py:361] Prefix cache hit rate: GPU: 94.35%, CPU: 0.00%
";
    let log = parse("server.log", text);
    let stats = series(&log, SampleKind::EngineStats);
    assert_eq!(stats.len(), 1, "the companion line adds no sample");
    assert_eq!(value(stats, "gpu_prefix_cache_hit_rate", 0), 94.35);
    assert_eq!(value(stats, "cpu_prefix_cache_hit_rate", 0), 0.0);
    let spec = series(&log, SampleKind::SpecDecoding);
    assert_eq!(value(spec, "number_of_accepted_tokens", 0), 8547.0);
    assert_eq!(log.coverage.lines_understood, 3);
}

/// The NIXL connector's `KV Transfer metrics` line, from the pull request that added it,
/// vllm-project/vllm#25388 (https://github.com/vllm-project/vllm/pull/25388), and the
/// `SpecDecoding metrics` order of vllm-project/vllm#24127 (rate first, then throughputs).
#[test]
fn vllm_kv_transfer_metrics_line() {
    let text = "\
(APIServer pid=205253) INFO 09-22 13:28:53 [metrics.py:98] KV Transfer metrics: Num successful transfers=1, Avg xfer time (ms)=9.862, P90 xfer time (ms)=9.862, Avg post time (ms)=5.693, P90 post time (ms)=5.693, Avg MB per transfer=70.0, Throughput (MB/s)=7097.952, Avg number of descriptors=56.0
(APIServer pid=2236552) INFO 09-09 11:51:35 [metrics.py:96] SpecDecoding metrics: Draft acceptance rate: 88.8%, Mean acceptance length: 5.44, Accepted throughput: 4.37 tokens/s, Drafted throughput: 4.92 tokens/s, Accepted: 262 tokens, Drafted: 295 tokens, Per-position acceptance rate: 0.983, 0.949, 0.915, 0.881, 0.712
";
    let log = parse("n1_decode_w0.err", text);
    let kv = series(&log, SampleKind::KvTransfer);
    assert_eq!(value(kv, "num_successful_transfers", 0), 1.0);
    assert_eq!(value(kv, "xfer_time", 0), 9.862);
    assert_eq!(value(kv, "p90_post_time", 0), 5.693);
    assert_eq!(value(kv, "mb_per_transfer", 0), 70.0);
    assert_eq!(value(kv, "throughput", 0), 7097.952);
    assert_eq!(value(kv, "number_of_descriptors", 0), 56.0);
    assert!(kv.time_s[0].is_finite());
    let spec = series(&log, SampleKind::SpecDecoding);
    assert_eq!(value(spec, "draft_acceptance_rate", 0), 88.8);
    assert_eq!(value(spec, "per_position_acceptance_rate_4", 0), 0.712);
    assert_eq!(log.coverage.lines_understood, 2);
}

/// TRT-LLM PyTorch backend `print_iter_log` lines of April 2025 (`elapsed_time` in seconds, then
/// `num_scheduled_requests:` after the timestamp), quoted in NVIDIA/TensorRT-LLM#3914
/// (https://github.com/NVIDIA/TensorRT-LLM/pull/3914).
#[test]
fn trtllm_early_print_iter_log_lines() {
    let text = "\
[04/28/2025-09:56:44] [TRT-LLM] [I] iter = 198, global_rank = 0, rank = 0, currank_total_requests = 0/0, elapsed_time = 0.005060911178588867s, timestamp = 2025-04-28 09:56:44, states = {'num_ctx_requests': 0, 'num_ctx_tokens': 0, 'num_generation_tokens': 16}
[04/28/2025-09:56:44] [TRT-LLM] [I] iter = 198, global_rank = 0, rank = 0, currank_total_requests = 0/0, elapsed_time = 0.005060911178588867s, timestamp = 2025-04-28 09:56:44, num_scheduled_requests: 10, states = {'num_ctx_requests': 0, 'num_ctx_tokens': 0, 'num_generation_tokens': 16}
";
    let log = parse("n1_decode_w0.out", text);
    assert_eq!(log.coverage.dialects, vec![LogDialect::TrtllmIteration]);
    let it = series(&log, SampleKind::Iteration);
    assert_eq!(it.len(), 2);
    assert_eq!(it.ranks.tp, Some(0));
    assert!((value(it, "host_step_time", 0) - 5.0609).abs() < 1e-3);
    assert!(value(it, "num_scheduled_requests", 0).is_nan());
    assert_eq!(value(it, "num_scheduled_requests", 1), 10.0);
    assert_eq!(value(it, "num_generation_tokens", 1), 16.0);
    assert_eq!(value(it, "iter", 1), 198.0);
    assert_eq!(it.time_s[0], 1_745_834_204.0);
}

/// The batch manager's per-iteration JSON behind the C++ logger's prefix
/// (`gptManagerBenchmark --log_iteration_data`), as NVIDIA/TensorRT-LLM
/// `docs/source/performance/perf-analysis.md` @ 2d9bb1ca7d68c6fafadd640553bbf709dafa7117 shows it.
#[test]
fn trtllm_batch_manager_iteration_json() {
    let text = "[TensorRT-LLM][INFO] {\"Active Request Count\":249,\"Context Requests\":8,\"Free KV cache blocks\":0,\"Generation Requests\":231,\"Iteration Counter\":90,\"Max KV cache blocks\":2448,\"Max Request Count\":256,\"MicroBatch ID\":0,\"Runtime CPU Memory Usage\":28784,\"Runtime GPU Memory Usage\":540173600,\"Runtime Pinned Memory Usage\":0,\"Scheduled Requests\":239,\"Timestamp\":\"12-13-2023 14:55:14\",\"Tokens per KV cache block\":128,\"Total Context Tokens\":6904,\"Used KV cache blocks\":2448}\n";
    let log = parse("n1_agg_w0.out", text);
    let it = series(&log, SampleKind::Iteration);
    assert_eq!(value(it, "active_request_count", 0), 249.0);
    assert_eq!(value(it, "scheduled_requests", 0), 239.0);
    assert_eq!(value(it, "iteration_counter", 0), 90.0);
    assert_eq!(value(it, "total_context_tokens", 0), 6904.0);
    assert_eq!(it.time_s[0], 1_702_479_314.0);
}

/// SGLang with a custom logging config (`[time][file:line][LEVEL]:` prefix) on a disaggregated
/// prefill server (`#prealloc-req`, `#inflight-req`, `cuda graph`), sgl-project/sglang#22877
/// (https://github.com/sgl-project/sglang/issues/22877).
#[test]
fn sglang_prefill_line_with_a_custom_log_prefix() {
    let text = "[2026-04-15 17:13:02][scheduler_metrics_mixin.py:424][INFO]: Prefill batch, #new-seq: 1, #new-token: 4, #cached-token: 0, token usage: 0.00, #running-req: 0, #queue-req: 0, #prealloc-req: 0, #inflight-req: 1, cuda graph: False, input throughput (token/s): 0.00\n";
    let log = parse("n1_prefill_w0.err", text);
    let p = series(&log, SampleKind::Prefill);
    assert_eq!(value(p, "inflight_req", 0), 1.0);
    assert_eq!(value(p, "prealloc_req", 0), 0.0);
    assert_eq!(value(p, "new_token", 0), 4.0);
    assert_eq!(p.time_s[0], 1_776_273_182.0);
}
