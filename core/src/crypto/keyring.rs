//! The keyring file: the data key wrapped by each unlock method, and a canary that proves a key
//! belongs to this store. It holds no personal data; everything in it is random or a parameter.

use super::{
    open, random_array, seal, CryptoError, DataKey, KdfParams, KeyId, KeyProvider, Passphrase,
};
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::Path;

/// The keyring's file name inside a store directory.
pub const KEYRING_FILE: &str = "keyring.json";
const FORMAT: u32 = 1;
const CANARY: &[u8] = b"doorstep canary v1";

/// The data key wrapped by a passphrase-derived key.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct PassphraseSlot {
    kdf: KdfParams,
    #[serde(with = "hex::serde")]
    nonce: [u8; 12],
    #[serde(with = "hex::serde")]
    wrapped: Vec<u8>,
}

/// The data key wrapped by the platform key provider.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct ProviderSlot {
    #[serde(with = "hex::serde")]
    wrapped: Vec<u8>,
}

impl ProviderSlot {
    fn wrap(key: &DataKey, provider: &dyn KeyProvider) -> Result<Self, CryptoError> {
        let wrapped = provider
            .wrap_key(key.expose())
            .map_err(|e| CryptoError::KeyProvider(e.0))?;
        Ok(Self { wrapped })
    }
}

/// The on-disk keyring of one store.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Keyring {
    format: u32,
    #[serde(with = "hex::serde")]
    store_id: [u8; 16],
    key_id: KeyId,
    #[serde(with = "hex::serde")]
    canary: Vec<u8>,
    passphrase: Option<PassphraseSlot>,
    provider: Option<ProviderSlot>,
    /// The data key wrapped by a second platform key that needs no user presence, only an
    /// unlocked device: it lets background sync (WorkManager, BGTaskScheduler) open the store
    /// while the app itself stays locked. It never unlocks the app's screens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    background: Option<ProviderSlot>,
    /// While the data key is being rotated: the previous key, sealed by the current one, to open
    /// what is not yet re-sealed. Removed when the rotation is done, and with it the last way to
    /// the old key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    retired: Option<RetiredKey>,
}

/// The previous data key during a rotation, sealed by the current data key.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct RetiredKey {
    key_id: KeyId,
    #[serde(with = "hex::serde")]
    sealed: Vec<u8>,
}

fn retired_aad(store_id: &[u8; 16], current: KeyId, retired: KeyId) -> Vec<u8> {
    let mut aad = b"doorstep.retired.v1".to_vec();
    aad.extend_from_slice(store_id);
    aad.extend_from_slice(&current.0.to_be_bytes());
    aad.extend_from_slice(&retired.0.to_be_bytes());
    aad
}

fn slot_aad(store_id: &[u8; 16], key_id: KeyId, slot: &str) -> Vec<u8> {
    let mut aad = b"doorstep.wrap.v1".to_vec();
    aad.extend_from_slice(store_id);
    aad.extend_from_slice(&key_id.0.to_be_bytes());
    aad.extend_from_slice(slot.as_bytes());
    aad
}

fn canary_aad(store_id: &[u8; 16], key_id: KeyId) -> Vec<u8> {
    let mut aad = b"doorstep.canary.v1".to_vec();
    aad.extend_from_slice(store_id);
    aad.extend_from_slice(&key_id.0.to_be_bytes());
    aad
}

fn kek_key(kek: &[u8; 32]) -> Result<LessSafeKey, CryptoError> {
    UnboundKey::new(&AES_256_GCM, kek)
        .map(LessSafeKey::new)
        .map_err(|_| CryptoError::WrongPassphrase)
}

impl Keyring {
    /// A keyring for a new store, with a canary sealed by `key` and no unlock slots yet.
    pub fn new(store_id: [u8; 16], key_id: KeyId, key: &DataKey) -> Result<Self, CryptoError> {
        Ok(Self {
            format: FORMAT,
            store_id,
            key_id,
            canary: seal(key, &canary_aad(&store_id, key_id), CANARY)?,
            passphrase: None,
            provider: None,
            background: None,
            retired: None,
        })
    }

    /// A keyring for a rotation: `key` (with the next key id) replaces `old`, which stays
    /// reachable, sealed by `key`, until [`Keyring::forget_retired`]. No unlock slots yet (the
    /// background-sync slot is not carried over: it is set up again after the rotation).
    pub fn rotated(&self, key: &DataKey, old: &DataKey) -> Result<Self, CryptoError> {
        let key_id = KeyId(
            self.key_id
                .0
                .checked_add(1)
                .ok_or(CryptoError::MalformedKeyring("key id"))?,
        );
        let mut next = Self::new(self.store_id, key_id, key)?;
        next.retired = Some(RetiredKey {
            key_id: self.key_id,
            sealed: seal(
                key,
                &retired_aad(&self.store_id, key_id, self.key_id),
                old.expose(),
            )?,
        });
        Ok(next)
    }

    /// The previous data key while a rotation is unfinished, opened with the current `key`.
    pub fn retired_key(&self, key: &DataKey) -> Result<Option<(KeyId, DataKey)>, CryptoError> {
        let Some(r) = &self.retired else {
            return Ok(None);
        };
        let plain = open(
            key,
            &retired_aad(&self.store_id, self.key_id, r.key_id),
            &r.sealed,
        )
        .map_err(|_| CryptoError::MalformedKeyring("the retired key does not open"))?;
        Ok(Some((r.key_id, DataKey::from_slice(&plain)?)))
    }

    /// Whether a rotation is unfinished.
    pub fn is_rotating(&self) -> bool {
        self.retired.is_some()
    }

    /// Forgets the previous data key (the rotation is done).
    pub fn forget_retired(&mut self) {
        self.retired = None;
    }

    /// The store id the keyring belongs to.
    pub fn store_id(&self) -> [u8; 16] {
        self.store_id
    }

    /// The id of the data key it wraps.
    pub fn key_id(&self) -> KeyId {
        self.key_id
    }

    /// Whether a passphrase can unlock the store.
    pub fn has_passphrase(&self) -> bool {
        self.passphrase.is_some()
    }

    /// Whether a platform key provider can unlock the store.
    pub fn has_provider(&self) -> bool {
        self.provider.is_some()
    }

    /// Wraps `key` under a key derived from `passphrase` (new random salt), replacing any old slot.
    pub fn set_passphrase(
        &mut self,
        key: &DataKey,
        passphrase: &Passphrase,
    ) -> Result<(), CryptoError> {
        passphrase.check_strength()?;
        let kdf = KdfParams::generate()?;
        let kek = kdf.derive(passphrase)?;
        let nonce = random_array::<12>()?;
        let mut wrapped = key.expose().to_vec();
        kek_key(&kek)?
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(slot_aad(&self.store_id, self.key_id, "passphrase")),
                &mut wrapped,
            )
            .map_err(|_| CryptoError::Tampered)?;
        self.passphrase = Some(PassphraseSlot {
            kdf,
            nonce,
            wrapped,
        });
        Ok(())
    }

    /// Wraps `key` with the platform provider, replacing any old slot.
    pub fn set_provider(
        &mut self,
        key: &DataKey,
        provider: &dyn KeyProvider,
    ) -> Result<(), CryptoError> {
        self.provider = Some(ProviderSlot::wrap(key, provider)?);
        Ok(())
    }

    /// Removes the provider slot (for instance after the platform key was invalidated).
    pub fn clear_provider(&mut self) {
        self.provider = None;
    }

    /// Whether a background-sync key is set up.
    pub fn has_background(&self) -> bool {
        self.background.is_some()
    }

    /// Wraps `key` with the background-sync provider, replacing any old slot.
    pub fn set_background(
        &mut self,
        key: &DataKey,
        provider: &dyn KeyProvider,
    ) -> Result<(), CryptoError> {
        self.background = Some(ProviderSlot::wrap(key, provider)?);
        Ok(())
    }

    /// Removes the background-sync slot.
    pub fn clear_background(&mut self) {
        self.background = None;
    }

    /// Unwraps the data key with the background-sync provider.
    pub fn unlock_with_background(
        &self,
        provider: &dyn KeyProvider,
    ) -> Result<DataKey, CryptoError> {
        let slot = self
            .background
            .as_ref()
            .ok_or(CryptoError::NoSuchSlot("background sync key"))?;
        self.unwrap_slot(slot, provider)
    }

    /// Unwraps the data key with a passphrase; a wrong one is `WrongPassphrase`.
    pub fn unlock_with_passphrase(&self, passphrase: &Passphrase) -> Result<DataKey, CryptoError> {
        let slot = self
            .passphrase
            .as_ref()
            .ok_or(CryptoError::NoSuchSlot("passphrase"))?;
        let kek = slot.kdf.derive(passphrase)?;
        let mut buf = zeroize::Zeroizing::new(slot.wrapped.clone());
        let plain = kek_key(&kek)?
            .open_in_place(
                Nonce::assume_unique_for_key(slot.nonce),
                Aad::from(slot_aad(&self.store_id, self.key_id, "passphrase")),
                &mut buf,
            )
            .map_err(|_| CryptoError::WrongPassphrase)?;
        let key = DataKey::from_slice(plain)?;
        self.check_canary(&key)?;
        Ok(key)
    }

    /// Unwraps the data key with the platform provider.
    pub fn unlock_with_provider(&self, provider: &dyn KeyProvider) -> Result<DataKey, CryptoError> {
        let slot = self
            .provider
            .as_ref()
            .ok_or(CryptoError::NoSuchSlot("key provider"))?;
        self.unwrap_slot(slot, provider)
    }

    fn unwrap_slot(
        &self,
        slot: &ProviderSlot,
        provider: &dyn KeyProvider,
    ) -> Result<DataKey, CryptoError> {
        let plain = provider
            .unwrap_key(&slot.wrapped)
            .map_err(|e| CryptoError::KeyProvider(e.0))?;
        let key = DataKey::from_slice(&plain)?;
        self.check_canary(&key)?;
        Ok(key)
    }

    fn check_canary(&self, key: &DataKey) -> Result<(), CryptoError> {
        match open(key, &canary_aad(&self.store_id, self.key_id), &self.canary) {
            Ok(p) if &p[..] == CANARY => Ok(()),
            _ => Err(CryptoError::WrongKey),
        }
    }

    /// Reads the keyring of the store in `dir`.
    pub fn load(dir: &Path) -> Result<Self, CryptoError> {
        let bytes =
            fs::read(dir.join(KEYRING_FILE)).map_err(|e| CryptoError::Io(e.kind().to_string()))?;
        let ring: Self = serde_json::from_slice(&bytes)
            .map_err(|_| CryptoError::MalformedKeyring("unreadable"))?;
        if ring.format != FORMAT {
            return Err(CryptoError::MalformedKeyring("unknown format"));
        }
        if ring.passphrase.is_none() && ring.provider.is_none() {
            return Err(CryptoError::MalformedKeyring("no key slot"));
        }
        Ok(ring)
    }

    /// Writes the keyring atomically and durably: temporary file, fsync, rename, fsync directory.
    pub fn save(&self, dir: &Path) -> Result<(), CryptoError> {
        if self.passphrase.is_none() && self.provider.is_none() {
            return Err(CryptoError::MalformedKeyring("no key slot"));
        }
        let io = |e: std::io::Error| CryptoError::Io(e.kind().to_string());
        let bytes =
            serde_json::to_vec_pretty(self).map_err(|_| CryptoError::MalformedKeyring("encode"))?;
        let tmp = dir.join(format!("{KEYRING_FILE}.tmp"));
        {
            let mut f = crate::files::create_private_file(&tmp).map_err(io)?;
            f.write_all(&bytes).map_err(io)?;
            f.sync_all().map_err(io)?;
        }
        fs::rename(&tmp, dir.join(KEYRING_FILE)).map_err(io)?;
        File::open(dir).and_then(|d| d.sync_all()).map_err(io)?;
        Ok(())
    }

    /// Crypto-shreds the keyring in `dir`: overwrites the file with random bytes, syncs, removes it.
    pub fn shred(dir: &Path) -> Result<(), CryptoError> {
        let io = |e: std::io::Error| CryptoError::Io(e.kind().to_string());
        let path = dir.join(KEYRING_FILE);
        if let Ok(meta) = fs::metadata(&path) {
            let mut f = OpenOptions::new().write(true).open(&path).map_err(io)?;
            let mut left = meta.len() as usize;
            while left > 0 {
                let chunk = random_array::<256>()?;
                let n = left.min(chunk.len());
                f.write_all(&chunk[..n]).map_err(io)?;
                left -= n;
            }
            f.sync_all().map_err(io)?;
            fs::remove_file(&path).map_err(io)?;
        }
        let _ = fs::remove_file(dir.join(format!("{KEYRING_FILE}.tmp")));
        File::open(dir).and_then(|d| d.sync_all()).map_err(io)?;
        Ok(())
    }
}
