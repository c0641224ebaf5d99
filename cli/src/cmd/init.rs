//! `init`: create a new encrypted store for the device's practitioner, either standalone (name and
//! agency given here) or enrolled with a sync server (the practitioner comes from the server).

use crate::context::Ctx;
use crate::outln;
use anyhow::{bail, Result};
use doorstep_core::domain::NewPractitioner;
use doorstep_core::store::enrol;
use doorstep_core::sync::http::UreqTransport;
use doorstep_core::{Store, SystemClock, UnlockMethods};
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
}

/// Creates the store.
pub fn run(ctx: &Ctx, a: InitArgs) -> Result<()> {
    let dir = ctx.dir()?;
    if doorstep_core::store::exists(dir) {
        return Err(doorstep_core::StoreError::AlreadyExists.into());
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
