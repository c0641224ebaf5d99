//! Planning in the store: the practitioner's planning settings (working pattern, leave,
//! appointments, capacity, policy), the facts of every child gathered from the sealed records, and
//! the due list, plan and alerts that `crate::planning` computes from them. The plan is sealed like
//! every other record; any event that changes what is owed (a visit recorded, missed or planned, a
//! placement, a RAG change, a calendar change) marks it stale in the same transaction, and the next
//! `plan` re-plans.

use super::db::{meta_get, meta_set};
use super::records::{Kind, Records};
use super::{Store, StoreError};
use crate::domain::{
    Agency, Case, CaseId, Household, NewVisit, Person, PersonId, PersonRole, PlanType,
    Practitioner, Rag, Visit, VisitKind,
};
use crate::planning::{
    self, due_items, Appointment, BankHolidays, Capacity, ChildFacts, DueItem, DueStatus, Leave,
    PatternWarning, Plan, PlanRequest, PlannedSlot, Policy, PractitionerCalendar, Shortfall,
    SystemRandomSource, WorkingPattern,
};
use crate::time::local_date;
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// The most weeks planned at once.
pub const MAX_PLAN_WEEKS: u32 = 26;

/// What the planner needs to know about the practitioner's time and rules.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PlanningSettings {
    /// Working hours per weekday (Europe/London).
    pub pattern: WorkingPattern,
    /// Leave.
    pub leave: Vec<Leave>,
    /// Appointments that are not visits (meetings, court, training).
    pub appointments: Vec<Appointment>,
    /// Extra non-working days (local holidays).
    pub holidays_added: Vec<NaiveDate>,
    /// Official bank holidays worked anyway.
    pub holidays_removed: Vec<NaiveDate>,
    /// Visit length, travel buffer, daily limit.
    pub capacity: Capacity,
    /// The visiting policy.
    pub policy: Policy,
    /// Lone working: who to call, and whether a monitor watches check-ins (none exists yet).
    #[serde(default)]
    pub lone_working: super::alerts::LoneWorkingSettings,
}

impl PlanningSettings {
    /// The defaults for an agency: the health-visiting policy for health visitors, the
    /// social-care policy otherwise.
    pub fn for_agency(agency: Agency) -> Self {
        Self {
            pattern: WorkingPattern::default(),
            leave: Vec::new(),
            appointments: Vec::new(),
            holidays_added: Vec::new(),
            holidays_removed: Vec::new(),
            capacity: Capacity::default(),
            policy: match agency {
                Agency::HealthVisiting | Agency::Midwifery => Policy::health_visiting(),
                _ => Policy::default(),
            },
            lone_working: super::alerts::LoneWorkingSettings::default(),
        }
    }

    /// The calendar the planner works on.
    pub fn calendar(&self) -> PractitionerCalendar {
        PractitionerCalendar {
            holidays: BankHolidays::official()
                .with_overrides(&self.holidays_added, &self.holidays_removed),
            pattern: self.pattern.clone(),
            leave: self.leave.clone(),
            appointments: self.appointments.clone(),
        }
    }
}

/// Who a planning line is about, for display.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChildLabel {
    /// The case.
    pub case_id: CaseId,
    /// The child.
    pub child_id: PersonId,
    /// The child's name.
    pub child_name: String,
    /// The household's address.
    pub address: String,
    /// The plan.
    pub plan: PlanType,
    /// The RAG rating.
    pub rag: Rag,
}

/// A child's due items.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DueEntry {
    /// The child.
    pub child: ChildLabel,
    /// What is due, soonest first.
    pub items: Vec<DueItem>,
}

/// One planned slot, with the child it is for.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PlanLine {
    /// The slot and its explanation.
    pub slot: PlannedSlot,
    /// The visit booked for it, if booked.
    pub visit_id: Option<crate::domain::VisitId>,
}

/// The stored plan.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct StoredPlan {
    /// When it was computed.
    pub computed_at: DateTime<Utc>,
    /// The last date planned.
    pub horizon_end: NaiveDate,
    /// The slots, earliest first.
    pub lines: Vec<PlanLine>,
    /// Children who will miss a due date, highest priority first. Never dropped.
    pub shortfalls: Vec<Shortfall>,
    /// Children whose recent unannounced visits (hand-booked or moved ones included) form a
    /// pattern a family could learn.
    #[serde(default)]
    pub warnings: Vec<PatternWarning>,
}

/// A plan as the practitioner sees it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PlanView {
    /// The plan.
    pub plan: StoredPlan,
    /// Labels for every case the plan mentions.
    pub children: Vec<ChildLabel>,
    /// Something changed since it was computed: re-plan.
    pub stale: bool,
}

/// Marks the stored plan as out of date (in the caller's transaction).
pub(crate) fn mark_plan_stale(r: &Records<'_>) -> Result<(), StoreError> {
    meta_set(r.conn, "plan_stale", &[1])
}

pub(crate) fn singleton_id(r: &Records<'_>, key: &str) -> Result<Option<[u8; 16]>, StoreError> {
    Ok(meta_get(r.conn, key)?.and_then(|v| <[u8; 16]>::try_from(v.as_slice()).ok()))
}

pub(crate) fn put_singleton<T: serde::Serialize>(
    r: &Records<'_>,
    key: &str,
    kind: Kind,
    value: &T,
) -> Result<(), StoreError> {
    match singleton_id(r, key)? {
        Some(id) => r.update(kind, id, None, value),
        None => {
            let id = *uuid::Uuid::new_v4().as_bytes();
            r.insert(kind, id, None, None, value)?;
            meta_set(r.conn, key, &id)
        }
    }
}

/// Everything the planner needs from the records, gathered in one read.
pub(super) struct Gathered {
    pub(super) facts: Vec<ChildFacts>,
    pub(super) labels: Vec<ChildLabel>,
    pub(super) settings: PlanningSettings,
}

fn settings_in(r: &Records<'_>, me: &Practitioner) -> Result<PlanningSettings, StoreError> {
    match singleton_id(r, "settings_id")? {
        Some(id) => r.get(Kind::Settings, id),
        None => Ok(PlanningSettings::for_agency(me.agency)),
    }
}

pub(super) fn gather(r: &Records<'_>, me: &Practitioner) -> Result<Gathered, StoreError> {
    let settings = settings_in(r, me)?;
    let cases: Vec<Case> = r.list(Kind::Case, None)?;
    let mut facts = Vec::new();
    let mut labels = Vec::new();
    for case in cases.iter().filter(|c| c.allocated_to == me.id) {
        let child: Person = r.get(Kind::Person, case.child_id.bytes())?;
        let household: Household = r.get(Kind::Household, case.household_id.bytes())?;
        let visits: Vec<Visit> = r.list(Kind::Visit, Some(case.id.bytes()))?;
        let people: Vec<Person> = r.list(Kind::Person, Some(case.household_id.bytes()))?;
        let mut unborn = Vec::new();
        for p in people.iter().filter(|p| p.role == PersonRole::Unborn) {
            let mut vs: Vec<Visit> = Vec::new();
            for c in cases.iter().filter(|c| c.child_id == p.id) {
                vs.extend(r.list::<Visit>(Kind::Visit, Some(c.id.bytes()))?);
            }
            unborn.push((p, vs));
        }
        let f = ChildFacts::gathered(
            case,
            &child,
            &visits,
            unborn.iter().map(|(p, vs)| (*p, vs.as_slice())),
        );
        facts.push(f);
        labels.push(ChildLabel {
            case_id: case.id,
            child_id: child.id,
            child_name: child.name,
            address: household.address,
            plan: case.plan,
            rag: case.rag,
        });
    }
    Ok(Gathered {
        facts,
        labels,
        settings,
    })
}

fn urgency(s: &DueStatus) -> (u8, i64) {
    match s {
        DueStatus::Overdue { days } => (0, -i64::from(*days)),
        DueStatus::Due => (1, 0),
        DueStatus::DueSoon => (2, 0),
        DueStatus::Upcoming => (3, 0),
    }
}

impl Store {
    /// The practitioner's planning settings (the agency's defaults until changed).
    pub fn planning_settings(&self) -> Result<PlanningSettings, StoreError> {
        let me = self.practitioner()?;
        self.read(|r| settings_in(r, &me))
    }

    /// The planning settings, read also when the store is open for a background sync only (the
    /// lone-working reminders are re-scheduled after a reboot before anyone unlocks the app).
    pub(crate) fn planning_settings_for_reminders(&self) -> Result<PlanningSettings, StoreError> {
        let id = self.practitioner_id.bytes();
        self.sync_read(|r| settings_in(r, &r.get(Kind::Practitioner, id)?))
    }

    /// Saves planning settings after checking them; the plan becomes stale.
    pub fn save_planning_settings(&self, settings: &PlanningSettings) -> Result<(), StoreError> {
        settings.pattern.validate()?;
        settings.policy.validate()?;
        settings.capacity.validate()?;
        settings.lone_working.validate()?;
        if settings.leave.iter().any(|l| l.first > l.last) {
            return Err(StoreError::InvalidState(
                "leave must end on or after the day it starts",
            ));
        }
        if settings.appointments.iter().any(|a| a.start >= a.end) {
            return Err(StoreError::InvalidState(
                "an appointment must end after it starts",
            ));
        }
        self.write(|r| {
            put_singleton(r, "settings_id", Kind::Settings, settings)?;
            mark_plan_stale(r)
        })
    }

    /// What is due for each of the practitioner's children, most urgent first: the one definition
    /// of due and overdue every screen uses.
    pub fn due(&self) -> Result<Vec<DueEntry>, StoreError> {
        let me = self.practitioner()?;
        let today = local_date(self.clock.now());
        let g = self.read(|r| gather(r, &me))?;
        let holidays = g.settings.calendar().holidays;
        let mut out = Vec::new();
        for (f, label) in g.facts.iter().zip(g.labels) {
            let mut items = due_items(f, &g.settings.policy, &holidays, today)?;
            if items.is_empty() {
                continue;
            }
            items.sort_by_key(|i| (urgency(&i.status), i.due));
            out.push(DueEntry {
                child: label,
                items,
            });
        }
        out.sort_by_key(|e| {
            (
                e.items.first().map(|i| urgency(&i.status)),
                planning::priority(e.child.plan, e.child.rag),
            )
        });
        Ok(out)
    }

    /// Plans the next `weeks` weeks: every due visit placed within capacity, unannounced visits
    /// timed at random among the slots that cost no other child a visit, shortfalls reported.
    /// With `book`, every slot not yet booked becomes a planned visit (so it stays put when the
    /// plan is recomputed). The plan is stored sealed.
    pub fn plan(&self, weeks: u32, book: bool) -> Result<PlanView, StoreError> {
        if weeks == 0 || weeks > MAX_PLAN_WEEKS {
            return Err(crate::domain::InputError::Invalid {
                field: "weeks",
                reason: "must be between 1 and 26",
            }
            .into());
        }
        let me = self.practitioner()?;
        let now = self.clock.now();
        let g = self.read(|r| gather(r, &me))?;
        let calendar = g.settings.calendar();
        let horizon_end = local_date(now) + Duration::days(i64::from(weeks) * 7);
        let request = PlanRequest {
            now,
            horizon_end,
            calendar: &calendar,
            capacity: g.settings.capacity,
            policy: &g.settings.policy,
            children: &g.facts,
            keep_draw_options: false,
        };
        let Plan {
            slots,
            shortfalls,
            warnings,
            ..
        } = planning::plan(&request, &mut SystemRandomSource::default())?;
        let minutes = u32::from(g.settings.capacity.visit_minutes);
        let stored = self.write(|r| {
            let mut lines = Vec::with_capacity(slots.len());
            // Visits the planner had to place beyond the horizon belong to children who will miss
            // their date: they are in `shortfalls` (with the best possible date), not booked.
            for slot in slots.iter().filter(|s| local_date(s.start) <= horizon_end) {
                let visit_id = if book && !slot.booked {
                    Some(self.book_slot(r, slot, minutes)?)
                } else {
                    None
                };
                lines.push(PlanLine {
                    slot: slot.clone(),
                    visit_id,
                });
            }
            let stored = StoredPlan {
                computed_at: now,
                horizon_end,
                lines,
                shortfalls: shortfalls.clone(),
                warnings: warnings.clone(),
            };
            put_singleton(r, "plan_id", Kind::Plan, &stored)?;
            meta_set(r.conn, "plan_stale", &[0])?;
            Ok(stored)
        })?;
        Ok(PlanView {
            plan: stored,
            children: g.labels,
            stale: false,
        })
    }

    fn book_slot(
        &self,
        r: &Records<'_>,
        slot: &PlannedSlot,
        minutes: u32,
    ) -> Result<crate::domain::VisitId, StoreError> {
        let visit = self.new_visit_in(
            r,
            NewVisit {
                case_id: slot.case,
                kind: slot.kind,
                planned_for: slot.start,
                expected_minutes: minutes,
                departure_reason: None,
            },
        )?;
        Ok(visit.id)
    }

    /// The plan as last computed, and whether it is stale; `None` before the first plan.
    pub fn stored_plan(&self) -> Result<Option<PlanView>, StoreError> {
        let me = self.practitioner()?;
        self.read(|r| {
            let Some(id) = singleton_id(r, "plan_id")? else {
                return Ok(None);
            };
            let plan: StoredPlan = r.get(Kind::Plan, id)?;
            let stale = meta_get(r.conn, "plan_stale")?.is_some_and(|v| v.first() == Some(&1));
            let g = gather(r, &me)?;
            Ok(Some(PlanView {
                plan,
                children: g.labels,
                stale,
            }))
        })
    }

    /// Whether a planned contact of `kind` departs from what the case's plan and RAG rating
    /// require: a virtual visit for a child who must be seen face to face.
    pub(crate) fn is_departure(
        &self,
        r: &Records<'_>,
        case: &Case,
        kind: VisitKind,
    ) -> Result<bool, StoreError> {
        let me: Practitioner = r.get(Kind::Practitioner, self.practitioner_id.bytes())?;
        let settings = settings_in(r, &me)?;
        let required = settings.policy.required_contact(case.plan, case.rag);
        Ok(kind == VisitKind::Virtual && !required.satisfied_by(kind))
    }
}
