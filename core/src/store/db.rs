//! Opening the SQLite file with the settings durability and secrecy depend on, and migrating it.

use super::StoreError;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;

/// The database file's name inside a store directory.
pub const DB_FILE: &str = "doorstep.db";
/// The newest schema this build reads and writes.
pub const SCHEMA_VERSION: u32 = 4;

/// The schema, one migration per version (index 0 brings a new file to version 1).
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: sealed records, with only random ids, kind and bookkeeping in the clear. `version` counts a
    // record's writes; it is bound into the record's associated data and into the store digest.
    "CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value BLOB NOT NULL) STRICT;
     CREATE TABLE records (
         seq INTEGER PRIMARY KEY,
         id BLOB NOT NULL UNIQUE CHECK (length(id) = 16),
         kind TEXT NOT NULL,
         parent BLOB CHECK (parent IS NULL OR length(parent) = 16),
         tag BLOB CHECK (tag IS NULL OR length(tag) = 16),
         key_id INTEGER NOT NULL,
         format INTEGER NOT NULL,
         version INTEGER NOT NULL DEFAULT 1,
         body BLOB NOT NULL
     ) STRICT;
     CREATE INDEX records_by_parent ON records (kind, parent, seq);
     CREATE INDEX records_by_tag ON records (kind, tag) WHERE tag IS NOT NULL;
     CREATE TRIGGER notes_are_append_only_update BEFORE UPDATE ON records WHEN OLD.kind = 'note'
       BEGIN SELECT RAISE(ABORT, 'notes are append-only'); END;
     CREATE TRIGGER notes_are_append_only_delete BEFORE DELETE ON records WHEN OLD.kind = 'note'
       BEGIN SELECT RAISE(ABORT, 'notes are append-only'); END;",
    // 2: the sync outbox. Clear columns are bookkeeping only: a random operation id, the random
    // household id (to keep a household's changes in order), the lane, whether it is parked.
    "CREATE TABLE outbox (
         seq INTEGER PRIMARY KEY,
         op_id BLOB NOT NULL UNIQUE CHECK (length(op_id) = 16),
         household BLOB NOT NULL CHECK (length(household) = 16),
         lane INTEGER NOT NULL,
         parked INTEGER NOT NULL DEFAULT 0,
         attempts INTEGER NOT NULL DEFAULT 0,
         body BLOB NOT NULL
     ) STRICT;
     CREATE INDEX outbox_pending ON outbox (parked, household, seq);",
    // 3: the outbox without indexes: every change writes one row, and two indexes (on the random
    // operation id and on the household) cost two more pages per transaction. The queue is short
    // (it empties at every sync) and rows are found by `seq`, the table's own key.
    "CREATE TABLE outbox_v3 (
         seq INTEGER PRIMARY KEY,
         op_id BLOB NOT NULL CHECK (length(op_id) = 16),
         household BLOB NOT NULL CHECK (length(household) = 16),
         lane INTEGER NOT NULL,
         parked INTEGER NOT NULL DEFAULT 0,
         attempts INTEGER NOT NULL DEFAULT 0,
         body BLOB NOT NULL
     ) STRICT;
     INSERT INTO outbox_v3 (seq, op_id, household, lane, parked, attempts, body)
       SELECT seq, op_id, household, lane, parked, attempts, body FROM outbox;
     DROP TABLE outbox;
     ALTER TABLE outbox_v3 RENAME TO outbox;",
    // 4: reads that notice and a queue inside the integrity model. `digests` holds a keyed digest
    // per group of records (a case's notes, a day's visits...) under a keyed hash of the group, so
    // it links nothing. Each queued operation gains `target`, the record it changes, sealed
    // apart from its body, so that a damaged operation's record can be queued again. The outbox's
    // `household` becomes a keyed hash and its `lane` moves inside the sealed body; both need the
    // key, so they are rewritten at the first unlock (with the digests, `store/integrity.rs`).
    // A note may be updated only to re-seal it, unchanged, under a newer data key (a rotation).
    "CREATE TABLE digests (
         grp BLOB PRIMARY KEY NOT NULL CHECK (length(grp) = 16),
         value BLOB NOT NULL
     ) STRICT, WITHOUT ROWID;
     ALTER TABLE outbox ADD COLUMN target BLOB;
     DROP TRIGGER notes_are_append_only_update;
     CREATE TRIGGER notes_are_append_only_update BEFORE UPDATE ON records
       WHEN OLD.kind = 'note' AND NOT (NEW.key_id > OLD.key_id AND NEW.kind = OLD.kind
         AND NEW.id IS OLD.id AND NEW.parent IS OLD.parent)
       BEGIN SELECT RAISE(ABORT, 'notes are append-only'); END;",
];

/// Opens (or, with `create`, creates) the database with WAL, `synchronous=FULL`, `secure_delete`
/// and an in-memory temp store, and brings its schema up to date.
pub fn open(dir: &Path, create: bool) -> Result<Connection, StoreError> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let path = dir.join(DB_FILE);
    if create {
        // Created private before SQLite opens it: SQLite gives its write-ahead log and shared
        // memory file the database's own permissions.
        crate::files::create_private_file(&path)?;
    } else {
        // A store written by an earlier build (files created 0644) is made private.
        for f in [DB_FILE, "doorstep.db-wal", "doorstep.db-shm"] {
            crate::files::make_private(&dir.join(f))?;
        }
    }
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // Every hot statement stays prepared (the default cache of 16 thrashes and re-parses SQL).
    conn.set_prepared_statement_cache_capacity(128);
    // Plans never depend on the values bound to a statement: otherwise SQLite compiles a cached
    // statement again on every execution whose parameters it compared against the partial tag
    // index, which cost more than the query itself.
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Io(
            "the file system does not support write-ahead logging".into(),
        ));
    }
    conn.execute_batch(
        "PRAGMA synchronous = FULL;
         PRAGMA secure_delete = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA cell_size_check = ON;
         PRAGMA foreign_keys = ON;
         PRAGMA recursive_triggers = ON;",
    )?;
    let current: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if !create && current == 0 {
        // Never build a schema inside a file that should already hold one (an emptied or
        // truncated database): report it and leave the file as it is.
        return Err(StoreError::Corrupt {
            detail: "the database file holds no store".into(),
        });
    }
    migrate(&conn, current)?;
    Ok(conn)
}

fn migrate(conn: &Connection, current: u32) -> Result<(), StoreError> {
    if current > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            found: current,
            supported: SCHEMA_VERSION,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as u32)?;
        tx.commit()?;
    }
    Ok(())
}

/// Runs `f` in one read transaction (unless the connection is already inside a transaction):
/// every statement of a read sees the same snapshot, and the database's shared lock and the
/// write-ahead log's index are taken once for the read instead of once per statement.
pub fn in_read_transaction<R>(
    conn: &Connection,
    f: impl FnOnce() -> Result<R, StoreError>,
) -> Result<R, StoreError> {
    if !conn.is_autocommit() {
        return f();
    }
    conn.prepare_cached("BEGIN DEFERRED")?.execute([])?;
    let out = f();
    // Whatever `f` returned, the transaction ends here (a read writes nothing to keep or undo).
    if let Err(e) = conn
        .prepare_cached("COMMIT")
        .and_then(|mut s| s.execute([]))
    {
        let _ = conn.execute_batch("ROLLBACK");
        out?;
        return Err(e.into());
    }
    out
}

/// Reads a metadata value.
pub fn meta_get(conn: &Connection, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

/// Writes a metadata value.
pub fn meta_set(conn: &Connection, key: &str, value: &[u8]) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?.execute(
        rusqlite::params![key, value],
    )?;
    Ok(())
}

/// Reads several 16-byte ids from the metadata in one statement, or reports the store as damaged.
pub fn meta_ids<const N: usize>(
    conn: &Connection,
    keys: [&'static str; N],
) -> Result<[[u8; 16]; N], StoreError> {
    let mut out = [None; N];
    let placeholders = ["?"; N].join(", ");
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT key, value FROM meta WHERE key IN ({placeholders})"
    ))?;
    let mut rows = stmt.query(rusqlite::params_from_iter(keys.iter()))?;
    while let Some(row) = rows.next()? {
        let key: String = row.get(0)?;
        let value: Vec<u8> = row.get(1)?;
        if let (Some(i), Ok(id)) = (
            keys.iter().position(|k| *k == key),
            <[u8; 16]>::try_from(value.as_slice()),
        ) {
            out[i] = Some(id);
        }
    }
    let mut ids = [[0u8; 16]; N];
    for (i, id) in out.into_iter().enumerate() {
        ids[i] = id.ok_or(StoreError::Corrupt {
            detail: format!("missing {}", keys[i]),
        })?;
    }
    Ok(ids)
}
