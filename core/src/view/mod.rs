//! View data for the phones: everything a screen shows, computed here so the Android and iOS
//! shells only render it. Ids are the domain's typed ids (each its own type in Kotlin), counts are
//! signed, instants are UTC milliseconds with a ready-made Europe/London label, and every code has
//! its words, so neither shell needs a rule of its own.

mod answers;
mod child;
mod choices;
mod family_copy;
pub mod input;
mod labels;
mod plan;
mod sync_status;
mod today;
mod visit_form;

pub use answers::Answer;
pub use child::{note_lines, ChildView, ChronologyLine, DueLine, NoteLine, NoteThreadLine};
pub use choices::{
    form_choices, AgencyChoice, FormChoices, PlanChoice, RagChoice, RoleChoice, VisitKindChoice,
};
pub use family_copy::{FamilyActionInput, FamilyCopyReview, FamilyShareInput, WithheldLine};
pub use labels::{
    agency_label, alert_kind_label, contact_label, date_label, due_status_label, hcp_label,
    interval_label, plan_label, priority_label, rag_label, requirement_label, role_label,
    time_label, time_of_day_label, visit_kind_label, visit_status_label,
};
pub use plan::{PlanScreen, PlanSlotLine, ShortfallLine};
pub use sync_status::{AttentionItem, SyncStatusView};
pub use today::{
    case_attention, AlertCountLine, AlertLine, AlertsView, CaseLine, CheckInView, TodayView,
    TodayVisit,
};
pub use visit_form::{
    count, field_message, input_message, AdultChoice, Choice, FieldMessage, FormPrompt,
    PromptInput, VisitAnswers, VisitForm, MAX_COUNT,
};

/// A count for the screens, signed as Kotlin and Swift count (never silently cut: a count beyond
/// `i32` reads as the largest).
pub fn signed_count<T: TryInto<i32>>(n: T) -> i32 {
    n.try_into().unwrap_or(i32::MAX)
}

/// Milliseconds since the Unix epoch, for the shells' own date pickers and sorting.
pub fn millis(at: chrono::DateTime<chrono::Utc>) -> i64 {
    at.timestamp_millis()
}
