//! `chronology`: a child's significant events in time order.

use crate::context::Ctx;
use crate::output::{print_table, short, table, words};
use anyhow::Result;
use doorstep_core::domain::{ChronologyEntry, ChronologyFilter};
use doorstep_core::time::local_display;

/// Options of `chronology`.
#[derive(Debug, clap::Args)]
pub struct ChronologyArgs {
    /// The child (person id or unique prefix).
    #[arg(long)]
    pub child: String,
    /// Only these kinds (repeatable): case_opened, visit, visit_not_done, concern, rag_change,
    /// significant_note, copy_given.
    #[arg(long = "kind", value_name = "KIND")]
    pub kinds: Vec<String>,
    /// Not before this date, YYYY-MM-DD (UK local).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: Option<String>,
    /// Not after this date, YYYY-MM-DD (UK local), inclusive.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: Option<String>,
}

/// Prints the chronology.
pub fn run(ctx: &Ctx, a: ChronologyArgs) -> Result<()> {
    let kinds = a
        .kinds
        .iter()
        .map(|k| crate::parse::chronology_kind(k))
        .collect::<Result<Vec<_>>>()?;
    let from = match &a.from {
        Some(d) => Some(crate::parse::start_of_day(crate::parse::date(
            "--from", d,
        )?)?),
        None => None,
    };
    let to = match &a.to {
        Some(d) => Some(crate::parse::end_of_day(crate::parse::date("--to", d)?)?),
        None => None,
    };
    let store = ctx.open()?;
    let child = crate::ids::person(&store, &a.child)?;
    let entries = store.chronology(child, &ChronologyFilter { kinds, from, to })?;
    ctx.out.emit(&entries, || print_chronology(&entries))
}

/// Prints chronology entries as a table.
pub fn print_chronology(entries: &[ChronologyEntry]) {
    let mut t = table(&["When", "Kind", "Summary", "Source"]);
    for e in entries {
        t.add_row(vec![
            local_display(e.at),
            words(e.kind.code()),
            e.summary.clone(),
            short(&e.source_id),
        ]);
    }
    print_table(&t, "No entries.");
}
