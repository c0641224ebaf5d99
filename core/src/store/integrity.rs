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
/// The current integrity format: store, group and queue digests over versions, parents and tags,
/// and each household's own digest (a group of one).
const FORMAT: &[u8] = b"3";
/// The previous format: the same digests without the households' own.
const FORMAT_WITHOUT_OWN_GROUPS: &[u8] = b"2";

/// Marks a new store as using the current integrity format (in its creating transaction).
pub fn mark_current(r: &Records<'_>) -> Result<(), StoreError> {
    meta_set(r.conn, FORMAT_KEY, FORMAT)
}

/// Whether the store's digests are in the current form.
pub fn is_current(r: &Records<'_>) -> Result<bool, StoreError> {
    Ok(meta_get(r.conn, FORMAT_KEY)?.as_deref() == Some(FORMAT))
}

/// Brings a store written by an earlier build to the current form (call in a write transaction,
/// unlocked). Nothing is re-blessed: a store tampered with before the upgrade is reported.
/// - Format 2 (group digests, none per household): the households must match their group's digest
///   first; then each household's own digest is computed from its row.
/// - Earlier (schema 3, one store digest): its old store digest must match first; then every
///   digest is computed from the rows, and every queued operation is re-sealed with its lane
///   inside and its household blinded.
pub fn upgrade(r: &Records<'_>) -> Result<(), StoreError> {
    if meta_get(r.conn, FORMAT_KEY)?.as_deref() == Some(FORMAT_WITHOUT_OWN_GROUPS) {
        return add_own_groups(r);
    }
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

/// Format 2 → 3: each household's own digest, computed from its row once every household is
/// checked against the digest of all households (a household deleted, rolled back or relabelled
/// before the upgrade answers `Tampered`, and the store stays in format 2).
fn add_own_groups(r: &Records<'_>) -> Result<(), StoreError> {
    r.check_children(Kind::Household, None)?;
    r.add_own_digests(Kind::Household)?;
    mark_current(r)
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
