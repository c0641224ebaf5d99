//! Shared setup for the store benchmarks: deterministic data, the cached 50,000-note fixture, the
//! plaintext (or SQLCipher) equivalent of the store, and peak-memory reading.
//!
//! Several bench binaries (and the separate SQLCipher crate, through `#[path]`) compile this module
//! and each uses only part of it, hence the `dead_code` allowance.
#![allow(dead_code)]

pub mod data;
pub mod day;
pub mod fixture;
pub mod mem;
pub mod paired;
pub mod plain;
pub mod record;
pub mod synced;
