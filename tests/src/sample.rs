//! A sample caseload written through every record type and every free-text field, each field
//! carrying its own unique marker string, so a test can look for each one in the store's files.

use crate::rng::Rng;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use doorstep_core::domain::{
    CaseId, Engagement, HouseholdId, NewCase, NewHousehold, NewPerson, NewPractitioner, NewVisit,
    NoteId, OthersPresent, PersonId, PersonRole, PlanType, Rag, UnsuccessfulVisit, VisitId,
    VisitKind, VisitOutcome,
};
use doorstep_core::{Store, StoreError};

/// The free-text fields a marker is written through.
pub const TEXT_FIELDS: &[&str] = &[
    "practitioner name",
    "practitioner team",
    "address",
    "postcode",
    "access notes",
    "child name",
    "unborn name",
    "mother name",
    "mother relationship",
    "partner name",
    "partner relationship",
    "rag reason open",
    "rag reason unborn",
    "rag reason change",
    "not seen reason",
    "not seen follow-up",
    "not alone reason",
    "injuries",
    "concern",
    "action",
    "unknown adult",
    "no access reason",
    "no access follow-up",
    "declined reason",
    "declined follow-up",
    "cancel reason",
    "cancel follow-up",
    "note text",
    "note text 2",
    "amendment text",
    "departure reason",
];

/// The child's date of birth.
pub fn child_dob() -> NaiveDate {
    NaiveDate::from_ymd_opt(2019, 3, 14).unwrap_or_default()
}

/// The mother's date of birth.
pub fn mother_dob() -> NaiveDate {
    NaiveDate::from_ymd_opt(1987, 11, 23).unwrap_or_default()
}

/// The unborn child's expected date of delivery.
pub fn expected_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 2, 9).unwrap_or_default()
}

/// The planned times of the sample's visits (UTC), one per visit.
pub fn visit_times() -> Vec<DateTime<Utc>> {
    [
        (2026, 12, 3, 14, 37, 11),
        (2026, 12, 8, 10, 13, 29),
        (2027, 1, 5, 15, 47, 53),
        (2027, 1, 19, 11, 21, 17),
        (2027, 1, 26, 13, 9, 41),
    ]
    .into_iter()
    .filter_map(|(y, mo, d, h, mi, s)| Utc.with_ymd_and_hms(y, mo, d, h, mi, s).single())
    .collect()
}

/// One unique marker per free-text field.
#[derive(Debug, Clone)]
pub struct Markers(Vec<(&'static str, String)>);

impl Markers {
    /// Fresh markers: `Zq`, a field number and eight random hex digits (at most 14 characters,
    /// short enough for a postcode).
    pub fn new(rng: &mut Rng) -> Self {
        Self(
            TEXT_FIELDS
                .iter()
                .enumerate()
                .map(|(i, f)| (*f, format!("Zq{i:02}{:08x}", rng.next_u64() as u32)))
                .collect(),
        )
    }

    /// The marker of `field`.
    pub fn get(&self, field: &str) -> String {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.clone())
            .unwrap_or_else(|| panic!("no marker for {field}"))
    }

    /// Every (field, marker) pair.
    pub fn all(&self) -> &[(&'static str, String)] {
        &self.0
    }

    /// The practitioner profile carrying the practitioner markers.
    pub fn practitioner(&self) -> NewPractitioner {
        crate::stores::practitioner(
            &format!("Dr {}", self.get("practitioner name")),
            Some(&self.get("practitioner team")),
        )
    }
}

/// Every renderings of a date a leak could take: ISO, British, compact, and `YYYYMMDD` digits.
pub fn date_renderings(d: NaiveDate) -> Vec<String> {
    vec![
        d.format("%Y-%m-%d").to_string(),
        d.format("%d/%m/%Y").to_string(),
        d.format("%Y%m%d").to_string(),
        d.format("%d-%m-%Y").to_string(),
    ]
}

/// Renderings of an instant: RFC 3339 in both zone styles, the minute, and its date.
pub fn time_renderings(t: DateTime<Utc>) -> Vec<String> {
    let mut out = vec![
        t.to_rfc3339(),
        t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        t.format("%Y-%m-%dT%H:%M").to_string(),
        t.format("%Y-%m-%d %H:%M").to_string(),
        t.timestamp().to_string(),
    ];
    out.extend(date_renderings(t.date_naive()));
    out
}

/// The ids of everything [`populate`] wrote.
#[derive(Debug, Clone)]
pub struct Sample {
    /// The household.
    pub household: HouseholdId,
    /// The child, the unborn child, the mother and her partner.
    pub people: Vec<PersonId>,
    /// The child.
    pub child: PersonId,
    /// The child's case, then the unborn child's.
    pub cases: Vec<CaseId>,
    /// Every visit, in planned order.
    pub visits: Vec<VisitId>,
    /// The child's case's notes in chain order (originals and the amendment).
    pub notes: Vec<NoteId>,
}

/// Writes a household, four people, two cases (one RAG change), five visits ending in every way
/// (completed twice, no access, declined, cancelled), three notes and an amendment, every
/// free-text field carrying its marker.
pub fn populate(s: &Store, m: &Markers) -> Result<Sample, StoreError> {
    let h = s.add_household(NewHousehold {
        address: format!("{} Lane", m.get("address")),
        postcode: Some(m.get("postcode")),
        access_notes: Some(format!("dog; {}", m.get("access notes"))),
    })?;
    let person = |role, name: String, dob, exp, rel: Option<String>| {
        s.add_person(NewPerson {
            household_id: h.id,
            role,
            name,
            date_of_birth: dob,
            expected_date: exp,
            relationship: rel,
        })
    };
    let child = person(
        PersonRole::Child,
        m.get("child name"),
        Some(child_dob()),
        None,
        None,
    )?;
    let unborn = person(
        PersonRole::Unborn,
        format!("Baby of {}", m.get("unborn name")),
        None,
        Some(expected_date()),
        None,
    )?;
    let mother = person(
        PersonRole::ParentCarer,
        m.get("mother name"),
        Some(mother_dob()),
        None,
        Some(m.get("mother relationship")),
    )?;
    let partner = person(
        PersonRole::KnownAdult,
        m.get("partner name"),
        None,
        None,
        Some(m.get("partner relationship")),
    )?;
    let case = s.open_case(NewCase {
        child_id: child.id,
        plan: PlanType::ChildProtection,
        rag: Rag::Amber,
        rag_reason: m.get("rag reason open"),
        allocated_to: None,
    })?;
    let unborn_case = s.open_case(NewCase {
        child_id: unborn.id,
        plan: PlanType::TargetedEarlyHelp,
        rag: Rag::Green,
        rag_reason: m.get("rag reason unborn"),
        allocated_to: None,
    })?;
    s.set_rag(case.id, Rag::Red, &m.get("rag reason change"))?;

    let times = visit_times();
    let kinds = [
        VisitKind::AnnouncedHome,
        VisitKind::Virtual,
        VisitKind::UnannouncedHome,
        VisitKind::AnnouncedHome,
        VisitKind::Telephone,
    ];
    let mut visits = Vec::new();
    for (t, kind) in times.iter().zip(kinds) {
        visits.push(
            s.plan_visit(NewVisit {
                case_id: case.id,
                kind,
                planned_for: *t,
                expected_minutes: 45,
                departure_reason: (kind == VisitKind::Virtual).then(|| m.get("departure reason")),
            })?
            .id,
        );
    }
    // Visit 0: the child was not seen.
    s.start_visit(visits[0])?;
    s.complete_visit(
        visits[0],
        VisitOutcome {
            child_seen: false,
            not_seen_reason: Some(m.get("not seen reason")),
            follow_up_action: Some(m.get("not seen follow-up")),
            ..Default::default()
        },
    )?;
    // Visit 1: a virtual contact, everything recorded.
    s.complete_visit(
        visits[1],
        VisitOutcome {
            child_seen: true,
            child_seen_alone: false,
            child_spoken_to_alone: false,
            not_alone_reason: Some(m.get("not alone reason")),
            sleeping_area_seen: true,
            others_present: Some(OthersPresent {
                known_adults: vec![mother.id, partner.id],
                unknown_adults: 1,
                unknown_descriptions: vec![m.get("unknown adult")],
            }),
            adults_present_when_spoken_to: 3,
            engagement: Some(Engagement::Partial),
            injuries_observed: Some(m.get("injuries")),
            concerns: vec![m.get("concern")],
            actions_agreed: vec![m.get("action")],
            ..Default::default()
        },
    )?;
    let unsuccessful = |r: &str, f: &str| UnsuccessfulVisit {
        reason: m.get(r),
        follow_up_action: m.get(f),
    };
    s.record_no_access(
        visits[2],
        unsuccessful("no access reason", "no access follow-up"),
    )?;
    s.record_declined(
        visits[3],
        unsuccessful("declined reason", "declined follow-up"),
    )?;
    s.cancel_visit(visits[4], unsuccessful("cancel reason", "cancel follow-up"))?;

    let n1 = s.add_note(case.id, &m.get("note text"), true)?;
    let n2 = s.add_note(case.id, &m.get("note text 2"), false)?;
    let a1 = s.amend_note(n1.id, &m.get("amendment text"), None)?;
    let n3 = s.add_note(case.id, "A third note, without a marker.", false)?;
    Ok(Sample {
        household: h.id,
        people: vec![child.id, unborn.id, mother.id, partner.id],
        child: child.id,
        cases: vec![case.id, unborn_case.id],
        visits,
        notes: vec![n1.id, n2.id, a1.id, n3.id],
    })
}
