//! What goes into a family's copy of a visit summary, decided once, here: only what the
//! practitioner marked, in plain English, and never an unannounced plan, another adult's details,
//! third-party information or an internal rating — whatever was marked.

use super::guard::{withhold, OtherAdults};
use super::settings::FamilyCopySettings;
use super::words::{contact_words, role_words, service_words};
use crate::domain::{
    NoteThread, Person, PersonRole, Practitioner, ShareableAnswer, Visit, VisitKind, VisitStatus,
};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::London;
use ring::digest::{digest, SHA256};

/// Why something the visit holds is not in the family's copy (shown to the practitioner only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WithheldReason {
    /// The practitioner did not mark it "share with family".
    NotMarked,
    /// It is, or mentions, a visit the family is not told about.
    UnannouncedPlan,
    /// It is, or mentions, another adult.
    OtherAdult,
    /// It came from someone else (another practitioner's note, another case).
    ThirdParty,
    /// It is, or mentions, an internal rating (RAG, engagement).
    InternalRating,
    /// It was marked but is not in the store (not synced yet, or removed).
    Missing,
}

impl WithheldReason {
    /// The stable machine name.
    pub fn code(&self) -> &'static str {
        match self {
            WithheldReason::NotMarked => "not_marked",
            WithheldReason::UnannouncedPlan => "unannounced_plan",
            WithheldReason::OtherAdult => "other_adult",
            WithheldReason::ThirdParty => "third_party",
            WithheldReason::InternalRating => "internal_rating",
            WithheldReason::Missing => "missing",
        }
    }

    /// The reason in words, for the practitioner's review.
    pub fn label(&self) -> &'static str {
        match self {
            WithheldReason::NotMarked => "not marked \"share with family\"",
            WithheldReason::UnannouncedPlan => "mentions a visit the family is not told about",
            WithheldReason::OtherAdult => "about or naming another adult",
            WithheldReason::ThirdParty => "information from someone else",
            WithheldReason::InternalRating => "an internal rating",
            WithheldReason::Missing => "marked, but not on this device",
        }
    }
}

/// One thing left out, for the practitioner's review.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Withheld {
    /// What it is ("Note written 1 Dec 2026 10:40", "Who else was present").
    pub what: String,
    /// Why it is left out.
    pub reason: WithheldReason,
}

/// One section of the copy: a heading, paragraphs, then a bulleted list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SummarySection {
    /// The heading.
    pub heading: String,
    /// Paragraphs, in order.
    pub paragraphs: Vec<String>,
    /// List items, in order (may be empty).
    pub items: Vec<String>,
}

/// Exactly what a family's copy will say, with what was left out and why (the practitioner's
/// review). The PDF is rendered from `title`, `recipient_name` and `sections` and nothing else.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FamilySummary {
    /// The visit.
    pub visit_id: crate::domain::VisitId,
    /// The document's title.
    pub title: String,
    /// Who the copy is for.
    pub recipient_name: String,
    /// The content, in reading order.
    pub sections: Vec<SummarySection>,
    /// Left out, with reasons: for the practitioner, never printed.
    pub withheld: Vec<Withheld>,
    /// Things to check before producing (settings still showing placeholders).
    pub warnings: Vec<String>,
    /// SHA-256 (hex) over the title, recipient and sections: what the practitioner confirms.
    pub fingerprint: String,
}

/// Everything the summary is made from, gathered by the store.
pub struct SummaryInputs<'a> {
    /// The visit (completed).
    pub visit: &'a Visit,
    /// The child.
    pub child: &'a Person,
    /// Everyone recorded in the household.
    pub household: &'a [Person],
    /// The practitioner who made the visit.
    pub practitioner: &'a Practitioner,
    /// The case's notes.
    pub notes: &'a [NoteThread],
    /// The case's visits (for the next announced contact).
    pub case_visits: &'a [Visit],
    /// Who the copy is for.
    pub recipient: &'a Person,
    /// The service's details.
    pub settings: &'a FamilyCopySettings,
    /// Now (only later visits can be the next contact).
    pub now: DateTime<Utc>,
}

/// Why a summary cannot be made at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SummaryError {
    /// The visit is not completed.
    #[error("only a completed visit has a summary for the family")]
    NotCompleted,
    /// The copy would go to someone who is not a parent or carer in the child's household.
    #[error("a family copy is given to a parent or carer in the child's household")]
    NotAParent,
}

/// A local date in words: "Tuesday 1 December 2026".
pub fn date_words(date: NaiveDate) -> String {
    date.format("%A %-d %B %Y").to_string()
}

fn when_words(at: DateTime<Utc>) -> String {
    at.with_timezone(&London)
        .format("%A %-d %B %Y at %H:%M")
        .to_string()
}

fn how_words(kind: VisitKind) -> &'static str {
    // An unannounced visit is described like any other home visit.
    match kind {
        VisitKind::AnnouncedHome | VisitKind::UnannouncedHome => "a visit at home",
        VisitKind::Virtual => "a video call",
        VisitKind::Telephone => "a telephone call",
        VisitKind::ClinicOrSchool => "a meeting at a clinic, school or nursery",
    }
}

/// The family's next contact they have been told about: the earliest later planned visit on the
/// case that is not unannounced. Unannounced visits are never candidates.
fn next_announced(visits: &[Visit], after: DateTime<Utc>) -> Option<&Visit> {
    visits
        .iter()
        .filter(|v| {
            v.status == VisitStatus::Planned
                && v.planned_for > after
                && v.kind != VisitKind::UnannouncedHome
        })
        .min_by_key(|v| v.planned_for)
}

fn other_adults(inputs: &SummaryInputs<'_>) -> OtherAdults {
    let mut o = OtherAdults::default();
    for p in inputs
        .household
        .iter()
        .filter(|p| p.role == PersonRole::KnownAdult)
    {
        o.add_name(&p.name);
    }
    if let Some(present) = inputs
        .visit
        .outcome
        .as_ref()
        .and_then(|x| x.others_present.as_ref())
    {
        for id in &present.known_adults {
            if let Some(p) = inputs.household.iter().find(|p| p.id == *id) {
                o.add_name(&p.name);
            }
        }
        for d in &present.unknown_descriptions {
            o.add_description(d);
        }
    }
    o
}

/// Collects shared text, each piece checked by the guard.
struct Collector<'a> {
    others: &'a OtherAdults,
    withheld: Vec<Withheld>,
}

impl Collector<'_> {
    fn offer(&mut self, what: String, text: &str, marked: bool, out: &mut Vec<String>) {
        let reason = if marked {
            withhold(text, self.others)
        } else {
            Some(WithheldReason::NotMarked)
        };
        match reason {
            None => out.push(text.trim().to_string()),
            Some(reason) => self.withheld.push(Withheld { what, reason }),
        }
    }

    fn leave_out(&mut self, what: &str, reason: WithheldReason) {
        self.withheld.push(Withheld {
            what: what.to_string(),
            reason,
        });
    }
}

fn section(heading: &str, paragraphs: Vec<String>, items: Vec<String>) -> SummarySection {
    SummarySection {
        heading: heading.to_string(),
        paragraphs,
        items,
    }
}

/// What the notes contribute: each marked note's current text, if it is this practitioner's own
/// note on this case and passes the guard.
fn shared_notes(inputs: &SummaryInputs<'_>, c: &mut Collector<'_>, talked: &mut Vec<String>) {
    let visit = inputs.visit;
    let visit_day = visit
        .ended_at
        .map(|t| t.with_timezone(&London).date_naive());
    for id in &visit.family_share.notes {
        let Some(t) = inputs
            .notes
            .iter()
            .find(|t| t.original.id == *id || t.amendments.iter().any(|a| a.id == *id))
        else {
            c.leave_out("A marked note", WithheldReason::Missing);
            continue;
        };
        let what = format!(
            "Note written {}",
            crate::time::local_display(t.original.written_at)
        );
        let own = std::iter::once(&t.original)
            .chain(&t.amendments)
            .all(|n| n.author_id == visit.practitioner_id && n.case_id == visit.case_id);
        if !own {
            c.leave_out(&what, WithheldReason::ThirdParty);
            continue;
        }
        c.offer(what, t.current_text(), true, talked);
    }
    // The practitioner sees the same day's notes they did not mark.
    for t in inputs.notes.iter().filter(|t| {
        !visit.family_share.notes.contains(&t.original.id)
            && Some(t.original.written_at.with_timezone(&London).date_naive()) == visit_day
    }) {
        c.leave_out(
            &format!(
                "Note written {}",
                crate::time::local_display(t.original.written_at)
            ),
            WithheldReason::NotMarked,
        );
    }
}

/// Builds the family's copy of a completed visit: the review the practitioner confirms and the
/// content the PDF is made from.
pub fn build(inputs: &SummaryInputs<'_>) -> Result<FamilySummary, SummaryError> {
    let visit = inputs.visit;
    let outcome = match (visit.status, &visit.outcome) {
        (VisitStatus::Completed, Some(o)) => o,
        _ => return Err(SummaryError::NotCompleted),
    };
    let recipient = inputs.recipient;
    if recipient.role != PersonRole::ParentCarer
        || recipient.household_id != inputs.child.household_id
    {
        return Err(SummaryError::NotAParent);
    }
    let share = &visit.family_share;
    let others = other_adults(inputs);
    let mut c = Collector {
        others: &others,
        withheld: Vec::new(),
    };
    let child = &inputs.child.name;
    let me = inputs.practitioner;
    // When the visit began: the check-in, or the planned time for a visit recorded afterwards
    // without one (its check-in, check-out and end are then all the moment it was recorded).
    let recorded_afterwards = visit.started_at.is_some()
        && visit.started_at == visit.checked_out_at
        && visit.started_at == visit.ended_at;
    let when = match visit.started_at {
        Some(s) if !recorded_afterwards => s,
        _ => visit.planned_for,
    };

    let mut about = vec![
        format!("Date: {}.", when_words(when)),
        format!("How: {}.", how_words(visit.kind)),
        format!(
            "Who visited: {}, {}, {}.",
            me.name,
            role_words(me.agency),
            service_words(me)
        ),
    ];
    about.push(if outcome.child_seen {
        format!("Who was seen: {child}.")
    } else {
        format!("Who was seen: {child} was not seen at this visit.")
    });
    about.push(format!("This copy is for: {}.", recipient.name));

    let mut talked = Vec::new();
    if outcome.sleeping_area_seen || share.shares(ShareableAnswer::SleepingAreaSeen) {
        let text = if outcome.sleeping_area_seen {
            format!("We looked at where {child} sleeps.")
        } else {
            format!("We did not look at where {child} sleeps this time.")
        };
        let marked = share.shares(ShareableAnswer::SleepingAreaSeen);
        c.offer("Sleeping area seen".into(), &text, marked, &mut talked);
    }
    for concern in &outcome.concerns {
        let marked = share.shares(ShareableAnswer::Concerns);
        c.offer(format!("Concern: {concern}"), concern, marked, &mut talked);
    }
    shared_notes(inputs, &mut c, &mut talked);

    let mut agreed = Vec::new();
    for action in &outcome.actions_agreed {
        let marked = share.shares(ShareableAnswer::ActionsAgreed);
        c.offer(
            format!("Action agreed: {action}"),
            action,
            marked,
            &mut agreed,
        );
    }
    if let Some(f) = outcome.follow_up_action.as_deref() {
        let marked = share.shares(ShareableAnswer::FollowUpAction);
        c.offer(format!("Follow-up: {f}"), f, marked, &mut agreed);
    }

    let mut actions = Vec::new();
    for a in &share.actions {
        let line = match a.by {
            Some(d) => format!("{}: {}, by {}.", a.owner, a.what, date_words(d)),
            None => format!("{}: {}.", a.owner, a.what),
        };
        c.offer(format!("Action: {}", a.what), &line, true, &mut actions);
    }

    // Never shared, whatever is marked.
    if outcome.others_present.is_some() {
        c.leave_out("Who else was present", WithheldReason::OtherAdult);
    }
    if outcome.engagement.is_some() {
        c.leave_out("How the family engaged", WithheldReason::InternalRating);
    }
    c.leave_out("The case's RAG rating", WithheldReason::InternalRating);
    if outcome.injuries_observed.is_some() {
        c.leave_out("Injuries observed", WithheldReason::NotMarked);
    }
    let unannounced = inputs
        .case_visits
        .iter()
        .filter(|v| v.status.is_open() && v.kind == VisitKind::UnannouncedHome)
        .count();
    if unannounced > 0 {
        c.leave_out(
            &format!("{unannounced} planned unannounced visit(s)"),
            WithheldReason::UnannouncedPlan,
        );
    }

    let none = || vec!["Nothing from this part of the visit was chosen for this copy.".to_string()];
    let next = match next_announced(inputs.case_visits, inputs.now) {
        Some(v) => vec![format!(
            "{}: {}.",
            when_words(v.planned_for),
            how_words(v.kind)
        )],
        None => vec![format!(
            "No date has been set yet. {} will contact you to arrange it.",
            me.name
        )],
    };
    let mut sections = vec![section("About this visit", about, Vec::new())];
    sections.push(match talked.is_empty() {
        true => section("What we talked about", none(), Vec::new()),
        false => section("What we talked about", Vec::new(), talked),
    });
    sections.push(match agreed.is_empty() {
        true => section("What we agreed", none(), Vec::new()),
        false => section("What we agreed", Vec::new(), agreed),
    });
    if !actions.is_empty() {
        sections.push(section(
            "Who will do what, and by when",
            Vec::new(),
            actions,
        ));
    }
    sections.push(section("Your next visit", next, Vec::new()));
    sections.extend(
        contact_words(me, inputs.settings)
            .into_iter()
            .map(|(heading, paragraphs)| section(heading, paragraphs, Vec::new())),
    );

    let title = format!(
        "Your visit on {}",
        date_words(when.with_timezone(&London).date_naive())
    );
    let warnings = inputs
        .settings
        .unset()
        .into_iter()
        .map(|s| format!("The setting \"{s}\" still shows its placeholder."))
        .collect();
    let fingerprint = fingerprint(&title, &recipient.name, &sections);
    Ok(FamilySummary {
        visit_id: visit.id,
        title,
        recipient_name: recipient.name.clone(),
        sections,
        withheld: c.withheld,
        warnings,
        fingerprint,
    })
}

/// SHA-256 (hex) over what will be printed.
pub fn fingerprint(title: &str, recipient: &str, sections: &[SummarySection]) -> String {
    let printed = serde_json::json!({"title": title, "for": recipient, "sections": sections});
    hex::encode(digest(&SHA256, printed.to_string().as_bytes()))
}

impl FamilySummary {
    /// Every printed line, in reading order (title, headings, paragraphs, items).
    pub fn printed_lines(&self) -> Vec<&str> {
        let mut out = vec![self.title.as_str()];
        for s in &self.sections {
            out.push(&s.heading);
            out.extend(s.paragraphs.iter().map(String::as_str));
            out.extend(s.items.iter().map(String::as_str));
        }
        out
    }
}
