//! A writer for the sync kill -9 test: opens an enrolled store unlocked by a software key provider
//! whose key is given in hex in `DOORSTEP_TEST_KEY`, prints `READY`, then forever adds a note with
//! a unique text to the case named in `DOORSTEP_SYNC_CASE` and prints `ACK <text>` once the call
//! has returned, and every few notes syncs with the server the store is enrolled with, printing
//! `SYNC` before and `SYNCED` once the sync has returned (or `SYNCFAIL` if it failed). It stops
//! itself dead with SIGKILL at the point named in `DOORSTEP_TEST_KILL_AT` (see `kill_switch`):
//! `transport.before@k` (the k-th request of the run is about to leave: the server never sees
//! it), `transport.after@k` (its answer has arrived and the device has not recorded it: the
//! server applied what the device will send again), `ack@k` (after the k-th acknowledged note),
//! or a core point (`write.before_commit@k`, `write.after_commit@k`).
//!
//! Usage: `sync_writer <store dir>`; `DOORSTEP_SYNC_RUN` labels the note texts of this run and
//! `DOORSTEP_TEST_SEED` seeds how often it syncs.

use doorstep_core::domain::CaseId;
use doorstep_core::sync::transport::{HttpRequest, HttpResponse, Transport, TransportError};
use doorstep_tests::durability::KEY_ENV;
use doorstep_tests::sync_env::{quick, reopen, transport, SYNC_CASE_ENV, SYNC_RUN_ENV};
use doorstep_tests::{hexkey, kill_switch, rng::Rng};
use std::io::Write;
use std::path::PathBuf;

fn say(line: &str) -> Result<(), String> {
    let out = std::io::stdout();
    let mut lock = out.lock();
    writeln!(lock, "{line}").map_err(|e| e.to_string())?;
    lock.flush().map_err(|e| e.to_string())
}

/// The real transport, with a kill point on each side of every request.
struct Killable<T>(T);

impl<T: Transport> Transport for Killable<T> {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        kill_switch::hit("transport.before");
        let answer = self.0.send(request);
        kill_switch::hit("transport.after");
        answer
    }
}

fn run() -> Result<(), String> {
    kill_switch::install_from_env();
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
    let net = Killable(transport());
    say("READY")?;
    let mut n = 0u64;
    let mut next_sync = rng.range(1, 5);
    loop {
        let text = format!("run {run} note {n}");
        s.add_note(case, &text, rng.index(4) == 0)
            .map_err(|e| format!("note: {e}"))?;
        say(&format!("ACK {text}"))?;
        kill_switch::hit("ack");
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
