//! Bank holidays by rule against an independent list, and working patterns with weekends and
//! evenings honoured by the planner.
#[path = "planning_common/mod.rs"]
mod common;
use chrono::{Datelike, NaiveDate, Timelike, Weekday};
use chrono_tz::Europe::London;
use common::*;
use doorstep_core::domain::{PlanType, Rag, VisitKind};
use doorstep_core::planning::*;

const INDEPENDENT: &str = include_str!("data/bank-holidays-england-and-wales-2024-2030.txt");

fn independent() -> Vec<NaiveDate> {
    INDEPENDENT
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| NaiveDate::parse_from_str(&l[..10], "%Y-%m-%d").unwrap())
        .collect()
}

#[test]
fn rules_match_an_independent_list_2024_to_2030() {
    let list = independent();
    assert_eq!(list.len(), 56);
    let h = BankHolidays::official();
    for y in 2024..=2030 {
        let want: Vec<NaiveDate> = list.iter().copied().filter(|d| d.year() == y).collect();
        assert_eq!(h.in_year(y), want, "{y}");
        assert_eq!(rule_holidays(y).unwrap().to_vec(), want, "rules alone, {y}");
    }
    // Substitute days.
    for d in [
        date(2026, 12, 28),
        date(2027, 12, 27),
        date(2027, 12, 28),
        date(2028, 1, 3),
    ] {
        assert!(h.contains(d), "{d}");
    }
    assert!(!h.contains(date(2028, 1, 1)));
}

#[test]
fn a_date_past_the_table_is_planned_by_the_rules() {
    let h = BankHolidays::official();
    assert_eq!(h.source(2031), HolidaySource::RulesOnly);
    // 1 January 2033 is a Saturday: Monday 3 January is the holiday, and a 10-working-day
    // interval from Friday 17 December 2032 skips 27 and 28 December and 3 January.
    assert!(h.contains(date(2033, 1, 3)));
    assert_eq!(
        h.add_working_days(date(2032, 12, 17), 10).unwrap(),
        date(2033, 1, 5)
    );
}

#[test]
fn declared_weekend_and_evening_hours_are_used() {
    let mut cal = PractitionerCalendar::default();
    cal.pattern.days[5] = Some(DayHours::new(10, 0, 14, 0)); // Saturday
    cal.pattern.days[1] = Some(DayHours::new(9, 0, 20, 0)); // Tuesday evenings
    let mut p = Policy::default();
    p.rag_plans.clear();
    p.child_protection.unannounced = Some(UnannouncedRule {
        percent: 100,
        max_announced_run: 0,
    });
    let mut c = child(PlanType::ChildProtection, Rag::Green, date(2026, 9, 1));
    c.case = case_id(3);
    c.visits
        .push(seen(date(2026, 11, 13), VisitKind::UnannouncedHome));
    let kids = vec![c];
    let req = PlanRequest {
        now: local(2026, 11, 16, 7, 0),
        horizon_end: date(2026, 11, 27),
        calendar: &cal,
        capacity: Capacity::default(),
        policy: &p,
        children: &kids,
        keep_draw_options: false,
    };
    let mut rng = Seeded::new(11);
    let (mut saturday, mut evening) = (0, 0);
    for _ in 0..400 {
        let plan = plan(&req, &mut rng).unwrap();
        let s = plan.slots.iter().find(|s| s.round == 1).unwrap();
        let l = s.start.with_timezone(&London);
        saturday += usize::from(l.weekday() == Weekday::Sat);
        evening += usize::from(l.hour() >= 17);
        if l.weekday() == Weekday::Sat {
            assert!((10..=13).contains(&l.hour()), "{l}");
        }
    }
    // Window Sat 14 to Fri 27 Nov: 2 Saturdays x 7 starts, 2 Tuesday evenings x 6 starts of
    // 176 starts in all: about 32 and 27 of 400 expected.
    assert!(saturday > 10 && evening > 10, "{saturday} {evening}");
}
