//! `case open|list|show|rag|placement`.

use crate::context::Ctx;
use crate::outln;
use crate::output::{or_dash, print_table, short, table, words};
use anyhow::Result;
use doorstep_core::domain::{Case, Household, NewCase, NoteThread, Person, Visit};
use doorstep_core::time::local_display;

/// `case` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum CaseCmd {
    /// Open a case for a child or an unborn child.
    Open {
        /// The child (person id or unique prefix).
        #[arg(long)]
        child: String,
        /// universal, targeted_early_help, child_in_need, child_protection, looked_after.
        #[arg(long)]
        plan: String,
        /// green, amber or red.
        #[arg(long)]
        rag: String,
        /// Why this rating.
        #[arg(long)]
        reason: String,
    },
    /// List every case.
    List,
    /// Show one case: child, address, RAG history, visits and notes.
    Show {
        /// The case (id or unique prefix).
        id: String,
    },
    /// Change a case's RAG rating, with the reason.
    Rag {
        /// The case (id or unique prefix).
        id: String,
        /// green, amber or red.
        #[arg(long)]
        rag: String,
        /// Why the rating changes.
        #[arg(long)]
        reason: String,
    },
    /// Record a looked-after child's new placement (a visit is due within the policy's week).
    Placement {
        /// The case (id or unique prefix).
        id: String,
        /// The date the placement began, YYYY-MM-DD.
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: String,
        /// The date the child became looked after, YYYY-MM-DD (sets the first-year frequency).
        #[arg(long, value_name = "YYYY-MM-DD")]
        looked_after_since: Option<String>,
        /// The placement is intended to last until the child is 18 (visits become 3-monthly
        /// after its first year; otherwise they stay 6-weekly).
        #[arg(long)]
        until_18: bool,
    },
}

/// A case with its child, for lists.
#[derive(Debug, serde::Serialize)]
struct Listed {
    #[serde(flatten)]
    case: Case,
    child: Person,
}

/// Everything about one case.
#[derive(Debug, serde::Serialize)]
struct Shown {
    case: Case,
    child: Person,
    household: Household,
    visits: Vec<Visit>,
    notes: Vec<NoteThread>,
}

/// Runs a `case` subcommand.
pub fn run(ctx: &Ctx, cmd: CaseCmd) -> Result<()> {
    match cmd {
        CaseCmd::Open {
            child,
            plan,
            rag,
            reason,
        } => {
            let plan = crate::parse::plan(&plan)?;
            let rag = crate::parse::rag(&rag)?;
            let store = ctx.open()?;
            let child_id = crate::ids::person(&store, &child)?;
            let c = store.open_case(NewCase {
                child_id,
                plan,
                rag,
                rag_reason: reason,
                allocated_to: None,
            })?;
            ctx.out.emit(&c, || outln!("Opened case {}", c.id))
        }
        CaseCmd::List => {
            let store = ctx.open()?;
            let mut rows = Vec::new();
            for case in store.cases()? {
                let child = store.person(case.child_id)?;
                rows.push(Listed { case, child });
            }
            ctx.out.emit(&rows, || print_cases(&rows))
        }
        CaseCmd::Show { id } => {
            let store = ctx.open()?;
            let id = crate::ids::case(&store, &id)?;
            let case = store.case(id)?;
            let shown = Shown {
                child: store.person(case.child_id)?,
                household: store.household(case.household_id)?,
                visits: store.visits_for_case(id)?,
                notes: store.notes(id)?,
                case,
            };
            ctx.out.emit(&shown, || print_case(&shown))
        }
        CaseCmd::Rag { id, rag, reason } => {
            let rag = crate::parse::rag(&rag)?;
            let store = ctx.open()?;
            let id = crate::ids::case(&store, &id)?;
            let c = store.set_rag(id, rag, &reason)?;
            ctx.out.emit(&c, || print_rag_history(&c))
        }
        CaseCmd::Placement {
            id,
            date,
            looked_after_since,
            until_18,
        } => {
            let date = crate::parse::date("--date", &date)?;
            let since = looked_after_since
                .as_deref()
                .map(|s| crate::parse::date("--looked-after-since", s))
                .transpose()?;
            let store = ctx.open()?;
            let id = crate::ids::case(&store, &id)?;
            let c = store.set_placement(id, date, since, until_18)?;
            ctx.out.emit(&c, || {
                outln!(
                    "Case {}: placement from {}{}{}. See `doorstep due` for the placement visit.",
                    short(c.id),
                    or_dash(c.placement_date),
                    c.looked_after_since
                        .map_or_else(String::new, |d| format!(", looked after since {d}")),
                    if c.placement_intended_until_18 {
                        ", intended to last until 18"
                    } else {
                        ""
                    }
                )
            })
        }
    }
}

fn print_cases(rows: &[Listed]) {
    let mut t = table(&["ID", "Child", "Plan", "RAG", "No-access in a row", "Opened"]);
    for r in rows {
        t.add_row(vec![
            short(r.case.id),
            r.child.name.clone(),
            words(r.case.plan.code()),
            r.case.rag.code().to_uppercase(),
            r.case.consecutive_no_access.to_string(),
            local_display(r.case.opened_at),
        ]);
    }
    print_table(&t, "No cases yet.");
}

/// Prints a case's RAG rating and its history.
pub fn print_rag_history(c: &Case) {
    outln!("Case {}: RAG {}", short(c.id), c.rag.code().to_uppercase());
    let mut t = table(&["When", "From", "To", "Reason"]);
    for h in &c.rag_history {
        t.add_row(vec![
            local_display(h.at),
            or_dash(h.from.map(|r| r.code().to_uppercase())),
            h.to.code().to_uppercase(),
            h.reason.clone(),
        ]);
    }
    print_table(&t, "No RAG history.");
}

fn print_case(s: &Shown) {
    outln!("Case      {}", s.case.id);
    outln!(
        "Child     {} ({}, {})",
        s.child.name,
        words(s.child.role.code()),
        match (s.child.date_of_birth, s.child.expected_date) {
            (Some(d), _) => format!("born {d}"),
            (None, Some(e)) => format!("due {e}"),
            _ => "no date".into(),
        }
    );
    outln!(
        "Address   {}{}",
        s.household.address,
        s.household
            .postcode
            .as_ref()
            .map_or(String::new(), |p| format!(", {p}"))
    );
    if let Some(a) = &s.household.access_notes {
        outln!("Access    {a}");
    }
    outln!("Plan      {}", words(s.case.plan.code()));
    outln!("Opened    {}", local_display(s.case.opened_at));
    outln!(
        "No-access visits in a row: {}",
        s.case.consecutive_no_access
    );
    outln!();
    print_rag_history(&s.case);
    outln!();
    crate::cmd::visit::print_visits(&s.visits);
    outln!();
    outln!(
        "{} note(s); see `doorstep note list --case {}`",
        s.notes.len(),
        short(s.case.id)
    );
}
