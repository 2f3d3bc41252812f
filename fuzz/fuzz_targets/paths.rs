/// File names that steer the formats' path-based sniffing and readers; the first input byte
/// picks one, the second the chunk size of stream and line readers.
pub const PATHS: &[&str] = &[
    "outputs/3003/logs/sa-bench_isl_8192_osl_1024/results_concurrency_4_gpus_12.json",
    "outputs/3003/3003.json",
    "outputs/3003/config.yaml",
    "outputs/3003/logs/benchmark.out",
    "outputs/3003/logs/benchmark-rollup.csv",
    "outputs/3003/logs/benchmark-rollup.json",
    "outputs/3003/logs/node1_decode_w0.err",
    "outputs/3003/logs/node1_prefill_w1.out",
    "outputs/3003/logs/node1_config.json",
    "outputs/3003/logs/power_energy_report.jsonl",
    "c/concurrency_4/profile_export_aiperf.json",
    "c/concurrency_4/profile_export_aiperf.csv",
    "c/aggregate/profile_export_aiperf_aggregate.json",
    "g/artifacts/profile_export_genai_perf.json",
    "g/artifacts/profile_export_genai_perf.csv",
    "l/result_outputs/summary.json",
    "t/report.json",
    "t/trtllm_bench.log",
    "s/sglang_bench_serving.jsonl",
    "v/sweep/summary.json",
    "sched/per_request.csv",
    "sched/per_iteration.csv",
    "p2p/vllm_p2p.log",
    "slurm-1234.out",
    "x/server.log",
    "x/inferencex_result.json",
    "x/anything.bin",
];

pub fn split(data: &[u8]) -> (&'static str, usize, &[u8]) {
    match data {
        [p, c, rest @ ..] => (
            PATHS[usize::from(*p) % PATHS.len()],
            usize::from(*c) % 64 + 1,
            rest,
        ),
        _ => (PATHS[0], 1, data),
    }
}
