//! What the input forms need from the core: their choice lists with the core's words, and the
//! reading of what a practitioner typed (UK dates and times, minutes), each refused with
//! `InvalidInput` and a message for the screen. Conversion only: the rules are in
//! `doorstep_core::view::{choices, input}`.

use crate::error::DoorstepError;
use crate::types::{Agency, PersonRole, PlanType, Rag, VisitKind};
use doorstep_core::view::input::{parse_minutes, parse_uk_local, uk_date_label};
use doorstep_core::view::MAX_COUNT;
pub use doorstep_core::view::{
    AgencyChoice, FormChoices, PlanChoice, RagChoice, RoleChoice, VisitKindChoice,
};
use doorstep_core::{Clock, SystemClock};

/// A plan to choose.
#[uniffi::remote(Record)]
pub struct PlanChoice {
    pub value: PlanType,
    pub label: String,
}

/// A RAG rating to choose.
#[uniffi::remote(Record)]
pub struct RagChoice {
    pub value: Rag,
    pub label: String,
}

/// A kind of contact to choose.
#[uniffi::remote(Record)]
pub struct VisitKindChoice {
    pub value: VisitKind,
    pub label: String,
}

/// A role in a household to choose.
#[uniffi::remote(Record)]
pub struct RoleChoice {
    pub value: PersonRole,
    pub label: String,
}

/// An agency to choose.
#[uniffi::remote(Record)]
pub struct AgencyChoice {
    pub value: Agency,
    pub label: String,
}

/// Every list the input forms offer, in order, with the core's words.
#[uniffi::remote(Record)]
pub struct FormChoices {
    pub plans: Vec<PlanChoice>,
    pub rags: Vec<RagChoice>,
    pub visit_kinds: Vec<VisitKindChoice>,
    pub roles: Vec<RoleChoice>,
    pub agencies: Vec<AgencyChoice>,
}

/// The choice lists of the input forms (plans, ratings, kinds of contact, roles, agencies).
#[uniffi::export]
pub fn form_choices() -> FormChoices {
    doorstep_core::view::form_choices()
}

/// The largest number a count on the visit form takes: where both apps' steppers stop (also on
/// each counting prompt as `max_count`).
#[uniffi::export]
pub fn max_count() -> i32 {
    MAX_COUNT
}

/// The longest expected length a visit may be planned with, in minutes: where both apps' length
/// fields and steppers stop (planning refuses more).
#[uniffi::export]
pub fn max_expected_minutes() -> i32 {
    i32::try_from(doorstep_core::store::MAX_VISIT_MINUTES).unwrap_or(i32::MAX)
}

/// The instant (UTC milliseconds) of a UK local date and time as typed on a form: the date day
/// first (`31/01/2026`, or `2026-01-31`), the time on the 24-hour clock (`14:30`). A date or time
/// that does not parse, or a time the spring clock change skips, is `InvalidInput` with a message
/// for the screen (naming the field, never what was typed).
#[uniffi::export]
pub fn uk_local_millis(date: String, time: String) -> Result<i64, DoorstepError> {
    Ok(parse_uk_local(&date, &time)?.timestamp_millis())
}

/// A visit's expected length as typed on a form: whole minutes, 1 to 720, else `InvalidInput`.
#[uniffi::export]
pub fn expected_minutes(text: String) -> Result<i32, DoorstepError> {
    Ok(parse_minutes("expected minutes", &text)?)
}

/// The date `days` (0 to 366) after today in the UK, as a form shows it (`31/01/2026`): a form's
/// starting value.
#[uniffi::export]
pub fn uk_date_in_days(days: i32) -> Result<String, DoorstepError> {
    let days = u16::try_from(days).ok().filter(|d| *d <= 366).ok_or(
        doorstep_core::domain::InputError::Invalid {
            field: "days",
            reason: "must be between 0 and 366",
        },
    )?;
    Ok(uk_date_label(SystemClock.now(), days))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_dates_times_and_minutes_come_back_read_or_refused_as_input() {
        // 10:00 on 1 July 2026 in London is 09:00 UTC (summer time).
        assert_eq!(
            uk_local_millis("01/07/2026".into(), "10:00".into()).unwrap(),
            1_782_896_400_000
        );
        for (date, time) in [("31/02/2026", "10:00"), ("01/07/2026", "25:00"), ("", "")] {
            let e = uk_local_millis(date.into(), time.into()).unwrap_err();
            assert_eq!(e.code(), "InvalidInput");
        }
        assert_eq!(expected_minutes(" 45 ".into()).unwrap(), 45);
        assert_eq!(
            expected_minutes("0".into()).unwrap_err().code(),
            "InvalidInput"
        );
        assert_eq!(uk_date_in_days(-1).unwrap_err().code(), "InvalidInput");
        assert_eq!(uk_date_in_days(1).unwrap().len(), 10);
        assert_eq!(max_count(), 20);
        let choices = form_choices();
        assert_eq!(choices.rags.len(), 3);
        assert_eq!(choices.visit_kinds[0].label, "Home visit");
    }
}
