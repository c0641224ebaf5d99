//! Visits and contacts, and the structured record of what was seen.

use super::{CaseId, CopyGiven, FamilyShare, PersonId, PractitionerId, VisitId};
use chrono::{DateTime, Utc};

/// How the contact is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitKind {
    /// A home visit the family knows about.
    AnnouncedHome,
    /// A home visit the family was not told about.
    UnannouncedHome,
    /// A video call.
    Virtual,
    /// A telephone call.
    Telephone,
    /// At a clinic, school or nursery.
    ClinicOrSchool,
}

impl VisitKind {
    /// Every kind.
    pub const ALL: [VisitKind; 5] = [
        VisitKind::AnnouncedHome,
        VisitKind::UnannouncedHome,
        VisitKind::Virtual,
        VisitKind::Telephone,
        VisitKind::ClinicOrSchool,
    ];

    /// The stable machine name.
    pub fn code(&self) -> &'static str {
        match self {
            VisitKind::AnnouncedHome => "announced_home",
            VisitKind::UnannouncedHome => "unannounced_home",
            VisitKind::Virtual => "virtual",
            VisitKind::Telephone => "telephone",
            VisitKind::ClinicOrSchool => "clinic_or_school",
        }
    }

    /// Parses a machine name.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// A contact where the practitioner cannot see the whole home: who else is there must be asked.
    pub fn is_remote(&self) -> bool {
        matches!(self, VisitKind::Virtual | VisitKind::Telephone)
    }

    /// A visit in the child's home.
    pub fn is_home(&self) -> bool {
        matches!(self, VisitKind::AnnouncedHome | VisitKind::UnannouncedHome)
    }
}

/// Where a visit is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitStatus {
    /// Planned, not started.
    Planned,
    /// Started (the practitioner checked in) and not yet finished.
    InProgress,
    /// Done, with an outcome.
    Completed,
    /// Nobody answered or the practitioner could not get in.
    NoAccess,
    /// Cancelled by the service.
    Cancelled,
    /// The family declined the visit.
    Declined,
}

impl VisitStatus {
    /// The stable machine name.
    pub fn code(&self) -> &'static str {
        match self {
            VisitStatus::Planned => "planned",
            VisitStatus::InProgress => "in_progress",
            VisitStatus::Completed => "completed",
            VisitStatus::NoAccess => "no_access",
            VisitStatus::Cancelled => "cancelled",
            VisitStatus::Declined => "declined",
        }
    }

    /// Whether the visit can still be started or finished.
    pub fn is_open(&self) -> bool {
        matches!(self, VisitStatus::Planned | VisitStatus::InProgress)
    }
}

/// How the family engaged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Engagement {
    /// Engaged well.
    Good,
    /// Engaged in part.
    Partial,
    /// Did not engage.
    Poor,
}

impl Engagement {
    /// The stable machine name.
    pub fn code(&self) -> &'static str {
        match self {
            Engagement::Good => "good",
            Engagement::Partial => "partial",
            Engagement::Poor => "poor",
        }
    }

    /// Parses a machine name.
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Good, Self::Partial, Self::Poor]
            .into_iter()
            .find(|e| e.code() == code)
    }
}

/// Who else was in the home (or on the call). An empty record means "nobody else", stated.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OthersPresent {
    /// Known adults from the household record.
    pub known_adults: Vec<PersonId>,
    /// Adults present whom the practitioner does not know.
    pub unknown_adults: u32,
    /// Descriptions of unknown adults (e.g. "man, introduced as a friend").
    pub unknown_descriptions: Vec<String>,
}

impl OthersPresent {
    /// How many adults besides the parents and carers being visited were recorded.
    pub fn adult_count(&self) -> u32 {
        self.known_adults.len() as u32 + self.unknown_adults
    }
}

/// The structured outcome of a completed visit.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct VisitOutcome {
    /// The child was seen.
    pub child_seen: bool,
    /// Why not, when the child was not seen.
    pub not_seen_reason: Option<String>,
    /// What will be done to see the child, when the child was not seen.
    pub follow_up_action: Option<String>,
    /// The child was seen alone.
    pub child_seen_alone: bool,
    /// The child was spoken to alone.
    pub child_spoken_to_alone: bool,
    /// Why the child was not seen or spoken to alone, if recorded.
    pub not_alone_reason: Option<String>,
    /// The sleeping area was seen.
    pub sleeping_area_seen: bool,
    /// Who else was present; `None` means the question was not answered.
    pub others_present: Option<OthersPresent>,
    /// Adults present when the child was spoken to.
    pub adults_present_when_spoken_to: u32,
    /// How the family engaged.
    pub engagement: Option<Engagement>,
    /// Injuries observed, described.
    pub injuries_observed: Option<String>,
    /// Concerns raised.
    pub concerns: Vec<String>,
    /// Actions agreed with the family or by the practitioner.
    pub actions_agreed: Vec<String>,
}

/// Why a visit did not happen, for no-access and declined visits.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UnsuccessfulVisit {
    /// What happened (no answer, refused at the door, ...).
    pub reason: String,
    /// What will be done next to see the child.
    pub follow_up_action: String,
}

/// A visit or contact.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Visit {
    /// Random id.
    pub id: VisitId,
    /// The case.
    pub case_id: CaseId,
    /// Who visits.
    pub practitioner_id: PractitionerId,
    /// How.
    pub kind: VisitKind,
    /// When it is planned (UTC).
    pub planned_for: DateTime<Utc>,
    /// How long it is expected to take, in minutes.
    pub expected_minutes: u32,
    /// Where it is in its life.
    pub status: VisitStatus,
    /// When the practitioner checked in.
    pub started_at: Option<DateTime<Utc>>,
    /// When the practitioner checked out (left safely); the record may be completed later.
    #[serde(default)]
    pub checked_out_at: Option<DateTime<Utc>>,
    /// When it ended (completed, no access, declined or cancelled).
    pub ended_at: Option<DateTime<Utc>>,
    /// The outcome, once completed.
    pub outcome: Option<VisitOutcome>,
    /// The reason and follow-up, for no access, declined and cancelled.
    pub unsuccessful: Option<UnsuccessfulVisit>,
    /// Why this contact departs from the kind the plan or RAG rating requires (e.g. a virtual
    /// visit for a child who must be seen face to face). Required for such a visit.
    #[serde(default)]
    pub departure_reason: Option<String>,
    /// What the practitioner marked "share with family" (nothing, unless marked).
    #[serde(default)]
    pub family_share: FamilyShare,
    /// Copies of the family summary given, oldest first.
    #[serde(default)]
    pub copies_given: Vec<CopyGiven>,
}

/// What is needed to plan a visit.
#[derive(Debug, Clone)]
pub struct NewVisit {
    /// The case.
    pub case_id: CaseId,
    /// How.
    pub kind: VisitKind,
    /// When (UTC).
    pub planned_for: DateTime<Utc>,
    /// Expected length in minutes (1 to 720).
    pub expected_minutes: u32,
    /// Why the kind departs from what the plan or RAG rating requires, when it does.
    pub departure_reason: Option<String>,
}
