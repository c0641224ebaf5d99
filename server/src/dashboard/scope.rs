//! What a manager may see: their teams, the practitioners in them, the cases allocated to those
//! practitioners and their devices. Every page and action asks here first; anything outside is
//! answered exactly as if it did not exist.

use crate::db::{Tx, Val};
use crate::error::ServerError;

/// The manager's teams.
pub fn teams(tx: &mut dyn Tx, manager: &str) -> Result<Vec<String>, ServerError> {
    Ok(tx
        .query(
            "SELECT team_id FROM manager_teams WHERE manager_id = $1 ORDER BY team_id",
            &[Val::from(manager)],
        )?
        .into_iter()
        .filter_map(|r| r[0].text().map(str::to_string))
        .collect())
}

/// The cases allocated to any practitioner of the manager's teams.
pub fn cases(tx: &mut dyn Tx, manager: &str) -> Result<Vec<String>, ServerError> {
    Ok(tx
        .query(
            "SELECT DISTINCT a.case_id FROM allocations a JOIN practitioners p ON p.id = a.practitioner_id \
             JOIN manager_teams mt ON mt.team_id = p.team_id WHERE mt.manager_id = $1 ORDER BY a.case_id",
            &[Val::from(manager)],
        )?
        .into_iter()
        .filter_map(|r| r[0].text().map(str::to_string))
        .collect())
}

/// Whether the manager may see `case`.
pub fn may_see_case(tx: &mut dyn Tx, manager: &str, case: &str) -> Result<bool, ServerError> {
    Ok(tx
        .query_opt(
            "SELECT 1 FROM allocations a JOIN practitioners p ON p.id = a.practitioner_id \
             JOIN manager_teams mt ON mt.team_id = p.team_id WHERE mt.manager_id = $1 AND a.case_id = $2",
            &[Val::from(manager), Val::from(case)],
        )?
        .is_some())
}

/// Whether the manager may see and revoke `device` (its practitioner is in one of their teams).
pub fn may_manage_device(
    tx: &mut dyn Tx,
    manager: &str,
    device: &str,
) -> Result<bool, ServerError> {
    Ok(tx
        .query_opt(
            "SELECT 1 FROM devices d JOIN practitioners p ON p.id = d.practitioner_id \
             JOIN manager_teams mt ON mt.team_id = p.team_id WHERE mt.manager_id = $1 AND d.id = $2",
            &[Val::from(manager), Val::from(device)],
        )?
        .is_some())
}

/// A practitioner of the manager's teams.
#[derive(Debug, Clone)]
pub struct TeamPractitioner {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Team name.
    pub team: String,
}

/// The practitioners of the manager's teams, by team then name.
pub fn practitioners(tx: &mut dyn Tx, manager: &str) -> Result<Vec<TeamPractitioner>, ServerError> {
    Ok(tx
        .query(
            "SELECT p.id, p.name, t.name FROM practitioners p JOIN teams t ON t.id = p.team_id \
             JOIN manager_teams mt ON mt.team_id = p.team_id WHERE mt.manager_id = $1 ORDER BY t.name, p.name",
            &[Val::from(manager)],
        )?
        .into_iter()
        .map(|r| TeamPractitioner {
            id: r[0].text().unwrap_or_default().into(),
            name: r[1].text().unwrap_or_default().into(),
            team: r[2].text().unwrap_or_default().into(),
        })
        .collect())
}
