//! `init`: create a new encrypted store for the device's practitioner, either standalone (name and
//! agency given here) or enrolled with a sync server (the practitioner comes from the server).

use crate::context::Ctx;
use crate::outln;
use anyhow::{bail, Result};
use doorstep_core::domain::NewPractitioner;
use doorstep_core::store::enrol;
use doorstep_core::sync::http::UreqTransport;
use doorstep_core::{Store, SystemClock, UnlockMethods};
use std::path::Path;
use std::sync::Arc;

/// Options of `init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The practitioner's full name (standalone store).
    #[arg(long, required_unless_present = "server", conflicts_with = "server")]
    pub name: Option<String>,
    /// The agency: health_visiting, social_care, midwifery, gp, police, education, housing, paediatrics.
    #[arg(long, required_unless_present = "server", conflicts_with = "server")]
    pub agency: Option<String>,
    /// Team or base.
    #[arg(long, conflicts_with = "server")]
    pub team: Option<String>,
    /// Enrol with this sync server (https://, or http:// to this machine); the practitioner comes
    /// from the server.
    #[arg(long, value_name = "URL", requires = "enrol_code")]
    pub server: Option<String>,
    /// The one-time enrolment code an administrator issued for this device.
    #[arg(long, value_name = "CODE", requires = "server")]
    pub enrol_code: Option<String>,
    /// Destroy the store or database already in the directory (its keyring is shredded first;
    /// its records can never be read again) and create a new one in its place.
    #[arg(long)]
    pub destroy_existing: bool,
}

/// What is in `dir` that a new store would replace, in words, or `None` when nothing is.
fn already_there(dir: &Path) -> Option<String> {
    if doorstep_core::store::interrupted_creation(dir) {
        return None;
    }
    let keyring = dir.join(doorstep_core::crypto::KEYRING_FILE).is_file();
    let db = std::fs::metadata(dir.join(doorstep_core::store::DB_FILE)).ok();
    match (keyring, db) {
        (true, Some(_)) => Some(format!(
            "{} already holds a store (keyring.json and doorstep.db): open it with your \
             passphrase instead",
            dir.display()
        )),
        (true, None) => Some(format!(
            "{} holds a keyring (keyring.json) but no database: restore doorstep.db from the \
             backup taken with it",
            dir.display()
        )),
        (false, Some(m)) => Some(format!(
            "{} holds a store database (doorstep.db, {} bytes) without its keyring: its records \
             can only be read with it, so restore keyring.json from the backup taken with the \
             database",
            dir.display(),
            m.len()
        )),
        (false, None) => None,
    }
}

/// Refuses to create over an existing store or database, unless destroying it was asked for
/// (then it is destroyed now, just before the new store is created).
fn clear_the_way(dir: &Path, destroy: bool) -> Result<()> {
    match already_there(dir) {
        None => Ok(()),
        Some(what) if !destroy => bail!(
            "{what}. Nothing was changed. To destroy it for good and start again, run `doorstep \
             init --destroy-existing`."
        ),
        Some(_) => Ok(doorstep_core::store::destroy_existing(dir)?),
    }
}

/// Creates the store.
pub fn run(ctx: &Ctx, a: InitArgs) -> Result<()> {
    let dir = ctx.dir()?;
    if !a.destroy_existing {
        clear_the_way(dir, false)?;
    }
    let store = match (a.server, a.enrol_code, a.name, a.agency) {
        (Some(url), Some(code), _, _) => {
            // Check the address before asking for a passphrase or touching the network.
            doorstep_core::sync::transport::check_server_url(&url)
                .map_err(doorstep_core::StoreError::from)?;
            let pass = crate::passphrase::new(crate::passphrase::ENV)?;
            pass.check_strength()
                .map_err(doorstep_core::StoreError::from)?;
            let enrolment = match enrol(&UreqTransport::default(), &url, &code) {
                Ok(e) => e,
                Err(doorstep_core::StoreError::Offline(why)) => {
                    bail!("could not enrol: {why}; nothing was created, try again with signal")
                }
                Err(e) => return Err(e.into()),
            };
            clear_the_way(dir, a.destroy_existing)?;
            Store::create_enrolled(
                dir,
                UnlockMethods {
                    passphrase: Some(pass),
                    provider: None,
                },
                &enrolment,
                Arc::new(SystemClock),
            )?
        }
        (None, None, Some(name), Some(agency)) => {
            let agency = crate::parse::agency(&agency)?;
            let pass = crate::passphrase::new(crate::passphrase::ENV)?;
            pass.check_strength()
                .map_err(doorstep_core::StoreError::from)?;
            clear_the_way(dir, a.destroy_existing)?;
            Store::create(
                dir,
                UnlockMethods {
                    passphrase: Some(pass),
                    provider: None,
                },
                NewPractitioner {
                    name,
                    agency,
                    team: a.team,
                },
                Arc::new(SystemClock),
            )?
        }
        _ => bail!("give --name and --agency, or --server and --enrol-code"),
    };
    let me = store.practitioner()?;
    let enrolled = store.queue_status()?.enrolled;
    let json = serde_json::json!({ "store": dir, "practitioner": me, "enrolled": enrolled });
    ctx.out.emit(&json, || {
        outln!("Created an encrypted store at {}", dir.display());
        outln!(
            "Practitioner {} ({}), id {}",
            me.name,
            crate::output::words(me.agency.code()),
            crate::output::short(me.id)
        );
        if enrolled {
            outln!("Enrolled with the sync server: run `doorstep sync` to receive your caseload.");
        }
    })
}
