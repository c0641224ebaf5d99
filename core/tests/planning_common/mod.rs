//! Shared test helpers: a seeded random source and case builders.
#![allow(dead_code)]

pub use chrono::{DateTime, NaiveDate, Utc};
use doorstep_core::domain::{CaseId, PlanType, Rag, VisitKind, VisitStatus};
use doorstep_core::planning::{ChildFacts, PlanningError, RandomSource, VisitFact};
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;

/// A seedable random source: tests only.
pub struct Seeded(pub ChaCha20Rng);

impl Seeded {
    pub fn new(seed: u64) -> Self {
        Self(ChaCha20Rng::seed_from_u64(seed))
    }
}

impl RandomSource for Seeded {
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), PlanningError> {
        self.0.fill_bytes(dest);
        Ok(())
    }
}

/// A deliberately biased source (always the first option): the statistical tests must fail it.
pub struct AlwaysFirst;

impl RandomSource for AlwaysFirst {
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), PlanningError> {
        dest.fill(0);
        Ok(())
    }
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// UTC instant of a local (Europe/London) time.
pub fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    doorstep_core::time::from_local(date(y, m, d), h, min).unwrap()
}

/// A completed face-to-face visit on `day` at 10:00 local.
pub fn seen(day: NaiveDate, kind: VisitKind) -> VisitFact {
    let at = doorstep_core::time::from_local(day, 10, 0).unwrap();
    VisitFact {
        kind,
        status: VisitStatus::Completed,
        planned_for: at,
        expected_minutes: 60,
        started_at: Some(at),
        checked_out: true,
        ended_at: Some(at + chrono::Duration::minutes(60)),
        child_seen: true,
        child_seen_alone: true,
        not_alone_reason_recorded: false,
        sleeping_area_seen: true,
        departure_reason_recorded: false,
        hcp_contact: None,
    }
}

pub fn child(plan: PlanType, rag: Rag, opened_on: NaiveDate) -> ChildFacts {
    ChildFacts {
        case: CaseId::random(),
        plan,
        rag,
        date_of_birth: None,
        expected_date: None,
        placement_date: None,
        looked_after_since: None,
        placement_intended_until_18: false,
        opened_on,
        household: None,
        visits: Vec::new(),
        household_pregnancies: Vec::new(),
        unanswered_attempts: 0,
    }
}

/// A deterministic case id from a number (for reproducible seeded tests).
pub fn case_id(n: u64) -> CaseId {
    format!("00000000-0000-4000-8000-{:012x}", n)
        .parse()
        .unwrap()
}
pub mod sim;
