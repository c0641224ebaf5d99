//! The three families the demo day follows, with the history that makes their day meaningful.

use super::history::{
    mandated_contacts, past_visit, seen, weekday_on_or_before, windows_from_birth,
};
use super::rng::Rng;
use super::{at, days_before};
use anyhow::Result;
use chrono::NaiveDate;
use doorstep_core::domain::{
    Case, NewCase, NewHousehold, NewPerson, OthersPresent, Person, PersonRole, PlanType, Rag,
    UnsuccessfulVisit, VisitKind, VisitOutcome,
};
use doorstep_core::{FixedClock, Store};

/// A featured family: the child the case is about, the case, and the household's other adults.
#[derive(Debug, serde::Serialize)]
pub struct Family {
    /// The child.
    pub child: Person,
    /// Their case.
    pub case: Case,
    /// Known adults (not parents or carers) of the household.
    pub known_adults: Vec<Person>,
}

struct Member<'a> {
    role: PersonRole,
    name: &'a str,
    dob_days_ago: Option<u64>,
    due_in_days: Option<i64>,
    relationship: &'a str,
}

fn family(
    store: &Store,
    today: NaiveDate,
    address: &str,
    postcode: &str,
    access: Option<&str>,
    members: &[Member<'_>],
) -> Result<Vec<Person>> {
    let h = store.add_household(NewHousehold {
        address: address.into(),
        postcode: Some(postcode.into()),
        access_notes: access.map(str::to_string),
    })?;
    let mut out = Vec::new();
    for m in members {
        out.push(store.add_person(NewPerson {
            household_id: h.id,
            role: m.role,
            name: m.name.into(),
            date_of_birth: m.dob_days_ago.map(|d| days_before(today, d)).transpose()?,
            expected_date: m.due_in_days.map(|d| today + chrono::Duration::days(d)),
            relationship: Some(m.relationship.into()),
        })?);
    }
    Ok(out)
}

fn member<'a>(
    role: PersonRole,
    name: &'a str,
    dob_days_ago: Option<u64>,
    rel: &'a str,
) -> Member<'a> {
    Member {
        role,
        name,
        dob_days_ago,
        due_in_days: None,
        relationship: rel,
    }
}

fn open(
    store: &Store,
    clock: &FixedClock,
    child: &Person,
    when: chrono::DateTime<chrono::Utc>,
    plan: PlanType,
    rag: Rag,
    reason: &str,
) -> Result<Case> {
    clock.set(when);
    Ok(store.open_case(NewCase {
        child_id: child.id,
        plan,
        rag,
        rag_reason: reason.into(),
        allocated_to: None,
    })?)
}

/// The mandated contacts of a featured child, all made on time.
fn contacts(
    store: &Store,
    clock: &FixedClock,
    rng: &mut Rng,
    case: &Case,
    child: &Person,
    today: NaiveDate,
) -> Result<()> {
    if let Some(dob) = child.date_of_birth {
        let windows = windows_from_birth(dob);
        mandated_contacts(store, clock, rng, case, &windows, Some(dob), today, &[])?;
    }
    Ok(())
}

/// Adds families A (child protection), B (child in need, new baby) and C (child protection, mother
/// pregnant, not seen for a month, already one no-access visit), with their past visits.
pub fn add(
    store: &Store,
    clock: &FixedClock,
    today: NaiveDate,
    rng: &mut Rng,
) -> Result<[Family; 3]> {
    let weekday =
        |n: u64| -> Result<NaiveDate> { Ok(weekday_on_or_before(days_before(today, n)?)) };
    use PersonRole::*;
    clock.set(at(today, 7, 30)?);

    // Family A: a four-year-old on a child protection plan; the mother's partner stays often.
    let a = family(
        store,
        today,
        "14 Hawthorn Close, Kelsford",
        "DS4 7QA",
        Some("Dog in the home: ask for it to be shut in the kitchen before entering."),
        &[
            member(ParentCarer, "Stacey Garside", Some(26 * 365), "mother"),
            member(
                KnownAdult,
                "Ricky Varley",
                None,
                "mother's partner (not the children's father)",
            ),
            member(Child, "Lily-Mae Garside", Some(4 * 365 + 40), "child"),
            member(Child, "Oscar Garside", Some(290), "sibling"),
        ],
    )?;
    let case_a = open(
        store,
        clock,
        &a[2],
        at(days_before(today, 95)?, 11, 0)?,
        PlanType::ChildProtection,
        Rag::Red,
        "Child protection plan (neglect): home conditions poor, missed health appointments.",
    )?;
    past_visit(
        store,
        clock,
        &case_a,
        VisitKind::AnnouncedHome,
        at(weekday(14)?, 9, 30)?,
        Ok(VisitOutcome {
            child_seen: true,
            child_seen_alone: false,
            not_alone_reason: Some(
                "Mother asked to stay in the room; agreed to see Lily-Mae alone next time.".into(),
            ),
            sleeping_area_seen: false,
            others_present: Some(OthersPresent::default()),
            engagement: Some(doorstep_core::domain::Engagement::Partial),
            actions_agreed: vec!["Mother to book the dental appointment this week.".into()],
            ..Default::default()
        }),
    )?;
    past_visit(
        store,
        clock,
        &case_a,
        VisitKind::UnannouncedHome,
        at(weekday(7)?, 16, 0)?,
        Ok(VisitOutcome {
            sleeping_area_seen: true,
            ..seen(true)
        }),
    )?;
    contacts(store, clock, rng, &case_a, &a[2], today)?;

    clock.set(at(today, 7, 30)?);
    // Family B: a seven-week-old baby; mother's mood is low; contact by video this week.
    let b = family(
        store,
        today,
        "Flat 6, 2 Kestrel Court, Harrowby",
        "DS2 3LB",
        Some("Flat on the second floor; the buzzer is broken, phone on arrival."),
        &[
            member(ParentCarer, "Priya Whitcombe", Some(31 * 365), "mother"),
            member(Child, "Noah Whitcombe", Some(49), "child"),
        ],
    )?;
    let case_b = open(
        store,
        clock,
        &b[1],
        at(days_before(today, 40)?, 14, 0)?,
        PlanType::ChildInNeed,
        Rag::Amber,
        "Maternal low mood (EPDS 16 at 6 weeks); father has left the home; child in need plan.",
    )?;
    contacts(store, clock, rng, &case_b, &b[1], today)?;
    for n in [24, 10] {
        past_visit(
            store,
            clock,
            &case_b,
            VisitKind::AnnouncedHome,
            at(weekday(n)?, 14, 0)?,
            Ok(seen(false)),
        )?;
    }

    clock.set(at(today, 7, 30)?);
    // Family C: a two-year-old on a child protection plan; mother is 34 weeks pregnant.
    let mut c_members = vec![
        member(ParentCarer, "Gemma Thorley", Some(23 * 365), "mother"),
        member(ParentCarer, "Shane Thorley", None, "father"),
        member(Child, "Maisie Thorley", Some(2 * 365 + 60), "child"),
    ];
    c_members.push(Member {
        role: Unborn,
        name: "Unborn Thorley",
        dob_days_ago: None,
        due_in_days: Some(42),
        relationship: "unborn sibling",
    });
    let c = family(
        store,
        today,
        "37 Rowan Way, Dunmere",
        "DS7 1HX",
        None,
        &c_members,
    )?;
    let case_c = open(
        store,
        clock,
        &c[2],
        at(days_before(today, 150)?, 10, 15)?,
        PlanType::ChildProtection,
        Rag::Amber,
        "Domestic abuse history and parental substance misuse; mother pregnant with second child.",
    )?;
    contacts(store, clock, rng, &case_c, &c[2], today)?;
    past_visit(
        store,
        clock,
        &case_c,
        VisitKind::AnnouncedHome,
        at(weekday(44)?, 10, 0)?,
        Ok(seen(false)),
    )?;
    past_visit(
        store,
        clock,
        &case_c,
        VisitKind::AnnouncedHome,
        at(days_before(today, 30)?, 13, 0)?,
        Ok(VisitOutcome {
            child_seen: true,
            child_seen_alone: true,
            sleeping_area_seen: true,
            others_present: Some(OthersPresent::default()),
            engagement: Some(doorstep_core::domain::Engagement::Good),
            concerns: vec![
                "Father's drinking: mother says it has increased since the pregnancy.".into(),
            ],
            actions_agreed: vec!["Refer father to the community alcohol service.".into()],
            ..Default::default()
        }),
    )?;
    past_visit(
        store,
        clock,
        &case_c,
        VisitKind::UnannouncedHome,
        at(days_before(today, 7)?, 11, 0)?,
        Err(UnsuccessfulVisit {
            reason: "No answer; curtains drawn; car on the drive.".into(),
            follow_up_action: "Unannounced visit next week; phone mother today.".into(),
        }),
    )?;

    clock.set(at(today, 7, 30)?);
    let fam = |people: &[Person], child: usize, case: Case| Family {
        child: people[child].clone(),
        case,
        known_adults: people
            .iter()
            .filter(|p| p.role == KnownAdult)
            .cloned()
            .collect(),
    };
    Ok([fam(&a, 2, case_a), fam(&b, 1, case_b), fam(&c, 2, case_c)])
}
