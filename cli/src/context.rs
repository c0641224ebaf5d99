//! What every command gets: where the store is, how to print, and the store opened on demand.

use crate::output::Out;
use anyhow::{bail, Result};
use doorstep_core::{Store, StoreError};
use std::path::{Path, PathBuf};

/// The command's surroundings.
#[derive(Debug)]
pub struct Ctx {
    /// The store directory, from `--store` or `DOORSTEP_STORE`.
    pub store: Option<PathBuf>,
    /// Output mode.
    pub out: Out,
}

impl Ctx {
    /// The store directory, or a clear error when none was given.
    pub fn dir(&self) -> Result<&Path> {
        match &self.store {
            Some(d) => Ok(d),
            None => bail!("no store given: use --store DIR or set DOORSTEP_STORE"),
        }
    }

    /// Opens the store, locked (no passphrase needed).
    pub fn open_locked(&self) -> Result<Store> {
        let dir = self.dir()?;
        match Store::open_default(dir) {
            Ok(s) => Ok(s),
            Err(StoreError::NoStore) if dir.join(doorstep_core::store::DB_FILE).exists() => bail!(
                "{} holds a store database but not its keyring (keyring.json): restore \
                 keyring.json from the backup taken with the database; `doorstep init` will not \
                 replace the database",
                dir.display()
            ),
            Err(StoreError::NoStore) => bail!(
                "no store at {} (create one with `doorstep init`)",
                dir.display()
            ),
            Err(e) => Err(e.into()),
        }
    }

    /// Opens the store and unlocks it with the passphrase (from the environment or the terminal).
    pub fn open(&self) -> Result<Store> {
        let store = self.open_locked()?;
        let pass = crate::passphrase::existing()?;
        store.unlock_with_passphrase(&pass)?;
        Ok(store)
    }
}
