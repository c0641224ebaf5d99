//! A practitioner's caseload lived day by day, as a family would watch it: each working morning
//! the plan is recomputed, each child's next visit is booked when it first appears (so every
//! announced/unannounced decision and every draw is made once, as in use), and the day's booked
//! visits happen — some with no access, which leaves the child due or overdue.
#![allow(dead_code)]

use super::*;
use chrono::{Datelike, Duration, NaiveDate, Timelike, Weekday};
use chrono_tz::Europe::London;
use doorstep_core::domain::{PlanType, Rag, VisitKind, VisitStatus};
use doorstep_core::planning::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;

/// One planned visit as it was booked.
#[derive(Debug, Clone)]
pub struct Booked {
    pub child: usize,
    pub plan: PlanType,
    pub unannounced: bool,
    /// Announced qualifying home visits in a row before it.
    pub run_before: u32,
    /// Its index among the child's booked visits (0 = first in the simulation).
    pub index: usize,
    pub start: DateTime<Utc>,
    pub due: NaiveDate,
    /// The planner placed it after its due date (overdue or short of capacity).
    pub late: bool,
    /// Every feasible start it was drawn from (unannounced only).
    pub options: Vec<DateTime<Utc>>,
    /// The child's previous visit that happened (any outcome), local time.
    pub previous: Option<chrono::DateTime<chrono_tz::Tz>>,
    /// The gap in days between the previous two visits that happened.
    pub previous_gap: Option<i64>,
    /// Local hours of the child's earlier unannounced visits that happened.
    pub past_unannounced_hours: Vec<u32>,
    /// Announced (false) / unannounced (true) of the child's earlier booked visits.
    pub past_kinds: Vec<bool>,
}

/// The simulated caseload and calendar.
pub struct World {
    pub kids: Vec<ChildFacts>,
    pub cal: PractitionerCalendar,
    pub policy: Policy,
    pub cap: Capacity,
}

/// A social worker's caseload of `n` children: 50% child protection (amber or green), 33% child
/// in need, the rest looked after; last visits spread over the fortnight before `start`.
pub fn social_worker(n: usize, start: NaiveDate, seed: u64) -> World {
    let mut g = ChaCha20Rng::seed_from_u64(seed ^ 0x5eed);
    let kids = (0..n)
        .map(|i| {
            let (plan, rag) = match i % 6 {
                0..=2 => (
                    PlanType::ChildProtection,
                    if g.gen_bool(0.5) {
                        Rag::Amber
                    } else {
                        Rag::Green
                    },
                ),
                3 | 4 => (PlanType::ChildInNeed, Rag::Green),
                _ => (PlanType::LookedAfter, Rag::Green),
            };
            let mut c = child(plan, rag, start - Duration::days(400));
            c.case = case_id(i as u64 + 1);
            let last = start - Duration::days(g.gen_range(1..14));
            c.visits.push(seen(last, VisitKind::AnnouncedHome));
            c
        })
        .collect();
    let mut cal = PractitionerCalendar::default();
    // Late on Tuesdays and Saturday mornings, declared: the draw must use them.
    cal.pattern.days[1] = Some(DayHours::new(9, 0, 19, 0));
    cal.pattern.days[5] = Some(DayHours::new(9, 30, 13, 0));
    World {
        kids,
        cal,
        policy: Policy::default(),
        cap: Capacity::default(),
    }
}

fn history_run(c: &ChildFacts) -> u32 {
    let mut q: Vec<&VisitFact> = c
        .visits
        .iter()
        .filter(|v| v.status == VisitStatus::Completed && v.child_seen && v.kind.is_home())
        .collect();
    q.sort_by_key(|v| v.planned_for);
    q.iter()
        .rev()
        .take_while(|v| v.kind == VisitKind::AnnouncedHome)
        .count() as u32
}

/// Lives `days` days from `start` with planner randomness `rng` and outcome seed `seed`
/// (no access with probability 0.12). Returns every visit booked.
pub fn live(
    w: &mut World,
    start: NaiveDate,
    days: i64,
    rng: &mut dyn RandomSource,
    seed: u64,
) -> Vec<Booked> {
    let mut outcomes = ChaCha20Rng::seed_from_u64(seed);
    let mut booked: Vec<Booked> = Vec::new();
    let mut per_child: Vec<usize> = vec![0; w.kids.len()];
    for k in 0..days {
        let day = start + Duration::days(k);
        if w.cal.is_available(day) {
            let now = doorstep_core::time::from_local(day, 7, 0).unwrap();
            let req = PlanRequest {
                now,
                horizon_end: day + Duration::days(21),
                calendar: &w.cal,
                capacity: w.cap,
                policy: &w.policy,
                children: &w.kids,
                keep_draw_options: true,
            };
            let p = plan(&req, rng).unwrap();
            for s in p.slots.iter().filter(|s| !s.booked && s.round == 1) {
                let ci = w.kids.iter().position(|c| c.case == s.case).expect("case");
                let c = &w.kids[ci];
                let mut done: Vec<&VisitFact> = c
                    .visits
                    .iter()
                    .filter(|v| v.status != VisitStatus::Planned)
                    .collect();
                done.sort_by_key(|v| v.planned_for);
                let previous = done.last().map(|v| v.planned_for.with_timezone(&London));
                let previous_gap = (done.len() >= 2).then(|| {
                    (done[done.len() - 1].planned_for - done[done.len() - 2].planned_for).num_days()
                });
                let past_unannounced_hours = done
                    .iter()
                    .filter(|v| v.kind == VisitKind::UnannouncedHome)
                    .map(|v| v.planned_for.with_timezone(&London).hour())
                    .collect();
                let past_kinds = booked
                    .iter()
                    .filter(|b| b.child == ci)
                    .map(|b| b.unannounced)
                    .collect();
                booked.push(Booked {
                    child: ci,
                    plan: c.plan,
                    unannounced: s.unannounced,
                    run_before: history_run(c),
                    index: per_child[ci],
                    start: s.start,
                    due: s.due,
                    late: s.start.with_timezone(&London).date_naive() > s.due,
                    options: s.draw_options.clone(),
                    previous,
                    previous_gap,
                    past_unannounced_hours,
                    past_kinds,
                });
                per_child[ci] += 1;
                w.kids[ci].visits.push(VisitFact {
                    status: VisitStatus::Planned,
                    started_at: None,
                    ended_at: None,
                    checked_out: false,
                    child_seen: false,
                    ..seen(day, s.kind)
                });
                if let Some(v) = w.kids[ci].visits.last_mut() {
                    v.planned_for = s.start;
                }
            }
        }
        // The day's visits happen.
        for c in &mut w.kids {
            for v in &mut c.visits {
                if v.status == VisitStatus::Planned
                    && v.planned_for.with_timezone(&London).date_naive() == day
                {
                    let no_access = outcomes.gen_bool(0.12);
                    v.status = if no_access {
                        VisitStatus::NoAccess
                    } else {
                        VisitStatus::Completed
                    };
                    v.child_seen = !no_access;
                    v.started_at = Some(v.planned_for);
                    v.checked_out = true;
                    v.ended_at = Some(v.planned_for + Duration::minutes(60));
                }
            }
        }
    }
    booked
}

/// Local weekday and hour of a UTC instant.
pub fn weekday_hour(t: DateTime<Utc>) -> (Weekday, u32) {
    let l = t.with_timezone(&London);
    (l.weekday(), l.hour())
}
