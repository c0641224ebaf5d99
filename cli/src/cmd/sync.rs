//! `sync`: send this device's queued changes to the sync server and receive the changes on the
//! cases its practitioner is allocated to. The server address and token were stored at enrolment.

use crate::context::Ctx;
use crate::outln;
use crate::progress::ProgressLine;
use anyhow::{bail, Result};
use doorstep_core::store::{SyncOptions, SyncReport};
use doorstep_core::sync::http::UreqTransport;
use doorstep_core::StoreError;

/// How to enrol, for a store that is not enrolled.
pub const HOW_TO_ENROL: &str = "this store is not enrolled with a sync server: create an enrolled \
store with `doorstep init --server URL --enrol-code CODE` (ask your administrator for a code)";

/// The summary of one sync, for `--json`.
#[derive(Debug, serde::Serialize)]
pub struct Summary {
    /// Changes the server accepted (or already had).
    pub sent: u64,
    /// Changes received from the server.
    pub received: u64,
    /// Changes the server refused in this sync (parked: see `doorstep queue`).
    pub parked: u64,
    /// Changes still waiting to be sent.
    pub remaining: u64,
    /// Changes from the server that could not be applied and were skipped.
    pub skipped: u64,
    /// Parked changes in the queue in all, waiting for attention.
    pub needs_attention: usize,
    /// Changes held back because this device's clock is ahead of the server's.
    pub held: u64,
}

/// Runs a sync.
pub fn run(ctx: &Ctx) -> Result<()> {
    let store = ctx.open()?;
    if !store.queue_status()?.enrolled {
        bail!(HOW_TO_ENROL);
    }
    let progress = ProgressLine::new();
    progress.status("Contacting the sync server...");
    let result = store.sync(
        &UreqTransport::default(),
        Some(&progress),
        SyncOptions::default(),
    );
    progress.finish();
    let report = match result {
        Ok(r) => r,
        Err(StoreError::NotEnrolled) => bail!(HOW_TO_ENROL),
        Err(e) => return Err(e.into()),
    };
    let needs_attention = store.queue_status()?.parked.len();
    let summary = summary(&report, needs_attention);
    ctx.out.emit(&summary, || print_summary(&summary))
}

/// The summary of a sync report.
pub fn summary(r: &SyncReport, needs_attention: usize) -> Summary {
    Summary {
        sent: r.progress.sent,
        received: r.progress.received,
        parked: r.parked,
        remaining: r.progress.remaining,
        skipped: r.skipped,
        needs_attention,
        held: r.held,
    }
}

/// Prints a sync summary.
pub fn print_summary(s: &Summary) {
    outln!(
        "Synced: sent {}, received {}, parked {}, remaining {}.",
        s.sent,
        s.received,
        s.parked,
        s.remaining
    );
    if s.skipped > 0 {
        outln!(
            "{} change(s) from the server could not be applied and were skipped.",
            s.skipped
        );
    }
    if s.held > 0 {
        outln!(
            "{} change(s) held back: this device's date and time are ahead of the server's. \
             Correct the date and time, then sync again; nothing is lost.",
            s.held
        );
    }
    if s.needs_attention > 0 {
        outln!(
            "{} change(s) need attention: see `doorstep queue`.",
            s.needs_attention
        );
    }
}
