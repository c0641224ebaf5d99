//! The supervisor's dashboard under test: a server with two teams, a manager of each, children
//! written on enrolled phones and synced, and a small HTTP client that keeps its own cookies (so
//! a test sees every `Set-Cookie` and every redirect).

use crate::sync_env::{quick, transport};
use crate::sync_world::{family, World};
use doorstep_core::domain::{Agency, CaseId, NewVisit, PersonId, VisitKind};
use doorstep_core::{Clock, Store};
use doorstep_server::dashboard::accounts;
use doorstep_server::{admin, Config};
use std::collections::BTreeMap;

/// Manager A's password (team A).
pub const PASSWORD_A: &str = "correct horse battery A";
/// Manager B's password (team B).
pub const PASSWORD_B: &str = "correct horse battery B";

/// Two teams on one server, a manager of each, a child in each synced from a phone, and an open
/// check-in in team A.
pub struct Scene {
    /// The server, team A (`world.team`) and its database.
    pub world: World,
    /// Team B's id.
    pub team_b: String,
    /// Team A's practitioner and phone.
    pub phone_a: Store,
    /// Team B's practitioner and phone.
    pub phone_b: Store,
    /// Team A's child and case.
    pub child_a: (PersonId, CaseId),
    /// Team B's child and case.
    pub child_b: (PersonId, CaseId),
    /// Team B's practitioner's id.
    pub practitioner_b: String,
    /// Team A's open check-in (a visit started and not checked out).
    pub visit_a: String,
}

impl Scene {
    /// Builds the scene on a server with `config`.
    pub fn new(config: Config) -> Self {
        let world = World::with_config(config);
        let team_b = admin::add_team(world.db.as_ref(), "Telford South").expect("team B");
        let pa = world.practitioner("Sam Okafor", Agency::SocialCare);
        let pb = admin::add_practitioner(
            world.db.as_ref(),
            &team_b,
            "Jo Pryce",
            Agency::SocialCare,
            world.now(),
        )
        .expect("practitioner B");
        let phone_a = world.device(&pa, "phone-a");
        let phone_b = world.device(&pb, "phone-b");
        let child_a = family(&phone_a, 1, true);
        let child_b = family(&phone_b, 2, true);
        let v = phone_a
            .plan_visit(NewVisit {
                case_id: child_a.1,
                kind: VisitKind::AnnouncedHome,
                planned_for: world.clock.now(),
                expected_minutes: 45,
                departure_reason: None,
            })
            .expect("visit");
        phone_a.start_visit(v.id).expect("check in");
        for p in [&phone_a, &phone_b] {
            p.sync(&transport(), None, quick()).expect("sync");
        }
        let now = world.now();
        let db = world.db.as_ref();
        accounts::create_manager(
            db,
            "manager.a",
            "Alex Morgan",
            PASSWORD_A,
            std::slice::from_ref(&world.team),
            now,
        )
        .expect("manager A");
        accounts::create_manager(
            db,
            "manager.b",
            "Bea Lloyd",
            PASSWORD_B,
            std::slice::from_ref(&team_b),
            now,
        )
        .expect("manager B");
        Self {
            world,
            team_b,
            phone_a,
            phone_b,
            child_a,
            child_b,
            practitioner_b: pb,
            visit_a: v.id.to_string(),
        }
    }

    /// A browser-like client of this server.
    pub fn web(&self) -> Web {
        Web::new(&self.world.server.url())
    }
}

/// An answer.
#[derive(Debug)]
pub struct Answer {
    /// Status code.
    pub status: u16,
    /// `Location`, if any.
    pub location: Option<String>,
    /// Every `Set-Cookie`.
    pub set_cookies: Vec<String>,
    /// Every header (lower-case names; the last value of each).
    pub headers: BTreeMap<String, String>,
    /// The body.
    pub body: String,
}

/// A client that keeps cookies by name and never follows redirects.
pub struct Web {
    base: String,
    agent: ureq::Agent,
    /// Cookies sent with every request.
    pub cookies: BTreeMap<String, String>,
    /// An `Origin` header to send with POSTs, if any.
    pub origin: Option<String>,
}

impl Web {
    /// A client of `base` (`http://127.0.0.1:PORT`).
    pub fn new(base: &str) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into();
        Self {
            base: base.to_string(),
            agent,
            cookies: BTreeMap::new(),
            origin: None,
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn answer(&mut self, mut resp: ureq::http::Response<ureq::Body>) -> Answer {
        let status = resp.status().as_u16();
        let mut headers = BTreeMap::new();
        let mut set_cookies = Vec::new();
        for (k, v) in resp.headers() {
            let v = v.to_str().unwrap_or_default().to_string();
            if k.as_str() == "set-cookie" {
                set_cookies.push(v.clone());
                let pair = v.split(';').next().unwrap_or_default();
                if let Some((name, value)) = pair.split_once('=') {
                    if value.is_empty() || v.contains("Max-Age=0") {
                        self.cookies.remove(name);
                    } else {
                        self.cookies.insert(name.to_string(), value.to_string());
                    }
                }
            }
            headers.insert(k.as_str().to_string(), v);
        }
        let body = resp.body_mut().read_to_string().unwrap_or_default();
        Answer {
            status,
            location: headers.get("location").cloned(),
            set_cookies,
            headers,
            body,
        }
    }

    /// `GET path`.
    pub fn get(&mut self, path: &str) -> Answer {
        let mut req = self.agent.get(format!("{}{path}", self.base));
        if !self.cookies.is_empty() {
            req = req.header("Cookie", &self.cookie_header());
        }
        let resp = req.call().expect("GET");
        self.answer(resp)
    }

    /// `POST path` with a form.
    pub fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Answer {
        let mut req = self.agent.post(format!("{}{path}", self.base));
        if !self.cookies.is_empty() {
            req = req.header("Cookie", &self.cookie_header());
        }
        if let Some(o) = &self.origin {
            req = req.header("Origin", o);
        }
        let resp = req.send_form(form.iter().copied()).expect("POST");
        self.answer(resp)
    }

    /// Signs in (loading the form first for its token); returns the sign-in's answer.
    pub fn sign_in(&mut self, user: &str, password: &str) -> Answer {
        let form = self.get("/dashboard/login");
        let token = csrf(&form.body).expect("the sign-in form carries a token");
        self.post(
            "/dashboard/login",
            &[("csrf", &token), ("username", user), ("password", password)],
        )
    }
}

/// The CSRF token of the first form on a page.
pub fn csrf(body: &str) -> Option<String> {
    let at = body.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    let rest = &body[at..];
    Some(rest[..rest.find('"')?].to_string())
}
