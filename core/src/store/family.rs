//! The family's copy of a visit summary, through the store: the "share with family" marks, the
//! service's details, the practitioner's review, and producing the copy (sealed, and recorded on
//! the visit so that the chronology shows it was given).

use super::planning::{put_singleton, singleton_id};
use super::records::{Kind, Records};
use super::visits::update_visit;
use super::{Store, StoreError};
use crate::domain::{
    Case, CopyGiven, FamilyShare, InputError, Note, NoteThread, Person, PersonId, PersonRole,
    Practitioner, Visit, VisitId, VisitStatus, MAX_NAME_CHARS, MAX_TEXT_CHARS,
};
use crate::family::{
    build, render, FamilyCopySettings, FamilySummary, PdfError, SummaryError, SummaryInputs,
    SummarySection,
};
use crate::view::{role_label, AdultChoice};
use chrono::{DateTime, Utc};

const SETTINGS_KEY: &str = "family_copy_settings_id";

/// A family's copy as kept on the device: exactly what was printed, to whom, and when.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FamilyCopyRecord {
    /// Random id (also the id of the visit's [`CopyGiven`] entry).
    pub id: uuid::Uuid,
    /// The visit.
    pub visit_id: VisitId,
    /// When it was given.
    pub given_at: DateTime<Utc>,
    /// To whom.
    pub given_to: PersonId,
    /// Large print or not.
    pub large_print: bool,
    /// The document's title.
    pub title: String,
    /// Who it was for, as printed.
    pub recipient_name: String,
    /// What was printed.
    pub sections: Vec<SummarySection>,
    /// The fingerprint the practitioner confirmed.
    pub fingerprint: String,
    /// SHA-256 (hex) of the PDF's bytes.
    pub pdf_sha256: String,
}

/// A family's copy, just produced.
#[derive(Debug, Clone)]
pub struct FamilyCopy {
    /// The record kept.
    pub record: FamilyCopyRecord,
    /// The PDF.
    pub pdf: Vec<u8>,
}

impl From<SummaryError> for StoreError {
    fn from(e: SummaryError) -> Self {
        match e {
            SummaryError::NotCompleted => {
                StoreError::InvalidState("only a completed visit has a summary for the family")
            }
            SummaryError::NotAParent => StoreError::InvalidState(
                "a family copy is given to a parent or carer in the child's household",
            ),
        }
    }
}

impl From<PdfError> for StoreError {
    fn from(e: PdfError) -> Self {
        match e {
            PdfError::Font => StoreError::Document("the embedded font could not be read"),
            PdfError::Write => StoreError::Document("the PDF could not be written"),
        }
    }
}

fn settings_in(r: &Records<'_>) -> Result<FamilyCopySettings, StoreError> {
    match singleton_id(r, SETTINGS_KEY)? {
        Some(id) => r.get(Kind::Settings, id),
        None => Ok(FamilyCopySettings::default()),
    }
}

/// Validates the marks: notes of this visit's case, actions with a what and an owner.
fn checked_share(
    r: &Records<'_>,
    visit: &Visit,
    mut share: FamilyShare,
) -> Result<FamilyShare, StoreError> {
    share.answers.sort_by_key(|a| a.code());
    share.answers.dedup();
    share.notes.dedup();
    for id in &share.notes {
        let note: Note = r.get(Kind::Note, id.bytes())?;
        if note.case_id != visit.case_id {
            return Err(StoreError::InvalidState(
                "only notes of this visit's case can be shared",
            ));
        }
    }
    for a in &mut share.actions {
        a.what = crate::domain::optional_text("action", Some(&a.what))?
            .ok_or(InputError::Required { field: "action" })?;
        let owner = a.owner.trim();
        if owner.is_empty() {
            return Err(InputError::Required {
                field: "action owner",
            }
            .into());
        }
        if owner.chars().count() > MAX_NAME_CHARS {
            return Err(InputError::TooLong {
                field: "action owner",
                max: MAX_NAME_CHARS,
            }
            .into());
        }
        a.owner = owner.to_string();
    }
    if share.actions.iter().map(|a| a.what.len()).sum::<usize>() > MAX_TEXT_CHARS {
        return Err(InputError::TooLong {
            field: "actions",
            max: MAX_TEXT_CHARS,
        }
        .into());
    }
    Ok(share)
}

impl Store {
    /// The service's details printed on family copies (placeholders until set).
    pub fn family_copy_settings(&self) -> Result<FamilyCopySettings, StoreError> {
        self.read(settings_in)
    }

    /// Sets the service's details printed on family copies.
    pub fn set_family_copy_settings(
        &self,
        settings: &FamilyCopySettings,
    ) -> Result<(), StoreError> {
        let checked = FamilyCopySettings::build(
            &settings.contact,
            &settings.out_of_hours,
            &settings.complaints,
        )?;
        self.write(|r| put_singleton(r, SETTINGS_KEY, Kind::Settings, &checked))
    }

    /// Sets what is marked "share with family" on a visit (replacing the marks; synced like the
    /// visit's other fields). Nothing is shared unless marked.
    pub fn set_family_share(&self, id: VisitId, share: FamilyShare) -> Result<Visit, StoreError> {
        self.write(|r| {
            let mut v: Visit = r.get(Kind::Visit, id.bytes())?;
            v.family_share = checked_share(r, &v, share)?;
            update_visit(r, &v)?;
            Ok(v)
        })
    }

    fn summary_in(
        &self,
        r: &Records<'_>,
        id: VisitId,
        recipient: PersonId,
    ) -> Result<FamilySummary, StoreError> {
        let visit: Visit = r.get(Kind::Visit, id.bytes())?;
        if visit.practitioner_id != self.practitioner_id {
            return Err(StoreError::InvalidState(
                "only the practitioner who made the visit can give the family its summary",
            ));
        }
        let practitioner: Practitioner = r.get(Kind::Practitioner, self.practitioner_id.bytes())?;
        let case: Case = r.get(Kind::Case, visit.case_id.bytes())?;
        let child: Person = r.get(Kind::Person, case.child_id.bytes())?;
        let household: Vec<Person> = r.list(Kind::Person, Some(case.household_id.bytes()))?;
        let recipient = household
            .iter()
            .find(|p| p.id == recipient)
            .cloned()
            .ok_or(StoreError::InvalidState(
                "a family copy is given to a parent or carer in the child's household",
            ))?;
        let notes: Vec<NoteThread> =
            crate::domain::threads(r.list(Kind::Note, Some(case.id.bytes()))?);
        let case_visits: Vec<Visit> = r.list(Kind::Visit, Some(case.id.bytes()))?;
        let settings = settings_in(r)?;
        Ok(build(&SummaryInputs {
            visit: &visit,
            child: &child,
            household: &household,
            practitioner: &practitioner,
            notes: &notes,
            case_visits: &case_visits,
            recipient: &recipient,
            settings: &settings,
            now: self.clock.now(),
        })?)
    }

    /// Who may be given the family's copy of a visit: the parents and carers recorded in the
    /// child's household (the only people [`Store::family_summary`] accepts), in the store's
    /// order; nobody while the visit is not completed (it has no summary yet). Refused like the
    /// review for a visit of another practitioner.
    pub fn family_copy_recipients(&self, id: VisitId) -> Result<Vec<AdultChoice>, StoreError> {
        self.read(|r| {
            let visit: Visit = r.get(Kind::Visit, id.bytes())?;
            if visit.practitioner_id != self.practitioner_id {
                return Err(StoreError::InvalidState(
                    "only the practitioner who made the visit can give the family its summary",
                ));
            }
            if visit.status != VisitStatus::Completed || visit.outcome.is_none() {
                return Ok(Vec::new());
            }
            let case: Case = r.get(Kind::Case, visit.case_id.bytes())?;
            let household: Vec<Person> = r.list(Kind::Person, Some(case.household_id.bytes()))?;
            Ok(household
                .into_iter()
                .filter(|p| p.role == PersonRole::ParentCarer)
                .map(|p| AdultChoice {
                    person_id: p.id,
                    role_label: role_label(p.role).into(),
                    name: p.name,
                })
                .collect())
        })
    }

    /// The practitioner's review: exactly what the family's copy will say, what was left out and
    /// why, and the fingerprint to confirm with [`Store::give_family_copy`].
    pub fn family_summary(
        &self,
        id: VisitId,
        recipient: PersonId,
    ) -> Result<FamilySummary, StoreError> {
        self.read(|r| self.summary_in(r, id, recipient))
    }

    /// Produces the family's copy as reviewed: refuses if anything changed since the review
    /// (`fingerprint` is the review's), seals the copy on the device and records on the visit
    /// (and so in the chronology) when it was given and to whom. Returns the PDF.
    pub fn give_family_copy(
        &self,
        id: VisitId,
        recipient: PersonId,
        large_print: bool,
        fingerprint: &str,
    ) -> Result<FamilyCopy, StoreError> {
        let now = self.clock.now();
        self.write(|r| {
            let summary = self.summary_in(r, id, recipient)?;
            if summary.fingerprint != fingerprint {
                return Err(StoreError::InvalidState(
                    "the summary has changed since it was reviewed: review it again",
                ));
            }
            let pdf = render(&summary, large_print)?;
            let record = FamilyCopyRecord {
                id: uuid::Uuid::new_v4(),
                visit_id: id,
                given_at: now,
                given_to: recipient,
                large_print,
                title: summary.title.clone(),
                recipient_name: summary.recipient_name.clone(),
                sections: summary.sections.clone(),
                fingerprint: summary.fingerprint.clone(),
                pdf_sha256: hex::encode(ring::digest::digest(&ring::digest::SHA256, &pdf)),
            };
            r.insert(
                Kind::FamilySummary,
                *record.id.as_bytes(),
                Some(id.bytes()),
                None,
                &record,
            )?;
            let practitioner: Practitioner =
                r.get(Kind::Practitioner, self.practitioner_id.bytes())?;
            let mut visit: Visit = r.get(Kind::Visit, id.bytes())?;
            visit.copies_given.push(CopyGiven {
                id: record.id,
                at: now,
                to: recipient,
                to_name: summary.recipient_name,
                by_name: practitioner.name,
                large_print,
            });
            update_visit(r, &visit)?;
            Ok(FamilyCopy { record, pdf })
        })
    }

    /// The copies of a visit's summary kept on this device, oldest first.
    pub fn family_copies(&self, id: VisitId) -> Result<Vec<FamilyCopyRecord>, StoreError> {
        let mut copies: Vec<FamilyCopyRecord> =
            self.read(|r| r.list(Kind::FamilySummary, Some(id.bytes())))?;
        copies.sort_by_key(|c| c.given_at);
        Ok(copies)
    }
}
