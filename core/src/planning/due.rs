//! The one definition of "due" and "overdue", used by every screen and report.
//!
//! A child's next due items come from their plan (an interval since the last qualifying visit),
//! their RAG rating (the stricter of plan and RAG wins), a looked-after child's placement, and for
//! health visiting the Healthy Child Programme contacts computed from dates of birth and expected
//! dates. Each item has a window (earliest..due), the contact kind that counts, and whether it must
//! be unannounced, see the child alone, or see the bedroom.

use super::policy::{Chance, Interval, IntervalUnit, UnannouncedRule};
use super::{BankHolidays, ChildFacts, PlanningError, Policy, VisitFact};
use crate::domain::{CaseId, PlanType, Rag, VisitKind};
use chrono::{Duration, Months, NaiveDate};

/// Which contacts count towards a requirement.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum ContactRequirement {
    /// A video call (or a face-to-face contact) counts.
    VirtualAllowed,
    /// Only a face-to-face contact (home, clinic or school) counts.
    FaceToFace,
}

impl ContactRequirement {
    /// Whether a contact of `kind` meets this requirement. A telephone call never does: the child
    /// is not seen.
    pub fn satisfied_by(&self, kind: VisitKind) -> bool {
        match self {
            Self::FaceToFace => kind.is_home() || kind == VisitKind::ClinicOrSchool,
            Self::VirtualAllowed => kind != VisitKind::Telephone,
        }
    }
}

/// The five Healthy Child Programme mandated contacts.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum HcpContact {
    /// Antenatal contact, from 28 weeks of pregnancy.
    Antenatal,
    /// New birth visit, 10–14 days after birth.
    NewBirth,
    /// 6–8 week review.
    SixToEightWeeks,
    /// 9–12 month review.
    NineToTwelveMonths,
    /// 2–2½ year review.
    TwoYear,
}

/// What a due item is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    /// The plan's (or RAG rating's) regular visit.
    Periodic,
    /// A looked-after child's visit after a new placement.
    PlacementVisit,
    /// A Healthy Child Programme contact.
    Hcp(HcpContact),
}

/// Where a due item stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum DueStatus {
    /// Due later.
    Upcoming,
    /// Due within the policy's "due soon" period.
    DueSoon,
    /// Due today.
    Due,
    /// Past its due date by `days` (working days when the requirement counts working days).
    Overdue {
        /// How far past.
        days: u32,
    },
}

/// One thing a child is due: a visit of a kind, in a window.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DueItem {
    /// The case.
    pub case: CaseId,
    /// The child's plan (for priority).
    pub plan: PlanType,
    /// The child's RAG rating (for priority).
    pub rag: Rag,
    /// What it is for.
    pub requirement: Requirement,
    /// The date the interval runs from (last qualifying visit, placement, birth), if any.
    pub basis: Option<NaiveDate>,
    /// The first date the visit should happen.
    pub earliest: NaiveDate,
    /// The last date it may happen without being overdue.
    pub due: NaiveDate,
    /// The unit lateness is counted in.
    pub unit: IntervalUnit,
    /// Which contacts count.
    pub contact: ContactRequirement,
    /// It must be an unannounced home visit: the plan's longest run of announced visits is
    /// reached. (Otherwise the planner draws whether it is unannounced at `unannounced_chance`.)
    pub unannounced: bool,
    /// The chance that the planner makes this visit unannounced, when the plan has an
    /// unannounced rule. Never shown to a family; the draw itself is made at planning time.
    #[serde(default)]
    pub unannounced_chance: Option<Chance>,
    /// The child must be seen alone (or the reason recorded).
    pub see_alone: bool,
    /// The bedroom must be seen.
    pub see_bedroom: bool,
    /// Status today.
    pub status: DueStatus,
    /// Why it is due then, without identifying data (e.g. "child protection plan: every 10
    /// working days since the last qualifying visit on 2026-11-02").
    pub why: String,
}

/// What a child's visit history says, in the shape planning needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct History {
    /// The last visit that counts for the periodic requirement.
    pub last_qualifying: Option<NaiveDate>,
    /// Consecutive most recent qualifying home visits that were announced.
    pub announced_run: u32,
    /// Consecutive most recent qualifying home visits without the bedroom seen.
    pub bedroom_miss_run: u32,
    /// Whether any qualifying home visit saw the bedroom.
    pub bedroom_ever_seen: bool,
}

impl History {
    /// The history of `facts` for a requirement of kind `contact`.
    pub(crate) fn of(facts: &ChildFacts, contact: ContactRequirement) -> Self {
        let mut q: Vec<&VisitFact> = facts
            .visits
            .iter()
            .filter(|v| qualifies(v, contact))
            .collect();
        q.sort_by_key(|v| v.started_at.unwrap_or(v.planned_for));
        let mut h = History {
            last_qualifying: q.last().map(|v| v.date()),
            ..History::default()
        };
        let mut announced_open = true;
        let mut bedroom_open = true;
        for v in q.iter().rev().filter(|v| v.kind.is_home()) {
            if announced_open {
                if v.kind == VisitKind::AnnouncedHome {
                    h.announced_run += 1;
                } else {
                    announced_open = false;
                }
            }
            if v.sleeping_area_seen {
                h.bedroom_ever_seen = true;
                bedroom_open = false;
            } else if bedroom_open {
                h.bedroom_miss_run += 1;
            }
        }
        h
    }

    /// This history after a planned home visit on `date`.
    pub(crate) fn with_planned(&self, date: NaiveDate, unannounced: bool, bedroom: bool) -> Self {
        Self {
            last_qualifying: Some(date),
            announced_run: if unannounced {
                0
            } else {
                self.announced_run + 1
            },
            bedroom_miss_run: if bedroom {
                0
            } else {
                self.bedroom_miss_run + 1
            },
            bedroom_ever_seen: self.bedroom_ever_seen || bedroom,
        }
    }
}

/// Whether a visit counts for a requirement of kind `contact`: completed, the child seen, and the
/// right kind of contact — or another kind with the reason for the departure recorded.
fn qualifies(v: &VisitFact, contact: ContactRequirement) -> bool {
    v.status == crate::domain::VisitStatus::Completed
        && v.child_seen
        && (contact.satisfied_by(v.kind) || v.departure_reason_recorded)
}

/// The regular-visit rule for a child: the stricter of plan and RAG rating.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Periodic {
    interval: Interval,
    contact: ContactRequirement,
    see_alone: bool,
    bedroom_every: Option<u32>,
    unannounced: Option<UnannouncedRule>,
    source: &'static str,
}

impl Periodic {
    /// The periodic rule for `facts`, if its plan or RAG rating sets one.
    pub(crate) fn of(
        facts: &ChildFacts,
        policy: &Policy,
        hol: &BankHolidays,
        basis: NaiveDate,
    ) -> Result<Option<Self>, PlanningError> {
        let rule = policy.rule(facts.plan);
        let mut plan_interval = rule.interval;
        // Reg. 28(2): the first year is the first year of *this* placement; after it, 3-monthly
        // only when the placement is intended to last until the child is 18, else 6-weekly.
        if facts.plan == PlanType::LookedAfter && facts.placement_intended_until_18 {
            if let Some(start) = facts.placement_date.or(facts.looked_after_since) {
                let year = start
                    .checked_add_months(Months::new(12))
                    .ok_or(PlanningError::DateOutOfRange)?;
                if basis >= year && plan_interval.is_some() {
                    plan_interval = Some(policy.lac_after_first_year);
                }
            }
        }
        let mut out = plan_interval.map(|interval| Periodic {
            interval,
            contact: rule.contact,
            see_alone: rule.see_alone,
            bedroom_every: rule.bedroom_every,
            unannounced: rule.unannounced,
            source: plan_name(facts.plan),
        });
        if let Some(rag) = policy.rag_rule(facts.plan, facts.rag) {
            match out.as_mut() {
                None => {
                    // The plan sets no frequency here, but what it asks of each visit (seeing the
                    // child alone, the bedroom, unannounced visits) still holds.
                    out = Some(Periodic {
                        interval: rag.interval,
                        contact: rag.contact.max(rule.contact),
                        see_alone: rule.see_alone,
                        bedroom_every: rule.bedroom_every,
                        unannounced: rule.unannounced,
                        source: rag_name(facts.rag),
                    })
                }
                Some(p) => {
                    if rag.interval.after(basis, hol)? < p.interval.after(basis, hol)? {
                        p.interval = rag.interval;
                        p.source = rag_name(facts.rag);
                    }
                    p.contact = p.contact.max(rag.contact);
                }
            }
        }
        Ok(out)
    }

    pub(crate) fn contact(&self) -> ContactRequirement {
        self.contact
    }

    pub(crate) fn interval(&self) -> Interval {
        self.interval
    }

    pub(crate) fn see_alone(&self) -> bool {
        self.see_alone
    }

    /// The periodic item after history `h`, the first visit counting from `opened`.
    pub(crate) fn item(
        &self,
        facts: &ChildFacts,
        policy: &Policy,
        hol: &BankHolidays,
        h: &History,
        today: NaiveDate,
    ) -> Result<DueItem, PlanningError> {
        let (basis, earliest, why) = match h.last_qualifying {
            Some(last) => (
                last,
                self.interval
                    .fraction(policy.window_open_percent)
                    .after(last, hol)?,
                format!(
                    "{}: every {} since the last qualifying visit on {last}",
                    self.source,
                    describe(self.interval)
                ),
            ),
            None => (
                facts.opened_on,
                facts.opened_on,
                format!(
                    "{}: every {}; no qualifying visit since the case opened on {}",
                    self.source,
                    describe(self.interval),
                    facts.opened_on
                ),
            ),
        };
        let due = self.interval.after(basis, hol)?;
        let unannounced_chance = self.unannounced.map(|u| u.chance_after(h.announced_run));
        let unannounced = unannounced_chance.is_some_and(|c| c.is_certain());
        let see_bedroom = self
            .bedroom_every
            .is_some_and(|k| !h.bedroom_ever_seen || h.bedroom_miss_run + 1 >= k);
        Ok(DueItem {
            case: facts.case,
            plan: facts.plan,
            rag: facts.rag,
            requirement: Requirement::Periodic,
            basis: Some(basis),
            earliest: earliest.min(due),
            due,
            unit: self.interval.unit,
            contact: self.contact,
            unannounced,
            unannounced_chance,
            see_alone: self.see_alone,
            see_bedroom,
            status: status(due, self.interval.unit, today, hol, policy),
            why,
        })
    }
}

fn plan_name(p: PlanType) -> &'static str {
    match p {
        PlanType::Universal => "universal",
        PlanType::TargetedEarlyHelp => "targeted early help",
        PlanType::ChildInNeed => "child in need plan",
        PlanType::ChildProtection => "child protection plan",
        PlanType::LookedAfter => "looked-after child",
    }
}

fn rag_name(r: Rag) -> &'static str {
    match r {
        Rag::Red => "RAG red",
        Rag::Amber => "RAG amber",
        Rag::Green => "RAG green",
    }
}

fn describe(i: Interval) -> String {
    let unit = match (i.unit, i.count == 1) {
        (IntervalUnit::WorkingDays, true) => "working day",
        (IntervalUnit::WorkingDays, false) => "working days",
        (IntervalUnit::Days, true) => "day",
        (IntervalUnit::Days, false) => "days",
        (IntervalUnit::Weeks, true) => "week",
        (IntervalUnit::Weeks, false) => "weeks",
        (IntervalUnit::Months, true) => "month",
        (IntervalUnit::Months, false) => "months",
    };
    format!("{} {unit}", i.count)
}

/// The status of an item due on `due`, today.
pub fn status(
    due: NaiveDate,
    unit: IntervalUnit,
    today: NaiveDate,
    hol: &BankHolidays,
    policy: &Policy,
) -> DueStatus {
    if today > due {
        let days = match unit {
            IntervalUnit::WorkingDays => hol.working_days_between(due, today),
            _ => (today - due).num_days().clamp(0, i64::from(u32::MAX)) as u32,
        };
        DueStatus::Overdue { days }
    } else if today == due {
        DueStatus::Due
    } else if policy
        .due_soon
        .before(due, hol)
        .is_ok_and(|soon| today >= soon)
    {
        DueStatus::DueSoon
    } else {
        DueStatus::Upcoming
    }
}

/// Every item `facts` is due as of `today`: the periodic visit (or a looked-after child's
/// placement visit) and, for health visiting, the current and next Healthy Child Programme
/// contacts. This is the one definition of due and overdue.
pub fn due_items(
    facts: &ChildFacts,
    policy: &Policy,
    hol: &BankHolidays,
    today: NaiveDate,
) -> Result<Vec<DueItem>, PlanningError> {
    policy.validate()?;
    let mut out = Vec::new();
    if let Some(item) = regular_item(facts, policy, hol, today)? {
        out.push(item);
    }
    if policy.hcp_contacts {
        out.extend(hcp_items(facts, policy, hol, today)?);
    }
    Ok(out)
}

/// The periodic or placement item, with the history it was computed from.
pub(crate) fn regular_item(
    facts: &ChildFacts,
    policy: &Policy,
    hol: &BankHolidays,
    today: NaiveDate,
) -> Result<Option<DueItem>, PlanningError> {
    // The contact kind that counts can depend on the basis only through the LAC year rule,
    // which never changes the contact; compute with the case start as a first basis.
    let Some(first) = Periodic::of(facts, policy, hol, facts.opened_on)? else {
        return Ok(None);
    };
    let h = History::of(facts, first.contact());
    let basis = h.last_qualifying.unwrap_or(facts.opened_on);
    let Some(periodic) = Periodic::of(facts, policy, hol, basis)? else {
        return Ok(None);
    };
    if facts.plan == PlanType::LookedAfter {
        if let Some(p) = facts.placement_date {
            if h.last_qualifying.is_none_or(|l| l < p) {
                let due = policy.lac_placement_visit.after(p, hol)?;
                return Ok(Some(DueItem {
                    case: facts.case,
                    plan: facts.plan,
                    rag: facts.rag,
                    requirement: Requirement::PlacementVisit,
                    basis: Some(p),
                    earliest: p,
                    due,
                    unit: policy.lac_placement_visit.unit,
                    contact: periodic.contact(),
                    unannounced: false,
                    unannounced_chance: None,
                    see_alone: policy.looked_after.see_alone,
                    see_bedroom: true,
                    status: status(due, policy.lac_placement_visit.unit, today, hol, policy),
                    why: format!(
                        "looked-after child: visit within {} of the placement on {p}",
                        describe(policy.lac_placement_visit)
                    ),
                }));
            }
        }
    }
    periodic.item(facts, policy, hol, &h, today).map(Some)
}

/// One HCP contact's window for this child.
struct HcpWindow {
    contact: HcpContact,
    earliest: NaiveDate,
    due: NaiveDate,
    unit: IntervalUnit,
    basis: NaiveDate,
    why: String,
}

fn hcp_windows(facts: &ChildFacts, policy: &Policy) -> Result<Vec<HcpWindow>, PlanningError> {
    let oor = PlanningError::DateOutOfRange;
    let mut out = Vec::new();
    if let Some(dob) = facts.date_of_birth {
        let days = |n: u32| dob.checked_add_signed(Duration::days(i64::from(n)));
        let weeks = |n: u32| dob.checked_add_signed(Duration::weeks(i64::from(n)));
        let months = |n: u32| dob.checked_add_months(Months::new(n));
        let (a, b) = policy.new_birth_days;
        let (c, d) = policy.six_to_eight_weeks;
        let (e, f) = policy.nine_to_twelve_months;
        let (g, h) = policy.two_year_months;
        for (contact, earliest, due, unit, label) in [
            (
                HcpContact::NewBirth,
                days(a),
                days(b),
                IntervalUnit::Days,
                "new birth visit",
            ),
            (
                HcpContact::SixToEightWeeks,
                weeks(c),
                weeks(d),
                IntervalUnit::Days,
                "6-8 week review",
            ),
            (
                HcpContact::NineToTwelveMonths,
                months(e),
                months(f),
                IntervalUnit::Days,
                "9-12 month review",
            ),
            (
                HcpContact::TwoYear,
                months(g),
                months(h),
                IntervalUnit::Days,
                "2-2.5 year review",
            ),
        ] {
            out.push(HcpWindow {
                contact,
                earliest: earliest.ok_or(oor.clone())?,
                due: due.ok_or(oor.clone())?,
                unit,
                basis: dob,
                why: format!("Healthy Child Programme {label}, from the date of birth {dob}"),
            });
        }
    } else if let Some(edd) = facts.expected_date {
        // Week w of pregnancy is (40 - w) weeks before the expected date.
        let at = |w: u32| edd.checked_sub_signed(Duration::weeks(40 - i64::from(w.min(40))));
        out.push(HcpWindow {
            contact: HcpContact::Antenatal,
            earliest: at(policy.antenatal_from_week).ok_or(oor.clone())?,
            due: at(policy.antenatal_by_week).ok_or(oor)?,
            unit: IntervalUnit::Days,
            basis: edd,
            why: format!(
                "Healthy Child Programme antenatal contact from {} weeks, from the expected date {edd}",
                policy.antenatal_from_week
            ),
        });
    }
    Ok(out)
}

/// Whether contact `i` of `windows` is recorded: a visit tagged with it, or an untagged completed
/// face-to-face contact with the child seen between its window opening and the next one's.
fn hcp_done(facts: &ChildFacts, windows: &[HcpWindow], i: usize) -> bool {
    let Some(w) = windows.get(i) else {
        return false;
    };
    let until = windows.get(i + 1).map(|n| n.earliest);
    facts.visits.iter().any(|v| {
        let done = v.status == crate::domain::VisitStatus::Completed
            && (v.child_seen || w.contact == HcpContact::Antenatal);
        match v.hcp_contact {
            Some(c) => done && c == w.contact,
            None => {
                let d = v.date();
                done && v.kind != VisitKind::Telephone
                    && d >= w.earliest
                    && until.is_none_or(|u| d < u)
            }
        }
    })
}

/// How long after its due date a mandated contact is still planned as that contact. Past it (a
/// 2–2½ year review for a five-year-old), planning it would crowd out children who can still be
/// seen in time; it is reported as missed instead (an alert), never silently dropped.
pub const HCP_STALE_DAYS: i64 = 183;

fn hcp_stale(w: &HcpWindow, today: NaiveDate) -> bool {
    w.due
        .checked_add_signed(chrono::Duration::days(HCP_STALE_DAYS))
        .is_some_and(|limit| today > limit)
}

/// The current (window open, not done, not stale) and next (opening within the lookahead) HCP
/// contacts.
fn hcp_items(
    facts: &ChildFacts,
    policy: &Policy,
    hol: &BankHolidays,
    today: NaiveDate,
) -> Result<Vec<DueItem>, PlanningError> {
    let windows = hcp_windows(facts, policy)?;
    let horizon = policy.hcp_lookahead.after(today, hol)?;
    let current = windows.iter().rposition(|w| w.earliest <= today);
    let next = windows.iter().position(|w| w.earliest > today);
    let mut out = Vec::new();
    for i in [current, next].into_iter().flatten() {
        let Some(w) = windows.get(i) else { continue };
        if w.earliest > horizon || hcp_stale(w, today) || hcp_done(facts, &windows, i) {
            continue;
        }
        out.push(DueItem {
            case: facts.case,
            plan: facts.plan,
            rag: facts.rag,
            requirement: Requirement::Hcp(w.contact),
            basis: Some(w.basis),
            earliest: w.earliest,
            due: w.due,
            unit: w.unit,
            contact: ContactRequirement::FaceToFace,
            unannounced: false,
            unannounced_chance: None,
            see_alone: false,
            see_bedroom: false,
            status: status(w.due, w.unit, today, hol, policy),
            why: w.why.clone(),
        });
    }
    Ok(out)
}

/// HCP contacts whose window has passed (a later window has opened, or it is stale) without being
/// recorded.
pub(crate) fn missed_hcp(
    facts: &ChildFacts,
    policy: &Policy,
    today: NaiveDate,
) -> Result<Vec<HcpContact>, PlanningError> {
    let windows = hcp_windows(facts, policy)?;
    let current = windows.iter().rposition(|w| w.earliest <= today);
    let Some(current) = current else {
        return Ok(Vec::new());
    };
    let last = match windows.get(current) {
        Some(w) if hcp_stale(w, today) => current + 1,
        _ => current,
    };
    Ok((0..last)
        .filter(|&i| !hcp_done(facts, &windows, i))
        .filter_map(|i| windows.get(i).map(|w| w.contact))
        .collect())
}
