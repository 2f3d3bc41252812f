//! Numbers in log text, parsed without allocation.

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
}
