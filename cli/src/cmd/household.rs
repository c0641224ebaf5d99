//! `household add|list`.

use crate::context::Ctx;
use crate::outln;
use crate::output::{or_dash, print_table, short, table};
use anyhow::Result;
use doorstep_core::domain::{Household, NewHousehold};

/// `household` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum HouseholdCmd {
    /// Add a household (one address).
    Add {
        /// The address.
        #[arg(long)]
        address: String,
        /// Postcode.
        #[arg(long)]
        postcode: Option<String>,
        /// Access notes: entry codes, dogs, which door, safety warnings.
        #[arg(long)]
        access_notes: Option<String>,
    },
    /// List every household.
    List,
}

/// A household with how many people are recorded in it.
#[derive(Debug, serde::Serialize)]
struct Listed {
    #[serde(flatten)]
    household: Household,
    people: usize,
}

/// Runs a `household` subcommand.
pub fn run(ctx: &Ctx, cmd: HouseholdCmd) -> Result<()> {
    let store = ctx.open()?;
    match cmd {
        HouseholdCmd::Add {
            address,
            postcode,
            access_notes,
        } => {
            let h = store.add_household(NewHousehold {
                address,
                postcode,
                access_notes,
            })?;
            ctx.out.emit(&h, || outln!("Added household {}", h.id))
        }
        HouseholdCmd::List => {
            let mut rows = Vec::new();
            for h in store.households()? {
                let people = store.people(h.id)?.len();
                rows.push(Listed {
                    household: h,
                    people,
                });
            }
            ctx.out.emit(&rows, || print_households(&rows))
        }
    }
}

fn print_households(rows: &[Listed]) {
    let mut t = table(&["ID", "Address", "Postcode", "People", "Access notes"]);
    for r in rows {
        let h = &r.household;
        t.add_row(vec![
            short(h.id),
            h.address.clone(),
            or_dash(h.postcode.as_ref()),
            r.people.to_string(),
            or_dash(h.access_notes.as_ref()),
        ]);
    }
    print_table(&t, "No households yet.");
}
