//! Nothing but a home for `benches/sqlcipher.rs`; see `docs/PERFORMANCE.md`.
