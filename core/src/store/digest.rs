//! The store digest: a keyed, incrementally updated fingerprint of the set of records and their
//! versions, so that `verify` detects a record deleted, added, relabelled or rolled back to an
//! older version of itself — things a per-record seal alone cannot see.
//!
//! It is the XOR over all records of HMAC-SHA256(digest key, kind ‖ id ‖ version) (an XOR-MAC:
//! without the key nobody can compute the contribution of a record, so the digest cannot be fixed
//! up after tampering). Each write updates it in the same transaction, in O(1).

use super::db::{meta_get, meta_set};
use super::StoreError;
use ring::hmac;
use rusqlite::Connection;

const META_KEY: &str = "digest";

/// One record's contribution to the digest.
#[cfg(not(doorstep_unsealed_twin))]
pub fn contribution(key: &hmac::Key, kind: &str, id: &[u8], version: i64) -> [u8; 32] {
    let mut ctx = hmac::Context::with_key(key);
    ctx.update(b"doorstep.digest.v1");
    ctx.update(&(kind.len() as u32).to_be_bytes());
    ctx.update(kind.as_bytes());
    ctx.update(&(id.len() as u32).to_be_bytes());
    ctx.update(id);
    ctx.update(&version.to_be_bytes());
    let mut out = [0u8; 32];
    out.copy_from_slice(ctx.sign().as_ref());
    out
}

/// The unsealed benchmark twin's contribution (see `crypto::UNSEALED_BENCH_TWIN`): the same
/// inputs laid side by side, without the keyed hash.
#[cfg(doorstep_unsealed_twin)]
pub fn contribution(_key: &hmac::Key, kind: &str, id: &[u8], version: i64) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (o, b) in out.iter_mut().zip(id.iter().chain(kind.as_bytes())) {
        *o = *b;
    }
    out[24..].copy_from_slice(&version.to_be_bytes());
    out
}

fn xor_into(acc: &mut [u8; 32], v: &[u8; 32]) {
    acc.iter_mut().zip(v).for_each(|(a, b)| *a ^= b);
}

/// The digest as stored (all zeroes for an empty store).
pub fn stored(conn: &Connection) -> Result<[u8; 32], StoreError> {
    match meta_get(conn, META_KEY)? {
        None => Ok([0u8; 32]),
        Some(v) => <[u8; 32]>::try_from(v.as_slice()).map_err(|_| StoreError::Corrupt {
            detail: "the store digest has the wrong length".into(),
        }),
    }
}

/// Replaces `old` (a record's previous version, if any) by `new` in a digest value.
pub fn replace_in(
    acc: &mut [u8; 32],
    key: &hmac::Key,
    kind: &str,
    id: &[u8; 16],
    old: Option<i64>,
    new: i64,
) {
    if let Some(old) = old {
        xor_into(acc, &contribution(key, kind, id, old));
    }
    xor_into(acc, &contribution(key, kind, id, new));
}

/// Stores the digest.
pub fn save(conn: &Connection, acc: &[u8; 32]) -> Result<(), StoreError> {
    meta_set(conn, META_KEY, acc)
}

/// Recomputes the digest from every row in the store.
pub fn recompute(conn: &Connection, key: &hmac::Key) -> Result<[u8; 32], StoreError> {
    let mut acc = [0u8; 32];
    let mut stmt = conn.prepare("SELECT kind, id, version FROM records")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let kind: String = row.get(0)?;
        let id: Vec<u8> = row.get(1)?;
        let version: i64 = row.get(2)?;
        xor_into(&mut acc, &contribution(key, &kind, &id, version));
    }
    Ok(acc)
}
