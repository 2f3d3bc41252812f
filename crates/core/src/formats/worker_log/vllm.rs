//! vLLM engine statistics, V0 and V1, speculative-decoding, KV-connector, MFU and
//! per-iteration lines. Sources: `vllm/v1/metrics/loggers.py` (`LoggingStatLogger.log`),
//! `vllm/v1/spec_decode/metrics.py`, `vllm/distributed/kv_transfer/kv_connector/v1/metrics.py`
//! (`KVConnectorLogging.log`) with each connector's `KVConnectorStats.reduce()`,
//! `vllm/v1/metrics/perf.py` (`PerfMetricsLogging`), `vllm/v1/engine/core.py`
//! (`log_iteration_details`), V0 `vllm/engine/metrics.py`.
//!
//! V1: `(APIServer pid=114) INFO 05-29 13:30:57 [loggers.py:271] Engine 000: Avg prompt throughput:
//! 814.9 tokens/s, Avg generation throughput: 2.5 tokens/s, Running: 32 reqs, Waiting: 0 reqs,
//! [Deferred: N reqs, ][Preemptions: N, ]GPU KV cache usage: 0.1%, Prefix cache hit rate: 0.0%[,
//! Corrupted: N reqs][, External prefix cache hit rate: 0.0%][, MM cache hit rate: 0.0%]`; the
//! prefix is `N Engines Aggregated: ` with `--aggregate-engine-logging`.
//! V0 (≤ 0.10): `INFO 11-02 10:00:00 metrics.py:345] Avg prompt throughput: … Running: 3 reqs,
//! Swapped: 0 reqs, Pending: 0 reqs, GPU KV cache usage: 5.0%, CPU KV cache usage: 0.0%.` then,
//! on its own line, `Prefix cache hit rate: GPU: 94.35%, CPU: 0.00%` (joins the stats sample as
//! `gpu_/cpu_prefix_cache_hit_rate`).
//! Spec decoding, V1: `SpecDecoding metrics: [Draft acceptance rate: 88.8%, ]Mean acceptance
//! length: 2.33, [Accepted throughput: …, Drafted throughput: …, ]Accepted: N tokens, Drafted: N
//! tokens, Per-position acceptance rate: 0.659, 0.413, 0.256[, Avg Draft acceptance rate: 44.3%]`
//! (the first V1 releases: `Speculative metrics: Draft acceptance rate: 1.000, Number of accepted
//! tokens: 66, …`); V0: `Speculative metrics: Draft acceptance rate: 0.642, System efficiency:
//! 0.598, Number of speculative tokens: 3, Number of accepted tokens: …, Number of draft tokens:
//! …, Number of emitted tokens: ….` (0.5 wrote `Number of draft tokens tokens`).
//! KV connector (from Sept 2025): `KV Transfer metrics: Num successful transfers=1, Avg xfer time
//! (ms)=9.862, P90 xfer time (ms)=…, Avg post time (ms)=…, P90 post time (ms)=…, Avg MB per
//! transfer=70.0, Throughput (MB/s)=7097.952, Avg number of descriptors=56.0` (NIXL; Mooncake adds
//! `Num failed transfers`, newer NIXL `Num failed transfers`, `Num failed recvs`, `Num KV expired
//! reqs`); under a MultiConnector one `Name={'Key': value, …}` per connector (columns
//! `<name>_<key>`). Units stay as logged: ms, MB, MB/s.
//! MFU (`--enable-mfu-metrics`): `Engine 000: MFU: 12.3 TF/s/GPU 456.7 GB/s/GPU`, joins the stats
//! sample written just before it.
//! Iteration details (`--enable-logging-iteration-details`, from Dec 2025, first as
//! `VLLM_LOG_ITERATION_DETAILS`): `(EngineCore_DP1 pid=1205) INFO 07-09 03:15:05 [core.py:359]
//! Iteration(15): 2 context requests, 7986 context tokens, 14 generation requests, 14 generation
//! tokens, iteration elapsed time: 1115.64 ms[ (dummy)]`; since it moved to the front end more
//! `key: value` parts follow (`GPU KV cache usage: …, encoder inputs: 4, …`).
//! Timestamps carry no year: the caller supplies one (a container timestamp at the start of the
//! line, when present, wins). Ranks come from `(EngineCore_DP3 …)`, `(Worker_TP0_EP0 …)` and
//! `Engine 001`.

use super::fields;
use super::sglang::ranks_in;
use crate::model::Ranks;
use crate::text::number::{leading_number, trim};
use crate::text::pairs::for_each_field;
use crate::text::time::{date_time, month_day_time};

/// Where the message of a vLLM line starts, its timestamp and ranks.
pub fn header(line: &[u8], message_at: usize, year: i64) -> (f64, Ranks) {
    let prefix = &line[..message_at];
    let mut ranks = ranks_in(prefix);
    if let Some(i) = memchr::memmem::find(prefix, b"Engine ") {
        if let Some(n) = leading_number(&prefix[i + 7..]) {
            ranks.dp = ranks.dp.or(Some(n as u32));
        }
    }
    let lead = line
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(0);
    if let Some((t, _)) = date_time(&line[lead..]) {
        return (t, ranks);
    }
    for level in [&b"INFO "[..], b"WARNING ", b"DEBUG ", b"ERROR "] {
        if let Some(i) = memchr::memmem::find(prefix, level) {
            if let Some((t, _)) = month_day_time(&prefix[i + level.len()..], year) {
                return (t, ranks);
            }
        }
    }
    (f64::NAN, ranks)
}

/// Fields of an engine-stats or spec-decoding message; list continuations (`0.413`) become
/// `<key>_1`, `<key>_2`, … after the first value kept as `<key>_0`.
pub fn message_fields<'a>(message: &'a [u8], mut field: impl FnMut(&'a [u8], Option<usize>, f32)) {
    let mut last_key: &[u8] = b"";
    let mut index = 0usize;
    for_each_field(message, b':', |k, v| {
        let Some(value) = leading_number(v) else {
            return;
        };
        if k.is_empty() {
            if !last_key.is_empty() {
                index += 1;
                field(last_key, Some(index), value);
            }
        } else {
            last_key = k;
            index = 0;
            field(k, None, value);
        }
    });
}

/// Fields of a `KV Transfer metrics:` message: `Key=value, Key=value` as the connector's
/// `KVConnectorStats.reduce()` names them, or, under a MultiConnector, one
/// `ConnectorName={'Key': value, …}` dict per connector (`field(Some(connector), key, value)`).
pub fn kv_transfer_fields<'a>(
    message: &'a [u8],
    mut field: impl FnMut(Option<&'a [u8]>, &'a [u8], f32),
) {
    let mut depth = 0u32;
    let mut start = 0;
    let mut part = |p: &'a [u8]| {
        let p = trim(p);
        let Some(eq) = p.iter().position(|&c| c == b'=') else {
            return;
        };
        let (key, value) = (trim(&p[..eq]), trim(&p[eq + 1..]));
        if let Some(dict) = value.strip_prefix(b"{") {
            let dict = dict.strip_suffix(b"}").unwrap_or(dict);
            for item in dict.split(|&c| c == b',') {
                let Some(colon) = item.iter().position(|&c| c == b':') else {
                    continue;
                };
                let k = trim(&item[..colon]);
                let k = k
                    .strip_prefix(b"'")
                    .and_then(|k| k.strip_suffix(b"'"))
                    .unwrap_or(k);
                if let Some(v) = leading_number(&item[colon + 1..]) {
                    field(Some(key), k, v);
                }
            }
        } else if let Some(v) = leading_number(value) {
            field(None, key, v);
        }
    };
    for (i, &c) in message.iter().enumerate() {
        match c {
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => {
                part(&message[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    part(&message[start..]);
}

/// Fields of an iteration-details line from `Iteration(` on:
/// `Iteration(15): 2 context requests, 7986 context tokens, 14 generation requests, 14 generation
/// tokens, iteration elapsed time: 1115.64 ms[ (dummy)]`. Counts become `num_ctx_requests`,
/// `num_ctx_tokens`, `num_generation_requests`, `num_generation_tokens` (TRT-LLM's names), their
/// request sum `num_scheduled_requests`, the counter `iter`, the time `iteration_elapsed_time` (ms)
/// and `dummy` = 1 on a data-parallel dummy step. False when the text is not such a line.
pub fn iteration_fields<'a>(message: &'a [u8], mut field: impl FnMut(&'a [u8], f32)) -> bool {
    let Some(rest) = message.strip_prefix(b"Iteration(") else {
        return false;
    };
    let Some(close) = rest.iter().position(|&c| c == b')') else {
        return false;
    };
    let Some(body) = rest[close + 1..].strip_prefix(b":") else {
        return false;
    };
    let mut requests = [None, None];
    let mut any = false;
    for part in body.split(|&c| c == b',') {
        let part = trim(part);
        if let Some(colon) = part.iter().position(|&c| c == b':') {
            let key = match &part[..colon] {
                b"iteration elapsed time" => fields::ITERATION_ELAPSED_TIME.as_bytes(),
                other => other,
            };
            if let Some(v) = leading_number(&part[colon + 1..]) {
                field(key, v);
            }
            continue;
        }
        let Some(space) = part.iter().position(|&c| c == b' ') else {
            continue;
        };
        let Some(v) = leading_number(&part[..space]) else {
            continue;
        };
        let words = trim(&part[space + 1..]);
        let name: &'a [u8] = match words {
            b"context requests" => {
                requests[0] = Some(v);
                fields::NUM_CTX_REQUESTS.as_bytes()
            }
            b"context tokens" => fields::NUM_CTX_TOKENS.as_bytes(),
            b"generation requests" => {
                requests[1] = Some(v);
                fields::NUM_GENERATION_REQUESTS.as_bytes()
            }
            b"generation tokens" => fields::NUM_GENERATION_TOKENS.as_bytes(),
            other => other,
        };
        any = true;
        field(name, v);
    }
    if !any {
        return false;
    }
    if let Some(n) = leading_number(&rest[..close]) {
        field(fields::ITER.as_bytes(), n);
    }
    if let [Some(ctx), Some(generation)] = requests {
        field(fields::NUM_SCHEDULED_REQUESTS.as_bytes(), ctx + generation);
    }
    if memchr::memmem::find(body, b"(dummy)").is_some() {
        field(fields::DUMMY.as_bytes(), 1.0);
    }
    true
}

/// `MFU: 12.3 TF/s/GPU 456.7 GB/s/GPU` (from after `MFU:`) → `mfu_tflops_per_gpu`,
/// `mfu_gbps_per_gpu`.
pub fn mfu_fields(message: &[u8], mut field: impl FnMut(&'static str, f32)) {
    let mut words = message
        .split(|c| c.is_ascii_whitespace())
        .filter(|w| !w.is_empty());
    while let Some(w) = words.next() {
        let Some(v) = leading_number(w) else {
            continue;
        };
        match words.next() {
            Some(b"TF/s/GPU") => field(fields::MFU_TFLOPS, v),
            Some(b"GB/s/GPU") => field(fields::MFU_GBPS, v),
            _ => {}
        }
    }
}

/// V0's second stats line, from after `Prefix cache hit rate:`: ` GPU: 12.34%, CPU: 0.00%`.
pub fn v0_prefix_cache_fields(message: &[u8], mut field: impl FnMut(&'static str, f32)) {
    for_each_field(message, b':', |k, v| match (trim(k), leading_number(v)) {
        (b"GPU", Some(v)) => field(fields::GPU_PREFIX_CACHE_HIT_RATE, v),
        (b"CPU", Some(v)) => field(fields::CPU_PREFIX_CACHE_HIT_RATE, v),
        _ => {}
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_header_with_ansi_stripped_prefix() {
        let line = b"(EngineCore_DP2 pid=1) INFO 05-29 13:30:57 [loggers.py:271] Engine 000: Avg prompt throughput: 1.0 tokens/s";
        let at = memchr::memmem::find(line, b"Avg prompt").unwrap();
        let (t, r) = header(line, at, 2026);
        assert_eq!(r.dp, Some(2), "the process tag wins over the engine index");
        assert!(t.is_finite());
        let line = b"(APIServer pid=1) INFO 05-29 13:30:57 [loggers.py:271] Engine 001: Avg prompt throughput: 1.0 tokens/s";
        let at = memchr::memmem::find(line, b"Avg prompt").unwrap();
        assert_eq!(header(line, at, 2026).1.dp, Some(1));
    }

    #[test]
    fn per_position_lists() {
        let mut out = Vec::new();
        message_fields(b"Mean acceptance length: 2.33, Per-position acceptance rate: 0.659, 0.413, 0.256, Avg Draft acceptance rate: 44.3%", |k, i, v| {
            out.push((String::from_utf8_lossy(k).into_owned(), i, v))
        });
        assert_eq!(out.len(), 5);
        assert_eq!(
            out[2],
            ("Per-position acceptance rate".into(), Some(1), 0.413)
        );
        assert_eq!(out[4].0, "Avg Draft acceptance rate");
    }

    fn collect(f: impl FnOnce(&mut dyn FnMut(String, f32))) -> Vec<(String, f32)> {
        let mut out = Vec::new();
        f(&mut |k, v| out.push((k, v)));
        out
    }

    fn get(fields: &[(String, f32)], k: &str) -> Option<f32> {
        fields.iter().find(|(n, _)| n == k).map(|(_, v)| *v)
    }

    #[test]
    fn kv_transfer_plain_and_multi_connector() {
        let f = collect(|out| {
            kv_transfer_fields(b" Num successful transfers=1, Avg xfer time (ms)=3.056, Throughput (MB/s)=4581.152, Avg number of descriptors=56.0", |c, k, v| {
                assert!(c.is_none());
                out(String::from_utf8_lossy(k).into_owned(), v)
            })
        });
        assert_eq!(get(&f, "Num successful transfers"), Some(1.0));
        assert_eq!(get(&f, "Throughput (MB/s)"), Some(4581.152));
        let f = collect(|out| {
            kv_transfer_fields(b" NixlConnector={'Num successful transfers': 2, 'Avg xfer time (ms)': 1.5}, OffloadingConnector={'Num failed transfers': 0}", |c, k, v| {
                out(format!("{}/{}", String::from_utf8_lossy(c.unwrap()), String::from_utf8_lossy(k)), v)
            })
        });
        assert_eq!(get(&f, "NixlConnector/Avg xfer time (ms)"), Some(1.5));
        assert_eq!(
            get(&f, "OffloadingConnector/Num failed transfers"),
            Some(0.0)
        );
        assert_eq!(f.len(), 3);
    }

    #[test]
    fn iteration_details_and_dummy_steps() {
        let f = collect(|out| {
            assert!(iteration_fields(b"Iteration(15): 2 context requests, 7986 context tokens, 14 generation requests, 14 generation tokens, iteration elapsed time: 1115.64 ms", |k, v| out(String::from_utf8_lossy(k).into_owned(), v)));
        });
        assert_eq!(get(&f, "iter"), Some(15.0));
        assert_eq!(get(&f, "num_ctx_tokens"), Some(7986.0));
        assert_eq!(get(&f, "num_scheduled_requests"), Some(16.0));
        assert_eq!(get(&f, "iteration_elapsed_time"), Some(1115.64));
        assert_eq!(get(&f, "dummy"), None);
        let f = collect(|out| {
            assert!(iteration_fields(b"Iteration(90): 0 context requests, 0 context tokens, 0 generation requests, 0 generation tokens, iteration elapsed time: 0.52 ms (dummy)", |k, v| out(String::from_utf8_lossy(k).into_owned(), v)));
        });
        assert_eq!(get(&f, "dummy"), Some(1.0));
        assert!(!iteration_fields(b"Iteration(3) done", |_, _| {}));
        assert!(!iteration_fields(b"Iteration(", |_, _| {}));
    }

    #[test]
    fn mfu_and_v0_prefix_cache_lines() {
        let f = collect(|out| mfu_fields(b"12.3 TF/s/GPU 456.7 GB/s/GPU", |k, v| out(k.into(), v)));
        assert_eq!(
            f,
            vec![
                ("mfu_tflops_per_gpu".into(), 12.3),
                ("mfu_gbps_per_gpu".into(), 456.7)
            ]
        );
        let f = collect(|out| {
            v0_prefix_cache_fields(b" GPU: 45.67%, CPU: 0.00%", |k, v| out(k.into(), v))
        });
        assert_eq!(
            f,
            vec![
                ("gpu_prefix_cache_hit_rate".into(), 45.67),
                ("cpu_prefix_cache_hit_rate".into(), 0.0)
            ]
        );
    }
}
