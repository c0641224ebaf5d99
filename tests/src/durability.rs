//! What the durability writer and the kill -9 test agree on.

use doorstep_core::domain::VisitId;

/// The environment variable holding the writer's key provider key, in hex.
pub const KEY_ENV: &str = "DOORSTEP_TEST_KEY";

/// The concern text the writer records on completing visit `id`, checked after recovery.
pub fn concern_for(id: VisitId) -> String {
    format!("concern for visit {id}")
}

/// The concern text of the draft the writer saved on visit `id` with `token`.
pub fn draft_text(id: VisitId, token: u64) -> String {
    format!("draft {token} of visit {id}")
}

/// One acknowledged action: `ACK <n> <kind> <id>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ack {
    /// The writer's action counter (per process).
    pub n: u64,
    /// household, person, case, plan, complete, noaccess, draft, note or amend.
    pub kind: String,
    /// The id of the record made or changed.
    pub id: String,
}

/// Parses one complete output line of the writer.
pub fn parse_ack(line: &str) -> Option<Ack> {
    let mut parts = line.split_whitespace();
    if parts.next()? != "ACK" {
        return None;
    }
    let n = parts.next()?.parse().ok()?;
    let kind = parts.next()?.to_string();
    let id = parts.next()?.to_string();
    if parts.next().is_some() {
        return None;
    }
    Some(Ack { n, kind, id })
}
