//! Benchmark B: unlock + open + list one practitioner's visits for today on a store of 500
//! households and 50,000 notes — `Store::open` + `unlock_with_provider` (no KDF) + `today()` —
//! against opening a plaintext SQLite database and one indexed query joining visit, case, child
//! and household. The deliberate PBKDF2 unlock (600,000 iterations) is measured on its own.
//! Run with `cargo bench -p doorstep-core --bench unlock_list`.

mod support;

use criterion::Criterion;
use doorstep_core::Store;
use std::hint::black_box;
use support::day::DayBench;
use support::{fixture, plain};

fn benches(c: &mut Criterion) {
    let bench = DayBench::new();
    // The same comparison, interleaved (see `support::paired`): the ratio this page reports.
    bench.paired_open_unlock_today();
    let DayBench {
        enc,
        pln,
        provider,
        clock,
        today,
        practitioner,
    } = bench;

    let mut g = c.benchmark_group("open_unlock_today");
    g.bench_function("encrypted_store", |b| {
        b.iter(|| {
            let store = Store::open(&enc, clock.clone()).unwrap();
            store.unlock_with_provider(provider.clone()).unwrap();
            let day = store.today().unwrap();
            assert_eq!(day.len(), fixture::TODAY_VISITS);
            black_box(day)
        })
    });
    g.bench_function("plaintext_sqlite", |b| {
        b.iter(|| {
            let conn = plain::open(&pln, None, plain::Sync::Full).unwrap();
            let day = plain::day_list(&conn, practitioner, today).unwrap();
            assert_eq!(day.len(), fixture::TODAY_VISITS);
            black_box(day)
        })
    });
    g.finish();

    let mut g = c.benchmark_group("day_list_only_already_open");
    let store = Store::open(&enc, clock.clone()).unwrap();
    store.unlock_with_provider(provider.clone()).unwrap();
    g.bench_function("encrypted_store", |b| {
        b.iter(|| black_box(store.day_list(today).unwrap()))
    });
    drop(store);
    let conn = plain::open(&pln, None, plain::Sync::Full).unwrap();
    g.bench_function("plaintext_sqlite", |b| {
        b.iter(|| black_box(plain::day_list(&conn, practitioner, today).unwrap()))
    });
    drop(conn);
    g.finish();

    let mut g = c.benchmark_group("unlock_passphrase_pbkdf2_600k");
    g.sample_size(10);
    let passphrase = fixture::passphrase();
    g.bench_function("open_and_unlock_with_passphrase", |b| {
        b.iter(|| {
            let store = Store::open(&enc, clock.clone()).unwrap();
            store.unlock_with_passphrase(&passphrase).unwrap();
            black_box(store)
        })
    });
    g.finish();
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("unlock_list: run with `cargo bench` (builds a 50,000-note fixture)");
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c);
    c.final_summary();
}
