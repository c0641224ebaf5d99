//! The supervisor's dashboard over real HTTP on loopback, attacked without a browser: cookie
//! flags, CSRF refusal, session expiry and logout, lockout per account and per address without
//! saying whether an account exists, a manager of team A guessing team B's ids, the audit log,
//! and a supervision note reaching the allocated practitioner's phone and its chronology.

use chrono::Duration;
use doorstep_core::domain::{ChronologyFilter, ChronologyKind};
use doorstep_core::Clock;
use doorstep_server::dashboard::audit;
use doorstep_server::db::{with_tx, Val};
use doorstep_server::rate::{RateLimit, RateLimits};
use doorstep_server::Config;
use doorstep_tests::dashboard::{csrf, Scene, Web, PASSWORD_A, PASSWORD_B};
use doorstep_tests::sync_env::{quick, transport};
use doorstep_tests::sync_world::family;

fn scene() -> Scene {
    let config = Config {
        rate: RateLimits::generous(),
        ..Config::default()
    };
    Scene::new(config)
}

fn advance(s: &Scene, minutes: i64) {
    s.world
        .clock
        .set(s.world.clock.now() + Duration::minutes(minutes));
}

fn signed_in(s: &Scene, user: &str, password: &str) -> Web {
    let mut web = s.web();
    let a = web.sign_in(user, password);
    assert_eq!(a.status, 303, "{}", a.body);
    web
}

fn supervisions(s: &Scene, case: &str) -> usize {
    s.world
        .fields(case)
        .get("supervisions")
        .and_then(|v| v.as_array())
        .map_or(0, Vec::len)
}

#[test]
fn the_session_cookie_is_hardened_and_a_refused_sign_in_never_says_why() {
    let s = scene();
    let mut web = s.web();
    let form = web.get("/dashboard/login");
    assert_eq!(form.status, 200);
    for (h, v) in [
        ("cache-control", "no-store"),
        ("x-frame-options", "DENY"),
        ("x-content-type-options", "nosniff"),
    ] {
        assert_eq!(form.headers.get(h).map(String::as_str), Some(v), "{h}");
    }
    assert!(form.headers["content-security-policy"].contains("default-src 'none'"));

    let wrong = web.sign_in("manager.a", "not the password at all");
    let unknown = web.sign_in("nobody.here", "not the password at all");
    let malformed = web.sign_in("<script>", "x");
    for a in [&wrong, &unknown, &malformed] {
        assert_eq!(a.status, 401);
        assert!(a.body.contains("were not accepted"), "{}", a.body);
        assert!(!a
            .set_cookies
            .iter()
            .any(|c| c.starts_with("__Host-doorstep_session=")));
    }
    let strip = |b: &str| b.replace(&csrf(b).unwrap_or_default(), "");
    assert_eq!(
        strip(&wrong.body),
        strip(&unknown.body),
        "unknown and wrong read the same"
    );

    let ok = web.sign_in("Manager.A", PASSWORD_A);
    assert_eq!(ok.status, 303);
    assert_eq!(ok.location.as_deref(), Some("/dashboard/now"));
    let cookie = ok
        .set_cookies
        .iter()
        .find(|c| c.starts_with("__Host-doorstep_session="))
        .expect("a session cookie");
    for flag in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
        assert!(cookie.contains(flag), "{flag} missing from {cookie}");
    }
    assert!(!cookie.contains("Domain"), "{cookie}");
    let id = cookie.split(';').next().unwrap().split_once('=').unwrap().1;
    assert_eq!(id.len(), 43, "256 random bits, base64url");
    let stored = s.world.query("SELECT id_hash FROM manager_sessions");
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0][0].text(), Some(id), "only the hash is stored");
    assert!(!s.world.query("SELECT password_hash FROM managers")[0][0]
        .text()
        .unwrap()
        .contains(PASSWORD_A));
    assert!(s.world.query("SELECT password_hash FROM managers")[0][0]
        .text()
        .unwrap()
        .starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    assert_eq!(web.get("/dashboard/children").status, 200);
}

#[test]
fn a_post_without_the_sessions_token_or_from_another_origin_is_refused_and_changes_nothing() {
    let s = scene();
    let case_a = s.child_a.1.to_string();
    let mut a = signed_in(&s, "manager.a", PASSWORD_A);
    let mut b = signed_in(&s, "manager.b", PASSWORD_B);
    let page = a.get("/dashboard/supervision");
    let token = csrf(&page.body).unwrap();
    let token_b = csrf(&b.get("/dashboard/supervision").body).unwrap();
    let form = |t: &str| {
        vec![
            ("csrf", t.to_string()),
            ("case", case_a.clone()),
            ("decision", "Stay on the CP plan".to_string()),
            ("actions", "Joint visit with school nurse".to_string()),
            ("owner", "Sam Okafor".to_string()),
            ("due", "2026-11-09".to_string()),
        ]
    };
    let send = |web: &mut Web, f: Vec<(&str, String)>| {
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        web.post("/dashboard/supervision", &f)
    };
    let mut no_token = form("");
    no_token.remove(0);
    assert_eq!(send(&mut a, no_token).status, 403);
    assert_eq!(send(&mut a, form("")).status, 403);
    let mut flipped = token.clone();
    flipped.replace_range(0..1, if token.starts_with('A') { "B" } else { "A" });
    assert_eq!(send(&mut a, form(&flipped)).status, 403);
    assert_eq!(
        send(&mut a, form(&token_b)).status,
        403,
        "another session's token"
    );
    a.origin = Some("http://evil.example".into());
    assert_eq!(send(&mut a, form(&token)).status, 403, "another origin");
    assert_eq!(supervisions(&s, &case_a), 0);
    // Revoke and sign-out are held to the same rule.
    let device = s.phone_a.device_id().to_string();
    a.origin = None;
    let r = a.post(
        &format!("/dashboard/devices/{device}/revoke"),
        &[("csrf", "x")],
    );
    assert_eq!(r.status, 403);
    assert!(s
        .world
        .query("SELECT revoked_at FROM devices WHERE revoked_at IS NOT NULL")
        .is_empty());
    assert_eq!(a.post("/dashboard/logout", &[]).status, 403);
    // Sign-in needs its own double-submit token.
    let mut c = s.web();
    c.get("/dashboard/login");
    let r = c.post(
        "/dashboard/login",
        &[
            ("csrf", "forged"),
            ("username", "manager.a"),
            ("password", PASSWORD_A),
        ],
    );
    assert_eq!(r.status, 403);
    // And with the token, it works.
    assert_eq!(send(&mut a, form(&token)).status, 303);
    assert_eq!(supervisions(&s, &case_a), 1);
}

#[test]
fn sessions_end_when_idle_when_too_old_and_on_sign_out() {
    let s = scene();
    let mut web = signed_in(&s, "manager.a", PASSWORD_A);
    advance(&s, 29);
    assert_eq!(
        web.get("/dashboard/children").status,
        200,
        "29 idle minutes"
    );
    advance(&s, 31);
    let r = web.get("/dashboard/children");
    assert_eq!(
        (r.status, r.location.as_deref()),
        (303, Some("/dashboard/login")),
        "31 idle minutes"
    );

    let mut web = signed_in(&s, "manager.a", PASSWORD_A);
    for _ in 0..(8 * 60 / 25) {
        advance(&s, 25);
        assert_eq!(web.get("/dashboard/now").status, 200);
    }
    advance(&s, 25);
    assert_eq!(
        web.get("/dashboard/now").status,
        303,
        "past 8 hours, however busy"
    );

    let mut web = signed_in(&s, "manager.a", PASSWORD_A);
    let old = web.cookies.clone();
    let token = csrf(&web.get("/dashboard/now").body).unwrap();
    let out = web.post("/dashboard/logout", &[("csrf", &token)]);
    assert_eq!(out.status, 303);
    assert!(out.set_cookies.iter().any(|c| c.contains("Max-Age=0")));
    web.cookies = old;
    assert_eq!(
        web.get("/dashboard/now").status,
        303,
        "the old cookie is dead"
    );
}

#[test]
fn an_account_locks_after_five_failures_and_an_address_after_its_burst() {
    let s = scene();
    let mut web = s.web();
    for _ in 0..5 {
        assert_eq!(web.sign_in("manager.a", "wrong password guess").status, 401);
    }
    let locked = web.sign_in("manager.a", PASSWORD_A);
    assert_eq!(
        locked.status, 401,
        "locked: the right password is refused too"
    );
    assert!(locked.body.contains("were not accepted"));
    assert_eq!(
        signed_in(&s, "manager.b", PASSWORD_B).cookies.len(),
        1,
        "B is not locked"
    );
    advance(&s, 16);
    assert_eq!(
        web.sign_in("manager.a", PASSWORD_A).status,
        303,
        "unlocked after 15 minutes"
    );

    // Per address: the shared failed-authentication limiter.
    let config = Config {
        rate: RateLimits {
            auth_failures: RateLimit {
                per_second: 0.001,
                burst: 3,
            },
            ..RateLimits::generous()
        },
        ..Config::default()
    };
    let s = Scene::new(config);
    let mut web = s.web();
    for user in ["a.one", "a.two", "a.three"] {
        assert_eq!(web.sign_in(user, "guess guess guess").status, 401);
    }
    assert_eq!(
        web.sign_in("a.four", "guess").status,
        429,
        "the burst is spent"
    );
    let r = web.sign_in("manager.a", PASSWORD_A);
    assert_eq!(
        r.status, 429,
        "the address is slowed whatever account it tries"
    );
    assert!(r.headers.contains_key("retry-after"));
}

#[test]
fn a_manager_of_team_a_can_reach_nothing_of_team_b_by_guessing_ids() {
    let s = scene();
    let mut a = signed_in(&s, "manager.a", PASSWORD_A);
    let case_b = s.child_b.1.to_string();
    let device_b = s.phone_b.device_id().to_string();
    let token = csrf(&a.get("/dashboard/now").body).unwrap();

    let list = a.get("/dashboard/children");
    assert!(
        list.body.contains("Child 1") && !list.body.contains("Child 2"),
        "{}",
        list.body
    );
    let guessed = a.get(&format!("/dashboard/children/{case_b}"));
    let nonsense = a.get(&format!("/dashboard/children/{}", uuid_like()));
    assert_eq!((guessed.status, nonsense.status), (404, 404));
    assert_eq!(
        guessed.body, nonsense.body,
        "a guessed id reads as a missing one"
    );
    assert!(!guessed.body.contains("Child 2"));
    for path in [
        "/dashboard/children/'%20OR%201=1--",
        "/dashboard/children/..%2F..%2Fdevices",
    ] {
        assert_eq!(a.get(path).status, 404, "{path}");
    }
    let r = a.post(
        "/dashboard/supervision",
        &[
            ("csrf", &token),
            ("case", &case_b),
            ("decision", "forged"),
            ("actions", "forged"),
            ("owner", "forged"),
            ("due", "2026-11-09"),
        ],
    );
    assert_eq!(r.status, 404);
    assert_eq!(supervisions(&s, &case_b), 0);
    let r = a.post(
        &format!("/dashboard/devices/{device_b}/revoke"),
        &[("csrf", &token)],
    );
    assert_eq!(r.status, 404);
    assert!(s
        .world
        .query("SELECT 1 FROM devices WHERE revoked_at IS NOT NULL")
        .is_empty());
    let devices = a.get("/dashboard/devices");
    assert!(devices.body.contains("Sam Okafor") && !devices.body.contains("Jo Pryce"));
    // The phone said at its last push that nothing waits on it.
    assert!(
        devices
            .body
            .contains("<td data-label=\"Waiting on the phone\">0 at "),
        "{}",
        devices.body
    );
    assert!(!devices.body.contains(&device_b[..8]));
    let now = a.get("/dashboard/now");
    assert!(
        now.body.contains("Sam Okafor"),
        "A's open check-in is shown"
    );
    let mut b = signed_in(&s, "manager.b", PASSWORD_B);
    assert!(b
        .get("/dashboard/now")
        .body
        .contains("Nobody is checked in"));
    b.get(&format!("/dashboard/children/{case_b}"));
    let audit_a = a.get("/dashboard/audit");
    assert!(
        !audit_a.body.contains("Bea Lloyd"),
        "B's views are not A's to read"
    );
    assert!(!audit_a.body.contains("Child 2"));
    // B cannot acknowledge or close A's check-in; A can.
    let token_b = csrf(&b.get("/dashboard/now").body).unwrap();
    let ack = format!("/dashboard/now/{}/acknowledge", s.visit_a);
    let resolve = format!("/dashboard/now/{}/resolve", s.visit_a);
    let r = b.post(&ack, &[("csrf", &token_b), ("who_was_called", "forged")]);
    assert_eq!(r.status, 404);
    assert_eq!(b.post(&resolve, &[("csrf", &token_b)]).status, 404);
    assert!(!a.get("/dashboard/now").body.contains("forged"));
    let r = a.post(
        &ack,
        &[
            ("csrf", &token),
            (
                "who_was_called",
                "Rang Sam's mobile, no answer; rang the duty desk",
            ),
        ],
    );
    assert_eq!(r.status, 200);
    assert!(
        r.body
            .contains("by Alex Morgan: called Rang Sam&#x27;s mobile")
            || r.body
                .contains("by Alex Morgan: called Rang Sam&#39;s mobile"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("Sam Okafor"),
        "acknowledging does not close the check-in"
    );
    // A's own revoke of A's device works.
    let mine = s.phone_a.device_id().to_string();
    let r = a.post(
        &format!("/dashboard/devices/{mine}/revoke"),
        &[("csrf", &token)],
    );
    assert_eq!(r.status, 200);
    assert!(r.body.contains("revoked, wipe pending"));
}

fn uuid_like() -> String {
    "0b7c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d".into()
}

#[test]
fn every_view_of_a_childs_record_is_in_the_audit_log() {
    let s = scene();
    let mut a = signed_in(&s, "manager.a", PASSWORD_A);
    let case_a = s.child_a.1.to_string();
    assert_eq!(a.get("/dashboard/children").status, 200);
    advance(&s, 1);
    let page = a.get(&format!("/dashboard/children/{case_a}"));
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("first visit to family 1"),
        "the chronology is shown"
    );
    let rows = audit::read(s.world.db.as_ref(), 0, Some(&case_a)).unwrap();
    let actions: Vec<&str> = rows.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(actions, ["listed", "viewed"]);
    assert!(rows.iter().all(|r| r.username == "manager.a"));
    assert!(rows[1].at > rows[0].at);
    let manager_id = with_tx(s.world.db.as_ref(), |tx| {
        tx.query(
            "SELECT id FROM managers WHERE username = $1",
            &[Val::from("manager.a")],
        )
    })
    .unwrap()[0][0]
        .text()
        .unwrap()
        .to_string();
    assert_eq!(rows[0].manager_id, manager_id);
    let shown = a.get("/dashboard/audit");
    assert!(shown.body.contains("viewed") && shown.body.contains("Alex Morgan"));
    // A refused guess is not a view.
    a.get(&format!("/dashboard/children/{}", s.child_b.1));
    assert!(
        audit::read(s.world.db.as_ref(), 0, Some(&s.child_b.1.to_string()))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_supervision_note_reaches_the_allocated_phone_and_its_chronology_and_a_phone_cannot_forge_one()
{
    let s = scene();
    let (child, case) = s.child_a;
    let mut a = signed_in(&s, "manager.a", PASSWORD_A);
    let token = csrf(&a.get("/dashboard/supervision").body).unwrap();
    let missing = a.post(
        "/dashboard/supervision",
        &[
            ("csrf", &token),
            ("case", &case.to_string()),
            ("decision", "x"),
        ],
    );
    assert_eq!(missing.status, 422);
    let r = a.post(
        "/dashboard/supervision",
        &[
            ("csrf", &token),
            ("case", &case.to_string()),
            ("decision", "Escalate to strategy discussion"),
            ("actions", "Unannounced visit within 5 working days"),
            ("owner", "Sam Okafor"),
            ("due", "2026-11-09"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    s.phone_a.sync(&transport(), None, quick()).unwrap();
    let chron = s
        .phone_a
        .chronology(
            child,
            &ChronologyFilter {
                kinds: vec![ChronologyKind::Supervision],
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(chron.len(), 1, "{chron:?}");
    assert!(chron[0].summary.contains("Escalate to strategy discussion"));
    assert!(chron[0].summary.contains("Alex Morgan"));
    assert!(chron[0].summary.contains("by 09/11/2026"));
    let page = a.get(&format!("/dashboard/children/{case}"));
    assert!(page.body.contains("Escalate to strategy discussion"));
    assert!(a
        .get("/dashboard/supervision")
        .body
        .contains("Unannounced visit within 5 working days"));

    // The phone edits the case; its push cannot add or remove supervision records.
    s.phone_a
        .set_rag(case, doorstep_core::domain::Rag::Red, "strategy discussion")
        .unwrap();
    s.phone_a.sync(&transport(), None, quick()).unwrap();
    assert_eq!(supervisions(&s, &case.to_string()), 1);
    let phone_b_sees = s
        .phone_b
        .chronology(s.child_b.0, &ChronologyFilter::default())
        .unwrap();
    assert!(!phone_b_sees
        .iter()
        .any(|e| e.kind == ChronologyKind::Supervision));
}

/// A transport that lets the first push through and then finds no signal.
struct FirstPushOnly {
    pushes: std::sync::atomic::AtomicUsize,
}

impl doorstep_core::sync::transport::Transport for FirstPushOnly {
    fn send(
        &self,
        r: doorstep_core::sync::transport::HttpRequest,
    ) -> Result<
        doorstep_core::sync::transport::HttpResponse,
        doorstep_core::sync::transport::TransportError,
    > {
        let push = r.url.ends_with("/v1/push");
        if push
            && self
                .pushes
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
                >= 1
        {
            return Err(doorstep_core::sync::transport::TransportError::Unreachable);
        }
        transport().send(r)
    }
}

/// The numbers in the devices table's "Waiting on the phone" cells ("N at <time>").
fn backlogs(body: &str) -> Vec<u64> {
    body.split("<td data-label=\"Waiting on the phone\">")
        .skip(1)
        .filter_map(|cell| {
            let (n, rest) = cell.split_once(" at ")?;
            rest.contains("</td>").then(|| n.parse().ok()).flatten()
        })
        .collect()
}

#[test]
fn a_phones_backlog_is_what_its_last_push_left_waiting() {
    let s = scene();
    let mut a = signed_in(&s, "manager.a", PASSWORD_A);
    assert_eq!(backlogs(&a.get("/dashboard/devices").body), vec![0]);
    // Three visits planned in the car; one batch of one operation gets through, then no signal.
    for h in 1..=3 {
        s.phone_a
            .plan_visit(doorstep_core::domain::NewVisit {
                case_id: s.child_a.1,
                kind: doorstep_core::domain::VisitKind::AnnouncedHome,
                planned_for: s.world.clock.now() + Duration::days(h),
                expected_minutes: 45,
                departure_reason: None,
            })
            .expect("visit");
    }
    let waiting = s.phone_a.queue_status().expect("status").pending;
    assert!(waiting >= 3, "{waiting} queued");
    let mut one = quick();
    one.push_batch = 1;
    let cut = FirstPushOnly {
        pushes: Default::default(),
    };
    assert!(
        s.phone_a.sync(&cut, None, one).is_err(),
        "no signal after one push"
    );
    let shown = backlogs(&a.get("/dashboard/devices").body);
    assert_eq!(shown, vec![waiting - 1], "what the phone said still waited");
    // Signal again: the queue empties and the page says so.
    s.phone_a.sync(&transport(), None, quick()).expect("sync");
    assert_eq!(backlogs(&a.get("/dashboard/devices").body), vec![0]);
}

#[test]
fn one_damaged_record_on_the_server_hides_no_other_child_and_the_page_says_it_is_incomplete() {
    let s = scene();
    family(&s.phone_a, 3, false);
    s.phone_a.sync(&transport(), None, quick()).expect("sync");
    let mut a = signed_in(&s, "manager.a", PASSWORD_A);
    let whole = a.get("/dashboard/children");
    assert!(whole.body.contains("Child 1") && whole.body.contains("Child 3"));
    assert!(!whole.body.contains("id=\"unreadable\""));

    // One character of child 1's sealed case record changed in the server's database.
    let case_a = s.child_a.1.to_string();
    with_tx(s.world.db.as_ref(), |tx| {
        let sealed = tx.query(
            "SELECT fields FROM records WHERE id = $1",
            &[Val::from(case_a.as_str())],
        )?[0][0]
            .text()
            .unwrap()
            .to_string();
        let mut bytes = sealed.into_bytes();
        let i = bytes.len() / 2;
        bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
        let damaged = String::from_utf8(bytes).unwrap();
        tx.query(
            "UPDATE records SET fields = $1 WHERE id = $2",
            &[Val::from(damaged.as_str()), Val::from(case_a.as_str())],
        )
    })
    .unwrap();

    for page in ["/dashboard/children", "/dashboard/supervision"] {
        let r = a.get(page);
        assert_eq!(r.status, 200, "{page}: {}", r.body);
        assert!(
            r.body.contains("Child 3"),
            "{page}: the readable child is still listed"
        );
        assert!(
            !r.body.contains("Child 1"),
            "{page}: the damaged one is not guessed at"
        );
        assert!(
            r.body.contains("id=\"unreadable\"") && r.body.contains("1 child record(s)"),
            "{page}: the page says it is incomplete"
        );
    }
}
