//! A reference server on loopback (SQLite) and enrolled device stores, for sync tests.

use doorstep_core::crypto::SoftwareKeyProvider;
use doorstep_core::store::{enrol, SyncOptions};
use doorstep_core::sync::http::UreqTransport;
use doorstep_core::{Clock, FixedClock, Store, StoreError, SystemClock, UnlockMethods};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// The software key provider key every enrolled test device uses.
pub const DEVICE_KEY: [u8; 32] = [9; 32];

/// The environment variable naming the case the sync writer adds notes to.
pub const SYNC_CASE_ENV: &str = "DOORSTEP_SYNC_CASE";

/// The environment variable holding a run label the sync writer puts in every note text.
pub const SYNC_RUN_ENV: &str = "DOORSTEP_SYNC_RUN";

/// Fast retries for tests.
pub fn quick() -> SyncOptions {
    SyncOptions {
        push_batch: 100,
        pull_page: 100,
        max_attempts: 3,
        base_delay: Duration::from_millis(2),
        max_delay: Duration::from_millis(20),
    }
}

/// A plain transport with a short timeout.
pub fn transport() -> UreqTransport {
    UreqTransport::new(Duration::from_secs(10))
}

/// Enrols a new device with `code` and creates its store in `dir`.
pub fn device(dir: &Path, url: &str, code: &str, clock: Arc<FixedClock>) -> Store {
    device_with_clock(dir, url, code, clock)
}

/// Enrols a new device with `code` and creates its store in `dir`, on any clock (a device whose
/// clock differs from the server's, or the system clock for tests across processes).
pub fn device_with_clock(dir: &Path, url: &str, code: &str, clock: Arc<dyn Clock>) -> Store {
    let e = enrol(&transport(), url, code).expect("enrol");
    Store::create_enrolled(
        dir,
        UnlockMethods {
            passphrase: None,
            provider: Some(Arc::new(SoftwareKeyProvider::from_bytes(DEVICE_KEY))),
        },
        &e,
        clock,
    )
    .expect("create enrolled store")
}

/// Reopens an enrolled device's store on the system clock, unlocked with `key`.
pub fn reopen(dir: &Path, key: [u8; 32]) -> Result<Store, StoreError> {
    let s = Store::open(dir, Arc::new(SystemClock))?;
    s.unlock_with_provider(Arc::new(SoftwareKeyProvider::from_bytes(key)))?;
    Ok(s)
}
