//! The sync engine on the device: enrolment, push of the outbox in batches, pull of the changes
//! since the server cursor, merge of what arrives, retries with backoff and `Retry-After`, and the
//! queue's status. Every step commits durably before the next, so a kill or a dropped connection
//! at any point loses nothing and duplicates nothing: the server deduplicates by operation id, an
//! acknowledgement and the removal of its queue entry commit together, and the pull cursor
//! advances only in the transaction that applies the page.

use super::db::{meta_get, meta_set};
use super::outbox::{self, Parked, QueuedOp};
use super::records::{Kind, Records};
use super::{Store, StoreError};
use crate::crypto::seal;
use crate::domain::{
    Agency, Case, DeviceId, Household, Note, Person, Practitioner, PractitionerId, Visit,
};
use crate::sync::merge;
use crate::sync::protocol::{
    EnrolRequest, EnrolResponse, ErrorBody, OpResult, Operation, PullResponse, PushRequest,
    PushResponse,
};
use crate::sync::transport::{check_server_url, HttpRequest, HttpResponse, Method, Transport};
use crate::time::local_date;
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use zeroize::Zeroizing;

/// What the server said when the device enrolled.
#[derive(Clone)]
pub struct Enrolment {
    /// The server's base URL.
    pub server_url: String,
    /// The device's bearer token (secret).
    pub token: Zeroizing<String>,
    /// The device id the server registered.
    pub device_id: DeviceId,
    /// The practitioner.
    pub practitioner_id: PractitionerId,
    /// Their name.
    pub name: String,
    /// Their agency.
    pub agency: Agency,
}

impl std::fmt::Debug for Enrolment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Enrolment")
            .field("device_id", &self.device_id)
            .finish_non_exhaustive()
    }
}

/// How hard to try.
#[derive(Debug, Clone, Copy)]
pub struct SyncOptions {
    /// Operations per push.
    pub push_batch: usize,
    /// Changes per pull page.
    pub pull_page: u32,
    /// Attempts per request before giving up for now.
    pub max_attempts: u32,
    /// First retry delay (doubled each time, with jitter).
    pub base_delay: Duration,
    /// Longest delay between attempts (also caps `Retry-After`).
    pub max_delay: Duration,
}

impl SyncOptions {
    /// For the phones: a few quick attempts, then the platform's scheduler (WorkManager,
    /// BGTaskScheduler) retries later with its own backoff, so a sync never holds a background
    /// slot or a "Sync now" spinner for minutes.
    pub fn phone() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(5),
            ..Self::default()
        }
    }
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            push_batch: 200,
            pull_page: 500,
            max_attempts: 6,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(60),
        }
    }
}

/// Tells the store's change observer that the sync status changed when a sync ends.
struct SyncEndTold<'a>(&'a Store);

impl Drop for SyncEndTold<'_> {
    fn drop(&mut self) {
        self.0.tell(&super::DataChanges {
            sync: true,
            ..Default::default()
        });
    }
}

/// Progress of a sync, for a progress bar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct SyncProgress {
    /// Operations the server has accepted (or already had) in this sync.
    pub sent: u64,
    /// Changes received in this sync.
    pub received: u64,
    /// Operations still queued (not parked).
    pub remaining: u64,
}

/// Told about progress as a sync goes.
pub trait SyncObserver: Send + Sync {
    /// Called after each batch or page.
    fn progress(&self, progress: SyncProgress);
}

/// The result of a sync.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SyncReport {
    /// Progress at the end.
    pub progress: SyncProgress,
    /// Operations the server refused this time (parked with the reason).
    pub parked: u64,
    /// Changes from the server that could not be applied (malformed); skipped and counted.
    pub skipped: u64,
    /// Operations held back because the device's clock is ahead of the server's: they stay queued
    /// and go once the date is corrected.
    pub held: u64,
}

/// The queue as the practitioner sees it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct QueueStatus {
    /// Whether the device is enrolled.
    pub enrolled: bool,
    /// Operations waiting to be sent.
    pub pending: u64,
    /// Operations the server refused: they need attention.
    pub parked: Vec<QueuedOp>,
    /// When the last sync finished (UTC).
    pub last_sync: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct SyncConfig {
    server_url: String,
    token: String,
}

fn config_aad(store_id: &[u8; 16]) -> Vec<u8> {
    let mut a = b"doorstep.sync-config.v1".to_vec();
    a.extend_from_slice(store_id);
    a
}

fn last_sync_aad(store_id: &[u8; 16]) -> Vec<u8> {
    let mut a = b"doorstep.last-sync.v1".to_vec();
    a.extend_from_slice(store_id);
    a
}

/// When the last sync finished, sealed (a time in the clear would say when the practitioner was
/// last in signal); an earlier build's clear value is still read.
fn last_sync(r: &Records<'_>) -> Result<Option<chrono::DateTime<chrono::Utc>>, StoreError> {
    let Some(v) = meta_get(r.conn, "last_sync")? else {
        return Ok(None);
    };
    let plain = match r.open_sealed(&last_sync_aad(&r.store_id), &v) {
        Some(p) => p.to_vec(),
        None => v,
    };
    Ok(<[u8; 8]>::try_from(plain.as_slice())
        .ok()
        .and_then(|b| chrono::DateTime::from_timestamp_millis(i64::from_be_bytes(b))))
}

fn save_last_sync(r: &Records<'_>, millis: i64) -> Result<(), StoreError> {
    meta_set(
        r.conn,
        "last_sync",
        &seal(
            &r.keys.data,
            &last_sync_aad(&r.store_id),
            &millis.to_be_bytes(),
        )?,
    )
}

/// Enrols this device with a server using a one-time code. The store is then created with
/// [`Store::create_enrolled`].
pub fn enrol(
    transport: &dyn Transport,
    server_url: &str,
    code: &str,
) -> Result<Enrolment, StoreError> {
    let server_url = check_server_url(server_url)?;
    let body = serde_json::to_vec(&EnrolRequest {
        code: code.trim().to_string(),
        device_id: None,
    })
    .map_err(|_| StoreError::Protocol("encode".into()))?;
    let resp = transport
        .send(HttpRequest {
            method: Method::Post,
            url: format!("{server_url}/v1/enrol"),
            headers: vec![("content-type".into(), "application/json".into())],
            body,
        })
        .map_err(|e| StoreError::Offline(e.to_string()))?;
    if resp.status == 403 {
        return Err(StoreError::Unauthorized(
            "the enrolment code is not valid".into(),
        ));
    }
    if resp.status != 200 {
        return Err(StoreError::Protocol(format!("status {}", resp.status)));
    }
    let e: EnrolResponse = serde_json::from_slice(&resp.body)
        .map_err(|_| StoreError::Protocol("enrolment answer".into()))?;
    Ok(Enrolment {
        server_url,
        token: Zeroizing::new(e.token),
        device_id: e.device_id,
        practitioner_id: e.practitioner_id,
        name: e.name,
        agency: e.agency,
    })
}

fn jitter(d: Duration) -> Duration {
    let r = crate::crypto::random_array::<2>()
        .map(u16::from_le_bytes)
        .unwrap_or(0);
    // 50% to 100% of the delay.
    d / 2 + d.mul_f64(f64::from(r) / f64::from(u16::MAX) / 2.0)
}

impl Store {
    /// Creates a new store for an enrolled device: the practitioner and device ids are the
    /// server's, and the server address and token are kept sealed in the store.
    pub fn create_enrolled(
        dir: &Path,
        methods: super::UnlockMethods,
        enrolment: &Enrolment,
        clock: Arc<dyn crate::clock::Clock>,
    ) -> Result<Self, StoreError> {
        let practitioner = Practitioner {
            id: enrolment.practitioner_id,
            name: enrolment.name.clone(),
            agency: enrolment.agency,
            team: None,
        };
        let store = Self::create_with(dir, methods, practitioner, enrolment.device_id, clock)?;
        store.save_sync_config(&SyncConfig {
            server_url: enrolment.server_url.clone(),
            token: enrolment.token.to_string(),
        })?;
        Ok(store)
    }

    fn save_sync_config(&self, c: &SyncConfig) -> Result<(), StoreError> {
        let plain =
            Zeroizing::new(serde_json::to_vec(c).map_err(|_| StoreError::Io("encode".into()))?);
        let store_id = self.store_id;
        self.write(|r| {
            meta_set(
                r.conn,
                "sync_config",
                &seal(&r.keys.data, &config_aad(&store_id), &plain)?,
            )
        })
    }

    /// Re-seals the sync configuration and the time of the last sync under the current key (a
    /// rotation, or an earlier build's clear time; idempotent).
    pub(crate) fn reseal_sync_config(
        r: &Records<'_>,
        store_id: &[u8; 16],
    ) -> Result<(), StoreError> {
        if let Some(t) = last_sync(r)? {
            save_last_sync(r, t.timestamp_millis())?;
        }
        let Some(sealed) = meta_get(r.conn, "sync_config")? else {
            return Ok(());
        };
        let plain = r
            .open_sealed(&config_aad(store_id), &sealed)
            .ok_or_else(|| StoreError::Tampered {
                record_id: "sync configuration".into(),
            })?;
        meta_set(
            r.conn,
            "sync_config",
            &seal(&r.keys.data, &config_aad(store_id), &plain)?,
        )
    }

    fn sync_config(&self) -> Result<SyncConfig, StoreError> {
        let store_id = self.store_id;
        self.sync_read(|r| {
            let sealed = meta_get(r.conn, "sync_config")?.ok_or(StoreError::NotEnrolled)?;
            let plain = r
                .open_sealed(&config_aad(&store_id), &sealed)
                .ok_or_else(|| StoreError::Tampered {
                    record_id: "sync configuration".into(),
                })?;
            serde_json::from_slice(&plain).map_err(|_| StoreError::Tampered {
                record_id: "sync configuration".into(),
            })
        })
    }

    /// Puts every parked operation back in the queue, to be sent at the next sync (after the
    /// cause was dealt with). Returns how many.
    pub fn retry_parked(&self) -> Result<u64, StoreError> {
        self.write(outbox::retry_parked)
    }

    /// The sync queue: pending and parked operations, and when the last sync finished.
    pub fn queue_status(&self) -> Result<QueueStatus, StoreError> {
        let enrolled = match self.sync_config() {
            Ok(_) => true,
            Err(StoreError::NotEnrolled) => false,
            Err(e) => return Err(e),
        };
        // Counts and refusal reasons only reach the screens: readable during a background sync.
        self.sync_read(|r| {
            let last_sync = last_sync(r)?;
            Ok(QueueStatus {
                enrolled,
                pending: outbox::pending_count(r)?,
                parked: outbox::parked(r)?,
                last_sync,
            })
        })
    }

    /// Sends every queued change and receives every change since the last sync. Safe to call at
    /// any time and to interrupt at any point. A revoked device erases its store here.
    pub fn sync(
        &self,
        transport: &dyn Transport,
        observer: Option<&dyn SyncObserver>,
        options: SyncOptions,
    ) -> Result<SyncReport, StoreError> {
        // However it ends, the sync screen has news (what was sent, received, refused, or why
        // not); the records it applied were told as each page was written.
        let _told = SyncEndTold(self);
        let config = self.sync_config()?;
        // The queue must be what its digest says (none deleted or put back) before any of it is
        // sent; each batch's own changes keep the digest current.
        self.sync_read(|r| r.check_queue())?;
        let mut report = SyncReport::default();
        let tell = |p: SyncProgress| {
            if let Some(o) = observer {
                o.progress(p);
            }
        };
        // Push.
        loop {
            // A write: a note operation whose note is gone is parked here.
            let batch = self.sync_write(|r| outbox::next_batch(r, options.push_batch))?;
            if batch.is_empty() {
                break;
            }
            let (seqs, ops): (Vec<i64>, Vec<_>) = batch.into_iter().map(|q| (q.seq, q.op)).unzip();
            // What will still wait here once this batch is applied (the dashboard's backlog).
            let waiting = self
                .sync_read(outbox::waiting_count)?
                .saturating_sub(ops.len() as u64);
            let request = PushRequest {
                ops,
                waiting: Some(waiting),
            };
            let body =
                serde_json::to_vec(&request).map_err(|_| StoreError::Protocol("encode".into()))?;
            let resp =
                match self.request(transport, &config, Method::Post, "/v1/push", body, options) {
                    Ok(r) => r,
                    Err(e) => {
                        let _ = self.sync_write(|r| outbox::count_attempt(r, &seqs));
                        return Err(e);
                    }
                };
            // A cut-off answer is a network fault: everything stays queued and the retry is deduplicated.
            let answer: PushResponse = serde_json::from_slice(&resp.body)
                .map_err(|_| StoreError::Offline("an incomplete answer".into()))?;
            if answer.results.len() != request.ops.len() {
                return Err(StoreError::Protocol(
                    "push answer does not match the batch".into(),
                ));
            }
            let (sent, parked, held) = self.sync_write(|r| {
                let (mut sent, mut parked, mut held) = (0u64, 0u64, 0u64);
                for ((op, seq), result) in request.ops.iter().zip(&seqs).zip(&answer.results) {
                    let seq = *seq;
                    match result {
                        OpResult::Applied { op_id, .. } | OpResult::Duplicate { op_id }
                            if *op_id == op.op_id =>
                        {
                            outbox::acknowledge(r, seq)?;
                            sent += 1;
                        }
                        OpResult::Rejected { op_id, code, .. }
                            if *op_id == op.op_id && code == "clock_ahead" =>
                        {
                            // The phone's date is wrong: never park (nothing would retry it).
                            // Re-stamped from the corrected clock, it goes in the next batch.
                            if !outbox::restamp(r, seq)? {
                                held += 1;
                            }
                        }
                        OpResult::Rejected {
                            op_id,
                            code,
                            reason,
                        } if *op_id == op.op_id => {
                            outbox::park(
                                r,
                                seq,
                                Parked {
                                    code: code.clone(),
                                    reason: reason.clone(),
                                },
                            )?;
                            parked += 1;
                        }
                        _ => return Err(StoreError::Protocol("push answer out of order".into())),
                    }
                }
                Ok((sent, parked, held))
            })?;
            report.progress.sent += sent;
            report.parked += parked;
            report.held = held;
            report.progress.remaining = self.sync_read(outbox::pending_count)?;
            tell(report.progress);
            if held > 0 {
                // Held operations would come back in the next batch: stop pushing for now.
                break;
            }
        }
        // Pull.
        loop {
            let cursor = self.sync_read(|r| {
                Ok(meta_get(r.conn, "sync_cursor")?
                    .and_then(|v| <[u8; 8]>::try_from(v.as_slice()).ok())
                    .map_or(0, i64::from_be_bytes))
            })?;
            let path = format!("/v1/changes?since={cursor}&limit={}", options.pull_page);
            let resp = self.request(transport, &config, Method::Get, &path, Vec::new(), options)?;
            let page: PullResponse = serde_json::from_slice(&resp.body)
                .map_err(|_| StoreError::Offline("an incomplete answer".into()))?;
            if page.next_cursor < cursor {
                return Err(StoreError::Protocol(
                    "the server cursor went backwards".into(),
                ));
            }
            let skipped = self.sync_write(|r| {
                let mut skipped = 0;
                let mut touched = std::collections::BTreeSet::new();
                for change in &page.changes {
                    if !apply_remote(r, &change.op, change.vouched)? {
                        skipped += 1;
                    } else if let Some(case) = change.op.case_id {
                        touched.insert(case);
                    }
                    outbox::observe_hlc(r, &change.op.hlc)?;
                }
                for case in touched {
                    match super::visits::refresh_no_access(r, crate::domain::CaseId(case)) {
                        Ok(_) | Err(StoreError::NotFound { .. }) => {}
                        Err(e) => return Err(e),
                    }
                }
                meta_set(r.conn, "sync_cursor", &page.next_cursor.to_be_bytes())?;
                if let Some(monitor) = &page.lone_working {
                    super::alerts::save_server_monitor(r.conn, monitor)?;
                }
                if !page.changes.is_empty() {
                    super::planning::mark_plan_stale(r)?;
                }
                Ok(skipped)
            })?;
            report.skipped += skipped;
            report.progress.received += page.changes.len() as u64;
            tell(report.progress);
            if !page.more {
                break;
            }
        }
        let now = self.clock.now().timestamp_millis();
        self.sync_write(|r| save_last_sync(r, now))?;
        report.progress.remaining = self.sync_read(outbox::pending_count)?;
        Ok(report)
    }

    fn request(
        &self,
        transport: &dyn Transport,
        config: &SyncConfig,
        method: Method,
        path: &str,
        body: Vec<u8>,
        options: SyncOptions,
    ) -> Result<HttpResponse, StoreError> {
        let request = HttpRequest {
            method,
            url: format!("{}{path}", config.server_url),
            headers: vec![
                ("authorization".into(), format!("Bearer {}", config.token)),
                ("content-type".into(), "application/json".into()),
                (
                    "doorstep-protocol".into(),
                    crate::sync::protocol::PROTOCOL_VERSION.to_string(),
                ),
            ],
            body,
        };
        let mut delay = options.base_delay;
        let mut last = String::from("no attempt");
        for attempt in 0..options.max_attempts.max(1) {
            let wait = match transport.send(request.clone()) {
                Ok(resp) if (200..300).contains(&resp.status) => return Ok(resp),
                Ok(resp) if resp.status == 401 => {
                    let e: Option<ErrorBody> = serde_json::from_slice(&resp.body).ok();
                    if e.as_ref().is_some_and(|e| e.wipe) {
                        self.shred_revoked()?;
                        return Err(StoreError::Wiped);
                    }
                    return Err(StoreError::Unauthorized(
                        e.map_or("unauthorized".into(), |e| e.error),
                    ));
                }
                Ok(resp) if resp.status == 429 || resp.status == 408 || resp.status >= 500 => {
                    last = format!("status {}", resp.status);
                    resp.header("retry-after")
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(Duration::from_secs)
                        .unwrap_or_else(|| jitter(delay))
                }
                Ok(resp) => return Err(StoreError::Protocol(format!("status {}", resp.status))),
                Err(e) => {
                    last = e.to_string();
                    jitter(delay)
                }
            };
            if attempt + 1 < options.max_attempts {
                std::thread::sleep(wait.min(options.max_delay));
                delay = (delay * 2).min(options.max_delay);
            }
        }
        Err(StoreError::Offline(last))
    }

    /// Crypto-shreds the store in place after the server revoked the device: the keyring first,
    /// then the keys in memory, then the database files.
    fn shred_revoked(&self) -> Result<(), StoreError> {
        let mut inner = self.lock_inner();
        crate::crypto::Keyring::shred(&self.dir)?;
        inner.keys = None;
        if let Some(p) = inner.provider.take() {
            let _ = p.destroy();
        }
        if let Some(b) = inner.background.take() {
            let _ = b.destroy();
        }
        inner.sync_only = false;
        inner.conn = rusqlite::Connection::open_in_memory()?;
        for f in [super::DB_FILE, "doorstep.db-wal", "doorstep.db-shm"] {
            let _ = std::fs::remove_file(self.dir.join(f));
        }
        Ok(())
    }
}

/// Applies one change from the server with the merge rules; returns `false` (and changes nothing)
/// when the change cannot make a valid record. A new note from elsewhere is stored with what the
/// server vouches about its author (`vouched`, and the device that pushed it), so `verify` can
/// report a note whose author fields say otherwise.
fn apply_remote(
    r: &Records<'_>,
    op: &Operation,
    vouched: Option<crate::domain::PractitionerId>,
) -> Result<bool, StoreError> {
    let Some(kind) = Kind::from_name(&op.kind) else {
        return Ok(false);
    };
    let id = *op.record_id.as_bytes();
    let current = r.raw(kind, id)?;
    let (mut fields, mut stamps) = match &current {
        Some(raw) => {
            let (v, s) = r.open_envelope::<Value>(kind, raw)?;
            let full = merge::full_stamps(kind.name(), &v, &s);
            (merge::flatten(kind.name(), &v), full)
        }
        None => Default::default(),
    };
    let changed = merge::apply(kind.name(), &mut fields, &mut stamps, &op.delta);
    if current.is_some() && !changed {
        return Ok(true);
    }
    let mut value = merge::materialize(kind.name(), &fields, &stamps);
    if kind == Kind::Note {
        if let Value::Object(m) = &mut value {
            let pushed_by = (!op.device_id.0.is_nil()).then_some(op.device_id);
            m.insert(
                super::verify::VOUCHED_FIELD.into(),
                serde_json::json!({ "practitioner_id": vouched, "device_id": pushed_by }),
            );
        }
    }
    let typed_ok = match kind {
        Kind::Household => serde_json::from_value::<Household>(value.clone()).is_ok(),
        Kind::Person => serde_json::from_value::<Person>(value.clone()).is_ok(),
        Kind::Case => serde_json::from_value::<Case>(value.clone()).is_ok(),
        Kind::Visit => serde_json::from_value::<Visit>(value.clone()).is_ok(),
        Kind::Note => {
            serde_json::from_value::<Note>(value.clone()).is_ok_and(|n| n.compute_hash() == n.hash)
        }
        _ => false,
    };
    if !typed_ok {
        return Ok(false);
    }
    let tag = match kind {
        Kind::Visit => serde_json::from_value::<Visit>(value.clone())
            .ok()
            .map(|v| r.tag("visit-day", &local_date(v.planned_for).to_string())),
        _ => None,
    };
    let parent = match &current {
        Some(raw) => raw.parent,
        None => op.parent_id.map(|p| *p.as_bytes()),
    };
    r.write_row(
        kind,
        id,
        parent,
        tag,
        &value,
        &stamps,
        current.as_ref().map(Into::into),
    )?;
    Ok(true)
}
