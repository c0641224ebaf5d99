//! Readable words for the planning codes: requirements, due statuses, alert kinds, intervals.

use doorstep_core::planning::{AlertKind, DueStatus, Priority, Requirement};

pub use doorstep_core::view::{contact_label as contact, interval_label as interval};

/// What a due item or slot is for.
pub fn requirement(r: Requirement) -> String {
    doorstep_core::view::requirement_label(r)
}

/// Where a due item stands.
pub fn status(s: DueStatus) -> String {
    match s {
        DueStatus::Upcoming => "upcoming".into(),
        DueStatus::DueSoon => "due soon".into(),
        DueStatus::Due => "DUE TODAY".into(),
        DueStatus::Overdue { days } => format!("OVERDUE {days}d"),
    }
}

/// What an alert is about.
pub fn alert_kind(k: AlertKind) -> String {
    match k {
        AlertKind::LoneWorkerOverdue { red: true } => "LONE WORKER OVERDUE (RED)".into(),
        AlertKind::LoneWorkerOverdue { red: false } => "LONE WORKER OVERDUE (AMBER)".into(),
        AlertKind::ChildNotSeen => "child not seen".into(),
        AlertKind::VisitOverdue => "mandated contact overdue".into(),
        AlertKind::NotSeenAlone => "not seen alone".into(),
        AlertKind::Disengagement => "disengagement".into(),
        AlertKind::PregnancyNoAntenatal => "pregnancy, no antenatal contact".into(),
        AlertKind::RecordLate => "record late".into(),
        AlertKind::DepartureWithoutReason => "departure without reason".into(),
        AlertKind::MandatedContactMissed => "mandated contacts missed".into(),
    }
}

/// Whether an alert is about a lone worker who has not checked out.
pub fn is_lone_worker(k: AlertKind) -> bool {
    matches!(k, AlertKind::LoneWorkerOverdue { .. })
}

/// How urgent an alert is.
pub fn priority(p: Priority) -> &'static str {
    match p {
        Priority::Low => "low",
        Priority::Medium => "medium",
        Priority::High => "high",
        Priority::Urgent => "URGENT",
        Priority::Critical => "CRITICAL",
    }
}

/// A flag column: the word when set, blank otherwise.
pub fn flag(set: bool, word: &str) -> String {
    if set {
        word.to_string()
    } else {
        String::new()
    }
}
