//! `queue`: what is waiting to be sent, when the device last synced, and the changes the server
//! refused, which need attention.

use crate::context::Ctx;
use crate::outln;
use crate::output::{print_table, short, table};
use anyhow::Result;
use doorstep_core::store::QueueStatus;
use doorstep_core::time::local_display;

/// A refused change, without its contents (the contents are the records themselves).
#[derive(Debug, serde::Serialize)]
pub struct NeedsAttention {
    /// The record kind: household, person, case, visit or note.
    pub kind: String,
    /// The record's id.
    pub record_id: String,
    /// The server's code.
    pub code: String,
    /// The server's reason.
    pub reason: String,
}

/// The queue, for `--json`.
#[derive(Debug, serde::Serialize)]
pub struct QueueView {
    /// Whether the store is enrolled with a sync server.
    pub enrolled: bool,
    /// Changes waiting to be sent.
    pub pending: u64,
    /// When the last sync finished (UTC, RFC 3339), if ever.
    pub last_sync: Option<chrono::DateTime<chrono::Utc>>,
    /// The same, in UK local time, for people.
    pub last_sync_local: Option<String>,
    /// Changes the server refused.
    pub needs_attention: Vec<NeedsAttention>,
}

/// The view of a queue status.
pub fn view(q: &QueueStatus) -> QueueView {
    QueueView {
        enrolled: q.enrolled,
        pending: q.pending,
        last_sync: q.last_sync,
        last_sync_local: q.last_sync.map(local_display),
        needs_attention: q
            .parked
            .iter()
            .filter_map(|p| {
                p.parked.as_ref().map(|why| NeedsAttention {
                    kind: p.op.kind.clone(),
                    record_id: p.op.record_id.to_string(),
                    code: why.code.clone(),
                    reason: why.reason.clone(),
                })
            })
            .collect(),
    }
}

/// Shows the queue.
pub fn run(ctx: &Ctx) -> Result<()> {
    let store = ctx.open()?;
    let v = view(&store.queue_status()?);
    ctx.out.emit(&v, || print_queue(&v))
}

/// Prints the queue.
pub fn print_queue(v: &QueueView) {
    if !v.enrolled {
        outln!("Not enrolled with a sync server: changes are kept on this device only.");
    }
    outln!("Waiting to be sent: {}", v.pending);
    outln!(
        "Last sync: {}",
        v.last_sync_local.as_deref().unwrap_or("never")
    );
    let mut t = table(&["Kind", "Record", "Code", "Reason"]);
    for n in &v.needs_attention {
        t.add_row(vec![
            n.kind.clone(),
            short(&n.record_id),
            n.code.clone(),
            n.reason.clone(),
        ]);
    }
    outln!("Needs attention: {}", v.needs_attention.len());
    print_table(&t, "Nothing needs attention.");
}
