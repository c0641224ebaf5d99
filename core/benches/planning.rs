//! Criterion benchmark: planning 26 weeks for a health visitor's 500 children (target: under
//! 50 ms) and a social worker's 30, with the short-capacity and all-unannounced variants, each
//! printing how many visits it placed. `cargo bench -p doorstep-core --bench planning`.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use doorstep_core::domain::{CaseId, PlanType, Rag, VisitKind, VisitStatus};
use doorstep_core::planning::{
    plan, Capacity, ChildFacts, PlanRequest, Policy, PractitionerCalendar, SystemRandomSource,
    UnannouncedRule, VisitFact,
};
use std::hint::black_box;

/// A small deterministic generator for building the caseload (not for planning).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

fn visit(day: NaiveDate, kind: VisitKind) -> VisitFact {
    let at = doorstep_core::time::from_local(day, 10, 0).unwrap();
    VisitFact {
        kind,
        status: VisitStatus::Completed,
        planned_for: at,
        expected_minutes: 60,
        started_at: Some(at),
        checked_out: true,
        ended_at: Some(at + Duration::minutes(60)),
        child_seen: true,
        child_seen_alone: true,
        not_alone_reason_recorded: false,
        sleeping_area_seen: false,
        departure_reason_recorded: false,
        hcp_contact: None,
    }
}

fn caseload(n: usize, social: bool, today: NaiveDate, seed: u64) -> Vec<ChildFacts> {
    let mut g = Lcg(seed);
    (0..n)
        .map(|i| {
            let roll = g.next(100);
            let (plan, rag) = if social {
                match roll {
                    0..=39 => (
                        PlanType::ChildProtection,
                        [Rag::Red, Rag::Amber, Rag::Green][g.next(3) as usize],
                    ),
                    40..=79 => (
                        PlanType::ChildInNeed,
                        [Rag::Amber, Rag::Green][g.next(2) as usize],
                    ),
                    _ => (PlanType::LookedAfter, Rag::Green),
                }
            } else {
                match roll {
                    0..=84 => (PlanType::Universal, Rag::Green),
                    85..=91 => (
                        PlanType::TargetedEarlyHelp,
                        [Rag::Amber, Rag::Green][g.next(2) as usize],
                    ),
                    92..=96 => (PlanType::ChildInNeed, Rag::Green),
                    _ => (
                        PlanType::ChildProtection,
                        [Rag::Red, Rag::Amber][g.next(2) as usize],
                    ),
                }
            };
            let mut visits = Vec::new();
            let last = today - Duration::days(1 + g.next(20) as i64);
            visits.push(visit(last, VisitKind::AnnouncedHome));
            let dob = today - Duration::days(g.next(3 * 365) as i64);
            ChildFacts {
                case: format!("00000000-0000-4000-8000-{:012x}", i)
                    .parse::<CaseId>()
                    .unwrap(),
                plan,
                rag,
                date_of_birth: Some(dob),
                expected_date: None,
                placement_date: None,
                looked_after_since: None,
                placement_intended_until_18: false,
                opened_on: today - Duration::days(200),
                household: None,
                visits,
                household_pregnancies: Vec::new(),
                unanswered_attempts: 0,
            }
        })
        .collect()
}

fn bench_case(
    c: &mut Criterion,
    label: &str,
    children: &[ChildFacts],
    policy: &Policy,
    capacity: Capacity,
) {
    let cal = PractitionerCalendar::default();
    let now = Utc.with_ymd_and_hms(2026, 11, 30, 8, 0, 0).unwrap();
    let req = PlanRequest {
        now,
        horizon_end: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap() + Duration::weeks(26),
        calendar: &cal,
        capacity,
        policy,
        children,
        keep_draw_options: false,
    };
    let mut rng = SystemRandomSource::new();
    let p = plan(&req, &mut rng).unwrap();
    let within = p
        .slots
        .iter()
        .filter(|s| s.start.date_naive() <= req.horizon_end);
    let (n, u) = within.fold((0, 0), |(n, u), s| (n + 1, u + usize::from(s.unannounced)));
    eprintln!(
        "{label}: {n} visits placed in 26 weeks ({u} unannounced), {} shortfalls",
        p.shortfalls.len()
    );
    c.bench_function(label, |b| {
        b.iter(|| black_box(plan(&req, &mut rng).unwrap()))
    });
}

fn planning(c: &mut Criterion) {
    let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let hv = caseload(500, false, today, 7);
    let hv_cap = Capacity {
        slot_minutes: 30,
        visit_minutes: 45,
        travel_buffer_minutes: 15,
        max_visits_per_day: 7,
    };
    bench_case(
        c,
        "plan 26 weeks: health visitor, 500 children",
        &hv,
        &Policy::health_visiting(),
        hv_cap,
    );
    let short = Capacity {
        max_visits_per_day: 2,
        ..hv_cap
    };
    bench_case(
        c,
        "plan 26 weeks: health visitor, 500 children, capacity short",
        &hv,
        &Policy::health_visiting(),
        short,
    );
    let sw = caseload(30, true, today, 11);
    bench_case(
        c,
        "plan 26 weeks: social worker, 30 children",
        &sw,
        &Policy::default(),
        Capacity::default(),
    );
    let mut every = Policy::default();
    let all = Some(UnannouncedRule {
        percent: 100,
        max_announced_run: 0,
    });
    every.child_protection.unannounced = all;
    every.child_in_need.unannounced = all;
    every.looked_after.unannounced = all;
    bench_case(
        c,
        "plan 26 weeks: social worker, 30 children, all unannounced",
        &sw,
        &every,
        Capacity::default(),
    );
}

criterion_group!(benches, planning);
criterion_main!(benches);
