//! Cases: one child, their plan, their allocated practitioner and their RAG rating with its history.

use super::input::{required, InputError, MAX_TEXT_CHARS};
use super::note::ChainHead;
use super::{CaseId, HouseholdId, PersonId, PractitionerId};
use chrono::{DateTime, Utc};

/// The kind of plan a child is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanType {
    /// Universal services (e.g. the Healthy Child Programme).
    Universal,
    /// Targeted support / early help.
    TargetedEarlyHelp,
    /// Child in need (section 17).
    ChildInNeed,
    /// Child protection plan (section 47).
    ChildProtection,
    /// Looked-after child.
    LookedAfter,
}

impl PlanType {
    /// Every plan type, least to most intensive.
    pub const ALL: [PlanType; 5] = [
        PlanType::Universal,
        PlanType::TargetedEarlyHelp,
        PlanType::ChildInNeed,
        PlanType::ChildProtection,
        PlanType::LookedAfter,
    ];

    /// The stable machine name.
    pub fn code(&self) -> &'static str {
        match self {
            PlanType::Universal => "universal",
            PlanType::TargetedEarlyHelp => "targeted_early_help",
            PlanType::ChildInNeed => "child_in_need",
            PlanType::ChildProtection => "child_protection",
            PlanType::LookedAfter => "looked_after",
        }
    }

    /// Parses a machine name.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }
}

/// A red/amber/green risk rating; ordered from least to most severe.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Rag {
    /// Lowest concern.
    Green,
    /// Heightened concern.
    Amber,
    /// Highest concern.
    Red,
}

impl Rag {
    /// The stable machine name.
    pub fn code(&self) -> &'static str {
        match self {
            Rag::Green => "green",
            Rag::Amber => "amber",
            Rag::Red => "red",
        }
    }

    /// Parses a machine name.
    pub fn from_code(code: &str) -> Option<Self> {
        [Rag::Green, Rag::Amber, Rag::Red]
            .into_iter()
            .find(|r| r.code() == code)
    }
}

/// One change of RAG rating, with why and by whom.
///
/// Changes form a history that merges across devices: each names the changes it supersedes (the
/// ones current when it was made). Two changes made offline on different devices supersede the
/// same predecessor; both stay current until someone reviews them (see [`Case::rag_review`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RagChange {
    /// Random id.
    pub id: uuid::Uuid,
    /// The changes that were current when this one was made.
    #[serde(default)]
    pub supersedes: Vec<uuid::Uuid>,
    /// The rating before (none when the case was opened).
    pub from: Option<Rag>,
    /// The new rating.
    pub to: Rag,
    /// Why.
    pub reason: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub by: PractitionerId,
}

/// One child's case.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Case {
    /// Random id.
    pub id: CaseId,
    /// The child (born or unborn).
    pub child_id: PersonId,
    /// The child's household.
    pub household_id: HouseholdId,
    /// The allocated practitioner.
    pub allocated_to: PractitionerId,
    /// The plan the child is on.
    pub plan: PlanType,
    /// The current RAG rating (after a merge of concurrent changes, the more severe).
    pub rag: Rag,
    /// Concurrent RAG changes were merged: a practitioner should review the rating.
    #[serde(default)]
    pub rag_review: bool,
    /// Every rating the case has had, oldest first.
    pub rag_history: Vec<RagChange>,
    /// When the case was opened.
    pub opened_at: DateTime<Utc>,
    /// Consecutive visits that ended in no access or were declined, since the last completed visit.
    #[serde(default)]
    pub consecutive_no_access: u32,
    /// The head of each device's note hash chain on this case (each device appends to its own
    /// chain, so notes written offline on two devices never conflict).
    #[serde(default)]
    pub notes_heads: std::collections::BTreeMap<crate::domain::DeviceId, ChainHead>,
    /// Looked-after child: the start of the current placement.
    #[serde(default)]
    pub placement_date: Option<chrono::NaiveDate>,
    /// Looked-after child: when the child became looked after.
    #[serde(default)]
    pub looked_after_since: Option<chrono::NaiveDate>,
    /// Looked-after child: the current placement is intended to last until the child is 18
    /// (Care Planning Regulations 2010, reg. 28(2)(c)).
    #[serde(default)]
    pub placement_intended_until_18: bool,
    /// Supervision discussions recorded on the case by a manager (a grow-only set only the
    /// server adds to: see the server's push handler), oldest first.
    #[serde(default)]
    pub supervisions: Vec<super::Supervision>,
}

/// What is needed to open a case.
#[derive(Debug, Clone)]
pub struct NewCase {
    /// The child.
    pub child_id: PersonId,
    /// The plan.
    pub plan: PlanType,
    /// The opening RAG rating.
    pub rag: Rag,
    /// Why that rating.
    pub rag_reason: String,
    /// The allocated practitioner (the device's practitioner when `None`).
    pub allocated_to: Option<PractitionerId>,
}

impl Case {
    /// Why the case has its current rating: the reason of the newest change no other supersedes
    /// that set the current rating. (Changes made in the same instant are ordered by what
    /// supersedes what, not by time; concurrent changes from two devices leave more than one
    /// current change, flagged by `rag_review`.)
    pub fn current_rag_reason(&self) -> Option<&str> {
        let leaves = self.rag_leaves();
        self.rag_history
            .iter()
            .filter(|c| leaves.contains(&c.id))
            .max_by_key(|c| (c.to == self.rag, c.at))
            .map(|c| c.reason.as_str())
    }

    /// The ids of the RAG changes no other change supersedes (the current ones).
    pub fn rag_leaves(&self) -> Vec<uuid::Uuid> {
        self.rag_history
            .iter()
            .filter(|c| {
                !self
                    .rag_history
                    .iter()
                    .any(|o| o.supersedes.contains(&c.id))
            })
            .map(|c| c.id)
            .collect()
    }
}

/// Validates a RAG change reason.
pub(crate) fn rag_reason(reason: &str) -> Result<String, InputError> {
    required("RAG reason", reason, MAX_TEXT_CHARS)
}
