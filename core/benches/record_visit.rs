//! Benchmark A: record a visit with its note — `complete_visit` + `add_note` on a planned visit
//! (two durable transactions, as the product does) against the same reads and writes on a
//! plaintext SQLite schema, on disk with `synchronous=FULL` (the product) and on tmpfs (where
//! fsync costs nothing, to isolate the cost of sealing). Both run on copies of the 50,000-note
//! fixture. Run with `cargo bench -p doorstep-core --bench record_visit`.

mod support;

use chrono::Duration;
use criterion::{BatchSize, Criterion};
use doorstep_core::domain::{CaseId, NewVisit, VisitKind};
use doorstep_core::Store;
use std::path::Path;
use support::{data, fixture, plain};

struct Cursor(usize);

impl Cursor {
    fn next<T: Copy>(&mut self, items: &[T]) -> T {
        self.0 = (self.0 + 1) % items.len();
        items[self.0]
    }
}

fn bench_encrypted(c: &mut Criterion, group: &str, base: &Path, text: &str) {
    let dir = fixture::working_copy(&fixture::encrypted(), base, "encrypted");
    let clock = fixture::clock();
    let store = Store::open(&dir, clock.clone()).unwrap();
    store.unlock_with_provider(fixture::provider()).unwrap();
    let cases: Vec<CaseId> = store.cases().unwrap().iter().map(|c| c.id).collect();
    let mut cursor = Cursor(0);
    let planned_for = data::at(data::today(), 14, 0);
    c.benchmark_group(group)
        .bench_function("encrypted_store", |b| {
            b.iter_batched(
                || {
                    let case = cursor.next(&cases);
                    let v = store
                        .plan_visit(NewVisit {
                            case_id: case,
                            kind: VisitKind::AnnouncedHome,
                            planned_for,
                            expected_minutes: 60,
                            departure_reason: None,
                        })
                        .unwrap();
                    (case, v.id)
                },
                |(case, visit)| {
                    clock.advance(Duration::seconds(1));
                    store.complete_visit(visit, data::outcome()).unwrap();
                    store.add_note(case, text, false).unwrap()
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
    let device = doorstep_core::domain::DeviceId::random();
    let mut now = data::at(data::today(), 15, 0);
    let mut cursor = Cursor(0);
    let conn = std::cell::RefCell::new(conn);
    c.benchmark_group(group).bench_function(name, |b| {
        b.iter_batched(
            || {
                let template = plain::planned_visit(
                    cursor.next(&cases),
                    practitioner,
                    data::at(data::today(), 14, 0),
                );
                plain::plan_visit(&mut conn.borrow_mut(), &template).unwrap()
            },
            |visit| {
                now += Duration::seconds(1);
                plain::record_visit(
                    &mut conn.borrow_mut(),
                    visit,
                    practitioner,
                    &data::outcome(),
                    text,
                    now,
                    device,
                )
                .unwrap()
            },
            BatchSize::PerIteration,
        )
    });
}

fn benches(c: &mut Criterion) {
    let text = data::note_text(&mut data::Lcg(7));
    let disk = fixture::cache_root().join(format!("work-{}", std::process::id()));
    std::fs::create_dir_all(&disk).unwrap();
    let tmpfs = fixture::scratch("record");

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
