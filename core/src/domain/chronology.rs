//! A child's chronology: significant events in time order, from every record about the child.

use super::{Case, NoteThread, Visit, VisitStatus};
use chrono::{DateTime, Utc};

/// What kind of event a chronology entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChronologyKind {
    /// The case was opened.
    CaseOpened,
    /// A visit was completed.
    Visit,
    /// A visit ended in no access, was declined, or was cancelled.
    VisitNotDone,
    /// A concern or injury was recorded.
    Concern,
    /// The RAG rating changed.
    RagChange,
    /// A note marked significant.
    SignificantNote,
    /// A copy of a visit summary was given to the family.
    CopyGiven,
    /// A supervision discussion was recorded by a manager.
    Supervision,
}

impl ChronologyKind {
    /// Every kind.
    pub const ALL: [ChronologyKind; 8] = [
        ChronologyKind::CaseOpened,
        ChronologyKind::Visit,
        ChronologyKind::VisitNotDone,
        ChronologyKind::Concern,
        ChronologyKind::RagChange,
        ChronologyKind::SignificantNote,
        ChronologyKind::CopyGiven,
        ChronologyKind::Supervision,
    ];

    /// The stable machine name.
    pub fn code(&self) -> &'static str {
        match self {
            ChronologyKind::CaseOpened => "case_opened",
            ChronologyKind::Visit => "visit",
            ChronologyKind::VisitNotDone => "visit_not_done",
            ChronologyKind::Concern => "concern",
            ChronologyKind::RagChange => "rag_change",
            ChronologyKind::SignificantNote => "significant_note",
            ChronologyKind::CopyGiven => "copy_given",
            ChronologyKind::Supervision => "supervision",
        }
    }

    /// Parses a machine name.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// One event in a child's chronology.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChronologyEntry {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// What kind of event.
    pub kind: ChronologyKind,
    /// A one-line summary for the timeline.
    pub summary: String,
    /// The id of the record it came from.
    pub source_id: String,
}

/// Which entries to show.
#[derive(Debug, Clone, Default)]
pub struct ChronologyFilter {
    /// Only these kinds (all when empty).
    pub kinds: Vec<ChronologyKind>,
    /// Not before this instant.
    pub from: Option<DateTime<Utc>>,
    /// Not after this instant.
    pub to: Option<DateTime<Utc>>,
}

impl ChronologyFilter {
    fn keeps(&self, e: &ChronologyEntry) -> bool {
        (self.kinds.is_empty() || self.kinds.contains(&e.kind))
            && self.from.is_none_or(|f| e.at >= f)
            && self.to.is_none_or(|t| e.at <= t)
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// Builds the chronology of a child's cases from their visits and notes (as [`super::threads`]),
/// sorted oldest first: the phone's store and the server's supervisor view both use it.
pub fn build(
    cases: &[Case],
    visits: &[Visit],
    notes: &[NoteThread],
    filter: &ChronologyFilter,
) -> Vec<ChronologyEntry> {
    let mut out = Vec::new();
    for case in cases {
        out.push(ChronologyEntry {
            at: case.opened_at,
            kind: ChronologyKind::CaseOpened,
            summary: format!("Case opened: {} plan", case.plan.code().replace('_', " ")),
            source_id: case.id.to_string(),
        });
        for change in &case.rag_history {
            let from = change
                .from
                .map_or("none".to_string(), |r| r.code().to_uppercase());
            out.push(ChronologyEntry {
                at: change.at,
                kind: ChronologyKind::RagChange,
                summary: format!(
                    "RAG {from} -> {}: {}",
                    change.to.code().to_uppercase(),
                    change.reason
                ),
                source_id: case.id.to_string(),
            });
        }
        for s in &case.supervisions {
            out.push(ChronologyEntry {
                at: s.at,
                kind: ChronologyKind::Supervision,
                summary: s.summary(),
                source_id: case.id.to_string(),
            });
        }
    }
    for v in visits {
        for copy in &v.copies_given {
            out.push(ChronologyEntry {
                at: copy.at,
                kind: ChronologyKind::CopyGiven,
                summary: format!(
                    "Copy of the visit summary{} given to {} by {} (visit of {})",
                    if copy.large_print {
                        " (large print)"
                    } else {
                        ""
                    },
                    copy.to_name,
                    copy.by_name,
                    crate::time::local_display(v.ended_at.unwrap_or(v.planned_for))
                ),
                source_id: v.id.to_string(),
            });
        }
        let at = v.ended_at.unwrap_or(v.planned_for);
        let kind = v.kind.code().replace('_', " ");
        match (v.status, &v.outcome, &v.unsuccessful) {
            (VisitStatus::Completed, Some(o), _) => {
                out.push(ChronologyEntry {
                    at,
                    kind: ChronologyKind::Visit,
                    summary: format!(
                        "{kind} visit: child seen {}, seen alone {}, spoken to alone {}, sleeping area seen {}",
                        yes_no(o.child_seen),
                        yes_no(o.child_seen_alone),
                        yes_no(o.child_spoken_to_alone),
                        yes_no(o.sleeping_area_seen)
                    ),
                    source_id: v.id.to_string(),
                });
                for c in o
                    .injuries_observed
                    .iter()
                    .map(|i| format!("Injury observed: {i}"))
                    .chain(o.concerns.iter().map(|c| format!("Concern: {c}")))
                {
                    out.push(ChronologyEntry {
                        at,
                        kind: ChronologyKind::Concern,
                        summary: c,
                        source_id: v.id.to_string(),
                    });
                }
            }
            (VisitStatus::NoAccess | VisitStatus::Declined | VisitStatus::Cancelled, _, u) => {
                let why = u
                    .as_ref()
                    .map_or(String::new(), |u| format!(": {}", u.reason));
                out.push(ChronologyEntry {
                    at,
                    kind: ChronologyKind::VisitNotDone,
                    summary: format!("{kind} visit {}{why}", v.status.code().replace('_', " ")),
                    source_id: v.id.to_string(),
                });
            }
            _ => {}
        }
    }
    for t in notes.iter().filter(|t| t.is_significant()) {
        let amended = if t.amendments.is_empty() {
            ""
        } else {
            " (amended)"
        };
        out.push(ChronologyEntry {
            at: t.original.written_at,
            kind: ChronologyKind::SignificantNote,
            summary: format!("Note{amended}: {}", t.current_text()),
            source_id: t.original.id.to_string(),
        });
    }
    out.retain(|e| filter.keeps(e));
    out.sort_by(|a, b| a.at.cmp(&b.at).then(a.kind.code().cmp(b.kind.code())));
    out
}
