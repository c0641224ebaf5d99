//! The one definition of due and overdue.
#[path = "planning_common/mod.rs"]
mod common;
use common::*;
use doorstep_core::domain::{PlanType, Rag, VisitKind};
use doorstep_core::planning::*;

fn items(c: &ChildFacts, p: &Policy, today: chrono::NaiveDate) -> Vec<DueItem> {
    due_items(c, p, &BankHolidays::official(), today).unwrap()
}

#[test]
fn child_protection_due_in_working_days_across_christmas() {
    let mut c = child(PlanType::ChildProtection, Rag::Green, date(2026, 11, 2));
    c.visits
        .push(seen(date(2026, 12, 18), VisitKind::AnnouncedHome));
    let it = items(&c, &Policy::default(), date(2026, 12, 21));
    assert_eq!(it.len(), 1);
    let i = &it[0];
    assert_eq!(i.requirement, Requirement::Periodic);
    // 10 working days after Fri 18 Dec 2026, skipping 25 and 28 Dec and 1 Jan.
    assert_eq!(i.due, date(2027, 1, 6));
    // The window opens after half the interval (5 working days).
    assert_eq!(i.earliest, date(2026, 12, 29));
    assert_eq!(i.contact, ContactRequirement::FaceToFace);
    assert!(i.see_alone);
    assert_eq!(i.status, DueStatus::Upcoming);
    // Overdue is counted in working days: Fri 8 Jan 2027 is 2 working days late.
    let late = items(&c, &Policy::default(), date(2027, 1, 8));
    assert_eq!(late[0].status, DueStatus::Overdue { days: 2 });
    assert_eq!(
        items(&c, &Policy::default(), date(2027, 1, 6))[0].status,
        DueStatus::Due
    );
    assert_eq!(
        items(&c, &Policy::default(), date(2027, 1, 4))[0].status,
        DueStatus::DueSoon
    );
}

#[test]
fn policy_interval_is_a_value() {
    let mut p = Policy::default();
    p.child_protection.interval = Some(Interval::working_days(15));
    let mut c = child(PlanType::ChildProtection, Rag::Green, date(2026, 11, 2));
    c.visits
        .push(seen(date(2026, 11, 2), VisitKind::AnnouncedHome));
    assert_eq!(items(&c, &p, date(2026, 11, 3))[0].due, date(2026, 11, 23));
}

#[test]
fn rag_red_is_stricter_than_child_in_need() {
    let mut c = child(PlanType::ChildInNeed, Rag::Red, date(2026, 11, 2));
    c.visits
        .push(seen(date(2026, 11, 4), VisitKind::AnnouncedHome));
    let i = &items(&c, &Policy::default(), date(2026, 11, 5))[0];
    assert_eq!(i.due, date(2026, 11, 11));
    assert!(i.why.contains("RAG red"));
    c.rag = Rag::Green;
    let i = &items(&c, &Policy::default(), date(2026, 11, 5))[0];
    assert_eq!(i.due, date(2026, 12, 2)); // 20 working days beats a month
    assert_eq!(i.contact, ContactRequirement::FaceToFace);
}

#[test]
fn virtual_contact_counts_only_when_allowed_or_departure_recorded() {
    let mut c = child(PlanType::TargetedEarlyHelp, Rag::Amber, date(2026, 11, 2));
    c.visits
        .push(seen(date(2026, 11, 2), VisitKind::AnnouncedHome));
    c.visits.push(seen(date(2026, 11, 9), VisitKind::Virtual));
    // Amber requires face to face: the virtual contact does not count.
    assert_eq!(
        items(&c, &Policy::default(), date(2026, 11, 10))[0].basis,
        Some(date(2026, 11, 2))
    );
    c.visits[1].departure_reason_recorded = true;
    assert_eq!(
        items(&c, &Policy::default(), date(2026, 11, 10))[0].basis,
        Some(date(2026, 11, 9))
    );
    // Green allows virtual; a telephone call never counts.
    c.rag = Rag::Green;
    c.visits[1].departure_reason_recorded = false;
    c.visits
        .push(seen(date(2026, 11, 10), VisitKind::Telephone));
    let i = &items(&c, &Policy::default(), date(2026, 11, 11))[0];
    assert_eq!(i.basis, Some(date(2026, 11, 9)));
    assert_eq!(i.contact, ContactRequirement::VirtualAllowed);
}

#[test]
fn unannounced_chance_and_bedroom_follow_the_visit_pattern() {
    let p = Policy::default(); // CP: 25% a visit, never more than 8 announced; bedroom alternate
    let rule = p.child_protection.unannounced.unwrap();
    let mut c = child(PlanType::ChildProtection, Rag::Green, date(2026, 10, 1));
    let first = &items(&c, &p, date(2026, 10, 2))[0];
    assert!(!first.unannounced);
    assert_eq!(first.unannounced_chance, Some(rule.chance_after(0)));
    assert!(first.see_bedroom); // never seen
    c.visits
        .push(seen(date(2026, 10, 5), VisitKind::AnnouncedHome));
    let i = &items(&c, &p, date(2026, 10, 6))[0];
    assert!(!i.see_bedroom); // seen last time
    assert_eq!(i.unannounced_chance, Some(rule.chance_after(1)));
    c.visits.push(VisitFact {
        sleeping_area_seen: false,
        ..seen(date(2026, 10, 15), VisitKind::AnnouncedHome)
    });
    let i = &items(&c, &p, date(2026, 10, 16))[0];
    assert!(i.see_bedroom, "not seen last time");
    // The chance rises with the run of announced visits; after the longest run it is certain.
    let mut last = 0.0;
    for r in 0..=rule.max_announced_run {
        let ch = rule.chance_after(r).value();
        assert!(ch > last, "{r}: {ch}");
        last = ch;
    }
    assert!(rule.chance_after(rule.max_announced_run).is_certain());
    for k in 0..6 {
        c.visits.push(seen(
            date(2026, 10, 26) + chrono::Duration::weeks(k),
            VisitKind::AnnouncedHome,
        ));
    }
    let i = &items(&c, &p, date(2026, 12, 8))[0];
    assert!(
        i.unannounced,
        "8 announced in a row: the next must be unannounced"
    );
    c.visits
        .push(seen(date(2026, 12, 9), VisitKind::UnannouncedHome));
    let i = &items(&c, &p, date(2026, 12, 10))[0];
    assert!(!i.unannounced);
    assert_eq!(i.unannounced_chance, Some(rule.chance_after(0)));
    // Child in need (social work) has a rule too; the health-visiting policy keeps it for
    // child protection.
    assert!(Policy::default().child_in_need.unannounced.is_some());
    assert!(Policy::health_visiting()
        .child_protection
        .unannounced
        .is_some());
}

#[test]
fn reg_28_placement_first_year_then_by_the_placement_intention() {
    let p = Policy::default();
    let mut c = child(PlanType::LookedAfter, Rag::Green, date(2026, 1, 5));
    c.looked_after_since = Some(date(2026, 1, 5));
    c.placement_date = Some(date(2026, 3, 2));
    c.visits
        .push(seen(date(2026, 2, 16), VisitKind::AnnouncedHome));
    // Reg. 28(2)(a): within a week of the placement.
    let i = &items(&c, &p, date(2026, 3, 3))[0];
    assert_eq!(i.requirement, Requirement::PlacementVisit);
    assert_eq!((i.earliest, i.due), (date(2026, 3, 2), date(2026, 3, 9)));
    c.visits
        .push(seen(date(2026, 3, 6), VisitKind::AnnouncedHome));
    let i = &items(&c, &p, date(2026, 3, 9))[0];
    assert_eq!(i.requirement, Requirement::Periodic);
    // A green RAG month is shorter than six weeks: the stricter rule applies.
    assert_eq!(i.due, date(2026, 4, 6));
    // Reg. 28(2)(b): 6-weekly in the placement's first year.
    let mut p2 = Policy::default();
    p2.rag_plans.clear();
    assert_eq!(items(&c, &p2, date(2026, 3, 9))[0].due, date(2026, 4, 17));
    // Still the placement's first year (it began on 2 March 2026), although the child has been
    // looked after for more than a year: 6-weekly.
    c.placement_intended_until_18 = true;
    c.visits
        .push(seen(date(2027, 2, 1), VisitKind::AnnouncedHome));
    assert_eq!(items(&c, &p2, date(2027, 2, 2))[0].due, date(2027, 3, 15));
    // Reg. 28(2)(c): after the first year, 3-monthly when intended to last until 18 ...
    c.visits
        .push(seen(date(2027, 3, 8), VisitKind::AnnouncedHome));
    assert_eq!(items(&c, &p2, date(2027, 3, 9))[0].due, date(2027, 6, 8));
    // ... otherwise 6-weekly stays.
    c.placement_intended_until_18 = false;
    assert_eq!(items(&c, &p2, date(2027, 3, 9))[0].due, date(2027, 4, 19));
    // A new placement: a visit within a week, and its own first year (6-weekly) again.
    c.placement_intended_until_18 = true;
    c.placement_date = Some(date(2027, 4, 1));
    let i = &items(&c, &p2, date(2027, 4, 2))[0];
    assert_eq!(i.requirement, Requirement::PlacementVisit);
    assert_eq!(i.due, date(2027, 4, 8));
    c.visits
        .push(seen(date(2027, 4, 6), VisitKind::AnnouncedHome));
    assert_eq!(items(&c, &p2, date(2027, 4, 7))[0].due, date(2027, 5, 18));
}

#[test]
fn healthy_child_programme_contacts_from_dates() {
    let p = Policy::health_visiting();
    let mut c = child(PlanType::Universal, Rag::Green, date(2026, 1, 1));
    c.expected_date = Some(date(2026, 6, 1));
    let it = items(&c, &p, date(2026, 2, 20));
    assert_eq!(it.len(), 1);
    assert_eq!(it[0].requirement, Requirement::Hcp(HcpContact::Antenatal));
    assert_eq!(it[0].earliest, date(2026, 3, 9)); // 28 weeks = 12 weeks before the due date
    assert_eq!(it[0].due, date(2026, 5, 4)); // 36 weeks
                                             // Born on 2 June 2026: new birth visit 10-14 days; 6-8 weeks listed once in the lookahead.
    c.expected_date = None;
    c.date_of_birth = Some(date(2026, 6, 2));
    let it = items(&c, &p, date(2026, 6, 13));
    let reqs: Vec<_> = it
        .iter()
        .map(|i| (i.requirement, i.earliest, i.due))
        .collect();
    assert_eq!(
        reqs,
        vec![
            (
                Requirement::Hcp(HcpContact::NewBirth),
                date(2026, 6, 12),
                date(2026, 6, 16)
            ),
            (
                Requirement::Hcp(HcpContact::SixToEightWeeks),
                date(2026, 7, 14),
                date(2026, 7, 28)
            ),
        ]
    );
    // Once the new birth visit is recorded, only the 6-8 week review remains.
    c.visits
        .push(seen(date(2026, 6, 14), VisitKind::AnnouncedHome));
    let it = items(&c, &p, date(2026, 6, 20));
    assert_eq!(it.len(), 1);
    assert_eq!(
        it[0].requirement,
        Requirement::Hcp(HcpContact::SixToEightWeeks)
    );
    // 9-12 months and 2-2.5 years.
    let it = items(&c, &p, date(2027, 3, 3));
    assert_eq!(
        (it[0].earliest, it[0].due),
        (date(2027, 3, 2), date(2027, 6, 2))
    );
    let it = items(&c, &p, date(2028, 6, 3));
    assert_eq!(it[0].requirement, Requirement::Hcp(HcpContact::TwoYear));
    assert_eq!(it[0].due, date(2028, 12, 2));
    // Social care does not plan HCP contacts.
    assert!(items(&c, &Policy::default(), date(2026, 6, 13)).is_empty());
}

#[test]
fn invalid_policy_is_an_error_not_a_panic() {
    let mut p = Policy::default();
    p.child_protection.interval = Some(Interval::working_days(0));
    let c = child(PlanType::ChildProtection, Rag::Green, date(2026, 1, 1));
    assert!(matches!(
        due_items(&c, &p, &BankHolidays::official(), date(2026, 1, 2)),
        Err(PlanningError::Policy(_))
    ));
    // Dates at the edge of the calendar give an error, not a panic.
    let mut c = child(
        PlanType::ChildProtection,
        Rag::Green,
        chrono::NaiveDate::MAX,
    );
    c.date_of_birth = Some(chrono::NaiveDate::MAX);
    assert!(due_items(
        &c,
        &Policy::health_visiting(),
        &BankHolidays::official(),
        chrono::NaiveDate::MAX
    )
    .is_err());
}

#[test]
fn facts_from_stored_records() {
    use doorstep_core::domain::{
        Case, HouseholdId, Person, PersonId, PersonRole, PractitionerId, Visit, VisitId,
        VisitOutcome, VisitStatus,
    };
    let household = HouseholdId::random();
    let person = Person {
        id: PersonId::random(),
        household_id: household,
        role: PersonRole::Unborn,
        name: "Baby".into(),
        date_of_birth: None,
        expected_date: Some(date(2027, 3, 1)),
        relationship: None,
    };
    let case = Case {
        id: case_id(9),
        child_id: person.id,
        household_id: household,
        allocated_to: PractitionerId::random(),
        plan: PlanType::ChildProtection,
        rag: Rag::Amber,
        rag_history: Vec::new(),
        opened_at: local(2026, 11, 2, 0, 30), // 00:30 GMT: still 2 Nov in London
        consecutive_no_access: 0,
        rag_review: false,
        notes_heads: Default::default(),
        placement_date: None,
        looked_after_since: None,
        placement_intended_until_18: false,
        supervisions: Vec::new(),
    };
    let at = local(2026, 11, 10, 10, 0);
    let visit = Visit {
        id: VisitId::random(),
        case_id: case.id,
        practitioner_id: case.allocated_to,
        kind: VisitKind::UnannouncedHome,
        planned_for: at,
        expected_minutes: 45,
        status: VisitStatus::Completed,
        started_at: Some(at),
        checked_out_at: None,
        ended_at: Some(at + chrono::Duration::minutes(50)),
        outcome: Some(VisitOutcome {
            child_seen: true,
            child_spoken_to_alone: true,
            sleeping_area_seen: true,
            ..VisitOutcome::default()
        }),
        unsuccessful: None,
        departure_reason: None,
        family_share: Default::default(),
        copies_given: Vec::new(),
    };
    let mut other = visit.clone();
    other.case_id = case_id(10);
    let f = ChildFacts::from_records(&case, &person, &[visit, other]);
    assert_eq!(f.opened_on, date(2026, 11, 2));
    assert_eq!(
        (f.date_of_birth, f.expected_date),
        (None, Some(date(2027, 3, 1)))
    );
    assert_eq!(f.visits.len(), 1);
    let v = &f.visits[0];
    assert!(v.child_seen && v.child_seen_alone && v.sleeping_area_seen && v.seen_face_to_face());
    assert_eq!(v.date(), date(2026, 11, 10));
    let i = &items(&f, &Policy::default(), date(2026, 11, 11))[0];
    assert_eq!(i.basis, Some(date(2026, 11, 10)));
    assert!(!i.unannounced && !i.see_bedroom);
}

#[test]
fn a_mandated_contact_long_past_is_reported_missed_not_planned() {
    // A five-year-old never had the 2–2½ year review: planning it now would crowd out children
    // who can still be seen in time, so it is an alert (missed), not a due item.
    let mut c = child(PlanType::Universal, Rag::Green, date(2021, 6, 1));
    c.date_of_birth = Some(date(2021, 6, 1));
    let today = date(2026, 11, 30);
    let it = items(&c, &Policy::health_visiting(), today);
    assert!(
        it.iter()
            .all(|i| !matches!(i.requirement, Requirement::Hcp(_))),
        "{it:?}"
    );
    let alerts = alerts(
        &[c],
        &Policy::health_visiting(),
        &BankHolidays::official(),
        local(2026, 11, 30, 9, 0),
    )
    .unwrap();
    assert!(
        alerts
            .iter()
            .any(|a| a.kind == AlertKind::MandatedContactMissed
                && a.contacts.contains(&HcpContact::TwoYear)),
        "{alerts:?}"
    );
}

#[test]
fn a_child_protection_plan_keeps_its_visit_requirements_when_the_rag_rule_sets_the_interval() {
    // Under the health-visiting policy the plan sets no frequency of its own; the RAG rating does.
    // What the plan asks of each visit (the child seen alone) still holds.
    let mut p = Policy::health_visiting();
    p.child_protection.interval = None;
    p.child_protection.see_alone = true;
    if !p.rag_plans.contains(&PlanType::ChildProtection) {
        p.rag_plans.push(PlanType::ChildProtection);
    }
    let c = child(PlanType::ChildProtection, Rag::Red, date(2026, 11, 2));
    let it = items(&c, &p, date(2026, 11, 3));
    let periodic = it
        .iter()
        .find(|i| i.requirement == Requirement::Periodic)
        .expect("a periodic item");
    assert!(periodic.see_alone);
}

#[test]
fn settings_saved_with_the_old_one_in_k_rule_keep_unannounced_visits() {
    let old = r#"{"interval":{"count":10,"unit":"working_days"},"contact":"face_to_face","see_alone":true,"bedroom_every":2,"unannounced_every":3}"#;
    let rule: PlanRule = serde_json::from_str(old).unwrap();
    let u = rule.unannounced.expect("kept");
    assert_eq!((u.percent, u.max_announced_run), (33, 6));
    assert!(u.long_run_share() >= 1.0 / 3.0);
    // A rule saved now round-trips.
    let now = Policy::default().child_protection;
    let back: PlanRule = serde_json::from_str(&serde_json::to_string(&now).unwrap()).unwrap();
    assert_eq!(back, now);
}
