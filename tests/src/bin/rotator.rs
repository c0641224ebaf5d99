//! A rotator for the kill -9 key-rotation test: opens the store in the directory given, unlocked
//! by a software key provider whose key is given in hex in `DOORSTEP_TEST_KEY` (unlocking finishes
//! a rotation a kill interrupted), prints `READY`, then rotates the data key again, printing
//! `BATCH <records re-sealed so far>` after each batch and `DONE <key id>` at the end, flushing
//! each line. It stops itself dead with SIGKILL at the point named in `DOORSTEP_TEST_KILL_AT`
//! (`ready@1`, or a core fault point such as `rotation.batch@3`: see `kill_switch`).

use doorstep_core::crypto::SoftwareKeyProvider;
use doorstep_core::{Store, SystemClock, UnlockMethods};
use doorstep_tests::durability::KEY_ENV;
use doorstep_tests::{hexkey, kill_switch};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

fn run() -> Result<(), String> {
    kill_switch::install_from_env();
    let dir = PathBuf::from(std::env::args().nth(1).ok_or("usage: rotator <dir>")?);
    let key = std::env::var(KEY_ENV)
        .ok()
        .and_then(|k| hexkey::decode32(&k))
        .ok_or("DOORSTEP_TEST_KEY must hold 64 hex digits")?;
    let provider = Arc::new(SoftwareKeyProvider::from_bytes(key));
    let s = Store::open(&dir, Arc::new(SystemClock)).map_err(|e| format!("open: {e}"))?;
    s.unlock_with_provider(provider.clone())
        .map_err(|e| format!("unlock: {e}"))?;
    say("READY");
    kill_switch::hit("ready");
    let report = s
        .rotate_data_key(
            UnlockMethods {
                passphrase: None,
                provider: Some(provider),
            },
            Some(&|n| say(&format!("BATCH {n}"))),
        )
        .map_err(|e| format!("rotate: {e}"))?;
    say(&format!("DONE {}", report.key_id));
    Ok(())
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            std::process::ExitCode::FAILURE
        }
    }
}
