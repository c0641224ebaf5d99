//! Alerts in the store: the children's facts gathered for planning, plus what the store knows
//! about lone working (where each open check-in stands with the server, whether a lone-working
//! monitor exists, who to call), ranked by the core's risk ranking, in full or as a digest.

use super::db::{meta_get, meta_set};
use super::outbox;
use super::planning::{gather, ChildLabel};
use super::records::{Kind, Records};
use super::{Store, StoreError};
use crate::domain::{Case, Practitioner, Visit};
use crate::planning::{
    alerts_with, digest, rank, Alert, CheckInState, CheckInSync, ChildFacts, KindCount,
    LoneWorking, DIGEST_TOP,
};
use crate::sync::protocol::LoneWorkingMonitor;

/// An alert with the child it is about.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AlertView {
    /// The alert.
    pub alert: Alert,
    /// The child.
    pub child: Option<ChildLabel>,
}

/// The most urgent alerts in full and a count of the rest per kind.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AlertDigest {
    /// The most urgent ([`DIGEST_TOP`], and every lone-working alert), in rank order.
    pub top: Vec<AlertView>,
    /// How many more of each kind.
    pub more: Vec<KindCount>,
    /// Every alert.
    pub total: usize,
}

/// The longest "who to call" text.
pub const MAX_CALL_CHARS: usize = 200;

/// Where the server's word on its lone-working monitor is kept (JSON of
/// [`LoneWorkingMonitor`], from the latest pull).
const SERVER_MONITOR: &str = "lone_working_monitor";

/// Keeps what the server said about its lone-working monitor.
pub(crate) fn save_server_monitor(
    conn: &rusqlite::Connection,
    m: &LoneWorkingMonitor,
) -> Result<(), StoreError> {
    let json = serde_json::to_vec(m)
        .map_err(|_| StoreError::Protocol("the monitor could not be kept".into()))?;
    meta_set(conn, SERVER_MONITOR, &json)
}

/// What the server last said about its lone-working monitor (none: never said, or no server).
pub(crate) fn server_monitor(
    conn: &rusqlite::Connection,
) -> Result<Option<LoneWorkingMonitor>, StoreError> {
    Ok(meta_get(conn, SERVER_MONITOR)?.and_then(|v| serde_json::from_slice(&v).ok()))
}

/// The planning policy with the server monitor's lone-working times, when a monitor watches
/// this practitioner's check-ins (its escalation times are the ones that count).
pub(crate) fn policy_with_monitor(
    mut policy: crate::planning::Policy,
    monitor: Option<&LoneWorkingMonitor>,
) -> crate::planning::Policy {
    if let Some(m) = monitor.filter(|m| m.monitored) {
        m.apply_to(&mut policy);
    }
    policy
}

/// Lone-working settings: who to call, and whether a monitor watches check-ins.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LoneWorkingSettings {
    /// Kept for compatibility and always `false`: whether a monitor watches check-ins is the
    /// server's word (each sync tells the phone), never a setting, so the store refuses `true`
    /// — no alert may promise an escalation the server has not confirmed.
    #[serde(default)]
    pub monitor: bool,
    /// Who to call when staying longer or in difficulty (e.g. "the duty desk, 01632 960 000"),
    /// shown in lone-working prompts; without it they say "your manager or the team's duty line".
    #[serde(default)]
    pub call: Option<String>,
}

impl LoneWorkingSettings {
    /// Refuses a monitor that does not exist, and a blank or overlong number to call.
    pub(crate) fn validate(&self) -> Result<(), StoreError> {
        if self.monitor {
            return Err(StoreError::InvalidState(
                "whether a lone-working monitor watches check-ins is the server's word, not a setting",
            ));
        }
        if let Some(call) = &self.call {
            if call.trim().is_empty() || call.chars().count() > MAX_CALL_CHARS {
                return Err(crate::domain::InputError::Invalid {
                    field: "who to call",
                    reason: "must be between 1 and 200 characters",
                }
                .into());
            }
        }
        Ok(())
    }
}

/// Where `visit`'s check-in stands with the server.
fn check_in_sync(
    r: &Records<'_>,
    me: &Practitioner,
    case: &Case,
    visit: &Visit,
    enrolled: bool,
) -> Result<CheckInSync, StoreError> {
    if visit.practitioner_id != me.id {
        return Ok(CheckInSync::Colleague);
    }
    if !enrolled {
        return Ok(CheckInSync::NotEnrolled);
    }
    let queued = outbox::queued_field(r, case.household_id.0, visit.id.0, "started_at")?;
    Ok(match queued {
        None => CheckInSync::Received,
        Some(false) => CheckInSync::Queued,
        Some(true) => CheckInSync::Refused,
    })
}

/// What the store knows about lone working for the open check-ins among `facts`.
fn lone_working(
    r: &Records<'_>,
    me: &Practitioner,
    facts: &[ChildFacts],
    settings: &LoneWorkingSettings,
) -> Result<LoneWorking, StoreError> {
    let enrolled = meta_get(r.conn, "sync_config")?.is_some();
    let mut check_ins = Vec::new();
    for f in facts {
        if !f
            .visits
            .iter()
            .any(|v| v.started_at.is_some() && !v.checked_out)
        {
            continue;
        }
        let case: Case = r.get(Kind::Case, f.case.bytes())?;
        let visits: Vec<Visit> = r.list(Kind::Visit, Some(f.case.bytes()))?;
        for v in visits
            .iter()
            .filter(|v| v.checked_out_at.is_none() && v.started_at.is_some())
        {
            if let Some(started_at) = v.started_at {
                check_ins.push(CheckInState {
                    case: f.case,
                    started_at,
                    sync: check_in_sync(r, me, &case, v, enrolled)?,
                });
            }
        }
    }
    let monitor = server_monitor(r.conn)?.is_some_and(|m| m.monitored) && enrolled;
    Ok(LoneWorking {
        monitor,
        call: settings.call.clone(),
        check_ins,
    })
}

impl Store {
    /// Every alert for the practitioner's children, most urgent first by the risk ranking (an
    /// overdue lone-working check-out always first); alerts that rank equal are ordered by the
    /// child's name and address, never by an id.
    pub fn alerts(&self) -> Result<Vec<AlertView>, StoreError> {
        let me = self.practitioner()?;
        let now = self.clock.now();
        let (g, lone, policy) = self.read(|r| {
            let g = gather(r, &me)?;
            let lone = lone_working(r, &me, &g.facts, &g.settings.lone_working)?;
            let policy =
                policy_with_monitor(g.settings.policy.clone(), server_monitor(r.conn)?.as_ref());
            Ok((g, lone, policy))
        })?;
        let list = alerts_with(
            &g.facts,
            &policy,
            &g.settings.calendar().holidays,
            now,
            &lone,
        )?;
        let mut out: Vec<AlertView> = list
            .into_iter()
            .map(|alert| {
                let child = g.labels.iter().find(|l| l.case_id == alert.case).cloned();
                AlertView { alert, child }
            })
            .collect();
        let label = |a: &AlertView| {
            a.child
                .as_ref()
                .map(|c| (c.child_name.clone(), c.address.clone()))
        };
        out.sort_by(|a, b| rank(&a.alert, &b.alert).then_with(|| label(a).cmp(&label(b))));
        Ok(out)
    }

    /// The alert digest: the [`DIGEST_TOP`] most urgent (and every lone-working alert) in full,
    /// and how many more of each kind.
    pub fn alert_digest(&self) -> Result<AlertDigest, StoreError> {
        let d = digest(self.alerts()?, |a| a.alert.kind, DIGEST_TOP);
        Ok(AlertDigest {
            top: d.top,
            more: d.more,
            total: d.total,
        })
    }
}
