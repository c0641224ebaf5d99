//! `visit plan|list|start (checkin)|checkout|complete|no-access|declined|cancel`; `share`, `summary`
//! and `copy-settings` are in `family_copy`.

use crate::context::Ctx;
use crate::outln;
use crate::output::{print_table, short, table, words};
use anyhow::{bail, Result};
use doorstep_core::domain::{
    NewVisit, OthersPresent, UnsuccessfulVisit, ValidationIssue, Visit, VisitOutcome,
};
use doorstep_core::store::{DayItem, VisitRecorded};
use doorstep_core::time::{local_date, local_display};
use doorstep_core::Store;

/// `visit` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum VisitCmd {
    /// Plan a visit on a case.
    Plan {
        /// The case (id or unique prefix).
        #[arg(long)]
        case: String,
        /// announced_home, unannounced_home, virtual, telephone, clinic_or_school.
        #[arg(long)]
        kind: String,
        /// When, in UK local time: "YYYY-MM-DD HH:MM".
        #[arg(long, value_name = "YYYY-MM-DD HH:MM")]
        at: String,
        /// Expected length in minutes (the lone-working timer runs from check-in).
        #[arg(long, default_value_t = 60)]
        minutes: u32,
        /// Why this contact departs from what the plan requires (e.g. a virtual visit for a
        /// child who must be seen face to face).
        #[arg(long, value_name = "TEXT")]
        departure_reason: Option<String>,
    },
    /// The day list: your visits on a date (today by default).
    List {
        /// The date, YYYY-MM-DD (UK local).
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
    },
    /// Check in: you have arrived, or the call has begun (starts the lone-working timer).
    #[command(visible_alias = "checkin")]
    Start {
        /// The visit (id or unique prefix).
        id: String,
    },
    /// Check out: you have left the home safely (stops the lone-working timer).
    Checkout {
        /// The visit (id or unique prefix).
        id: String,
    },
    /// Record a completed visit and what happened.
    Complete(CompleteArgs),
    /// Record that you could not get in.
    NoAccess(UnsuccessfulArgs),
    /// Record that the family declined the visit.
    Declined(UnsuccessfulArgs),
    /// Cancel a visit (by the service).
    Cancel(UnsuccessfulArgs),
    /// Mark what is shared with the family in their copy (nothing is, unless marked).
    Share(super::family_copy::ShareArgs),
    /// The family's copy: review what it will say, then write it as an accessible PDF.
    Summary(super::family_copy::SummaryArgs),
    /// Show or set the contact, out-of-hours and complaints details printed on family copies.
    CopySettings(super::family_copy::SettingsArgs),
}

/// The outcome of a completed visit.
#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("seen").required(true).args(["child_seen", "child_not_seen"]))]
pub struct CompleteArgs {
    /// The visit (id or unique prefix).
    pub id: String,
    /// The child was seen.
    #[arg(long)]
    pub child_seen: bool,
    /// The child was not seen (give --not-seen-reason and --follow-up).
    #[arg(long)]
    pub child_not_seen: bool,
    /// Why the child was not seen.
    #[arg(long)]
    pub not_seen_reason: Option<String>,
    /// What will be done to see the child, and by when.
    #[arg(long)]
    pub follow_up: Option<String>,
    /// The child was seen alone.
    #[arg(long)]
    pub seen_alone: bool,
    /// The child was spoken to alone.
    #[arg(long)]
    pub spoken_alone: bool,
    /// Why the child was not seen or spoken to alone.
    #[arg(long)]
    pub not_alone_reason: Option<String>,
    /// The child's sleeping area was seen.
    #[arg(long)]
    pub sleeping_area_seen: bool,
    /// A known adult of the household who was present (person id or prefix; repeatable).
    #[arg(long = "known-adult", value_name = "PERSON_ID")]
    pub known_adults: Vec<String>,
    /// How many adults the practitioner did not know were present.
    #[arg(long, value_name = "N")]
    pub unknown_adults: Option<u32>,
    /// A description of an unknown adult (repeatable).
    #[arg(long = "unknown-adult-description", value_name = "TEXT")]
    pub unknown_descriptions: Vec<String>,
    /// Nobody else was present (stated, after asking).
    #[arg(long, conflicts_with_all = ["known_adults", "unknown_adults", "unknown_descriptions"])]
    pub nobody_else: bool,
    /// Adults present when the child was spoken to.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub adults_when_spoken_to: u32,
    /// How the family engaged: good, partial or poor.
    #[arg(long)]
    pub engagement: Option<String>,
    /// Injuries observed, described.
    #[arg(long)]
    pub injuries: Option<String>,
    /// A concern raised (repeatable).
    #[arg(long = "concern", value_name = "TEXT")]
    pub concerns: Vec<String>,
    /// An action agreed (repeatable).
    #[arg(long = "action", value_name = "TEXT")]
    pub actions: Vec<String>,
}

/// Why a visit did not happen.
#[derive(Debug, clap::Args)]
pub struct UnsuccessfulArgs {
    /// The visit (id or unique prefix).
    pub id: String,
    /// What happened.
    #[arg(long)]
    pub reason: String,
    /// What will be done next to see the child, and by when.
    #[arg(long)]
    pub follow_up: String,
}

/// Runs a `visit` subcommand.
pub fn run(ctx: &Ctx, cmd: VisitCmd) -> Result<()> {
    match cmd {
        VisitCmd::Plan {
            case,
            kind,
            at,
            minutes,
            departure_reason,
        } => {
            let kind = crate::parse::visit_kind(&kind)?;
            let planned_for = crate::parse::local_datetime("--at", &at)?;
            let store = ctx.open()?;
            let case_id = crate::ids::case(&store, &case)?;
            let v = store.plan_visit(NewVisit {
                case_id,
                kind,
                planned_for,
                expected_minutes: minutes,
                departure_reason,
            })?;
            ctx.out.emit(&v, || {
                outln!(
                    "Planned {} visit {} for {}",
                    words(v.kind.code()),
                    v.id,
                    local_display(v.planned_for)
                )
            })
        }
        VisitCmd::List { date } => {
            let store = ctx.open()?;
            let date = match date {
                Some(d) => crate::parse::date("--date", &d)?,
                None => local_date(store.clock().now()),
            };
            let items = store.day_list(date)?;
            ctx.out.emit(&items, || {
                outln!("Visits on {date}");
                print_day(&items)
            })
        }
        VisitCmd::Start { id } => {
            let store = ctx.open()?;
            let id = crate::ids::visit(&store, &id)?;
            let v = store.start_visit(id)?;
            ctx.out.emit(&v, || {
                outln!(
                    "Checked in to visit {} at {}",
                    short(v.id),
                    v.started_at.map_or("-".into(), local_display)
                )
            })
        }
        VisitCmd::Checkout { id } => {
            let store = ctx.open()?;
            let id = crate::ids::visit(&store, &id)?;
            let v = store.checkout_visit(id)?;
            ctx.out.emit(&v, || {
                outln!(
                    "Checked out of visit {} at {}: the lone-working timer has stopped. Record the visit with `doorstep visit complete`.",
                    short(v.id),
                    v.checked_out_at.map_or("-".into(), local_display)
                )
            })
        }
        VisitCmd::Complete(a) => {
            let store = ctx.open()?;
            let id = crate::ids::visit(&store, &a.id)?;
            let outcome = outcome(&store, a)?;
            let r = store.complete_visit(id, outcome)?;
            ctx.out.emit(&r, || print_recorded(&r))
        }
        VisitCmd::NoAccess(a) => unsuccessful(ctx, a, Store::record_no_access),
        VisitCmd::Declined(a) => unsuccessful(ctx, a, Store::record_declined),
        VisitCmd::Cancel(a) => unsuccessful(ctx, a, Store::cancel_visit),
        VisitCmd::Share(a) => super::family_copy::share(ctx, a),
        VisitCmd::Summary(a) => super::family_copy::summary(ctx, a),
        VisitCmd::CopySettings(a) => super::family_copy::settings(ctx, a),
    }
}

type EndFn = fn(
    &Store,
    doorstep_core::domain::VisitId,
    UnsuccessfulVisit,
) -> Result<VisitRecorded, doorstep_core::StoreError>;

fn unsuccessful(ctx: &Ctx, a: UnsuccessfulArgs, end: EndFn) -> Result<()> {
    let store = ctx.open()?;
    let id = crate::ids::visit(&store, &a.id)?;
    let r = end(
        &store,
        id,
        UnsuccessfulVisit {
            reason: a.reason,
            follow_up_action: a.follow_up,
        },
    )?;
    ctx.out.emit(&r, || print_recorded(&r))
}

/// Builds the outcome from the options, resolving named adults.
fn outcome(store: &Store, a: CompleteArgs) -> Result<VisitOutcome> {
    if a.child_seen && a.not_seen_reason.is_some() {
        bail!("--not-seen-reason is only for a child who was not seen");
    }
    let engagement = a
        .engagement
        .as_deref()
        .map(crate::parse::engagement)
        .transpose()?;
    let mut known = Vec::new();
    for k in &a.known_adults {
        known.push(crate::ids::person(store, k)?);
    }
    let named_others =
        !known.is_empty() || a.unknown_adults.is_some() || !a.unknown_descriptions.is_empty();
    let others_present = if a.nobody_else || named_others {
        let described = a.unknown_descriptions.len() as u32;
        Some(OthersPresent {
            known_adults: known,
            unknown_adults: a.unknown_adults.unwrap_or(described).max(described),
            unknown_descriptions: a.unknown_descriptions,
        })
    } else {
        None
    };
    Ok(VisitOutcome {
        child_seen: a.child_seen,
        not_seen_reason: a.not_seen_reason,
        follow_up_action: a.follow_up,
        child_seen_alone: a.seen_alone,
        child_spoken_to_alone: a.spoken_alone,
        not_alone_reason: a.not_alone_reason,
        sleeping_area_seen: a.sleeping_area_seen,
        others_present,
        adults_present_when_spoken_to: a.adults_when_spoken_to,
        engagement,
        injuries_observed: a.injuries,
        concerns: a.concerns,
        actions_agreed: a.actions,
    })
}

/// Prints warnings returned with a saved record.
pub fn print_warnings(warnings: &[ValidationIssue]) {
    for w in warnings {
        outln!("warning: {}", w.message);
    }
}

/// Prints a recorded visit: its status, the no-access count, and any warnings.
pub fn print_recorded(r: &VisitRecorded) {
    let v = &r.visit;
    outln!(
        "Visit {} recorded: {} ({} visit planned for {})",
        short(v.id),
        words(v.status.code()),
        words(v.kind.code()),
        local_display(v.planned_for)
    );
    if let Some(o) = &v.outcome {
        outln!(
            "  child seen: {}, seen alone: {}, spoken to alone: {}, sleeping area seen: {}",
            crate::output::yes_no(o.child_seen),
            crate::output::yes_no(o.child_seen_alone),
            crate::output::yes_no(o.child_spoken_to_alone),
            crate::output::yes_no(o.sleeping_area_seen)
        );
        if let Some(others) = &o.others_present {
            if others.adult_count() == 0 {
                outln!("  others present: nobody else (stated)");
            } else {
                outln!(
                    "  others present: {} known adult(s), {} unknown adult(s)",
                    others.known_adults.len(),
                    others.unknown_adults
                );
            }
        }
    }
    if v.status != doorstep_core::domain::VisitStatus::Completed
        && v.status != doorstep_core::domain::VisitStatus::Cancelled
    {
        outln!(
            "  consecutive no-access or declined visits on this case: {}",
            r.consecutive_no_access
        );
    }
    print_warnings(&r.warnings);
}

/// Prints a day list.
pub fn print_day(items: &[DayItem]) {
    let mut t = table(&[
        "Time", "Visit", "Kind", "Status", "Child", "Plan", "RAG", "Address",
    ]);
    for i in items {
        t.add_row(vec![
            local_display(i.visit.planned_for)
                .split(' ')
                .nth(1)
                .unwrap_or_default()
                .to_string(),
            short(i.visit.id),
            words(i.visit.kind.code()),
            words(i.visit.status.code()),
            i.child.name.clone(),
            words(i.case.plan.code()),
            i.case.rag.code().to_uppercase(),
            i.household.address.clone(),
        ]);
    }
    print_table(&t, "No visits on this day.");
}

/// Prints a case's visits.
pub fn print_visits(visits: &[Visit]) {
    let mut t = table(&["Visit", "Planned for", "Kind", "Status", "Child seen"]);
    for v in visits {
        t.add_row(vec![
            short(v.id),
            local_display(v.planned_for),
            words(v.kind.code()),
            words(v.status.code()),
            v.outcome
                .as_ref()
                .map_or("-", |o| crate::output::yes_no(o.child_seen))
                .to_string(),
        ]);
    }
    print_table(&t, "No visits on this case.");
}
