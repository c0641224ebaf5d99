//! The encrypted store on the device: one directory holding a SQLite database of sealed records and
//! a keyring file. Every user action is one durable transaction.

mod alerts;
mod caseload;
mod changes;
mod db;
mod digest;
mod drafts;
mod error;
mod family;
mod integrity;
mod lineage;
mod notes;
mod outbox;
mod planning;
mod records;
mod reminders;
mod rotation;
mod sync;
mod verify;
mod views;
mod visits;

pub use alerts::{AlertDigest, AlertView, LoneWorkingSettings};
pub use changes::{ChangeObserver, DataChanges};
pub use db::{DB_FILE, SCHEMA_VERSION};
pub use drafts::{VisitDraft, MAX_DRAFT_BYTES};
pub use error::StoreError;
pub use family::{FamilyCopy, FamilyCopyRecord};
pub use outbox::{Parked, QueuedOp};
pub use planning::{
    ChildLabel, DueEntry, PlanLine, PlanView, PlanningSettings, StoredPlan, MAX_PLAN_WEEKS,
};
pub use reminders::{LoneWorkingReminder, ReminderStage};
pub use rotation::RotationReport;
pub use sync::{
    enrol, Enrolment, QueueStatus, SyncObserver, SyncOptions, SyncProgress, SyncReport,
};
pub use verify::{ChainBreak, ChainProblem, VerifyReport};
pub use visits::{DayItem, VisitRecorded, MAX_VISIT_MINUTES};

use crate::clock::{Clock, SystemClock};
use crate::crypto::{DataKey, KeyId, KeyProvider, Keyring, Passphrase, KEYRING_FILE};
use crate::domain::{DeviceId, NewPractitioner, Practitioner, PractitionerId};
use records::{Keys, Kind, Records};
use rusqlite::{Connection, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

/// How a new store will be unlocked. At least one method is required; both may be given.
#[derive(Default)]
pub struct UnlockMethods {
    /// A passphrase (at least [`crate::crypto::MIN_PASSPHRASE_CHARS`] characters).
    pub passphrase: Option<Passphrase>,
    /// A platform key provider.
    pub provider: Option<Arc<dyn KeyProvider>>,
}

struct Inner {
    conn: Connection,
    keyring: Keyring,
    keys: Option<Keys>,
    provider: Option<Arc<dyn KeyProvider>>,
    /// Unlocked by the background-sync key: only `sync` may run.
    sync_only: bool,
    /// The background-sync provider, once seen, so that `wipe` destroys its key too.
    background: Option<Arc<dyn KeyProvider>>,
    /// Unlocking found the store tampered with (what): every call but `verify`, `lock` and `wipe`
    /// answers `Tampered` until the store is locked.
    tampered: Option<String>,
}

/// An open store. Safe to share between threads; each call takes the store's lock for its length.
pub struct Store {
    dir: PathBuf,
    store_id: [u8; 16],
    device_id: DeviceId,
    practitioner_id: PractitionerId,
    clock: Arc<dyn Clock>,
    inner: Mutex<Inner>,
    observer: std::sync::RwLock<Option<Arc<dyn changes::ChangeObserver>>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

/// Whether `dir` holds a store (a keyring and a database).
pub fn exists(dir: &Path) -> bool {
    dir.join(KEYRING_FILE).is_file() && dir.join(DB_FILE).is_file()
}

/// The marker a store's creation writes before its database and removes once its keyring is
/// saved: a database found beside it is a creation that was interrupted, not someone's records.
const CREATING_FILE: &str = "creating";

/// The database's files, with its write-ahead log and shared memory.
const DB_FILES: [&str; 4] = [
    DB_FILE,
    "doorstep.db-wal",
    "doorstep.db-shm",
    "doorstep.db-journal",
];

/// Whether `dir` holds what an interrupted creation left (a database without a keyring, beside the
/// creation marker): `create` replaces it.
pub fn interrupted_creation(dir: &Path) -> bool {
    dir.join(CREATING_FILE).exists() && !dir.join(KEYRING_FILE).exists()
}

/// What `create` would destroy in `dir`: refused when a keyring or a database is there (a
/// database whose keyring is missing is someone's records, to be restored, not replaced), unless
/// it is what an interrupted creation left.
fn check_nothing_to_destroy(dir: &Path) -> Result<(), StoreError> {
    if dir.join(KEYRING_FILE).exists() {
        return Err(StoreError::AlreadyExists);
    }
    if interrupted_creation(dir) {
        return Ok(());
    }
    let bytes: u64 = DB_FILES
        .iter()
        .filter_map(|f| std::fs::metadata(dir.join(f)).ok())
        .map(|m| m.len())
        .sum();
    if dir.join(DB_FILE).exists() || bytes > 0 {
        return Err(StoreError::DatabaseWithoutKeyring { bytes });
    }
    Ok(())
}

/// Destroys whatever store is in `dir` — its keyring shredded first, then its database — so that
/// a new one can be created there. Only for an explicit request (`init --destroy-existing`): the
/// records cannot be recovered afterwards.
pub fn destroy_existing(dir: &Path) -> Result<(), StoreError> {
    Keyring::shred(dir)?;
    for f in DB_FILES.iter().chain([&CREATING_FILE]) {
        match std::fs::remove_file(dir.join(f)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

impl Store {
    /// Creates a new store in `dir` for `practitioner`, unlocked.
    ///
    /// The database is written first and the keyring last, so a store whose creation was
    /// interrupted has no keyring: it is unreadable, and `create` replaces it (a marker file says
    /// so). Any other database or keyring already in `dir` is refused, never replaced.
    pub fn create(
        dir: &Path,
        methods: UnlockMethods,
        practitioner: NewPractitioner,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, StoreError> {
        check_nothing_to_destroy(dir)?;
        if methods.passphrase.is_none() && methods.provider.is_none() {
            return Err(StoreError::InvalidState(
                "a new store needs a passphrase or a key provider",
            ));
        }
        let practitioner = practitioner.build()?;
        Self::create_with(dir, methods, practitioner, DeviceId::random(), clock)
    }

    /// Whether a store could be created in `dir` with `methods`: checked before anything that
    /// cannot be undone (such as spending a one-time enrolment code).
    pub fn check_can_create(dir: &Path, methods: &UnlockMethods) -> Result<(), StoreError> {
        check_nothing_to_destroy(dir)?;
        if methods.passphrase.is_none() && methods.provider.is_none() {
            return Err(StoreError::InvalidState(
                "a new store needs a passphrase or a key provider",
            ));
        }
        if let Some(p) = &methods.passphrase {
            p.check_strength()?;
        }
        Ok(())
    }

    /// Creates a store for a given practitioner and device id (see `create`).
    pub(crate) fn create_with(
        dir: &Path,
        methods: UnlockMethods,
        practitioner: Practitioner,
        device_id: DeviceId,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, StoreError> {
        Self::check_can_create(dir, &methods)?;
        crate::files::create_private_dir(dir)?;
        crate::files::write_durably(&dir.join(CREATING_FILE), b"")?;
        for leftover in DB_FILES {
            match std::fs::remove_file(dir.join(leftover)) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e.into()),
            }
        }
        let store_id = crate::crypto::random_array::<16>()?;
        let key_id = KeyId(1);
        let data = DataKey::generate()?;
        let mut keyring = Keyring::new(store_id, key_id, &data)?;
        if let Some(p) = &methods.passphrase {
            keyring.set_passphrase(&data, p)?;
        }
        if let Some(kp) = &methods.provider {
            keyring.set_provider(&data, kp.as_ref())?;
        }
        let keys = Keys::new(data, key_id);
        let mut conn = db::open(dir, true)?;
        {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            db::meta_set(&tx, "store_id", &store_id)?;
            db::meta_set(&tx, "device_id", &device_id.bytes())?;
            db::meta_set(&tx, "practitioner_id", &practitioner.id.bytes())?;
            let r = Records::new(
                &tx,
                &keys,
                store_id,
                device_id,
                u64::try_from(clock.now().timestamp_millis()).unwrap_or(0),
            );
            integrity::mark_current(&r)?;
            r.insert(
                Kind::Practitioner,
                practitioner.id.bytes(),
                None,
                None,
                &practitioner,
            )?;
            r.flush()?;
            tx.commit()?;
        }
        keyring.save(dir)?;
        crate::files::remove_durably(&dir.join(CREATING_FILE))?;
        Ok(Self {
            dir: dir.to_path_buf(),
            store_id,
            device_id,
            practitioner_id: practitioner.id,
            clock,
            observer: Default::default(),
            inner: Mutex::new(Inner {
                conn,
                keyring,
                keys: Some(keys),
                provider: methods.provider,
                sync_only: false,
                background: None,
                tampered: None,
            }),
        })
    }

    /// Opens the store in `dir`, locked.
    pub fn open(dir: &Path, clock: Arc<dyn Clock>) -> Result<Self, StoreError> {
        if !exists(dir) {
            return Err(StoreError::NoStore);
        }
        crate::files::make_private(&dir.join(KEYRING_FILE))?;
        let keyring = Keyring::load(dir)?;
        let conn = db::open(dir, false)?;
        let [store_id, device, practitioner] =
            db::meta_ids(&conn, ["store_id", "device_id", "practitioner_id"])?;
        if store_id != keyring.store_id() {
            return Err(StoreError::StoreMismatch);
        }
        let device_id = DeviceId(uuid::Uuid::from_bytes(device));
        let practitioner_id = PractitionerId(uuid::Uuid::from_bytes(practitioner));
        Ok(Self {
            dir: dir.to_path_buf(),
            store_id,
            device_id,
            practitioner_id,
            clock,
            observer: Default::default(),
            inner: Mutex::new(Inner {
                conn,
                keyring,
                keys: None,
                provider: None,
                sync_only: false,
                background: None,
                tampered: None,
            }),
        })
    }

    /// Opens with the system clock.
    pub fn open_default(dir: &Path) -> Result<Self, StoreError> {
        Self::open(dir, Arc::new(SystemClock))
    }

    fn lock_inner(&self) -> MutexGuard<'_, Inner> {
        // A panic while the lock was held cannot leave a half-written record (SQLite rolls the
        // transaction back when it is dropped), so a poisoned lock is safe to take over.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Unlocks with the passphrase.
    pub fn unlock_with_passphrase(&self, passphrase: &Passphrase) -> Result<(), StoreError> {
        let mut inner = self.lock_inner();
        let key = inner.keyring.unlock_with_passphrase(passphrase)?;
        inner.keys = Some(Keys::new(key, inner.keyring.key_id()));
        inner.sync_only = false;
        self.check_after_unlock(&mut inner)
    }

    /// Checks the store after its keys were unlocked (and brings an earlier build's digests to
    /// the current form, once). Found tampered, the store stays open for `verify` only.
    fn check_after_unlock(&self, inner: &mut Inner) -> Result<(), StoreError> {
        self.resume_rotation(inner)?;
        let Inner { conn, keys, .. } = &mut *inner;
        let keys = keys.as_ref().ok_or(StoreError::Locked)?;
        let result = (|| {
            let checked = db::in_read_transaction(conn, || {
                let r = Records::new(conn, keys, self.store_id, self.device_id, self.now_millis());
                if !integrity::is_current(&r)? {
                    return Ok(false);
                }
                integrity::check_at_unlock(&r)?;
                Ok(true)
            })?;
            if checked {
                return Ok(());
            }
            // Written by an earlier build: its digests are brought to the current form once.
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            {
                let r = Records::new(&tx, keys, self.store_id, self.device_id, self.now_millis());
                integrity::upgrade(&r)?;
                r.flush()?;
            }
            tx.commit()?;
            integrity::check_at_unlock(&Records::new(
                conn,
                keys,
                self.store_id,
                self.device_id,
                self.now_millis(),
            ))
        })();
        inner.tampered = match &result {
            Err(StoreError::Tampered { record_id }) => Some(record_id.clone()),
            _ => None,
        };
        result
    }

    /// Unlocks with the platform key provider, which `wipe` will also ask to destroy its key.
    pub fn unlock_with_provider(&self, provider: Arc<dyn KeyProvider>) -> Result<(), StoreError> {
        let mut inner = self.lock_inner();
        let key = inner.keyring.unlock_with_provider(provider.as_ref())?;
        inner.keys = Some(Keys::new(key, inner.keyring.key_id()));
        inner.provider = Some(provider);
        inner.sync_only = false;
        self.check_after_unlock(&mut inner)
    }

    /// Unlocks for background sync only, with the background-sync key: `sync` may run, every
    /// other call answers `Locked`. Lock again when the sync is done.
    pub fn unlock_for_background_sync(
        &self,
        provider: Arc<dyn KeyProvider>,
    ) -> Result<(), StoreError> {
        let mut inner = self.lock_inner();
        if inner.keys.is_some() && !inner.sync_only {
            // Already unlocked by the practitioner: nothing to do.
            return Ok(());
        }
        let key = inner.keyring.unlock_with_background(provider.as_ref())?;
        inner.keys = Some(Keys::new(key, inner.keyring.key_id()));
        inner.sync_only = true;
        inner.background = Some(provider);
        self.check_after_unlock(&mut inner)
    }

    /// Ends a background sync: locks the store again if it was unlocked for sync only (a store the
    /// practitioner unlocked meanwhile stays unlocked).
    pub fn end_background_sync(&self) {
        let mut inner = self.lock_inner();
        if inner.sync_only {
            inner.keys = None;
            inner.sync_only = false;
        }
    }

    /// Adds or replaces the background-sync key (a platform key that needs an unlocked device but
    /// no user presence). Unlocked by the practitioner only.
    pub fn set_background_key_provider(
        &self,
        provider: Arc<dyn KeyProvider>,
    ) -> Result<(), StoreError> {
        let mut inner = self.lock_inner();
        if inner.sync_only {
            return Err(StoreError::Locked);
        }
        let keys = inner.keys.as_ref().ok_or(StoreError::Locked)?;
        let mut next = inner.keyring.clone();
        next.set_background(&keys.data, provider.as_ref())?;
        next.save(&self.dir)?;
        inner.keyring = next;
        inner.background = Some(provider);
        Ok(())
    }

    /// Removes the background-sync key: sync then runs only while the app is unlocked.
    pub fn clear_background_key_provider(&self) -> Result<(), StoreError> {
        let mut inner = self.lock_inner();
        let mut next = inner.keyring.clone();
        next.clear_background();
        next.save(&self.dir)?;
        inner.keyring = next;
        Ok(())
    }

    /// Whether a background-sync key is set up.
    pub fn has_background_key(&self) -> bool {
        self.lock_inner().keyring.has_background()
    }

    /// Forgets the keys (they are zeroized); the store stays open and can be unlocked again.
    pub fn lock(&self) {
        let mut inner = self.lock_inner();
        inner.keys = None;
        inner.sync_only = false;
        inner.tampered = None;
    }

    /// Whether the store is locked (for the practitioner: a store open for background sync only
    /// counts as locked).
    pub fn is_locked(&self) -> bool {
        let inner = self.lock_inner();
        inner.keys.is_none() || inner.sync_only
    }

    /// Whether a passphrase / a key provider can unlock this store.
    pub fn unlock_methods(&self) -> (bool, bool) {
        let inner = self.lock_inner();
        (inner.keyring.has_passphrase(), inner.keyring.has_provider())
    }

    /// Changes the passphrase: re-wraps the data key under the new one. No record is re-encrypted.
    pub fn change_passphrase(&self, old: &Passphrase, new: &Passphrase) -> Result<(), StoreError> {
        new.check_strength()?;
        let mut inner = self.lock_inner();
        let key = inner.keyring.unlock_with_passphrase(old)?;
        let mut next = inner.keyring.clone();
        next.set_passphrase(&key, new)?;
        next.save(&self.dir)?;
        inner.keyring = next;
        Ok(())
    }

    /// Adds or replaces the key-provider slot (e.g. after enrolling a new Keystore key). Unlocked only.
    pub fn set_key_provider(&self, provider: Arc<dyn KeyProvider>) -> Result<(), StoreError> {
        let mut inner = self.lock_inner();
        if inner.sync_only {
            return Err(StoreError::Locked);
        }
        let keys = inner.keys.as_ref().ok_or(StoreError::Locked)?;
        let mut next = inner.keyring.clone();
        next.set_provider(&keys.data, provider.as_ref())?;
        next.save(&self.dir)?;
        inner.keyring = next;
        inner.provider = Some(provider);
        Ok(())
    }

    /// Crypto-shreds the store: the keyring is overwritten and removed first (and the platform key
    /// destroyed), so the database is unreadable from that moment; then every file is removed.
    /// Works on a locked store, as a remote wipe must.
    pub fn wipe(self) -> Result<(), StoreError> {
        let inner = self.inner.into_inner().unwrap_or_else(|p| p.into_inner());
        Keyring::shred(&self.dir)?;
        let destroyed = inner.provider.as_ref().map(|p| p.destroy());
        if let Some(b) = inner.background.as_ref() {
            let _ = b.destroy();
        }
        drop(inner);
        for f in DB_FILES {
            match std::fs::remove_file(self.dir.join(f)) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e.into()),
            }
        }
        let _ = std::fs::remove_dir(&self.dir);
        if let Some(Err(e)) = destroyed {
            return Err(StoreError::KeyProvider(e.0));
        }
        Ok(())
    }

    /// The store's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// This device's random id.
    pub fn device_id(&self) -> DeviceId {
        self.device_id
    }

    /// The clock the store uses.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// The device's practitioner.
    pub fn practitioner(&self) -> Result<Practitioner, StoreError> {
        let id = self.practitioner_id.bytes();
        self.read(|r| r.get(Kind::Practitioner, id))
    }

    fn now_millis(&self) -> u64 {
        u64::try_from(self.clock.now().timestamp_millis()).unwrap_or(0)
    }

    /// Runs `f` with read access to the unlocked records.
    fn read<R>(
        &self,
        f: impl FnOnce(&Records<'_>) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        self.read_as(false, f)
    }

    /// Runs `f` with read access, for the sync engine (also when unlocked for sync only).
    fn sync_read<R>(
        &self,
        f: impl FnOnce(&Records<'_>) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        self.read_as(true, f)
    }

    fn read_as<R>(
        &self,
        for_sync: bool,
        f: impl FnOnce(&Records<'_>) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        let inner = self.lock_inner();
        if inner.sync_only && !for_sync {
            return Err(StoreError::Locked);
        }
        refuse_if_tampered(&inner)?;
        self.read_with(&inner, f)
    }

    /// Runs `f` with read access even when unlocking found the store tampered with (for `verify`,
    /// which reports what is wrong).
    fn read_even_if_tampered<R>(
        &self,
        f: impl FnOnce(&Records<'_>) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        let inner = self.lock_inner();
        if inner.sync_only {
            return Err(StoreError::Locked);
        }
        self.read_with(&inner, f)
    }

    fn read_with<R>(
        &self,
        inner: &Inner,
        f: impl FnOnce(&Records<'_>) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        let keys = inner.keys.as_ref().ok_or(StoreError::Locked)?;
        db::in_read_transaction(&inner.conn, || {
            f(&Records::new(
                &inner.conn,
                keys,
                self.store_id,
                self.device_id,
                self.now_millis(),
            ))
        })
    }

    /// Runs `f` as one durable transaction: all of it is saved, or none of it.
    fn write<R>(
        &self,
        f: impl FnOnce(&Records<'_>) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        self.write_as(false, f)
    }

    /// Runs `f` as one durable transaction, for the sync engine (also when unlocked for sync
    /// only).
    fn sync_write<R>(
        &self,
        f: impl FnOnce(&Records<'_>) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        self.write_as(true, f)
    }

    fn write_as<R>(
        &self,
        for_sync: bool,
        f: impl FnOnce(&Records<'_>) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        let mut guard = self.lock_inner();
        let inner = &mut *guard;
        if inner.sync_only && !for_sync {
            return Err(StoreError::Locked);
        }
        refuse_if_tampered(inner)?;
        let keys = inner.keys.as_ref().ok_or(StoreError::Locked)?;
        let tx = inner
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (out, touched) = {
            let r = Records::new(&tx, keys, self.store_id, self.device_id, self.now_millis());
            let out = f(&r)?;
            r.flush()?;
            let touched = std::mem::take(&mut r.cache.borrow_mut().touched);
            (out, touched)
        };
        crate::fault::point("write.before_commit");
        tx.commit()?;
        crate::fault::point("write.after_commit");
        drop(guard);
        self.tell(&changes::DataChanges::of_written(&touched));
        Ok(out)
    }
}

/// `Tampered` when unlocking found the store tampered with.
fn refuse_if_tampered(inner: &Inner) -> Result<(), StoreError> {
    match &inner.tampered {
        Some(what) => Err(StoreError::Tampered {
            record_id: what.clone(),
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_homes;
#[cfg(test)]
mod tests_phone;
