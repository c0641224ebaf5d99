//! The transactional outbox: every change to a replicated record is queued, sealed, in the same
//! SQLite transaction as the change itself, with a random operation id (the idempotency key), the
//! device's hybrid logical clock stamp and a priority lane. Also the device's clock state.
//!
//! A new note's operation does not carry a copy of the note: notes are append-only (the table
//! refuses to update them), so the operation's delta is built from the note record when it is
//! sent, and the text is stored and sealed once instead of twice. Every other operation carries
//! the delta it was queued with, so each operation stays independent of the changes after it.

use super::db::{meta_get, meta_set};
use super::records::{Kind, Records};
use super::StoreError;
use crate::crypto::seal;
use crate::sync::merge::{self, Delta, Stamped};
use crate::sync::protocol::{Lane, Operation};
use crate::sync::Hlc;
use rusqlite::params;
use serde_json::Value;
use std::collections::BTreeMap;

/// An operation waiting for the server, with why it is parked, if it is.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct QueuedOp {
    /// The operation.
    pub op: Operation,
    /// The server refused it for good: its code and reason. It waits for attention and never
    /// blocks the rest of the queue.
    pub parked: Option<Parked>,
}

/// Why the server refused an operation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Parked {
    /// Stable code.
    pub code: String,
    /// Message for the practitioner.
    pub reason: String,
}

/// An operation taken from the queue to send, with its place in the queue (how the answer for it
/// finds it again: the outbox has no index on operation ids, one fewer page written per change).
#[derive(Debug, Clone)]
pub struct Queued {
    /// The outbox row.
    pub seq: i64,
    /// The operation.
    pub op: Operation,
}

/// An operation as kept in the outbox (an earlier build's stored `Operation` reads as one, with its
/// delta).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct StoredOp {
    op_id: uuid::Uuid,
    device_id: crate::domain::DeviceId,
    hlc: Hlc,
    kind: String,
    record_id: uuid::Uuid,
    household_id: uuid::Uuid,
    case_id: Option<uuid::Uuid>,
    parent_id: Option<uuid::Uuid>,
    /// The fields changed, each with its stamp, when they do not all carry the operation's stamp
    /// (an earlier build's operation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    delta: Option<Delta>,
    /// The fields changed, every one stamped with the operation's stamp (how a change is queued:
    /// the stamp is not repeated per field). Neither this nor `delta` for a new note, whose fields
    /// are read from the note (which never changes) when the operation is sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fields: Option<BTreeMap<String, Value>>,
}

impl StoredOp {
    /// Whether the operation is a new note's, built from the note when sent.
    fn reads_the_note(&self) -> bool {
        self.delta.is_none() && self.fields.is_none()
    }

    /// The operation as sent, carrying `delta`.
    fn operation(&self, delta: Delta) -> Operation {
        Operation {
            op_id: self.op_id,
            device_id: self.device_id,
            hlc: self.hlc,
            kind: self.kind.clone(),
            record_id: self.record_id,
            household_id: self.household_id,
            case_id: self.case_id,
            parent_id: self.parent_id,
            delta,
        }
    }
}

/// A delta as stored: its values alone when every field carries `hlc` (always, for a change made
/// on this device), otherwise as it is.
fn stored_change(delta: Delta, hlc: Hlc) -> (Option<Delta>, Option<BTreeMap<String, Value>>) {
    if delta.values().all(|s| s.hlc == hlc) {
        let fields = delta.into_iter().map(|(k, s)| (k, s.value)).collect();
        (None, Some(fields))
    } else {
        (Some(delta), None)
    }
}

/// The sealed body of an outbox row.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct StoredEntry {
    op: StoredOp,
    parked: Option<Parked>,
    /// The priority lane (see [`Lane::number`]), sealed so that it tells nothing; an earlier
    /// build's operation has none (its lane is then the clear column's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    lane: Option<i64>,
}

/// An outbox row's clear `parked` state: waiting to be sent.
const WAITING: i64 = 0;
/// Parked: the server refused it for good, it waits for attention.
const PARKED: i64 = 1;
/// Damaged: its sealed body fails authentication; the record it changed was queued again.
const DAMAGED: i64 = 2;

/// The clear `lane` column of every operation queued by this build (the lane is sealed inside).
const CLEAR_LANE: i64 = 0;

/// The smallest sealed body of a queued operation, in bytes of plaintext (see `records::padded`).
const QUEUED_FLOOR: usize = 2 * super::records::PAD_STEP;

/// The clear household column of an operation: a keyed hash of the household id, so that a
/// household's changes stay in order without linking the queue to the household's record.
fn blinded_household(r: &Records<'_>, household: &uuid::Uuid) -> [u8; 16] {
    r.tag("outbox-household", &household.to_string())
}

/// What a queued operation changes, sealed apart from its body.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Target {
    kind: String,
    record_id: uuid::Uuid,
}

fn seal_target(r: &Records<'_>, op_id: &[u8], t: &Target) -> Result<Vec<u8>, StoreError> {
    let plain = serde_json::to_vec(t).map_err(|_| StoreError::Io("encode target".into()))?;
    Ok(seal(&r.keys.data, &aad(r, b"target", op_id), &plain)?)
}

fn open_target(r: &Records<'_>, op_id: &[u8], sealed: &[u8]) -> Option<Target> {
    let plain = r.open_sealed(&aad(r, b"target", op_id), sealed)?;
    serde_json::from_slice(&plain).ok()
}

fn aad(r: &Records<'_>, what: &[u8], id: &[u8]) -> Vec<u8> {
    let mut a = b"doorstep.outbox.v1".to_vec();
    a.extend_from_slice(&r.store_id);
    a.extend_from_slice(what);
    a.extend_from_slice(id);
    a
}

/// The next stamp of this device's hybrid logical clock (kept sealed in the store).
///
/// A clock stamp more than the allowed drift ahead of the wall clock can only come from a phone
/// whose date was wrong and has been corrected; such stamps are refused by the server, so the
/// clock restarts from wall time rather than stamping every later change in the future.
pub fn next_hlc(r: &Records<'_>) -> Result<Hlc, StoreError> {
    let mut current = cached_hlc(r)?;
    if current.millis > r.now_millis.saturating_add(crate::sync::MAX_DRIFT_MILLIS) {
        current = Hlc::zero(r.device_id);
    }
    let next = current
        .tick(r.now_millis)
        .map_err(|_| StoreError::InvalidState("the device clock cannot advance"))?;
    r.cache.borrow_mut().hlc = Some((next, true));
    Ok(next)
}

/// Moves this device's clock past a stamp received from the server.
pub fn observe_hlc(r: &Records<'_>, remote: &Hlc) -> Result<(), StoreError> {
    if let Ok(next) = cached_hlc(r)?.receive(remote, r.now_millis) {
        r.cache.borrow_mut().hlc = Some((next, true));
    }
    Ok(())
}

fn cached_hlc(r: &Records<'_>) -> Result<Hlc, StoreError> {
    if let Some((h, _)) = r.cache.borrow().hlc {
        return Ok(h);
    }
    let h = current_hlc(r)?;
    r.cache.borrow_mut().hlc = Some((h, false));
    Ok(h)
}

fn current_hlc(r: &Records<'_>) -> Result<Hlc, StoreError> {
    match meta_get(r.conn, "hlc")? {
        None => Ok(Hlc::zero(r.device_id)),
        Some(sealed) => {
            let plain = r
                .open_sealed(&aad(r, b"hlc", &[]), &sealed)
                .ok_or_else(|| StoreError::Tampered {
                    record_id: "clock".into(),
                })?;
            let mut h: Hlc = serde_json::from_slice(&plain).map_err(|_| StoreError::Tampered {
                record_id: "clock".into(),
            })?;
            h.device = r.device_id;
            Ok(h)
        }
    }
}

/// Stores the device clock, sealed.
pub fn save_hlc(r: &Records<'_>, h: &Hlc) -> Result<(), StoreError> {
    let plain = serde_json::to_vec(h).map_err(|_| StoreError::Io("encode clock".into()))?;
    meta_set(
        r.conn,
        "hlc",
        &seal(&r.keys.data, &aad(r, b"hlc", &[]), &plain)?,
    )
}

fn uuid_field(v: &Value, field: &str) -> Result<uuid::Uuid, StoreError> {
    v.get(field)
        .and_then(Value::as_str)
        .and_then(|s| uuid::Uuid::parse_str(s).ok())
        .ok_or(StoreError::Corrupt {
            detail: format!("a record has no {field}"),
        })
}

/// The household and case a record belongs to (the server's allocation scope).
pub fn scope(
    r: &Records<'_>,
    kind: Kind,
    id: [u8; 16],
    value: &Value,
) -> Result<(uuid::Uuid, Option<uuid::Uuid>), StoreError> {
    let id = uuid::Uuid::from_bytes(id);
    Ok(match kind {
        Kind::Household => (id, None),
        Kind::Person => (uuid_field(value, "household_id")?, None),
        Kind::Case => (uuid_field(value, "household_id")?, Some(id)),
        Kind::Visit | Kind::Note => {
            let case = uuid_field(value, "case_id")?;
            // The case's parent is the child, whose parent is the household: clear, random ids
            // bound into each record's associated data, so no record needs opening here.
            let household = match r.kind_and_parent(case.as_bytes())? {
                Some((k, Some(child))) if k == Kind::Case.name() => {
                    match r.kind_and_parent(&child)? {
                        Some((k, Some(h))) if k == Kind::Person.name() => {
                            Some(uuid::Uuid::from_bytes(h))
                        }
                        _ => None,
                    }
                }
                _ => None,
            }
            .ok_or_else(|| StoreError::NotFound {
                kind: "case",
                id: case.to_string(),
            })?;
            (household, Some(case))
        }
        _ => {
            return Err(StoreError::InvalidState(
                "this record kind is not synchronised",
            ))
        }
    })
}

/// The lane of a change: lone working and safeguarding concerns first.
fn lane(kind: Kind, value: &Value) -> Lane {
    match kind {
        Kind::Visit => {
            let in_progress = value.get("status").and_then(Value::as_str) == Some("in_progress");
            let outcome = value.get("outcome");
            let concern = outcome.is_some_and(|o| {
                o.get("concerns")
                    .and_then(Value::as_array)
                    .is_some_and(|c| !c.is_empty())
                    || o.get("injuries_observed").is_some_and(|i| !i.is_null())
            });
            if in_progress || concern {
                Lane::Urgent
            } else {
                Lane::Normal
            }
        }
        Kind::Note if value.get("significant").and_then(Value::as_bool) == Some(true) => {
            Lane::Urgent
        }
        Kind::Note => Lane::Normal,
        _ => Lane::Bulk,
    }
}

/// Queues a change stamped `hlc` (in the caller's transaction), with its delta, or with `None`
/// for a new note (its delta is built from the note when it is sent).
pub fn enqueue(
    r: &Records<'_>,
    kind: Kind,
    id: [u8; 16],
    parent: Option<[u8; 16]>,
    value: &Value,
    delta: Option<Delta>,
    hlc: Hlc,
) -> Result<(), StoreError> {
    if delta.is_none() && kind != Kind::Note {
        return Err(StoreError::InvalidState(
            "only a new note is queued without its delta",
        ));
    }
    let (household, case) = scope(r, kind, id, value)?;
    let (delta, fields) = match delta {
        Some(d) => stored_change(d, hlc),
        None => (None, None),
    };
    let lane = lane(kind, value).number();
    let entry = StoredEntry {
        lane: Some(lane),
        op: StoredOp {
            op_id: uuid::Uuid::new_v4(),
            device_id: r.device_id,
            hlc,
            kind: kind.name().to_string(),
            record_id: uuid::Uuid::from_bytes(id),
            household_id: household,
            case_id: case,
            parent_id: parent.map(uuid::Uuid::from_bytes),
            delta,
            fields,
        },
        parked: None,
    };
    let body = seal_queued(r, &entry)?;
    let op_id = entry.op.op_id.as_bytes();
    let target = seal_target(
        r,
        op_id,
        &Target {
            kind: kind.name().to_string(),
            record_id: entry.op.record_id,
        },
    )?;
    r.conn
        .prepare_cached(
            "INSERT INTO outbox (op_id, household, lane, body, target) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            &op_id[..],
            &blinded_household(r, &household)[..],
            CLEAR_LANE,
            body,
            target
        ])?;
    r.bump_queue(op_id, None, Some(WAITING))
}

/// Queues a record's current state again, every field with the stamp it carries (how a damaged
/// queued operation's change still reaches the server: applying a field with the stamp it
/// already has there changes nothing). A note is queued as new (it is sent whole).
pub fn requeue_current(r: &Records<'_>, kind: Kind, id: [u8; 16]) -> Result<bool, StoreError> {
    let Some(raw) = r.raw(kind, id)? else {
        return Ok(false);
    };
    let (value, stamps) = r.open_envelope::<Value>(kind, &raw)?;
    let default = stamps.get("").copied();
    if kind == Kind::Note {
        let Some(hlc) = default else {
            return Ok(false);
        };
        enqueue(r, kind, id, raw.parent, &value, None, hlc)?;
        return Ok(true);
    }
    let delta: Delta = merge::flatten(kind.name(), &value)
        .into_iter()
        .filter_map(|(field, value)| {
            let hlc = stamps.get(&field).copied().or(default)?;
            Some((field, Stamped { value, hlc }))
        })
        .collect();
    let Some(hlc) = delta.values().map(|s| s.hlc).max() else {
        return Ok(false);
    };
    enqueue(r, kind, id, raw.parent, &value, Some(delta), hlc)?;
    Ok(true)
}

/// Re-seals every readable queued operation, its target and the device clock under the current
/// key, its household blinded with the current key (a rotation; idempotent). A damaged operation
/// stays as it is.
pub fn reseal_all(r: &Records<'_>) -> Result<(), StoreError> {
    let hlc = current_hlc(r)?;
    if meta_get(r.conn, "hlc")?.is_some() {
        save_hlc(r, &hlc)?;
    }
    let rows = queue_rows(
        r,
        "SELECT seq, op_id, body FROM outbox WHERE parked <> 2 ORDER BY seq",
        [],
    )?;
    for (seq, op_id, body) in rows {
        let entry = open_queued(r, &op_id, &body)?;
        let target = seal_target(
            r,
            &op_id,
            &Target {
                kind: entry.op.kind.clone(),
                record_id: entry.op.record_id,
            },
        )?;
        r.conn
            .prepare_cached(
                "UPDATE outbox SET household = ?1, body = ?2, target = ?3 WHERE seq = ?4",
            )?
            .execute(params![
                &blinded_household(r, &entry.op.household_id)[..],
                seal_queued(r, &entry)?,
                target,
                seq
            ])?;
    }
    Ok(())
}

/// Rewrites the queue of a store written by an earlier build (at its first unlock, see
/// `integrity::upgrade`): each operation's lane sealed inside its body, its household blinded, its
/// target sealed beside it. An operation that does not open is left for `next_batch` to park.
pub fn upgrade_rows(r: &Records<'_>) -> Result<(), StoreError> {
    let mut stmt = r
        .conn
        .prepare("SELECT seq, op_id, lane, body FROM outbox WHERE target IS NULL")?;
    let rows: Vec<(i64, Vec<u8>, i64, Vec<u8>)> = stmt
        .query_map([], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })?
        .collect::<Result<_, _>>()?;
    for (seq, op_id, lane, body) in rows {
        let Ok(mut entry) = open_queued(r, &op_id, &body) else {
            continue;
        };
        entry.lane = entry.lane.or(Some(lane));
        let target = seal_target(
            r,
            &op_id,
            &Target {
                kind: entry.op.kind.clone(),
                record_id: entry.op.record_id,
            },
        )?;
        r.conn.execute(
            "UPDATE outbox SET household = ?1, lane = ?2, body = ?3, target = ?4 WHERE seq = ?5",
            params![
                &blinded_household(r, &entry.op.household_id)[..],
                CLEAR_LANE,
                seal_queued(r, &entry)?,
                target,
                seq
            ],
        )?;
    }
    Ok(())
}

/// The operation to send for a stored one (a new note's delta read from the note: its fields
/// all carry the stamp they were written with). `None` when the note is gone.
fn build(r: &Records<'_>, stored: &StoredOp) -> Result<Option<Operation>, StoreError> {
    let delta = match (&stored.delta, &stored.fields) {
        (Some(d), _) => d.clone(),
        (None, Some(fields)) => fields
            .iter()
            .map(|(k, value)| {
                let stamped = Stamped {
                    value: value.clone(),
                    hlc: stored.hlc,
                };
                (k.clone(), stamped)
            })
            .collect(),
        (None, None) => {
            let Some(kind) = Kind::from_name(&stored.kind) else {
                return Ok(None);
            };
            let Some(raw) = r.raw(kind, *stored.record_id.as_bytes())? else {
                return Ok(None);
            };
            let (value, stamps) = r.open_envelope::<Value>(kind, &raw)?;
            delta_at(kind, &value, &stamps, stored.hlc)
        }
    };
    if delta.is_empty() {
        return Ok(None);
    }
    Ok(Some(stored.operation(delta)))
}

/// The fields of a record stamped exactly `hlc`, with their current values.
fn delta_at(kind: Kind, value: &Value, stamps: &merge::Stamps, hlc: Hlc) -> Delta {
    let default = stamps.get("").copied();
    merge::flatten(kind.name(), value)
        .into_iter()
        .filter(|(field, _)| stamps.get(field).copied().or(default) == Some(hlc))
        .map(|(field, value)| (field, Stamped { value, hlc }))
        .collect()
}

fn seal_queued(r: &Records<'_>, q: &StoredEntry) -> Result<Vec<u8>, StoreError> {
    let plain = zeroize::Zeroizing::new(
        serde_json::to_vec(q).map_err(|_| StoreError::Io("encode operation".into()))?,
    );
    let padded = super::records::padded(&plain, QUEUED_FLOOR);
    Ok(seal(
        &r.keys.data,
        &aad(r, b"op", q.op.op_id.as_bytes()),
        &padded,
    )?)
}

fn open_queued(r: &Records<'_>, op_id: &[u8], body: &[u8]) -> Result<StoredEntry, StoreError> {
    let tampered = || StoreError::Tampered {
        record_id: uuid::Uuid::from_slice(op_id)
            .map(|u| u.to_string())
            .unwrap_or_default(),
    };
    let plain = r
        .open_sealed(&aad(r, b"op", op_id), body)
        .ok_or_else(tampered)?;
    let q: StoredEntry = serde_json::from_slice(&plain).map_err(|_| tampered())?;
    if q.op.op_id.as_bytes()[..] != *op_id {
        return Err(tampered());
    }
    Ok(q)
}

/// The next operations to send, at most `limit`: households with urgent changes first, and within
/// a household in the order the changes were made (so a case always goes before its visits). The
/// lanes are sealed, so the waiting operations are opened to order them (a window of the oldest:
/// the queue empties at every sync). `sync` checks the queue against its digest first. An
/// operation that fails authentication is parked as damaged and its record's
/// current state queued again; a note operation whose note is gone (only a damaged store has
/// one) is parked with the reason; either shows as needing attention instead of blocking the
/// queue (call it in a write).
pub fn next_batch(r: &Records<'_>, limit: usize) -> Result<Vec<Queued>, StoreError> {
    // The oldest waiting operations, a window several batches wide: a long queue (weeks without
    // signal) is not opened whole for every batch. Within the window, households with urgent
    // changes go first; a household's changes keep their order across windows.
    let window = (limit.saturating_mul(8)).max(1024) as i64;
    let mut stmt = r.conn.prepare_cached(
        "SELECT seq, op_id, household, lane, body, target FROM outbox WHERE parked = 0 \
         ORDER BY seq LIMIT ?1",
    )?;
    type Waiting = (i64, Vec<u8>, Vec<u8>, i64, Vec<u8>, Option<Vec<u8>>);
    let rows: Vec<Waiting> = stmt
        .query_map([window], |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
                row.get(5)?,
            ))
        })?
        .collect::<Result<_, _>>()?;
    drop(stmt);
    let mut opened = Vec::with_capacity(rows.len());
    let mut requeued = false;
    for (seq, op_id, household, clear_lane, body, target) in rows {
        match open_queued(r, &op_id, &body) {
            Ok(entry) => {
                let lane = entry.lane.unwrap_or(clear_lane);
                opened.push((seq, household, lane, entry));
            }
            Err(StoreError::Tampered { .. }) => {
                requeued |= park_damaged(r, seq, &op_id, target.as_deref())?;
            }
            Err(e) => return Err(e),
        }
    }
    if requeued {
        // The records' current states were queued behind: order them with the rest.
        return next_batch(r, limit);
    }
    let mut priority: std::collections::HashMap<Vec<u8>, i64> = std::collections::HashMap::new();
    for (_, household, lane, _) in &opened {
        let p = priority.entry(household.clone()).or_insert(*lane);
        *p = (*p).min(*lane);
    }
    opened.sort_by_key(|(seq, household, _, _)| (priority[household], *seq));
    let mut out = Vec::with_capacity(limit.min(opened.len()));
    for (seq, _, _, entry) in opened {
        if out.len() >= limit {
            break;
        }
        match build(r, &entry.op)? {
            Some(op) => out.push(Queued { seq, op }),
            None => park(
                r,
                seq,
                Parked {
                    code: "record_missing".into(),
                    reason: "The note this change carries is missing from the phone.".into(),
                },
            )?,
        }
    }
    Ok(out)
}

/// Parks an operation whose sealed body fails authentication, and queues the current state of the
/// record it changed (known from its separately sealed target) so that the change still reaches
/// the server. Returns whether a record was queued again.
fn park_damaged(
    r: &Records<'_>,
    seq: i64,
    op_id: &[u8],
    target: Option<&[u8]>,
) -> Result<bool, StoreError> {
    r.conn
        .prepare_cached("UPDATE outbox SET parked = ?1 WHERE seq = ?2")?
        .execute(params![DAMAGED, seq])?;
    r.bump_queue(op_id, Some(WAITING), Some(DAMAGED))?;
    let Some(t) = target.and_then(|t| open_target(r, op_id, t)) else {
        return Ok(false);
    };
    let Some(kind) = Kind::from_name(&t.kind) else {
        return Ok(false);
    };
    match requeue_current(r, kind, *t.record_id.as_bytes()) {
        Ok(queued) => Ok(queued),
        // The record itself is damaged too: `verify` names it; the operation stays parked.
        Err(StoreError::Tampered { .. }) => Ok(false),
        Err(e) => Err(e),
    }
}

/// The server has the operation: drop it from the queue.
pub fn acknowledge(r: &Records<'_>, seq: i64) -> Result<(), StoreError> {
    use rusqlite::OptionalExtension;
    let Some((op_id, state)) = r
        .conn
        .prepare_cached("SELECT op_id, parked FROM outbox WHERE seq = ?1")?
        .query_row([seq], |row| Ok((row.get::<_, Vec<u8>>(0)?, row.get(1)?)))
        .optional()?
    else {
        return Ok(());
    };
    r.conn
        .prepare_cached("DELETE FROM outbox WHERE seq = ?1")?
        .execute([seq])?;
    r.bump_queue(&op_id, Some(state), None)
}

/// An outbox row's op id and sealed body.
type Row = (Vec<u8>, Vec<u8>);

/// The op id and sealed body of an outbox row, if it is still there.
fn row(r: &Records<'_>, seq: i64) -> Result<Option<Row>, StoreError> {
    use rusqlite::OptionalExtension;
    Ok(r.conn
        .prepare_cached("SELECT op_id, body FROM outbox WHERE seq = ?1")?
        .query_row([seq], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?)
}

/// The server refused the operation for good: keep it, with the reason, out of the way.
pub fn park(r: &Records<'_>, seq: i64, parked: Parked) -> Result<(), StoreError> {
    let Some((op_id, body)) = row(r, seq)? else {
        return Ok(());
    };
    let mut q = open_queued(r, &op_id, &body)?;
    q.parked = Some(parked);
    let changed = r
        .conn
        .prepare_cached("UPDATE outbox SET parked = ?1, body = ?2 WHERE seq = ?3 AND parked = ?4")?
        .execute(params![PARKED, seal_queued(r, &q)?, seq, WAITING])?;
    if changed == 1 {
        r.bump_queue(&op_id, Some(WAITING), Some(PARKED))?;
    }
    Ok(())
}

/// The server refused an operation because its stamp is in the future (the phone's date was
/// wrong). Gives it, and the fields of its record that carry the same stamp, a fresh stamp from
/// the (now corrected) clock; it stays queued. Returns whether the stamp changed.
pub fn restamp(r: &Records<'_>, seq: i64) -> Result<bool, StoreError> {
    let Some((op_id, body)) = row(r, seq)? else {
        return Ok(false);
    };
    let mut q = open_queued(r, &op_id, &body)?;
    let old = q.op.hlc;
    let new = next_hlc(r)?;
    if new.millis >= old.millis {
        // The clock is still as far ahead: nothing to gain until the date is corrected.
        return Ok(false);
    }
    if q.op.reads_the_note() {
        // A new note's operation: take its fields from the note now, to restamp them here. The
        // note itself is append-only and keeps its stamps (a note is applied once, whole).
        let Some(built) = build(r, &q.op)? else {
            return Ok(false);
        };
        (q.op.delta, q.op.fields) = stored_change(built.delta, old);
    }
    // Fields stored without their own stamp take the operation's.
    q.op.hlc = new;
    for stamped in q.op.delta.iter_mut().flat_map(|d| d.values_mut()) {
        if stamped.hlc == old {
            stamped.hlc = new;
        }
    }
    r.conn
        .prepare_cached("UPDATE outbox SET body = ?1 WHERE seq = ?2")?
        .execute(params![seal_queued(r, &q)?, seq])?;
    // The record's fields stamped by this operation take the new stamp too; a note never
    // changes (the table refuses it), so its operation alone carries the new stamps.
    if let Some(kind) = Kind::from_name(&q.op.kind).filter(|k| *k != Kind::Note) {
        let id = *q.op.record_id.as_bytes();
        if let Some(raw) = r.raw(kind, id)? {
            let (value, mut stamps) = r.open_envelope::<Value>(kind, &raw)?;
            let mut changed = false;
            for h in stamps.values_mut() {
                if *h == old {
                    *h = new;
                    changed = true;
                }
            }
            if changed {
                r.write_row(
                    kind,
                    id,
                    raw.parent,
                    raw.tag,
                    &value,
                    &stamps,
                    Some((&raw).into()),
                )?;
            }
        }
    }
    Ok(true)
}

/// Puts every parked operation back in the queue (after the cause was dealt with, e.g. a case
/// re-allocated), and clears away the damaged ones (their records were queued again when they
/// were found). Returns how many.
pub fn retry_parked(r: &Records<'_>) -> Result<u64, StoreError> {
    let entries = parked_entries(r)?;
    let mut count = 0u64;
    for (seq, op_id, entry) in entries {
        match entry {
            Some(mut q) => {
                q.parked = None;
                r.conn
                    .prepare_cached("UPDATE outbox SET parked = ?1, body = ?2 WHERE seq = ?3")?
                    .execute(params![WAITING, seal_queued(r, &q)?, seq])?;
                r.bump_queue(&op_id, Some(PARKED), Some(WAITING))?;
            }
            None => {
                r.conn
                    .prepare_cached("DELETE FROM outbox WHERE seq = ?1")?
                    .execute([seq])?;
                r.bump_queue(&op_id, Some(DAMAGED), None)?;
            }
        }
        count += 1;
    }
    Ok(count)
}

/// Counts a failed attempt at sending the operations in these outbox rows.
pub fn count_attempt(r: &Records<'_>, seqs: &[i64]) -> Result<(), StoreError> {
    for seq in seqs {
        r.conn
            .prepare_cached("UPDATE outbox SET attempts = attempts + 1 WHERE seq = ?1")?
            .execute([seq])?;
    }
    Ok(())
}

/// Pending (not parked) operations.
/// Every queued operation, parked or not: what waits on this device.
pub fn waiting_count(r: &Records<'_>) -> Result<u64, StoreError> {
    Ok(r.conn
        .query_row("SELECT count(*) FROM outbox", [], |row| {
            row.get::<_, i64>(0)
        })
        .map(|n| u64::try_from(n).unwrap_or(0))?)
}

/// The operations queued and not parked.
pub fn pending_count(r: &Records<'_>) -> Result<u64, StoreError> {
    Ok(r.conn
        .query_row("SELECT count(*) FROM outbox WHERE parked = 0", [], |row| {
            row.get::<_, i64>(0)
        })? as u64)
}

/// Every parked or damaged operation, oldest first, as it would be sent.
pub fn parked(r: &Records<'_>) -> Result<Vec<QueuedOp>, StoreError> {
    let mut out = Vec::new();
    for (_, op_id, entry) in parked_entries(r)? {
        let Some(entry) = entry else {
            out.push(damaged_op(r, &op_id)?);
            continue;
        };
        // With nothing left to send, the refusal is still shown until it is retried.
        let op = match build(r, &entry.op)? {
            Some(op) => op,
            None => entry.op.operation(Delta::new()),
        };
        out.push(QueuedOp {
            op,
            parked: entry.parked,
        });
    }
    Ok(out)
}

/// A damaged operation as shown: its id, the record it changed when its target still opens, and
/// why it needs attention.
fn damaged_op(r: &Records<'_>, op_id: &[u8]) -> Result<QueuedOp, StoreError> {
    use rusqlite::OptionalExtension;
    let target: Option<Vec<u8>> = r
        .conn
        .prepare_cached("SELECT target FROM outbox WHERE op_id = ?1")?
        .query_row([op_id], |row| row.get(0))
        .optional()?
        .flatten();
    let target = target.and_then(|t| open_target(r, op_id, &t));
    let op = Operation {
        op_id: uuid::Uuid::from_slice(op_id).unwrap_or_default(),
        device_id: r.device_id,
        hlc: Hlc::zero(r.device_id),
        kind: target.as_ref().map(|t| t.kind.clone()).unwrap_or_default(),
        record_id: target.as_ref().map(|t| t.record_id).unwrap_or_default(),
        household_id: uuid::Uuid::nil(),
        case_id: None,
        parent_id: None,
        delta: Delta::new(),
    };
    let reason = if target.is_some() {
        "This change was damaged on the phone and could not be sent; the record's current state \
         was queued again in its place."
    } else {
        "This change was damaged on the phone and could not be sent, nor the record it changed \
         found: check the store with verify."
    };
    Ok(QueuedOp {
        op,
        parked: Some(Parked {
            code: "damaged".into(),
            reason: reason.into(),
        }),
    })
}

/// Every parked operation (`Some`, opened) and damaged one (`None`), oldest first.
type ParkedRow = (i64, Vec<u8>, Option<StoredEntry>);

fn parked_entries(r: &Records<'_>) -> Result<Vec<ParkedRow>, StoreError> {
    let mut stmt = r.conn.prepare_cached(
        "SELECT seq, op_id, body, parked FROM outbox WHERE parked <> 0 ORDER BY seq",
    )?;
    let rows: Vec<(i64, Vec<u8>, Vec<u8>, i64)> = stmt
        .query_map([], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })?
        .collect::<Result<_, _>>()?;
    rows.into_iter()
        .map(|(seq, id, body, state)| {
            let entry = if state == DAMAGED {
                None
            } else {
                Some(open_queued(r, &id, &body)?)
            };
            Ok((seq, id, entry))
        })
        .collect()
}

/// Whether an operation still in the outbox carries `field` of `record` (of `household`, found by its blinded column): `None`
/// when none does (the server has every change of that field), `Some(parked)` when one is queued
/// (`false`) or was refused (`true`). Opens only the household's rows.
pub fn queued_field(
    r: &Records<'_>,
    household: uuid::Uuid,
    record: uuid::Uuid,
    field: &str,
) -> Result<Option<bool>, StoreError> {
    let rows = queue_rows(
        r,
        "SELECT parked, op_id, body FROM outbox WHERE household = ?1 ORDER BY seq",
        [&blinded_household(r, &household)[..]],
    )?;
    let mut found = None;
    for (parked, id, body) in rows {
        let entry = open_queued(r, &id, &body)?;
        let op = &entry.op;
        let carries = op.record_id == record
            && (op.delta.as_ref().is_some_and(|d| d.contains_key(field))
                || op.fields.as_ref().is_some_and(|f| f.contains_key(field)));
        if carries {
            found = Some(found.unwrap_or(false) || parked != 0);
        }
    }
    Ok(found)
}

/// What checking every queued operation found.
#[derive(Debug, Default)]
pub struct QueueCheck {
    /// Operations opened and authenticated.
    pub checked: u64,
    /// Operation ids of those that failed authentication.
    pub damaged: Vec<String>,
}

/// Opens every queued operation, parked or not, and reports those that fail authentication.
pub fn check_all(r: &Records<'_>) -> Result<QueueCheck, StoreError> {
    let mut out = QueueCheck::default();
    for (_, id, body) in queue_rows(r, "SELECT seq, op_id, body FROM outbox ORDER BY seq", [])? {
        match open_queued(r, &id, &body) {
            Ok(_) => out.checked += 1,
            Err(StoreError::Tampered { record_id }) => out.damaged.push(record_id),
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// An outbox row: its `seq`, operation id and sealed body.
type QueueRow = (i64, Vec<u8>, Vec<u8>);

/// The `(seq, op_id, body)` rows an outbox query selects, in its order.
fn queue_rows<P: rusqlite::Params>(
    r: &Records<'_>,
    sql: &str,
    params: P,
) -> Result<Vec<QueueRow>, StoreError> {
    let mut stmt = r.conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params, |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tests::new_store;

    fn bodies(store: &crate::Store) -> Vec<Vec<u8>> {
        store
            .read(|r| {
                let mut stmt = r.conn.prepare("SELECT body FROM outbox ORDER BY seq")?;
                let rows = stmt.query_map([], |row| row.get::<_, Vec<u8>>(0))?;
                Ok(rows.collect::<Result<Vec<_>, _>>()?)
            })
            .unwrap()
    }

    #[test]
    fn a_new_notes_operation_keeps_no_copy_of_the_note_and_sends_it_whole() {
        let dir = tempfile::tempdir().unwrap();
        let (store, case) = new_store(dir.path());
        let before = bodies(&store).len();
        let text =
            "The baby was asleep in the Moses basket; mother says the partner left. ".repeat(40);
        let note = store.add_note(case, &text, true).unwrap();
        let added = bodies(&store);
        // The note's operation and the case's chain-head update.
        assert_eq!(added.len(), before + 2);
        // Padded to the floor, and no more: the text (2,800 bytes) is not in it.
        assert!(
            added[before].len() <= QUEUED_FLOOR + 64,
            "the queued note holds no copy of the text: {} bytes",
            added[before].len()
        );
        let batch = store.write(|r| next_batch(r, 100)).unwrap();
        let op = &batch
            .iter()
            .find(|q| q.op.record_id == note.id.0)
            .expect("the note is queued")
            .op;
        let value = serde_json::to_value(&note).unwrap();
        assert_eq!(op.delta, merge::diff("note", None, &value, op.hlc));
        assert_eq!(op.delta["text"].value, Value::String(text.trim().into()));
        assert_eq!(op.kind, "note");
        assert_eq!(op.case_id, Some(case.0));
    }

    #[test]
    fn a_queued_change_keeps_one_stamp_and_is_sent_with_it_on_every_field() {
        let dir = tempfile::tempdir().unwrap();
        let (store, case) = new_store(dir.path());
        let before = store.write(|r| next_batch(r, 100)).unwrap().len();
        store
            .set_rag(case, crate::domain::Rag::Amber, "missed two appointments")
            .unwrap();
        let stored = store
            .read(|r| {
                let (seq, op_id, body) = r.conn.query_row(
                    "SELECT seq, op_id, body FROM outbox ORDER BY seq DESC LIMIT 1",
                    [],
                    |row| {
                        Ok((
                            row.get::<_, i64>(0)?,
                            row.get::<_, Vec<u8>>(1)?,
                            row.get::<_, Vec<u8>>(2)?,
                        ))
                    },
                )?;
                Ok((seq, open_queued(r, &op_id, &body)?))
            })
            .unwrap();
        let (seq, entry) = stored;
        assert!(entry.op.delta.is_none(), "no stamp per field is stored");
        let fields = entry.op.fields.clone().expect("the changed fields");
        assert!(fields.contains_key("rag_history"), "{:?}", fields.keys());
        let batch = store.write(|r| next_batch(r, 100)).unwrap();
        assert_eq!(batch.len(), before + 1);
        let sent = batch
            .iter()
            .find(|q| q.seq == seq)
            .expect("queued")
            .op
            .clone();
        assert_eq!(sent.delta.len(), fields.len());
        for (k, stamped) in &sent.delta {
            assert_eq!(stamped.hlc, entry.op.hlc, "{k}");
            assert_eq!(&stamped.value, &fields[k], "{k}");
        }
    }

    #[test]
    fn an_operation_queued_by_an_earlier_build_is_sent_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let (store, case) = new_store(dir.path());
        let mut legacy = store.write(|r| next_batch(r, 1)).unwrap().remove(0).op;
        legacy.op_id = uuid::Uuid::new_v4();
        legacy.case_id = Some(case.0);
        legacy.delta.insert(
            "legacy.field".into(),
            Stamped {
                value: Value::String("queued before the upgrade".into()),
                hlc: legacy.hlc,
            },
        );
        // An earlier build sealed the whole operation, delta included.
        store
            .write(|r| {
                let plain = serde_json::to_vec(&QueuedOp {
                    op: legacy.clone(),
                    parked: None,
                })
                .unwrap();
                let body = seal(
                    &r.keys.data,
                    &aad(r, b"op", legacy.op_id.as_bytes()),
                    &plain,
                )?;
                r.conn.execute(
                    "INSERT INTO outbox (op_id, household, lane, body) VALUES (?1, ?2, 0, ?3)",
                    params![
                        &legacy.op_id.as_bytes()[..],
                        &legacy.household_id.as_bytes()[..],
                        body
                    ],
                )?;
                r.bump_queue(legacy.op_id.as_bytes(), None, Some(WAITING))
            })
            .unwrap();
        let batch = store.write(|r| next_batch(r, 100)).unwrap();
        let sent = batch.iter().find(|q| q.op.op_id == legacy.op_id).unwrap();
        assert_eq!(sent.op, legacy);
    }

    #[test]
    fn a_note_operation_whose_note_is_gone_is_parked_not_lost_in_silence() {
        let dir = tempfile::tempdir().unwrap();
        let (store, case) = new_store(dir.path());
        let note = store
            .add_note(case, "written before the file was damaged", false)
            .unwrap();
        // Someone with the file removes the note (past the append-only trigger).
        store
            .write(|r| {
                r.conn
                    .execute_batch("DROP TRIGGER notes_are_append_only_delete")?;
                r.conn
                    .execute("DELETE FROM records WHERE id = ?1", [&note.id.bytes()[..]])?;
                Ok(())
            })
            .unwrap();
        let batch = store.write(|r| next_batch(r, 100)).unwrap();
        assert!(batch.iter().all(|q| q.op.record_id != note.id.0));
        let parked = store.read(parked).unwrap();
        assert_eq!(parked.len(), 1);
        assert_eq!(parked[0].op.record_id, note.id.0);
        assert_eq!(parked[0].parked.as_ref().unwrap().code, "record_missing");
    }
}
