//! The store's error type: every failure a caller can see, typed, with messages that never contain
//! personal data, key material or note text.

use crate::crypto::CryptoError;
use crate::domain::{InputError, ValidationIssue};

/// What can go wrong with a store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The directory holds no store.
    #[error("no store at this location")]
    NoStore,
    /// A store already exists where a new one was to be created.
    #[error("a store already exists at this location")]
    AlreadyExists,
    /// The directory holds a store database but not its keyring: the records in it can only be
    /// read with that keyring, so nothing is created over it.
    #[error(
        "this location holds a store database ({bytes} bytes) without its keyring: restore \
         keyring.json from the backup taken with the database to read it; nothing was changed"
    )]
    DatabaseWithoutKeyring {
        /// The size of the database's files.
        bytes: u64,
    },
    /// The store is locked: unlock it first.
    #[error("the store is locked")]
    Locked,
    /// The passphrase is wrong.
    #[error("wrong passphrase")]
    WrongPassphrase,
    /// The key offered is not this store's key.
    #[error("the key does not belong to this store")]
    WrongKey,
    /// The store cannot be unlocked that way (e.g. a passphrase offered to a store that only has a
    /// platform key).
    #[error("this store has no {0} set up")]
    UnlockMethodNotSet(&'static str),
    /// A new passphrase is too short.
    #[error("passphrase too short: use at least {min} characters")]
    WeakPassphrase {
        /// Minimum characters.
        min: usize,
    },
    /// A record's ciphertext failed authentication: altered, truncated or moved from elsewhere.
    #[error("record {record_id} failed authentication: it was altered or moved")]
    Tampered {
        /// The record's random id.
        record_id: String,
    },
    /// The database or keyring file is damaged.
    #[error("the store is damaged: {detail}")]
    Corrupt {
        /// What was found (never personal data).
        detail: String,
    },
    /// The database file and the keyring belong to different stores.
    #[error("the database and the keyring belong to different stores")]
    StoreMismatch,
    /// The store was written by a newer version of Doorstep.
    #[error("the store was written by a newer version (schema {found}, this build reads up to {supported})")]
    SchemaTooNew {
        /// The store's schema version.
        found: u32,
        /// The newest this build understands.
        supported: u32,
    },
    /// A record that was asked for does not exist.
    #[error("{kind} {id} not found")]
    NotFound {
        /// The record kind.
        kind: &'static str,
        /// The id asked for.
        id: String,
    },
    /// Input that cannot be stored as given.
    #[error("invalid input: {0}")]
    Input(#[from] InputError),
    /// The record breaks one or more practice rules; nothing was saved.
    #[error("{}", describe(.0))]
    Validation(Vec<ValidationIssue>),
    /// The action does not fit the record's state (e.g. completing a cancelled visit).
    #[error("not allowed: {0}")]
    InvalidState(&'static str),

    /// A document (the family's copy) could not be made; the reason never carries its text.
    #[error("the document could not be made: {0}")]
    Document(&'static str),
    /// The planning settings or horizon cannot be planned with.
    #[error("planning: {0}")]
    Planning(#[from] crate::planning::PlanningError),
    /// The store is not enrolled with a sync server.
    #[error("this device is not enrolled with a sync server")]
    NotEnrolled,
    /// The server address is not allowed (plain http beyond this machine, or malformed).
    #[error("{0}")]
    BadServerUrl(#[from] crate::sync::transport::UrlError),
    /// The server could not be reached after retrying; nothing is lost, sync again later.
    #[error("sync could not finish ({0}); everything stays queued, sync again later")]
    Offline(String),
    /// The server refused the device's credentials (not revoked: expired or unknown).
    #[error("the server refused this device ({0}): enrol it again")]
    Unauthorized(String),
    /// The server answered in a way this build does not understand.
    #[error("the server answered unexpectedly ({0})")]
    Protocol(String),
    /// This device was revoked: its store has been erased (crypto-shredded).
    #[error("this device was revoked by an administrator and its records have been erased")]
    Wiped,
    /// The device's storage is full; nothing was saved.
    #[error("the device storage is full: nothing was saved")]
    DiskFull,
    /// The platform key provider failed.
    #[error("key provider failed: {0}")]
    KeyProvider(String),
    /// Any other storage failure.
    #[error("storage error: {0}")]
    Io(String),
}

fn describe(issues: &[ValidationIssue]) -> String {
    let msgs: Vec<&str> = issues.iter().map(|i| i.message.as_str()).collect();
    format!("cannot save: {}", msgs.join(" "))
}

impl From<CryptoError> for StoreError {
    fn from(e: CryptoError) -> Self {
        match e {
            CryptoError::WrongPassphrase => StoreError::WrongPassphrase,
            CryptoError::WrongKey => StoreError::WrongKey,
            CryptoError::WeakPassphrase { min } => StoreError::WeakPassphrase { min },
            CryptoError::KeyProvider(m) => StoreError::KeyProvider(m),
            CryptoError::Tampered => StoreError::Tampered {
                record_id: "keyring".into(),
            },
            CryptoError::NoSuchSlot(slot) => StoreError::UnlockMethodNotSet(slot),
            CryptoError::WeakKdf { .. } | CryptoError::MalformedKeyring(_) => StoreError::Corrupt {
                detail: e.to_string(),
            },
            CryptoError::Rng | CryptoError::Io(_) => StoreError::Io(e.to_string()),
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as C;
        match &e {
            rusqlite::Error::SqliteFailure(f, _) => match f.code {
                C::DatabaseCorrupt | C::NotADatabase => StoreError::Corrupt {
                    detail: "the database file is not a valid store".into(),
                },
                C::DiskFull => StoreError::DiskFull,
                C::CannotOpen => StoreError::Io("cannot open the database file".into()),
                _ => StoreError::Io(format!("database error ({:?})", f.code)),
            },
            rusqlite::Error::FromSqlConversionFailure(..)
            | rusqlite::Error::InvalidColumnType(..) => StoreError::Corrupt {
                detail: "a row has an unexpected shape".into(),
            },
            _ => StoreError::Io("database error".into()),
        }
    }
}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> Self {
        if e.raw_os_error() == Some(28) {
            return StoreError::DiskFull;
        }
        StoreError::Io(e.kind().to_string())
    }
}
