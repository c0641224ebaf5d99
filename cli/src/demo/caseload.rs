//! The generated caseload: 300 invented households, each with a child under five (or an unborn
//! baby) whose case is on a plan with a RAG rating, in the mix a health visitor would recognise
//! (mostly universal services; a handful of child in need and child protection families; see
//! `docs/PLANNING.md`, "The demo caseload"), with visit histories so that nearly every child is on
//! time — and a few genuine problems the demo sets up and explains.

use super::history::{
    antenatal_window, mandated_contacts, past_visit, regular_visits, seen, weekday_on_or_before,
    windows_from_birth,
};
use super::names::*;
use super::rng::Rng;
use super::{at, days_before};
use anyhow::Result;
use chrono::{Duration, NaiveDate};
use doorstep_core::domain::{
    Case, NewCase, NewHousehold, NewPerson, NewVisit, OthersPresent, PersonRole, PlanType, Rag,
    UnsuccessfulVisit, VisitKind, VisitOutcome,
};
use doorstep_core::{FixedClock, Store};

/// How many generated cases are on each plan with each rating; the rest are universal, green.
/// With the three featured families (two child protection, one child in need) the caseload of
/// 303 children is 1.0% child protection, 2.6% child in need, 0.7% looked after, 5.3% early help
/// and 90% universal.
pub const MIX: &[(PlanType, Rag, usize)] = &[
    (PlanType::ChildProtection, Rag::Amber, 1),
    (PlanType::ChildInNeed, Rag::Red, 1),
    (PlanType::ChildInNeed, Rag::Amber, 3),
    (PlanType::ChildInNeed, Rag::Green, 3),
    (PlanType::LookedAfter, Rag::Green, 2),
    (PlanType::TargetedEarlyHelp, Rag::Amber, 3),
    (PlanType::TargetedEarlyHelp, Rag::Green, 13),
    (PlanType::Universal, Rag::Amber, 12),
];

/// A problem the demo sets up on purpose, each on one generated child.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Problem {
    /// A baby of 17 days whose new birth visit is late: the birth notification came late.
    LateNewBirth,
    /// A toddler who moved here from abroad at 14 months: the 6-8 week and 9-12 month reviews were
    /// never done.
    MissedReview,
    /// A child in need (red) whose weekly visit was cancelled and not yet rebooked.
    NotSeenThisWeek,
    /// A child in need seen with a parent in the room and no reason recorded.
    NotSeenAlone,
    /// An early-help family who have not answered two calls.
    UnansweredCalls,
    /// Two visits last week whose records are not yet written.
    RecordsNotWritten,
    /// A pregnancy notified at 36 weeks: the antenatal contact (due by 36 weeks) is late.
    LateBooking,
}

impl Problem {
    /// Every problem, in the order they are placed.
    pub const ALL: [Problem; 7] = [
        Problem::LateNewBirth,
        Problem::MissedReview,
        Problem::NotSeenThisWeek,
        Problem::NotSeenAlone,
        Problem::UnansweredCalls,
        Problem::RecordsNotWritten,
        Problem::LateBooking,
    ];

    /// The plan and rating of the child it is set up on, and the child's age in days (if fixed).
    fn fits(self) -> (PlanType, Rag, Option<u64>) {
        match self {
            Problem::LateNewBirth => (PlanType::Universal, Rag::Green, Some(17)),
            Problem::MissedReview => (PlanType::Universal, Rag::Green, Some(800)),
            Problem::NotSeenThisWeek => (PlanType::ChildInNeed, Rag::Red, Some(3 * 365 + 100)),
            Problem::NotSeenAlone => (PlanType::ChildInNeed, Rag::Amber, Some(4 * 365 + 20)),
            Problem::UnansweredCalls => (PlanType::TargetedEarlyHelp, Rag::Green, None),
            Problem::RecordsNotWritten => (PlanType::Universal, Rag::Amber, None),
            Problem::LateBooking => (PlanType::Universal, Rag::Green, None),
        }
    }

    /// Whether the child is already past a due date (a visit the plan cannot make on time).
    pub fn is_late(self) -> bool {
        matches!(
            self,
            Problem::LateNewBirth | Problem::NotSeenThisWeek | Problem::LateBooking
        )
    }

    /// What happened, as the demo explains it.
    pub fn story(self) -> &'static str {
        match self {
            Problem::LateNewBirth => "the birth notification reached the team only yesterday, when the new birth visit (due by day 14) was already late",
            Problem::MissedReview => "the family moved here from abroad when the child was 14 months old; the 6-8 week and 9-12 month reviews were never done (one line lists both)",
            Problem::NotSeenThisWeek => "the weekly visit was cancelled while the family were at a hospital appointment and has not been rebooked",
            Problem::NotSeenAlone => "at the last visit the father stayed in the room and no reason was recorded",
            Problem::UnansweredCalls => "the mother has not answered the last two calls",
            Problem::RecordsNotWritten => "two visits last week are not yet written up (one line for both)",
            Problem::LateBooking => "the mother booked late: the midwife's notification came at 36 weeks, after the antenatal contact was due",
        }
    }
}

/// A problem set up on a generated child.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SetUp {
    /// Which problem.
    pub problem: Problem,
    /// The child's case.
    pub case: Case,
    /// The child's name.
    pub child_name: String,
}

/// What was generated.
#[derive(Debug, Default, serde::Serialize)]
pub struct Caseload {
    /// Households added.
    pub households: usize,
    /// People added.
    pub people: usize,
    /// Past visits recorded.
    pub visits: usize,
    /// Cases opened.
    pub cases: Vec<Case>,
    /// The problems set up on purpose.
    pub problems: Vec<SetUp>,
    /// The cases about an unborn baby.
    pub unborn: Vec<doorstep_core::domain::CaseId>,
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

/// The plan and rating of each of `n` households, in a shuffled order.
fn plans(rng: &mut Rng, n: usize) -> Vec<(PlanType, Rag)> {
    let mut out: Vec<(PlanType, Rag)> = MIX
        .iter()
        .flat_map(|(p, r, k)| std::iter::repeat_n((*p, *r), *k))
        .collect();
    out.resize(n.max(out.len()), (PlanType::Universal, Rag::Green));
    for i in (1..out.len()).rev() {
        let j = rng.range(0, i as u64) as usize;
        out.swap(i, j);
    }
    out
}

/// The RAG rating's visiting interval in days, for the plans the rating applies to.
fn interval_days(plan: PlanType, rag: Rag) -> Option<u64> {
    if plan == PlanType::Universal {
        return None;
    }
    Some(match rag {
        Rag::Red => 7,
        Rag::Amber => 14,
        Rag::Green => 28,
    })
}

/// Adds `n` households to the store, with the clock moved to each case's opening day and to each
/// past visit.
pub fn generate(
    store: &Store,
    clock: &FixedClock,
    today: NaiveDate,
    rng: &mut Rng,
    n: usize,
) -> Result<Caseload> {
    let mut c = Caseload::default();
    let morning = at(today, 7, 30)?;
    let mixes = plans(rng, n);
    let mut todo: Vec<Problem> = Problem::ALL.to_vec();
    for (plan, rag) in mixes.into_iter().take(n) {
        clock.set(morning);
        let problem = todo
            .iter()
            .position(|p| {
                let (pp, pr, _) = p.fits();
                pp == plan && pr == rag
            })
            .map(|i| todo.remove(i));
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
        let fixed_age = problem.and_then(|p| p.fits().2);
        let mut subject = None;
        let mut age = fixed_age.unwrap_or_else(|| rng.range(14, 5 * 365));
        for i in 0..rng.range(1, 3) {
            let name = format!("{} {family}", rng.pick(GIVEN));
            let dob = days_before(today, age)?;
            let rel = if i == 0 { "child" } else { "sibling" };
            let p = add_person(
                store,
                &mut c,
                person(PersonRole::Child, name, Some(dob), None, rel),
            )?;
            subject.get_or_insert((p, Some(dob)));
            age += rng.range(400, 4 * 365);
        }
        // About one household in twenty is expecting, and the unborn baby is the health visitor's
        // case (the antenatal contact).
        let late_booking = problem == Some(Problem::LateBooking);
        if late_booking || (problem.is_none() && rng.chance(5)) {
            let due = today
                + Duration::days(if late_booking {
                    24
                } else {
                    rng.range(7, 180) as i64
                });
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
            subject = Some((p, None));
        }
        let Some((child, dob)) = subject else {
            continue;
        };
        let r = match rag {
            Rag::Green => 0,
            Rag::Amber => 1,
            Rag::Red => 2,
        };
        // The health visitor knows a child from the birth notification, an unborn baby from the
        // midwife's booking notification.
        let opened = match (dob, child.expected_date) {
            _ if problem == Some(Problem::LateNewBirth) => today - Duration::days(1),
            _ if late_booking => today - Duration::days(2),
            (Some(dob), _) => dob + Duration::days(3),
            (None, Some(edd)) => (edd - Duration::weeks(26)).min(today - Duration::days(7)),
            (None, None) => today - Duration::days(7),
        };
        clock.set(at(opened, 9, rng.range(0, 59) as u32)?);
        let case = store.open_case(NewCase {
            child_id: child.id,
            plan,
            rag,
            rag_reason: rng.pick(REASONS[r]).to_string(),
            allocated_to: None,
        })?;
        let windows = match (dob, child.expected_date) {
            (Some(dob), _) => windows_from_birth(dob),
            (None, Some(edd)) => vec![antenatal_window(edd)],
            (None, None) => Vec::new(),
        };
        let skip: &[usize] = match problem {
            Some(Problem::LateNewBirth) => &[0],
            Some(Problem::MissedReview) => &[1, 2],
            Some(Problem::LateBooking) => &[0],
            _ => &[],
        };
        c.visits += mandated_contacts(store, clock, rng, &case, &windows, dob, today, skip)?;
        let old_enough = dob.is_some_and(|d| d + Duration::days(3 * 365) <= today);
        if let Some(days) = interval_days(plan, rag) {
            let earlier = matches!(plan, PlanType::ChildProtection | PlanType::ChildInNeed);
            let own_history = matches!(
                problem,
                Some(Problem::NotSeenThisWeek | Problem::NotSeenAlone | Problem::UnansweredCalls)
            );
            if !own_history {
                c.visits +=
                    regular_visits(store, clock, rng, &case, days, earlier, old_enough, today)?;
            }
        }
        if let Some(p) = problem {
            c.visits += set_up(store, clock, &case, p, today)?;
            c.problems.push(SetUp {
                problem: p,
                case: case.clone(),
                child_name: child.name.clone(),
            });
        }
        if dob.is_none() {
            c.unborn.push(case.id);
        }
        c.cases.push(case);
    }
    clock.set(morning);
    Ok(c)
}

/// Sets up `problem` on `case`. Returns how many visits were recorded.
fn set_up(
    store: &Store,
    clock: &FixedClock,
    case: &Case,
    problem: Problem,
    today: NaiveDate,
) -> Result<usize> {
    let day = |n: u64| -> Result<NaiveDate> { Ok(weekday_on_or_before(days_before(today, n)?)) };
    match problem {
        Problem::LateNewBirth | Problem::MissedReview | Problem::LateBooking => Ok(0),
        Problem::NotSeenThisWeek => {
            // Seen 9 days ago; this week's visit cancelled.
            past_visit(
                store,
                clock,
                case,
                VisitKind::AnnouncedHome,
                at(day(9)?, 10, 0)?,
                Ok(seen(true)),
            )?;
            let when = at(day(2)?, 11, 0)?;
            clock.set(when - Duration::days(5));
            let v = store.plan_visit(NewVisit {
                case_id: case.id,
                kind: VisitKind::AnnouncedHome,
                planned_for: when,
                expected_minutes: 60,
                departure_reason: None,
            })?;
            clock.set(when - Duration::hours(2));
            store.cancel_visit(
                v.id,
                UnsuccessfulVisit {
                    reason: "Family at a hospital appointment with the baby.".into(),
                    follow_up_action: "Rebook this week.".into(),
                },
            )?;
            Ok(2)
        }
        Problem::NotSeenAlone => {
            past_visit(
                store,
                clock,
                case,
                VisitKind::AnnouncedHome,
                at(day(17)?, 10, 0)?,
                Ok(seen(true)),
            )?;
            past_visit(
                store,
                clock,
                case,
                VisitKind::AnnouncedHome,
                at(day(3)?, 15, 0)?,
                Ok(VisitOutcome {
                    child_seen: true,
                    others_present: Some(OthersPresent::default()),
                    adults_present_when_spoken_to: 1,
                    ..Default::default()
                }),
            )?;
            Ok(2)
        }
        Problem::UnansweredCalls => {
            past_visit(
                store,
                clock,
                case,
                VisitKind::AnnouncedHome,
                at(day(20)?, 10, 0)?,
                Ok(seen(false)),
            )?;
            for n in [6, 2] {
                past_visit(
                    store,
                    clock,
                    case,
                    VisitKind::Telephone,
                    at(day(n)?, 11, 30)?,
                    Err(UnsuccessfulVisit {
                        reason: "No answer; voicemail left.".into(),
                        follow_up_action: "Try again, then text.".into(),
                    }),
                )?;
            }
            Ok(3)
        }
        Problem::RecordsNotWritten => {
            let first = day(5)?;
            for d in [weekday_on_or_before(first - Duration::days(1)), first] {
                let when = at(d, 14, 0)?;
                clock.set(when - Duration::days(3));
                store.plan_visit(NewVisit {
                    case_id: case.id,
                    kind: VisitKind::AnnouncedHome,
                    planned_for: when,
                    expected_minutes: 60,
                    departure_reason: None,
                })?;
            }
            Ok(2)
        }
    }
}
