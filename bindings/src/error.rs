//! The one error the apps see, with stable codes, and the error the platforms' own code throws.

use doorstep_core::crypto::KeyProviderError;
use doorstep_core::domain::InputError;
use doorstep_core::sync::transport::TransportError;
use doorstep_core::StoreError;

/// Every failure of a Doorstep call. The variant is the stable code (never renamed; new codes are
/// only added), which the apps read with `code()` rather than from a class name; `reason` is
/// written for the practitioner and never contains personal data, key material or note text.
/// Whether a sync that failed with it is tried again later is `is_retryable()`: one answer for
/// both apps.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum DoorstepError {
    /// There is no store in the directory.
    #[error("{reason}")]
    NoStore {
        /// For the practitioner.
        reason: String,
    },
    /// A store already exists where a new one was to be created.
    #[error("{reason}")]
    AlreadyExists {
        /// For the practitioner.
        reason: String,
    },
    /// The store is locked: unlock it first.
    #[error("{reason}")]
    Locked {
        /// For the practitioner.
        reason: String,
    },
    /// The passphrase is wrong.
    #[error("{reason}")]
    WrongPassphrase {
        /// For the practitioner.
        reason: String,
    },
    /// The key offered is not this store's key.
    #[error("{reason}")]
    WrongKey {
        /// For the practitioner.
        reason: String,
    },
    /// That unlock method is not set up for this store.
    #[error("{reason}")]
    UnlockMethodNotSet {
        /// For the practitioner.
        reason: String,
    },
    /// A new passphrase is too short.
    #[error("{reason}")]
    WeakPassphrase {
        /// For the practitioner.
        reason: String,
    },
    /// A record failed authentication: altered or moved.
    #[error("{reason}")]
    Tampered {
        /// For the practitioner.
        reason: String,
    },
    /// The store's files are damaged.
    #[error("{reason}")]
    Corrupt {
        /// For the practitioner.
        reason: String,
    },
    /// The store was written by a newer version of the app.
    #[error("{reason}")]
    NewerVersion {
        /// For the practitioner.
        reason: String,
    },
    /// The record asked for does not exist.
    #[error("{reason}")]
    NotFound {
        /// For the practitioner.
        reason: String,
    },
    /// Input that cannot be stored as given (names the field, never its content).
    #[error("{reason}")]
    InvalidInput {
        /// For the practitioner.
        reason: String,
    },
    /// The record breaks one or more practice rules; nothing was saved.
    #[error("{reason}")]
    ValidationFailed {
        /// For the practitioner.
        reason: String,
    },
    /// The action does not fit the record's state.
    #[error("{reason}")]
    NotAllowed {
        /// For the practitioner.
        reason: String,
    },
    /// Planning failed with these settings.
    #[error("{reason}")]
    Planning {
        /// For the practitioner.
        reason: String,
    },
    /// The device is not enrolled with a sync server.
    #[error("{reason}")]
    NotEnrolled {
        /// For the practitioner.
        reason: String,
    },
    /// The server address is not allowed.
    #[error("{reason}")]
    BadServerUrl {
        /// For the practitioner.
        reason: String,
    },
    /// The server could not be reached; everything stays queued.
    #[error("{reason}")]
    Offline {
        /// For the practitioner.
        reason: String,
    },
    /// The server refused this device's credentials: enrol again.
    #[error("{reason}")]
    Unauthorized {
        /// For the practitioner.
        reason: String,
    },
    /// The server answered in a way this build does not understand.
    #[error("{reason}")]
    Protocol {
        /// For the practitioner.
        reason: String,
    },
    /// The device was revoked and its records erased.
    #[error("{reason}")]
    Wiped {
        /// For the practitioner.
        reason: String,
    },
    /// The device's storage is full; nothing was saved.
    #[error("{reason}")]
    DiskFull {
        /// For the practitioner.
        reason: String,
    },
    /// The platform key store failed.
    #[error("{reason}")]
    KeyProvider {
        /// For the practitioner.
        reason: String,
    },
    /// The platform key was invalidated (biometrics changed, key deleted): unlock with the
    /// passphrase and set up the key again.
    #[error("{reason}")]
    KeyInvalidated {
        /// For the practitioner.
        reason: String,
    },
    /// Any other storage failure.
    #[error("{reason}")]
    Storage {
        /// For the practitioner.
        reason: String,
    },
    /// The store is busy (a sync is running) and cannot be wiped or closed right now.
    #[error("{reason}")]
    Busy {
        /// For the practitioner.
        reason: String,
    },
    /// The platform's own code (a key provider, transport or observer) failed unexpectedly.
    #[error("{reason}")]
    Platform {
        /// For the practitioner.
        reason: String,
    },
    /// A document (the family's copy of a visit summary) could not be made.
    #[error("{reason}")]
    Document {
        /// For the practitioner.
        reason: String,
    },
}

impl DoorstepError {
    /// The stable code of this error, as the apps and the documentation name it.
    pub fn code_str(&self) -> &'static str {
        match self {
            Self::NoStore { .. } => "NoStore",
            Self::AlreadyExists { .. } => "AlreadyExists",
            Self::Locked { .. } => "Locked",
            Self::WrongPassphrase { .. } => "WrongPassphrase",
            Self::WrongKey { .. } => "WrongKey",
            Self::UnlockMethodNotSet { .. } => "UnlockMethodNotSet",
            Self::WeakPassphrase { .. } => "WeakPassphrase",
            Self::Tampered { .. } => "Tampered",
            Self::Corrupt { .. } => "Corrupt",
            Self::NewerVersion { .. } => "NewerVersion",
            Self::NotFound { .. } => "NotFound",
            Self::InvalidInput { .. } => "InvalidInput",
            Self::ValidationFailed { .. } => "ValidationFailed",
            Self::NotAllowed { .. } => "NotAllowed",
            Self::Planning { .. } => "Planning",
            Self::NotEnrolled { .. } => "NotEnrolled",
            Self::BadServerUrl { .. } => "BadServerUrl",
            Self::Offline { .. } => "Offline",
            Self::Unauthorized { .. } => "Unauthorized",
            Self::Protocol { .. } => "Protocol",
            Self::Wiped { .. } => "Wiped",
            Self::DiskFull { .. } => "DiskFull",
            Self::KeyProvider { .. } => "KeyProvider",
            Self::KeyInvalidated { .. } => "KeyInvalidated",
            Self::Storage { .. } => "Storage",
            Self::Busy { .. } => "Busy",
            Self::Platform { .. } => "Platform",
            Self::Document { .. } => "Document",
        }
    }
}

#[uniffi::export]
impl DoorstepError {
    /// The stable code ("Locked", "Offline", ...): for logs and for the apps' own branching,
    /// never taken from a generated class name (which a shrinker may rename).
    pub fn code(&self) -> String {
        self.code_str().to_string()
    }

    /// Whether a sync that failed with this error should be tried again later by the platform's
    /// scheduler (WorkManager, BGTaskScheduler) without the practitioner doing anything: no
    /// network, the phone locked (its key store refuses the background key, or answers with a
    /// wrong key), the app locked meanwhile, the platform's HTTP stack failing, the store busy,
    /// the storage full. Everything else needs someone to act first (enrol again, update the
    /// app, unlock, fix the refused change) and is shown instead.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Self::Offline { .. }
                | Self::Locked { .. }
                | Self::KeyProvider { .. }
                | Self::WrongKey { .. }
                | Self::Platform { .. }
                | Self::Busy { .. }
                | Self::DiskFull { .. }
        )
    }

    /// The message for the practitioner (the same as the error's text).
    pub fn user_message(&self) -> String {
        self.to_string()
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
            StoreError::NoStore => Self::NoStore { reason: msg },
            StoreError::AlreadyExists | StoreError::DatabaseWithoutKeyring { .. } => {
                Self::AlreadyExists { reason: msg }
            }
            StoreError::Locked => Self::Locked { reason: msg },
            StoreError::WrongPassphrase => Self::WrongPassphrase { reason: msg },
            StoreError::WrongKey => Self::WrongKey { reason: msg },
            StoreError::UnlockMethodNotSet(_) => Self::UnlockMethodNotSet { reason: msg },
            StoreError::WeakPassphrase { .. } => Self::WeakPassphrase { reason: msg },
            StoreError::Tampered { .. } => Self::Tampered { reason: msg },
            StoreError::Corrupt { .. } | StoreError::StoreMismatch => Self::Corrupt { reason: msg },
            StoreError::SchemaTooNew { .. } => Self::NewerVersion { reason: msg },
            StoreError::NotFound { .. } => Self::NotFound { reason: msg },
            StoreError::Input(_) => Self::InvalidInput { reason: msg },
            StoreError::Validation(_) => Self::ValidationFailed { reason: msg },
            StoreError::InvalidState(_) => Self::NotAllowed { reason: msg },
            StoreError::Planning(_) => Self::Planning { reason: msg },
            StoreError::NotEnrolled => Self::NotEnrolled { reason: msg },
            StoreError::BadServerUrl(_) => Self::BadServerUrl { reason: msg },
            StoreError::Offline(_) => Self::Offline { reason: msg },
            StoreError::Unauthorized(_) => Self::Unauthorized { reason: msg },
            StoreError::Protocol(_) => Self::Protocol { reason: msg },
            StoreError::Wiped => Self::Wiped { reason: msg },
            StoreError::DiskFull => Self::DiskFull { reason: msg },
            StoreError::KeyProvider(_) => Self::KeyProvider { reason: msg },
            StoreError::Io(_) => Self::Storage { reason: msg },
            StoreError::Document(_) => Self::Document { reason: msg },
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
        Self::Platform {
            reason: format!("The phone's {}", e),
        }
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
    fn only_what_time_mends_is_retried() {
        let retried: Vec<DoorstepError> = vec![
            StoreError::Offline("no route".into()).into(),
            StoreError::Locked.into(),
            StoreError::WrongKey.into(),
            StoreError::DiskFull.into(),
            PlatformError::Timeout.into(),
        ];
        for e in &retried {
            assert!(e.is_retryable(), "{} should be retried", e.code());
        }
        let shown: Vec<DoorstepError> = vec![
            StoreError::NotEnrolled.into(),
            StoreError::Unauthorized("revoked".into()).into(),
            StoreError::Protocol("bad".into()).into(),
            StoreError::Wiped.into(),
            StoreError::UnlockMethodNotSet("background").into(),
            StoreError::SchemaTooNew {
                found: 9,
                supported: 4,
            }
            .into(),
        ];
        for e in &shown {
            assert!(!e.is_retryable(), "{} should not be retried", e.code());
        }
    }

    #[test]
    fn codes_are_unique_and_messages_are_for_people() {
        let all = [
            DoorstepError::from(StoreError::Locked),
            StoreError::WrongPassphrase.into(),
            StoreError::NotEnrolled.into(),
            StoreError::DiskFull.into(),
            PlatformError::Unexpected.into(),
        ];
        let mut codes: Vec<&str> = all.iter().map(DoorstepError::code_str).collect();
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
        assert!(e.is_retryable());
        assert!(!e.to_string().contains("secret"));
    }
}
