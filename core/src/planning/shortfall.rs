//! Why a due date will be missed, and what would meet it: every shortfall names its cause (already
//! overdue when planned, leave, the working pattern, bank holidays, appointments, the daily limit,
//! or the days being full of other children's visits) and, where one exists, the smallest change
//! that fixes it ("one more visit slot on Tuesday 8 December meets it").

use super::edf::{self, Job, Scratch};
use super::grid::Grid;
use super::{PractitionerCalendar, Requirement};
use crate::domain::{CaseId, PlanType, Rag};
use chrono::{Datelike, NaiveDate};

/// A due date capacity cannot meet.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shortfall {
    /// The case.
    pub case: CaseId,
    /// What it is for.
    pub requirement: Requirement,
    /// The child's plan.
    pub plan: PlanType,
    /// The child's RAG rating.
    pub rag: Rag,
    /// The due date that will be missed.
    pub due: NaiveDate,
    /// The earliest date it can be done, if inside the planning grid.
    pub best_possible: Option<NaiveDate>,
    /// How late that is (in working days when the requirement counts working days).
    pub days_late: Option<u32>,
    /// 0 is the highest priority: child protection first, then looked after, child in need,
    /// early help, universal; within each, red, amber, green.
    pub priority: u8,
    /// Round (1 = the child's next visit).
    pub round: u32,
    /// Why it will be missed.
    #[serde(default)]
    pub cause: Option<ShortfallCause>,
    /// The days of its window and what took them, in words (dates and counts only).
    #[serde(default)]
    pub detail: String,
    /// A day on which one more visit slot would meet the due date, if one would.
    #[serde(default)]
    pub one_more_slot_on: Option<NaiveDate>,
    /// What would fix it, in words.
    #[serde(default)]
    pub fix: String,
}

/// The main reason a due date will be missed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShortfallCause {
    /// The due date had passed before this plan was made.
    AlreadyOverdue,
    /// The practitioner is on leave on the days that would meet it.
    Leave,
    /// Bank holidays take the days that would meet it.
    BankHolidays,
    /// The practitioner's working pattern has no hours on the days that would meet it.
    WorkingPattern,
    /// Appointments take the time on the days that would meet it.
    Appointments,
    /// The days that would meet it already have the most visits allowed in a day, with time left.
    DailyLimit,
    /// The days that would meet it are full of other children's visits (higher priority or due
    /// sooner).
    Capacity,
}

/// What a window's days were taken by.
#[derive(Debug, Default)]
struct Tally {
    leave: u32,
    holidays: u32,
    not_worked: u32,
    appointments: u32,
    at_limit: u32,
    full: u32,
    usable: u32,
}

/// Counts what took each day from `from` to `to`.
fn tally(cal: &PractitionerCalendar, grid: &Grid, from: NaiveDate, to: NaiveDate) -> Tally {
    let mut t = Tally::default();
    let mut d = from;
    while d <= to {
        if cal.holidays.contains(d) && cal.pattern.hours(d.weekday()).is_some() {
            t.holidays += 1;
        } else if cal.pattern.hours(d.weekday()).is_none() {
            t.not_worked += 1;
        } else if cal.on_leave(d) {
            t.leave += 1;
        } else if let Some(i) = grid.day_index(d) {
            // What binds the day: the daily limit (time would hold more), appointments, or
            // the time itself, taken by other visits.
            t.usable += 1;
            if grid.capacity_with(i, None) < grid.time_capacity(i) {
                t.at_limit += 1;
            } else if grid.appointment_blocked(i) {
                t.appointments += 1;
            } else {
                t.full += 1;
            }
        }
        match d.succ_opt() {
            Some(n) => d = n,
            None => break,
        }
    }
    t
}

/// The cause, the window's story and the fix for a visit due on `due` whose window opens on
/// `from`, given the on-time `jobs` and capacities `caps` (the late job is `job`, if its window
/// is in the grid).
#[allow(clippy::too_many_arguments)]
pub(crate) fn diagnose(
    cal: &PractitionerCalendar,
    grid: &Grid,
    today: NaiveDate,
    from: NaiveDate,
    due: NaiveDate,
    job: Option<Job>,
    jobs: &[Job],
    caps: &[u32],
    scratch: &mut Scratch,
) -> (ShortfallCause, String, Option<NaiveDate>, String) {
    if due < today {
        return (
            ShortfallCause::AlreadyOverdue,
            format!("due {due}, before this plan was made on {today}"),
            None,
            "Nothing can meet the date now: visit as soon as possible (the planned slot; an unannounced one is drawn among the next few working days), and record why it was late.".into(),
        );
    }
    let from = from.max(today);
    let t = tally(cal, grid, from, due);
    let mut parts = Vec::new();
    for (n, what) in [
        (t.leave, "on leave"),
        (t.holidays, "bank holidays"),
        (t.not_worked, "not in the working pattern"),
        (t.appointments, "with appointments taking the time"),
        (t.at_limit, "at the daily limit with time left"),
        (t.full, "with every hour taken by visits"),
    ] {
        if n > 0 {
            parts.push(format!("{n} day(s) {what}"));
        }
    }
    let detail = format!("window {from} to {due}: {}", parts.join(", "));
    let cause = if t.usable == 0 {
        if t.leave > 0 {
            ShortfallCause::Leave
        } else if t.holidays > 0 {
            ShortfallCause::BankHolidays
        } else {
            ShortfallCause::WorkingPattern
        }
    } else if t.at_limit > 0 {
        ShortfallCause::DailyLimit
    } else if t.appointments > 0 {
        ShortfallCause::Appointments
    } else if t.leave > 0 && t.leave >= t.usable {
        ShortfallCause::Leave
    } else {
        ShortfallCause::Capacity
    };
    let extra = job.and_then(|j| one_more_slot(grid, j, jobs, caps, scratch));
    let fix = match (extra, cause) {
        (Some(day), _) => format!(
            "One more visit slot on {} meets it ({}).",
            day.format("%A %-d %B"),
            match cause {
                ShortfallCause::DailyLimit => "raise that day's limit by one",
                ShortfallCause::Appointments => "move an appointment that day",
                _ => "free an hour that day, or ask a colleague to make one visit",
            }
        ),
        (None, ShortfallCause::Leave) => {
            "Ask a colleague to visit while you are on leave, or take this visit before it.".into()
        }
        (None, ShortfallCause::WorkingPattern | ShortfallCause::BankHolidays) => {
            "A visit on a day you do not normally work, or by a colleague, would meet it.".into()
        }
        (None, _) => {
            "No single extra slot meets it: raise it with your manager (reallocate, or a colleague's visit).".into()
        }
    };
    (cause, detail, extra, fix)
}

/// The latest day in `job`'s window on which one more place would make it and every on-time
/// job feasible.
fn one_more_slot(
    grid: &Grid,
    job: Job,
    jobs: &[Job],
    caps: &[u32],
    scratch: &mut Scratch,
) -> Option<NaiveDate> {
    let mut with: Vec<Job> = jobs.to_vec();
    let at = with.partition_point(|a| (a.release, a.id) < (job.release, job.id));
    with.insert(at, job);
    let last = (job.deadline as usize).min(grid.days.len().checked_sub(1)?);
    (job.release as usize..=last).rev().find_map(|d| {
        let cap = caps.get(d).copied()?.saturating_add(1);
        edf::feasible(&with, caps, Some((d, cap)), None, scratch)
            .then(|| grid.days.get(d).map(|x| x.date))
            .flatten()
    })
}
