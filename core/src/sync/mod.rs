//! Synchronisation: hybrid logical clocks, the merge rules, and the wire protocol shared by the
//! device and the server.

mod hlc;
#[cfg(feature = "http-client")]
pub mod http;
pub mod merge;
pub mod protocol;
pub mod transport;

pub use hlc::{Hlc, HlcError, MAX_DRIFT_MILLIS};
