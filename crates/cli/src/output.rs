//! Where the printers write: a buffered stdout that remembers whether its reader went away
//! (a broken pipe ends the program quietly with status 0), and `warn` for stderr. Nothing in
//! the binary uses `print!`/`eprint!`, which panic when their stream fails.

use std::fmt::Display;
use std::io::{self, BufWriter, ErrorKind, IsTerminal, Write};

/// Standard output for everything a command prints. Write errors come back to the caller as
/// usual; [`Stdout::broken_pipe`] tells afterwards whether one of them was the reader leaving,
/// however many layers (csv, serde_json, anyhow) wrapped it on the way up.
/// On a terminal, control characters in what is printed (file names and log text among it)
/// are shown escaped, so an escape sequence in a file cannot drive the terminal; piped output
/// (CSV, JSON, Markdown) goes through untouched.
pub struct Stdout {
    inner: BufWriter<Watched<TerminalSafe<io::StdoutLock<'static>>>>,
}

impl Stdout {
    pub fn new() -> Self {
        let stdout = io::stdout();
        let escape = stdout.is_terminal();
        Self {
            inner: BufWriter::with_capacity(
                64 << 10,
                Watched {
                    inner: TerminalSafe::new(stdout.lock(), escape),
                    broken_pipe: false,
                },
            ),
        }
    }

    /// Whether a write failed because the reading end of stdout was closed.
    pub fn broken_pipe(&self) -> bool {
        self.inner.get_ref().broken_pipe
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// A writer that notes a broken pipe as it passes by.
struct Watched<W> {
    inner: W,
    broken_pipe: bool,
}

impl<W> Watched<W> {
    fn watch<T>(&mut self, result: io::Result<T>) -> io::Result<T> {
        if let Err(e) = &result {
            self.broken_pipe |= e.kind() == ErrorKind::BrokenPipe;
        }
        result
    }
}

impl<W: Write> Write for Watched<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let result = self.inner.write(buf);
        self.watch(result)
    }

    fn flush(&mut self) -> io::Result<()> {
        let result = self.inner.flush();
        self.watch(result)
    }
}

/// One line on stderr, control characters escaped (it names files and quotes their text).
/// A failing stderr is ignored: there is nowhere left to report it.
pub fn warn(message: impl Display) {
    let _ = writeln!(TerminalSafe::new(io::stderr().lock(), true), "{message}");
}

/// A writer that, when `escape` is set, writes C0 and C1 control characters other than
/// newline and tab as `\u{..}` escapes. It works on bytes (a C1 character's two UTF-8 bytes may
/// arrive in two writes) and passes every other byte through unchanged.
pub struct TerminalSafe<W> {
    inner: W,
    escape: bool,
    /// The last write ended on 0xC2, the first byte of a C1 control or of another character.
    pending_c2: bool,
}

impl<W: Write> TerminalSafe<W> {
    pub fn new(inner: W, escape: bool) -> Self {
        Self {
            inner,
            escape,
            pending_c2: false,
        }
    }
}

impl<W: Write> Write for TerminalSafe<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !self.escape {
            return self.inner.write(buf);
        }
        let mut out = Vec::with_capacity(buf.len());
        for &b in buf {
            if std::mem::take(&mut self.pending_c2) {
                if (0x80..=0x9f).contains(&b) {
                    out.extend_from_slice(format!("\\u{{{b:x}}}").as_bytes());
                    continue;
                }
                out.push(0xc2);
            }
            match b {
                b'\n' | b'\t' => out.push(b),
                0x00..=0x1f | 0x7f => out.extend_from_slice(format!("\\u{{{b:x}}}").as_bytes()),
                0xc2 => self.pending_c2 = true,
                _ => out.push(b),
            }
        }
        self.inner.write_all(&out)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if std::mem::take(&mut self.pending_c2) {
            self.inner.write_all(&[0xc2])?;
        }
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(writes: &[&[u8]]) -> String {
        let mut w = TerminalSafe::new(Vec::new(), true);
        for chunk in writes {
            w.write_all(chunk).unwrap();
        }
        w.flush().unwrap();
        String::from_utf8(w.inner).unwrap()
    }

    #[test]
    fn escape_sequences_are_shown_not_sent_to_the_terminal() {
        // Set the window title, clear the screen, query the cursor: all shown as text.
        let hostile = "run\u{1b}]0;pwned\u{7}\u{1b}[2J\u{1b}[6n.json\n";
        assert_eq!(
            escaped(&[hostile.as_bytes()]),
            "run\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\u{1b}[6n.json\n"
        );
        // C1 controls (CSI as U+009B), even split across two writes; other text untouched.
        let c1 = "a\u{9b}2Jé\tü\u{a0}".as_bytes();
        assert_eq!(escaped(&[c1]), "a\\u{9b}2Jé\tü\u{a0}");
        let (head, tail) = c1.split_at(2);
        assert_eq!(escaped(&[head, tail]), "a\\u{9b}2Jé\tü\u{a0}");
        // Piped output is left exactly as written.
        let mut raw = TerminalSafe::new(Vec::new(), false);
        raw.write_all(hostile.as_bytes()).unwrap();
        assert_eq!(raw.inner, hostile.as_bytes());
    }
}
