//! `init`: create a new encrypted store for the device's practitioner.

use crate::context::Ctx;
use crate::outln;
use anyhow::Result;
use doorstep_core::domain::NewPractitioner;
use doorstep_core::{Store, SystemClock, UnlockMethods};
use std::sync::Arc;

/// Options of `init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The practitioner's full name.
    #[arg(long)]
    pub name: String,
    /// The agency: health_visiting, social_care, midwifery, gp, police, education, housing, paediatrics.
    #[arg(long)]
    pub agency: String,
    /// Team or base.
    #[arg(long)]
    pub team: Option<String>,
}

/// Creates the store.
pub fn run(ctx: &Ctx, a: InitArgs) -> Result<()> {
    let dir = ctx.dir()?;
    let agency = crate::parse::agency(&a.agency)?;
    if doorstep_core::store::exists(dir) {
        return Err(doorstep_core::StoreError::AlreadyExists.into());
    }
    let pass = crate::passphrase::new(crate::passphrase::ENV)?;
    let store = Store::create(
        dir,
        UnlockMethods {
            passphrase: Some(pass),
            provider: None,
        },
        NewPractitioner {
            name: a.name,
            agency,
            team: a.team,
        },
        Arc::new(SystemClock),
    )?;
    let me = store.practitioner()?;
    let json = serde_json::json!({ "store": dir, "practitioner": me });
    ctx.out.emit(&json, || {
        outln!("Created an encrypted store at {}", dir.display());
        outln!(
            "Practitioner {} ({}), id {}",
            me.name,
            crate::output::words(me.agency.code()),
            crate::output::short(me.id)
        );
    })
}
