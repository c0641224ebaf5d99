//! Lone-working escalation end to end: phones check in through the real sync server, the server's
//! background escalation notifies a real SMTP server process (aiosmtpd, `scripts/smtp_sink.py`)
//! and a real HTTP receiver on loopback that verifies each webhook's HMAC. Amber reaches the
//! buddy, red the team, a check-out clears, a silent phone escalates, failed deliveries are
//! retried and logged, a restart resends nothing delivered, forged check-ins from a colleague's
//! device change nothing, and no message holds anything about the family. On SQLite, and on
//! PostgreSQL too when `DOORSTEP_TEST_POSTGRES_URL` is set.

use chrono::{Duration, TimeZone, Utc};
use doorstep_core::domain::NewVisit;
use doorstep_core::domain::{
    NewCase, NewHousehold, NewPerson, PersonRole, PlanType, Rag, VisitId, VisitKind,
};
use doorstep_core::store::enrol;
use doorstep_core::sync::merge::{Delta, Stamped};
use doorstep_core::sync::protocol::Operation;
use doorstep_core::sync::Hlc;
use doorstep_core::{Clock, FixedClock, Store};
use doorstep_server::db::{with_tx, Backend, PostgresBackend, SqliteBackend, Val};
use doorstep_server::lone_working::{
    self, Channel, Channels, LoneWorkingConfig, Role, SmtpSettings,
};
use doorstep_server::rate::RateLimits;
use doorstep_server::seal::{KeyProvider, KeyRing};
use doorstep_server::{admin, spawn_on_loopback, AppState, Config, RunningServer};
use doorstep_tests::sync_env::{device_with_clock, quick, transport};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

const PG_ENV: &str = "DOORSTEP_TEST_POSTGRES_URL";

/// What the family's record holds: none of it may appear in any email or webhook.
const CHILD: &str = "Tallulah Brightwater";
const ADDRESS: &str = "17 Acacia Avenue, Ludlow";
const NOTE: &str = "Mum disclosed that her partner Darren returned last week";
const FORBIDDEN: &[&str] = &[
    "Tallulah",
    "Brightwater",
    "Acacia",
    "Ludlow",
    "Darren",
    "disclosed",
];

const PRACTITIONER: &str = "Priya Patel";

fn backends() -> Vec<&'static str> {
    let mut b = vec!["sqlite"];
    if std::env::var(PG_ENV).is_ok() {
        b.push("postgres");
    }
    b
}

/// Waits (up to a minute: the suite must pass with both cores busy) until `ok` holds.
fn wait_until(what: &str, mut ok: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !ok() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The Python that has aiosmtpd: `.ci/run`'s venv under `target/`, else the system's.
fn python() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let venv = root.join("target/smtp-venv/bin/python");
    if venv.exists() {
        venv
    } else {
        PathBuf::from("python3")
    }
}

/// A real SMTP server process (aiosmtpd) on loopback, writing each message to a directory.
struct SmtpSink {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl SmtpSink {
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/smtp_sink.py");
        let port = free_port();
        let mut child = Command::new(python())
            .arg(script)
            .arg(port.to_string())
            .arg(dir.path())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the SMTP server (aiosmtpd: .ci/run installs it)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "ready", "the SMTP server did not start");
        Self { child, port, dir }
    }

    /// Every message received so far, oldest first.
    fn messages(&self) -> Vec<String> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|p| String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned())
            .collect()
    }

    fn to(&self, address: &str) -> Vec<String> {
        self.messages()
            .into_iter()
            .filter(|m| m.starts_with(&format!("To: {address}\n")))
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One webhook call as received.
#[derive(Clone, Debug)]
struct Call {
    body: String,
    verified: bool,
    answered: u16,
}

/// A real HTTP receiver on loopback: verifies each call's HMAC-SHA256 signature over
/// `timestamp.body` (and the timestamp's freshness), answers 500 to the first `fail_first` calls.
struct Hook {
    url: String,
    secret: String,
    calls: Arc<Mutex<Vec<Call>>>,
    stop: Arc<AtomicBool>,
    port: u16,
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

fn verify(secret: &str, headers: &[(String, String)], body: &[u8]) -> bool {
    let get = |n: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(n))
            .map(|(_, v)| v.clone())
    };
    let (Some(ts), Some(sig)) = (get("x-doorstep-timestamp"), get("x-doorstep-signature")) else {
        return false;
    };
    let Ok(t) = ts.parse::<i64>() else {
        return false;
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    if (now - t).abs() > 300 {
        return false;
    }
    let Some(tag) = sig.strip_prefix("v1=").and_then(unhex) else {
        return false;
    };
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
    let mut msg = ts.into_bytes();
    msg.push(b'.');
    msg.extend_from_slice(body);
    ring::hmac::verify(&key, &msg, &tag).is_ok()
}

fn handle(mut stream: TcpStream, secret: &str, n: usize, fail_first: usize) -> Option<Call> {
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .ok()?;
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut headers = Vec::new();
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    loop {
        line.clear();
        reader.read_line(&mut line).ok()?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let (k, v) = l.split_once(':')?;
        headers.push((k.trim().to_string(), v.trim().to_string()));
    }
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    reader.read_exact(&mut body).ok()?;
    let verified = verify(secret, &headers, &body);
    let answered = if n < fail_first {
        500
    } else if verified {
        200
    } else {
        401
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {answered} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    Some(Call {
        body: String::from_utf8_lossy(&body).into_owned(),
        verified,
        answered,
    })
}

impl Hook {
    fn start(fail_first: usize) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let secret = format!("{:032x}{:032x}", rand_u128(), rand_u128());
        let calls = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let count = Arc::new(AtomicUsize::new(0));
        {
            let (calls, stop, secret) = (calls.clone(), stop.clone(), secret.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let n = count.fetch_add(1, Ordering::SeqCst);
                    if let Some(call) = handle(stream, &secret, n, fail_first) {
                        calls.lock().unwrap().push(call);
                    }
                }
            });
        }
        Self {
            url: format!("http://127.0.0.1:{port}/doorstep"),
            secret,
            calls,
            stop,
            port,
        }
    }

    fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap().clone()
    }

    /// The bodies it accepted (signature verified, answered 200), as JSON.
    fn accepted(&self) -> Vec<serde_json::Value> {
        self.calls()
            .iter()
            .filter(|c| c.answered == 200)
            .map(|c| serde_json::from_str(&c.body).unwrap())
            .collect()
    }

    fn levels(&self) -> Vec<String> {
        self.accepted()
            .iter()
            .map(|v| v["level"].as_str().unwrap().to_string())
            .collect()
    }
}

impl Drop for Hook {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn rand_u128() -> u128 {
    uuid::Uuid::new_v4().as_u128()
}

/// The server (on a fixed clock the test drives), its database, the SMTP server, a team.
struct World {
    tmp: tempfile::TempDir,
    db: Arc<dyn Backend>,
    keys: Arc<dyn KeyProvider>,
    server: Option<RunningServer>,
    clock: Arc<FixedClock>,
    team: String,
    smtp: SmtpSink,
    pg: Option<(String, String)>,
}

impl Drop for World {
    fn drop(&mut self) {
        self.server.take();
        if let Some((base, schema)) = &self.pg {
            if let Ok(admin) = PostgresBackend::connect(base, 1, self.keys.clone()) {
                let _ = admin.transaction(&mut |tx| {
                    tx.exec(&format!("DROP SCHEMA {schema} CASCADE"), &[])?;
                    Ok(())
                });
            }
        }
    }
}

impl World {
    fn new(backend: &str) -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let keys = KeyRing::ephemeral().unwrap();
        let (db, pg): (Arc<dyn Backend>, _) = if backend == "sqlite" {
            let db = SqliteBackend::open(&tmp.path().join("server.db"), keys.clone()).unwrap();
            (Arc::new(db), None)
        } else {
            let base = std::env::var(PG_ENV).unwrap();
            let schema = format!("lone_{}", uuid::Uuid::new_v4().simple());
            PostgresBackend::connect(&base, 1, keys.clone())
                .unwrap()
                .transaction(&mut |tx| {
                    tx.exec(&format!("CREATE SCHEMA {schema}"), &[])?;
                    Ok(())
                })
                .unwrap();
            let sep = if base.contains('?') { '&' } else { '?' };
            let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
            let db = PostgresBackend::connect(&url, 4, keys.clone()).unwrap();
            (Arc::new(db), Some((base, schema)))
        };
        db.migrate().unwrap();
        let clock = Arc::new(FixedClock::new(
            Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap(),
        ));
        let team = admin::add_team(db.as_ref(), "Ludlow and South Shropshire").unwrap();
        let mut w = Self {
            tmp,
            db,
            keys,
            server: None,
            clock,
            team,
            smtp: SmtpSink::start(),
            pg,
        };
        w.start_server();
        w
    }

    fn config(&self) -> Config {
        Config {
            rate: RateLimits::generous(),
            lone_working: LoneWorkingConfig {
                interval: std::time::Duration::from_millis(20),
                smtp: Some(self.smtp_settings()),
            },
            ..Config::default()
        }
    }

    fn smtp_settings(&self) -> SmtpSettings {
        SmtpSettings {
            host: "127.0.0.1".into(),
            port: self.smtp.port,
            starttls: false,
            from: "Doorstep lone working <lone-working@doorstep.invalid>".into(),
            credentials: None,
        }
    }

    fn start_server(&mut self) {
        let state = AppState::new(self.db.clone(), self.clock.clone(), self.config());
        self.server = Some(spawn_on_loopback(state).unwrap());
    }

    /// Stops the server and starts a new one on the same database (a restart).
    fn restart(&mut self) {
        self.server.take();
        self.start_server();
    }

    fn url(&self) -> String {
        self.server.as_ref().unwrap().url()
    }

    fn now(&self) -> i64 {
        self.clock.now().timestamp_millis()
    }

    fn at(&self, h: u32, m: u32) {
        self.clock
            .set(Utc.with_ymd_and_hms(2026, 11, 2, h, m, 0).unwrap());
    }

    fn practitioner(&self, name: &str) -> String {
        admin::add_practitioner(
            self.db.as_ref(),
            &self.team,
            name,
            doorstep_core::domain::Agency::HealthVisiting,
            self.now(),
        )
        .unwrap()
    }

    fn device(&self, practitioner: &str, name: &str) -> Store {
        let code =
            admin::issue_code(self.db.as_ref(), practitioner, self.now(), 3_600_000).unwrap();
        device_with_clock(
            &self.tmp.path().join(name),
            &self.url(),
            &code,
            self.clock.clone(),
        )
    }

    fn email_contact(&self, practitioner: Option<&str>, role: Role, address: &str) {
        lone_working::add_contact(
            self.db.as_ref(),
            &self.team,
            practitioner,
            role,
            Channel::Email,
            address,
            None,
            "Contact",
            self.now(),
        )
        .unwrap();
    }

    fn hook_contact(&self, practitioner: Option<&str>, role: Role, hook: &Hook) {
        lone_working::add_contact(
            self.db.as_ref(),
            &self.team,
            practitioner,
            role,
            Channel::Webhook,
            &hook.url,
            Some(&hook.secret),
            "Hook",
            self.now(),
        )
        .unwrap();
    }

    fn rows(&self, sql: &str) -> Vec<Vec<Val>> {
        with_tx(self.db.as_ref(), |tx| tx.query(sql, &[])).unwrap()
    }

    fn count(&self, sql: &str) -> i64 {
        self.rows(sql)[0][0].int().unwrap()
    }

    fn delivered(&self, level: &str) -> i64 {
        self.count(&format!(
            "SELECT count(*) FROM lone_notifications WHERE level = '{level}' AND state = 'delivered'"
        ))
    }

    /// One escalation pass at the current clock, as the background task runs it.
    fn pass(&self) -> lone_working::TickReport {
        let channels = Channels {
            smtp: Some(self.smtp_settings()),
        };
        lone_working::tick(self.db.as_ref(), self.now(), &channels).unwrap()
    }
}

/// The family (a child on a child-protection plan, their address, a note) and a home visit
/// expected to take 60 minutes, planned now. Synced.
fn family_with_visit(s: &Store) -> (VisitId, doorstep_core::domain::CaseId) {
    let h = s
        .add_household(NewHousehold {
            address: ADDRESS.into(),
            ..Default::default()
        })
        .unwrap();
    let child = s
        .add_person(NewPerson {
            household_id: h.id,
            role: PersonRole::Child,
            name: CHILD.into(),
            date_of_birth: chrono::NaiveDate::from_ymd_opt(2025, 3, 1),
            expected_date: None,
            relationship: None,
        })
        .unwrap();
    let case = s
        .open_case(NewCase {
            child_id: child.id,
            plan: PlanType::ChildProtection,
            rag: Rag::Red,
            rag_reason: "domestic abuse".into(),
            allocated_to: None,
        })
        .unwrap();
    s.add_note(case.id, NOTE, true).unwrap();
    let v = s
        .plan_visit(NewVisit {
            case_id: case.id,
            kind: VisitKind::AnnouncedHome,
            planned_for: s_now(s),
            expected_minutes: 60,
            departure_reason: None,
        })
        .unwrap();
    sync(s);
    (v.id, case.id)
}

fn s_now(_s: &Store) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap()
}

fn sync(s: &Store) {
    let r = s.sync(&transport(), None, quick()).unwrap();
    assert_eq!(r.parked, 0, "{r:?}");
}

/// Nothing about the family in any message.
fn assert_no_family(texts: &[String]) {
    assert!(!texts.is_empty());
    for t in texts {
        for f in FORBIDDEN {
            assert!(!t.contains(f), "a message holds {f:?}:\n{t}");
        }
        assert!(
            t.contains(PRACTITIONER),
            "a message names the practitioner:\n{t}"
        );
    }
}

fn alert_texts(s: &Store) -> Vec<String> {
    s.alerts()
        .unwrap()
        .into_iter()
        .map(|a| a.alert.message.clone())
        .collect()
}

#[test]
fn a_silent_phone_escalates_amber_to_the_buddy_red_to_the_team_and_a_check_out_clears() {
    for backend in backends() {
        let w = World::new(backend);
        let p = w.practitioner(PRACTITIONER);
        let phone = w.device(&p, "phone");
        let (visit, _) = family_with_visit(&phone);
        let buddy_hook = Hook::start(0);
        let team_hook = Hook::start(0);
        w.email_contact(Some(&p), Role::Buddy, "buddy@example.org");
        w.hook_contact(Some(&p), Role::Buddy, &buddy_hook);
        w.email_contact(None, Role::Team, "duty@example.org");
        w.hook_contact(None, Role::Team, &team_hook);
        // The server tells the phone a monitor watches its check-ins, with its times.
        sync(&phone);
        let view = phone.check_in(visit).unwrap();
        assert!(
            view.reminder.contains("monitor escalates"),
            "{}",
            view.reminder
        );
        sync(&phone);
        assert_eq!(
            w.count("SELECT count(*) FROM lone_check_ins WHERE cleared_at IS NULL"),
            1,
            "{backend}: the check-in is watched"
        );
        // The phone goes silent: no more syncs. Expected end 10:00, amber 10:15, red 10:45.
        w.at(10, 14);
        assert_eq!(w.pass().raised, 0, "{backend}: not amber before 10:15");
        w.at(10, 16);
        let words = alert_texts(&phone).join("\n");
        assert!(
            words.contains("The team's lone-working monitor has it"),
            "{words}"
        );
        wait_until("amber to the buddy", || w.delivered("amber") == 2);
        assert_eq!(w.smtp.to("buddy@example.org").len(), 1);
        assert!(w.smtp.to("buddy@example.org")[0].contains("Subject: AMBER lone working"));
        assert_eq!(buddy_hook.levels(), ["amber"]);
        assert!(team_hook.calls().is_empty() && w.smtp.to("duty@example.org").is_empty());
        let open = lone_working::open_check_ins(w.db.as_ref(), &w.team, w.now()).unwrap();
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].level, lone_working::Level::Amber);
        assert_eq!(open[0].practitioner_name, PRACTITIONER);
        assert_eq!(open[0].notified.len(), 2);
        // Red: the team, and the buddy again.
        w.at(10, 46);
        wait_until("red to the team", || w.delivered("red") == 4);
        assert_eq!(team_hook.levels(), ["red"]);
        assert_eq!(buddy_hook.levels(), ["amber", "red"]);
        let duty = w.smtp.to("duty@example.org");
        assert_eq!(duty.len(), 1);
        assert!(duty[0].contains("Subject: RED lone working"), "{}", duty[0]);
        assert!(duty[0].contains("V-"), "the visit's reference");
        // The phone comes back and checks out: everyone alerted is told to stand down.
        phone.checkout_visit(visit).unwrap();
        sync(&phone);
        wait_until("clearing messages", || w.delivered("clear") == 4);
        assert_eq!(team_hook.levels(), ["red", "clear"]);
        assert!(
            lone_working::open_check_ins(w.db.as_ref(), &w.team, w.now())
                .unwrap()
                .is_empty()
        );
        // Every signature verified; nothing about the family anywhere.
        for h in [&buddy_hook, &team_hook] {
            assert!(h.calls().iter().all(|c| c.verified), "{backend}: signed");
        }
        let mut texts = w.smtp.messages();
        texts.extend(buddy_hook.calls().into_iter().map(|c| c.body));
        texts.extend(team_hook.calls().into_iter().map(|c| c.body));
        assert_eq!(
            texts.len(),
            10,
            "{backend}: the buddy 3 by each channel, the team 2 by each"
        );
        assert_no_family(&texts);
        // The device's last contact is known.
        assert!(w.count("SELECT count(*) FROM devices WHERE last_seen IS NOT NULL") == 1);
    }
}

#[test]
fn a_check_out_after_amber_clears_and_no_red_follows() {
    for backend in backends() {
        let w = World::new(backend);
        let p = w.practitioner(PRACTITIONER);
        let phone = w.device(&p, "phone");
        let (visit, _) = family_with_visit(&phone);
        let buddy = Hook::start(0);
        let team = Hook::start(0);
        w.hook_contact(Some(&p), Role::Manager, &buddy);
        w.hook_contact(None, Role::Team, &team);
        phone.check_in(visit).unwrap();
        sync(&phone);
        w.at(10, 20);
        wait_until("amber", || w.delivered("amber") == 1);
        phone.checkout_visit(visit).unwrap();
        sync(&phone);
        wait_until("the clearing message", || w.delivered("clear") == 1);
        w.at(12, 0);
        assert_eq!(w.pass(), lone_working::TickReport::default(), "{backend}");
        std::thread::sleep(std::time::Duration::from_millis(200));
        assert_eq!(buddy.levels(), ["amber", "clear"], "{backend}");
        assert!(team.calls().is_empty(), "{backend}: no red");
        assert_eq!(
            w.count("SELECT count(*) FROM lone_notifications WHERE level = 'red'"),
            0
        );
    }
}

#[test]
fn a_receiver_that_fails_twice_gets_the_third_attempt_and_each_attempt_is_logged() {
    for backend in backends() {
        let w = World::new(backend);
        let p = w.practitioner(PRACTITIONER);
        let phone = w.device(&p, "phone");
        let (visit, _) = family_with_visit(&phone);
        let hook = Hook::start(2);
        w.hook_contact(Some(&p), Role::Buddy, &hook);
        phone.check_in(visit).unwrap();
        sync(&phone);
        let attempts = || w.count("SELECT count(*) FROM lone_attempts");
        w.at(10, 16);
        wait_until("the first attempt", || attempts() == 1);
        // Retried after 30 s, then 60 s (the server's clock).
        w.clock.advance(Duration::seconds(29));
        assert_eq!(w.pass().attempts, 0, "{backend}: not before the backoff");
        w.clock.advance(Duration::seconds(2));
        wait_until("the second attempt", || attempts() == 2);
        w.clock.advance(Duration::seconds(61));
        wait_until("the third attempt", || attempts() == 3);
        let log = lone_working::attempts_of(w.db.as_ref(), &visit.to_string()).unwrap();
        let outcomes: Vec<(i64, &str, &str)> = log
            .iter()
            .map(|a| (a.attempt, a.channel.as_str(), a.outcome.as_str()))
            .collect();
        assert_eq!(
            outcomes,
            [
                (1, "webhook", "webhook answered 500"),
                (2, "webhook", "webhook answered 500"),
                (3, "webhook", "delivered"),
            ],
            "{backend}"
        );
        assert_eq!(hook.calls().len(), 3);
        assert_eq!(hook.levels(), ["amber"]);
        // The same notification every time: a receiver can deduplicate by its id.
        let ids: std::collections::BTreeSet<String> = hook
            .calls()
            .iter()
            .map(|c| serde_json::from_str::<serde_json::Value>(&c.body).unwrap()["id"].to_string())
            .collect();
        assert_eq!(ids.len(), 1);
    }
}

#[test]
fn a_restart_does_not_resend_what_was_delivered() {
    for backend in backends() {
        let mut w = World::new(backend);
        let p = w.practitioner(PRACTITIONER);
        let phone = w.device(&p, "phone");
        let (visit, _) = family_with_visit(&phone);
        let hook = Hook::start(0);
        w.email_contact(Some(&p), Role::Buddy, "buddy@example.org");
        w.hook_contact(Some(&p), Role::Buddy, &hook);
        phone.check_in(visit).unwrap();
        sync(&phone);
        w.at(10, 16);
        wait_until("amber", || w.delivered("amber") == 2);
        w.restart();
        w.at(10, 30);
        w.restart();
        w.at(10, 46);
        wait_until("red after the restarts", || w.delivered("red") == 2);
        let emails = w.smtp.to("buddy@example.org");
        let amber = emails
            .iter()
            .filter(|m| m.contains("Subject: AMBER"))
            .count();
        assert_eq!(amber, 1, "{backend}: the amber email went once");
        assert_eq!(hook.levels(), ["amber", "red"], "{backend}");
    }
}

fn raw_op(
    device: doorstep_core::domain::DeviceId,
    visit: uuid::Uuid,
    household: uuid::Uuid,
    case: uuid::Uuid,
    millis: u64,
    fields: &[(&str, serde_json::Value)],
) -> Operation {
    let hlc = Hlc {
        millis,
        counter: 0,
        device,
    };
    let delta: Delta = fields
        .iter()
        .map(|(k, v)| {
            (
                (*k).to_string(),
                Stamped {
                    value: v.clone(),
                    hlc,
                },
            )
        })
        .collect();
    Operation {
        op_id: uuid::Uuid::new_v4(),
        device_id: device,
        hlc,
        kind: "visit".into(),
        record_id: visit,
        household_id: household,
        case_id: Some(case),
        parent_id: Some(case),
        delta,
    }
}

#[test]
fn a_colleagues_device_cannot_start_or_clear_someone_elses_escalation() {
    for backend in backends() {
        let w = World::new(backend);
        let p = w.practitioner(PRACTITIONER);
        let colleague = w.practitioner("Colin Colleague");
        let phone = w.device(&p, "phone");
        let (visit, case) = family_with_visit(&phone);
        admin::allocate(w.db.as_ref(), &case.to_string(), &colleague, false, w.now()).unwrap();
        let hook = Hook::start(0);
        w.hook_contact(Some(&p), Role::Buddy, &hook);
        // The colleague's device, enrolled for real; its pushes are made by hand.
        let code = admin::issue_code(w.db.as_ref(), &colleague, w.now(), 3_600_000).unwrap();
        let e = enrol(&transport(), &w.url(), &code).unwrap();
        let household: String = w.rows(&format!(
            "SELECT household_id FROM records WHERE id = '{case}'"
        ))[0][0]
            .text()
            .unwrap()
            .to_string();
        let household = uuid::Uuid::parse_str(&household).unwrap();
        let push = |op: Operation| {
            let resp = ureq::post(format!("{}/v1/push", w.url()))
                .header("Authorization", &format!("Bearer {}", e.token.as_str()))
                .send_json(serde_json::json!({ "ops": [op] }))
                .unwrap();
            assert_eq!(resp.status(), 200);
            let body: serde_json::Value = resp.into_body().read_json().unwrap();
            assert!(body.to_string().contains("applied"), "{body}");
        };
        let millis = w.now() as u64;
        let start = "2026-11-02T09:00:00Z";
        // 1. A new visit in the practitioner's name, "checked in": no escalation starts.
        let forged = uuid::Uuid::new_v4();
        push(raw_op(
            e.device_id,
            forged,
            household,
            case.0,
            millis,
            &[
                ("id", serde_json::json!(forged)),
                ("case_id", serde_json::json!(case.0)),
                ("practitioner_id", serde_json::json!(p)),
                ("kind", serde_json::json!("announced_home")),
                ("planned_for", serde_json::json!(start)),
                ("expected_minutes", serde_json::json!(1)),
                ("status", serde_json::json!("in_progress")),
                ("started_at", serde_json::json!(start)),
            ],
        ));
        assert_eq!(
            w.count("SELECT count(*) FROM lone_check_ins"),
            0,
            "{backend}: a forged check-in starts nothing"
        );
        // 2. The practitioner really checks in; the colleague's device "checks them out", then
        //    claims the visit and checks it out: the escalation goes on.
        phone.check_in(visit).unwrap();
        sync(&phone);
        assert_eq!(w.count("SELECT count(*) FROM lone_check_ins"), 1);
        push(raw_op(
            e.device_id,
            visit.0,
            household,
            case.0,
            millis + 1,
            &[("checked_out_at", serde_json::json!("2026-11-02T09:05:00Z"))],
        ));
        push(raw_op(
            e.device_id,
            visit.0,
            household,
            case.0,
            millis + 2,
            &[
                ("practitioner_id", serde_json::json!(colleague)),
                ("checked_out_at", serde_json::json!("2026-11-02T09:06:00Z")),
            ],
        ));
        assert_eq!(
            w.count("SELECT count(*) FROM lone_check_ins WHERE cleared_at IS NULL"),
            1,
            "{backend}: a forged check-out clears nothing"
        );
        w.at(10, 16);
        wait_until("amber despite the forgeries", || w.delivered("amber") == 1);
        assert_eq!(hook.levels(), ["amber"], "{backend}");
    }
}

#[test]
fn without_a_contact_the_phone_promises_no_one() {
    let w = World::new("sqlite");
    let p = w.practitioner(PRACTITIONER);
    let phone = w.device(&p, "phone");
    let (visit, _) = family_with_visit(&phone);
    // A contact on a channel the server cannot use (no SMTP) would not count either; here there
    // is none at all.
    let view = phone.check_in(visit).unwrap();
    assert!(
        view.reminder.contains("No one is alerted automatically"),
        "{}",
        view.reminder
    );
    sync(&phone);
    w.at(10, 16);
    let words = alert_texts(&phone).join("\n");
    assert!(
        words.contains("no one will be alerted automatically"),
        "{words}"
    );
    assert!(!words.contains("monitor has it"), "{words}");
}

#[test]
fn contacts_are_sealed_at_rest_and_a_key_rotation_reseals_them() {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("server.key");
    KeyRing::create_file(&key_file).unwrap();
    let path = dir.path().join("server.db");
    let db = SqliteBackend::open(&path, Arc::new(KeyRing::from_file(&key_file).unwrap())).unwrap();
    db.migrate().unwrap();
    let team = admin::add_team(&db, "Team").unwrap();
    let p = admin::add_practitioner(
        &db,
        &team,
        PRACTITIONER,
        doorstep_core::domain::Agency::HealthVisiting,
        0,
    )
    .unwrap();
    let secret = "0123456789abcdef0123456789abcdef-not-in-the-clear";
    let email = "priya.buddy@example.org";
    let url = "https://arc.example.org/doorstep-hook";
    lone_working::add_contact(
        &db,
        &team,
        Some(&p),
        Role::Buddy,
        Channel::Email,
        email,
        None,
        "Priya Buddy",
        0,
    )
    .unwrap();
    lone_working::add_contact(
        &db,
        &team,
        None,
        Role::Team,
        Channel::Webhook,
        url,
        Some(secret),
        "Alarm centre",
        0,
    )
    .unwrap();
    // Refused: plain http beyond loopback, a short secret, a bad address.
    for (channel, target, s) in [
        (Channel::Webhook, "http://arc.example.org/x", Some(secret)),
        (Channel::Webhook, url, Some("short")),
        (Channel::Email, "not an address", None),
    ] {
        assert!(lone_working::add_contact(
            &db,
            &team,
            None,
            Role::Team,
            channel,
            target,
            s,
            "X",
            0
        )
        .is_err());
    }
    drop(db);
    let mut bytes = std::fs::read(&path).unwrap();
    if let Ok(wal) = std::fs::read(dir.path().join("server.db-wal")) {
        bytes.extend(wal);
    }
    let text = String::from_utf8_lossy(&bytes);
    for clear in [
        secret,
        email,
        url,
        "arc.example",
        "Priya Buddy",
        "Alarm centre",
    ] {
        assert!(!text.contains(clear), "{clear} is in the clear");
    }
    // Rotation: the new key alone opens every contact.
    let ring = KeyRing::add_new_key(&key_file).unwrap();
    let db = SqliteBackend::open(&path, Arc::new(ring)).unwrap();
    admin::reseal(&db).unwrap();
    drop(db);
    KeyRing::retire_old_keys(&key_file).unwrap();
    let db = SqliteBackend::open(&path, Arc::new(KeyRing::from_file(&key_file).unwrap())).unwrap();
    let contacts = lone_working::contacts_of_team(&db, &team).unwrap();
    let mut targets: Vec<&str> = contacts.iter().map(|c| c.target.as_str()).collect();
    targets.sort_unstable();
    assert_eq!(targets, [url, email]);
}
