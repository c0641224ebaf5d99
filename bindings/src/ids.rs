//! The core's record ids as distinct types at the boundary: each crosses as its text, and Kotlin
//! sees a value class of its own (`CaseId`, `VisitId`, ... in `bindings/uniffi.toml`), so a case id
//! given where a visit id is expected does not compile. Text that is not an id is refused here
//! with `InvalidInput` (naming the kind of id, never the text).

use crate::error::DoorstepError;
pub use doorstep_core::domain::{CaseId, HouseholdId, NoteId, PersonId, VisitId};
use doorstep_core::view::input::parse_uuid;

/// Declares a core id as a uniffi custom type over its text.
macro_rules! id_over_text {
    ($($name:ident => $field:literal),* $(,)?) => {$(
        uniffi::custom_type!($name, String, {
            remote,
            lower: |id| id.to_string(),
            try_lift: |text| Ok($name(parse_uuid($field, &text).map_err(DoorstepError::from)?)),
        });
    )*};
}

id_over_text!(
    CaseId => "case",
    VisitId => "visit",
    PersonId => "person",
    HouseholdId => "household",
    NoteId => "note",
);

#[cfg(test)]
mod tests {
    use super::*;
    use uniffi::{Lift, Lower};

    /// What the generated code does with an id the app gives: its text, lifted.
    fn lift<T: Lift<crate::UniFfiTag, FfiType = uniffi::RustBuffer>>(
        text: &str,
    ) -> uniffi::Result<T> {
        T::try_lift(<String as Lower<crate::UniFfiTag>>::lower(text.to_string()))
    }

    #[test]
    fn an_id_crosses_as_its_text_and_back() {
        let case = CaseId::random();
        let text = case.to_string();
        let back: CaseId = lift(&text).unwrap();
        assert_eq!(back, case);
        let visit: VisitId = lift(&text).unwrap();
        assert_eq!(
            visit.0, case.0,
            "the same text is a visit id when a visit is expected"
        );
    }

    #[test]
    fn text_that_is_no_id_is_a_typed_input_error_naming_the_kind_not_the_text() {
        for (kind, error) in [
            ("case", lift::<CaseId>("Jane Doe 12 High St").unwrap_err()),
            ("visit", lift::<VisitId>("").unwrap_err()),
            ("person", lift::<PersonId>("0000-zzzz").unwrap_err()),
            ("household", lift::<HouseholdId>("not-an-id").unwrap_err()),
            ("note", lift::<NoteId>("../../etc").unwrap_err()),
        ] {
            let e = error
                .downcast::<DoorstepError>()
                .expect("a DoorstepError the call returns, not a panic");
            assert_eq!(e.code(), "InvalidInput");
            let reason = e.to_string();
            assert!(reason.contains(kind), "{reason}");
            assert!(
                !reason.contains("Jane") && !reason.contains("etc"),
                "{reason}"
            );
        }
    }
}
