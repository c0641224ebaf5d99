//! The demo day: the day list, three visits as a practitioner records them, a note and its
//! amendment, a RAG change, the child's chronology and a verification of the store.

use super::caseload::Caseload;
use super::featured::Family;
use super::{at, section};
use crate::cmd::visit::{print_day, print_recorded};
use crate::cmd::{case::print_rag_history, chronology::print_chronology, note::print_threads};
use crate::outln;
use crate::output::{print_table, short, table, words};
use anyhow::{bail, Result};
use chrono::NaiveDate;
use doorstep_core::domain::{
    Case, ChronologyEntry, ChronologyFilter, Engagement, NewVisit, NoteThread, OthersPresent,
    PlanType, Rag, UnsuccessfulVisit, ValidationIssue, VisitKind, VisitOutcome,
};
use doorstep_core::store::{DayItem, VerifyReport, VisitRecorded};
use doorstep_core::{FixedClock, Store, StoreError};

/// What the day produced, for `--json`.
#[derive(Debug, serde::Serialize)]
pub struct DayResult {
    /// What the core said when family B's virtual visit was planned without a departure reason.
    pub departure_refusal: Vec<ValidationIssue>,
    /// The day list at the start of the day.
    pub morning_list: Vec<DayItem>,
    /// The announced home visit, completed.
    pub home_visit: VisitRecorded,
    /// What the core said when the virtual visit was first recorded without who else was there.
    pub virtual_refusal: Vec<ValidationIssue>,
    /// The virtual visit, completed with who else was present.
    pub virtual_visit: VisitRecorded,
    /// The no-access visit, with the consecutive count.
    pub no_access_visit: VisitRecorded,
    /// The note and its amendment.
    pub note: NoteThread,
    /// The case after the RAG change.
    pub rag_case: Case,
    /// The child's chronology.
    pub chronology: Vec<ChronologyEntry>,
    /// The day list at the end of the day.
    pub evening_list: Vec<DayItem>,
    /// The verification report.
    pub verify: VerifyReport,
}

/// Prints the caseload's shape: plans against RAG ratings.
pub fn print_caseload(store: &Store, load: &Caseload, secs: f64) -> Result<()> {
    let cases = store.cases()?;
    let mut people = 0;
    let households = store.households()?;
    for h in &households {
        people += store.people(h.id)?.len();
    }
    let writes = load.households + load.people + load.cases.len() + 2 * load.visits;
    outln!(
        "{} households, {people} people, {} cases, {} past visits ({} generated records written in {secs:.1} s, each one durable transaction).",
        households.len(),
        cases.len(),
        load.visits,
        writes
    );
    let mut t = table(&["Plan", "Green", "Amber", "Red", "Total"]);
    for plan in PlanType::ALL {
        let n = |rag| {
            cases
                .iter()
                .filter(|c| c.plan == plan && c.rag == rag)
                .count()
        };
        let (g, a, r) = (n(Rag::Green), n(Rag::Amber), n(Rag::Red));
        t.add_row(vec![
            words(plan.code()),
            g.to_string(),
            a.to_string(),
            r.to_string(),
            (g + a + r).to_string(),
        ]);
    }
    print_table(&t, "No cases.");
    Ok(())
}

fn plan(
    store: &Store,
    case: &Case,
    kind: VisitKind,
    when: chrono::DateTime<chrono::Utc>,
    minutes: u32,
) -> Result<doorstep_core::domain::VisitId> {
    plan_departing(store, case, kind, when, minutes, None)
}

/// Plans a visit, with the reason when it departs from the contact the case requires.
fn plan_departing(
    store: &Store,
    case: &Case,
    kind: VisitKind,
    when: chrono::DateTime<chrono::Utc>,
    minutes: u32,
    departure_reason: Option<&str>,
) -> Result<doorstep_core::domain::VisitId> {
    Ok(store
        .plan_visit(NewVisit {
            case_id: case.id,
            kind,
            planned_for: when,
            expected_minutes: minutes,
            departure_reason: departure_reason.map(str::to_string),
        })?
        .id)
}

/// The first generated case on `plan` rated `rag` about a born child with no problem set up on it.
pub(super) fn first_case(load: &Caseload, plan: PlanType, rag: Rag) -> Result<&Case> {
    let quiet = |c: &&Case| {
        !load.problems.iter().any(|p| p.case.id == c.id) && !load.unborn.contains(&c.id)
    };
    match load
        .cases
        .iter()
        .filter(quiet)
        .find(|c| c.plan == plan && c.rag == rag)
    {
        Some(c) => Ok(c),
        None => bail!("the demo caseload has no {} case", plan.code()),
    }
}

/// Walks through the day, printing it in human mode.
pub fn walk(
    store: &Store,
    clock: &FixedClock,
    today: NaiveDate,
    load: &Caseload,
    families: &[Family; 3],
    human: bool,
) -> Result<DayResult> {
    let [a, b, c] = families;
    let mins = chrono::Duration::minutes;
    // The day was planned last week.
    clock.set(at(today, 7, 30)? - chrono::Duration::days(6));
    let visit_a = plan(
        store,
        &a.case,
        VisitKind::AnnouncedHome,
        at(today, 9, 0)?,
        60,
    )?;
    // Family B must be seen face to face; the core refuses a virtual visit without the reason.
    let refused = plan_departing(
        store,
        &b.case,
        VisitKind::Virtual,
        at(today, 10, 30)?,
        30,
        None,
    );
    let departure_refusal = match refused {
        Err(e) => match e.downcast::<StoreError>() {
            Ok(StoreError::Validation(issues)) => issues,
            Ok(e) => return Err(e.into()),
            Err(e) => return Err(e),
        },
        Ok(_) => {
            bail!("the core accepted a virtual visit for a face-to-face child without a reason")
        }
    };
    let visit_b = plan_departing(
        store,
        &b.case,
        VisitKind::Virtual,
        at(today, 10, 30)?,
        30,
        Some("Mother and baby have flu; mother asked for a video call rather than a home visit this week."),
    )?;
    let visit_c = plan(
        store,
        &c.case,
        VisitKind::UnannouncedHome,
        at(today, 12, 0)?,
        45,
    )?;
    let d = first_case(load, PlanType::Universal, Rag::Green)?;
    plan(store, d, VisitKind::AnnouncedHome, at(today, 14, 0)?, 60)?;
    let e = first_case(load, PlanType::TargetedEarlyHelp, Rag::Amber)?;
    plan(store, e, VisitKind::Telephone, at(today, 15, 30)?, 20)?;
    let f = first_case(load, PlanType::Universal, Rag::Amber)?;
    plan(store, f, VisitKind::ClinicOrSchool, at(today, 16, 15)?, 30)?;

    clock.set(at(today, 8, 40)?);
    if human {
        section(human, "When the day was planned last week");
        outln!("A virtual visit for family B, planned without a reason, was refused:");
        for i in &departure_refusal {
            outln!("  REFUSED: {}", i.message);
        }
        outln!("It was planned with the reason recorded (mother and baby have flu).");
    }
    section(
        human,
        &format!("2. Today's list ({today}), as the practitioner sees it at 08:40"),
    );
    let morning_list = store.today()?;
    if human {
        print_day(&morning_list);
    }

    // 09:00 announced home visit, family A.
    section(
        human,
        "3. 09:00 announced home visit: child seen alone, sleeping area seen",
    );
    clock.set(at(today, 9, 2)?);
    store.start_visit(visit_a)?;
    clock.set(at(today, 9, 58)?);
    let home_visit = store.complete_visit(
        visit_a,
        VisitOutcome {
            child_seen: true,
            child_seen_alone: true,
            child_spoken_to_alone: true,
            sleeping_area_seen: true,
            others_present: Some(OthersPresent {
                known_adults: a.known_adults.iter().map(|p| p.id).collect(),
                ..Default::default()
            }),
            adults_present_when_spoken_to: 0,
            engagement: Some(Engagement::Partial),
            concerns: vec![
                "Mother's partner now stays most nights; not previously declared as living here."
                    .into(),
            ],
            actions_agreed: vec![
                "Tell the allocated social worker today; raise at the core group on Thursday."
                    .into(),
            ],
            ..Default::default()
        },
    )?;
    clock.set(at(today, 10, 0)?);
    store.checkout_visit(visit_a)?;
    if human {
        outln!(
            "Checked in at 09:02; recorded at 09:58 with the mother's partner named as present; \
             checked out at 10:00 (recording in the home does not end lone working: only the \
             check-out does)."
        );
        print_recorded(&home_visit);
    }

    // 10:30 virtual visit, family B: first without who else was present.
    section(
        human,
        "4. 10:30 virtual visit: the core refuses it without \"who else was present\"",
    );
    clock.set(at(today, 10, 31)?);
    store.start_visit(visit_b)?;
    clock.set(at(today, 10, 58)?);
    let seen_on_video = VisitOutcome {
        child_seen: true,
        not_alone_reason: Some("Baby seen on camera in mother's arms.".into()),
        engagement: Some(Engagement::Good),
        ..Default::default()
    };
    let virtual_refusal = match store.complete_visit(visit_b, seen_on_video.clone()) {
        Err(StoreError::Validation(issues)) => issues,
        Ok(_) => bail!("the core accepted a virtual visit without who else was present"),
        Err(e) => return Err(e.into()),
    };
    if human {
        outln!("First attempt, without recording who else was in the home:");
        for i in &virtual_refusal {
            outln!("  REFUSED: {}", i.message);
        }
        outln!("Nothing was saved. The practitioner asks, and records what was heard:");
    }
    clock.set(at(today, 11, 0)?);
    let virtual_visit = store.complete_visit(
        visit_b,
        VisitOutcome {
            others_present: Some(OthersPresent {
                known_adults: Vec::new(),
                unknown_adults: 1,
                unknown_descriptions: vec![
                    "Man's voice off camera; mother said a friend was visiting.".into(),
                ],
            }),
            concerns: vec!["Unknown adult present during the call; identity not confirmed.".into()],
            actions_agreed: vec!["Face-to-face home visit within 5 working days.".into()],
            ..seen_on_video
        },
    )?;
    store.checkout_visit(visit_b)?;
    if human {
        print_recorded(&virtual_visit);
    }

    // 12:00 unannounced visit, family C: no access, the second in a row.
    section(human, "5. 12:00 unannounced home visit: no access");
    clock.set(at(today, 12, 10)?);
    let no_access_visit = store.record_no_access(
        visit_c,
        UnsuccessfulVisit {
            reason:
                "No answer at front or back door; dog barking; neighbour says the family are in."
                    .into(),
            follow_up_action:
                "Phone mother this afternoon; joint visit with the social worker tomorrow.".into(),
        },
    )?;
    if human {
        print_recorded(&no_access_visit);
        outln!(
            "=> {} consecutive visits without seeing the child on this case.",
            no_access_visit.consecutive_no_access
        );
    }

    // A case note, then a correction that keeps the original.
    section(
        human,
        "6. A significant case note, then an amendment (both versions are kept)",
    );
    clock.set(at(today, 12, 25)?);
    let original = store.add_note(
        c.case.id,
        "Unannounced visit 12:00: no answer. Car on the drive. Spoke to neighbour at no. 35 who said the family were at home.",
        true,
    )?;
    clock.set(at(today, 13, 5)?);
    store.amend_note(
        original.id,
        "Correction: the neighbour was at no. 39, not no. 35. Otherwise as recorded: no answer at 12:00, car on the drive, neighbour said the family were at home.",
        None,
    )?;
    let note = store
        .notes(c.case.id)?
        .into_iter()
        .find(|t| t.original.id == original.id);
    let Some(note) = note else {
        bail!("the demo note was not found");
    };
    if human {
        print_threads(std::slice::from_ref(&note));
    }

    // The RAG rating goes up, with the reason.
    section(human, "7. RAG change, with the reason");
    clock.set(at(today, 13, 10)?);
    let rag_case = store.set_rag(
        c.case.id,
        Rag::Red,
        "Two consecutive no-access visits; Maisie not seen for 30 days; mother 34 weeks pregnant. Discussed with the safeguarding supervisor.",
    )?;
    if human {
        print_rag_history(&rag_case);
    }

    section(human, "8. The child's chronology (Maisie Thorley)");
    let chronology = store.chronology(c.child.id, &ChronologyFilter::default())?;
    if human {
        print_chronology(&chronology);
    }

    clock.set(at(today, 13, 15)? + mins(0));
    section(human, "9. The day list after lunch");
    let evening_list = store.today()?;
    if human {
        print_day(&evening_list);
    }

    section(human, "10. verify");
    let verify = store.verify()?;
    if human {
        crate::cmd::store_admin::print_report(&verify);
        outln!(
            "(child A's id: {}, case {}; child C's id: {}, case {})",
            short(a.child.id),
            short(a.case.id),
            short(c.child.id),
            short(c.case.id)
        );
    }
    Ok(DayResult {
        departure_refusal,
        morning_list,
        home_visit,
        virtual_refusal,
        virtual_visit,
        no_access_visit,
        note,
        rag_case,
        chronology,
        evening_list,
        verify,
    })
}
