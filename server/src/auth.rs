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
}

fn random_bytes<const N: usize>() -> Result<[u8; N], ServerError> {
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
            "SELECT id, practitioner_id, expires_at, revoked_at FROM devices WHERE token_hash = $1",
            &[Val::Text(hash(token))],
        )?
        .ok_or(ServerError::Unauthorized)?;
    if row[3].int().is_some() {
        return Err(ServerError::Revoked);
    }
    if row[2].int().is_none_or(|exp| exp <= now) {
        return Err(ServerError::Expired);
    }
    Ok(DeviceAuth {
        device_id: row[0].text().unwrap_or_default().to_string(),
        practitioner_id: row[1].text().unwrap_or_default().to_string(),
    })
}

/// Redeems a one-time code for `device_id`; returns the new token and the practitioner's id.
pub fn enrol(
    tx: &mut dyn Tx,
    code: &str,
    device_id: &str,
    now: i64,
    token_ttl: i64,
) -> Result<(String, String), ServerError> {
    let row = tx
        .query_opt(
            "SELECT practitioner_id, expires_at, used_at FROM enrol_codes WHERE code_hash = $1",
            &[Val::Text(hash(code))],
        )?
        .ok_or(ServerError::BadCode)?;
    if row[2].int().is_some() || row[1].int().is_none_or(|exp| exp <= now) {
        return Err(ServerError::BadCode);
    }
    if tx
        .query_opt(
            "SELECT 1 FROM devices WHERE id = $1",
            &[Val::from(device_id)],
        )?
        .is_some()
    {
        return Err(ServerError::BadRequest("this device is already enrolled"));
    }
    let practitioner = row[0].text().unwrap_or_default().to_string();
    tx.exec(
        "UPDATE enrol_codes SET used_at = $1 WHERE code_hash = $2",
        &[Val::Int(now), Val::Text(hash(code))],
    )?;
    let token = new_token()?;
    tx.exec(
        "INSERT INTO devices (id, practitioner_id, token_hash, enrolled_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        &[
            Val::from(device_id),
            Val::Text(practitioner.clone()),
            Val::Text(hash(&token)),
            Val::Int(now),
            Val::Int(now.saturating_add(token_ttl)),
        ],
    )?;
    Ok((token, practitioner))
}
