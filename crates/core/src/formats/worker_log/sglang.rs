//! SGLang scheduler lines and memory/KV snapshots.
//!
//! `[2026-06-05 19:21:14 DP0 TP0 EP0] Prefill batch, #new-seq: 1, #new-token: 80, #cached-token: 0,
//! full token usage: 0.00, #running-req: 0, #queue-req: 0, input throughput (token/s): 0.97`
//! `[… TP0] Decode batch. #running-req: 32, #full token: 34707, …, cuda graph: True, gen throughput (token/s): 17.72, #queue-req: 0,`
//! Source: `python/sglang/srt/managers/scheduler_metrics_mixin.py` (`log_prefill_stats` /
//! `log_decode_stats`, in later versions `report_prefill_stats` / `report_decode_stats` with the pool
//! parts of `PoolStats.get_*_usage_msg_parts`); every part is `key: value`, so new keys become
//! columns as they come: pools (`token usage` or `full`/`swa token usage`, `mamba usage`,
//! `#gpu token`/`#cpu token` for HiSparse), speculative `accept len`/`accept rate`,
//! disaggregation (prefill `#bootstrap-req` — `#prealloc-req` before — and `#inflight-req`;
//! decode `pre-allocated usage`, `#prealloc-req`, `#transfer-req`, `#retracted-req`), the graph
//! backend (`cuda graph`, `npu graph` on Ascend, `cpu graph`), `#pending-token`,
//! `waiting-image-req`, `est. … TFLOPS/s (per GPU)`, `est. read/write BW (GB/s per GPU)`,
//! `fwd occupancy: x%`. ROCm builds write the CUDA names.
//! Variants tolerated: `.` or `,` after `batch`, a `[17]` batch counter, trailing separators,
//! `[date time]`, `[date time.mmm …]`, `[time TP0]`, any of DP/TP/EP/PP in any order or none, a
//! process prefix before the bracket, a custom logging format
//! (`[2026-04-15 17:13:02][scheduler_metrics_mixin.py:424][INFO]: Prefill batch, …`), and
//! Dynamo's ISO + ANSI format without rank tags.
//! Memory: `Load weight end. … avail mem=184.12 GB, mem usage=92.78 GB.`,
//! `KV Cache is allocated. dtype: …, #tokens: 8615408, K size: 61.62 GB, V size: 61.62 GB` (or `KV size:`).

use crate::model::{MemorySample, Ranks, SampleKind};
use crate::text::number::{leading_number, trim};
use crate::text::pairs::for_each_field;
use crate::text::time::{date_time, time_of_day};

/// `DP3`, `TP0`, … tokens anywhere in `b`.
pub fn ranks_in(b: &[u8]) -> Ranks {
    let mut r = Ranks::default();
    for tok in b.split(|c| *c == b' ' || *c == b']' || *c == b'[' || *c == b'_') {
        if tok.len() < 3 || !tok[2..].iter().all(u8::is_ascii_digit) {
            continue;
        }
        let n = leading_number(&tok[2..]).map(|v| v as u32);
        match &tok[..2] {
            b"DP" => r.dp = n,
            b"TP" => r.tp = n,
            b"EP" => r.ep = n,
            b"PP" => r.pp = n,
            _ => {}
        }
    }
    r
}

/// Timestamp and ranks from the part of a line before its message.
pub fn prefix_time_and_ranks(prefix: &[u8]) -> (f64, Ranks) {
    // `[date time TAGS]` (possibly after a process prefix): the last bracket starting with a digit.
    let mut search = prefix;
    while let Some(open) = search.iter().rposition(|&c| c == b'[') {
        let inner = &search[open + 1..];
        let inner = &inner[..inner.iter().position(|&c| c == b']').unwrap_or(inner.len())];
        if inner.first().is_some_and(u8::is_ascii_digit) {
            let time = date_time(inner)
                .or_else(|| time_of_day(inner))
                .map_or(f64::NAN, |(t, _)| t);
            return (time, ranks_in(inner));
        }
        search = &search[..open];
    }
    // Dynamo format: ISO timestamp at the start, no rank tags.
    let start = trim(prefix);
    let time = date_time(start).map_or(f64::NAN, |(t, _)| t);
    (time, ranks_in(prefix))
}

/// Parse the fields after `Prefill batch` / `Decode batch`.
pub fn batch_fields(rest: &[u8], mut field: impl FnMut(&[u8], f32)) {
    let mut rest = rest;
    // Optional `[17]` counter, then `.` or `,`.
    if let Some(r) = trim(rest).strip_prefix(b"[") {
        rest = r.iter().position(|&c| c == b']').map_or(r, |i| &r[i + 1..]);
    }
    let rest = trim(rest);
    let rest = rest
        .strip_prefix(b".")
        .or_else(|| rest.strip_prefix(b","))
        .unwrap_or(rest);
    for_each_field(rest, b':', |k, v| {
        if !k.is_empty() {
            if let Some(v) = leading_number(v) {
                field(k, v);
            }
        }
    });
}

/// Which batch keyword a line carries and where its fields start.
pub fn batch_kind(line: &[u8], batch_pos: usize) -> Option<(SampleKind, usize)> {
    // `batch_pos` is where " batch" starts.
    let before = &line[..batch_pos];
    let kind = if before.ends_with(b"Prefill") {
        (SampleKind::Prefill, batch_pos - 7)
    } else if before.ends_with(b"Decode") {
        (SampleKind::Decode, batch_pos - 6)
    } else {
        return None;
    };
    Some(kind)
}

fn number_after(line: &[u8], key: &[u8]) -> Option<f64> {
    let i = memchr::memmem::find(line, key)?;
    leading_number(&line[i + key.len()..]).map(f64::from)
}

/// A memory/KV snapshot line, if this is one.
pub fn memory_line(line: &[u8]) -> Option<MemorySample> {
    let avail = number_after(line, b"avail mem=");
    let usage = number_after(line, b"mem usage=");
    let kv_alloc = memchr::memmem::find(line, b"KV Cache is allocated").is_some();
    // `SWAKVPool mem usage: 28.93 GB, swa size: 148717, full size: 185897` (hybrid pools).
    if let Some(pool) = number_after(line, b"Pool mem usage:") {
        let (time_s, ranks) =
            prefix_time_and_ranks(&line[..memchr::memmem::find(line, b"] ").map_or(0, |i| i + 1)]);
        let kv_tokens = number_after(line, b"full size:").map(|t| t as u64);
        return Some(MemorySample {
            time_s,
            line: 0,
            ranks,
            kv_size_gb: Some(pool),
            kv_tokens,
            ..Default::default()
        });
    }
    // `max_total_num_tokens=139814, chunked_prefill_size=8192, …` (scheduler start-up).
    if let Some(tokens) = number_after(line, b"max_total_num_tokens=") {
        let (time_s, ranks) =
            prefix_time_and_ranks(&line[..memchr::memmem::find(line, b"] ").map_or(0, |i| i + 1)]);
        return Some(MemorySample {
            time_s,
            line: 0,
            ranks,
            kv_tokens: Some(tokens as u64),
            avail_mem_gb: avail,
            ..Default::default()
        });
    }
    if avail.is_none() && usage.is_none() && !kv_alloc {
        return None;
    }
    let (prefix_end, kv_tokens, kv_size_gb) = if kv_alloc {
        let tokens = number_after(line, b"#tokens:").map(|t| t as u64);
        let size = number_after(line, b"KV size:")
            .or_else(|| Some(number_after(line, b"K size:")? + number_after(line, b"V size:")?));
        (
            memchr::memmem::find(line, b"KV Cache").unwrap_or(0),
            tokens,
            size,
        )
    } else {
        (
            memchr::memmem::find(line, b"] ").map_or(0, |i| i + 1),
            None,
            None,
        )
    };
    let (time_s, ranks) = prefix_time_and_ranks(&line[..prefix_end]);
    Some(MemorySample {
        time_s,
        line: 0,
        ranks,
        avail_mem_gb: avail,
        mem_usage_gb: usage,
        kv_tokens,
        kv_size_gb,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(rest: &str) -> Vec<(String, f32)> {
        let mut out = Vec::new();
        batch_fields(rest.as_bytes(), |k, v| {
            out.push((String::from_utf8_lossy(k).into_owned(), v))
        });
        out
    }

    #[test]
    fn tags_in_any_order_or_none() {
        let (_, r) = prefix_time_and_ranks(b"[2025-11-04 05:31:43 DP3 TP3 EP3] ");
        assert_eq!((r.dp, r.tp, r.ep), (Some(3), Some(3), Some(3)));
        let (_, r) = prefix_time_and_ranks(b"[2025-11-04 05:31:43 TP1 EP0] ");
        assert_eq!((r.dp, r.tp, r.ep), (None, Some(1), Some(0)));
        let (t, r) =
            prefix_time_and_ranks(b"(SchedulerActor pid=9) [2025-11-04 05:31:43.125 PP1] ");
        assert_eq!((r.pp, t.fract()), (Some(1), 0.125));
        let (t, r) = prefix_time_and_ranks(b"2026-04-01T10:00:00.500000Z  INFO scheduler: ");
        assert_eq!((r, t.fract()), (Ranks::default(), 0.5));
        let (t, _) = prefix_time_and_ranks(b"[05:31:43 TP0] ");
        assert_eq!(t, 5.0 * 3600.0 + 31.0 * 60.0 + 43.0);
    }

    #[test]
    fn batch_field_variants() {
        assert_eq!(
            fields(". #running-req: 3, #token: 7040, cuda graph: True,"),
            vec![
                ("#running-req".into(), 3.0),
                ("#token".into(), 7040.0),
                ("cuda graph".into(), 1.0)
            ]
        );
        assert_eq!(
            fields(" [17], #new-seq: 2, cache hit rate: 12.50%, "),
            vec![("#new-seq".into(), 2.0), ("cache hit rate".into(), 12.5)]
        );
    }

    #[test]
    fn memory_and_kv_lines() {
        let m = memory_line(b"[2026-06-05 19:16:38 TP6] Load weight end. elapsed=29.36 s, type=Q, avail mem=184.12 GB, mem usage=92.78 GB.").unwrap();
        assert_eq!(
            (m.ranks.tp, m.avail_mem_gb, m.mem_usage_gb),
            (Some(6), Some(184.1199951171875), Some(92.77999877929688))
        );
        let k = memory_line(b"[2026-03-27 09:31:49 TP1] KV Cache is allocated. #tokens: 139814, K size: 5.33 GB, V size: 5.33 GB").unwrap();
        assert_eq!(k.kv_tokens, Some(139814));
        assert!((k.kv_size_gb.unwrap() - 10.66).abs() < 1e-4);
        assert!(memory_line(b"nothing to see").is_none());
        let t = memory_line(b"[2026-03-27 09:31:50 TP0] max_total_num_tokens=139814, chunked_prefill_size=8192, max_prefill_tokens=16384, available_gpu_mem=5.1 GB").unwrap();
        assert_eq!(t.kv_tokens, Some(139814));
    }
}
