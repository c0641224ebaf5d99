//! The sync wire protocol (HTTP + JSON), shared by the device and the reference server. Described
//! for other implementers in `docs/openapi.yaml`.

use super::merge::Delta;
use super::Hlc;
use crate::domain::{Agency, DeviceId, PractitionerId};

/// The protocol version this build speaks (sent as `Doorstep-Protocol`).
pub const PROTOCOL_VERSION: u32 = 1;
/// The most operations one push may carry.
pub const MAX_PUSH_OPS: usize = 500;
/// The most changes one pull page may carry.
pub const MAX_PULL_LIMIT: u32 = 1000;
/// The most bytes of operations one pull page carries (a page always holds at least one change;
/// the cursor continues where a full page stops).
pub const MAX_PULL_BYTES: usize = 1024 * 1024;

/// Priority lanes of the outbox: lower goes first.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Lane {
    /// Lone-worker alerts and safeguarding concerns.
    Urgent,
    /// Visits and notes.
    Normal,
    /// Everything else (caseload changes).
    Bulk,
}

impl Lane {
    /// The stored number (0 = urgent).
    pub fn number(&self) -> i64 {
        match self {
            Lane::Urgent => 0,
            Lane::Normal => 1,
            Lane::Bulk => 2,
        }
    }
}

/// One change to one record, as queued on a device and sent to the server.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Operation {
    /// Random id: the idempotency key. Sending it twice changes nothing the second time.
    pub op_id: uuid::Uuid,
    /// The device that made the change.
    pub device_id: DeviceId,
    /// When (hybrid logical clock).
    pub hlc: Hlc,
    /// The record kind (`household`, `person`, `case`, `visit`, `note`).
    pub kind: String,
    /// The record's id.
    pub record_id: uuid::Uuid,
    /// The household the record belongs to (allocation scope).
    pub household_id: uuid::Uuid,
    /// The case the record belongs to, for case-scoped records (cases, visits, notes).
    pub case_id: Option<uuid::Uuid>,
    /// The record's parent id, as stored on the device.
    pub parent_id: Option<uuid::Uuid>,
    /// The fields changed, each with its stamp.
    pub delta: Delta,
}

/// `POST /v1/enrol`: a device presents a one-time code.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct EnrolRequest {
    /// The one-time enrolment code an administrator issued.
    pub code: String,
    /// Ignored: the server assigns the device id (sent by earlier builds; the reserved nil id is
    /// refused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<DeviceId>,
}

/// The answer to an enrolment.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct EnrolResponse {
    /// The device's bearer token (kept in the device's keyring-protected store only).
    pub token: String,
    /// The device's id, assigned by the server (never the reserved nil id the server signs its
    /// own changes with).
    pub device_id: DeviceId,
    /// The practitioner the device belongs to.
    pub practitioner_id: PractitionerId,
    /// Their name.
    pub name: String,
    /// Their agency.
    pub agency: Agency,
}

/// `POST /v1/push`: a batch of operations.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PushRequest {
    /// The operations, in the order the device wants them applied.
    pub ops: Vec<Operation>,
    /// How many operations still wait on the device after this batch (queued or parked): the
    /// supervisor's dashboard shows it as the phone's backlog. Absent from older phones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting: Option<u64>,
}

/// The server's verdict on one operation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum OpResult {
    /// Applied now, at this server sequence number.
    Applied {
        /// The operation.
        op_id: uuid::Uuid,
        /// Its place in the server's change log.
        seq: i64,
    },
    /// Applied before (a retry): nothing changed.
    Duplicate {
        /// The operation.
        op_id: uuid::Uuid,
    },
    /// Refused for good: the device parks it with the reason.
    Rejected {
        /// The operation.
        op_id: uuid::Uuid,
        /// A stable code (`not_allocated`, `scope_mismatch`, `append_only`, `invalid`,
        /// `wrong_author`, `chain_break`, `too_large`, ...).
        code: String,
        /// A message fit to show the practitioner (never personal data).
        reason: String,
    },
}

/// The answer to a push: one result per operation, in order.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PushResponse {
    /// Per-operation results.
    pub results: Vec<OpResult>,
}

/// One change in the server's log.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Change {
    /// Its place in the log.
    pub seq: i64,
    /// The operation as the server applied it.
    pub op: Operation,
    /// The practitioner the server vouches made this change: the one whose authenticated device
    /// pushed it (the server checked every author field against that device before applying it).
    /// For a snapshot of a note, the note's author as checked when it was pushed. Absent for the
    /// server's own changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vouched: Option<PractitionerId>,
}

/// `GET /v1/changes?since=&limit=`: a page of the changes the device may see.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PullResponse {
    /// The changes, in log order.
    pub changes: Vec<Change>,
    /// The cursor to ask from next.
    pub next_cursor: i64,
    /// Whether more pages follow now.
    pub more: bool,
    /// The server's lone-working monitor as it stands for this device's practitioner (absent
    /// from servers without one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lone_working: Option<LoneWorkingMonitor>,
}

/// What the server's lone-working monitor does for a practitioner: whether a check-in of theirs
/// that reaches the server is watched and escalated to at least one contact, and the times it
/// escalates by (which the phone then uses, so that its alerts and the server agree).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LoneWorkingMonitor {
    /// At least one contact (the practitioner's buddy or manager, or the team's escalation
    /// contacts) is configured on a channel the server can use.
    pub monitored: bool,
    /// A visit's expected length when it gives none, in minutes.
    pub default_minutes: u32,
    /// Grace after the expected end before amber, in minutes.
    pub grace_minutes: u32,
    /// Minutes from amber to red.
    pub red_after_minutes: u32,
}

impl LoneWorkingMonitor {
    /// The monitor with `policy`'s lone-working times.
    pub fn with_policy(monitored: bool, policy: &crate::planning::Policy) -> Self {
        Self {
            monitored,
            default_minutes: policy.lone_default_minutes,
            grace_minutes: policy.lone_grace_minutes,
            red_after_minutes: policy.lone_red_after_minutes,
        }
    }

    /// Puts the monitor's times into `policy` (what the server escalates by wins).
    pub fn apply_to(&self, policy: &mut crate::planning::Policy) {
        policy.lone_default_minutes = self.default_minutes;
        policy.lone_grace_minutes = self.grace_minutes;
        policy.lone_red_after_minutes = self.red_after_minutes;
    }
}

/// The body of every error response.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ErrorBody {
    /// A stable code (`unauthorized`, `revoked`, `too_large`, `rate_limited`, `bad_request`, ...).
    pub error: String,
    /// A short message.
    pub message: String,
    /// The device must crypto-shred its store now (a revoked device).
    #[serde(default)]
    pub wipe: bool,
}
