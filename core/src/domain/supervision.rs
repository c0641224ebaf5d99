//! A supervision discussion on a case, recorded by a manager on the server's dashboard: what was
//! decided, what is to be done, by whom and by when. It travels with the case (a grow-only set
//! the server alone adds to) so the allocated practitioners' phones receive it through the
//! ordinary changes feed and it enters the child's chronology.

use super::input::{required, InputError, MAX_TEXT_CHARS};
use chrono::{DateTime, NaiveDate, Utc};

/// The longest name of a supervisor or an action's owner, in characters.
pub const MAX_SUPERVISION_NAME_CHARS: usize = 200;

/// One supervision discussion, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Supervision {
    /// Random id (the grow-only set's key).
    pub id: uuid::Uuid,
    /// When it was recorded.
    pub at: DateTime<Utc>,
    /// The manager who recorded it (their name as the dashboard knows it).
    pub by_name: String,
    /// What was decided.
    pub decision: String,
    /// What is to be done.
    pub actions: String,
    /// Who is to do it.
    pub owner: String,
    /// By when.
    pub due: NaiveDate,
}

impl Supervision {
    /// A supervision record from a form's fields: every text required, trimmed and bounded.
    pub fn new(
        at: DateTime<Utc>,
        by_name: &str,
        decision: &str,
        actions: &str,
        owner: &str,
        due: NaiveDate,
    ) -> Result<Self, InputError> {
        Ok(Self {
            id: uuid::Uuid::new_v4(),
            at,
            by_name: required("supervisor", by_name, MAX_SUPERVISION_NAME_CHARS)?,
            decision: required("decision", decision, MAX_TEXT_CHARS)?,
            actions: required("actions", actions, MAX_TEXT_CHARS)?,
            owner: required("owner", owner, MAX_SUPERVISION_NAME_CHARS)?,
            due,
        })
    }

    /// The chronology's one line for it.
    pub fn summary(&self) -> String {
        format!(
            "Supervision with {}: decided {}; actions: {} (owner {}, by {})",
            self.by_name,
            self.decision,
            self.actions,
            self.owner,
            self.due.format("%d/%m/%Y")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_is_required_and_bounded() {
        let at = Utc::now();
        let due = NaiveDate::from_ymd_opt(2026, 1, 9).unwrap();
        assert!(Supervision::new(at, "A", "Stay on CP plan", "Visit", "Sam", due).is_ok());
        assert!(Supervision::new(at, "A", "  ", "Visit", "Sam", due).is_err());
        assert!(Supervision::new(at, "A", "d", "", "Sam", due).is_err());
        assert!(Supervision::new(at, "A", "d", "a", "", due).is_err());
        let long = "x".repeat(MAX_TEXT_CHARS + 1);
        assert!(Supervision::new(at, "A", &long, "a", "o", due).is_err());
        let s = Supervision::new(at, "Ann", "d", "a", "Sam", due).unwrap();
        assert!(s.summary().contains("by 09/01/2026"), "{}", s.summary());
    }
}
