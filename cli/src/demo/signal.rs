//! A transport whose signal can be lost, as in a stairwell or a rural lane: while it is down every
//! request fails as unreachable, exactly as a phone without network would see it.

use doorstep_core::sync::http::UreqTransport;
use doorstep_core::sync::transport::{HttpRequest, HttpResponse, Transport, TransportError};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// HTTP that can be switched off.
pub struct Signal {
    inner: UreqTransport,
    up: AtomicBool,
}

impl Signal {
    /// A transport with signal.
    pub fn new() -> Self {
        Self {
            inner: UreqTransport::new(Duration::from_secs(10)),
            up: AtomicBool::new(true),
        }
    }

    /// Loses or regains the signal.
    pub fn set_up(&self, up: bool) {
        self.up.store(up, Ordering::SeqCst);
    }
}

impl Transport for Signal {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        if self.up.load(Ordering::SeqCst) {
            self.inner.send(request)
        } else {
            Err(TransportError::Unreachable)
        }
    }
}
