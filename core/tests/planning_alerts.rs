//! Alerts and prompts.
#[path = "planning_common/mod.rs"]
mod common;
use chrono::Duration;
use common::*;
use doorstep_core::domain::{PlanType, Rag, VisitKind, VisitStatus};
use doorstep_core::planning::*;

fn run(c: &ChildFacts, p: &Policy, now: chrono::DateTime<chrono::Utc>) -> Vec<Alert> {
    alerts(std::slice::from_ref(c), p, &BankHolidays::official(), now).unwrap()
}

fn kinds(a: &[Alert]) -> Vec<AlertKind> {
    a.iter().map(|a| a.kind).collect()
}

#[test]
fn lone_working_goes_amber_then_red_and_outranks_everything() {
    let mut c = child(PlanType::ChildProtection, Rag::Red, date(2026, 11, 2));
    let start = local(2026, 11, 20, 10, 0);
    c.visits.push(VisitFact {
        status: VisitStatus::InProgress,
        checked_out: false,
        ended_at: None,
        expected_minutes: 0, // unknown: the 120-minute default timer
        ..seen(date(2026, 11, 20), VisitKind::UnannouncedHome)
    });
    c.visits[0].started_at = Some(start);
    let p = Policy::default();
    // 120 + 15 minutes grace: amber at 12:15, red 30 minutes later.
    assert!(!kinds(&run(&c, &p, start + Duration::minutes(134)))
        .iter()
        .any(|k| matches!(k, AlertKind::LoneWorkerOverdue { .. })));
    let a = run(&c, &p, start + Duration::minutes(135));
    assert_eq!(a[0].kind, AlertKind::LoneWorkerOverdue { red: false });
    assert_eq!(a[0].priority, Priority::Urgent);
    let a = run(&c, &p, start + Duration::minutes(165));
    assert_eq!(a[0].kind, AlertKind::LoneWorkerOverdue { red: true });
    assert_eq!(a[0].priority, Priority::Critical);
    assert!(a.iter().skip(1).all(|x| x.priority < Priority::Urgent));
    // With an expected length, the timer uses it.
    c.visits[0].expected_minutes = 30;
    let a = run(&c, &p, start + Duration::minutes(46));
    assert_eq!(a[0].kind, AlertKind::LoneWorkerOverdue { red: false });
}

#[test]
fn a_missed_visit_is_one_alert_saying_the_child_has_not_been_seen() {
    let mut c = child(PlanType::ChildProtection, Rag::Green, date(2026, 10, 1));
    c.visits
        .push(seen(date(2026, 11, 2), VisitKind::AnnouncedHome));
    // Due 16 Nov (10 working days); on 18 Nov one alert, not two.
    let a = run(&c, &Policy::default(), local(2026, 11, 18, 9, 0));
    assert_eq!(kinds(&a), vec![AlertKind::ChildNotSeen], "{a:?}");
    assert_eq!(a[0].priority, Priority::High);
    assert!(
        a[0].message.contains("not seen since 2026-11-02"),
        "{}",
        a[0].message
    );
    assert!(
        a[0].message.contains("2 working days late"),
        "{}",
        a[0].message
    );
    // 2 of 10 working days late.
    assert_eq!(a[0].risk.lateness_permille, 200);
    assert_eq!(a[0].risk.late_by, 2);
    let a = run(&c, &Policy::default(), local(2026, 11, 16, 9, 0));
    assert!(a.is_empty(), "{a:?}");
}

#[test]
fn not_seen_alone_without_reason() {
    let mut c = child(PlanType::ChildProtection, Rag::Green, date(2026, 11, 1));
    c.visits.push(VisitFact {
        child_seen_alone: false,
        ..seen(date(2026, 11, 2), VisitKind::AnnouncedHome)
    });
    let now = local(2026, 11, 3, 9, 0);
    assert!(kinds(&run(&c, &Policy::default(), now)).contains(&AlertKind::NotSeenAlone));
    c.visits[0].not_alone_reason_recorded = true;
    assert!(!kinds(&run(&c, &Policy::default(), now)).contains(&AlertKind::NotSeenAlone));
}

#[test]
fn two_no_access_visits_or_unanswered_calls_prompt_professional_curiosity() {
    let mut c = child(PlanType::ChildInNeed, Rag::Amber, date(2026, 11, 1));
    c.visits
        .push(seen(date(2026, 11, 2), VisitKind::AnnouncedHome));
    let mut no_access = seen(date(2026, 11, 5), VisitKind::AnnouncedHome);
    no_access.status = VisitStatus::NoAccess;
    no_access.child_seen = false;
    c.visits.push(no_access.clone());
    let now = local(2026, 11, 10, 9, 0);
    assert!(!kinds(&run(&c, &Policy::default(), now)).contains(&AlertKind::Disengagement));
    let mut declined = seen(date(2026, 11, 9), VisitKind::UnannouncedHome);
    declined.status = VisitStatus::Declined;
    declined.child_seen = false;
    c.visits.push(declined);
    let a = run(&c, &Policy::default(), now);
    let d = a
        .iter()
        .find(|x| x.kind == AlertKind::Disengagement)
        .unwrap();
    assert_eq!(d.priority, Priority::High);
    assert!(d.prompts.iter().any(|p| p.contains("telephone")));
    assert!(d.prompts.iter().any(|p| p.contains("manager")));
    assert!(d.prompts.iter().any(|p| p.contains("school")));
    // A completed visit in between breaks the run.
    c.visits
        .push(seen(date(2026, 11, 6), VisitKind::AnnouncedHome));
    assert!(!kinds(&run(&c, &Policy::default(), now)).contains(&AlertKind::Disengagement));
    // A parent who stops answering.
    c.unanswered_attempts = 2;
    assert!(kinds(&run(&c, &Policy::default(), now)).contains(&AlertKind::Disengagement));
}

#[test]
fn pregnancy_without_antenatal_contact() {
    let mut c = child(PlanType::ChildInNeed, Rag::Green, date(2026, 11, 1));
    c.visits
        .push(seen(date(2026, 11, 2), VisitKind::AnnouncedHome));
    c.household_pregnancies.push(PregnancyFact {
        expected_date: Some(date(2027, 3, 1)),
        antenatal_contact_recorded: false,
    });
    let now = local(2026, 11, 3, 9, 0);
    let a = run(&c, &Policy::default(), now);
    let p = a
        .iter()
        .find(|x| x.kind == AlertKind::PregnancyNoAntenatal)
        .unwrap();
    assert_eq!(p.priority, Priority::Medium);
    let before = p.score;
    // From 28 weeks (7 Dec 2026) it ranks higher.
    let a = run(&c, &Policy::default(), local(2026, 12, 8, 9, 0));
    let p = a
        .iter()
        .find(|x| x.kind == AlertKind::PregnancyNoAntenatal)
        .unwrap();
    assert!(p.score > before, "{} <= {before}", p.score);
    c.household_pregnancies[0].antenatal_contact_recorded = true;
    assert!(!kinds(&run(&c, &Policy::default(), now)).contains(&AlertKind::PregnancyNoAntenatal));
}

#[test]
fn record_late_after_two_working_days() {
    let mut c = child(PlanType::ChildInNeed, Rag::Green, date(2026, 11, 1));
    // Friday 20 Nov: recorded by Tuesday 24 Nov is in time.
    let mut v = seen(date(2026, 11, 20), VisitKind::AnnouncedHome);
    v.ended_at = Some(local(2026, 11, 24, 16, 0));
    c.visits.push(v.clone());
    let now = local(2026, 11, 26, 9, 0);
    assert!(!kinds(&run(&c, &Policy::default(), now)).contains(&AlertKind::RecordLate));
    c.visits[0].ended_at = Some(local(2026, 11, 25, 9, 0));
    let a = run(&c, &Policy::default(), now);
    assert_eq!(
        a.iter()
            .find(|x| x.kind == AlertKind::RecordLate)
            .unwrap()
            .priority,
        Priority::Low
    );
    // A visit still open three working days on.
    c.visits[0].status = VisitStatus::Planned;
    c.visits[0].ended_at = None;
    c.visits[0].started_at = None;
    let a = run(&c, &Policy::default(), now);
    assert_eq!(
        a.iter()
            .find(|x| x.kind == AlertKind::RecordLate)
            .unwrap()
            .priority,
        Priority::Medium
    );
}

#[test]
fn departure_from_required_contact_needs_a_reason() {
    let mut c = child(PlanType::ChildProtection, Rag::Amber, date(2026, 11, 1));
    c.visits.push(seen(date(2026, 11, 2), VisitKind::Virtual));
    let now = local(2026, 11, 3, 9, 0);
    assert!(kinds(&run(&c, &Policy::default(), now)).contains(&AlertKind::DepartureWithoutReason));
    c.visits[0].departure_reason_recorded = true;
    assert!(!kinds(&run(&c, &Policy::default(), now)).contains(&AlertKind::DepartureWithoutReason));
}

#[test]
fn missed_mandated_contact() {
    let mut c = child(PlanType::Universal, Rag::Green, date(2026, 1, 1));
    c.date_of_birth = Some(date(2026, 6, 1));
    c.visits
        .push(seen(date(2026, 6, 12), VisitKind::AnnouncedHome)); // new birth visit
    let a = run(&c, &Policy::health_visiting(), local(2027, 3, 10, 9, 0));
    let missed: Vec<_> = a
        .iter()
        .filter(|x| x.kind == AlertKind::MandatedContactMissed)
        .collect();
    assert_eq!(missed.len(), 1, "{a:?}");
    assert_eq!(missed[0].contacts, vec![HcpContact::SixToEightWeeks]);
    assert!(missed[0].message.contains("6-8 week review"));
    assert!(!missed[0].message.contains("new birth"));
}

#[test]
fn missed_mandated_contacts_for_one_child_are_one_alert_listing_them() {
    let mut c = child(PlanType::Universal, Rag::Green, date(2026, 1, 1));
    c.date_of_birth = Some(date(2026, 1, 5));
    // Fourteen months old, no contact ever recorded: two windows passed, and the 9-12 month review
    // (still current until the 2-year window opens) is overdue.
    let a = run(&c, &Policy::health_visiting(), local(2027, 3, 10, 9, 0));
    let missed: Vec<_> = a
        .iter()
        .filter(|x| x.kind == AlertKind::MandatedContactMissed)
        .collect();
    assert_eq!(missed.len(), 1, "{a:?}");
    assert_eq!(
        missed[0].contacts,
        vec![HcpContact::NewBirth, HcpContact::SixToEightWeeks]
    );
    assert!(kinds(&a).contains(&AlertKind::VisitOverdue), "{a:?}");
    assert!(
        missed[0]
            .message
            .contains("new birth visit, 6-8 week review."),
        "{}",
        missed[0].message
    );
    // At most one line per child per problem.
    let k = kinds(&a);
    let distinct: std::collections::HashSet<_> = k.iter().collect();
    assert_eq!(distinct.len(), k.len(), "{a:?}");
}

#[test]
fn late_records_and_departures_are_one_line_each() {
    let mut c = child(PlanType::ChildProtection, Rag::Amber, date(2026, 11, 1));
    for d in [2, 3, 4] {
        let mut v = seen(date(2026, 11, d), VisitKind::Virtual);
        v.ended_at = Some(local(2026, 11, 20, 9, 0));
        c.visits.push(v);
    }
    let a = run(&c, &Policy::default(), local(2026, 11, 20, 10, 0));
    let late: Vec<_> = a
        .iter()
        .filter(|x| x.kind == AlertKind::RecordLate)
        .collect();
    assert_eq!(late.len(), 1, "{a:?}");
    assert!(
        late[0].message.starts_with("3 visit record(s)"),
        "{}",
        late[0].message
    );
    let dep: Vec<_> = a
        .iter()
        .filter(|x| x.kind == AlertKind::DepartureWithoutReason)
        .collect();
    assert_eq!(dep.len(), 1, "{a:?}");
    assert!(dep[0]
        .message
        .contains("2026-11-02, 2026-11-03, 2026-11-04"));
}

#[test]
fn the_unborn_babys_own_case_has_no_pregnancy_alert() {
    // The antenatal contact is the unborn baby's mandated contact: not a second alert.
    let mut c = child(PlanType::Universal, Rag::Green, date(2026, 9, 1));
    c.expected_date = Some(date(2027, 1, 20));
    c.household_pregnancies.push(PregnancyFact {
        expected_date: Some(date(2027, 1, 20)),
        antenatal_contact_recorded: false,
    });
    let a = run(&c, &Policy::health_visiting(), local(2026, 11, 20, 9, 0));
    assert!(
        !kinds(&a).contains(&AlertKind::PregnancyNoAntenatal),
        "{a:?}"
    );
}

#[test]
fn alert_text_carries_no_identifying_data() {
    // Only dates and counts: no case id, no names (the facts carry none).
    let mut c = child(PlanType::ChildProtection, Rag::Green, date(2026, 10, 1));
    c.unanswered_attempts = 5;
    let a = run(&c, &Policy::default(), local(2026, 12, 1, 9, 0));
    assert!(!a.is_empty());
    let id = c.case.to_string();
    assert!(a.iter().all(|x| !x.message.contains(&id)));
}
