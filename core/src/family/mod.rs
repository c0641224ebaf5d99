//! The family's copy of a visit summary: what goes in (only what the practitioner marked, never
//! what must be withheld), in plain English, and the accessible PDF made from it.

mod guard;
pub mod pdf;
mod settings;
mod summary;
mod words;

pub use pdf::{render, PdfError};
pub use settings::{FamilyCopySettings, PLACEHOLDER_MARK};
pub use summary::{
    build, date_words, fingerprint, FamilySummary, SummaryError, SummaryInputs, SummarySection,
    Withheld, WithheldReason,
};
pub use words::{role_words, service_words};

#[cfg(test)]
mod tests;
