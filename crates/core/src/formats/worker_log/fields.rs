//! Field names of the worker-log grammars: key normalisation to snake_case with a per-file
//! cache, so field names are built once per file, not per line.

use crate::text::number::trim;

// Names of fields that a grammar builds itself rather than from a logged key (each documented
// where it is read).

/// Iteration counter: TRT-LLM `iter = N`, vLLM `Iteration(N):`.
pub const ITER: &str = "iter";
/// Requests in the context (prefill) phase of one iteration (TRT-LLM `states`, vLLM
/// `N context requests`).
pub const NUM_CTX_REQUESTS: &str = "num_ctx_requests";
/// Prompt tokens computed in one iteration.
pub const NUM_CTX_TOKENS: &str = "num_ctx_tokens";
/// Requests in the generation (decode) phase of one iteration (vLLM `N generation requests`).
pub const NUM_GENERATION_REQUESTS: &str = "num_generation_requests";
/// Tokens generated in one iteration.
pub const NUM_GENERATION_TOKENS: &str = "num_generation_tokens";
/// Requests scheduled in one iteration (TRT-LLM; for vLLM context + generation requests).
pub const NUM_SCHEDULED_REQUESTS: &str = "num_scheduled_requests";
/// Host time of one executor step, ms (TRT-LLM `host_step_time`, or `elapsed_time` seconds × 1000
/// before it was renamed).
pub const HOST_STEP_TIME: &str = "host_step_time";
/// vLLM `iteration elapsed time: T ms` (model execution of one step), ms.
pub const ITERATION_ELAPSED_TIME: &str = "iteration_elapsed_time";
/// 1 on a vLLM data-parallel dummy iteration (`… ms (dummy)`).
pub const DUMMY: &str = "dummy";
/// vLLM V0 `Prefix cache hit rate: GPU: x%` (percent).
pub const GPU_PREFIX_CACHE_HIT_RATE: &str = "gpu_prefix_cache_hit_rate";
/// vLLM V0 `Prefix cache hit rate: …, CPU: y%` (percent).
pub const CPU_PREFIX_CACHE_HIT_RATE: &str = "cpu_prefix_cache_hit_rate";
/// vLLM `MFU: x TF/s/GPU …` (model FLOPs achieved per GPU, TFLOP/s).
pub const MFU_TFLOPS: &str = "mfu_tflops_per_gpu";
/// vLLM `MFU: … y GB/s/GPU` (memory traffic per GPU, GB/s).
pub const MFU_GBPS: &str = "mfu_gbps_per_gpu";

/// `#new-seq` → `new_seq`; `input throughput (token/s)` → `input_throughput`;
/// `Avg prompt throughput` → `prompt_throughput`; `GPU KV cache usage` → `gpu_kv_cache_usage`.
/// A few keys keep the reference's names (`#token` → `num_tokens`, `pre-allocated usage` →
/// `preallocated_usage`).
pub fn normalize_key(raw: &[u8]) -> String {
    let raw = trim(raw);
    let mut out = String::with_capacity(raw.len());
    let mut depth = 0;
    for &c in raw {
        match c {
            b'(' => depth += 1,
            b')' => depth -= 1,
            _ if depth > 0 => {}
            b'a'..=b'z' | b'0'..=b'9' => out.push(c as char),
            b'A'..=b'Z' => out.push(c.to_ascii_lowercase() as char),
            _ => {
                if !out.is_empty() && !out.ends_with('_') {
                    out.push('_');
                }
            }
        }
    }
    let out = out.trim_end_matches('_').to_owned();
    match out.as_str() {
        "token" => "num_tokens".into(),
        "pre_allocated_usage" => "preallocated_usage".into(),
        _ => out.strip_prefix("avg_").map(str::to_owned).unwrap_or(out),
    }
}

/// `iterLatencyMS` → `iter Latency MS`, `NixlConnector` → `Nixl Connector`: a space before an
/// upper-case letter that follows a lower-case one or a digit.
pub fn camel_to_words(k: &str) -> String {
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

/// Distinct field names one worker log may turn into columns; values of further names are
/// counted, not kept (a log naming a new field on every line would otherwise cost lines × names).
pub const MAX_FIELD_NAMES: usize = 256;

/// Fields kept of one sample line (a 150 000-element list or a 60 000-key JSON object is not one
/// sample); further fields are counted and skipped.
pub const MAX_FIELDS_PER_SAMPLE: usize = 512;

/// Distinct raw keys one file's [`KeyCache`] interns; a key first seen after that is named
/// [`KeyCache::overflow`] and its values are counted, not kept.
pub const MAX_RAW_KEYS: usize = 4 * MAX_FIELD_NAMES;

/// Raw key bytes → interned snake_case name, one entry per distinct key in a file (at most
/// [`MAX_RAW_KEYS`]). Names compare by pointer downstream, so an entry is never dropped.
pub struct KeyCache {
    entries: std::collections::HashMap<Box<[u8]>, std::rc::Rc<str>>,
    overflow: std::rc::Rc<str>,
    /// Fields skipped since [`KeyCache::take_skipped`] because a sample was full.
    skipped: u64,
}

impl Default for KeyCache {
    fn default() -> Self {
        Self {
            entries: Default::default(),
            overflow: "".into(),
            skipped: 0,
        }
    }
}

impl KeyCache {
    pub fn name(&mut self, raw: &[u8]) -> std::rc::Rc<str> {
        if let Some(n) = self.entries.get(raw) {
            return n.clone();
        }
        if self.entries.len() >= MAX_RAW_KEYS {
            return self.overflow.clone();
        }
        let n: std::rc::Rc<str> = normalize_key(raw).into();
        self.entries.insert(raw.into(), n.clone());
        n
    }

    /// The one name given to every key beyond [`MAX_RAW_KEYS`].
    pub fn overflow(&self) -> &std::rc::Rc<str> {
        &self.overflow
    }

    /// Whether `fields` can take another field; counts the field as skipped when not.
    pub fn room(&mut self, fields: &[(std::rc::Rc<str>, f32)]) -> bool {
        let room = fields.len() < MAX_FIELDS_PER_SAMPLE;
        if !room {
            self.skipped += 1;
        }
        room
    }

    /// Append the field `raw` = `v` to a sample unless it is full ([`MAX_FIELDS_PER_SAMPLE`]).
    pub fn push(&mut self, fields: &mut Vec<(std::rc::Rc<str>, f32)>, raw: &[u8], v: f32) {
        if self.room(fields) {
            let name = self.name(raw);
            fields.push((name, v));
        }
    }

    /// Fields skipped because their sample was full, since the last call.
    pub fn take_skipped(&mut self) -> u64 {
        std::mem::take(&mut self.skipped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert_eq!(normalize_key(b"#new-seq"), "new_seq");
        assert_eq!(
            normalize_key(b"input throughput (token/s)"),
            "input_throughput"
        );
        assert_eq!(normalize_key(b"#token"), "num_tokens");
        assert_eq!(normalize_key(b"pre-allocated usage"), "preallocated_usage");
        assert_eq!(normalize_key(b"Avg prompt throughput"), "prompt_throughput");
        assert_eq!(normalize_key(b"GPU KV cache usage"), "gpu_kv_cache_usage");
        assert_eq!(
            normalize_key(b"est. prefill TFLOPS/s (per GPU)"),
            "est_prefill_tflops_s"
        );
    }
}
