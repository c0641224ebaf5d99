//! Benchmark A: record a visit with its note — `complete_visit` + `add_note` on a planned visit
//! (two durable transactions, as the product does) against the same reads and writes on a
//! plaintext SQLite schema, on disk with `synchronous=FULL` (the product) and on tmpfs (where
//! fsync costs nothing, to isolate the cost of sealing). Both run on copies of the 50,000-note
//! fixture. Run with `cargo bench -p doorstep-core --bench record_visit`.

mod support;

use chrono::Duration;
use criterion::{BatchSize, Criterion};
use doorstep_core::domain::{CaseId, DeviceId, NewVisit, PractitionerId, VisitId, VisitKind};
use doorstep_core::Store;
use std::path::Path;
use support::{data, fixture, paired, plain};

struct Cursor(usize);

impl Cursor {
    fn next<T: Copy>(&mut self, items: &[T]) -> T {
        self.0 = (self.0 + 1) % items.len();
        items[self.0]
    }
}

/// Plans a visit for today at 14:00 on `case` (the untimed setup of each encrypted iteration).
fn plan(store: &Store, case: CaseId) -> doorstep_core::domain::VisitId {
    store
        .plan_visit(NewVisit {
            case_id: case,
            kind: VisitKind::AnnouncedHome,
            planned_for: data::at(data::today(), 14, 0),
            expected_minutes: 60,
            departure_reason: None,
        })
        .unwrap()
        .id
}

/// The encrypted side's timed work: record the visit, then its note.
fn record(store: &Store, case: CaseId, visit: doorstep_core::domain::VisitId, text: &str) {
    store.complete_visit(visit, data::outcome()).unwrap();
    store.add_note(case, text, false).unwrap();
}

/// The plaintext side's untimed setup: plans a visit for today at 14:00 on `case`.
fn plain_plan(
    conn: &mut rusqlite::Connection,
    case: CaseId,
    practitioner: PractitionerId,
) -> VisitId {
    let template = plain::planned_visit(case, practitioner, data::at(data::today(), 14, 0));
    plain::plan_visit(conn, &template).unwrap()
}

/// The plaintext side's timed work: the same reads and writes as `record`.
fn plain_record(
    conn: &mut rusqlite::Connection,
    visit: VisitId,
    who: (PractitionerId, DeviceId),
    text: &str,
    now: chrono::DateTime<chrono::Utc>,
) {
    plain::record_visit(conn, visit, who.0, &data::outcome(), text, now, who.1).unwrap();
}

fn bench_encrypted(c: &mut Criterion, group: &str, base: &Path, text: &str) {
    let dir = fixture::working_copy(&fixture::encrypted(), base, "encrypted");
    let clock = fixture::clock();
    let store = Store::open(&dir, clock.clone()).unwrap();
    store.unlock_with_provider(fixture::provider()).unwrap();
    let cases: Vec<CaseId> = store.cases().unwrap().iter().map(|c| c.id).collect();
    let mut cursor = Cursor(0);
    c.benchmark_group(group)
        .bench_function("encrypted_store", |b| {
            b.iter_batched(
                || {
                    let case = cursor.next(&cases);
                    (case, plan(&store, case))
                },
                |(case, visit)| {
                    clock.advance(Duration::seconds(1));
                    record(&store, case, visit, text)
                },
                BatchSize::PerIteration,
            )
        });
    drop(store);
}

fn bench_plain(
    c: &mut Criterion,
    group: &str,
    name: &str,
    base: &Path,
    sync: plain::Sync,
    text: &str,
) {
    let dir = fixture::working_copy(&fixture::plain("plain", None), base, name);
    let conn = plain::open(&dir, None, sync).unwrap();
    let practitioner = plain::practitioner_id(&conn).unwrap();
    let cases: Vec<CaseId> = {
        let mut stmt = conn.prepare("SELECT id FROM cases ORDER BY rowid").unwrap();
        let ids = stmt
            .query_map([], |r| r.get::<_, Vec<u8>>(0))
            .unwrap()
            .map(|id| CaseId(uuid::Uuid::from_slice(&id.unwrap()).unwrap()))
            .collect();
        ids
    };
    let device = DeviceId::random();
    let mut now = data::at(data::today(), 15, 0);
    let mut cursor = Cursor(0);
    let conn = std::cell::RefCell::new(conn);
    c.benchmark_group(group).bench_function(name, |b| {
        b.iter_batched(
            || plain_plan(&mut conn.borrow_mut(), cursor.next(&cases), practitioner),
            |visit| {
                now += Duration::seconds(1);
                plain_record(
                    &mut conn.borrow_mut(),
                    visit,
                    (practitioner, device),
                    text,
                    now,
                )
            },
            BatchSize::PerIteration,
        )
    });
}

/// A and its plaintext baseline interleaved on copies of the fixture under `base` (see
/// `support::paired`); only the recording is timed, not the planning before it.
fn paired_record(name: &str, base: &Path, text: &str) {
    let dir = fixture::working_copy(&fixture::encrypted(), base, "paired-encrypted");
    let clock = fixture::clock();
    let store = Store::open(&dir, clock.clone()).unwrap();
    store.unlock_with_provider(fixture::provider()).unwrap();
    let cases: Vec<CaseId> = store.cases().unwrap().iter().map(|c| c.id).collect();
    let mut enc_cursor = Cursor(0);

    let pdir = fixture::working_copy(&fixture::plain("plain", None), base, "paired-plain");
    let mut conn = plain::open(&pdir, None, plain::Sync::Full).unwrap();
    let practitioner = plain::practitioner_id(&conn).unwrap();
    let device = DeviceId::random();
    let mut now = data::at(data::today(), 15, 0);
    let mut plain_cursor = Cursor(0);

    paired::compare(
        name,
        41,
        20,
        &mut || {
            let case = enc_cursor.next(&cases);
            let visit = plan(&store, case);
            clock.advance(Duration::seconds(1));
            paired::time(|| record(&store, case, visit, text))
        },
        &mut || {
            let visit = plain_plan(&mut conn, plain_cursor.next(&cases), practitioner);
            now += Duration::seconds(1);
            paired::time(|| plain_record(&mut conn, visit, (practitioner, device), text, now))
        },
    );
}

fn benches(c: &mut Criterion) {
    let text = data::note_text(&mut data::Lcg(7));
    let disk = fixture::cache_root().join(format!("work-{}", std::process::id()));
    std::fs::create_dir_all(&disk).unwrap();
    let tmpfs = fixture::scratch("record");

    paired_record("record_visit/disk_sync_full", &disk, &text);
    paired_record("record_visit/tmpfs_no_fsync_cost", &tmpfs, &text);

    let group = "record_visit/disk_sync_full";
    bench_encrypted(c, group, &disk, &text);
    bench_plain(
        c,
        group,
        "plaintext_sqlite",
        &disk,
        plain::Sync::Full,
        &text,
    );
    bench_plain(
        c,
        "record_visit/disk_plaintext_sync_normal",
        "plaintext_sqlite",
        &disk,
        plain::Sync::Normal,
        &text,
    );
    let group = "record_visit/tmpfs_no_fsync_cost";
    bench_encrypted(c, group, &tmpfs, &text);
    bench_plain(
        c,
        group,
        "plaintext_sqlite",
        &tmpfs,
        plain::Sync::Full,
        &text,
    );

    let _ = std::fs::remove_dir_all(&disk);
    let _ = std::fs::remove_dir_all(&tmpfs);
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("record_visit: run with `cargo bench` (builds a 50,000-note fixture)");
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c);
    c.final_summary();
}
