//! TensorRT-LLM per-iteration logs: the PyTorch backend's `print_iter_log` line
//! (`tensorrt_llm/_torch/pyexecutor/py_executor.py`, `_executor_loop*` / `profile_step`) and the
//! iteration-stats JSON objects of the C++ executor and batch manager.
//!
//! `print_iter_log`, in the order the releases wrote it:
//! - early 2025: `[04/28/2025-09:56:44] [TRT-LLM] [I] iter = 198, global_rank = 0, rank = 0,
//!   currank_total_requests = 0/0, elapsed_time = 0.00506s, timestamp = 2025-04-28 09:56:44,
//!   [num_scheduled_requests: 10, ]states = {'num_ctx_requests': 0, 'num_ctx_tokens': 0,
//!   'num_generation_tokens': 16}` (`elapsed_time` seconds → `host_step_time` ms);
//! - then `…, host_step_time = 12.3ms, prev_device_step_time = 10.1ms|N/A, timestamp = …,
//!   num_scheduled_requests: 4, states = {…}`;
//! - from May 2026: `iter = 12, global_rank = 0, rank = 0, num_scheduled_requests = 4,
//!   kv_cache_util = 0.120|N/A, currank_total_requests = 4/8, host_step_time = 12.3ms,
//!   prev_device_step_time = 10.1ms, timestamp = 2026-08-23 01:02:03, states = {…,
//!   'cached_kv_tokens': 0}[, num_active = 14, num_fetched = 3, num_dummy = 1, num_unscheduled = 5]`.
//!
//! `timestamp` may be `MM-DD-YYYY HH:MM:SS`. JSON: executor `IterationStats`
//! (`{"iter": 12, "iterLatencyMS": 10.2, "numActiveRequests": 4, "kvCacheStats": {…},
//! "inflightBatchingStats": {"numContextRequests": 1, …}, "timestamp": "…"}`, one per line as
//! `trtllm-bench --iteration_log` writes them) and the batch manager's `--log_iteration_data`
//! object (`{"Active Request Count":249, …, "Iteration Counter":90, …, "Timestamp":"12-13-2023
//! 14:55:14", …}`), either alone on a line or behind the C++ logger's `[TensorRT-LLM][INFO] ` or
//! Triton's `I1218 03:35:37.688135 20559 libtensorrtllm.cc:1205] `.

use super::fields;
use crate::model::Ranks;
use crate::text::number::{leading_number, trim};
use crate::text::time::{date_time, us_date_time};

/// Parse a `print_iter_log` line from `iter = …` on: (time, ranks, fields). Parts are
/// `key = value` (or `key: value`, as `num_scheduled_requests: N` was written before it moved
/// forward), the `states = {…}` dict, and any `key = value` after the dict.
pub fn iter_line(message: &[u8], mut field: impl FnMut(&str, f32)) -> (f64, Ranks) {
    let mut time = f64::NAN;
    let mut ranks = Ranks::default();
    let (head, states, tail) = match memchr::memmem::find(message, b"states = {") {
        Some(i) => {
            let dict = &message[i + 10..];
            let close = dict.iter().position(|&c| c == b'}').unwrap_or(dict.len());
            (
                &message[..i],
                Some(&dict[..close]),
                dict.get(close + 1..).unwrap_or(b""),
            )
        }
        None => (message, None, &b""[..]),
    };
    let mut part = |part: &[u8]| {
        let Some(eq) = part
            .iter()
            .position(|&c| c == b'=')
            .or_else(|| part.iter().position(|&c| c == b':'))
        else {
            return;
        };
        let (k, v) = (trim(&part[..eq]), trim(&part[eq + 1..]));
        match k {
            b"timestamp" => {
                time = date_time(v)
                    .map(|(t, _)| t)
                    .or_else(|| us_date_time(v).map(|(t, _)| t))
                    .unwrap_or(f64::NAN)
            }
            b"rank" => ranks.tp = leading_number(v).map(|r| r as u32),
            b"currank_total_requests" => {
                if let Some(slash) = v.iter().position(|&c| c == b'/') {
                    leading_number(&v[..slash])
                        .into_iter()
                        .for_each(|x| field("currank_requests", x));
                    leading_number(&v[slash + 1..])
                        .into_iter()
                        .for_each(|x| field("total_requests", x));
                }
            }
            // The first releases timed the step in seconds under this name.
            b"elapsed_time" => {
                if let Some(x) = v.strip_suffix(b"s").and_then(leading_number) {
                    field(fields::HOST_STEP_TIME, x * 1000.0);
                }
            }
            _ => {
                if let (Ok(name), Some(x)) = (std::str::from_utf8(k), leading_number(v)) {
                    field(name, x);
                }
            }
        }
    };
    head.split(|&c| c == b',').for_each(&mut part);
    tail.split(|&c| c == b',').for_each(&mut part);
    if let Some(body) = states {
        for part in body.split(|&c| c == b',') {
            let Some(colon) = part.iter().position(|&c| c == b':') else {
                continue;
            };
            let key = trim(&part[..colon]);
            let key = key
                .strip_prefix(b"'")
                .and_then(|k| k.strip_suffix(b"'"))
                .unwrap_or(key);
            if let (Ok(name), Some(x)) =
                (std::str::from_utf8(key), leading_number(&part[colon + 1..]))
            {
                field(name, x);
            }
        }
    }
    (time, ranks)
}

/// Fields of an iteration-stats JSON object, flattened (`kvCacheStats.usedNumBlocks` →
/// `kv_cache_stats_used_num_blocks`): the executor's `IterationStats` (`"iter"`, camelCase keys,
/// `"timestamp"`) or the older batch manager's (`"Iteration Counter"`, `"Active Request Count"`,
/// `"Timestamp"`). `line` is the object alone, any `[TensorRT-LLM][INFO] ` prefix cut off.
pub fn json_line(line: &[u8], mut field: impl FnMut(String, f32)) -> Option<f64> {
    let v: serde_json::Value = serde_json::from_slice(line).ok()?;
    let object = v.as_object()?;
    if !object.contains_key("iter") && !object.contains_key("Iteration Counter") {
        return None;
    }
    fn walk(prefix: &str, v: &serde_json::Value, field: &mut dyn FnMut(String, f32)) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    let name =
                        super::fields::normalize_key(super::fields::camel_to_words(k).as_bytes());
                    let name = if prefix.is_empty() {
                        name
                    } else {
                        format!("{prefix}_{name}")
                    };
                    walk(&name, v, field);
                }
            }
            serde_json::Value::Number(n) => {
                if let Some(x) = n.as_f64() {
                    field(prefix.to_owned(), x as f32)
                }
            }
            serde_json::Value::Bool(b) => field(prefix.to_owned(), if *b { 1.0 } else { 0.0 }),
            _ => {}
        }
    }
    walk("", &v, &mut field);
    Some(
        object
            .get("timestamp")
            .or_else(|| object.get("Timestamp"))
            .and_then(|t| t.as_str())
            .and_then(|t| {
                date_time(t.as_bytes())
                    .or_else(|| us_date_time(t.as_bytes()))
                    .map(|(t, _)| t)
            })
            .unwrap_or(f64::NAN),
    )
}

/// Where a line's iteration-stats JSON object starts: at the line start, or after the C++
/// logger's `[TensorRT-LLM][INFO] ` (any `[…] ` tags). The line must end with `}`.
pub fn json_start(line: &[u8]) -> Option<usize> {
    if line.last() != Some(&b'}') {
        return None;
    }
    let open = memchr::memchr(b'{', line)?;
    let prefix = trim(&line[..open]);
    (prefix.is_empty() || prefix.ends_with(b"]")).then_some(open)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn print_iter_log_line() {
        let mut f = Vec::new();
        let (t, r) = iter_line(
            b"iter = 12, global_rank = 0, rank = 1, num_scheduled_requests = 4, kv_cache_util = 0.12, currank_total_requests = 4/8, host_step_time = 12.3ms, prev_device_step_time = N/A, timestamp = 08-23-2026 01:02:03, states = {'num_ctx_requests': 1, 'num_ctx_tokens': 1024, 'num_generation_tokens': 3}",
            |k, v| f.push((k.to_owned(), v)),
        );
        assert!(t.is_finite());
        assert_eq!(r.tp, Some(1));
        let get = |k: &str| f.iter().find(|(n, _)| n == k).map(|(_, v)| *v);
        assert_eq!(get("iter"), Some(12.0));
        assert_eq!(get("host_step_time"), Some(12.3));
        assert_eq!(get("prev_device_step_time"), None);
        assert_eq!(get("total_requests"), Some(8.0));
        assert_eq!(get("num_ctx_tokens"), Some(1024.0));
    }

    #[test]
    fn iteration_stats_json() {
        let mut f = Vec::new();
        json_line(br#"{"iter": 3, "iterLatencyMS": 10.5, "kvCacheStats": {"usedNumBlocks": 7}, "timestamp": "2026-01-01 00:00:00"}"#, |k, v| f.push((k, v))).unwrap();
        assert!(f.contains(&("iter_latency_ms".into(), 10.5)));
        assert!(f.contains(&("kv_cache_stats_used_num_blocks".into(), 7.0)));
    }

    fn iter_fields(line: &[u8]) -> (f64, Ranks, Vec<(String, f32)>) {
        let mut f = Vec::new();
        let (t, r) = iter_line(line, |k, v| f.push((k.to_owned(), v)));
        (t, r, f)
    }

    fn get(f: &[(String, f32)], k: &str) -> Option<f32> {
        f.iter().find(|(n, _)| n == k).map(|(_, v)| *v)
    }

    #[test]
    fn every_print_iter_log_variant() {
        // First releases: seconds under `elapsed_time`, `num_scheduled_requests:` with a colon.
        let (t, _, f) = iter_fields(b"iter = 7, global_rank = 0, rank = 0, currank_total_requests = 2/2, elapsed_time = 0.0153s, timestamp = 2025-03-01 10:00:00, num_scheduled_requests: 2, states = {'num_ctx_requests': 0, 'num_ctx_tokens': 0, 'num_generation_tokens': 2}");
        assert!(t.is_finite());
        assert!((get(&f, "host_step_time").unwrap() - 15.3).abs() < 1e-3);
        assert_eq!(get(&f, "num_scheduled_requests"), Some(2.0));
        assert_eq!(get(&f, "elapsed_time"), None);
        // Then host/device step times, the colon still after the timestamp.
        let (_, _, f) = iter_fields(b"iter = 1, global_rank = 0, rank = 0, currank_total_requests = 0/1, host_step_time = 45810.21428108215ms, prev_device_step_time = N/A, timestamp = 2026-05-20 23:24:41, num_scheduled_requests: 1, states = {'num_ctx_requests': 1, 'num_ctx_tokens': 13694, 'num_generation_tokens': 0}");
        assert_eq!(get(&f, "num_scheduled_requests"), Some(1.0));
        assert_eq!(get(&f, "num_ctx_tokens"), Some(13694.0));
        assert_eq!(get(&f, "prev_device_step_time"), None);
        // Current: per-rank routing counters after the dict.
        let (_, r, f) = iter_fields(b"iter = 9, global_rank = 3, rank = 3, num_scheduled_requests = 14, kv_cache_util = N/A, currank_total_requests = 3/9, host_step_time = 7.4ms, prev_device_step_time = 6.9ms, timestamp = 2026-07-13 01:02:03, states = {'num_ctx_requests': 0, 'num_ctx_tokens': 0, 'num_generation_tokens': 14}, num_active = 14, num_fetched = 3, num_dummy = 1, num_unscheduled = 5");
        assert_eq!(r.tp, Some(3));
        assert_eq!(get(&f, "kv_cache_util"), None);
        assert_eq!(get(&f, "prev_device_step_time"), Some(6.9));
        assert_eq!(get(&f, "num_unscheduled"), Some(5.0));
        assert_eq!(get(&f, "num_active"), Some(14.0));
    }

    #[test]
    fn batch_manager_json_behind_the_cpp_logger_prefix() {
        let line = br#"[TensorRT-LLM][INFO] {"Active Request Count":249,"Context Requests":8,"Free KV cache blocks":0,"Generation Requests":231,"Iteration Counter":90,"Max KV cache blocks":2448,"Max Request Count":256,"MicroBatch ID":0,"Runtime CPU Memory Usage":28784,"Runtime GPU Memory Usage":540173600,"Runtime Pinned Memory Usage":0,"Scheduled Requests":239,"Timestamp":"12-13-2023 14:55:14","Tokens per KV cache block":128,"Total Context Tokens":6904,"Used KV cache blocks":2448}"#;
        let open = json_start(line).unwrap();
        let mut f = Vec::new();
        let t = json_line(&line[open..], |k, v| f.push((k, v))).unwrap();
        assert!(t.is_finite());
        assert_eq!(get(&f, "iteration_counter"), Some(90.0));
        assert_eq!(get(&f, "scheduled_requests"), Some(239.0));
        assert_eq!(get(&f, "used_kv_cache_blocks"), Some(2448.0));
        assert!(json_start(b"[2026-01-01] args: {'a': 1}").is_none());
        assert!(json_start(b"no brace").is_none());
        assert!(json_line(br#"{"a": 1}"#, |_, _| {}).is_none());
    }
}
