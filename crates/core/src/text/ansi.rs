//! ANSI escape sequences (colour codes around log prefixes, cursor moves of progress bars)
//! removed from log lines: `ESC [ params final` (CSI), `ESC ] … BEL|ESC \` (OSC) and two-byte
//! `ESC x`. Only ASCII bytes are dropped, so UTF-8 text stays valid.

/// Copy `line` without ANSI escape sequences into `out` (cleared first).
pub fn strip_ansi(line: &[u8], out: &mut Vec<u8>) {
    out.clear();
    let mut i = 0;
    while i < line.len() {
        if line[i] != 0x1b {
            out.push(line[i]);
            i += 1;
            continue;
        }
        i += 1;
        match line.get(i) {
            Some(b'[') => {
                i += 1;
                // Parameter and intermediate bytes, then one final byte.
                while i < line.len() && (0x20..=0x3f).contains(&line[i]) {
                    i += 1;
                }
                if i < line.len() && (0x40..=0x7e).contains(&line[i]) {
                    i += 1;
                }
            }
            Some(b']') => {
                i += 1;
                while i < line.len() && line[i] != 0x07 && line[i] != 0x1b {
                    i += 1;
                }
                if line.get(i) == Some(&0x07) {
                    i += 1;
                } else if line.get(i) == Some(&0x1b) && line.get(i + 1) == Some(&b'\\') {
                    i += 2;
                }
            }
            Some(c) if (0x40..=0x5f).contains(c) => i += 1,
            _ => {}
        }
    }
}

/// [`strip_ansi`] of a string.
pub fn strip_ansi_str(line: &str) -> String {
    if !line.contains('\u{1b}') {
        return line.to_owned();
    }
    let mut out = Vec::with_capacity(line.len());
    strip_ansi(line.as_bytes(), &mut out);
    // Only ASCII bytes were removed, so this is still UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ansi() {
        let mut out = Vec::new();
        strip_ansi(b"\x1b[0;36m(APIServer pid=1)\x1b[0;0m INFO", &mut out);
        assert_eq!(out, b"(APIServer pid=1) INFO");
        assert_eq!(strip_ansi_str("\u{1b}[1m🔍\u{1b}[0m ok"), "🔍 ok");
        assert_eq!(strip_ansi_str("\u{1b}]0;title\u{7}text"), "text");
        assert_eq!(
            strip_ansi_str("a\u{1b}é"),
            "aé",
            "a lone ESC never eats a UTF-8 byte"
        );
        assert_eq!(strip_ansi_str("\u{1b}[2K\u{1b}[1A50%"), "50%");
    }
}
