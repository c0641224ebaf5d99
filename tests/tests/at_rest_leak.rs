//! Nothing identifying reaches the disk in the clear: marker strings and dates written through every
//! record type and free-text field are searched for in every file of the store directory — while
//! the store is open with an un-checkpointed WAL, after `lock()`, and after it is closed.

use doorstep_core::Store;
use doorstep_tests::rng::Rng;
use doorstep_tests::sample::{self, Markers};
use doorstep_tests::scan::{self, Hit};
use doorstep_tests::stores;
use std::path::Path;

const PASSPHRASE: &str = "Zqpassphrase-correct-horse-93";

/// JSON keys of record bodies: if any appears, a body was written in plaintext.
const JSON_KEYS: &[&str] = &[
    "\"address\"",
    "\"postcode\"",
    "\"access_notes\"",
    "\"name\"",
    "\"team\"",
    "\"date_of_birth\"",
    "\"expected_date\"",
    "\"relationship\"",
    "\"rag\"",
    "\"rag_history\"",
    "\"reason\"",
    "\"text\"",
    "\"author_name\"",
    "\"outcome\"",
    "\"concerns\"",
    "\"actions_agreed\"",
    "\"child_seen\"",
    "\"planned_for\"",
    "\"unknown_descriptions\"",
    "\"practitioner_id\"",
];

fn needles(m: &Markers, extra: &[(String, Vec<u8>)]) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = m
        .all()
        .iter()
        .map(|(f, v)| (format!("marker of {f}"), v.as_bytes().to_vec()))
        .collect();
    let dates = [
        ("child date of birth", sample::child_dob()),
        ("mother date of birth", sample::mother_dob()),
        ("expected date", sample::expected_date()),
    ];
    for (what, d) in dates {
        for r in sample::date_renderings(d) {
            out.push((format!("{what} as {r}"), r.into_bytes()));
        }
    }
    let mut times = sample::visit_times();
    times.push(stores::clock_time());
    for t in times {
        for r in sample::time_renderings(t) {
            out.push((format!("time {t} as {r}"), r.into_bytes()));
        }
    }
    for k in JSON_KEYS {
        out.push((format!("JSON key {k}"), k.as_bytes().to_vec()));
    }
    out.extend_from_slice(extra);
    out
}

fn assert_no_hits(dir: &Path, needles: &[(String, Vec<u8>)], when: &str) {
    let files = scan::files(dir);
    assert!(
        files.iter().any(|f| f.ends_with("doorstep.db")),
        "{when}: no database in {files:?}"
    );
    let hits: Vec<Hit> = scan::scan(dir, needles);
    assert!(
        hits.is_empty(),
        "{when}: {} plaintext hit(s) in the store directory (files {files:?}): {hits:#?}",
        hits.len()
    );
}

fn wal_len(dir: &Path) -> u64 {
    std::fs::metadata(dir.join("doorstep.db-wal")).map_or(0, |m| m.len())
}

/// Writes the sample, reads it back (so the markers are known to be stored), and scans at each
/// stage of the store's life.
fn write_and_scan(dir: &Path, store: Store, m: &Markers, extra: &[(String, Vec<u8>)]) {
    let s = sample::populate(&store, m).unwrap();
    let needles = needles(m, extra);

    // The markers really are in the store (else the scan proves nothing).
    let h = store.household(s.household).unwrap();
    assert!(h.address.contains(&m.get("address")));
    let threads = store.notes(s.cases[0]).unwrap();
    assert_eq!(threads[0].amendments[0].text, m.get("amendment text"));
    let v = store.visit(s.visits[1]).unwrap();
    assert_eq!(
        v.outcome
            .unwrap()
            .others_present
            .unwrap()
            .unknown_descriptions,
        vec![m.get("unknown adult")]
    );
    assert!(store
        .practitioner()
        .unwrap()
        .name
        .contains(&m.get("practitioner name")));

    // 1. Open, WAL not checkpointed: the records are in the WAL.
    assert!(
        wal_len(dir) > 0,
        "the WAL should hold the un-checkpointed transactions"
    );
    assert_no_hits(dir, &needles, "open, WAL not checkpointed");

    // 2. Locked, still open.
    store.lock();
    assert!(store.is_locked());
    assert_no_hits(dir, &needles, "after lock()");

    // 3. Closed: SQLite checkpoints the WAL into the main file.
    drop(store);
    assert_no_hits(dir, &needles, "after drop (checkpointed)");
    let db = std::fs::metadata(dir.join("doorstep.db")).unwrap().len();
    assert!(db > 8192, "the checkpointed database holds the records");
}

#[test]
fn provider_store_leaks_no_marker_in_any_file() {
    let mut rng = Rng::new(Rng::seed_from_env_or_time());
    let m = Markers::new(&mut rng);
    let key: [u8; 32] = rng.bytes(32).try_into().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let store = stores::create_with_key(&dir, key, m.practitioner()).unwrap();
    let extra = vec![
        ("provider key (raw)".to_string(), key.to_vec()),
        (
            "provider key (hex)".to_string(),
            doorstep_tests::hexkey::encode(&key).into_bytes(),
        ),
    ];
    write_and_scan(&dir, store, &m, &extra);
}

#[test]
fn passphrase_store_leaks_no_marker_nor_the_passphrase() {
    let mut rng = Rng::new(Rng::seed_from_env_or_time());
    let m = Markers::new(&mut rng);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let store = stores::create_with_passphrase(&dir, PASSPHRASE, m.practitioner()).unwrap();
    let extra = vec![("passphrase".to_string(), PASSPHRASE.as_bytes().to_vec())];
    write_and_scan(&dir, store, &m, &extra);

    // Reopened and read (which must not write anything back), still nothing.
    let store = stores::open_with_passphrase(&dir, PASSPHRASE).unwrap();
    assert_eq!(store.households().unwrap().len(), 1);
    assert!(store.verify().unwrap().is_ok());
    drop(store);
    assert_no_hits(&dir, &needles(&m, &extra), "after reopen and read");
}

#[test]
fn keyring_holds_only_random_values_and_parameters() {
    let mut rng = Rng::new(Rng::seed_from_env_or_time());
    let m = Markers::new(&mut rng);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let store = stores::create_with_passphrase(&dir, PASSPHRASE, m.practitioner()).unwrap();
    sample::populate(&store, &m).unwrap();
    drop(store);
    let text = std::fs::read_to_string(dir.join("keyring.json")).unwrap();
    for (f, v) in m.all() {
        assert!(!text.contains(v.as_str()), "keyring holds the {f} marker");
    }
    assert!(!text.contains(PASSPHRASE));
    assert!(
        !text.to_lowercase().contains("zq"),
        "keyring holds a marker prefix"
    );
    // Every string value in the keyring is hex (random bytes) and every key is a known one.
    let allowed_keys = [
        "format",
        "store_id",
        "key_id",
        "canary",
        "passphrase",
        "provider",
        "kdf",
        "iterations",
        "salt",
        "nonce",
        "wrapped",
    ];
    let mut in_string = false;
    let mut cur = String::new();
    let mut strings = Vec::new();
    for c in text.chars() {
        match (in_string, c) {
            (false, '"') => in_string = true,
            (true, '"') => {
                strings.push(std::mem::take(&mut cur));
                in_string = false;
            }
            (true, c) => cur.push(c),
            _ => {}
        }
    }
    assert!(!strings.is_empty());
    for s in strings {
        assert!(
            allowed_keys.contains(&s.as_str()) || s.chars().all(|c| c.is_ascii_hexdigit()),
            "unexpected keyring string {s:?}"
        );
    }
}

#[test]
fn the_scan_finds_a_planted_marker_in_any_encoding() {
    let mut rng = Rng::new(Rng::seed_from_env_or_time());
    let m = Markers::new(&mut rng);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let store = stores::create_with_key(&dir, [7; 32], m.practitioner()).unwrap();
    sample::populate(&store, &m).unwrap();
    drop(store);
    let needles = needles(&m, &[]);
    assert!(scan::scan(&dir, &needles).is_empty());

    // A marker in upper case inside the database, a UTF-16 date in an extra file, and a JSON key
    // in the keyring: each is found, in the file it was planted in.
    let db = dir.join("doorstep.db");
    let mut bytes = std::fs::read(&db).unwrap();
    let marker = m.get("note text").to_uppercase();
    let at = bytes.len() / 2;
    bytes[at..at + marker.len()].copy_from_slice(marker.as_bytes());
    std::fs::write(&db, &bytes).unwrap();
    let utf16: Vec<u8> = "14/03/2019"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    std::fs::write(dir.join("doorstep.db-journal"), utf16).unwrap();
    let mut ring = std::fs::read(dir.join("keyring.json")).unwrap();
    ring.extend_from_slice(b"{\"rag\":1}");
    std::fs::write(dir.join("keyring.json"), ring).unwrap();

    let hits = scan::scan(&dir, &needles);
    let found = |what: &str, file: &str| {
        hits.iter()
            .any(|h| h.what.contains(what) && h.file.ends_with(file))
    };
    assert!(found("marker of note text", "doorstep.db"), "{hits:#?}");
    assert!(found("14/03/2019", "doorstep.db-journal"), "{hits:#?}");
    assert!(found("JSON key \"rag\"", "keyring.json"), "{hits:#?}");
    assert_eq!(hits.len(), 3, "{hits:#?}");
}
