//! The readers the walk stacks on each layer: the top-level input counting its bytes, a
//! decoder's output counted against the budget, a member metered against its size limit, an
//! end-of-input flag, and a zstd decoder that checks each frame's checksum.

use std::cell::Cell;
use std::io::{self, BufRead, BufReader, Read, Seek};
use std::rc::Rc;

use super::{Budget, MAX_ZSTD_WINDOW_BYTES};

/// The top-level input, counting bytes read (the "compressed" side of the expansion ratio).
pub(super) struct Counted<R> {
    pub(super) inner: R,
    pub(super) read: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.set(self.read.get() + n as u64);
        Ok(n)
    }
}

impl<R: Seek> Seek for Counted<R> {
    fn seek(&mut self, pos: io::SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// A decoder's output: counted against the budget; its first error kept (the layer's fault).
pub(super) struct Decoded<'r, 'b> {
    pub(super) inner: Box<dyn Read + 'r>,
    pub(super) budget: &'b Budget,
    pub(super) path: &'r str,
    pub(super) fault: Option<io::Error>,
}

impl Read for Decoded<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.inner.read(buf) {
            Ok(n) => {
                self.budget.inflate(n, self.path)?;
                Ok(n)
            }
            Err(e) => {
                if self.fault.is_none() && !self.budget.halted() {
                    self.fault = Some(io::Error::new(e.kind(), e.to_string()));
                }
                Err(e)
            }
        }
    }
}

/// A zip member's output: counted against the budget and the member limit.
pub(super) struct Meter<'r, 'b> {
    pub(super) inner: &'r mut dyn Read,
    pub(super) budget: &'b Budget,
    pub(super) path: &'r str,
    pub(super) read: u64,
    pub(super) over: bool,
}

impl Read for Meter<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.budget.limits.member_bytes {
            self.over = true;
            return Err(io::Error::other("member size limit"));
        }
        self.budget.inflate(n, self.path)?;
        Ok(n)
    }
}

/// A source that remembers reaching its end (to tell a truncated zstd stream from a corrupt one).
pub(super) struct EofFlag<R> {
    pub(super) inner: R,
    pub(super) eof: bool,
}

impl<R: Read> Read for EofFlag<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            self.eof = true;
        }
        Ok(n)
    }
}

/// zstd frames one after another (skippable frames skipped), each frame's content checksum
/// verified, windows over [`MAX_ZSTD_WINDOW_BYTES`] refused.
pub(super) struct ZstdReader<R> {
    pub(super) src: EofFlag<BufReader<R>>,
    pub(super) decoder: ruzstd::decoding::FrameDecoder,
    pub(super) in_frame: bool,
}

impl<R: Read> ZstdReader<R> {
    pub(super) fn new(inner: R) -> Self {
        let mut decoder = ruzstd::decoding::FrameDecoder::new();
        decoder.set_max_window_size(MAX_ZSTD_WINDOW_BYTES);
        Self {
            src: EofFlag {
                inner: BufReader::with_capacity(64 << 10, inner),
                eof: false,
            },
            decoder,
            in_frame: false,
        }
    }

    fn error(&self, e: impl std::fmt::Display) -> io::Error {
        let kind = if self.src.eof {
            io::ErrorKind::UnexpectedEof
        } else {
            io::ErrorKind::InvalidData
        };
        io::Error::new(kind, e.to_string())
    }
}

impl<R: Read> Read for ZstdReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        use ruzstd::decoding::errors::{FrameDecoderError, ReadFrameHeaderError};
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if self.in_frame {
                let n = self.decoder.read(buf)?;
                if n > 0 {
                    return Ok(n);
                }
                if !self.decoder.is_finished() {
                    if let Err(e) = self.decoder.decode_blocks(
                        &mut self.src,
                        ruzstd::decoding::BlockDecodingStrategy::UptoBytes(256 << 10),
                    ) {
                        return Err(self.error(e));
                    }
                    continue;
                }
                if let Some(stored) = self.decoder.get_checksum_from_data() {
                    let computed = self.decoder.get_calculated_checksum();
                    if computed != Some(stored) {
                        return Err(io::Error::new(
                            io::ErrorKind::InvalidData,
                            "zstd frame checksum does not match its content",
                        ));
                    }
                }
                self.in_frame = false;
            }
            if self.src.inner.fill_buf()?.is_empty() {
                return Ok(0);
            }
            match self.decoder.reset(&mut self.src) {
                Ok(()) => self.in_frame = true,
                Err(e @ FrameDecoderError::WindowSizeTooBig { .. }) => {
                    return Err(io::Error::new(io::ErrorKind::OutOfMemory, e.to_string()));
                }
                Err(FrameDecoderError::ReadFrameHeaderError(ReadFrameHeaderError::SkipFrame {
                    length,
                    ..
                })) => {
                    let skipped =
                        io::copy(&mut (&mut self.src).take(length as u64), &mut io::sink())?;
                    if skipped < length as u64 {
                        return Err(self.error("skippable frame cut short"));
                    }
                }
                Err(e) => return Err(self.error(e)),
            }
        }
    }
}
