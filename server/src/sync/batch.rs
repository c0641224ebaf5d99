//! What one push has learnt and still has to write: the batch's op ids and records read in a few
//! statements up front, the allocation answers, the reserved sequence numbers, and the rows it
//! writes, flushed through `Tx::insert_rows` at the end of the push (same transaction).

use super::{allocated, household_access, StoredRecord};
use crate::auth::DeviceAuth;
use crate::db::{placeholders, Tx, Val};
use crate::error::ServerError;
use doorstep_core::domain::ChainHead;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// Ids asked about in one `IN (...)` list at most. Lists are padded (by repeating an id) to a
/// power of four up to this, so a handful of statement shapes serve every batch size.
const IN_LIST: usize = 256;

/// A record as the push sees it: its scope, its state (as stored, parsed on first use) and how
/// it must be written at the end of the push.
pub(super) struct Known {
    kind: String,
    household_id: String,
    case_id: Option<String>,
    parent_id: Option<String>,
    body: Body,
    write: Write,
}

enum Body {
    /// The stored (sealed) JSON, not opened yet.
    Stored { fields: String, stamps: String },
    /// Parsed (and perhaps merged into).
    Parsed {
        fields: BTreeMap<String, Value>,
        stamps: super::Stamps,
    },
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Write {
    /// Unchanged by this push.
    None,
    /// New: inserted at the end of the push, with this sequence number.
    Insert(i64),
    /// Stored before this push and changed by it: updated at the end, with this sequence number.
    Update(i64),
}

impl Known {
    /// Whether it is a case in `household` (the scope check for a new visit or note).
    pub(super) fn is_case_in(&self, household: &str) -> bool {
        self.kind == "case" && self.household_id == household
    }
}

/// A note chain head as the push knows it.
#[derive(Clone, Copy)]
struct HeadState {
    head: ChainHead,
    /// The server holds a row for it already (updated, not inserted, when moved).
    stored: bool,
    /// Moved by this push.
    moved: bool,
}

/// The per-push state.
#[derive(Default)]
pub(super) struct Batch {
    /// Op ids asked about: `true` if already in `ops` (before or earlier in this push).
    ops: HashMap<String, bool>,
    /// Records asked about: `None` if there is none with that id.
    records: HashMap<String, Option<Known>>,
    allocated: HashMap<String, bool>,
    access: HashMap<String, bool>,
    seq_next: i64,
    seq_end: i64,
    /// Rows for `ops`: op id and sequence number.
    new_ops: Vec<(String, i64)>,
    /// Rows for `changes`: sequence number, household, case, the operation as applied (JSON),
    /// and whether it was applied as the device sent it (then it is not sent back to it).
    new_changes: Vec<(i64, String, Option<String>, String, bool)>,
    /// Records written by this push, in first-write order.
    written: Vec<String>,
    /// Note chain heads by (case, device) read or moved by this push.
    heads: HashMap<(String, String), HeadState>,
}

/// `value` as JSON, written into a buffer of `capacity` bytes to start with (most records and
/// operations fit, so the text is not copied as it grows).
pub(super) fn json<T: serde::Serialize + ?Sized>(
    value: &T,
    capacity: usize,
) -> Result<String, serde_json::Error> {
    let mut buf = Vec::with_capacity(capacity);
    serde_json::to_writer(&mut buf, value)?;
    // serde_json writes UTF-8 only.
    Ok(String::from_utf8(buf)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

/// The smallest power of four at least `n` (at most [`IN_LIST`]).
fn in_list_len(n: usize) -> usize {
    let mut len = 1;
    while len < n {
        len *= 4;
    }
    len.min(IN_LIST)
}

/// Runs `sql_head IN (...)` over `ids` in padded chunks; returns every row.
fn query_in(
    tx: &mut dyn Tx,
    sql_head: &str,
    ids: &[&str],
) -> Result<Vec<crate::db::Row>, ServerError> {
    let mut rows = Vec::new();
    for chunk in ids.chunks(IN_LIST) {
        let len = in_list_len(chunk.len());
        let mut sql = String::with_capacity(sql_head.len() + 6 * len + 8);
        sql.push_str(sql_head);
        sql.push_str(" IN ");
        placeholders(&mut sql, 1, len);
        let last = chunk.last().copied().unwrap_or_default();
        let params: Vec<Val> = (0..len)
            .map(|i| Val::from(chunk.get(i).copied().unwrap_or(last)))
            .collect();
        rows.extend(tx.query(&sql, &params)?);
    }
    Ok(rows)
}

impl Batch {
    /// Learns which of `op_ids` are already in `ops`.
    pub(super) fn prefetch_ops(
        &mut self,
        tx: &mut dyn Tx,
        op_ids: &[&str],
    ) -> Result<(), ServerError> {
        for id in op_ids {
            self.ops.entry((*id).to_string()).or_insert(false);
        }
        for row in query_in(tx, "SELECT op_id FROM ops WHERE op_id", op_ids)? {
            if let Some(id) = row[0].text() {
                self.ops.insert(id.to_string(), true);
            }
        }
        Ok(())
    }

    /// Whether `op_id` is already known to have been applied (without asking the database).
    pub(super) fn is_known_applied(&self, op_id: &str) -> bool {
        self.ops.get(op_id).copied().unwrap_or(false)
    }

    /// Whether the operation `op_id` has been applied (before or earlier in this push).
    pub(super) fn op_applied(&mut self, tx: &mut dyn Tx, op_id: &str) -> Result<bool, ServerError> {
        if let Some(v) = self.ops.get(op_id) {
            return Ok(*v);
        }
        let v = tx
            .query_opt("SELECT 1 FROM ops WHERE op_id = $1", &[Val::from(op_id)])?
            .is_some();
        self.ops.insert(op_id.to_string(), v);
        Ok(v)
    }

    /// Reads the records with these ids (those not read yet).
    pub(super) fn prefetch_records(
        &mut self,
        tx: &mut dyn Tx,
        ids: &[&str],
    ) -> Result<(), ServerError> {
        let mut want: Vec<&str> = Vec::with_capacity(ids.len());
        for id in ids {
            if !self.records.contains_key(*id) {
                self.records.insert((*id).to_string(), None);
                want.push(id);
            }
        }
        if want.is_empty() {
            return Ok(());
        }
        let rows = query_in(
            tx,
            "SELECT id, kind, household_id, case_id, parent_id, fields, stamps FROM records WHERE id",
            &want,
        )?;
        for row in rows {
            let Some(id) = row[0].text() else { continue };
            let text = |v: &Val| v.text().map(str::to_string);
            let known = Known {
                kind: text(&row[1]).unwrap_or_default(),
                household_id: text(&row[2]).unwrap_or_default(),
                case_id: text(&row[3]),
                parent_id: text(&row[4]),
                body: Body::Stored {
                    fields: text(&row[5]).unwrap_or_else(|| "{}".into()),
                    stamps: text(&row[6]).unwrap_or_else(|| "{}".into()),
                },
                write: Write::None,
            };
            self.records.insert(id.to_string(), Some(known));
        }
        Ok(())
    }

    /// The record `id` as known now (read from the database on first use).
    pub(super) fn record(
        &mut self,
        tx: &mut dyn Tx,
        id: &str,
    ) -> Result<Option<&Known>, ServerError> {
        if !self.records.contains_key(id) {
            self.prefetch_records(tx, &[id])?;
        }
        Ok(self.records.get(id).and_then(Option::as_ref))
    }

    /// The record `id`'s replicated state, parsed (`None` if there is no such record).
    pub(super) fn load(
        &mut self,
        tx: &mut dyn Tx,
        id: &str,
    ) -> Result<Option<StoredRecord>, ServerError> {
        if self.record(tx, id)?.is_none() {
            return Ok(None);
        }
        let Some(Some(k)) = self.records.get_mut(id) else {
            return Ok(None);
        };
        if let Body::Stored { fields, stamps } = &k.body {
            let (fields, stamps) = super::open_record(tx, id, fields, stamps)?;
            k.body = Body::Parsed { fields, stamps };
        }
        let Body::Parsed { fields, stamps } = &k.body else {
            return Ok(None);
        };
        Ok(Some(StoredRecord {
            kind: k.kind.clone(),
            household_id: k.household_id.clone(),
            case_id: k.case_id.clone(),
            parent_id: k.parent_id.clone(),
            fields: fields.clone(),
            stamps: stamps.clone(),
        }))
    }

    /// Keeps `rec` as record `id`'s new state, written at the end with sequence number `seq`:
    /// inserted if `exists` is false (or it is new in this push), updated otherwise.
    pub(super) fn save(&mut self, id: &str, rec: StoredRecord, seq: i64, exists: bool) {
        let before = self
            .records
            .get(id)
            .and_then(Option::as_ref)
            .map_or(Write::None, |k| k.write);
        let write = match before {
            Write::Insert(_) => Write::Insert(seq),
            _ if exists => Write::Update(seq),
            _ => Write::Insert(seq),
        };
        if before == Write::None {
            self.written.push(id.to_string());
        }
        self.records.insert(
            id.to_string(),
            Some(Known {
                kind: rec.kind,
                household_id: rec.household_id,
                case_id: rec.case_id,
                parent_id: rec.parent_id,
                body: Body::Parsed {
                    fields: rec.fields,
                    stamps: rec.stamps,
                },
                write,
            }),
        );
    }

    /// Records that operation `op_id` was applied at `seq`, logged as `body` (`as_sent`: unchanged
    /// by the server, so its device need not receive it back).
    pub(super) fn applied(
        &mut self,
        op_id: String,
        seq: i64,
        scope: (String, Option<String>),
        body: String,
        as_sent: bool,
    ) {
        self.ops.insert(op_id.clone(), true);
        self.new_ops.push((op_id, seq));
        self.new_changes
            .push((seq, scope.0, scope.1, body, as_sent));
    }

    /// Whether `case` is allocated to practitioner `p` (asked once a push).
    pub(super) fn allocated(
        &mut self,
        tx: &mut dyn Tx,
        case: &str,
        p: &str,
    ) -> Result<bool, ServerError> {
        if let Some(v) = self.allocated.get(case) {
            return Ok(*v);
        }
        let v = allocated(tx, case, p)?;
        self.allocated.insert(case.to_string(), v);
        Ok(v)
    }

    /// Whether practitioner `p` has access to `household` (asked once a push).
    pub(super) fn access(
        &mut self,
        tx: &mut dyn Tx,
        household: &str,
        p: &str,
    ) -> Result<bool, ServerError> {
        if let Some(v) = self.access.get(household) {
            return Ok(*v);
        }
        let v = household_access(tx, household, p)?;
        self.access.insert(household.to_string(), v);
        Ok(v)
    }

    /// Notes that `case` was just allocated to this push's practitioner.
    pub(super) fn granted_case(&mut self, case: &str) {
        self.allocated.insert(case.to_string(), true);
    }

    /// Notes that this push's practitioner was just given access to `household`.
    pub(super) fn granted_household(&mut self, household: &str) {
        self.access.insert(household.to_string(), true);
    }

    /// The head of `device`'s note chain on `case`, as the server holds it (no chain yet on a
    /// case this push opened).
    pub(super) fn note_head(
        &mut self,
        tx: &mut dyn Tx,
        case: &str,
        device: &str,
    ) -> Result<ChainHead, ServerError> {
        let key = (case.to_string(), device.to_string());
        if let Some(h) = self.heads.get(&key) {
            return Ok(h.head);
        }
        let opened_here = matches!(
            self.records.get(case),
            Some(Some(Known {
                write: Write::Insert(_),
                ..
            }))
        );
        let (head, stored) = if opened_here {
            (ChainHead::default(), false)
        } else {
            match tx.query_opt(
                "SELECT count, hash FROM note_heads WHERE case_id = $1 AND device_id = $2",
                &[Val::from(case), Val::from(device)],
            )? {
                Some(row) => {
                    let mut hash = [0u8; 32];
                    hex::decode_to_slice(row[1].text().unwrap_or_default(), &mut hash)
                        .map_err(|_| ServerError::Internal("stored chain head"))?;
                    let count = row[0]
                        .int()
                        .and_then(|c| u64::try_from(c).ok())
                        .unwrap_or(0);
                    (ChainHead { count, hash }, true)
                }
                None => (super::chain_head_from_notes(tx, case, device)?, false),
            }
        };
        self.heads.insert(
            key,
            HeadState {
                head,
                stored,
                moved: false,
            },
        );
        Ok(head)
    }

    /// Moves the head of `device`'s note chain on `case` (written at the end of the push).
    pub(super) fn set_note_head(&mut self, case: &str, device: &str, head: ChainHead) {
        let key = (case.to_string(), device.to_string());
        let stored = self.heads.get(&key).is_some_and(|h| h.stored);
        self.heads.insert(
            key,
            HeadState {
                head,
                stored,
                moved: true,
            },
        );
    }

    /// Reserves `want` sequence numbers now (taking the counter row's lock, held until commit).
    pub(super) fn reserve(&mut self, tx: &mut dyn Tx, want: i64) -> Result<(), ServerError> {
        let want = want.max(1);
        let end = tx
            .query_opt(
                "UPDATE counters SET value = value + $1 WHERE name = 'seq' RETURNING value",
                &[Val::Int(want)],
            )?
            .and_then(|r| r[0].int())
            .ok_or(ServerError::Internal("sequence counter missing"))?;
        self.seq_next = end - want + 1;
        self.seq_end = end + 1;
        Ok(())
    }

    /// The next sequence number (reserving `want` more if the reservation is used up; gaps are
    /// harmless: pulls read up to the committed head).
    pub(super) fn next_seq(&mut self, tx: &mut dyn Tx, want: i64) -> Result<i64, ServerError> {
        if self.seq_next >= self.seq_end {
            self.reserve(tx, want)?;
        }
        let seq = self.seq_next;
        self.seq_next += 1;
        Ok(seq)
    }

    /// Writes the push's records, op ids and change-log entries.
    pub(super) fn flush(
        &mut self,
        tx: &mut dyn Tx,
        auth: &DeviceAuth,
        now: i64,
    ) -> Result<(), ServerError> {
        let device_id = auth.device_id.as_str();
        let mut inserts = Vec::new();
        for id in std::mem::take(&mut self.written) {
            let Some(Some(k)) = self.records.remove(&id) else {
                continue;
            };
            let Body::Parsed { fields, stamps } = &k.body else {
                continue;
            };
            let fields = json(fields, 1024).map_err(|_| ServerError::Internal("encode fields"))?;
            let stamps = json(stamps, 512).map_err(|_| ServerError::Internal("encode stamps"))?;
            let (fields, stamps) = super::seal_record(tx, &id, &fields, &stamps)?;
            match k.write {
                Write::None => {}
                Write::Update(seq) => {
                    tx.exec(
                        "UPDATE records SET fields = $1, stamps = $2, seq = $3 WHERE id = $4",
                        &[
                            Val::Text(fields),
                            Val::Text(stamps),
                            Val::Int(seq),
                            Val::Text(id),
                        ],
                    )?;
                }
                Write::Insert(seq) => inserts.extend([
                    Val::Text(id),
                    Val::Text(k.kind),
                    Val::Text(k.household_id),
                    Val::opt_text(k.case_id),
                    Val::opt_text(k.parent_id),
                    Val::Text(fields),
                    Val::Text(stamps),
                    Val::Int(seq),
                ]),
            }
        }
        tx.insert_rows(
            "INSERT INTO records (id, kind, household_id, case_id, parent_id, fields, stamps, seq) VALUES",
            8,
            inserts,
        )?;
        let mut new_heads = Vec::new();
        for ((case, device), h) in std::mem::take(&mut self.heads) {
            if !h.moved {
                continue;
            }
            let count = Val::Int(i64::try_from(h.head.count).unwrap_or(i64::MAX));
            let hash = Val::Text(hex::encode(h.head.hash));
            if h.stored {
                tx.exec(
                    "UPDATE note_heads SET count = $1, hash = $2 WHERE case_id = $3 AND device_id = $4",
                    &[count, hash, Val::Text(case), Val::Text(device)],
                )?;
            } else {
                new_heads.extend([Val::Text(case), Val::Text(device), count, hash]);
            }
        }
        tx.insert_rows(
            "INSERT INTO note_heads (case_id, device_id, count, hash) VALUES",
            4,
            new_heads,
        )?;
        let mut ops = Vec::with_capacity(self.new_ops.len() * 4);
        for (op_id, seq) in std::mem::take(&mut self.new_ops) {
            ops.extend([
                Val::Text(op_id),
                Val::from(device_id),
                Val::Int(seq),
                Val::Int(now),
            ]);
        }
        tx.insert_rows(
            "INSERT INTO ops (op_id, device_id, seq, received_at) VALUES",
            4,
            ops,
        )?;
        let mut changes = Vec::with_capacity(self.new_changes.len() * 6);
        for (seq, household, case, body, as_sent) in std::mem::take(&mut self.new_changes) {
            let body = super::seal_op(tx, seq, &body)?;
            changes.extend([
                Val::Int(seq),
                Val::Text(household),
                Val::opt_text(case),
                Val::Text(body),
                if as_sent {
                    Val::from(device_id)
                } else {
                    Val::NullText
                },
                Val::from(auth.practitioner_id.as_str()),
            ]);
        }
        tx.insert_rows(
            "INSERT INTO changes (seq, household_id, case_id, op, origin, vouched) VALUES",
            6,
            changes,
        )
    }
}
