//! Damaged files: a truncated, overwritten or foreign database and a damaged or missing keyring give
//! a typed error (never a panic, never `WrongPassphrase` for a damaged database), and anything that
//! still reads is either the original data or flagged by `verify`.

use doorstep_core::crypto::Passphrase;
use doorstep_core::{Store, StoreError};
use doorstep_tests::rng::Rng;
use doorstep_tests::sample::{self, Markers, Sample};
use doorstep_tests::stores;
use std::path::{Path, PathBuf};

const KEY: [u8; 32] = [0x2c; 32];
const PASS: &str = "corruption passphrase 1";

#[derive(Clone, Copy, PartialEq)]
enum Unlock {
    Key,
    Pass,
}

/// How far a damaged store got.
#[derive(Debug)]
enum Outcome {
    /// A stage returned an error.
    Failed(&'static str, StoreError),
    /// Everything read; whether verify passed and whether the data read was the original.
    Read { verify_ok: bool, same: bool },
}

fn pristine(unlock: Unlock) -> (tempfile::TempDir, PathBuf, Sample) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("pristine");
    let m = Markers::new(&mut Rng::new(Rng::seed_from_env_or_time()));
    let s = match unlock {
        Unlock::Key => stores::create_with_key(&dir, KEY, m.practitioner()),
        Unlock::Pass => stores::create_with_passphrase(&dir, PASS, m.practitioner()),
    }
    .unwrap();
    let x = sample::populate(&s, &m).unwrap();
    // Enough records for a database of several pages.
    for i in 0..60 {
        s.add_note(
            x.cases[1],
            &format!("padding note {i} {}", "x".repeat(300)),
            false,
        )
        .unwrap();
    }
    drop(s);
    (tmp, dir, x)
}

/// Opens, unlocks and reads everything, catching panics.
fn exercise(dir: &Path, unlock: Unlock, x: &Sample) -> Outcome {
    let run = || -> Result<Outcome, (&'static str, StoreError)> {
        let s = Store::open(dir, stores::clock()).map_err(|e| ("open", e))?;
        match unlock {
            Unlock::Key => s.unlock_with_provider(stores::provider(KEY)),
            Unlock::Pass => s.unlock_with_passphrase(&Passphrase::new(PASS.into())),
        }
        .map_err(|e| ("unlock", e))?;
        let r = |e| ("read", e);
        s.practitioner().map_err(r)?;
        let households = s.households().map_err(r)?;
        let people = s.people(x.household).map_err(r)?;
        let cases = s.cases().map_err(r)?;
        let visits = s.visits_for_case(x.cases[0]).map_err(r)?;
        let notes = s.notes(x.cases[0]).map_err(r)?.len() + s.notes(x.cases[1]).map_err(r)?.len();
        s.chronology(x.child, &Default::default()).map_err(r)?;
        let report = s.verify().map_err(|e| ("verify", e))?;
        let same = households.len() == 1
            && people.iter().map(|p| p.id).collect::<Vec<_>>() == x.people
            && cases.iter().map(|c| c.id).collect::<Vec<_>>() == x.cases
            && visits.iter().map(|v| v.id).collect::<Vec<_>>() == x.visits
            && notes == 3 + 60;
        Ok(Outcome::Read {
            verify_ok: report.is_ok(),
            same,
        })
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
        Ok(Ok(o)) => o,
        Ok(Err((stage, e))) => Outcome::Failed(stage, e),
        Err(_) => panic!("the core panicked on a damaged store in {}", dir.display()),
    }
}

/// A damaged database must give a typed error or, if it still reads, the original data or a
/// failed verify; never a key error.
fn assert_handled(name: &str, o: &Outcome) {
    match o {
        Outcome::Failed(stage, e) => {
            assert!(
                !matches!(
                    e,
                    StoreError::WrongPassphrase | StoreError::WrongKey | StoreError::KeyProvider(_)
                ),
                "{name}: a damaged database gave a key error at {stage}: {e:?}"
            );
            assert!(
                !matches!(
                    e,
                    StoreError::Locked | StoreError::Validation(_) | StoreError::Input(_)
                ),
                "{name}: misleading error at {stage}: {e:?}"
            );
        }
        Outcome::Read { verify_ok, same } => assert!(
            !verify_ok || *same,
            "{name}: damaged data read back as if whole"
        ),
    }
}

/// A named change to the database file's bytes.
type DbDamage = (String, Box<dyn FnOnce(&mut Vec<u8>)>);
/// A named change to the keyring's text (`None` deletes it) and the outcome it must have.
type KeyringDamage = (&'static str, KeyringEdit, fn(&Outcome) -> bool);
type KeyringEdit = Box<dyn FnOnce(String) -> Option<String>>;

fn damage_db(dir: &Path, name: &str, f: impl FnOnce(&mut Vec<u8>)) -> PathBuf {
    let to = dir.parent().unwrap().join(name);
    stores::copy_dir(dir, &to).unwrap();
    let path = to.join("doorstep.db");
    let mut bytes = std::fs::read(&path).unwrap();
    f(&mut bytes);
    std::fs::write(&path, bytes).unwrap();
    to
}

fn report(name: &str, o: &Outcome) {
    eprintln!("{name:>28}: {o:?}");
}

#[test]
fn truncated_databases_give_typed_errors() {
    let (_tmp, dir, x) = pristine(Unlock::Key);
    let len = std::fs::metadata(dir.join("doorstep.db")).unwrap().len() as usize;
    assert!(len >= 8 * 4096, "database has {len} bytes");
    let mut cuts = vec![
        0,
        1,
        50,
        100,
        512,
        4095,
        4096,
        4097,
        8192,
        len / 2,
        len - 4096,
        len - 1,
    ];
    let mut rng = Rng::new(Rng::seed_from_env_or_time());
    cuts.extend((0..6).map(|_| rng.index(len)));
    let mut failed = 0;
    for cut in cuts {
        let name = format!("truncate-{cut}");
        let d = damage_db(&dir, &name, |b| b.truncate(cut));
        let o = exercise(&d, Unlock::Key, &x);
        report(&name, &o);
        assert_handled(&name, &o);
        if let Outcome::Failed(..)
        | Outcome::Read {
            verify_ok: false, ..
        } = o
        {
            failed += 1;
        }
    }
    assert!(failed >= 12, "most truncations must be noticed");
}

#[test]
fn truncated_database_errors_are_corrupt_not_storage_errors() {
    // SECURITY.md: "a corrupt or truncated file is `Corrupt`".
    let (_tmp, dir, x) = pristine(Unlock::Key);
    let len = std::fs::metadata(dir.join("doorstep.db")).unwrap().len() as usize;
    for cut in [100, 4096, len / 2] {
        let name = format!("truncate-{cut}");
        let d = damage_db(&dir, &name, |b| b.truncate(cut));
        match exercise(&d, Unlock::Key, &x) {
            Outcome::Failed(_, StoreError::Corrupt { .. }) => {}
            other => panic!("{name}: expected Corrupt, got {other:?}"),
        }
    }
}

#[test]
fn overwritten_databases_give_typed_errors() {
    let (_tmp, dir, x) = pristine(Unlock::Key);
    let mut rng = Rng::new(Rng::seed_from_env_or_time());
    let len = std::fs::metadata(dir.join("doorstep.db")).unwrap().len() as usize;
    let pages = len / 4096;
    let mut cases: Vec<DbDamage> = Vec::new();
    let noise = rng.bytes(len);
    cases.push((
        "random-whole".into(),
        Box::new(move |b| b.copy_from_slice(&noise)),
    ));
    let noise = rng.bytes(100);
    cases.push((
        "random-header".into(),
        Box::new(move |b| b[..100].copy_from_slice(&noise)),
    ));
    cases.push(("zero-header".into(), Box::new(|b| b[..100].fill(0))));
    cases.push(("zero-magic".into(), Box::new(|b| b[..16].fill(0))));
    cases.push((
        "page-size-odd".into(),
        Box::new(|b| {
            b[16] = 0x03;
            b[17] = 0x00;
        }),
    ));
    cases.push(("all-ff".into(), Box::new(|b| b.fill(0xff))));
    for p in 1..pages {
        let noise = rng.bytes(4096);
        cases.push((
            format!("random-page-{p}"),
            Box::new(move |b| b[p * 4096..(p + 1) * 4096].copy_from_slice(&noise)),
        ));
    }
    for p in 1..pages {
        let at = p * 4096 + rng.index(4096);
        cases.push((
            format!("byte-in-page-{p}"),
            Box::new(move |b| b[at] ^= 0xff),
        ));
    }
    let mut noticed = 0;
    let total = cases.len();
    for (name, f) in cases {
        let d = damage_db(&dir, &name, f);
        let o = exercise(&d, Unlock::Key, &x);
        report(&name, &o);
        assert_handled(&name, &o);
        if !matches!(
            o,
            Outcome::Read {
                verify_ok: true,
                ..
            }
        ) {
            noticed += 1;
        }
    }
    assert!(
        noticed * 2 >= total,
        "only {noticed} of {total} damages noticed"
    );
}

#[test]
fn a_damaged_database_is_never_a_wrong_passphrase() {
    let (_tmp, dir, x) = pristine(Unlock::Pass);
    let mut rng = Rng::new(Rng::seed_from_env_or_time());
    let len = std::fs::metadata(dir.join("doorstep.db")).unwrap().len() as usize;
    let noise = rng.bytes(len);
    let damages: Vec<DbDamage> = vec![
        (
            "pass-truncate-half".into(),
            Box::new(move |b| b.truncate(len / 2)),
        ),
        (
            "pass-random-whole".into(),
            Box::new(move |b| b.copy_from_slice(&noise)),
        ),
        ("pass-zero-header".into(), Box::new(|b| b[..100].fill(0))),
        (
            "pass-page-3".into(),
            Box::new(|b| b[3 * 4096..4 * 4096].fill(0x55)),
        ),
    ];
    for (name, f) in damages {
        let d = damage_db(&dir, &name, f);
        let o = exercise(&d, Unlock::Pass, &x);
        report(&name, &o);
        assert_handled(&name, &o);
    }
}

#[test]
fn foreign_newer_or_empty_databases_give_typed_errors() {
    let (_tmp, dir, x) = pristine(Unlock::Key);
    let base = dir.parent().unwrap().to_path_buf();

    // A newer schema.
    let d = base.join("newer");
    stores::copy_dir(&dir, &d).unwrap();
    stores::raw_db(&d)
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let o = exercise(&d, Unlock::Key, &x);
    assert!(
        matches!(
            o,
            Outcome::Failed(
                "open",
                StoreError::SchemaTooNew {
                    found: 99,
                    supported: doorstep_core::store::SCHEMA_VERSION
                }
            )
        ),
        "{o:?}"
    );

    // A valid SQLite file that is not a store.
    let d = base.join("foreign");
    stores::copy_dir(&dir, &d).unwrap();
    std::fs::remove_file(d.join("doorstep.db")).unwrap();
    stores::raw_db(&d)
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    let o = exercise(&d, Unlock::Key, &x);
    report("foreign", &o);
    assert!(
        matches!(o, Outcome::Failed(_, StoreError::Corrupt { .. })),
        "{o:?}"
    );

    // The store's identity removed from the metadata.
    let d = base.join("no-meta");
    stores::copy_dir(&dir, &d).unwrap();
    stores::raw_db(&d).execute("DELETE FROM meta", []).unwrap();
    let o = exercise(&d, Unlock::Key, &x);
    assert!(
        matches!(o, Outcome::Failed("open", StoreError::Corrupt { .. })),
        "{o:?}"
    );

    // The database file missing, the keyring present.
    let d = base.join("no-db");
    stores::copy_dir(&dir, &d).unwrap();
    std::fs::remove_file(d.join("doorstep.db")).unwrap();
    let o = exercise(&d, Unlock::Key, &x);
    assert!(
        matches!(o, Outcome::Failed("open", StoreError::NoStore)),
        "{o:?}"
    );

    // A garbage WAL beside a clean database is ignored by SQLite (bad header checksum).
    let d = base.join("junk-wal");
    stores::copy_dir(&dir, &d).unwrap();
    let mut rng = Rng::new(7);
    std::fs::write(d.join("doorstep.db-wal"), rng.bytes(20_000)).unwrap();
    let o = exercise(&d, Unlock::Key, &x);
    report("junk-wal", &o);
    assert_handled("junk-wal", &o);
}

fn damage_keyring(dir: &Path, name: &str, f: impl FnOnce(String) -> Option<String>) -> PathBuf {
    let to = dir.parent().unwrap().join(name);
    stores::copy_dir(dir, &to).unwrap();
    let path = to.join("keyring.json");
    match f(std::fs::read_to_string(&path).unwrap()) {
        Some(t) => std::fs::write(&path, t).unwrap(),
        None => std::fs::remove_file(&path).unwrap(),
    }
    to
}

/// The value of a `"key": "hex"` or `"key": number` field of the keyring text.
fn field(text: &str, key: &str) -> String {
    let at = text.find(&format!("\"{key}\"")).unwrap() + key.len() + 2;
    let rest = text[at..].trim_start_matches([':', ' ']);
    let end = rest.find([',', '\n', '}']).unwrap();
    rest[..end].trim().to_string()
}

fn flip_hex(v: &str) -> String {
    let inner = v.trim_matches('"');
    let first = if inner.starts_with('0') { '1' } else { '0' };
    format!("\"{first}{}\"", &inner[1..])
}

#[test]
fn damaged_or_missing_keyrings_give_typed_errors() {
    let (_tmp, dir, x) = pristine(Unlock::Key);
    let mut rng = Rng::new(Rng::seed_from_env_or_time());
    let noise = String::from_utf8_lossy(&rng.bytes(300)).to_string();
    let edits: Vec<KeyringDamage> = vec![
        ("kr-deleted", Box::new(|_| None), |o| {
            matches!(o, Outcome::Failed("open", StoreError::NoStore))
        }),
        (
            "kr-empty",
            Box::new(|_| Some(String::new())),
            corrupt_at_open,
        ),
        ("kr-brace", Box::new(|_| Some("{".into())), corrupt_at_open),
        (
            "kr-null",
            Box::new(|_| Some("null".into())),
            corrupt_at_open,
        ),
        ("kr-array", Box::new(|_| Some("[]".into())), corrupt_at_open),
        ("kr-noise", Box::new(move |_| Some(noise)), corrupt_at_open),
        (
            "kr-half",
            Box::new(|t| Some(t[..t.len() / 2].to_string())),
            corrupt_at_open,
        ),
        (
            "kr-format-2",
            Box::new(|t| {
                let f = field(&t, "format");
                Some(t.replacen(&format!("\"format\": {f}"), "\"format\": 2", 1))
            }),
            corrupt_at_open,
        ),
        (
            "kr-no-slot",
            Box::new(|t| {
                let start = t.find("\"provider\"").unwrap();
                let end = start + t[start..].find('}').unwrap() + 1;
                Some(format!("{}\"provider\": null{}", &t[..start], &t[end..]))
            }),
            corrupt_at_open,
        ),
        (
            "kr-store-id-odd-hex",
            Box::new(|t| {
                let v = field(&t, "store_id");
                Some(t.replace(&v, "\"abc\""))
            }),
            corrupt_at_open,
        ),
        (
            "kr-store-id-not-hex",
            Box::new(|t| {
                let v = field(&t, "store_id");
                Some(t.replace(&v, &format!("\"{}\"", "zz".repeat(16))))
            }),
            corrupt_at_open,
        ),
        (
            "kr-store-id-other",
            Box::new(|t| {
                let v = field(&t, "store_id");
                Some(t.replace(&v, &flip_hex(&v)))
            }),
            |o| matches!(o, Outcome::Failed("open", StoreError::StoreMismatch)),
        ),
        (
            "kr-key-id-negative",
            Box::new(|t| {
                let v = field(&t, "key_id");
                Some(t.replacen(&format!("\"key_id\": {v}"), "\"key_id\": -1", 1))
            }),
            corrupt_at_open,
        ),
        (
            "kr-canary-flipped",
            Box::new(|t| {
                let v = field(&t, "canary");
                Some(t.replace(&v, &flip_hex(&v)))
            }),
            |o| matches!(o, Outcome::Failed("unlock", StoreError::WrongKey)),
        ),
        (
            "kr-canary-short",
            Box::new(|t| {
                let v = field(&t, "canary");
                Some(t.replace(&v, "\"00\""))
            }),
            |o| matches!(o, Outcome::Failed("unlock", StoreError::WrongKey)),
        ),
        (
            "kr-wrapped-flipped",
            Box::new(|t| {
                let v = field(&t, "wrapped");
                Some(t.replace(&v, &flip_hex(&v)))
            }),
            |o| matches!(o, Outcome::Failed("unlock", StoreError::KeyProvider(_))),
        ),
        (
            "kr-wrapped-empty",
            Box::new(|t| {
                let v = field(&t, "wrapped");
                Some(t.replace(&v, "\"\""))
            }),
            |o| matches!(o, Outcome::Failed("unlock", StoreError::KeyProvider(_))),
        ),
    ];
    for (name, edit, expected) in edits {
        let d = damage_keyring(&dir, name, edit);
        let o = exercise(&d, Unlock::Key, &x);
        report(name, &o);
        assert!(expected(&o), "{name}: unexpected {o:?}");
    }
}

fn corrupt_at_open(o: &Outcome) -> bool {
    matches!(o, Outcome::Failed("open", StoreError::Corrupt { .. }))
}

#[test]
fn a_damaged_passphrase_slot_never_opens_and_never_panics() {
    let (_tmp, dir, x) = pristine(Unlock::Pass);
    for (name, key) in [
        ("pp-salt", "salt"),
        ("pp-nonce", "nonce"),
        ("pp-wrapped", "wrapped"),
    ] {
        let d = damage_keyring(&dir, name, |t| {
            let v = field(&t, key);
            Some(t.replace(&v, &flip_hex(&v)))
        });
        let o = exercise(&d, Unlock::Pass, &x);
        report(name, &o);
        // The wrapped key is authenticated under the passphrase-derived key: a damaged slot cannot
        // be told from a wrong passphrase, and it must never unlock.
        assert!(
            matches!(
                o,
                Outcome::Failed(
                    "unlock",
                    StoreError::WrongPassphrase | StoreError::Corrupt { .. }
                )
            ),
            "{name}: {o:?}"
        );
    }
    let d = damage_keyring(&dir, "pp-iterations-zero", |t| {
        let v = field(&t, "iterations");
        Some(t.replace(&format!("\"iterations\": {v}"), "\"iterations\": 0"))
    });
    let o = exercise(&d, Unlock::Pass, &x);
    assert!(
        matches!(o, Outcome::Failed("unlock", StoreError::Corrupt { .. })),
        "{o:?}"
    );
    // Above the ceiling: refused before any key derivation (4,294,967,295 iterations would take
    // minutes; the refusal does no work at all, so this test cannot depend on speed).
    for (name, count) in [
        ("pp-iterations-max", u32::MAX),
        (
            "pp-iterations-over-ceiling",
            doorstep_core::crypto::MAX_PBKDF2_ITERATIONS + 1,
        ),
    ] {
        let d = damage_keyring(&dir, name, |t| {
            let v = field(&t, "iterations");
            Some(t.replace(
                &format!("\"iterations\": {v}"),
                &format!("\"iterations\": {count}"),
            ))
        });
        let o = exercise(&d, Unlock::Pass, &x);
        assert!(
            matches!(o, Outcome::Failed("unlock", StoreError::Corrupt { .. })),
            "{name}: {o:?}"
        );
    }
}
