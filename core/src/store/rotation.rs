//! Data-key rotation: a new data key, every record, queued operation and sealed value re-sealed
//! under it, every blind tag and digest recomputed with it, and the old key forgotten — so that
//! a copy of the old keyring with the old passphrase reads nothing written afterwards.
//!
//! Resumable after a kill at any point. The new keyring is written first (atomically), holding
//! the new key in its slots and the old key sealed by the new one; from then on every unlock
//! finishes the rotation before anything else: records still under the old key (they carry its
//! key id) are re-sealed in batches, one transaction each; then the queue, the clock and the sync
//! configuration are re-sealed and every digest rebuilt in one transaction; last the keyring
//! forgets the old key. Each step can run again without harm.

use super::records::{Keys, Kind, RawRecord, Records};
use super::{integrity, outbox, Inner, Store, StoreError, UnlockMethods};
use crate::crypto::{DataKey, KeyId};
use rusqlite::TransactionBehavior;

/// Records re-sealed per transaction.
const BATCH: usize = 200;

/// What a rotation did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct RotationReport {
    /// The new key's id.
    pub key_id: u32,
    /// Records re-sealed under the new key (by this call).
    pub records: u64,
}

impl Store {
    /// Rotates the data key (unlocked, with a store that verifies): a new random data key,
    /// wrapped by the unlock methods given — the passphrase and / or the key provider to keep;
    /// a slot not given is dropped, and the background-sync key must be set up again — then
    /// every record and queued operation re-sealed under it. `progress` is told the running
    /// count of records re-sealed after every batch.
    pub fn rotate_data_key(
        &self,
        methods: UnlockMethods,
        progress: Option<&dyn Fn(u64)>,
    ) -> Result<RotationReport, StoreError> {
        if methods.passphrase.is_none() && methods.provider.is_none() {
            return Err(StoreError::InvalidState(
                "a rotated key needs a passphrase or a key provider",
            ));
        }
        if let Some(p) = &methods.passphrase {
            p.check_strength()?;
        }
        let mut guard = self.lock_inner();
        let inner = &mut *guard;
        if inner.sync_only {
            return Err(StoreError::Locked);
        }
        super::refuse_if_tampered(inner)?;
        let keys = inner.keys.take().ok_or(StoreError::Locked)?;
        // Never re-bless a store that does not verify: its digests must hold before they are
        // rebuilt under the new key.
        let checked = (|| {
            let r = Records::new(&inner.conn, &keys, self.store_id, self.device_id, 0);
            let all = super::digest::recompute(r.conn, &keys.digest)?;
            if all.store != super::digest::stored(r.conn)?
                || all.queue != super::digest::queue_stored(r.conn)?
            {
                return Err(StoreError::Tampered {
                    record_id: "store".into(),
                });
            }
            Ok(())
        })();
        if let Err(e) = checked {
            inner.keys = Some(keys);
            return Err(e);
        }
        let fresh = DataKey::generate()?;
        let mut next = match inner.keyring.rotated(&fresh, &keys.data) {
            Ok(k) => k,
            Err(e) => {
                inner.keys = Some(keys);
                return Err(e.into());
            }
        };
        let wrapped = (|| {
            if let Some(p) = &methods.passphrase {
                next.set_passphrase(&fresh, p)?;
            }
            if let Some(kp) = &methods.provider {
                next.set_provider(&fresh, kp.as_ref())?;
            }
            next.save(&self.dir)
        })();
        if let Err(e) = wrapped {
            inner.keys = Some(keys);
            return Err(e.into());
        }
        crate::fault::point("rotation.keyring_saved");
        let key_id = next.key_id();
        inner.keyring = next;
        let mut new_keys = Keys::new(fresh, key_id);
        new_keys.retired = Some(Box::new(keys));
        inner.keys = Some(new_keys);
        if methods.provider.is_some() {
            inner.provider = methods.provider;
        }
        inner.background = None;
        let records = self.finish_rotation(inner, progress)?;
        Ok(RotationReport {
            key_id: key_id.0,
            records,
        })
    }

    /// Attaches the retired key to freshly unlocked keys when a rotation is unfinished, and
    /// finishes it (called by every unlock before its checks).
    pub(super) fn resume_rotation(&self, inner: &mut Inner) -> Result<(), StoreError> {
        if !inner.keyring.is_rotating() {
            return Ok(());
        }
        let keys = inner.keys.as_mut().ok_or(StoreError::Locked)?;
        if let Some((id, old)) = inner.keyring.retired_key(&keys.data)? {
            keys.retired = Some(Box::new(Keys::new(old, id)));
        }
        self.finish_rotation(inner, None).map(drop)
    }

    fn finish_rotation(
        &self,
        inner: &mut Inner,
        progress: Option<&dyn Fn(u64)>,
    ) -> Result<u64, StoreError> {
        let Inner { conn, keys, .. } = &mut *inner;
        let keys = keys.as_ref().ok_or(StoreError::Locked)?;
        let mut done = 0u64;
        if let Some(old) = keys.retired.as_deref() {
            loop {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let n = {
                    let r = Records::new(&tx, keys, self.store_id, self.device_id, 0);
                    reseal_batch(&r, old.key_id)?
                };
                tx.commit()?;
                crate::fault::point("rotation.batch");
                if n == 0 {
                    break;
                }
                done += n as u64;
                if let Some(p) = progress {
                    p(done);
                }
            }
        }
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let r = Records::new(&tx, keys, self.store_id, self.device_id, 0);
            outbox::reseal_all(&r)?;
            Store::reseal_sync_config(&r, &self.store_id)?;
            integrity::rebuild(&r)?;
        }
        tx.commit()?;
        crate::fault::point("rotation.resealed");
        let mut keyring = inner.keyring.clone();
        keyring.forget_retired();
        keyring.save(&self.dir)?;
        crate::fault::point("rotation.done");
        inner.keyring = keyring;
        if let Some(k) = inner.keys.as_mut() {
            k.retired = None;
        }
        Ok(done)
    }
}

/// Re-seals up to [`BATCH`] records still under the key `old`; returns how many.
fn reseal_batch(r: &Records<'_>, old: KeyId) -> Result<usize, StoreError> {
    let names: Vec<String> = Kind::ALL
        .iter()
        .map(|k| format!("'{}'", k.name()))
        .collect();
    let mut stmt = r.conn.prepare_cached(&format!(
        "SELECT kind, id, body, key_id, format, version, parent, tag FROM records \
         WHERE key_id = ?1 AND kind IN ({}) LIMIT {BATCH}",
        names.join(", ")
    ))?;
    let rows: Vec<(String, RawRecord)> = stmt
        .query_map([old.0], |row| {
            let raw = super::records::row_to_raw_at(row, 1)?;
            Ok((row.get::<_, String>(0)?, raw))
        })?
        .map(|r| {
            r.map_err(StoreError::from)
                .and_then(|(k, raw)| Ok((k, raw?)))
        })
        .collect::<Result<_, _>>()?;
    for (name, raw) in &rows {
        let Some(kind) = Kind::ALL.into_iter().find(|k| k.name() == name) else {
            continue;
        };
        let tag = match (kind, raw.tag) {
            // A visit's day tag, computed with the new key from its (re-sealed) date.
            (Kind::Visit, Some(_)) => {
                let v: crate::domain::Visit = r.open_raw(kind, raw)?;
                Some(super::visits::day_tag(r, v.planned_for))
            }
            (_, tag) => tag,
        };
        r.reseal(kind, raw, tag)?;
    }
    Ok(rows.len())
}
