//! Tampering with the database file directly (rusqlite on `doorstep.db`, the core bypassed): every
//! altered, swapped, transplanted or relabelled record is reported as `Tampered` with its own id,
//! every other record still opens, and the note chains expose deleted and reordered notes.

use doorstep_core::domain::CaseId;
use doorstep_core::store::{ChainBreak, ChainProblem};
use doorstep_core::{Store, StoreError};
use doorstep_tests::rng::Rng;
use doorstep_tests::sample::{self, Markers, Sample};
use doorstep_tests::stores;
use rusqlite::{params, Connection};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const KEY: [u8; 32] = [0x5a; 32];

/// A pristine store with the sample and three more notes on the child's case (seven in its chain).
struct Fixture {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    sample: Sample,
}

fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("pristine");
    let m = Markers::new(&mut Rng::new(Rng::seed_from_env_or_time()));
    let s = stores::create_with_key(&dir, KEY, m.practitioner()).unwrap();
    let mut sample = sample::populate(&s, &m).unwrap();
    for i in 0..3 {
        sample.notes.push(
            s.add_note(sample.cases[0], &format!("extra note {i}"), false)
                .unwrap()
                .id,
        );
    }
    assert!(s.verify().unwrap().is_ok());
    drop(s);
    Fixture {
        _tmp: tmp,
        dir,
        sample,
    }
}

impl Fixture {
    /// A fresh copy of the pristine store to damage.
    fn copy(&self, name: &str) -> PathBuf {
        let to = self.dir.parent().unwrap().join(name);
        stores::copy_dir(&self.dir, &to).unwrap();
        to
    }
}

#[derive(Debug, Clone)]
struct Row {
    id: [u8; 16],
    kind: String,
}

fn uuid(id: &[u8; 16]) -> String {
    let h = doorstep_tests::hexkey::encode(id);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

fn rows(c: &Connection) -> Vec<Row> {
    let mut st = c
        .prepare("SELECT id, kind FROM records ORDER BY seq")
        .unwrap();
    st.query_map([], |r| {
        let id: Vec<u8> = r.get(0)?;
        Ok(Row {
            id: id.try_into().unwrap(),
            kind: r.get(1)?,
        })
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

fn body(c: &Connection, id: &[u8; 16]) -> Vec<u8> {
    c.query_row("SELECT body FROM records WHERE id = ?1", [&id[..]], |r| {
        r.get(0)
    })
    .unwrap()
}

fn set_body(c: &Connection, id: &[u8; 16], b: &[u8]) {
    let n = c
        .execute(
            "UPDATE records SET body = ?1 WHERE id = ?2",
            params![b, &id[..]],
        )
        .unwrap();
    assert_eq!(n, 1);
}

fn drop_triggers(c: &Connection) {
    c.execute_batch(
        "DROP TRIGGER notes_are_append_only_update; DROP TRIGGER notes_are_append_only_delete;",
    )
    .unwrap();
}

fn open(dir: &Path) -> Store {
    stores::open_with_key(dir, KEY).unwrap()
}

fn no_panic<T>(f: impl FnOnce() -> T) -> T {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .unwrap_or_else(|_| panic!("the core panicked"))
}

/// Reads one record through the public API by its clear kind and id. Notes have no single-note
/// read: their case's notes are read.
fn read(s: &Store, sample: &Sample, kind: &str, id: &str) -> Result<(), StoreError> {
    no_panic(|| match kind {
        "practitioner" => s.practitioner().map(drop),
        "household" => s.household(id.parse().unwrap()).map(drop),
        "person" => s.person(id.parse().unwrap()).map(drop),
        "case" => s.case(id.parse().unwrap()).map(drop),
        "visit" => s.visit(id.parse().unwrap()).map(drop),
        "note" => {
            for c in &sample.cases {
                let threads = s.notes(*c)?;
                let found = threads.iter().any(|t| {
                    t.original.id.to_string() == id
                        || t.amendments.iter().any(|a| a.id.to_string() == id)
                });
                if found {
                    return Ok(());
                }
            }
            Err(StoreError::NotFound {
                kind: "note",
                id: id.to_string(),
            })
        }
        other => panic!("unknown kind {other}"),
    })
}

fn assert_tampered(r: Result<(), StoreError>, id: &str) {
    match r {
        Err(StoreError::Tampered { record_id }) => assert_eq!(record_id, id),
        other => panic!("expected Tampered {{ {id} }}, got {other:?}"),
    }
}

fn tampered_set(s: &Store) -> BTreeSet<String> {
    let report = no_panic(|| s.verify()).unwrap();
    assert!(report.database_ok, "{report:?}");
    report.tampered.into_iter().collect()
}

#[test]
fn a_flipped_byte_anywhere_in_any_record_names_that_record_and_only_it() {
    let f = fixture();
    let all = rows(&stores::raw_db(&f.dir));
    assert_eq!(all.len(), 1 + 1 + 4 + 2 + 5 + 7);
    let mut rng = Rng::new(Rng::seed_from_env_or_time());
    // One record of every kind, flipped at the version byte, in the salt, in the ciphertext and in
    // the tag.
    let kinds = [
        "practitioner",
        "household",
        "person",
        "case",
        "visit",
        "note",
    ];
    for (k, kind) in kinds.iter().enumerate() {
        let candidates: Vec<&Row> = all.iter().filter(|r| r.kind == *kind).collect();
        let target = candidates[rng.index(candidates.len())].clone();
        let id = uuid(&target.id);
        let len = body(&stores::raw_db(&f.dir), &target.id).len();
        for (p, pos) in [0, 1 + rng.index(24), 25 + rng.index(len - 41), len - 1]
            .into_iter()
            .enumerate()
        {
            let dir = f.copy(&format!("flip-{k}-{p}"));
            let c = stores::raw_db(&dir);
            drop_triggers(&c);
            let mut b = body(&c, &target.id);
            b[pos] ^= 1 << rng.index(8);
            set_body(&c, &target.id, &b);
            drop(c);

            let s = open(&dir);
            if *kind == "note" {
                // The case's notes cannot be listed; the note is named.
                assert_tampered(read(&s, &f.sample, kind, &id), &id);
            } else {
                assert_tampered(read(&s, &f.sample, kind, &id), &id);
                for other in all.iter().filter(|r| r.id != target.id && r.kind != "note") {
                    read(&s, &f.sample, &other.kind, &uuid(&other.id)).unwrap_or_else(|e| {
                        panic!("{} {} should open: {e:?}", other.kind, uuid(&other.id))
                    });
                }
            }
            let report = s.verify().unwrap();
            assert_eq!(report.tampered, vec![id.clone()], "{kind} at byte {pos}");
            assert_eq!(report.records_checked as usize, all.len() - 1);
            assert!(!report.is_ok());
            if *kind == "note" {
                assert!(report
                    .chain_breaks
                    .iter()
                    .any(|b| b.problem == ChainProblem::Unreadable));
            }
            // A truncated body is tampering too.
            drop(s);
            let c = stores::raw_db(&dir);
            let b = body(&c, &target.id);
            if *kind != "note" {
                set_body(&c, &target.id, &b[..b.len() - 1 - rng.index(b.len() - 1)]);
                drop(c);
                let s = open(&dir);
                assert_tampered(read(&s, &f.sample, kind, &id), &id);
            }
        }
    }
}

#[test]
fn swapped_bodies_of_two_records_of_the_same_kind_are_both_tampered() {
    let f = fixture();
    for kind in ["person", "visit", "case"] {
        let dir = f.copy(&format!("swap-{kind}"));
        let c = stores::raw_db(&dir);
        let same: Vec<Row> = rows(&c).into_iter().filter(|r| r.kind == kind).collect();
        let (a, b) = (&same[0], &same[1]);
        let (ba, bb) = (body(&c, &a.id), body(&c, &b.id));
        set_body(&c, &a.id, &bb);
        set_body(&c, &b.id, &ba);
        drop(c);
        let s = open(&dir);
        assert_tampered(read(&s, &f.sample, kind, &uuid(&a.id)), &uuid(&a.id));
        assert_tampered(read(&s, &f.sample, kind, &uuid(&b.id)), &uuid(&b.id));
        let expected: BTreeSet<String> = [uuid(&a.id), uuid(&b.id)].into();
        assert_eq!(tampered_set(&s), expected);
    }
    // Two notes, with the triggers dropped.
    let dir = f.copy("swap-notes");
    let c = stores::raw_db(&dir);
    drop_triggers(&c);
    let (a, b) = (f.sample.notes[1].bytes(), f.sample.notes[4].bytes());
    let (ba, bb) = (body(&c, &a), body(&c, &b));
    set_body(&c, &a, &bb);
    set_body(&c, &b, &ba);
    drop(c);
    let s = open(&dir);
    let expected: BTreeSet<String> = [uuid(&a), uuid(&b)].into();
    assert_eq!(tampered_set(&s), expected);
}

#[test]
fn a_body_copied_from_another_store_is_tampered() {
    let f = fixture();
    let g = fixture();
    let dir = f.copy("transplant");
    let c = stores::raw_db(&dir);
    let theirs = stores::raw_db(&g.dir);
    let mut expected = BTreeSet::new();
    // The other store's household and child, each into the row of the same kind and role here.
    for (mine, other) in [
        (f.sample.household.bytes(), g.sample.household.bytes()),
        (f.sample.child.bytes(), g.sample.child.bytes()),
        (f.sample.visits[1].bytes(), g.sample.visits[1].bytes()),
    ] {
        set_body(&c, &mine, &body(&theirs, &other));
        expected.insert(uuid(&mine));
    }
    // And a whole row (id and all) from the other store.
    c.execute(
        "ATTACH DATABASE ?1 AS other",
        [g.dir.join("doorstep.db").to_str().unwrap()],
    )
    .unwrap();
    c.execute(
        "INSERT INTO records (id, kind, parent, tag, key_id, format, body)
         SELECT id, kind, parent, tag, key_id, format, body FROM other.records WHERE id = ?1",
        [&g.sample.people[2].bytes()[..]],
    )
    .unwrap();
    c.execute("DETACH DATABASE other", []).unwrap();
    expected.insert(uuid(&g.sample.people[2].bytes()));
    drop(c);

    let s = open(&dir);
    let hid = f.sample.household.to_string();
    assert_tampered(read(&s, &f.sample, "household", &hid), &hid);
    let cid = f.sample.child.to_string();
    assert_tampered(read(&s, &f.sample, "person", &cid), &cid);
    let pid = g.sample.people[2].to_string();
    assert_tampered(read(&s, &f.sample, "person", &pid), &pid);
    assert_eq!(tampered_set(&s), expected);
}

#[test]
fn relabelled_kind_key_id_or_format_is_tampered_or_not_found_never_a_panic() {
    let f = fixture();
    let person = f.sample.people[2].bytes();
    let pid = uuid(&person);
    type Case = (&'static str, &'static str);
    let edits: &[Case] = &[
        (
            "kind_household",
            "UPDATE records SET kind = 'household' WHERE id = ?1",
        ),
        (
            "kind_case",
            "UPDATE records SET kind = 'case' WHERE id = ?1",
        ),
        (
            "kind_note",
            "UPDATE records SET kind = 'note' WHERE id = ?1",
        ),
        ("key_id_2", "UPDATE records SET key_id = 2 WHERE id = ?1"),
        ("key_id_0", "UPDATE records SET key_id = 0 WHERE id = ?1"),
        ("format_2", "UPDATE records SET format = 2 WHERE id = ?1"),
        ("format_0", "UPDATE records SET format = 0 WHERE id = ?1"),
    ];
    for (name, sql) in edits {
        let dir = f.copy(name);
        let c = stores::raw_db(&dir);
        assert_eq!(c.execute(sql, [&person[..]]).unwrap(), 1);
        drop(c);
        let s = open(&dir);
        let r = read(&s, &f.sample, "person", &pid);
        // Read by its old kind it is not simply missing: a row with its id is there.
        assert_tampered(r, &pid);
        if name.starts_with("kind") {
            let new_kind = &name["kind_".len()..];
            if new_kind != "note" {
                assert_tampered(read(&s, &f.sample, new_kind, &pid), &pid);
            }
        }
        let expected: BTreeSet<String> = [pid.clone()].into();
        assert_eq!(tampered_set(&s), expected, "{name}");
    }
}

#[test]
fn out_of_range_key_id_or_format_is_reported_not_a_storage_error() {
    let f = fixture();
    let person = f.sample.people[2].bytes();
    let pid = uuid(&person);
    for (name, sql) in [
        ("key_id_neg", "UPDATE records SET key_id = -1 WHERE id = ?1"),
        (
            "key_id_big",
            "UPDATE records SET key_id = 1099511627776 WHERE id = ?1",
        ),
        ("format_neg", "UPDATE records SET format = -7 WHERE id = ?1"),
    ] {
        let dir = f.copy(name);
        let c = stores::raw_db(&dir);
        assert_eq!(c.execute(sql, [&person[..]]).unwrap(), 1);
        drop(c);
        let s = open(&dir);
        let r = read(&s, &f.sample, "person", &pid);
        assert!(
            matches!(
                &r,
                Err(StoreError::Tampered { .. } | StoreError::Corrupt { .. })
            ),
            "{name}: {r:?}"
        );
        let report = no_panic(|| s.verify());
        let report = report.unwrap_or_else(|e| panic!("{name}: verify failed outright: {e:?}"));
        assert!(!report.is_ok(), "{name}");
    }
}

#[test]
fn verify_lists_every_tampered_record() {
    let f = fixture();
    let dir = f.copy("many");
    let c = stores::raw_db(&dir);
    drop_triggers(&c);
    let targets = [
        f.sample.household.bytes(),
        f.sample.people[1].bytes(),
        f.sample.people[3].bytes(),
        f.sample.cases[1].bytes(),
        f.sample.visits[0].bytes(),
        f.sample.visits[4].bytes(),
        f.sample.notes[5].bytes(),
    ];
    for t in &targets {
        let mut b = body(&c, t);
        let mid = b.len() / 2;
        b[mid] ^= 0x80;
        set_body(&c, t, &b);
    }
    drop(c);
    let s = open(&dir);
    let expected: BTreeSet<String> = targets.iter().map(uuid).collect();
    let report = s.verify().unwrap();
    assert_eq!(report.tampered.len(), targets.len(), "each listed once");
    assert_eq!(
        report.tampered.iter().cloned().collect::<BTreeSet<_>>(),
        expected
    );
    assert_eq!(report.records_checked as usize, 20 - targets.len());
    // Untouched records still read.
    s.person(f.sample.people[0]).unwrap();
    s.case(f.sample.cases[0]).unwrap();
    s.visit(f.sample.visits[2]).unwrap();
}

fn chain_breaks(dir: &Path) -> (Vec<ChainBreak>, Vec<String>) {
    let s = open(dir);
    let r = s.verify().unwrap();
    assert!(r.database_ok);
    (r.chain_breaks, r.tampered)
}

#[test]
fn deleting_a_note_in_the_middle_is_a_link_mismatch_at_its_position() {
    let f = fixture();
    let case = f.sample.cases[0];
    let n = f.sample.notes.len();
    assert_eq!(n, 7);
    let device = open(&f.dir).device_id();
    for gone in [0, 1, 3, 5] {
        let dir = f.copy(&format!("gap-{gone}"));
        let c = stores::raw_db(&dir);
        drop_triggers(&c);
        c.execute(
            "DELETE FROM records WHERE id = ?1",
            [&f.sample.notes[gone].bytes()[..]],
        )
        .unwrap();
        drop(c);
        let (breaks, tampered) = chain_breaks(&dir);
        assert!(tampered.is_empty());
        assert_eq!(
            breaks,
            vec![ChainBreak {
                case_id: case,
                device_id: Some(device),
                position: gone as u64,
                note_id: Some(f.sample.notes[gone + 1]),
                problem: ChainProblem::LinkMismatch,
            }],
            "note {gone} deleted"
        );
    }
}

#[test]
fn deleting_the_last_notes_is_a_head_mismatch() {
    let f = fixture();
    let case = f.sample.cases[0];
    let n = f.sample.notes.len();
    let device = open(&f.dir).device_id();
    for removed in [1, 3] {
        let dir = f.copy(&format!("tail-{removed}"));
        let c = stores::raw_db(&dir);
        drop_triggers(&c);
        for id in &f.sample.notes[n - removed..] {
            c.execute("DELETE FROM records WHERE id = ?1", [&id.bytes()[..]])
                .unwrap();
        }
        drop(c);
        let (breaks, tampered) = chain_breaks(&dir);
        assert!(tampered.is_empty());
        assert_eq!(
            breaks,
            vec![ChainBreak {
                case_id: case,
                device_id: Some(device),
                position: (n - removed) as u64,
                note_id: None,
                problem: ChainProblem::HeadMismatch,
            }]
        );
    }
}

#[test]
fn reordered_rows_change_no_history() {
    let f = fixture();
    let dir = f.copy("reorder");
    let c = stores::raw_db(&dir);
    drop_triggers(&c);
    let (a, b) = (f.sample.notes[2].bytes(), f.sample.notes[3].bytes());
    // Swap the insertion order of notes 2 and 3.
    c.execute_batch("BEGIN").unwrap();
    let seq = |id: &[u8; 16]| -> i64 {
        c.query_row("SELECT seq FROM records WHERE id = ?1", [&id[..]], |r| {
            r.get(0)
        })
        .unwrap()
    };
    let (sa, sb) = (seq(&a), seq(&b));
    c.execute("UPDATE records SET seq = -1 WHERE id = ?1", [&a[..]])
        .unwrap();
    c.execute(
        "UPDATE records SET seq = ?1 WHERE id = ?2",
        params![sa, &b[..]],
    )
    .unwrap();
    c.execute(
        "UPDATE records SET seq = ?1 WHERE id = ?2",
        params![sb, &a[..]],
    )
    .unwrap();
    c.execute_batch("COMMIT").unwrap();
    drop(c);
    // Notes sync between devices and arrive in any order, so the order rows were stored in means
    // nothing: each device's chain is walked by position. Reordering rows changes no history.
    let (breaks, tampered) = chain_breaks(&dir);
    assert!(tampered.is_empty());
    assert!(breaks.is_empty(), "{breaks:?}");
    let order = |d: &Path| -> Vec<_> {
        let s = open(d);
        let threads = s.notes(f.sample.cases[0]).unwrap();
        threads.iter().map(|t| t.original.id).collect()
    };
    assert_eq!(
        order(&dir),
        order(&f.dir),
        "notes are listed in the order they were written"
    );
}

#[test]
fn the_triggers_refuse_update_and_delete_of_notes() {
    let f = fixture();
    let dir = f.copy("triggers");
    let c = stores::raw_db(&dir);
    let note = f.sample.notes[1].bytes();
    let refused = |sql: &str| {
        let e = c.execute(sql, [&note[..]]).unwrap_err();
        assert!(e.to_string().contains("append-only"), "{sql}: {e}");
    };
    refused("UPDATE records SET body = X'00' WHERE id = ?1");
    refused("UPDATE records SET kind = 'person' WHERE id = ?1");
    refused("UPDATE records SET seq = seq + 1000 WHERE id = ?1");
    refused("DELETE FROM records WHERE id = ?1");
    let e = c
        .execute("DELETE FROM records WHERE kind = 'note'", [])
        .unwrap_err();
    assert!(e.to_string().contains("append-only"), "{e}");
    // Other records may be updated (the core re-seals them on every change).
    c.execute(
        "UPDATE records SET key_id = key_id WHERE id = ?1",
        [&f.sample.household.bytes()[..]],
    )
    .unwrap();
    drop(c);
    let s = open(&dir);
    assert_eq!(s.notes(f.sample.cases[0]).unwrap().len(), 6);
    assert!(s.verify().unwrap().is_ok());
}

#[test]
fn a_note_replaced_around_the_triggers_is_still_caught_by_verify() {
    // REPLACE deletes the conflicting row without firing delete triggers (recursive triggers are
    // off), so the triggers alone do not protect a note; the AEAD and the chain must.
    let f = fixture();
    let dir = f.copy("replace");
    let c = stores::raw_db(&dir);
    let victim = f.sample.notes[3].bytes();
    let donor = f.sample.notes[4].bytes();
    let r = c.execute(
        "INSERT OR REPLACE INTO records (seq, id, kind, parent, tag, key_id, format, body)
         SELECT v.seq, v.id, v.kind, v.parent, v.tag, v.key_id, v.format, d.body
         FROM records v, records d WHERE v.id = ?1 AND d.id = ?2",
        params![&victim[..], &donor[..]],
    );
    drop(c);
    let s = open(&dir);
    let report = s.verify().unwrap();
    if r.is_ok() {
        assert_eq!(report.tampered, vec![uuid(&victim)]);
        // The unreadable note, and the gap it leaves in its device's chain, both at position 3.
        assert!(!report.chain_breaks.is_empty());
        assert!(
            report.chain_breaks.iter().all(|b| b.position == 3),
            "{:?}",
            report.chain_breaks
        );
    } else {
        assert!(report.is_ok());
    }
}

#[test]
fn a_record_rolled_back_to_an_older_version_is_detected() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    let m = Markers::new(&mut Rng::new(1));
    let s = stores::create_with_key(&dir, KEY, m.practitioner()).unwrap();
    let x = sample::populate(&s, &m).unwrap();
    let planned = s
        .plan_visit(doorstep_core::domain::NewVisit {
            case_id: x.cases[0],
            kind: doorstep_core::domain::VisitKind::AnnouncedHome,
            planned_for: sample::visit_times()[0],
            expected_minutes: 30,
            departure_reason: None,
        })
        .unwrap();
    stores::checkpoint(&dir);
    let old = body(&stores::raw_db(&dir), &planned.id.bytes());
    s.complete_visit(
        planned.id,
        doorstep_core::domain::VisitOutcome {
            child_seen: true,
            concerns: vec!["bruise on the left arm".into()],
            ..Default::default()
        },
    )
    .unwrap();
    drop(s);
    // Restore the visit's earlier (validly sealed) body: the concern disappears.
    set_body(&stores::raw_db(&dir), &planned.id.bytes(), &old);
    let s = open(&dir);
    let read = s.visit(planned.id);
    let report = s.verify().unwrap();
    assert!(
        read.is_err() || !report.is_ok(),
        "the rolled-back visit reads as {:?} and verify is clean",
        read.map(|v| v.status)
    );
}

#[test]
fn a_deleted_or_relabelled_record_is_detected_by_verify() {
    let f = fixture();
    for (name, sql) in [
        ("delete", "DELETE FROM records WHERE id = ?1"),
        ("relabel", "UPDATE records SET kind = 'bogus' WHERE id = ?1"),
    ] {
        let dir = f.copy(name);
        let c = stores::raw_db(&dir);
        assert_eq!(
            c.execute(sql, [&f.sample.visits[1].bytes()[..]]).unwrap(),
            1
        );
        drop(c);
        let s = open(&dir);
        let report = s.verify().unwrap();
        assert!(
            !report.is_ok(),
            "{name}: a completed visit vanished unreported"
        );
    }
}

#[test]
fn a_moved_visit_is_detected() {
    let f = fixture();
    let visit = f.sample.visits[1].bytes();
    for (name, sql) in [
        (
            "reparent",
            "UPDATE records SET parent = (SELECT id FROM records WHERE kind = 'household') WHERE id = ?1",
        ),
        ("retag", "UPDATE records SET tag = randomblob(16) WHERE id = ?1"),
    ] {
        let dir = f.copy(name);
        let c = stores::raw_db(&dir);
        assert_eq!(c.execute(sql, [&visit[..]]).unwrap(), 1);
        drop(c);
        let s = open(&dir);
        let listed = s
            .visits_for_case(f.sample.cases[0])
            .map(|v| v.iter().any(|v| v.id == f.sample.visits[1]));
        let on_day = s
            .day_list(sample::visit_times()[1].date_naive())
            .map(|d| d.iter().any(|i| i.visit.id == f.sample.visits[1]));
        let report = s.verify().unwrap();
        assert!(
            !report.is_ok() || (listed.is_err() && on_day.is_err()),
            "{name}: the visit silently vanished (listed {listed:?}, on its day {on_day:?})"
        );
    }
}

/// Runs `f` and expects `Tampered`, whatever record it names.
fn expect_tampered<T: std::fmt::Debug>(what: &str, r: Result<T, StoreError>) {
    match no_panic(|| r) {
        Err(StoreError::Tampered { .. }) => {}
        other => panic!("{what}: expected Tampered, got {other:?}"),
    }
}

fn version(c: &Connection, id: &[u8; 16]) -> i64 {
    c.query_row(
        "SELECT version FROM records WHERE id = ?1",
        [&id[..]],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn the_normal_reads_report_a_deleted_relabelled_or_moved_visit_as_tampered() {
    let f = fixture();
    let victim = f.sample.visits[1].bytes();
    let day = sample::visit_times()[1].date_naive();
    let case = f.sample.cases[0];
    for (name, sql) in [
        ("delete", "DELETE FROM records WHERE id = ?1"),
        ("relabel", "UPDATE records SET kind = 'bogus' WHERE id = ?1"),
        (
            // Another real visit's day tag: the visit leaves its day for another.
            "move-day",
            "UPDATE records SET tag = (SELECT tag FROM records r2 WHERE r2.kind = 'visit' \
             AND r2.tag <> records.tag AND r2.tag IS NOT NULL LIMIT 1) WHERE id = ?1",
        ),
    ] {
        let dir = f.copy(name);
        let c = stores::raw_db(&dir);
        assert_eq!(c.execute(sql, [&victim[..]]).unwrap(), 1, "{name}");
        drop(c);
        let s = open(&dir);
        expect_tampered(&format!("{name}: its day"), s.day_list(day));
        expect_tampered(
            &format!("{name}: the case's visits"),
            s.visits_for_case(case),
        );
        expect_tampered(&format!("{name}: the child"), s.child_view(case));
        if name == "move-day" {
            // The day it moved to (whichever it is) reports it too.
            let reported = sample::visit_times()
                .iter()
                .map(|t| t.date_naive())
                .filter(|d| *d != day)
                .any(|d| matches!(s.day_list(d), Err(StoreError::Tampered { .. })));
            assert!(reported, "{name}: the day it moved to shows it as its own");
        }
        assert!(!s.verify().unwrap().is_ok(), "{name}");
    }
}

#[test]
fn a_visit_rolled_back_with_its_version_is_reported_by_every_read_of_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    let m = Markers::new(&mut Rng::new(3));
    let s = stores::create_with_key(&dir, KEY, m.practitioner()).unwrap();
    let x = sample::populate(&s, &m).unwrap();
    let at = sample::visit_times()[4];
    let planned = s
        .plan_visit(doorstep_core::domain::NewVisit {
            case_id: x.cases[0],
            kind: doorstep_core::domain::VisitKind::AnnouncedHome,
            planned_for: at,
            expected_minutes: 30,
            departure_reason: None,
        })
        .unwrap();
    stores::checkpoint(&dir);
    let c = stores::raw_db(&dir);
    let (old_body, old_version) = (
        body(&c, &planned.id.bytes()),
        version(&c, &planned.id.bytes()),
    );
    drop(c);
    s.complete_visit(
        planned.id,
        doorstep_core::domain::VisitOutcome {
            child_seen: true,
            concerns: vec!["bruise on the left arm".into()],
            ..Default::default()
        },
    )
    .unwrap();
    drop(s);
    // The whole row put back as it was when planned: body and version together, validly sealed.
    let c = stores::raw_db(&dir);
    c.execute(
        "UPDATE records SET body = ?1, version = ?2 WHERE id = ?3",
        params![old_body, old_version, &planned.id.bytes()[..]],
    )
    .unwrap();
    drop(c);
    let s = open(&dir);
    expect_tampered("the visit", s.visit(planned.id));
    expect_tampered("its day", s.day_list(at.date_naive()));
    expect_tampered("the case's visits", s.visits_for_case(x.cases[0]));
    expect_tampered("the child", s.child_view(x.cases[0]));
    assert!(!s.verify().unwrap().is_ok());
}

#[test]
fn deleted_notes_and_a_rolled_back_case_are_reported_by_the_notes_and_the_case() {
    let f = fixture();
    let case = f.sample.cases[0];
    let dir = f.copy("note-deleted");
    let c = stores::raw_db(&dir);
    drop_triggers(&c);
    let last = f.sample.notes.last().unwrap().bytes();
    assert_eq!(
        c.execute("DELETE FROM records WHERE id = ?1", [&last[..]])
            .unwrap(),
        1
    );
    drop(c);
    let s = open(&dir);
    expect_tampered("the notes", s.notes(case));
    expect_tampered("the child", s.child_view(case));

    // A case's RAG change undone by putting back its earlier row (body and version).
    let (_tmp, dir, case) = rag_change_rolled_back(4);
    expect_tampered("the case", open(&dir).case(case));
}

/// A new store whose first case's RAG change was undone by putting back the case's earlier row
/// (body and version together, validly sealed): its directory (kept while the guard lives) and the
/// case.
fn rag_change_rolled_back(seed: u64) -> (tempfile::TempDir, PathBuf, CaseId) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("rag");
    let m = Markers::new(&mut Rng::new(seed));
    let s = stores::create_with_key(&dir, KEY, m.practitioner()).unwrap();
    let x = sample::populate(&s, &m).unwrap();
    let id = x.cases[0].bytes();
    stores::checkpoint(&dir);
    let c = stores::raw_db(&dir);
    let (old_body, old_version) = (body(&c, &id), version(&c, &id));
    drop(c);
    s.set_rag(x.cases[0], doorstep_core::domain::Rag::Red, "injury seen")
        .unwrap();
    drop(s);
    stores::raw_db(&dir)
        .execute(
            "UPDATE records SET body = ?1, version = ?2 WHERE id = ?3",
            params![old_body, old_version, &id[..]],
        )
        .unwrap();
    (tmp, dir, x.cases[0])
}

#[test]
fn unlock_reports_a_deleted_queued_change_and_verify_still_tells_what_is_wrong() {
    let f = fixture();
    let dir = f.copy("queue-deleted");
    let c = stores::raw_db(&dir);
    let queued: i64 = c
        .query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))
        .unwrap();
    assert!(queued > 0);
    c.execute(
        "DELETE FROM outbox WHERE seq = (SELECT max(seq) FROM outbox)",
        [],
    )
    .unwrap();
    drop(c);
    let s = Store::open(&dir, stores::clock()).unwrap();
    expect_tampered("unlock", s.unlock_with_provider(stores::provider(KEY)));
    expect_tampered("today", s.today());
    expect_tampered("a case", s.case(f.sample.cases[0]));
    let report = s.verify().unwrap();
    assert!(!report.digest_ok && report.problems >= 1, "{report:?}");
}

/// The day list and the child view check every record they show against its group's digest:
/// the visit's case (among its child's cases), the child (among its household's people) and the
/// household (among the households). Each is deleted, relabelled or moved to another parent in
/// a copy of the store; both calls answer `Tampered`.
#[test]
fn the_day_list_and_the_child_view_report_a_deleted_relabelled_or_moved_case_child_or_home() {
    let f = fixture();
    let day = sample::visit_times()[1].date_naive();
    let case = f.sample.cases[0];
    let targets = [
        ("case", case.bytes()),
        ("child", f.sample.child.bytes()),
        ("household", f.sample.household.bytes()),
    ];
    let attacks = [
        ("delete", "DELETE FROM records WHERE id = ?1"),
        ("relabel", "UPDATE records SET kind = 'bogus' WHERE id = ?1"),
        (
            // Another parent that exists nowhere: the record leaves its group.
            "move",
            "UPDATE records SET parent = randomblob(16) WHERE id = ?1",
        ),
    ];
    // Sanity: the pristine copy answers.
    let s = open(&f.dir);
    assert!(!s.day_list(day).unwrap().is_empty());
    s.child_view(case).unwrap();
    drop(s);
    for (what, id) in targets {
        for (attack, sql) in attacks {
            let name = format!("{what}-{attack}");
            let dir = f.copy(&name);
            let c = stores::raw_db(&dir);
            // A delete around the notes' triggers is not needed: none of these is a note.
            assert_eq!(c.execute(sql, [&id[..]]).unwrap(), 1, "{name}");
            drop(c);
            let s = open(&dir);
            expect_tampered(&format!("{name}: the day list"), s.day_list(day));
            if (what, attack) != ("case", "delete") {
                // A deleted case's id is simply unknown to a call given only that id.
                expect_tampered(&format!("{name}: the child view"), s.child_view(case));
            }
            assert!(!s.verify().unwrap().is_ok(), "{name}");
        }
    }
}

/// A case rolled back to its earlier row (body and version together, validly sealed) is
/// reported by the day list and the child view, not shown as it was.
#[test]
fn the_day_list_and_the_child_view_report_a_rolled_back_case() {
    let (_tmp, dir, case) = rag_change_rolled_back(5);
    let s = open(&dir);
    let day = sample::visit_times()[1].date_naive();
    expect_tampered("the day list", s.day_list(day));
    expect_tampered("the child view", s.child_view(case));
}

/// The household of the visits on a day, deleted, relabelled or given a parent in a copy of the
/// store: every normal call that shows its data — the day list, the child view, the caseload and
/// the household itself — answers `Tampered`, never a list without it or "not found"; an
/// untouched copy answers all four.
#[test]
fn every_call_showing_a_home_reports_it_deleted_or_relabelled() {
    let f = fixture();
    let day = sample::visit_times()[1].date_naive();
    let case = f.sample.cases[0];
    let home = f.sample.household;
    let s = open(&f.dir);
    assert!(!s.day_list(day).unwrap().is_empty());
    s.child_view(case).unwrap();
    assert_eq!(s.caseload_view().unwrap().len(), f.sample.cases.len());
    s.household(home).unwrap();
    assert!(s.verify().unwrap().is_ok());
    drop(s);
    for (attack, sql) in [
        ("delete", "DELETE FROM records WHERE id = ?1"),
        ("relabel", "UPDATE records SET kind = 'bogus' WHERE id = ?1"),
        (
            "relabel-person",
            "UPDATE records SET kind = 'person' WHERE id = ?1",
        ),
        (
            "parent",
            "UPDATE records SET parent = randomblob(16) WHERE id = ?1",
        ),
    ] {
        let dir = f.copy(&format!("home-{attack}"));
        let c = stores::raw_db(&dir);
        assert_eq!(c.execute(sql, [&home.bytes()[..]]).unwrap(), 1, "{attack}");
        drop(c);
        let s = open(&dir);
        expect_tampered(&format!("{attack}: the day list"), s.day_list(day));
        expect_tampered(&format!("{attack}: the child view"), s.child_view(case));
        expect_tampered(&format!("{attack}: the caseload"), s.caseload_view());
        expect_tampered(&format!("{attack}: the household"), s.household(home));
        assert!(!s.verify().unwrap().is_ok(), "{attack}");
    }
}
