//! Planning through the store: the settings, the departure rule, the plan (stored, booked,
//! re-planned when something happens), the due list and the alerts, on real files.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use doorstep_core::crypto::SoftwareKeyProvider;
use doorstep_core::domain::{
    Agency, CaseId, IssueCode, NewCase, NewHousehold, NewPerson, NewPractitioner, NewVisit,
    PersonRole, PlanType, Rag, UnsuccessfulVisit, VisitKind, VisitOutcome,
};
use doorstep_core::planning::{AlertKind, DueStatus};
use doorstep_core::{FixedClock, Store, StoreError, UnlockMethods};
use std::sync::Arc;

struct World {
    _dir: tempfile::TempDir,
    store: Store,
    clock: Arc<FixedClock>,
    cases: Vec<CaseId>,
}

/// A social worker with `n` children on child protection plans (red), opened `opened` (a month
/// before Monday 2026-11-02, when the clock then stands, or on that morning).
fn world_opened(n: usize, month_ago: bool) -> World {
    let dir = tempfile::tempdir().unwrap();
    let opened = if month_ago {
        Utc.with_ymd_and_hms(2026, 10, 5, 8, 0, 0)
    } else {
        Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0)
    };
    let clock = Arc::new(FixedClock::new(opened.unwrap()));
    let store = Store::create(
        dir.path(),
        UnlockMethods {
            passphrase: None,
            provider: Some(Arc::new(SoftwareKeyProvider::from_bytes([3; 32]))),
        },
        NewPractitioner {
            name: "Social Worker".into(),
            agency: Agency::SocialCare,
            team: None,
        },
        clock.clone(),
    )
    .unwrap();
    let mut cases = Vec::new();
    for i in 0..n {
        let h = store
            .add_household(NewHousehold {
                address: format!("{i} Test Street"),
                ..Default::default()
            })
            .unwrap();
        let child = store
            .add_person(NewPerson {
                household_id: h.id,
                role: PersonRole::Child,
                name: format!("Child {i}"),
                date_of_birth: NaiveDate::from_ymd_opt(2022, 1, 1),
                expected_date: None,
                relationship: None,
            })
            .unwrap();
        cases.push(
            store
                .open_case(NewCase {
                    child_id: child.id,
                    plan: PlanType::ChildProtection,
                    rag: Rag::Red,
                    rag_reason: "strategy meeting".into(),
                    allocated_to: None,
                })
                .unwrap()
                .id,
        );
    }
    clock.set(Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).unwrap());
    World {
        _dir: dir,
        store,
        clock,
        cases,
    }
}

fn world(n: usize) -> World {
    world_opened(n, true)
}

#[test]
fn a_virtual_visit_for_a_child_who_must_be_seen_face_to_face_needs_a_reason() {
    let w = world(1);
    let at = Utc.with_ymd_and_hms(2026, 11, 3, 10, 0, 0).unwrap();
    let new = |reason: Option<&str>| NewVisit {
        case_id: w.cases[0],
        kind: VisitKind::Virtual,
        planned_for: at,
        expected_minutes: 30,
        departure_reason: reason.map(str::to_string),
    };
    match w.store.plan_visit(new(None)) {
        Err(StoreError::Validation(issues)) => {
            assert_eq!(issues[0].code, IssueCode::DepartureReasonRequired)
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let v = w
        .store
        .plan_visit(new(Some(
            "family isolating with covid; face-to-face booked for Friday",
        )))
        .unwrap();
    assert!(v.departure_reason.is_some());
    // A telephone call is never counted as a visit, so it is not a departure.
    w.store
        .plan_visit(NewVisit {
            kind: VisitKind::Telephone,
            departure_reason: None,
            ..new(None)
        })
        .unwrap();
}

#[test]
fn the_plan_covers_every_child_is_stored_booked_and_goes_stale_when_a_visit_happens() {
    let w = world_opened(6, false);
    assert!(w.store.stored_plan().unwrap().is_none());
    let view = w.store.plan(4, true).unwrap();
    assert!(!view.stale);
    for case in &w.cases {
        assert!(
            view.plan.lines.iter().any(|l| l.slot.case == *case),
            "a child has no planned visit"
        );
    }
    assert!(
        view.plan.shortfalls.is_empty(),
        "{:?}",
        view.plan.shortfalls
    );
    assert!(
        view.plan.lines.iter().all(|l| l.visit_id.is_some()),
        "every slot was booked"
    );
    // A child protection plan has unannounced visits by default: every regular visit carries
    // its chance (the draw itself is random, so which visits are unannounced is not asserted).
    for entry in w.store.due().unwrap() {
        assert!(
            entry.items[0].unannounced_chance.is_some(),
            "a child protection plan needs unannounced visits"
        );
    }
    let stored = w.store.stored_plan().unwrap().unwrap();
    assert!(!stored.stale);
    assert_eq!(stored.plan.lines.len(), view.plan.lines.len());

    // Booked visits stay put when re-planned.
    let again = w.store.plan(4, false).unwrap();
    let first_booked: Vec<_> = view
        .plan
        .lines
        .iter()
        .filter(|l| l.slot.round == 1)
        .map(|l| (l.slot.case, l.slot.start))
        .collect();
    for b in &first_booked {
        assert!(
            again
                .plan
                .lines
                .iter()
                .any(|l| (l.slot.case, l.slot.start) == *b && l.slot.booked),
            "a booked visit moved"
        );
    }

    // Recording a visit marks the stored plan stale.
    let first = view.plan.lines[0].visit_id.unwrap();
    w.clock.set(view.plan.lines[0].slot.start);
    w.store.start_visit(first).unwrap();
    w.store
        .complete_visit(
            first,
            VisitOutcome {
                child_seen: true,
                child_seen_alone: true,
                ..Default::default()
            },
        )
        .unwrap();
    assert!(w.store.stored_plan().unwrap().unwrap().stale);
}

#[test]
fn capacity_short_reports_every_child_who_will_miss_their_date() {
    let w = world_opened(12, false);
    let mut settings = w.store.planning_settings().unwrap();
    settings.capacity.max_visits_per_day = 1;
    w.store.save_planning_settings(&settings).unwrap();
    let view = w.store.plan(2, false).unwrap();
    let planned: std::collections::BTreeSet<_> = view
        .plan
        .lines
        .iter()
        .filter(|l| l.slot.round == 1)
        .map(|l| l.slot.case)
        .collect();
    let short: std::collections::BTreeSet<_> =
        view.plan.shortfalls.iter().map(|s| s.case).collect();
    for case in &w.cases {
        assert!(
            planned.contains(case) || short.contains(case),
            "a child was dropped silently"
        );
    }
    assert!(!short.is_empty());
    // Late visits the planner had to place beyond the horizon are shortfalls, not plan lines.
    assert!(view
        .plan
        .lines
        .iter()
        .all(|l| doorstep_core::time::local_date(l.slot.start) <= view.plan.horizon_end));
    assert!(view
        .plan
        .shortfalls
        .iter()
        .all(|s| s.days_late.is_some() || s.best_possible.is_none()));
}

#[test]
fn bad_settings_are_refused_and_nothing_changes() {
    let w = world(1);
    let before = w.store.planning_settings().unwrap();
    let mut bad = before.clone();
    bad.capacity.max_visits_per_day = 0;
    assert!(w.store.save_planning_settings(&bad).is_err());
    assert_eq!(w.store.planning_settings().unwrap(), before);
    assert!(w.store.plan(0, false).is_err());
    assert!(w.store.plan(27, false).is_err());
}

#[test]
fn due_and_alerts_share_one_definition_and_lone_working_comes_first() {
    let w = world(2);
    let due = w.store.due().unwrap();
    assert_eq!(due.len(), 2);
    // Opened a month ago, never visited: overdue.
    assert!(
        due.iter()
            .all(|d| matches!(d.items[0].status, DueStatus::Overdue { .. })),
        "{due:?}"
    );
    let alerts = w.store.alerts().unwrap();
    assert!(alerts.iter().any(
        |a| a.alert.kind == AlertKind::VisitOverdue || a.alert.kind == AlertKind::ChildNotSeen
    ));

    // Check in and stay past the expected length plus grace: the overdue practitioner is first.
    let at = Utc.with_ymd_and_hms(2026, 11, 2, 10, 0, 0).unwrap();
    let v = w
        .store
        .plan_visit(NewVisit {
            case_id: w.cases[0],
            kind: VisitKind::UnannouncedHome,
            planned_for: at,
            expected_minutes: 60,
            departure_reason: None,
        })
        .unwrap();
    w.clock.set(at);
    w.store.start_visit(v.id).unwrap();
    w.clock.set(at + Duration::minutes(200));
    let alerts = w.store.alerts().unwrap();
    assert!(
        matches!(alerts[0].alert.kind, AlertKind::LoneWorkerOverdue { .. }),
        "{:?}",
        alerts[0]
    );
    assert_eq!(
        alerts[0].child.as_ref().map(|c| c.case_id),
        Some(w.cases[0])
    );
    // Recording the visit from inside the home does not stop the timer: the practitioner has
    // not said they are out.
    w.store
        .record_no_access(
            v.id,
            UnsuccessfulVisit {
                reason: "no answer at the door".into(),
                follow_up_action: "call and revisit tomorrow".into(),
            },
        )
        .unwrap();
    assert!(w
        .store
        .alerts()
        .unwrap()
        .iter()
        .any(|a| matches!(a.alert.kind, AlertKind::LoneWorkerOverdue { .. })));
    // Checking out stops it, whether or not the record is written.
    w.store.checkout_visit(v.id).unwrap();
    assert!(!w
        .store
        .alerts()
        .unwrap()
        .iter()
        .any(|a| matches!(a.alert.kind, AlertKind::LoneWorkerOverdue { .. })));
}

#[test]
fn two_visits_without_access_prompt_professional_curiosity() {
    let w = world(1);
    for day in [3, 5] {
        let at = Utc.with_ymd_and_hms(2026, 11, day, 10, 0, 0).unwrap();
        let v = w
            .store
            .plan_visit(NewVisit {
                case_id: w.cases[0],
                kind: VisitKind::UnannouncedHome,
                planned_for: at,
                expected_minutes: 60,
                departure_reason: None,
            })
            .unwrap();
        w.clock.set(at);
        w.store
            .record_no_access(
                v.id,
                UnsuccessfulVisit {
                    reason: "no answer".into(),
                    follow_up_action: "return tomorrow".into(),
                },
            )
            .unwrap();
    }
    let alerts = w.store.alerts().unwrap();
    let a = alerts
        .iter()
        .find(|a| a.alert.kind == AlertKind::Disengagement)
        .expect("a disengagement prompt");
    assert!(a.alert.prompts.len() >= 3, "{:?}", a.alert.prompts);
}

#[test]
fn hand_booked_unannounced_visits_on_one_weekday_are_warned_and_the_warning_is_stored() {
    // A practitioner books five unannounced visits by hand, all on Tuesdays at varied hours.
    let w = world(1);
    let first_tuesday = NaiveDate::from_ymd_opt(2026, 11, 3).unwrap();
    for k in 0..5u32 {
        let day = first_tuesday + Duration::weeks(i64::from(k));
        let at = doorstep_core::time::from_local(day, 9 + k, 30).unwrap();
        w.store
            .plan_visit(NewVisit {
                case_id: w.cases[0],
                kind: VisitKind::UnannouncedHome,
                planned_for: at,
                expected_minutes: 60,
                departure_reason: None,
            })
            .unwrap();
    }
    let view = w.store.plan(4, false).unwrap();
    let warning = view
        .plan
        .warnings
        .iter()
        .find(|x| x.case == w.cases[0] && x.dimension == "weekday")
        .expect("a weekday pattern warning");
    assert_eq!((warning.value.as_str(), warning.matching), ("Tuesday", 5));
    assert!(warning.message.contains('%'), "{}", warning.message);
    let stored = w.store.stored_plan().unwrap().unwrap();
    assert_eq!(stored.plan.warnings, view.plan.warnings);
    let screen = doorstep_core::view::PlanScreen::build(&stored);
    assert!(
        screen.pattern_warnings[0].contains("Tuesday"),
        "{:?}",
        screen.pattern_warnings
    );
}
