//! One planning round: who can be on time (earliest deadline first decides exactly), the late
//! visits as soon as they cost no on-time child (an unannounced one drawn among the next few
//! working days), unannounced visits drawn uniformly from every feasible slot of their whole
//! window, and announced visits on the latest day that meets their due date at a random free
//! time that keeps the day's capacity.

use super::calendar::add;
use super::edf::{self, Job, Scratch, NO_DEADLINE};
use super::grid::Grid;
use super::policy::{Chance, IntervalUnit};
use super::scheduler::{priority, DrawSummary, HomeVisit, Pending, PlanRequest, State};
use super::shortfall::diagnose;
use super::{DueItem, Plan, PlannedSlot, PlanningError, RandomSource, Shortfall};
use crate::domain::{CaseId, VisitKind};
use crate::time::local_date;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashSet;

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

/// Free slots of day `d` whose use keeps every job in `jobs` (but `skip`) on time.
fn feasible_slots_on(
    grid: &Grid,
    d: usize,
    jobs: &[Job],
    caps: &[u32],
    skip: Option<u32>,
    scratch: &mut Scratch,
    out: &mut Vec<(usize, usize)>,
) {
    // The capacity day d is left with takes few distinct values: one feasibility run each.
    let mut verdict: Vec<(u32, bool)> = Vec::new();
    for s in grid.free_slots(d) {
        let cap = grid.capacity_with(d, grid.minute.get(s).copied());
        let ok = match verdict.iter().find(|(c, _)| *c == cap) {
            Some(&(_, ok)) => ok,
            None => {
                let ok = edf::feasible(jobs, caps, Some((d, cap)), skip, scratch);
                verdict.push((cap, ok));
                ok
            }
        };
        if ok {
            out.push((d, s));
        }
    }
}

/// A regular visit's job with its window opened from the day after the visit it follows (never
/// before today), when that opens it earlier and its due date has not passed.
fn widened(grid: &Grid, p: &Pending, j: Job, today: NaiveDate) -> Option<Job> {
    let visited = p.history.is_some_and(|h| h.last_qualifying.is_some());
    if !visited || p.unannounced || p.item.due < today {
        return None;
    }
    let from = p.item.basis?.succ_opt()?.max(today);
    let release = grid.day_on_or_after(from) as u32;
    (release < j.release).then_some(Job { release, ..j })
}

/// One uniformly random element of `options`.
fn pick<T: Copy>(options: &[T], rng: &mut dyn RandomSource) -> Result<Option<T>, PlanningError> {
    if options.is_empty() {
        return Ok(None);
    }
    let k = rng.below(options.len() as u64)? as usize;
    Ok(options.get(k).copied())
}

/// How a visit's slot was chosen, for its explanation.
#[derive(Clone)]
enum How {
    Late(u32),
    Drawn(DrawSummary, Vec<DateTime<Utc>>),
    Announced,
    /// The same home visit as a sibling's (or this child's other) visit that day.
    Joined,
}

/// The household as the unit: the visits of siblings (one home, one kind) whose windows overlap
/// become one home visit — the later in `jobs` rides on the earlier, whose window narrows to
/// both — as long as every on-time child stays on time. Returns each rider's leader.
fn merge_siblings(
    st: &mut State<'_>,
    pending: &[Pending],
    jobs: &mut Vec<Job>,
    caps: &[u32],
) -> Vec<Option<u32>> {
    let mut leader_of: Vec<Option<u32>> = vec![None; pending.len()];
    let mut leaders: std::collections::HashMap<(usize, bool), Vec<u32>> = Default::default();
    let ids: Vec<u32> = jobs.iter().map(|j| j.id).collect();
    for id in ids {
        let Some(p) = pending.get(id as usize) else {
            continue;
        };
        let key = (st.home_of(p.child), p.unannounced);
        let mut rides = false;
        for &lid in leaders.get(&key).map_or(&[][..], Vec::as_slice) {
            let lead_child = pending.get(lid as usize).map(|l| l.child);
            let (Some(lpos), Some(pos)) = (
                jobs.iter().position(|x| x.id == lid),
                jobs.iter().position(|x| x.id == id),
            ) else {
                continue;
            };
            let (Some(&l), Some(&j)) = (jobs.get(lpos), jobs.get(pos)) else {
                continue;
            };
            // One child's own items are merged before the rounds (`merge_child_items`).
            if lead_child == Some(p.child) || l.release.max(j.release) > l.deadline.min(j.deadline)
            {
                continue;
            }
            let mut trial = jobs.clone();
            if let Some(x) = trial.get_mut(lpos) {
                x.release = l.release.max(j.release);
                x.deadline = l.deadline.min(j.deadline);
            }
            trial.remove(pos);
            trial.sort_by_key(|x| (x.release, x.id));
            if edf::feasible(&trial, caps, None, None, &mut st.scratch) {
                *jobs = trial;
                set(&mut leader_of, id, Some(lid));
                rides = true;
                break;
            }
        }
        if !rides {
            leaders.entry(key).or_default().push(id);
        }
    }
    leader_of
}

/// The latest day in `job`'s window on which its home already has an announced visit on the
/// grid (a sibling's, from an earlier round or this one) and the child none, to join rather than
/// add a second visit.
fn announced_home_visit(
    st: &State<'_>,
    child: usize,
    job: &Job,
    n_days: usize,
) -> Option<(usize, usize)> {
    let last = (job.deadline as usize).min(n_days.checked_sub(1)?);
    let home = st.home_of(child);
    (job.release as usize..=last)
        .rev()
        .find_map(|d| match st.home_days.get(&(home, d)) {
            Some(HomeVisit {
                slot: Some(s),
                unannounced: false,
            }) if !st.child_days.contains(&(child, d)) => Some((d, *s)),
            _ => None,
        })
}

/// A random free slot on the latest grid day in `release..before` that leaves the day's capacity
/// (visits already settled there) intact and has no visit to `child`'s home.
fn earlier_free_day(
    st: &State<'_>,
    child: usize,
    release: usize,
    before: usize,
    rng: &mut dyn RandomSource,
) -> Result<Option<(usize, usize)>, PlanningError> {
    for e in (release..before).rev() {
        if st.home_busy(child, e) {
            continue;
        }
        let options: Vec<usize> = st.grid.free_slots(e).collect();
        if let Some(s) = pick(&options, rng)? {
            return Ok(Some((e, s)));
        }
    }
    Ok(None)
}

/// The summary of a draw from `options`.
fn summary(
    grid: &Grid,
    p: &Pending,
    options: &[(usize, usize)],
    first: usize,
    last: usize,
) -> (DrawSummary, Vec<DateTime<Utc>>) {
    let mut days: Vec<usize> = options.iter().map(|o| o.0).collect();
    days.dedup();
    let date = |d: usize| grid.days.get(d).map_or(p.item.due, |x| x.date);
    (
        DrawSummary {
            first: date(first),
            last: date(last),
            feasible_slots: options.len() as u32,
            feasible_days: days.len() as u32,
            chance: p.chance.unwrap_or(Chance::CERTAIN),
        },
        options
            .iter()
            .filter_map(|&(_, s)| grid.start.get(s).copied())
            .collect(),
    )
}

/// Plans one round; returns, per pending visit, the date and whether unannounced if placed.
pub(crate) fn plan_round(
    st: &mut State<'_>,
    pending: &[Pending],
    rng: &mut dyn RandomSource,
    plan: &mut Plan,
) -> Result<Vec<Option<(NaiveDate, bool)>>, PlanningError> {
    let req = st.req;
    let today = local_date(req.now);
    let n_days = st.grid.days.len();
    let grid_last = st.grid.days.last().map(|d| d.date);
    let mut placed: Vec<Option<(usize, usize)>> = vec![None; pending.len()];
    let mut how: Vec<Option<How>> = (0..pending.len()).map(|_| None).collect();

    // Jobs: release and deadline as grid day indices.
    let mut jobs: Vec<Job> = Vec::with_capacity(pending.len());
    let mut hopeless: Vec<u32> = Vec::new();
    let mut window_jobs: Vec<Option<Job>> = vec![None; pending.len()];
    for (i, p) in pending.iter().enumerate() {
        let id = i as u32;
        let mut release = st.grid.day_on_or_after(p.opens().max(today)) as u32;
        let deadline = match grid_last {
            Some(last) if p.item.due > last => NO_DEADLINE,
            _ => match st.grid.day_on_or_before(p.item.due) {
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
        let j = Job {
            release,
            deadline,
            id,
        };
        set(&mut window_jobs, id, Some(j));
        jobs.push(j);
    }
    jobs.sort_by_key(|j| (j.release, j.id));

    // The on-time set: everyone when capacity allows, otherwise admitted by priority.
    let mut caps = st.grid.capacities();
    let mut opened_early = vec![false; pending.len()];
    let mut late: Vec<u32> = hopeless;
    if !edf::feasible(&jobs, &caps, None, None, &mut st.scratch) {
        let mut order: Vec<Job> = jobs.clone();
        order.sort_by_key(|j| pending.get(j.id as usize).map(sort_key));
        let mut admitted: Vec<Job> = Vec::with_capacity(jobs.len());
        for j in order {
            let at = admitted.partition_point(|a| (a.release, a.id) < (j.release, j.id));
            admitted.insert(at, j);
            if !edf::feasible(&admitted, &caps, None, None, &mut st.scratch) {
                admitted.remove(at);
                // Sooner beats late: a regular visit whose window is full may open it from the
                // day after the visit it follows (shortening the interval only to meet the date).
                let wide = pending
                    .get(j.id as usize)
                    .and_then(|p| widened(&st.grid, p, j, today));
                if let Some(w) = wide {
                    let at = admitted.partition_point(|a| (a.release, a.id) < (w.release, w.id));
                    admitted.insert(at, w);
                    if edf::feasible(&admitted, &caps, None, None, &mut st.scratch) {
                        set(&mut window_jobs, w.id, Some(w));
                        set(&mut opened_early, w.id, true);
                        continue;
                    }
                    admitted.remove(at);
                }
                late.push(j.id);
            }
        }
        jobs = admitted;
    }

    // Late visits: as early as possible without costing an on-time child their date; an
    // unannounced one drawn among the feasible slots of the next few such days.
    late.sort_by_key(|&id| pending.get(id as usize).map(sort_key));
    for &id in &late {
        let Some(p) = pending.get(id as usize) else {
            continue;
        };
        let from = st.grid.day_on_or_after(p.opens().max(today));
        let (cause, detail, extra, fix) = diagnose(
            req.calendar,
            &st.grid,
            today,
            p.opens(),
            p.item.due,
            window_jobs.get(id as usize).copied().flatten(),
            &jobs,
            &caps,
            &mut st.scratch,
        );
        let want_days = if p.unannounced {
            req.policy.overdue_spread_days as usize
        } else {
            1
        };
        let mut options: Vec<(usize, usize)> = Vec::new();
        let mut days_found = 0;
        let mut first_day = None;
        let mut last_day = from;
        for d in from..n_days {
            if st.home_busy(p.child, d) {
                continue;
            }
            let before = options.len();
            feasible_slots_on(
                &st.grid,
                d,
                &jobs,
                &caps,
                None,
                &mut st.scratch,
                &mut options,
            );
            if options.len() > before {
                first_day.get_or_insert(d);
                last_day = d;
                days_found += 1;
                if days_found >= want_days {
                    break;
                }
            }
        }
        let best_date = first_day.and_then(|d| st.grid.days.get(d).map(|x| x.date));
        if let Some((d, s)) = pick(&options, rng)? {
            let drawn_date = st.grid.days.get(d).map_or(p.item.due, |x| x.date);
            st.grid.place(d, s);
            st.mark_visit(p.child, d, Some(s), p.unannounced);
            set(&mut caps, d as u32, st.grid.capacity_with(d, None));
            set(&mut placed, id, Some((d, s)));
            let h = if p.unannounced {
                let (sum, opts) = summary(&st.grid, p, &options, first_day.unwrap_or(d), last_day);
                How::Drawn(sum, opts)
            } else {
                How::Late(days_late(req, &p.item, drawn_date))
            };
            set(&mut how, id, Some(h));
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
            cause: Some(cause),
            detail,
            one_more_slot_on: extra,
            fix,
        });
    }

    // The household as the unit: siblings' visits of one kind due in overlapping windows are one
    // home visit.
    let leader_of = merge_siblings(st, pending, &mut jobs, &caps);

    // Unannounced visits: uniformly at random among every slot of the whole window that keeps
    // the rest feasible (never on a day the home already has a visit).
    let mut unannounced: Vec<Job> = jobs
        .iter()
        .copied()
        .filter(|j| pending.get(j.id as usize).is_some_and(|p| p.unannounced))
        .collect();
    unannounced.sort_by_key(|j| (j.deadline, j.id));
    for j in unannounced {
        let Some(p) = pending.get(j.id as usize) else {
            continue;
        };
        let last = (j.deadline as usize).min(n_days.saturating_sub(1));
        let mut options: Vec<(usize, usize)> = Vec::new();
        for d in (j.release as usize)..=last {
            if !st.home_busy(p.child, d) {
                feasible_slots_on(
                    &st.grid,
                    d,
                    &jobs,
                    &caps,
                    Some(j.id),
                    &mut st.scratch,
                    &mut options,
                );
            }
        }
        if let Some((d, s)) = pick(&options, rng)? {
            let (sum, opts) = summary(&st.grid, p, &options, j.release as usize, last);
            st.grid.place(d, s);
            st.mark_visit(p.child, d, Some(s), true);
            set(&mut caps, d as u32, st.grid.capacity_with(d, None));
            set(&mut placed, j.id, Some((d, s)));
            set(&mut how, j.id, Some(How::Drawn(sum, opts)));
            jobs.retain(|x| x.id != j.id);
        }
    }

    // Announced visits whose home already has an announced visit in their window join the latest
    // such visit (one home visit sees every child of the household due then).
    let mut joined: Vec<(u32, usize, usize)> = Vec::new();
    for j in &jobs {
        if let Some(p) = pending.get(j.id as usize).filter(|p| !p.unannounced) {
            if let Some((d, s)) = announced_home_visit(st, p.child, j, n_days) {
                joined.push((j.id, d, s));
            }
        }
    }
    for (id, d, s) in joined {
        if let Some(p) = pending.get(id as usize) {
            st.mark_visit(p.child, d, Some(s), false);
        }
        set(&mut placed, id, Some((d, s)));
        set(&mut how, id, Some(How::Joined));
        jobs.retain(|x| x.id != id);
    }

    // Announced visits: the latest day that meets the due date (never a day the home already has
    // a visit), then a random free time that leaves room for the day's other visits.
    let child_of = |id: u32| pending.get(id as usize).map_or(usize::MAX, |p| p.child);
    let (mut days_for, failed) = {
        let st_ro: &State<'_> = st;
        edf::run_latest(&jobs, &caps, &|id, d| st_ro.home_busy(child_of(id), d))
    };
    // A first visit moves to the earliest day with room left (it costs nobody their day).
    let mut used = vec![0u32; n_days];
    for &(_, d) in &days_for {
        if let Some(u) = used.get_mut(d) {
            *u += 1;
        }
    }
    for (id, d) in days_for.iter_mut() {
        let Some(p) = pending.get(*id as usize) else {
            continue;
        };
        if !p.first_visit() {
            continue;
        }
        let release = window_jobs
            .get(*id as usize)
            .copied()
            .flatten()
            .map_or(*d, |j| j.release as usize);
        let room = (release..*d).find(|&e| used.get(e) < caps.get(e) && !st.home_busy(p.child, e));
        if let Some(e) = room {
            if let Some(u) = used.get_mut(*d) {
                *u -= 1;
            }
            if let Some(u) = used.get_mut(e) {
                *u += 1;
            }
            *d = e;
        }
    }
    days_for.sort_by_key(|&(id, d)| (d, id));
    let mut not_placed: HashSet<u32> = failed.into_iter().collect();
    let mut i = 0;
    while i < days_for.len() {
        let d = days_for.get(i).map_or(0, |x| x.1);
        let on_day: Vec<u32> = days_for
            .get(i..)
            .unwrap_or(&[])
            .iter()
            .take_while(|x| x.1 == d)
            .map(|x| x.0)
            .collect();
        i += on_day.len().max(1);
        for (k, &id) in on_day.iter().enumerate() {
            // An unannounced visit that found no slot in its draw comes here as a fallback: it
            // never shares a day with a sibling's visit (that visit would be announced, or a
            // second one to the home), so it is reported as not placed instead.
            let unannounced = pending.get(id as usize).is_some_and(|p| p.unannounced);
            if unannounced && st.home_busy(child_of(id), d) {
                not_placed.insert(id);
                continue;
            }
            // A sibling's announced visit already placed on this day: the same home visit.
            let home = st.home_of(child_of(id));
            if let Some(HomeVisit {
                slot: Some(s),
                unannounced: false,
            }) = st
                .home_days
                .get(&(home, d))
                .copied()
                .filter(|_| !st.child_days.contains(&(child_of(id), d)))
            {
                st.child_days.insert((child_of(id), d));
                set(&mut placed, id, Some((d, s)));
                set(&mut how, id, Some(How::Joined));
                continue;
            }
            // The home already has an unannounced visit this day (an unannounced fallback placed
            // just before): an announced visit never joins it nor adds a second visit. It moves to
            // the latest earlier day of its window that is already settled, has a free slot and
            // no visit to the home; failing that it is reported as not placed.
            if st.home_busy(child_of(id), d) {
                let release = window_jobs
                    .get(id as usize)
                    .copied()
                    .flatten()
                    .map_or(d, |j| j.release as usize);
                match earlier_free_day(st, child_of(id), release, d, rng)? {
                    Some((e, s)) => {
                        st.grid.place(e, s);
                        st.mark_visit(child_of(id), e, Some(s), false);
                        set(&mut caps, e as u32, st.grid.capacity_with(e, None));
                        set(&mut placed, id, Some((e, s)));
                        set(&mut how, id, Some(How::Announced));
                    }
                    None => {
                        not_placed.insert(id);
                    }
                }
                continue;
            }
            let still = (on_day.len() - k - 1) as u32;
            let options: Vec<usize> = st
                .grid
                .free_slots(d)
                .filter(|&s| st.grid.capacity_with(d, st.grid.minute.get(s).copied()) >= still)
                .collect();
            match pick(&options, rng)? {
                Some(s) => {
                    st.grid.place(d, s);
                    st.mark_visit(child_of(id), d, Some(s), unannounced);
                    set(&mut placed, id, Some((d, s)));
                    set(&mut how, id, Some(How::Announced));
                }
                None => {
                    not_placed.insert(id);
                }
            }
        }
    }
    // Riders go with their leader: the same slot (an unannounced one with the leader's draw).
    for (i, lead) in leader_of.iter().enumerate() {
        let Some(lead) = *lead else {
            continue;
        };
        match placed.get(lead as usize).copied().flatten() {
            Some((d, s)) => {
                if let Some(p) = pending.get(i) {
                    st.child_days.insert((p.child, d));
                }
                let h = match how.get(lead as usize) {
                    Some(Some(How::Drawn(sum, opts))) => How::Drawn(sum.clone(), opts.clone()),
                    _ => How::Joined,
                };
                set(&mut placed, i as u32, Some((d, s)));
                set(&mut how, i as u32, Some(h));
            }
            None => {
                if not_placed.contains(&lead) {
                    not_placed.insert(i as u32);
                    if let Some(j) = window_jobs.get(i).copied().flatten() {
                        jobs.push(j);
                    }
                }
            }
        }
    }
    // Anything with a deadline in the grid that could not be placed is a shortfall (this only
    // happens when one child's visits compete for a day, but no child is ever dropped silently).
    for j in &jobs {
        if not_placed.contains(&j.id) && j.deadline != NO_DEADLINE {
            if let Some(p) = pending.get(j.id as usize) {
                let (cause, detail, extra, fix) = diagnose(
                    req.calendar,
                    &st.grid,
                    today,
                    p.opens(),
                    p.item.due,
                    None,
                    &[],
                    &caps,
                    &mut st.scratch,
                );
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
                    cause: Some(cause),
                    detail,
                    one_more_slot_on: extra,
                    fix,
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
        let (Some(day), Some(&start)) = (st.grid.days.get(d), st.grid.start.get(s)) else {
            continue;
        };
        let date = day.date;
        let (text, draw, draw_options) = match how.get_mut(i).and_then(Option::take) {
            Some(How::Drawn(sum, opts)) => (
                format!(
                    "Unannounced (chance {:.0}% at this point of the plan's rule). Drawn uniformly at random (secure random source) from {} feasible slots on {} day(s) between {} and {}: every free slot in working hours, clear of appointments and travel time, within the daily limit, keeping every other child's due date achievable, never on a day the child already has a visit.",
                    sum.chance.value() * 100.0, sum.feasible_slots, sum.feasible_days, sum.first, sum.last
                ),
                Some(sum),
                if req.keep_draw_options { opts } else { Vec::new() },
            ),
            Some(How::Joined) => (
                "The same home visit as another child of the household due in this window (one visit to the home sees every child due then; never two visits to one home on one day).".to_string(),
                None,
                Vec::new(),
            ),
            Some(How::Late(n)) => (
                format!("Will miss its due date: the earliest slot that costs no on-time child their date ({n} day(s) late); see the shortfall for why."),
                None,
                Vec::new(),
            ),
            _ if p.first_visit() => (
                "Announced first visit (a new case or placement): the earliest day with room, at a random free time that leaves room for the day's other visits. Agree the time with the family.".to_string(),
                None,
                Vec::new(),
            ),
            _ if opened_early.get(i).copied().unwrap_or(false) => (
                "Announced, earlier than its usual window: the days of that window are full, so the interval is shortened to meet the due date (the latest day from the day after the last visit with room), at a random free time. Agree the time with the family.".to_string(),
                None,
                Vec::new(),
            ),
            _ => (
                "Announced: on the latest day that meets the due date with capacity (the interval is not shortened), at a random free time that leaves room for the day's other visits, so the hours left for unannounced visits are not biased. Agree the time with the family.".to_string(),
                None,
                Vec::new(),
            ),
        };
        plan.slots.push(PlannedSlot {
            case: p.item.case,
            requirement: p.item.requirement,
            also_meets: p.also.clone(),
            start,
            end: add(start, st.grid.visit),
            kind: if p.unannounced {
                VisitKind::UnannouncedHome
            } else {
                VisitKind::AnnouncedHome
            },
            contact: p.item.contact,
            unannounced: p.unannounced,
            see_alone: p.item.see_alone,
            see_bedroom: p.item.see_bedroom,
            due: p.item.due,
            earliest: p.opens(),
            round: p.round,
            booked: false,
            draw,
            draw_options,
            explanation: format!(
                "Due {} ({}). Window {} to {}. {text}",
                p.item.due,
                p.item.why,
                p.opens(),
                p.item.due
            ),
        });
        if let Some(o) = out.get_mut(i) {
            *o = Some((date, p.unannounced));
        }
    }
    Ok(out)
}
