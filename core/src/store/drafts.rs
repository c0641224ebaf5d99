//! Drafts: a visit's answers while it is being recorded, saved as they are typed so that a phone
//! call, a lock, a killed app or a restart loses nothing. A draft is a sealed, padded record like
//! any other (covered by the store and group digests), kept on the device and never synced. It is
//! gone when the visit is recorded (completed, no access, declined or cancelled) or when the
//! practitioner discards it; nothing else removes it.

use super::records::{Kind, Records};
use super::{Store, StoreError};
use crate::domain::{InputError, Visit, VisitId};
use crate::view::VisitAnswers;
use chrono::{DateTime, Utc};

/// The most a draft's answers may take, serialized (a visit's answers are a few kilobytes).
pub const MAX_DRAFT_BYTES: usize = 256 * 1024;

/// A visit's answers as last saved while it was being recorded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct VisitDraft {
    /// The visit.
    pub visit_id: VisitId,
    /// The answers so far.
    pub answers: VisitAnswers,
    /// When they were last saved.
    pub saved_at: DateTime<Utc>,
}

/// The id of `visit`'s draft record, if it has one (at most one: `save_draft` replaces it).
fn draft_id(r: &Records<'_>, visit: VisitId) -> Result<Option<[u8; 16]>, StoreError> {
    // Opening them checks the visit's group of drafts against its digest (none put back).
    let _: Vec<VisitDraft> = r.list(Kind::Draft, Some(visit.bytes()))?;
    let rows = super::records::raw_list(r.conn, Kind::Draft, Some(visit.bytes()))?;
    Ok(rows.first().map(|row| row.id))
}

/// Removes `visit`'s draft in the caller's transaction; whether there was one.
pub(crate) fn discard_in(r: &Records<'_>, visit: VisitId) -> Result<bool, StoreError> {
    match draft_id(r, visit)? {
        Some(id) => {
            r.remove_local(Kind::Draft, id)?;
            Ok(true)
        }
        None => Ok(false),
    }
}

impl Store {
    /// Saves the answers typed so far on a visit still to be recorded, replacing its previous
    /// draft. Refused for a visit already recorded, and for answers over [`MAX_DRAFT_BYTES`].
    pub fn save_draft(&self, visit: VisitId, answers: &VisitAnswers) -> Result<(), StoreError> {
        let size = serde_json::to_vec(answers)
            .map_err(|_| StoreError::Io("draft could not be encoded".into()))?
            .len();
        if size > MAX_DRAFT_BYTES {
            return Err(InputError::Invalid {
                field: "draft",
                reason: "is too long to keep (over 256 KB of answers)",
            }
            .into());
        }
        let saved_at = self.clock.now();
        self.write(|r| {
            let v: Visit = r.get(Kind::Visit, visit.bytes())?;
            if !v.status.is_open() {
                return Err(StoreError::InvalidState(
                    "this visit has already been recorded",
                ));
            }
            let draft = VisitDraft {
                visit_id: visit,
                answers: answers.clone(),
                saved_at,
            };
            match draft_id(r, visit)? {
                Some(id) => r.update(Kind::Draft, id, None, &draft),
                None => r.insert(
                    Kind::Draft,
                    *uuid::Uuid::new_v4().as_bytes(),
                    Some(visit.bytes()),
                    None,
                    &draft,
                ),
            }
        })
    }

    /// The draft of a visit being recorded, if one was saved and not yet discarded.
    pub fn draft(&self, visit: VisitId) -> Result<Option<VisitDraft>, StoreError> {
        self.read(|r| {
            let drafts: Vec<VisitDraft> = r.list(Kind::Draft, Some(visit.bytes()))?;
            Ok(drafts.into_iter().next())
        })
    }

    /// Discards a visit's draft (the practitioner's choice); whether there was one.
    pub fn discard_draft(&self, visit: VisitId) -> Result<bool, StoreError> {
        self.write(|r| discard_in(r, visit))
    }
}
