//! The planner: decides at random (secure source, the policy's rate) which visits are unannounced,
//! draws each unannounced visit uniformly from every feasible slot of its whole window, places
//! announced visits on the latest day that meets their due date (so the interval is not
//! shortened for nothing) at a random free time, and reports — never drops — children whose due
//! date capacity cannot meet, with the cause and a fix.
//!
//! Planning is done in rounds: round 1 is every child's next due visit (one visit meeting every
//! requirement whose window it can share); round 2 the visit after that (its due date counted
//! from the round-1 date), and so on to the horizon. Each round is planned on the capacity the
//! earlier rounds left (see `round.rs`). Re-plan whenever a visit happens, is missed or the
//! calendar changes: the plan is a pure function of the facts and the random source.

use super::calendar::add;
use super::due::{regular_item, History, Periodic};
use super::grid::Grid;
use super::patterns::{pattern_warnings, PatternWarning};
use super::policy::Chance;
use super::round::plan_round;
use super::{
    due_items, Capacity, ChildFacts, ContactRequirement, DueItem, PlanningError, Policy,
    PractitionerCalendar, RandomSource, Requirement, Shortfall,
};
use crate::domain::{CaseId, PlanType, Rag, VisitKind, VisitStatus};
use crate::time::local_date;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use std::collections::{HashMap, HashSet};

/// The longest horizon planned at once, in days.
const MAX_HORIZON_DAYS: u32 = 366;
/// How far past the horizon the grid reaches to hold windows that end later, in days.
const MAX_GRID_TAIL_DAYS: i64 = 92;
/// The grid always reaches this far past the horizon, to find late visits a best date.
const MIN_GRID_TAIL_DAYS: i64 = 28;
/// Safety bound on rounds.
const MAX_ROUNDS: u32 = 60;

/// How an unannounced visit's slot was drawn: the window and how many feasible slots it had
/// (never the random value itself), so a supervisor can see the draw was fair.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DrawSummary {
    /// The first day of the window drawn from.
    pub first: NaiveDate,
    /// The last day of the window drawn from.
    pub last: NaiveDate,
    /// Feasible slots in the window (each equally likely).
    pub feasible_slots: u32,
    /// Days with at least one feasible slot.
    pub feasible_days: u32,
    /// The chance the visit was unannounced at all (the policy's rate after the run of announced
    /// visits before it).
    pub chance: Chance,
}

/// One planned visit, with why it is there.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PlannedSlot {
    /// The case.
    pub case: CaseId,
    /// What it is for.
    pub requirement: Requirement,
    /// Other requirements the same visit meets (e.g. the 6–8 week review that is also the
    /// regular visit).
    #[serde(default)]
    pub also_meets: Vec<Requirement>,
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
    /// For an unannounced visit: the window and feasible slots it was drawn from.
    #[serde(default)]
    pub draw: Option<DrawSummary>,
    /// Every feasible start the unannounced draw chose from, when the request asked to keep them
    /// (audits and the unpredictability tests); never stored.
    #[serde(skip)]
    pub draw_options: Vec<DateTime<Utc>>,
    /// Why this slot: due date, window and why it was feasible. No identifying data.
    pub explanation: String,
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
    /// Children whose recent unannounced visits form a pattern a family could learn.
    #[serde(default)]
    pub warnings: Vec<PatternWarning>,
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
    /// Keep every feasible start of each unannounced draw in [`PlannedSlot::draw_options`].
    pub keep_draw_options: bool,
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

/// One visit to place in a round.
pub(crate) struct Pending {
    pub child: usize,
    pub item: DueItem,
    /// Other requirements the visit meets.
    pub also: Vec<Requirement>,
    /// The periodic history, when this visit is the regular one (it has a follow-on).
    pub history: Option<History>,
    pub round: u32,
    /// Drawn (or forced) unannounced.
    pub unannounced: bool,
    /// The chance it had of being unannounced, when the plan has an unannounced rule.
    pub chance: Option<Chance>,
}

impl Pending {
    /// A first visit (a new case, or a new placement): wanted as soon as there is room, not at
    /// the end of its window — there is no interval to keep.
    pub(crate) fn first_visit(&self) -> bool {
        match self.item.requirement {
            Requirement::PlacementVisit => true,
            Requirement::Periodic => self.history.is_some_and(|h| h.last_qualifying.is_none()),
            Requirement::Hcp(_) => false,
        }
    }

    /// The first day of its window: for an unannounced visit the day after the visit it follows
    /// (a family is never safe after a visit), for an announced one the policy's window opening.
    pub(crate) fn opens(&self) -> NaiveDate {
        if self.unannounced {
            let visited = self.history.is_some_and(|h| h.last_qualifying.is_some());
            if let (true, Some(basis)) = (visited, self.item.basis) {
                if let Some(next) = basis.succ_opt() {
                    return next.min(self.item.due);
                }
            }
        }
        self.item.earliest
    }
}

/// Whether a visit with this chance is unannounced: a draw from `rng`, exact (no rounding).
fn draw_unannounced(
    item: &DueItem,
    rng: &mut dyn RandomSource,
) -> Result<(bool, Option<Chance>), PlanningError> {
    if item.unannounced {
        return Ok((true, item.unannounced_chance.or(Some(Chance::CERTAIN))));
    }
    match item.unannounced_chance {
        None => Ok((false, None)),
        Some(c) => Ok((rng.below(c.denominator)? < c.numerator, Some(c))),
    }
}

/// A visit to a home on a day: the unit the household's children share.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HomeVisit {
    /// Its grid candidate (`None`: a booked visit, fixed in the record).
    pub slot: Option<usize>,
    /// It is unannounced.
    pub unannounced: bool,
}

/// Everything the rounds share.
pub(crate) struct State<'a> {
    pub req: &'a PlanRequest<'a>,
    pub grid: Grid,
    /// (child, grid day) pairs that already have a visit: never two visits to one child a day.
    pub child_days: HashSet<(usize, usize)>,
    /// Each child's home (an index shared by the children of one household).
    pub home: Vec<usize>,
    /// (home, grid day) pairs that already have a visit: never two visits to one home a day —
    /// a sibling due then joins that visit instead (when it is of the same kind).
    pub home_days: HashMap<(usize, usize), HomeVisit>,
    pub scratch: super::edf::Scratch,
}

impl State<'_> {
    /// The home of child `child`.
    pub(crate) fn home_of(&self, child: usize) -> usize {
        self.home.get(child).copied().unwrap_or(usize::MAX)
    }

    /// Whether the home of `child` already has a visit on grid day `d`.
    pub(crate) fn home_busy(&self, child: usize, d: usize) -> bool {
        self.home_days.contains_key(&(self.home_of(child), d))
    }

    /// Records a visit of `child` on grid day `d` (at candidate `slot`, if planned on the grid).
    pub(crate) fn mark_visit(
        &mut self,
        child: usize,
        d: usize,
        slot: Option<usize>,
        unannounced: bool,
    ) {
        self.child_days.insert((child, d));
        let h = self.home_of(child);
        self.home_days
            .entry((h, d))
            .or_insert(HomeVisit { slot, unannounced });
    }
}

/// Each child's home: children of one household share an index; a child with no household has
/// one of its own.
fn homes(children: &[ChildFacts]) -> Vec<usize> {
    let mut seen: HashMap<crate::domain::HouseholdId, usize> = HashMap::new();
    children
        .iter()
        .enumerate()
        .map(|(i, c)| match c.household {
            Some(h) => {
                let next = children.len() + seen.len();
                *seen.entry(h).or_insert(next)
            }
            None => i,
        })
        .collect()
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
    let mut plan = Plan {
        warnings: pattern_warnings(req.children, &req.calendar.pattern),
        ..Plan::default()
    };
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
        let mut mine: Vec<Pending> = Vec::new();
        for item in items {
            plan.due.push(item.clone());
            let is_regular = regular
                .as_ref()
                .is_some_and(|r| r.requirement == item.requirement);
            if item.earliest <= req.horizon_end {
                mine.push(Pending {
                    child: ci,
                    item,
                    also: Vec::new(),
                    history: if is_regular { history } else { None },
                    round: 1,
                    unannounced: false,
                    chance: None,
                });
            }
        }
        pending.extend(merge_child_items(mine, today, rng)?);
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
    let grid = Grid::build(req.calendar, &req.capacity, req.now, today, grid_end)?;
    let mut st = State {
        req,
        grid,
        child_days: HashSet::new(),
        home: homes(req.children),
        home_days: HashMap::new(),
        scratch: super::edf::Scratch::default(),
    };
    for &(ci, at, kind, _) in &booked {
        st.grid.place_booked(at);
        if let Some(d) = st.grid.day_index(local_date(at)) {
            st.mark_visit(ci, d, None, kind == VisitKind::UnannouncedHome);
        }
    }
    // A booked visit of the same child before an item's due date meets it — every item it can.
    let mut still: Vec<Pending> = Vec::new();
    for p in pending {
        let hit = booked.iter().copied().find(|&(ci, at, kind, _)| {
            ci == p.child && local_date(at) <= p.item.due && p.item.contact.satisfied_by(kind)
        });
        match hit {
            Some((_, at, kind, minutes)) => {
                let date = local_date(at);
                let minutes = if minutes == 0 {
                    u32::from(req.capacity.visit_minutes)
                } else {
                    minutes
                };
                plan.slots.push(PlannedSlot {
                    case: p.item.case,
                    requirement: p.item.requirement,
                    also_meets: p.also.clone(),
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
                    draw: None,
                    draw_options: Vec::new(),
                    explanation: format!(
                        "Already booked for {date}; due {} ({}).",
                        p.item.due, p.item.why
                    ),
                });
                if let Some(next) =
                    follow_on(req, &p, date, kind == VisitKind::UnannouncedHome, rng)?
                {
                    still.push(next);
                }
            }
            None => still.push(p),
        }
    }

    let mut pending = still;
    let mut round = 1;
    while !pending.is_empty() && round <= MAX_ROUNDS {
        let placed = plan_round(&mut st, &pending, rng, &mut plan)?;
        let mut next = Vec::new();
        for (p, when) in pending.iter().zip(placed) {
            if let Some((date, unannounced)) = when {
                if let Some(n) = follow_on(req, p, date, unannounced, rng)? {
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

/// Whether two items can be met by one visit: their windows overlap, or one is overdue (wanted
/// as soon as possible) while the other's window is open today.
fn can_share(a: &DueItem, b: &DueItem, today: NaiveDate) -> bool {
    let open = |x: &DueItem| x.earliest <= today;
    a.earliest.max(b.earliest) <= a.due.min(b.due)
        || (a.due < today && open(b))
        || (b.due < today && open(a))
}

/// One child's round-1 items as visits: the regular one drawn announced or unannounced; every
/// other item that can share an announced regular visit is met by that same visit (a mandated
/// review is booked with the family, so it is never merged into an unannounced one).
fn merge_child_items(
    mine: Vec<Pending>,
    today: NaiveDate,
    rng: &mut dyn RandomSource,
) -> Result<Vec<Pending>, PlanningError> {
    let mut out: Vec<Pending> = Vec::new();
    let mut rest: Vec<Pending> = Vec::new();
    for mut p in mine {
        if p.history.is_some() {
            let (u, c) = draw_unannounced(&p.item, rng)?;
            p.unannounced = u;
            p.chance = c;
            out.insert(0, p);
        } else {
            rest.push(p);
        }
    }
    for p in rest {
        match out.first_mut() {
            Some(r) if !r.unannounced && can_share(&r.item, &p.item, today) => {
                let (a, b) = (&mut r.item, &p.item);
                a.earliest = a.earliest.max(b.earliest);
                a.due = a.due.min(b.due);
                a.contact = a.contact.max(b.contact);
                a.see_alone |= b.see_alone;
                a.see_bedroom |= b.see_bedroom;
                a.why = format!("{}; and {}", a.why, b.why);
                r.also.push(b.requirement);
            }
            _ => out.push(p),
        }
    }
    Ok(out)
}

/// The next periodic item after a visit planned on `date`, if its window opens in the horizon,
/// with its announced/unannounced draw.
fn follow_on(
    req: &PlanRequest<'_>,
    p: &Pending,
    date: NaiveDate,
    unannounced: bool,
    rng: &mut dyn RandomSource,
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
    let (u, chance) = draw_unannounced(&item, rng)?;
    let next = Pending {
        child: p.child,
        item,
        also: Vec::new(),
        history: Some(h2),
        round: p.round + 1,
        unannounced: u,
        chance,
    };
    if next.opens() > req.horizon_end {
        return Ok(None);
    }
    Ok(Some(next))
}
