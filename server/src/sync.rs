//! The sync endpoints' logic, written once for every backend: push (authorise, deduplicate, merge,
//! log) and pull (the changes a practitioner may see, in log order).

use crate::db::{Tx, Val};
use crate::error::ServerError;
use doorstep_core::domain::{ChainHead, DeviceId};
use doorstep_core::sync::merge::{Delta, Stamped, Stamps};
use doorstep_core::sync::protocol::{
    Change, OpResult, Operation, PullResponse, MAX_PULL_BYTES, MAX_PULL_LIMIT,
};
use doorstep_core::sync::Hlc;
use serde_json::Value;
use std::collections::BTreeMap;

mod authorship;
mod batch;
mod push;
#[cfg(test)]
mod tests;

pub use push::{push_batch, push_batch_with_json, push_one};

/// The device id the server signs its own changes with (allocation changes, snapshots).
pub fn server_device() -> DeviceId {
    DeviceId(uuid::Uuid::nil())
}

const KINDS: [&str; 5] = ["household", "person", "case", "visit", "note"];

fn reject(op: &Operation, code: &str, reason: &str) -> OpResult {
    OpResult::Rejected {
        op_id: op.op_id,
        code: code.into(),
        reason: reason.into(),
    }
}

/// The next change-log sequence number. The row lock serialises writers until commit.
pub fn next_seq(tx: &mut dyn Tx) -> Result<i64, ServerError> {
    tx.query_opt(
        "UPDATE counters SET value = value + 1 WHERE name = 'seq' RETURNING value",
        &[],
    )?
    .and_then(|r| r[0].int())
    .ok_or(ServerError::Internal("sequence counter missing"))
}

fn allocated(tx: &mut dyn Tx, case: &str, practitioner: &str) -> Result<bool, ServerError> {
    Ok(tx
        .query_opt(
            "SELECT 1 FROM allocations WHERE case_id = $1 AND practitioner_id = $2",
            &[Val::from(case), Val::from(practitioner)],
        )?
        .is_some())
}

fn household_access(
    tx: &mut dyn Tx,
    household: &str,
    practitioner: &str,
) -> Result<bool, ServerError> {
    Ok(tx
        .query_opt(
            "SELECT 1 FROM household_access WHERE household_id = $1 AND practitioner_id = $2",
            &[Val::from(household), Val::from(practitioner)],
        )?
        .is_some())
}

/// Gives `practitioner` access to a household.
pub fn grant_household(
    tx: &mut dyn Tx,
    household: &str,
    practitioner: &str,
) -> Result<(), ServerError> {
    tx.exec(
        "INSERT INTO household_access (household_id, practitioner_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        &[Val::from(household), Val::from(practitioner)],
    )?;
    Ok(())
}

/// Allocates a case to `practitioner` (and so its household).
pub fn grant_case(
    tx: &mut dyn Tx,
    case: &str,
    household: &str,
    practitioner: &str,
) -> Result<(), ServerError> {
    tx.exec(
        "INSERT INTO allocations (case_id, practitioner_id, household_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        &[Val::from(case), Val::from(practitioner), Val::from(household)],
    )?;
    grant_household(tx, household, practitioner)
}

/// The sealed columns: a record's fields and stamps, a change's operation.
pub(crate) const FIELDS: &str = "records.fields";
pub(crate) const STAMPS: &str = "records.stamps";
pub(crate) const OP: &str = "changes.op";

/// A change's operation as stored: sealed, bound to its sequence number.
pub(crate) fn seal_op(tx: &dyn Tx, seq: i64, body: &str) -> Result<String, ServerError> {
    tx.sealer().seal(OP, &seq.to_string(), body)
}

/// A stored change's operation, opened.
pub(crate) fn open_op(tx: &dyn Tx, seq: i64, sealed: &str) -> Result<String, ServerError> {
    tx.sealer().open(OP, &seq.to_string(), sealed)
}

/// A record's fields and stamps (JSON) as stored: sealed, bound to the record's id.
pub(crate) fn seal_record(
    tx: &dyn Tx,
    id: &str,
    fields: &str,
    stamps: &str,
) -> Result<(String, String), ServerError> {
    let s = tx.sealer();
    Ok((s.seal(FIELDS, id, fields)?, s.seal(STAMPS, id, stamps)?))
}

/// A stored record's fields and stamps, opened and parsed.
pub(crate) fn open_record(
    tx: &dyn Tx,
    id: &str,
    fields: &str,
    stamps: &str,
) -> Result<(BTreeMap<String, Value>, Stamps), ServerError> {
    let s = tx.sealer();
    let fields = serde_json::from_str(&s.open(FIELDS, id, fields)?)
        .map_err(|_| ServerError::Internal("stored fields unreadable"))?;
    let stamps = serde_json::from_str(&s.open(STAMPS, id, stamps)?)
        .map_err(|_| ServerError::Internal("stored stamps unreadable"))?;
    Ok((fields, stamps))
}

/// A stored record's replicated state.
pub struct StoredRecord {
    /// Kind.
    pub kind: String,
    /// Household scope.
    pub household_id: String,
    /// Case scope.
    pub case_id: Option<String>,
    /// Parent id.
    pub parent_id: Option<String>,
    /// Flattened fields.
    pub fields: BTreeMap<String, Value>,
    /// Per-field stamps.
    pub stamps: Stamps,
}

/// Loads a record's replicated state.
pub fn load_record(tx: &mut dyn Tx, id: &str) -> Result<Option<StoredRecord>, ServerError> {
    let Some(row) = tx.query_opt(
        "SELECT kind, household_id, case_id, parent_id, fields, stamps FROM records WHERE id = $1",
        &[Val::from(id)],
    )?
    else {
        return Ok(None);
    };
    let text = |v: &Val| v.text().map(str::to_string);
    let (fields, stamps) = open_record(
        tx,
        id,
        row[4].text().unwrap_or_default(),
        row[5].text().unwrap_or_default(),
    )?;
    Ok(Some(StoredRecord {
        kind: text(&row[0]).unwrap_or_default(),
        household_id: text(&row[1]).unwrap_or_default(),
        case_id: text(&row[2]),
        parent_id: text(&row[3]),
        fields,
        stamps,
    }))
}

/// The head of `device`'s note chain on `case`, from the notes stored (for a chain the server
/// has no head row for: notes applied before heads were kept).
pub(crate) fn chain_head_from_notes(
    tx: &mut dyn Tx,
    case: &str,
    device: &str,
) -> Result<ChainHead, ServerError> {
    let rows = tx.query(
        "SELECT id, fields, stamps FROM records WHERE kind = 'note' AND case_id = $1",
        &[Val::from(case)],
    )?;
    let mut head = ChainHead::default();
    for row in rows {
        let text = |i: usize| row[i].text().unwrap_or_default();
        let (fields, _) = open_record(tx, text(0), text(1), text(2))?;
        if fields.get("device_id").and_then(Value::as_str) != Some(device) {
            continue;
        }
        let Ok(note) = serde_json::from_value::<doorstep_core::domain::Note>(Value::Object(
            fields.into_iter().collect(),
        )) else {
            continue;
        };
        if note.position + 1 > head.count {
            head = note.head();
        }
    }
    Ok(head)
}

/// Appends one of the server's own changes to the log (`vouched`: the practitioner the server
/// vouches wrote what it carries, for a snapshot of a note).
pub fn log_change(
    tx: &mut dyn Tx,
    seq: i64,
    op: &Operation,
    vouched: Option<String>,
) -> Result<(), ServerError> {
    let body = serde_json::to_string(op).map_err(|_| ServerError::Internal("encode op"))?;
    let body = seal_op(tx, seq, &body)?;
    tx.exec(
        "INSERT INTO changes (seq, household_id, case_id, op, origin, vouched) VALUES ($1, $2, $3, $4, NULL, $5)",
        &[
            Val::Int(seq),
            Val::Text(op.household_id.to_string()),
            Val::opt_text(op.case_id.map(|c| c.to_string())),
            Val::Text(body),
            Val::opt_text(vouched),
        ],
    )?;
    Ok(())
}

/// Checks the operation's envelope is self-consistent.
fn envelope_error(op: &Operation) -> Option<&'static str> {
    if !KINDS.contains(&op.kind.as_str()) {
        return Some("unknown record kind");
    }
    if op.delta.is_empty() {
        return Some("empty change");
    }
    let case_scoped = matches!(op.kind.as_str(), "case" | "visit" | "note");
    if case_scoped != op.case_id.is_some() {
        return Some("case scope missing or unexpected");
    }
    if op.kind == "case" && op.case_id != Some(op.record_id) {
        return Some("a case is its own scope");
    }
    if op.kind == "household" && op.household_id != op.record_id {
        return Some("a household is its own scope");
    }
    None
}

/// The changes after `since` that device `device` of `practitioner` may see, at most `limit` and
/// about [`MAX_PULL_BYTES`] (a page holds at least one change), without the device's own
/// operations (it has them already: no echo).
///
/// The log head is read first: writers take sequence numbers under the counter row's lock and hold
/// it until they commit, so every change numbered up to the head is already visible. Reading only
/// up to it means a change committed during this pull is never skipped by the cursor.
pub fn pull(
    tx: &mut dyn Tx,
    practitioner: &str,
    device: &str,
    since: i64,
    limit: u32,
) -> Result<PullResponse, ServerError> {
    let limit = limit.clamp(1, MAX_PULL_LIMIT);
    let head = tx
        .query_opt("SELECT value FROM counters WHERE name = 'seq'", &[])?
        .and_then(|r| r[0].int())
        .ok_or(ServerError::Internal("sequence counter missing"))?;
    let rows = tx.query(
        "SELECT seq, op, vouched FROM changes WHERE seq > $1 AND seq <= $2 AND ( \
           (case_id IS NOT NULL AND case_id IN (SELECT case_id FROM allocations WHERE practitioner_id = $3)) \
           OR (case_id IS NULL AND household_id IN (SELECT household_id FROM household_access WHERE practitioner_id = $3)) \
         ) AND (origin IS NULL OR origin <> $5) ORDER BY seq LIMIT $4",
        &[Val::Int(since), Val::Int(head), Val::from(practitioner), Val::Int(i64::from(limit) + 1), Val::from(device)],
    )?;
    let mut more = rows.len() > limit as usize;
    let mut changes = Vec::with_capacity(rows.len().min(limit as usize));
    let mut bytes = 0usize;
    for row in rows.into_iter().take(limit as usize) {
        let seq = row[0].int().ok_or(ServerError::Internal("change seq"))?;
        let text = open_op(tx, seq, row[1].text().unwrap_or_default())?;
        if !changes.is_empty() && bytes + text.len() > MAX_PULL_BYTES {
            more = true;
            break;
        }
        bytes += text.len();
        let op: Operation = serde_json::from_str(&text)
            .map_err(|_| ServerError::Internal("stored change unreadable"))?;
        let vouched = row[2]
            .text()
            .map(|p| p.parse())
            .transpose()
            .map_err(|_| ServerError::Internal("stored practitioner id"))?;
        changes.push(Change { seq, op, vouched });
    }
    let next_cursor = match changes.last() {
        Some(last) if more => last.seq,
        _ => head.max(since),
    };
    Ok(PullResponse {
        changes,
        next_cursor,
        more,
        lone_working: None,
    })
}

/// A server-signed stamp later than every stamp in `stamps` and than `now`.
pub fn server_hlc(stamps: &Stamps, now: i64) -> Hlc {
    let latest = stamps.values().map(|h| h.millis).max().unwrap_or(0);
    Hlc {
        millis: latest
            .saturating_add(1)
            .max(u64::try_from(now).unwrap_or(0)),
        counter: 0,
        device: server_device(),
    }
}

/// Applies a change the server itself makes to a stored case (an allocation, a supervision
/// record): merged into the case, sealed again, and logged as the server's own operation, so
/// every device allocated the case pulls it through the changes feed.
pub fn apply_server_case_change(
    tx: &mut dyn Tx,
    case: &str,
    mut rec: StoredRecord,
    delta: Delta,
    hlc: Hlc,
) -> Result<(), ServerError> {
    doorstep_core::sync::merge::apply("case", &mut rec.fields, &mut rec.stamps, &delta);
    let seq = next_seq(tx)?;
    let parse = |s: &str| uuid::Uuid::parse_str(s).map_err(|_| ServerError::Internal("stored id"));
    let op = Operation {
        op_id: uuid::Uuid::new_v4(),
        device_id: server_device(),
        hlc,
        kind: "case".into(),
        record_id: parse(case)?,
        household_id: parse(&rec.household_id)?,
        case_id: Some(parse(case)?),
        parent_id: rec.parent_id.as_deref().map(parse).transpose()?,
        delta,
    };
    let fields = serde_json::to_string(&rec.fields).map_err(|_| ServerError::Internal("encode"))?;
    let stamps = serde_json::to_string(&rec.stamps).map_err(|_| ServerError::Internal("encode"))?;
    let (fields, stamps) = seal_record(tx, case, &fields, &stamps)?;
    tx.exec(
        "UPDATE records SET fields = $1, stamps = $2, seq = $3 WHERE id = $4",
        &[
            Val::Text(fields),
            Val::Text(stamps),
            Val::Int(seq),
            Val::from(case),
        ],
    )?;
    log_change(tx, seq, &op, None)
}

/// A snapshot of a stored record as one operation (used when a case is newly allocated, so the
/// practitioner receives the child's whole history — shared in time).
pub fn snapshot_op(id: &str, rec: &StoredRecord) -> Result<Operation, ServerError> {
    let mut delta = Delta::new();
    for (k, v) in &rec.fields {
        if let Some(h) = rec.stamps.get(k) {
            delta.insert(
                k.clone(),
                Stamped {
                    value: v.clone(),
                    hlc: *h,
                },
            );
        }
    }
    let parse = |s: &str| uuid::Uuid::parse_str(s).map_err(|_| ServerError::Internal("stored id"));
    let hlc = rec
        .stamps
        .values()
        .max()
        .copied()
        .unwrap_or(Hlc::zero(server_device()));
    Ok(Operation {
        op_id: uuid::Uuid::new_v4(),
        device_id: server_device(),
        hlc,
        kind: rec.kind.clone(),
        record_id: parse(id)?,
        household_id: parse(&rec.household_id)?,
        case_id: rec.case_id.as_deref().map(parse).transpose()?,
        parent_id: rec.parent_id.as_deref().map(parse).transpose()?,
        delta,
    })
}
