//! A real server on loopback over a real database (SQLite in a temporary file, and PostgreSQL when
//! `DOORSTEP_TEST_POSTGRES_URL` is set — `.ci/run` sets it), and a real HTTP client.
#![allow(dead_code)]

use chrono::{TimeZone, Utc};
use doorstep_core::domain::{Agency, CaseId, ChainHead, DeviceId, Note, NoteId, PractitionerId};
use doorstep_core::sync::merge::diff;
use doorstep_core::sync::protocol::Operation;
use doorstep_core::sync::Hlc;
use doorstep_core::FixedClock;
use doorstep_server::db::{Backend, PostgresBackend, SqliteBackend};
use doorstep_server::seal::{KeyProvider, KeyRing};
use doorstep_server::{admin, spawn_on_loopback, AppState, Config, RunningServer};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// The backends to run every test against.
pub fn backends() -> Vec<&'static str> {
    let mut out = vec!["sqlite"];
    match std::env::var("DOORSTEP_TEST_POSTGRES_URL") {
        Ok(_) => out.push("postgres"),
        Err(_) if std::env::var("CI").is_ok() => {
            panic!("CI must provide PostgreSQL (DOORSTEP_TEST_POSTGRES_URL)")
        }
        Err(_) => {
            eprintln!("DOORSTEP_TEST_POSTGRES_URL not set: PostgreSQL runs skipped on this machine")
        }
    }
    out
}

/// A fresh PostgreSQL schema for one test, so tests never see each other's rows; dropped with the
/// test's [`Env`].
fn postgres(keys: Arc<dyn KeyProvider>) -> (Arc<dyn Backend>, String) {
    let base = std::env::var("DOORSTEP_TEST_POSTGRES_URL").unwrap();
    let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
    let admin = PostgresBackend::connect(&base, 1, KeyRing::ephemeral().unwrap()).unwrap();
    admin
        .transaction(&mut |tx| {
            tx.exec(&format!("CREATE SCHEMA {schema}"), &[])?;
            Ok(())
        })
        .unwrap();
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
    (
        Arc::new(PostgresBackend::connect(&url, 4, keys).unwrap()),
        schema,
    )
}

/// A running server and what a test needs around it.
pub struct Env {
    pub server: RunningServer,
    pub db: Arc<dyn Backend>,
    pub clock: Arc<FixedClock>,
    pub agent: ureq::Agent,
    pub team: String,
    /// The PostgreSQL schema of this test, if on PostgreSQL.
    pub pg_schema: Option<String>,
    /// The SQLite database file, if on SQLite.
    pub sqlite_path: std::path::PathBuf,
    _tmp: tempfile::TempDir,
}

impl Drop for Env {
    fn drop(&mut self) {
        if let (Some(schema), Ok(base)) =
            (&self.pg_schema, std::env::var("DOORSTEP_TEST_POSTGRES_URL"))
        {
            if let Ok(admin) = PostgresBackend::connect(&base, 1, KeyRing::ephemeral().unwrap()) {
                let _ = admin.transaction(&mut |tx| {
                    tx.exec(&format!("DROP SCHEMA {schema} CASCADE"), &[])?;
                    Ok(())
                });
            }
        }
    }
}

/// The test clock's start: 2026-11-02 09:00 UTC.
pub fn start() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap()
}

pub fn env(backend: &str, config: Config) -> Env {
    env_with_keys(backend, config, KeyRing::ephemeral().unwrap())
}

/// [`env`] with the server's data keys given.
pub fn env_with_keys(backend: &str, config: Config, keys: Arc<dyn KeyProvider>) -> Env {
    let tmp = tempfile::tempdir().unwrap();
    let sqlite_path = tmp.path().join("server.db");
    let (db, pg_schema): (Arc<dyn Backend>, Option<String>) = match backend {
        "sqlite" => (
            Arc::new(SqliteBackend::open(&sqlite_path, keys).unwrap()),
            None,
        ),
        _ => {
            let (db, schema) = postgres(keys);
            (db, Some(schema))
        }
    };
    db.migrate().unwrap();
    let clock = Arc::new(FixedClock::new(start()));
    let server = spawn_on_loopback(AppState::new(db.clone(), clock.clone(), config)).unwrap();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let team = admin::add_team(db.as_ref(), "Team A").unwrap();
    Env {
        server,
        db,
        clock,
        agent,
        team,
        pg_schema,
        sqlite_path,
        _tmp: tmp,
    }
}

impl Env {
    pub fn now(&self) -> i64 {
        doorstep_core::Clock::now(self.clock.as_ref()).timestamp_millis()
    }

    pub fn practitioner(&self, name: &str) -> String {
        admin::add_practitioner(
            self.db.as_ref(),
            &self.team,
            name,
            Agency::SocialCare,
            self.now(),
        )
        .unwrap()
    }

    pub fn post(&self, path: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
        let mut req = self.agent.post(format!("{}{path}", self.server.url()));
        if let Some(t) = token {
            req = req.header("Authorization", &format!("Bearer {t}"));
        }
        let mut resp = req.send_json(body).unwrap();
        let status = resp.status().as_u16();
        (status, resp.body_mut().read_json().unwrap_or(Value::Null))
    }

    pub fn get(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        let mut req = self.agent.get(format!("{}{path}", self.server.url()));
        if let Some(t) = token {
            req = req.header("Authorization", &format!("Bearer {t}"));
        }
        let mut resp = req.call().unwrap();
        let status = resp.status().as_u16();
        (status, resp.body_mut().read_json().unwrap_or(Value::Null))
    }

    /// Enrols a new device for `practitioner`; returns its id (the server's) and token.
    pub fn device(&self, practitioner: &str) -> (DeviceId, String) {
        let code =
            admin::issue_code(self.db.as_ref(), practitioner, self.now(), 3_600_000).unwrap();
        let (status, body) = self.post("/v1/enrol", None, &json!({ "code": code }));
        assert_eq!(status, 200, "{body}");
        let device = body["device_id"].as_str().unwrap().parse().unwrap();
        (device, body["token"].as_str().unwrap().to_string())
    }

    /// An operation builder for `device` of `practitioner` (notes carry their name).
    pub fn ops(&self, device: DeviceId, practitioner: &str) -> Ops {
        let (name, _) = admin::practitioner(self.db.as_ref(), practitioner).unwrap();
        Ops::new(device, practitioner.parse().unwrap(), &name)
    }

    pub fn push(&self, token: &str, ops: &[Operation]) -> (u16, Value) {
        self.post("/v1/push", Some(token), &json!({ "ops": ops }))
    }

    /// Every change visible to the token, following the cursor to the end.
    pub fn pull_all(&self, token: &str, page: u32) -> Vec<Value> {
        let mut since = 0i64;
        let mut out = Vec::new();
        loop {
            let (status, body) = self.get(
                &format!("/v1/changes?since={since}&limit={page}"),
                Some(token),
            );
            assert_eq!(status, 200, "{body}");
            let next = body["next_cursor"].as_i64().unwrap();
            assert!(next >= since, "the cursor went backwards");
            out.extend(body["changes"].as_array().unwrap().iter().cloned());
            since = next;
            if !body["more"].as_bool().unwrap() {
                return out;
            }
        }
    }
}

/// Builds operations as a device would.
pub struct Ops {
    pub device: DeviceId,
    /// Who writes the notes (practitioner id and name).
    pub author: (PractitionerId, String),
    /// The head of this device's note chain on each case.
    pub heads: HashMap<uuid::Uuid, ChainHead>,
    millis: u64,
}

impl Ops {
    pub fn new(device: DeviceId, author: PractitionerId, name: &str) -> Self {
        Self {
            device,
            author: (author, name.to_string()),
            heads: HashMap::new(),
            millis: start().timestamp_millis() as u64,
        }
    }

    fn op(
        &mut self,
        kind: &str,
        record: uuid::Uuid,
        household: uuid::Uuid,
        case: Option<uuid::Uuid>,
        parent: Option<uuid::Uuid>,
        value: Value,
    ) -> Operation {
        self.millis += 1;
        let hlc = Hlc {
            millis: self.millis,
            counter: 0,
            device: self.device,
        };
        Operation {
            op_id: uuid::Uuid::new_v4(),
            device_id: self.device,
            hlc,
            kind: kind.into(),
            record_id: record,
            household_id: household,
            case_id: case,
            parent_id: parent,
            delta: diff(kind, None, &value, hlc),
        }
    }

    pub fn household(&mut self, h: uuid::Uuid) -> Operation {
        self.op(
            "household",
            h,
            h,
            None,
            None,
            json!({"id": h, "address": "1 Test Row"}),
        )
    }

    pub fn person(&mut self, h: uuid::Uuid, p: uuid::Uuid) -> Operation {
        self.op(
            "person",
            p,
            h,
            None,
            Some(h),
            json!({"id": p, "household_id": h, "name": "Child"}),
        )
    }

    pub fn case(&mut self, h: uuid::Uuid, c: uuid::Uuid, child: uuid::Uuid) -> Operation {
        self.op("case", c, h, Some(c), Some(child), json!({"id": c, "child_id": child, "household_id": h, "plan": "child_protection", "allocated_to": uuid::Uuid::new_v4()}))
    }

    pub fn visit(
        &mut self,
        h: uuid::Uuid,
        c: uuid::Uuid,
        v: uuid::Uuid,
        status: &str,
    ) -> Operation {
        self.op(
            "visit",
            v,
            h,
            Some(c),
            Some(c),
            json!({"id": v, "case_id": c, "status": status}),
        )
    }

    /// A note by this device's practitioner, the next link of its chain on the case.
    pub fn note(&mut self, h: uuid::Uuid, c: uuid::Uuid, n: uuid::Uuid, text: &str) -> Operation {
        let head = self.heads.get(&c).copied().unwrap_or_default();
        let note = self.note_as(c, n, text, self.author.clone(), self.device, head);
        self.heads.insert(c, note.head());
        self.note_op(h, &note)
    }

    /// A note with the given author and device fields at `head` of a chain (forgeries included).
    pub fn note_as(
        &self,
        c: uuid::Uuid,
        n: uuid::Uuid,
        text: &str,
        author: (PractitionerId, String),
        device: DeviceId,
        head: ChainHead,
    ) -> Note {
        let mut note = Note {
            id: NoteId(n),
            case_id: CaseId(c),
            author_id: author.0,
            author_name: author.1,
            device_id: device,
            written_at: start(),
            text: text.into(),
            significant: false,
            amends: None,
            position: head.count,
            prev_hash: head.hash,
            hash: [0; 32],
        };
        note.hash = note.compute_hash();
        note
    }

    /// The operation that sends `note`, from this device.
    pub fn note_op(&mut self, h: uuid::Uuid, note: &Note) -> Operation {
        let c = note.case_id.0;
        self.op(
            "note",
            note.id.0,
            h,
            Some(c),
            Some(c),
            serde_json::to_value(note).unwrap(),
        )
    }
}

/// A household, child and case ids.
pub fn family() -> (uuid::Uuid, uuid::Uuid, uuid::Uuid) {
    (
        uuid::Uuid::new_v4(),
        uuid::Uuid::new_v4(),
        uuid::Uuid::new_v4(),
    )
}

pub fn results(body: &Value) -> Vec<String> {
    body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| match r["result"].as_str().unwrap() {
            "rejected" => format!("rejected:{}", r["code"].as_str().unwrap()),
            other => other.to_string(),
        })
        .collect()
}
