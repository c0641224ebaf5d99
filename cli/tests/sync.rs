//! End-to-end sync tests: the real `doorstep` binary against the reference server running in this
//! test process on loopback, with its SQLite database on disk.

use chrono::Utc;
use doorstep_core::domain::Agency;
use doorstep_core::{Clock, FixedClock, SystemClock};
use doorstep_server::db::{Backend, SqliteBackend};
use doorstep_server::{admin, spawn_on_loopback, AppState, Config, RunningServer};
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;

mod common;
use common::*;

struct World {
    tmp: tempfile::TempDir,
    db: Arc<dyn Backend>,
    clock: Arc<dyn Clock>,
    server: RunningServer,
    team: String,
}

fn world(clock: Arc<dyn Clock>) -> World {
    let tmp = tempfile::tempdir().unwrap();
    let db: Arc<dyn Backend> = Arc::new(
        SqliteBackend::open(
            &tmp.path().join("server.db"),
            doorstep_server::seal::KeyRing::ephemeral().unwrap(),
        )
        .unwrap(),
    );
    db.migrate().unwrap();
    let server =
        spawn_on_loopback(AppState::new(db.clone(), clock.clone(), Config::default())).unwrap();
    let team = admin::add_team(db.as_ref(), "Test team").unwrap();
    World {
        tmp,
        db,
        clock,
        server,
        team,
    }
}

impl World {
    fn now(&self) -> i64 {
        self.clock.now().timestamp_millis()
    }
    fn practitioner(&self, name: &str, agency: Agency) -> String {
        admin::add_practitioner(self.db.as_ref(), &self.team, name, agency, self.now()).unwrap()
    }
    fn code(&self, practitioner: &str) -> String {
        admin::issue_code(self.db.as_ref(), practitioner, self.now(), 3_600_000).unwrap()
    }
    fn store(&self, name: &str) -> std::path::PathBuf {
        self.tmp.path().join(name)
    }
    fn ops_on_server(&self) -> i64 {
        doorstep_server::db::with_tx(self.db.as_ref(), |tx| {
            Ok(tx.query("SELECT count(*) FROM ops", &[])?[0][0]
                .int()
                .unwrap_or(-1))
        })
        .unwrap()
    }
    /// `init --server --enrol-code` for a new store.
    fn enrol(&self, store: &Path, practitioner: &str) -> Value {
        let code = self.code(practitioner);
        json(
            store,
            &[
                "init",
                "--server",
                &self.server.url(),
                "--enrol-code",
                &code,
            ],
        )
    }
}

/// A household, a child and their case, through the CLI; returns the case id.
fn family(store: &Path) -> String {
    let h = json(
        store,
        &[
            "household",
            "add",
            "--address",
            "9 Test Row",
            "--postcode",
            "ZZ1 1ZZ",
        ],
    );
    let child = json(
        store,
        &[
            "person",
            "add",
            "--household",
            h["id"].as_str().unwrap(),
            "--role",
            "child",
            "--name",
            "Test Child",
            "--dob",
            "2024-03-01",
        ],
    );
    let case = json(
        store,
        &[
            "case",
            "open",
            "--child",
            child["id"].as_str().unwrap(),
            "--plan",
            "child_in_need",
            "--rag",
            "amber",
            "--reason",
            "test reason",
        ],
    );
    case["id"].as_str().unwrap().to_string()
}

#[test]
fn an_enrolled_store_syncs_shows_its_queue_and_erases_itself_when_revoked() {
    let w = world(Arc::new(SystemClock));
    let sw = w.practitioner("Sam Social", Agency::SocialCare);
    let s = w.store("phone");
    let created = w.enrol(&s, &sw);
    assert_eq!(created["enrolled"], true);
    assert_eq!(created["practitioner"]["id"], sw.as_str());
    assert_eq!(created["practitioner"]["name"], "Sam Social");
    assert_eq!(created["practitioner"]["agency"], "social_care");

    let case = family(&s);
    ok(
        &s,
        &["note", "add", "--case", &case, "--text", "first note"],
    );
    let before = json(&s, &["queue"]);
    let pending = before["pending"].as_u64().unwrap();
    assert!(pending >= 4, "{before}");
    assert_eq!(before["enrolled"], true);
    assert_eq!(before["last_sync"], Value::Null);
    let human = ok(&s, &["queue"]);
    assert!(
        human.contains(&format!("Waiting to be sent: {pending}")),
        "{human}"
    );
    assert!(human.contains("Last sync: never"), "{human}");

    let r = json(&s, &["sync"]);
    assert!(r["sent"].as_u64().unwrap() > 0, "{r}");
    assert_eq!(r["sent"].as_u64().unwrap(), pending, "{r}");
    assert_eq!(r["remaining"], 0, "{r}");
    assert_eq!(r["parked"], 0, "{r}");
    assert_eq!(w.ops_on_server(), i64::try_from(pending).unwrap());

    let q = json(&s, &["queue"]);
    assert_eq!(q["pending"], 0, "{q}");
    assert!(q["last_sync"].is_string(), "{q}");
    assert!(q["last_sync_local"].is_string(), "{q}");
    assert_eq!(q["needs_attention"], Value::Array(vec![]), "{q}");
    let human = ok(&s, &["queue"]);
    assert!(human.contains("Waiting to be sent: 0"), "{human}");
    assert!(human.contains("Nothing needs attention."), "{human}");

    // Human sync output (stderr is not a terminal: no progress line, stderr stays empty).
    let o = doorstep(&s, &["sync"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("Synced: sent 0,"),
        "{}",
        text(&o.stdout)
    );
    assert_eq!(text(&o.stderr), "");
    assert_eq!(w.ops_on_server(), i64::try_from(pending).unwrap());

    // An administrator revokes the device: it erases its store on next contact.
    let devices = admin::devices(w.db.as_ref()).unwrap();
    assert_eq!(devices.len(), 1);
    admin::revoke_device(w.db.as_ref(), &devices[0].id, w.now()).unwrap();
    let line = fails(&s, &["sync"]);
    assert!(
        line.contains("revoked") && line.contains("erased"),
        "{line}"
    );
    assert!(!s.join("keyring.json").exists());
    assert!(!s.join("doorstep.db").exists());
    let line = fails(&s, &["queue"]);
    assert!(line.contains("no store"), "{line}");
}

#[test]
fn enrolment_problems_are_one_clear_line_and_create_nothing() {
    let w = world(Arc::new(SystemClock));
    let hv = w.practitioner("Hana Visitor", Agency::HealthVisiting);
    let url = w.server.url();

    let s = w.store("wrong-code");
    let line = fails(
        &s,
        &["init", "--server", &url, "--enrol-code", "NOT-A-CODE"],
    );
    assert!(line.contains("enrolment code is not valid"), "{line}");
    assert!(!s.join("keyring.json").exists());

    let s = w.store("plain-http");
    let line = fails(
        &s,
        &[
            "init",
            "--server",
            "http://sync.example.org",
            "--enrol-code",
            "X",
        ],
    );
    assert!(line.contains("https://"), "{line}");
    assert!(!s.join("keyring.json").exists());
    let line = fails(
        &s,
        &[
            "init",
            "--server",
            "http://10.1.2.3:8080",
            "--enrol-code",
            "X",
        ],
    );
    assert!(line.contains("https://"), "{line}");

    // A server that cannot be reached: nothing is created, and the line says so.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let s = w.store("unreachable");
    let down = format!("http://127.0.0.1:{port}");
    let line = fails(&s, &["init", "--server", &down, "--enrol-code", "X"]);
    assert!(
        line.contains("could not enrol") && line.contains("nothing was created"),
        "{line}"
    );
    assert!(!s.join("keyring.json").exists());

    // A code works once.
    let code = w.code(&hv);
    let first = w.store("first");
    ok(&first, &["init", "--server", &url, "--enrol-code", &code]);
    let second = w.store("second");
    let line = fails(&second, &["init", "--server", &url, "--enrol-code", &code]);
    assert!(line.contains("enrolment code is not valid"), "{line}");
    assert!(!second.join("keyring.json").exists());

    // Half an enrolment, or both kinds of init at once, is refused by the command line.
    let o = doorstep(&second, &["init", "--server", &url]);
    assert!(!o.status.success());
    assert_eq!(text(&o.stderr).lines().count(), 1, "{}", text(&o.stderr));
    let o = doorstep(
        &second,
        &[
            "init",
            "--server",
            &url,
            "--enrol-code",
            "X",
            "--name",
            "A",
            "--agency",
            "gp",
        ],
    );
    assert!(!o.status.success());
    assert_eq!(text(&o.stderr).lines().count(), 1, "{}", text(&o.stderr));

    // A standalone store says how to enrol.
    let alone = w.store("standalone");
    ok(
        &alone,
        &["init", "--name", "Pat Standalone", "--agency", "gp"],
    );
    let line = fails(&alone, &["sync"]);
    assert!(
        line.contains("not enrolled")
            && line.contains("doorstep init --server URL --enrol-code CODE"),
        "{line}"
    );
    let q = json(&alone, &["queue"]);
    assert_eq!(q["enrolled"], false);
}

#[test]
fn changes_from_a_phone_whose_clock_is_ahead_are_held_not_lost() {
    // The server's clock is a day behind: every change from this device is "from the future".
    let behind = Utc::now() - chrono::Duration::days(1) - chrono::Duration::hours(1);
    let w = world(Arc::new(FixedClock::new(behind)));
    let sw = w.practitioner("Sam Social", Agency::SocialCare);
    let s = w.store("phone");
    w.enrol(&s, &sw);
    json(&s, &["household", "add", "--address", "1 Clock Lane"]);
    let r = json(&s, &["sync"]);
    assert_eq!(r["held"], 1, "{r}");
    assert_eq!(r["parked"], 0, "{r}");
    assert_eq!(r["sent"], 0, "{r}");
    assert_eq!(r["remaining"], 1, "{r}");
    assert_eq!(r["needs_attention"], 0, "{r}");
    let q = json(&s, &["queue"]);
    assert_eq!(q["pending"], 1, "{q}");
    assert!(
        !q.to_string().contains("Clock Lane"),
        "the queue view never shows record contents: {q}"
    );
    let human = ok(&s, &["sync"]);
    assert!(human.contains("held back"), "{human}");
    assert!(human.contains("date and time"), "{human}");
}
