//! AEAD sealing of records: AES-256-GCM under a single-use key derived per seal.
//!
//! Layout: `version (1) || salt (24) || ciphertext || tag (16)`. The single-use key is
//! HKDF-Expand-SHA256(data key, "doorstep.seal.v1" ‖ salt); because each derived key seals exactly
//! one message, the all-zero nonce is never reused under any key.

// The benchmark twin leaves the cipher's helpers unused.
#![cfg_attr(doorstep_unsealed_twin, allow(dead_code, unused_imports))]

use super::{random_array, CryptoError, DataKey};
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};

const VERSION: u8 = 1;
const SALT_LEN: usize = 24;
const TAG_LEN: usize = 16;

/// Bytes a sealed value adds to its plaintext.
pub const SEAL_OVERHEAD: usize = 1 + SALT_LEN + TAG_LEN;

/// Whether this build stores values unsealed. Only the benchmark twin ever does: `benches/twin`
/// compiles these sources a second time with `--cfg doorstep_unsealed_twin` (set by its own build
/// script; no feature of this crate can turn it on), so that the product's exact code path can be
/// measured without the cipher. Every product crate asserts at compile time that it is `false`.
pub const UNSEALED_BENCH_TWIN: bool = cfg!(doorstep_unsealed_twin);

fn single_use_key(key: &DataKey, salt: &[u8]) -> Result<LessSafeKey, CryptoError> {
    let k = key.expand(b"doorstep.seal.v1", salt);
    let unbound = UnboundKey::new(&AES_256_GCM, &k[..]).map_err(|_| CryptoError::Tampered)?;
    Ok(LessSafeKey::new(unbound))
}

/// Seals `plaintext` so that only `key` with exactly the same `aad` can open it.
#[cfg(not(doorstep_unsealed_twin))]
pub fn seal(key: &DataKey, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let salt = random_array::<SALT_LEN>()?;
    let sealing = single_use_key(key, &salt)?;
    let mut out = Vec::with_capacity(plaintext.len() + SEAL_OVERHEAD);
    out.push(VERSION);
    out.extend_from_slice(&salt);
    let mut body = plaintext.to_vec();
    sealing
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key([0u8; 12]),
            Aad::from(aad),
            &mut body,
        )
        .map_err(|_| CryptoError::Tampered)?;
    out.extend_from_slice(&body);
    zeroize::Zeroize::zeroize(&mut body);
    Ok(out)
}

/// Opens a sealed value; any alteration, truncation, wrong key or wrong `aad` is `Tampered`.
#[cfg(not(doorstep_unsealed_twin))]
pub fn open(
    key: &DataKey,
    aad: &[u8],
    sealed: &[u8],
) -> Result<zeroize::Zeroizing<Vec<u8>>, CryptoError> {
    if sealed.len() < SEAL_OVERHEAD || sealed[0] != VERSION {
        return Err(CryptoError::Tampered);
    }
    let (salt, body) = sealed[1..].split_at(SALT_LEN);
    let opening = single_use_key(key, salt)?;
    let mut buf = zeroize::Zeroizing::new(body.to_vec());
    let len = opening
        .open_in_place(
            Nonce::assume_unique_for_key([0u8; 12]),
            Aad::from(aad),
            &mut buf,
        )
        .map_err(|_| CryptoError::Tampered)?
        .len();
    buf.truncate(len);
    Ok(buf)
}

/// The benchmark twin's "seal": the plaintext as it is (see `UNSEALED_BENCH_TWIN`).
#[cfg(doorstep_unsealed_twin)]
pub fn seal(_key: &DataKey, _aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
    Ok(plaintext.to_vec())
}

/// The benchmark twin's "open": the stored bytes as they are (see `UNSEALED_BENCH_TWIN`).
#[cfg(doorstep_unsealed_twin)]
pub fn open(
    _key: &DataKey,
    _aad: &[u8],
    sealed: &[u8],
) -> Result<zeroize::Zeroizing<Vec<u8>>, CryptoError> {
    Ok(zeroize::Zeroizing::new(sealed.to_vec()))
}

#[cfg(all(test, not(doorstep_unsealed_twin)))]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_every_bit_flip_is_detected() {
        let key = DataKey::generate().unwrap();
        let sealed = seal(&key, b"aad", b"child seen alone").unwrap();
        assert_eq!(
            &open(&key, b"aad", &sealed).unwrap()[..],
            b"child seen alone"
        );
        for i in 0..sealed.len() {
            let mut bad = sealed.clone();
            bad[i] ^= 0x01;
            assert_eq!(open(&key, b"aad", &bad), Err(CryptoError::Tampered));
        }
        assert_eq!(open(&key, b"other", &sealed), Err(CryptoError::Tampered));
        assert_eq!(
            open(&key, b"aad", &sealed[..sealed.len() - 1]),
            Err(CryptoError::Tampered)
        );
        let other = DataKey::generate().unwrap();
        assert_eq!(open(&other, b"aad", &sealed), Err(CryptoError::Tampered));
    }

    #[test]
    fn two_seals_of_the_same_plaintext_differ() {
        let key = DataKey::generate().unwrap();
        assert_ne!(
            seal(&key, b"a", b"x").unwrap(),
            seal(&key, b"a", b"x").unwrap()
        );
    }
}
