//! vLLM engine statistics, V0 and V1, and speculative-decoding metrics.
//!
//! V1: `(APIServer pid=114) INFO 05-29 13:30:57 [loggers.py:271] Engine 000: Avg prompt throughput:
//! 814.9 tokens/s, Avg generation throughput: 2.5 tokens/s, Running: 32 reqs, Waiting: 0 reqs,
//! GPU KV cache usage: 0.1%, Prefix cache hit rate: 0.0%[, External prefix cache hit rate: 0.0%]`
//! V0: `INFO 11-02 10:00:00 metrics.py:345] Avg prompt throughput: … Running: 3 reqs, Swapped: 0 reqs,
//! Pending: 0 reqs, GPU KV cache usage: 5.0%, CPU KV cache usage: 0.0%.`
//! Spec: `… [metrics.py:101] SpecDecoding metrics: Mean acceptance length: 2.33, …, Per-position
//! acceptance rate: 0.659, 0.413, 0.256, Avg Draft acceptance rate: 44.3%`
//! Timestamps carry no year: the caller supplies one (a container timestamp at the start of the
//! line, when present, wins). Ranks come from `(EngineCore_DP3 …)`, `(Worker_TP0_EP0 …)` and
//! `Engine 001`.

use super::sglang::ranks_in;
use crate::model::Ranks;
use crate::text::number::leading_number;
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
}
