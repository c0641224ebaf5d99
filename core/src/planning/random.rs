//! Randomness for unannounced visits: a cryptographically secure source in production
//! (`ring::rand::SystemRandom`), a seedable one only in tests.

use super::PlanningError;
use ring::rand::SecureRandom;

/// A source of random bytes. Production code uses [`SystemRandomSource`].
pub trait RandomSource {
    /// Fills `dest` with random bytes.
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), PlanningError>;

    /// A uniform integer in `0..n` (rejection sampling, no modulo bias). `n` must be positive.
    fn below(&mut self, n: u64) -> Result<u64, PlanningError> {
        if n == 0 {
            return Err(PlanningError::Random);
        }
        // The largest multiple of n that fits; values at or above it are redrawn.
        let zone = u64::MAX - (u64::MAX % n);
        loop {
            let mut b = [0u8; 8];
            self.fill(&mut b)?;
            let v = u64::from_le_bytes(b);
            if v < zone {
                return Ok(v % n);
            }
        }
    }
}

/// The operating system's cryptographically secure generator, through `ring`.
#[derive(Debug)]
pub struct SystemRandomSource(ring::rand::SystemRandom);

impl SystemRandomSource {
    /// A new source.
    pub fn new() -> Self {
        Self(ring::rand::SystemRandom::new())
    }
}

impl Default for SystemRandomSource {
    fn default() -> Self {
        Self::new()
    }
}

impl RandomSource for SystemRandomSource {
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), PlanningError> {
        self.0.fill(dest).map_err(|_| PlanningError::Random)
    }
}
