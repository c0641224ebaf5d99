//! The family copy's record through the real server: the "share with family" marks sync like the
//! visit's other fields, and copies given on two devices while offline both reach every device's
//! chronology (a grow-only set, never last-writer-wins).

use doorstep_core::domain::{
    Agency, ChronologyFilter, ChronologyKind, FamilyShare, NewPerson, NewVisit, PersonRole,
    ShareableAnswer, VisitKind, VisitOutcome,
};
use doorstep_core::Store;
use doorstep_tests::sync_env::{quick, transport};
use doorstep_tests::sync_world::{family, World};

fn copies(s: &Store, child: doorstep_core::domain::PersonId) -> Vec<String> {
    s.chronology(
        child,
        &ChronologyFilter {
            kinds: vec![ChronologyKind::CopyGiven],
            ..ChronologyFilter::default()
        },
    )
    .expect("chronology")
    .into_iter()
    .map(|e| e.summary)
    .collect()
}

#[test]
fn marks_sync_and_copies_given_offline_on_two_devices_both_reach_the_chronology() {
    let w = World::new(true);
    let hv = w.practitioner("Health Visitor", Agency::HealthVisiting);
    let a = w.device(&hv, "a");
    let (child, case) = family(&a, 1, false);
    let household = a.case(case).expect("case").household_id;
    let mother = a
        .add_person(NewPerson {
            household_id: household,
            role: PersonRole::ParentCarer,
            name: "Parent One".into(),
            date_of_birth: None,
            expected_date: None,
            relationship: Some("mother".into()),
        })
        .expect("mother");
    let v = a
        .plan_visit(NewVisit {
            case_id: case,
            kind: VisitKind::AnnouncedHome,
            planned_for: doorstep_core::Clock::now(w.clock.as_ref()),
            expected_minutes: 60,
            departure_reason: None,
        })
        .expect("visit");
    a.complete_visit(
        v.id,
        VisitOutcome {
            child_seen: true,
            others_present: Some(Default::default()),
            concerns: vec!["teething".into()],
            ..Default::default()
        },
    )
    .expect("complete");
    let share = FamilyShare {
        answers: vec![ShareableAnswer::Concerns],
        ..FamilyShare::default()
    };
    a.set_family_share(v.id, share.clone()).expect("marks");
    a.sync(&transport(), None, quick()).expect("sync a");

    // The same practitioner's second device receives the marks.
    let c = w.device(&hv, "c");
    c.sync(&transport(), None, quick()).expect("sync c");
    assert_eq!(c.visit(v.id).expect("visit on c").family_share, share);

    // Both devices give a copy while offline, then sync in turn.
    let review = a.family_summary(v.id, mother.id).expect("review on a");
    assert_eq!(
        review,
        c.family_summary(v.id, mother.id).expect("review on c"),
        "both devices would print the same copy"
    );
    a.give_family_copy(v.id, mother.id, false, &review.fingerprint)
        .expect("copy on a");
    c.give_family_copy(v.id, mother.id, true, &review.fingerprint)
        .expect("copy on c");
    for s in [&a, &c, &a] {
        let r = s.sync(&transport(), None, quick()).expect("sync");
        assert_eq!(r.parked, 0);
    }
    let on_a = copies(&a, child);
    assert_eq!(on_a.len(), 2, "{on_a:?}");
    assert_eq!(on_a, copies(&c, child));
    assert!(on_a.iter().any(|s| s.contains("(large print)")));
    // The sealed copies themselves stay on the device that produced each.
    assert_eq!(a.family_copies(v.id).expect("a").len(), 1);
    assert_eq!(c.family_copies(v.id).expect("c").len(), 1);
}
