//! Case notes: append-only, amended never edited, hash-chained per case; and the chronology.

use super::records::{Kind, Records};
use super::{Store, StoreError};
use crate::domain::{
    build_chronology, threads, Case, CaseId, ChronologyEntry, ChronologyFilter, InputError, Note,
    NoteId, NoteThread, PersonId, Practitioner, Visit, MAX_TEXT_CHARS,
};

fn note_text(text: &str) -> Result<String, StoreError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(InputError::Required { field: "note text" }.into());
    }
    if t.chars().count() > MAX_TEXT_CHARS {
        return Err(InputError::TooLong {
            field: "note text",
            max: MAX_TEXT_CHARS,
        }
        .into());
    }
    Ok(t.to_string())
}

impl Store {
    fn append_note(
        &self,
        case_id: CaseId,
        text: &str,
        significant: Option<bool>,
        amends: Option<NoteId>,
    ) -> Result<Note, StoreError> {
        let text = note_text(text)?;
        let now = self.clock.now();
        let device_id = self.device_id;
        let author_id = self.practitioner_id;
        self.write(|r: &Records<'_>| {
            let mut case: Case = r.get(Kind::Case, case_id.bytes())?;
            let head = case
                .notes_heads
                .get(&device_id)
                .copied()
                .unwrap_or_default();
            let author: Practitioner = r.get(Kind::Practitioner, author_id.bytes())?;
            let significant = match amends {
                Some(original) => {
                    let o: Note = r.get(Kind::Note, original.bytes())?;
                    if o.case_id != case_id || o.amends.is_some() {
                        return Err(StoreError::InvalidState(
                            "amend the original note of this case",
                        ));
                    }
                    significant.unwrap_or(o.significant)
                }
                None => significant.unwrap_or(false),
            };
            let mut note = Note {
                id: NoteId::random(),
                case_id,
                author_id,
                author_name: author.name,
                device_id,
                written_at: now,
                text,
                significant,
                amends,
                position: head.count,
                prev_hash: head.hash,
                hash: [0; 32],
            };
            note.hash = note.compute_hash();
            case.notes_heads.insert(device_id, note.head());
            r.insert(
                Kind::Note,
                note.id.bytes(),
                Some(case_id.bytes()),
                None,
                &note,
            )?;
            r.update(Kind::Case, case_id.bytes(), None, &case)?;
            Ok(note)
        })
    }

    /// Appends a note to a case.
    pub fn add_note(
        &self,
        case_id: CaseId,
        text: &str,
        significant: bool,
    ) -> Result<Note, StoreError> {
        self.append_note(case_id, text, Some(significant), None)
    }

    /// Corrects a note by appending an amendment; the original is kept unchanged.
    pub fn amend_note(
        &self,
        original: NoteId,
        text: &str,
        significant: Option<bool>,
    ) -> Result<Note, StoreError> {
        let case_id = self
            .read(|r| r.get::<Note>(Kind::Note, original.bytes()))?
            .case_id;
        self.append_note(case_id, text, significant, Some(original))
    }

    /// A case's notes as threads (original with its amendments), oldest first.
    pub fn notes(&self, case_id: CaseId) -> Result<Vec<NoteThread>, StoreError> {
        self.read(|r| r.list::<Note>(Kind::Note, Some(case_id.bytes())))
            .map(threads)
    }

    /// A child's chronology across all their cases, oldest first.
    pub fn chronology(
        &self,
        child: PersonId,
        filter: &ChronologyFilter,
    ) -> Result<Vec<ChronologyEntry>, StoreError> {
        self.read(|r| {
            r.get::<crate::domain::Person>(Kind::Person, child.bytes())?;
            let cases: Vec<Case> = r.list(Kind::Case, Some(child.bytes()))?;
            let mut visits = Vec::new();
            let mut notes = Vec::new();
            for c in &cases {
                visits.extend(r.list::<Visit>(Kind::Visit, Some(c.id.bytes()))?);
                notes.extend(threads(r.list::<Note>(Kind::Note, Some(c.id.bytes()))?));
            }
            Ok(build_chronology(&cases, &visits, &notes, filter))
        })
    }
}
