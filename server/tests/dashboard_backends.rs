//! The dashboard's SQL on both backends (SQLite, and PostgreSQL when configured): a manager is
//! created, signs in over HTTP, and every page answers; sessions, lockout, scoping and the audit
//! log read and write through the same `Backend`. (The attacks themselves are in
//! `tests/tests/dashboard_http.rs`.)

mod common;

use common::*;
use doorstep_server::dashboard::{accounts, audit, scope, session};
use doorstep_server::db::with_tx;
use doorstep_server::rate::RateLimits;
use doorstep_server::Config;

fn form_token(body: &str) -> String {
    let at = body.find("name=\"csrf\" value=\"").unwrap() + 19;
    body[at..at + 43].to_string()
}

#[test]
fn every_page_answers_and_accounts_sessions_and_audit_work_on_each_backend() {
    for b in backends() {
        let config = Config {
            rate: RateLimits::generous(),
            ..Config::default()
        };
        let e = env(b, config);
        let p = e.practitioner("Alex Able");
        let (device, _) = e.device(&p);
        let now = e.now();
        let id = accounts::create_manager(
            e.db.as_ref(),
            "m.one",
            "Morgan One",
            "a long enough password",
            std::slice::from_ref(&e.team),
            now,
        )
        .unwrap();
        assert!(
            accounts::create_manager(
                e.db.as_ref(),
                "M.ONE",
                "x",
                "a long enough password",
                std::slice::from_ref(&e.team),
                now
            )
            .is_err(),
            "{b}: names are unique"
        );
        let lock = accounts::LockoutPolicy::default();
        for _ in 0..5 {
            assert_eq!(
                accounts::check_login(e.db.as_ref(), "m.one", "wrong", now, lock).unwrap(),
                None
            );
        }
        assert_eq!(
            accounts::check_login(e.db.as_ref(), "m.one", "a long enough password", now, lock)
                .unwrap(),
            None,
            "{b}: locked"
        );
        let later = now + lock.lock_millis + 1;
        assert_eq!(
            accounts::check_login(
                e.db.as_ref(),
                "m.one",
                "a long enough password",
                later,
                lock
            )
            .unwrap(),
            Some(id.clone())
        );
        let (cookie, s) = session::start(e.db.as_ref(), &id, now).unwrap();
        let policy = session::SessionPolicy::default();
        assert!(session::find(e.db.as_ref(), &cookie, now + 1000, policy)
            .unwrap()
            .is_some());
        session::end(e.db.as_ref(), &cookie, now + 2000).unwrap();
        assert!(session::find(e.db.as_ref(), &cookie, now + 3000, policy)
            .unwrap()
            .is_none());
        assert_eq!(s.csrf.len(), 43);
        with_tx(e.db.as_ref(), |tx| {
            assert_eq!(scope::teams(tx, &id)?, vec![e.team.clone()]);
            assert!(scope::may_manage_device(tx, &id, &device.to_string())?);
            assert!(scope::cases(tx, &id)?.is_empty());
            audit::record(tx, &id, "case-1", audit::AuditAction::Viewed, now)
        })
        .unwrap();
        let rows = audit::read(e.db.as_ref(), 0, Some("case-1")).unwrap();
        assert_eq!((rows.len(), rows[0].action.as_str()), (1, "viewed"));

        // Over HTTP: sign in and open every page.
        let url = e.server.url();
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into();
        let mut login = agent.get(format!("{url}/dashboard/login")).call().unwrap();
        let login_cookie = login
            .headers()
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        let token = form_token(&login.body_mut().read_to_string().unwrap());
        let resp = agent
            .post(format!("{url}/dashboard/login"))
            .header("Cookie", &login_cookie)
            .send_form([
                ("csrf", token.as_str()),
                ("username", "m.one"),
                ("password", "a long enough password"),
            ])
            .unwrap();
        assert_eq!(resp.status().as_u16(), 303, "{b}");
        let session_cookie = resp
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
            .find(|c| c.starts_with("__Host-doorstep_session="))
            .unwrap();
        for page in ["now", "children", "devices", "supervision", "audit"] {
            let mut r = agent
                .get(format!("{url}/dashboard/{page}"))
                .header("Cookie", &session_cookie)
                .call()
                .unwrap();
            let body = r.body_mut().read_to_string().unwrap();
            assert_eq!(r.status().as_u16(), 200, "{b} {page}: {body}");
        }
    }
}
