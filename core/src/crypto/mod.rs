//! Encryption at rest: the data key, its wrapping by a passphrase or a platform key provider, and the
//! authenticated sealing of every sensitive record.
//!
//! Nonce strategy (see `docs/SECURITY.md`): every seal derives a single-use AES-256-GCM key with
//! HKDF-SHA256 from the data key and a fresh 192-bit random salt, so no (key, nonce) pair can repeat;
//! salts would only be expected to collide after about 2^96 seals.

mod aad;
mod error;
mod kdf;
mod key_provider;
mod keyring;
mod keys;
mod random;
mod seal;

pub use aad::RecordAad;
pub use error::CryptoError;
pub use kdf::{KdfParams, MAX_PBKDF2_ITERATIONS, MIN_PBKDF2_ITERATIONS};
pub use key_provider::{KeyProvider, KeyProviderError, SoftwareKeyProvider};
pub use keyring::{Keyring, KEYRING_FILE};
pub use keys::{DataKey, KeyId, Passphrase, TagKey, MIN_PASSPHRASE_CHARS};
pub use random::random_array;
pub use seal::{open, seal, SEAL_OVERHEAD, UNSEALED_BENCH_TWIN};
