//! Administration: teams, practitioners, enrolment codes, allocations, revocation.

use crate::auth;
use crate::db::{with_tx, Backend, Val};
use crate::error::ServerError;
use crate::seal::Sealer;
use crate::sync::{
    apply_server_case_change, grant_case, load_record, log_change, next_seq, seal_record,
    server_hlc, snapshot_op,
};
use doorstep_core::domain::Agency;
use doorstep_core::sync::merge::{self, Stamped};

/// A device as the administrator sees it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DeviceInfo {
    /// Device id.
    pub id: String,
    /// Practitioner id.
    pub practitioner_id: String,
    /// Enrolled at (Unix ms).
    pub enrolled_at: i64,
    /// Revoked at (Unix ms), if revoked.
    pub revoked_at: Option<i64>,
    /// The device's last contact with the server (Unix ms), if any.
    pub last_seen: Option<i64>,
    /// How many operations its last push said were still waiting on it, and when (Unix ms).
    pub backlog: Option<(i64, i64)>,
}

/// Creates a team; returns its id.
pub fn add_team(db: &dyn Backend, name: &str) -> Result<String, ServerError> {
    let id = uuid::Uuid::new_v4().to_string();
    with_tx(db, |tx| {
        tx.exec(
            "INSERT INTO teams (id, name) VALUES ($1, $2)",
            &[Val::Text(id.clone()), Val::from(name)],
        )
    })?;
    Ok(id)
}

/// Creates a practitioner in a team; returns their id.
pub fn add_practitioner(
    db: &dyn Backend,
    team: &str,
    name: &str,
    agency: Agency,
    now: i64,
) -> Result<String, ServerError> {
    let id = uuid::Uuid::new_v4().to_string();
    with_tx(db, |tx| {
        if tx
            .query_opt("SELECT 1 FROM teams WHERE id = $1", &[Val::from(team)])?
            .is_none()
        {
            return Err(ServerError::NotFound("team"));
        }
        tx.exec(
            "INSERT INTO practitioners (id, team_id, name, agency, created_at) VALUES ($1, $2, $3, $4, $5)",
            &[Val::Text(id.clone()), Val::from(team), Val::from(name), Val::from(agency.code()), Val::Int(now)],
        )
    })?;
    Ok(id)
}

/// Issues a one-time enrolment code for a practitioner's new device.
pub fn issue_code(
    db: &dyn Backend,
    practitioner: &str,
    now: i64,
    ttl: i64,
) -> Result<String, ServerError> {
    let code = auth::new_code()?;
    with_tx(db, |tx| {
        if tx
            .query_opt(
                "SELECT 1 FROM practitioners WHERE id = $1",
                &[Val::from(practitioner)],
            )?
            .is_none()
        {
            return Err(ServerError::NotFound("practitioner"));
        }
        tx.exec(
            "INSERT INTO enrol_codes (code_hash, practitioner_id, expires_at) VALUES ($1, $2, $3)",
            &[
                Val::Text(auth::hash(&code)),
                Val::from(practitioner),
                Val::Int(now.saturating_add(ttl)),
            ],
        )
    })?;
    Ok(code)
}

/// The practitioner's profile: (name, agency).
pub fn practitioner(db: &dyn Backend, id: &str) -> Result<(String, Agency), ServerError> {
    with_tx(db, |tx| {
        let row = tx
            .query_opt(
                "SELECT name, agency FROM practitioners WHERE id = $1",
                &[Val::from(id)],
            )?
            .ok_or(ServerError::NotFound("practitioner"))?;
        let agency = row[1]
            .text()
            .and_then(Agency::from_code)
            .ok_or(ServerError::Internal("agency"))?;
        Ok((row[0].text().unwrap_or_default().to_string(), agency))
    })
}

/// Allocates a case (already known to the server) to a practitioner — sharing it, or making them
/// the lead — and sends them the child's whole history so far: the case, its visits and notes, the
/// household and its people, as snapshot changes they alone newly see.
pub fn allocate(
    db: &dyn Backend,
    case: &str,
    practitioner: &str,
    lead: bool,
    now: i64,
) -> Result<(), ServerError> {
    with_tx(db, |tx| {
        let rec = load_record(tx, case)?
            .filter(|r| r.kind == "case")
            .ok_or(ServerError::NotFound("case"))?;
        if tx
            .query_opt(
                "SELECT 1 FROM practitioners WHERE id = $1",
                &[Val::from(practitioner)],
            )?
            .is_none()
        {
            return Err(ServerError::NotFound("practitioner"));
        }
        grant_case(tx, case, &rec.household_id, practitioner)?;
        let rows = tx.query(
            "SELECT id FROM records WHERE case_id = $1 OR (case_id IS NULL AND household_id = $2) ORDER BY seq",
            &[Val::from(case), Val::Text(rec.household_id.clone())],
        )?;
        for row in rows {
            let id = row[0].text().unwrap_or_default().to_string();
            if let Some(r) = load_record(tx, &id)? {
                let seq = next_seq(tx)?;
                // A note's author was checked against the pushing device when it was applied.
                let vouched = (r.kind == "note")
                    .then(|| r.fields.get("author_id").and_then(|v| v.as_str()))
                    .flatten()
                    .map(str::to_string);
                log_change(tx, seq, &snapshot_op(&id, &r)?, vouched)?;
            }
        }
        if lead {
            let hlc = server_hlc(&rec.stamps, now);
            let delta = merge::Delta::from([(
                "allocated_to".to_string(),
                Stamped {
                    value: serde_json::Value::String(practitioner.to_string()),
                    hlc,
                },
            )]);
            apply_server_case_change(tx, case, rec, delta, hlc)?;
        }
        Ok(())
    })
}

/// Revokes a device: on its next contact it is told to crypto-shred its store.
pub fn revoke_device(db: &dyn Backend, device: &str, now: i64) -> Result<(), ServerError> {
    with_tx(db, |tx| {
        let n = tx.exec(
            "UPDATE devices SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
            &[Val::Int(now), Val::from(device)],
        )?;
        if n == 0 {
            return Err(ServerError::NotFound("active device"));
        }
        Ok(())
    })
}

/// Every device.
pub fn devices(db: &dyn Backend) -> Result<Vec<DeviceInfo>, ServerError> {
    with_tx(db, |tx| {
        Ok(tx
            .query(
                "SELECT id, practitioner_id, enrolled_at, revoked_at, last_seen, backlog, backlog_at \
                 FROM devices ORDER BY enrolled_at",
                &[],
            )?
            .into_iter()
            .map(|r| DeviceInfo {
                id: r[0].text().unwrap_or_default().into(),
                practitioner_id: r[1].text().unwrap_or_default().into(),
                enrolled_at: r[2].int().unwrap_or_default(),
                revoked_at: r[3].int(),
                last_seen: r[4].int(),
                backlog: r[5].int().zip(r[6].int()),
            })
            .collect())
    })
}

/// Re-seals every sealed column under the current data key (after a new key was put first in
/// the key ring), and seals values stored before sealing; returns how many records and changes
/// were re-sealed. One transaction: a failure changes nothing.
pub fn reseal(db: &dyn Backend) -> Result<(u64, u64), ServerError> {
    use crate::sync::{open_op, seal_op, FIELDS, STAMPS};
    with_tx(db, |tx| {
        let sealer = tx.sealer().clone();
        let open = |column: &str, row: &str, v: &str| {
            if Sealer::is_sealed(v) {
                sealer.open(column, row, v)
            } else {
                Ok(v.to_string())
            }
        };
        let mut records = 0u64;
        for row in tx.query("SELECT id, fields, stamps FROM records", &[])? {
            let (id, fields, stamps) = (
                row[0].text().unwrap_or_default(),
                row[1].text().unwrap_or_default(),
                row[2].text().unwrap_or_default(),
            );
            if sealer.is_current(fields) && sealer.is_current(stamps) {
                continue;
            }
            let (f, s) = seal_record(
                tx,
                id,
                &open(FIELDS, id, fields)?,
                &open(STAMPS, id, stamps)?,
            )?;
            tx.exec(
                "UPDATE records SET fields = $1, stamps = $2 WHERE id = $3",
                &[Val::Text(f), Val::Text(s), Val::from(id)],
            )?;
            records += 1;
        }
        let mut changes = 0u64;
        for row in tx.query("SELECT seq, op FROM changes", &[])? {
            let seq = row[0].int().ok_or(ServerError::Internal("change seq"))?;
            let op = row[1].text().unwrap_or_default();
            if sealer.is_current(op) {
                continue;
            }
            let plain = if Sealer::is_sealed(op) {
                open_op(tx, seq, op)?
            } else {
                op.to_string()
            };
            tx.exec(
                "UPDATE changes SET op = $1 WHERE seq = $2",
                &[Val::Text(seal_op(tx, seq, &plain)?), Val::Int(seq)],
            )?;
            changes += 1;
        }
        records += crate::lone_working::reseal(tx)?;
        Ok((records, changes))
    })
}
