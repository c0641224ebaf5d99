//! Benchmarks A and B on the unsealed twin: the product's exact code path (`complete_visit` +
//! `add_note`; `Store::open` + unlock + `today()`: the same rows, envelopes, stamps, outbox and
//! digest) with the AEAD seal and open, the digest's and the blind tags' keyed hashes replaced by
//! unkeyed copies, interleaved with the same plaintext baselines as `core/benches/record_visit.rs`
//! and `unlock_list.rs`. The product's ratio divided by the twin's is what the cipher alone costs
//! on the same rows (`benches/cipher-cost.sh`). Run with
//! `cargo bench --manifest-path benches/twin/Cargo.toml`.

#[path = "../../../core/benches/support/mod.rs"]
mod support;

use support::{data, day, fixture, record};

// This bench measures nothing unless its core is the unsealed twin.
const _: () = assert!(
    doorstep_core::crypto::UNSEALED_BENCH_TWIN,
    "this bench must run on the unsealed twin"
);

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("twin: run with `cargo bench` (builds a 50,000-note fixture)");
        return;
    }
    let text = data::note_text(&mut data::Lcg(7));
    let disk = fixture::cache_root().join(format!("twin-work-{}", std::process::id()));
    std::fs::create_dir_all(&disk).unwrap_or_else(|e| panic!("{e}"));
    let tmpfs = fixture::scratch("twin-record");
    record::paired_record("record_visit/disk_sync_full", &disk, &text);
    record::paired_record("record_visit/tmpfs_no_fsync_cost", &tmpfs, &text);
    day::DayBench::new().paired_open_unlock_today();
    let _ = std::fs::remove_dir_all(&disk);
    let _ = std::fs::remove_dir_all(&tmpfs);
}
