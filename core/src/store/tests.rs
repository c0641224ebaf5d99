//! Store tests that need the crate's internals (re-sealing a record as an insider with the key could).

use super::records::{Kind, Records};
use super::*;
use crate::clock::FixedClock;
use crate::crypto::SoftwareKeyProvider;
use crate::domain::{Agency, NewCase, NewHousehold, NewPerson, Note, PersonRole, PlanType, Rag};
use chrono::{NaiveDate, TimeZone, Utc};
use proptest::prelude::*;

pub(crate) fn new_store(dir: &Path) -> (Store, CaseId) {
    let (store, case, _) = new_store_with_clock(dir);
    (store, case)
}

/// The key provider key of [`new_store_with_clock`]'s stores.
pub(crate) const TEST_KEK: [u8; 32] = [5u8; 32];

/// A store with one child's case, on a clock the test moves (09:00 on Monday 2 November 2026).
pub(crate) fn new_store_with_clock(dir: &Path) -> (Store, CaseId, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(
        Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap(),
    ));
    let kp = Arc::new(SoftwareKeyProvider::from_bytes(TEST_KEK));
    let store = Store::create(
        dir,
        UnlockMethods {
            passphrase: None,
            provider: Some(kp),
        },
        NewPractitioner {
            name: "Test Practitioner".into(),
            agency: Agency::HealthVisiting,
            team: None,
        },
        clock.clone(),
    )
    .unwrap();
    let h = store
        .add_household(NewHousehold {
            address: "1 Test Row".into(),
            ..Default::default()
        })
        .unwrap();
    let child = store
        .add_person(NewPerson {
            household_id: h.id,
            role: PersonRole::Child,
            name: "Test Child".into(),
            date_of_birth: NaiveDate::from_ymd_opt(2025, 1, 1),
            expected_date: None,
            relationship: None,
        })
        .unwrap();
    let case = store
        .open_case(NewCase {
            child_id: child.id,
            plan: PlanType::ChildInNeed,
            rag: Rag::Amber,
            rag_reason: "referral".into(),
            allocated_to: None,
        })
        .unwrap();
    (store, case.id, clock)
}

use crate::domain::CaseId;

#[test]
fn an_edited_note_breaks_the_chain_at_that_note() {
    let dir = tempfile::tempdir().unwrap();
    let (store, case) = new_store(dir.path());
    for i in 0..4 {
        store.add_note(case, &format!("note {i}"), false).unwrap();
    }
    assert!(store.verify().unwrap().is_ok());
    let victim = store.notes(case).unwrap()[2].original.clone();
    {
        // An insider with the key re-seals an edited note, bypassing the append-only triggers.
        let inner = store.lock_inner();
        inner
            .conn
            .execute_batch("DROP TRIGGER notes_are_append_only_update")
            .unwrap();
        let keys = inner.keys.as_ref().unwrap();
        let r = Records::new(&inner.conn, keys, store.store_id, store.device_id, 0);
        let mut edited: Note = r.get(Kind::Note, victim.id.bytes()).unwrap();
        edited.text = "rewritten history".into();
        r.update(Kind::Note, victim.id.bytes(), None, &edited)
            .unwrap();
        r.flush().unwrap();
    }
    let report = store.verify().unwrap();
    assert_eq!(report.chain_breaks.len(), 1);
    assert_eq!(report.chain_breaks[0].position, 2);
    assert_eq!(report.chain_breaks[0].problem, ChainProblem::HashMismatch);
    assert!(report.tampered.is_empty());
}

#[test]
fn a_reopened_store_is_locked_and_unlocks_with_its_provider_only() {
    let dir = tempfile::tempdir().unwrap();
    let kek = [7u8; 32];
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let store = Store::create(
        dir.path(),
        UnlockMethods {
            passphrase: None,
            provider: Some(Arc::new(SoftwareKeyProvider::from_bytes(kek))),
        },
        NewPractitioner {
            name: "P".into(),
            agency: Agency::SocialCare,
            team: None,
        },
        clock.clone(),
    )
    .unwrap();
    drop(store);
    let store = Store::open(dir.path(), clock).unwrap();
    assert!(matches!(store.practitioner(), Err(StoreError::Locked)));
    let other = Arc::new(SoftwareKeyProvider::from_bytes([8u8; 32]));
    assert!(matches!(
        store.unlock_with_provider(other),
        Err(StoreError::KeyProvider(_))
    ));
    store
        .unlock_with_provider(Arc::new(SoftwareKeyProvider::from_bytes(kek)))
        .unwrap();
    assert_eq!(store.practitioner().unwrap().agency, Agency::SocialCare);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, .. ProptestConfig::default() })]

    /// Any interleaving of notes and amendments keeps every original, groups amendments under
    /// their original in order, and verifies.
    #[test]
    fn notes_and_amendments_keep_history(ops in proptest::collection::vec((any::<bool>(), 0usize..8, any::<bool>()), 1..14)) {
        let dir = tempfile::tempdir().unwrap();
        let (store, case) = new_store(dir.path());
        let mut originals: Vec<(crate::domain::NoteId, Vec<String>)> = Vec::new();
        for (i, (amend, pick, significant)) in ops.into_iter().enumerate() {
            let text = format!("text {i}");
            if amend && !originals.is_empty() {
                let k = pick % originals.len();
                store.amend_note(originals[k].0, &text, Some(significant)).unwrap();
                originals[k].1.push(text);
            } else {
                let n = store.add_note(case, &text, significant).unwrap();
                originals.push((n.id, vec![text]));
            }
        }
        let threads = store.notes(case).unwrap();
        prop_assert_eq!(threads.len(), originals.len());
        for (t, (id, texts)) in threads.iter().zip(&originals) {
            prop_assert_eq!(t.original.id, *id);
            let got: Vec<&str> = std::iter::once(t.original.text.as_str()).chain(t.amendments.iter().map(|a| a.text.as_str())).collect();
            prop_assert_eq!(got, texts.iter().map(String::as_str).collect::<Vec<_>>());
        }
        prop_assert!(store.verify().unwrap().is_ok());
    }
}

/// SQL that puts a store's integrity data back as schema 3 wrote it: the first store digest over
/// (kind, id, version) in `meta`, no group digests, no queue digest, each queued operation's
/// household in the clear and no sealed target.
fn legacy_form(store: &Store) -> String {
    let (legacy, households) = store
        .read(|r| {
            let d = super::digest::recompute_legacy(r.conn, &r.keys.digest)?;
            let mut out = Vec::new();
            for q in outbox::next_batch(r, 1000)? {
                out.push((q.seq, q.op.household_id));
            }
            Ok((d, out))
        })
        .unwrap();
    let mut sql = format!(
        "DELETE FROM meta WHERE key IN ('integrity', 'digest2', 'queue_digest');
         INSERT INTO meta (key, value) VALUES ('digest', X'{}');
         DELETE FROM digests; UPDATE outbox SET target = NULL;",
        hex::encode(legacy)
    );
    for (seq, h) in households {
        sql.push_str(&format!(
            "UPDATE outbox SET household = X'{}' WHERE seq = {seq};",
            hex::encode(h.as_bytes())
        ));
    }
    sql
}

#[test]
fn a_schema_3_store_is_brought_to_schema_4_at_its_first_unlock_and_its_tampering_is_not_blessed() {
    let dir = tempfile::tempdir().unwrap();
    let (store, case) = new_store(dir.path());
    store
        .add_note(case, "queued before the upgrade", true)
        .unwrap();
    let before = store.read(|r| outbox::next_batch(r, 100)).unwrap();
    let legacy = legacy_form(&store);
    let kp = store.lock_inner().provider.clone().unwrap();
    drop(store);
    let conn = rusqlite::Connection::open(dir.path().join(DB_FILE)).unwrap();
    conn.execute_batch(&legacy).unwrap();
    conn.execute_batch(
        "DROP TABLE digests; ALTER TABLE outbox DROP COLUMN target; PRAGMA user_version = 3;",
    )
    .unwrap();
    drop(conn);
    let copy = tempfile::tempdir().unwrap();
    for f in [DB_FILE, crate::crypto::KEYRING_FILE] {
        std::fs::copy(dir.path().join(f), copy.path().join(f)).unwrap();
    }

    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let store = Store::open(dir.path(), clock.clone()).unwrap();
    store.unlock_with_provider(kp.clone()).unwrap();
    assert!(store.verify().unwrap().is_ok());
    let after = store.read(|r| outbox::next_batch(r, 100)).unwrap();
    let ops = |b: &[outbox::Queued]| b.iter().map(|q| q.op.clone()).collect::<Vec<_>>();
    assert_eq!(
        ops(&after),
        ops(&before),
        "the queue survives, in the same order"
    );
    let (version, hidden) = store
        .read(|r| {
            let v: u32 = r
                .conn
                .query_row("PRAGMA user_version", [], |row| row.get(0))?;
            let mut stmt = r
                .conn
                .prepare("SELECT household, lane, target FROM outbox")?;
            let rows = stmt.query_map([], |row| {
                Ok((
                    row.get::<_, Vec<u8>>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, Option<Vec<u8>>>(2)?,
                ))
            })?;
            let mut hidden = true;
            for row in rows {
                let (household, lane, target) = row?;
                hidden &= lane == 0
                    && target.is_some()
                    && before
                        .iter()
                        .all(|q| household != q.op.household_id.as_bytes());
            }
            Ok((v, hidden))
        })
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    assert!(hidden, "lanes sealed, households blinded, targets sealed");
    drop(store);

    // The same old store with the child deleted before the upgrade: the old digest does not match,
    // and the upgrade refuses to bless it.
    let conn = rusqlite::Connection::open(copy.path().join(DB_FILE)).unwrap();
    conn.execute("DELETE FROM records WHERE kind = 'person'", [])
        .unwrap();
    drop(conn);
    let store = Store::open(copy.path(), clock).unwrap();
    assert!(matches!(
        store.unlock_with_provider(kp),
        Err(StoreError::Tampered { .. })
    ));
    assert!(matches!(store.case(case), Err(StoreError::Tampered { .. })));
    assert!(!store.verify().unwrap().is_ok());
}

#[test]
fn a_version_2_store_keeps_its_queue_when_the_outbox_loses_its_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let kek = [9u8; 32];
    let provider = || Arc::new(SoftwareKeyProvider::from_bytes(kek));
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let store = Store::create(
        dir.path(),
        UnlockMethods {
            passphrase: None,
            provider: Some(provider()),
        },
        NewPractitioner {
            name: "P".into(),
            agency: Agency::HealthVisiting,
            team: None,
        },
        clock.clone(),
    )
    .unwrap();
    let h = store
        .add_household(NewHousehold {
            address: "2 Queue Lane".into(),
            ..Default::default()
        })
        .unwrap();
    let queued = store
        .read(|r| outbox::next_batch(r, 10))
        .unwrap()
        .into_iter()
        .map(|q| q.op)
        .collect::<Vec<_>>();
    assert_eq!(queued.len(), 1);
    let legacy = legacy_form(&store);
    drop(store);
    // Put the outbox back as schema version 2 made it: a unique op id and a household index.
    let conn = rusqlite::Connection::open(dir.path().join(DB_FILE)).unwrap();
    conn.execute_batch(&legacy).unwrap();
    conn.execute_batch("ALTER TABLE outbox RENAME TO outbox_v3; PRAGMA user_version = 1;")
        .unwrap();
    conn.execute_batch(super::db::MIGRATIONS[1]).unwrap();
    conn.execute_batch(
        "INSERT INTO outbox SELECT seq, op_id, household, lane, parked, attempts, body
           FROM outbox_v3;
         DROP TABLE outbox_v3; DROP TABLE digests;
         PRAGMA user_version = 2;",
    )
    .unwrap();
    drop(conn);

    let store = Store::open(dir.path(), clock).unwrap();
    store.unlock_with_provider(provider()).unwrap();
    let again = store
        .read(|r| outbox::next_batch(r, 10))
        .unwrap()
        .into_iter()
        .map(|q| q.op)
        .collect::<Vec<_>>();
    assert_eq!(again, queued, "the queued change survives the migration");
    assert_eq!(again[0].record_id, h.id.0);
    let (version, indexes): (u32, i64) = store
        .read(|r| {
            Ok((
                r.conn.query_row("PRAGMA user_version", [], |row| row.get(0))?,
                r.conn.query_row(
                    "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'outbox'",
                    [],
                    |row| row.get(0),
                )?,
            ))
        })
        .unwrap();
    assert_eq!((version, indexes), (SCHEMA_VERSION, 0));
}

#[test]
fn a_completed_visit_stores_one_stamp_for_the_fields_its_completion_changed() {
    use crate::domain::{NewVisit, VisitKind, VisitOutcome};
    let dir = tempfile::tempdir().unwrap();
    let (store, case) = new_store(dir.path());
    let visit = store
        .plan_visit(NewVisit {
            case_id: case,
            kind: VisitKind::AnnouncedHome,
            planned_for: Utc.with_ymd_and_hms(2026, 11, 2, 14, 0, 0).unwrap(),
            expected_minutes: 60,
            departure_reason: None,
        })
        .unwrap();
    let outcome = VisitOutcome {
        child_seen: true,
        child_seen_alone: true,
        child_spoken_to_alone: true,
        sleeping_area_seen: true,
        others_present: Some(Default::default()),
        ..VisitOutcome::default()
    };
    store.complete_visit(visit.id, outcome).unwrap();
    let (value, stamps) = store
        .read(|r| {
            let raw = r.raw(Kind::Visit, visit.id.bytes())?.unwrap();
            r.open_envelope::<serde_json::Value>(Kind::Visit, &raw)
        })
        .unwrap();
    let fields = crate::sync::merge::flatten("visit", &value).len();
    let full = crate::sync::merge::full_stamps("visit", &value, &stamps);
    assert_eq!(full.len(), fields, "every field resolves to a stamp");
    // The completion's stamp is the default; only the fields planning set keep their own.
    assert!(
        stamps.len() * 2 < fields,
        "{} stamps for {fields} fields",
        stamps.len()
    );
}

#[test]
fn create_never_replaces_a_database_without_its_keyring_but_replaces_an_interrupted_creation() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = new_store(dir.path());
    drop(store);
    std::fs::remove_file(dir.path().join(crate::crypto::KEYRING_FILE)).unwrap();
    let before = std::fs::read(dir.path().join(super::DB_FILE)).unwrap();
    let again = || {
        Store::create(
            dir.path(),
            UnlockMethods {
                passphrase: None,
                provider: Some(Arc::new(SoftwareKeyProvider::generate().unwrap())),
            },
            NewPractitioner {
                name: "Someone Else".into(),
                agency: Agency::Gp,
                team: None,
            },
            Arc::new(crate::clock::SystemClock),
        )
    };
    assert!(matches!(
        again(),
        Err(StoreError::DatabaseWithoutKeyring { bytes }) if bytes >= before.len() as u64
    ));
    assert_eq!(
        std::fs::read(dir.path().join(super::DB_FILE)).unwrap(),
        before
    );
    // What an interrupted creation leaves (the marker beside a database) is replaced.
    std::fs::write(dir.path().join(super::CREATING_FILE), b"").unwrap();
    again().expect("an interrupted creation is replaced");
    assert!(!dir.path().join(super::CREATING_FILE).exists());
    // And `destroy_existing` clears a whole store away.
    super::destroy_existing(dir.path()).unwrap();
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
}

#[test]
fn a_rotated_key_leaves_the_old_keyring_and_key_reading_nothing_written_afterwards() {
    let dir = tempfile::tempdir().unwrap();
    let (store, case) = new_store(dir.path());
    store.add_note(case, "before the rotation", true).unwrap();
    let old_keyring = std::fs::read(dir.path().join(crate::crypto::KEYRING_FILE)).unwrap();
    let old_kp = store.lock_inner().provider.clone().unwrap();
    let old_key = store
        .lock_inner()
        .keys
        .as_ref()
        .unwrap()
        .data
        .expose()
        .to_owned();
    let new_kp = Arc::new(SoftwareKeyProvider::generate().unwrap());
    let counted = std::cell::Cell::new(0u64);
    let report = store
        .rotate_data_key(
            UnlockMethods {
                passphrase: None,
                provider: Some(new_kp.clone()),
            },
            Some(&|n| counted.set(n)),
        )
        .unwrap();
    assert_eq!(report.key_id, 2);
    assert!(
        report.records >= 5 && counted.get() == report.records,
        "{report:?}"
    );
    assert!(store.verify().unwrap().is_ok());
    assert_eq!(store.notes(case).unwrap().len(), 1);
    store.add_note(case, "after the rotation", true).unwrap();
    assert!(store.verify().unwrap().is_ok());
    drop(store);

    // The store opens with the new key only.
    let reopened = Store::open(dir.path(), Arc::new(crate::clock::SystemClock)).unwrap();
    assert!(reopened.unlock_with_provider(old_kp.clone()).is_err());
    reopened.unlock_with_provider(new_kp).unwrap();
    assert_eq!(reopened.notes(case).unwrap().len(), 2);
    drop(reopened);

    // A copy of the old keyring, unlocked with the old key, reads nothing.
    std::fs::write(dir.path().join(crate::crypto::KEYRING_FILE), &old_keyring).unwrap();
    let thief = Store::open(dir.path(), Arc::new(crate::clock::SystemClock)).unwrap();
    assert!(matches!(
        thief.unlock_with_provider(old_kp),
        Err(StoreError::Tampered { .. })
    ));
    let keys = Keys::new(
        crate::crypto::DataKey::from_slice(&old_key).unwrap(),
        crate::crypto::KeyId(1),
    );
    let inner = thief.lock_inner();
    let r = Records::new(&inner.conn, &keys, thief.store_id, thief.device_id, 0);
    for kind in Kind::ALL {
        for raw in super::records::raw_list(&inner.conn, kind, None).unwrap() {
            assert!(
                r.open_raw::<serde_json::Value>(kind, &raw).is_err(),
                "a {} opens with the old key",
                kind.name()
            );
        }
    }
    let mut stmt = inner
        .conn
        .prepare("SELECT op_id, body FROM outbox")
        .unwrap();
    let bodies: Vec<(Vec<u8>, Vec<u8>)> = stmt
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(!bodies.is_empty());
    for (_, body) in bodies {
        assert!(crate::crypto::open(&keys.data, b"", &body).is_err());
        assert!(r.open_sealed(&[], &body).is_none());
    }
}
