//! The plaintext equivalent of the store: the same domain records as JSON bodies in ordinary
//! tables with clear, indexed columns (including each visit's day), opened with the same pragmas
//! as `doorstep-core` (WAL, `synchronous`, `secure_delete`, memory temp store, cell size checks).
//! With `key`, the same schema is opened through SQLCipher (`PRAGMA key`).

use chrono::NaiveDate;
use doorstep_core::domain::{
    Case, CaseId, DeviceId, Household, Note, NoteId, Person, Practitioner, PractitionerId, Visit,
    VisitId, VisitOutcome, VisitStatus,
};
use doorstep_core::time::local_date;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::{de::DeserializeOwned, Serialize};
use std::path::Path;

/// The database file inside a plaintext (or SQLCipher) fixture directory.
pub const DB_FILE: &str = "plain.db";

/// The `synchronous` setting a benchmark opens with.
#[derive(Debug, Clone, Copy)]
pub enum Sync {
    /// What the product uses: every commit is fsynced.
    Full,
    /// WAL commits are not fsynced (only checkpoints are).
    Normal,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS practitioners (id BLOB PRIMARY KEY, body TEXT NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS households (id BLOB PRIMARY KEY, body TEXT NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS persons (id BLOB PRIMARY KEY, household_id BLOB NOT NULL, body TEXT NOT NULL) STRICT;
CREATE INDEX IF NOT EXISTS persons_by_household ON persons (household_id);
CREATE TABLE IF NOT EXISTS cases (id BLOB PRIMARY KEY, child_id BLOB NOT NULL, household_id BLOB NOT NULL, body TEXT NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS visits (id BLOB PRIMARY KEY, case_id BLOB NOT NULL, practitioner_id BLOB NOT NULL, day TEXT NOT NULL, planned_for TEXT NOT NULL, body TEXT NOT NULL) STRICT;
CREATE INDEX IF NOT EXISTS visits_by_day ON visits (practitioner_id, day, planned_for);
CREATE INDEX IF NOT EXISTS visits_by_case ON visits (case_id);
CREATE TABLE IF NOT EXISTS notes (seq INTEGER PRIMARY KEY, id BLOB NOT NULL UNIQUE, case_id BLOB NOT NULL, body TEXT NOT NULL) STRICT;
CREATE INDEX IF NOT EXISTS notes_by_case ON notes (case_id, seq);
CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY, op_id BLOB NOT NULL UNIQUE, body TEXT NOT NULL) STRICT;
";

/// Queues a changed record for sync, as the product does in the same transaction (plaintext here:
/// the same row, without stamps, diff or seal).
fn queue(tx: &rusqlite::Transaction<'_>, body: &str) -> rusqlite::Result<()> {
    tx.prepare_cached("INSERT INTO outbox (op_id, body) VALUES (?1, ?2)")?
        .execute(params![&uuid::Uuid::new_v4().as_bytes()[..], body])?;
    Ok(())
}

/// Opens (creating if needed) the plaintext database in `dir` with the product's pragmas.
pub fn open(dir: &Path, key: Option<&str>, sync: Sync) -> rusqlite::Result<Connection> {
    let conn = Connection::open(dir.join(DB_FILE))?;
    if let Some(k) = key {
        conn.execute_batch(&format!("PRAGMA key = {k};"))?;
    }
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    conn.execute_batch(match sync {
        Sync::Full => "PRAGMA synchronous = FULL;",
        Sync::Normal => "PRAGMA synchronous = NORMAL;",
    })?;
    conn.execute_batch(
        "PRAGMA secure_delete = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA cell_size_check = ON;
         PRAGMA foreign_keys = ON;",
    )?;
    conn.execute_batch(SCHEMA)?;
    Ok(conn)
}

fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

fn from_json<T: DeserializeOwned>(s: &str) -> rusqlite::Result<T> {
    serde_json::from_str(s).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

/// Reads and parses one record by id (a cached statement).
pub fn get<T: DeserializeOwned>(
    conn: &Connection,
    table: &str,
    id: [u8; 16],
) -> rusqlite::Result<T> {
    let sql = format!("SELECT body FROM {table} WHERE id = ?1");
    let body: String = conn
        .prepare_cached(&sql)?
        .query_row([&id[..]], |r| r.get(0))?;
    from_json(&body)
}

/// Inserts the practitioner.
pub fn insert_practitioner(conn: &Connection, p: &Practitioner) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO practitioners (id, body) VALUES (?1, ?2)")?
        .execute(params![&p.id.bytes()[..], json(p)])?;
    Ok(())
}

/// Inserts a household.
pub fn insert_household(conn: &Connection, h: &Household) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO households (id, body) VALUES (?1, ?2)")?
        .execute(params![&h.id.bytes()[..], json(h)])?;
    Ok(())
}

/// Inserts a person.
pub fn insert_person(conn: &Connection, p: &Person) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO persons (id, household_id, body) VALUES (?1, ?2, ?3)")?
        .execute(params![
            &p.id.bytes()[..],
            &p.household_id.bytes()[..],
            json(p)
        ])?;
    Ok(())
}

/// Inserts a case.
pub fn insert_case(conn: &Connection, c: &Case) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO cases (id, child_id, household_id, body) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        &c.id.bytes()[..],
        &c.child_id.bytes()[..],
        &c.household_id.bytes()[..],
        json(c)
    ])?;
    Ok(())
}

/// Inserts a visit, with its day in the clear for the index.
pub fn insert_visit(conn: &Connection, v: &Visit) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO visits (id, case_id, practitioner_id, day, planned_for, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        &v.id.bytes()[..],
        &v.case_id.bytes()[..],
        &v.practitioner_id.bytes()[..],
        local_date(v.planned_for).to_string(),
        v.planned_for.to_rfc3339(),
        json(v)
    ])?;
    Ok(())
}

/// Inserts a note.
pub fn insert_note(conn: &Connection, n: &Note) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO notes (id, case_id, body) VALUES (?1, ?2, ?3)")?
        .execute(params![&n.id.bytes()[..], &n.case_id.bytes()[..], json(n)])?;
    Ok(())
}

/// Plans a visit (one durable transaction), as `Store::plan_visit` does.
pub fn plan_visit(conn: &mut Connection, template: &Visit) -> rusqlite::Result<VisitId> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let case: Case = get(&tx, "cases", template.case_id.bytes())?;
    let visit = Visit {
        id: VisitId::random(),
        case_id: case.id,
        ..template.clone()
    };
    insert_visit(&tx, &visit)?;
    tx.commit()?;
    Ok(visit.id)
}

/// Records a completed visit and then its note: the same reads and writes as
/// `Store::complete_visit` followed by `Store::add_note`, in two durable transactions, but with
/// plaintext JSON bodies. (The domain validation, a few microseconds of pure code, is not repeated.)
pub fn record_visit(
    conn: &mut Connection,
    visit_id: VisitId,
    practitioner: PractitionerId,
    outcome: &VisitOutcome,
    text: &str,
    now: chrono::DateTime<chrono::Utc>,
    device_id: DeviceId,
) -> rusqlite::Result<Note> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut v: Visit = get(&tx, "visits", visit_id.bytes())?;
    assert!(v.status.is_open(), "visit already recorded");
    let mut case: Case = get(&tx, "cases", v.case_id.bytes())?;
    let mut people = Vec::<Person>::new();
    {
        let mut stmt =
            tx.prepare_cached("SELECT body FROM persons WHERE household_id = ?1 ORDER BY rowid")?;
        let rows = stmt.query_map([&case.household_id.bytes()[..]], |r| r.get::<_, String>(0))?;
        for body in rows {
            people.push(from_json(&body?)?);
        }
    }
    std::hint::black_box(&people);
    v.status = VisitStatus::Completed;
    v.started_at.get_or_insert(now);
    v.ended_at = Some(now);
    v.outcome = Some(outcome.clone());
    case.consecutive_no_access = 0;
    let vj = json(&v);
    tx.prepare_cached("UPDATE visits SET body = ?1 WHERE id = ?2")?
        .execute(params![vj, &v.id.bytes()[..]])?;
    queue(&tx, &vj)?;
    tx.prepare_cached("UPDATE cases SET body = ?1 WHERE id = ?2")?
        .execute(params![json(&case), &case.id.bytes()[..]])?;
    tx.commit()?;

    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut case: Case = get(&tx, "cases", v.case_id.bytes())?;
    let author: Practitioner = get(&tx, "practitioners", practitioner.bytes())?;
    let head = case
        .notes_heads
        .get(&device_id)
        .copied()
        .unwrap_or_default();
    let mut note = Note {
        id: NoteId::random(),
        case_id: case.id,
        author_id: author.id,
        author_name: author.name,
        device_id,
        written_at: now,
        text: text.to_string(),
        significant: false,
        amends: None,
        position: head.count,
        prev_hash: head.hash,
        hash: [0; 32],
    };
    note.hash = note.compute_hash();
    case.notes_heads.insert(device_id, note.head());
    insert_note(&tx, &note)?;
    queue(&tx, &json(&note))?;
    let cj = json(&case);
    tx.prepare_cached("UPDATE cases SET body = ?1 WHERE id = ?2")?
        .execute(params![cj, &case.id.bytes()[..]])?;
    queue(&tx, &cj)?;
    tx.commit()?;
    Ok(note)
}

/// One line of the plaintext day list.
pub type DayRow = (Visit, Case, Person, Household);

/// A practitioner's visits on `date`, by time, with case, child and household: one indexed query.
pub fn day_list(
    conn: &Connection,
    practitioner: PractitionerId,
    date: NaiveDate,
) -> rusqlite::Result<Vec<DayRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT v.body, c.body, p.body, h.body FROM visits v
           JOIN cases c ON c.id = v.case_id
           JOIN persons p ON p.id = c.child_id
           JOIN households h ON h.id = c.household_id
          WHERE v.practitioner_id = ?1 AND v.day = ?2
          ORDER BY v.planned_for",
    )?;
    let rows = stmt.query_map(params![&practitioner.bytes()[..], date.to_string()], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (v, c, p, h) = row?;
        out.push((
            from_json(&v)?,
            from_json(&c)?,
            from_json(&p)?,
            from_json(&h)?,
        ));
    }
    Ok(out)
}

/// The practitioner's id, read from the plaintext database.
pub fn practitioner_id(conn: &Connection) -> rusqlite::Result<PractitionerId> {
    let body: Option<String> = conn
        .query_row("SELECT body FROM practitioners LIMIT 1", [], |r| r.get(0))
        .optional()?;
    let p: Practitioner = from_json(&body.unwrap_or_default())?;
    Ok(p.id)
}

/// The ids of every case, in insertion order.
pub fn case_ids(conn: &Connection) -> rusqlite::Result<Vec<CaseId>> {
    let mut stmt = conn.prepare("SELECT id FROM cases ORDER BY rowid")?;
    let rows = stmt.query_map([], |r| r.get::<_, Vec<u8>>(0))?;
    let mut out = Vec::new();
    for id in rows {
        let id = id?;
        let id = uuid::Uuid::from_slice(&id).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Blob, Box::new(e))
        })?;
        out.push(CaseId(id));
    }
    Ok(out)
}

/// A new planned visit, built from its JSON form so that fields the core adds later (optional,
/// defaulted) need no change here.
pub fn planned_visit(
    case_id: doorstep_core::domain::CaseId,
    practitioner: PractitionerId,
    planned_for: chrono::DateTime<chrono::Utc>,
) -> Visit {
    let v = serde_json::json!({
        "id": VisitId::random(),
        "case_id": case_id,
        "practitioner_id": practitioner,
        "kind": doorstep_core::domain::VisitKind::AnnouncedHome,
        "planned_for": planned_for,
        "expected_minutes": 60,
        "status": VisitStatus::Planned,
    });
    serde_json::from_value(v).unwrap_or_else(|e| panic!("planned visit template: {e}"))
}
