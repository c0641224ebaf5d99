//! What unlocking checks, and the one-time rebuild of a store's digests in the current form.
//!
//! Unlocking checks what can be checked in a few microseconds whatever the store's size: the
//! practitioner's record and the sync queue against their digests. The reads check the groups they
//! list (see `digest`); `verify` checks everything.

use super::db::{meta_get, meta_set};
use super::digest;
use super::outbox;
use super::records::{Kind, Records};
use super::StoreError;

/// `meta` key of the integrity format: absent for a store written before group digests.
const FORMAT_KEY: &str = "integrity";
/// The current integrity format: store, group and queue digests over versions, parents and tags.
const FORMAT: &[u8] = b"2";

/// Marks a new store as using the current integrity format (in its creating transaction).
pub fn mark_current(r: &Records<'_>) -> Result<(), StoreError> {
    meta_set(r.conn, FORMAT_KEY, FORMAT)
}

/// Whether the store's digests are in the current form.
pub fn is_current(r: &Records<'_>) -> Result<bool, StoreError> {
    Ok(meta_get(r.conn, FORMAT_KEY)?.as_deref() == Some(FORMAT))
}

/// Brings a store written by an earlier build to the current form (call in a write transaction,
/// unlocked): its old store digest must match first — a store tampered with before the upgrade is
/// reported, never re-blessed — then every digest is computed from the rows, and every queued
/// operation is re-sealed with its lane inside and its household blinded.
pub fn upgrade(r: &Records<'_>) -> Result<(), StoreError> {
    if let Some(stored) = digest::legacy_stored(r.conn)? {
        if digest::recompute_legacy(r.conn, &r.keys.digest)? != stored {
            return Err(StoreError::Tampered {
                record_id: "store".into(),
            });
        }
    }
    outbox::upgrade_rows(r)?;
    // The time of the last sync, kept in the clear by an earlier build, is sealed.
    super::Store::reseal_sync_config(r, &r.store_id)?;
    rebuild(r)
}

/// Computes every digest from the rows, under the current key (after an upgrade or a rotation).
pub fn rebuild(r: &Records<'_>) -> Result<(), StoreError> {
    let all = digest::recompute(r.conn, &r.keys.digest)?;
    r.conn.execute("DELETE FROM digests", [])?;
    for (g, acc) in &all.groups {
        digest::group_save(r.conn, g, acc)?;
    }
    digest::save(r.conn, &all.store)?;
    digest::queue_save(r.conn, &all.queue)?;
    r.conn.execute(
        "DELETE FROM meta WHERE key = ?1",
        [digest::LEGACY_STORE_KEY],
    )?;
    mark_current(r)
}

/// The checks made at every unlock: the practitioner's record and the sync queue match their
/// digests (a few rows each).
pub fn check_at_unlock(r: &Records<'_>) -> Result<(), StoreError> {
    r.check_children(Kind::Practitioner, None)?;
    r.check_queue()
}
