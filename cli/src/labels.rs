//! Readable words for the planning codes: requirements, due statuses, alert kinds, intervals.

use doorstep_core::planning::{
    AlertKind, ContactRequirement, DueStatus, HcpContact, Interval, IntervalUnit, Priority,
    Requirement,
};

/// A Healthy Child Programme contact.
pub fn hcp(c: HcpContact) -> &'static str {
    match c {
        HcpContact::Antenatal => "antenatal contact",
        HcpContact::NewBirth => "new birth visit",
        HcpContact::SixToEightWeeks => "6-8 week review",
        HcpContact::NineToTwelveMonths => "9-12 month review",
        HcpContact::TwoYear => "2-2½ year review",
    }
}

/// What a due item or slot is for.
pub fn requirement(r: Requirement) -> String {
    match r {
        Requirement::Periodic => "regular visit".into(),
        Requirement::PlacementVisit => "placement visit".into(),
        Requirement::Hcp(c) => hcp(c).into(),
    }
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

/// Which contacts count.
pub fn contact(c: ContactRequirement) -> &'static str {
    match c {
        ContactRequirement::FaceToFace => "face to face",
        ContactRequirement::VirtualAllowed => "virtual allowed",
    }
}

/// What an alert is about.
pub fn alert_kind(k: AlertKind) -> String {
    match k {
        AlertKind::LoneWorkerOverdue { red: true } => "LONE WORKER OVERDUE (RED)".into(),
        AlertKind::LoneWorkerOverdue { red: false } => "LONE WORKER OVERDUE (AMBER)".into(),
        AlertKind::ChildNotSeen => "child not seen".into(),
        AlertKind::VisitOverdue => "visit overdue".into(),
        AlertKind::NotSeenAlone => "not seen alone".into(),
        AlertKind::Disengagement => "disengagement".into(),
        AlertKind::PregnancyNoAntenatal => "pregnancy, no antenatal contact".into(),
        AlertKind::RecordLate => "record late".into(),
        AlertKind::DepartureWithoutReason => "departure without reason".into(),
        AlertKind::MandatedContactMissed(c) => format!("missed: {}", hcp(c)),
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

/// An interval such as "10 working days".
pub fn interval(i: Interval) -> String {
    let unit = match i.unit {
        IntervalUnit::WorkingDays => "working day",
        IntervalUnit::Days => "day",
        IntervalUnit::Weeks => "week",
        IntervalUnit::Months => "month",
    };
    let s = if i.count == 1 { "" } else { "s" };
    format!("{} {unit}{s}", i.count)
}

/// A flag column: the word when set, blank otherwise.
pub fn flag(set: bool, word: &str) -> String {
    if set {
        word.to_string()
    } else {
        String::new()
    }
}
