//! A child's screen: who they are, what they are due, their chronology and the case notes.

use super::labels::{
    contact_label, date_label, due_status_label, plan_label, rag_label, requirement_label,
    time_label,
};
use crate::domain::{
    Case, CaseId, ChronologyEntry, Household, Note, NoteId, NoteThread, Person, PersonId, Rag,
};
use crate::planning::{DueItem, DueStatus};

/// One thing the child is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueLine {
    /// What it is for ("regular visit", "6-8 week review").
    pub title: String,
    /// Where it stands ("Overdue by 3 days").
    pub status_label: String,
    /// Past its due date.
    pub overdue: bool,
    /// The last date without being overdue.
    pub due_label: String,
    /// The first date it should happen.
    pub earliest_label: String,
    /// Which contacts count, in words.
    pub contact_label: String,
    /// What the visit must include ("unannounced", "see the child alone", "see the bedroom").
    pub must: Vec<String>,
    /// Why it is due then.
    pub why: String,
}

/// One event on the chronology.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChronologyLine {
    /// When, UTC milliseconds.
    pub at_millis: i64,
    /// When, in words.
    pub time_label: String,
    /// The kind's stable code (`visit`, `rag_change`, ...).
    pub kind_code: String,
    /// The one-line summary.
    pub summary: String,
}

/// One version of a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteLine {
    /// The note's id.
    pub note_id: NoteId,
    /// Its text.
    pub text: String,
    /// Who wrote it.
    pub author_name: String,
    /// When, in words.
    pub written_label: String,
    /// Marked significant.
    pub significant: bool,
}

/// A note as it now stands, with its history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteThreadLine {
    /// The original's id (amend this).
    pub note_id: NoteId,
    /// The text as it now stands.
    pub current_text: String,
    /// Whether it now stands significant.
    pub significant: bool,
    /// Who first wrote it.
    pub author_name: String,
    /// When it was first written.
    pub written_label: String,
    /// It has been amended.
    pub amended: bool,
    /// The original then each amendment, oldest first.
    pub versions: Vec<NoteLine>,
}

/// Everything the child screen shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildView {
    /// The case.
    pub case_id: CaseId,
    /// The child.
    pub child_id: PersonId,
    /// Their name.
    pub child_name: String,
    /// Date of birth (or expected date), in words.
    pub birth_label: Option<String>,
    /// Where they live.
    pub address: String,
    /// How to get in.
    pub access_notes: Option<String>,
    /// The plan, in words.
    pub plan_label: String,
    /// RAG rating.
    pub rag: Rag,
    /// Its words.
    pub rag_label: String,
    /// Why the rating is what it is (the latest change's reason).
    pub rag_reason: Option<String>,
    /// The rating was changed on two devices at once: review it.
    pub rag_review: bool,
    /// Consecutive visits without access (two or more: follow up).
    pub consecutive_no_access: i32,
    /// What needs attention on this case, in words.
    pub attention: Vec<String>,
    /// What is due, soonest first.
    pub due: Vec<DueLine>,
    /// Significant events, newest first.
    pub chronology: Vec<ChronologyLine>,
    /// Case notes, newest first.
    pub notes: Vec<NoteThreadLine>,
}

impl DueLine {
    /// The line for a due item.
    pub fn from_item(i: &DueItem) -> Self {
        let must = [
            (i.unannounced, "unannounced"),
            (i.see_alone, "see the child alone"),
            (i.see_bedroom, "see where the child sleeps"),
        ]
        .into_iter()
        .filter(|(on, _)| *on)
        .map(|(_, w)| w.to_string())
        .collect();
        Self {
            title: requirement_label(i.requirement),
            status_label: due_status_label(i.status),
            overdue: matches!(i.status, DueStatus::Overdue { .. }),
            due_label: date_label(i.due),
            earliest_label: date_label(i.earliest),
            contact_label: contact_label(i.contact).into(),
            must,
            why: i.why.clone(),
        }
    }
}

impl NoteLine {
    fn from_note(n: &Note) -> Self {
        Self {
            note_id: n.id,
            text: n.text.clone(),
            author_name: n.author_name.clone(),
            written_label: time_label(n.written_at),
            significant: n.significant,
        }
    }
}

impl NoteThreadLine {
    /// The line for a note thread.
    pub fn from_thread(t: &NoteThread) -> Self {
        let mut versions = vec![NoteLine::from_note(&t.original)];
        versions.extend(t.amendments.iter().map(NoteLine::from_note));
        Self {
            note_id: t.original.id,
            current_text: t.current_text().to_string(),
            significant: t.is_significant(),
            author_name: t.original.author_name.clone(),
            written_label: time_label(t.original.written_at),
            amended: !t.amendments.is_empty(),
            versions,
        }
    }
}

/// A case's notes as the screens list them: newest first, each with its history.
pub fn note_lines(threads: &[NoteThread]) -> Vec<NoteThreadLine> {
    threads
        .iter()
        .rev()
        .map(NoteThreadLine::from_thread)
        .collect()
}

impl ChildView {
    /// Builds the child screen.
    pub fn build(
        case: &Case,
        child: &Person,
        household: &Household,
        due: &[DueItem],
        chronology: &[ChronologyEntry],
        notes: &[NoteThread],
    ) -> Self {
        Self {
            case_id: case.id,
            child_id: child.id,
            child_name: child.name.clone(),
            birth_label: child
                .date_of_birth
                .map(|d| format!("Born {}", date_label(d)))
                .or_else(|| {
                    child
                        .expected_date
                        .map(|d| format!("Due {}", date_label(d)))
                }),
            address: household.address.clone(),
            access_notes: household.access_notes.clone(),
            plan_label: plan_label(case.plan).into(),
            rag: case.rag,
            rag_label: rag_label(case.rag).into(),
            rag_reason: case.current_rag_reason().map(str::to_string),
            rag_review: case.rag_review,
            consecutive_no_access: super::signed_count(case.consecutive_no_access),
            attention: super::today::case_attention(case.rag_review, case.consecutive_no_access),
            due: due.iter().map(DueLine::from_item).collect(),
            chronology: chronology
                .iter()
                .rev()
                .map(|e| ChronologyLine {
                    at_millis: e.at.timestamp_millis(),
                    time_label: time_label(e.at),
                    kind_code: e.kind.code().into(),
                    summary: e.summary.clone(),
                })
                .collect(),
            notes: note_lines(notes),
        }
    }
}
