//! `alerts`: alerts and prompts, most urgent first; a lone worker who has not checked out stands
//! out above everything else.

use crate::context::Ctx;
use crate::labels::{alert_kind, is_lone_worker, priority};
use crate::outln;
use crate::output::{short, words};
use anyhow::Result;
use doorstep_core::store::AlertView;

/// Runs `alerts`.
pub fn run(ctx: &Ctx) -> Result<()> {
    let store = ctx.open()?;
    let list = store.alerts()?;
    ctx.out.emit(&list, || print_alerts(&list, None))
}

fn who(a: &AlertView) -> String {
    match &a.child {
        Some(c) => format!(
            "{} ({} {}, case {})",
            c.child_name,
            words(c.plan.code()),
            c.rag.code().to_uppercase(),
            short(c.case_id)
        ),
        None => format!("case {}", short(a.alert.case)),
    }
}

/// Prints the lone-working banner lines (if any) — `!!` first, so they cannot be missed.
pub fn print_lone_worker_banner(list: &[AlertView]) {
    for a in list.iter().filter(|a| is_lone_worker(a.alert.kind)) {
        let address = a.child.as_ref().map_or("", |c| c.address.as_str());
        outln!(
            "!! {}: {} — {}{}",
            alert_kind(a.alert.kind),
            who(a),
            a.alert.message,
            if address.is_empty() {
                String::new()
            } else {
                format!(" Visit address: {address}.")
            }
        );
    }
}

/// Prints one alert with its prompts as an indented list.
pub fn print_alert(a: &AlertView) {
    outln!(
        "[{}] {} — {}",
        priority(a.alert.priority),
        alert_kind(a.alert.kind),
        who(a)
    );
    outln!("    {}", a.alert.message);
    for p in &a.alert.prompts {
        outln!("      - {p}");
    }
}

/// Prints alerts, most urgent first; `limit` shows only the first few (the count is always printed).
pub fn print_alerts(list: &[AlertView], limit: Option<usize>) {
    if list.is_empty() {
        outln!("No alerts.");
        return;
    }
    print_lone_worker_banner(list);
    outln!("{} alert(s), most urgent first:", list.len());
    let shown = limit.unwrap_or(list.len());
    for a in list.iter().take(shown) {
        print_alert(a);
    }
    if list.len() > shown {
        outln!(
            "... and {} more (`doorstep alerts` lists them all).",
            list.len() - shown
        );
    }
}
