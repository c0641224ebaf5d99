//! The planner: capacity, calendar, shortfalls, booked visits, DST.
#[path = "planning_common/mod.rs"]
mod common;
use chrono::{Datelike, Duration, Timelike, Weekday};
use chrono_tz::Europe::London;
use common::*;
use doorstep_core::domain::{PlanType, Rag, VisitKind, VisitStatus};
use doorstep_core::planning::*;

fn request<'a>(
    now: chrono::DateTime<chrono::Utc>,
    end: chrono::NaiveDate,
    cal: &'a PractitionerCalendar,
    cap: Capacity,
    policy: &'a Policy,
    children: &'a [ChildFacts],
) -> PlanRequest<'a> {
    PlanRequest {
        now,
        horizon_end: end,
        calendar: cal,
        capacity: cap,
        policy,
        children,
        keep_draw_options: false,
    }
}

/// Every qualifying visit unannounced.
const ALWAYS: Option<UnannouncedRule> = Some(UnannouncedRule {
    percent: 100,
    max_announced_run: 0,
});

fn cp(n: u64, last: chrono::NaiveDate, rag: Rag) -> ChildFacts {
    let mut c = child(PlanType::ChildProtection, rag, date(2026, 9, 1));
    c.case = case_id(n);
    c.visits.push(seen(last, VisitKind::AnnouncedHome));
    c
}

#[test]
fn plans_inside_working_time_and_explains_itself() {
    let cal = PractitionerCalendar::default();
    let policy = Policy::default();
    let kids = vec![
        cp(1, date(2026, 11, 23), Rag::Green),
        cp(2, date(2026, 11, 24), Rag::Amber),
    ];
    let req = request(
        local(2026, 11, 30, 8, 0),
        date(2026, 12, 31),
        &cal,
        Capacity::default(),
        &policy,
        &kids,
    );
    let p = plan(&req, &mut Seeded::new(3)).unwrap();
    assert!(p.shortfalls.is_empty(), "{:?}", p.shortfalls);
    assert!(p.slots.len() >= 4);
    for s in &p.slots {
        let l = s.start.with_timezone(&London);
        assert!(cal.holidays.is_working_day(l.date_naive()), "{l}");
        assert!(
            l.hour() >= 9
                && (s.end.with_timezone(&London).hour() * 60
                    + s.end.with_timezone(&London).minute())
                    <= 17 * 60
        );
        assert!(l.date_naive() <= s.due);
        assert!(s.explanation.contains(&format!("Due {}", s.due)));
        assert!(s.explanation.contains("Window"));
    }
    // Christmas and the substitute Boxing Day are never used.
    assert!(p.slots.iter().all(|s| {
        let d = s.start.with_timezone(&London).date_naive();
        d != date(2026, 12, 25) && d != date(2026, 12, 28)
    }));
    // Each child's visits follow each other within the interval.
    for k in &kids {
        let mine: Vec<_> = p.slots.iter().filter(|s| s.case == k.case).collect();
        assert!(mine
            .windows(2)
            .all(|w| w[0].start < w[1].start && w[1].round == w[0].round + 1));
    }
}

#[test]
fn respects_appointments_leave_part_time_limit_and_travel_buffer() {
    let mut cal = PractitionerCalendar::default();
    cal.pattern.days[2] = None; // no Wednesdays
    cal.pattern.days[4] = Some(DayHours::new(9, 0, 13, 0)); // Friday mornings
    cal.leave.push(Leave {
        first: date(2026, 12, 7),
        last: date(2026, 12, 8),
    });
    cal.appointments.push(Appointment {
        start: local(2026, 12, 1, 9, 0),
        end: local(2026, 12, 1, 15, 0),
    });
    let cap = Capacity {
        max_visits_per_day: 2,
        ..Capacity::default()
    };
    let policy = Policy::default();
    let kids: Vec<ChildFacts> = (0..8)
        .map(|i| cp(i, date(2026, 11, 16 + (i as u32 % 5)), Rag::Red))
        .collect();
    let req = request(
        local(2026, 11, 30, 8, 0),
        date(2026, 12, 20),
        &cal,
        cap,
        &policy,
        &kids,
    );
    let p = plan(&req, &mut Seeded::new(9)).unwrap();
    assert!(!p.slots.is_empty());
    for s in &p.slots {
        let l = s.start.with_timezone(&London);
        let d = l.date_naive();
        assert_ne!(d.weekday(), Weekday::Wed);
        assert!(d != date(2026, 12, 7) && d != date(2026, 12, 8));
        if d.weekday() == Weekday::Fri {
            assert!(s.end.with_timezone(&London).hour() <= 13);
        }
        // 09:00-15:00 taken, plus 30 minutes of travel.
        if d == date(2026, 12, 1) {
            assert!(s.start >= local(2026, 12, 1, 15, 30));
        }
    }
    let mut by_day = std::collections::BTreeMap::<chrono::NaiveDate, Vec<_>>::new();
    for s in &p.slots {
        by_day
            .entry(s.start.with_timezone(&London).date_naive())
            .or_default()
            .push(s.start);
    }
    for (_, starts) in by_day {
        assert!(starts.len() <= 2);
        for w in starts.windows(2) {
            assert!(
                w[1] - w[0] >= Duration::minutes(90),
                "visit + travel buffer"
            );
        }
    }
}

#[test]
fn short_capacity_reports_every_child_by_priority() {
    let cal = PractitionerCalendar::default();
    let policy = Policy::default();
    // Five children all due on Tuesday 1 Dec; one visit a day; only Mon and Tue available.
    let mut kids = Vec::new();
    for (i, (plan_type, rag)) in [
        (PlanType::ChildInNeed, Rag::Green),
        (PlanType::ChildProtection, Rag::Amber),
        (PlanType::TargetedEarlyHelp, Rag::Red),
        (PlanType::ChildProtection, Rag::Red),
        (PlanType::LookedAfter, Rag::Green),
    ]
    .into_iter()
    .enumerate()
    {
        let mut c = child(plan_type, rag, date(2026, 9, 1));
        c.case = case_id(i as u64);
        c.visits
            .push(seen(date(2026, 11, 24), VisitKind::AnnouncedHome));
        kids.push(c);
    }
    // All are weekly via RAG? Force a common due date with a weekly RAG for every rating.
    let mut policy = policy;
    policy.rag_green.interval = Interval::weeks(1);
    policy.rag_amber.interval = Interval::weeks(1);
    let cap = Capacity {
        max_visits_per_day: 1,
        ..Capacity::default()
    };
    let req = request(
        local(2026, 11, 30, 8, 0),
        date(2026, 12, 1),
        &cal,
        cap,
        &policy,
        &kids,
    );
    let p = plan(&req, &mut Seeded::new(1)).unwrap();
    let round1_on_time: Vec<_> = p
        .slots
        .iter()
        .filter(|s| s.round == 1 && s.start.with_timezone(&London).date_naive() <= s.due)
        .map(|s| s.case)
        .collect();
    // Two on time: the child protection children (red first, then amber).
    assert_eq!(round1_on_time.len(), 2);
    assert!(round1_on_time.contains(&case_id(3)) && round1_on_time.contains(&case_id(1)));
    let short: Vec<_> = p.shortfalls.iter().filter(|s| s.round == 1).collect();
    assert_eq!(short.len(), 3, "nobody dropped silently");
    let order: Vec<_> = short.iter().map(|s| s.case).collect();
    assert_eq!(order, vec![case_id(4), case_id(0), case_id(2)]); // LAC, CIN, early help
    for s in &short {
        assert_eq!(s.due, date(2026, 12, 1));
        let best = s.best_possible.unwrap();
        assert!(best > s.due);
        assert_eq!(s.days_late, Some((best - s.due).num_days() as u32));
    }
    // Best possible dates are in priority order.
    assert!(short
        .windows(2)
        .all(|w| w[0].best_possible <= w[1].best_possible));
}

#[test]
fn booked_visits_are_kept_and_occupy_their_time() {
    let cal = PractitionerCalendar::default();
    let policy = Policy::default();
    let mut c = cp(1, date(2026, 11, 23), Rag::Green);
    let at = local(2026, 12, 2, 11, 0);
    c.visits.push(VisitFact {
        status: VisitStatus::Planned,
        planned_for: at,
        started_at: None,
        checked_out: false,
        ended_at: None,
        child_seen: false,
        ..seen(date(2026, 12, 2), VisitKind::AnnouncedHome)
    });
    let other = cp(2, date(2026, 11, 20), Rag::Green);
    let kids = vec![c, other];
    let cap = Capacity {
        max_visits_per_day: 1,
        ..Capacity::default()
    };
    let req = request(
        local(2026, 11, 30, 8, 0),
        date(2026, 12, 4),
        &cal,
        cap,
        &policy,
        &kids,
    );
    let p = plan(&req, &mut Seeded::new(1)).unwrap();
    let booked: Vec<_> = p.slots.iter().filter(|s| s.booked).collect();
    assert_eq!(booked.len(), 1);
    assert_eq!(booked[0].start, at);
    // The other child is not put on the booked day (limit 1 a day).
    assert!(p.slots.iter().filter(|s| !s.booked).all(|s| s
        .start
        .with_timezone(&London)
        .date_naive()
        != date(2026, 12, 2)));
}

#[test]
fn dst_changes_never_move_or_drop_a_visit() {
    let cal = PractitionerCalendar::default();
    let policy = Policy::default();
    for (now, end) in [
        (local(2026, 10, 22, 7, 0), date(2026, 10, 30)), // last Sunday of October 2026: 25th
        (local(2026, 3, 26, 7, 0), date(2026, 4, 2)),    // last Sunday of March 2026: 29th
    ] {
        let kids: Vec<ChildFacts> = (0..6)
            .map(|i| {
                cp(
                    i,
                    now.with_timezone(&London).date_naive() - Duration::days(3),
                    Rag::Red,
                )
            })
            .collect();
        let req = request(now, end, &cal, Capacity::default(), &policy, &kids);
        let p = plan(&req, &mut Seeded::new(5)).unwrap();
        assert!(p.shortfalls.is_empty(), "{:#?}", p.shortfalls);
        for s in &p.slots {
            let l = s.start.with_timezone(&London);
            let mins = l.hour() * 60 + l.minute();
            assert!((9 * 60..=16 * 60).contains(&mins), "{l}");
            assert_eq!(mins % 30, 0, "on the local half-hour grid: {l}");
            assert!(cal.holidays.is_working_day(l.date_naive()));
        }
    }
    // The same local time maps to different UTC times either side of the change.
    assert_eq!(local(2026, 10, 23, 10, 0).hour(), 9);
    assert_eq!(local(2026, 10, 26, 10, 0).hour(), 10);
    assert_eq!(local(2026, 3, 27, 10, 0).hour(), 10);
    assert_eq!(local(2026, 3, 30, 10, 0).hour(), 9);
}

#[test]
fn bad_requests_are_errors() {
    let cal = PractitionerCalendar::default();
    let policy = Policy::default();
    let kids = vec![cp(1, date(2026, 11, 23), Rag::Green)];
    let req = request(
        local(2026, 11, 30, 8, 0),
        date(2026, 11, 1),
        &cal,
        Capacity::default(),
        &policy,
        &kids,
    );
    assert!(matches!(
        plan(&req, &mut Seeded::new(1)),
        Err(PlanningError::Horizon { .. })
    ));
    let req = request(
        local(2026, 11, 30, 8, 0),
        date(2026, 12, 1),
        &cal,
        Capacity {
            slot_minutes: 0,
            ..Capacity::default()
        },
        &policy,
        &kids,
    );
    assert!(matches!(
        plan(&req, &mut Seeded::new(1)),
        Err(PlanningError::Policy(_))
    ));
    let mut bad = PractitionerCalendar::default();
    bad.pattern.days[0] = Some(DayHours {
        start_minute: 600,
        end_minute: 2000,
    });
    let req = request(
        local(2026, 11, 30, 8, 0),
        date(2026, 12, 1),
        &bad,
        Capacity::default(),
        &policy,
        &kids,
    );
    assert!(matches!(
        plan(&req, &mut Seeded::new(1)),
        Err(PlanningError::WorkingHours { .. })
    ));
}

#[test]
fn randomness_never_costs_another_child_a_visit() {
    // One visit a day. Child A is unannounced with a two-week window; child B is due tomorrow
    // and today is full. A must never take tomorrow, whatever the random draw.
    let cal = PractitionerCalendar::default();
    let mut policy = Policy::default();
    policy.child_protection.unannounced = ALWAYS;
    policy.rag_plans.clear();
    let a = cp(1, date(2026, 11, 23), Rag::Green);
    let mut b = child(PlanType::ChildInNeed, Rag::Green, date(2026, 9, 1));
    b.case = case_id(2);
    b.visits
        .push(seen(date(2026, 11, 3), VisitKind::AnnouncedHome)); // due 1 Dec
    let mut c = child(PlanType::ChildInNeed, Rag::Green, date(2026, 9, 1));
    c.case = case_id(3);
    c.visits
        .push(seen(date(2026, 11, 2), VisitKind::AnnouncedHome)); // due 30 Nov
    let kids = vec![a, b, c];
    let cap = Capacity {
        max_visits_per_day: 1,
        ..Capacity::default()
    };
    let mut days_a = std::collections::BTreeSet::new();
    for seed in 0..200 {
        let req = request(
            local(2026, 11, 30, 8, 0),
            date(2026, 12, 11),
            &cal,
            cap,
            &policy,
            &kids,
        );
        let p = plan(&req, &mut Seeded::new(seed)).unwrap();
        assert!(p.shortfalls.is_empty(), "seed {seed}: {:?}", p.shortfalls);
        let sa = p
            .slots
            .iter()
            .find(|s| s.case == case_id(1) && s.round == 1)
            .unwrap();
        assert!(sa.unannounced);
        days_a.insert(sa.start.with_timezone(&London).date_naive());
    }
    assert!(!days_a.contains(&date(2026, 11, 30)) && !days_a.contains(&date(2026, 12, 1)));
    assert!(days_a.len() >= 3, "A's day varies: {days_a:?}");
}

#[test]
fn announced_visits_days_do_not_depend_on_the_random_source() {
    let cal = PractitionerCalendar::default();
    let mut policy = Policy::default();
    policy.child_protection.unannounced = None;
    let kids: Vec<ChildFacts> = (0..10)
        .map(|i| cp(i, date(2026, 11, 16 + (i as u32 % 8)), Rag::Amber))
        .collect();
    let req = request(
        local(2026, 11, 30, 8, 0),
        date(2026, 12, 31),
        &cal,
        Capacity::default(),
        &policy,
        &kids,
    );
    // The day is the latest that meets the due date (deterministic); only the time is drawn.
    let days = |p: &Plan| -> Vec<_> {
        let mut v: Vec<_> = p
            .slots
            .iter()
            .map(|s| (s.case, s.round, s.start.with_timezone(&London).date_naive()))
            .collect();
        v.sort();
        v
    };
    let p1 = plan(&req, &mut Seeded::new(1)).unwrap();
    let p2 = plan(&req, &mut SystemRandomSource::new()).unwrap();
    assert_eq!(days(&p1), days(&p2));
    assert!(p1.slots.iter().all(|s| !s.unannounced));
}

#[test]
fn replans_when_a_visit_is_missed_or_the_calendar_changes() {
    let mut cal = PractitionerCalendar::default();
    let policy = Policy::default();
    let mut c = cp(1, date(2026, 11, 16), Rag::Green); // due Mon 30 Nov
    let req_at = |now, cal: &PractitionerCalendar, kids: &[ChildFacts]| {
        plan(
            &request(
                now,
                date(2026, 12, 11),
                cal,
                Capacity::default(),
                &policy,
                kids,
            ),
            &mut Seeded::new(2),
        )
        .unwrap()
    };
    let p = req_at(local(2026, 11, 24, 8, 0), &cal, std::slice::from_ref(&c));
    let first = p.slots.iter().find(|s| s.round == 1).unwrap().clone();
    assert_eq!(first.due, date(2026, 11, 30));
    // The visit is missed (no access): the due date stands and the child is planned again.
    c.visits.push(VisitFact {
        status: VisitStatus::NoAccess,
        child_seen: false,
        ..seen(
            first.start.with_timezone(&London).date_naive(),
            VisitKind::AnnouncedHome,
        )
    });
    let later = first.start + Duration::hours(2);
    let p = req_at(later, &cal, std::slice::from_ref(&c));
    let again = p.slots.iter().find(|s| s.round == 1).unwrap();
    assert_eq!(again.due, date(2026, 11, 30));
    assert!(again.start >= later, "{again:?} {later}");
    // Leave on the remaining window days: the visit cannot be on time and this is reported.
    let d0 = later.with_timezone(&London).date_naive();
    cal.leave.push(Leave {
        first: d0,
        last: date(2026, 11, 30),
    });
    let p = req_at(later, &cal, std::slice::from_ref(&c));
    assert_eq!(p.shortfalls.len(), 1);
    assert_eq!(p.shortfalls[0].best_possible, Some(date(2026, 12, 1)));
    assert_eq!(p.shortfalls[0].days_late, Some(1));
    assert_eq!(p.shortfalls[0].cause, Some(ShortfallCause::Leave));
    assert!(
        p.shortfalls[0].fix.contains("colleague"),
        "{:?}",
        p.shortfalls[0]
    );
}

#[test]
fn extreme_inputs_give_errors_not_panics() {
    use chrono::{DateTime, NaiveDate, Utc};
    let policy = Policy::default();
    for now in [
        DateTime::<Utc>::MAX_UTC - Duration::days(2),
        DateTime::<Utc>::MIN_UTC + Duration::days(2),
    ] {
        let today = now.date_naive();
        let mut cal = PractitionerCalendar::default();
        cal.appointments.push(Appointment {
            start: DateTime::<Utc>::MIN_UTC,
            end: DateTime::<Utc>::MAX_UTC,
        });
        let mut c = child(PlanType::ChildProtection, Rag::Red, today);
        c.date_of_birth = Some(NaiveDate::MAX);
        c.expected_date = Some(NaiveDate::MIN);
        c.placement_date = Some(NaiveDate::MAX);
        let mut v = seen(date(2026, 1, 1), VisitKind::AnnouncedHome);
        v.started_at = Some(now);
        v.status = VisitStatus::InProgress;
        v.expected_minutes = u32::MAX;
        c.visits.push(v);
        let kids = vec![c];
        let end = today.checked_add_signed(Duration::days(1)).unwrap_or(today);
        let req = request(now, end, &cal, Capacity::default(), &policy, &kids);
        let _ = plan(&req, &mut Seeded::new(1));
        let _ = alerts(&kids, &policy, &cal.holidays, now);
        let _ = alerts(&kids, &Policy::health_visiting(), &cal.holidays, now);
        let _ = due_items(&kids[0], &Policy::health_visiting(), &cal.holidays, today);
    }
}

#[test]
fn every_shortfall_names_its_cause_and_a_fix() {
    let mut policy = Policy::default();
    policy.child_protection.unannounced = None;
    policy.rag_plans.clear();
    let one = Capacity {
        max_visits_per_day: 1,
        ..Capacity::default()
    };
    let run = |cal: &PractitionerCalendar, cap: Capacity, now, kids: &[ChildFacts]| {
        plan(
            &request(now, date(2026, 12, 18), cal, cap, &policy, kids),
            &mut Seeded::new(3),
        )
        .unwrap()
        .shortfalls
    };
    // The daily limit: three children due Friday 4 December, one visit a day, Thursday and
    // Friday left. One more slot on Friday meets it.
    let cal = PractitionerCalendar::default();
    let kids: Vec<_> = (1..=3)
        .map(|n| cp(n, date(2026, 11, 20), Rag::Green))
        .collect();
    let s = run(&cal, one, local(2026, 12, 3, 7, 0), &kids);
    assert_eq!(s.len(), 1, "{s:?}");
    assert_eq!(s[0].cause, Some(ShortfallCause::DailyLimit));
    assert_eq!(s[0].one_more_slot_on, Some(date(2026, 12, 4)));
    assert!(
        s[0].fix
            .contains("One more visit slot on Friday 4 December"),
        "{}",
        s[0].fix
    );
    assert!(
        s[0].detail.contains("at the daily limit"),
        "{}",
        s[0].detail
    );
    // Already overdue when planned.
    let s = run(
        &cal,
        Capacity::default(),
        local(2026, 12, 3, 7, 0),
        &[cp(4, date(2026, 11, 2), Rag::Green)],
    );
    assert_eq!(s[0].cause, Some(ShortfallCause::AlreadyOverdue));
    // The working pattern: only Mondays worked, due Friday, planned on Tuesday.
    let mut mondays = PractitionerCalendar::default();
    for d in 1..5 {
        mondays.pattern.days[d] = None;
    }
    let s = run(
        &mondays,
        Capacity::default(),
        local(2026, 12, 1, 7, 0),
        &[cp(5, date(2026, 11, 20), Rag::Green)],
    );
    assert_eq!(s[0].cause, Some(ShortfallCause::WorkingPattern));
    assert!(s[0].fix.contains("do not normally work"), "{}", s[0].fix);
    // Appointments fill both days left: moving one meets it.
    let mut busy = PractitionerCalendar::default();
    for d in [3, 4] {
        busy.appointments.push(Appointment {
            start: local(2026, 12, d, 8, 0),
            end: local(2026, 12, d, 18, 0),
        });
    }
    let s = run(
        &busy,
        Capacity::default(),
        local(2026, 12, 3, 7, 0),
        &[cp(6, date(2026, 11, 20), Rag::Green)],
    );
    assert_eq!(s[0].cause, Some(ShortfallCause::Appointments));
    assert!(s[0].fix.contains("move an appointment"), "{}", s[0].fix);
}
