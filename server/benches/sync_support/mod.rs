//! What the sync benchmarks share: a real server on loopback over a real database, devices
//! enrolled on it, operations built as a device builds them, and latency summaries.

use doorstep_core::domain::{Agency, CaseId, ChainHead, DeviceId, Note, NoteId, PractitionerId};
use doorstep_core::sync::merge::diff;
use doorstep_core::sync::protocol::Operation;
use doorstep_core::sync::Hlc;
use doorstep_core::SystemClock;
use doorstep_server::db::{with_tx, Backend, PostgresBackend, SqliteBackend};
use doorstep_server::{admin, auth, spawn_on_loopback, AppState, Config, RunningServer};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

/// The environment variable naming a PostgreSQL server for the PostgreSQL runs.
pub const PG_ENV: &str = "DOORSTEP_TEST_POSTGRES_URL";

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// A running server on loopback and its database.
pub struct Env {
    /// The server.
    pub server: RunningServer,
    /// Its database, for setup and for checking the outcome.
    pub db: Arc<dyn Backend>,
    /// A team every practitioner belongs to.
    pub team: String,
    pg_schema: Option<String>,
    _tmp: tempfile::TempDir,
}

impl Drop for Env {
    fn drop(&mut self) {
        if let (Some(schema), Ok(base)) = (&self.pg_schema, std::env::var(PG_ENV)) {
            if let Ok(admin) = PostgresBackend::connect(
                &base,
                1,
                doorstep_server::seal::KeyRing::ephemeral().unwrap(),
            ) {
                let _ = admin.transaction(&mut |tx| {
                    tx.exec(&format!("DROP SCHEMA {schema} CASCADE"), &[])?;
                    Ok(())
                });
            }
        }
    }
}

/// A fresh SQLite database file in `dir`, migrated.
pub fn sqlite_db(dir: &std::path::Path, name: &str) -> Arc<dyn Backend> {
    let db: Arc<dyn Backend> = Arc::new(
        SqliteBackend::open(
            &dir.join(name),
            doorstep_server::seal::KeyRing::ephemeral().unwrap(),
        )
        .unwrap(),
    );
    db.migrate().unwrap();
    db
}

/// A fresh PostgreSQL schema (as the server's tests make), migrated, with a pool of `pool`.
fn postgres_db(pool: u32) -> (Arc<dyn Backend>, String) {
    let base = std::env::var(PG_ENV).unwrap();
    let schema = format!("bench_{}", uuid::Uuid::new_v4().simple());
    let admin = PostgresBackend::connect(
        &base,
        1,
        doorstep_server::seal::KeyRing::ephemeral().unwrap(),
    )
    .unwrap();
    admin
        .transaction(&mut |tx| {
            tx.exec(&format!("CREATE SCHEMA {schema}"), &[])?;
            Ok(())
        })
        .unwrap();
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
    let db: Arc<dyn Backend> = Arc::new(
        PostgresBackend::connect(
            &url,
            pool,
            doorstep_server::seal::KeyRing::ephemeral().unwrap(),
        )
        .unwrap(),
    );
    db.migrate().unwrap();
    (db, schema)
}

/// Starts a server with the default configuration on `backend` (`sqlite` or `postgres`, the
/// latter with a pool of 16 connections as `doorstep-server` uses).
pub fn env(backend: &str) -> Env {
    let tmp = tempfile::tempdir().unwrap();
    let (db, pg_schema) = match backend {
        "sqlite" => (sqlite_db(tmp.path(), "server.db"), None),
        _ => {
            let (db, schema) = postgres_db(16);
            (db, Some(schema))
        }
    };
    let server = spawn_on_loopback(AppState::new(
        db.clone(),
        Arc::new(SystemClock),
        Config::default(),
    ))
    .unwrap();
    let team = admin::add_team(db.as_ref(), "Bench team").unwrap();
    Env {
        server,
        db,
        team,
        pg_schema,
        _tmp: tmp,
    }
}

impl Env {
    /// A new practitioner; returns their id.
    pub fn practitioner(&self) -> String {
        admin::add_practitioner(
            self.db.as_ref(),
            &self.team,
            PRACTITIONER_NAME,
            Agency::SocialCare,
            now_ms(),
        )
        .unwrap()
    }

    /// Enrols a new device over HTTP (`POST /v1/enrol`); returns its id and token.
    pub fn enrol_http(&self, agent: &ureq::Agent, practitioner: &str) -> (DeviceId, String) {
        let code = admin::issue_code(self.db.as_ref(), practitioner, now_ms(), 3_600_000).unwrap();
        let mut resp = agent
            .post(format!("{}/v1/enrol", self.server.url()))
            .send_json(json!({ "code": code }))
            .unwrap();
        assert_eq!(resp.status().as_u16(), 200);
        let body: Value = resp.body_mut().read_json().unwrap();
        let device = body["device_id"].as_str().unwrap().parse().unwrap();
        (device, body["token"].as_str().unwrap().to_string())
    }

    /// Enrols a new device through the server's own enrolment code path, without HTTP (setup for
    /// the load run: every simulated device shares loopback, so one client address).
    pub fn enrol_direct(&self, practitioner: &str) -> (DeviceId, String) {
        let device = DeviceId::random();
        (device, self.enrol_as(practitioner, device))
    }

    /// Enrols a device for `practitioner` without HTTP and gives it the id `device` (bench set-up:
    /// operations made before the run name it); returns its token.
    pub fn enrol_as(&self, practitioner: &str, device: DeviceId) -> String {
        let now = now_ms();
        let code = admin::issue_code(self.db.as_ref(), practitioner, now, 3_600_000).unwrap();
        with_tx(self.db.as_ref(), |tx| {
            let e = auth::enrol(tx, &code, now, auth::TOKEN_TTL_MILLIS)?;
            tx.exec(
                "UPDATE devices SET id = $1 WHERE id = $2",
                &[device.to_string().into(), e.device_id.into()],
            )?;
            Ok(e.token)
        })
        .unwrap()
    }

    /// Every `op_id` in the `ops` table.
    pub fn ops_ids(&self) -> Vec<String> {
        let rows = with_tx(self.db.as_ref(), |tx| {
            tx.query("SELECT op_id FROM ops", &[])
        })
        .unwrap();
        rows.into_iter()
            .map(|r| r[0].text().unwrap().to_string())
            .collect()
    }

    /// The `op_id` of every row of the `changes` log.
    pub fn change_op_ids(&self) -> Vec<String> {
        let rows = with_tx(self.db.as_ref(), |tx| {
            tx.query("SELECT seq, op FROM changes ORDER BY seq", &[])
        })
        .unwrap();
        rows.into_iter()
            .map(|r| {
                let seq = r[0].int().unwrap().to_string();
                let plain = self
                    .db
                    .sealer()
                    .open("changes.op", &seq, r[1].text().unwrap())
                    .unwrap();
                let op: Operation = serde_json::from_str(&plain).unwrap();
                op.op_id.to_string()
            })
            .collect()
    }
}

/// An HTTP client that returns error statuses as responses, with a timeout.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// Builds operations as a device does: a new op id each, the device's HLC one millisecond on.
pub struct Ops {
    device: DeviceId,
    author: PractitionerId,
    millis: u64,
}

/// Every bench practitioner's name (what their notes' `author_name` says).
pub const PRACTITIONER_NAME: &str = "Bench";

/// Synthetic note text of about 300 bytes (nothing identifying).
const NOTE: &str = "Visit completed as planned. Child seen alone in the bedroom and spoke about \
school and friends. Home conditions adequate; food in the cupboards; parent engaged with the plan \
and agreed the next steps. Safe sleeping discussed again. No new concerns raised today; next visit \
booked within ten working days as the plan requires.";

impl Ops {
    /// A generator for `device` of practitioner `author`, its clock starting a minute ago.
    pub fn new(device: DeviceId, author: &str) -> Self {
        Self {
            device,
            author: author.parse().unwrap(),
            millis: u64::try_from(now_ms() - 60_000).unwrap(),
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

    /// A new family: household, child, case, then `visits` visits each with a note.
    pub fn family(&mut self, visits: usize) -> Vec<Operation> {
        let (h, child, c) = (
            uuid::Uuid::new_v4(),
            uuid::Uuid::new_v4(),
            uuid::Uuid::new_v4(),
        );
        let mut out = vec![
            self.op(
                "household",
                h,
                h,
                None,
                None,
                json!({"id": h, "address": "1 Test Row", "postcode": "ZZ1 1ZZ", "access_notes": "side door"}),
            ),
            self.op(
                "person",
                child,
                h,
                None,
                Some(h),
                json!({"id": child, "household_id": h, "name": "Child", "date_of_birth": "2019-05-01", "role": "child"}),
            ),
            self.op(
                "case",
                c,
                h,
                Some(c),
                Some(child),
                json!({"id": c, "child_id": child, "household_id": h, "plan": "child_protection", "rag": "amber"}),
            ),
        ];
        let mut head = ChainHead::default();
        for _ in 0..visits {
            let v = uuid::Uuid::new_v4();
            out.push(self.op(
                "visit",
                v,
                h,
                Some(c),
                Some(c),
                json!({"id": v, "case_id": c, "status": "completed", "planned_for": "2026-11-30T10:00:00Z", "seen_alone": true}),
            ));
            let mut note = Note {
                id: NoteId::random(),
                case_id: CaseId(c),
                author_id: self.author,
                author_name: PRACTITIONER_NAME.into(),
                device_id: self.device,
                written_at: chrono::Utc::now(),
                text: NOTE.into(),
                significant: false,
                amends: None,
                position: head.count,
                prev_hash: head.hash,
                hash: [0; 32],
            };
            note.hash = note.compute_hash();
            head = note.head();
            out.push(self.op(
                "note",
                note.id.0,
                h,
                Some(c),
                Some(c),
                serde_json::to_value(&note).unwrap(),
            ));
        }
        out
    }
}

/// The `q`-th percentile (0–100) of sorted durations, in milliseconds.
pub fn percentile_ms(sorted: &[Duration], q: usize) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = (sorted.len() * q / 100).min(sorted.len() - 1);
    sorted[i].as_secs_f64() * 1000.0
}
