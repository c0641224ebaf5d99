//! Where the encrypted store's extra time goes: the cost of sealing and opening one record, of a
//! blind tag, of preparing an SQL statement (cached or not) and of parsing a record's JSON.
//! Run with `cargo bench -p doorstep-core --bench breakdown`.

mod support;

use criterion::Criterion;
use doorstep_core::crypto::{open, seal, DataKey, TagKey};
use doorstep_core::domain::Case;
use doorstep_core::Store;
use std::hint::black_box;
use support::{data, fixture, plain};

const GET_SQL: &str = "SELECT id, body, key_id, format FROM records WHERE id = ?1 AND kind = ?2";

fn benches(c: &mut Criterion) {
    let key = DataKey::generate().unwrap();
    let aad = vec![0x5au8; 96];
    let mut g = c.benchmark_group("breakdown");
    for size in [300usize, 1200] {
        let plain = vec![b'a'; size];
        let sealed = seal(&key, &aad, &plain).unwrap();
        g.bench_function(format!("seal_{size}_bytes"), |b| {
            b.iter(|| black_box(seal(&key, &aad, black_box(&plain)).unwrap()))
        });
        g.bench_function(format!("open_{size}_bytes"), |b| {
            b.iter(|| black_box(open(&key, &aad, black_box(&sealed)).unwrap()))
        });
    }
    let tag = TagKey::from_data_key(&key);
    g.bench_function("blind_tag", |b| {
        b.iter(|| black_box(tag.tag("visit-day", black_box("2026-03-10"))))
    });

    let enc = fixture::encrypted();
    let conn = rusqlite::Connection::open(enc.join(doorstep_core::store::DB_FILE)).unwrap();
    g.bench_function("sql_prepare_uncached", |b| {
        b.iter(|| black_box(conn.prepare(GET_SQL).unwrap()))
    });
    g.bench_function("sql_prepare_cached", |b| {
        b.iter(|| black_box(conn.prepare_cached(GET_SQL).unwrap()))
    });
    drop(conn);

    let store = Store::open(&enc, fixture::clock()).unwrap();
    store.unlock_with_provider(fixture::provider()).unwrap();
    let case = store.cases().unwrap().remove(0);
    let json = serde_json::to_vec(&case).unwrap();
    g.bench_function("json_parse_case", |b| {
        b.iter(|| black_box(serde_json::from_slice::<Case>(black_box(&json)).unwrap()))
    });
    g.bench_function("store_get_case", |b| {
        b.iter(|| black_box(store.case(case.id).unwrap()))
    });
    drop(store);

    let pln = fixture::plain("plain", None);
    let conn = support::plain::open(&pln, None, support::plain::Sync::Full).unwrap();
    g.bench_function("plaintext_get_case_cached_statement", |b| {
        b.iter(|| black_box(support::plain::get::<Case>(&conn, "cases", case.id.bytes()).unwrap()))
    });
    g.bench_function("plaintext_get_case_uncached_statement", |b| {
        b.iter(|| {
            let body: String = conn
                .query_row(
                    "SELECT body FROM cases WHERE id = ?1",
                    [&case.id.bytes()[..]],
                    |r| r.get(0),
                )
                .unwrap();
            black_box(serde_json::from_str::<Case>(&body).unwrap())
        })
    });
    g.finish();
}

/// Frames (pages) appended to the write-ahead log by one "record a visit with its note", which is
/// what each fsync has to push to the disk.
fn wal_frames() {
    // Few enough that neither side reaches the 1,000-frame automatic checkpoint (which restarts
    // the log and would hide the frames written before it).
    const N: usize = 20;
    let scratch = fixture::scratch("wal");
    let frames = |db: &std::path::Path| -> i64 {
        let c = rusqlite::Connection::open(db).unwrap();
        c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(1))
            .unwrap()
    };
    let reset = |db: &std::path::Path| {
        let c = rusqlite::Connection::open(db).unwrap();
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap();
    };

    let dir = fixture::working_copy(&fixture::encrypted(), &scratch, "encrypted");
    let db = dir.join(doorstep_core::store::DB_FILE);
    let clock = fixture::clock();
    let store = Store::open(&dir, clock.clone()).unwrap();
    store.unlock_with_provider(fixture::provider()).unwrap();
    let cases = store.cases().unwrap();
    let visits: Vec<_> = (0..N)
        .map(|i| {
            store
                .plan_visit(doorstep_core::domain::NewVisit {
                    case_id: cases[i].id,
                    kind: doorstep_core::domain::VisitKind::AnnouncedHome,
                    planned_for: data::at(data::today(), 14, 0),
                    expected_minutes: 60,
                    departure_reason: None,
                })
                .unwrap()
        })
        .collect();
    let text = data::note_text(&mut data::Lcg(7));
    reset(&db);
    for (i, v) in visits.iter().enumerate() {
        store.complete_visit(v.id, data::outcome()).unwrap();
        store.add_note(cases[i].id, &text, false).unwrap();
    }
    let enc = frames(&db) as f64 / N as f64;
    drop(store);

    let dir = fixture::working_copy(&fixture::plain("plain", None), &scratch, "plain");
    let db = dir.join(plain::DB_FILE);
    let mut conn = plain::open(&dir, None, plain::Sync::Full).unwrap();
    let me = plain::practitioner_id(&conn).unwrap();
    let ids: Vec<_> = (0..N)
        .map(|i| {
            let template = plain::planned_visit(cases[i].id, me, data::at(data::today(), 14, 0));
            plain::plan_visit(&mut conn, &template).unwrap()
        })
        .collect();
    reset(&db);
    let device = doorstep_core::domain::DeviceId::random();
    for id in ids {
        let now = data::at(data::today(), 15, 0);
        plain::record_visit(&mut conn, id, me, &data::outcome(), &text, now, device).unwrap();
    }
    let pln = frames(&db) as f64 / N as f64;
    drop(conn);
    let _ = std::fs::remove_dir_all(&scratch);
    println!(
        "wal_frames_per_record_visit: encrypted_store {enc:.1}, plaintext_sqlite {pln:.1} (4 KiB pages, 2 commits each)"
    );
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("breakdown: run with `cargo bench` (builds a 50,000-note fixture)");
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c);
    c.final_summary();
    wal_frames();
}
