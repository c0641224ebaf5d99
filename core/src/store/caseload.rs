//! The caseload: households, people and cases, with RAG history.

use super::records::Kind;
use super::{Store, StoreError};
use crate::domain::{
    rag_reason, Case, CaseId, Household, HouseholdId, NewCase, NewHousehold, NewPerson, Person,
    PersonId, Rag, RagChange,
};

impl Store {
    /// Adds a household.
    pub fn add_household(&self, new: NewHousehold) -> Result<Household, StoreError> {
        let h = new.build()?;
        self.write(|r| r.insert(Kind::Household, h.id.bytes(), None, None, &h))?;
        Ok(h)
    }

    /// Every household, in the order they were added.
    pub fn households(&self) -> Result<Vec<Household>, StoreError> {
        self.read(|r| r.list(Kind::Household, None))
    }

    /// One household.
    pub fn household(&self, id: HouseholdId) -> Result<Household, StoreError> {
        self.read(|r| r.get(Kind::Household, id.bytes()))
    }

    /// Adds a person to an existing household.
    pub fn add_person(&self, new: NewPerson) -> Result<Person, StoreError> {
        let today = crate::time::local_date(self.clock.now());
        let p = new.build(today)?;
        self.write(|r| {
            r.get::<Household>(Kind::Household, p.household_id.bytes())?;
            r.insert(
                Kind::Person,
                p.id.bytes(),
                Some(p.household_id.bytes()),
                None,
                &p,
            )
        })?;
        Ok(p)
    }

    /// The people of a household, in the order they were added.
    pub fn people(&self, household: HouseholdId) -> Result<Vec<Person>, StoreError> {
        self.read(|r| r.list(Kind::Person, Some(household.bytes())))
    }

    /// One person.
    pub fn person(&self, id: PersonId) -> Result<Person, StoreError> {
        self.read(|r| r.get(Kind::Person, id.bytes()))
    }

    /// Opens a case for a child (born or unborn), with its first RAG rating and the reason for it.
    pub fn open_case(&self, new: NewCase) -> Result<Case, StoreError> {
        let reason = rag_reason(&new.rag_reason)?;
        let now = self.clock.now();
        let by = self.practitioner_id;
        self.write(|r| {
            let child: Person = r.get(Kind::Person, new.child_id.bytes())?;
            if !child.role.is_child() {
                return Err(StoreError::InvalidState(
                    "a case is opened for a child or an unborn child",
                ));
            }
            let case = Case {
                id: CaseId::random(),
                child_id: child.id,
                household_id: child.household_id,
                allocated_to: new.allocated_to.unwrap_or(by),
                plan: new.plan,
                rag: new.rag,
                rag_review: false,
                rag_history: vec![RagChange {
                    id: uuid::Uuid::new_v4(),
                    supersedes: Vec::new(),
                    from: None,
                    to: new.rag,
                    reason,
                    at: now,
                    by,
                }],
                opened_at: now,
                consecutive_no_access: 0,
                notes_heads: Default::default(),
                placement_date: None,
                looked_after_since: None,
                placement_intended_until_18: false,
                supervisions: Vec::new(),
            };
            r.insert(
                Kind::Case,
                case.id.bytes(),
                Some(child.id.bytes()),
                None,
                &case,
            )?;
            super::planning::mark_plan_stale(r)?;
            Ok(case)
        })
    }

    /// Every case, in the order they were opened.
    pub fn cases(&self) -> Result<Vec<Case>, StoreError> {
        self.read(|r| r.list(Kind::Case, None))
    }

    /// One case.
    pub fn case(&self, id: CaseId) -> Result<Case, StoreError> {
        self.read(|r| r.get(Kind::Case, id.bytes()))
    }

    /// The cases of one child.
    pub fn cases_for_child(&self, child: PersonId) -> Result<Vec<Case>, StoreError> {
        self.read(|r| r.list(Kind::Case, Some(child.bytes())))
    }

    /// Changes a case's RAG rating; the reason is required and kept in the history.
    pub fn set_rag(&self, case_id: CaseId, rag: Rag, reason: &str) -> Result<Case, StoreError> {
        let reason = rag_reason(reason)?;
        let now = self.clock.now();
        let by = self.practitioner_id;
        self.write(|r| {
            let mut case: Case = r.get(Kind::Case, case_id.bytes())?;
            let supersedes = case.rag_leaves();
            case.rag_history.push(RagChange {
                id: uuid::Uuid::new_v4(),
                supersedes,
                from: Some(case.rag),
                to: rag,
                reason,
                at: now,
                by,
            });
            case.rag = rag;
            case.rag_review = false;
            // The same order every replica sorts the merged history into.
            case.rag_history.sort_by_key(|c| {
                (
                    c.at,
                    serde_json::Value::String(c.id.to_string()).to_string(),
                )
            });
            r.update(Kind::Case, case.id.bytes(), None, &case)?;
            super::planning::mark_plan_stale(r)?;
            Ok(case)
        })
    }

    /// Records a looked-after child's placement: the placement start (the next visit is due
    /// within a week of it, and its first year is 6-weekly), if known when the child became looked
    /// after, and whether this placement is intended to last until the child is 18 (then visits
    /// are 3-monthly after its first year; otherwise 6-weekly throughout).
    pub fn set_placement(
        &self,
        case_id: CaseId,
        placement_date: chrono::NaiveDate,
        looked_after_since: Option<chrono::NaiveDate>,
        intended_until_18: bool,
    ) -> Result<Case, StoreError> {
        self.write(|r| {
            let mut case: Case = r.get(Kind::Case, case_id.bytes())?;
            if case.plan != crate::domain::PlanType::LookedAfter {
                return Err(StoreError::InvalidState(
                    "a placement is recorded for a looked-after child",
                ));
            }
            case.placement_date = Some(placement_date);
            case.placement_intended_until_18 = intended_until_18;
            case.looked_after_since = looked_after_since
                .or(case.looked_after_since)
                .or(Some(placement_date));
            r.update(Kind::Case, case.id.bytes(), None, &case)?;
            super::planning::mark_plan_stale(r)?;
            Ok(case)
        })
    }
}
