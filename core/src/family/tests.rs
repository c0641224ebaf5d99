//! The family copy's rules, one by one, each tried with something that must not get through.

use super::*;
use crate::domain::{
    Agency, CaseId, DeviceId, FamilyAction, FamilyShare, HouseholdId, Note, NoteId, NoteThread,
    OthersPresent, Person, PersonId, PersonRole, Practitioner, PractitionerId, ShareableAnswer,
    Visit, VisitId, VisitKind, VisitOutcome, VisitStatus,
};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};

fn at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, d, h, m, 0)
        .single()
        .unwrap_or_default()
}

fn person(home: HouseholdId, role: PersonRole, name: &str) -> Person {
    Person {
        id: PersonId::random(),
        household_id: home,
        role,
        name: name.to_string(),
        date_of_birth: None,
        expected_date: None,
        relationship: None,
    }
}

fn note(case: CaseId, author: PractitionerId, text: &str, when: DateTime<Utc>) -> NoteThread {
    let mut n = Note {
        id: NoteId::random(),
        case_id: case,
        author_id: author,
        author_name: "Author".into(),
        device_id: DeviceId::random(),
        written_at: when,
        text: text.into(),
        significant: false,
        amends: None,
        position: 0,
        prev_hash: [0; 32],
        hash: [0; 32],
    };
    n.hash = n.compute_hash();
    NoteThread {
        original: n,
        amendments: Vec::new(),
    }
}

fn planned(case: CaseId, who: PractitionerId, kind: VisitKind, when: DateTime<Utc>) -> Visit {
    Visit {
        id: VisitId::random(),
        case_id: case,
        practitioner_id: who,
        kind,
        planned_for: when,
        expected_minutes: 60,
        status: VisitStatus::Planned,
        started_at: None,
        checked_out_at: None,
        ended_at: None,
        outcome: None,
        unsuccessful: None,
        departure_reason: None,
        family_share: FamilyShare::default(),
        copies_given: Vec::new(),
    }
}

/// A completed visit to Amy Smith with everything a visit can hold, and nothing marked.
struct World {
    visit: Visit,
    child: Person,
    mother: Person,
    household: Vec<Person>,
    me: Practitioner,
    notes: Vec<NoteThread>,
    visits: Vec<Visit>,
    settings: FamilyCopySettings,
}

impl World {
    fn new() -> Self {
        let home = HouseholdId::random();
        let case = CaseId::random();
        let me = Practitioner {
            id: PractitionerId::random(),
            name: "Sam Patel".into(),
            agency: Agency::HealthVisiting,
            team: Some("North team".into()),
        };
        let child = person(home, PersonRole::Child, "Amy Smith");
        let mother = person(home, PersonRole::ParentCarer, "Jo Smith");
        let partner = person(home, PersonRole::KnownAdult, "Darren Cole");
        let mut visit = planned(case, me.id, VisitKind::AnnouncedHome, at(1, 10, 0));
        visit.status = VisitStatus::Completed;
        visit.started_at = Some(at(1, 10, 2));
        visit.ended_at = Some(at(1, 11, 0));
        visit.outcome = Some(VisitOutcome {
            child_seen: true,
            child_seen_alone: true,
            child_spoken_to_alone: true,
            sleeping_area_seen: true,
            others_present: Some(OthersPresent {
                known_adults: vec![partner.id],
                unknown_adults: 1,
                unknown_descriptions: vec!["tall man called Lee".into()],
            }),
            engagement: Some(crate::domain::Engagement::Partial),
            injuries_observed: Some("small bruise on the left shin".into()),
            concerns: vec!["Amy's weight has dropped since October".into()],
            actions_agreed: vec!["Weigh Amy again in two weeks".into()],
            ..VisitOutcome::default()
        });
        let notes = vec![
            note(
                case,
                me.id,
                "Talked about starting solid food.",
                at(1, 11, 5),
            ),
            note(
                case,
                me.id,
                "Private: worried about the home.",
                at(1, 11, 6),
            ),
        ];
        let visits = vec![
            visit.clone(),
            planned(case, me.id, VisitKind::UnannouncedHome, at(4, 15, 30)),
            planned(case, me.id, VisitKind::AnnouncedHome, at(10, 14, 0)),
        ];
        World {
            household: vec![child.clone(), mother.clone(), partner],
            child,
            mother,
            visit,
            me,
            notes,
            visits,
            settings: FamilyCopySettings::build(
                "Call 01632 960 111 (Mon-Fri 9-5) or email sam.patel@nhs.example",
                "Call 01632 960 999 out of hours",
                "Write to the Patient Advice and Liaison Service, PALS, Town Hall",
            )
            .unwrap_or_default(),
        }
    }

    fn mark_everything(&mut self) {
        self.visit.family_share = FamilyShare {
            answers: ShareableAnswer::ALL.to_vec(),
            notes: self.notes.iter().map(|t| t.original.id).collect(),
            actions: vec![FamilyAction {
                what: "Book Amy's 1-year review".into(),
                owner: "Jo Smith".into(),
                by: NaiveDate::from_ymd_opt(2026, 12, 18),
            }],
        };
    }

    fn summary(&self) -> FamilySummary {
        self.summary_for(&self.mother)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn summary_for(&self, recipient: &Person) -> Result<FamilySummary, SummaryError> {
        build(&SummaryInputs {
            visit: &self.visit,
            child: &self.child,
            household: &self.household,
            practitioner: &self.me,
            notes: &self.notes,
            case_visits: &self.visits,
            recipient,
            settings: &self.settings,
            now: at(1, 11, 30),
        })
    }
}

fn printed(s: &FamilySummary) -> String {
    s.printed_lines().join("\n")
}

fn withheld_for(s: &FamilySummary, reason: WithheldReason) -> Vec<&str> {
    s.withheld
        .iter()
        .filter(|w| w.reason == reason)
        .map(|w| w.what.as_str())
        .collect()
}

#[test]
fn the_copy_says_when_who_visited_who_was_seen_and_how_to_reach_them() {
    let w = World::new();
    let text = printed(&w.summary());
    for expected in [
        "Your visit on Tuesday 1 December 2026",
        "Date: Tuesday 1 December 2026 at 10:02.",
        "Who visited: Sam Patel, health visitor, the health visiting service (North team).",
        "Who was seen: Amy Smith.",
        "This copy is for: Jo Smith.",
        "Call 01632 960 111 (Mon-Fri 9-5) or email sam.patel@nhs.example",
        "Call 01632 960 999 out of hours",
        "Write to the Patient Advice and Liaison Service, PALS, Town Hall",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
}

#[test]
fn nothing_is_shared_unless_marked() {
    let w = World::new();
    let s = w.summary();
    let text = printed(&s);
    for secret in [
        "solid food",
        "worried about the home",
        "weight has dropped",
        "Weigh Amy",
        "where Amy sleeps",
    ] {
        assert!(!text.contains(secret), "{secret:?} shared without a mark");
    }
    assert_eq!(withheld_for(&s, WithheldReason::NotMarked).len(), 6);
}

#[test]
fn what_is_marked_is_shared_in_plain_words() {
    let mut w = World::new();
    w.mark_everything();
    let text = printed(&w.summary());
    for expected in [
        "We looked at where Amy Smith sleeps.",
        "Amy's weight has dropped since October",
        "Weigh Amy again in two weeks",
        "Talked about starting solid food.",
        "Jo Smith: Book Amy's 1-year review, by Friday 18 December 2026.",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
}

#[test]
fn an_unannounced_plan_never_appears_even_as_the_next_contact() {
    let mut w = World::new();
    w.mark_everything();
    // Smuggled in through a marked note, a marked action and a marked concern.
    w.notes.push(note(
        w.visit.case_id,
        w.me.id,
        "Next: unannounced visit on Friday.",
        at(1, 11, 7),
    ));
    w.visit.family_share.notes.push(w.notes[2].original.id);
    if let Some(o) = w.visit.outcome.as_mut() {
        o.concerns.push("Plan a spot check next week".into());
    }
    w.visit.family_share.actions.push(FamilyAction {
        what: "Call round without notice".into(),
        owner: "Sam Patel".into(),
        by: None,
    });
    let s = w.summary();
    let text = printed(&s);
    // The earlier, unannounced visit (4 December, 15:30) is not the next contact; the announced
    // one on 10 December is.
    assert!(!text.contains("4 December"), "{text}");
    assert!(!text.contains("15:30"), "{text}");
    assert!(text.contains("Thursday 10 December 2026 at 14:00: a visit at home."));
    for smuggled in ["unannounced", "spot check", "without notice"] {
        assert!(
            !text.to_lowercase().contains(smuggled),
            "{smuggled}: {text}"
        );
    }
    assert_eq!(withheld_for(&s, WithheldReason::UnannouncedPlan).len(), 4);
}

#[test]
fn when_only_an_unannounced_visit_is_planned_no_date_is_given() {
    let mut w = World::new();
    w.visits.pop();
    let text = printed(&w.summary());
    assert!(text.contains("No date has been set yet. Sam Patel will contact you"));
    assert!(!text.contains("December 2026 at 15:30"));
}

#[test]
fn other_adults_details_never_appear() {
    let mut w = World::new();
    w.mark_everything();
    w.notes.push(note(
        w.visit.case_id,
        w.me.id,
        "Darren said he stays most nights.",
        at(1, 11, 8),
    ));
    w.notes.push(note(
        w.visit.case_id,
        w.me.id,
        "The tall man called Lee left early.",
        at(1, 11, 9),
    ));
    w.visit.family_share.notes.push(w.notes[2].original.id);
    w.visit.family_share.notes.push(w.notes[3].original.id);
    w.visit.family_share.actions.push(FamilyAction {
        what: "Collect Amy from nursery".into(),
        owner: "Darren Cole".into(),
        by: None,
    });
    let s = w.summary();
    let text = printed(&s);
    for smuggled in ["Darren", "Cole", "Lee", "tall man", "stays most nights"] {
        assert!(!text.contains(smuggled), "{smuggled}: {text}");
    }
    // Three smuggled texts, and the "who else was present" answer itself.
    assert_eq!(withheld_for(&s, WithheldReason::OtherAdult).len(), 4);
    // Nor can the copy be addressed to another adult.
    let partner = w.household[2].clone();
    assert_eq!(w.summary_for(&partner), Err(SummaryError::NotAParent));
}

#[test]
fn third_party_information_never_appears() {
    let mut w = World::new();
    w.mark_everything();
    let colleague = PractitionerId::random();
    // Another practitioner's note on the case (from the police, a school, another visitor) ...
    w.notes.push(note(
        w.visit.case_id,
        colleague,
        "Police attended on 28 November.",
        at(1, 9, 0),
    ));
    // ... a note of this practitioner on another case ...
    w.notes.push(note(
        CaseId::random(),
        w.me.id,
        "Sibling's school reports absences.",
        at(1, 9, 1),
    ));
    // ... and an amendment by someone else to one of this practitioner's notes.
    let mut amended = note(
        w.visit.case_id,
        w.me.id,
        "Discussed sleep routine.",
        at(1, 9, 2),
    );
    let mut by_other = note(
        w.visit.case_id,
        colleague,
        "Referral from GP received.",
        at(1, 9, 3),
    )
    .original;
    by_other.amends = Some(amended.original.id);
    amended.amendments.push(by_other);
    w.notes.push(amended);
    for t in &w.notes[2..] {
        w.visit.family_share.notes.push(t.original.id);
    }
    let s = w.summary();
    let text = printed(&s);
    for smuggled in ["Police", "Sibling", "Referral", "sleep routine"] {
        assert!(!text.contains(smuggled), "{smuggled}: {text}");
    }
    assert_eq!(withheld_for(&s, WithheldReason::ThirdParty).len(), 3);
}

#[test]
fn internal_ratings_never_appear() {
    let mut w = World::new();
    w.mark_everything();
    w.notes.push(note(
        w.visit.case_id,
        w.me.id,
        "RAG moved to RED after today.",
        at(1, 11, 10),
    ));
    w.visit.family_share.notes.push(w.notes[2].original.id);
    if let Some(o) = w.visit.outcome.as_mut() {
        o.actions_agreed
            .push("Review the amber rating next month".into());
    }
    let s = w.summary();
    let text = printed(&s).to_lowercase();
    for smuggled in ["rag", "red", "amber", "rating", "partial", "engage"] {
        assert!(
            !text
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w == smuggled),
            "{smuggled}: {text}"
        );
    }
    // The two smuggled texts, the engagement answer and the RAG rating itself.
    assert_eq!(withheld_for(&s, WithheldReason::InternalRating).len(), 4);
}

#[test]
fn only_a_completed_visit_has_a_summary() {
    let mut w = World::new();
    w.visit.status = VisitStatus::NoAccess;
    assert_eq!(
        w.summary_for(&w.mother.clone()),
        Err(SummaryError::NotCompleted)
    );
}

#[test]
fn placeholders_are_labelled_as_settings_and_warned_about() {
    let mut w = World::new();
    w.settings = FamilyCopySettings::default();
    let s = w.summary();
    assert_eq!(s.warnings.len(), 3);
    let text = printed(&s);
    assert_eq!(text.matches(PLACEHOLDER_MARK).count(), 3, "{text}");
    assert!(text.contains("(setting \"out_of_hours\")"));
}

#[test]
fn the_fingerprint_changes_with_what_is_printed() {
    let mut w = World::new();
    let before = w.summary().fingerprint;
    assert_eq!(before, w.summary().fingerprint);
    w.visit.family_share.answers.push(ShareableAnswer::Concerns);
    assert_ne!(before, w.summary().fingerprint);
}

#[test]
fn the_pdf_is_made_in_both_sizes() {
    let mut w = World::new();
    w.mark_everything();
    let s = w.summary();
    for large in [false, true] {
        let pdf = render(&s, large).unwrap_or_else(|e| panic!("{e}"));
        assert!(pdf.starts_with(b"%PDF-1.7"));
        let text = String::from_utf8_lossy(&pdf);
        for marker in [
            "/StructTreeRoot",
            "/MarkInfo",
            "/Lang",
            "/FontFile2",
            "pdfuaid",
        ] {
            assert!(
                text.contains(marker),
                "{marker} missing (large print {large})"
            );
        }
    }
}

#[test]
fn a_visit_recorded_afterwards_is_dated_when_it_was_planned() {
    let mut w = World::new();
    w.visit.started_at = Some(at(2, 16, 45));
    w.visit.checked_out_at = w.visit.started_at;
    w.visit.ended_at = w.visit.started_at;
    let text = printed(&w.summary());
    assert!(
        text.contains("Date: Tuesday 1 December 2026 at 10:00."),
        "{text}"
    );
}
