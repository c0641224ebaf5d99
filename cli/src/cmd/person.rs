//! `person add|list`.

use crate::context::Ctx;
use crate::outln;
use crate::output::{or_dash, print_table, short, table, words};
use anyhow::Result;
use doorstep_core::domain::{NewPerson, Person};

/// `person` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum PersonCmd {
    /// Add a person to a household.
    Add {
        /// The household (id or unique prefix).
        #[arg(long)]
        household: String,
        /// child, unborn, parent_carer or known_adult.
        #[arg(long)]
        role: String,
        /// Full name (for an unborn child, a working name).
        #[arg(long)]
        name: String,
        /// Date of birth, YYYY-MM-DD (required for a child).
        #[arg(long, value_name = "YYYY-MM-DD")]
        dob: Option<String>,
        /// Expected date of delivery, YYYY-MM-DD (required for an unborn child).
        #[arg(long, value_name = "YYYY-MM-DD")]
        expected: Option<String>,
        /// Relationship to the children ("mother", "mother's partner", ...).
        #[arg(long)]
        relationship: Option<String>,
    },
    /// List the people of a household.
    List {
        /// The household (id or unique prefix).
        #[arg(long)]
        household: String,
    },
}

/// Runs a `person` subcommand.
pub fn run(ctx: &Ctx, cmd: PersonCmd) -> Result<()> {
    match cmd {
        PersonCmd::Add {
            household,
            role,
            name,
            dob,
            expected,
            relationship,
        } => {
            let role = crate::parse::role(&role)?;
            let dob = dob.map(|d| crate::parse::date("--dob", &d)).transpose()?;
            let expected = expected
                .map(|d| crate::parse::date("--expected", &d))
                .transpose()?;
            let store = ctx.open()?;
            let household_id = crate::ids::household(&store, &household)?;
            let p = store.add_person(NewPerson {
                household_id,
                role,
                name,
                date_of_birth: dob,
                expected_date: expected,
                relationship,
            })?;
            ctx.out
                .emit(&p, || outln!("Added {} {}", words(p.role.code()), p.id))
        }
        PersonCmd::List { household } => {
            let store = ctx.open()?;
            let id = crate::ids::household(&store, &household)?;
            let people = store.people(id)?;
            ctx.out.emit(&people, || print_people(&people))
        }
    }
}

/// Prints people as a table.
pub fn print_people(people: &[Person]) {
    let mut t = table(&["ID", "Role", "Name", "Born / expected", "Relationship"]);
    for p in people {
        let born = match (p.date_of_birth, p.expected_date) {
            (Some(d), _) => d.to_string(),
            (None, Some(e)) => format!("due {e}"),
            _ => "-".into(),
        };
        t.add_row(vec![
            short(p.id),
            words(p.role.code()),
            p.name.clone(),
            born,
            or_dash(p.relationship.as_ref()),
        ]);
    }
    print_table(&t, "No people recorded in this household.");
}
