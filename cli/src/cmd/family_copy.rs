//! `visit share`, `visit summary`, `visit copy-settings`: the family's copy of a visit summary.
//! The CLI only asks and prints; what goes in is decided by the core.

use crate::context::Ctx;
use crate::outln;
use crate::output::short;
use crate::passphrase;
use anyhow::{anyhow, bail, Context as _, Result};
use doorstep_core::domain::{FamilyAction, FamilyShare, PersonId, PersonRole, ShareableAnswer};
use doorstep_core::family::{FamilyCopySettings, FamilySummary};
use doorstep_core::Store;
use std::io::BufRead as _;
use std::path::{Path, PathBuf};

/// `visit share`: what is marked "share with family" on a visit.
#[derive(Debug, clap::Args)]
pub struct ShareArgs {
    /// The visit (id or unique prefix).
    pub id: String,
    /// An answer to share: sleeping_area_seen, concerns, actions_agreed, follow_up_action
    /// (repeatable).
    #[arg(long = "answer", value_name = "ANSWER")]
    pub answers: Vec<String>,
    /// A case note to share (id or prefix; repeatable).
    #[arg(long = "note", value_name = "NOTE_ID")]
    pub notes: Vec<String>,
    /// An action for the family: "WHAT | WHO | YYYY-MM-DD" (the date is optional; repeatable).
    #[arg(long = "action", value_name = "WHAT | WHO | DATE")]
    pub actions: Vec<String>,
}

/// `visit summary`: review the family's copy, then produce it.
#[derive(Debug, clap::Args)]
pub struct SummaryArgs {
    /// The visit (id or unique prefix).
    pub id: String,
    /// Where to write the PDF.
    #[arg(long, value_name = "FILE.pdf")]
    pub out: Option<PathBuf>,
    /// Who the copy is for (a parent or carer; id or prefix). Needed when the household has more
    /// than one.
    #[arg(long = "for", value_name = "PERSON_ID")]
    pub recipient: Option<String>,
    /// Large print (body text 18 pt).
    #[arg(long)]
    pub large_print: bool,
    /// Produce what the review shows now without asking (for scripts).
    #[arg(long, conflicts_with = "confirm")]
    pub yes: bool,
    /// Produce only if the copy is still exactly what was reviewed (the review's fingerprint).
    #[arg(long, value_name = "FINGERPRINT")]
    pub confirm: Option<String>,
}

/// `visit copy-settings`: the service's details printed on every family copy.
#[derive(Debug, clap::Args)]
pub struct SettingsArgs {
    /// How the family reaches you (work phone, email, hours).
    #[arg(long)]
    pub contact: Option<String>,
    /// The out-of-hours number and when to use it.
    #[arg(long)]
    pub out_of_hours: Option<String>,
    /// How to complain, and to whom.
    #[arg(long)]
    pub complaints: Option<String>,
}

fn parse_action(text: &str) -> Result<FamilyAction> {
    let mut parts = text.split('|').map(str::trim);
    let what = parts.next().unwrap_or_default().to_string();
    let owner = parts
        .next()
        .ok_or_else(|| anyhow!("--action needs \"WHAT | WHO\" or \"WHAT | WHO | YYYY-MM-DD\""))?
        .to_string();
    let by = match parts.next() {
        Some(d) if !d.is_empty() => Some(crate::parse::date("--action", d)?),
        _ => None,
    };
    if parts.next().is_some() {
        bail!("--action has at most three parts: \"WHAT | WHO | YYYY-MM-DD\"");
    }
    Ok(FamilyAction { what, owner, by })
}

/// Marks what is shared with the family (replacing the visit's marks).
pub fn share(ctx: &Ctx, a: ShareArgs) -> Result<()> {
    let store = ctx.open()?;
    let id = crate::ids::visit(&store, &a.id)?;
    let answers = a
        .answers
        .iter()
        .map(|code| {
            ShareableAnswer::from_code(code.trim()).ok_or_else(|| {
                anyhow!(
                    "--answer {code:?}: one of {}",
                    ShareableAnswer::ALL.map(|x| x.code()).join(", ")
                )
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let notes = a
        .notes
        .iter()
        .map(|n| crate::ids::note(&store, n))
        .collect::<Result<Vec<_>>>()?;
    let actions = a
        .actions
        .iter()
        .map(|t| parse_action(t))
        .collect::<Result<Vec<_>>>()?;
    let v = store.set_family_share(
        id,
        FamilyShare {
            answers,
            notes,
            actions,
        },
    )?;
    ctx.out.emit(&v.family_share, || {
        let s = &v.family_share;
        outln!(
            "Visit {}: sharing {} answer(s), {} note(s), {} action(s) with the family. Review the copy with `doorstep visit summary {}`.",
            short(v.id),
            s.answers.len(),
            s.notes.len(),
            s.actions.len(),
            short(v.id)
        )
    })
}

/// The copy's recipient: the one given, or the household's only parent or carer.
fn recipient(store: &Store, visit: &str, typed: Option<&str>) -> Result<PersonId> {
    if let Some(t) = typed {
        return crate::ids::person(store, t);
    }
    let v = store.visit(crate::ids::visit(store, visit)?)?;
    let case = store.case(v.case_id)?;
    let parents: Vec<_> = store
        .people(case.household_id)?
        .into_iter()
        .filter(|p| p.role == PersonRole::ParentCarer)
        .collect();
    match parents.as_slice() {
        [one] => Ok(one.id),
        [] => bail!("the household has no parent or carer recorded: add one, then use --for"),
        _ => bail!("the household has more than one parent or carer: say who with --for PERSON_ID"),
    }
}

fn print_review(s: &FamilySummary) {
    outln!("What the family's copy will say:");
    outln!("");
    outln!("  {}", s.title);
    for section in &s.sections {
        outln!("");
        outln!("  {}", section.heading);
        for p in &section.paragraphs {
            outln!("    {p}");
        }
        for i in &section.items {
            outln!("    • {i}");
        }
    }
    outln!("");
    if !s.withheld.is_empty() {
        outln!("Left out (not printed):");
        for w in &s.withheld {
            outln!("  - {}: {}", w.what, w.reason.label());
        }
    }
    for w in &s.warnings {
        outln!("Check: {w} Set it with `doorstep visit copy-settings`.");
    }
    outln!("Fingerprint: {}", s.fingerprint);
}

/// Writes the file through a temporary file beside it, so a half-written PDF never has its name.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.partial",
        path.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("summary.pdf")
    ));
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))
}

fn confirmed_interactively() -> Result<bool> {
    if !passphrase::interactive() {
        return Ok(false);
    }
    eprintln!("Give the family this copy? Type yes to produce it:");
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(answer.trim().eq_ignore_ascii_case("yes"))
}

/// Prints the review; with `--out`, produces the copy once confirmed.
pub fn summary(ctx: &Ctx, a: SummaryArgs) -> Result<()> {
    let store = ctx.open()?;
    let id = crate::ids::visit(&store, &a.id)?;
    let to = recipient(&store, &a.id, a.recipient.as_deref())?;
    let review = store.family_summary(id, to)?;
    let Some(out) = a.out else {
        return ctx.out.emit(&review, || print_review(&review));
    };
    if !ctx.out.json {
        print_review(&review);
    }
    let fingerprint = match (&a.confirm, a.yes) {
        (Some(f), _) => f.clone(),
        (None, true) => review.fingerprint.clone(),
        (None, false) if confirmed_interactively()? => review.fingerprint.clone(),
        (None, false) => bail!(
            "not produced: confirm the review with --yes, or with --confirm {}",
            review.fingerprint
        ),
    };
    let copy = store.give_family_copy(id, to, a.large_print, &fingerprint)?;
    write_atomically(&out, &copy.pdf)?;
    ctx.out.emit(&copy.record, || {
        outln!(
            "Wrote {} ({} bytes{}) for {}; the chronology records that the copy was given.",
            out.display(),
            copy.pdf.len(),
            if a.large_print { ", large print" } else { "" },
            copy.record.recipient_name
        )
    })
}

/// Shows or sets the service's details printed on family copies.
pub fn settings(ctx: &Ctx, a: SettingsArgs) -> Result<()> {
    let store = ctx.open()?;
    let mut s = store.family_copy_settings()?;
    let changing = a.contact.is_some() || a.out_of_hours.is_some() || a.complaints.is_some();
    if changing {
        if let Some(v) = a.contact {
            s.contact = v;
        }
        if let Some(v) = a.out_of_hours {
            s.out_of_hours = v;
        }
        if let Some(v) = a.complaints {
            s.complaints = v;
        }
        store.set_family_copy_settings(&s)?;
        s = store.family_copy_settings()?;
    }
    ctx.out.emit(&s, || print_settings(&s))
}

fn print_settings(s: &FamilyCopySettings) {
    outln!("contact:      {}", s.contact);
    outln!("out_of_hours: {}", s.out_of_hours);
    outln!("complaints:   {}", s.complaints);
    let unset = s.unset();
    if !unset.is_empty() {
        outln!("Not yet set: {}", unset.join(", "));
    }
}
