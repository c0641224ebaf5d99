//! Alerts in the store: the children's facts gathered for planning, plus what the store knows
//! about lone working (where each open check-in stands with the server, whether a lone-working
//! monitor exists, who to call), ranked by the core's risk ranking, in full or as a digest.

use super::db::meta_get;
use super::outbox;
use super::planning::{gather, ChildLabel};
use super::records::{Kind, Records};
use super::{Store, StoreError};
use crate::domain::{Case, Practitioner, Visit};
use crate::planning::{
    alerts_with, digest, rank, Alert, CheckInState, CheckInSync, ChildFacts, KindCount,
    LoneWorking, DIGEST_TOP,
};

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

/// Lone-working settings: who to call, and whether a monitor watches check-ins.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LoneWorkingSettings {
    /// A lone-working monitor on the server watches check-ins and escalates missed check-outs.
    /// No such monitor exists yet, so the store refuses to save `true`: no alert may promise an
    /// escalation that will not happen.
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
                "no lone-working monitor exists yet: check-ins are not watched on the server",
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
    Ok(LoneWorking {
        monitor: settings.monitor,
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
        let (g, lone) = self.read(|r| {
            let g = gather(r, &me)?;
            let lone = lone_working(r, &me, &g.facts, &g.settings.lone_working)?;
            Ok((g, lone))
        })?;
        let list = alerts_with(
            &g.facts,
            &g.settings.policy,
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
