//! Who is told: a practitioner's buddy or manager (told at amber, and at red) and a team's
//! escalation contacts (told at red). Each contact is an email address or a webhook URL with its
//! signing secret; address, secret and label are sealed at rest like the case records.

use crate::db::{with_tx, Backend, Tx, Val};
use crate::error::ServerError;

/// Sealed column: the email address or webhook URL.
pub(crate) const TARGET: &str = "lone_contacts.target";
/// Sealed column: the webhook's signing secret.
pub(crate) const SECRET: &str = "lone_contacts.secret";
/// Sealed column: the contact's label.
pub(crate) const LABEL: &str = "lone_contacts.label";

/// Shortest webhook secret accepted (bytes): 128 bits of hex or more.
pub const MIN_SECRET_BYTES: usize = 32;

/// A contact's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A practitioner's named buddy (told at amber).
    Buddy,
    /// A practitioner's manager (told at amber).
    Manager,
    /// One of the team's escalation contacts (told at red): a duty manager, an alarm-receiving
    /// centre, the team's chat.
    Team,
}

impl Role {
    /// `buddy`, `manager` or `team`.
    pub fn code(self) -> &'static str {
        match self {
            Role::Buddy => "buddy",
            Role::Manager => "manager",
            Role::Team => "team",
        }
    }

    /// The role with this code.
    pub fn from_code(code: &str) -> Option<Role> {
        [Role::Buddy, Role::Manager, Role::Team]
            .into_iter()
            .find(|r| r.code() == code)
    }
}

/// How a contact is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Email through the server's SMTP relay.
    Email,
    /// An HTTP POST signed with HMAC-SHA256.
    Webhook,
}

impl Channel {
    /// `email` or `webhook`.
    pub fn code(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Webhook => "webhook",
        }
    }

    /// The channel with this code.
    pub fn from_code(code: &str) -> Option<Channel> {
        [Channel::Email, Channel::Webhook]
            .into_iter()
            .find(|c| c.code() == code)
    }
}

/// A contact as the admin commands and the dashboard list it (no secret).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Contact {
    /// Its id.
    pub id: String,
    /// The team.
    pub team_id: String,
    /// The practitioner whose buddy or manager this is (`None` for a team contact).
    pub practitioner_id: Option<String>,
    /// The role.
    pub role: Role,
    /// The channel.
    pub channel: Channel,
    /// The email address or webhook URL.
    pub target: String,
    /// A label (e.g. "Sam Okafor, team manager").
    pub label: String,
}

/// A plausible email address: one `@`, something either side, a dot in the domain, no spaces or
/// angle brackets, at most 254 characters.
fn valid_email(a: &str) -> bool {
    let Some((local, domain)) = a.split_once('@') else {
        return false;
    };
    a.len() <= 254
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && a.chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && !"<>,;\"".contains(c))
}

/// Adds a contact: for `practitioner` (roles buddy and manager) or for the team (role team,
/// `practitioner` `None`). An email needs no secret; a webhook needs `https://` (or `http://` to
/// loopback) and a secret of at least [`MIN_SECRET_BYTES`] bytes. Returns the contact's id.
#[allow(clippy::too_many_arguments)]
pub fn add_contact(
    db: &dyn Backend,
    team_id: &str,
    practitioner: Option<&str>,
    role: Role,
    channel: Channel,
    target: &str,
    secret: Option<&str>,
    label: &str,
    now: i64,
) -> Result<String, ServerError> {
    let target = target.trim();
    let label = label.trim();
    if label.is_empty() || label.chars().count() > 200 {
        return Err(ServerError::BadRequest(
            "a contact's label must be between 1 and 200 characters",
        ));
    }
    match (role, practitioner) {
        (Role::Team, Some(_)) => {
            return Err(ServerError::BadRequest(
                "a team contact belongs to the team, not a practitioner",
            ))
        }
        (Role::Buddy | Role::Manager, None) => {
            return Err(ServerError::BadRequest(
                "a buddy or manager contact is for a practitioner",
            ))
        }
        _ => {}
    }
    let secret = match channel {
        Channel::Email => {
            if !valid_email(target) {
                return Err(ServerError::BadRequest("not an email address"));
            }
            if secret.is_some() {
                return Err(ServerError::BadRequest("an email contact has no secret"));
            }
            None
        }
        Channel::Webhook => {
            doorstep_core::sync::transport::check_server_url(target).map_err(|_| {
                ServerError::BadRequest("a webhook URL must be https:// (or http:// to loopback)")
            })?;
            let s = secret.map(str::trim).unwrap_or_default();
            if s.len() < MIN_SECRET_BYTES {
                return Err(ServerError::BadRequest(
                    "a webhook needs a secret of at least 32 characters",
                ));
            }
            Some(s)
        }
    };
    let id = uuid::Uuid::new_v4().to_string();
    with_tx(db, |tx| {
        let team_of = match practitioner {
            Some(p) => tx
                .query_opt(
                    "SELECT team_id FROM practitioners WHERE id = $1",
                    &[Val::from(p)],
                )?
                .and_then(|r| r[0].text().map(str::to_string))
                .ok_or(ServerError::NotFound("practitioner"))?,
            None => {
                tx.query_opt("SELECT id FROM teams WHERE id = $1", &[Val::from(team_id)])?
                    .ok_or(ServerError::NotFound("team"))?;
                team_id.to_string()
            }
        };
        if team_of != team_id {
            return Err(ServerError::NotFound("practitioner in this team"));
        }
        let sealer = tx.sealer().clone();
        let secret = match secret {
            Some(s) => Val::Text(sealer.seal(SECRET, &id, s)?),
            None => Val::NullText,
        };
        tx.exec(
            "INSERT INTO lone_contacts (id, team_id, practitioner_id, role, channel, target, secret, label, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &[
                Val::Text(id.clone()),
                Val::from(team_id),
                Val::opt_text(practitioner.map(str::to_string)),
                Val::from(role.code()),
                Val::from(channel.code()),
                Val::Text(sealer.seal(TARGET, &id, target)?),
                secret,
                Val::Text(sealer.seal(LABEL, &id, label)?),
                Val::Int(now),
            ],
        )?;
        Ok(())
    })?;
    Ok(id)
}

/// Removes a contact of the team. Notifications already queued for it are cancelled.
pub fn remove_contact(db: &dyn Backend, team_id: &str, id: &str) -> Result<(), ServerError> {
    with_tx(db, |tx| {
        let n = tx.exec(
            "DELETE FROM lone_contacts WHERE id = $1 AND team_id = $2",
            &[Val::from(id), Val::from(team_id)],
        )?;
        if n == 0 {
            return Err(ServerError::NotFound("contact in this team"));
        }
        tx.exec(
            "UPDATE lone_notifications SET state = 'cancelled' WHERE contact_id = $1 AND state = 'pending'",
            &[Val::from(id)],
        )?;
        Ok(())
    })
}

fn contact_of(tx: &mut dyn Tx, r: &[Val]) -> Result<Contact, ServerError> {
    let id = r[0].text().unwrap_or_default().to_string();
    let sealer = tx.sealer().clone();
    Ok(Contact {
        team_id: r[1].text().unwrap_or_default().to_string(),
        practitioner_id: r[2].text().map(str::to_string),
        role: Role::from_code(r[3].text().unwrap_or_default())
            .ok_or(ServerError::Internal("contact role"))?,
        channel: Channel::from_code(r[4].text().unwrap_or_default())
            .ok_or(ServerError::Internal("contact channel"))?,
        target: sealer.open(TARGET, &id, r[5].text().unwrap_or_default())?,
        label: sealer.open(LABEL, &id, r[6].text().unwrap_or_default())?,
        id,
    })
}

/// Every contact of the team (its own and its practitioners'), in the order they were added.
pub fn contacts_of_team(db: &dyn Backend, team_id: &str) -> Result<Vec<Contact>, ServerError> {
    with_tx(db, |tx| {
        let rows = tx.query(
            "SELECT id, team_id, practitioner_id, role, channel, target, label FROM lone_contacts \
             WHERE team_id = $1 ORDER BY created_at, id",
            &[Val::from(team_id)],
        )?;
        rows.iter().map(|r| contact_of(tx, r)).collect()
    })
}

/// Whether a check-in by `practitioner` would reach someone: at least one buddy or manager of
/// theirs, or one escalation contact of their team, on a channel this server can use (`email`:
/// whether it has an SMTP relay configured). What the phone is told, so that its alerts say
/// someone will be alerted only when that is true.
pub fn monitored(tx: &mut dyn Tx, practitioner: &str, email: bool) -> Result<bool, ServerError> {
    let sql = if email {
        "SELECT 1 FROM lone_contacts k JOIN practitioners p ON p.id = $1 \
         WHERE k.practitioner_id = p.id OR (k.practitioner_id IS NULL AND k.team_id = p.team_id) LIMIT 1"
    } else {
        "SELECT 1 FROM lone_contacts k JOIN practitioners p ON p.id = $1 \
         WHERE (k.practitioner_id = p.id OR (k.practitioner_id IS NULL AND k.team_id = p.team_id)) \
         AND k.channel = 'webhook' LIMIT 1"
    };
    Ok(tx.query_opt(sql, &[Val::from(practitioner)])?.is_some())
}
