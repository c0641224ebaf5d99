//! A household's own digest (a group of one): every call that shows a household's data notices
//! it rolled back to an older sealed copy, and a store written before these digests (integrity
//! format 2) gains them at its first unlock without blessing tampering done before it.

use super::db::meta_get;
use super::records::Kind;
use super::tests::{new_store_with_clock, TEST_KEK};
use super::*;
use crate::clock::FixedClock;
use crate::crypto::SoftwareKeyProvider;
use crate::domain::{CaseId, Household, HouseholdId, NewVisit, VisitKind};
use rusqlite::params;

/// A store with a visit today on its one case, whose household was changed once after it was
/// added (as a change from the server is written): its row before the change is returned.
struct Scene {
    /// Removed when the scene is dropped.
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    clock: Arc<FixedClock>,
    case: CaseId,
    home: HouseholdId,
    /// The household's body and version before the change.
    old_row: (Vec<u8>, i64),
}

fn db(dir: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.join(DB_FILE)).unwrap()
}

fn row(dir: &Path, id: &[u8; 16]) -> (Vec<u8>, i64) {
    db(dir)
        .query_row(
            "SELECT body, version FROM records WHERE id = ?1",
            [&id[..]],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
}

fn put_back(dir: &Path, id: &[u8; 16], (body, version): &(Vec<u8>, i64)) {
    let n = db(dir)
        .execute(
            "UPDATE records SET body = ?1, version = ?2 WHERE id = ?3",
            params![body, version, &id[..]],
        )
        .unwrap();
    assert_eq!(n, 1);
}

fn scene() -> Scene {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    let (store, case, clock) = new_store_with_clock(&dir);
    let home = store.case(case).unwrap().household_id;
    store
        .plan_visit(NewVisit {
            case_id: case,
            kind: VisitKind::AnnouncedHome,
            planned_for: clock.now() + chrono::Duration::hours(2),
            expected_minutes: 45,
            departure_reason: None,
        })
        .unwrap();
    let old_row = row(&dir, &home.bytes());
    let mut moved: Household = store.household(home).unwrap();
    moved.address = "2 New Road".into();
    moved.access_notes = Some("key safe 4821".into());
    store
        .write(|r| r.update(Kind::Household, home.bytes(), None, &moved))
        .unwrap();
    assert_ne!(row(&dir, &home.bytes()).1, old_row.1, "a new version");
    Scene {
        _tmp: tmp,
        dir,
        clock,
        case,
        home,
        old_row,
    }
}

fn open(dir: &Path, clock: &Arc<FixedClock>) -> Result<Store, StoreError> {
    let store = Store::open(dir, clock.clone())?;
    store.unlock_with_provider(Arc::new(SoftwareKeyProvider::from_bytes(TEST_KEK)))?;
    Ok(store)
}

fn tampered<T: std::fmt::Debug>(what: &str, r: Result<T, StoreError>) {
    assert!(
        matches!(r, Err(StoreError::Tampered { .. })),
        "{what}: expected Tampered, got {r:?}"
    );
}

/// Every call that shows the household's data, each answering as it should on an untouched
/// store.
fn shows_the_new_address(store: &Store, s: &Scene) {
    let today = store.today().unwrap();
    assert_eq!(today.len(), 1);
    assert_eq!(today[0].household.address, "2 New Road");
    assert_eq!(store.child_view(s.case).unwrap().address, "2 New Road");
    assert_eq!(store.caseload_view().unwrap()[0].address, "2 New Road");
    assert_eq!(store.household(s.home).unwrap().address, "2 New Road");
    assert!(store.verify().unwrap().is_ok());
}

fn every_call_answers_tampered(store: &Store, s: &Scene) {
    tampered("today", store.today());
    tampered("the day list", store.day_list(s.clock.now().date_naive()));
    tampered("the child", store.child_view(s.case));
    tampered("the caseload", store.caseload_view());
    tampered("the household", store.household(s.home));
    assert!(!store.verify().unwrap().is_ok());
}

#[test]
fn a_household_rolled_back_to_its_older_sealed_copy_is_tampered_for_every_call_showing_it() {
    let s = scene();
    shows_the_new_address(&open(&s.dir, &s.clock).unwrap(), &s);
    // The older row put back whole (body and version together, validly sealed): it opens, and
    // only the digests can tell it is not the current copy.
    put_back(&s.dir, &s.home.bytes(), &s.old_row);
    let store = open(&s.dir, &s.clock).unwrap();
    every_call_answers_tampered(&store, &s);
}

#[test]
fn a_household_deleted_is_tampered_not_unknown() {
    let s = scene();
    let n = db(&s.dir)
        .execute("DELETE FROM records WHERE id = ?1", [&s.home.bytes()[..]])
        .unwrap();
    assert_eq!(n, 1);
    let store = open(&s.dir, &s.clock).unwrap();
    every_call_answers_tampered(&store, &s);
}

/// The own digests' group keys of every household, computed with the store's key.
fn own_groups(store: &Store) -> Vec<Vec<u8>> {
    store
        .read(|r| {
            Ok(r.list::<Household>(Kind::Household, None)?
                .iter()
                .map(|h| digest::own_group(&r.keys.digest, "household", &h.id.bytes()).to_vec())
                .collect())
        })
        .unwrap()
}

/// Puts a store back as the previous build (integrity format 2) wrote it: the same digests,
/// without the households' own.
fn as_format_2(dir: &Path, groups: &[Vec<u8>]) {
    let c = db(dir);
    for g in groups {
        assert_eq!(
            c.execute("DELETE FROM digests WHERE grp = ?1", [g])
                .unwrap(),
            1
        );
    }
    c.execute("UPDATE meta SET value = X'32' WHERE key = 'integrity'", [])
        .unwrap();
}

fn format(dir: &Path) -> Vec<u8> {
    meta_get(&db(dir), "integrity").unwrap().unwrap()
}

#[test]
fn a_format_2_store_gains_its_households_own_digests_at_unlock_and_a_rollback_before_is_not_blessed(
) {
    let s = scene();
    let groups = own_groups(&open(&s.dir, &s.clock).unwrap());
    assert_eq!(groups.len(), 1);
    as_format_2(&s.dir, &groups);
    assert_eq!(format(&s.dir), b"2");
    let copy = s.dir.with_file_name("copy");
    std::fs::create_dir_all(&copy).unwrap();
    for f in [DB_FILE, crate::crypto::KEYRING_FILE] {
        std::fs::copy(s.dir.join(f), copy.join(f)).unwrap();
    }

    // Untouched: the first unlock adds the household's own digest, and everything verifies.
    let store = open(&s.dir, &s.clock).unwrap();
    assert_eq!(format(&s.dir), b"3");
    let present: i64 = db(&s.dir)
        .query_row(
            "SELECT count(*) FROM digests WHERE grp = ?1",
            [&groups[0]],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(present, 1);
    shows_the_new_address(&store, &s);
    drop(store);
    // ...and a rollback after the upgrade is noticed by every call.
    put_back(&s.dir, &s.home.bytes(), &s.old_row);
    every_call_answers_tampered(&open(&s.dir, &s.clock).unwrap(), &s);

    // The household rolled back before the upgrade: its group of all households does not match,
    // so the upgrade refuses to compute its own digest from the old row, and nothing is shown.
    put_back(&copy, &s.home.bytes(), &s.old_row);
    let store = Store::open(&copy, s.clock.clone()).unwrap();
    tampered(
        "unlock",
        store.unlock_with_provider(Arc::new(SoftwareKeyProvider::from_bytes(TEST_KEK))),
    );
    assert_eq!(format(&copy), b"2", "not upgraded");
    every_call_answers_tampered(&store, &s);
}

#[test]
fn a_case_deleted_or_rolled_back_is_tampered_in_the_caseload_not_missing() {
    // Deleted: the caseload read from the households down finds its child's group short.
    let s = scene();
    assert_eq!(
        open(&s.dir, &s.clock)
            .unwrap()
            .caseload_view()
            .unwrap()
            .len(),
        1
    );
    let n = db(&s.dir)
        .execute("DELETE FROM records WHERE id = ?1", [&s.case.bytes()[..]])
        .unwrap();
    assert_eq!(n, 1);
    tampered(
        "the caseload",
        open(&s.dir, &s.clock).unwrap().caseload_view(),
    );

    // Rolled back: the case's older sealed copy (before its rating changed) put back whole.
    let s = scene();
    let before = row(&s.dir, &s.case.bytes());
    let store = open(&s.dir, &s.clock).unwrap();
    store
        .set_rag(s.case, crate::domain::Rag::Red, "new concerns from school")
        .unwrap();
    assert_eq!(
        store.caseload_view().unwrap()[0].rag,
        crate::domain::Rag::Red
    );
    drop(store);
    put_back(&s.dir, &s.case.bytes(), &before);
    tampered(
        "the caseload",
        open(&s.dir, &s.clock).unwrap().caseload_view(),
    );
}
