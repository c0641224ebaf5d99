//! Sealed records: every sensitive value is serialised, sealed with the data key and bound to its
//! store, kind, id, key id, format, version, parent and blind tag — everything that is in the clear
//! beside it — and every write updates the store digest in the same transaction.

use super::{digest, outbox, StoreError};
use crate::crypto::{open, seal, DataKey, KeyId, RecordAad, TagKey};
use crate::domain::DeviceId;
use crate::sync::merge::{self, Stamps};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;
use zeroize::Zeroizing;

/// The format version of record bodies written by this build.
pub const RECORD_FORMAT: u32 = 1;

/// Sealed bodies are padded (with JSON white space, which reading ignores) to a multiple of this
/// many bytes, above a floor per kind, so that their length says little about their content.
pub const PAD_STEP: usize = 1024;

/// A copy of `plain` padded with spaces to at least `floor` bytes and then to a multiple of
/// [`PAD_STEP`] (allocated once at its final size, so no unzeroized copy is left behind).
pub fn padded(plain: &[u8], floor: usize) -> Zeroizing<Vec<u8>> {
    let target = plain.len().max(floor).div_ceil(PAD_STEP) * PAD_STEP;
    let mut out = Zeroizing::new(Vec::with_capacity(target));
    out.extend_from_slice(plain);
    out.resize(target, b' ');
    out
}

/// A padded body without its padding (trailing spaces, which JSON ignores): parsing it then does
/// not walk the padding byte by byte.
pub fn unpadded(plain: &[u8]) -> &[u8] {
    let end = plain.iter().rposition(|b| *b != b' ').map_or(0, |i| i + 1);
    &plain[..end]
}

/// A fresh random record version: versions say which sealed copy is current (they are bound into
/// its associated data and the digests) without counting its writes in the clear.
fn random_version() -> Result<i64, StoreError> {
    let bytes = crate::crypto::random_array::<8>()?;
    // Positive and never 0 (a version read back as u64 for the associated data).
    Ok((i64::from_be_bytes(bytes) & i64::MAX).max(1))
}

/// The kinds of record, as stored in the clear `kind` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The device's practitioner.
    Practitioner,
    /// A household.
    Household,
    /// A person.
    Person,
    /// A case.
    Case,
    /// A visit.
    Visit,
    /// A note or amendment.
    Note,
    /// The practitioner's planning settings (calendar, capacity, policy).
    Settings,
    /// The stored visit plan.
    Plan,
    /// A family's copy of a visit summary, as given (kept on the device; the visit records that
    /// it was given).
    FamilySummary,
    /// A visit's answers while it is being recorded (kept on the device, never synced; gone when
    /// the visit is recorded or the practitioner discards it).
    Draft,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 10] = [
        Kind::Practitioner,
        Kind::Household,
        Kind::Person,
        Kind::Case,
        Kind::Visit,
        Kind::Note,
        Kind::Settings,
        Kind::Plan,
        Kind::FamilySummary,
        Kind::Draft,
    ];

    /// Whether changes to this kind are queued for the server (the device's own profile, its
    /// planning settings and its plan stay on the device).
    pub fn syncable(&self) -> bool {
        matches!(
            self,
            Kind::Household | Kind::Person | Kind::Case | Kind::Visit | Kind::Note
        )
    }

    /// Whether records of this kind have no parent (households, the practitioner, settings, the
    /// plan): they form one group per kind.
    pub fn parentless(&self) -> bool {
        matches!(
            self,
            Kind::Practitioner | Kind::Household | Kind::Settings | Kind::Plan
        )
    }

    /// The smallest sealed body of this kind, in bytes of plaintext: every visit is as long as a
    /// completed one with a concern, so its length does not tell its status; a case as long as one
    /// with a few RAG changes.
    fn padded_floor(&self) -> usize {
        match self {
            Kind::Visit | Kind::Draft => 3 * PAD_STEP,
            Kind::Case => 2 * PAD_STEP,
            Kind::Note => PAD_STEP,
            _ => PAD_STEP / 2,
        }
    }

    /// Whether reading one record of this kind checks its group's digest (cases, people and
    /// visits, whose groups are small: a child's cases, a household's people, a case's visits;
    /// and households, one group read once per transaction).
    fn checked_when_read(&self) -> bool {
        matches!(
            self,
            Kind::Case | Kind::Person | Kind::Visit | Kind::Household
        )
    }

    /// The kind with a stored name.
    pub fn from_name(name: &str) -> Option<Self> {
        [
            Kind::Household,
            Kind::Person,
            Kind::Case,
            Kind::Visit,
            Kind::Note,
        ]
        .into_iter()
        .find(|k| k.name() == name)
    }

    /// The stored name.
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Practitioner => "practitioner",
            Kind::Household => "household",
            Kind::Person => "person",
            Kind::Case => "case",
            Kind::Visit => "visit",
            Kind::Note => "note",
            Kind::Settings => "settings",
            Kind::Plan => "plan",
            Kind::FamilySummary => "family_summary",
            Kind::Draft => "draft",
        }
    }
}

/// The unlocked keys. Dropping them zeroizes them.
pub struct Keys {
    /// The data key.
    pub data: DataKey,
    /// The blind-tag key derived from it.
    pub tag: TagKey,
    /// The store-digest key derived from it (prepared once; ring does not zeroize it).
    pub digest: ring::hmac::Key,
    /// Which key it is.
    pub key_id: KeyId,
    /// While the data key is being rotated: the previous key's keys, to open what is not yet
    /// re-sealed.
    pub retired: Option<Box<Keys>>,
}

impl Keys {
    /// Wraps an unlocked data key.
    pub fn new(data: DataKey, key_id: KeyId) -> Self {
        let tag = TagKey::from_data_key(&data);
        let digest = ring::hmac::Key::new(
            ring::hmac::HMAC_SHA256,
            &data.derive(b"doorstep.store-digest.v1")[..],
        );
        Self {
            data,
            tag,
            digest,
            key_id,
            retired: None,
        }
    }

    /// The keys that sealed a record claiming `key_id`: these, or the retired ones.
    fn for_key_id(&self, key_id: i64) -> Option<&Keys> {
        if key_id == i64::from(self.key_id.0) {
            return Some(self);
        }
        self.retired
            .as_deref()
            .filter(|r| key_id == i64::from(r.key_id.0))
    }
}

/// Reads and writes sealed records on one connection (or transaction) with unlocked keys.
pub struct Records<'a> {
    /// The connection or open transaction.
    pub conn: &'a Connection,
    /// The unlocked keys.
    pub keys: &'a Keys,
    /// The store's id.
    pub store_id: [u8; 16],
    /// This device (stamps its changes).
    pub device_id: DeviceId,
    /// Wall-clock time of this action, Unix milliseconds (for the hybrid logical clock).
    pub now_millis: u64,
    /// The store digest and the device clock, read once and written once per transaction.
    pub cache: std::cell::RefCell<TxCache>,
}

/// A record written or removed in a transaction: its kind, id and parent.
pub type Touched = (Kind, [u8; 16], Option<[u8; 16]>);

/// Values every write of a transaction updates, kept in memory until the transaction ends.
#[derive(Default)]
pub struct TxCache {
    /// The store digest, once read; `true` when changed.
    pub digest: Option<([u8; 32], bool)>,
    /// The device clock, once read; `true` when changed.
    pub hlc: Option<(crate::sync::Hlc, bool)>,
    /// Group digests read or changed in this transaction; `true` when changed.
    groups: std::collections::HashMap<digest::GroupKey, (digest::Digest, bool)>,
    /// The queue digest, once read; `true` when changed.
    queue: Option<(digest::Digest, bool)>,
    /// Groups whose rows matched their digest in this transaction (a read transaction sees one
    /// snapshot, so a group checked once need not be read again; a write to it forgets it).
    checked: std::collections::HashSet<digest::GroupKey>,
    /// Records opened by `get` in this transaction, so that updating one of them neither reads
    /// nor decrypts it again. Zeroized when dropped; an entry goes as soon as the record is written.
    opened: std::collections::HashMap<[u8; 16], Opened>,
    /// The clear kind and parent of records read in this transaction (random ids only), so that
    /// finding a change's household does not look them up again.
    parents: std::collections::HashMap<[u8; 16], (&'static str, Option<[u8; 16]>)>,
    /// Every record written or removed in this transaction (kind, id, parent): what the screens
    /// are told changed once it commits.
    pub touched: Vec<Touched>,
}

/// A record's clear kind name and parent id.
pub type KindAndParent = (std::borrow::Cow<'static, str>, Option<[u8; 16]>);

/// The most parents a transaction remembers.
const MAX_PARENTS_KEPT: usize = 64;

/// How many stamps a record carries before they are compacted when written (a few are cheaper to
/// keep than to compact on every write).
const COMPACT_STAMPS_OVER: usize = 8;

/// The most opened records a transaction keeps for a later update.
const MAX_OPENED_KEPT: usize = 16;

/// A record opened in this transaction: where it stands and its plaintext body.
struct Opened {
    kind: Kind,
    version: i64,
    parent: Option<[u8; 16]>,
    tag: Option<[u8; 16]>,
    plain: Zeroizing<Vec<u8>>,
}

/// What a write replaces: the stored version and blind tag of the record.
#[derive(Clone, Copy)]
pub struct Previous {
    version: i64,
    tag: Option<[u8; 16]>,
}

impl From<&RawRecord> for Previous {
    fn from(raw: &RawRecord) -> Self {
        Self {
            version: raw.version,
            tag: raw.tag,
        }
    }
}

impl<'a> Records<'a> {
    /// Records on `conn` with unlocked `keys`.
    pub fn new(
        conn: &'a Connection,
        keys: &'a Keys,
        store_id: [u8; 16],
        device_id: DeviceId,
        now_millis: u64,
    ) -> Self {
        Self {
            conn,
            keys,
            store_id,
            device_id,
            now_millis,
            cache: Default::default(),
        }
    }

    /// Writes what the transaction changed in the digest and the clock. Call before commit.
    pub fn flush(&self) -> Result<(), StoreError> {
        let cache = self.cache.borrow();
        if let Some((acc, true)) = cache.digest {
            digest::save(self.conn, &acc)?;
        }
        if let Some((hlc, true)) = cache.hlc {
            outbox::save_hlc(self, &hlc)?;
        }
        for (g, (acc, changed)) in &cache.groups {
            if *changed {
                digest::group_save(self.conn, g, acc)?;
            }
        }
        if let Some((acc, true)) = cache.queue {
            digest::queue_save(self.conn, &acc)?;
        }
        Ok(())
    }

    /// A group digest as this transaction sees it.
    fn group_value(&self, g: &digest::GroupKey) -> Result<digest::Digest, StoreError> {
        if let Some((acc, _)) = self.cache.borrow().groups.get(g) {
            return Ok(*acc);
        }
        let acc = digest::group_stored(self.conn, g)?;
        self.cache.borrow_mut().groups.insert(*g, (acc, false));
        Ok(acc)
    }

    /// Whether the group `g` was checked in this transaction.
    pub(super) fn is_checked(&self, g: &digest::GroupKey) -> bool {
        self.cache.borrow().checked.contains(g)
    }

    /// Remembers that the group `g` matched its digest in this transaction.
    pub(super) fn mark_checked(&self, g: digest::GroupKey) {
        self.cache.borrow_mut().checked.insert(g);
    }

    /// The group digest `g` as this transaction left it, if it read or changed it.
    pub(super) fn group_in_transaction(&self, g: &digest::GroupKey) -> Option<digest::Digest> {
        self.cache.borrow().groups.get(g).map(|(acc, _)| *acc)
    }

    fn bump_group(&self, g: digest::GroupKey, c: &digest::Digest) -> Result<(), StoreError> {
        let mut acc = self.group_value(&g)?;
        digest::xor_into(&mut acc, c);
        let mut cache = self.cache.borrow_mut();
        cache.groups.insert(g, (acc, true));
        cache.checked.remove(&g);
        Ok(())
    }

    /// Checks that `rows` are exactly the records of the group `g` (of `kind`), as its digest
    /// says: none deleted, added, relabelled, moved or rolled back. `named` is the id reported.
    fn check_group(
        &self,
        kind: Kind,
        g: &digest::GroupKey,
        rows: &[RawRecord],
        named: Option<&[u8; 16]>,
    ) -> Result<(), StoreError> {
        let mut acc = [0u8; 32];
        for raw in rows {
            digest::xor_into(&mut acc, &self.contribution(kind, raw));
        }
        // Through the statement the day list uses too, so a connection compiles one.
        self.check_digests(&[super::lineage::Expected {
            group: *g,
            digest: acc,
            kind,
            named: named.copied(),
        }])
    }

    /// A row's contribution to its digests.
    pub(super) fn contribution(&self, kind: Kind, raw: &RawRecord) -> digest::Digest {
        digest::contribution(
            &self.keys.digest,
            &digest::Member {
                kind: kind.name(),
                id: &raw.id,
                version: raw.version,
                parent: raw.parent.as_ref(),
                tag: raw.tag.as_ref(),
            },
        )
    }

    /// Checks the group of records of `kind` under `parent` against its digest, reading its rows.
    /// A group already checked in this transaction is not read again.
    pub fn check_children(&self, kind: Kind, parent: Option<[u8; 16]>) -> Result<(), StoreError> {
        let g = digest::parent_group(&self.keys.digest, kind.name(), parent.as_ref());
        if self.cache.borrow().checked.contains(&g) {
            return Ok(());
        }
        let rows = raw_members(self.conn, kind, parent)?;
        self.check_group(kind, &g, &rows, parent.as_ref())
    }

    /// Sets the own digest of every record of `kind` from its row (an upgrade to the format with
    /// own digests; call once the rows are checked against their group).
    pub fn add_own_digests(&self, kind: Kind) -> Result<(), StoreError> {
        let key = &self.keys.digest;
        for raw in raw_members(self.conn, kind, None)? {
            let g = digest::own_group(key, kind.name(), &raw.id);
            let c = self.contribution(kind, &raw);
            let mut cache = self.cache.borrow_mut();
            cache.groups.insert(g, (c, true));
            cache.checked.remove(&g);
        }
        Ok(())
    }

    /// Reads and opens the record `id` of `kind` that another record names as a member of the
    /// group under `parent` (a case's child in its household, a case's household): the group is
    /// checked first, so a deleted, relabelled or rolled-back member is `Tampered`, never
    /// `NotFound` or an old copy.
    pub fn get_member<T: DeserializeOwned>(
        &self,
        kind: Kind,
        id: [u8; 16],
        parent: Option<[u8; 16]>,
    ) -> Result<T, StoreError> {
        self.check_children(kind, parent)?;
        self.get(kind, id).map_err(|e| match e {
            StoreError::NotFound { .. } => tampered_id(&id),
            other => other,
        })
    }

    /// The queue digest as this transaction sees it.
    fn queue_value(&self) -> Result<digest::Digest, StoreError> {
        if let Some((acc, _)) = self.cache.borrow().queue {
            return Ok(acc);
        }
        let acc = digest::queue_stored(self.conn)?;
        self.cache.borrow_mut().queue = Some((acc, false));
        Ok(acc)
    }

    /// Replaces a queued operation's state in the queue digest (`None`: not in the queue).
    pub fn bump_queue(
        &self,
        op_id: &[u8],
        old: Option<i64>,
        new: Option<i64>,
    ) -> Result<(), StoreError> {
        let mut acc = self.queue_value()?;
        for state in [old, new].into_iter().flatten() {
            digest::xor_into(
                &mut acc,
                &digest::queued_contribution(&self.keys.digest, op_id, state),
            );
        }
        self.cache.borrow_mut().queue = Some((acc, true));
        Ok(())
    }

    /// Checks that the sync queue holds exactly the operations its digest says: none deleted,
    /// added or put back in another state.
    pub fn check_queue(&self) -> Result<(), StoreError> {
        let mut acc = [0u8; 32];
        let mut stmt = self
            .conn
            .prepare_cached("SELECT op_id, parked FROM outbox")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let op_id: Vec<u8> = row.get(0)?;
            digest::xor_into(
                &mut acc,
                &digest::queued_contribution(&self.keys.digest, &op_id, row.get(1)?),
            );
        }
        if acc == self.queue_value()? {
            Ok(())
        } else {
            Err(StoreError::Tampered {
                record_id: "sync queue".into(),
            })
        }
    }

    /// Remembers the clear kind and parent of a record read in this transaction.
    fn remember_parent(&self, kind: Kind, raw: &RawRecord) {
        let mut cache = self.cache.borrow_mut();
        if cache.parents.len() < MAX_PARENTS_KEPT {
            cache.parents.insert(raw.id, (kind.name(), raw.parent));
        }
    }

    /// A record's clear kind and parent id, from this transaction's reads or the table; `None`
    /// when there is no such record.
    pub fn kind_and_parent(&self, id: &[u8; 16]) -> Result<Option<KindAndParent>, StoreError> {
        if let Some((kind, parent)) = self.cache.borrow().parents.get(id) {
            return Ok(Some(((*kind).into(), *parent)));
        }
        let row = self
            .conn
            .prepare_cached("SELECT kind, parent FROM records WHERE id = ?1")?
            .query_row([&id[..]], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, Option<Vec<u8>>>(1)?))
            })
            .optional()?;
        row.map(|(kind, parent)| Ok((kind.into(), id16(parent)?)))
            .transpose()
    }

    /// Replaces a record's old state (if any) by its new one in the store digest, its parent
    /// group and its tag groups.
    fn bump_digest(
        &self,
        kind: Kind,
        id: &[u8; 16],
        parent: Option<&[u8; 16]>,
        old: Option<(i64, Option<[u8; 16]>)>,
        new: (i64, Option<[u8; 16]>),
    ) -> Result<(), StoreError> {
        let mut members = vec![new];
        members.extend(old);
        self.xor_members(kind, id, parent, &members)
    }

    /// XORs each (version, tag) of one record into the store digest and its groups: adding a
    /// member and taking it out again are the same operation.
    fn xor_members(
        &self,
        kind: Kind,
        id: &[u8; 16],
        parent: Option<&[u8; 16]>,
        members: &[(i64, Option<[u8; 16]>)],
    ) -> Result<(), StoreError> {
        let key = &self.keys.digest;
        let member = |&(version, tag): &(i64, Option<[u8; 16]>)| {
            let c = digest::contribution(
                key,
                &digest::Member {
                    kind: kind.name(),
                    id,
                    version,
                    parent,
                    tag: tag.as_ref(),
                },
            );
            (c, tag)
        };
        let changes: Vec<_> = members.iter().map(member).collect();
        let mut acc = {
            let cache = self.cache.borrow();
            cache.digest.map(|(acc, _)| acc)
        }
        .map_or_else(|| digest::stored(self.conn), Ok)?;
        let g = digest::parent_group(key, kind.name(), parent);
        let own =
            digest::has_own_group(kind.name()).then(|| digest::own_group(key, kind.name(), id));
        for (c, tag) in &changes {
            digest::xor_into(&mut acc, c);
            self.bump_group(g, c)?;
            if let Some(own) = own {
                self.bump_group(own, c)?;
            }
            if let Some(t) = tag {
                self.bump_group(digest::tag_group(key, kind.name(), t), c)?;
            }
        }
        self.cache.borrow_mut().digest = Some((acc, true));
        Ok(())
    }

    /// Removes a record of a kind kept on the device only (never a replicated one: those are
    /// never deleted), taking it out of the store and group digests in the same transaction.
    /// Only a record that opens may be removed: a tampered one stays for `verify`.
    pub fn remove_local(&self, kind: Kind, id: [u8; 16]) -> Result<(), StoreError> {
        if kind.syncable() {
            return Err(StoreError::InvalidState("a shared record is never deleted"));
        }
        let current = self.raw(kind, id)?.ok_or_else(|| not_found(kind, &id))?;
        self.open_plain(kind, &current)?;
        {
            let mut cache = self.cache.borrow_mut();
            cache.opened.remove(&id);
            cache.touched.push((kind, id, current.parent));
        }
        self.conn
            .prepare_cached("DELETE FROM records WHERE id = ?1 AND kind = ?2")?
            .execute(params![&id[..], kind.name()])?;
        self.xor_members(
            kind,
            &id,
            current.parent.as_ref(),
            &[(current.version, current.tag)],
        )
    }
}

/// A record body as sealed: the value and, for replicated kinds, the stamp of each field's last
/// write (`""` holds the stamp of every field not listed).
#[derive(serde::Serialize)]
struct EnvelopeOut<'a> {
    v: &'a Value,
    #[serde(skip_serializing_if = "Stamps::is_empty")]
    s: &'a Stamps,
}

#[derive(serde::Deserialize)]
struct EnvelopeIn<T> {
    v: T,
    #[serde(default)]
    s: Stamps,
}

/// A record body read for its value only: the stamps are skipped, not parsed.
#[derive(serde::Deserialize)]
struct ValueOnly<T> {
    v: T,
}

/// A record's clear columns and sealed body, as read from the table.
#[derive(Clone)]
pub struct RawRecord {
    /// The id.
    pub id: [u8; 16],
    /// The sealed body.
    pub body: Vec<u8>,
    /// The key id it claims.
    pub key_id: i64,
    /// The format it claims.
    pub format: i64,
    /// The version it claims.
    pub version: i64,
    /// The parent it claims.
    pub parent: Option<[u8; 16]>,
    /// The blind tag it claims.
    pub tag: Option<[u8; 16]>,
}

pub(super) const RAW_COLUMNS: &str = "id, body, key_id, format, version, parent, tag";
/// The columns a group digest covers (the body read as an empty blob).
pub(super) const MEMBER_COLUMNS: &str = "id, X'' AS body, key_id, format, version, parent, tag";

struct Place<'a> {
    kind: Kind,
    id: &'a [u8; 16],
    key_id: KeyId,
    format: u32,
    version: u64,
    parent: Option<&'a [u8; 16]>,
    tag: Option<&'a [u8; 16]>,
}

impl Records<'_> {
    fn aad(&self, p: &Place<'_>) -> Vec<u8> {
        RecordAad {
            store_id: &self.store_id,
            table: p.kind.name(),
            record_id: p.id,
            key_id: p.key_id,
            schema_version: p.format,
            version: p.version,
            parent: p.parent,
            tag: p.tag,
        }
        .encode()
    }

    fn seal_value(
        &self,
        place: &Place<'_>,
        value: &Value,
        stamps: &Stamps,
    ) -> Result<Vec<u8>, StoreError> {
        let plain = Zeroizing::new(
            serde_json::to_vec(&EnvelopeOut {
                v: value,
                s: stamps,
            })
            .map_err(|_| StoreError::Io("could not encode a record".into()))?,
        );
        let padded = padded(&plain, place.kind.padded_floor());
        Ok(seal(&self.keys.data, &self.aad(place), &padded)?)
    }

    /// Opens a raw record of `kind`; any failure names the record as tampered.
    pub fn open_raw<T: DeserializeOwned>(
        &self,
        kind: Kind,
        raw: &RawRecord,
    ) -> Result<T, StoreError> {
        let plain = self.open_plain(kind, raw)?;
        serde_json::from_slice::<ValueOnly<T>>(unpadded(&plain))
            .map(|e| e.v)
            .map_err(|_| tampered(raw))
    }

    /// Opens a raw record with its per-field stamps.
    pub fn open_envelope<T: DeserializeOwned>(
        &self,
        kind: Kind,
        raw: &RawRecord,
    ) -> Result<(T, Stamps), StoreError> {
        let plain = self.open_plain(kind, raw)?;
        let env: EnvelopeIn<T> =
            serde_json::from_slice(unpadded(&plain)).map_err(|_| tampered(raw))?;
        Ok((env.v, env.s))
    }

    /// Authenticates and decrypts a raw record's body.
    fn open_plain(&self, kind: Kind, raw: &RawRecord) -> Result<Zeroizing<Vec<u8>>, StoreError> {
        let keys = self
            .keys
            .for_key_id(raw.key_id)
            .filter(|_| raw.format == i64::from(RECORD_FORMAT))
            .ok_or_else(|| tampered(raw))?;
        let version = u64::try_from(raw.version).map_err(|_| tampered(raw))?;
        let place = Place {
            kind,
            id: &raw.id,
            key_id: keys.key_id,
            format: RECORD_FORMAT,
            version,
            parent: raw.parent.as_ref(),
            tag: raw.tag.as_ref(),
        };
        open(&keys.data, &self.aad(&place), &raw.body).map_err(|_| tampered(raw))
    }

    /// Opens a value sealed beside the records (a queued operation, the clock, the sync
    /// configuration) with the data key, or during a rotation the retired one.
    pub fn open_sealed(&self, aad: &[u8], sealed: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        open(&self.keys.data, aad, sealed).ok().or_else(|| {
            self.keys
                .retired
                .as_ref()
                .and_then(|r| open(&r.data, aad, sealed).ok())
        })
    }

    /// Re-seals a record opened with the retired key under the current one (a rotation): a new
    /// version, the given day tag (computed with the current key), the same value and stamps. The
    /// digests are rebuilt once every record is re-sealed.
    pub fn reseal(
        &self,
        kind: Kind,
        raw: &RawRecord,
        tag: Option<[u8; 16]>,
    ) -> Result<(), StoreError> {
        let (value, stamps) = self.open_envelope::<Value>(kind, raw)?;
        let version = random_version()?;
        let place = Place {
            kind,
            id: &raw.id,
            key_id: self.keys.key_id,
            format: RECORD_FORMAT,
            version: version as u64,
            parent: raw.parent.as_ref(),
            tag: tag.as_ref(),
        };
        let body = self.seal_value(&place, &value, &stamps)?;
        self.conn
            .prepare_cached(
                "UPDATE records SET body = ?1, key_id = ?2, version = ?3, tag = ?4 WHERE id = ?5",
            )?
            .execute(params![
                body,
                self.keys.key_id.0,
                version,
                tag.as_ref().map(|t| &t[..]),
                &raw.id[..]
            ])?;
        Ok(())
    }

    /// The raw row of one record, if it exists.
    pub fn raw(&self, kind: Kind, id: [u8; 16]) -> Result<Option<RawRecord>, StoreError> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {RAW_COLUMNS} FROM records WHERE id = ?1 AND kind = ?2"
            ))?
            .query_row(params![&id[..], kind.name()], row_to_raw)
            .optional()?
            .transpose()
    }

    /// Inserts a new sealed record (version 1). A replicated kind's change is queued for the
    /// server in the same transaction.
    pub fn insert<T: Serialize>(
        &self,
        kind: Kind,
        id: [u8; 16],
        parent: Option<[u8; 16]>,
        tag: Option<[u8; 16]>,
        value: &T,
    ) -> Result<(), StoreError> {
        let value = to_value(value)?;
        let mut stamps = Stamps::new();
        if kind.syncable() {
            let hlc = outbox::next_hlc(self)?;
            stamps.insert(String::new(), hlc);
            // A note never changes: its operation reads it when sent instead of copying it.
            let delta = (kind != Kind::Note).then(|| merge::diff(kind.name(), None, &value, hlc));
            outbox::enqueue(self, kind, id, parent, &value, delta, hlc)?;
        }
        self.write_row(kind, id, parent, tag, &value, &stamps, None)
    }

    /// Re-seals an existing record with a new value and the next version (a fresh single-use key
    /// every time). Its parent never changes; its tag may. A replicated kind's changed fields are
    /// stamped and queued for the server in the same transaction.
    pub fn update<T: Serialize>(
        &self,
        kind: Kind,
        id: [u8; 16],
        tag: Option<[u8; 16]>,
        value: &T,
    ) -> Result<(), StoreError> {
        let cached = self.cache.borrow_mut().opened.remove(&id);
        let opened = match cached {
            Some(o) if o.kind == kind => o,
            _ => {
                let current = self.raw(kind, id)?.ok_or_else(|| not_found(kind, &id))?;
                // Only a record that opens may be overwritten: a tampered record stays for `verify`.
                let plain = self.open_plain(kind, &current)?;
                Opened {
                    kind,
                    version: current.version,
                    parent: current.parent,
                    tag: current.tag,
                    plain,
                }
            }
        };
        let env: EnvelopeIn<Value> =
            serde_json::from_slice(unpadded(&opened.plain)).map_err(|_| StoreError::Tampered {
                record_id: uuid::Uuid::from_bytes(id).to_string(),
            })?;
        let (old, mut stamps) = (env.v, env.s);
        let value = to_value(value)?;
        if kind.syncable() {
            let hlc = outbox::next_hlc(self)?;
            let delta = merge::diff(kind.name(), Some(&old), &value, hlc);
            if !delta.is_empty() {
                for k in delta.keys() {
                    stamps.insert(k.clone(), hlc);
                }
                outbox::enqueue(self, kind, id, opened.parent, &value, Some(delta), hlc)?;
            }
        }
        self.write_row(
            kind,
            id,
            opened.parent,
            tag,
            &value,
            &stamps,
            Some(Previous {
                version: opened.version,
                tag: opened.tag,
            }),
        )
    }

    /// Writes a record's value and stamps as they are (a change that came from the server: it is
    /// not queued again). Inserts when `previous` is `None`.
    #[allow(clippy::too_many_arguments)]
    pub fn write_row(
        &self,
        kind: Kind,
        id: [u8; 16],
        parent: Option<[u8; 16]>,
        tag: Option<[u8; 16]>,
        value: &Value,
        stamps: &Stamps,
        previous: Option<Previous>,
    ) -> Result<(), StoreError> {
        {
            let mut cache = self.cache.borrow_mut();
            cache.opened.remove(&id);
            cache.touched.push((kind, id, parent));
        }
        let mut version = random_version()?;
        if previous.is_some_and(|p| p.version == version) {
            version = random_version()?;
        }
        let place = Place {
            kind,
            id: &id,
            key_id: self.keys.key_id,
            format: RECORD_FORMAT,
            version: version as u64,
            parent: parent.as_ref(),
            tag: tag.as_ref(),
        };
        // Many fields stamped one by one (a completed visit's outcome, a record merged from the
        // server) are stored in their smallest form: the stamp most fields carry is the default.
        let stamps = if stamps.len() > COMPACT_STAMPS_OVER {
            std::borrow::Cow::Owned(merge::compact_stamps(kind.name(), value, stamps))
        } else {
            std::borrow::Cow::Borrowed(stamps)
        };
        let body = self.seal_value(&place, value, &stamps)?;
        let kind_name = kind.name();
        match previous {
            Some(p) => {
                // The blind tag is set only when it changes, so its index is not rewritten for
                // nothing on every update.
                let new_tag = tag.as_ref().map(|t| &t[..]);
                let key_id = self.keys.key_id.0;
                let mut values: Vec<&dyn rusqlite::ToSql> =
                    vec![&body, &key_id, &RECORD_FORMAT, &version, &id, &kind_name];
                let set_tag = if p.tag == tag {
                    ""
                } else {
                    values.push(&new_tag);
                    ", tag = ?7"
                };
                self.conn
                    .prepare_cached(&format!(
                        "UPDATE records SET body = ?1, key_id = ?2, format = ?3, version = ?4\
                         {set_tag} WHERE id = ?5 AND kind = ?6"
                    ))?
                    .execute(rusqlite::params_from_iter(values))?;
            }
            None => {
                self.conn
                .prepare_cached(
                    "INSERT INTO records (id, kind, parent, tag, key_id, format, version, body) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?
                .execute(params![
                    &id[..],
                    kind.name(),
                    parent.as_ref().map(|p| &p[..]),
                    tag.as_ref().map(|t| &t[..]),
                    self.keys.key_id.0,
                    RECORD_FORMAT,
                    version,
                    body
                ])?;
            }
        }
        self.bump_digest(
            kind,
            &id,
            parent.as_ref(),
            previous.map(|p| (p.version, p.tag)),
            (version, tag),
        )
    }

    /// Reads and opens one record.
    pub fn get<T: DeserializeOwned>(&self, kind: Kind, id: [u8; 16]) -> Result<T, StoreError> {
        let raw = self
            .conn
            .prepare_cached(&format!(
                "SELECT {RAW_COLUMNS} FROM records WHERE id = ?1 AND kind = ?2"
            ))?
            .query_row(params![&id[..], kind.name()], row_to_raw)
            .optional()?;
        let Some(raw) = raw else {
            return Err(self.missing(kind, &id)?);
        };
        let raw = raw?;
        let plain = self.open_plain(kind, &raw)?;
        if kind.checked_when_read() {
            // This copy must be the current one: its siblings and it match their group digest.
            self.check_children(kind, raw.parent)?;
        }
        self.remember_parent(kind, &raw);
        let value = serde_json::from_slice::<ValueOnly<T>>(unpadded(&plain))
            .map(|e| e.v)
            .map_err(|_| tampered(&raw))?;
        let mut cache = self.cache.borrow_mut();
        // A user action opens a handful of records; a long read (a caseload, the planner) opens
        // many and updates none, and need not keep their plaintext.
        if cache.opened.len() < MAX_OPENED_KEPT {
            cache.opened.insert(
                id,
                Opened {
                    kind,
                    version: raw.version,
                    parent: raw.parent,
                    tag: raw.tag,
                    plain,
                },
            );
        }
        Ok(value)
    }

    /// Why the record `id` of `kind` cannot be read: `Tampered` when a row with that id is there
    /// under another kind (relabelled), otherwise `NotFound`.
    fn missing(&self, kind: Kind, id: &[u8; 16]) -> Result<StoreError, StoreError> {
        let there = self
            .conn
            .prepare_cached("SELECT 1 FROM records WHERE id = ?1")?
            .exists([&id[..]])?;
        // A record with a digest of its own (a household) that is gone was deleted.
        let owned = digest::has_own_group(kind.name())
            && self.group_value(&digest::own_group(&self.keys.digest, kind.name(), id))?
                != [0u8; 32];
        Ok(if there || owned {
            tampered_id(id)
        } else {
            not_found(kind, id)
        })
    }

    /// Opens every record of `kind` (under `parent`, if given), in insertion order.
    pub fn list<T: DeserializeOwned>(
        &self,
        kind: Kind,
        parent: Option<[u8; 16]>,
    ) -> Result<Vec<T>, StoreError> {
        let rows = raw_list(self.conn, kind, parent)?;
        if parent.is_some() || kind.parentless() {
            let g = digest::parent_group(&self.keys.digest, kind.name(), parent.as_ref());
            self.check_group(kind, &g, &rows, parent.as_ref())?;
        }
        rows.iter()
            .map(|raw| {
                let value = self.open_raw(kind, raw)?;
                self.remember_parent(kind, raw);
                Ok(value)
            })
            .collect()
    }

    /// The blind tag for a label and value (e.g. a visit's local day).
    pub fn tag(&self, label: &str, value: &str) -> [u8; 16] {
        self.keys.tag.tag(label, value)
    }
}

/// Every record of `kind` (under `parent`, if given) without opening them, in insertion order.
pub fn raw_list(
    conn: &Connection,
    kind: Kind,
    parent: Option<[u8; 16]>,
) -> Result<Vec<RawRecord>, StoreError> {
    raw_select(conn, kind, parent, RAW_COLUMNS, "ORDER BY seq")
}

/// The clear columns of every record of `kind` (under `parent`, if given), bodies left empty and
/// in no particular order: what a group's digest covers, without copying the sealed bodies.
fn raw_members(
    conn: &Connection,
    kind: Kind,
    parent: Option<[u8; 16]>,
) -> Result<Vec<RawRecord>, StoreError> {
    raw_select(conn, kind, parent, MEMBER_COLUMNS, "")
}

fn raw_select(
    conn: &Connection,
    kind: Kind,
    parent: Option<[u8; 16]>,
    columns: &str,
    order: &str,
) -> Result<Vec<RawRecord>, StoreError> {
    let mut out = Vec::new();
    match parent {
        Some(p) => {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {columns} FROM records WHERE kind = ?1 AND parent = ?2 {order}"
            ))?;
            for raw in stmt.query_map(params![kind.name(), &p[..]], row_to_raw)? {
                out.push(raw??);
            }
        }
        None => {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {columns} FROM records WHERE kind = ?1 {order}"
            ))?;
            for raw in stmt.query_map(params![kind.name()], row_to_raw)? {
                out.push(raw??);
            }
        }
    }
    Ok(out)
}

fn id16(v: Option<Vec<u8>>) -> Result<Option<[u8; 16]>, StoreError> {
    v.map(|v| {
        <[u8; 16]>::try_from(v.as_slice()).map_err(|_| StoreError::Corrupt {
            detail: "a record id has the wrong length".into(),
        })
    })
    .transpose()
}

pub(super) fn row_to_raw(
    row: &rusqlite::Row<'_>,
) -> rusqlite::Result<Result<RawRecord, StoreError>> {
    row_to_raw_at(row, 0)
}

/// A raw record from the row's columns `id, body, key_id, format, version, parent, tag`, the
/// first at index `at`.
pub fn row_to_raw_at(
    row: &rusqlite::Row<'_>,
    at: usize,
) -> rusqlite::Result<Result<RawRecord, StoreError>> {
    let id: Vec<u8> = row.get(at)?;
    let body: Vec<u8> = row.get(at + 1)?;
    let key_id: i64 = row.get(at + 2)?;
    let format: i64 = row.get(at + 3)?;
    let version: i64 = row.get(at + 4)?;
    let parent: Option<Vec<u8>> = row.get(at + 5)?;
    let tag: Option<Vec<u8>> = row.get(at + 6)?;
    Ok((|| {
        Ok(RawRecord {
            id: id16(Some(id))?.ok_or(StoreError::Corrupt {
                detail: "a record has no id".into(),
            })?,
            body,
            key_id,
            format,
            version,
            parent: id16(parent)?,
            tag: id16(tag)?,
        })
    })())
}

fn tampered(raw: &RawRecord) -> StoreError {
    tampered_id(&raw.id)
}

pub(super) fn tampered_id(id: &[u8; 16]) -> StoreError {
    StoreError::Tampered {
        record_id: uuid::Uuid::from_bytes(*id).to_string(),
    }
}

fn to_value<T: Serialize>(value: &T) -> Result<Value, StoreError> {
    serde_json::to_value(value).map_err(|_| StoreError::Io("could not encode a record".into()))
}

fn not_found(kind: Kind, id: &[u8; 16]) -> StoreError {
    StoreError::NotFound {
        kind: kind.name(),
        id: uuid::Uuid::from_bytes(*id).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::{padded, unpadded, PAD_STEP};
    use proptest::prelude::*;

    proptest! {
        /// Padding taken off gives back exactly the JSON that was padded (a JSON text never ends
        /// with a space), whatever its length and the kind's floor.
        #[test]
        fn unpadded_gives_back_the_padded_json(text in ".{0,3000}", floor in 0usize..4 * PAD_STEP) {
            let json = serde_json::to_vec(&serde_json::json!({ "v": text })).unwrap();
            let sealed = padded(&json, floor);
            prop_assert_eq!(sealed.len() % PAD_STEP, 0);
            prop_assert_eq!(unpadded(&sealed), &json[..]);
        }
    }
}
