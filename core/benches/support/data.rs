//! Deterministic, realistic-looking (and entirely invented) benchmark data.

use chrono::{DateTime, NaiveDate, Utc};
use doorstep_core::domain::{
    Agency, Engagement, NewHousehold, NewPractitioner, OthersPresent, VisitOutcome,
};

/// A small deterministic generator (64-bit LCG), so every run builds the same fixture.
pub struct Lcg(pub u64);

impl Lcg {
    /// The next pseudo-random number.
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const WORDS: &[&str] = &[
    "visited",
    "mother",
    "baby",
    "feeding",
    "weight",
    "sleeping",
    "cot",
    "kitchen",
    "partner",
    "present",
    "engaged",
    "well",
    "concern",
    "bruise",
    "explained",
    "nursery",
    "attendance",
    "housing",
    "damp",
    "referral",
    "advice",
    "given",
    "safe",
    "sleep",
    "discussed",
    "plan",
    "review",
    "next",
    "week",
    "calm",
    "home",
    "tidy",
    "smoke",
    "alarm",
    "checked",
    "health",
    "development",
    "speech",
    "play",
    "observed",
    "interaction",
    "warm",
    "responsive",
    "father",
];

/// A case note of roughly 300 to 1,200 characters.
pub fn note_text(rng: &mut Lcg) -> String {
    let target = 300 + rng.below(900) as usize;
    let mut s = String::with_capacity(target + 16);
    while s.len() < target {
        s.push_str(WORDS[rng.below(WORDS.len() as u64) as usize]);
        s.push(if rng.below(12) == 0 { '.' } else { ' ' });
    }
    s
}

/// The device's practitioner.
pub fn practitioner() -> NewPractitioner {
    NewPractitioner {
        name: "Bench Practitioner".into(),
        agency: Agency::HealthVisiting,
        team: Some("Bench Team".into()),
    }
}

/// The `i`th household.
pub fn household(i: usize) -> NewHousehold {
    NewHousehold {
        address: format!("{} Example Street\nBenchtown", i + 1),
        postcode: Some(format!("BT{} {}AB", i % 20, i % 9)),
        access_notes: i
            .is_multiple_of(3)
            .then(|| "Side door; dog in the garden".to_string()),
    }
}

/// A completed home visit where everything the review asks for was recorded.
pub fn outcome() -> VisitOutcome {
    VisitOutcome {
        child_seen: true,
        child_seen_alone: true,
        child_spoken_to_alone: false,
        not_alone_reason: Some("Child is six months old".into()),
        sleeping_area_seen: true,
        others_present: Some(OthersPresent {
            known_adults: Vec::new(),
            unknown_adults: 0,
            unknown_descriptions: Vec::new(),
        }),
        adults_present_when_spoken_to: 1,
        engagement: Some(Engagement::Good),
        concerns: vec!["Damp in the bedroom".into()],
        actions_agreed: vec!["Housing referral".into()],
        ..VisitOutcome::default()
    }
}

/// The fixed "today" of every benchmark (a Tuesday in GMT, so UTC and local agree).
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 10).unwrap_or_default()
}

/// `date` at `hour:minute` Europe/London, in UTC.
pub fn at(date: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    doorstep_core::time::from_local(date, hour, minute).unwrap_or_default()
}
