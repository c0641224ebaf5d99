//! The *Now* page: who of the manager's teams is checked in to a visit and not checked out, and
//! whether they are past amber or red — from the visits the phones have synced, with the core's
//! lone-working deadlines (the same times the phone alerts at).

use super::children;
use super::pages::Who;
use super::scope;
use super::web::{html, signed_in};
use crate::db::{with_tx, Val};
use crate::error::ServerError;
use crate::http::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Utc};
use doorstep_core::planning::lone_working_deadlines;
use doorstep_core::view as labels;

/// A checked-in practitioner.
pub struct NowRow {
    pub state: &'static str,
    pub state_code: &'static str,
    pub practitioner: String,
    pub child: String,
    pub checked_in: String,
    pub amber_at: String,
    pub red_at: String,
    /// For ordering: red first, then amber, then by check-in.
    pub rank: (u8, DateTime<Utc>),
}

/// The Now page.
#[derive(Template)]
#[template(path = "now.html")]
pub struct NowPage {
    pub who: Option<Who>,
    pub page: &'static str,
    pub message: Option<&'static str>,
    pub rows: Vec<NowRow>,
}

/// The open check-ins on the manager's teams' cases, red first.
pub fn open_check_ins(
    tx: &mut dyn crate::db::Tx,
    manager: &str,
    now: DateTime<Utc>,
) -> Result<Vec<NowRow>, ServerError> {
    let mut rows = Vec::new();
    for case in scope::cases(tx, manager)? {
        let Some(file) = children::case_file(tx, &case)? else {
            continue;
        };
        let policy = file.settings().policy;
        for v in file
            .visits
            .iter()
            .filter(|v| v.status.is_open() && v.checked_out_at.is_none())
        {
            let Some(started) = v.started_at else {
                continue;
            };
            let (amber, red) = lone_working_deadlines(started, v.expected_minutes, &policy);
            let (state, state_code, order) = if now >= red {
                ("Red", "critical", 0)
            } else if now >= amber {
                ("Amber", "urgent", 1)
            } else {
                ("Checked in", "low", 2)
            };
            let practitioner = tx
                .query_opt(
                    "SELECT name FROM practitioners WHERE id = $1",
                    &[Val::Text(v.practitioner_id.to_string())],
                )?
                .and_then(|r| r[0].text().map(str::to_string))
                .unwrap_or_else(|| "an unknown practitioner".into());
            rows.push(NowRow {
                state,
                state_code,
                practitioner,
                child: file.child.name.clone(),
                checked_in: labels::time_label(started),
                amber_at: labels::time_label(amber),
                red_at: labels::time_label(red),
                rank: (order, started),
            });
        }
    }
    rows.sort_by(|a, b| a.rank.cmp(&b.rank));
    Ok(rows)
}

/// `GET /dashboard/now`.
pub async fn page(State(s): State<AppState>, headers: HeaderMap) -> Response {
    let m = match signed_in(&s, &headers).await {
        Ok(m) => m,
        Err(resp) => return resp,
    };
    let db = s.db.clone();
    let manager = m.id.clone();
    let now = s.clock.now();
    let rows = tokio::task::spawn_blocking(move || {
        with_tx(db.as_ref(), |tx| open_check_ins(tx, &manager, now))
    })
    .await;
    let rows = match rows {
        Ok(Ok(r)) => r,
        _ => return super::web::not_found(m.who()),
    };
    html(
        StatusCode::OK,
        &NowPage {
            who: m.who(),
            page: "now",
            message: None,
            rows,
        },
    )
}
