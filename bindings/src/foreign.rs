//! The traits the apps implement in Kotlin and Swift — the platform key store, the HTTP stack and
//! a sync progress observer — and their adapters to the core's seams.

use crate::error::PlatformError;
use crate::types::SyncProgress;
use doorstep_core::crypto::{KeyProvider as CoreKeyProvider, KeyProviderError};
use doorstep_core::store::{DataChanges, SyncObserver as CoreSyncObserver};
use doorstep_core::sync::transport::{
    HttpRequest as CoreRequest, HttpResponse as CoreResponse, Method, Transport as CoreTransport,
    TransportError,
};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use zeroize::Zeroizing;

/// Wraps the store's data key with a key that never leaves the platform's key store (Android
/// Keystore AES-GCM; iOS Secure Enclave P-256 with ECIES). Must be authenticated encryption: an
/// altered blob must fail to unwrap.
#[uniffi::export(foreign)]
pub trait KeyProvider: Send + Sync {
    /// Encrypts `key` (32 bytes) and returns an opaque blob to keep in the keyring.
    fn wrap_key(&self, key: Vec<u8>) -> Result<Vec<u8>, PlatformError>;
    /// Decrypts a blob made by `wrap_key`.
    fn unwrap_key(&self, wrapped: Vec<u8>) -> Result<Vec<u8>, PlatformError>;
    /// Deletes the platform key (the store is being wiped). (Not `destroy`: uniffi's generated
    /// Kotlin objects already have a `destroy()` that frees the Rust handle.)
    fn destroy_key(&self) -> Result<(), PlatformError>;
}

/// One HTTP header.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HttpHeader {
    /// Name.
    pub name: String,
    /// Value (the `authorization` header carries the device token: never log it).
    pub value: String,
}

/// A request for the platform's HTTP stack to send.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HttpRequest {
    /// `GET` or `POST`.
    pub method: String,
    /// Absolute URL (https, or http to this machine in tests).
    pub url: String,
    /// Headers.
    pub headers: Vec<HttpHeader>,
    /// Body (JSON); empty for GET.
    pub body: Vec<u8>,
}

/// What came back, whatever its status.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HttpResponse {
    /// Status code (100 to 599; anything else is the server answering nonsense).
    pub status: i32,
    /// Headers.
    pub headers: Vec<HttpHeader>,
    /// Body.
    pub body: Vec<u8>,
}

/// Sends one request over the platform's HTTP stack (OkHttp, URLSession): TLS for every https
/// URL, no redirects to other hosts. Called on a background thread; may block.
#[uniffi::export(foreign)]
pub trait Transport: Send + Sync {
    /// Sends `request` and returns the response, whatever its status.
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, PlatformError>;
}

/// Told how a sync is going, after each batch sent or page received (on the sync's thread).
#[uniffi::export(foreign)]
pub trait SyncObserver: Send + Sync {
    /// Progress so far.
    fn progress(&self, progress: SyncProgress) -> Result<(), PlatformError>;
}

/// A platform key provider seen from the core. It remembers whether the platform said its key
/// was invalidated, which the core's error cannot carry, so the app hears `KeyInvalidated`.
pub(crate) struct ForeignKeys {
    inner: Arc<dyn KeyProvider>,
    invalidated: AtomicBool,
}

impl ForeignKeys {
    /// Adapts `inner`.
    pub(crate) fn new(inner: Arc<dyn KeyProvider>) -> Arc<Self> {
        Arc::new(Self {
            inner,
            invalidated: AtomicBool::new(false),
        })
    }

    /// The platform reported its key invalidated.
    pub(crate) fn was_invalidated(&self) -> bool {
        self.invalidated.load(Ordering::SeqCst)
    }

    fn note(&self, e: PlatformError) -> KeyProviderError {
        if matches!(e, PlatformError::KeyInvalidated { .. }) {
            self.invalidated.store(true, Ordering::SeqCst);
        }
        e.into()
    }
}

impl CoreKeyProvider for ForeignKeys {
    fn wrap_key(&self, key: &[u8]) -> Result<Vec<u8>, KeyProviderError> {
        self.inner.wrap_key(key.to_vec()).map_err(|e| self.note(e))
    }

    fn unwrap_key(&self, wrapped: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyProviderError> {
        self.inner
            .unwrap_key(wrapped.to_vec())
            .map(Zeroizing::new)
            .map_err(|e| self.note(e))
    }

    fn destroy(&self) -> Result<(), KeyProviderError> {
        self.inner.destroy_key().map_err(|e| self.note(e))
    }
}

/// A platform HTTP stack seen from the core.
pub(crate) struct ForeignTransport(pub Arc<dyn Transport>);

fn headers(h: Vec<(String, String)>) -> Vec<HttpHeader> {
    h.into_iter()
        .map(|(name, value)| HttpHeader { name, value })
        .collect()
}

impl CoreTransport for ForeignTransport {
    fn send(&self, request: CoreRequest) -> Result<CoreResponse, TransportError> {
        let method = match request.method {
            Method::Get => "GET",
            Method::Post => "POST",
        };
        let response = self.0.send(HttpRequest {
            method: method.into(),
            url: request.url,
            headers: headers(request.headers),
            body: request.body,
        })?;
        let status = u16::try_from(response.status)
            .ok()
            .filter(|s| (100..=599).contains(s))
            .ok_or_else(|| TransportError::Other("the response has no valid status code".into()))?;
        Ok(CoreResponse {
            status,
            headers: response
                .headers
                .into_iter()
                .map(|h| (h.name.to_ascii_lowercase(), h.value))
                .collect(),
            body: response.body,
        })
    }
}

/// A platform observer seen from the core. A failing observer never stops a sync.
pub(crate) struct ForeignObserver(pub Arc<dyn SyncObserver>);

impl CoreSyncObserver for ForeignObserver {
    fn progress(&self, progress: doorstep_core::store::SyncProgress) {
        let _ = self.0.progress(progress.into());
    }
}

/// The phone's clock, when the app gives one (tests, and a platform that wants every time read
/// from its own time source); without one the core reads the system clock.
#[uniffi::export(foreign)]
pub trait WallClock: Send + Sync {
    /// Now, UTC milliseconds since 1970.
    fn now_millis(&self) -> i64;
}

/// A platform clock seen from the core. A time it cannot represent reads as the system time.
pub(crate) struct ForeignClock(pub Arc<dyn WallClock>);

impl doorstep_core::Clock for ForeignClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::from_timestamp_millis(self.0.now_millis())
            .unwrap_or_else(chrono::Utc::now)
    }
}

/// Told after the store's data changed (a practitioner's action, each page a sync applied, the
/// end of a sync), on the thread that changed it, with the store free to be read again. Must
/// return quickly: hand the news to the UI's queue (the Kotlin layer turns it into `Flow`s).
#[uniffi::export(foreign)]
pub trait DataObserver: Send + Sync {
    /// Which screens may show something else now.
    fn changed(&self, changes: DataChanges) -> Result<(), PlatformError>;
}

/// A platform data observer seen from the core. A failing observer never fails a write.
pub(crate) struct ForeignDataObserver(pub Arc<dyn DataObserver>);

impl doorstep_core::store::ChangeObserver for ForeignDataObserver {
    fn changed(&self, changes: &DataChanges) {
        let _ = self.0.changed(changes.clone());
    }
}
