//! Doorstep core: the encrypted offline record of home visits to children and families.
//!
//! Everything that matters lives here — crypto, the store, the domain rules — so that the Android
//! and iOS shells only render what this crate computes. See `docs/ARCHITECTURE.md`.

pub mod clock;
pub mod crypto;
pub mod domain;
pub mod family;
pub mod fault;
pub(crate) mod files;
pub mod planning;
pub mod store;
pub mod sync;
pub mod time;
pub mod view;

pub use clock::{Clock, FixedClock, SystemClock};
pub use store::{Store, StoreError, UnlockMethods};
