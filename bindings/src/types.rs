//! The core's view data and inputs, declared to uniffi as they are (remote types: no copies, no
//! conversion), plus the few records that exist only at the boundary.

pub use crate::ids::{CaseId, HouseholdId, NoteId, PersonId, VisitId};

pub use doorstep_core::domain::{Agency, PersonRole, PlanType, Rag, VisitKind, VisitStatus};
pub use doorstep_core::family::{FamilyCopySettings, SummarySection};
pub use doorstep_core::planning::Priority;
pub use doorstep_core::store::{DataChanges, LoneWorkingReminder, ReminderStage};
pub use doorstep_core::view::{
    AdultChoice, AlertCountLine, AlertLine, AlertsView, Answer, AttentionItem, CaseLine,
    CheckInView, ChildView, Choice, ChronologyLine, DueLine, FieldMessage, FormPrompt, NoteLine,
    NoteThreadLine, PlanScreen, PlanSlotLine, PromptInput, ShortfallLine, SyncStatusView,
    TodayView, TodayVisit, VisitAnswers, VisitForm,
};
pub use doorstep_core::view::{
    FamilyActionInput, FamilyCopyReview, FamilyShareInput, WithheldLine,
};

/// A child's RAG rating.
#[uniffi::remote(Enum)]
pub enum Rag {
    Red,
    Amber,
    Green,
}

/// A child's plan.
#[uniffi::remote(Enum)]
pub enum PlanType {
    Universal,
    TargetedEarlyHelp,
    ChildInNeed,
    ChildProtection,
    LookedAfter,
}

/// A person's role in a household.
#[uniffi::remote(Enum)]
pub enum PersonRole {
    Child,
    Unborn,
    ParentCarer,
    KnownAdult,
}

/// A practitioner's agency.
#[uniffi::remote(Enum)]
pub enum Agency {
    HealthVisiting,
    SocialCare,
    Midwifery,
    Gp,
    Police,
    Education,
    Housing,
    Paediatrics,
}

/// A kind of visit or contact.
#[uniffi::remote(Enum)]
pub enum VisitKind {
    AnnouncedHome,
    UnannouncedHome,
    Virtual,
    Telephone,
    ClinicOrSchool,
}

/// Where a visit stands.
#[uniffi::remote(Enum)]
pub enum VisitStatus {
    Planned,
    InProgress,
    Completed,
    NoAccess,
    Cancelled,
    Declined,
}

/// How urgent an alert is.
#[uniffi::remote(Enum)]
pub enum Priority {
    Low,
    Medium,
    High,
    Urgent,
    Critical,
}

/// Progress of a sync, as the core reports it after each batch sent or page received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct SyncProgress {
    /// Changes the server has accepted so far.
    pub sent: i64,
    /// Changes received so far.
    pub received: i64,
    /// Changes still queued.
    pub remaining: i64,
}

impl From<doorstep_core::store::SyncProgress> for SyncProgress {
    fn from(p: doorstep_core::store::SyncProgress) -> Self {
        let signed = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        Self {
            sent: signed(p.sent),
            received: signed(p.received),
            remaining: signed(p.remaining),
        }
    }
}

/// Which screens' data may have changed (told to a `DataObserver`).
#[uniffi::remote(Record)]
pub struct DataChanges {
    pub today: bool,
    pub caseload: bool,
    pub alerts: bool,
    pub case_ids: Vec<CaseId>,
    pub every_case: bool,
    pub sync: bool,
}

/// Which reminder of a lone-working check-in.
#[uniffi::remote(Enum)]
pub enum ReminderStage {
    Amber,
    Red,
}

/// A lone-working reminder for the phone to schedule (its words name no one).
#[uniffi::remote(Record)]
pub struct LoneWorkingReminder {
    pub visit_id: VisitId,
    pub stage: ReminderStage,
    pub at_millis: i64,
    pub at_label: String,
    pub text: String,
}

/// A visit's answers as last saved while it was being recorded.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VisitDraft {
    /// The visit.
    pub visit_id: VisitId,
    /// The answers so far: give them to `visit_form` to resume where the practitioner stopped.
    pub answers: VisitAnswers,
    /// When they were last saved, UTC milliseconds.
    pub saved_at_millis: i64,
}

/// The "today" screen.
#[uniffi::remote(Record)]
pub struct TodayView {
    pub date_label: String,
    pub visits: Vec<TodayVisit>,
    pub alerts: Vec<AlertLine>,
    pub more_alerts: Vec<AlertCountLine>,
    pub more_alerts_label: Option<String>,
    pub alerts_total: i32,
    pub lone_worker_red: bool,
    pub banner: Option<String>,
    pub plan_stale: bool,
    pub plan_message: Option<String>,
}

/// One visit on today's list.
#[uniffi::remote(Record)]
pub struct TodayVisit {
    pub visit_id: VisitId,
    pub case_id: CaseId,
    pub child_id: PersonId,
    pub child_name: String,
    pub address: String,
    pub access_notes: Option<String>,
    pub planned_for_millis: i64,
    pub time_label: String,
    pub expected_minutes: i32,
    pub kind: VisitKind,
    pub kind_label: String,
    pub unannounced: bool,
    pub status: VisitStatus,
    pub status_label: String,
    pub rag: Rag,
    pub rag_label: String,
    pub plan_label: String,
    pub can_check_in: bool,
    pub can_check_out: bool,
    pub can_record: bool,
}

/// An alert.
#[uniffi::remote(Record)]
pub struct AlertLine {
    pub priority: Priority,
    pub priority_label: String,
    pub title: String,
    pub lone_worker: bool,
    pub case_id: Option<CaseId>,
    pub child_name: Option<String>,
    pub message: String,
    pub prompts: Vec<String>,
    pub score: i32,
    pub risk_factors: Vec<String>,
}

/// How many more alerts of one kind than the digest shows.
#[uniffi::remote(Record)]
pub struct AlertCountLine {
    pub title: String,
    pub count: i32,
}

/// The alerts screen: the most urgent alerts and the count of the rest per kind.
#[uniffi::remote(Record)]
pub struct AlertsView {
    pub lines: Vec<AlertLine>,
    pub more: Vec<AlertCountLine>,
    pub total: i32,
    pub summary: String,
    pub more_label: Option<String>,
}

/// One child on the caseload.
#[uniffi::remote(Record)]
pub struct CaseLine {
    pub case_id: CaseId,
    pub child_id: PersonId,
    pub child_name: String,
    pub address: String,
    pub rag: Rag,
    pub rag_label: String,
    pub plan_label: String,
    pub rag_review: bool,
    pub consecutive_no_access: i32,
    pub attention: Vec<String>,
}

/// The child screen.
#[uniffi::remote(Record)]
pub struct ChildView {
    pub case_id: CaseId,
    pub child_id: PersonId,
    pub child_name: String,
    pub birth_label: Option<String>,
    pub address: String,
    pub access_notes: Option<String>,
    pub plan_label: String,
    pub rag: Rag,
    pub rag_label: String,
    pub rag_reason: Option<String>,
    pub rag_review: bool,
    pub consecutive_no_access: i32,
    pub attention: Vec<String>,
    pub due: Vec<DueLine>,
    pub chronology: Vec<ChronologyLine>,
    pub notes: Vec<NoteThreadLine>,
}

/// One thing a child is due.
#[uniffi::remote(Record)]
pub struct DueLine {
    pub title: String,
    pub status_label: String,
    pub overdue: bool,
    pub due_label: String,
    pub earliest_label: String,
    pub contact_label: String,
    pub must: Vec<String>,
    pub why: String,
}

/// One chronology event.
#[uniffi::remote(Record)]
pub struct ChronologyLine {
    pub at_millis: i64,
    pub time_label: String,
    pub kind_code: String,
    pub summary: String,
}

/// One version of a note.
#[uniffi::remote(Record)]
pub struct NoteLine {
    pub note_id: NoteId,
    pub text: String,
    pub author_name: String,
    pub written_label: String,
    pub significant: bool,
}

/// A note with its history.
#[uniffi::remote(Record)]
pub struct NoteThreadLine {
    pub note_id: NoteId,
    pub current_text: String,
    pub significant: bool,
    pub author_name: String,
    pub written_label: String,
    pub amended: bool,
    pub versions: Vec<NoteLine>,
}

/// The answers on the visit form so far.
#[uniffi::remote(Record)]
pub struct VisitAnswers {
    pub child_seen: Option<bool>,
    pub not_seen_reason: Option<String>,
    pub follow_up_action: Option<String>,
    pub child_seen_alone: bool,
    pub child_spoken_to_alone: bool,
    pub not_alone_reason: Option<String>,
    pub sleeping_area_seen: bool,
    pub others_present_answered: bool,
    pub known_adults_present: Vec<PersonId>,
    pub unknown_adults: i32,
    pub unknown_adult_descriptions: Vec<String>,
    pub adults_present_when_spoken_to: i32,
    pub engagement: Option<String>,
    pub injuries_observed: Option<String>,
    pub concerns: Vec<String>,
    pub actions_agreed: Vec<String>,
}

/// How a question is answered.
#[uniffi::remote(Enum)]
pub enum PromptInput {
    YesNo,
    ShortText,
    LongText,
    Count,
    Choice,
    PeoplePresent,
    TextList,
}

/// One answer on the visit form, in the shape of its prompt's input.
#[uniffi::remote(Enum)]
pub enum Answer {
    YesNo {
        value: bool,
    },
    Text {
        value: String,
    },
    Count {
        value: i32,
    },
    Choice {
        code: Option<String>,
    },
    PeoplePresent {
        known_adult_ids: Vec<PersonId>,
        unknown_adults: i32,
        unknown_descriptions: Vec<String>,
    },
    TextList {
        values: Vec<String>,
    },
}

/// What a check-in starts: the lone-working deadlines.
#[uniffi::remote(Record)]
pub struct CheckInView {
    pub visit_id: VisitId,
    pub checked_in_label: String,
    pub amber_at_millis: i64,
    pub amber_label: String,
    pub red_at_millis: i64,
    pub red_label: String,
    pub reminder: String,
}

/// One question on the visit form.
#[uniffi::remote(Record)]
pub struct FormPrompt {
    pub key: String,
    pub question: String,
    pub input: PromptInput,
    pub help: Option<String>,
    pub required: bool,
    pub emphasised: bool,
    pub messages: Vec<FieldMessage>,
    pub max_count: Option<i32>,
}

/// A known adult who may be named as present.
#[uniffi::remote(Record)]
pub struct AdultChoice {
    pub person_id: PersonId,
    pub name: String,
    pub role_label: String,
}

/// A choice in a list.
#[uniffi::remote(Record)]
pub struct Choice {
    pub code: String,
    pub label: String,
}

/// A validation message placed against its question.
#[uniffi::remote(Record)]
pub struct FieldMessage {
    pub field_key: String,
    pub code: String,
    pub blocking: bool,
    pub message: String,
}

/// The visit form.
#[uniffi::remote(Record)]
pub struct VisitForm {
    pub visit_id: VisitId,
    pub child_name: String,
    pub kind: VisitKind,
    pub kind_label: String,
    pub remote: bool,
    pub prompts: Vec<FormPrompt>,
    pub known_adults: Vec<AdultChoice>,
    pub engagement_choices: Vec<Choice>,
    pub messages: Vec<FieldMessage>,
    pub form_messages: Vec<FieldMessage>,
    pub can_save: bool,
}

/// A refused change.
#[uniffi::remote(Record)]
pub struct AttentionItem {
    pub op_id: String,
    pub what: String,
    pub case_id: Option<CaseId>,
    pub code: String,
    pub reason: String,
}

/// The sync screen.
#[uniffi::remote(Record)]
pub struct SyncStatusView {
    pub enrolled: bool,
    pub pending: i64,
    pub last_sync_label: Option<String>,
    pub summary: String,
    pub all_sent: bool,
    pub needs_attention: Vec<AttentionItem>,
}

/// One planned slot.
#[uniffi::remote(Record)]
pub struct PlanSlotLine {
    pub case_id: CaseId,
    pub child_name: String,
    pub start_millis: i64,
    pub time_label: String,
    pub minutes: i32,
    pub title: String,
    pub kind_label: String,
    pub unannounced: bool,
    pub visit_id: Option<VisitId>,
    pub explanation: String,
}

/// A child who will miss a due date.
#[uniffi::remote(Record)]
pub struct ShortfallLine {
    pub case_id: CaseId,
    pub child_name: String,
    pub title: String,
    pub due_label: String,
    pub message: String,
}

/// The plan screen.
#[uniffi::remote(Record)]
pub struct PlanScreen {
    pub computed_label: String,
    pub horizon_label: String,
    pub slots: Vec<PlanSlotLine>,
    pub shortfalls: Vec<ShortfallLine>,
    pub pattern_warnings: Vec<String>,
    pub stale: bool,
}

/// Who is setting up a store (without a sync server).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PractitionerInput {
    /// Their name.
    pub name: String,
    /// Their agency.
    pub agency: Agency,
    /// Their team, if any.
    pub team: Option<String>,
}

/// A new household.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HouseholdInput {
    /// First line of the address and town.
    pub address: String,
    /// Postcode.
    pub postcode: Option<String>,
    /// How to get in (entry codes, dogs).
    pub access_notes: Option<String>,
}

/// A new person in a household.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PersonInput {
    /// The household.
    pub household_id: HouseholdId,
    /// Their role.
    pub role: PersonRole,
    /// Their name.
    pub name: String,
    /// Date of birth (children): `31/01/2026` or `2026-01-31`.
    pub date_of_birth: Option<String>,
    /// Expected date of delivery (unborn children): `31/01/2026` or `2026-01-31`.
    pub expected_date: Option<String>,
    /// Relationship to the child (adults).
    pub relationship: Option<String>,
}

/// A new case for a child.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CaseInput {
    /// The child.
    pub child_id: PersonId,
    /// The plan.
    pub plan: PlanType,
    /// The RAG rating.
    pub rag: Rag,
    /// Why that rating.
    pub rag_reason: String,
}

/// A visit to plan.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VisitInput {
    /// The case.
    pub case_id: CaseId,
    /// The kind of contact.
    pub kind: VisitKind,
    /// When, UTC milliseconds.
    pub planned_for_millis: i64,
    /// Expected length in minutes, 1 to 720 (lone-working alerts count from it).
    pub expected_minutes: i32,
    /// Why a video or telephone contact replaces a face-to-face visit, when the plan requires
    /// face to face.
    pub departure_reason: Option<String>,
}

/// A saved visit's result.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VisitSaved {
    /// The visit.
    pub visit_id: VisitId,
    /// Where it now stands.
    pub status: VisitStatus,
    /// Warnings to reflect on (the record was saved).
    pub warnings: Vec<FieldMessage>,
    /// Consecutive visits without access on the case, after this one (two or more: follow up).
    pub consecutive_no_access: i32,
}

/// The result of a sync.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SyncResult {
    /// Changes the server accepted.
    pub sent: i64,
    /// Changes received.
    pub received: i64,
    /// Changes still queued.
    pub remaining: i64,
    /// Changes the server refused this time (now in "needs attention").
    pub refused: i64,
    /// Changes from the server that could not be applied.
    pub skipped: i64,
    /// Changes held back because the phone's clock is ahead: correct the date.
    pub held: i64,
}

/// How this store can be unlocked (so the app offers the right unlock screen).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UnlockOptions {
    /// A passphrase is set up.
    pub passphrase: bool,
    /// A platform key (biometric) is set up.
    pub key_provider: bool,
    /// A background-sync key is set up (sync can run while the app is locked).
    pub background_sync: bool,
}

/// The store's self-check.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct IntegrityReport {
    /// Everything checked out.
    pub ok: bool,
    /// Records opened and authenticated.
    pub records_checked: i64,
    /// Records that failed authentication.
    pub tampered: i64,
    /// Breaks in note chains.
    pub chain_breaks: i64,
    /// The set of records and queued changes matches the store digest (none deleted, added,
    /// relabelled or rolled back).
    pub digest_ok: bool,
    /// SQLite's own integrity check passed.
    pub database_ok: bool,
    /// Records of a kind this build does not know (relabelled).
    pub unknown_records: i64,
    /// Queued changes opened and authenticated.
    pub queue_checked: i64,
    /// Queued changes that failed authentication.
    pub queue_damaged: i64,
    /// Every problem found, each check counted.
    pub problems: i64,
}

/// The service's details printed on every family copy (placeholders until set).
#[uniffi::remote(Record)]
pub struct FamilyCopySettings {
    pub contact: String,
    pub out_of_hours: String,
    pub complaints: String,
}

/// One section of a family copy.
#[uniffi::remote(Record)]
pub struct SummarySection {
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub items: Vec<String>,
}

/// One thing left out of a family copy, with why.
#[uniffi::remote(Record)]
pub struct WithheldLine {
    pub what: String,
    pub reason_code: String,
    pub reason: String,
}

/// The practitioner's review of a family copy: exactly what it will say.
#[uniffi::remote(Record)]
pub struct FamilyCopyReview {
    pub visit_id: VisitId,
    pub title: String,
    pub recipient_name: String,
    pub sections: Vec<SummarySection>,
    pub withheld: Vec<WithheldLine>,
    pub warnings: Vec<String>,
    pub fingerprint: String,
}

/// An action for the family's copy.
#[uniffi::remote(Record)]
pub struct FamilyActionInput {
    pub what: String,
    pub owner: String,
    pub by: Option<String>,
}

/// The "share with family" marks of a visit.
#[uniffi::remote(Record)]
pub struct FamilyShareInput {
    pub answers: Vec<String>,
    pub note_ids: Vec<NoteId>,
    pub actions: Vec<FamilyActionInput>,
}
