//! Storage behind one small interface so the same sync logic runs on SQLite (the embedded default)
//! and PostgreSQL (for organisations that outgrow one machine). SQL is written once, in the dialect
//! both share, with `$1`-style parameters.

mod postgres;
mod sqlite;

pub use self::postgres::PostgresBackend;
pub use self::sqlite::SqliteBackend;

use crate::error::ServerError;
use crate::seal::Sealer;

/// A value bound to, or read from, a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Val {
    /// A 64-bit integer.
    Int(i64),
    /// Text.
    Text(String),
    /// A NULL integer.
    NullInt,
    /// A NULL text.
    NullText,
}

impl Val {
    /// The integer, if this is one.
    pub fn int(&self) -> Option<i64> {
        match self {
            Val::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The text, if this is some.
    pub fn text(&self) -> Option<&str> {
        match self {
            Val::Text(t) => Some(t),
            _ => None,
        }
    }

    /// Text or NULL.
    pub fn opt_text(v: Option<String>) -> Val {
        v.map_or(Val::NullText, Val::Text)
    }
}

impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Val::Int(v)
    }
}

impl From<&str> for Val {
    fn from(v: &str) -> Self {
        Val::Text(v.to_string())
    }
}

impl From<String> for Val {
    fn from(v: String) -> Self {
        Val::Text(v)
    }
}

/// One row of a result.
pub type Row = Vec<Val>;

/// Statements inside one transaction.
pub trait Tx {
    /// Seals and opens the sensitive columns.
    fn sealer(&self) -> &Sealer;
    /// Runs a statement; returns the number of rows changed.
    fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64, ServerError>;
    /// Runs a query; returns every row.
    fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Row>, ServerError>;
    /// Inserts rows: `head` is `INSERT INTO table (columns) VALUES`, `rows` holds `width` values
    /// for each row, in order. The default sends multi-row statements; a backend may do better.
    fn insert_rows(&mut self, head: &str, width: usize, rows: Vec<Val>) -> Result<(), ServerError> {
        insert_multi_row(self, head, width, rows)
    }
    /// Runs a query expected to return at most one row.
    fn query_opt(&mut self, sql: &str, params: &[Val]) -> Result<Option<Row>, ServerError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }
}

/// Rows in one multi-row `INSERT` at most (8 parameters a row for `records`: well under
/// PostgreSQL's parameter limit). Smaller remainders go in power-of-two chunks, so a few statement
/// shapes serve every batch.
const INSERT_ROWS: usize = 128;

/// `($first, $first+1, …)` for `n` parameters.
pub(crate) fn placeholders(out: &mut String, first: usize, n: usize) {
    out.push('(');
    for i in 0..n {
        if i > 0 {
            out.push_str(", ");
        }
        out.push('$');
        out.push_str(&(first + i).to_string());
    }
    out.push(')');
}

/// [`Tx::insert_rows`] as multi-row `INSERT` statements.
fn insert_multi_row<T: Tx + ?Sized>(
    tx: &mut T,
    head: &str,
    width: usize,
    mut rows: Vec<Val>,
) -> Result<(), ServerError> {
    if width == 0 {
        return Ok(());
    }
    let mut left = rows.len() / width;
    while left > 0 {
        let n = if left >= INSERT_ROWS {
            INSERT_ROWS
        } else {
            1 << (usize::BITS - 1 - left.leading_zeros())
        };
        let mut sql = String::with_capacity(head.len() + n * width * 5);
        sql.push_str(head);
        for r in 0..n {
            sql.push_str(if r == 0 { " " } else { ", " });
            placeholders(&mut sql, r * width + 1, width);
        }
        let rest = rows.split_off(n * width);
        tx.exec(&sql, &rows)?;
        rows = rest;
        left -= n;
    }
    Ok(())
}

/// A database the server can run on.
pub trait Backend: Send + Sync {
    /// Runs `f` in one transaction, committed if it returns `Ok` and rolled back otherwise. Write
    /// transactions are serialised with each other, so change-log sequence numbers are assigned
    /// in commit order.
    fn transaction(
        &self,
        f: &mut dyn FnMut(&mut dyn Tx) -> Result<(), ServerError>,
    ) -> Result<(), ServerError>;
    /// Creates or upgrades the schema.
    fn migrate(&self) -> Result<(), ServerError>;
    /// A short name for logs (`sqlite` or `postgres`).
    fn name(&self) -> &'static str;
    /// Seals and opens the sensitive columns.
    fn sealer(&self) -> &Sealer;
}

/// Runs `f` in a transaction and returns its value.
pub fn with_tx<R>(
    db: &dyn Backend,
    mut f: impl FnMut(&mut dyn Tx) -> Result<R, ServerError>,
) -> Result<R, ServerError> {
    let mut out = None;
    db.transaction(&mut |tx| {
        out = Some(f(tx)?);
        Ok(())
    })?;
    out.ok_or(ServerError::Internal("transaction returned nothing"))
}

/// The schema, in statements both SQLite and PostgreSQL accept.
pub const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)",
    "INSERT INTO counters (name, value) VALUES ('seq', 0) ON CONFLICT (name) DO NOTHING",
    "CREATE TABLE IF NOT EXISTS teams (id TEXT PRIMARY KEY, name TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS practitioners (id TEXT PRIMARY KEY, team_id TEXT NOT NULL REFERENCES teams(id), \
     name TEXT NOT NULL, agency TEXT NOT NULL, created_at BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS enrol_codes (code_hash TEXT PRIMARY KEY, practitioner_id TEXT NOT NULL \
     REFERENCES practitioners(id), expires_at BIGINT NOT NULL, used_at BIGINT)",
    "CREATE TABLE IF NOT EXISTS devices (id TEXT PRIMARY KEY, practitioner_id TEXT NOT NULL REFERENCES practitioners(id), \
     token_hash TEXT NOT NULL UNIQUE, enrolled_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, revoked_at BIGINT, \
     wiped_at BIGINT, last_seen BIGINT)",
    "CREATE TABLE IF NOT EXISTS allocations (case_id TEXT NOT NULL, practitioner_id TEXT NOT NULL REFERENCES practitioners(id), \
     household_id TEXT NOT NULL, PRIMARY KEY (case_id, practitioner_id))",
    "CREATE TABLE IF NOT EXISTS household_access (household_id TEXT NOT NULL, practitioner_id TEXT NOT NULL \
     REFERENCES practitioners(id), PRIMARY KEY (household_id, practitioner_id))",
    "CREATE TABLE IF NOT EXISTS records (id TEXT PRIMARY KEY, kind TEXT NOT NULL, household_id TEXT NOT NULL, \
     case_id TEXT, parent_id TEXT, fields TEXT NOT NULL, stamps TEXT NOT NULL, seq BIGINT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS records_by_case ON records (case_id)",
    "CREATE INDEX IF NOT EXISTS records_by_household ON records (household_id)",
    "CREATE TABLE IF NOT EXISTS ops (op_id TEXT PRIMARY KEY, device_id TEXT NOT NULL, seq BIGINT NOT NULL, \
     received_at BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS changes (seq BIGINT PRIMARY KEY, household_id TEXT NOT NULL, case_id TEXT, \
     op TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS changes_by_case ON changes (case_id, seq)",
    "CREATE INDEX IF NOT EXISTS changes_by_household ON changes (household_id, seq)",
];

/// Schema changes after [`SCHEMA`], in order: step `n` (from 1) runs once, when the stored
/// schema version (the `schema` counter) is below `n`.
pub const MIGRATIONS: &[&[&str]] = &[
    // 1: server-vouched authorship and echo suppression on the change log; note chain heads.
    &[
        // The device whose operation this change is, when logged as that device sent it (the
        // device already has it: it is not sent back).
        "ALTER TABLE changes ADD COLUMN origin TEXT",
        // The practitioner the server vouches wrote the change (the authenticated device's).
        "ALTER TABLE changes ADD COLUMN vouched TEXT",
        "CREATE TABLE IF NOT EXISTS note_heads (case_id TEXT NOT NULL, device_id TEXT NOT NULL, \
         count BIGINT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (case_id, device_id))",
    ],
    // 2: lone-working escalation (see `crate::lone_working` and docs/LONE-WORKING.md).
    &[
        // Who is told: a practitioner's buddy or manager (amber; `practitioner_id` set) or the
        // team's escalation contacts (red; `practitioner_id` NULL). `target`, `secret` and
        // `label` are sealed.
        "CREATE TABLE IF NOT EXISTS lone_contacts (id TEXT PRIMARY KEY, team_id TEXT NOT NULL REFERENCES teams(id), \
         practitioner_id TEXT REFERENCES practitioners(id), role TEXT NOT NULL, channel TEXT NOT NULL, \
         target TEXT NOT NULL, secret TEXT, label TEXT NOT NULL, created_at BIGINT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS lone_contacts_by_team ON lone_contacts (team_id, practitioner_id)",
        // Each synced check-in and where its escalation stands (`level`: none, amber, red).
        // `who_was_called` is sealed.
        "CREATE TABLE IF NOT EXISTS lone_check_ins (visit_id TEXT PRIMARY KEY, practitioner_id TEXT NOT NULL \
         REFERENCES practitioners(id), team_id TEXT NOT NULL, device_id TEXT NOT NULL, household_id TEXT NOT NULL, \
         case_id TEXT, started_at BIGINT NOT NULL, expected_minutes BIGINT NOT NULL, expected_end BIGINT NOT NULL, \
         amber_at BIGINT NOT NULL, red_at BIGINT NOT NULL, level TEXT NOT NULL, checked_out_at BIGINT, \
         cleared_at BIGINT, acknowledged_at BIGINT, acknowledged_by TEXT, who_was_called TEXT, \
         received_at BIGINT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS lone_check_ins_open ON lone_check_ins (cleared_at, amber_at)",
        "CREATE INDEX IF NOT EXISTS lone_check_ins_by_team ON lone_check_ins (team_id, cleared_at)",
        // One notification per (check-in, level, contact): never sent twice once delivered.
        // `state`: pending, delivered, cancelled (its check-in cleared before it was sent).
        "CREATE TABLE IF NOT EXISTS lone_notifications (id TEXT PRIMARY KEY, visit_id TEXT NOT NULL, \
         level TEXT NOT NULL, contact_id TEXT NOT NULL, channel TEXT NOT NULL, state TEXT NOT NULL, \
         attempts BIGINT NOT NULL, next_attempt_at BIGINT NOT NULL, lease_until BIGINT, delivered_at BIGINT, \
         created_at BIGINT NOT NULL, UNIQUE (visit_id, level, contact_id))",
        "CREATE INDEX IF NOT EXISTS lone_notifications_due ON lone_notifications (state, next_attempt_at)",
        // Every delivery attempt: channel, number, outcome (no address, no content), time.
        "CREATE TABLE IF NOT EXISTS lone_attempts (notification_id TEXT NOT NULL, attempt BIGINT NOT NULL, \
         channel TEXT NOT NULL, outcome TEXT NOT NULL, at BIGINT NOT NULL, PRIMARY KEY (notification_id, attempt))",
    ],
    // 3: each phone's backlog as it last said (the operations still waiting on it after a push).
    &[
        "ALTER TABLE devices ADD COLUMN backlog BIGINT",
        "ALTER TABLE devices ADD COLUMN backlog_at BIGINT",
    ],
];

/// Creates the schema and runs the migrations it has not run yet (inside the caller's
/// transaction).
pub fn migrate_in(tx: &mut dyn Tx) -> Result<(), ServerError> {
    for s in SCHEMA {
        tx.exec(s, &[])?;
    }
    tx.exec(
        "INSERT INTO counters (name, value) VALUES ('schema', 0) ON CONFLICT (name) DO NOTHING",
        &[],
    )?;
    let done = tx
        .query_opt("SELECT value FROM counters WHERE name = 'schema'", &[])?
        .and_then(|r| r[0].int())
        .unwrap_or(0);
    for (i, step) in MIGRATIONS.iter().enumerate() {
        let version = i as i64 + 1;
        if version <= done {
            continue;
        }
        for s in *step {
            tx.exec(s, &[])?;
        }
        tx.exec(
            "UPDATE counters SET value = $1 WHERE name = 'schema'",
            &[Val::Int(version)],
        )?;
    }
    for s in crate::dashboard::schema::SCHEMA {
        tx.exec(s, &[])?;
    }
    Ok(())
}
