//! `due`: what each child is due or overdue, most urgent first (the core's one definition).

use crate::context::Ctx;
use crate::labels::{contact, flag, requirement, status};
use crate::output::{or_dash, print_table, table, words};
use anyhow::Result;
use doorstep_core::store::DueEntry;

/// Runs `due`.
pub fn run(ctx: &Ctx) -> Result<()> {
    let store = ctx.open()?;
    let entries = store.due()?;
    ctx.out.emit(&entries, || print_due(&entries))
}

/// Prints due entries: one row per item, the child named on their first row.
pub fn print_due(entries: &[DueEntry]) {
    let mut t = table(&[
        "Child", "Plan/RAG", "For", "Status", "Due", "Earliest", "Contact", "Must", "Why",
    ]);
    for e in entries {
        for (n, i) in e.items.iter().enumerate() {
            let (child, plan) = if n == 0 {
                (
                    e.child.child_name.clone(),
                    format!(
                        "{} {}",
                        words(e.child.plan.code()),
                        e.child.rag.code().to_uppercase()
                    ),
                )
            } else {
                (String::new(), String::new())
            };
            let must: Vec<String> = [
                flag(i.unannounced, "unannounced"),
                flag(i.see_alone, "see alone"),
                flag(i.see_bedroom, "see bedroom"),
            ]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect();
            t.add_row(vec![
                child,
                plan,
                requirement(i.requirement),
                status(i.status),
                i.due.to_string(),
                i.earliest.to_string(),
                contact(i.contact).to_string(),
                or_dash((!must.is_empty()).then(|| must.join(", "))),
                i.why.clone(),
            ]);
        }
    }
    print_table(&t, "Nothing is due.");
}
