//! Sealed at rest: the sensitive columns (a record's fields and stamps, a change's operation) are
//! stored sealed with AES-256-GCM under a server data key that is never in the database. The
//! additional data binds each value to its column and row, so a sealed value copied to another
//! row does not open. Keys come from a [`KeyProvider`]: a key file (mode 0600) or an environment
//! variable here, a KMS-unwrapped data key elsewhere.

use crate::error::ServerError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use std::path::Path;
use std::sync::Arc;
use zeroize::Zeroizing;

/// The environment variable that may hold the data keys (the key file's format).
pub const KEY_ENV: &str = "DOORSTEP_SERVER_DATA_KEY";

/// Prefix of every sealed value (format version 1).
const PREFIX: &str = "s1.";

/// One data key, ready to seal and open.
pub struct DataKey {
    id: String,
    key: LessSafeKey,
}

impl DataKey {
    /// A key named `id` from 32 secret bytes (the caller zeroizes them).
    pub fn new(id: &str, bytes: &[u8; 32]) -> Result<Self, ServerError> {
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(ServerError::Config("a key id is letters, digits and '-'"));
        }
        let key = UnboundKey::new(&AES_256_GCM, bytes)
            .map_err(|_| ServerError::Config("invalid data key"))?;
        Ok(Self {
            id: id.to_string(),
            key: LessSafeKey::new(key),
        })
    }

    /// The key's id (stored beside each value it sealed).
    pub fn id(&self) -> &str {
        &self.id
    }
}

/// Where the data keys come from: the current key seals, every key it knows opens.
pub trait KeyProvider: Send + Sync {
    /// The key new values are sealed with.
    fn current(&self) -> &DataKey;
    /// The key with this id, if known (older keys stay readable until a rotation re-seals).
    fn by_id(&self, id: &str) -> Option<&DataKey>;
}

/// Data keys held in memory: from a key file, an environment variable, or made up for a test.
pub struct KeyRing {
    current: DataKey,
    older: Vec<DataKey>,
}

impl KeyProvider for KeyRing {
    fn current(&self) -> &DataKey {
        &self.current
    }

    fn by_id(&self, id: &str) -> Option<&DataKey> {
        std::iter::once(&self.current)
            .chain(&self.older)
            .find(|k| k.id == id)
    }
}

fn random<const N: usize>() -> Result<Zeroizing<[u8; N]>, ServerError> {
    let mut b = Zeroizing::new([0u8; N]);
    SystemRandom::new()
        .fill(&mut b[..])
        .map_err(|_| ServerError::Internal("random generator failed"))?;
    Ok(b)
}

/// A new key line: `<id> <64 hex digits>`.
fn new_key_line() -> Result<Zeroizing<String>, ServerError> {
    let id = hex::encode(&random::<6>()?[..]);
    let key = random::<32>()?;
    Ok(Zeroizing::new(format!("{id} {}", hex::encode(&key[..]))))
}

impl KeyRing {
    /// Parses keys, one per line (or separated by `;`): `<id> <64 hex digits>`; the first is
    /// current.
    pub fn parse(text: &str) -> Result<Self, ServerError> {
        let mut keys = Vec::new();
        for line in text
            .split(['\n', ';'])
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            let (id, hex_key) = line
                .split_once(' ')
                .ok_or(ServerError::Config("a key line is '<id> <hex key>'"))?;
            let mut bytes = Zeroizing::new([0u8; 32]);
            hex::decode_to_slice(hex_key.trim(), &mut bytes[..])
                .map_err(|_| ServerError::Config("a data key is 64 hex digits"))?;
            keys.push(DataKey::new(id, &bytes)?);
        }
        let mut keys = keys.into_iter();
        let current = keys.next().ok_or(ServerError::Config("no data key"))?;
        Ok(Self {
            current,
            older: keys.collect(),
        })
    }

    /// Reads the key file at `path`, which only its owner may read or write (mode 0600).
    pub fn from_file(path: &Path) -> Result<Self, ServerError> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path)
                .map_err(|_| ServerError::Config("cannot read the data key file"))?
                .permissions()
                .mode();
            if mode & 0o077 != 0 {
                return Err(ServerError::Config(
                    "the data key file must be readable by its owner only (chmod 600)",
                ));
            }
        }
        let text = Zeroizing::new(
            std::fs::read_to_string(path)
                .map_err(|_| ServerError::Config("cannot read the data key file"))?,
        );
        Self::parse(&text)
    }

    /// Reads the keys from [`KEY_ENV`], if set.
    pub fn from_env() -> Result<Option<Self>, ServerError> {
        match std::env::var(KEY_ENV) {
            Ok(v) => Self::parse(&Zeroizing::new(v)).map(Some),
            Err(_) => Ok(None),
        }
    }

    /// A ring of one random key that lives as long as the process (tests and benchmarks).
    pub fn ephemeral() -> Result<Arc<dyn KeyProvider>, ServerError> {
        let bytes = random::<32>()?;
        let current = DataKey::new("ephemeral", &bytes)?;
        Ok(Arc::new(Self {
            current,
            older: Vec::new(),
        }))
    }

    /// Creates a key file at `path` (mode 0600) with one new key; refuses to overwrite one.
    pub fn create_file(path: &Path) -> Result<(), ServerError> {
        if path.exists() {
            return Err(ServerError::Config("the data key file exists already"));
        }
        write_key_file(path, &new_key_line()?)
    }

    /// Puts a new key first in the key file at `path`, keeping the others for reading; returns
    /// the ring as it now stands.
    pub fn add_new_key(path: &Path) -> Result<Self, ServerError> {
        let old = Zeroizing::new(
            std::fs::read_to_string(path)
                .map_err(|_| ServerError::Config("cannot read the data key file"))?,
        );
        let text = Zeroizing::new(format!("{}\n{}", new_key_line()?.as_str(), old.as_str()));
        write_key_file(path, &text)?;
        Self::from_file(path)
    }

    /// Keeps only the current key in the key file at `path` (after every value was re-sealed).
    pub fn retire_old_keys(path: &Path) -> Result<(), ServerError> {
        let text = Zeroizing::new(
            std::fs::read_to_string(path)
                .map_err(|_| ServerError::Config("cannot read the data key file"))?,
        );
        let first = text.lines().next().unwrap_or_default();
        write_key_file(path, &Zeroizing::new(format!("{first}\n")))
    }
}

/// Writes a key file atomically with mode 0600.
fn write_key_file(path: &Path, text: &str) -> Result<(), ServerError> {
    use std::io::Write;
    let tmp = path.with_extension("tmp");
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let fail = |_| ServerError::Config("cannot write the data key file");
    let mut f = opts.open(&tmp).map_err(fail)?;
    f.write_all(text.as_bytes()).map_err(fail)?;
    f.sync_all().map_err(fail)?;
    std::fs::rename(&tmp, path).map_err(fail)
}

/// Seals and opens column values with a key provider's keys.
#[derive(Clone)]
pub struct Sealer {
    keys: Arc<dyn KeyProvider>,
}

/// The additional data binding a value to its column and row.
fn aad(column: &str, row: &str) -> Vec<u8> {
    let mut a = Vec::with_capacity(24 + column.len() + row.len());
    a.extend_from_slice(b"doorstep.server.v1\0");
    a.extend_from_slice(column.as_bytes());
    a.push(0);
    a.extend_from_slice(row.as_bytes());
    a
}

impl Sealer {
    /// A sealer over `keys`.
    pub fn new(keys: Arc<dyn KeyProvider>) -> Self {
        Self { keys }
    }

    /// `plain` sealed for `column` of row `row`: `s1.<key id>.<base64url(nonce ‖ ciphertext)>`.
    pub fn seal(&self, column: &str, row: &str, plain: &str) -> Result<String, ServerError> {
        let key = self.keys.current();
        let nonce_bytes = random::<NONCE_LEN>()?;
        let mut buf = Vec::with_capacity(NONCE_LEN + plain.len() + 16);
        buf.extend_from_slice(&nonce_bytes[..]);
        buf.extend_from_slice(plain.as_bytes());
        let mut body = buf.split_off(NONCE_LEN);
        key.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(*nonce_bytes),
                Aad::from(aad(column, row)),
                &mut body,
            )
            .map_err(|_| ServerError::Internal("seal"))?;
        buf.extend_from_slice(&body);
        let mut out =
            String::with_capacity(PREFIX.len() + key.id.len() + 1 + buf.len() * 4 / 3 + 4);
        out.push_str(PREFIX);
        out.push_str(&key.id);
        out.push('.');
        URL_SAFE_NO_PAD.encode_string(&buf, &mut out);
        Ok(out)
    }

    /// Opens a value sealed for `column` of row `row`. A value that is not sealed, sealed under
    /// an unknown key, altered, or moved from another row or column does not open.
    pub fn open(&self, column: &str, row: &str, sealed: &str) -> Result<String, ServerError> {
        let bad = || ServerError::Internal("a sealed value does not open");
        let rest = sealed.strip_prefix(PREFIX).ok_or_else(bad)?;
        let (id, b64) = rest.split_once('.').ok_or_else(bad)?;
        let key = self.keys.by_id(id).ok_or_else(bad)?;
        let mut buf = URL_SAFE_NO_PAD.decode(b64).map_err(|_| bad())?;
        if buf.len() < NONCE_LEN + 16 {
            return Err(bad());
        }
        let mut body = buf.split_off(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(&buf).map_err(|_| bad())?;
        let plain = key
            .key
            .open_in_place(nonce, Aad::from(aad(column, row)), &mut body)
            .map_err(|_| bad())?;
        let len = plain.len();
        body.truncate(len);
        String::from_utf8(body).map_err(|_| bad())
    }

    /// Whether `value` was sealed under the current key (a rotation skips it).
    pub fn is_current(&self, value: &str) -> bool {
        value
            .strip_prefix(PREFIX)
            .and_then(|r| r.split_once('.'))
            .is_some_and(|(id, _)| id == self.keys.current().id)
    }

    /// Whether `value` looks sealed at all (an unsealed value is from before sealing).
    pub fn is_sealed(value: &str) -> bool {
        value.starts_with(PREFIX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_opens_only_in_its_own_row_and_column_and_unaltered() {
        let s = Sealer::new(KeyRing::ephemeral().unwrap());
        let sealed = s
            .seal("records.fields", "row-1", "{\"name\":\"Keeley\"}")
            .unwrap();
        assert!(!sealed.contains("Keeley"));
        assert_eq!(
            s.open("records.fields", "row-1", &sealed).unwrap(),
            "{\"name\":\"Keeley\"}"
        );
        assert!(
            s.open("records.fields", "row-2", &sealed).is_err(),
            "moved to another row"
        );
        assert!(
            s.open("changes.op", "row-1", &sealed).is_err(),
            "moved to another column"
        );
        let mut flipped = sealed.clone().into_bytes();
        let last = flipped.len() - 3;
        flipped[last] = if flipped[last] == b'A' { b'B' } else { b'A' };
        let flipped = String::from_utf8(flipped).unwrap();
        assert!(
            s.open("records.fields", "row-1", &flipped).is_err(),
            "altered"
        );
        assert!(
            s.open("records.fields", "row-1", "{\"name\":\"Keeley\"}")
                .is_err(),
            "plain"
        );
        let other = Sealer::new(KeyRing::ephemeral().unwrap());
        assert!(
            other.open("records.fields", "row-1", &sealed).is_err(),
            "another key"
        );
    }

    #[test]
    fn a_key_file_readable_by_others_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data.key");
        KeyRing::create_file(&path).unwrap();
        assert!(KeyRing::from_file(&path).is_ok());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert!(KeyRing::from_file(&path).is_err());
        }
    }
}
