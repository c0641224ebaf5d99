//! The Rust side of the FFI-cost comparison: the same calls the Kotlin benchmark makes through
//! JNA (`android/doorstep-kotlin`, `scripts/bench-ffi.sh`), made here on the bindings' Rust API on
//! the same data: (a) `today()` with 500 visits on today's list, (b) recording a visit
//! (`plan_visit` + `complete_visit`). Prints mean microseconds per call after a warm-up.
//!
//! Run: `cargo bench -p doorstep-ffi --bench ffi_cost` (or `scripts/bench-ffi.sh` for both sides).

use doorstep_core::domain::Agency;
use doorstep_core::time::{from_local, local_date};
use doorstep_core::Clock;
use doorstep_ffi::{
    CaseInput, DoorstepStore, HouseholdInput, PersonInput, PersonRole, PlanType, PractitionerInput,
    Rag, VisitAnswers, VisitInput, VisitKind,
};
use std::sync::Arc;
use std::time::Instant;

const CHILDREN: usize = 50;
const VISITS_TODAY: usize = 500;

/// The benchmark's data: 50 children, 500 visits today from 08:00, one minute apart.
fn dataset(dir: &std::path::Path) -> (Arc<DoorstepStore>, Vec<doorstep_ffi::CaseId>) {
    let s = DoorstepStore::create(
        dir.join("bench").to_string_lossy().into_owned(),
        PractitionerInput {
            name: "Bench Practitioner".into(),
            agency: Agency::HealthVisiting,
            team: None,
        },
        Some("bench passphrase long enough".into()),
        None,
        None,
    )
    .expect("store");
    let mut cases = Vec::new();
    for i in 0..CHILDREN {
        let h = s
            .add_household(HouseholdInput {
                address: format!("{i} Bench Road"),
                postcode: None,
                access_notes: None,
            })
            .expect("household");
        let child = s
            .add_person(PersonInput {
                household_id: h,
                role: PersonRole::Child,
                name: format!("Bench Child {i}"),
                date_of_birth: Some("2023-05-06".into()),
                expected_date: None,
                relationship: None,
            })
            .expect("child");
        cases.push(
            s.open_case(CaseInput {
                child_id: child,
                plan: PlanType::ChildInNeed,
                rag: Rag::Amber,
                rag_reason: "bench".into(),
            })
            .expect("case"),
        );
    }
    let today = local_date(doorstep_core::SystemClock.now());
    let start = from_local(today, 8, 0).expect("08:00 today");
    for i in 0..VISITS_TODAY {
        s.plan_visit(VisitInput {
            case_id: cases[i % CHILDREN],
            kind: VisitKind::AnnouncedHome,
            planned_for_millis: start.timestamp_millis() + i as i64 * 60_000,
            expected_minutes: 30,
            departure_reason: None,
        })
        .expect("visit");
    }
    (s, cases)
}

fn mean_micros(iterations: u32, mut f: impl FnMut()) -> f64 {
    for _ in 0..(iterations / 5).max(3) {
        f();
    }
    let t = Instant::now();
    for _ in 0..iterations {
        f();
    }
    t.elapsed().as_secs_f64() * 1e6 / f64::from(iterations)
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (s, cases) = dataset(dir.path());
    assert_eq!(s.today().expect("today").visits.len(), VISITS_TODAY);
    let today = mean_micros(50, || {
        let v = s.today().expect("today");
        std::hint::black_box(v);
    });
    let now = doorstep_core::SystemClock.now().timestamp_millis();
    let mut n = 0usize;
    let record = mean_micros(200, || {
        let visit = s
            .plan_visit(VisitInput {
                case_id: cases[n % CHILDREN],
                kind: VisitKind::AnnouncedHome,
                planned_for_millis: now - 3_600_000,
                expected_minutes: 30,
                departure_reason: None,
            })
            .expect("plan");
        n += 1;
        s.complete_visit(
            visit,
            VisitAnswers {
                child_seen: Some(true),
                child_seen_alone: true,
                sleeping_area_seen: true,
                others_present_answered: true,
                ..Default::default()
            },
        )
        .expect("complete");
    });
    println!("rust today_500_us {today:.1}");
    println!("rust record_visit_us {record:.1}");
}
