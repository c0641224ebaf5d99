//! Lone-working escalation on the server.
//!
//! **This module is the interface the supervisors' dashboard reads** (its *Now* page):
//! [`open_check_ins`] lists a team's open check-ins with their state ([`Level`]: none, amber,
//! red) and who was notified, [`acknowledge`] records that a manager saw an escalation and who
//! they called, [`resolve`] closes a check-in a manager has confirmed safe (as a check-out
//! would), and [`attempts_of`] lists every delivery attempt of a check-in's notifications.
//!
//! How it works (see `docs/LONE-WORKING.md`): each check-in a practitioner's own device syncs
//! (a visit's `started_at` arriving through the push path, [`track`]) is kept with its expected
//! end, amber and red times, computed by the core's one definition
//! ([`doorstep_core::planning::LoneWorkingTimes`]). A background task ([`task`]) runs
//! [`engine::tick`]: at amber the practitioner's buddy or manager is notified, at red the team's
//! escalation contacts too; a check-out (or [`resolve`]) clears it and whoever was alerted gets a
//! clearing message. A phone that stops syncing after checking in never clears its check-in, so
//! red falls due on the server. Notifications go by email ([`channels`], SMTP through `lettre`) or
//! signed webhook (HMAC-SHA256 over timestamp and body), are retried with backoff until delivered
//! or cleared, and every attempt is logged. A message names the practitioner and the visit's
//! reference, never the family ([`message`]).

pub mod channels;
pub mod contacts;
pub mod engine;
pub mod message;
pub mod task;
pub mod track;

pub use channels::{Channels, SmtpSettings};
pub use contacts::{
    add_contact, contacts_of_team, monitored, remove_contact, Channel, Contact, Role,
};
pub use engine::{tick, Deliver, Recipient, TickReport};
pub use task::LoneWorkingConfig;

use crate::db::{with_tx, Backend, Tx, Val};
use crate::error::ServerError;
use doorstep_core::planning::Policy;

/// The lone-working rule the server escalates by: the core's default policy (expected length
/// 120 minutes when the visit gives none, 15 minutes' grace, red 30 minutes after amber), the
/// same defaults the phones use.
pub fn policy() -> Policy {
    Policy::default()
}

/// Sealed column: who a manager called when acknowledging an escalation.
const WHO_WAS_CALLED: &str = "lone_check_ins.who_was_called";

/// Where an open check-in's escalation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Checked in, within the expected length and grace.
    None,
    /// Past the expected end plus grace: the buddy or manager is told.
    Amber,
    /// Past amber plus the red delay: the team's escalation contacts are told.
    Red,
}

impl Level {
    /// The level of a check-in with these times at `now` (Unix milliseconds).
    pub fn at(now: i64, amber_at: i64, red_at: i64) -> Level {
        if now >= red_at {
            Level::Red
        } else if now >= amber_at {
            Level::Amber
        } else {
            Level::None
        }
    }

    /// `none`, `amber` or `red`.
    pub fn code(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Amber => "amber",
            Level::Red => "red",
        }
    }
}

/// A visit's reference as notifications give it (`V-` and the first 8 hex digits of its random
/// id): a manager looks it up in the dashboard or on a phone; it tells a reader nothing about the
/// family.
pub fn reference(visit_id: &str) -> String {
    let hex: String = visit_id
        .chars()
        .filter(char::is_ascii_hexdigit)
        .take(8)
        .collect();
    format!("V-{}", hex.to_ascii_uppercase())
}

/// One notification of a check-in, as the dashboard shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Notified {
    /// The contact's id.
    pub contact_id: String,
    /// The contact's label (e.g. "Sam Okafor, team manager").
    pub label: String,
    /// Their role.
    pub role: Role,
    /// How they are told.
    pub channel: Channel,
    /// `amber`, `red` or `clear`.
    pub level: String,
    /// `pending`, `delivered` or `cancelled`.
    pub state: String,
    /// Attempts so far.
    pub attempts: i64,
    /// When it was delivered (Unix milliseconds).
    pub delivered_at: Option<i64>,
}

/// A manager's acknowledgement of an escalation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Acknowledgement {
    /// When (Unix milliseconds).
    pub at: i64,
    /// The manager (their account id).
    pub by: String,
    /// Who they called, in their words.
    pub who_was_called: String,
}

/// An open check-in of a team, as the dashboard's *Now* page shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OpenCheckIn {
    /// The visit's id.
    pub visit_id: String,
    /// Its reference in notifications ([`reference`]).
    pub reference: String,
    /// The practitioner who checked in.
    pub practitioner_id: String,
    /// Their name.
    pub practitioner_name: String,
    /// The device the check-in came from.
    pub device_id: String,
    /// When that device last reached the server (Unix milliseconds).
    pub device_last_seen: Option<i64>,
    /// The check-in time (Unix milliseconds).
    pub started_at: i64,
    /// The expected end.
    pub expected_end: i64,
    /// When it turns (or turned) amber.
    pub amber_at: i64,
    /// When it turns (or turned) red.
    pub red_at: i64,
    /// Where it stands now.
    pub level: Level,
    /// Every notification sent or being sent.
    pub notified: Vec<Notified>,
    /// The latest acknowledgement, if any.
    pub acknowledged: Option<Acknowledgement>,
}

fn int(v: &Val) -> i64 {
    v.int().unwrap_or_default()
}

fn text(v: &Val) -> String {
    v.text().unwrap_or_default().to_string()
}

/// The team's open check-ins (not checked out or resolved) at `now`, most urgent first (red,
/// then amber, then none; earliest check-in first within a level).
pub fn open_check_ins(
    db: &dyn Backend,
    team_id: &str,
    now: i64,
) -> Result<Vec<OpenCheckIn>, ServerError> {
    with_tx(db, |tx| {
        let rows = tx.query(
            "SELECT c.visit_id, c.practitioner_id, p.name, c.device_id, d.last_seen, c.started_at, \
             c.expected_end, c.amber_at, c.red_at, c.acknowledged_at, c.acknowledged_by, c.who_was_called \
             FROM lone_check_ins c JOIN practitioners p ON p.id = c.practitioner_id \
             LEFT JOIN devices d ON d.id = c.device_id \
             WHERE c.team_id = $1 AND c.cleared_at IS NULL ORDER BY c.started_at",
            &[Val::from(team_id)],
        )?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let visit_id = text(&r[0]);
            let acknowledged = match r[9].int() {
                Some(at) => Some(Acknowledgement {
                    at,
                    by: text(&r[10]),
                    who_was_called: match r[11].text() {
                        Some(s) => tx.sealer().open(WHO_WAS_CALLED, &visit_id, s)?,
                        None => String::new(),
                    },
                }),
                None => None,
            };
            let notified = notified(tx, &visit_id)?;
            out.push(OpenCheckIn {
                reference: reference(&visit_id),
                practitioner_id: text(&r[1]),
                practitioner_name: text(&r[2]),
                device_id: text(&r[3]),
                device_last_seen: r[4].int(),
                started_at: int(&r[5]),
                expected_end: int(&r[6]),
                amber_at: int(&r[7]),
                red_at: int(&r[8]),
                level: Level::at(now, int(&r[7]), int(&r[8])),
                notified,
                acknowledged,
                visit_id,
            });
        }
        out.sort_by(|a, b| b.level.cmp(&a.level).then(a.started_at.cmp(&b.started_at)));
        Ok(out)
    })
}

fn notified(tx: &mut dyn Tx, visit_id: &str) -> Result<Vec<Notified>, ServerError> {
    let rows = tx.query(
        "SELECT n.contact_id, k.label, k.role, n.channel, n.level, n.state, n.attempts, n.delivered_at \
         FROM lone_notifications n LEFT JOIN lone_contacts k ON k.id = n.contact_id \
         WHERE n.visit_id = $1 ORDER BY n.created_at, n.id",
        &[Val::from(visit_id)],
    )?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let contact_id = text(&r[0]);
        let label = match r[1].text() {
            Some(s) => tx.sealer().open(contacts::LABEL, &contact_id, s)?,
            None => "(contact removed)".to_string(),
        };
        out.push(Notified {
            label,
            role: Role::from_code(r[2].text().unwrap_or_default()).unwrap_or(Role::Team),
            channel: Channel::from_code(r[3].text().unwrap_or_default()).unwrap_or(Channel::Email),
            level: text(&r[4]),
            state: text(&r[5]),
            attempts: int(&r[6]),
            delivered_at: r[7].int(),
            contact_id,
        });
    }
    Ok(out)
}

/// Records that `manager` acknowledged the escalation of the check-in of `visit_id` in their
/// team, and who they called. The escalation goes on until the practitioner checks out or a
/// manager [`resolve`]s it: acknowledging is not an all-clear.
pub fn acknowledge(
    db: &dyn Backend,
    team_id: &str,
    visit_id: &str,
    manager: &str,
    who_was_called: &str,
    now: i64,
) -> Result<(), ServerError> {
    let who = who_was_called.trim();
    if who.is_empty() || who.chars().count() > 500 {
        return Err(ServerError::BadRequest(
            "who was called must be between 1 and 500 characters",
        ));
    }
    with_tx(db, |tx| {
        let sealed = tx.sealer().seal(WHO_WAS_CALLED, visit_id, who)?;
        let n = tx.exec(
            "UPDATE lone_check_ins SET acknowledged_at = $1, acknowledged_by = $2, who_was_called = $3 \
             WHERE visit_id = $4 AND team_id = $5 AND cleared_at IS NULL",
            &[
                Val::Int(now),
                Val::from(manager),
                Val::Text(sealed),
                Val::from(visit_id),
                Val::from(team_id),
            ],
        )?;
        if n == 0 {
            return Err(ServerError::NotFound("open check-in in this team"));
        }
        Ok(())
    })
}

/// Closes the open check-in of `visit_id` in the team because a manager has confirmed the
/// practitioner is safe (their phone cannot check out): as a check-out, it stops the escalation
/// and whoever was alerted is told. Returns whether it was open.
pub fn resolve(
    db: &dyn Backend,
    team_id: &str,
    visit_id: &str,
    now: i64,
) -> Result<bool, ServerError> {
    with_tx(db, |tx| {
        let open = tx
            .query_opt(
                "SELECT 1 FROM lone_check_ins WHERE visit_id = $1 AND team_id = $2 AND cleared_at IS NULL",
                &[Val::from(visit_id), Val::from(team_id)],
            )?
            .is_some();
        if open {
            track::clear(tx, visit_id, None, now)?;
        }
        Ok(open)
    })
}

/// One delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Attempt {
    /// The notification.
    pub notification_id: String,
    /// `amber`, `red` or `clear`.
    pub level: String,
    /// `email` or `webhook`.
    pub channel: String,
    /// 1, 2, …
    pub attempt: i64,
    /// `delivered`, or why not (no address, no content).
    pub outcome: String,
    /// When (Unix milliseconds, the server's clock).
    pub at: i64,
}

/// Every delivery attempt for the check-in of `visit_id`, oldest first.
pub fn attempts_of(db: &dyn Backend, visit_id: &str) -> Result<Vec<Attempt>, ServerError> {
    with_tx(db, |tx| {
        Ok(tx
            .query(
                "SELECT a.notification_id, n.level, a.channel, a.attempt, a.outcome, a.at FROM lone_attempts a \
                 JOIN lone_notifications n ON n.id = a.notification_id WHERE n.visit_id = $1 \
                 ORDER BY a.at, a.notification_id, a.attempt",
                &[Val::from(visit_id)],
            )?
            .into_iter()
            .map(|r| Attempt {
                notification_id: text(&r[0]),
                level: text(&r[1]),
                channel: text(&r[2]),
                attempt: int(&r[3]),
                outcome: text(&r[4]),
                at: int(&r[5]),
            })
            .collect())
    })
}

/// Re-seals the lone-working columns under the current key (part of `admin::reseal`); returns
/// how many rows changed.
pub(crate) fn reseal(tx: &mut dyn Tx) -> Result<u64, ServerError> {
    let sealer = tx.sealer().clone();
    let again = |column: &str, row: &str, v: &str| -> Result<Option<String>, ServerError> {
        if sealer.is_current(v) {
            return Ok(None);
        }
        Ok(Some(sealer.seal(
            column,
            row,
            &sealer.open(column, row, v)?,
        )?))
    };
    let mut n = 0;
    for r in tx.query("SELECT id, target, secret, label FROM lone_contacts", &[])? {
        let id = text(&r[0]);
        let target = again(contacts::TARGET, &id, r[1].text().unwrap_or_default())?;
        let secret = match r[2].text() {
            Some(s) => again(contacts::SECRET, &id, s)?,
            None => None,
        };
        let label = again(contacts::LABEL, &id, r[3].text().unwrap_or_default())?;
        if target.is_none() && secret.is_none() && label.is_none() {
            continue;
        }
        let keep = |new: Option<String>, old: &Val| new.map_or_else(|| old.clone(), Val::Text);
        tx.exec(
            "UPDATE lone_contacts SET target = $1, secret = $2, label = $3 WHERE id = $4",
            &[
                keep(target, &r[1]),
                keep(secret, &r[2]),
                keep(label, &r[3]),
                Val::Text(id),
            ],
        )?;
        n += 1;
    }
    for r in tx.query(
        "SELECT visit_id, who_was_called FROM lone_check_ins WHERE who_was_called IS NOT NULL",
        &[],
    )? {
        let id = text(&r[0]);
        if let Some(v) = again(WHO_WAS_CALLED, &id, r[1].text().unwrap_or_default())? {
            tx.exec(
                "UPDATE lone_check_ins SET who_was_called = $1 WHERE visit_id = $2",
                &[Val::Text(v), Val::Text(id)],
            )?;
            n += 1;
        }
    }
    Ok(n)
}
