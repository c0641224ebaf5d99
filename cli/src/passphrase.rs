//! Getting a passphrase: from the environment for scripts, or asked on the terminal.

use anyhow::{anyhow, bail, Result};
use doorstep_core::crypto::Passphrase;
use std::io::IsTerminal;

/// The environment variable holding the passphrase (the old one, for `passwd`).
pub const ENV: &str = "DOORSTEP_PASSPHRASE";
/// The environment variable holding the new passphrase for `passwd`.
pub const ENV_NEW: &str = "DOORSTEP_NEW_PASSPHRASE";

/// Whether the program can ask questions on a terminal.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal()
}

fn from_env(var: &str) -> Option<Passphrase> {
    std::env::var(var)
        .ok()
        .filter(|v| !v.is_empty())
        .map(Passphrase::new)
}

fn prompt(text: &str) -> Result<Passphrase> {
    rpassword::prompt_password(text)
        .map(Passphrase::new)
        .map_err(|_| anyhow!("could not read the passphrase from the terminal"))
}

/// The passphrase that unlocks an existing store.
pub fn existing() -> Result<Passphrase> {
    if let Some(p) = from_env(ENV) {
        return Ok(p);
    }
    if !interactive() {
        bail!("a passphrase is needed: run in a terminal or set {ENV}");
    }
    prompt("Passphrase: ")
}

/// A new passphrase: from `var`, or asked twice on the terminal.
pub fn new(var: &str) -> Result<Passphrase> {
    if let Some(p) = from_env(var) {
        return Ok(p);
    }
    if !interactive() {
        bail!("a new passphrase is needed: run in a terminal or set {var}");
    }
    let first = prompt("New passphrase (at least 10 characters): ")?;
    first.check_strength()?;
    let second = prompt("Repeat the new passphrase: ")?;
    if first.as_bytes() != second.as_bytes() {
        bail!("the passphrases do not match");
    }
    Ok(first)
}
