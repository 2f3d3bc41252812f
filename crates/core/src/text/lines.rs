//! The one line splitter of the crate: bytes arrive in chunks that may cut lines anywhere, lines
//! leave whole (without `\n`). A line longer than the splitter's limit is cut at the limit and
//! the rest of it is skipped, so one pathological line costs bounded memory; the splitter counts
//! how many lines were cut.

/// Splits chunked bytes into lines, carrying the unfinished line between chunks.
#[derive(Debug)]
pub struct LineSplitter {
    carry: Vec<u8>,
    /// The carried line has passed `max_line`: the rest of it is dropped.
    overflow: bool,
    max_line: usize,
    /// Lines cut at `max_line`.
    pub cut_lines: u64,
    /// 1-based number of the first line cut at `max_line`.
    pub first_cut_line: Option<u64>,
    /// Lines handed out so far.
    lines: u64,
}

impl LineSplitter {
    pub fn new(max_line: usize) -> Self {
        Self {
            carry: Vec::new(),
            overflow: false,
            max_line: max_line.max(1),
            cut_lines: 0,
            first_cut_line: None,
            lines: 0,
        }
    }

    /// Call `line` for every line completed by `chunk`; an unfinished tail is carried.
    pub fn feed(&mut self, mut chunk: &[u8], mut line: impl FnMut(&[u8])) {
        while let Some(nl) = memchr::memchr(b'\n', chunk) {
            if self.carry.is_empty() && !self.overflow {
                if nl > self.max_line {
                    self.cut();
                    line(&chunk[..self.max_line]);
                } else {
                    line(&chunk[..nl]);
                }
            } else {
                self.append(&chunk[..nl]);
                let carry = std::mem::take(&mut self.carry);
                line(&carry);
                self.carry = carry;
                self.carry.clear();
                self.overflow = false;
            }
            self.lines += 1;
            chunk = &chunk[nl + 1..];
        }
        self.append(chunk);
    }

    /// Flush the last line when the input did not end with `\n`.
    pub fn finish(&mut self, mut line: impl FnMut(&[u8])) {
        if !self.carry.is_empty() {
            let carry = std::mem::take(&mut self.carry);
            line(&carry);
            self.lines += 1;
        }
        self.overflow = false;
    }

    fn cut(&mut self) {
        self.cut_lines += 1;
        self.first_cut_line.get_or_insert(self.lines + 1);
    }

    fn append(&mut self, bytes: &[u8]) {
        if self.overflow {
            return;
        }
        let room = self.max_line - self.carry.len();
        if bytes.len() > room {
            self.carry.extend_from_slice(&bytes[..room]);
            self.overflow = true;
            self.cut();
        } else {
            self.carry.extend_from_slice(bytes);
        }
    }
}

/// Gathers chunked bytes into blocks of whole lines of at least `min_block` bytes (the last
/// block may be smaller), for parsers that work on many lines at once (the CSV reader). Built on
/// the same carry rule as [`LineSplitter`]: a block always ends at a line end.
#[derive(Debug)]
pub struct LineBlocks {
    pending: Vec<u8>,
    min_block: usize,
}

impl LineBlocks {
    pub fn new(min_block: usize) -> Self {
        Self {
            pending: Vec::new(),
            min_block,
        }
    }

    /// Call `block` with whole lines once at least `min_block` bytes are pending.
    pub fn feed(&mut self, chunk: &[u8], mut block: impl FnMut(&[u8])) {
        self.pending.extend_from_slice(chunk);
        if self.pending.len() < self.min_block {
            return;
        }
        if let Some(i) = memchr::memrchr(b'\n', &self.pending) {
            let rest = self.pending.split_off(i + 1);
            let whole = std::mem::replace(&mut self.pending, rest);
            block(&whole);
        }
    }

    /// The remaining bytes (whole lines, and a last line without `\n`).
    pub fn finish(&mut self, mut block: impl FnMut(&[u8])) {
        if !self.pending.is_empty() {
            block(&std::mem::take(&mut self.pending));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &[u8], chunk: usize, max: usize) -> (Vec<Vec<u8>>, u64) {
        let mut s = LineSplitter::new(max);
        let mut lines = Vec::new();
        for c in text.chunks(chunk) {
            s.feed(c, |l| lines.push(l.to_vec()));
        }
        s.finish(|l| lines.push(l.to_vec()));
        (lines, s.cut_lines)
    }

    #[test]
    fn chunk_boundaries_do_not_change_lines() {
        let text = b"one\ntwo\r\n\nthree";
        let want: Vec<Vec<u8>> = vec![
            b"one".to_vec(),
            b"two\r".to_vec(),
            vec![],
            b"three".to_vec(),
        ];
        for chunk in 1..text.len() + 1 {
            assert_eq!(split(text, chunk, 100).0, want, "chunk {chunk}");
        }
    }

    #[test]
    fn long_lines_are_cut_at_the_limit() {
        let text = b"abcdefgh\nxy\nabcdefghij";
        for chunk in 1..text.len() + 1 {
            let (lines, cut) = split(text, chunk, 4);
            assert_eq!(
                lines,
                vec![b"abcd".to_vec(), b"xy".to_vec(), b"abcd".to_vec()],
                "chunk {chunk}"
            );
            assert_eq!(cut, 2);
            let mut s = LineSplitter::new(4);
            for c in text.chunks(chunk) {
                s.feed(c, |_| {});
            }
            assert_eq!(s.first_cut_line, Some(1), "chunk {chunk}");
            let mut s = LineSplitter::new(4);
            for c in b"ab\nabcdefgh".chunks(chunk) {
                s.feed(c, |_| {});
            }
            s.finish(|_| {});
            assert_eq!(s.first_cut_line, Some(2), "chunk {chunk}");
        }
    }

    #[test]
    fn blocks_end_at_line_ends() {
        let mut b = LineBlocks::new(5);
        let mut blocks = Vec::new();
        for c in b"ab\ncd\nef\ngh".chunks(2) {
            b.feed(c, |x| blocks.push(x.to_vec()));
        }
        b.finish(|x| blocks.push(x.to_vec()));
        assert_eq!(blocks.concat(), b"ab\ncd\nef\ngh");
        assert!(blocks[..blocks.len() - 1]
            .iter()
            .all(|x| x.ends_with(b"\n")));
    }
}
