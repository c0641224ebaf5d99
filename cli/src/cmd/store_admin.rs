//! `verify`, `passwd` and `wipe`: looking after the store itself.

use crate::context::Ctx;
use crate::outln;
use crate::output::short;
use crate::passphrase;
use anyhow::{bail, Result};
use doorstep_core::store::VerifyReport;
use std::io::BufRead;

/// Checks the store; fails (exit code 1) when anything is wrong.
pub fn verify(ctx: &Ctx) -> Result<()> {
    let store = ctx.open_locked()?;
    let pass = passphrase::existing()?;
    match store.unlock_with_passphrase(&pass) {
        // Unlocking found the store tampered with: the report says what.
        Ok(()) | Err(doorstep_core::StoreError::Tampered { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    let report = store.verify()?;
    ctx.out.emit(&report, || print_report(&report))?;
    if !report.is_ok() {
        bail!(
            "verification failed: {} problem(s) found",
            report.problems()
        );
    }
    Ok(())
}

fn ok_or(ok: bool, failed: &str) -> String {
    if ok {
        "ok".into()
    } else {
        failed.into()
    }
}

/// Prints a verification report: every check, with what it found.
pub fn print_report(r: &VerifyReport) {
    outln!("Database integrity: {}", ok_or(r.database_ok, "FAILED"));
    outln!(
        "Store digest (records and queued changes deleted, added, relabelled or rolled back): {}",
        ok_or(r.digest_ok, "MISMATCH")
    );
    outln!("Records of an unknown kind: {}", r.unknown_records);
    outln!("Records authenticated: {}", r.records_checked);
    outln!("Records failing authentication: {}", r.tampered.len());
    for t in &r.tampered {
        outln!("  tampered: {t}");
    }
    outln!("Queued changes authenticated: {}", r.queue_checked);
    outln!(
        "Queued changes failing authentication: {}",
        r.queue_damaged.len()
    );
    for t in &r.queue_damaged {
        outln!("  damaged: {t}");
    }
    outln!("Note chain breaks: {}", r.chain_breaks.len());
    for b in &r.chain_breaks {
        outln!(
            "  case {} at position {}: {:?}",
            short(b.case_id),
            b.position,
            b.problem
        );
    }
    outln!("Problems found: {}", r.problems());
    outln!(
        "Result: {}",
        if r.is_ok() { "OK" } else { "PROBLEMS FOUND" }
    );
}

/// Changes the passphrase; with `rotate`, also rotates the data key (every record re-sealed).
pub fn passwd(ctx: &Ctx, rotate: bool) -> Result<()> {
    let store = ctx.open_locked()?;
    let old = passphrase::existing()?;
    // Check the old one before asking for a new one.
    store.unlock_with_passphrase(&old)?;
    if !rotate {
        store.lock();
    }
    let new = passphrase::new(passphrase::ENV_NEW)?;
    if !rotate {
        store.change_passphrase(&old, &new)?;
        return ctx.out.emit(&serde_json::json!({ "changed": true }), || {
            outln!("Passphrase changed.")
        });
    }
    let report = store.rotate_data_key(
        doorstep_core::UnlockMethods {
            passphrase: Some(new),
            provider: None,
        },
        None,
    )?;
    ctx.out.emit(
        &serde_json::json!({ "changed": true, "rotated": report }),
        || {
            outln!(
                "Passphrase changed and data key rotated (key {}): {} records re-sealed.",
                report.key_id,
                report.records
            )
        },
    )
}

/// Crypto-shreds the store, after confirmation.
pub fn wipe(ctx: &Ctx, yes: bool) -> Result<()> {
    let store = ctx.open_locked()?;
    if !yes {
        if !passphrase::interactive() {
            bail!("wipe needs --yes when not run in a terminal");
        }
        eprintln!(
            "This destroys every record in {} and cannot be undone. Type WIPE to confirm:",
            store.dir().display()
        );
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if answer.trim() != "WIPE" {
            bail!("not confirmed: nothing was wiped");
        }
    }
    let dir = store.dir().to_path_buf();
    store.wipe()?;
    ctx.out.emit(&serde_json::json!({ "wiped": dir }), || {
        outln!("Store wiped: {}", dir.display())
    })
}
