//! Alerts through the store on real files: what a lone-working alert says as the check-in travels
//! (on this phone only, queued, on the server, a colleague's), that no setting can make it promise
//! a monitor (only the server's word can), and the digest.

use chrono::Duration;
use doorstep_core::domain::{Agency, NewVisit, VisitKind};
use doorstep_core::planning::{AlertKind, DIGEST_TOP};
use doorstep_core::store::AlertView;
use doorstep_core::{Clock, FixedClock, Store};
use doorstep_server::admin;
use doorstep_tests::sync_env::{quick, transport};
use doorstep_tests::sync_world::{family, World};
use std::sync::Arc;

/// A social worker's store, not enrolled with any server, with one family, on a clock of its own.
fn unenrolled_with_case(
    dir: &std::path::Path,
) -> (Store, Arc<FixedClock>, doorstep_core::domain::CaseId) {
    let clock = doorstep_tests::stores::clock();
    let s = Store::create(
        dir,
        doorstep_core::UnlockMethods {
            passphrase: None,
            provider: Some(doorstep_tests::stores::provider([5; 32])),
        },
        doorstep_core::domain::NewPractitioner {
            name: "Sam Okafor".into(),
            agency: Agency::SocialCare,
            team: None,
        },
        clock.clone(),
    )
    .unwrap();
    let (_, case) = family(&s, 1, false);
    (s, clock, case)
}

fn lone(s: &Store) -> Option<AlertView> {
    s.alerts()
        .unwrap()
        .into_iter()
        .find(|a| matches!(a.alert.kind, AlertKind::LoneWorkerOverdue { .. }))
}

/// Checks in to a 30-minute visit of `case` on `s` now and moves `clock` 50 minutes on (amber).
fn overdue_visit(s: &Store, clock: &FixedClock, case: doorstep_core::domain::CaseId) {
    let v = s
        .plan_visit(NewVisit {
            case_id: case,
            kind: VisitKind::AnnouncedHome,
            planned_for: clock.now(),
            expected_minutes: 30,
            departure_reason: None,
        })
        .unwrap();
    let started = s.check_in(v.id).unwrap();
    assert_eq!(
        started.reminder,
        "Doorstep: check out of your visit. No one is alerted automatically: if you are staying longer, call in."
    );
    clock.set(clock.now() + Duration::minutes(50));
}

#[test]
fn a_lone_working_alert_says_where_the_check_in_is_and_that_no_one_is_watching() {
    let w = World::new(false);
    let sw = w.practitioner("Sam Okafor", Agency::SocialCare);
    let clock = Arc::new(FixedClock::new(w.clock.now()));
    let a = w.device_on(&sw, "a", clock.clone());
    let (_, case) = family(&a, 1, false);
    overdue_visit(&a, &clock, case);

    // Checked in while offline: the check-in is queued on the phone.
    let alert = lone(&a).expect("amber");
    assert_eq!(
        alert.alert.kind,
        AlertKind::LoneWorkerOverdue { red: false }
    );
    let m = &alert.alert.message;
    assert!(
        m.contains("The check-in has not reached the server yet: it is waiting on this phone."),
        "{m}"
    );
    assert!(
        m.contains("No one is monitoring check-ins: no one will be alerted automatically."),
        "{m}"
    );
    assert!(!m.contains("escalat"), "{m}");

    // Once synced, the server has it; still no one is watching.
    a.sync(&transport(), None, quick()).unwrap();
    let m = lone(&a).expect("amber").alert.message;
    assert!(m.contains("The check-in has reached the server."), "{m}");
    assert!(m.contains("No one is monitoring check-ins"), "{m}");

    // A colleague who leads the case sees it as a colleague's visit, and is asked to phone.
    let hv = w.practitioner("Jordan Ashby", Agency::HealthVisiting);
    admin::allocate(w.db.as_ref(), &case.to_string(), &hv, true, w.now()).unwrap();
    let b = w.device_on(&hv, "b", clock.clone());
    b.sync(&transport(), None, quick()).unwrap();
    let seen_by_b = lone(&b).expect("the colleague sees the overdue check-in");
    assert!(
        seen_by_b.alert.message.contains("A colleague's visit"),
        "{}",
        seen_by_b.alert.message
    );
    assert_eq!(seen_by_b.alert.prompts[0], "Phone your colleague now");

    // Checking out ends it.
    let open = a
        .visits_for_case(case)
        .unwrap()
        .into_iter()
        .find(|v| v.checked_out_at.is_none() && v.started_at.is_some())
        .unwrap();
    a.checkout_visit(open.id).unwrap();
    assert!(lone(&a).is_none());
}

#[test]
fn a_phone_that_does_not_sync_says_so_and_no_setting_claims_a_monitor() {
    let dir = tempfile::tempdir().unwrap();
    let (s, clock, case) = unenrolled_with_case(dir.path());
    overdue_visit(&s, &clock, case);
    let m = lone(&s).expect("amber").alert.message;
    assert!(
        m.contains(
            "This phone does not sync with a server, so the check-in is on this phone only."
        ),
        "{m}"
    );
    // The call-in number is the practitioner's to set; a monitor is not (only the server says
    // whether one watches this practitioner's check-ins: see tests/tests/lone_working.rs).
    let mut settings = s.planning_settings().unwrap();
    settings.lone_working.call = Some("the duty desk on 01632 960 000".into());
    s.save_planning_settings(&settings).unwrap();
    let a = lone(&s).unwrap();
    assert!(
        a.alert.prompts.iter().any(|p| p.contains("01632 960 000")),
        "{:?}",
        a.alert.prompts
    );
    let mut blank = settings.clone();
    blank.lone_working.call = Some("   ".into());
    assert!(s.save_planning_settings(&blank).is_err());
    settings.lone_working.monitor = true;
    assert!(s.save_planning_settings(&settings).is_err());
    assert!(!s.planning_settings().unwrap().lone_working.monitor);
    // The today screen's banner is the alert's own words.
    let today = s.today_view().unwrap();
    assert_eq!(today.banner.as_deref(), Some(a.alert.message.as_str()));
    assert!(!today.banner.unwrap().contains("escalate now"));
}

#[test]
fn the_digest_shows_the_most_urgent_and_counts_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let (s, clock, _) = unenrolled_with_case(dir.path());
    // Fourteen more children on child protection plans, never visited since they opened a month
    // ago: one "child not seen" line each, nothing else.
    for n in 0..14 {
        family(&s, n + 10, false);
    }
    clock.set(clock.now() + Duration::days(30));
    let all = s.alerts().unwrap();
    assert_eq!(all.len(), 15, "{all:#?}");
    assert!(all.iter().all(|a| a.alert.kind == AlertKind::ChildNotSeen));
    let d = s.alert_digest().unwrap();
    assert_eq!(d.top.len(), DIGEST_TOP);
    assert_eq!(d.total, 15);
    assert_eq!(d.more.len(), 1);
    assert_eq!(d.more[0].count, 5);
    // The same order as the full list, and the same on the screens.
    for (x, y) in d.top.iter().zip(&all) {
        assert_eq!(x.alert, y.alert);
    }
    let screen = s.alerts_view().unwrap();
    assert_eq!(screen.lines.len(), DIGEST_TOP);
    assert_eq!(screen.summary, "The 10 most urgent of 15 alerts.");
    assert_eq!(screen.more[0].title, "Child not seen");
    assert_eq!(screen.more[0].count, 5);
    assert_eq!(
        screen.more_label.as_deref(),
        Some("5 more alerts: Child not seen (5).")
    );
    let today = s.today_view().unwrap();
    assert_eq!(today.alerts, screen.lines);
    assert_eq!(today.alerts_total, 15);
    assert_eq!(today.more_alerts_label, screen.more_label);
}
