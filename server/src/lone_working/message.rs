//! What a notification says. It names the practitioner, when they checked in, the expected end,
//! the escalation level and the visit's reference (a manager looks the visit up in the dashboard
//! or on a phone) — and nothing about the family: no name, address, date of birth, note or case
//! detail, because email and chat providers, and every relay between, read these messages in
//! clear. An alarm-receiving centre is given the same and calls the team for the address.

use chrono::{DateTime, Utc};
use doorstep_core::time::local_display;

/// The kind of message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeLevel {
    /// Not checked out within the expected length plus grace.
    Amber,
    /// Still not checked out after the red delay.
    Red,
    /// Checked out (or confirmed safe by a manager): stand down.
    Clear,
}

impl NoticeLevel {
    /// The stored code (`amber`, `red`, `clear`).
    pub fn from_code(code: &str) -> Option<NoticeLevel> {
        match code {
            "amber" => Some(NoticeLevel::Amber),
            "red" => Some(NoticeLevel::Red),
            "clear" => Some(NoticeLevel::Clear),
            _ => None,
        }
    }
}

/// One notification's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Its id (the same on every attempt: receivers deduplicate by it).
    pub id: String,
    /// Amber, red or clear.
    pub level: NoticeLevel,
    /// The visit's reference (`V-…`).
    pub reference: String,
    /// The practitioner's name.
    pub practitioner: String,
    /// When they checked in.
    pub started_at: DateTime<Utc>,
    /// When the visit was expected to end.
    pub expected_end: DateTime<Utc>,
    /// When it turned (turns) amber.
    pub amber_at: DateTime<Utc>,
    /// When it turned (turns) red.
    pub red_at: DateTime<Utc>,
    /// When it was cleared (a clearing message).
    pub cleared_at: Option<DateTime<Utc>>,
    /// Whether it was cleared by the practitioner's check-out (rather than by a manager).
    pub checked_out: bool,
}

fn ms(t: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(t).unwrap_or_default()
}

impl Notice {
    /// A notice from stored times (Unix milliseconds).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn from_stored(
        id: String,
        level: NoticeLevel,
        visit_id: &str,
        practitioner: String,
        times: [i64; 4],
        cleared_at: Option<i64>,
        checked_out: bool,
    ) -> Self {
        Notice {
            id,
            level,
            reference: super::reference(visit_id),
            practitioner,
            started_at: ms(times[0]),
            expected_end: ms(times[1]),
            amber_at: ms(times[2]),
            red_at: ms(times[3]),
            cleared_at: cleared_at.map(ms),
            checked_out,
        }
    }

    /// The email's subject.
    pub fn subject(&self) -> String {
        match self.level {
            NoticeLevel::Amber => format!(
                "AMBER lone working: {} has not checked out ({})",
                self.practitioner, self.reference
            ),
            NoticeLevel::Red => format!(
                "RED lone working: {} has still not checked out ({})",
                self.practitioner, self.reference
            ),
            NoticeLevel::Clear => format!(
                "Stand down: {} lone working cleared ({})",
                self.practitioner, self.reference
            ),
        }
    }

    /// The email's body (plain text, UK local times).
    pub fn text(&self) -> String {
        let facts = format!(
            "Practitioner: {}\nChecked in: {}\nExpected end: {}\nAmber from: {}\nRed from: {}\nVisit reference: {}\n",
            self.practitioner,
            local_display(self.started_at),
            local_display(self.expected_end),
            local_display(self.amber_at),
            local_display(self.red_at),
            self.reference,
        );
        let what = match self.level {
            NoticeLevel::Amber => "has not checked out of a home visit within its expected length and grace. \
                 You are their named buddy or manager.\n\nPhone them now. If there is no answer, follow the \
                 lone-working procedure: look up the visit by its reference in the Doorstep dashboard for \
                 where they are. The team's escalation contacts are told at red."
                .to_string(),
            NoticeLevel::Red => "has still not checked out of a home visit: the lone-working escalation is at RED.\n\n\
                 Follow the lone-working procedure now (manager, then police if they cannot be reached): look \
                 up the visit by its reference in the Doorstep dashboard for where they are."
                .to_string(),
            NoticeLevel::Clear => {
                let how = if self.checked_out {
                    "has checked out"
                } else {
                    "has been confirmed safe by a manager"
                };
                let when = self.cleared_at.map(local_display).unwrap_or_default();
                format!("{how} ({when}). The lone-working alert is cleared: stand down.")
            }
        };
        format!(
            "{} {what}\n\n{facts}\nThis message holds no details of the family by design: the address is in the \
             Doorstep dashboard and on the team's phones.\n",
            self.practitioner
        )
    }

    /// The webhook's JSON body.
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "type": "doorstep.lone_working",
            "id": self.id,
            "level": self.level,
            "reference": self.reference,
            "practitioner": self.practitioner,
            "checked_in_at": self.started_at.to_rfc3339(),
            "expected_end": self.expected_end.to_rfc3339(),
            "amber_at": self.amber_at.to_rfc3339(),
            "red_at": self.red_at.to_rfc3339(),
            "cleared_at": self.cleared_at.map(|t| t.to_rfc3339()),
            "summary": self.subject(),
        })
    }
}
