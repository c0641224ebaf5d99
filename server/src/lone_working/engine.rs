//! One pass of the escalation: raise check-ins whose amber or red time has come (queueing one
//! notification per contact and level), then deliver the notifications that are due, each
//! claimed first by a conditional update (so several server processes on one PostgreSQL database
//! never send the same one at once), sent outside any transaction, and its attempt logged.

use super::contacts::{Channel, SECRET, TARGET};
use super::message::{Notice, NoticeLevel};
use super::track::queue;
use super::Level;
use crate::db::{with_tx, Backend, Tx, Val};
use crate::error::ServerError;

/// How long a claimed notification is held by the process sending it (then another may retry).
const LEASE_MILLIS: i64 = 60_000;
/// Notifications sent in one pass at most.
const BATCH: usize = 32;
/// First retry delay.
const BACKOFF_FIRST_MILLIS: i64 = 30_000;
/// Longest retry delay.
const BACKOFF_MAX_MILLIS: i64 = 15 * 60_000;

/// The delay before retrying after `attempts` failed attempts: 30 s, 1 min, 2 min, … up to
/// 15 min. Retries go on until the notification is delivered or its check-in clears.
pub fn backoff(attempts: i64) -> i64 {
    let shift = attempts.clamp(1, 16) - 1;
    BACKOFF_FIRST_MILLIS
        .saturating_mul(1i64 << shift)
        .min(BACKOFF_MAX_MILLIS)
}

/// Who a notification goes to, opened from the sealed columns.
#[derive(Clone)]
pub struct Recipient {
    /// The channel.
    pub channel: Channel,
    /// The email address or webhook URL.
    pub target: String,
    /// The webhook's secret.
    pub secret: Option<String>,
    /// The attempt this is (1, 2, …).
    pub attempt: i64,
}

impl std::fmt::Debug for Recipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recipient")
            .field("channel", &self.channel)
            .field("attempt", &self.attempt)
            .finish_non_exhaustive()
    }
}

/// Sends a notification (the real [`super::Channels`], or a test's).
pub trait Deliver: Send + Sync {
    /// Sends `notice` to `to`; `Err` holds a short outcome safe to log (no address, no content).
    fn deliver(&self, to: &Recipient, notice: &Notice) -> Result<(), String>;
    /// Whether email can be sent at all (an SMTP relay is configured).
    fn email_configured(&self) -> bool;
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TickReport {
    /// Check-ins raised to amber or red.
    pub raised: usize,
    /// Delivery attempts made.
    pub attempts: usize,
    /// Of which delivered.
    pub delivered: usize,
}

/// One pass at `now` (Unix milliseconds): raise, then deliver what is due.
pub fn tick(db: &dyn Backend, now: i64, deliver: &dyn Deliver) -> Result<TickReport, ServerError> {
    let raised = with_tx(db, |tx| raise(tx, now))?;
    let claimed = with_tx(db, |tx| claim(tx, now))?;
    let mut report = TickReport {
        raised,
        ..TickReport::default()
    };
    for c in claimed {
        let outcome = deliver.deliver(&c.to, &c.notice);
        report.attempts += 1;
        if outcome.is_ok() {
            report.delivered += 1;
        }
        with_tx(db, |tx| {
            record(tx, &c, outcome.as_ref().err().map(String::as_str), now)
        })?;
    }
    Ok(report)
}

/// Raises every open check-in whose amber or red time has come; returns how many.
fn raise(tx: &mut dyn Tx, now: i64) -> Result<usize, ServerError> {
    let rows = tx.query(
        "SELECT visit_id, practitioner_id, team_id, amber_at, red_at, level FROM lone_check_ins \
         WHERE cleared_at IS NULL AND amber_at <= $1 AND level <> 'red'",
        &[Val::Int(now)],
    )?;
    let mut raised = 0;
    for r in rows {
        let visit = r[0].text().unwrap_or_default().to_string();
        let practitioner = r[1].text().unwrap_or_default().to_string();
        let team = r[2].text().unwrap_or_default().to_string();
        let level = Level::at(now, r[3].int().unwrap_or(0), r[4].int().unwrap_or(0));
        let own = tx.query(
            "SELECT id, channel FROM lone_contacts WHERE practitioner_id = $1 ORDER BY created_at, id",
            &[Val::from(practitioner.as_str())],
        )?;
        if level == Level::Red {
            // Red: the team's escalation contacts, and the buddy or manager again.
            let team_contacts = tx.query(
                "SELECT id, channel FROM lone_contacts WHERE team_id = $1 AND practitioner_id IS NULL \
                 ORDER BY created_at, id",
                &[Val::from(team.as_str())],
            )?;
            for c in team_contacts.iter().chain(own.iter()) {
                queue(
                    tx,
                    &visit,
                    "red",
                    c[0].text().unwrap_or_default(),
                    c[1].text().unwrap_or_default(),
                    now,
                )?;
            }
        } else {
            for c in &own {
                queue(
                    tx,
                    &visit,
                    "amber",
                    c[0].text().unwrap_or_default(),
                    c[1].text().unwrap_or_default(),
                    now,
                )?;
            }
        }
        tx.exec(
            "UPDATE lone_check_ins SET level = $1 WHERE visit_id = $2",
            &[Val::from(level.code()), Val::from(visit.as_str())],
        )?;
        tracing::warn!(
            event = "lone_working_raised",
            level = level.code(),
            "a check-in was escalated"
        );
        raised += 1;
    }
    Ok(raised)
}

/// A notification claimed for sending.
struct Claimed {
    id: String,
    visit_id: String,
    contact_id: String,
    level: NoticeLevel,
    to: Recipient,
    notice: Notice,
}

/// Claims the due notifications (at most [`BATCH`]) and reads what sending them needs.
fn claim(tx: &mut dyn Tx, now: i64) -> Result<Vec<Claimed>, ServerError> {
    let due = tx.query(
        "SELECT n.id, n.visit_id, n.level, n.contact_id, n.attempts, k.channel, k.target, k.secret, \
         p.name, c.started_at, c.expected_end, c.amber_at, c.red_at, c.cleared_at, c.checked_out_at \
         FROM lone_notifications n JOIN lone_contacts k ON k.id = n.contact_id \
         JOIN lone_check_ins c ON c.visit_id = n.visit_id JOIN practitioners p ON p.id = c.practitioner_id \
         WHERE n.state = 'pending' AND n.next_attempt_at <= $1 AND (n.lease_until IS NULL OR n.lease_until <= $1) \
         ORDER BY n.next_attempt_at, n.id",
        &[Val::Int(now)],
    )?;
    let sealer = tx.sealer().clone();
    let mut out = Vec::new();
    for r in due.into_iter().take(BATCH) {
        let id = r[0].text().unwrap_or_default().to_string();
        let claimed = tx.exec(
            "UPDATE lone_notifications SET lease_until = $1 WHERE id = $2 AND state = 'pending' \
             AND (lease_until IS NULL OR lease_until <= $3)",
            &[
                Val::Int(now + LEASE_MILLIS),
                Val::from(id.as_str()),
                Val::Int(now),
            ],
        )?;
        if claimed == 0 {
            continue;
        }
        let contact_id = r[3].text().unwrap_or_default().to_string();
        let (Some(level), Some(channel)) = (
            NoticeLevel::from_code(r[2].text().unwrap_or_default()),
            Channel::from_code(r[5].text().unwrap_or_default()),
        ) else {
            return Err(ServerError::Internal("stored notification"));
        };
        let to = Recipient {
            channel,
            target: sealer.open(TARGET, &contact_id, r[6].text().unwrap_or_default())?,
            secret: match r[7].text() {
                Some(s) => Some(sealer.open(SECRET, &contact_id, s)?),
                None => None,
            },
            attempt: r[4].int().unwrap_or(0) + 1,
        };
        let visit_id = r[1].text().unwrap_or_default().to_string();
        let int = |i: usize| r[i].int().unwrap_or(0);
        let notice = Notice::from_stored(
            id.clone(),
            level,
            &visit_id,
            r[8].text().unwrap_or_default().to_string(),
            [int(9), int(10), int(11), int(12)],
            r[13].int(),
            r[14].int().is_some(),
        );
        out.push(Claimed {
            id,
            visit_id,
            contact_id,
            level,
            to,
            notice,
        });
    }
    Ok(out)
}

/// Logs an attempt and its outcome (`failure`: why it failed, or `None`: delivered).
fn record(
    tx: &mut dyn Tx,
    c: &Claimed,
    failure: Option<&str>,
    now: i64,
) -> Result<(), ServerError> {
    let attempt = c.to.attempt;
    tx.exec(
        "INSERT INTO lone_attempts (notification_id, attempt, channel, outcome, at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (notification_id, attempt) DO NOTHING",
        &[
            Val::from(c.id.as_str()),
            Val::Int(attempt),
            Val::from(c.to.channel.code()),
            Val::from(failure.unwrap_or("delivered")),
            Val::Int(now),
        ],
    )?;
    match failure {
        None => {
            tx.exec(
                "UPDATE lone_notifications SET state = 'delivered', attempts = $1, delivered_at = $2, \
                 lease_until = NULL WHERE id = $3",
                &[Val::Int(attempt), Val::Int(now), Val::from(c.id.as_str())],
            )?;
            tracing::info!(
                event = "lone_working_delivered",
                channel = c.to.channel.code(),
                attempt,
                "notification delivered"
            );
            // An alert delivered after its check-in cleared: its reader is told to stand down.
            if c.level != NoticeLevel::Clear {
                let cleared = tx
                    .query_opt(
                        "SELECT 1 FROM lone_check_ins WHERE visit_id = $1 AND cleared_at IS NOT NULL",
                        &[Val::from(c.visit_id.as_str())],
                    )?
                    .is_some();
                if cleared {
                    queue(
                        tx,
                        &c.visit_id,
                        "clear",
                        &c.contact_id,
                        c.to.channel.code(),
                        now,
                    )?;
                }
            }
        }
        Some(why) => {
            // The state is left as it is: a notification cancelled meanwhile stays cancelled.
            tx.exec(
                "UPDATE lone_notifications SET attempts = $1, next_attempt_at = $2, lease_until = NULL WHERE id = $3",
                &[Val::Int(attempt), Val::Int(now + backoff(attempt)), Val::from(c.id.as_str())],
            )?;
            tracing::warn!(
                event = "lone_working_attempt_failed",
                channel = c.to.channel.code(),
                attempt,
                outcome = why,
                "notification not delivered; will retry"
            );
        }
    }
    Ok(())
}
