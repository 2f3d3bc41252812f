//! Where the printers write: a buffered stdout that remembers whether its reader went away
//! (a broken pipe ends the program quietly with status 0), and `warn` for stderr. Nothing in
//! the binary uses `print!`/`eprint!`, which panic when their stream fails.

use std::fmt::Display;
use std::io::{self, BufWriter, ErrorKind, Write};

/// Standard output for everything a command prints. Write errors come back to the caller as
/// usual; [`Stdout::broken_pipe`] tells afterwards whether one of them was the reader leaving,
/// however many layers (csv, serde_json, anyhow) wrapped it on the way up.
pub struct Stdout {
    inner: BufWriter<Watched<io::StdoutLock<'static>>>,
}

impl Stdout {
    pub fn new() -> Self {
        Self {
            inner: BufWriter::with_capacity(
                64 << 10,
                Watched {
                    inner: io::stdout().lock(),
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

/// One line on stderr. A failing stderr is ignored: there is nowhere left to report it.
pub fn warn(message: impl Display) {
    let _ = writeln!(io::stderr().lock(), "{message}");
}

/// `text` with control characters (terminal escape sequences among them) shown escaped, for
/// printing names and values read from files to a terminal.
pub fn terminal_safe(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}
