//! The audit log: every view of a child's record by a manager — who, which case, what, when —
//! written in the same transaction that reads the record, so a view is never shown unlogged.

use crate::db::{with_tx, Backend, Tx, Val};
use crate::error::ServerError;

/// What a manager did with a child's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    /// The child appeared, with their alerts, on the Children page.
    Listed,
    /// The child's record (facts, alerts, chronology) was opened.
    Viewed,
    /// A supervision discussion was recorded on the case.
    Supervised,
    /// The address of a lone worker's open check-in was shown on the *Now* page.
    CheckInAddress,
}

impl AuditAction {
    /// The stored name.
    pub fn code(&self) -> &'static str {
        match self {
            AuditAction::Listed => "listed",
            AuditAction::Viewed => "viewed",
            AuditAction::Supervised => "supervision_recorded",
            AuditAction::CheckInAddress => "check_in_address_shown",
        }
    }
}

/// One audit row.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    /// When (Unix ms).
    pub at: i64,
    /// The manager's id.
    pub manager_id: String,
    /// The manager's user name.
    pub username: String,
    /// The case.
    pub case_id: String,
    /// What ([`AuditAction::code`]).
    pub action: String,
}

/// Writes one audit row inside the caller's transaction.
pub fn record(
    tx: &mut dyn Tx,
    manager: &str,
    case: &str,
    action: AuditAction,
    now: i64,
) -> Result<(), ServerError> {
    tx.exec(
        "INSERT INTO audit_log (id, at, manager_id, case_id, action) VALUES ($1, $2, $3, $4, $5)",
        &[
            Val::Text(uuid::Uuid::new_v4().to_string()),
            Val::Int(now),
            Val::from(manager),
            Val::from(case),
            Val::from(action.code()),
        ],
    )?;
    Ok(())
}

/// The audit log from `since` (Unix ms), oldest first, optionally for one case.
pub fn read(
    db: &dyn Backend,
    since: i64,
    case: Option<&str>,
) -> Result<Vec<AuditEntry>, ServerError> {
    with_tx(db, |tx| {
        let rows = match case {
            Some(c) => tx.query(
                "SELECT a.at, a.manager_id, m.username, a.case_id, a.action FROM audit_log a JOIN managers m ON m.id = a.manager_id \
                 WHERE a.at >= $1 AND a.case_id = $2 ORDER BY a.at, a.id",
                &[Val::Int(since), Val::from(c)],
            )?,
            None => tx.query(
                "SELECT a.at, a.manager_id, m.username, a.case_id, a.action FROM audit_log a JOIN managers m ON m.id = a.manager_id \
                 WHERE a.at >= $1 ORDER BY a.at, a.id",
                &[Val::Int(since)],
            )?,
        };
        Ok(rows
            .into_iter()
            .map(|r| AuditEntry {
                at: r[0].int().unwrap_or_default(),
                manager_id: r[1].text().unwrap_or_default().into(),
                username: r[2].text().unwrap_or_default().into(),
                case_id: r[3].text().unwrap_or_default().into(),
                action: r[4].text().unwrap_or_default().into(),
            })
            .collect())
    })
}
