//! What a lone-working alert may honestly say. The words depend on what the system really does:
//! whether the check-in has reached the server (as this phone knows it) and whether anything on
//! the server watches check-ins and escalates. Only the server says so (each pull tells the phone
//! whether its lone-working monitor escalates this practitioner's check-ins to at least one
//! contact: `docs/LONE-WORKING.md`); without that word no alert or reminder says that anyone will
//! be alerted.

use crate::domain::CaseId;
use chrono::{DateTime, Utc};

/// Where a visit's check-in stands with the server, as this phone knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckInSync {
    /// This phone is not enrolled with a server: the check-in is on this phone only.
    NotEnrolled,
    /// Queued on this phone: the server has not received it yet.
    Queued,
    /// The server refused it (parked, waiting for attention): it is on this phone only.
    Refused,
    /// The server has received it.
    Received,
    /// A colleague's check-in, received from the server in a sync.
    Colleague,
    /// Not known (the caller gave no state for this check-in).
    Unknown,
}

impl CheckInSync {
    /// Whether the server has the check-in.
    pub fn on_server(self) -> bool {
        matches!(self, Self::Received | Self::Colleague)
    }
}

/// One checked-in visit's sync state, found by its case and check-in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CheckInState {
    /// The case.
    pub case: CaseId,
    /// The check-in time.
    pub started_at: DateTime<Utc>,
    /// Where it stands.
    pub sync: CheckInSync,
}

/// What the store knows about lone working, beyond the visits.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct LoneWorking {
    /// The server's lone-working monitor watches this practitioner's check-ins and escalates a
    /// missed check-out to at least one contact (as the server last said; false without a server).
    pub monitor: bool,
    /// Who to call (the team's duty line, as configured), if set.
    pub call: Option<String>,
    /// The sync state of each open check-in.
    pub check_ins: Vec<CheckInState>,
}

impl LoneWorking {
    /// The sync state of the check-in of `case` at `started_at` (`Unknown` when not given).
    pub fn sync_of(&self, case: CaseId, started_at: DateTime<Utc>) -> CheckInSync {
        self.check_ins
            .iter()
            .find(|c| c.case == case && c.started_at == started_at)
            .map_or(CheckInSync::Unknown, |c| c.sync)
    }

    fn call(&self) -> &str {
        self.call
            .as_deref()
            .unwrap_or("your manager or the team's duty line")
    }

    /// Whether someone will be alerted without the practitioner doing anything.
    pub fn escalates(&self, sync: CheckInSync) -> bool {
        self.monitor && sync.on_server()
    }

    /// The sentences after the alert's headline: where the check-in is, and who (if anyone) is
    /// watching it.
    pub fn situation(&self, sync: CheckInSync) -> String {
        let whereabouts = match sync {
            CheckInSync::NotEnrolled => {
                "This phone does not sync with a server, so the check-in is on this phone only."
            }
            CheckInSync::Queued => {
                "The check-in has not reached the server yet: it is waiting on this phone."
            }
            CheckInSync::Refused => {
                "The server refused the check-in (see the sync screen), so it is on this phone only."
            }
            CheckInSync::Received => "The check-in has reached the server.",
            CheckInSync::Colleague => {
                "This is a colleague's visit, as last received from the server."
            }
            CheckInSync::Unknown => {
                "Doorstep cannot tell whether the check-in has reached the server."
            }
        };
        let watching = if self.escalates(sync) {
            "The team's lone-working monitor has it and escalates under your lone-working procedure."
        } else if self.monitor {
            "The lone-working monitor cannot see it: no one will be alerted automatically."
        } else {
            "No one is monitoring check-ins: no one will be alerted automatically."
        };
        format!("{whereabouts} {watching}")
    }

    /// What to do, for the practitioner who checked in (or, for a colleague's visit, for whoever
    /// sees the alert).
    pub fn prompts(&self, sync: CheckInSync, red: bool) -> Vec<String> {
        let call = self.call();
        if sync == CheckInSync::Colleague {
            let mut out = vec!["Phone your colleague now".to_string()];
            if self.monitor {
                out.push(format!(
                    "If there is no answer, tell {call} and follow the lone-working procedure"
                ));
            } else {
                out.push(format!(
                    "If there is no answer, tell {call} and follow the lone-working procedure (manager, then police): Doorstep has alerted no one"
                ));
            }
            out.push("Give the visit address from the record to whoever responds".to_string());
            return out;
        }
        let mut out = vec![
            "If you are safe, check out now".to_string(),
            "If you are in danger, call 999".to_string(),
        ];
        if self.escalates(sync) {
            out.push(format!(
                "If you are safe but staying longer, call {call} so that no one is sent unnecessarily"
            ));
        } else if red {
            out.push(format!(
                "If you are staying longer, call {call} now: no one else knows you are still there"
            ));
        } else {
            out.push(format!(
                "If you are staying longer, call {call}: no one else knows you are still there"
            ));
        }
        out
    }

    /// The reminder the phone shows (on the lock screen, so naming no one) at the red time: the
    /// check-out is overdue.
    pub fn red_reminder(&self) -> String {
        if self.monitor {
            "Doorstep: your check-out is overdue. Check out now, or call in: the lone-working monitor escalates once your check-in has reached the server.".to_string()
        } else {
            format!(
                "Doorstep: your check-out is overdue. Check out now, or call {}: no one is alerted automatically.",
                self.call()
            )
        }
    }

    /// The reminder the phone shows (on the lock screen, so naming no one) at the amber time.
    pub fn reminder(&self, red_label: &str) -> String {
        if self.monitor {
            format!(
                "Doorstep: check out of your visit, or call in. The lone-working monitor escalates from {red_label} once your check-in has reached the server."
            )
        } else {
            "Doorstep: check out of your visit. No one is alerted automatically: if you are staying longer, call in.".to_string()
        }
    }
}
