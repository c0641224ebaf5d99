//! A reference sync server on loopback (SQLite, fixed clock) with a team, and families written on
//! enrolled devices: the setting every sync test starts from.

use crate::sync_env::device_with_clock;
use chrono::{TimeZone, Utc};
use doorstep_core::domain::{
    Agency, CaseId, NewCase, NewHousehold, NewPerson, PersonId, PersonRole, PlanType, Rag,
};
use doorstep_core::sync::protocol::Operation;
use doorstep_core::{Clock, FixedClock, Store};
use doorstep_server::db::{with_tx, Backend, SqliteBackend, Val};
use doorstep_server::rate::RateLimits;
use doorstep_server::{admin, spawn_on_loopback, AppState, Config, RunningServer};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// A running server, its database and clock, and a team.
pub struct World {
    _tmp: tempfile::TempDir,
    /// A directory for device stores.
    pub dir: PathBuf,
    /// The server's database.
    pub db: Arc<dyn Backend>,
    /// The server.
    pub server: RunningServer,
    /// The server's (and by default the devices') clock: 2026-11-02 09:00 UTC.
    pub clock: Arc<FixedClock>,
    /// The team's id.
    pub team: String,
}

impl World {
    /// A server with the default limits, or with rate limiting off (`rate_limited: false`) for
    /// tests whose only faults should be the injected ones.
    pub fn new(rate_limited: bool) -> Self {
        let mut config = Config::default();
        if !rate_limited {
            config.rate = RateLimits::generous();
        }
        Self::with_config(config)
    }

    /// A server with these settings.
    pub fn with_config(config: Config) -> Self {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path().to_path_buf();
        let db: Arc<dyn Backend> = Arc::new(
            SqliteBackend::open(
                &dir.join("server.db"),
                doorstep_server::seal::KeyRing::ephemeral().unwrap(),
            )
            .expect("server db"),
        );
        db.migrate().expect("migrate");
        let clock = Arc::new(FixedClock::new(
            Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap(),
        ));
        let server =
            spawn_on_loopback(AppState::new(db.clone(), clock.clone(), config)).expect("server");
        let team = admin::add_team(db.as_ref(), "Shropshire North").expect("team");
        Self {
            _tmp: tmp,
            dir,
            db,
            server,
            clock,
            team,
        }
    }

    /// The server clock, Unix milliseconds.
    pub fn now(&self) -> i64 {
        self.clock.now().timestamp_millis()
    }

    /// A new practitioner in the team.
    pub fn practitioner(&self, name: &str, agency: Agency) -> String {
        admin::add_practitioner(self.db.as_ref(), &self.team, name, agency, self.now())
            .expect("practitioner")
    }

    /// An enrolled device for `practitioner` whose store uses `clock`.
    pub fn device_on(&self, practitioner: &str, name: &str, clock: Arc<dyn Clock>) -> Store {
        let code =
            admin::issue_code(self.db.as_ref(), practitioner, self.now(), 3_600_000).expect("code");
        device_with_clock(&self.dir.join(name), &self.server.url(), &code, clock)
    }

    /// An enrolled device on the server's clock.
    pub fn device(&self, practitioner: &str, name: &str) -> Store {
        self.device_on(practitioner, name, self.clock.clone())
    }

    /// Runs a query on the server's database.
    pub fn query(&self, sql: &str) -> Vec<Vec<Val>> {
        with_tx(self.db.as_ref(), |tx| tx.query(sql, &[])).expect("query")
    }

    /// Every operation in the server's change log.
    pub fn logged_ops(&self) -> Vec<Operation> {
        self.query("SELECT seq, op FROM changes ORDER BY seq")
            .iter()
            .map(|r| {
                let seq = r[0].int().unwrap_or_default().to_string();
                let sealed = r[1].text().unwrap_or_default();
                let plain = self
                    .db
                    .sealer()
                    .open("changes.op", &seq, sealed)
                    .expect("a sealed change opens");
                serde_json::from_str(&plain).expect("logged op")
            })
            .collect()
    }

    /// A stored record's flattened fields (it must be on the server exactly once).
    pub fn fields(&self, id: &str) -> BTreeMap<String, serde_json::Value> {
        let rows = with_tx(self.db.as_ref(), |tx| {
            tx.query("SELECT fields FROM records WHERE id = $1", &[Val::from(id)])
        })
        .expect("query");
        assert_eq!(rows.len(), 1, "record {id} is on the server once");
        let plain = self
            .db
            .sealer()
            .open("records.fields", id, rows[0][0].text().unwrap_or_default())
            .expect("sealed fields open");
        serde_json::from_str(&plain).expect("fields")
    }

    /// How many operations from `device` the server applied.
    pub fn ops_from(&self, device: &Store) -> i64 {
        with_tx(self.db.as_ref(), |tx| {
            tx.query(
                "SELECT count(*) FROM ops WHERE device_id = $1",
                &[Val::Text(device.device_id().to_string())],
            )
        })
        .expect("query")[0][0]
            .int()
            .unwrap_or(-1)
    }
}

/// Writes family `n` on `s`: a household, a child, and a child-protection case (amber); with a
/// first significant note when asked (a safeguarding concern: the urgent lane).
pub fn family(s: &Store, n: usize, significant_first_note: bool) -> (PersonId, CaseId) {
    let h = s
        .add_household(NewHousehold {
            address: format!("{n} Example Lane"),
            ..Default::default()
        })
        .expect("household");
    let child = s
        .add_person(NewPerson {
            household_id: h.id,
            role: PersonRole::Child,
            name: format!("Child {n}"),
            date_of_birth: chrono::NaiveDate::from_ymd_opt(2024, 2, 1),
            expected_date: None,
            relationship: None,
        })
        .expect("child");
    let case = s
        .open_case(NewCase {
            child_id: child.id,
            plan: PlanType::ChildProtection,
            rag: Rag::Amber,
            rag_reason: "domestic abuse history".into(),
            allocated_to: None,
        })
        .expect("case");
    if significant_first_note {
        s.add_note(case.id, &format!("first visit to family {n}"), true)
            .expect("note");
    }
    (child.id, case.id)
}
