//! The PostgreSQL backend: a connection pool; stateless server processes may share one database.
//! Write transactions serialise on the change-log counter row, so sequence numbers commit in order.

use super::{migrate_in, Backend, Row, Tx, Val};
use crate::error::ServerError;
use crate::seal::{KeyProvider, Sealer};
use postgres::types::{ToSql, Type};
use r2d2_postgres::{postgres::NoTls, PostgresConnectionManager};
use std::sync::Arc;

/// PostgreSQL through a pool of connections.
pub struct PostgresBackend {
    pool: r2d2::Pool<PostgresConnectionManager<NoTls>>,
    sealer: Sealer,
}

impl PostgresBackend {
    /// Connects to `url` (`postgres://user@host/db`) with a pool of `size` connections;
    /// sensitive columns are sealed with `keys`.
    pub fn connect(url: &str, size: u32, keys: Arc<dyn KeyProvider>) -> Result<Self, ServerError> {
        let config: postgres::Config = url
            .parse()
            .map_err(|_| ServerError::Config("invalid PostgreSQL URL"))?;
        let manager = PostgresConnectionManager::new(config, NoTls);
        let pool = r2d2::Pool::builder()
            .max_size(size)
            .build(manager)
            .map_err(|_| ServerError::Unavailable("cannot connect to PostgreSQL"))?;
        Ok(Self {
            pool,
            sealer: Sealer::new(keys),
        })
    }
}

fn params(vals: &[Val]) -> Vec<Box<dyn ToSql + Sync>> {
    vals.iter()
        .map(|v| -> Box<dyn ToSql + Sync> {
            match v {
                Val::Int(i) => Box::new(*i),
                Val::Text(t) => Box::new(t.clone()),
                Val::NullInt => Box::new(Option::<i64>::None),
                Val::NullText => Box::new(Option::<String>::None),
            }
        })
        .collect()
}

struct PgTx<'a, 'b>(&'a mut postgres::Transaction<'b>, &'a Sealer);

impl Tx for PgTx<'_, '_> {
    fn sealer(&self) -> &Sealer {
        self.1
    }

    fn exec(&mut self, sql: &str, vals: &[Val]) -> Result<u64, ServerError> {
        let owned = params(vals);
        let refs: Vec<&(dyn ToSql + Sync)> = owned.iter().map(|b| b.as_ref()).collect();
        Ok(self.0.execute(sql, &refs)?)
    }

    fn query(&mut self, sql: &str, vals: &[Val]) -> Result<Vec<Row>, ServerError> {
        let owned = params(vals);
        let refs: Vec<&(dyn ToSql + Sync)> = owned.iter().map(|b| b.as_ref()).collect();
        let rows = self.0.query(sql, &refs)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let mut r = Vec::with_capacity(row.len());
            for (i, col) in row.columns().iter().enumerate() {
                let v = match *col.type_() {
                    Type::INT8 => row
                        .try_get::<_, Option<i64>>(i)?
                        .map_or(Val::NullInt, Val::Int),
                    Type::INT4 => row
                        .try_get::<_, Option<i32>>(i)?
                        .map_or(Val::NullInt, |v| Val::Int(i64::from(v))),
                    Type::TEXT | Type::VARCHAR => row
                        .try_get::<_, Option<String>>(i)?
                        .map_or(Val::NullText, Val::Text),
                    _ => return Err(ServerError::Internal("unexpected column type")),
                };
                r.push(v);
            }
            out.push(r);
        }
        Ok(out)
    }
}

impl Backend for PostgresBackend {
    fn transaction(
        &self,
        f: &mut dyn FnMut(&mut dyn Tx) -> Result<(), ServerError>,
    ) -> Result<(), ServerError> {
        let mut client = self
            .pool
            .get()
            .map_err(|_| ServerError::Unavailable("no database connection available"))?;
        let mut tx = client.transaction()?;
        f(&mut PgTx(&mut tx, &self.sealer))?;
        tx.commit()?;
        Ok(())
    }

    fn migrate(&self) -> Result<(), ServerError> {
        self.transaction(&mut |tx| {
            // Serialise concurrent migrations from several server processes.
            tx.exec("SELECT pg_advisory_xact_lock(4242)", &[])?;
            migrate_in(tx)
        })
    }

    fn name(&self) -> &'static str {
        "postgres"
    }

    fn sealer(&self) -> &Sealer {
        &self.sealer
    }
}
