//! Integrity digests: keyed, incrementally updated fingerprints of sets of records, so that a
//! record deleted, added, relabelled, moved or rolled back to an older sealed copy of itself — what
//! a per-record seal alone cannot see — is detected.
//!
//! A record's contribution is HMAC-SHA256(digest key, kind ‖ id ‖ version ‖ parent ‖ day tag). A
//! digest is the XOR of its members' contributions (an XOR-MAC: without the key nobody can compute
//! a contribution, so a digest cannot be fixed up after tampering). Three kinds are kept, each
//! updated in O(1) in the transaction of every write:
//!
//! - the **store digest** over every record (`meta`), recomputed by `verify`;
//! - a **group digest** per (kind, parent) — a case's notes, a case's visits, a household's people,
//!   all households — and per (kind, day tag) — a day's visits — in the `digests` table, keyed by
//!   a keyed hash of the group (so the table links nothing). The normal reads that list a group
//!   (the day list, a child's visits and notes) recompute it from the rows they read, at the cost
//!   of one HMAC per row, and answer `Tampered` when it differs;
//! - an **own digest** per household (a group of one, `own_group`): the day list checks the
//!   homes it shows without reading every household on the phone (integrity format 3);
//! - the **queue digest** over the sync queue's operation ids and states (`meta`), checked before
//!   every batch is sent and by `verify`: a queued operation deleted is detected.

use super::db::{meta_get, meta_set};
use super::StoreError;
use ring::hmac;
use rusqlite::{Connection, OptionalExtension};
use std::collections::HashMap;

/// The store digest's key in `meta`.
const STORE_KEY: &str = "digest2";
/// The first build's store digest (kind, id and version only), replaced at the first unlock.
pub const LEGACY_STORE_KEY: &str = "digest";
/// The queue digest's key in `meta`.
const QUEUE_KEY: &str = "queue_digest";

/// A digest value (all zeroes for an empty set).
pub type Digest = [u8; 32];
/// The key of a group digest in the `digests` table.
pub type GroupKey = [u8; 16];

/// The keyed hash of length-prefixed parts.
#[cfg(not(doorstep_unsealed_twin))]
fn mac(key: &hmac::Key, parts: &[&[u8]]) -> [u8; 32] {
    let mut ctx = hmac::Context::with_key(key);
    for p in parts {
        ctx.update(&(p.len() as u32).to_be_bytes());
        ctx.update(p);
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(ctx.sign().as_ref());
    out
}

/// The unsealed benchmark twin's hash (see `crypto::UNSEALED_BENCH_TWIN`): the same inputs folded
/// together, without the keyed hash.
#[cfg(doorstep_unsealed_twin)]
fn mac(_key: &hmac::Key, parts: &[&[u8]]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut i = 0usize;
    for p in parts {
        for b in p.iter() {
            out[i % 32] ^= *b;
            i += 1;
        }
    }
    out
}

/// What a record contributes: everything in its row's clear columns but the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member<'a> {
    /// The clear kind name.
    pub kind: &'a str,
    /// The record id.
    pub id: &'a [u8; 16],
    /// The clear version.
    pub version: i64,
    /// The clear parent id.
    pub parent: Option<&'a [u8; 16]>,
    /// The clear blind tag.
    pub tag: Option<&'a [u8; 16]>,
}

fn opt(v: Option<&[u8; 16]>) -> &[u8] {
    v.map_or(&[], |v| &v[..])
}

/// One record's contribution to its digests.
pub fn contribution(key: &hmac::Key, m: &Member<'_>) -> Digest {
    mac(
        key,
        &[
            b"doorstep.digest.v2",
            m.kind.as_bytes(),
            m.id,
            &m.version.to_be_bytes(),
            opt(m.parent),
            opt(m.tag),
        ],
    )
}

/// One queued operation's contribution to the queue digest: its id and state (0 waiting,
/// 1 parked, 2 damaged).
pub fn queued_contribution(key: &hmac::Key, op_id: &[u8], state: i64) -> Digest {
    mac(
        key,
        &[b"doorstep.digest.queue.v1", op_id, &state.to_be_bytes()],
    )
}

fn group_key(key: &hmac::Key, what: &[u8], kind: &str, value: Option<&[u8; 16]>) -> GroupKey {
    let full = mac(
        key,
        &[
            b"doorstep.digest.group.v1",
            what,
            kind.as_bytes(),
            opt(value),
        ],
    );
    let mut out = [0u8; 16];
    out.copy_from_slice(&full[..16]);
    out
}

/// The group of the records of `kind` under `parent` (`None`: the records of a kind without
/// parents, such as households).
pub fn parent_group(key: &hmac::Key, kind: &str, parent: Option<&[u8; 16]>) -> GroupKey {
    group_key(key, b"parent", kind, parent)
}

/// The one-member group of the record `id` of `kind`, kept for the kinds whose parent group is
/// too large to read for one member (households: every household on the phone).
pub fn own_group(key: &hmac::Key, kind: &str, id: &[u8; 16]) -> GroupKey {
    group_key(key, b"own", kind, Some(id))
}

/// Whether records of the kind named `kind` have a one-member group of their own as well.
pub fn has_own_group(kind: &str) -> bool {
    kind == "household"
}

/// The group of the records of `kind` carrying the blind tag `tag` (a day's visits).
pub fn tag_group(key: &hmac::Key, kind: &str, tag: &[u8; 16]) -> GroupKey {
    group_key(key, b"tag", kind, Some(tag))
}

/// XORs `v` into `acc`.
pub fn xor_into(acc: &mut Digest, v: &Digest) {
    acc.iter_mut().zip(v).for_each(|(a, b)| *a ^= b);
}

fn meta_digest(conn: &Connection, key: &str) -> Result<Digest, StoreError> {
    match meta_get(conn, key)? {
        None => Ok([0u8; 32]),
        Some(v) => <Digest>::try_from(v.as_slice()).map_err(|_| StoreError::Corrupt {
            detail: "a store digest has the wrong length".into(),
        }),
    }
}

/// The store digest as stored.
pub fn stored(conn: &Connection) -> Result<Digest, StoreError> {
    meta_digest(conn, STORE_KEY)
}

/// Stores the store digest.
pub fn save(conn: &Connection, acc: &Digest) -> Result<(), StoreError> {
    meta_set(conn, STORE_KEY, acc)
}

/// The queue digest as stored.
pub fn queue_stored(conn: &Connection) -> Result<Digest, StoreError> {
    meta_digest(conn, QUEUE_KEY)
}

/// Stores the queue digest.
pub fn queue_save(conn: &Connection, acc: &Digest) -> Result<(), StoreError> {
    meta_set(conn, QUEUE_KEY, acc)
}

/// A group digest as stored (all zeroes when the group is empty).
pub fn group_stored(conn: &Connection, group: &GroupKey) -> Result<Digest, StoreError> {
    let v: Option<Vec<u8>> = conn
        .prepare_cached("SELECT value FROM digests WHERE grp = ?1")?
        .query_row([&group[..]], |r| r.get(0))
        .optional()?;
    match v {
        None => Ok([0u8; 32]),
        Some(v) => <Digest>::try_from(v.as_slice()).map_err(|_| StoreError::Corrupt {
            detail: "a group digest has the wrong length".into(),
        }),
    }
}

/// Stores a group digest (an empty group's row is removed).
pub fn group_save(conn: &Connection, group: &GroupKey, acc: &Digest) -> Result<(), StoreError> {
    if acc.iter().all(|b| *b == 0) {
        conn.prepare_cached("DELETE FROM digests WHERE grp = ?1")?
            .execute([&group[..]])?;
    } else {
        conn.prepare_cached(
            "INSERT INTO digests (grp, value) VALUES (?1, ?2) \
             ON CONFLICT (grp) DO UPDATE SET value = excluded.value",
        )?
        .execute(rusqlite::params![&group[..], &acc[..]])?;
    }
    Ok(())
}

/// Every digest recomputed from the rows: the store digest, the group digests, the queue digest.
pub struct Recomputed {
    /// The store digest.
    pub store: Digest,
    /// Every non-empty group digest.
    pub groups: HashMap<GroupKey, Digest>,
    /// The queue digest.
    pub queue: Digest,
}

fn id16(v: &[u8]) -> Option<[u8; 16]> {
    <[u8; 16]>::try_from(v).ok()
}

/// Recomputes every digest from every row in the store.
pub fn recompute(conn: &Connection, key: &hmac::Key) -> Result<Recomputed, StoreError> {
    let mut out = Recomputed {
        store: [0u8; 32],
        groups: HashMap::new(),
        queue: [0u8; 32],
    };
    let mut stmt = conn.prepare("SELECT kind, id, version, parent, tag FROM records")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let kind: String = row.get(0)?;
        let id: Vec<u8> = row.get(1)?;
        let parent: Option<Vec<u8>> = row.get(3)?;
        let tag: Option<Vec<u8>> = row.get(4)?;
        let (Some(id), parent, tag) = (
            id16(&id),
            parent.as_deref().and_then(id16),
            tag.as_deref().and_then(id16),
        ) else {
            continue;
        };
        let m = Member {
            kind: &kind,
            id: &id,
            version: row.get(2)?,
            parent: parent.as_ref(),
            tag: tag.as_ref(),
        };
        let c = contribution(key, &m);
        xor_into(&mut out.store, &c);
        let g = parent_group(key, &kind, m.parent);
        xor_into(out.groups.entry(g).or_insert([0u8; 32]), &c);
        if has_own_group(&kind) {
            xor_into(
                out.groups
                    .entry(own_group(key, &kind, &id))
                    .or_insert([0u8; 32]),
                &c,
            );
        }
        if let Some(t) = m.tag {
            xor_into(
                out.groups
                    .entry(tag_group(key, &kind, t))
                    .or_insert([0u8; 32]),
                &c,
            );
        }
    }
    let mut stmt = conn.prepare("SELECT op_id, parked FROM outbox")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let op_id: Vec<u8> = row.get(0)?;
        xor_into(
            &mut out.queue,
            &queued_contribution(key, &op_id, row.get(1)?),
        );
    }
    Ok(out)
}

/// Every group digest as stored.
pub fn all_groups_stored(conn: &Connection) -> Result<HashMap<GroupKey, Digest>, StoreError> {
    let mut out = HashMap::new();
    let mut stmt = conn.prepare("SELECT grp, value FROM digests")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let g: Vec<u8> = row.get(0)?;
        let v: Vec<u8> = row.get(1)?;
        match (id16(&g), <Digest>::try_from(v.as_slice())) {
            (Some(g), Ok(v)) => {
                out.insert(g, v);
            }
            _ => {
                return Err(StoreError::Corrupt {
                    detail: "a group digest is malformed".into(),
                })
            }
        }
    }
    Ok(out)
}

/// The first build's store digest recomputed (kind, id and version of every record), to check a
/// store before its digests are rebuilt in the current form.
pub fn recompute_legacy(conn: &Connection, key: &hmac::Key) -> Result<Digest, StoreError> {
    let mut acc = [0u8; 32];
    let mut stmt = conn.prepare("SELECT kind, id, version FROM records")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let kind: String = row.get(0)?;
        let id: Vec<u8> = row.get(1)?;
        let version: i64 = row.get(2)?;
        xor_into(&mut acc, &legacy_contribution(key, &kind, &id, version));
    }
    Ok(acc)
}

/// The first build's contribution of a record.
#[cfg(not(doorstep_unsealed_twin))]
fn legacy_contribution(key: &hmac::Key, kind: &str, id: &[u8], version: i64) -> Digest {
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

/// The unsealed twin's first-build contribution.
#[cfg(doorstep_unsealed_twin)]
fn legacy_contribution(key: &hmac::Key, kind: &str, id: &[u8], version: i64) -> Digest {
    mac(key, &[kind.as_bytes(), id, &version.to_be_bytes()])
}

/// The stored legacy digest, if the store still has one.
pub fn legacy_stored(conn: &Connection) -> Result<Option<Digest>, StoreError> {
    match meta_get(conn, LEGACY_STORE_KEY)? {
        None => Ok(None),
        Some(_) => meta_digest(conn, LEGACY_STORE_KEY).map(Some),
    }
}
