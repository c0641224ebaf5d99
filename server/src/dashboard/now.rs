//! The *Now* page: the open lone-working check-ins of the manager's teams as the escalation
//! engine tracks them (`crate::lone_working`: amber and red by the core's one definition, who was
//! told), with acknowledging an escalation (and who was called) and closing a check-in the
//! manager has confirmed safe.

use super::audit::{self, AuditAction};
use super::children::read;
use super::pages::Who;
use super::scope;
use super::web::{html, not_found, signed_in, when, Manager, ManagerPost};
use crate::db::{with_tx, Tx};
use crate::error::ServerError;
use crate::http::AppState;
use crate::lone_working::{self, Level, OpenCheckIn};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use doorstep_core::domain::{Case, Household, Visit};
use std::collections::HashMap;

/// A check-in as shown.
pub struct NowRow {
    pub visit_id: String,
    pub reference: String,
    /// Where the visit is (the household's address, postcode and access notes), or why not known.
    pub whereabouts: String,
    /// The case, for the link to the child's page.
    pub case_id: Option<String>,
    pub level: &'static str,
    pub level_code: &'static str,
    pub practitioner: String,
    pub checked_in: String,
    pub expected_end: String,
    pub amber_at: String,
    pub red_at: String,
    pub last_seen: String,
    pub notified: Vec<String>,
    pub acknowledged: String,
}

/// The Now page.
#[derive(Template)]
#[template(path = "now.html")]
pub struct NowPage {
    pub who: Option<Who>,
    pub page: &'static str,
    pub who_csrf: String,
    pub message: Option<&'static str>,
    pub rows: Vec<NowRow>,
}

/// Where the practitioner of check-in `visit_id` is: the visit's household address (with postcode
/// and access notes) and its case, read from the server's sealed records. The showing is written
/// to the audit log in the same transaction.
fn whereabouts(
    tx: &mut dyn Tx,
    visit_id: &str,
    manager: &str,
    now: i64,
) -> Result<(String, Option<String>), ServerError> {
    let unknown = "not known to the server yet (the visit's records have not synced)";
    let Some(visit) = read::<Visit>(tx, visit_id, "visit")? else {
        return Ok((unknown.into(), None));
    };
    let case_id = visit.case_id.to_string();
    let Some(case) = read::<Case>(tx, &case_id, "case")? else {
        return Ok((unknown.into(), None));
    };
    let Some(home) = read::<Household>(tx, &case.household_id.to_string(), "household")? else {
        return Ok((unknown.into(), Some(case_id)));
    };
    audit::record(tx, manager, &case_id, AuditAction::CheckInAddress, now)?;
    let mut out = home.address;
    if let Some(pc) = home.postcode {
        out.push_str(", ");
        out.push_str(&pc);
    }
    if let Some(notes) = home.access_notes {
        out.push_str(" (access: ");
        out.push_str(&notes);
        out.push(')');
    }
    Ok((out, Some(case_id)))
}

fn row(
    c: OpenCheckIn,
    managers: &HashMap<String, String>,
    (whereabouts, case_id): (String, Option<String>),
) -> NowRow {
    let (level, level_code) = match c.level {
        Level::Red => ("Red", "critical"),
        Level::Amber => ("Amber", "urgent"),
        Level::None => ("Checked in", "low"),
    };
    NowRow {
        reference: c.reference,
        whereabouts,
        case_id,
        level,
        level_code,
        practitioner: c.practitioner_name,
        checked_in: when(c.started_at),
        expected_end: when(c.expected_end),
        amber_at: when(c.amber_at),
        red_at: when(c.red_at),
        last_seen: c.device_last_seen.map_or_else(|| "never".into(), when),
        notified: c
            .notified
            .iter()
            .map(|n| {
                format!(
                    "{} ({}, {} by {}): {}{}",
                    n.label,
                    n.role.code(),
                    n.level,
                    n.channel.code(),
                    n.state,
                    n.delivered_at
                        .map_or_else(String::new, |t| format!(" at {}", when(t)))
                )
            })
            .collect(),
        acknowledged: c.acknowledged.map_or_else(
            || "not yet".into(),
            |a| {
                format!(
                    "{} by {}: called {}",
                    when(a.at),
                    managers.get(&a.by).map_or("a manager", String::as_str),
                    a.who_was_called
                )
            },
        ),
        visit_id: c.visit_id,
    }
}

async fn answer(s: &AppState, headers: &HeaderMap, message: Option<&'static str>) -> Response {
    let m = match signed_in(s, headers).await {
        Ok(m) => m,
        Err(resp) => return resp,
    };
    let db = s.db.clone();
    let manager = m.id.clone();
    let now = s.now();
    let rows = tokio::task::spawn_blocking(move || -> Result<Vec<NowRow>, ServerError> {
        let teams = with_tx(db.as_ref(), |tx| scope::teams(tx, &manager))?;
        let names = with_tx(db.as_ref(), |tx| {
            Ok(tx
                .query("SELECT id, name FROM managers", &[])?
                .into_iter()
                .map(|r| {
                    (
                        r[0].text().unwrap_or_default().to_string(),
                        r[1].text().unwrap_or_default().to_string(),
                    )
                })
                .collect::<HashMap<_, _>>())
        })?;
        let mut open = Vec::new();
        for team in teams {
            open.extend(lone_working::open_check_ins(db.as_ref(), &team, now)?);
        }
        open.sort_by(|a, b| b.level.cmp(&a.level).then(a.started_at.cmp(&b.started_at)));
        let mut rows = Vec::with_capacity(open.len());
        for c in open {
            let at = with_tx(db.as_ref(), |tx| {
                whereabouts(tx, &c.visit_id, &manager, now)
            })?;
            rows.push(row(c, &names, at));
        }
        Ok(rows)
    })
    .await;
    let rows = match rows {
        Ok(Ok(r)) => r,
        _ => return not_found(m.who()),
    };
    html(
        StatusCode::OK,
        &NowPage {
            who: m.who(),
            page: "now",
            who_csrf: m.session.csrf.clone(),
            message,
            rows,
        },
    )
}

/// `GET /dashboard/now`.
pub async fn page(State(s): State<AppState>, headers: HeaderMap) -> Response {
    answer(&s, &headers, None).await
}

/// Runs `f` on each of the manager's teams until one owns the check-in: `Ok(true)` when one did.
fn in_own_team(
    s: &AppState,
    manager: &str,
    mut f: impl FnMut(&str) -> Result<bool, ServerError>,
) -> Result<bool, ServerError> {
    let teams = with_tx(s.db.as_ref(), |tx| scope::teams(tx, manager))?;
    for team in teams {
        if f(&team)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Runs `act` (off the async runtime) for the first of the manager's teams it applies to; then
/// logs `event` and shows the Now page saying `done`, or answers 404 as for a missing visit (a
/// visit of another team is never told apart from one that does not exist).
async fn team_action(
    s: &AppState,
    headers: &HeaderMap,
    m: &Manager,
    event: &'static str,
    done: &'static str,
    mut act: impl FnMut(&AppState, &str) -> Result<bool, ServerError> + Send + 'static,
) -> Response {
    let state = s.clone();
    let manager = m.id.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        in_own_team(&state, &manager, |team| act(&state, team))
    })
    .await;
    match outcome {
        Ok(Ok(true)) => {
            tracing::info!(event, "manager action on a check-in");
            answer(s, headers, Some(done)).await
        }
        _ => not_found(m.who()),
    }
}

/// `POST /dashboard/now/{visit}/acknowledge`: records that the manager saw the escalation and
/// who they called (the escalation goes on until a check-out or a confirmed-safe close).
pub async fn acknowledge(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(visit): Path<String>,
    ManagerPost { manager: m, form }: ManagerPost,
) -> Response {
    let who = form.get("who_was_called").cloned().unwrap_or_default();
    if who.trim().is_empty() || who.chars().count() > 500 {
        return answer(&s, &headers, Some("Not acknowledged: say who you called.")).await;
    }
    let (manager, now) = (m.id.clone(), s.now());
    team_action(
        &s,
        &headers,
        &m,
        "escalation_acknowledged",
        "Acknowledged: the escalation stays open until the practitioner checks out.",
        move |state, team| match lone_working::acknowledge(
            state.db.as_ref(),
            team,
            &visit,
            &manager,
            &who,
            now,
        ) {
            Ok(()) => Ok(true),
            Err(ServerError::NotFound(_)) => Ok(false),
            Err(e) => Err(e),
        },
    )
    .await
}

/// `POST /dashboard/now/{visit}/resolve`: the manager has confirmed the practitioner is safe.
pub async fn resolve(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(visit): Path<String>,
    ManagerPost { manager: m, .. }: ManagerPost,
) -> Response {
    let now = s.now();
    team_action(
        &s,
        &headers,
        &m,
        "check_in_resolved",
        "Closed: whoever was alerted is told the practitioner is safe.",
        move |state, team| lone_working::resolve(state.db.as_ref(), team, &visit, now),
    )
    .await
}
