//! Running the real `doorstep` binary in tests: one place for the helpers every CLI test uses.
#![allow(dead_code)]

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// The passphrase every test store uses.
pub const PASS: &str = "correct horse battery staple";

/// Runs `doorstep --store STORE ARGS…` with the test passphrase and no terminal.
pub fn doorstep(store: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_doorstep"))
        .arg("--store")
        .arg(store)
        .args(args)
        .env_remove("DOORSTEP_STORE")
        .env_remove("DOORSTEP_NEW_PASSPHRASE")
        .env("DOORSTEP_PASSPHRASE", PASS)
        .env("COLUMNS", "200")
        .stdin(Stdio::null())
        .output()
        .expect("run doorstep")
}

/// Bytes as text.
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Runs and expects success; returns stdout.
pub fn ok(store: &Path, args: &[&str]) -> String {
    let o = doorstep(store, args);
    assert!(
        o.status.success(),
        "{args:?} failed: {}\n{}",
        text(&o.stderr),
        text(&o.stdout)
    );
    text(&o.stdout)
}

/// Runs with `--json` and parses the output.
pub fn json(store: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = ok(store, &all);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?} printed bad JSON ({e}): {out}"))
}

/// Runs and expects failure with exactly one `error: …` line on stderr, which is returned.
pub fn fails(store: &Path, args: &[&str]) -> String {
    let o = doorstep(store, args);
    assert!(
        !o.status.success(),
        "{args:?}: expected failure, got: {}",
        text(&o.stdout)
    );
    let err = text(&o.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "expected one stderr line, got: {err:?}");
    assert!(lines[0].starts_with("error: "), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    lines[0].to_string()
}

/// The `id` field of a JSON object.
pub fn id(v: &Value) -> String {
    v["id"].as_str().expect("an id").to_string()
}
