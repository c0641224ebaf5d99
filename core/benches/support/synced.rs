//! Brings the fixture store to the state of a device that syncs every day: an in-process answerer
//! of the sync protocol that enrols the device and acknowledges every operation it pushes, so the
//! outbox holds only what was written since the last sync (as on a real phone), not a year of
//! changes. It stands in for the reference server only while the fixture is built; no benchmark
//! measures it.

use doorstep_core::domain::{Agency, PractitionerId};
use doorstep_core::sync::protocol::{
    EnrolResponse, OpResult, PullResponse, PushRequest, PushResponse,
};
use doorstep_core::sync::transport::{HttpRequest, HttpResponse, Transport, TransportError};
use std::sync::atomic::{AtomicI64, Ordering};

/// The server address the fixture enrols with (never contacted over a network).
pub const SERVER_URL: &str = "http://127.0.0.1:9";

/// Answers enrolment, push (everything applied) and pull (nothing new).
pub struct Acknowledging {
    seq: AtomicI64,
    practitioner: PractitionerId,
}

impl Acknowledging {
    /// An answerer enrolling devices for a new practitioner id.
    pub fn new() -> Self {
        Self {
            seq: AtomicI64::new(0),
            practitioner: PractitionerId::random(),
        }
    }
}

fn ok(body: Vec<u8>) -> HttpResponse {
    HttpResponse {
        status: 200,
        headers: vec![("content-type".into(), "application/json".into())],
        body,
    }
}

impl Transport for Acknowledging {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let path = request.url.strip_prefix(SERVER_URL).unwrap_or(&request.url);
        let body = if path == "/v1/enrol" {
            serde_json::to_vec(&EnrolResponse {
                token: "bench-token".into(),
                device_id: doorstep_core::domain::DeviceId::random(),
                practitioner_id: self.practitioner,
                name: "Bench Practitioner".into(),
                agency: Agency::HealthVisiting,
            })
        } else if path == "/v1/push" {
            let push: PushRequest = serde_json::from_slice(&request.body)
                .map_err(|_| TransportError::Other("bad push".into()))?;
            let results = push
                .ops
                .iter()
                .map(|op| OpResult::Applied {
                    op_id: op.op_id,
                    seq: self.seq.fetch_add(1, Ordering::SeqCst) + 1,
                })
                .collect();
            serde_json::to_vec(&PushResponse { results })
        } else {
            serde_json::to_vec(&PullResponse {
                changes: Vec::new(),
                next_cursor: self.seq.load(Ordering::SeqCst),
                more: false,
                lone_working: None,
            })
        };
        body.map(ok)
            .map_err(|_| TransportError::Other("encode".into()))
    }
}
