//! The plan screen: the weeks ahead, slot by slot, and the children who will miss a due date.

use super::labels::{date_label, requirement_label, time_label, visit_kind_label};
use crate::domain::{CaseId, VisitId};
use crate::store::{ChildLabel, PlanView};

/// One planned slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanSlotLine {
    /// The case.
    pub case_id: CaseId,
    /// The child's name.
    pub child_name: String,
    /// Start, UTC milliseconds.
    pub start_millis: i64,
    /// Start, in words.
    pub time_label: String,
    /// Length in minutes.
    pub minutes: i32,
    /// What it is for.
    pub title: String,
    /// The kind of visit, in words.
    pub kind_label: String,
    /// Unannounced: never tell the family.
    pub unannounced: bool,
    /// The visit booked for it, if booked.
    pub visit_id: Option<VisitId>,
    /// Why this slot.
    pub explanation: String,
}

/// A child who will miss a due date: never dropped, always shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortfallLine {
    /// The case.
    pub case_id: CaseId,
    /// The child's name.
    pub child_name: String,
    /// What will be missed.
    pub title: String,
    /// The due date, in words.
    pub due_label: String,
    /// What to do about it.
    pub message: String,
}

/// The plan, ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanScreen {
    /// When it was computed, in words.
    pub computed_label: String,
    /// The last date planned, in words.
    pub horizon_label: String,
    /// Slots, earliest first.
    pub slots: Vec<PlanSlotLine>,
    /// Children who will miss a due date, highest priority first.
    pub shortfalls: Vec<ShortfallLine>,
    /// Children whose recent unannounced visits form a pattern a family could learn, with the
    /// measure used ("Name: 5 of the last 6 unannounced visits were on a Tuesday ...").
    pub pattern_warnings: Vec<String>,
    /// Something changed since it was computed.
    pub stale: bool,
}

fn name(children: &[ChildLabel], case: crate::domain::CaseId) -> String {
    children.iter().find(|c| c.case_id == case).map_or_else(
        || "a child no longer on this caseload".into(),
        |c| c.child_name.clone(),
    )
}

impl PlanScreen {
    /// Builds the screen from a plan.
    pub fn build(view: &PlanView) -> Self {
        let p = &view.plan;
        Self {
            computed_label: time_label(p.computed_at),
            horizon_label: date_label(p.horizon_end),
            slots: p
                .lines
                .iter()
                .map(|l| PlanSlotLine {
                    case_id: l.slot.case,
                    child_name: name(&view.children, l.slot.case),
                    start_millis: l.slot.start.timestamp_millis(),
                    time_label: time_label(l.slot.start),
                    minutes: super::signed_count((l.slot.end - l.slot.start).num_minutes()),
                    title: requirement_label(l.slot.requirement),
                    kind_label: visit_kind_label(l.slot.kind).into(),
                    unannounced: l.slot.unannounced,
                    visit_id: l.visit_id,
                    explanation: l.slot.explanation.clone(),
                })
                .collect(),
            shortfalls: p
                .shortfalls
                .iter()
                .map(|s| ShortfallLine {
                    case_id: s.case,
                    child_name: name(&view.children, s.case),
                    title: requirement_label(s.requirement),
                    due_label: date_label(s.due),
                    message: {
                        let when = match (s.best_possible, s.days_late) {
                            (Some(d), Some(late)) => format!(
                                "Cannot be met: the earliest possible is {} ({late} days late).",
                                date_label(d)
                            ),
                            _ => "Cannot be met within the planned weeks.".into(),
                        };
                        if s.fix.is_empty() {
                            format!("{when} Raise it with your manager.")
                        } else {
                            format!("{when} Why: {}. {}", s.detail, s.fix)
                        }
                    },
                })
                .collect(),
            pattern_warnings: p
                .warnings
                .iter()
                .map(|w| format!("{}: {}", name(&view.children, w.case), w.message))
                .collect(),
            stale: view.stale,
        }
    }
}
