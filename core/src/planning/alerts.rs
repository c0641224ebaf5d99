//! Alerts and prompts, computed here and shown by the shells: child not seen, visit overdue,
//! child not seen alone, disengagement (professional curiosity), lone working (highest priority,
//! amber then red), pregnancy without antenatal contact, late records, unexplained departures from
//! the required contact kind, and missed mandated contacts.

use super::calendar::add;
use super::due::{missed_hcp, status, Periodic};
use super::{due_items, BankHolidays, ChildFacts, DueStatus, HcpContact, PlanningError, Policy};
use crate::domain::{CaseId, PlanType, VisitKind, VisitStatus};
use crate::time::local_date;
use chrono::{DateTime, Duration, Utc};

/// How urgent an alert is; ordered from least to most. Only lone working reaches `Urgent`
/// (amber) and `Critical` (red).
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
    /// Lone working, red: escalate now.
    Critical,
}

/// What an alert is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// A visit was checked in and not checked out within its expected length plus grace:
    /// amber, then red (BS 8484).
    LoneWorkerOverdue {
        /// Escalated to red.
        red: bool,
    },
    /// The child has not been seen (by a contact the plan accepts) within the plan's interval.
    ChildNotSeen,
    /// A due visit or contact is past its due date.
    VisitOverdue,
    /// The last visit did not see the child alone and recorded no reason.
    NotSeenAlone,
    /// Consecutive no-access or declined visits, or unanswered contact: professional curiosity.
    Disengagement,
    /// A pregnancy in the household with no antenatal contact recorded.
    PregnancyNoAntenatal,
    /// A visit's record was not completed within the policy's working days.
    RecordLate,
    /// A contact of a kind the plan or RAG rating does not allow, without a recorded reason.
    DepartureWithoutReason,
    /// A Healthy Child Programme contact whose window passed unrecorded.
    MandatedContactMissed(HcpContact),
}

/// One alert for one case.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Alert {
    /// What it is about.
    pub kind: AlertKind,
    /// How urgent.
    pub priority: Priority,
    /// The case.
    pub case: CaseId,
    /// What happened, without identifying data.
    pub message: String,
    /// What to consider doing.
    pub prompts: Vec<String>,
}

/// When a checked-in visit turns amber (expected length plus grace) and then red, under the
/// policy's lone-working rule (BS 8484).
pub fn lone_working_deadlines(
    checked_in: DateTime<Utc>,
    expected_minutes: u32,
    policy: &Policy,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let minutes = if expected_minutes == 0 {
        policy.lone_default_minutes
    } else {
        expected_minutes
    };
    let grace = i64::from(minutes) + i64::from(policy.lone_grace_minutes);
    let amber = add(checked_in, Duration::minutes(grace));
    let red = add(
        amber,
        Duration::minutes(i64::from(policy.lone_red_after_minutes)),
    );
    (amber, red)
}

fn statutory(plan: PlanType) -> bool {
    matches!(
        plan,
        PlanType::ChildProtection | PlanType::LookedAfter | PlanType::ChildInNeed
    )
}

/// Every alert for every child, most urgent first.
pub fn alerts(
    children: &[ChildFacts],
    policy: &Policy,
    hol: &BankHolidays,
    now: DateTime<Utc>,
) -> Result<Vec<Alert>, PlanningError> {
    let mut out = Vec::new();
    for c in children {
        child_alerts(c, policy, hol, now, &mut out)?;
    }
    out.sort_by(|a, b| b.priority.cmp(&a.priority).then(a.case.cmp(&b.case)));
    Ok(out)
}

fn child_alerts(
    c: &ChildFacts,
    policy: &Policy,
    hol: &BankHolidays,
    now: DateTime<Utc>,
    out: &mut Vec<Alert>,
) -> Result<(), PlanningError> {
    let today = local_date(now);
    let mut push = |kind, priority, message: String, prompts: &[&str]| {
        out.push(Alert {
            kind,
            priority,
            case: c.case,
            message,
            prompts: prompts.iter().map(|p| p.to_string()).collect(),
        })
    };
    let mut visits: Vec<_> = c.visits.iter().collect();
    visits.sort_by_key(|v| v.started_at.unwrap_or(v.planned_for));

    // Lone working.
    for v in &visits {
        // Checked in and not out, whatever the record says: recorded or not, the practitioner
        // may still be in the home.
        let (Some(start), false) = (v.started_at, v.checked_out) else {
            continue;
        };
        let minutes = if v.expected_minutes == 0 {
            policy.lone_default_minutes
        } else {
            v.expected_minutes
        };
        let (amber, red) = lone_working_deadlines(start, minutes, policy);
        if now >= red {
            push(
                AlertKind::LoneWorkerOverdue { red: true },
                Priority::Critical,
                format!(
                    "RED: visit checked in at {} not checked out; {} minutes past the expected end.",
                    crate::time::local_display(start),
                    (now - start).num_minutes() - i64::from(minutes)
                ),
                &[
                    "Escalate now under the lone-working procedure: manager, then police if the practitioner cannot be reached",
                    "Keep trying the practitioner's phone",
                    "Give the visit address from the record to whoever responds",
                ],
            );
        } else if now >= amber {
            push(
                AlertKind::LoneWorkerOverdue { red: false },
                Priority::Urgent,
                format!(
                    "AMBER: visit checked in at {} not checked out within its expected {} minutes plus {} minutes grace.",
                    crate::time::local_display(start),
                    minutes,
                    policy.lone_grace_minutes
                ),
                &[
                    "Call the practitioner",
                    "If there is no answer, tell the manager; red escalation follows automatically",
                ],
            );
        }
    }

    // Due items overdue.
    for item in due_items(c, policy, hol, today)? {
        if let DueStatus::Overdue { days } = item.status {
            push(
                AlertKind::VisitOverdue,
                if statutory(c.plan) {
                    Priority::High
                } else {
                    Priority::Medium
                },
                format!(
                    "Visit overdue by {days} day(s): due {} ({}).",
                    item.due, item.why
                ),
                &[
                    "Plan the visit as soon as possible",
                    "Record the reason for the delay",
                ],
            );
        }
    }

    // Child not seen face to face within the interval; not seen alone; departures.
    if let Some(rule) = Periodic::of(c, policy, hol, c.opened_on)? {
        // Seen by a contact the plan or RAG rating accepts (face to face unless virtual allowed).
        let last_seen = visits
            .iter()
            .rev()
            .find(|v| {
                v.status == VisitStatus::Completed
                    && v.child_seen
                    && rule.contact().satisfied_by(v.kind)
            })
            .map(|v| v.date());
        let basis = last_seen.unwrap_or(c.opened_on);
        let rule = Periodic::of(c, policy, hol, basis)?.unwrap_or(rule);
        let due = rule.interval().after(basis, hol)?;
        if let DueStatus::Overdue { days } = status(due, rule.interval().unit, today, hol, policy) {
            push(
                AlertKind::ChildNotSeen,
                if statutory(c.plan) { Priority::High } else { Priority::Medium },
                match last_seen {
                    Some(d) => format!("Child not seen since {d}: {days} day(s) past the interval."),
                    None => format!("Child not seen since the case opened on {}: {days} day(s) past the interval.", c.opened_on),
                },
                &[
                    "See the child face to face",
                    "If the family cannot be reached, consider an unannounced visit",
                    "Discuss with your manager",
                ],
            );
        }
        if rule.see_alone() {
            if let Some(v) = visits.iter().rev().find(|v| v.seen_face_to_face()) {
                if !v.child_seen_alone && !v.not_alone_reason_recorded {
                    push(
                        AlertKind::NotSeenAlone,
                        Priority::High,
                        format!("Child not seen alone at the visit on {} and no reason recorded.", v.date()),
                        &[
                            "Record why the child was not seen alone",
                            "Plan to see the child alone at the next visit (school or nursery if needed)",
                        ],
                    );
                }
            }
        }
        for v in &visits {
            // A telephone call never counts as a visit, so it is an extra contact, not a departure.
            if v.status == VisitStatus::Completed
                && v.kind != VisitKind::Telephone
                && !rule.contact().satisfied_by(v.kind)
                && !v.departure_reason_recorded
            {
                push(
                    AlertKind::DepartureWithoutReason,
                    Priority::Medium,
                    format!(
                        "Contact on {} was not of the kind the plan or RAG rating requires and no reason is recorded.",
                        v.date()
                    ),
                    &["Record the reason for the departure", "Plan a face-to-face visit"],
                );
            }
        }
    }

    // Disengagement.
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
    if visits_hit || calls_hit {
        push(
            AlertKind::Disengagement,
            Priority::High,
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

    // Pregnancy without antenatal contact.
    for p in &c.household_pregnancies {
        if p.antenatal_contact_recorded {
            continue;
        }
        let late = p.expected_date.is_some_and(|edd| {
            edd.checked_sub_signed(Duration::weeks(
                40 - i64::from(policy.antenatal_from_week.min(40)),
            ))
            .is_some_and(|from| today >= from)
        });
        push(
            AlertKind::PregnancyNoAntenatal,
            if late { Priority::High } else { Priority::Medium },
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

    // Records completed late or not yet.
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
            push(
                AlertKind::RecordLate,
                if v.status.is_open() {
                    Priority::Medium
                } else {
                    Priority::Low
                },
                format!(
                    "Visit on {} not recorded within the required time (by {limit}).",
                    v.date()
                ),
                &["Complete the visit record"],
            );
        }
    }

    // Mandated contacts missed.
    if policy.hcp_contacts {
        for contact in missed_hcp(c, policy, today)? {
            push(
                AlertKind::MandatedContactMissed(contact),
                Priority::Medium,
                "A Healthy Child Programme contact window passed with no contact recorded."
                    .to_string(),
                &[
                    "Record the contact if it happened",
                    "Record why it was missed",
                ],
            );
        }
    }
    Ok(())
}
