//! The family copy's screens: the "share with family" marks as the form sends and shows them, and
//! the practitioner's review of exactly what the copy will say.

use super::input::parse_optional_date;
use crate::domain::{FamilyAction, FamilyShare, InputError, NoteId, ShareableAnswer, VisitId};
use crate::family::{FamilySummary, SummarySection};

/// An action for the family, as the form sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyActionInput {
    /// What will be done.
    pub what: String,
    /// Who will do it.
    pub owner: String,
    /// By when: `YYYY-MM-DD`, or none.
    pub by: Option<String>,
}

/// The "share with family" marks of a visit, as the form sends and shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyShareInput {
    /// Codes of the shared answers (`sleeping_area_seen`, `concerns`, `actions_agreed`,
    /// `follow_up_action`).
    pub answers: Vec<String>,
    /// Ids of the shared notes.
    pub note_ids: Vec<NoteId>,
    /// Actions for the family.
    pub actions: Vec<FamilyActionInput>,
}

impl FamilyShareInput {
    /// The marks as stored.
    pub fn to_share(&self) -> Result<FamilyShare, InputError> {
        let answers = self
            .answers
            .iter()
            .map(|c| {
                ShareableAnswer::from_code(c).ok_or(InputError::Invalid {
                    field: "shared answer",
                    reason: "not an answer that can be shared",
                })
            })
            .collect::<Result<_, _>>()?;
        let notes = self.note_ids.clone();
        let actions = self
            .actions
            .iter()
            .map(|a| {
                Ok(FamilyAction {
                    what: a.what.clone(),
                    owner: a.owner.clone(),
                    by: parse_optional_date("action date", a.by.as_deref())?,
                })
            })
            .collect::<Result<_, InputError>>()?;
        Ok(FamilyShare {
            answers,
            notes,
            actions,
        })
    }

    /// The stored marks, for the form.
    pub fn from_share(share: &FamilyShare) -> Self {
        Self {
            answers: share.answers.iter().map(|a| a.code().to_string()).collect(),
            note_ids: share.notes.clone(),
            actions: share
                .actions
                .iter()
                .map(|a| FamilyActionInput {
                    what: a.what.clone(),
                    owner: a.owner.clone(),
                    by: a.by.map(|d| d.to_string()),
                })
                .collect(),
        }
    }
}

/// One thing left out of the copy, with why (shown to the practitioner only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithheldLine {
    /// What it is.
    pub what: String,
    /// The reason's code.
    pub reason_code: String,
    /// The reason in words.
    pub reason: String,
}

/// The review screen: exactly what the family's copy will say, what is left out and why, and
/// the fingerprint to confirm when producing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyCopyReview {
    /// The visit.
    pub visit_id: VisitId,
    /// The document's title.
    pub title: String,
    /// Who the copy is for.
    pub recipient_name: String,
    /// The content, in reading order.
    pub sections: Vec<SummarySection>,
    /// Left out, with reasons.
    pub withheld: Vec<WithheldLine>,
    /// Things to check first (settings still showing placeholders).
    pub warnings: Vec<String>,
    /// What the practitioner confirms: pass it back to produce the copy.
    pub fingerprint: String,
}

impl FamilyCopyReview {
    /// The review of a summary.
    pub fn of(s: FamilySummary) -> Self {
        Self {
            visit_id: s.visit_id,
            title: s.title,
            recipient_name: s.recipient_name,
            sections: s.sections,
            withheld: s
                .withheld
                .into_iter()
                .map(|w| WithheldLine {
                    what: w.what,
                    reason_code: w.reason.code().to_string(),
                    reason: w.reason.label().to_string(),
                })
                .collect(),
            warnings: s.warnings,
            fingerprint: s.fingerprint,
        }
    }
}
