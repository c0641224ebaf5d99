//! Device enrolment and authentication: one-time codes, per-device bearer tokens stored hashed,
//! expiry and revocation.

use crate::db::{Tx, Val};
use crate::error::ServerError;
use ring::digest::{digest, SHA256};
use ring::rand::{SecureRandom, SystemRandom};

/// How long an enrolment code is valid, by default (24 hours).
pub const CODE_TTL_MILLIS: i64 = 24 * 60 * 60 * 1000;
/// How long a device token is valid, by default (180 days).
pub const TOKEN_TTL_MILLIS: i64 = 180 * 24 * 60 * 60 * 1000;

/// A device that presented a valid token.
#[derive(Debug, Clone)]
pub struct DeviceAuth {
    /// The device's id.
    pub device_id: String,
    /// Its practitioner.
    pub practitioner_id: String,
    /// The practitioner's name (what a note's `author_name` must say).
    pub practitioner_name: String,
}

pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], ServerError> {
    let mut b = [0u8; N];
    SystemRandom::new()
        .fill(&mut b)
        .map_err(|_| ServerError::Internal("random generator failed"))?;
    Ok(b)
}

/// SHA-256 of a high-entropy secret (token or code), hex. Only hashes are stored.
pub fn hash(secret: &str) -> String {
    hex::encode(digest(
        &SHA256,
        secret.trim().to_ascii_uppercase().as_bytes(),
    ))
}

/// A new bearer token: 256 random bits, hex.
pub fn new_token() -> Result<String, ServerError> {
    Ok(hex::encode(random_bytes::<32>()?).to_ascii_uppercase())
}

/// A new enrolment code: 12 characters of Crockford base32 (60 bits), as `XXXX-XXXX-XXXX`.
pub fn new_code() -> Result<String, ServerError> {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let bytes = random_bytes::<12>()?;
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| ALPHABET[(*b as usize) % 32] as char)
        .collect();
    Ok(chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-"))
}

/// Checks a bearer token at `now` (Unix milliseconds).
pub fn authenticate(tx: &mut dyn Tx, token: &str, now: i64) -> Result<DeviceAuth, ServerError> {
    let row = tx
        .query_opt(
            "SELECT d.id, d.practitioner_id, d.expires_at, d.revoked_at, p.name FROM devices d \
             JOIN practitioners p ON p.id = d.practitioner_id WHERE d.token_hash = $1",
            &[Val::Text(hash(token))],
        )?
        .ok_or(ServerError::Unauthorized)?;
    if row[3].int().is_some() {
        return Err(ServerError::Revoked);
    }
    if row[2].int().is_none_or(|exp| exp <= now) {
        return Err(ServerError::Expired);
    }
    // When the device last reached the server: what "not synced for days" and a lone worker's
    // silent phone are computed from.
    tx.exec(
        "UPDATE devices SET last_seen = $1 WHERE id = $2",
        &[Val::Int(now), row[0].clone()],
    )?;
    Ok(DeviceAuth {
        device_id: row[0].text().unwrap_or_default().to_string(),
        practitioner_id: row[1].text().unwrap_or_default().to_string(),
        practitioner_name: row[4].text().unwrap_or_default().to_string(),
    })
}

/// Keeps what an authenticated device said still waits on it after a push (its backlog, shown on
/// the dashboard's devices page) and when it said so.
pub fn note_backlog(
    tx: &mut dyn Tx,
    who: &DeviceAuth,
    waiting: u64,
    now: i64,
) -> Result<(), ServerError> {
    tx.exec(
        "UPDATE devices SET backlog = $1, backlog_at = $2 WHERE id = $3",
        &[
            Val::Int(i64::try_from(waiting).unwrap_or(i64::MAX)),
            Val::Int(now),
            Val::from(who.device_id.as_str()),
        ],
    )?;
    Ok(())
}

/// Redeems a one-time code for a new device; returns the device's id (assigned here, random),
/// its token and the practitioner's id.
///
/// One conditional `UPDATE` claims the code: of any number of concurrent redemptions exactly one
/// changes the row (PostgreSQL re-checks `used_at IS NULL` after waiting for the row lock), so a
/// code enrols one device, on every backend.
pub fn enrol(
    tx: &mut dyn Tx,
    code: &str,
    now: i64,
    token_ttl: i64,
) -> Result<Enrolled, ServerError> {
    let practitioner = tx
        .query_opt(
            "UPDATE enrol_codes SET used_at = $1 WHERE code_hash = $2 AND used_at IS NULL \
             AND expires_at > $1 RETURNING practitioner_id",
            &[Val::Int(now), Val::Text(hash(code))],
        )?
        .and_then(|row| row[0].text().map(str::to_string))
        .ok_or(ServerError::BadCode)?;
    // v4: never the nil id the server signs its own changes with.
    let device_id = uuid::Uuid::new_v4().to_string();
    let token = new_token()?;
    tx.exec(
        "INSERT INTO devices (id, practitioner_id, token_hash, enrolled_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        &[
            Val::Text(device_id.clone()),
            Val::Text(practitioner.clone()),
            Val::Text(hash(&token)),
            Val::Int(now),
            Val::Int(now.saturating_add(token_ttl)),
        ],
    )?;
    Ok(Enrolled {
        device_id,
        token,
        practitioner_id: practitioner,
    })
}

/// A device just enrolled.
#[derive(Debug)]
pub struct Enrolled {
    /// Its id, assigned by the server.
    pub device_id: String,
    /// Its bearer token (returned once, stored hashed).
    pub token: String,
    /// Its practitioner.
    pub practitioner_id: String,
}
