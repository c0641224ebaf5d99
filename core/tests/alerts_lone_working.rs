//! What a lone-working alert says, per case: where the check-in is and who (if anyone) watches it.
//! No monitor exists yet, so no wording may promise that anyone will be alerted.
#[path = "planning_common/mod.rs"]
mod common;
use chrono::Duration;
use common::*;
use doorstep_core::domain::{PlanType, Rag, VisitKind, VisitStatus};
use doorstep_core::planning::*;

/// A child with a visit checked in at 10:00 for 45 minutes and not checked out, and the alerts at
/// `minutes` after check-in with `lone`.
fn lone_alert(minutes: i64, lone: &LoneWorking) -> Alert {
    let mut c = child(PlanType::Universal, Rag::Green, date(2026, 11, 2));
    let start = local(2026, 11, 20, 10, 0);
    c.visits.push(VisitFact {
        status: VisitStatus::InProgress,
        checked_out: false,
        ended_at: None,
        expected_minutes: 45,
        started_at: Some(start),
        ..seen(date(2026, 11, 20), VisitKind::AnnouncedHome)
    });
    let lone = LoneWorking {
        check_ins: lone
            .check_ins
            .iter()
            .map(|s| CheckInState {
                case: c.case,
                started_at: start,
                ..*s
            })
            .collect(),
        ..lone.clone()
    };
    let a = alerts_with(
        &[c],
        &Policy::default(),
        &BankHolidays::official(),
        start + Duration::minutes(minutes),
        &lone,
    )
    .unwrap();
    a.into_iter()
        .find(|a| matches!(a.kind, AlertKind::LoneWorkerOverdue { .. }))
        .expect("a lone-working alert")
}

fn with(sync: CheckInSync, monitor: bool, call: Option<&str>) -> LoneWorking {
    LoneWorking {
        monitor,
        call: call.map(str::to_string),
        check_ins: vec![CheckInState {
            case: doorstep_core::domain::CaseId::random(),
            started_at: local(2026, 1, 1, 0, 0),
            sync,
        }],
    }
}

fn text(a: &Alert) -> String {
    format!("{} {}", a.message, a.prompts.join(" | "))
}

/// Words that promise an escalation someone else will make.
fn promises_escalation(t: &str) -> bool {
    let t = t.to_lowercase();
    [
        "escalation follows",
        "escalates",
        "will be alerted",
        "is alerted at",
        "has been alerted",
        "team is alerted",
    ]
    .iter()
    .any(|w| t.contains(w) && !t.contains(&format!("no one {w}")))
        || t.contains("monitor has it")
}

#[test]
fn no_monitor_never_promises_an_escalation_whatever_the_sync_state() {
    for sync in [
        CheckInSync::NotEnrolled,
        CheckInSync::Queued,
        CheckInSync::Refused,
        CheckInSync::Received,
        CheckInSync::Colleague,
        CheckInSync::Unknown,
    ] {
        for minutes in [61, 91] {
            let a = lone_alert(minutes, &with(sync, false, None));
            let t = text(&a);
            assert!(!promises_escalation(&t), "{sync:?}: {t}");
            assert!(
                t.contains("No one is monitoring check-ins: no one will be alerted automatically."),
                "{sync:?}: {t}"
            );
            assert!(!t.contains("red escalation follows automatically"), "{t}");
        }
    }
}

#[test]
fn the_alert_says_where_the_check_in_is() {
    let cases = [
        (
            CheckInSync::NotEnrolled,
            "This phone does not sync with a server, so the check-in is on this phone only.",
        ),
        (
            CheckInSync::Queued,
            "The check-in has not reached the server yet: it is waiting on this phone.",
        ),
        (
            CheckInSync::Refused,
            "The server refused the check-in (see the sync screen), so it is on this phone only.",
        ),
        (
            CheckInSync::Received,
            "The check-in has reached the server.",
        ),
        (
            CheckInSync::Colleague,
            "This is a colleague's visit, as last received from the server.",
        ),
        (
            CheckInSync::Unknown,
            "Doorstep cannot tell whether the check-in has reached the server.",
        ),
    ];
    for (sync, words) in cases {
        let a = lone_alert(61, &with(sync, false, None));
        assert!(a.message.contains(words), "{sync:?}: {}", a.message);
        assert_eq!(a.kind, AlertKind::LoneWorkerOverdue { red: false });
        assert_eq!(a.priority, Priority::Urgent);
    }
}

#[test]
fn the_practitioner_is_told_what_to_do_and_whom_to_call() {
    // Amber at 45 + 15 minutes; red 30 minutes later.
    let amber = lone_alert(60, &with(CheckInSync::Queued, false, None));
    assert!(amber
        .message
        .starts_with("AMBER: Your visit checked in at 2026-11-20 10:00"));
    assert_eq!(
        amber.prompts,
        vec![
            "If you are safe, check out now",
            "If you are in danger, call 999",
            "If you are staying longer, call your manager or the team's duty line: no one else knows you are still there",
        ]
    );
    let red = lone_alert(
        90,
        &with(
            CheckInSync::Queued,
            false,
            Some("the duty desk on 01632 960 000"),
        ),
    );
    assert_eq!(red.kind, AlertKind::LoneWorkerOverdue { red: true });
    assert_eq!(red.priority, Priority::Critical);
    assert!(
        red.message.starts_with(
            "RED: Your visit checked in at 2026-11-20 10:00 is not checked out, 45 minutes after"
        ),
        "{}",
        red.message
    );
    assert_eq!(
        red.prompts[2],
        "If you are staying longer, call the duty desk on 01632 960 000 now: no one else knows you are still there"
    );
}

#[test]
fn a_colleagues_visit_asks_whoever_sees_it_to_phone_them() {
    let a = lone_alert(91, &with(CheckInSync::Colleague, false, None));
    assert!(
        a.message.starts_with("RED: A colleague's visit"),
        "{}",
        a.message
    );
    assert_eq!(a.prompts[0], "Phone your colleague now");
    assert!(
        a.prompts[1].contains("Doorstep has alerted no one"),
        "{:?}",
        a.prompts
    );
    assert!(a.prompts[2].contains("visit address"));
}

#[test]
fn with_a_monitor_only_a_check_in_the_server_has_is_watched() {
    // Not configurable in the store yet (no monitor exists), but the words are ready and honest.
    let watched = lone_alert(91, &with(CheckInSync::Received, true, None));
    assert!(
        watched.message.contains(
            "The team's lone-working monitor has it and escalates under your lone-working procedure."
        ),
        "{}",
        watched.message
    );
    assert!(watched.prompts[2].contains("so that no one is sent unnecessarily"));
    for sync in [
        CheckInSync::NotEnrolled,
        CheckInSync::Queued,
        CheckInSync::Refused,
        CheckInSync::Unknown,
    ] {
        let a = lone_alert(91, &with(sync, true, None));
        assert!(
            a.message.contains(
                "The lone-working monitor cannot see it: no one will be alerted automatically."
            ),
            "{sync:?}: {}",
            a.message
        );
        assert!(!a.message.contains("monitor has it"));
    }
}

#[test]
fn the_check_in_reminder_promises_nothing_without_a_monitor() {
    let none = LoneWorking::default();
    let r = none.reminder("11:15");
    assert_eq!(
        r,
        "Doorstep: check out of your visit. No one is alerted automatically: if you are staying longer, call in."
    );
    assert!(!promises_escalation(&r), "{r}");
    let monitored = LoneWorking {
        monitor: true,
        ..LoneWorking::default()
    };
    assert!(monitored
        .reminder("11:15")
        .contains("escalates from 11:15 once your check-in has reached the server"));
}
