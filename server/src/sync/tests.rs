//! Push batches whose operations depend on each other (the batch reads its records up front and
//! writes at the end), on a real SQLite file, and on PostgreSQL when
//! `DOORSTEP_TEST_POSTGRES_URL` is set.

use super::push_batch;
use crate::admin;
use crate::auth::DeviceAuth;
use crate::db::{with_tx, Backend, PostgresBackend, SqliteBackend, Val};
use doorstep_core::domain::{Agency, CaseId, DeviceId, Note, NoteId};
use doorstep_core::sync::merge::diff;
use doorstep_core::sync::protocol::{OpResult, Operation};
use doorstep_core::sync::Hlc;
use serde_json::{json, Value};
use uuid::Uuid;

const NOW: i64 = 1_800_000_000_000;

const PG_ENV: &str = "DOORSTEP_TEST_POSTGRES_URL";

struct World {
    db: Box<dyn Backend>,
    pg_schema: Option<String>,
    auth: DeviceAuth,
    device: DeviceId,
    millis: u64,
    _dir: tempfile::TempDir,
}

impl Drop for World {
    fn drop(&mut self) {
        if let (Some(schema), Ok(base)) = (&self.pg_schema, std::env::var(PG_ENV)) {
            if let Ok(admin) =
                PostgresBackend::connect(&base, 1, crate::seal::KeyRing::ephemeral().unwrap())
            {
                let _ = admin.transaction(&mut |tx| {
                    tx.exec(&format!("DROP SCHEMA {schema} CASCADE"), &[])?;
                    Ok(())
                });
            }
        }
    }
}

impl World {
    /// A fresh database on `backend` (`sqlite`, or `postgres` in a schema of its own).
    fn on(backend: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (db, pg_schema): (Box<dyn Backend>, _) = if backend == "sqlite" {
            let db = SqliteBackend::open(
                &dir.path().join("server.db"),
                crate::seal::KeyRing::ephemeral().unwrap(),
            )
            .unwrap();
            (Box::new(db), None)
        } else {
            let base = std::env::var(PG_ENV).unwrap();
            let schema = format!("u_{}", Uuid::new_v4().simple());
            PostgresBackend::connect(&base, 1, crate::seal::KeyRing::ephemeral().unwrap())
                .unwrap()
                .transaction(&mut |tx| {
                    tx.exec(&format!("CREATE SCHEMA {schema}"), &[])?;
                    Ok(())
                })
                .unwrap();
            let sep = if base.contains('?') { '&' } else { '?' };
            let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
            (
                Box::new(
                    PostgresBackend::connect(&url, 2, crate::seal::KeyRing::ephemeral().unwrap())
                        .unwrap(),
                ),
                Some(schema),
            )
        };
        db.migrate().unwrap();
        let team = admin::add_team(db.as_ref(), "Team").unwrap();
        let p = admin::add_practitioner(db.as_ref(), &team, "P", Agency::SocialCare, NOW).unwrap();
        let device = DeviceId::random();
        Self {
            db,
            pg_schema,
            auth: DeviceAuth {
                device_id: device.to_string(),
                practitioner_id: p,
                practitioner_name: "P".into(),
            },
            device,
            millis: NOW as u64 - 60_000,
            _dir: dir,
        }
    }

    fn op(
        &mut self,
        kind: &str,
        record: Uuid,
        household: Uuid,
        case: Option<Uuid>,
        v: Value,
    ) -> Operation {
        self.millis += 1;
        let hlc = Hlc {
            millis: self.millis,
            counter: 0,
            device: self.device,
        };
        Operation {
            op_id: Uuid::new_v4(),
            device_id: self.device,
            hlc,
            kind: kind.into(),
            record_id: record,
            household_id: household,
            case_id: case,
            parent_id: None,
            delta: diff(kind, None, &v, hlc),
        }
    }

    /// A note by this world's device and practitioner, at `position` of its chain on `case`
    /// after the link hashed `prev`.
    fn note(
        &mut self,
        id: Uuid,
        household: Uuid,
        case: Uuid,
        text: &str,
        link: (u64, [u8; 32]),
    ) -> (Operation, [u8; 32]) {
        let mut note = Note {
            id: NoteId(id),
            case_id: CaseId(case),
            author_id: self.auth.practitioner_id.parse().unwrap(),
            author_name: self.auth.practitioner_name.clone(),
            device_id: self.device,
            written_at: chrono::DateTime::from_timestamp_millis(NOW - 60_000).unwrap(),
            text: text.into(),
            significant: false,
            amends: None,
            position: link.0,
            prev_hash: link.1,
            hash: [0; 32],
        };
        note.hash = note.compute_hash();
        let op = self.op(
            "note",
            id,
            household,
            Some(case),
            serde_json::to_value(&note).unwrap(),
        );
        (op, note.hash)
    }

    fn push(&self, ops: &[Operation]) -> Vec<OpResult> {
        with_tx(self.db.as_ref(), |tx| push_batch(tx, &self.auth, ops, NOW)).unwrap()
    }

    fn rows(&self, sql: &str) -> Vec<Vec<Val>> {
        with_tx(self.db.as_ref(), |tx| tx.query(sql, &[])).unwrap()
    }
}

/// SQLite, and PostgreSQL when configured.
fn backends() -> Vec<&'static str> {
    let mut out = vec!["sqlite"];
    if std::env::var(PG_ENV).is_ok() {
        out.push("postgres");
    }
    out
}

fn applied_seq(r: &OpResult) -> i64 {
    match r {
        OpResult::Applied { seq, .. } => *seq,
        other => panic!("expected applied, got {other:?}"),
    }
}

#[test]
fn a_batch_sees_its_own_earlier_operations() {
    for b in backends() {
        sees_its_own_earlier_operations(World::on(b));
    }
}

fn sees_its_own_earlier_operations(mut w: World) {
    let (h, c, v) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    let household = w.op("household", h, h, None, json!({"postcode": "ZZ1 1ZZ"}));
    let moved = w.op("household", h, h, None, json!({"address": "2 Test Row"}));
    let case = w.op("case", c, h, Some(c), json!({"plan": "child_protection"}));
    let visit = w.op("visit", v, h, Some(c), json!({"status": "planned"}));
    let batch = vec![household.clone(), moved, household, case, visit];
    let results = w.push(&batch);
    assert!(
        matches!(results[2], OpResult::Duplicate { .. }),
        "{results:?}"
    );
    let seqs: Vec<i64> = [0, 1, 3, 4]
        .iter()
        .map(|i| applied_seq(&results[*i]))
        .collect();
    assert!(seqs.windows(2).all(|s| s[0] < s[1]), "in order: {seqs:?}");

    // One row for the household, with both changes and the later sequence number.
    let rows = w.rows(&format!("SELECT fields, seq FROM records WHERE id = '{h}'"));
    assert_eq!(rows.len(), 1);
    let plain =
        w.db.sealer()
            .open(super::FIELDS, &h.to_string(), rows[0][0].text().unwrap())
            .unwrap();
    let fields: Value = serde_json::from_str(&plain).unwrap();
    assert_eq!(fields["postcode"], "ZZ1 1ZZ");
    assert_eq!(fields["address"], "2 Test Row");
    assert_eq!(rows[0][1].int(), Some(seqs[1]));
    // The case opened in the batch is allocated, so the visit on it was applied.
    assert_eq!(w.rows("SELECT 1 FROM allocations").len(), 1);
    assert_eq!(w.rows("SELECT op_id FROM ops").len(), 4);
    let logged = w.rows("SELECT seq FROM changes ORDER BY seq");
    let logged: Vec<i64> = logged.iter().map(|r| r[0].int().unwrap()).collect();
    assert_eq!(logged, seqs);

    // The same batch again: every operation a duplicate, nothing written.
    let again = w.push(&batch);
    assert!(
        again
            .iter()
            .all(|r| matches!(r, OpResult::Duplicate { .. })),
        "{again:?}"
    );
    assert_eq!(w.rows("SELECT seq FROM changes").len(), 4);
}

#[test]
fn a_batch_refuses_what_its_own_records_do_not_allow() {
    for b in backends() {
        refuses_what_its_own_records_do_not_allow(World::on(b));
    }
}

fn refuses_what_its_own_records_do_not_allow(mut w: World) {
    let (h, other, c, v, n) = (
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
    );
    let household = w.op("household", h, h, None, json!({"postcode": "ZZ1 1ZZ"}));
    let case = w.op("case", c, h, Some(c), json!({"plan": "child_protection"}));
    // A visit claiming the case belongs to another household.
    let astray = w.op("visit", v, other, Some(c), json!({"status": "planned"}));
    let (note, first) = w.note(n, h, c, "Seen.", (0, [0; 32]));
    let (changed, _) = w.note(n, h, c, "Changed.", (0, [0; 32]));
    let (mut ahead, _) = w.note(Uuid::new_v4(), h, c, "Later.", (1, first));
    ahead.hlc.millis = NOW as u64 + 2 * 24 * 3_600_000;
    let results = w.push(&[household, case, astray, note, changed, ahead]);
    let code = |r: &OpResult| match r {
        OpResult::Rejected { code, .. } => code.clone(),
        other => panic!("expected rejected, got {other:?}"),
    };
    assert_eq!(code(&results[2]), "not_allocated");
    applied_seq(&results[3]);
    assert_eq!(code(&results[4]), "append_only");
    assert_eq!(code(&results[5]), "clock_ahead");
    assert_eq!(w.rows("SELECT id FROM records").len(), 3);
    assert_eq!(w.rows("SELECT seq FROM changes").len(), 3);
}

#[test]
fn a_full_batch_is_written_whole_on_every_backend() {
    for b in backends() {
        let mut w = World::on(b);
        let h = Uuid::new_v4();
        let mut ops = vec![w.op("household", h, h, None, json!({"postcode": "ZZ1 1ZZ"}))];
        while ops.len() < 500 {
            let id = Uuid::new_v4();
            ops.push(w.op(
                "person",
                id,
                h,
                None,
                json!({"name": "Child", "role": "child"}),
            ));
        }
        let results = w.push(&ops);
        let seqs: Vec<i64> = results.iter().map(applied_seq).collect();
        assert!(seqs.windows(2).all(|s| s[0] < s[1]), "{b}: in order");
        assert_eq!(w.rows("SELECT id FROM records").len(), 500, "{b}");
        assert_eq!(w.rows("SELECT op_id FROM ops").len(), 500, "{b}");
        let logged = w.rows("SELECT seq, op FROM changes ORDER BY seq");
        assert_eq!(logged.len(), 500, "{b}");
        for (row, op) in logged.iter().zip(&ops) {
            let seq = row[0].int().unwrap();
            let plain =
                w.db.sealer()
                    .open(super::OP, &seq.to_string(), row[1].text().unwrap())
                    .unwrap();
            let back: Operation = serde_json::from_str(&plain).unwrap();
            assert_eq!(&back, op, "{b}: the log holds each operation as applied");
        }
        assert_eq!(
            logged
                .iter()
                .map(|r| r[0].int().unwrap())
                .collect::<Vec<_>>(),
            seqs,
            "{b}"
        );
    }
}
