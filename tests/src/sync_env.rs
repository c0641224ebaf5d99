//! A reference server on loopback (SQLite) and enrolled device stores, for sync tests.

use doorstep_core::crypto::SoftwareKeyProvider;
use doorstep_core::store::{enrol, SyncOptions};
use doorstep_core::sync::http::UreqTransport;
use doorstep_core::{FixedClock, Store, UnlockMethods};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

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
    let e = enrol(&transport(), url, code).expect("enrol");
    Store::create_enrolled(
        dir,
        UnlockMethods {
            passphrase: None,
            provider: Some(Arc::new(SoftwareKeyProvider::from_bytes([9; 32]))),
        },
        &e,
        clock,
    )
    .expect("create enrolled store")
}
