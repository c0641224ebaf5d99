//! Check-ins as they arrive through the push path. Only the visit's own practitioner, from one of
//! their own devices, opens or clears a check-in: a forged `started_at` or `checked_out_at`
//! pushed by anyone else's device (even one allocated to the case) changes no escalation.

use super::{policy, Level};
use crate::auth::DeviceAuth;
use crate::db::{Tx, Val};
use crate::error::ServerError;
use chrono::{DateTime, Utc};
use doorstep_core::planning::LoneWorkingTimes;
use serde_json::Value;
use std::collections::BTreeMap;

/// Where a visit's push happened: the visit and the scope it belongs to.
pub(crate) struct VisitScope<'a> {
    /// The visit's id.
    pub visit_id: &'a str,
    /// Its household.
    pub household_id: &'a str,
    /// Its case.
    pub case_id: Option<&'a str>,
}

fn time(fields: &BTreeMap<String, Value>, key: &str) -> Option<DateTime<Utc>> {
    fields
        .get(key)
        .and_then(Value::as_str)
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc))
}

fn same_id(a: &str, b: &str) -> bool {
    match (uuid::Uuid::parse_str(a), uuid::Uuid::parse_str(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Called for every visit operation applied by a push, with the visit's merged fields and the
/// keys the operation changed: opens the check-in when `started_at` arrives without a check-out,
/// clears it when `checked_out_at` arrives. Ignored unless the visit is the authenticated
/// device's practitioner's own.
pub(crate) fn on_visit_change(
    tx: &mut dyn Tx,
    auth: &DeviceAuth,
    scope: &VisitScope<'_>,
    fields: &BTreeMap<String, Value>,
    touched: &[&str],
    now: i64,
) -> Result<(), ServerError> {
    let relevant = touched
        .iter()
        .any(|k| *k == "started_at" || *k == "checked_out_at");
    if !relevant {
        return Ok(());
    }
    let owner = fields
        .get("practitioner_id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !same_id(owner, &auth.practitioner_id) {
        tracing::warn!(
            event = "lone_working_foreign_check_in",
            "a check-in change for another practitioner's visit was ignored"
        );
        return Ok(());
    }
    let started = time(fields, "started_at");
    let checked_out = time(fields, "checked_out_at");
    match (started, checked_out) {
        (Some(start), None) => open(tx, auth, scope, fields, start, now),
        (_, Some(out)) => {
            let open_by_owner = tx
                .query_opt(
                    "SELECT 1 FROM lone_check_ins WHERE visit_id = $1 AND practitioner_id = $2 \
                     AND cleared_at IS NULL",
                    &[
                        Val::from(scope.visit_id),
                        Val::from(auth.practitioner_id.as_str()),
                    ],
                )?
                .is_some();
            if open_by_owner {
                clear(tx, scope.visit_id, Some(out.timestamp_millis()), now)?;
            }
            Ok(())
        }
        (None, None) => Ok(()),
    }
}

fn open(
    tx: &mut dyn Tx,
    auth: &DeviceAuth,
    scope: &VisitScope<'_>,
    fields: &BTreeMap<String, Value>,
    start: DateTime<Utc>,
    now: i64,
) -> Result<(), ServerError> {
    let expected = fields
        .get("expected_minutes")
        .and_then(Value::as_u64)
        .and_then(|m| u32::try_from(m).ok())
        .unwrap_or(0);
    let t = LoneWorkingTimes::of(start, expected, &policy());
    let team = tx
        .query_opt(
            "SELECT team_id FROM practitioners WHERE id = $1",
            &[Val::from(auth.practitioner_id.as_str())],
        )?
        .and_then(|r| r[0].text().map(str::to_string))
        .ok_or(ServerError::Internal("practitioner's team"))?;
    let n = tx.exec(
        "INSERT INTO lone_check_ins (visit_id, practitioner_id, team_id, device_id, household_id, case_id, \
         started_at, expected_minutes, expected_end, amber_at, red_at, level, received_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (visit_id) DO NOTHING",
        &[
            Val::from(scope.visit_id),
            Val::from(auth.practitioner_id.as_str()),
            Val::Text(team),
            Val::from(auth.device_id.as_str()),
            Val::from(scope.household_id),
            Val::opt_text(scope.case_id.map(str::to_string)),
            Val::Int(start.timestamp_millis()),
            Val::Int(i64::from(t.minutes)),
            Val::Int(t.expected_end.timestamp_millis()),
            Val::Int(t.amber.timestamp_millis()),
            Val::Int(t.red.timestamp_millis()),
            Val::from(Level::None.code()),
            Val::Int(now),
        ],
    )?;
    if n > 0 {
        tracing::info!(
            event = "lone_working_check_in",
            "a check-in is being watched"
        );
    }
    Ok(())
}

/// Queues a notification of `level` for `contact` about the check-in of `visit_id`, unless one
/// exists already (so it is never sent twice).
pub(crate) fn queue(
    tx: &mut dyn Tx,
    visit_id: &str,
    level: &str,
    contact: &str,
    channel: &str,
    now: i64,
) -> Result<(), ServerError> {
    tx.exec(
        "INSERT INTO lone_notifications (id, visit_id, level, contact_id, channel, state, attempts, \
         next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $6) \
         ON CONFLICT (visit_id, level, contact_id) DO NOTHING",
        &[
            Val::Text(uuid::Uuid::new_v4().to_string()),
            Val::from(visit_id),
            Val::from(level),
            Val::from(contact),
            Val::from(channel),
            Val::Int(now),
        ],
    )?;
    Ok(())
}

/// Clears the open check-in of `visit_id` (checked out at `checked_out_at`, or resolved by a
/// manager): amber and red notifications not yet sent are cancelled, and every contact an alert
/// was sent (or is being sent) to gets a clearing message.
pub(crate) fn clear(
    tx: &mut dyn Tx,
    visit_id: &str,
    checked_out_at: Option<i64>,
    now: i64,
) -> Result<(), ServerError> {
    let n = tx.exec(
        "UPDATE lone_check_ins SET cleared_at = $1, checked_out_at = $2 WHERE visit_id = $3 AND cleared_at IS NULL",
        &[
            Val::Int(now),
            checked_out_at.map_or(Val::NullInt, Val::Int),
            Val::from(visit_id),
        ],
    )?;
    if n == 0 {
        return Ok(());
    }
    let alerted = tx.query(
        "SELECT DISTINCT contact_id, channel FROM lone_notifications WHERE visit_id = $1 \
         AND level IN ('amber', 'red') AND (state = 'delivered' OR attempts > 0 OR lease_until IS NOT NULL)",
        &[Val::from(visit_id)],
    )?;
    for r in alerted {
        let (contact, channel) = (
            r[0].text().unwrap_or_default(),
            r[1].text().unwrap_or_default(),
        );
        queue(tx, visit_id, "clear", contact, channel, now)?;
    }
    tx.exec(
        "UPDATE lone_notifications SET state = 'cancelled' WHERE visit_id = $1 \
         AND level IN ('amber', 'red') AND state = 'pending'",
        &[Val::from(visit_id)],
    )?;
    tracing::info!(event = "lone_working_cleared", "a check-in was cleared");
    Ok(())
}
