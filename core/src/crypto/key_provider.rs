//! The seam where the Android Keystore, the iOS Keychain / Secure Enclave (or a test double) wraps
//! the data key.

use super::{random_array, CryptoError};
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// Why a key provider failed. The text must not contain key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct KeyProviderError(pub String);

/// Wraps and unwraps the store's data key with a key that never leaves the platform's keystore.
///
/// Implementations must be authenticated encryption (the Keystore's AES-GCM, or ECIES to a Secure
/// Enclave key): a wrapped key that was altered must fail to unwrap.
pub trait KeyProvider: Send + Sync {
    /// Encrypts `key` (32 bytes) and returns an opaque blob to store in the keyring.
    fn wrap_key(&self, key: &[u8]) -> Result<Vec<u8>, KeyProviderError>;
    /// Decrypts a blob made by [`KeyProvider::wrap_key`].
    fn unwrap_key(&self, wrapped: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyProviderError>;
    /// Destroys the platform key (called by `wipe`), so that every wrapped copy becomes useless.
    fn destroy(&self) -> Result<(), KeyProviderError> {
        Ok(())
    }
}

/// A key provider whose key-encryption key is held in process memory.
///
/// For tests and desktop tooling only: it gives no protection against someone who can read the
/// key material wherever the caller keeps it.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct SoftwareKeyProvider {
    kek: [u8; 32],
}

impl SoftwareKeyProvider {
    /// A provider with a fresh random key-encryption key.
    pub fn generate() -> Result<Self, CryptoError> {
        Ok(Self {
            kek: random_array::<32>()?,
        })
    }

    /// A provider over known key bytes (a test fixture, or a key kept by the caller).
    pub fn from_bytes(kek: [u8; 32]) -> Self {
        Self { kek }
    }

    fn key(&self) -> Result<LessSafeKey, KeyProviderError> {
        UnboundKey::new(&AES_256_GCM, &self.kek)
            .map(LessSafeKey::new)
            .map_err(|_| KeyProviderError("invalid key".into()))
    }
}

impl KeyProvider for SoftwareKeyProvider {
    fn wrap_key(&self, key: &[u8]) -> Result<Vec<u8>, KeyProviderError> {
        let nonce = random_array::<12>().map_err(|e| KeyProviderError(e.to_string()))?;
        let mut buf = key.to_vec();
        self.key()?
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(b"sw-kp"),
                &mut buf,
            )
            .map_err(|_| KeyProviderError("wrap failed".into()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&buf);
        buf.zeroize();
        Ok(out)
    }

    fn unwrap_key(&self, wrapped: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyProviderError> {
        if wrapped.len() < 12 + 16 {
            return Err(KeyProviderError("wrapped key too short".into()));
        }
        let (nonce, body) = wrapped.split_at(12);
        let nonce: [u8; 12] = nonce
            .try_into()
            .map_err(|_| KeyProviderError("bad nonce".into()))?;
        let mut buf = Zeroizing::new(body.to_vec());
        let len = self
            .key()?
            .open_in_place(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(b"sw-kp"),
                &mut buf,
            )
            .map_err(|_| KeyProviderError("unwrap failed".into()))?
            .len();
        buf.truncate(len);
        Ok(buf)
    }
}
