//! Property tests: every generated plan keeps to working time, bank holidays, leave, appointments,
//! the daily limit and travel buffers, and meets every round-1 due date capacity allows (checked
//! against an independent oracle: Hall's condition over day intervals). DST weeks included.
#[path = "planning_common/mod.rs"]
mod common;
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Timelike, Utc};
use chrono_tz::Europe::London;
use common::*;
use doorstep_core::domain::{PlanType, Rag, VisitKind};
use doorstep_core::planning::*;
use proptest::prelude::*;
use std::collections::HashSet;

#[derive(Debug, Clone)]
struct Scenario {
    now: DateTime<Utc>,
    cal: PractitionerCalendar,
    cap: Capacity,
    kids: Vec<ChildFacts>,
    seed: u64,
    unannounced_every: Option<u32>,
}

fn start_date() -> impl Strategy<Value = NaiveDate> {
    prop_oneof![
        // The weeks before and across the clock changes (last Sundays of March and October).
        (0u32..10).prop_map(|o| date(2026, 3, 23) + Duration::days(o as i64)),
        (0u32..10).prop_map(|o| date(2026, 10, 19) + Duration::days(o as i64)),
        (0u32..10).prop_map(|o| date(2027, 3, 22) + Duration::days(o as i64)),
        (0u32..10).prop_map(|o| date(2028, 10, 23) + Duration::days(o as i64)),
        // Christmas and Easter.
        (0u32..14).prop_map(|o| date(2027, 12, 18) + Duration::days(o as i64)),
        (0u32..1800).prop_map(|o| date(2025, 1, 1) + Duration::days(o as i64)),
    ]
}

fn scenario() -> impl Strategy<Value = Scenario> {
    let day = prop_oneof![
        1 => Just(None),
        4 => (14u16..21, 26u16..38).prop_map(|(s, e)| Some(DayHours { start_minute: s * 30, end_minute: e * 30 })),
    ];
    (
        start_date(),
        0u32..(12 * 60),
        proptest::array::uniform7(day),
        proptest::collection::vec((0i64..30, 0i64..4), 0..3),
        proptest::collection::vec((0i64..28, 14u32..36, 1u32..12), 0..12),
        (
            prop_oneof![Just(15u16), Just(30), Just(60)],
            30u16..=90,
            0u16..=45,
            1u16..=6,
        ),
        proptest::collection::vec((0usize..5, 0usize..3, 0i64..30, any::<bool>()), 1..25),
        (
            any::<u64>(),
            prop_oneof![
                Just(None),
                Just(Some(1u32)),
                Just(Some(2u32)),
                Just(Some(3u32))
            ],
        ),
    )
        .prop_map(
            |(
                d,
                minute,
                mut days,
                leave,
                appts,
                (slot, visit, buffer, max),
                kids,
                (seed, unannounced_every),
            )| {
                days[5] = None;
                days[6] = None;
                let now = doorstep_core::time::from_local(d, minute / 60, minute % 60).unwrap();
                let leave = leave
                    .into_iter()
                    .map(|(o, len)| Leave {
                        first: d + Duration::days(o),
                        last: d + Duration::days(o + len),
                    })
                    .collect();
                let appointments = appts
                    .into_iter()
                    .map(|(o, half_hour, len)| {
                        let start = doorstep_core::time::from_local(
                            d + Duration::days(o),
                            half_hour / 2,
                            (half_hour % 2) * 30,
                        )
                        .unwrap();
                        Appointment {
                            start,
                            end: start + Duration::minutes(30 * len as i64),
                        }
                    })
                    .collect();
                let cal = PractitionerCalendar {
                    pattern: WorkingPattern { days },
                    leave,
                    appointments,
                    ..PractitionerCalendar::default()
                };
                let cap = Capacity {
                    slot_minutes: slot,
                    visit_minutes: visit,
                    travel_buffer_minutes: buffer,
                    max_visits_per_day: max,
                };
                let kids = kids
                    .into_iter()
                    .enumerate()
                    .map(|(i, (p, r, ago, unannounced))| {
                        let plan = [
                            PlanType::ChildProtection,
                            PlanType::LookedAfter,
                            PlanType::ChildInNeed,
                            PlanType::TargetedEarlyHelp,
                            PlanType::ChildProtection,
                        ][p];
                        let rag = [Rag::Red, Rag::Amber, Rag::Green][r];
                        let mut c = child(plan, rag, d - Duration::days(400));
                        c.case = case_id(i as u64);
                        let kind = if unannounced {
                            VisitKind::AnnouncedHome
                        } else {
                            VisitKind::UnannouncedHome
                        };
                        c.visits.push(seen(d - Duration::days(ago), kind));
                        c
                    })
                    .collect();
                Scenario {
                    now,
                    cal,
                    cap,
                    kids,
                    seed,
                    unannounced_every,
                }
            },
        )
}

/// Independent day capacities: (date, places) for every available day from `from` to `to`.
fn oracle_days(s: &Scenario, from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, u32)> {
    let mut out = Vec::new();
    let mut d = from;
    while d <= to {
        let hours = s.cal.pattern.days[d.weekday().num_days_from_monday() as usize];
        let available = d.weekday().num_days_from_monday() < 5
            && !s.cal.holidays.contains(d)
            && !s.cal.leave.iter().any(|l| l.first <= d && d <= l.last);
        if let (true, Some(h)) = (available, hours) {
            let visit = s.cap.visit_minutes;
            let gap = visit + s.cap.travel_buffer_minutes;
            let mut count = 0u32;
            let mut last: Option<u16> = None;
            let mut m = h.start_minute;
            while m + visit <= h.end_minute {
                let t = London
                    .from_local_datetime(
                        &d.and_hms_opt((m / 60) as u32, (m % 60) as u32, 0).unwrap(),
                    )
                    .earliest()
                    .map(|t| t.with_timezone(&Utc));
                if let Some(t) = t {
                    let b = Duration::minutes(s.cap.travel_buffer_minutes as i64);
                    let e = t + Duration::minutes(visit as i64);
                    let clash = s
                        .cal
                        .appointments
                        .iter()
                        .any(|a| t < a.end + b && a.start - b < e);
                    if t >= s.now && !clash && last.is_none_or(|l| m - l >= gap) {
                        count += 1;
                        last = Some(m);
                    }
                }
                m += s.cap.slot_minutes;
            }
            out.push((d, count.min(s.cap.max_visits_per_day as u32)));
        }
        d = d.succ_opt().unwrap();
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn plans_keep_to_the_calendar_and_meet_every_achievable_due_date(s in scenario()) {
        let mut policy = Policy::default();
        // "k" in the scenario: about one visit in k unannounced, never more than k - 1 announced.
        policy.child_protection.unannounced = s.unannounced_every.map(|k| UnannouncedRule {
            percent: (100 / k.max(1)) as u8,
            max_announced_run: k.saturating_sub(1),
        });
        let today = s.now.with_timezone(&London).date_naive();
        let end = today + Duration::days(27);
        let req = PlanRequest { now: s.now, horizon_end: end, calendar: &s.cal, capacity: s.cap, policy: &policy, children: &s.kids, keep_draw_options: false };
        let p = plan(&req, &mut Seeded::new(s.seed)).unwrap();

        // Every slot: working day, the practitioner's hours, no leave, no clash, after now.
        let buffer = Duration::minutes(s.cap.travel_buffer_minutes as i64);
        let mut per_day: std::collections::BTreeMap<NaiveDate, Vec<DateTime<Utc>>> = Default::default();
        for sl in &p.slots {
            let l = sl.start.with_timezone(&London);
            let d = l.date_naive();
            prop_assert!(s.cal.holidays.is_working_day(d), "bank holiday or weekend {}", d);
            prop_assert!(!s.cal.on_leave(d));
            let h = s.cal.pattern.hours(d.weekday());
            prop_assert!(h.is_some());
            let h = h.unwrap();
            let start_m = (l.hour() * 60 + l.minute()) as u16;
            prop_assert!(start_m >= h.start_minute && start_m + s.cap.visit_minutes <= h.end_minute, "{} outside hours", l);
            prop_assert!(!s.cal.clashes(sl.start, sl.end, buffer));
            prop_assert!(sl.start >= s.now);
            per_day.entry(d).or_default().push(sl.start);
        }
        for starts in per_day.values_mut() {
            starts.sort();
            prop_assert!(starts.len() <= s.cap.max_visits_per_day as usize);
            for w in starts.windows(2) {
                prop_assert!(w[1] - w[0] >= Duration::minutes((s.cap.visit_minutes + s.cap.travel_buffer_minutes) as i64));
            }
        }

        // Never two visits to one child on one day.
        let mut seen_days = HashSet::new();
        for sl in &p.slots {
            prop_assert!(seen_days.insert((sl.case, sl.start.with_timezone(&London).date_naive())), "two visits one day");
        }
        // Every shortfall names its cause and what would fix it.
        for x in &p.shortfalls {
            prop_assert!(x.cause.is_some() && !x.fix.is_empty(), "{:?}", x);
        }

        // Nobody dropped: every round-1 item is planned or reported.
        let mut round1 = Vec::new();
        for c in &s.kids {
            for it in due_items(c, &policy, &s.cal.holidays, today).unwrap() {
                if it.earliest <= end {
                    round1.push(it);
                }
            }
        }
        for it in &round1 {
            let planned = p.slots.iter().any(|x| x.case == it.case && x.round == 1 && (x.requirement == it.requirement || x.also_meets.contains(&it.requirement)));
            let short = p.shortfalls.iter().any(|x| x.case == it.case && x.round == 1);
            prop_assert!(planned || short, "dropped");
        }
        // Every planned slot after its due date is reported as a shortfall.
        for sl in &p.slots {
            if sl.start.with_timezone(&London).date_naive() > sl.due {
                prop_assert!(p.shortfalls.iter().any(|x| x.case == sl.case && x.round == sl.round));
            }
        }

        // Independent oracle: if Hall's condition holds for the achievable round-1 items, none
        // of them is late.
        let days = oracle_days(&s, today, end + Duration::days(40));
        // Windows as the rules open them, and as wide as the planner may open them (a regular
        // visit may come from the day after the visit it follows to meet its date).
        let mut jobs = Vec::new();
        let mut wide_jobs = Vec::new();
        let mut hopeless = HashSet::new();
        for it in &round1 {
            let Some(dl) = days.iter().rposition(|(d, _)| *d <= it.due) else {
                hopeless.insert(it.case);
                continue;
            };
            let release = |from: NaiveDate| days.iter().position(|(d, _)| *d >= from.max(today)).unwrap_or(days.len()).min(dl);
            jobs.push((release(it.earliest), dl));
            let widest = it.basis.and_then(|b| b.succ_opt()).map_or(it.earliest, |b| b.min(it.earliest));
            wide_jobs.push((release(widest), dl));
        }
        let hall = |jobs: &[(usize, usize)]| {
            (0..days.len()).all(|a| (a..days.len()).all(|b| {
                let need = jobs.iter().filter(|(r, d)| *r >= a && *d <= b).count() as u32;
                let have: u32 = days[a..=b].iter().map(|(_, c)| c).sum();
                need <= have
            }))
        };
        let late: Vec<_> = p.shortfalls.iter().filter(|x| x.round == 1 && !hopeless.contains(&x.case)).collect();
        if hall(&jobs) {
            prop_assert!(late.is_empty(), "capacity allows every due date but {:?}", late);
        }
        if !hall(&wide_jobs) {
            prop_assert!(!p.shortfalls.is_empty(), "over capacity even with windows opened early, yet no shortfall reported");
        }
    }
}
