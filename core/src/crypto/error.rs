//! Errors of the crypto module. None of them carries key material or plaintext.

/// What can go wrong while wrapping, unwrapping, sealing or opening.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    /// The passphrase did not unwrap the data key.
    #[error("wrong passphrase")]
    WrongPassphrase,
    /// A key was unwrapped but it is not this store's key (the canary did not open).
    #[error("the key does not belong to this store")]
    WrongKey,
    /// A sealed value failed authentication: it was altered, truncated or moved.
    #[error("sealed data failed authentication")]
    Tampered,
    /// A passphrase shorter than the minimum was offered for a new store or a change.
    #[error("passphrase too short: use at least {min} characters")]
    WeakPassphrase {
        /// The minimum number of characters.
        min: usize,
    },
    /// The key derivation parameters are below the floor this build accepts.
    #[error("key derivation parameters below the minimum ({min} iterations)")]
    WeakKdf {
        /// The minimum number of PBKDF2 iterations.
        min: u32,
    },
    /// The platform key provider failed.
    #[error("key provider failed: {0}")]
    KeyProvider(String),
    /// No unlock method of the requested kind is set up for this store.
    #[error("this store has no {0} key slot")]
    NoSuchSlot(&'static str),
    /// The keyring file is unreadable or inconsistent.
    #[error("keyring is malformed: {0}")]
    MalformedKeyring(&'static str),
    /// The operating system's random generator failed.
    #[error("random number generator failed")]
    Rng,
    /// Reading or writing the keyring file failed.
    #[error("keyring I/O error: {0}")]
    Io(String),
}
