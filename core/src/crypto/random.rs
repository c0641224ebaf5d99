//! Cryptographically secure random bytes from the operating system (ring's `SystemRandom`).

use super::CryptoError;
use ring::rand::{SecureRandom, SystemRandom};

/// Fills an array of `N` bytes from the system CSPRNG.
pub fn random_array<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut out = [0u8; N];
    SystemRandom::new()
        .fill(&mut out)
        .map_err(|_| CryptoError::Rng)?;
    Ok(out)
}
