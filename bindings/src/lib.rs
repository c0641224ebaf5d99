//! Doorstep's uniffi bindings: the core, as the Android and iOS apps see it.
//!
//! Conversion only. Every rule — validation, planning, alerts, what a screen shows — is in
//! `doorstep-core`; this crate adapts types, maps errors to one flat error with stable codes, and
//! adapts the platforms' key stores and HTTP stacks (foreign traits) to the core's seams.

mod error;
mod foreign;
mod forms;
mod ids;
mod store;
mod types;

pub use error::{DoorstepError, PlatformError};
pub use foreign::{
    DataObserver, HttpHeader, HttpRequest, HttpResponse, KeyProvider, SyncObserver, Transport,
    WallClock,
};
pub use forms::*;
pub use store::DoorstepStore;
pub use types::*;

uniffi::setup_scaffolding!();

// A store of this library must never be the benchmark twin's, which keeps records unsealed.
const _: () = assert!(
    !doorstep_core::crypto::UNSEALED_BENCH_TWIN,
    "built against the unsealed benchmark twin of doorstep-core"
);

/// The version of the core this library was built from.
#[uniffi::export]
pub fn core_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The answers of a fresh visit form: nothing answered yet.
#[uniffi::export]
pub fn empty_answers() -> VisitAnswers {
    VisitAnswers::default()
}

/// The current answer to the visit form's prompt `key` (`None`: not answered yet).
#[uniffi::export]
pub fn answer_of(answers: VisitAnswers, key: String) -> Result<Option<Answer>, DoorstepError> {
    Ok(answers.answer(&key))
}

/// `answers` with the prompt `key` answered `answer`; the wrong shape for the prompt is
/// `InvalidInput`.
#[uniffi::export]
pub fn with_answer(
    answers: VisitAnswers,
    key: String,
    answer: Answer,
) -> Result<VisitAnswers, DoorstepError> {
    Ok(answers.with_answer(&key, answer)?)
}

/// Whether `dir` holds a Doorstep store (so the app shows "unlock" rather than "set up").
#[uniffi::export]
pub fn store_exists(dir: String) -> bool {
    doorstep_core::store::exists(std::path::Path::new(&dir))
}
