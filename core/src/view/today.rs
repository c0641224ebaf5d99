//! The "today" screen and the caseload list.

use super::labels::{
    alert_kind_label, date_label, plan_label, priority_label, rag_label, time_of_day_label,
    visit_kind_label, visit_status_label,
};
use crate::domain::{CaseId, PersonId, Rag, VisitId, VisitKind, VisitStatus};
use crate::planning::{AlertKind, KindCount, LoneWorking, Priority};
use crate::store::{AlertDigest, AlertView, DayItem};
use chrono::NaiveDate;

/// The practitioner's day: visits by time, alerts most urgent first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TodayView {
    /// "Tue 1 Dec 2026".
    pub date_label: String,
    /// Today's visits, earliest first.
    pub visits: Vec<TodayVisit>,
    /// The most urgent alerts (the digest: ten, and every lone-working alert), most urgent
    /// first; lone-working alerts lead.
    pub alerts: Vec<AlertLine>,
    /// How many more alerts of each kind the digest does not show.
    pub more_alerts: Vec<AlertCountLine>,
    /// The same in words, to show under the alerts ("5 more alerts: ..."), when there are more.
    pub more_alerts_label: Option<String>,
    /// Every alert, shown or not.
    pub alerts_total: i32,
    /// Whether any lone-working alert is red: the shell should make it impossible to miss.
    pub lone_worker_red: bool,
    /// A banner over everything while a lone-working check-out is overdue.
    pub banner: Option<String>,
    /// The stored plan is out of date: offer to re-plan.
    pub plan_stale: bool,
    /// What to say about the plan, when it is out of date.
    pub plan_message: Option<String>,
}

/// One visit on today's list, with what the practitioner may do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TodayVisit {
    /// The visit.
    pub visit_id: VisitId,
    /// Its case.
    pub case_id: CaseId,
    /// The child.
    pub child_id: PersonId,
    /// The child's name.
    pub child_name: String,
    /// Where.
    pub address: String,
    /// How to get in (entry codes, dogs), if recorded.
    pub access_notes: Option<String>,
    /// Planned start, UTC milliseconds.
    pub planned_for_millis: i64,
    /// Planned start, "10:30".
    pub time_label: String,
    /// Expected length in minutes.
    pub expected_minutes: i32,
    /// The kind of contact.
    pub kind: VisitKind,
    /// Its words.
    pub kind_label: String,
    /// An unannounced visit: shown to the practitioner only, never to the family.
    pub unannounced: bool,
    /// Where it stands.
    pub status: VisitStatus,
    /// Its words.
    pub status_label: String,
    /// The case's RAG rating.
    pub rag: Rag,
    /// Its words.
    pub rag_label: String,
    /// The plan, in words.
    pub plan_label: String,
    /// Check-in (lone working) is possible now.
    pub can_check_in: bool,
    /// Check-out is possible now (checked in, not yet out).
    pub can_check_out: bool,
    /// The outcome can be recorded now.
    pub can_record: bool,
}

/// An alert, ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertLine {
    /// How urgent.
    pub priority: Priority,
    /// Its words.
    pub priority_label: String,
    /// What it is about, in words ("Disengagement").
    pub title: String,
    /// A lone-working alert (check-out overdue).
    pub lone_worker: bool,
    /// The case, if the alert is about one.
    pub case_id: Option<CaseId>,
    /// The child's name, if the alert is about a child.
    pub child_name: Option<String>,
    /// What happened.
    pub message: String,
    /// What to consider doing.
    pub prompts: Vec<String>,
    /// The risk score the ranking used (see `docs/PLANNING.md`).
    pub score: i32,
    /// Why it ranks where it does, in words ("child protection plan", "RAG red", "under one").
    pub risk_factors: Vec<String>,
}

/// How many more alerts of one kind there are than the digest shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertCountLine {
    /// The kind, in words ("Mandated contacts missed").
    pub title: String,
    /// How many.
    pub count: i32,
}

/// The alerts screen: the digest of the most urgent alerts, the count of the rest per kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertsView {
    /// The most urgent alerts, in rank order (every lone-working alert among them).
    pub lines: Vec<AlertLine>,
    /// How many more of each kind.
    pub more: Vec<AlertCountLine>,
    /// Every alert.
    pub total: i32,
    /// "The 10 most urgent of 24 alerts.", or "No alerts."
    pub summary: String,
    /// "14 more alerts: Mandated contacts missed (12), Record late (2).", when there are more.
    pub more_label: Option<String>,
}

impl AlertCountLine {
    fn list(more: &[KindCount]) -> Vec<Self> {
        more.iter()
            .map(|c| Self {
                title: alert_kind_label(c.kind),
                count: super::signed_count(c.count),
            })
            .collect()
    }

    /// The counts in words, when there are any.
    fn label(lines: &[Self]) -> Option<String> {
        if lines.is_empty() {
            return None;
        }
        let n: i64 = lines.iter().map(|l| i64::from(l.count)).sum();
        let parts: Vec<String> = lines
            .iter()
            .map(|l| format!("{} ({})", l.title, l.count))
            .collect();
        let s = if n == 1 { "" } else { "s" };
        Some(format!("{n} more alert{s}: {}.", parts.join(", ")))
    }
}

impl AlertsView {
    /// The screen for a digest.
    pub fn build(d: &AlertDigest) -> Self {
        let lines: Vec<AlertLine> = d.top.iter().map(AlertLine::from_alert).collect();
        let summary = match (lines.len(), d.total) {
            (_, 0) => "No alerts.".to_string(),
            (n, t) if n == t => format!("{t} alert(s), most urgent first."),
            (n, t) => format!("The {n} most urgent of {t} alerts."),
        };
        let more = AlertCountLine::list(&d.more);
        Self {
            lines,
            more_label: AlertCountLine::label(&more),
            more,
            total: super::signed_count(d.total),
            summary,
        }
    }
}

/// One child on the caseload list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseLine {
    /// The case.
    pub case_id: CaseId,
    /// The child.
    pub child_id: PersonId,
    /// The child's name.
    pub child_name: String,
    /// Where they live.
    pub address: String,
    /// RAG rating.
    pub rag: Rag,
    /// Its words.
    pub rag_label: String,
    /// The plan, in words.
    pub plan_label: String,
    /// The RAG rating changed on two devices at once and needs a practitioner's review.
    pub rag_review: bool,
    /// Consecutive visits without access.
    pub consecutive_no_access: i32,
    /// What needs the practitioner's attention on this case, in words.
    pub attention: Vec<String>,
}

/// What needs attention on a case, in words: a RAG rating to review, and disengagement.
pub fn case_attention(rag_review: bool, consecutive_no_access: u32) -> Vec<String> {
    let mut out = Vec::new();
    if rag_review {
        out.push(
            "The RAG rating was changed on two devices at once: review it and record the rating \
             you hold."
                .to_string(),
        );
    }
    if consecutive_no_access >= 2 {
        out.push(format!(
            "{consecutive_no_access} visits in a row without seeing the child: follow up, and \
             consider whether the family is avoiding contact."
        ));
    }
    out
}

impl TodayVisit {
    /// The line for a day-list item.
    pub fn from_day_item(item: &DayItem) -> Self {
        let v = &item.visit;
        let open = v.status.is_open();
        let checked_in = v.started_at.is_some() && v.checked_out_at.is_none();
        Self {
            visit_id: v.id,
            case_id: item.case.id,
            child_id: item.child.id,
            child_name: item.child.name.clone(),
            address: item.household.address.clone(),
            access_notes: item.household.access_notes.clone(),
            planned_for_millis: v.planned_for.timestamp_millis(),
            time_label: time_of_day_label(v.planned_for),
            expected_minutes: super::signed_count(v.expected_minutes),
            kind: v.kind,
            kind_label: visit_kind_label(v.kind).into(),
            unannounced: v.kind == VisitKind::UnannouncedHome,
            status: v.status,
            status_label: visit_status_label(v.status).into(),
            rag: item.case.rag,
            rag_label: rag_label(item.case.rag).into(),
            plan_label: plan_label(item.case.plan).into(),
            can_check_in: v.status == VisitStatus::Planned,
            can_check_out: checked_in,
            can_record: open,
        }
    }
}

impl AlertLine {
    /// The line for an alert.
    pub fn from_alert(a: &AlertView) -> Self {
        Self {
            priority: a.alert.priority,
            priority_label: priority_label(a.alert.priority).into(),
            title: alert_kind_label(a.alert.kind),
            lone_worker: matches!(a.alert.kind, AlertKind::LoneWorkerOverdue { .. }),
            case_id: Some(a.alert.case),
            child_name: a.child.as_ref().map(|c| c.child_name.clone()),
            message: a.alert.message.clone(),
            prompts: a.alert.prompts.clone(),
            score: super::signed_count(a.alert.score),
            risk_factors: a.alert.risk.factors(),
        }
    }
}

impl TodayView {
    /// Builds the day from its items and the alert digest. The banner is the first lone-working
    /// alert's own words: what the phone knows of the check-in and who, if anyone, is watching.
    pub fn build(date: NaiveDate, items: &[DayItem], d: &AlertDigest, plan_stale: bool) -> Self {
        let AlertsView {
            lines: alerts,
            more,
            total,
            more_label,
            ..
        } = AlertsView::build(d);
        let red = alerts
            .iter()
            .any(|a| a.lone_worker && a.priority == Priority::Critical);
        let banner = alerts
            .iter()
            .find(|a| a.lone_worker)
            .map(|a| a.message.clone());
        Self {
            date_label: date_label(date),
            visits: items.iter().map(TodayVisit::from_day_item).collect(),
            lone_worker_red: red,
            banner,
            alerts,
            more_alerts: more,
            more_alerts_label: more_label,
            alerts_total: total,
            plan_stale,
            plan_message: plan_stale.then(|| {
                "Visits or cases changed since the plan was made: plan again.".to_string()
            }),
        }
    }
}

/// What a check-in starts: the lone-working deadlines, for the phone's own reminder (which must
/// name no one: it shows on a lock screen).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckInView {
    /// The visit.
    pub visit_id: VisitId,
    /// When the practitioner checked in, in words.
    pub checked_in_label: String,
    /// When the visit turns amber without a check-out, UTC milliseconds.
    pub amber_at_millis: i64,
    /// ... in words ("11:15").
    pub amber_label: String,
    /// When it turns red, UTC milliseconds.
    pub red_at_millis: i64,
    /// ... in words.
    pub red_label: String,
    /// The reminder to show at the amber time, naming no one.
    pub reminder: String,
}

impl CheckInView {
    /// The view for a visit checked in at `at` with lone-working deadlines `amber` and `red`; the
    /// reminder says what `lone` really does (no monitor: no one is alerted).
    pub fn build(
        visit_id: VisitId,
        at: chrono::DateTime<chrono::Utc>,
        amber: chrono::DateTime<chrono::Utc>,
        red: chrono::DateTime<chrono::Utc>,
        lone: &LoneWorking,
    ) -> Self {
        Self {
            visit_id,
            checked_in_label: time_of_day_label(at),
            amber_at_millis: amber.timestamp_millis(),
            amber_label: time_of_day_label(amber),
            red_at_millis: red.timestamp_millis(),
            red_label: time_of_day_label(red),
            reminder: lone.reminder(&time_of_day_label(red)),
        }
    }
}
