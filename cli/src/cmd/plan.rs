//! `plan`: the next weeks' visits, planned within capacity, with unannounced visits marked and
//! every child who will miss a due date listed; `plan --show` prints the stored plan.

use crate::context::Ctx;
use crate::labels::{flag, requirement};
use crate::outln;
use crate::output::{print_table, short, table, words};
use anyhow::Result;
use chrono::NaiveDate;
use doorstep_core::domain::CaseId;
use doorstep_core::planning::{Shortfall, ShortfallCause};
use doorstep_core::store::{ChildLabel, PlanLine, PlanView};
use doorstep_core::time::{local_date, local_display};

/// Options of `plan`.
#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// How many weeks to plan (1 to 26).
    #[arg(long, default_value_t = 4)]
    pub weeks: u32,
    /// Book every planned slot as a planned visit, so it stays put when re-planning.
    #[arg(long, conflicts_with = "show")]
    pub book: bool,
    /// Print each slot's explanation: due date and why, window, why this slot.
    #[arg(long)]
    pub explain: bool,
    /// Print the stored plan without recomputing it (and say if it is stale).
    #[arg(long, conflicts_with = "weeks")]
    pub show: bool,
}

/// Runs `plan`.
pub fn run(ctx: &Ctx, a: PlanArgs) -> Result<()> {
    let store = ctx.open()?;
    if a.show {
        let stored = store.stored_plan()?;
        return ctx.out.emit(&stored, || match &stored {
            None => outln!("No plan yet: run `doorstep plan` to make one."),
            Some(view) => {
                if view.stale {
                    outln!(
                        "STALE: something changed since this plan was computed ({}); run `doorstep plan` to re-plan.",
                        local_display(view.plan.computed_at)
                    );
                }
                print_plan(view, a.explain);
            }
        });
    }
    let view = store.plan(a.weeks, a.book)?;
    ctx.out.emit(&view, || print_plan(&view, a.explain))
}

/// The child a case is about, or a placeholder when the case is no longer allocated.
pub fn label(children: &[ChildLabel], case: CaseId) -> Option<&ChildLabel> {
    children.iter().find(|c| c.case_id == case)
}

fn child_name(children: &[ChildLabel], case: CaseId) -> String {
    label(children, case).map_or_else(
        || format!("(case {})", short(case)),
        |l| l.child_name.clone(),
    )
}

/// The lines within the plan's horizon, and those placed after it (late visits for children in
/// the shortfall list, at their best possible date).
pub fn split_at_horizon(view: &PlanView) -> (Vec<PlanLine>, Vec<PlanLine>) {
    view.plan
        .lines
        .iter()
        .cloned()
        .partition(|l| local_date(l.slot.start) <= view.plan.horizon_end)
}

/// Prints the heading, the slots grouped by day, and the shortfalls.
pub fn print_plan(view: &PlanView, explain: bool) {
    let p = &view.plan;
    let (within, after) = split_at_horizon(view);
    let unannounced = within.iter().filter(|l| l.slot.unannounced).count();
    outln!(
        "Plan computed {} up to {}: {} visit(s), {} unannounced; {} visit(s) will miss their due date.",
        local_display(p.computed_at),
        p.horizon_end,
        within.len(),
        unannounced,
        p.shortfalls.len()
    );
    print_days(view, &within, explain);
    print_after_horizon(view, &after);
    outln!();
    print_shortfalls(view, &p.shortfalls, None);
    print_warnings(view);
}

/// Prints the children whose recent unannounced visits form a pattern a family could learn.
pub fn print_warnings(view: &PlanView) {
    if view.plan.warnings.is_empty() {
        return;
    }
    outln!();
    outln!("PATTERN WARNINGS (hand-chosen unannounced visits a family could learn):");
    for w in &view.plan.warnings {
        outln!("  {}: {}", child_name(&view.children, w.case), w.message);
    }
}

/// Says how many late visits were placed after the horizon (each is a shortfall's best date).
pub fn print_after_horizon(view: &PlanView, after: &[PlanLine]) {
    if let Some(last) = after.last() {
        let booked = after.iter().filter(|l| l.visit_id.is_some()).count();
        outln!();
        outln!(
            "After {}: {} late visit(s) placed, up to {}, for children in the list below (see \"Best possible\"; `--json` has every slot){}.",
            view.plan.horizon_end,
            after.len(),
            local_date(last.slot.start),
            if booked > 0 {
                format!("; {booked} of them were booked too")
            } else {
                String::new()
            }
        );
    }
}

/// Prints plan lines grouped by local date, one table per day.
pub fn print_days(view: &PlanView, lines: &[PlanLine], explain: bool) {
    let mut day: Option<NaiveDate> = None;
    let mut group: Vec<&PlanLine> = Vec::new();
    for l in lines {
        let d = local_date(l.slot.start);
        if day.is_some_and(|x| x != d) {
            print_day(view, &group, explain);
            group.clear();
        }
        day = Some(d);
        group.push(l);
    }
    if !group.is_empty() {
        print_day(view, &group, explain);
    }
    if lines.is_empty() {
        outln!("No visits planned.");
    }
}

fn time_of(t: chrono::DateTime<chrono::Utc>) -> String {
    local_display(t)
        .split(' ')
        .nth(1)
        .unwrap_or_default()
        .to_string()
}

fn print_day(view: &PlanView, lines: &[&PlanLine], explain: bool) {
    let Some(first) = lines.first() else {
        return;
    };
    outln!();
    outln!("{}", local_date(first.slot.start).format("%a %d %b %Y"));
    let mut t = table(&[
        "Time",
        "Child",
        "Address",
        "Kind",
        "Unannounced",
        "Booked",
        "For",
        "Due",
    ]);
    for l in lines {
        let s = &l.slot;
        let who = label(&view.children, s.case);
        t.add_row(vec![
            format!("{}-{}", time_of(s.start), time_of(s.end)),
            child_name(&view.children, s.case),
            who.map_or_else(String::new, |w| w.address.clone()),
            words(s.kind.code()),
            flag(s.unannounced, "UNANNOUNCED"),
            flag(s.booked || l.visit_id.is_some(), "booked"),
            requirement(s.requirement),
            s.due.to_string(),
        ]);
    }
    outln!("{t}");
    if explain {
        for l in lines {
            outln!(
                "  {} {}: {}",
                time_of(l.slot.start),
                child_name(&view.children, l.slot.case),
                l.slot.explanation
            );
            if let Some(d) = &l.slot.draw {
                outln!(
                    "    draw: window {} to {}, {} feasible slot(s) on {} day(s), each equally likely; unannounced with chance {:.0}% (the random values are never shown)",
                    d.first,
                    d.last,
                    d.feasible_slots,
                    d.feasible_days,
                    d.chance.value() * 100.0
                );
            }
            if !l.slot.also_meets.is_empty() {
                outln!(
                    "    also meets: {}",
                    l.slot
                        .also_meets
                        .iter()
                        .map(|r| requirement(*r))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
        }
    }
}

/// Prints the children who will miss their due date; `limit` shows only the first few (the
/// count is always printed).
pub fn print_shortfalls(view: &PlanView, shortfalls: &[Shortfall], limit: Option<usize>) {
    if shortfalls.is_empty() {
        outln!("Every child's due date is met: no shortfalls.");
        return;
    }
    let mut children: Vec<CaseId> = shortfalls.iter().map(|s| s.case).collect();
    children.sort_unstable();
    children.dedup();
    outln!(
        "WILL MISS THEIR DUE DATE: {} visit(s) for {} child(ren), highest priority first, each with its cause and what would fix it",
        shortfalls.len(),
        children.len()
    );
    let mut t = table(&[
        "Child",
        "Plan",
        "RAG",
        "For",
        "Due",
        "Best possible",
        "Days late",
        "Cause",
    ]);
    let shown = limit.unwrap_or(shortfalls.len());
    for s in shortfalls.iter().take(shown) {
        t.add_row(vec![
            child_name(&view.children, s.case),
            words(s.plan.code()),
            s.rag.code().to_uppercase(),
            requirement(s.requirement),
            s.due.to_string(),
            s.best_possible
                .map_or_else(|| "not within the plan".into(), |d| d.to_string()),
            s.days_late.map_or_else(|| "-".into(), |d| d.to_string()),
            s.cause.map_or_else(|| "-".into(), cause),
        ]);
    }
    print_table(&t, "");
    for s in shortfalls.iter().take(shown) {
        if !s.fix.is_empty() {
            outln!(
                "  {} (due {}): {}. {}",
                child_name(&view.children, s.case),
                s.due,
                s.detail,
                s.fix
            );
        }
    }
    if shortfalls.len() > shown {
        outln!(
            "... and {} more (`doorstep plan --show` lists them all).",
            shortfalls.len() - shown
        );
    }
}

/// A shortfall's cause in words.
fn cause(c: ShortfallCause) -> String {
    match c {
        ShortfallCause::AlreadyOverdue => "already overdue when planned",
        ShortfallCause::Leave => "leave",
        ShortfallCause::BankHolidays => "bank holidays",
        ShortfallCause::WorkingPattern => "working pattern",
        ShortfallCause::Appointments => "appointments",
        ShortfallCause::DailyLimit => "daily visit limit",
        ShortfallCause::Capacity => "days full of other visits",
    }
    .into()
}
