//! Shared pieces of the line parsers: number parsing without allocation, key normalisation to
//! snake_case with a per-file cache (so field names are built once per file, not per line), and
//! ANSI escape stripping.

/// Parse the leading number of `b` (`12`, `3.5`, `0.12%`, `1,448`, `True`/`False`, `1e-3`).
pub fn leading_number(b: &[u8]) -> Option<f32> {
    let b = trim(b);
    match b {
        b"True" | b"true" => return Some(1.0),
        b"False" | b"false" => return Some(0.0),
        _ => {}
    }
    let mut int: u64 = 0;
    let mut frac: u64 = 0;
    let mut frac_digits = 0i32;
    let mut i = 0;
    let neg = b.first() == Some(&b'-');
    if neg {
        i += 1;
    }
    let start = i;
    let mut seen_dot = false;
    while i < b.len() {
        let c = b[i];
        match c {
            b'0'..=b'9' if !seen_dot => {
                int = int.saturating_mul(10).saturating_add(u64::from(c - b'0'))
            }
            b'0'..=b'9' => {
                if frac_digits < 18 {
                    frac = frac * 10 + u64::from(c - b'0');
                    frac_digits += 1;
                }
            }
            b'.' if !seen_dot => seen_dot = true,
            // Thousands separators as vLLM prints them (`1,448 tokens`).
            b',' if !seen_dot
                && b.get(i + 1).is_some_and(u8::is_ascii_digit)
                && b.len() > i + 3
                && b[i + 1..i + 4].iter().all(u8::is_ascii_digit) => {}
            b'e' | b'E' => {
                // Rare: fall back to the standard parser for exponents.
                let end = b[i + 1..]
                    .iter()
                    .position(|c| !(c.is_ascii_digit() || *c == b'-' || *c == b'+'))
                    .map_or(b.len(), |p| i + 1 + p);
                return std::str::from_utf8(&b[..end])
                    .ok()?
                    .replace(',', "")
                    .parse()
                    .ok();
            }
            _ => break,
        }
        i += 1;
    }
    if i == start || (i == start + 1 && seen_dot) {
        return None;
    }
    let v = int as f64 + frac as f64 / 10f64.powi(frac_digits);
    Some(if neg { -v } else { v } as f32)
}

pub fn trim(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &b[start..end]
}

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

/// Copy `line` without ANSI escape sequences (`ESC [ … letter`) into `out`.
pub fn strip_ansi(line: &[u8], out: &mut Vec<u8>) {
    out.clear();
    let mut i = 0;
    while i < line.len() {
        if line[i] == 0x1b {
            i += 1;
            if line.get(i) == Some(&b'[') {
                i += 1;
                while i < line.len() && !line[i].is_ascii_alphabetic() {
                    i += 1;
                }
            }
            i += 1;
        } else {
            out.push(line[i]);
            i += 1;
        }
    }
}

/// Split `key: value, key: value, …` (separator `", "`), calling `f(key, value)`; a part
/// without `sep` is passed with an empty key (a list continuation such as `0.413`).
pub fn for_each_field<'a>(b: &'a [u8], sep: u8, mut f: impl FnMut(&'a [u8], &'a [u8])) {
    for part in b.split(|&c| c == b',') {
        let part = trim(part);
        if part.is_empty() {
            continue;
        }
        match part.iter().position(|&c| c == sep) {
            Some(i) => f(&part[..i], &part[i + 1..]),
            None => f(b"", part),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(leading_number(b" 12"), Some(12.0));
        assert_eq!(leading_number(b"0.12%"), Some(0.12));
        assert_eq!(leading_number(b"814.9 tokens/s"), Some(814.9));
        assert_eq!(leading_number(b"1,448 tokens"), Some(1448.0));
        assert_eq!(leading_number(b"True"), Some(1.0));
        assert_eq!(leading_number(b"-3.5"), Some(-3.5));
        assert_eq!(leading_number(b"1e-3"), Some(0.001));
        assert_eq!(leading_number(b"N/A"), None);
        assert_eq!(leading_number(b"."), None);
    }

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

    #[test]
    fn ansi() {
        let mut out = Vec::new();
        strip_ansi(b"\x1b[0;36m(APIServer pid=1)\x1b[0;0m INFO", &mut out);
        assert_eq!(out, b"(APIServer pid=1) INFO");
    }
}
