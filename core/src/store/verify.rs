//! `verify`: SQLite's integrity check, every record's authentication, and every case's note chain.

use super::records::{raw_list, Kind, Records};
use super::{Store, StoreError};
use crate::domain::{Case, CaseId, DeviceId, Note, NoteId, PractitionerId};

/// What is wrong at a point of a case's note chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChainProblem {
    /// A note's content no longer matches its hash: it was edited.
    HashMismatch,
    /// A note does not follow the one before it: a note was removed or reordered here.
    LinkMismatch,
    /// The chain is shorter or different than the case's recorded head: notes were removed at the end.
    HeadMismatch,
    /// A note could not be opened (see `tampered`).
    Unreadable,
    /// A note's author or device is not the one the server vouched for when it delivered the
    /// note (or a note of this device names another author): a forged authorship.
    AuthorMismatch,
}

/// Where a note received from the server keeps what the server vouched about its author:
/// `{ "practitioner_id": …, "device_id": … }` (outside the note's hash; never sent).
pub(crate) const VOUCHED_FIELD: &str = "vouched_by";

/// Whether a note's author fields contradict what vouches for them: the server's word for a
/// received note, this device's own identity for a note written here.
fn author_mismatch(
    note: &Note,
    vouch: Option<&serde_json::Value>,
    me: (DeviceId, PractitionerId),
) -> bool {
    if note.device_id == me.0 {
        return note.author_id != me.1;
    }
    let Some(v) = vouch else { return false };
    let said = |key: &str| {
        v.get(key)
            .and_then(serde_json::Value::as_str)
            .map(str::to_string)
    };
    // An unvouched note (from a server that vouches for nothing) is not reported.
    let practitioner_differs =
        said("practitioner_id").is_some_and(|p| p != note.author_id.to_string());
    let device_differs = said("device_id").is_some_and(|d| d != note.device_id.to_string());
    practitioner_differs || device_differs
}

/// Where a case's note chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChainBreak {
    /// The case.
    pub case_id: CaseId,
    /// The device whose chain breaks (unknown for a note that cannot be opened).
    pub device_id: Option<DeviceId>,
    /// The position in that device's chain (0 = first note).
    pub position: u64,
    /// The note at that position, if there is one.
    pub note_id: Option<NoteId>,
    /// What is wrong.
    pub problem: ChainProblem,
}

/// The result of verifying a store.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct VerifyReport {
    /// SQLite's integrity check passed.
    pub database_ok: bool,
    /// The records and queued operations match the store, group and queue digests: none was
    /// deleted, added, relabelled, moved or rolled back to an older version.
    pub digest_ok: bool,
    /// Rows whose kind this build does not know (a relabelled record).
    pub unknown_records: u64,
    /// Records opened and authenticated.
    pub records_checked: u64,
    /// Records that failed authentication.
    pub tampered: Vec<String>,
    /// Breaks in note chains.
    pub chain_breaks: Vec<ChainBreak>,
    /// Queued operations opened and authenticated.
    pub queue_checked: u64,
    /// Queued operations that failed authentication (their operation ids, random).
    pub queue_damaged: Vec<String>,
    /// How many problems were found, every check counted (the same as [`VerifyReport::problems`]).
    pub problems: u64,
}

impl VerifyReport {
    /// How many problems were found: a failed database check, a digest mismatch, each unknown
    /// record, each record and each queued operation failing authentication, each chain break.
    pub fn problems(&self) -> u64 {
        u64::from(!self.database_ok)
            + u64::from(!self.digest_ok)
            + self.unknown_records
            + self.tampered.len() as u64
            + self.queue_damaged.len() as u64
            + self.chain_breaks.len() as u64
    }

    /// Whether nothing is wrong.
    pub fn is_ok(&self) -> bool {
        self.problems() == 0
    }
}

impl Store {
    /// Checks the whole store and reports every problem found; it never stops at the first.
    pub fn verify(&self) -> Result<VerifyReport, StoreError> {
        self.read_even_if_tampered(|r| {
            let integrity: String = r
                .conn
                .query_row("PRAGMA integrity_check", [], |row| row.get(0))?;
            let digests = super::digest::recompute(r.conn, &r.keys.digest)?;
            let digest_ok = digests.store == super::digest::stored(r.conn)?
                && digests.queue == super::digest::queue_stored(r.conn)?
                && digests.groups == super::digest::all_groups_stored(r.conn)?;
            let known: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
            let mut unknown_records = 0u64;
            let mut stmt = r.conn.prepare("SELECT kind FROM records")?;
            for kind in stmt.query_map([], |row| row.get::<_, String>(0))? {
                if !known.contains(&kind?.as_str()) {
                    unknown_records += 1;
                }
            }
            let mut report = VerifyReport {
                database_ok: integrity == "ok",
                digest_ok,
                unknown_records,
                ..Default::default()
            };
            let mut cases = Vec::new();
            for kind in Kind::ALL {
                for raw in raw_list(r.conn, kind, None)? {
                    let opened = if kind == Kind::Case {
                        r.open_raw::<Case>(kind, &raw).map(|c| cases.push(c))
                    } else {
                        r.open_raw::<serde_json::Value>(kind, &raw).map(|_| ())
                    };
                    match opened {
                        Ok(()) => report.records_checked += 1,
                        Err(StoreError::Tampered { record_id }) => report.tampered.push(record_id),
                        Err(e) => return Err(e),
                    }
                }
            }
            for case in &cases {
                check_chain(
                    r,
                    case,
                    (self.device_id, self.practitioner_id),
                    &mut report.chain_breaks,
                )?;
            }
            let queue = super::outbox::check_all(r)?;
            report.queue_checked = queue.checked;
            report.queue_damaged = queue.damaged;
            report.problems = report.problems();
            Ok(report)
        })
    }
}

fn check_chain(
    r: &Records<'_>,
    case: &Case,
    me: (DeviceId, PractitionerId),
    breaks: &mut Vec<ChainBreak>,
) -> Result<(), StoreError> {
    // Each device appends to its own chain on the case: group the notes by device, walk each
    // chain by position, and compare its end with the head the case records for that device.
    let mut chains: std::collections::BTreeMap<DeviceId, Vec<Note>> =
        std::collections::BTreeMap::new();
    for (i, raw) in raw_list(r.conn, Kind::Note, Some(case.id.bytes()))?
        .iter()
        .enumerate()
    {
        match r.open_raw::<serde_json::Value>(Kind::Note, raw) {
            Ok(v) => {
                let Ok(n) = serde_json::from_value::<Note>(v.clone()) else {
                    breaks.push(ChainBreak {
                        case_id: case.id,
                        device_id: None,
                        position: i as u64,
                        note_id: None,
                        problem: ChainProblem::Unreadable,
                    });
                    continue;
                };
                if author_mismatch(&n, v.get(VOUCHED_FIELD), me) {
                    breaks.push(ChainBreak {
                        case_id: case.id,
                        device_id: Some(n.device_id),
                        position: n.position,
                        note_id: Some(n.id),
                        problem: ChainProblem::AuthorMismatch,
                    });
                }
                chains.entry(n.device_id).or_default().push(n)
            }
            Err(StoreError::Tampered { .. }) => breaks.push(ChainBreak {
                case_id: case.id,
                device_id: None,
                position: i as u64,
                note_id: None,
                problem: ChainProblem::Unreadable,
            }),
            Err(e) => return Err(e),
        }
    }
    for device in case.notes_heads.keys() {
        chains.entry(*device).or_default();
    }
    for (device, mut notes) in chains {
        notes.sort_by_key(|n| n.position);
        let brk = |position, note_id, problem| ChainBreak {
            case_id: case.id,
            device_id: Some(device),
            position,
            note_id,
            problem,
        };
        let mut prev = [0u8; 32];
        let mut position = 0u64;
        let mut broken = false;
        for note in &notes {
            if note.case_id != case.id || note.position != position || note.prev_hash != prev {
                breaks.push(brk(position, Some(note.id), ChainProblem::LinkMismatch));
                broken = true;
                break;
            }
            if note.compute_hash() != note.hash {
                breaks.push(brk(position, Some(note.id), ChainProblem::HashMismatch));
                broken = true;
                break;
            }
            prev = note.hash;
            position += 1;
        }
        if broken {
            continue;
        }
        let head = case.notes_heads.get(&device).copied().unwrap_or_default();
        if head.count != position || head.hash != prev {
            breaks.push(brk(position, None, ChainProblem::HeadMismatch));
        }
    }
    Ok(())
}
