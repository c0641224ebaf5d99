//! The one error the apps see, with stable codes, and the error the platforms' own code throws.

use doorstep_core::crypto::KeyProviderError;
use doorstep_core::domain::InputError;
use doorstep_core::sync::transport::TransportError;
use doorstep_core::StoreError;

/// Every failure of a Doorstep call. The variant is the stable code (never renamed; new codes are
/// only added); the message is written for the practitioner and never contains personal data, key
/// material or note text.
#[derive(Debug, thiserror::Error, uniffi::Error)]
#[uniffi(flat_error)]
pub enum DoorstepError {
    /// There is no store in the directory.
    #[error("{0}")]
    NoStore(String),
    /// A store already exists where a new one was to be created.
    #[error("{0}")]
    AlreadyExists(String),
    /// The store is locked: unlock it first.
    #[error("{0}")]
    Locked(String),
    /// The passphrase is wrong.
    #[error("{0}")]
    WrongPassphrase(String),
    /// The key offered is not this store's key.
    #[error("{0}")]
    WrongKey(String),
    /// That unlock method is not set up for this store.
    #[error("{0}")]
    UnlockMethodNotSet(String),
    /// A new passphrase is too short.
    #[error("{0}")]
    WeakPassphrase(String),
    /// A record failed authentication: altered or moved.
    #[error("{0}")]
    Tampered(String),
    /// The store's files are damaged.
    #[error("{0}")]
    Corrupt(String),
    /// The store was written by a newer version of the app.
    #[error("{0}")]
    NewerVersion(String),
    /// The record asked for does not exist.
    #[error("{0}")]
    NotFound(String),
    /// Input that cannot be stored as given (names the field, never its content).
    #[error("{0}")]
    InvalidInput(String),
    /// The record breaks one or more practice rules; nothing was saved.
    #[error("{0}")]
    ValidationFailed(String),
    /// The action does not fit the record's state.
    #[error("{0}")]
    NotAllowed(String),
    /// Planning failed with these settings.
    #[error("{0}")]
    Planning(String),
    /// The device is not enrolled with a sync server.
    #[error("{0}")]
    NotEnrolled(String),
    /// The server address is not allowed.
    #[error("{0}")]
    BadServerUrl(String),
    /// The server could not be reached; everything stays queued.
    #[error("{0}")]
    Offline(String),
    /// The server refused this device's credentials: enrol again.
    #[error("{0}")]
    Unauthorized(String),
    /// The server answered in a way this build does not understand.
    #[error("{0}")]
    Protocol(String),
    /// The device was revoked and its records erased.
    #[error("{0}")]
    Wiped(String),
    /// The device's storage is full; nothing was saved.
    #[error("{0}")]
    DiskFull(String),
    /// The platform key store failed.
    #[error("{0}")]
    KeyProvider(String),
    /// The platform key was invalidated (biometrics changed, key deleted): unlock with the
    /// passphrase and set up the key again.
    #[error("{0}")]
    KeyInvalidated(String),
    /// Any other storage failure.
    #[error("{0}")]
    Storage(String),
    /// The store is busy (a sync is running) and cannot be wiped or closed right now.
    #[error("{0}")]
    Busy(String),
    /// The platform's own code (a key provider, transport or observer) failed unexpectedly.
    #[error("{0}")]
    Platform(String),
    /// A document (the family's copy of a visit summary) could not be made.
    #[error("{0}")]
    Document(String),
}

impl DoorstepError {
    /// The stable code of this error, as the apps and the documentation name it.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NoStore(_) => "NoStore",
            Self::AlreadyExists(_) => "AlreadyExists",
            Self::Locked(_) => "Locked",
            Self::WrongPassphrase(_) => "WrongPassphrase",
            Self::WrongKey(_) => "WrongKey",
            Self::UnlockMethodNotSet(_) => "UnlockMethodNotSet",
            Self::WeakPassphrase(_) => "WeakPassphrase",
            Self::Tampered(_) => "Tampered",
            Self::Corrupt(_) => "Corrupt",
            Self::NewerVersion(_) => "NewerVersion",
            Self::NotFound(_) => "NotFound",
            Self::InvalidInput(_) => "InvalidInput",
            Self::ValidationFailed(_) => "ValidationFailed",
            Self::NotAllowed(_) => "NotAllowed",
            Self::Planning(_) => "Planning",
            Self::NotEnrolled(_) => "NotEnrolled",
            Self::BadServerUrl(_) => "BadServerUrl",
            Self::Offline(_) => "Offline",
            Self::Unauthorized(_) => "Unauthorized",
            Self::Protocol(_) => "Protocol",
            Self::Wiped(_) => "Wiped",
            Self::DiskFull(_) => "DiskFull",
            Self::KeyProvider(_) => "KeyProvider",
            Self::KeyInvalidated(_) => "KeyInvalidated",
            Self::Storage(_) => "Storage",
            Self::Busy(_) => "Busy",
            Self::Platform(_) => "Platform",
            Self::Document(_) => "Document",
        }
    }
}

fn capitalised(text: String) -> String {
    let mut c = text.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => text,
    }
}

impl From<StoreError> for DoorstepError {
    fn from(e: StoreError) -> Self {
        let msg = capitalised(e.to_string());
        match e {
            StoreError::NoStore => Self::NoStore(msg),
            StoreError::AlreadyExists | StoreError::DatabaseWithoutKeyring { .. } => {
                Self::AlreadyExists(msg)
            }
            StoreError::Locked => Self::Locked(msg),
            StoreError::WrongPassphrase => Self::WrongPassphrase(msg),
            StoreError::WrongKey => Self::WrongKey(msg),
            StoreError::UnlockMethodNotSet(_) => Self::UnlockMethodNotSet(msg),
            StoreError::WeakPassphrase { .. } => Self::WeakPassphrase(msg),
            StoreError::Tampered { .. } => Self::Tampered(msg),
            StoreError::Corrupt { .. } | StoreError::StoreMismatch => Self::Corrupt(msg),
            StoreError::SchemaTooNew { .. } => Self::NewerVersion(msg),
            StoreError::NotFound { .. } => Self::NotFound(msg),
            StoreError::Input(_) => Self::InvalidInput(msg),
            StoreError::Validation(_) => Self::ValidationFailed(msg),
            StoreError::InvalidState(_) => Self::NotAllowed(msg),
            StoreError::Planning(_) => Self::Planning(msg),
            StoreError::NotEnrolled => Self::NotEnrolled(msg),
            StoreError::BadServerUrl(_) => Self::BadServerUrl(msg),
            StoreError::Offline(_) => Self::Offline(msg),
            StoreError::Unauthorized(_) => Self::Unauthorized(msg),
            StoreError::Protocol(_) => Self::Protocol(msg),
            StoreError::Wiped => Self::Wiped(msg),
            StoreError::DiskFull => Self::DiskFull(msg),
            StoreError::KeyProvider(_) => Self::KeyProvider(msg),
            StoreError::Io(_) => Self::Storage(msg),
            StoreError::Document(_) => Self::Document(msg),
        }
    }
}

impl From<InputError> for DoorstepError {
    fn from(e: InputError) -> Self {
        StoreError::Input(e).into()
    }
}

impl From<uniffi::UnexpectedUniFFICallbackError> for DoorstepError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        PlatformError::from(e).into()
    }
}

impl From<PlatformError> for DoorstepError {
    fn from(e: PlatformError) -> Self {
        Self::Platform(format!("The phone's {}", e))
    }
}

/// What the platforms' own code (key store, HTTP stack, observer) throws back into the core.
/// Any other exception arrives as [`PlatformError::Unexpected`]: an error, never a crash.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum PlatformError {
    /// The key store could not be used now (device locked, user cancelled authentication).
    #[error("key store is unavailable: {reason}")]
    KeyUnavailable {
        /// Why, without key material.
        reason: String,
    },
    /// The platform key was invalidated (biometrics changed, key deleted): re-enrol the key.
    #[error("key store key was invalidated: {reason}")]
    KeyInvalidated {
        /// Why.
        reason: String,
    },
    /// No network, connection refused, DNS failure.
    #[error("network is unreachable")]
    Unreachable,
    /// The request timed out.
    #[error("network request timed out")]
    Timeout,
    /// TLS failed.
    #[error("secure connection failed")]
    Tls,
    /// Anything else the platform code reports.
    #[error("platform code failed: {reason}")]
    Failed {
        /// Why.
        reason: String,
    },
    /// The platform code threw something it did not declare.
    #[error("platform code failed unexpectedly")]
    Unexpected,
}

impl From<uniffi::UnexpectedUniFFICallbackError> for PlatformError {
    fn from(_: uniffi::UnexpectedUniFFICallbackError) -> Self {
        // The foreign exception's text may carry anything (even a URL with a token): dropped.
        Self::Unexpected
    }
}

impl From<PlatformError> for KeyProviderError {
    fn from(e: PlatformError) -> Self {
        KeyProviderError(e.to_string())
    }
}

impl From<PlatformError> for TransportError {
    fn from(e: PlatformError) -> Self {
        match e {
            PlatformError::Unreachable => TransportError::Unreachable,
            PlatformError::Timeout => TransportError::Timeout,
            PlatformError::Tls => TransportError::Tls,
            other => TransportError::Other(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_messages_are_for_people() {
        let all = [
            DoorstepError::from(StoreError::Locked),
            StoreError::WrongPassphrase.into(),
            StoreError::NotEnrolled.into(),
            StoreError::DiskFull.into(),
            PlatformError::Unexpected.into(),
        ];
        let mut codes: Vec<&str> = all.iter().map(DoorstepError::code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
        assert_eq!(all[0].to_string(), "The store is locked");
        assert_eq!(
            all[4].to_string(),
            "The phone's platform code failed unexpectedly"
        );
    }

    #[test]
    fn an_unexpected_foreign_exception_becomes_an_error_without_its_text() {
        let e: DoorstepError =
            uniffi::UnexpectedUniFFICallbackError::new("https://x/?token=secret").into();
        assert_eq!(e.code(), "Platform");
        assert!(!e.to_string().contains("secret"));
    }
}
