//! `note add|amend|list`: append-only case notes; a correction keeps the original.

use crate::context::Ctx;
use crate::outln;
use crate::output::short;
use anyhow::Result;
use doorstep_core::domain::{Note, NoteThread};
use doorstep_core::time::local_display;

/// `note` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum NoteCmd {
    /// Add a note to a case.
    Add {
        /// The case (id or unique prefix).
        #[arg(long)]
        case: String,
        /// The note.
        #[arg(long)]
        text: String,
        /// Mark it significant: it appears in the child's chronology.
        #[arg(long)]
        significant: bool,
    },
    /// Correct a note: appends an amendment and keeps the original unchanged.
    Amend {
        /// The original note (id or unique prefix).
        id: String,
        /// The corrected text.
        #[arg(long)]
        text: String,
    },
    /// List a case's notes, each original with its amendments.
    List {
        /// The case (id or unique prefix).
        #[arg(long)]
        case: String,
    },
}

/// Runs a `note` subcommand.
pub fn run(ctx: &Ctx, cmd: NoteCmd) -> Result<()> {
    let store = ctx.open()?;
    match cmd {
        NoteCmd::Add {
            case,
            text,
            significant,
        } => {
            let case_id = crate::ids::case(&store, &case)?;
            let n = store.add_note(case_id, &text, significant)?;
            ctx.out.emit(&n, || outln!("Added note {}", n.id))
        }
        NoteCmd::Amend { id, text } => {
            let id = crate::ids::note(&store, &id)?;
            let n = store.amend_note(id, &text, None)?;
            ctx.out.emit(&n, || {
                outln!(
                    "Added amendment {} to note {}; the original is kept",
                    n.id,
                    short(id)
                )
            })
        }
        NoteCmd::List { case } => {
            let case_id = crate::ids::case(&store, &case)?;
            let threads = store.notes(case_id)?;
            ctx.out.emit(&threads, || print_threads(&threads))
        }
    }
}

fn print_note(label: &str, n: &Note) {
    outln!(
        "  {label} {} | {} | {}{}",
        short(n.id),
        local_display(n.written_at),
        n.author_name,
        if n.significant { " | significant" } else { "" }
    );
    for line in n.text.lines() {
        outln!("      {line}");
    }
}

/// Prints notes: each original, then its amendments, oldest first.
pub fn print_threads(threads: &[NoteThread]) {
    if threads.is_empty() {
        outln!("No notes on this case.");
    }
    for t in threads {
        print_note("Note     ", &t.original);
        for a in &t.amendments {
            print_note("Amendment", a);
        }
    }
}
