//! Benchmark C: peak resident memory (VmHWM) of a process that opens, unlocks and lists today's
//! visits on the 50,000-note store, encrypted and plaintext, each in a fresh child process.
//! Run with `cargo bench -p doorstep-core --bench peak_memory`.

mod support;

use doorstep_core::Store;
use std::process::Command;
use support::{data, fixture, mem, plain};

fn measure(mode: &str) {
    let before = mem::status_kb("VmHWM").unwrap_or(0);
    let items = match mode {
        "encrypted" => {
            let store = Store::open(&fixture::encrypted(), fixture::clock()).unwrap();
            store.unlock_with_provider(fixture::provider()).unwrap();
            store.today().unwrap().len()
        }
        "plaintext" => {
            let conn =
                plain::open(&fixture::plain("plain", None), None, plain::Sync::Full).unwrap();
            let me = plain::practitioner_id(&conn).unwrap();
            plain::day_list(&conn, me, data::today()).unwrap().len()
        }
        other => panic!("unknown mode {other}"),
    };
    let after = mem::status_kb("VmHWM").unwrap_or(0);
    println!(
        "peak_memory/{mode}: VmHWM {:.1} MB at start, {:.1} MB after open+unlock+today ({items} visits)",
        before as f64 / 1024.0,
        after as f64 / 1024.0
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(mode) = args.iter().find_map(|a| a.strip_prefix("--mode=")) {
        measure(mode);
        return;
    }
    if !args.iter().any(|a| a == "--bench") {
        eprintln!("peak_memory: run with `cargo bench` (builds a 50,000-note fixture)");
        return;
    }
    // Build the fixtures here so that the measured children only read them.
    fixture::encrypted();
    fixture::plain("plain", None);
    let exe = std::env::current_exe().unwrap();
    for mode in ["encrypted", "plaintext"] {
        let status = Command::new(&exe)
            .arg(format!("--mode={mode}"))
            .status()
            .unwrap();
        assert!(status.success());
    }
}
