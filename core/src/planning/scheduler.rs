//! The planner: places every due visit in the slot grid earliest-deadline-first within the
//! practitioner's capacity, times unannounced visits uniformly at random among every slot that
//! keeps every other child's due date achievable, and reports — never drops — children whose
//! due date capacity cannot meet.
//!
//! Planning is done in rounds: round 1 is every child's next due visit; round 2 the visit after
//! that (its due date counted from the round-1 date), and so on to the horizon. Each round is
//! planned on the capacity the earlier rounds left. Re-plan whenever a visit happens, is missed
//! or the calendar changes: the plan is a pure function of the facts.

use super::calendar::add;
use super::due::{regular_item, History, Periodic};
use super::edf::{self, Job, Scratch, NO_DEADLINE};
use super::grid::Grid;
use super::policy::IntervalUnit;
use super::{
    due_items, Capacity, ChildFacts, ContactRequirement, DueItem, PlanningError, Policy,
    PractitionerCalendar, RandomSource, Requirement,
};
use crate::domain::{CaseId, PlanType, Rag, VisitKind, VisitStatus};
use crate::time::local_date;
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// The longest horizon planned at once, in days.
const MAX_HORIZON_DAYS: u32 = 366;
/// How far past the horizon the grid reaches to hold windows that end later, in days.
const MAX_GRID_TAIL_DAYS: i64 = 92;
/// The grid always reaches this far past the horizon, to find late visits a best date.
const MIN_GRID_TAIL_DAYS: i64 = 28;
/// Safety bound on rounds.
const MAX_ROUNDS: u32 = 60;

/// One planned visit, with why it is there.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PlannedSlot {
    /// The case.
    pub case: CaseId,
    /// What it is for.
    pub requirement: Requirement,
    /// Start (UTC). Show in Europe/London.
    pub start: DateTime<Utc>,
    /// End (UTC).
    pub end: DateTime<Utc>,
    /// Announced or unannounced home visit.
    pub kind: VisitKind,
    /// Which contacts would count (a virtual contact may replace it when allowed).
    pub contact: ContactRequirement,
    /// It is unannounced.
    pub unannounced: bool,
    /// The child must be seen alone (or the reason recorded).
    pub see_alone: bool,
    /// The bedroom must be seen.
    pub see_bedroom: bool,
    /// The due date it meets.
    pub due: NaiveDate,
    /// The window it was planned in (earliest date).
    pub earliest: NaiveDate,
    /// 1 for the child's next visit, 2 for the one after, ...
    pub round: u32,
    /// It was already booked (a planned visit in the record), not chosen now.
    pub booked: bool,
    /// Why this slot: due date, window and why it was feasible. No identifying data.
    pub explanation: String,
}

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
}

/// The plan: visits in time order and shortfalls in priority order.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Plan {
    /// Planned (and kept booked) visits, earliest first.
    pub slots: Vec<PlannedSlot>,
    /// Children who will miss a due date, highest priority first.
    pub shortfalls: Vec<Shortfall>,
    /// The due items of round 1 (every child's current items), for display.
    pub due: Vec<DueItem>,
}

/// What to plan.
#[derive(Debug, Clone, Copy)]
pub struct PlanRequest<'a> {
    /// Now; no visit is planned before it.
    pub now: DateTime<Utc>,
    /// The last date (Europe/London) to plan visits whose window opens by then.
    pub horizon_end: NaiveDate,
    /// The practitioner's calendar.
    pub calendar: &'a PractitionerCalendar,
    /// The practitioner's capacity.
    pub capacity: Capacity,
    /// The visiting policy.
    pub policy: &'a Policy,
    /// The children on the caseload.
    pub children: &'a [ChildFacts],
}

/// The priority of a plan type and RAG rating (0 = highest).
pub fn priority(plan: PlanType, rag: Rag) -> u8 {
    let p = match plan {
        PlanType::ChildProtection => 0,
        PlanType::LookedAfter => 1,
        PlanType::ChildInNeed => 2,
        PlanType::TargetedEarlyHelp => 3,
        PlanType::Universal => 4,
    };
    let r = match rag {
        Rag::Red => 0,
        Rag::Amber => 1,
        Rag::Green => 2,
    };
    p * 3 + r
}

/// One item to place in a round.
struct Pending {
    child: usize,
    item: DueItem,
    history: Option<History>,
    round: u32,
}

/// Plans visits for every child in `req` from `now` to `horizon_end`.
pub fn plan(req: &PlanRequest<'_>, rng: &mut dyn RandomSource) -> Result<Plan, PlanningError> {
    req.policy.validate()?;
    let hol = &req.calendar.holidays;
    let today = local_date(req.now);
    let span = (req.horizon_end - today).num_days();
    if span < 0 || span > i64::from(MAX_HORIZON_DAYS) {
        return Err(PlanningError::Horizon {
            max_days: MAX_HORIZON_DAYS,
        });
    }

    // Round 1: every child's current items; booked visits first satisfy them.
    let mut plan = Plan::default();
    let mut pending: Vec<Pending> = Vec::new();
    let mut booked: Vec<(usize, DateTime<Utc>, VisitKind, u32)> = Vec::new();
    for (ci, child) in req.children.iter().enumerate() {
        let items = due_items(child, req.policy, hol, today)?;
        let regular = regular_item(child, req.policy, hol, today)?;
        let history = Periodic::of(child, req.policy, hol, child.opened_on)?
            .map(|p| History::of(child, p.contact()));
        for v in &child.visits {
            if v.status == VisitStatus::Planned && v.planned_for >= req.now {
                booked.push((ci, v.planned_for, v.kind, v.expected_minutes));
            }
        }
        for item in items {
            plan.due.push(item.clone());
            let is_regular = regular
                .as_ref()
                .is_some_and(|r| r.requirement == item.requirement);
            if item.earliest <= req.horizon_end {
                pending.push(Pending {
                    child: ci,
                    item,
                    history: if is_regular { history } else { None },
                    round: 1,
                });
            }
        }
    }

    // The grid reaches past the horizon far enough to hold the windows that close later.
    let latest_due = pending
        .iter()
        .map(|p| p.item.due)
        .max()
        .unwrap_or(req.horizon_end);
    let tail = req
        .horizon_end
        .checked_add_signed(Duration::days(MAX_GRID_TAIL_DAYS))
        .ok_or(PlanningError::DateOutOfRange)?;
    let min_end = req
        .horizon_end
        .checked_add_signed(Duration::days(MIN_GRID_TAIL_DAYS))
        .ok_or(PlanningError::DateOutOfRange)?;
    let grid_end = latest_due.clamp(min_end, tail);
    let mut grid = Grid::build(req.calendar, &req.capacity, req.now, today, grid_end)?;
    for &(_, at, _, _) in &booked {
        grid.place_booked(at);
    }
    // A booked visit of the same child inside an item's window (or before its due date) meets it.
    let mut used_booking = vec![false; booked.len()];
    let mut still: Vec<Pending> = Vec::new();
    for p in pending {
        let hit = booked
            .iter()
            .enumerate()
            .position(|(bi, &(ci, at, kind, _))| {
                !used_booking.get(bi).copied().unwrap_or(true)
                    && ci == p.child
                    && local_date(at) <= p.item.due
                    && p.item.contact.satisfied_by(kind)
            });
        match hit.and_then(|bi| booked.get(bi).map(|b| (bi, *b))) {
            Some((bi, (_, at, kind, minutes))) => {
                if let Some(u) = used_booking.get_mut(bi) {
                    *u = true;
                }
                let date = local_date(at);
                let minutes = if minutes == 0 {
                    u32::from(req.capacity.visit_minutes)
                } else {
                    minutes
                };
                plan.slots.push(PlannedSlot {
                    case: p.item.case,
                    requirement: p.item.requirement,
                    start: at,
                    end: add(at, Duration::minutes(i64::from(minutes))),
                    kind,
                    contact: p.item.contact,
                    unannounced: kind == VisitKind::UnannouncedHome,
                    see_alone: p.item.see_alone,
                    see_bedroom: p.item.see_bedroom,
                    due: p.item.due,
                    earliest: p.item.earliest,
                    round: 1,
                    booked: true,
                    explanation: format!(
                        "Already booked for {date}; due {} ({}).",
                        p.item.due, p.item.why
                    ),
                });
                if let Some(next) = follow_on(req, &p, date, kind == VisitKind::UnannouncedHome)? {
                    still.push(next);
                }
            }
            None => still.push(p),
        }
    }

    let mut pending = still;
    let mut scratch = Scratch::default();
    let mut round = 1;
    while !pending.is_empty() && round <= MAX_ROUNDS {
        let placed = plan_round(req, &mut grid, &pending, rng, &mut scratch, &mut plan)?;
        let mut next = Vec::new();
        for (p, when) in pending.iter().zip(placed) {
            if let Some((date, unannounced)) = when {
                if let Some(n) = follow_on(req, p, date, unannounced)? {
                    next.push(n);
                }
            }
        }
        pending = next;
        round += 1;
    }
    plan.slots.sort_by_key(|s| (s.start, s.case));
    plan.shortfalls
        .sort_by_key(|s| (s.priority, s.round, s.due, s.case));
    Ok(plan)
}

/// The next periodic item after a visit planned on `date`, if its window opens in the horizon.
fn follow_on(
    req: &PlanRequest<'_>,
    p: &Pending,
    date: NaiveDate,
    unannounced: bool,
) -> Result<Option<Pending>, PlanningError> {
    let Some(h) = p.history else {
        return Ok(None);
    };
    let hol = &req.calendar.holidays;
    let Some(child) = req.children.get(p.child) else {
        return Ok(None);
    };
    let Some(rule) = Periodic::of(child, req.policy, hol, date)? else {
        return Ok(None);
    };
    let h2 = h.with_planned(date, unannounced, p.item.see_bedroom);
    let item = rule.item(child, req.policy, hol, &h2, local_date(req.now))?;
    if item.earliest > req.horizon_end {
        return Ok(None);
    }
    Ok(Some(Pending {
        child: p.child,
        item,
        history: Some(h2),
        round: p.round + 1,
    }))
}

fn sort_key(p: &Pending) -> (u8, NaiveDate, CaseId) {
    (priority(p.item.plan, p.item.rag), p.item.due, p.item.case)
}

fn days_late(req: &PlanRequest<'_>, item: &DueItem, date: NaiveDate) -> u32 {
    if date <= item.due {
        return 0;
    }
    match item.unit {
        IntervalUnit::WorkingDays => req.calendar.holidays.working_days_between(item.due, date),
        _ => (date - item.due).num_days().clamp(0, i64::from(u32::MAX)) as u32,
    }
}

/// Sets `v[i]` when `i` is in range.
fn set<T>(v: &mut [T], i: u32, value: T) {
    if let Some(x) = v.get_mut(i as usize) {
        *x = value;
    }
}

/// Plans one round; returns, per pending item, the date and whether unannounced if placed.
fn plan_round(
    req: &PlanRequest<'_>,
    grid: &mut Grid,
    pending: &[Pending],
    rng: &mut dyn RandomSource,
    scratch: &mut Scratch,
    plan: &mut Plan,
) -> Result<Vec<Option<(NaiveDate, bool)>>, PlanningError> {
    let today = local_date(req.now);
    let n_days = grid.days.len() as u32;
    let grid_last = grid.days.last().map(|d| d.date);
    let mut placed: Vec<Option<(usize, usize)>> = vec![None; pending.len()];

    // Jobs: release and deadline as grid day indices.
    let mut jobs: Vec<Job> = Vec::with_capacity(pending.len());
    let mut hopeless: Vec<u32> = Vec::new();
    for (i, p) in pending.iter().enumerate() {
        let id = i as u32;
        let mut release = grid.day_on_or_after(p.item.earliest.max(today)) as u32;
        let deadline = match grid_last {
            Some(last) if p.item.due > last => NO_DEADLINE,
            _ => match grid.day_on_or_before(p.item.due) {
                Some(d) => {
                    // A window with no working day in it (e.g. a weekly due date on a bank
                    // holiday) opens on the last working day before the due date.
                    release = release.min(d as u32);
                    d as u32
                }
                None => {
                    hopeless.push(id);
                    continue;
                }
            },
        };
        jobs.push(Job {
            release,
            deadline,
            id,
        });
    }
    jobs.sort_by_key(|j| (j.release, j.id));

    // The on-time set: everyone when capacity allows, otherwise admitted by priority.
    let mut caps = grid.capacities();
    let mut late: Vec<u32> = hopeless;
    if !edf::feasible(&jobs, &caps, None, None, scratch) {
        let mut order: Vec<Job> = jobs.clone();
        order.sort_by_key(|j| pending.get(j.id as usize).map(sort_key));
        let mut admitted: Vec<Job> = Vec::with_capacity(jobs.len());
        for j in order {
            let at = admitted.partition_point(|a| (a.release, a.id) < (j.release, j.id));
            admitted.insert(at, j);
            if !edf::feasible(&admitted, &caps, None, None, scratch) {
                admitted.remove(at);
                late.push(j.id);
            }
        }
        jobs = admitted;
    }

    // Late visits: as early as possible without costing an on-time child their date.
    late.sort_by_key(|&id| pending.get(id as usize).map(sort_key));
    for &id in &late {
        let Some(p) = pending.get(id as usize) else {
            continue;
        };
        let from = grid.day_on_or_after(p.item.earliest.max(today));
        let mut best = None;
        for d in from..grid.days.len() {
            let Some(s) = grid.first_free(d) else {
                continue;
            };
            let m = grid.minute.get(s).copied();
            let cap = grid.capacity_with(d, m);
            if edf::feasible(&jobs, &caps, Some((d, cap)), None, scratch) {
                best = Some((d, s));
                break;
            }
        }
        let best_date = best.and_then(|(d, _)| grid.days.get(d).map(|x| x.date));
        if let Some((d, s)) = best {
            grid.place(d, s);
            set(&mut caps, d as u32, grid.capacity_with(d, None));
            set(&mut placed, id, Some((d, s)));
        }
        plan.shortfalls.push(Shortfall {
            case: p.item.case,
            requirement: p.item.requirement,
            plan: p.item.plan,
            rag: p.item.rag,
            due: p.item.due,
            best_possible: best_date,
            days_late: best_date.map(|b| days_late(req, &p.item, b)),
            priority: priority(p.item.plan, p.item.rag),
            round: p.round,
        });
    }

    // Unannounced visits: uniformly at random among every slot that keeps the rest feasible.
    let mut unannounced: Vec<Job> = jobs
        .iter()
        .copied()
        .filter(|j| {
            pending
                .get(j.id as usize)
                .is_some_and(|p| p.item.unannounced)
        })
        .collect();
    unannounced.sort_by_key(|j| (j.deadline, j.id));
    let mut counts: Vec<usize> = vec![0; pending.len()];
    for j in unannounced {
        let last = if j.deadline == NO_DEADLINE {
            n_days.saturating_sub(1)
        } else {
            j.deadline
        };
        let mut options: Vec<(usize, usize)> = Vec::new();
        for d in (j.release as usize)..=(last as usize).min(grid.days.len().saturating_sub(1)) {
            let Some(day) = grid.days.get(d) else {
                continue;
            };
            let (first, end) = (day.first, day.end);
            // The smallest capacity day d may be left with: found once per distinct value.
            let mut verdict: Vec<(u32, bool)> = Vec::new();
            for s in first..end {
                if !grid.is_free(d, s) {
                    continue;
                }
                let cap = grid.capacity_with(d, grid.minute.get(s).copied());
                let ok = match verdict.iter().find(|(c, _)| *c == cap) {
                    Some(&(_, ok)) => ok,
                    None => {
                        let ok = edf::feasible(&jobs, &caps, Some((d, cap)), Some(j.id), scratch);
                        verdict.push((cap, ok));
                        ok
                    }
                };
                if ok {
                    options.push((d, s));
                }
            }
        }
        let choice = if options.is_empty() {
            None
        } else {
            let k = rng.below(options.len() as u64)? as usize;
            options.get(k).copied()
        };
        if let Some((d, s)) = choice {
            grid.place(d, s);
            set(&mut caps, d as u32, grid.capacity_with(d, None));
            set(&mut placed, j.id, Some((d, s)));
            set(&mut counts, j.id, options.len());
            jobs.retain(|x| x.id != j.id);
        }
    }

    // Announced visits: earliest deadline first, first free slot of the day.
    let mut days_for: Vec<(u32, usize)> = Vec::new();
    edf::run(&jobs, &caps, None, None, scratch, &mut |id, d| {
        days_for.push((id, d))
    });
    let mut placed_ids = std::collections::HashSet::new();
    for (id, d) in days_for {
        if let Some(s) = grid.first_free(d) {
            grid.place(d, s);
            set(&mut placed, id, Some((d, s)));
            placed_ids.insert(id);
        }
    }
    // Anything with a deadline in the grid that EDF could not place is a shortfall (this only
    // happens if the grid changed under it, but no child is ever dropped silently).
    for j in &jobs {
        if !placed_ids.contains(&j.id) && j.deadline != NO_DEADLINE {
            if let Some(p) = pending.get(j.id as usize) {
                plan.shortfalls.push(Shortfall {
                    case: p.item.case,
                    requirement: p.item.requirement,
                    plan: p.item.plan,
                    rag: p.item.rag,
                    due: p.item.due,
                    best_possible: None,
                    days_late: None,
                    priority: priority(p.item.plan, p.item.rag),
                    round: p.round,
                });
            }
        }
    }

    // Emit slots.
    let mut out = vec![None; pending.len()];
    for (i, p) in pending.iter().enumerate() {
        let Some((d, s)) = placed.get(i).copied().flatten() else {
            continue;
        };
        let (Some(day), Some(&start)) = (grid.days.get(d), grid.start.get(s)) else {
            continue;
        };
        let date = day.date;
        let is_late = date > p.item.due;
        let unannounced = p.item.unannounced;
        let how = if is_late {
            format!(
                "Capacity is short: the earliest slot that costs no on-time child their date ({} day(s) late).",
                days_late(req, &p.item, date)
            )
        } else if unannounced {
            format!(
                "Unannounced: drawn uniformly at random (secure random source) from {} slots in the window, each inside working hours, clear of appointments, within the daily limit and travel buffer, and keeping every other child's due date achievable.",
                counts.get(i).copied().unwrap_or(0)
            )
        } else {
            "Earliest day in the window with capacity after more urgent visits (earliest deadline first); first free slot that day inside working hours, clear of appointments and travel buffers.".to_string()
        };
        plan.slots.push(PlannedSlot {
            case: p.item.case,
            requirement: p.item.requirement,
            start,
            end: add(start, grid.visit),
            kind: if unannounced {
                VisitKind::UnannouncedHome
            } else {
                VisitKind::AnnouncedHome
            },
            contact: p.item.contact,
            unannounced,
            see_alone: p.item.see_alone,
            see_bedroom: p.item.see_bedroom,
            due: p.item.due,
            earliest: p.item.earliest,
            round: p.round,
            booked: false,
            explanation: format!(
                "Due {} ({}). Window {} to {}. {how}",
                p.item.due, p.item.why, p.item.earliest, p.item.due
            ),
        });
        if let Some(o) = out.get_mut(i) {
            *o = Some((date, unannounced));
        }
    }
    Ok(out)
}
