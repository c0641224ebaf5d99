//! Alerts and prompts, computed here and shown by the shells: one line per child per problem —
//! lone working (always first, amber then red), child not seen within the interval, disengagement
//! (professional curiosity), an overdue placement visit or mandated contact, not seen alone,
//! pregnancy without antenatal contact, missed mandated contacts (one line listing them),
//! unexplained departures from the required contact kind, late records — ranked by risk
//! ([`rank()`]) and summarised by [`digest()`].

mod lone;
mod rank;

pub use lone::{CheckInState, CheckInSync, LoneWorking};
pub use rank::{
    digest, kind_order, kind_points, priority_of, rank, Digest, KindCount, Risk, DIGEST_TOP,
};

use super::calendar::add;
use super::due::{missed_hcp, Periodic};
use super::{
    due_items, BankHolidays, ChildFacts, DueItem, DueStatus, HcpContact, IntervalUnit,
    PlanningError, Policy, Requirement,
};
use crate::domain::{CaseId, VisitKind, VisitStatus};
use crate::time::local_date;
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// How urgent an alert is; ordered from least to most. Only lone working reaches `Urgent`
/// (amber) and `Critical` (red); the others are bands of the risk score.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// For the record.
    Low,
    /// Act soon.
    Medium,
    /// Act today.
    High,
    /// Lone working, amber: the practitioner has not checked out.
    Urgent,
    /// Lone working, red.
    Critical,
}

/// What an alert is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// A visit was checked in and not checked out within its expected length plus grace:
    /// amber, then red (BS 8484).
    LoneWorkerOverdue {
        /// Past the red time.
        red: bool,
    },
    /// The child has not been seen (by a contact the plan accepts) within the interval: the
    /// periodic visit, or a looked-after child's visit after a placement, is past its due date.
    ChildNotSeen,
    /// A Healthy Child Programme contact whose window is still current is past its due date.
    VisitOverdue,
    /// The last visit did not see the child alone and recorded no reason.
    NotSeenAlone,
    /// Consecutive no-access or declined visits, or unanswered contact: professional curiosity.
    Disengagement,
    /// A pregnancy in the household with no antenatal contact recorded.
    PregnancyNoAntenatal,
    /// Visit records not completed within the policy's working days (one line for all of them).
    RecordLate,
    /// Contacts of a kind the plan or RAG rating does not allow, without a recorded reason (one
    /// line for all of them).
    DepartureWithoutReason,
    /// Healthy Child Programme contacts whose windows passed unrecorded (one line listing them in
    /// [`Alert::contacts`]).
    MandatedContactMissed,
}

/// One alert for one child.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Alert {
    /// What it is about.
    pub kind: AlertKind,
    /// How urgent: the band of `score` (lone working: amber `Urgent`, red `Critical`).
    pub priority: Priority,
    /// The case.
    pub case: CaseId,
    /// What happened, without identifying data: dates and counts only.
    pub message: String,
    /// What to consider doing.
    pub prompts: Vec<String>,
    /// The missed mandated contacts, for [`AlertKind::MandatedContactMissed`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<HcpContact>,
    /// What made it rank where it does.
    pub risk: Risk,
    /// The risk score: the points of `risk` and of the kind (see `docs/PLANNING.md`).
    pub score: u32,
}

/// The times of one check-in under the policy's lone-working rule (BS 8484): the phone's alerts
/// and the server's escalation both read them from here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoneWorkingTimes {
    /// The visit's expected length in minutes (the policy's default when none was given).
    pub minutes: u32,
    /// When the visit is expected to end.
    pub expected_end: DateTime<Utc>,
    /// Amber: the expected end plus the grace.
    pub amber: DateTime<Utc>,
    /// Red: amber plus the policy's red delay.
    pub red: DateTime<Utc>,
}

impl LoneWorkingTimes {
    /// The times of a check-in at `checked_in` for a visit expected to take `expected_minutes`
    /// (0: the policy's default length).
    pub fn of(checked_in: DateTime<Utc>, expected_minutes: u32, policy: &Policy) -> Self {
        let minutes = if expected_minutes == 0 {
            policy.lone_default_minutes
        } else {
            expected_minutes
        };
        let expected_end = add(checked_in, Duration::minutes(i64::from(minutes)));
        let amber = add(
            expected_end,
            Duration::minutes(i64::from(policy.lone_grace_minutes)),
        );
        let red = add(
            amber,
            Duration::minutes(i64::from(policy.lone_red_after_minutes)),
        );
        Self {
            minutes,
            expected_end,
            amber,
            red,
        }
    }
}

/// When a checked-in visit turns amber (expected length plus grace) and then red, under the
/// policy's lone-working rule (BS 8484).
pub fn lone_working_deadlines(
    checked_in: DateTime<Utc>,
    expected_minutes: u32,
    policy: &Policy,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let t = LoneWorkingTimes::of(checked_in, expected_minutes, policy);
    (t.amber, t.red)
}

/// Every alert for every child, most urgent first ([`rank()`]): at most one line per child per
/// problem. Lone-working alerts say what is known without [`LoneWorking`] facts: no monitor, and
/// the check-in's sync state unknown (see [`alerts_with`]).
pub fn alerts(
    children: &[ChildFacts],
    policy: &Policy,
    hol: &BankHolidays,
    now: DateTime<Utc>,
) -> Result<Vec<Alert>, PlanningError> {
    alerts_with(children, policy, hol, now, &LoneWorking::default())
}

/// [`alerts`], with what the store knows about lone working: where each open check-in stands
/// with the server, whether a monitor watches check-ins, and who to call.
pub fn alerts_with(
    children: &[ChildFacts],
    policy: &Policy,
    hol: &BankHolidays,
    now: DateTime<Utc>,
    lone: &LoneWorking,
) -> Result<Vec<Alert>, PlanningError> {
    let mut out = Vec::new();
    for c in children {
        child_alerts(c, policy, hol, now, lone, &mut out)?;
    }
    out.sort_by(rank);
    Ok(out)
}

/// Collects one child's alerts, each scored with the child's risk factors.
struct Collector<'a> {
    case: CaseId,
    base: Risk,
    out: &'a mut Vec<Alert>,
}

impl Collector<'_> {
    fn push(&mut self, kind: AlertKind, high: bool, message: String, prompts: &[&str]) {
        self.push_with(kind, high, message, prompts, self.base, Vec::new());
    }

    fn push_with(
        &mut self,
        kind: AlertKind,
        high: bool,
        message: String,
        prompts: &[&str],
        risk: Risk,
        contacts: Vec<HcpContact>,
    ) {
        let score = risk.points() + kind_points(kind, high);
        self.out.push(Alert {
            kind,
            priority: priority_of(kind, score),
            case: self.case,
            message,
            prompts: prompts.iter().map(|p| p.to_string()).collect(),
            contacts,
            risk,
            score,
        });
    }
}

/// The length of the period a due item's lateness is measured against, in its unit: the regular
/// visit's interval (`interval`), the time since the placement for a placement visit, the window
/// for a mandated contact.
fn period(item: &DueItem, interval: Option<super::Interval>, hol: &BankHolidays) -> u32 {
    let from = match item.requirement {
        Requirement::Hcp(_) => item.earliest,
        _ => item.basis.unwrap_or(item.earliest),
    };
    let days =
        |from: NaiveDate| u32::try_from((item.due - from).num_days().max(0)).unwrap_or(u32::MAX);
    let n = match (item.requirement, interval) {
        (Requirement::Periodic, Some(i)) if i.unit == item.unit => match i.unit {
            IntervalUnit::WorkingDays | IntervalUnit::Days => i.count,
            IntervalUnit::Weeks => i.count.saturating_mul(7),
            IntervalUnit::Months => days(from),
        },
        _ if item.unit == IntervalUnit::WorkingDays => hol.working_days_between(from, item.due),
        _ => days(from),
    };
    n.max(1)
}

fn unit_words(unit: IntervalUnit, n: u32) -> String {
    match (unit, n) {
        (IntervalUnit::WorkingDays, 1) => "1 working day".into(),
        (IntervalUnit::WorkingDays, n) => format!("{n} working days"),
        (_, 1) => "1 day".into(),
        (_, n) => format!("{n} days"),
    }
}

/// The name of a mandated contact in an alert's message.
pub fn hcp_name(c: HcpContact) -> &'static str {
    match c {
        HcpContact::Antenatal => "antenatal contact",
        HcpContact::NewBirth => "new birth visit",
        HcpContact::SixToEightWeeks => "6-8 week review",
        HcpContact::NineToTwelveMonths => "9-12 month review",
        HcpContact::TwoYear => "2-2½ year review",
    }
}

fn dates(ds: &[NaiveDate]) -> String {
    ds.iter()
        .map(NaiveDate::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn child_alerts(
    c: &ChildFacts,
    policy: &Policy,
    hol: &BankHolidays,
    now: DateTime<Utc>,
    lone: &LoneWorking,
    out: &mut Vec<Alert>,
) -> Result<(), PlanningError> {
    let today = local_date(now);
    let mut visits: Vec<_> = c.visits.iter().collect();
    visits.sort_by_key(|v| v.started_at.unwrap_or(v.planned_for));
    let rule = Periodic::of(c, policy, hol, c.opened_on)?;

    // The child's risk factors, shared by all their alerts.
    let run = visits
        .iter()
        .rev()
        .filter(|v| {
            matches!(
                v.status,
                VisitStatus::Completed | VisitStatus::NoAccess | VisitStatus::Declined
            )
        })
        .take_while(|v| v.unsuccessful())
        .count() as u32;
    let visits_hit = policy.disengagement_visits > 0 && run >= policy.disengagement_visits;
    let calls_hit = policy.disengagement_unanswered > 0
        && c.unanswered_attempts >= policy.disengagement_unanswered;
    let last_face_to_face = visits.iter().rev().find(|v| v.seen_face_to_face());
    let see_alone = rule.is_some_and(|r| r.see_alone());
    let under_one = match c.date_of_birth {
        Some(dob) => dob
            .checked_add_months(chrono::Months::new(12))
            .is_some_and(|first_birthday| today < first_birthday),
        None => c.expected_date.is_some(),
    };
    let mut col = Collector {
        case: c.case,
        base: Risk {
            under_one,
            disengaged: visits_hit || calls_hit,
            not_seen_alone: see_alone
                && last_face_to_face
                    .is_some_and(|v| !v.child_seen_alone && !v.not_alone_reason_recorded),
            ..Risk::of(c.plan, c.rag)
        },
        out,
    };

    // Lone working: checked in and not out, whatever the record says (recorded or not, the
    // practitioner may still be in the home).
    for v in &visits {
        let (Some(start), false) = (v.started_at, v.checked_out) else {
            continue;
        };
        let LoneWorkingTimes {
            minutes,
            amber,
            red,
            ..
        } = LoneWorkingTimes::of(start, v.expected_minutes, policy);
        if now < amber {
            continue;
        }
        let is_red = now >= red;
        let past = (now - start).num_minutes() - i64::from(minutes);
        let sync = lone.sync_of(c.case, start);
        let who = if sync == CheckInSync::Colleague {
            "A colleague's visit"
        } else {
            "Your visit"
        };
        let headline = if is_red {
            format!(
                "RED: {who} checked in at {} is not checked out, {past} minutes after its expected end ({minutes} minutes).",
                crate::time::local_display(start),
            )
        } else {
            format!(
                "AMBER: {who} checked in at {} is not checked out within its expected {minutes} minutes plus {} minutes' grace.",
                crate::time::local_display(start),
                policy.lone_grace_minutes
            )
        };
        let prompts = lone.prompts(sync, is_red);
        let prompts: Vec<&str> = prompts.iter().map(String::as_str).collect();
        let risk = Risk {
            late_by: u32::try_from(past.max(0)).unwrap_or(u32::MAX),
            ..col.base
        };
        col.push_with(
            AlertKind::LoneWorkerOverdue { red: is_red },
            true,
            format!("{headline} {}", lone.situation(sync)),
            &prompts,
            risk,
            Vec::new(),
        );
    }

    // Due items past their date: the child not seen (regular or placement visit), or a current
    // mandated contact overdue. One alert each.
    for item in due_items(c, policy, hol, today)? {
        let DueStatus::Overdue { days } = item.status else {
            continue;
        };
        let late = unit_words(item.unit, days);
        let interval = match item.basis {
            Some(b) => Periodic::of(c, policy, hol, b)?.map(|p| p.interval()),
            None => None,
        };
        let per = u64::from(period(&item, interval, hol));
        let risk = Risk {
            lateness_permille: u32::try_from(u64::from(days) * 1_000 / per).unwrap_or(u32::MAX),
            late_by: days,
            ..col.base
        };
        let (kind, message, prompts): (_, _, &[&str]) = match item.requirement {
            Requirement::Hcp(contact) => (
                AlertKind::VisitOverdue,
                format!(
                    "The {} was due by {} and is {late} late ({}).",
                    hcp_name(contact),
                    item.due,
                    item.why
                ),
                &[
                    "Book the contact as soon as possible",
                    "Record why it is late",
                ],
            ),
            Requirement::Periodic | Requirement::PlacementVisit => (
                AlertKind::ChildNotSeen,
                match (item.requirement, item.basis) {
                    (Requirement::PlacementVisit, Some(b)) => format!(
                        "Child not seen since the placement on {b}: due by {}, {late} late ({}).",
                        item.due, item.why
                    ),
                    (_, Some(b)) if b != c.opened_on => format!(
                        "Child not seen since {b}: due by {}, {late} late ({}).",
                        item.due, item.why
                    ),
                    _ => format!(
                        "Child not seen since the case opened on {}: due by {}, {late} late ({}).",
                        c.opened_on, item.due, item.why
                    ),
                },
                &[
                    "See the child face to face",
                    "If the family cannot be reached, consider an unannounced visit",
                    "Record the reason for the delay and discuss with your manager",
                ],
            ),
        };
        col.push_with(kind, true, message, prompts, risk, Vec::new());
    }

    // Not seen alone; departures from the required contact kind (one line for all of them).
    if let Some(rule) = rule {
        if rule.see_alone() {
            if let Some(v) = last_face_to_face {
                if !v.child_seen_alone && !v.not_alone_reason_recorded {
                    col.push(
                        AlertKind::NotSeenAlone,
                        true,
                        format!("Child not seen alone at the visit on {} and no reason recorded.", v.date()),
                        &[
                            "Record why the child was not seen alone",
                            "Plan to see the child alone at the next visit (school or nursery if needed)",
                        ],
                    );
                }
            }
        }
        // A telephone call never counts as a visit, so it is an extra contact, not a departure.
        let departures: Vec<NaiveDate> = visits
            .iter()
            .filter(|v| {
                v.status == VisitStatus::Completed
                    && v.kind != VisitKind::Telephone
                    && !rule.contact().satisfied_by(v.kind)
                    && !v.departure_reason_recorded
            })
            .map(|v| v.date())
            .collect();
        if !departures.is_empty() {
            col.push(
                AlertKind::DepartureWithoutReason,
                true,
                format!(
                    "{} contact(s) not of the kind the plan or RAG rating requires, with no reason recorded: {}.",
                    departures.len(),
                    dates(&departures)
                ),
                &["Record the reason for the departure", "Plan a face-to-face visit"],
            );
        }
    }

    // Disengagement.
    if visits_hit || calls_hit {
        col.push(
            AlertKind::Disengagement,
            true,
            format!(
                "Possible disengagement: {run} consecutive no-access or declined visit(s), {} unanswered contact attempt(s).",
                c.unanswered_attempts
            ),
            &[
                "Professional curiosity: what has changed for this family, and who is in the home now?",
                "When was the child last seen, and by whom?",
                "Contact others who see the child: school or nursery, GP, midwife or health visitor",
                "Consider telephone contact, and an unannounced visit",
                "Discuss with your manager",
            ],
        );
    }

    // Pregnancy without antenatal contact. Not on the unborn baby's own case: there the antenatal
    // contact is a mandated contact, overdue or missed like the others.
    let unborn_case = c.date_of_birth.is_none() && c.expected_date.is_some();
    for p in c.household_pregnancies.iter().filter(|_| !unborn_case) {
        if p.antenatal_contact_recorded {
            continue;
        }
        let late = p.expected_date.is_some_and(|edd| {
            edd.checked_sub_signed(Duration::weeks(
                40 - i64::from(policy.antenatal_from_week.min(40)),
            ))
            .is_some_and(|from| today >= from)
        });
        col.push(
            AlertKind::PregnancyNoAntenatal,
            late,
            match p.expected_date {
                Some(edd) => format!("Pregnancy in the household (expected {edd}) with no antenatal contact recorded."),
                None => "Pregnancy in the household with no antenatal contact recorded.".to_string(),
            },
            &[
                "Is the pregnancy booked with a midwife?",
                "Share with midwifery and health visiting",
                "Consider the unborn baby in the plan",
            ],
        );
    }

    // Records completed late or not yet (one line for all of them).
    let mut late_records = Vec::new();
    let mut open_late = false;
    for v in &visits {
        let happened = v.started_at.unwrap_or(v.planned_for);
        if happened > now {
            continue;
        }
        let limit = policy.record_within.after(v.date(), hol)?;
        let late = match v.status {
            VisitStatus::Cancelled => false,
            VisitStatus::Planned | VisitStatus::InProgress => today > limit,
            _ => v.ended_at.is_some_and(|e| local_date(e) > limit),
        };
        if late {
            late_records.push(v.date());
            open_late |= v.status.is_open();
        }
    }
    if !late_records.is_empty() {
        col.push(
            AlertKind::RecordLate,
            open_late,
            format!(
                "{} visit record(s) not completed within {}: visits on {}.",
                late_records.len(),
                policy.record_within.words(),
                dates(&late_records)
            ),
            &["Complete the visit record"],
        );
    }

    // Mandated contacts missed: one line listing them.
    if policy.hcp_contacts {
        let missed = missed_hcp(c, policy, today)?;
        if !missed.is_empty() {
            let names: Vec<&str> = missed.iter().map(|m| hcp_name(*m)).collect();
            col.push_with(
                AlertKind::MandatedContactMissed,
                true,
                format!(
                    "Healthy Child Programme contact(s) whose window passed with no contact recorded: {}.",
                    names.join(", ")
                ),
                &[
                    "Record the contact if it happened",
                    "Record why it was missed, and offer the review now if the child can still have it",
                ],
                col.base,
                missed,
            );
        }
    }
    Ok(())
}
