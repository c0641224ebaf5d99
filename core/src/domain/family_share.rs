//! What the practitioner chose to share with the family about one visit, and the copies given.
//!
//! The marks live on the visit (a synced field, last writer wins like the visit's other fields),
//! not on the notes: notes are append-only legal records, and deciding what a family is shown is a
//! choice that may change without amending the record. Nothing is shared unless marked.

use super::{NoteId, PersonId};
use chrono::{DateTime, NaiveDate, Utc};

/// The visit-form answers that may be marked for the family's copy. The answers that are never
/// shared (who else was present, adults present when the child was spoken to, seen or spoken to
/// alone, engagement, injuries) have no variant, so they cannot be marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareableAnswer {
    /// Whether the sleeping area was seen.
    SleepingAreaSeen,
    /// The concerns talked about.
    Concerns,
    /// The actions agreed.
    ActionsAgreed,
    /// What will be done to see the child, when the child was not seen.
    FollowUpAction,
}

impl ShareableAnswer {
    /// Every shareable answer.
    pub const ALL: [ShareableAnswer; 4] = [
        ShareableAnswer::SleepingAreaSeen,
        ShareableAnswer::Concerns,
        ShareableAnswer::ActionsAgreed,
        ShareableAnswer::FollowUpAction,
    ];

    /// The stable machine name (the visit form's prompt key).
    pub fn code(&self) -> &'static str {
        match self {
            ShareableAnswer::SleepingAreaSeen => "sleeping_area_seen",
            ShareableAnswer::Concerns => "concerns",
            ShareableAnswer::ActionsAgreed => "actions_agreed",
            ShareableAnswer::FollowUpAction => "follow_up_action",
        }
    }

    /// Parses a machine name.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }
}

/// An action for the family's copy: what, who will do it, and by when.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FamilyAction {
    /// What will be done.
    pub what: String,
    /// Who will do it ("Jo Smith", "Sam Patel (health visitor)").
    pub owner: String,
    /// By when, if a date was agreed.
    pub by: Option<NaiveDate>,
}

/// The practitioner's "share with family" marks on one visit. Empty by default: nothing shared.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FamilyShare {
    /// Visit-form answers marked for sharing.
    #[serde(default)]
    pub answers: Vec<ShareableAnswer>,
    /// Case notes marked for sharing (their current text is shown).
    #[serde(default)]
    pub notes: Vec<NoteId>,
    /// Actions with owners and dates, written for the family.
    #[serde(default)]
    pub actions: Vec<FamilyAction>,
}

impl FamilyShare {
    /// Whether an answer is marked for sharing.
    pub fn shares(&self, answer: ShareableAnswer) -> bool {
        self.answers.contains(&answer)
    }
}

/// A copy of the visit summary given to someone in the family: kept on the visit (and so in the
/// chronology, on every device).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CopyGiven {
    /// The id of the sealed summary record on the device that produced it.
    pub id: uuid::Uuid,
    /// When it was given.
    pub at: DateTime<Utc>,
    /// Who it was given to.
    pub to: PersonId,
    /// Their name at the time.
    pub to_name: String,
    /// Who gave it (the practitioner's name at the time).
    pub by_name: String,
    /// Whether it was the large-print version.
    pub large_print: bool,
}
