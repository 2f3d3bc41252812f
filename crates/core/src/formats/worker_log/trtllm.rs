//! TensorRT-LLM per-iteration logs (PyTorch backend `print_iter_log`, and the iteration-stats
//! JSON lines of `enable_iter_perf_stats`). No real sample is public; the grammar follows the
//! TRT-LLM sources and the format reference §1.6.5:
//! `[TRT-LLM] [I] [_torch][RANK 0] iter = 12, global_rank = 0, rank = 0, num_scheduled_requests = 4,
//! kv_cache_util = 0.12, currank_total_requests = 4/8, host_step_time = 12.3ms,
//! prev_device_step_time = 10.1ms, timestamp = 2026-08-23 01:02:03, states = {'num_ctx_requests': 1,
//! 'num_ctx_tokens': 1024, 'num_generation_tokens': 3, 'cached_kv_tokens': 0}`
//! (`prev_device_step_time = N/A` on the first iteration; `timestamp` may be `MM-DD-YYYY HH:MM:SS`).
//! JSON: `{"iter": 12, "iterLatencyMS": 10.2, "numActiveRequests": 4, "kvCacheStats": {…},
//! "inflightBatchingStats": {"numContextRequests": 1, "numGenRequests": 3, …}, "timestamp": "…"}`.

use crate::model::Ranks;
use crate::text::number::{leading_number, trim};
use crate::text::time::{date_time, us_date_time};

/// Parse a `print_iter_log` line from `iter = …` on: (time, ranks, fields).
pub fn iter_line(message: &[u8], mut field: impl FnMut(&str, f32)) -> (f64, Ranks) {
    let mut time = f64::NAN;
    let mut ranks = Ranks::default();
    let (head, states) = match memchr::memmem::find(message, b"states = {") {
        Some(i) => (&message[..i], Some(&message[i + 10..])),
        None => (message, None),
    };
    for part in head.split(|&c| c == b',') {
        let Some(eq) = part.iter().position(|&c| c == b'=') else {
            continue;
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
            _ => {
                if let (Ok(name), Some(x)) = (std::str::from_utf8(k), leading_number(v)) {
                    field(name, x);
                }
            }
        }
    }
    if let Some(states) = states {
        let body = &states[..states
            .iter()
            .position(|&c| c == b'}')
            .unwrap_or(states.len())];
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

/// Fields of an iteration-stats JSON line, flattened (`kvCacheStats.usedNumBlocks` →
/// `kv_cache_stats_used_num_blocks`).
pub fn json_line(line: &[u8], mut field: impl FnMut(String, f32)) -> Option<f64> {
    let v: serde_json::Value = serde_json::from_slice(line).ok()?;
    v.get("iter")?;
    fn walk(prefix: &str, v: &serde_json::Value, field: &mut dyn FnMut(String, f32)) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    let name = super::fields::normalize_key(camel_to_words(k).as_bytes());
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
        v.get("timestamp")
            .and_then(|t| t.as_str())
            .and_then(|t| date_time(t.as_bytes()).map(|(t, _)| t))
            .unwrap_or(f64::NAN),
    )
}

fn camel_to_words(k: &str) -> String {
    // `iterLatencyMS` → `iter Latency MS`: split before an upper-case letter that follows a lower-case one.
    let mut out = String::with_capacity(k.len() + 4);
    let mut prev_lower = false;
    for c in k.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push(' ');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(c);
    }
    out
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
}
