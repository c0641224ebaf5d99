//! The embedded SQLite backend: one connection, WAL, `synchronous=FULL`.

use super::{migrate_in, placeholders, Backend, Row, Tx, Val};
use crate::error::ServerError;
use crate::seal::{KeyProvider, Sealer};
use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use rusqlite::{Connection, ToSql, TransactionBehavior};
use std::path::Path;
use std::sync::Arc;
use std::sync::Mutex;

/// SQLite in one file.
pub struct SqliteBackend {
    conn: Mutex<Connection>,
    sealer: Sealer,
}

impl SqliteBackend {
    /// Opens (creating if needed) the database file at `path`; sensitive columns are sealed with
    /// `keys`.
    pub fn open(path: &Path, keys: Arc<dyn KeyProvider>) -> Result<Self, ServerError> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))?;
        conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")?;
        // Room for every statement a push, a pull and the multi-row shapes use.
        conn.set_prepared_statement_cache_capacity(64);
        Ok(Self {
            conn: Mutex::new(conn),
            sealer: Sealer::new(keys),
        })
    }
}

/// `$1` → `?1`: SQLite reads `$1` as a named parameter.
fn dialect(sql: &str) -> String {
    let mut out = sql.as_bytes().to_vec();
    for i in 0..out.len().saturating_sub(1) {
        if out[i] == b'$' && out[i + 1].is_ascii_digit() {
            out[i] = b'?';
        }
    }
    // Only one ASCII byte was swapped for another, so the text is still UTF-8.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Text read from SQLite (always UTF-8 as the server writes it).
fn text(t: &[u8]) -> String {
    match std::str::from_utf8(t) {
        Ok(s) => s.to_owned(),
        Err(_) => String::from_utf8_lossy(t).into_owned(),
    }
}

impl ToSql for Val {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Val::Int(i) => ToSqlOutput::Owned(Value::Integer(*i)),
            Val::Text(t) => ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes())),
            Val::NullInt | Val::NullText => ToSqlOutput::Owned(Value::Null),
        })
    }
}

struct SqliteTx<'a>(&'a rusqlite::Transaction<'a>, &'a Sealer);

impl Tx for SqliteTx<'_> {
    fn sealer(&self) -> &Sealer {
        self.1
    }

    fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64, ServerError> {
        let mut stmt = self.0.prepare_cached(&dialect(sql))?;
        Ok(stmt.execute(rusqlite::params_from_iter(params.iter()))? as u64)
    }

    /// One cached single-row statement, run for each row: no statement journal, no parsing.
    fn insert_rows(&mut self, head: &str, width: usize, rows: Vec<Val>) -> Result<(), ServerError> {
        if width == 0 || rows.is_empty() {
            return Ok(());
        }
        let mut sql = String::with_capacity(head.len() + 5 * width + 2);
        sql.push_str(head);
        sql.push(' ');
        placeholders(&mut sql, 1, width);
        let mut stmt = self.0.prepare_cached(&dialect(&sql))?;
        for row in rows.chunks(width) {
            stmt.execute(rusqlite::params_from_iter(row.iter()))?;
        }
        Ok(())
    }

    fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Row>, ServerError> {
        let mut stmt = self.0.prepare_cached(&dialect(sql))?;
        let n = stmt.column_count();
        let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let mut r = Vec::with_capacity(n);
            for i in 0..n {
                r.push(match row.get_ref(i)? {
                    ValueRef::Integer(v) => Val::Int(v),
                    ValueRef::Text(t) => Val::Text(text(t)),
                    ValueRef::Null => Val::NullText,
                    ValueRef::Real(_) | ValueRef::Blob(_) => {
                        return Err(ServerError::Internal("unexpected column type"))
                    }
                });
            }
            out.push(r);
        }
        Ok(out)
    }
}

impl Backend for SqliteBackend {
    fn transaction(
        &self,
        f: &mut dyn FnMut(&mut dyn Tx) -> Result<(), ServerError>,
    ) -> Result<(), ServerError> {
        let mut conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        f(&mut SqliteTx(&tx, &self.sealer))?;
        tx.commit()?;
        Ok(())
    }

    fn migrate(&self) -> Result<(), ServerError> {
        self.transaction(&mut |tx| migrate_in(tx))
    }

    fn name(&self) -> &'static str {
        "sqlite"
    }

    fn sealer(&self) -> &Sealer {
        &self.sealer
    }
}
