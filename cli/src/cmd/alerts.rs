//! `alerts`: the most urgent alerts with their prompts and a count of the rest per kind (`--all`:
//! every alert), in the core's risk order; a lone worker who has not checked out stands out above
//! everything else.

use crate::context::Ctx;
use crate::labels::{alert_kind, is_lone_worker, priority};
use crate::outln;
use crate::output::{short, words};
use anyhow::Result;
use doorstep_core::planning::KindCount;
use doorstep_core::store::AlertView;

/// Runs `alerts`: the digest, or with `all` every alert.
pub fn run(ctx: &Ctx, all: bool) -> Result<()> {
    let store = ctx.open()?;
    if all {
        let list = store.alerts()?;
        ctx.out.emit(&list, || print_all(&list))
    } else {
        let d = store.alert_digest()?;
        ctx.out.emit(&d, || print_digest(&d.top, &d.more, d.total))
    }
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

/// Prints one alert with its rank's reasons and its prompts as an indented list.
pub fn print_alert(a: &AlertView) {
    outln!(
        "[{}] {} — {}",
        priority(a.alert.priority),
        alert_kind(a.alert.kind),
        who(a)
    );
    outln!("    {}", a.alert.message);
    let factors = a.alert.risk.factors();
    if !is_lone_worker(a.alert.kind) {
        outln!(
            "    Risk score {}{}",
            a.alert.score,
            if factors.is_empty() {
                String::new()
            } else {
                format!(": {}", factors.join(", "))
            }
        );
    }
    for p in &a.alert.prompts {
        outln!("      - {p}");
    }
}

/// Prints how many more alerts of each kind the digest did not show.
pub fn print_more(more: &[KindCount]) {
    if more.is_empty() {
        return;
    }
    let n: usize = more.iter().map(|c| c.count).sum();
    let parts: Vec<String> = more
        .iter()
        .map(|c| format!("{} {}", c.count, alert_kind(c.kind)))
        .collect();
    outln!("... and {n} more: {}.", parts.join(", "));
    outln!("(`doorstep alerts --all` lists every alert.)");
}

/// Prints the digest: the most urgent alerts in full, then the count of the rest per kind.
pub fn print_digest(top: &[AlertView], more: &[KindCount], total: usize) {
    if total == 0 {
        outln!("No alerts.");
        return;
    }
    print_lone_worker_banner(top);
    if top.len() == total {
        outln!("{total} alert(s), most urgent first:");
    } else {
        outln!("The {} most urgent of {total} alerts:", top.len());
    }
    for a in top {
        print_alert(a);
    }
    print_more(more);
}

/// Prints every alert, most urgent first.
pub fn print_all(list: &[AlertView]) {
    print_digest(list, &[], list.len());
}
