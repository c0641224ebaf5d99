//! The domain of home visiting, from the practice briefing: practitioners, households and the
//! people in them, cases, visits with structured outcomes, append-only notes, and the chronology.
//! Everything here is plain data and pure rules; the store persists it.

mod case;
mod chronology;
mod dates;
mod family_share;
mod household;
mod ids;
mod input;
mod note;
mod practitioner;
mod supervision;
mod validation;
mod visit;

pub(crate) use case::rag_reason;
pub use case::{Case, NewCase, PlanType, Rag, RagChange};
pub use chronology::build as build_chronology;
pub use chronology::{ChronologyEntry, ChronologyFilter, ChronologyKind};
pub use dates::{check_date_of_birth, check_expected_date, check_visit_time};
pub use family_share::{CopyGiven, FamilyAction, FamilyShare, ShareableAnswer};
pub use household::{Household, NewHousehold, NewPerson, Person, PersonRole};
pub use ids::{CaseId, DeviceId, HouseholdId, NoteId, PersonId, PractitionerId, VisitId};
pub(crate) use input::optional_text;
pub use input::{InputError, MAX_NAME_CHARS, MAX_TEXT_CHARS};
pub use note::{threads, ChainHead, Note, NoteThread};
pub use practitioner::{Agency, NewPractitioner, Practitioner};
pub use supervision::{Supervision, MAX_SUPERVISION_NAME_CHARS};
pub(crate) use validation::{validate_outcome, validate_unsuccessful};
pub use validation::{IssueCode, Severity, ValidationIssue};
pub use visit::{
    Engagement, NewVisit, OthersPresent, UnsuccessfulVisit, Visit, VisitKind, VisitOutcome,
    VisitStatus,
};
