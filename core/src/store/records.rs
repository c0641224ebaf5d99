//! Sealed records: every sensitive value is serialised, sealed with the data key and bound to its
//! store, kind, id, key id and format version. Only those and a parent id or blind tag are clear.

use super::StoreError;
use crate::crypto::{open, seal, DataKey, KeyId, RecordAad, TagKey};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{de::DeserializeOwned, Serialize};

/// The format version of record bodies written by this build.
pub const RECORD_FORMAT: u32 = 1;

/// The kinds of record, as stored in the clear `kind` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The device's practitioner.
    Practitioner,
    /// A household.
    Household,
    /// A person.
    Person,
    /// A case.
    Case,
    /// A visit.
    Visit,
    /// A note or amendment.
    Note,
}

impl Kind {
    /// The stored name.
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Practitioner => "practitioner",
            Kind::Household => "household",
            Kind::Person => "person",
            Kind::Case => "case",
            Kind::Visit => "visit",
            Kind::Note => "note",
        }
    }
}

/// The unlocked keys. Dropping them zeroizes them.
pub struct Keys {
    /// The data key.
    pub data: DataKey,
    /// The blind-tag key derived from it.
    pub tag: TagKey,
    /// Which key it is.
    pub key_id: KeyId,
}

impl Keys {
    /// Wraps an unlocked data key.
    pub fn new(data: DataKey, key_id: KeyId) -> Self {
        let tag = TagKey::from_data_key(&data);
        Self { data, tag, key_id }
    }
}

/// Reads and writes sealed records on one connection (or transaction) with unlocked keys.
pub struct Records<'a> {
    /// The connection or open transaction.
    pub conn: &'a Connection,
    /// The unlocked keys.
    pub keys: &'a Keys,
    /// The store's id.
    pub store_id: [u8; 16],
}

/// A record's clear columns, for listing without decrypting.
pub struct RawRecord {
    /// The id.
    pub id: [u8; 16],
    /// The sealed body.
    pub body: Vec<u8>,
    /// The key id it claims.
    pub key_id: u32,
    /// The format it claims.
    pub format: u32,
}

impl Records<'_> {
    fn aad(&self, kind: Kind, id: &[u8; 16], key_id: KeyId, format: u32) -> Vec<u8> {
        RecordAad {
            store_id: &self.store_id,
            table: kind.name(),
            record_id: id,
            key_id,
            schema_version: format,
        }
        .encode()
    }

    fn seal_value<T: Serialize>(
        &self,
        kind: Kind,
        id: &[u8; 16],
        value: &T,
    ) -> Result<Vec<u8>, StoreError> {
        let plain = zeroize::Zeroizing::new(
            serde_json::to_vec(value)
                .map_err(|_| StoreError::Io("could not encode a record".into()))?,
        );
        Ok(seal(
            &self.keys.data,
            &self.aad(kind, id, self.keys.key_id, RECORD_FORMAT),
            &plain,
        )?)
    }

    /// Opens a raw record of `kind`; failure names the record as tampered.
    pub fn open_raw<T: DeserializeOwned>(
        &self,
        kind: Kind,
        raw: &RawRecord,
    ) -> Result<T, StoreError> {
        let tampered = || StoreError::Tampered {
            record_id: uuid::Uuid::from_bytes(raw.id).to_string(),
        };
        if raw.key_id != self.keys.key_id.0 || raw.format != RECORD_FORMAT {
            return Err(tampered());
        }
        let aad = self.aad(kind, &raw.id, KeyId(raw.key_id), raw.format);
        let plain = open(&self.keys.data, &aad, &raw.body).map_err(|_| tampered())?;
        serde_json::from_slice(&plain).map_err(|_| tampered())
    }

    /// Inserts a new sealed record.
    pub fn insert<T: Serialize>(
        &self,
        kind: Kind,
        id: [u8; 16],
        parent: Option<[u8; 16]>,
        tag: Option<[u8; 16]>,
        value: &T,
    ) -> Result<(), StoreError> {
        let body = self.seal_value(kind, &id, value)?;
        self.conn.execute(
            "INSERT INTO records (id, kind, parent, tag, key_id, format, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![&id[..], kind.name(), parent.as_ref().map(|p| &p[..]), tag.as_ref().map(|t| &t[..]), self.keys.key_id.0, RECORD_FORMAT, body],
        )?;
        Ok(())
    }

    /// Re-seals an existing record with a new value (a fresh single-use key every time).
    pub fn update<T: Serialize>(
        &self,
        kind: Kind,
        id: [u8; 16],
        tag: Option<[u8; 16]>,
        value: &T,
    ) -> Result<(), StoreError> {
        let body = self.seal_value(kind, &id, value)?;
        let n = self.conn.execute(
            "UPDATE records SET body = ?1, tag = ?2, key_id = ?3, format = ?4 WHERE id = ?5 AND kind = ?6",
            params![body, tag.as_ref().map(|t| &t[..]), self.keys.key_id.0, RECORD_FORMAT, &id[..], kind.name()],
        )?;
        if n != 1 {
            return Err(not_found(kind, &id));
        }
        Ok(())
    }

    /// Reads and opens one record.
    pub fn get<T: DeserializeOwned>(&self, kind: Kind, id: [u8; 16]) -> Result<T, StoreError> {
        let raw = self
            .conn
            .query_row(
                "SELECT id, body, key_id, format FROM records WHERE id = ?1 AND kind = ?2",
                params![&id[..], kind.name()],
                row_to_raw,
            )
            .optional()?
            .ok_or_else(|| not_found(kind, &id))?;
        self.open_raw(kind, &raw?)
    }

    /// Opens every record of `kind` (under `parent`, if given), in insertion order.
    pub fn list<T: DeserializeOwned>(
        &self,
        kind: Kind,
        parent: Option<[u8; 16]>,
    ) -> Result<Vec<T>, StoreError> {
        raw_list(self.conn, kind, parent)?
            .iter()
            .map(|raw| self.open_raw(kind, raw))
            .collect()
    }

    /// Opens every record of `kind` carrying the blind tag `tag`.
    pub fn list_tagged<T: DeserializeOwned>(
        &self,
        kind: Kind,
        tag: [u8; 16],
    ) -> Result<Vec<T>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, body, key_id, format FROM records WHERE kind = ?1 AND tag = ?2 ORDER BY seq")?;
        let rows = stmt.query_map(params![kind.name(), &tag[..]], row_to_raw)?;
        let mut out = Vec::new();
        for raw in rows {
            out.push(self.open_raw(kind, &raw??)?);
        }
        Ok(out)
    }

    /// The blind tag for a label and value (e.g. a visit's local day).
    pub fn tag(&self, label: &str, value: &str) -> [u8; 16] {
        self.keys.tag.tag(label, value)
    }
}

/// Every record of `kind` (under `parent`, if given) without opening them, in insertion order.
pub fn raw_list(
    conn: &Connection,
    kind: Kind,
    parent: Option<[u8; 16]>,
) -> Result<Vec<RawRecord>, StoreError> {
    let mut out = Vec::new();
    match parent {
        Some(p) => {
            let mut stmt = conn.prepare_cached(
                "SELECT id, body, key_id, format FROM records WHERE kind = ?1 AND parent = ?2 ORDER BY seq",
            )?;
            for raw in stmt.query_map(params![kind.name(), &p[..]], row_to_raw)? {
                out.push(raw??);
            }
        }
        None => {
            let mut stmt = conn.prepare_cached(
                "SELECT id, body, key_id, format FROM records WHERE kind = ?1 ORDER BY seq",
            )?;
            for raw in stmt.query_map(params![kind.name()], row_to_raw)? {
                out.push(raw??);
            }
        }
    }
    Ok(out)
}

fn row_to_raw(row: &rusqlite::Row<'_>) -> rusqlite::Result<Result<RawRecord, StoreError>> {
    let id: Vec<u8> = row.get(0)?;
    let body: Vec<u8> = row.get(1)?;
    let key_id: u32 = row.get(2)?;
    let format: u32 = row.get(3)?;
    Ok(match <[u8; 16]>::try_from(id.as_slice()) {
        Ok(id) => Ok(RawRecord {
            id,
            body,
            key_id,
            format,
        }),
        Err(_) => Err(StoreError::Corrupt {
            detail: "a record id has the wrong length".into(),
        }),
    })
}

fn not_found(kind: Kind, id: &[u8; 16]) -> StoreError {
    StoreError::NotFound {
        kind: kind.name(),
        id: uuid::Uuid::from_bytes(*id).to_string(),
    }
}
