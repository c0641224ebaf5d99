//! The rules the practice review learned, enforced when a visit is recorded.
//!
//! Errors stop the record from being saved; warnings are returned with the saved record. Messages
//! are written for the practitioner and never quote what they typed.

use super::input::{optional, InputError, MAX_TEXT_CHARS};
use super::{UnsuccessfulVisit, VisitKind, VisitOutcome};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The record cannot be saved until this is put right.
    Error,
    /// Saved, but the practitioner should reflect on it.
    Warning,
}

/// Stable codes for every rule, so the shells can highlight the right field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueCode {
    /// Virtual or telephone contact without who else was in the home.
    OthersPresentRequired,
    /// Child not seen and no reason given.
    NotSeenReasonRequired,
    /// Child not seen and no follow-up action.
    FollowUpRequired,
    /// More than two adults present when the child was spoken to.
    TooManyAdultsWhenSpokenTo,
    /// Seen alone / spoken to alone recorded but the child was not seen.
    InconsistentNotSeen,
    /// Spoken to alone, yet adults were recorded as present.
    InconsistentSpokenAlone,
    /// A named adult is not a known adult of this household.
    UnknownPersonNamed,
    /// A virtual contact planned for a child who must be seen face to face, with no reason.
    DepartureReasonRequired,
    /// A field is missing, too long or malformed.
    InvalidField,
}

/// One finding about a visit record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ValidationIssue {
    /// Stable code.
    pub code: IssueCode,
    /// Error or warning.
    pub severity: Severity,
    /// The field concerned.
    pub field: &'static str,
    /// What to do, for the practitioner.
    pub message: String,
}

impl ValidationIssue {
    fn error(code: IssueCode, field: &'static str, message: &str) -> Self {
        Self {
            code,
            severity: Severity::Error,
            field,
            message: message.to_string(),
        }
    }

    fn from_input(e: InputError) -> Self {
        let field = match &e {
            InputError::Required { field }
            | InputError::TooLong { field, .. }
            | InputError::Invalid { field, .. } => field,
        };
        Self::error(IssueCode::InvalidField, field, &e.to_string())
    }
}

/// Most adults who should be present when a child is spoken to.
pub const MAX_ADULTS_WHEN_SPOKEN_TO: u32 = 2;

/// Checks a completed visit's outcome. `is_known_adult` says whether a named person is a known
/// adult or carer of the child's household. Returns every finding, errors and warnings alike; free
/// text is trimmed in place.
pub(crate) fn validate_outcome(
    kind: VisitKind,
    outcome: &mut VisitOutcome,
    is_known_adult: impl Fn(&super::PersonId) -> bool,
) -> Vec<ValidationIssue> {
    let mut issues = Vec::new();
    let mut text = |field: &'static str, v: &mut Option<String>| match optional(
        field,
        v.as_deref(),
        MAX_TEXT_CHARS,
    ) {
        Ok(t) => *v = t,
        Err(e) => issues.push(ValidationIssue::from_input(e)),
    };
    text(
        "reason the child was not seen",
        &mut outcome.not_seen_reason,
    );
    text("follow-up action", &mut outcome.follow_up_action);
    text("reason not seen alone", &mut outcome.not_alone_reason);
    text("injuries observed", &mut outcome.injuries_observed);
    for (field, list) in [
        ("concerns", &mut outcome.concerns),
        ("actions agreed", &mut outcome.actions_agreed),
    ] {
        let mut kept = Vec::with_capacity(list.len());
        for item in list.iter() {
            match optional(field, Some(item), MAX_TEXT_CHARS) {
                Ok(Some(t)) => kept.push(t),
                Ok(None) => {}
                Err(e) => issues.push(ValidationIssue::from_input(e)),
            }
        }
        *list = kept;
    }

    if kind.is_remote() && outcome.others_present.is_none() {
        issues.push(ValidationIssue::error(
            IssueCode::OthersPresentRequired,
            "others present",
            "Record who else was in the home. On a virtual or telephone contact you cannot see the room: \
             ask who is there, and record 'nobody else' only if you are satisfied that is true.",
        ));
    }
    if !outcome.child_seen {
        if outcome.not_seen_reason.is_none() {
            issues.push(ValidationIssue::error(
                IssueCode::NotSeenReasonRequired,
                "reason the child was not seen",
                "The child was not seen: record why.",
            ));
        }
        if outcome.follow_up_action.is_none() {
            issues.push(ValidationIssue::error(
                IssueCode::FollowUpRequired,
                "follow-up action",
                "The child was not seen: record what will be done to see them, and by when.",
            ));
        }
        if outcome.child_seen_alone || outcome.child_spoken_to_alone {
            issues.push(ValidationIssue::error(
                IssueCode::InconsistentNotSeen,
                "child seen alone",
                "The child is recorded as not seen, so they cannot have been seen or spoken to alone.",
            ));
        }
    }
    if outcome.child_spoken_to_alone && outcome.adults_present_when_spoken_to > 0 {
        issues.push(ValidationIssue::error(
            IssueCode::InconsistentSpokenAlone,
            "adults present when spoken to",
            "The child is recorded as spoken to alone, yet adults are recorded as present.",
        ));
    }
    if outcome.adults_present_when_spoken_to > MAX_ADULTS_WHEN_SPOKEN_TO {
        issues.push(ValidationIssue {
            code: IssueCode::TooManyAdultsWhenSpokenTo,
            severity: Severity::Warning,
            field: "adults present when spoken to",
            message: format!(
                "{} adults were present when the child was spoken to. A child is unlikely to disclose in \
                 front of several adults: keep it to {MAX_ADULTS_WHEN_SPOKEN_TO} or fewer, and try to \
                 speak to the child alone next time.",
                outcome.adults_present_when_spoken_to
            ),
        });
    }
    if let Some(others) = outcome.others_present.as_mut() {
        if others.known_adults.iter().any(|p| !is_known_adult(p)) {
            issues.push(ValidationIssue::error(
                IssueCode::UnknownPersonNamed,
                "others present",
                "A person named as present is not an adult of this household. Add them to the household \
                 first, or record them as an unknown adult.",
            ));
        }
        let mut kept = Vec::new();
        for d in &others.unknown_descriptions {
            match optional("unknown adult description", Some(d), super::MAX_NAME_CHARS) {
                Ok(Some(t)) => kept.push(t),
                Ok(None) => {}
                Err(e) => issues.push(ValidationIssue::from_input(e)),
            }
        }
        others.unknown_descriptions = kept;
    }
    issues
}

/// Checks a no-access or declined visit: the child was not seen, so both a reason and a follow-up
/// action are required.
pub(crate) fn validate_unsuccessful(v: &mut UnsuccessfulVisit) -> Vec<ValidationIssue> {
    let mut issues = Vec::new();
    match optional("reason", Some(&v.reason), MAX_TEXT_CHARS) {
        Ok(Some(t)) => v.reason = t,
        Ok(None) => issues.push(ValidationIssue::error(
            IssueCode::NotSeenReasonRequired,
            "reason",
            "The child was not seen: record what happened.",
        )),
        Err(e) => issues.push(ValidationIssue::from_input(e)),
    }
    match optional(
        "follow-up action",
        Some(&v.follow_up_action),
        MAX_TEXT_CHARS,
    ) {
        Ok(Some(t)) => v.follow_up_action = t,
        Ok(None) => issues.push(ValidationIssue::error(
            IssueCode::FollowUpRequired,
            "follow-up action",
            "The child was not seen: record what will be done to see them, and by when.",
        )),
        Err(e) => issues.push(ValidationIssue::from_input(e)),
    }
    issues
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{OthersPresent, PersonId};

    fn codes(kind: VisitKind, mut o: VisitOutcome) -> Vec<IssueCode> {
        validate_outcome(kind, &mut o, |_| true)
            .into_iter()
            .map(|i| i.code)
            .collect()
    }

    #[test]
    fn virtual_visit_needs_who_else_was_present() {
        let o = VisitOutcome {
            child_seen: true,
            ..Default::default()
        };
        assert_eq!(
            codes(VisitKind::Virtual, o.clone()),
            vec![IssueCode::OthersPresentRequired]
        );
        assert_eq!(
            codes(VisitKind::Telephone, o.clone()),
            vec![IssueCode::OthersPresentRequired]
        );
        assert!(codes(VisitKind::AnnouncedHome, o.clone()).is_empty());
        let stated = VisitOutcome {
            others_present: Some(OthersPresent::default()),
            ..o
        };
        assert!(codes(VisitKind::Virtual, stated).is_empty());
    }

    #[test]
    fn child_not_seen_needs_reason_and_follow_up() {
        let o = VisitOutcome {
            child_seen: false,
            not_seen_reason: Some("  ".into()),
            ..Default::default()
        };
        assert_eq!(
            codes(VisitKind::AnnouncedHome, o),
            vec![
                IssueCode::NotSeenReasonRequired,
                IssueCode::FollowUpRequired
            ]
        );
    }

    #[test]
    fn three_adults_when_spoken_to_is_a_warning_only() {
        let mut o = VisitOutcome {
            child_seen: true,
            adults_present_when_spoken_to: 3,
            ..Default::default()
        };
        let issues = validate_outcome(VisitKind::AnnouncedHome, &mut o, |_| true);
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].severity, Severity::Warning);
        o.adults_present_when_spoken_to = 2;
        assert!(validate_outcome(VisitKind::AnnouncedHome, &mut o, |_| true).is_empty());
    }

    #[test]
    fn a_stranger_cannot_be_named_as_a_known_adult() {
        let mut o = VisitOutcome {
            child_seen: true,
            others_present: Some(OthersPresent {
                known_adults: vec![PersonId::random()],
                ..Default::default()
            }),
            ..Default::default()
        };
        let issues = validate_outcome(VisitKind::Virtual, &mut o, |_| false);
        assert_eq!(issues[0].code, IssueCode::UnknownPersonNamed);
    }
}
