//! Byte-order marks and UTF-16: result files written on Windows or by PowerShell start with a
//! UTF-8 BOM or are UTF-16. [`bom`] names what a file starts with; [`Utf16Decoder`] turns UTF-16
//! into UTF-8 chunk by chunk (chunks may split code units and surrogate pairs anywhere).

/// What a file's first bytes say about its encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bom {
    /// `EF BB BF`: UTF-8 with a byte-order mark.
    Utf8,
    /// `FF FE`: UTF-16, little-endian.
    Utf16Le,
    /// `FE FF`: UTF-16, big-endian.
    Utf16Be,
}

impl Bom {
    pub fn name(self) -> &'static str {
        match self {
            Bom::Utf8 => "UTF-8 with BOM",
            Bom::Utf16Le => "UTF-16LE",
            Bom::Utf16Be => "UTF-16BE",
        }
    }
}

/// The byte-order mark `head` starts with, if any.
pub fn bom(head: &[u8]) -> Option<Bom> {
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        Some(Bom::Utf8)
    } else if head.starts_with(&[0xFF, 0xFE]) {
        Some(Bom::Utf16Le)
    } else if head.starts_with(&[0xFE, 0xFF]) {
        Some(Bom::Utf16Be)
    } else {
        None
    }
}

/// Incremental UTF-16 → UTF-8 decoder; unpaired surrogates and a dangling byte become U+FFFD.
#[derive(Debug)]
pub struct Utf16Decoder {
    little_endian: bool,
    odd: Option<u8>,
    high: Option<u16>,
}

impl Utf16Decoder {
    pub fn new(little_endian: bool) -> Self {
        Self {
            little_endian,
            odd: None,
            high: None,
        }
    }

    /// Decode `bytes`, appending UTF-8 to `out`.
    pub fn feed(&mut self, mut bytes: &[u8], out: &mut Vec<u8>) {
        out.reserve(bytes.len());
        if let Some(first) = self.odd.take() {
            let Some((&second, rest)) = bytes.split_first() else {
                self.odd = Some(first);
                return;
            };
            self.unit(self.join(first, second), out);
            bytes = rest;
        }
        let mut pairs = bytes.chunks_exact(2);
        for p in &mut pairs {
            self.unit(self.join(p[0], p[1]), out);
        }
        self.odd = pairs.remainder().first().copied();
    }

    /// End of input: a pending half of a pair or a lone byte becomes U+FFFD.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        if self.high.take().is_some() || self.odd.take().is_some() {
            push_char(char::REPLACEMENT_CHARACTER, out);
        }
    }

    fn join(&self, a: u8, b: u8) -> u16 {
        if self.little_endian {
            u16::from_le_bytes([a, b])
        } else {
            u16::from_be_bytes([a, b])
        }
    }

    fn unit(&mut self, u: u16, out: &mut Vec<u8>) {
        if let Some(h) = self.high.take() {
            if (0xDC00..0xE000).contains(&u) {
                let c = 0x10000 + ((u32::from(h) - 0xD800) << 10) + (u32::from(u) - 0xDC00);
                push_char(
                    char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER),
                    out,
                );
                return;
            }
            push_char(char::REPLACEMENT_CHARACTER, out);
        }
        match u {
            0xD800..=0xDBFF => self.high = Some(u),
            0xDC00..=0xDFFF => push_char(char::REPLACEMENT_CHARACTER, out),
            _ => push_char(
                char::from_u32(u32::from(u)).unwrap_or(char::REPLACEMENT_CHARACTER),
                out,
            ),
        }
    }
}

fn push_char(c: char, out: &mut Vec<u8>) {
    let mut buf = [0u8; 4];
    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(s: &str, le: bool) -> Vec<u8> {
        s.encode_utf16()
            .flat_map(|u| if le { u.to_le_bytes() } else { u.to_be_bytes() })
            .collect()
    }

    #[test]
    fn decodes_in_any_chunking() {
        let text = "{\"a\": \"é😀\"}\n";
        for le in [true, false] {
            let bytes = utf16(text, le);
            for chunk in 1..bytes.len() + 1 {
                let mut d = Utf16Decoder::new(le);
                let mut out = Vec::new();
                bytes.chunks(chunk).for_each(|c| d.feed(c, &mut out));
                d.finish(&mut out);
                assert_eq!(String::from_utf8(out).unwrap(), text, "chunk {chunk}");
            }
        }
        let mut d = Utf16Decoder::new(true);
        let mut out = Vec::new();
        d.feed(&[0x00, 0xD8, b'a', 0, 7], &mut out);
        d.finish(&mut out);
        assert_eq!(String::from_utf8(out).unwrap(), "\u{FFFD}a\u{FFFD}");
        assert_eq!(bom(&[0xEF, 0xBB, 0xBF, b'{']), Some(Bom::Utf8));
        assert_eq!(bom(&[0xFF, 0xFE]), Some(Bom::Utf16Le));
        assert_eq!(bom(b"{"), None);
    }
}
