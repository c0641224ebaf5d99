//! A writer for the sync kill -9 test: opens an enrolled store unlocked by a software key provider
//! whose key is given in hex in `DOORSTEP_TEST_KEY`, prints `READY`, then forever adds a note with
//! a unique text to the case named in `DOORSTEP_SYNC_CASE` and prints `ACK <text>` once the call
//! has returned, and every few notes syncs with the server the store is enrolled with, printing
//! `SYNC` before and `SYNCED` once the sync has returned (or `SYNCFAIL` if it failed). The test kills it with SIGKILL
//! at random moments, in the middle of writes and of syncs.
//!
//! Usage: `sync_writer <store dir>`; `DOORSTEP_SYNC_RUN` labels the note texts of this run and
//! `DOORSTEP_TEST_SEED` seeds how often it syncs.

use doorstep_core::domain::CaseId;
use doorstep_tests::durability::KEY_ENV;
use doorstep_tests::sync_env::{quick, reopen, transport, SYNC_CASE_ENV, SYNC_RUN_ENV};
use doorstep_tests::{hexkey, rng::Rng};
use std::io::Write;
use std::path::PathBuf;

fn say(line: &str) -> Result<(), String> {
    let out = std::io::stdout();
    let mut lock = out.lock();
    writeln!(lock, "{line}").map_err(|e| e.to_string())?;
    lock.flush().map_err(|e| e.to_string())
}

fn run() -> Result<(), String> {
    let dir = PathBuf::from(std::env::args().nth(1).ok_or("usage: sync_writer <dir>")?);
    let key = std::env::var(KEY_ENV)
        .ok()
        .and_then(|k| hexkey::decode32(&k))
        .ok_or("DOORSTEP_TEST_KEY must hold 64 hex digits")?;
    let case = std::env::var(SYNC_CASE_ENV)
        .ok()
        .and_then(|c| c.parse::<CaseId>().ok())
        .ok_or("DOORSTEP_SYNC_CASE must hold a case id")?;
    let run = std::env::var(SYNC_RUN_ENV).unwrap_or_else(|_| "0".into());
    let mut rng = Rng::new(Rng::seed_from_env_or_time());
    let s = reopen(&dir, key).map_err(|e| format!("open: {e}"))?;
    let net = transport();
    say("READY")?;
    let mut n = 0u64;
    let mut next_sync = rng.range(1, 5);
    loop {
        let text = format!("run {run} note {n}");
        s.add_note(case, &text, rng.index(4) == 0)
            .map_err(|e| format!("note: {e}"))?;
        say(&format!("ACK {text}"))?;
        n += 1;
        if n == next_sync {
            next_sync += rng.range(1, 5);
            say("SYNC")?;
            match s.sync(&net, None, quick()) {
                Ok(_) => say("SYNCED")?,
                Err(e) => say(&format!("SYNCFAIL {e}"))?,
            }
        }
    }
}

fn main() {
    if let Err(e) = run() {
        eprintln!("sync_writer: {e}");
        std::process::exit(1);
    }
}
