//! The plain facts the store supplies for planning: one child's case and visit history.

use super::HcpContact;
use crate::domain::{
    Case, CaseId, HouseholdId, Person, PersonRole, PlanType, Rag, Visit, VisitKind, VisitStatus,
};
use crate::time::local_date;
use chrono::{DateTime, NaiveDate, Utc};

/// One visit or contact, as planning needs it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct VisitFact {
    /// How.
    pub kind: VisitKind,
    /// Where it is in its life.
    pub status: VisitStatus,
    /// When it was planned (UTC).
    pub planned_for: DateTime<Utc>,
    /// Expected length in minutes (0 = unknown; the policy's lone-working default is used).
    pub expected_minutes: u32,
    /// Check-in time.
    pub started_at: Option<DateTime<Utc>>,
    /// The practitioner checked out (left safely), even if the record is not yet completed.
    pub checked_out: bool,
    /// When it ended, i.e. when its record was completed.
    pub ended_at: Option<DateTime<Utc>>,
    /// The child was seen.
    pub child_seen: bool,
    /// The child was seen (or spoken to) alone.
    pub child_seen_alone: bool,
    /// A reason was recorded for not seeing the child alone.
    pub not_alone_reason_recorded: bool,
    /// The bedroom / sleeping area was seen.
    pub sleeping_area_seen: bool,
    /// A reason was recorded for departing from the contact kind the plan or RAG rating requires
    /// (e.g. a virtual visit when face to face is required).
    pub departure_reason_recorded: bool,
    /// The Healthy Child Programme contact this was, when recorded; otherwise inferred by date.
    pub hcp_contact: Option<HcpContact>,
}

impl VisitFact {
    /// The facts of a stored visit. Which Healthy Child Programme contact it was is inferred from
    /// the date unless the caller knows it.
    pub fn from_visit(v: &Visit, hcp_contact: Option<HcpContact>) -> Self {
        let o = v.outcome.as_ref();
        Self {
            kind: v.kind,
            status: v.status,
            planned_for: v.planned_for,
            expected_minutes: v.expected_minutes,
            started_at: v.started_at,
            checked_out: v.checked_out_at.is_some() || v.started_at.is_none(),
            ended_at: v.ended_at,
            child_seen: o.is_some_and(|o| o.child_seen),
            child_seen_alone: o.is_some_and(|o| o.child_seen_alone || o.child_spoken_to_alone),
            not_alone_reason_recorded: o.is_some_and(|o| o.not_alone_reason.is_some()),
            sleeping_area_seen: o.is_some_and(|o| o.sleeping_area_seen),
            departure_reason_recorded: v.departure_reason.is_some(),
            hcp_contact,
        }
    }

    /// The local (Europe/London) date the visit happened or is planned for.
    pub fn date(&self) -> NaiveDate {
        local_date(self.started_at.unwrap_or(self.planned_for))
    }

    /// A completed face-to-face contact (home, clinic or school) where the child was seen.
    pub fn seen_face_to_face(&self) -> bool {
        self.status == VisitStatus::Completed
            && self.child_seen
            && (self.kind.is_home() || self.kind == VisitKind::ClinicOrSchool)
    }

    /// Ended with no access or was declined.
    pub fn unsuccessful(&self) -> bool {
        matches!(self.status, VisitStatus::NoAccess | VisitStatus::Declined)
    }
}

/// A pregnancy in the child's household.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PregnancyFact {
    /// The expected date of delivery, if known.
    pub expected_date: Option<NaiveDate>,
    /// Whether an antenatal contact (midwife or health visitor) is recorded.
    pub antenatal_contact_recorded: bool,
}

/// One child's case, as planning needs it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChildFacts {
    /// The case.
    pub case: CaseId,
    /// The plan.
    pub plan: PlanType,
    /// The current RAG rating.
    pub rag: Rag,
    /// Date of birth (born children).
    pub date_of_birth: Option<NaiveDate>,
    /// Expected date of delivery (unborn children).
    pub expected_date: Option<NaiveDate>,
    /// Looked-after child: the start of the current placement.
    pub placement_date: Option<NaiveDate>,
    /// Looked-after child: the date the child became looked after (used for the first-year
    /// rule only when the placement's start is unknown).
    pub looked_after_since: Option<NaiveDate>,
    /// Looked-after child: the current placement is intended to last until the child is 18
    /// (reg. 28(2)(c): then 3-monthly visits after its first year; otherwise 6-weekly stays).
    #[serde(default)]
    pub placement_intended_until_18: bool,
    /// The household the child lives in: the planner's unit for home visits (one home visit a
    /// day sees every child of the household due then). `None`: a household of its own.
    #[serde(default)]
    pub household: Option<HouseholdId>,
    /// The date the case (or current plan) started: the basis of the first due date.
    pub opened_on: NaiveDate,
    /// Every visit and contact for the case, any order.
    pub visits: Vec<VisitFact>,
    /// Pregnancies in the household.
    pub household_pregnancies: Vec<PregnancyFact>,
    /// Consecutive unanswered contact attempts (calls, messages) since the family last responded.
    pub unanswered_attempts: u32,
}

impl ChildFacts {
    /// The facts of a stored case, its child and its visits. Pregnancies in the
    /// household, unanswered attempts and the per-visit extras of [`VisitFact::from_visit`] are
    /// not in the store yet: they start empty and the caller fills what it has.
    pub fn from_records(case: &Case, child: &Person, visits: &[Visit]) -> Self {
        let unborn = child.role == PersonRole::Unborn;
        Self {
            case: case.id,
            plan: case.plan,
            rag: case.rag,
            date_of_birth: if unborn { None } else { child.date_of_birth },
            expected_date: if unborn { child.expected_date } else { None },
            placement_date: case.placement_date,
            looked_after_since: case.looked_after_since,
            placement_intended_until_18: case.placement_intended_until_18,
            household: Some(case.household_id),
            opened_on: local_date(case.opened_at),
            visits: visits
                .iter()
                .filter(|v| v.case_id == case.id)
                .map(|v| VisitFact::from_visit(v, None))
                .collect(),
            household_pregnancies: Vec::new(),
            unanswered_attempts: 0,
        }
    }

    /// The facts every reader builds for a child — the phone's store and the server's
    /// supervisor view alike — so both rank by the same rules: [`ChildFacts::from_records`], the
    /// unanswered remote contacts ([`unanswered_attempts`]), and each unborn child in the
    /// household with whether any of its cases has a completed visit (`unborn`: the unborn
    /// person and the visits of every case about them).
    pub fn gathered<'a>(
        case: &Case,
        child: &Person,
        visits: &[Visit],
        unborn: impl IntoIterator<Item = (&'a Person, &'a [Visit])>,
    ) -> Self {
        let mut f = Self::from_records(case, child, visits);
        f.unanswered_attempts = unanswered_attempts(visits);
        f.household_pregnancies = unborn
            .into_iter()
            .filter(|(p, _)| p.role == PersonRole::Unborn)
            .map(|(p, vs)| PregnancyFact {
                expected_date: p.expected_date,
                antenatal_contact_recorded: vs.iter().any(|v| v.status == VisitStatus::Completed),
            })
            .collect();
        f
    }
}

/// Consecutive remote contacts (calls, video) that went unanswered or were declined, newest first,
/// since the family last responded: "a parent who stops answering".
pub fn unanswered_attempts(visits: &[Visit]) -> u32 {
    let mut ended: Vec<&Visit> = visits
        .iter()
        .filter(|v| !v.status.is_open() && v.status != VisitStatus::Cancelled)
        .collect();
    ended.sort_by_key(|v| std::cmp::Reverse(v.ended_at.unwrap_or(v.planned_for)));
    ended
        .iter()
        .take_while(|v| {
            v.kind.is_remote() && matches!(v.status, VisitStatus::NoAccess | VisitStatus::Declined)
        })
        .count() as u32
}
