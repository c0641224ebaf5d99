//! Creating, opening and copying stores on disk for tests.

use doorstep_core::crypto::{KeyProvider, Passphrase, SoftwareKeyProvider};
use doorstep_core::domain::{Agency, NewPractitioner};
use doorstep_core::{FixedClock, Store, StoreError, UnlockMethods};
use std::path::Path;
use std::sync::Arc;

/// The instant the tests' fixed clock shows: 2026-11-20 09:41:07 UTC.
pub fn clock_time() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_795_167_667, 0).unwrap_or_default()
}

/// A fixed clock at [`clock_time`].
pub fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(clock_time()))
}

/// A key provider over known bytes.
pub fn provider(key: [u8; 32]) -> Arc<dyn KeyProvider> {
    Arc::new(SoftwareKeyProvider::from_bytes(key))
}

/// A practitioner profile with the given name and team.
pub fn practitioner(name: &str, team: Option<&str>) -> NewPractitioner {
    NewPractitioner {
        name: name.to_string(),
        agency: Agency::HealthVisiting,
        team: team.map(str::to_string),
    }
}

/// Creates a store unlocked by a software key provider over `key`.
pub fn create_with_key(
    dir: &Path,
    key: [u8; 32],
    who: NewPractitioner,
) -> Result<Store, StoreError> {
    Store::create(
        dir,
        UnlockMethods {
            passphrase: None,
            provider: Some(provider(key)),
        },
        who,
        clock(),
    )
}

/// Creates a store unlocked by a passphrase.
pub fn create_with_passphrase(
    dir: &Path,
    passphrase: &str,
    who: NewPractitioner,
) -> Result<Store, StoreError> {
    Store::create(
        dir,
        UnlockMethods {
            passphrase: Some(Passphrase::new(passphrase.to_string())),
            provider: None,
        },
        who,
        clock(),
    )
}

/// Opens and unlocks a provider store.
pub fn open_with_key(dir: &Path, key: [u8; 32]) -> Result<Store, StoreError> {
    let s = Store::open(dir, clock())?;
    s.unlock_with_provider(provider(key))?;
    Ok(s)
}

/// Opens and unlocks a passphrase store.
pub fn open_with_passphrase(dir: &Path, passphrase: &str) -> Result<Store, StoreError> {
    let s = Store::open(dir, clock())?;
    s.unlock_with_passphrase(&Passphrase::new(passphrase.to_string()))?;
    Ok(s)
}

/// Copies every file of the directory `from` into `to` (created if needed).
pub fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name()))?;
        }
    }
    Ok(())
}

/// Opens the database file of the store in `dir` directly, bypassing the core (for tampering).
pub fn raw_db(dir: &Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(dir.join(doorstep_core::store::DB_FILE)).unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .unwrap();
    conn
}

/// Folds the WAL of the database in `dir` into the main file from a second connection and empties
/// it, so the main file holds every committed transaction. Works while a store has it open and idle.
pub fn checkpoint(dir: &Path) {
    let conn = raw_db(dir);
    let (busy, _, _): (i64, i64, i64) = conn
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(busy, 0, "checkpoint was blocked");
}
