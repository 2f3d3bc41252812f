//! The progress bar on stderr while inputs are read: bytes read of the total, MB/s and the file
//! being read. Drawn only when stderr is a terminal and the input is large enough to wait for;
//! otherwise every call is a no-op, so scripts and tests never see it.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use runlens_core::Progress;

use crate::output::warn;

/// Inputs smaller than this are read too fast for a bar to be worth drawing.
const MIN_BYTES: u64 = 64 << 20;

const TEMPLATE: &str =
    "{spinner} [{elapsed_precise}] {bar:30} {decimal_bytes}/{decimal_total_bytes} \
     {decimal_bytes_per_sec} {wide_msg}";

pub struct Bar(Option<ProgressBar>);

impl Bar {
    /// A bar for `total` input bytes; hidden unless stderr is a terminal.
    pub fn new(total: u64) -> Self {
        if total < MIN_BYTES || !std::io::stderr().is_terminal() {
            return Bar(None);
        }
        let style = ProgressStyle::with_template(TEMPLATE)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
            .with_style(style);
        // Keeps the spinner and the clock moving while one large file is parsed.
        bar.enable_steady_tick(Duration::from_millis(120));
        Bar(Some(bar))
    }

    /// Show what the core reports while it reads.
    pub fn update(&self, p: &Progress) {
        if let Some(bar) = &self.0 {
            bar.set_length(p.bytes_total.max(p.bytes_done));
            bar.set_position(p.bytes_done);
            bar.set_message(p.current.clone());
        }
    }

    /// A warning on stderr that does not tear the bar.
    pub fn warn(&self, message: impl std::fmt::Display) {
        match &self.0 {
            Some(bar) => bar.suspend(|| warn(message)),
            None => warn(message),
        }
    }

    /// Remove the bar, leaving stderr as it was.
    pub fn finish(self) {
        if let Some(bar) = self.0 {
            bar.finish_and_clear();
        }
    }
}
