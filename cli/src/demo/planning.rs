//! The demo's planning part: alerts (a lone worker who has not checked out, then checks out; the
//! disengagement prompt), what a few children are due, and a 4-week plan with unannounced visits
//! and the children capacity cannot reach on time.

use super::caseload::Caseload;
use super::day::first_case;
use super::featured::Family;
use super::{at, section};
use crate::cmd::alerts::{print_alert, print_digest, print_lone_worker_banner};
use crate::cmd::due::print_due;
use crate::cmd::plan::{print_after_horizon, print_days, print_shortfalls, split_at_horizon};
use crate::labels::is_lone_worker;
use crate::outln;
use anyhow::Result;
use chrono::NaiveDate;
use doorstep_core::domain::CaseId;
use doorstep_core::domain::{NewVisit, OthersPresent, PlanType, Rag, VisitKind, VisitOutcome};
use doorstep_core::planning::{
    AlertKind, ContactRequirement, Interval, PlanRule, Shortfall, ShortfallCause,
    CHILD_PROTECTION_UNANNOUNCED,
};
use doorstep_core::store::{AlertDigest, AlertView, DueEntry, PlanView};
use doorstep_core::{FixedClock, Store};
use std::time::Instant;

/// How many shortfalls the demo prints (the count is always printed).
const TOP: usize = 6;
/// How many days of the plan the demo prints in full.
const PLAN_DAYS: usize = 3;

/// What the planning part produced, for `--json`.
#[derive(Debug, serde::Serialize)]
pub struct PlanningResult {
    /// The alert digest while the lone worker was overdue (lone working first).
    pub alerts_overdue: AlertDigest,
    /// Alerts about children the demo did not set a problem up for (none).
    pub unexpected_alerts: usize,
    /// The children the demo set up to be past their due date today.
    pub late_on_purpose: Vec<CaseId>,
    /// Visits the plan cannot make by their due date other than the set-up ones (a set-up
    /// child's overdue visit, already overdue when planned): none.
    pub unexpected_shortfalls: usize,
    /// Lone-working alerts left after checking out (none).
    pub lone_worker_after_checkout: usize,
    /// The disengagement alert for the family with two no-access visits in a row.
    pub disengagement: Option<AlertView>,
    /// What the three featured children are due.
    pub due: Vec<DueEntry>,
    /// The 4-week plan.
    pub plan: PlanView,
    /// How long computing (and storing) the plan took, in milliseconds.
    pub plan_ms: f64,
}

/// Runs the planning part of the demo, printing it in human mode.
pub fn show(
    store: &Store,
    clock: &FixedClock,
    today: NaiveDate,
    load: &Caseload,
    families: &[Family; 3],
    human: bool,
) -> Result<PlanningResult> {
    let [a, b, c] = families;
    let mins = chrono::Duration::minutes;

    // A visit checked in and not checked out: the lone-working alert.
    let lone = first_case(load, PlanType::TargetedEarlyHelp, Rag::Green)?;
    clock.set(at(today, 13, 20)?);
    let visit = store.plan_visit(NewVisit {
        case_id: lone.id,
        kind: VisitKind::AnnouncedHome,
        planned_for: at(today, 13, 30)?,
        expected_minutes: 45,
        departure_reason: None,
    })?;
    clock.set(at(today, 13, 31)?);
    store.start_visit(visit.id)?;
    clock.set(at(today, 13, 31)? + mins(64));
    section(
        human,
        "11. Alerts at 14:35: a 45-minute visit checked in at 13:31 and not checked out",
    );
    let alerts_overdue = store.alert_digest()?;
    let all = store.alerts()?;
    let expected: Vec<CaseId> = load
        .problems
        .iter()
        .map(|p| p.case.id)
        .chain([lone.id, c.case.id])
        .collect();
    let unexpected_alerts = all
        .iter()
        .filter(|a| !expected.contains(&a.alert.case))
        .count();
    if human {
        outln!(
            "`doorstep alerts` (the digest: the most urgent in full, the rest counted by kind):"
        );
        print_digest(
            &alerts_overdue.top,
            &alerts_overdue.more,
            alerts_overdue.total,
        );
        outln!();
        outln!("Why these children (each problem was set up on purpose by the demo):");
        outln!("  - the lone-working visit: checked in at 13:31 for 45 minutes; this phone is not enrolled with a server, and no one monitors check-ins yet, so the alert says so instead of promising an escalation");
        outln!("  - Maisie Thorley (family C): not seen for a month, two no-access visits in a row, mother 34 weeks pregnant with no antenatal contact recorded");
        for p in &load.problems {
            outln!("  - {}: {}", p.child_name, p.problem.story());
        }
        outln!(
            "Every other child on the caseload of {} is on time: alerts about any other child: {unexpected_alerts}.",
            load.cases.len() + families.len()
        );
    }
    clock.set(at(today, 14, 40)?);
    store.checkout_visit(visit.id)?;
    let after = store.alerts()?;
    let lone_worker_after_checkout = after
        .iter()
        .filter(|x| is_lone_worker(x.alert.kind))
        .count();
    clock.set(at(today, 14, 45)?);
    store.complete_visit(
        visit.id,
        VisitOutcome {
            child_seen: true,
            child_seen_alone: false,
            not_alone_reason: Some("Baby, seen with mother.".into()),
            others_present: Some(OthersPresent::default()),
            ..Default::default()
        },
    )?;
    let disengagement = after
        .iter()
        .find(|x| x.alert.kind == AlertKind::Disengagement && x.alert.case == c.case.id)
        .cloned();
    if human {
        outln!();
        outln!("14:40: the practitioner checks out (`doorstep visit checkout`).");
        print_lone_worker_banner(&after);
        outln!("Lone-working alerts now: {lone_worker_after_checkout}.");
        outln!();
        outln!("The family with two no-access visits in a row (professional curiosity):");
        match &disengagement {
            Some(d) => print_alert(d),
            None => outln!("  (no disengagement alert: this is a fault in the demo)"),
        }
    }

    section(human, "12. What the three featured children are due");
    let due: Vec<DueEntry> = store
        .due()?
        .into_iter()
        .filter(|e| [a, b, c].iter().any(|f| f.case.id == e.child.case_id))
        .collect();
    if human {
        print_due(&due);
    }

    // The locality's own policy for health visitors: children on child protection plans are
    // visited every 20 working days, with the default unannounced rule.
    let mut settings = store.planning_settings()?;
    settings.policy.child_protection = PlanRule {
        interval: Some(Interval::working_days(20)),
        contact: ContactRequirement::FaceToFace,
        see_alone: true,
        bedroom_every: Some(2),
        unannounced: Some(CHILD_PROTECTION_UNANNOUNCED),
    };
    // A health visitor's day in a compact patch: at most 6 contacts of 45 minutes, 15 minutes'
    // travel between them.
    settings.capacity.max_visits_per_day = 6;
    settings.capacity.visit_minutes = 45;
    settings.capacity.travel_buffer_minutes = 15;
    store.save_planning_settings(&settings)?;
    clock.set(at(today, 16, 30)?);
    section(
        human,
        "13. A 4-week plan (UNANNOUNCED visits drawn at random; shortfalls never hidden)",
    );
    let t = Instant::now();
    let plan = store.plan(4, false)?;
    let plan_ms = t.elapsed().as_secs_f64() * 1000.0;
    let late_on_purpose: Vec<CaseId> = load
        .problems
        .iter()
        .filter(|p| p.problem.is_late())
        .map(|p| p.case.id)
        .chain([c.case.id])
        .collect();
    let unexpected_shortfalls = plan
        .plan
        .shortfalls
        .iter()
        .filter(|s| !set_up_miss(s, &late_on_purpose))
        .count();
    let set_up_misses = plan.plan.shortfalls.len() - unexpected_shortfalls;
    if human {
        print_demo_plan(&plan, &settings.capacity, plan_ms);
        outln!(
            "The {set_up_misses} visit(s) that will miss are the ones the demo set up to be late (already past their due date today); \
             any other visit that will miss its due date (a later visit of those children included): {unexpected_shortfalls}."
        );
    }
    Ok(PlanningResult {
        alerts_overdue,
        unexpected_alerts,
        late_on_purpose,
        unexpected_shortfalls,
        lone_worker_after_checkout,
        disengagement,
        due,
        plan,
        plan_ms,
    })
}

/// Whether a shortfall is one the demo set up: the overdue visit of a child set up to be late,
/// already overdue when planned (a later visit of that child missing is not set up).
pub(super) fn set_up_miss(s: &Shortfall, late_on_purpose: &[CaseId]) -> bool {
    late_on_purpose.contains(&s.case)
        && s.round == 1
        && s.cause == Some(ShortfallCause::AlreadyOverdue)
}

fn print_demo_plan(view: &PlanView, cap: &doorstep_core::planning::Capacity, ms: f64) {
    let p = &view.plan;
    let (within, after) = split_at_horizon(view);
    let unannounced: Vec<_> = within
        .iter()
        .filter(|l| l.slot.unannounced)
        .cloned()
        .collect();
    outln!(
        "Policy: the locality's health-visiting rules, plus child protection every 20 working days, each visit unannounced at random (25%, never more than 8 announced in a row)."
    );
    outln!(
        "Capacity: {} visits a day at most, {} min each, {} min travel; {} children on the caseload.",
        cap.max_visits_per_day,
        cap.visit_minutes,
        cap.travel_buffer_minutes,
        view.children.len()
    );
    outln!(
        "Planned in {ms:.0} ms up to {}: {} visits, {} of them unannounced; {} visits will miss their due date.",
        p.horizon_end,
        within.len(),
        unannounced.len(),
        p.shortfalls.len()
    );
    let mut days: Vec<NaiveDate> = within
        .iter()
        .map(|l| doorstep_core::time::local_date(l.slot.start))
        .collect();
    days.dedup();
    let shown: Vec<_> = match days.get(PLAN_DAYS) {
        Some(stop) => within
            .iter()
            .filter(|l| doorstep_core::time::local_date(l.slot.start) < *stop)
            .cloned()
            .collect(),
        None => within.clone(),
    };
    outln!("The first {} working days:", days.len().min(PLAN_DAYS));
    print_days(view, &shown, false);
    outln!();
    outln!(
        "Every unannounced visit in the 4 weeks (one in three of a child protection home visits, counted from each child's history):"
    );
    print_days(view, &unannounced, false);
    print_after_horizon(view, &after);
    outln!();
    print_shortfalls(view, &p.shortfalls, Some(TOP));
}
