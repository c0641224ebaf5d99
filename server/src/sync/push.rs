//! Push: applies a device's batch of operations in order, one result each (authorise,
//! deduplicate, merge, log). The batch's op ids and records are read in a few statements up front,
//! and its rows are written in multi-row inserts at the end, in the same transaction.

use super::authorship::{case_author_error, check_note, oversized};
use super::batch::{json, Batch};
use super::{envelope_error, grant_case, grant_household, reject, StoredRecord};
use crate::auth::DeviceAuth;
use crate::db::Tx;
use crate::error::ServerError;
use crate::lone_working::track::{on_visit_change, VisitScope};
use doorstep_core::sync::merge::{self, Delta, Stamped, Stamps};
use doorstep_core::sync::protocol::{OpResult, Operation};
use doorstep_core::sync::MAX_DRIFT_MILLIS;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// The latest stamp a push accepts at `now`: later is a device clock too far ahead.
fn clock_limit(now: i64) -> u64 {
    u64::try_from(now)
        .unwrap_or(0)
        .saturating_add(MAX_DRIFT_MILLIS)
}

fn clock_ahead(op: &Operation, limit: u64) -> bool {
    op.hlc.millis > limit || op.delta.values().any(|s| s.hlc.millis > limit)
}

/// Applies a batch of operations in order, one result each. Never fails for a bad operation: that
/// is a `Rejected` result, which the device parks. Fails only for storage errors (the whole batch
/// is then rolled back and retried by the device).
pub fn push_batch(
    tx: &mut dyn Tx,
    auth: &DeviceAuth,
    ops: &[Operation],
    now: i64,
) -> Result<Vec<OpResult>, ServerError> {
    push_batch_with_json(tx, auth, ops, None, now)
}

/// [`push_batch`] for operations decoded from `json` (each operation's text as received, in the
/// same order): an operation the server applies unchanged is logged as that text, not encoded
/// again. Pulls decode the logged text, so devices receive the same operation either way.
pub fn push_batch_with_json(
    tx: &mut dyn Tx,
    auth: &DeviceAuth,
    ops: &[Operation],
    json: Option<&[&str]>,
    now: i64,
) -> Result<Vec<OpResult>, ServerError> {
    if json.is_some_and(|j| j.len() != ops.len()) {
        return Err(ServerError::Internal("operation text missing"));
    }
    let mut batch = Batch::default();
    if ops.is_empty() {
        return Ok(Vec::new());
    }
    // Take the change-log counter row's lock before anything is read: identical pushes racing
    // each other then run one after the other, and the second sees the first's op ids (a
    // `Duplicate`, never a unique-key violation). SQLite's write transactions are already serial.
    tx.exec("UPDATE counters SET value = value WHERE name = 'seq'", &[])?;
    let own: Vec<(&Operation, String)> = ops
        .iter()
        .filter_map(|op| {
            let device = op.device_id.to_string();
            (device == auth.device_id).then(|| (op, op.op_id.to_string()))
        })
        .collect();
    let ids: Vec<&str> = own.iter().map(|(_, id)| id.as_str()).collect();
    batch.prefetch_ops(tx, &ids)?;
    // Operations that may be applied: their sequence numbers are reserved before any record is
    // read, so the counter row's lock (held until commit) keeps the records read here current.
    let limit = clock_limit(now);
    let candidates: Vec<&Operation> = own
        .iter()
        .filter(|(op, id)| {
            !batch.is_known_applied(id) && envelope_error(op).is_none() && !clock_ahead(op, limit)
        })
        .map(|(op, _)| *op)
        .collect();
    if !candidates.is_empty() {
        batch.reserve(tx, candidates.len() as i64)?;
        let mut wanted: Vec<String> = Vec::with_capacity(candidates.len() + 8);
        for op in &candidates {
            wanted.push(op.record_id.to_string());
            if let Some(c) = op.case_id.filter(|c| *c != op.record_id) {
                wanted.push(c.to_string());
            }
        }
        wanted.sort_unstable();
        wanted.dedup();
        let wanted: Vec<&str> = wanted.iter().map(String::as_str).collect();
        batch.prefetch_records(tx, &wanted)?;
    }
    let mut out = Vec::with_capacity(ops.len());
    for (i, op) in ops.iter().enumerate() {
        let remaining = (ops.len() - i) as i64;
        let text = json.and_then(|j| j.get(i).copied());
        out.push(push_with(tx, auth, op, text, now, &mut batch, remaining)?);
    }
    batch.flush(tx, auth, now)?;
    Ok(out)
}

/// Applies one operation from an authenticated device (a batch of one).
pub fn push_one(
    tx: &mut dyn Tx,
    auth: &DeviceAuth,
    op: &Operation,
    now: i64,
) -> Result<OpResult, ServerError> {
    push_batch(tx, auth, std::slice::from_ref(op), now)?
        .pop()
        .ok_or(ServerError::Internal("no result"))
}

fn not_allocated(op: &Operation) -> OpResult {
    reject(op, "not_allocated", "this case is not allocated to you")
}

fn push_with(
    tx: &mut dyn Tx,
    auth: &DeviceAuth,
    op: &Operation,
    text: Option<&str>,
    now: i64,
    batch: &mut Batch,
    remaining: i64,
) -> Result<OpResult, ServerError> {
    if op.device_id.to_string() != auth.device_id {
        return Ok(reject(
            op,
            "wrong_device",
            "the operation was made on another device",
        ));
    }
    let op_id = op.op_id.to_string();
    if batch.op_applied(tx, &op_id)? {
        return Ok(OpResult::Duplicate { op_id: op.op_id });
    }
    if let Some(why) = envelope_error(op) {
        return Ok(reject(op, "invalid", why));
    }
    if oversized(op) {
        return Ok(reject(
            op,
            "too_large",
            "a field is longer than the app allows",
        ));
    }
    if clock_ahead(op, clock_limit(now)) {
        return Ok(reject(
            op,
            "clock_ahead",
            "the device clock is too far ahead: check the date and time",
        ));
    }
    let p = auth.practitioner_id.as_str();
    let household = op.household_id.to_string();
    let case = op.case_id.map(|c| c.to_string());
    let record_id = op.record_id.to_string();
    let existing = batch.load(tx, &record_id)?;
    if op.kind == "case" {
        let history = existing.as_ref().and_then(|r| r.fields.get("rag_history"));
        if let Some(refused) = case_author_error(op, auth, history) {
            return Ok(refused);
        }
    }
    let mut new_case = false;
    match &existing {
        Some(rec) => {
            if rec.kind != op.kind || rec.household_id != household || rec.case_id != case {
                return Ok(reject(op, "scope_mismatch", "the record belongs elsewhere"));
            }
            let ok = match &case {
                Some(c) => batch.allocated(tx, c, p)?,
                None => batch.access(tx, &household, p)?,
            };
            if !ok {
                return Ok(not_allocated(op));
            }
            if op.kind == "note" {
                if op
                    .delta
                    .iter()
                    .all(|(k, s)| rec.fields.get(k) == Some(&s.value))
                {
                    return Ok(OpResult::Duplicate { op_id: op.op_id });
                }
                return Ok(reject(
                    op,
                    "append_only",
                    "a note cannot be changed: add an amendment",
                ));
            }
        }
        None => {
            let ok = match op.kind.as_str() {
                "household" => true,
                "person" => batch.access(tx, &household, p)?,
                "case" => {
                    new_case = true;
                    batch.access(tx, &household, p)?
                }
                _ => match &case {
                    Some(c) => {
                        batch.allocated(tx, c, p)?
                            && batch
                                .record(tx, c)?
                                .is_some_and(|k| k.is_case_in(&household))
                    }
                    None => false,
                },
            };
            if !ok {
                return Ok(not_allocated(op));
            }
            if op.kind == "note" {
                let c = case.as_deref().unwrap_or_default();
                let head = batch.note_head(tx, c, &auth.device_id)?;
                match check_note(op, auth, head) {
                    Ok(next) => batch.set_note_head(c, &auth.device_id, next),
                    Err(refused) => return Ok(refused),
                }
            }
        }
    }
    let mut delta = Cow::Borrowed(&op.delta);
    if op.kind == "case" {
        // Allocations are server-authoritative: a device names the practitioner only when it
        // opens a case, and then it is the device's own practitioner. Supervision records are
        // written by managers on the server alone: a device cannot add or forge one.
        let d: &mut Delta = delta.to_mut();
        d.remove("allocated_to");
        d.remove("supervisions");
        if new_case {
            let by =
                uuid::Uuid::parse_str(p).map_err(|_| ServerError::Internal("practitioner id"))?;
            d.insert(
                "allocated_to".into(),
                Stamped {
                    value: Value::String(by.to_string()),
                    hlc: op.hlc,
                },
            );
        }
    }
    let seq = batch.next_seq(tx, remaining)?;
    let mut rec = existing.unwrap_or(StoredRecord {
        kind: op.kind.clone(),
        household_id: household.clone(),
        case_id: case.clone(),
        parent_id: op.parent_id.map(|x| x.to_string()),
        fields: BTreeMap::new(),
        stamps: Stamps::new(),
    });
    let exists = !rec.fields.is_empty() || !rec.stamps.is_empty();
    merge::apply(&op.kind, &mut rec.fields, &mut rec.stamps, &delta);
    if op.kind == "visit" {
        let scope = VisitScope {
            visit_id: &record_id,
            household_id: &household,
            case_id: case.as_deref(),
        };
        let touched: Vec<&str> = delta.keys().map(String::as_str).collect();
        on_visit_change(tx, auth, &scope, &rec.fields, &touched, now)?;
    }
    batch.save(&record_id, rec, seq, exists);
    if op.kind == "household" && !exists {
        grant_household(tx, &household, p)?;
        batch.granted_household(&household);
    }
    if new_case {
        if let Some(c) = &case {
            grant_case(tx, c, &household, p)?;
            batch.granted_case(c);
            batch.granted_household(&household);
        }
    }
    let as_sent = matches!(delta, Cow::Borrowed(_));
    let body = match delta {
        Cow::Borrowed(_) => match text {
            Some(t) => Ok(t.to_string()),
            None => json(op, 2048),
        },
        Cow::Owned(delta) => json(
            &Operation {
                delta,
                ..op.clone()
            },
            2048,
        ),
    }
    .map_err(|_| ServerError::Internal("encode op"))?;
    batch.applied(op_id, seq, (household, case), body, as_sent);
    Ok(OpResult::Applied {
        op_id: op.op_id,
        seq,
    })
}
