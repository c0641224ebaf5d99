//! Passphrase-based key derivation: PBKDF2-HMAC-SHA256 (OWASP: at least 600,000 iterations).

use super::{random_array, CryptoError, Passphrase};
use ring::pbkdf2;
use std::num::NonZeroU32;
use zeroize::Zeroizing;

/// The fewest PBKDF2 iterations this build accepts, for new stores and for opening old ones.
pub const MIN_PBKDF2_ITERATIONS: u32 = 600_000;

/// The most PBKDF2 iterations this build accepts (eight times the default). A keyring asking for
/// more is damaged or edited: an edited count of four billion would hang unlocking for minutes.
pub const MAX_PBKDF2_ITERATIONS: u32 = 8 * MIN_PBKDF2_ITERATIONS;

/// The parameters stored (in plaintext) beside a passphrase-wrapped key.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KdfParams {
    /// PBKDF2 iteration count.
    pub iterations: u32,
    /// A random 16-byte salt, hex-encoded on disk.
    #[serde(with = "hex::serde")]
    pub salt: [u8; 16],
}

impl KdfParams {
    /// Fresh parameters with a random salt and the default iteration count.
    pub fn generate() -> Result<Self, CryptoError> {
        Ok(Self {
            iterations: MIN_PBKDF2_ITERATIONS,
            salt: random_array::<16>()?,
        })
    }

    /// Derives the 256-bit key-encryption key. Parameters below the floor are refused, so a
    /// keyring edited to weaken the KDF cannot be used to speed up guessing; parameters above the
    /// ceiling are refused before any work, so an edited keyring cannot hang unlocking.
    pub fn derive(&self, passphrase: &Passphrase) -> Result<Zeroizing<[u8; 32]>, CryptoError> {
        if self.iterations < MIN_PBKDF2_ITERATIONS {
            return Err(CryptoError::WeakKdf {
                min: MIN_PBKDF2_ITERATIONS,
            });
        }
        if self.iterations > MAX_PBKDF2_ITERATIONS {
            return Err(CryptoError::MalformedKeyring(
                "key derivation parameters above the maximum",
            ));
        }
        let iterations = NonZeroU32::new(self.iterations).ok_or(CryptoError::WeakKdf {
            min: MIN_PBKDF2_ITERATIONS,
        })?;
        let mut out = Zeroizing::new([0u8; 32]);
        pbkdf2::derive(
            pbkdf2::PBKDF2_HMAC_SHA256,
            iterations,
            &self.salt,
            passphrase.as_bytes(),
            &mut out[..],
        );
        Ok(out)
    }
}
