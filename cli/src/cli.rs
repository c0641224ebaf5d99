//! The command line: global options and the command tree.

use crate::cmd::{
    calendar::CalendarCmd, case::CaseCmd, chronology::ChronologyArgs, household::HouseholdCmd,
    init::InitArgs, note::NoteCmd, person::PersonCmd, plan::PlanArgs, visit::VisitCmd,
};
use std::path::PathBuf;

/// Doorstep: encrypted offline records of home visits to children and families.
///
/// The passphrase is asked on the terminal, or read from DOORSTEP_PASSPHRASE for scripts.
#[derive(Debug, clap::Parser)]
#[command(name = "doorstep", version)]
pub struct Cli {
    /// The store directory.
    #[arg(long, global = true, env = "DOORSTEP_STORE", value_name = "DIR")]
    pub store: Option<PathBuf>,
    /// Print machine-readable JSON instead of tables.
    #[arg(long, global = true)]
    pub json: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Every command.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Create a new encrypted store for this device's practitioner (or enrol with a sync server).
    Init(InitArgs),
    /// Households (addresses).
    #[command(subcommand)]
    Household(HouseholdCmd),
    /// People in households.
    #[command(subcommand)]
    Person(PersonCmd),
    /// Cases: one child each, with a plan and a RAG rating.
    #[command(subcommand)]
    Case(CaseCmd),
    /// Visits: plan, the day list, check in, record what happened.
    #[command(subcommand)]
    Visit(VisitCmd),
    /// Case notes (append-only; amendments keep the original).
    #[command(subcommand)]
    Note(NoteCmd),
    /// A child's chronology of significant events.
    Chronology(ChronologyArgs),
    /// Plan the next weeks' visits within your capacity; lists children who will miss a due date.
    Plan(PlanArgs),
    /// What each child is due or overdue, most urgent first.
    Due,
    /// The most urgent alerts with their prompts (a lone worker not checked out is always first),
    /// and how many more of each kind; `--all` lists every alert.
    Alerts {
        /// Every alert, not just the most urgent.
        #[arg(long)]
        all: bool,
    },
    /// Your working pattern, leave, appointments and capacity, which planning works within.
    #[command(subcommand)]
    Calendar(CalendarCmd),
    /// Send queued changes to the sync server and receive your cases' changes.
    Sync,
    /// What is waiting to be sent, the last sync, and changes the server refused.
    Queue,
    /// Check the store: database integrity, record authentication, note chains.
    Verify,
    /// Change the passphrase (DOORSTEP_PASSPHRASE = old, DOORSTEP_NEW_PASSPHRASE = new for scripts).
    Passwd {
        /// Also rotate the data key: every record is re-sealed under a new key, so a copy of the
        /// old keyring with the old passphrase reads nothing written afterwards.
        #[arg(long)]
        rotate: bool,
    },
    /// Destroy the store (crypto-shred).
    Wipe {
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// Build a realistic demo caseload and walk through a day of visits.
    Demo,
}
