//! A one-line sync progress display on stderr, redrawn with `\r`; silent when stderr is not a
//! terminal, so scripts and `--json` output stay clean.

use doorstep_core::store::{SyncObserver, SyncProgress};
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Draws sync progress on a terminal's stderr.
#[derive(Debug)]
pub struct ProgressLine {
    enabled: bool,
    drawn: AtomicBool,
}

impl ProgressLine {
    /// A progress line, active only when stderr is a terminal.
    pub fn new() -> Self {
        Self {
            enabled: std::io::stderr().is_terminal(),
            drawn: AtomicBool::new(false),
        }
    }

    /// Shows a status before the first progress report.
    pub fn status(&self, text: &str) {
        self.draw(text);
    }

    fn draw(&self, text: &str) {
        if !self.enabled {
            return;
        }
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{text}");
        let _ = err.flush();
        self.drawn.store(true, Ordering::SeqCst);
    }

    /// Clears the line so the summary starts on a clean line.
    pub fn finish(&self) {
        if self.enabled && self.drawn.swap(false, Ordering::SeqCst) {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}

impl Default for ProgressLine {
    fn default() -> Self {
        Self::new()
    }
}

impl SyncObserver for ProgressLine {
    fn progress(&self, p: SyncProgress) {
        let total = p.sent + p.remaining;
        let bar = bar(p.sent, total, 24);
        self.draw(&format!(
            "Syncing [{bar}] sent {}/{total}, received {}",
            p.sent, p.received
        ));
    }
}

/// A text bar `width` characters wide, `done` of `total` filled.
fn bar(done: u64, total: u64, width: usize) -> String {
    let filled = done
        .saturating_mul(width as u64)
        .checked_div(total)
        .map_or(width, |f| usize::try_from(f).unwrap_or(width))
        .min(width);
    format!("{}{}", "#".repeat(filled), "-".repeat(width - filled))
}

#[cfg(test)]
mod tests {
    use super::bar;

    #[test]
    fn bar_fills_in_proportion() {
        assert_eq!(bar(0, 4, 8), "--------");
        assert_eq!(bar(2, 4, 8), "####----");
        assert_eq!(bar(9, 4, 8), "########");
        assert_eq!(bar(0, 0, 4), "####");
    }
}
