//! SQLCipher (rusqlite `bundled-sqlcipher`, raw 256-bit key so SQLCipher's own KDF is skipped)
//! doing the work of benchmarks A and B on the plaintext schema, beside the same schema unkeyed in
//! the same binary. Run with `cargo bench --manifest-path benches/sqlcipher/Cargo.toml`.

#[path = "../../../core/benches/support/mod.rs"]
mod support;

use chrono::Duration;
use criterion::{BatchSize, Criterion};
use std::hint::black_box;
use std::path::Path;
use support::{data, fixture, plain};

/// The raw key (`x'…'` form: used directly as the page key, no PBKDF2).
const KEY: &str = "\"x'2DD29CA851E7B56E4697B0E1F08507293D761A05CE4D1B628663F411A8086D99'\"";

fn sqlcipher_fixture() -> std::path::PathBuf {
    fixture::plain("sqlcipher", Some(KEY))
}

fn record(c: &mut Criterion, group: &str, name: &str, src: &Path, key: Option<&str>, base: &Path) {
    let dir = fixture::working_copy(src, base, name);
    let conn = plain::open(&dir, key, plain::Sync::Full).unwrap();
    let practitioner = plain::practitioner_id(&conn).unwrap();
    let cases = plain::case_ids(&conn).unwrap();
    let device = doorstep_core::domain::DeviceId::random();
    let mut now = data::at(data::today(), 15, 0);
    let mut next = 0usize;
    let text = data::note_text(&mut data::Lcg(7));
    let conn = std::cell::RefCell::new(conn);
    c.benchmark_group(group).bench_function(name, |b| {
        b.iter_batched(
            || {
                next = (next + 1) % cases.len();
                let template =
                    plain::planned_visit(cases[next], practitioner, data::at(data::today(), 14, 0));
                plain::plan_visit(&mut conn.borrow_mut(), &template).unwrap()
            },
            |visit| {
                now += Duration::seconds(1);
                plain::record_visit(
                    &mut conn.borrow_mut(),
                    visit,
                    practitioner,
                    &data::outcome(),
                    &text,
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
    let plain_src = fixture::plain("plain", None);
    let cipher_src = sqlcipher_fixture();
    let disk = fixture::cache_root().join(format!("work-{}", std::process::id()));
    std::fs::create_dir_all(&disk).unwrap();
    let tmpfs = fixture::scratch("sqlcipher-record");

    for (group, base) in [
        ("sqlcipher/record_visit/disk_sync_full", &disk),
        ("sqlcipher/record_visit/tmpfs_no_fsync_cost", &tmpfs),
    ] {
        record(c, group, "sqlcipher_raw_key", &cipher_src, Some(KEY), base);
        record(c, group, "plaintext_same_build", &plain_src, None, base);
    }

    let today = data::today();
    let mut g = c.benchmark_group("sqlcipher/open_unlock_today");
    for (name, src, key) in [
        ("sqlcipher_raw_key", &cipher_src, Some(KEY)),
        ("plaintext_same_build", &plain_src, None),
    ] {
        let practitioner = {
            let conn = plain::open(src, key, plain::Sync::Full).unwrap();
            plain::practitioner_id(&conn).unwrap()
        };
        g.bench_function(name, |b| {
            b.iter(|| {
                let conn = plain::open(src, key, plain::Sync::Full).unwrap();
                let day = plain::day_list(&conn, practitioner, today).unwrap();
                assert_eq!(day.len(), fixture::TODAY_VISITS);
                black_box(day)
            })
        });
    }
    g.finish();

    let _ = std::fs::remove_dir_all(&disk);
    let _ = std::fs::remove_dir_all(&tmpfs);
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("sqlcipher: run with `cargo bench` (builds a 50,000-note fixture)");
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c);
    c.final_summary();
}
