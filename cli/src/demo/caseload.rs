//! The generated caseload: a few hundred invented households with parents, known adults, children
//! and unborn children, each with a case on a plan and a RAG rating.

use super::names::*;
use super::rng::Rng;
use super::{at, days_before};
use anyhow::Result;
use chrono::NaiveDate;
use doorstep_core::domain::{Case, NewCase, NewHousehold, NewPerson, PersonRole, PlanType, Rag};
use doorstep_core::{FixedClock, Store};

/// What was generated.
#[derive(Debug, Default, serde::Serialize)]
pub struct Caseload {
    /// Households added.
    pub households: usize,
    /// People added.
    pub people: usize,
    /// Cases opened.
    pub cases: Vec<Case>,
}

fn add_person(
    store: &Store,
    c: &mut Caseload,
    new: NewPerson,
) -> Result<doorstep_core::domain::Person> {
    let p = store.add_person(new)?;
    c.people += 1;
    Ok(p)
}

/// Adds `n` households to the store, with the clock moved to each case's opening day.
pub fn generate(
    store: &Store,
    clock: &FixedClock,
    today: NaiveDate,
    rng: &mut Rng,
    n: usize,
) -> Result<Caseload> {
    let mut c = Caseload::default();
    let morning = at(today, 7, 30)?;
    for _ in 0..n {
        clock.set(morning);
        let family = *rng.pick(FAMILY);
        let address = format!(
            "{} {} {}, {}",
            rng.range(1, 180),
            rng.pick(STREETS),
            rng.pick(STREET_KINDS),
            rng.pick(TOWNS)
        );
        let postcode = format!(
            "DS{} {}{}{}",
            rng.range(1, 9),
            rng.range(1, 9),
            char::from(b'A' + rng.range(0, 25) as u8),
            char::from(b'A' + rng.range(0, 25) as u8)
        );
        let access_notes = rng.chance(30).then(|| rng.pick(ACCESS).to_string());
        let h = store.add_household(NewHousehold {
            address,
            postcode: Some(postcode),
            access_notes,
        })?;
        c.households += 1;
        let person = |role, name: String, dob, expected, rel: &str| NewPerson {
            household_id: h.id,
            role,
            name,
            date_of_birth: dob,
            expected_date: expected,
            relationship: Some(rel.to_string()),
        };
        let mother_age = rng.range(18, 42) * 365 + rng.range(0, 364);
        add_person(
            store,
            &mut c,
            person(
                PersonRole::ParentCarer,
                format!("{} {family}", rng.pick(MOTHERS)),
                Some(days_before(today, mother_age)?),
                None,
                "mother",
            ),
        )?;
        if rng.chance(60) {
            let rel = *rng.pick(&["father", "father", "step-father", "partner"]);
            add_person(
                store,
                &mut c,
                person(
                    PersonRole::ParentCarer,
                    format!("{} {family}", rng.pick(MEN)),
                    None,
                    None,
                    rel,
                ),
            )?;
        }
        if rng.chance(20) {
            let rel = *rng.pick(KNOWN_ADULTS);
            let surname = *rng.pick(FAMILY);
            add_person(
                store,
                &mut c,
                person(
                    PersonRole::KnownAdult,
                    format!("{} {surname}", rng.pick(GIVEN)),
                    None,
                    None,
                    rel,
                ),
            )?;
        }
        // The youngest child is under five (a health visiting caseload); older siblings follow.
        let mut youngest = None;
        let mut age = rng.range(14, 5 * 365);
        for i in 0..rng.range(1, 3) {
            let name = format!("{} {family}", rng.pick(GIVEN));
            let dob = days_before(today, age)?;
            let rel = if i == 0 { "child" } else { "sibling" };
            let p = add_person(
                store,
                &mut c,
                person(PersonRole::Child, name, Some(dob), None, rel),
            )?;
            youngest.get_or_insert((p, age));
            age += rng.range(400, 4 * 365);
        }
        let mut subject = youngest;
        if rng.chance(12) {
            let due = today + chrono::Duration::days(rng.range(20, 180) as i64);
            let p = add_person(
                store,
                &mut c,
                person(
                    PersonRole::Unborn,
                    format!("Unborn {family}"),
                    None,
                    Some(due),
                    "unborn sibling",
                ),
            )?;
            subject = Some((p, rng.range(7, 100)));
        }
        let Some((child, age_days)) = subject else {
            continue;
        };
        let plan = PlanType::ALL[rng.weighted(&[55, 20, 12, 10, 3])];
        let rag_weights: [u64; 3] = match plan {
            PlanType::Universal => [80, 20, 0],
            PlanType::TargetedEarlyHelp => [40, 60, 0],
            PlanType::ChildInNeed => [0, 70, 30],
            PlanType::ChildProtection => [0, 40, 60],
            PlanType::LookedAfter => [50, 50, 0],
        };
        let r = rng.weighted(&rag_weights);
        let rag = [Rag::Green, Rag::Amber, Rag::Red][r];
        let opened_ago = rng.range(0, age_days.min(700));
        clock.set(at(
            days_before(today, opened_ago)?,
            9,
            rng.range(0, 59) as u32,
        )?);
        let case = store.open_case(NewCase {
            child_id: child.id,
            plan,
            rag,
            rag_reason: rng.pick(REASONS[r]).to_string(),
            allocated_to: None,
        })?;
        c.cases.push(case);
    }
    clock.set(morning);
    Ok(c)
}
