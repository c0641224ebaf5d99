//! The dashboard's routes: sign-in and sign-out, the pages, and the two actions (revoke a device,
//! record a supervision discussion). Every page needs a live session; every POST needs the
//! session's CSRF token (the sign-in form a double-submit token of its own) and, when the browser
//! sends one, an `Origin` naming this server.

use super::audit::{self, AuditAction};
use super::children::{self, CaseFile, Ranked, RankedChild};
use super::pages::*;
use super::session::{self, tokens_match, Session};
use super::{accounts, scope};
use crate::db::{with_tx, Val};
use crate::error::ServerError;
use crate::http::{AppState, Client};
use crate::sync::{apply_server_case_change, load_record, server_hlc};
use askama::Template;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use doorstep_core::domain::Supervision;
use doorstep_core::planning::Alert;
use doorstep_core::sync::merge::{Delta, Stamped};
use doorstep_core::view as labels;
use std::collections::HashMap;

/// The dashboard's routes, merged into the server's router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/dashboard",
            get(|| async { Redirect::to("/dashboard/now") }),
        )
        .route("/dashboard/style.css", get(style))
        .route("/dashboard/login", get(login_form).post(login))
        .route("/dashboard/logout", post(logout))
        .route("/dashboard/now", get(super::now::page))
        .route(
            "/dashboard/now/{visit}/acknowledge",
            post(super::now::acknowledge),
        )
        .route("/dashboard/now/{visit}/resolve", post(super::now::resolve))
        .route("/dashboard/children", get(children_page))
        .route("/dashboard/children/{case}", get(child_page))
        .route("/dashboard/devices", get(devices_page))
        .route("/dashboard/devices/{device}/revoke", post(revoke))
        .route(
            "/dashboard/supervision",
            get(supervision_page).post(record_supervision),
        )
        .route("/dashboard/audit", get(audit_page))
}

/// Headers every dashboard answer carries: nothing cached, no framing, no scripts, no referrer
/// to other sites.
fn secure_headers(resp: &mut Response) {
    let h = resp.headers_mut();
    for (name, value) in [
        (header::CACHE_CONTROL, "no-store"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        // `same-origin`: other sites get no referrer, while this server's own form posts keep their
        // `Origin` (under `no-referrer` browsers send `Origin: null`, refused by [`same_origin`]).
        (header::REFERRER_POLICY, "same-origin"),
    ] {
        h.insert(name, HeaderValue::from_static(value));
    }
}

/// A rendered template as an HTML answer.
pub(super) fn html(status: StatusCode, t: &impl Template) -> Response {
    let mut resp = match t.render() {
        Ok(body) => (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            body,
        )
            .into_response(),
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "page could not be rendered",
        )
            .into_response(),
    };
    secure_headers(&mut resp);
    resp
}

/// A `303 See Other` to `to`, with the dashboard's headers.
pub(super) fn see_other(to: &str) -> Response {
    let mut resp = Redirect::to(to).into_response();
    *resp.status_mut() = StatusCode::SEE_OTHER;
    secure_headers(&mut resp);
    resp
}

/// The "not found" page — also the answer for anything outside the manager's teams, so a guessed
/// id tells nothing.
pub(super) fn not_found(who: Option<Who>) -> Response {
    html(
        StatusCode::NOT_FOUND,
        &MessagePage {
            who,
            page: "",
            heading: "Not found",
            text: "There is no such page, or it is not in your teams.",
        },
    )
}

/// A refused POST (no valid CSRF token, or another site's origin).
pub(super) fn forbidden() -> Response {
    html(
        StatusCode::FORBIDDEN,
        &MessagePage {
            who: None,
            page: "",
            heading: "Refused",
            text: "This form was not sent from this dashboard, or it has expired. Go back, reload the page and try again.",
        },
    )
}

fn internal(e: ServerError) -> Response {
    tracing::error!(error = %e, "dashboard");
    html(
        StatusCode::INTERNAL_SERVER_ERROR,
        &MessagePage {
            who: None,
            page: "",
            heading: "Something went wrong",
            text: "The dashboard could not answer. Try again in a moment.",
        },
    )
}

async fn blocking<R: Send + 'static>(
    f: impl FnOnce() -> Result<R, ServerError> + Send + 'static,
) -> Result<R, Response> {
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(r)) => Ok(r),
        Ok(Err(e)) => Err(internal(e)),
        Err(_) => Err(internal(ServerError::Internal("worker failed"))),
    }
}

/// A cookie's value from the request's `Cookie` headers.
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Whether a POST comes from this server's own pages: an `Origin` header, when sent, must name
/// the host the request was sent to (browsers send it on every cross-site POST).
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin = origin.to_str().ok();
    match (origin, host) {
        (Some(o), Some(h)) => {
            let o = o
                .strip_prefix("https://")
                .or_else(|| o.strip_prefix("http://"))
                .unwrap_or("");
            o.eq_ignore_ascii_case(h)
        }
        _ => false,
    }
}

/// A signed-in manager for this request.
pub(super) struct Manager {
    pub id: String,
    pub name: String,
    pub session: Session,
}

impl Manager {
    pub fn who(&self) -> Option<Who> {
        Some(Who {
            name: self.name.clone(),
            csrf: self.session.csrf.clone(),
        })
    }
}

/// The signed-in manager, or the answer to send instead (to the sign-in page).
pub(super) async fn signed_in(s: &AppState, headers: &HeaderMap) -> Result<Manager, Response> {
    let policy = s.config.dashboard.session;
    let Some(id) = cookie(headers, policy.cookie_name()).map(str::to_string) else {
        return Err(see_other("/dashboard/login"));
    };
    let now = s.now();
    let db = s.db.clone();
    let found = blocking(move || {
        let Some(session) = session::find(db.as_ref(), &id, now, policy)? else {
            return Ok(None);
        };
        let name = accounts::manager_name(db.as_ref(), &session.manager_id)?;
        Ok(Some(Manager {
            id: session.manager_id.clone(),
            name,
            session,
        }))
    })
    .await?;
    found.ok_or_else(|| see_other("/dashboard/login"))
}

/// The signed-in manager for a POST whose form carried `csrf`: refused unless the token matches
/// the session's (compared in constant time) and the origin is this server.
pub(super) async fn signed_in_post(
    s: &AppState,
    headers: &HeaderMap,
    csrf: Option<&String>,
) -> Result<Manager, Response> {
    if !same_origin(headers) {
        return Err(forbidden());
    }
    let m = signed_in(s, headers).await?;
    match csrf {
        Some(t) if tokens_match(t, &m.session.csrf) => Ok(m),
        _ => Err(forbidden()),
    }
}

/// A POST from a signed-in manager, as a handler's last argument: the form, its `csrf` token
/// checked against the session (in constant time) and the origin checked. Any other request gets
/// its answer (the sign-in page, or 403) without reaching the handler.
pub(super) struct ManagerPost {
    pub manager: Manager,
    pub form: HashMap<String, String>,
}

impl FromRequest<AppState> for ManagerPost {
    type Rejection = Response;

    async fn from_request(req: Request, s: &AppState) -> Result<Self, Response> {
        let headers = req.headers().clone();
        let Form(form) = Form::<HashMap<String, String>>::from_request(req, s)
            .await
            .map_err(IntoResponse::into_response)?;
        let manager = signed_in_post(s, &headers, form.get("csrf")).await?;
        Ok(Self { manager, form })
    }
}

async fn style() -> Response {
    let mut resp = ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE).into_response();
    secure_headers(&mut resp);
    resp
}

fn login_page(s: &AppState, status: StatusCode, message: Option<&'static str>) -> Response {
    let policy = s.config.dashboard.session;
    let Ok(token) = session::random_token() else {
        return internal(ServerError::Internal("random generator failed"));
    };
    let mut resp = html(
        status,
        &LoginPage {
            who: None,
            page: "login",
            csrf: token.clone(),
            message,
        },
    );
    if let Ok(v) =
        HeaderValue::from_str(&policy.set_cookie(policy.login_cookie_name(), &token, 3600))
    {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

async fn login_form(State(s): State<AppState>) -> Response {
    login_page(&s, StatusCode::OK, None)
}

/// The one answer to every refused sign-in: it does not say whether the account exists, the
/// password was wrong or the account is locked.
const LOGIN_REFUSED: &str =
    "That user name and password were not accepted. After several failed attempts an account is locked for 15 minutes.";

async fn login(
    State(s): State<AppState>,
    Extension(Client(client)): Extension<Client>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let policy = s.config.dashboard.session;
    let double_submit = cookie(&headers, policy.login_cookie_name()).unwrap_or("");
    let sent = form.get("csrf").map_or("", String::as_str);
    if !same_origin(&headers) || !tokens_match(sent, double_submit) {
        return forbidden();
    }
    if let Err(wait) = s.limiters.may_authenticate(client) {
        return too_many(&s, wait);
    }
    let username = form.get("username").cloned().unwrap_or_default();
    let password = form.get("password").cloned().unwrap_or_default();
    let now = s.now();
    let db = s.db.clone();
    let lockout = s.config.dashboard.lockout;
    let started = match blocking(move || {
        match accounts::check_login(db.as_ref(), &username, &password, now, lockout)? {
            Some(id) => Ok(Some(session::start(db.as_ref(), &id, now)?)),
            None => Ok(None),
        }
    })
    .await
    {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    let Some((cookie_value, _)) = started else {
        if let Err(wait) = s.limiters.failed_authentication(client) {
            return too_many(&s, wait);
        }
        return login_page(&s, StatusCode::UNAUTHORIZED, Some(LOGIN_REFUSED));
    };
    tracing::info!(event = "manager_signed_in", "manager signed in");
    let mut resp = see_other("/dashboard/now");
    let max_age = policy.absolute_millis / 1000;
    for v in [
        policy.set_cookie(policy.cookie_name(), &cookie_value, max_age),
        policy.set_cookie(policy.login_cookie_name(), "", 0),
    ] {
        if let Ok(v) = HeaderValue::from_str(&v) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}

fn too_many(s: &AppState, wait: u64) -> Response {
    let mut resp = login_page(s, StatusCode::TOO_MANY_REQUESTS, Some(LOGIN_REFUSED));
    if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}

async fn logout(
    State(s): State<AppState>,
    headers: HeaderMap,
    ManagerPost { manager: m, .. }: ManagerPost,
) -> Response {
    let policy = s.config.dashboard.session;
    let id = cookie(&headers, policy.cookie_name())
        .unwrap_or_default()
        .to_string();
    let now = s.now();
    let db = s.db.clone();
    drop(m);
    if let Err(resp) = blocking(move || session::end(db.as_ref(), &id, now)).await {
        return resp;
    }
    let mut resp = see_other("/dashboard/login");
    if let Ok(v) = HeaderValue::from_str(&policy.set_cookie(policy.cookie_name(), "", 0)) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

/// A time in the UK, as the phones show it.
pub(super) fn when(millis: i64) -> String {
    Utc.timestamp_millis_opt(millis)
        .single()
        .map_or_else(String::new, labels::time_label)
}

fn alert_rows(alerts: &[Alert]) -> Vec<AlertRow> {
    alerts
        .iter()
        .map(|a| AlertRow {
            priority: labels::priority_label(a.priority),
            priority_code: match a.priority {
                doorstep_core::planning::Priority::Critical => "critical",
                doorstep_core::planning::Priority::Urgent => "urgent",
                doorstep_core::planning::Priority::High => "high",
                doorstep_core::planning::Priority::Medium => "medium",
                doorstep_core::planning::Priority::Low => "low",
            },
            kind: labels::alert_kind_label(a.kind),
            message: a.message.clone(),
            prompts: a.prompts.clone(),
        })
        .collect()
}

fn lead_name(f: &CaseFile) -> String {
    f.lead
        .as_ref()
        .map_or_else(|| "an unknown practitioner".to_string(), |l| l.0.clone())
}

async fn children_page(State(s): State<AppState>, headers: HeaderMap) -> Response {
    let m = match signed_in(&s, &headers).await {
        Ok(m) => m,
        Err(resp) => return resp,
    };
    let now = s.now();
    let when_now = s.clock.now();
    let db = s.db.clone();
    let manager = m.id.clone();
    let ranked: Ranked = match blocking(move || {
        with_tx(db.as_ref(), |tx| {
            let list = children::ranked(tx, &manager, when_now)?;
            for c in &list.children {
                audit::record(
                    tx,
                    &manager,
                    &c.file.case.id.to_string(),
                    AuditAction::Listed,
                    now,
                )?;
            }
            Ok(list)
        })
    })
    .await
    {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    let children = ranked
        .children
        .iter()
        .map(|c| ChildRow {
            case_id: c.file.case.id.to_string(),
            name: c.file.child.name.clone(),
            rag: labels::rag_label(c.file.case.rag),
            rag_code: c.file.case.rag.code(),
            plan: labels::plan_label(c.file.case.plan),
            lead: lead_name(&c.file),
            alerts: alert_rows(&c.alerts),
        })
        .collect();
    html(
        StatusCode::OK,
        &ChildrenPage {
            who: m.who(),
            page: "children",
            children,
            unreadable: ranked.unreadable,
        },
    )
}

async fn child_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(case): Path<String>,
) -> Response {
    let m = match signed_in(&s, &headers).await {
        Ok(m) => m,
        Err(resp) => return resp,
    };
    let now = s.now();
    let when_now = s.clock.now();
    let db = s.db.clone();
    let manager = m.id.clone();
    let found = blocking(move || {
        with_tx(db.as_ref(), |tx| {
            if !scope::may_see_case(tx, &manager, &case)? {
                return Ok(None);
            }
            let Some(file) = children::case_file(tx, &case)? else {
                return Ok(None);
            };
            audit::record(tx, &manager, &case, AuditAction::Viewed, now)?;
            let settings = file.settings();
            let alerts = doorstep_core::planning::alerts(
                std::slice::from_ref(&file.facts),
                &settings.policy,
                &doorstep_core::planning::BankHolidays::official(),
                when_now,
            )
            .map_err(|_| ServerError::Internal("planning"))?;
            Ok(Some((file, alerts)))
        })
    })
    .await;
    let (file, alerts) = match found {
        Ok(Some(f)) => f,
        Ok(None) => return not_found(m.who()),
        Err(resp) => return resp,
    };
    let page = ChildPage {
        who: m.who(),
        page: "children",
        who_csrf: m.session.csrf.clone(),
        name: file.child.name.clone(),
        plan: labels::plan_label(file.case.plan),
        rag: labels::rag_label(file.case.rag),
        rag_code: file.case.rag.code(),
        lead: lead_name(&file),
        address: file
            .household
            .as_ref()
            .map(|h| h.address.clone())
            .unwrap_or_default(),
        alerts: alert_rows(&alerts),
        chronology: file
            .chronology()
            .into_iter()
            .rev()
            .map(|e| (labels::time_label(e.at), e.summary))
            .collect(),
        cases: vec![(file.case.id.to_string(), file.child.name.clone())],
    };
    html(StatusCode::OK, &page)
}

async fn devices_page(State(s): State<AppState>, headers: HeaderMap) -> Response {
    devices_answer(&s, &headers, None).await
}

async fn devices_answer(
    s: &AppState,
    headers: &HeaderMap,
    message: Option<&'static str>,
) -> Response {
    let m = match signed_in(s, headers).await {
        Ok(m) => m,
        Err(resp) => return resp,
    };
    let db = s.db.clone();
    let manager = m.id.clone();
    let rows = blocking(move || {
        with_tx(db.as_ref(), |tx| {
            let mut rows = Vec::new();
            for p in scope::practitioners(tx, &manager)? {
                let devices = tx.query(
                    "SELECT d.id, d.enrolled_at, d.last_seen, d.revoked_at, d.wiped_at, \
                     (SELECT MAX(o.received_at) FROM ops o WHERE o.device_id = d.id), d.backlog, d.backlog_at \
                     FROM devices d WHERE d.practitioner_id = $1 ORDER BY d.enrolled_at",
                    &[Val::Text(p.id.clone())],
                )?;
                for d in devices {
                    let id = d[0].text().unwrap_or_default().to_string();
                    let revoked = d[3].int().is_some();
                    rows.push(DeviceRow {
                        practitioner: p.name.clone(),
                        team: p.team.clone(),
                        device_short: id.chars().take(8).collect(),
                        device: id,
                        enrolled: when(d[1].int().unwrap_or_default()),
                        last_seen: d[2].int().map_or_else(|| "never".to_string(), when),
                        last_push: d[5].int().map_or_else(|| "none".to_string(), when),
                        backlog: match (d[6].int(), d[7].int()) {
                            (Some(n), Some(at)) => format!("{n} at {}", when(at)),
                            _ => "not reported".to_string(),
                        },
                        state: match (revoked, d[4].int().is_some()) {
                            (true, true) => "revoked, wiped",
                            (true, false) => "revoked, wipe pending",
                            _ => "active",
                        },
                        can_revoke: !revoked,
                    });
                }
            }
            Ok(rows)
        })
    })
    .await;
    let rows = match rows {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    html(
        StatusCode::OK,
        &DevicesPage {
            who: m.who(),
            page: "devices",
            who_csrf: m.session.csrf.clone(),
            message,
            rows,
        },
    )
}

async fn revoke(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(device): Path<String>,
    ManagerPost { manager: m, .. }: ManagerPost,
) -> Response {
    let now = s.now();
    let db = s.db.clone();
    let manager = m.id.clone();
    let done = blocking(move || {
        with_tx(db.as_ref(), |tx| {
            if !scope::may_manage_device(tx, &manager, &device)? {
                return Ok(false);
            }
            tx.exec(
                "UPDATE devices SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
                &[Val::Int(now), Val::Text(device.clone())],
            )?;
            Ok(true)
        })
    })
    .await;
    match done {
        Ok(true) => {
            tracing::info!(event = "device_revoked_by_manager", "device revoked");
            devices_answer(
                &s,
                &headers,
                Some("Device revoked: it will erase its records the next time it contacts the server."),
            )
            .await
        }
        Ok(false) => not_found(m.who()),
        Err(resp) => resp,
    }
}

/// The manager's children for the supervision form: (case id, name), by name.
fn case_choices(files: &[RankedChild]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = files
        .iter()
        .map(|c| (c.file.case.id.to_string(), c.file.child.name.clone()))
        .collect();
    v.sort_by(|a, b| a.1.cmp(&b.1));
    v
}

async fn supervision_page(State(s): State<AppState>, headers: HeaderMap) -> Response {
    supervision_answer(&s, &headers, StatusCode::OK, None).await
}

async fn supervision_answer(
    s: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    message: Option<&'static str>,
) -> Response {
    let m = match signed_in(s, headers).await {
        Ok(m) => m,
        Err(resp) => return resp,
    };
    let db = s.db.clone();
    let manager = m.id.clone();
    let when_now = s.clock.now();
    let files =
        blocking(move || with_tx(db.as_ref(), |tx| children::ranked(tx, &manager, when_now))).await;
    let files = match files {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let mut recorded: Vec<(DateTime<Utc>, SupervisionRow)> = files
        .children
        .iter()
        .flat_map(|c| {
            c.file.case.supervisions.iter().map(|r| {
                (
                    r.at,
                    SupervisionRow {
                        at: labels::time_label(r.at),
                        child: c.file.child.name.clone(),
                        decision: r.decision.clone(),
                        actions: r.actions.clone(),
                        owner: r.owner.clone(),
                        due: labels::date_label(r.due),
                    },
                )
            })
        })
        .collect();
    recorded.sort_by_key(|r| std::cmp::Reverse(r.0));
    html(
        status,
        &SupervisionPage {
            who: m.who(),
            page: "supervision",
            who_csrf: m.session.csrf.clone(),
            message,
            cases: case_choices(&files.children),
            recorded: recorded.into_iter().map(|r| r.1).collect(),
            unreadable: files.unreadable,
        },
    )
}

async fn record_supervision(
    State(s): State<AppState>,
    headers: HeaderMap,
    ManagerPost { manager: m, form }: ManagerPost,
) -> Response {
    let field = |k: &str| form.get(k).map_or("", String::as_str);
    let due = NaiveDate::parse_from_str(field("due"), "%Y-%m-%d");
    let record = due.ok().and_then(|due| {
        Supervision::new(
            s.clock.now(),
            &m.name,
            field("decision"),
            field("actions"),
            field("owner"),
            due,
        )
        .ok()
    });
    let Some(record) = record else {
        return supervision_answer(
            &s,
            &headers,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("Not recorded: the decision, actions, owner and a due date are all needed."),
        )
        .await;
    };
    let case = field("case").to_string();
    let now = s.now();
    let db = s.db.clone();
    let manager = m.id.clone();
    let target = case.clone();
    let done = blocking(move || {
        with_tx(db.as_ref(), |tx| {
            if !scope::may_see_case(tx, &manager, &case)? {
                return Ok(false);
            }
            let Some(rec) = load_record(tx, &case)?.filter(|r| r.kind == "case") else {
                return Ok(false);
            };
            let value = serde_json::to_value(&record)
                .map_err(|_| ServerError::Internal("encode supervision"))?;
            let hlc = server_hlc(&rec.stamps, now);
            let delta = Delta::from([(
                "supervisions".to_string(),
                Stamped {
                    value: serde_json::Value::Array(vec![value]),
                    hlc,
                },
            )]);
            apply_server_case_change(tx, &case, rec, delta, hlc)?;
            audit::record(tx, &manager, &case, AuditAction::Supervised, now)?;
            Ok(true)
        })
    })
    .await;
    match done {
        Ok(true) => {
            tracing::info!(event = "supervision_recorded", "supervision recorded");
            see_other(&format!("/dashboard/children/{target}#chronology"))
        }
        Ok(false) => not_found(m.who()),
        Err(resp) => resp,
    }
}

async fn audit_page(State(s): State<AppState>, headers: HeaderMap) -> Response {
    let m = match signed_in(&s, &headers).await {
        Ok(m) => m,
        Err(resp) => return resp,
    };
    let db = s.db.clone();
    let manager = m.id.clone();
    let rows = blocking(move || {
        with_tx(db.as_ref(), |tx| {
            let rows = tx.query(
                "SELECT a.at, m.name, a.case_id, a.action FROM audit_log a JOIN managers m ON m.id = a.manager_id \
                 WHERE a.case_id IN (SELECT DISTINCT al.case_id FROM allocations al JOIN practitioners p ON p.id = al.practitioner_id \
                 JOIN manager_teams mt ON mt.team_id = p.team_id WHERE mt.manager_id = $1) ORDER BY a.at DESC, a.id LIMIT 500",
                &[Val::from(manager.as_str())],
            )?;
            let mut names: HashMap<String, String> = HashMap::new();
            let mut out = Vec::new();
            for r in rows {
                let case = r[2].text().unwrap_or_default().to_string();
                if !names.contains_key(&case) {
                    let name = children::case_file(tx, &case)?
                        .map_or_else(|| "unknown".to_string(), |f| f.child.name);
                    names.insert(case.clone(), name);
                }
                out.push((
                    when(r[0].int().unwrap_or_default()),
                    r[1].text().unwrap_or_default().to_string(),
                    names.get(&case).cloned().unwrap_or_default(),
                    r[3].text().unwrap_or_default().replace('_', " "),
                ));
            }
            Ok(out)
        })
    })
    .await;
    match rows {
        Ok(rows) => html(
            StatusCode::OK,
            &AuditPage {
                who: m.who(),
                page: "audit",
                rows,
            },
        ),
        Err(resp) => resp,
    }
}
