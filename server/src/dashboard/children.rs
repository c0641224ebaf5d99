//! The team's children as the phones see them: each case's records opened from the server's
//! sealed store, turned into the core's `ChildFacts` by the core's own gathering, and ranked by
//! the core's alerts (one definition of due and overdue: `doorstep_core::planning`).

use super::scope;
use crate::db::{Tx, Val};
use crate::error::ServerError;
use crate::sync::load_record;
use chrono::{DateTime, Utc};
use doorstep_core::domain::{
    build_chronology, threads, Agency, Case, ChronologyEntry, ChronologyFilter, Household, Note,
    Person, Visit,
};
use doorstep_core::planning::{alerts, Alert, BankHolidays, ChildFacts};
use doorstep_core::store::PlanningSettings;
use doorstep_core::sync::merge::materialize;
use serde::de::DeserializeOwned;

/// A stored record of `kind`, opened and read as the core's type; `None` if absent or another
/// kind.
pub(crate) fn read<T: DeserializeOwned>(
    tx: &mut dyn Tx,
    id: &str,
    kind: &str,
) -> Result<Option<T>, ServerError> {
    let Some(rec) = load_record(tx, id)?.filter(|r| r.kind == kind) else {
        return Ok(None);
    };
    serde_json::from_value(materialize(kind, &rec.fields, &rec.stamps))
        .map(Some)
        .map_err(|_| ServerError::Internal("stored record unreadable"))
}

/// Every stored record of `kind` matching one clear column.
fn read_all<T: DeserializeOwned>(
    tx: &mut dyn Tx,
    kind: &str,
    column: &str,
    value: &str,
) -> Result<Vec<T>, ServerError> {
    let sql = match column {
        "case_id" => "SELECT id FROM records WHERE kind = $1 AND case_id = $2 ORDER BY seq",
        _ => "SELECT id FROM records WHERE kind = $1 AND household_id = $2 ORDER BY seq",
    };
    let ids: Vec<String> = tx
        .query(sql, &[Val::from(kind), Val::from(value)])?
        .into_iter()
        .filter_map(|r| r[0].text().map(str::to_string))
        .collect();
    let mut out = Vec::new();
    for id in ids {
        if let Some(t) = read(tx, &id, kind)? {
            out.push(t);
        }
    }
    Ok(out)
}

/// One child's records as the server holds them.
pub struct CaseFile {
    /// The case.
    pub case: Case,
    /// The child.
    pub child: Person,
    /// The household.
    pub household: Option<Household>,
    /// The case's visits.
    pub visits: Vec<Visit>,
    /// The case's notes.
    pub notes: Vec<Note>,
    /// The allocated practitioner's name and agency, if known.
    pub lead: Option<(String, Agency)>,
    /// The facts the core plans and alerts from.
    pub facts: ChildFacts,
}

impl CaseFile {
    /// The child's chronology, as the phone builds it.
    pub fn chronology(&self) -> Vec<ChronologyEntry> {
        build_chronology(
            std::slice::from_ref(&self.case),
            &self.visits,
            &threads(self.notes.clone()),
            &ChronologyFilter::default(),
        )
    }

    /// The policy the lead practitioner's phone starts from (their agency's).
    pub fn settings(&self) -> PlanningSettings {
        PlanningSettings::for_agency(self.lead.as_ref().map_or(Agency::SocialCare, |l| l.1))
    }
}

/// Opens one case's records (the caller has checked scope).
pub fn case_file(tx: &mut dyn Tx, case_id: &str) -> Result<Option<CaseFile>, ServerError> {
    let Some(case) = read::<Case>(tx, case_id, "case")? else {
        return Ok(None);
    };
    let Some(child) = read::<Person>(tx, &case.child_id.to_string(), "person")? else {
        return Ok(None);
    };
    let household_id = case.household_id.to_string();
    let household = read::<Household>(tx, &household_id, "household")?;
    let visits: Vec<Visit> = read_all(tx, "visit", "case_id", case_id)?;
    let notes: Vec<Note> = read_all(tx, "note", "case_id", case_id)?;
    let people: Vec<Person> = read_all(tx, "person", "household_id", &household_id)?;
    let household_cases: Vec<Case> = read_all(tx, "case", "household_id", &household_id)?;
    let mut unborn = Vec::new();
    for p in people.iter().filter(|p| p.id != child.id) {
        let mut vs = Vec::new();
        for c in household_cases.iter().filter(|c| c.child_id == p.id) {
            vs.extend(read_all::<Visit>(
                tx,
                "visit",
                "case_id",
                &c.id.to_string(),
            )?);
        }
        unborn.push((p, vs));
    }
    let facts = ChildFacts::gathered(
        &case,
        &child,
        &visits,
        unborn.iter().map(|(p, vs)| (*p, vs.as_slice())),
    );
    let lead = tx
        .query_opt(
            "SELECT name, agency FROM practitioners WHERE id = $1",
            &[Val::Text(case.allocated_to.to_string())],
        )?
        .and_then(|r| {
            let agency = r[1].text().and_then(Agency::from_code)?;
            Some((r[0].text().unwrap_or_default().to_string(), agency))
        });
    Ok(Some(CaseFile {
        case,
        child,
        household,
        visits,
        notes,
        lead,
        facts,
    }))
}

/// A child on the Children page: their case and alerts, most urgent first.
pub struct RankedChild {
    /// The case file.
    pub file: CaseFile,
    /// The child's alerts, in the core's rank order.
    pub alerts: Vec<Alert>,
}

/// The manager's children, ranked, and how many of their records could not be read.
pub struct Ranked {
    /// The children whose records were read, in rank order.
    pub children: Vec<RankedChild>,
    /// Cases in scope whose stored records could not be opened (damaged, or sealed under another
    /// key): left out of the list, which is then incomplete and says so.
    pub unreadable: usize,
}

/// The manager's children, ranked as the phones rank them: every alert of every child through
/// the core's ranking, children in the order of their most urgent alert; children without an
/// alert after them, by name. A case whose records cannot be opened is counted, not shown: one
/// damaged record never hides every other child (a database error still fails the page).
pub fn ranked(tx: &mut dyn Tx, manager: &str, now: DateTime<Utc>) -> Result<Ranked, ServerError> {
    let hol = BankHolidays::official();
    let mut children = Vec::new();
    let mut unreadable = 0;
    for id in scope::cases(tx, manager)? {
        let file = match case_file(tx, &id) {
            Ok(Some(file)) => file,
            Ok(None) => continue,
            Err(ServerError::Internal(_)) => {
                tracing::warn!(
                    event = "dashboard_record_unreadable",
                    "a case in scope could not be opened"
                );
                unreadable += 1;
                continue;
            }
            Err(e) => return Err(e),
        };
        let settings = file.settings();
        let mut list = alerts(
            std::slice::from_ref(&file.facts),
            &settings.policy,
            &hol,
            now,
        )
        .map_err(|_| ServerError::Internal("planning"))?;
        list.sort_by(doorstep_core::planning::rank);
        children.push(RankedChild { file, alerts: list });
    }
    children.sort_by(|a, b| match (a.alerts.first(), b.alerts.first()) {
        (Some(x), Some(y)) => doorstep_core::planning::rank(x, y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.file.child.name.cmp(&b.file.child.name),
    });
    Ok(Ranked {
        children,
        unreadable,
    })
}
