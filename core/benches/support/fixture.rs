//! The big fixture of benchmark B, built once through the public `Store` API and cached on disk:
//! 500 households, 750 cases, 10 past visits per case, a handful today, 50,000 notes. The
//! plaintext (and SQLCipher) copies hold exactly the same records, exported through the API.

use super::data::{self, Lcg};
use super::plain;
use super::synced;
use chrono::{Duration, NaiveDate};
use doorstep_core::crypto::{Passphrase, SoftwareKeyProvider};
use doorstep_core::domain::{NewCase, NewPerson, NewVisit, PersonRole, PlanType, Rag, VisitKind};
use doorstep_core::{FixedClock, Store, UnlockMethods};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// Households in the fixture.
pub const HOUSEHOLDS: usize = 500;
/// Notes in the fixture.
pub const NOTES: usize = 50_000;
/// Past visits per case.
pub const VISITS_PER_CASE: usize = 10;
/// Visits planned for "today".
pub const TODAY_VISITS: usize = 6;
/// Bump when the fixture's shape changes, so stale caches are not reused.
const VERSION: &str = "v6";

/// The key-encryption key of the benchmark's software key provider (a fixed test value).
pub fn kek() -> [u8; 32] {
    [7u8; 32]
}

/// The software key provider the fixture was created with.
pub fn provider() -> Arc<SoftwareKeyProvider> {
    Arc::new(SoftwareKeyProvider::from_bytes(kek()))
}

/// The fixture's passphrase (for the PBKDF2 unlock measurement).
pub fn passphrase() -> Passphrase {
    Passphrase::new("correct horse battery staple".into())
}

/// A clock standing at 08:00 on the benchmark's "today".
pub fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(data::at(data::today(), 8, 0)))
}

/// Where fixtures are cached: `$DOORSTEP_BENCH_CACHE`, or the target directory's `tmp`.
pub fn cache_root() -> PathBuf {
    std::env::var_os("DOORSTEP_BENCH_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("doorstep-bench"))
}

/// A scratch directory on tmpfs (`/dev/shm`) when there is one, else under the cache root.
pub fn scratch(name: &str) -> PathBuf {
    let shm = Path::new("/dev/shm");
    let base = if shm.is_dir() {
        shm.to_path_buf()
    } else {
        cache_root()
    };
    let dir = base.join(format!("doorstep-bench-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Copies a closed database directory's files (db, any WAL, keyring) into `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

fn finish(stage: &Path, dir: &Path) {
    let tmp = dir.with_extension("partial");
    copy_dir(stage, &tmp);
    let _ = std::fs::remove_dir_all(stage);
    let _ = std::fs::remove_dir_all(dir);
    std::fs::rename(&tmp, dir).unwrap();
    std::fs::write(dir.join("complete"), b"").unwrap();
}

fn log(root: &Path, line: &str) {
    eprintln!("[fixture] {line}");
    use std::io::Write;
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(root.join("fixture-build.txt"))
    {
        let _ = writeln!(
            f,
            "{}{line}",
            if doorstep_core::crypto::UNSEALED_BENCH_TWIN {
                "unsealed twin: "
            } else {
                ""
            }
        );
    }
}

/// The store fixture's name: the unsealed twin of the core (`benches/twin`) builds its own.
fn store_fixture_name() -> &'static str {
    if doorstep_core::crypto::UNSEALED_BENCH_TWIN {
        "unsealed-twin"
    } else {
        "encrypted"
    }
}

/// The encrypted fixture's directory (the twin's, in its build), building it (on tmpfs, then
/// copied) if it is not cached.
pub fn encrypted() -> PathBuf {
    let root = cache_root();
    let dir = root.join(format!("{}-{VERSION}", store_fixture_name()));
    if dir.join("complete").exists() && still_readable(&dir) {
        return dir;
    }
    // A cache written by an older build of the core (a changed record format) is rebuilt, and so
    // are the plaintext copies made from it (the twin rebuilds only its own).
    let stale: &[&str] = if doorstep_core::crypto::UNSEALED_BENCH_TWIN {
        &["unsealed-twin"]
    } else {
        &["encrypted", "plain", "sqlcipher"]
    };
    for stale in stale {
        let _ = std::fs::remove_dir_all(root.join(format!("{stale}-{VERSION}")));
    }
    std::fs::create_dir_all(&root).unwrap();
    if !doorstep_core::crypto::UNSEALED_BENCH_TWIN {
        let _ = std::fs::remove_file(root.join("fixture-build.txt"));
    }
    let stage = scratch("fixture");
    let clock = clock();
    let today = data::today();
    clock.set(data::at(today - Duration::days(400), 8, 0));
    // An enrolled device that syncs: see `synced`.
    let server = synced::Acknowledging::new();
    let enrolment = doorstep_core::store::enrol(&server, synced::SERVER_URL, "BENCH-CODE").unwrap();
    let store = Store::create_enrolled(
        &stage.join("store"),
        UnlockMethods {
            passphrase: Some(passphrase()),
            provider: Some(provider()),
        },
        &enrolment,
        clock.clone(),
    )
    .unwrap();
    let mut rng = Lcg(42);

    let t = Instant::now();
    let mut cases = Vec::new();
    let mut writes = 0usize;
    for i in 0..HOUSEHOLDS {
        let h = store.add_household(data::household(i)).unwrap();
        let person = |role, name: String, dob: Option<NaiveDate>| NewPerson {
            household_id: h.id,
            role,
            name,
            date_of_birth: dob,
            expected_date: None,
            relationship: None,
        };
        store
            .add_person(person(PersonRole::ParentCarer, format!("Parent {i}"), None))
            .unwrap();
        writes += 2;
        if i.is_multiple_of(2) {
            store
                .add_person(person(PersonRole::KnownAdult, format!("Partner {i}"), None))
                .unwrap();
            writes += 1;
        }
        for c in 0..(1 + i % 2) {
            let dob = NaiveDate::from_ymd_opt(2022 + (i % 3) as i32, 1 + (c as u32 % 12), 15);
            let child = store
                .add_person(person(PersonRole::Child, format!("Child {i}.{c}"), dob))
                .unwrap();
            let case = store
                .open_case(NewCase {
                    child_id: child.id,
                    plan: PlanType::ALL[i % PlanType::ALL.len()],
                    rag: [Rag::Green, Rag::Amber, Rag::Red][i % 3],
                    rag_reason: "Initial assessment".into(),
                    allocated_to: None,
                })
                .unwrap();
            cases.push(case.id);
            writes += 2;
        }
    }
    log(
        &root,
        &format!(
            "caseload: {HOUSEHOLDS} households, {} cases: {writes} transactions in {:.1} s (tmpfs)",
            cases.len(),
            t.elapsed().as_secs_f64()
        ),
    );

    let t = Instant::now();
    for (ci, case) in cases.iter().enumerate() {
        for j in 0..VISITS_PER_CASE {
            let day = today - Duration::days((14 * (j + 1) + ci % 14) as i64);
            let planned = data::at(day, 9 + (ci % 8) as u32, 0);
            let v = store
                .plan_visit(NewVisit {
                    case_id: *case,
                    kind: VisitKind::AnnouncedHome,
                    planned_for: planned,
                    expected_minutes: 60,
                    departure_reason: None,
                })
                .unwrap();
            clock.set(planned + Duration::minutes(50));
            store.complete_visit(v.id, data::outcome()).unwrap();
        }
    }
    log(
        &root,
        &format!(
            "visits: {} planned and completed: {} transactions in {:.1} s (tmpfs)",
            cases.len() * VISITS_PER_CASE,
            2 * cases.len() * VISITS_PER_CASE,
            t.elapsed().as_secs_f64()
        ),
    );

    let t = Instant::now();
    for n in 0..NOTES {
        let case = cases[n % cases.len()];
        clock.set(data::at(
            today - Duration::days(1 + (n % 150) as i64),
            15,
            0,
        ));
        store
            .add_note(case, &data::note_text(&mut rng), n.is_multiple_of(10))
            .unwrap();
    }
    log(
        &root,
        &format!(
            "notes: {NOTES} add_note transactions in {:.1} s (tmpfs)",
            t.elapsed().as_secs_f64()
        ),
    );

    // Synced up to yesterday evening: the queue holds only today's work from here on.
    clock.set(data::at(today - Duration::days(1), 18, 0));
    let t = Instant::now();
    let report = store
        .sync(&server, None, doorstep_core::store::SyncOptions::default())
        .unwrap();
    assert_eq!(store.queue_status().unwrap().pending, 0);
    log(
        &root,
        &format!(
            "synced: {} operations acknowledged in {:.1} s",
            report.progress.sent,
            t.elapsed().as_secs_f64()
        ),
    );

    clock.set(data::at(today, 8, 0));
    for (k, case) in cases.iter().take(TODAY_VISITS).enumerate() {
        store
            .plan_visit(NewVisit {
                case_id: *case,
                // Home visits: the core asks for a reason before a virtual contact replaces one.
                kind: [VisitKind::AnnouncedHome, VisitKind::UnannouncedHome][k % 2],
                planned_for: data::at(today, 9 + k as u32, 30),
                expected_minutes: 45,
                departure_reason: None,
            })
            .unwrap();
    }
    assert_eq!(store.today().unwrap().len(), TODAY_VISITS);
    drop(store);
    finish(&stage.join("store"), &dir);
    let _ = std::fs::remove_dir_all(&stage);
    dir
}

fn still_readable(dir: &Path) -> bool {
    let Ok(store) = Store::open(dir, clock()) else {
        return false;
    };
    store.unlock_with_provider(provider()).is_ok()
        && store.today().is_ok_and(|d| d.len() == TODAY_VISITS)
}

/// A plaintext-schema copy of the encrypted fixture under `name`, keyed with `key` for SQLCipher.
pub fn plain(name: &str, key: Option<&str>) -> PathBuf {
    let root = cache_root();
    let src = encrypted();
    let dir = root.join(format!("{name}-{VERSION}"));
    if dir.join("complete").exists() {
        return dir;
    }
    let stage = scratch(name);
    let t = Instant::now();
    let store = Store::open(&src, clock()).unwrap();
    store.unlock_with_provider(provider()).unwrap();
    let mut conn = plain::open(&stage, key, plain::Sync::Full).unwrap();
    let tx = conn.transaction().unwrap();
    plain::insert_practitioner(&tx, &store.practitioner().unwrap()).unwrap();
    for h in store.households().unwrap() {
        plain::insert_household(&tx, &h).unwrap();
        for p in store.people(h.id).unwrap() {
            plain::insert_person(&tx, &p).unwrap();
        }
    }
    for c in store.cases().unwrap() {
        plain::insert_case(&tx, &c).unwrap();
        for v in store.visits_for_case(c.id).unwrap() {
            plain::insert_visit(&tx, &v).unwrap();
        }
        for thread in store.notes(c.id).unwrap() {
            plain::insert_note(&tx, &thread.original).unwrap();
            for a in &thread.amendments {
                plain::insert_note(&tx, a).unwrap();
            }
        }
    }
    tx.commit().unwrap();
    drop(conn);
    log(
        &root,
        &format!(
            "{name}: exported through the API in one transaction in {:.1} s",
            t.elapsed().as_secs_f64()
        ),
    );
    finish(&stage, &dir);
    dir
}

/// Copies a cached fixture into a fresh scratch directory that benchmarks may write to.
pub fn working_copy(fixture: &Path, under: &Path, name: &str) -> PathBuf {
    let to = under.join(name);
    copy_dir(fixture, &to);
    let _ = std::fs::remove_file(to.join("complete"));
    to
}
