//! Benchmark A: record a visit with its note — `complete_visit` + `add_note` on a planned visit
//! (two durable transactions, as the product does) against the same reads and writes on a
//! plaintext SQLite schema, on disk with `synchronous=FULL` (the product) and on tmpfs (where
//! fsync costs nothing, to isolate the cost of sealing). Both run on copies of the 50,000-note
//! fixture. Run with `cargo bench -p doorstep-core --bench record_visit`.

mod support;

use chrono::Duration;
use criterion::{BatchSize, Criterion};
use doorstep_core::domain::DeviceId;
use std::path::Path;
use support::record::{
    open_store_copy, paired_record, plain_plan, plain_record, plan, record, Cursor,
};
use support::{data, fixture, plain};

fn bench_encrypted(c: &mut Criterion, group: &str, base: &Path, text: &str) {
    let (store, clock, cases) = open_store_copy(base, "encrypted");
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
    let cases = plain::case_ids(&conn).unwrap();
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
