//! Manager sessions: a random 256-bit id in a cookie (`HttpOnly`, `SameSite=Strict`, `Secure`
//! unless configured off for loopback tests), stored server-side only as its SHA-256, with an
//! idle and an absolute expiry, a synchronizer CSRF token each, and logout.

use crate::auth::random_bytes;
use crate::db::{with_tx, Backend, Val};
use crate::error::ServerError;
use base64::Engine;
use ring::digest::{digest, SHA256};
use subtle::ConstantTimeEq;

/// Session lifetimes and the cookie's `Secure` attribute.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    /// Mark the cookie `Secure` (and name it with the `__Host-` prefix). Only a server on
    /// loopback may turn this off (tests, the demo): the CLI refuses otherwise.
    pub secure_cookies: bool,
    /// A session unused this long ends, in milliseconds.
    pub idle_millis: i64,
    /// A session ends this long after login whatever its use, in milliseconds.
    pub absolute_millis: i64,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            secure_cookies: true,
            idle_millis: 30 * 60 * 1000,
            absolute_millis: 8 * 60 * 60 * 1000,
        }
    }
}

impl SessionPolicy {
    /// The session cookie's name.
    pub fn cookie_name(&self) -> &'static str {
        if self.secure_cookies {
            "__Host-doorstep_session"
        } else {
            "doorstep_session"
        }
    }

    /// The login form's CSRF cookie's name.
    pub fn login_cookie_name(&self) -> &'static str {
        if self.secure_cookies {
            "__Host-doorstep_login"
        } else {
            "doorstep_login"
        }
    }

    /// A `Set-Cookie` value for `name=value` with the session's attributes; `max_age` seconds
    /// (0 deletes it).
    pub fn set_cookie(&self, name: &str, value: &str, max_age: i64) -> String {
        let secure = if self.secure_cookies { "; Secure" } else { "" };
        format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}")
    }
}

/// A logged-in manager's session.
#[derive(Debug, Clone)]
pub struct Session {
    /// The manager.
    pub manager_id: String,
    /// The synchronizer token every form of this session carries.
    pub csrf: String,
}

/// 32 random bytes, base64url without padding (43 characters).
pub fn random_token() -> Result<String, ServerError> {
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<32>()?))
}

fn id_hash(id: &str) -> String {
    hex::encode(digest(&SHA256, id.as_bytes()))
}

/// Whether two tokens are equal, in time independent of where they differ.
pub fn tokens_match(a: &str, b: &str) -> bool {
    !a.is_empty() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Starts a session for `manager`: returns the cookie's value (never stored) and the session.
pub fn start(db: &dyn Backend, manager: &str, now: i64) -> Result<(String, Session), ServerError> {
    let id = random_token()?;
    let csrf = random_token()?;
    with_tx(db, |tx| {
        tx.exec(
            "INSERT INTO manager_sessions (id_hash, manager_id, csrf, created_at, last_seen) VALUES ($1, $2, $3, $4, $4)",
            &[
                Val::Text(id_hash(&id)),
                Val::from(manager),
                Val::Text(csrf.clone()),
                Val::Int(now),
            ],
        )
    })?;
    Ok((
        id,
        Session {
            manager_id: manager.to_string(),
            csrf,
        },
    ))
}

/// The live session a cookie names, its idle clock restarted; `None` when unknown, ended, idle
/// too long or too old (an expired session is ended).
pub fn find(
    db: &dyn Backend,
    cookie: &str,
    now: i64,
    policy: SessionPolicy,
) -> Result<Option<Session>, ServerError> {
    if cookie.len() != 43 {
        return Ok(None);
    }
    let key = id_hash(cookie);
    with_tx(db, |tx| {
        let Some(row) = tx.query_opt(
            "SELECT manager_id, csrf, created_at, last_seen FROM manager_sessions WHERE id_hash = $1 AND ended_at IS NULL",
            &[Val::Text(key.clone())],
        )?
        else {
            return Ok(None);
        };
        let created = row[2].int().unwrap_or(0);
        let last = row[3].int().unwrap_or(0);
        if now - last > policy.idle_millis || now - created > policy.absolute_millis {
            tx.exec(
                "UPDATE manager_sessions SET ended_at = $1 WHERE id_hash = $2",
                &[Val::Int(now), Val::Text(key.clone())],
            )?;
            return Ok(None);
        }
        tx.exec(
            "UPDATE manager_sessions SET last_seen = $1 WHERE id_hash = $2",
            &[Val::Int(now), Val::Text(key.clone())],
        )?;
        Ok(Some(Session {
            manager_id: row[0].text().unwrap_or_default().to_string(),
            csrf: row[1].text().unwrap_or_default().to_string(),
        }))
    })
}

/// Ends the session a cookie names (logout).
pub fn end(db: &dyn Backend, cookie: &str, now: i64) -> Result<(), ServerError> {
    let key = id_hash(cookie);
    with_tx(db, |tx| {
        tx.exec(
            "UPDATE manager_sessions SET ended_at = $1 WHERE id_hash = $2 AND ended_at IS NULL",
            &[Val::Int(now), Val::Text(key.clone())],
        )
    })?;
    Ok(())
}
