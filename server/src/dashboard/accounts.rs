//! Manager accounts: created by the administrator, scoped to teams, passwords hashed with
//! argon2id, logins counted and locked out after repeated failures without revealing whether the
//! account exists.

use crate::db::{with_tx, Backend, Val};
use crate::error::ServerError;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::OnceLock;

/// argon2id memory cost in KiB: 19 MiB, with [`ARGON2_ITERATIONS`] passes and one lane — the
/// OWASP Password Storage Cheat Sheet's first recommended configuration (RFC 9106 §4's second
/// choice for memory-constrained hosts). Stored in each hash, so raising it later keeps old
/// hashes verifiable.
pub const ARGON2_MEMORY_KIB: u32 = 19 * 1024;
/// argon2id passes.
pub const ARGON2_ITERATIONS: u32 = 2;
/// argon2id lanes.
pub const ARGON2_LANES: u32 = 1;
/// The shortest password accepted, in characters (NIST SP 800-63B asks at least 8; a manager
/// sees many children's records, so more).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The longest password accepted, in bytes (argon2 hashes any length; this bounds the work).
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Failed logins and lockout.
#[derive(Debug, Clone, Copy)]
pub struct LockoutPolicy {
    /// Consecutive failed logins that lock an account.
    pub max_failures: i64,
    /// How long a locked account stays locked, in milliseconds.
    pub lock_millis: i64,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        Self {
            max_failures: 5,
            lock_millis: 15 * 60 * 1000,
        }
    }
}

fn argon() -> Result<Argon2<'static>, ServerError> {
    let params = Params::new(ARGON2_MEMORY_KIB, ARGON2_ITERATIONS, ARGON2_LANES, None)
        .map_err(|_| ServerError::Internal("argon2 parameters"))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// An argon2id hash (PHC string) of `password` under a fresh random salt.
pub fn hash_password(password: &str) -> Result<String, ServerError> {
    let salt = SaltString::encode_b64(&crate::auth::random_bytes::<16>()?)
        .map_err(|_| ServerError::Internal("argon2 salt"))?;
    Ok(argon()?
        .hash_password(password.as_bytes(), &salt)
        .map_err(|_| ServerError::Internal("argon2 hash"))?
        .to_string())
}

/// Whether `password` matches the stored PHC string (its own parameters are used).
pub fn verify_password(password: &str, stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    argon().is_ok_and(|a| a.verify_password(password.as_bytes(), &parsed).is_ok())
}

/// A hash no password matches, verified when the user name is unknown so an unknown account
/// costs the same time as a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| {
        let mut secret = [0u8; 32];
        let _ = ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut secret);
        hash_password(&hex::encode(secret)).unwrap_or_default()
    })
}

/// A user name as stored: trimmed, lower case; 3 to 64 of `a-z 0-9 . _ -`.
pub fn normalise_username(name: &str) -> Result<String, ServerError> {
    let n = name.trim().to_ascii_lowercase();
    let ok = (3..=64).contains(&n.len())
        && n.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok {
        Ok(n)
    } else {
        Err(ServerError::BadRequest(
            "a user name is 3 to 64 letters, digits, dots, dashes or underscores",
        ))
    }
}

/// Creates a manager of `teams` (at least one, each existing); returns their id.
pub fn create_manager(
    db: &dyn Backend,
    username: &str,
    name: &str,
    password: &str,
    teams: &[String],
    now: i64,
) -> Result<String, ServerError> {
    let username = normalise_username(username)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ServerError::BadRequest(
            "a manager's name is 1 to 200 characters",
        ));
    }
    if password.chars().count() < MIN_PASSWORD_CHARS || password.len() > MAX_PASSWORD_BYTES {
        return Err(ServerError::BadRequest(
            "a password is at least 12 characters (and at most 1024 bytes)",
        ));
    }
    if teams.is_empty() {
        return Err(ServerError::BadRequest(
            "a manager manages at least one team",
        ));
    }
    let hash = hash_password(password)?;
    let id = uuid::Uuid::new_v4().to_string();
    with_tx(db, |tx| {
        if tx
            .query_opt(
                "SELECT 1 FROM managers WHERE username = $1",
                &[Val::Text(username.clone())],
            )?
            .is_some()
        {
            return Err(ServerError::BadRequest("that user name is taken"));
        }
        tx.exec(
            "INSERT INTO managers (id, username, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
            &[
                Val::Text(id.clone()),
                Val::Text(username.clone()),
                Val::from(name),
                Val::Text(hash.clone()),
                Val::Int(now),
            ],
        )?;
        for team in teams {
            if tx
                .query_opt(
                    "SELECT 1 FROM teams WHERE id = $1",
                    &[Val::from(team.as_str())],
                )?
                .is_none()
            {
                return Err(ServerError::NotFound("team"));
            }
            tx.exec(
                "INSERT INTO manager_teams (manager_id, team_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[Val::Text(id.clone()), Val::from(team.as_str())],
            )?;
        }
        Ok(())
    })?;
    Ok(id)
}

/// Checks a login: the manager's id when the user name and password match and the account is not
/// locked; `None` otherwise, whatever the reason (unknown name, wrong password, locked), after
/// the same argon2 work. A wrong password counts towards the account's lockout; the
/// `max_failures`-th in a row locks it for `lock_millis`. CPU-heavy: call off the async runtime.
pub fn check_login(
    db: &dyn Backend,
    username: &str,
    password: &str,
    now: i64,
    policy: LockoutPolicy,
) -> Result<Option<String>, ServerError> {
    let Ok(username) = normalise_username(username) else {
        verify_password(password, decoy_hash());
        return Ok(None);
    };
    let row = with_tx(db, |tx| {
        tx.query_opt(
            "SELECT id, password_hash, locked_until FROM managers WHERE username = $1",
            &[Val::Text(username.clone())],
        )
    })?;
    let Some(row) = row else {
        verify_password(password, decoy_hash());
        return Ok(None);
    };
    let id = row[0].text().unwrap_or_default().to_string();
    let matches = password.len() <= MAX_PASSWORD_BYTES
        && verify_password(password, row[1].text().unwrap_or_default());
    let locked = row[2].int().is_some_and(|until| until > now);
    if locked {
        return Ok(None);
    }
    with_tx(db, |tx| {
        if matches {
            tx.exec(
                "UPDATE managers SET failed_logins = 0, locked_until = NULL WHERE id = $1",
                &[Val::Text(id.clone())],
            )?;
            return Ok(Some(id.clone()));
        }
        let failures = tx
            .query_opt(
                "UPDATE managers SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins",
                &[Val::Text(id.clone())],
            )?
            .and_then(|r| r[0].int())
            .unwrap_or(0);
        if failures >= policy.max_failures {
            tx.exec(
                "UPDATE managers SET failed_logins = 0, locked_until = $1 WHERE id = $2",
                &[
                    Val::Int(now.saturating_add(policy.lock_millis)),
                    Val::Text(id.clone()),
                ],
            )?;
        }
        Ok(None)
    })
}

/// A manager's display name.
pub fn manager_name(db: &dyn Backend, id: &str) -> Result<String, ServerError> {
    with_tx(db, |tx| {
        Ok(tx
            .query_opt("SELECT name FROM managers WHERE id = $1", &[Val::from(id)])?
            .and_then(|r| r[0].text().map(str::to_string))
            .unwrap_or_default())
    })
}
