//! Unannounced visits are unpredictable: over many plans for the same case the chosen weekday and
//! hour are uniform over the feasible slots (chi-square), and predictors that guess from past
//! visits do no better than chance. Seeded, deterministic, and shown to fail on a biased source.
#[path = "planning_common/mod.rs"]
mod common;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike, Utc};
use chrono_tz::Europe::London;
use common::*;
use doorstep_core::domain::{PlanType, Rag, VisitKind};
use doorstep_core::planning::*;

fn policy(open_percent: u8) -> Policy {
    let mut p = Policy::default();
    p.child_protection.unannounced = Some(UnannouncedRule {
        percent: 100,
        max_announced_run: 0,
    });
    p.rag_plans.clear();
    p.window_open_percent = open_percent;
    p
}

/// Chi-square statistic of observed counts against expected proportions.
fn chi_square(observed: &[f64], expected_share: &[f64]) -> f64 {
    let n: f64 = observed.iter().sum();
    observed
        .iter()
        .zip(expected_share)
        .filter(|(_, &e)| e > 0.0)
        .map(|(&o, &e)| (o - n * e).powi(2) / (n * e))
        .sum()
}

/// The round-1 unannounced slot for one child, planned `n` times with one random source.
fn draws(rng: &mut dyn RandomSource, cal: &PractitionerCalendar, n: usize) -> Vec<DateTime<Utc>> {
    let p = policy(0);
    let mut c = child(PlanType::ChildProtection, Rag::Green, date(2026, 9, 1));
    c.case = case_id(1);
    c.visits
        .push(seen(date(2026, 11, 13), VisitKind::UnannouncedHome)); // Friday
    let kids = vec![c];
    let req = PlanRequest {
        now: local(2026, 11, 16, 7, 0),
        horizon_end: date(2026, 11, 27),
        calendar: cal,
        capacity: Capacity::default(),
        policy: &p,
        children: &kids,
        keep_draw_options: false,
    };
    (0..n)
        .map(|_| {
            let plan = plan(&req, rng).unwrap();
            let s = plan.slots.iter().find(|s| s.round == 1).unwrap();
            assert!(s.unannounced);
            s.start
        })
        .collect()
}

/// Chi-square of weekday and of hour against the feasible slots: a calendar with a part-time
/// Wednesday and an appointment, so "uniform over slots" differs from "uniform over days".
fn weekday_hour_chi(rng: &mut dyn RandomSource) -> (f64, f64) {
    let mut cal = PractitionerCalendar::default();
    cal.pattern.days[2] = Some(DayHours::new(9, 0, 13, 0));
    cal.appointments.push(Appointment {
        start: local(2026, 11, 17, 9, 0),
        end: local(2026, 11, 17, 12, 0),
    });
    // Feasible slots, counted independently: window Mon 16 to Fri 27 Nov; starts every 30 minutes
    // with the visit (60 min) ending by the day's end; Tuesday 17th from 12:30 (appointment +
    // 30 minutes travel).
    let mut by_weekday = [0f64; 5];
    let mut by_hour = [0f64; 24];
    let mut d = date(2026, 11, 16);
    while d <= date(2026, 11, 27) {
        let wd = d.weekday().num_days_from_monday() as usize;
        if wd < 5 {
            let end = if wd == 2 { 13 * 60 } else { 17 * 60 };
            let mut m = 9 * 60;
            while m + 60 <= end {
                let blocked = d == date(2026, 11, 17) && m < 12 * 60 + 30;
                if !blocked {
                    by_weekday[wd] += 1.0;
                    by_hour[m / 60] += 1.0;
                }
                m += 30;
            }
        }
        d = d.succ_opt().unwrap();
    }
    let total: f64 = by_weekday.iter().sum();
    let wd_share: Vec<f64> = by_weekday.iter().map(|x| x / total).collect();
    let hour_share: Vec<f64> = by_hour.iter().map(|x| x / total).collect();
    let starts = draws(rng, &cal, 3000);
    let mut ow = [0f64; 5];
    let mut oh = [0f64; 24];
    for s in starts {
        let l = s.with_timezone(&London);
        ow[l.weekday().num_days_from_monday() as usize] += 1.0;
        oh[l.hour() as usize] += 1.0;
    }
    (chi_square(&ow, &wd_share), chi_square(&oh, &hour_share))
}

// Critical values at p = 0.001: 4 degrees of freedom 18.47 (weekdays), 7 degrees 24.32 (hours
// 09-16).
const WEEKDAY_CRITICAL: f64 = 18.47;
const HOUR_CRITICAL: f64 = 24.32;

#[test]
fn weekday_and_hour_are_uniform_over_feasible_slots() {
    let (w, h) = weekday_hour_chi(&mut Seeded::new(20261128));
    eprintln!("weekday chi-square {w:.2} (critical {WEEKDAY_CRITICAL}), hour chi-square {h:.2} (critical {HOUR_CRITICAL})");
    assert!(w < WEEKDAY_CRITICAL, "weekday chi-square {w}");
    assert!(h < HOUR_CRITICAL, "hour chi-square {h}");
}

#[test]
fn chi_square_test_fails_a_biased_source() {
    let (w, h) = weekday_hour_chi(&mut AlwaysFirst);
    eprintln!("biased: weekday {w:.0}, hour {h:.0}");
    assert!(w > WEEKDAY_CRITICAL && h > HOUR_CRITICAL, "{w} {h}");
}

/// A family watching a run of unannounced visits, each planned after the last happened.
/// Returns, per predictor, the z-score of its hits against the chance rate of each guess.
fn predictor_z(rng: &mut dyn RandomSource, visits: usize) -> Vec<(&'static str, f64)> {
    let p = policy(50);
    let cal = PractitionerCalendar::default();
    let hol = cal.holidays.clone();
    let mut c = child(PlanType::ChildProtection, Rag::Green, date(2026, 9, 1));
    c.case = case_id(7);
    let mut last_day = date(2026, 9, 4);
    c.visits.push(seen(last_day, VisitKind::UnannouncedHome));
    let mut past: Vec<(NaiveDate, u32)> = Vec::new(); // (date, hour)
                                                      // hits, expected, variance for each predictor
    let names = [
        "same weekday as last",
        "most frequent weekday",
        "same hour as last",
        "most frequent hour",
        "same gap as last",
    ];
    let mut acc = vec![(0f64, 0f64, 0f64); names.len()];
    for _ in 0..visits {
        let now = doorstep_core::time::from_local(last_day + Duration::days(1), 7, 0).unwrap();
        let kids = vec![c.clone()];
        let req = PlanRequest {
            now,
            horizon_end: last_day + Duration::days(20),
            calendar: &cal,
            capacity: Capacity::default(),
            policy: &p,
            children: &kids,
            keep_draw_options: false,
        };
        let plan = plan(&req, rng).unwrap();
        let s = plan.slots.iter().find(|s| s.round == 1).unwrap().clone();
        // The feasible slots: every working day in the window, 15 starts a day (09:00-16:00).
        let mut window = Vec::new();
        let mut d = s.earliest.max(now.with_timezone(&London).date_naive());
        while d <= s.due {
            if hol.is_working_day(d) {
                window.push(d);
            }
            d = d.succ_opt().unwrap();
        }
        let slots = window.len() as f64 * 15.0;
        assert!(
            s.explanation
                .contains(&format!("from {} feasible slots", window.len() * 15)),
            "{}",
            s.explanation
        );
        let l = s.start.with_timezone(&London);
        let (day, hour) = (l.date_naive(), l.hour());
        if past.len() >= 2 {
            let (pd, ph) = *past.last().unwrap();
            let mode = |f: &dyn Fn(&(NaiveDate, u32)) -> u32| {
                let mut counts = std::collections::BTreeMap::new();
                for x in &past {
                    *counts.entry(f(x)).or_insert(0) += 1;
                }
                counts
                    .into_iter()
                    .max_by_key(|(k, c)| (*c, std::cmp::Reverse(*k)))
                    .unwrap()
                    .0
            };
            let wd = |x: &(NaiveDate, u32)| x.0.weekday().num_days_from_monday();
            let guesses: [(bool, f64); 5] = {
                let same_wd = wd(&(pd, ph));
                let mode_wd = mode(&wd);
                let mode_h = mode(&|x: &(NaiveDate, u32)| x.1);
                let gap = (pd - past[past.len() - 2].0).num_days();
                let gap_day = last_day + Duration::days(gap);
                let share_wd = |w: u32| {
                    window
                        .iter()
                        .filter(|d| d.weekday().num_days_from_monday() == w)
                        .count() as f64
                        * 15.0
                        / slots
                };
                let share_h = |h: u32| {
                    let per_day = if (9..16).contains(&h) {
                        2.0
                    } else if h == 16 {
                        1.0
                    } else {
                        0.0
                    };
                    per_day * window.len() as f64 / slots
                };
                [
                    (
                        day.weekday().num_days_from_monday() == same_wd,
                        share_wd(same_wd),
                    ),
                    (
                        day.weekday().num_days_from_monday() == mode_wd,
                        share_wd(mode_wd),
                    ),
                    (hour == ph, share_h(ph)),
                    (hour == mode_h, share_h(mode_h)),
                    (
                        day == gap_day,
                        if window.contains(&gap_day) {
                            15.0 / slots
                        } else {
                            0.0
                        },
                    ),
                ]
            };
            for (a, (hit, p)) in acc.iter_mut().zip(guesses) {
                a.0 += if hit { 1.0 } else { 0.0 };
                a.1 += p;
                a.2 += p * (1.0 - p);
            }
        }
        past.push((day, hour));
        last_day = day;
        c.visits.push(seen(day, VisitKind::UnannouncedHome));
    }
    names
        .iter()
        .zip(acc)
        .map(|(n, (hits, e, v))| (*n, (hits - e) / v.sqrt().max(1e-9)))
        .collect()
}

#[test]
fn predictors_from_past_visits_do_no_better_than_chance() {
    for (name, z) in predictor_z(&mut Seeded::new(7), 300) {
        eprintln!("{name}: z = {z:.2}");
        // One-sided, p < 0.0005.
        assert!(z < 3.3, "{name}: z = {z}");
    }
}

#[test]
fn predictor_test_fails_a_biased_source() {
    let z = predictor_z(&mut AlwaysFirst, 60);
    eprintln!("biased: {z:?}");
    assert!(z.iter().any(|(_, z)| *z > 3.3), "{z:?}");
}
