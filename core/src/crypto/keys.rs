//! Key material types. Every one zeroizes itself when dropped and never prints its bytes.

use super::{random_array, CryptoError};
use ring::hkdf;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// The fewest characters a passphrase may have.
pub const MIN_PASSPHRASE_CHARS: usize = 10;

/// Identifies which data key sealed a record (bound into every record's associated data).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct KeyId(pub u32);

/// The store's random 256-bit data key. Never written to disk unwrapped.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct DataKey {
    bytes: [u8; 32],
    /// The key as an HKDF pseudorandom key, prepared once (its HMAC pads are computed at unlock,
    /// not at every seal). ring does not zeroize it; it lives as long as the unlocked key.
    #[zeroize(skip)]
    prk: hkdf::Prk,
}

impl DataKey {
    fn from_bytes(bytes: [u8; 32]) -> Self {
        // The data key is 256 uniformly random bits: a valid pseudorandom key for HKDF-Expand
        // as it is (RFC 5869 section 3.3), so the extract step is not needed.
        let prk = hkdf::Prk::new_less_safe(hkdf::HKDF_SHA256, &bytes);
        Self { bytes, prk }
    }

    /// A new random data key.
    pub fn generate() -> Result<Self, CryptoError> {
        Ok(Self::from_bytes(random_array::<32>()?))
    }

    /// Rebuilds a key from unwrapped bytes; anything but 32 bytes is the wrong key.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, CryptoError> {
        let arr: [u8; 32] = bytes.try_into().map_err(|_| CryptoError::WrongKey)?;
        Ok(Self::from_bytes(arr))
    }

    /// The raw bytes, for wrapping and key derivation only.
    pub fn expose(&self) -> &[u8; 32] {
        &self.bytes
    }

    /// Derives a 256-bit subkey for a named purpose (HKDF-SHA256, empty salt, `info` = purpose).
    pub fn derive(&self, purpose: &[u8]) -> Zeroizing<[u8; 32]> {
        hkdf_32(&[], &self.bytes, purpose)
    }

    /// A single-use 256-bit key: HKDF-Expand(data key, `label` ‖ `salt`).
    pub(crate) fn expand(&self, label: &[u8], salt: &[u8]) -> Zeroizing<[u8; 32]> {
        let mut out = Zeroizing::new([0u8; 32]);
        let info = [label, salt];
        if let Ok(okm) = self.prk.expand(&info, Len32) {
            let _ = okm.fill(&mut out[..]);
        }
        out
    }
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(..)")
    }
}

/// The key of the blind tags that let the store find a day's visits without storing the date.
pub struct TagKey(ring::hmac::Key);

impl TagKey {
    /// Derives the tag key from the data key.
    pub fn from_data_key(key: &DataKey) -> Self {
        Self(ring::hmac::Key::new(
            ring::hmac::HMAC_SHA256,
            &key.derive(b"doorstep.blind-tag.v1")[..],
        ))
    }

    /// A 16-byte keyed tag (HMAC-SHA256, truncated) of `label` and `value`.
    #[cfg(not(doorstep_unsealed_twin))]
    pub fn tag(&self, label: &str, value: &str) -> [u8; 16] {
        let mut ctx = ring::hmac::Context::with_key(&self.0);
        ctx.update(&(label.len() as u32).to_be_bytes());
        ctx.update(label.as_bytes());
        ctx.update(value.as_bytes());
        let full = ctx.sign();
        let mut out = [0u8; 16];
        out.copy_from_slice(&full.as_ref()[..16]);
        out
    }

    /// The unsealed benchmark twin's tag (see `UNSEALED_BENCH_TWIN`): the label and value
    /// folded into 16 bytes, without the keyed hash.
    #[cfg(doorstep_unsealed_twin)]
    pub fn tag(&self, label: &str, value: &str) -> [u8; 16] {
        let _unused_in_the_twin = &self.0;
        let mut out = [0u8; 16];
        for (i, b) in label.bytes().chain([0]).chain(value.bytes()).enumerate() {
            out[i % 16] = out[i % 16].rotate_left(3) ^ b;
        }
        out
    }
}

/// A passphrase held in memory that is wiped when dropped.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Passphrase(String);

impl Passphrase {
    /// Wraps a passphrase string (taking ownership so the caller's copy is not left behind).
    pub fn new(value: String) -> Self {
        Self(value)
    }

    /// The passphrase bytes, for key derivation.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// Refuses passphrases shorter than [`MIN_PASSPHRASE_CHARS`] characters.
    pub fn check_strength(&self) -> Result<(), CryptoError> {
        if self.0.chars().count() < MIN_PASSPHRASE_CHARS {
            return Err(CryptoError::WeakPassphrase {
                min: MIN_PASSPHRASE_CHARS,
            });
        }
        Ok(())
    }
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(..)")
    }
}

struct Len32;

impl hkdf::KeyType for Len32 {
    fn len(&self) -> usize {
        32
    }
}

/// HKDF-SHA256 producing 32 bytes.
pub(crate) fn hkdf_32(salt: &[u8], ikm: &[u8], info: &[u8]) -> Zeroizing<[u8; 32]> {
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, salt).extract(ikm);
    let mut out = Zeroizing::new([0u8; 32]);
    let infos = [info];
    // Expanding 32 bytes from SHA-256 cannot exceed HKDF's 255 * 32 byte limit, and filling a
    // buffer of exactly the requested length cannot fail, so neither error path is reachable.
    if let Ok(okm) = prk.expand(&infos, Len32) {
        let _ = okm.fill(&mut out[..]);
    }
    out
}
