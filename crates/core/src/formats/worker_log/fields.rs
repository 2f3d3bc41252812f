//! Field names of the worker-log grammars: key normalisation to snake_case with a per-file
//! cache, so field names are built once per file, not per line.

use crate::text::number::trim;

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

/// Raw key bytes → interned snake_case name, one entry per distinct key in a file.
#[derive(Default)]
pub struct KeyCache {
    entries: Vec<(Box<[u8]>, std::rc::Rc<str>)>,
}

impl KeyCache {
    pub fn name(&mut self, raw: &[u8]) -> std::rc::Rc<str> {
        if let Some((_, n)) = self.entries.iter().find(|(k, _)| **k == *raw) {
            return n.clone();
        }
        let n: std::rc::Rc<str> = normalize_key(raw).into();
        self.entries.push((raw.into(), n.clone()));
        n
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
