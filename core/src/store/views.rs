//! The screens' view data (see [`crate::view`]), gathered from the store.

use super::db::meta_get;
use super::records::Kind;
use super::{Store, StoreError};
use crate::domain::{
    validate_outcome, Case, CaseId, ChronologyFilter, Household, Person, PersonRole, Severity,
    Visit, VisitId,
};
use crate::planning::lone_working_deadlines;
use crate::time::local_date;
use crate::view::{
    field_message, input_message, note_lines, AlertLine, AlertsView, CaseLine, CheckInView,
    ChildView, NoteThreadLine, SyncStatusView, TodayView, TodayVisit, VisitAnswers, VisitForm,
};

/// Whether `person` may be named as a known adult present: a parent, carer or known adult of the
/// household.
pub(crate) fn is_known_adult(people: &[Person], person: &crate::domain::PersonId) -> bool {
    people.iter().any(|a| {
        a.id == *person && matches!(a.role, PersonRole::ParentCarer | PersonRole::KnownAdult)
    })
}

impl Store {
    /// The "today" screen: today's visits, alerts (lone working first) and whether to re-plan.
    pub fn today_view(&self) -> Result<TodayView, StoreError> {
        let date = local_date(self.clock.now());
        let items = self.day_list(date)?;
        let alerts = self.alert_digest()?;
        let stale = self
            .read(|r| Ok(meta_get(r.conn, "plan_stale")?.is_some_and(|v| v.first() == Some(&1))))?;
        Ok(TodayView::build(date, &items, &alerts, stale))
    }

    /// The caseload list, red first, then by name.
    pub fn caseload_view(&self) -> Result<Vec<CaseLine>, StoreError> {
        let mut lines = self.read(|r| {
            let cases: Vec<Case> = r.list(Kind::Case, None)?;
            cases
                .into_iter()
                .map(|c| {
                    let child: Person = r.get(Kind::Person, c.child_id.bytes())?;
                    let home: Household = r.get(Kind::Household, c.household_id.bytes())?;
                    Ok(CaseLine {
                        case_id: c.id,
                        child_id: child.id,
                        child_name: child.name,
                        address: home.address,
                        rag: c.rag,
                        rag_label: crate::view::rag_label(c.rag).into(),
                        plan_label: crate::view::plan_label(c.plan).into(),
                        rag_review: c.rag_review,
                        consecutive_no_access: crate::view::signed_count(c.consecutive_no_access),
                        attention: crate::view::case_attention(
                            c.rag_review,
                            c.consecutive_no_access,
                        ),
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()
        })?;
        lines.sort_by(|a, b| {
            let rank = |r: crate::domain::Rag| match r {
                crate::domain::Rag::Red => 0,
                crate::domain::Rag::Amber => 1,
                crate::domain::Rag::Green => 2,
            };
            (rank(a.rag), &a.child_name).cmp(&(rank(b.rag), &b.child_name))
        });
        Ok(lines)
    }

    /// The child screen for a case: details, due items, chronology and notes.
    pub fn child_view(&self, case_id: CaseId) -> Result<ChildView, StoreError> {
        let (case, child, home) = self.read(|r| {
            // Each checked against its group: the child among its household's people, the home
            // among the households (a deleted or rolled-back one is `Tampered`).
            let case: Case = r.get(Kind::Case, case_id.bytes())?;
            let child: Person = r.get_member(
                Kind::Person,
                case.child_id.bytes(),
                Some(case.household_id.bytes()),
            )?;
            let home: Household = r.get_member(Kind::Household, case.household_id.bytes(), None)?;
            Ok((case, child, home))
        })?;
        let due = self
            .due()?
            .into_iter()
            .find(|e| e.child.case_id == case_id)
            .map(|e| e.items)
            .unwrap_or_default();
        let chronology = self.chronology(child.id, &ChronologyFilter::default())?;
        let notes = self.notes(case_id)?;
        Ok(ChildView::build(
            &case,
            &child,
            &home,
            &due,
            &chronology,
            &notes,
        ))
    }

    /// The "record visit" form for `visit`, with what is wrong with `answers` (none yet: `None`).
    /// Saves nothing.
    pub fn visit_form(
        &self,
        visit: VisitId,
        answers: Option<&VisitAnswers>,
    ) -> Result<VisitForm, StoreError> {
        let (v, child, people) = self.read(|r| {
            let v: Visit = r.get(Kind::Visit, visit.bytes())?;
            let case: Case = r.get(Kind::Case, v.case_id.bytes())?;
            let child: Person = r.get(Kind::Person, case.child_id.bytes())?;
            let people: Vec<Person> = r.list(Kind::Person, Some(case.household_id.bytes()))?;
            Ok((v, child, people))
        })?;
        let due = self
            .due()?
            .into_iter()
            .find(|e| e.child.case_id == v.case_id)
            .map(|e| e.items)
            .unwrap_or_default();
        let messages = match answers.map(VisitAnswers::to_outcome) {
            None => Vec::new(),
            Some(Err(e)) => vec![input_message(&e)],
            Some(Ok(mut outcome)) => {
                let mut issues =
                    validate_outcome(v.kind, &mut outcome, |p| is_known_adult(&people, p));
                issues.sort_by_key(|i| i.severity != Severity::Error);
                issues.iter().map(field_message).collect()
            }
        };
        Ok(VisitForm::build(
            &v, &child, &people, &due, answers, messages,
        ))
    }

    /// Checks in at the door (lone working starts) and returns the deadlines for the phone's
    /// reminder.
    pub fn check_in(&self, visit: VisitId) -> Result<CheckInView, StoreError> {
        let v = self.start_visit(visit)?;
        let at = v.started_at.unwrap_or_else(|| self.clock.now());
        let settings = self.planning_settings()?;
        let monitor = self.read(|r| super::alerts::server_monitor(r.conn))?;
        let enrolled = self.read(|r| Ok(super::db::meta_get(r.conn, "sync_config")?.is_some()))?;
        let policy = super::alerts::policy_with_monitor(settings.policy, monitor.as_ref());
        let (amber, red) = lone_working_deadlines(at, v.expected_minutes, &policy);
        let lone = crate::planning::LoneWorking {
            monitor: enrolled && monitor.is_some_and(|m| m.monitored),
            call: settings.lone_working.call,
            check_ins: Vec::new(),
        };
        Ok(CheckInView::build(v.id, at, amber, red, &lone))
    }

    /// One visit as a line of the day list, whatever its date.
    pub fn visit_line(&self, visit: VisitId) -> Result<TodayVisit, StoreError> {
        self.read(|r| {
            let visit: Visit = r.get(Kind::Visit, visit.bytes())?;
            let case: Case = r.get(Kind::Case, visit.case_id.bytes())?;
            let child: Person = r.get(Kind::Person, case.child_id.bytes())?;
            let household: Household = r.get(Kind::Household, case.household_id.bytes())?;
            Ok(TodayVisit::from_day_item(&super::DayItem {
                visit,
                case,
                child,
                household,
            }))
        })
    }

    /// A case's notes, newest first, each with its history.
    pub fn notes_view(&self, case_id: CaseId) -> Result<Vec<NoteThreadLine>, StoreError> {
        Ok(note_lines(&self.notes(case_id)?))
    }

    /// The alerts screen: the digest of the most urgent alerts (lone working leads) and the count
    /// of the rest per kind.
    pub fn alerts_view(&self) -> Result<AlertsView, StoreError> {
        Ok(AlertsView::build(&self.alert_digest()?))
    }

    /// Every alert ready to show, most urgent first (lone working leads).
    pub fn all_alerts_view(&self) -> Result<Vec<AlertLine>, StoreError> {
        Ok(self.alerts()?.iter().map(AlertLine::from_alert).collect())
    }

    /// The sync screen: what is waiting and what needs attention.
    pub fn sync_status_view(&self) -> Result<SyncStatusView, StoreError> {
        Ok(SyncStatusView::build(&self.queue_status()?))
    }
}
