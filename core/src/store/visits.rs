//! Visits: planning, check-in, and recording what happened, with the review's rules enforced.

use super::lineage::Check;
use super::records::{Kind, Records};
use super::{Store, StoreError};
use crate::domain::{
    validate_outcome, validate_unsuccessful, Case, CaseId, Household, IssueCode, NewVisit, Person,
    Severity, UnsuccessfulVisit, ValidationIssue, Visit, VisitId, VisitOutcome, VisitStatus,
};
use crate::time::local_date;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;

/// The longest a planned visit may be expected to take, in minutes.
pub const MAX_VISIT_MINUTES: u32 = 12 * 60;

/// A visit as saved, with the warnings the practitioner should see.
#[derive(Debug, Clone, serde::Serialize)]
pub struct VisitRecorded {
    /// The visit as saved.
    pub visit: Visit,
    /// Warnings (the record was saved).
    pub warnings: Vec<ValidationIssue>,
    /// Consecutive no-access or declined visits on the case, after this one.
    pub consecutive_no_access: u32,
}

/// How long an unanswered call is recorded as taking, in minutes.
pub const UNANSWERED_CALL_MINUTES: u32 = 5;

/// The expected length of a telephone call with a family, answered and being recorded now.
pub const ANSWERED_CALL_MINUTES: u32 = 15;

/// The reason and follow-up of a visit that did not happen, validated.
fn checked_unsuccessful(mut what: UnsuccessfulVisit) -> Result<UnsuccessfulVisit, StoreError> {
    let errors = validate_unsuccessful(&mut what);
    if errors.is_empty() {
        Ok(what)
    } else {
        Err(StoreError::Validation(errors))
    }
}

/// Ends an open visit without seeing the child, in the caller's transaction; a no access or a
/// refusal counts towards the case's consecutive unsuccessful visits.
fn end_unsuccessful_in(
    r: &Records<'_>,
    id: VisitId,
    what: UnsuccessfulVisit,
    status: VisitStatus,
    now: DateTime<Utc>,
) -> Result<VisitRecorded, StoreError> {
    let mut v: Visit = r.get(Kind::Visit, id.bytes())?;
    if !v.status.is_open() {
        return Err(StoreError::InvalidState(
            "this visit has already been recorded",
        ));
    }
    v.status = status;
    v.ended_at = Some(now);
    // A checked-in practitioner stays on lone working until they check out.
    v.unsuccessful = Some(what);
    super::planning::mark_plan_stale(r)?;
    update_visit(r, &v)?;
    super::drafts::discard_in(r, v.id)?;
    let mut case: Case = r.get(Kind::Case, v.case_id.bytes())?;
    if status != VisitStatus::Cancelled {
        case.consecutive_no_access = case.consecutive_no_access.saturating_add(1);
        r.update(Kind::Case, case.id.bytes(), None, &case)?;
    }
    let consecutive_no_access = case.consecutive_no_access;
    Ok(VisitRecorded {
        visit: v,
        warnings: Vec::new(),
        consecutive_no_access,
    })
}

/// One line of a practitioner's day: the visit with what is needed to show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DayItem {
    /// The visit.
    pub visit: Visit,
    /// Its case.
    pub case: Case,
    /// The child.
    pub child: Person,
    /// Where.
    pub household: Household,
}

/// Visits that ended without seeing the child (no access or declined), counted back from the
/// most recent ended visit to the last completed one; cancelled visits count neither way. Derived
/// from the visits every time, so it is right however visits from other devices arrive.
pub(crate) fn trailing_no_access(visits: &[Visit]) -> u32 {
    let mut ended: Vec<&Visit> = visits
        .iter()
        .filter(|v| !v.status.is_open() && v.status != VisitStatus::Cancelled)
        .collect();
    ended.sort_by_key(|v| std::cmp::Reverse((v.ended_at.unwrap_or(v.planned_for), v.id)));
    ended
        .iter()
        .take_while(|v| matches!(v.status, VisitStatus::NoAccess | VisitStatus::Declined))
        .count() as u32
}

/// Recomputes a case's count of consecutive no-access visits (a local, derived value).
pub(crate) fn refresh_no_access(
    r: &Records<'_>,
    case_id: crate::domain::CaseId,
) -> Result<u32, StoreError> {
    let mut case: Case = r.get(Kind::Case, case_id.bytes())?;
    let visits: Vec<Visit> = r.list(Kind::Visit, Some(case_id.bytes()))?;
    let n = trailing_no_access(&visits);
    if case.consecutive_no_access != n {
        case.consecutive_no_access = n;
        r.update(Kind::Case, case.id.bytes(), None, &case)?;
    }
    Ok(n)
}

/// Opens one ancestor of a lineage row (its group was checked by `tagged_with_ancestors` before
/// the row was returned). The visit was found through its checked day group, so a missing
/// ancestor is tampering, not a wrong id.
fn open_ancestor<T: serde::de::DeserializeOwned>(
    r: &Records<'_>,
    raw: &Option<super::records::RawRecord>,
    kind: Kind,
    id: uuid::Uuid,
) -> Result<T, StoreError> {
    let raw = raw.as_ref().ok_or_else(|| StoreError::Tampered {
        record_id: id.to_string(),
    })?;
    r.open_raw(kind, raw)
}

/// Opens a visit's case, child and household from its row of `tagged_with_ancestors`, which
/// checked the case among its child's cases, the child among its household's people and the
/// household against its own digest (deleted, rolled back, relabelled or moved: `Tampered`).
fn open_lineage(
    r: &Records<'_>,
    row: &super::lineage::Lineage,
    visit: &Visit,
) -> Result<(Case, Person, Household), StoreError> {
    let [case_raw, child_raw, home_raw] = &row.ancestors;
    let case: Case = open_ancestor(r, case_raw, Kind::Case, visit.case_id.0)?;
    let child: Person = open_ancestor(r, child_raw, Kind::Person, case.child_id.0)?;
    let household: Household = open_ancestor(r, home_raw, Kind::Household, case.household_id.0)?;
    // The clear parent ids are bound into each record's associated data; the opened values must
    // name the same records.
    if case.id != visit.case_id || case.child_id != child.id || case.household_id != household.id {
        return Err(StoreError::Tampered {
            record_id: visit.id.to_string(),
        });
    }
    Ok((case, child, household))
}

/// Writes a changed visit back under its day's blind tag.
pub(crate) fn update_visit(r: &Records<'_>, v: &Visit) -> Result<(), StoreError> {
    r.update(
        Kind::Visit,
        v.id.bytes(),
        Some(day_tag(r, v.planned_for)),
        v,
    )
}

/// A visit's day tag: the blind tag of its local (Europe/London) date.
pub(crate) fn day_tag(r: &Records<'_>, at: DateTime<Utc>) -> [u8; 16] {
    r.tag("visit-day", &local_date(at).to_string())
}

impl Store {
    /// Plans a visit on a case. A virtual visit for a child whose plan or RAG rating requires
    /// face-to-face contact needs the reason for the departure.
    pub fn plan_visit(&self, new: NewVisit) -> Result<Visit, StoreError> {
        self.write(|r| {
            let v = self.new_visit_in(r, new)?;
            super::planning::mark_plan_stale(r)?;
            Ok(v)
        })
    }

    /// Validates and inserts a planned visit in the caller's transaction.
    pub(crate) fn new_visit_in(&self, r: &Records<'_>, new: NewVisit) -> Result<Visit, StoreError> {
        if new.expected_minutes == 0 || new.expected_minutes > MAX_VISIT_MINUTES {
            return Err(crate::domain::InputError::Invalid {
                field: "expected minutes",
                reason: "must be between 1 and 720",
            }
            .into());
        }
        crate::domain::check_visit_time(new.planned_for, self.clock.now())?;
        let departure_reason =
            crate::domain::optional_text("departure reason", new.departure_reason.as_deref())?;
        let case: Case = r.get(Kind::Case, new.case_id.bytes())?;
        if departure_reason.is_none() && self.is_departure(r, &case, new.kind)? {
            return Err(StoreError::Validation(vec![ValidationIssue {
                code: IssueCode::DepartureReasonRequired,
                severity: Severity::Error,
                field: "departure reason",
                message: format!(
                    "This child's plan and {} rating require face-to-face visits: record why this contact \
                     is virtual instead.",
                    case.rag.code().to_uppercase()
                ),
            }]));
        }
        let visit = Visit {
            id: VisitId::random(),
            case_id: case.id,
            practitioner_id: self.practitioner_id,
            kind: new.kind,
            planned_for: new.planned_for,
            expected_minutes: new.expected_minutes,
            status: VisitStatus::Planned,
            started_at: None,
            checked_out_at: None,
            ended_at: None,
            outcome: None,
            unsuccessful: None,
            departure_reason,
            family_share: Default::default(),
            copies_given: Vec::new(),
        };
        r.insert(
            Kind::Visit,
            visit.id.bytes(),
            Some(case.id.bytes()),
            Some(day_tag(r, visit.planned_for)),
            &visit,
        )?;
        Ok(visit)
    }

    /// Checks out: the practitioner has left the home safely. The lone-working timer stops. The
    /// record may be completed before (in the home) or after (within the policy's days): only
    /// the check-out ends lone working.
    pub fn checkout_visit(&self, id: VisitId) -> Result<Visit, StoreError> {
        let now = self.clock.now();
        self.write(|r| {
            let mut v: Visit = r.get(Kind::Visit, id.bytes())?;
            if v.started_at.is_none() || v.checked_out_at.is_some() {
                return Err(StoreError::InvalidState(
                    "only a visit checked in and not yet checked out can be checked out",
                ));
            }
            v.checked_out_at = Some(now);
            update_visit(r, &v)?;
            Ok(v)
        })
    }

    /// One visit.
    pub fn visit(&self, id: VisitId) -> Result<Visit, StoreError> {
        self.read(|r| r.get(Kind::Visit, id.bytes()))
    }

    /// A case's visits, by planned time.
    pub fn visits_for_case(&self, case_id: CaseId) -> Result<Vec<Visit>, StoreError> {
        let mut v: Vec<Visit> = self.read(|r| r.list(Kind::Visit, Some(case_id.bytes())))?;
        v.sort_by_key(|v| v.planned_for);
        Ok(v)
    }

    /// Checks in: the practitioner has arrived (or the call has begun).
    pub fn start_visit(&self, id: VisitId) -> Result<Visit, StoreError> {
        let now = self.clock.now();
        self.write(|r| {
            let mut v: Visit = r.get(Kind::Visit, id.bytes())?;
            if v.status != VisitStatus::Planned {
                return Err(StoreError::InvalidState(
                    "only a planned visit can be started",
                ));
            }
            v.status = VisitStatus::InProgress;
            v.started_at = Some(now);
            update_visit(r, &v)?;
            Ok(v)
        })
    }

    /// Records a completed visit. Errors in the outcome save nothing; warnings come back with the
    /// saved record. A completed visit resets the case's count of consecutive no-access visits.
    pub fn complete_visit(
        &self,
        id: VisitId,
        mut outcome: VisitOutcome,
    ) -> Result<VisitRecorded, StoreError> {
        let now = self.clock.now();
        self.write(|r| {
            let mut v: Visit = r.get(Kind::Visit, id.bytes())?;
            if !v.status.is_open() {
                return Err(StoreError::InvalidState(
                    "this visit has already been recorded",
                ));
            }
            let case: Case = r.get(Kind::Case, v.case_id.bytes())?;
            let adults: Vec<Person> = r.list(Kind::Person, Some(case.household_id.bytes()))?;
            let issues = validate_outcome(v.kind, &mut outcome, |p| {
                super::views::is_known_adult(&adults, p)
            });
            let (errors, warnings): (Vec<_>, Vec<_>) = issues
                .into_iter()
                .partition(|i| i.severity == Severity::Error);
            if !errors.is_empty() {
                return Err(StoreError::Validation(errors));
            }
            v.status = VisitStatus::Completed;
            if v.started_at.is_none() {
                // Recorded without a check-in (after the fact): there is no lone working to end.
                v.started_at = Some(now);
                v.checked_out_at = Some(now);
            }
            // Otherwise lone working goes on until the practitioner checks out: recording the
            // visit while still in the home does not mean they are out of it.
            v.ended_at = Some(now);
            v.outcome = Some(outcome);
            update_visit(r, &v)?;
            super::drafts::discard_in(r, v.id)?;
            // This visit ended last, so the count restarts (recounted from all the visits only
            // when visits arrive from other devices).
            if case.consecutive_no_access != 0 {
                let mut case = case;
                case.consecutive_no_access = 0;
                r.update(Kind::Case, case.id.bytes(), None, &case)?;
            }
            super::planning::mark_plan_stale(r)?;
            Ok(VisitRecorded {
                visit: v,
                warnings,
                consecutive_no_access: 0,
            })
        })
    }

    /// Records that the practitioner could not get in. Counts towards consecutive no-access visits.
    pub fn record_no_access(
        &self,
        id: VisitId,
        what: UnsuccessfulVisit,
    ) -> Result<VisitRecorded, StoreError> {
        self.end_unsuccessful(id, what, VisitStatus::NoAccess)
    }

    /// Records that the family declined the visit. Counts towards consecutive no-access visits.
    pub fn record_declined(
        &self,
        id: VisitId,
        what: UnsuccessfulVisit,
    ) -> Result<VisitRecorded, StoreError> {
        self.end_unsuccessful(id, what, VisitStatus::Declined)
    }

    /// Cancels a visit (by the service), with a reason and what happens instead.
    pub fn cancel_visit(
        &self,
        id: VisitId,
        what: UnsuccessfulVisit,
    ) -> Result<VisitRecorded, StoreError> {
        self.end_unsuccessful(id, what, VisitStatus::Cancelled)
    }

    fn end_unsuccessful(
        &self,
        id: VisitId,
        what: UnsuccessfulVisit,
        status: VisitStatus,
    ) -> Result<VisitRecorded, StoreError> {
        let what = checked_unsuccessful(what)?;
        let now = self.clock.now();
        self.write(|r| end_unsuccessful_in(r, id, what, status, now))
    }

    /// Starts a telephone call with a family, answered just now: a telephone contact planned for
    /// now, of [`ANSWERED_CALL_MINUTES`], to be recorded with the visit form like any contact
    /// (whose questions for a call include who else is in the home). `departure_reason` is needed
    /// when the child's plan requires face-to-face visits, as for any planned call.
    pub fn start_answered_call(
        &self,
        case_id: CaseId,
        departure_reason: Option<String>,
    ) -> Result<Visit, StoreError> {
        self.plan_visit(NewVisit {
            case_id,
            kind: crate::domain::VisitKind::Telephone,
            planned_for: self.clock.now(),
            expected_minutes: ANSWERED_CALL_MINUTES,
            departure_reason,
        })
    }

    /// Logs a telephone call to a family that nobody answered, made just now: a telephone contact
    /// planned and recorded as no access in one transaction, so it counts towards the case's
    /// consecutive unsuccessful contacts and the "stopped answering" alert like any other.
    /// `departure_reason` is needed when the child's plan requires face-to-face visits, as for
    /// any planned call.
    pub fn record_unanswered_call(
        &self,
        case_id: CaseId,
        departure_reason: Option<String>,
        what: UnsuccessfulVisit,
    ) -> Result<VisitRecorded, StoreError> {
        let what = checked_unsuccessful(what)?;
        let now = self.clock.now();
        self.write(|r| {
            let v = self.new_visit_in(
                r,
                NewVisit {
                    case_id,
                    kind: crate::domain::VisitKind::Telephone,
                    planned_for: now,
                    expected_minutes: UNANSWERED_CALL_MINUTES,
                    departure_reason,
                },
            )?;
            super::planning::mark_plan_stale(r)?;
            end_unsuccessful_in(r, v.id, what, VisitStatus::NoAccess, now)
        })
    }

    /// The device practitioner's visits on a local (Europe/London) date, by time, with their case,
    /// child and household. Found through the day's blind tag: no date is stored in the clear.
    pub fn day_list(&self, date: NaiveDate) -> Result<Vec<DayItem>, StoreError> {
        let me = self.practitioner_id;
        self.read(|r| {
            let tag = r.tag("visit-day", &date.to_string());
            // Found along the clear parent ids (visit → case → child → household): the day's
            // visits by their tag, then each generation in one look-up, with what checking it
            // needs: each case among its child's cases, each child among its household's people,
            // each household against its own digest. A child often has several visits on a day,
            // so each case, child and home is opened once.
            let rows = r.tagged_with_ancestors(
                Kind::Visit,
                tag,
                [
                    (Kind::Case, Check::Siblings),
                    (Kind::Person, Check::Siblings),
                    (Kind::Household, Check::Own),
                ],
            )?;
            let mut cases: HashMap<[u8; 16], (Case, Person, Household)> = HashMap::new();
            let mut out = Vec::new();
            for row in rows {
                let visit: Visit = r.open_raw(Kind::Visit, &row.record)?;
                if visit.practitioner_id != me || local_date(visit.planned_for) != date {
                    continue;
                }
                let case_id = visit.case_id.bytes();
                if let std::collections::hash_map::Entry::Vacant(e) = cases.entry(case_id) {
                    e.insert(open_lineage(r, &row, &visit)?);
                }
                let (case, child, household) = cases
                    .get(&case_id)
                    .cloned()
                    .ok_or(StoreError::InvalidState("a visit's case is missing"))?;
                out.push(DayItem {
                    visit,
                    case,
                    child,
                    household,
                });
            }
            out.sort_by_key(|d| d.visit.planned_for);
            Ok(out)
        })
    }

    /// Today's visits (Europe/London) for the device's practitioner.
    pub fn today(&self) -> Result<Vec<DayItem>, StoreError> {
        self.day_list(local_date(self.clock.now()))
    }
}
