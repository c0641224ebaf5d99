//! The demo's planning part: alerts (a lone worker who has not checked out, then checks out; the
//! disengagement prompt), what a few children are due, and a 4-week plan with unannounced visits
//! and the children capacity cannot reach on time.

use super::caseload::Caseload;
use super::day::first_case;
use super::featured::Family;
use super::{at, section};
use crate::cmd::alerts::{print_alert, print_alerts, print_lone_worker_banner};
use crate::cmd::due::print_due;
use crate::cmd::plan::{print_after_horizon, print_days, print_shortfalls, split_at_horizon};
use crate::labels::{alert_kind, is_lone_worker};
use crate::outln;
use crate::output::{print_table, table};
use anyhow::Result;
use chrono::NaiveDate;
use doorstep_core::domain::{NewVisit, OthersPresent, PlanType, Rag, VisitKind, VisitOutcome};
use doorstep_core::planning::{
    AlertKind, ContactRequirement, Interval, PlanRule, CHILD_PROTECTION_UNANNOUNCED,
};
use doorstep_core::store::{AlertView, DueEntry, PlanView};
use doorstep_core::{FixedClock, Store};
use std::collections::BTreeMap;
use std::time::Instant;

/// How many alerts and shortfalls the demo prints (the counts are always printed).
const TOP: usize = 6;
/// How many days of the plan the demo prints in full.
const PLAN_DAYS: usize = 3;

/// What the planning part produced, for `--json`.
#[derive(Debug, serde::Serialize)]
pub struct PlanningResult {
    /// The alerts while the lone worker was overdue (lone working first).
    pub alerts_overdue: Vec<AlertView>,
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
    let alerts_overdue = store.alerts()?;
    if human {
        print_alerts(&alerts_overdue, Some(TOP));
        print_alert_counts(&alerts_overdue);
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
    store.save_planning_settings(&settings)?;
    clock.set(at(today, 16, 30)?);
    section(
        human,
        "13. A 4-week plan (UNANNOUNCED visits drawn at random; shortfalls never hidden)",
    );
    let t = Instant::now();
    let plan = store.plan(4, false)?;
    let plan_ms = t.elapsed().as_secs_f64() * 1000.0;
    if human {
        print_demo_plan(&plan, &settings.capacity, plan_ms);
    }
    Ok(PlanningResult {
        alerts_overdue,
        lone_worker_after_checkout,
        disengagement,
        due,
        plan,
        plan_ms,
    })
}

fn print_alert_counts(list: &[AlertView]) {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for a in list {
        *counts.entry(alert_kind(a.alert.kind)).or_default() += 1;
    }
    let mut t = table(&["Alert", "Children"]);
    for (k, n) in counts {
        t.add_row(vec![k, n.to_string()]);
    }
    outln!("All alerts on the caseload, by kind:");
    print_table(&t, "None.");
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
        "Every unannounced visit in the 4 weeks (one in three of a child's home visits, counted from their history; most children here have none yet):"
    );
    print_days(view, &unannounced, false);
    print_after_horizon(view, &after);
    outln!();
    print_shortfalls(view, &p.shortfalls, Some(TOP));
}
