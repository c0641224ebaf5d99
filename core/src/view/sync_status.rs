//! The sync screen: is everything sent, and what needs the practitioner's attention.

use super::labels::time_label;
use crate::domain::CaseId;
use crate::store::QueueStatus;

/// A change the server refused for good: it waits for the practitioner, never blocks the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttentionItem {
    /// The queued operation's id.
    pub op_id: String,
    /// What kind of record it changes, in words ("visit", "case note").
    pub what: String,
    /// The case it belongs to, if any.
    pub case_id: Option<CaseId>,
    /// The server's stable refusal code.
    pub code: String,
    /// The server's reason, for the practitioner.
    pub reason: String,
}

/// The sync status, ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncStatusView {
    /// The device is enrolled with a server.
    pub enrolled: bool,
    /// Changes waiting to be sent.
    pub pending: i64,
    /// When the last sync finished, in words.
    pub last_sync_label: Option<String>,
    /// One line for the status bar ("All changes sent", "3 changes waiting to be sent").
    pub summary: String,
    /// Everything is on the server.
    pub all_sent: bool,
    /// Refused changes, for the "needs attention" list.
    pub needs_attention: Vec<AttentionItem>,
}

fn what(kind: &str) -> String {
    match kind {
        "note" => "case note",
        "household" => "household",
        "person" => "person",
        "case" => "case",
        "visit" => "visit",
        _ => "record",
    }
    .into()
}

impl SyncStatusView {
    /// Builds the view from the queue's status.
    pub fn build(q: &QueueStatus) -> Self {
        let needs_attention: Vec<AttentionItem> = q
            .parked
            .iter()
            .filter_map(|p| {
                p.parked.as_ref().map(|why| AttentionItem {
                    op_id: p.op.op_id.to_string(),
                    what: what(&p.op.kind),
                    case_id: p.op.case_id.map(CaseId),
                    code: why.code.clone(),
                    reason: why.reason.clone(),
                })
            })
            .collect();
        let n = needs_attention.len();
        let summary = if !q.enrolled {
            "Not connected to a server: records stay on this phone.".to_string()
        } else if q.pending == 0 && n == 0 {
            "All changes sent.".to_string()
        } else {
            let mut parts = Vec::new();
            if q.pending > 0 {
                let s = if q.pending == 1 { "" } else { "s" };
                parts.push(format!("{} change{s} waiting to be sent", q.pending));
            }
            if n > 0 {
                let s = if n == 1 { "" } else { "s" };
                parts.push(format!(
                    "{n} change{s} need{} attention",
                    if n == 1 { "s" } else { "" }
                ));
            }
            let mut text = parts.join("; ");
            text.push('.');
            text
        };
        Self {
            enrolled: q.enrolled,
            pending: i64::try_from(q.pending).unwrap_or(i64::MAX),
            last_sync_label: q.last_sync.map(time_label),
            summary,
            all_sent: q.enrolled && q.pending == 0 && n == 0,
            needs_attention,
        }
    }
}
