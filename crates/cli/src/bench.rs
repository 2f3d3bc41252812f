//! `runlens bench [--mb N]`: parse throughput of the worker-log parser on a generated dense
//! SGLang log (DP/TP/EP-tagged prefill and decode lines with millisecond timestamps), the hot
//! path of a 1 GB run. Prints MB/s and samples/s; `cargo xtask bench` runs it in release mode.
//! Then the time to build every Node Metrics series of that log per grouping (the page's
//! toggles). Also the vLLM scheduler CSV stream on a generated `per_iteration_requests.csv` of the same
//! size (the one scheduler file that grows with requests × iterations).

use std::time::Instant;

use anyhow::{ensure, Result};
use runlens_core::analysis::aggregate::{node_metric_series, Grouping, Reducer};
use runlens_core::Ingest;

/// A dense disaggregated-decode style log of about `bytes` bytes, and its number of batch lines.
pub fn generate_sglang_log(bytes: usize) -> (Vec<u8>, usize) {
    let mut out = Vec::with_capacity(bytes + 512);
    let mut n = 0usize;
    let mut ms = 0u64;
    while out.len() < bytes {
        let (dp, s, frac) = (n % 8, 10 + ms / 1000 % 50, ms % 1000);
        let line = if n.is_multiple_of(4) {
            format!(
                "[2026-07-01 12:{:02}:{s:02}.{frac:03} DP{dp} TP{dp} EP{dp}] Prefill batch, #new-seq: {}, #new-token: {}, #cached-token: {}, token usage: 0.{:02}, #running-req: {}, #queue-req: {}, #prealloc-req: 0, #inflight-req: {}, input throughput (token/s): {}.{:02},\n",
                ms / 60_000 % 60, 1 + n % 7, 1024 + n % 4096, n % 512, n % 100, n % 64, n % 9, n % 5, 10_000 + n % 90_000, n % 100
            )
        } else {
            format!(
                "[2026-07-01 12:{:02}:{s:02}.{frac:03} DP{dp} TP{dp} EP{dp}] Decode batch, #running-req: {}, #token: {}, token usage: 0.{:02}, pre-allocated usage: 0.00, #prealloc-req: 0, #transfer-req: {}, #retracted-req: 0, cuda graph: True, gen throughput (token/s): {}.{:02}, #queue-req: {},\n",
                ms / 60_000 % 60, 1 + n % 128, 10_000 + n % 90_000, n % 100, n % 3, 1000 + n % 9000, n % 100, n % 4
            )
        };
        out.extend_from_slice(line.as_bytes());
        n += 1;
        ms += 37;
    }
    (out, n)
}

/// A `per_iteration_requests.csv` of about `bytes` bytes, and its number of rows.
pub fn generate_iteration_requests_csv(bytes: usize) -> (Vec<u8>, u64) {
    let mut out = Vec::with_capacity(bytes + 512);
    out.extend_from_slice(b"iteration_id,request_id,state,queue_position,waiting_reason,tokens_generated,kv_cache_blocks,time_in_state\n");
    let mut n = 0u64;
    while out.len() < bytes {
        let it = n / 256;
        let line = if n.is_multiple_of(4) {
            format!(
                "{it},cmpl-{:05}-{},waiting,{},max_num_seqs,0,0,{}\n",
                n % 256,
                it / 50,
                n % 64,
                n * 7919 % 10_000_000
            )
        } else {
            format!(
                "{it},cmpl-{:05}-{},running,-1,,{},{},{}\n",
                n % 256,
                it / 50,
                n % 500,
                n % 40,
                n * 7919 % 10_000_000
            )
        };
        out.extend_from_slice(line.as_bytes());
        n += 1;
    }
    (out, n)
}

fn scheduler_csv(mb: usize) -> Result<(f64, u64)> {
    let (csv, rows) = generate_iteration_requests_csv(mb << 20);
    let started = Instant::now();
    let mut ingest = Ingest::new();
    ingest.add_bytes("bench/per_iteration_requests.csv", &csv);
    let elapsed = started.elapsed().as_secs_f64();
    let ds = ingest.dataset();
    let counted = ds
        .scheduler
        .first()
        .and_then(|a| a.files.first())
        .map_or(0, |f| f.rows as u64);
    ensure!(
        counted == rows,
        "counted {counted} scheduler rows of {rows}"
    );
    Ok((csv.len() as f64 / 1e6 / elapsed, rows))
}

/// The report, one JSON line.
pub fn run(mb: usize) -> Result<String> {
    let (log, lines) = generate_sglang_log(mb << 20);
    let started = Instant::now();
    let mut ingest = Ingest::new();
    ingest.add_bytes("bench/node1_decode_w0.out", &log);
    let elapsed = started.elapsed().as_secs_f64();
    let ds = ingest.dataset();
    let samples: usize = ds.worker_logs.iter().map(|l| l.log.sample_count()).sum();
    ensure!(
        samples == lines,
        "parsed {samples} samples from {lines} batch lines"
    );
    let mbs = log.len() as f64 / 1e6 / elapsed;
    // The Node Metrics toggles: every chart's series of the run, per grouping.
    let run_key = ds
        .worker_logs
        .first()
        .map(|l| l.run_key.clone())
        .unwrap_or_default();
    let mut node_ms = Vec::new();
    for (name, grouping) in [
        ("per_worker", Grouping::PerWorker),
        ("by_dp_rank", Grouping::ByDpRank),
        ("cluster", Grouping::Cluster),
    ] {
        let started = Instant::now();
        let series = node_metric_series(&ds, &run_key, grouping, Reducer::Mean, 1.0);
        let ms = started.elapsed().as_secs_f64() * 1e3;
        ensure!(!series.is_empty(), "no node series for {name}");
        node_ms.push(format!("\"{name}\": {ms:.1}"));
    }
    drop(ds);
    drop(ingest);
    let (sched_mbs, sched_rows) = scheduler_csv(mb)?;
    Ok(format!(
        "{{\"bench\": \"sglang-worker-log\", \"bytes\": {}, \"lines\": {lines}, \"seconds\": {elapsed:.3}, \"mb_per_s\": {mbs:.1}, \"samples_per_s\": {:.0}, \"scheduler_csv_mb_per_s\": {sched_mbs:.1}, \"scheduler_csv_rows\": {sched_rows}, \"node_series_ms\": {{{}}}}}",
        log.len(),
        samples as f64 / elapsed,
        node_ms.join(", ")
    ))
}
