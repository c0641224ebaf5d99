//! Words for the codes, in plain British English, for the screens (and the CLI).

use crate::domain::{Agency, PersonRole, PlanType, Rag, VisitKind, VisitStatus};
use crate::planning::{
    AlertKind, ContactRequirement, DueStatus, HcpContact, Interval, Priority, Requirement,
};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::London;

/// A Healthy Child Programme contact.
pub fn hcp_label(c: HcpContact) -> &'static str {
    crate::planning::hcp_name(c)
}

/// What a due item or planned slot is for.
pub fn requirement_label(r: Requirement) -> String {
    match r {
        Requirement::Periodic => "regular visit".into(),
        Requirement::PlacementVisit => "placement visit".into(),
        Requirement::Hcp(c) => hcp_label(c).into(),
    }
}

/// Where a due item stands, in sentence case ("Overdue by 3 days").
pub fn due_status_label(s: DueStatus) -> String {
    match s {
        DueStatus::Upcoming => "Upcoming".into(),
        DueStatus::DueSoon => "Due soon".into(),
        DueStatus::Due => "Due today".into(),
        DueStatus::Overdue { days: 1 } => "Overdue by 1 day".into(),
        DueStatus::Overdue { days } => format!("Overdue by {days} days"),
    }
}

/// Which contacts count.
pub fn contact_label(c: ContactRequirement) -> &'static str {
    match c {
        ContactRequirement::FaceToFace => "face to face",
        ContactRequirement::VirtualAllowed => "virtual allowed",
    }
}

/// What an alert is about.
pub fn alert_kind_label(k: AlertKind) -> String {
    match k {
        AlertKind::LoneWorkerOverdue { red: true } => "Lone worker overdue (red)".into(),
        AlertKind::LoneWorkerOverdue { red: false } => "Lone worker overdue (amber)".into(),
        AlertKind::ChildNotSeen => "Child not seen".into(),
        AlertKind::VisitOverdue => "Mandated contact overdue".into(),
        AlertKind::NotSeenAlone => "Not seen alone".into(),
        AlertKind::Disengagement => "Disengagement".into(),
        AlertKind::PregnancyNoAntenatal => "Pregnancy, no antenatal contact".into(),
        AlertKind::RecordLate => "Record late".into(),
        AlertKind::DepartureWithoutReason => "Departure without reason".into(),
        AlertKind::MandatedContactMissed => "Mandated contacts missed".into(),
    }
}

/// How urgent an alert is.
pub fn priority_label(p: Priority) -> &'static str {
    match p {
        Priority::Low => "Low",
        Priority::Medium => "Medium",
        Priority::High => "High",
        Priority::Urgent => "Urgent",
        Priority::Critical => "Critical",
    }
}

/// An interval such as "10 working days".
pub fn interval_label(i: Interval) -> String {
    i.words()
}

/// A RAG rating.
pub fn rag_label(r: Rag) -> &'static str {
    match r {
        Rag::Red => "Red",
        Rag::Amber => "Amber",
        Rag::Green => "Green",
    }
}

/// A child's plan.
pub fn plan_label(p: PlanType) -> &'static str {
    match p {
        PlanType::ChildProtection => "Child protection plan",
        PlanType::ChildInNeed => "Child in need plan",
        PlanType::LookedAfter => "Looked after child",
        PlanType::TargetedEarlyHelp => "Early help",
        PlanType::Universal => "Universal services",
    }
}

/// A kind of visit or contact.
pub fn visit_kind_label(k: VisitKind) -> &'static str {
    match k {
        VisitKind::AnnouncedHome => "Home visit",
        VisitKind::UnannouncedHome => "Unannounced home visit",
        VisitKind::ClinicOrSchool => "Clinic, school or nursery",
        VisitKind::Virtual => "Video call",
        VisitKind::Telephone => "Telephone call",
    }
}

/// Where a visit stands.
pub fn visit_status_label(s: VisitStatus) -> &'static str {
    match s {
        VisitStatus::Planned => "Planned",
        VisitStatus::InProgress => "Checked in",
        VisitStatus::Completed => "Completed",
        VisitStatus::NoAccess => "No access",
        VisitStatus::Declined => "Declined",
        VisitStatus::Cancelled => "Cancelled",
    }
}

/// A person's role in a household.
pub fn role_label(r: PersonRole) -> &'static str {
    match r {
        PersonRole::Child => "Child",
        PersonRole::Unborn => "Unborn baby",
        PersonRole::ParentCarer => "Parent or carer",
        PersonRole::KnownAdult => "Other adult in the home",
    }
}

/// A practitioner's agency.
pub fn agency_label(a: Agency) -> &'static str {
    match a {
        Agency::HealthVisiting => "Health visiting",
        Agency::SocialCare => "Children's social care",
        Agency::Midwifery => "Midwifery",
        Agency::Gp => "General practice",
        Agency::Police => "Police",
        Agency::Education => "Education",
        Agency::Housing => "Housing",
        Agency::Paediatrics => "Paediatrics",
    }
}

/// A local (Europe/London) date and time: "Tue 1 Dec 2026, 10:30".
pub fn time_label(at: DateTime<Utc>) -> String {
    at.with_timezone(&London)
        .format("%a %-d %b %Y, %H:%M")
        .to_string()
}

/// A local (Europe/London) time of day: "10:30".
pub fn time_of_day_label(at: DateTime<Utc>) -> String {
    at.with_timezone(&London).format("%H:%M").to_string()
}

/// A date: "Tue 1 Dec 2026".
pub fn date_label(d: NaiveDate) -> String {
    d.format("%a %-d %b %Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn times_are_shown_in_uk_local_time() {
        let summer = Utc.with_ymd_and_hms(2026, 7, 1, 9, 30, 0).unwrap();
        assert_eq!(time_label(summer), "Wed 1 Jul 2026, 10:30");
        let winter = Utc.with_ymd_and_hms(2026, 12, 1, 9, 30, 0).unwrap();
        assert_eq!(time_of_day_label(winter), "09:30");
        assert_eq!(
            due_status_label(DueStatus::Overdue { days: 1 }),
            "Overdue by 1 day"
        );
        assert_eq!(
            due_status_label(DueStatus::Overdue { days: 4 }),
            "Overdue by 4 days"
        );
    }
}
