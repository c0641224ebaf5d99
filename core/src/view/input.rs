//! Reading what the phones send: ids, dates and instants as the forms hold them, each refused with
//! a clear input error that names the field, never its content.

use crate::domain::InputError;
use chrono::{DateTime, NaiveDate, Utc};

/// A record id (a UUID in text).
pub fn parse_uuid(field: &'static str, text: &str) -> Result<uuid::Uuid, InputError> {
    uuid::Uuid::parse_str(text.trim()).map_err(|_| InputError::Invalid {
        field,
        reason: "not a record id",
    })
}

/// A calendar date written `YYYY-MM-DD`.
pub fn parse_date(field: &'static str, text: &str) -> Result<NaiveDate, InputError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| InputError::Invalid {
        field,
        reason: "not a date like 2026-01-31",
    })
}

/// An optional date (`None` or blank means not given).
pub fn parse_optional_date(
    field: &'static str,
    text: Option<&str>,
) -> Result<Option<NaiveDate>, InputError> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => parse_date(field, t).map(Some),
    }
}

/// An instant given as milliseconds since the Unix epoch.
pub fn parse_millis(field: &'static str, millis: i64) -> Result<DateTime<Utc>, InputError> {
    DateTime::<Utc>::from_timestamp_millis(millis).ok_or(InputError::Invalid {
        field,
        reason: "not a valid time",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_input_names_the_field_not_the_content() {
        let e = parse_date("date of birth", "31/01/2026 secret").unwrap_err();
        assert_eq!(e.to_string(), "date of birth: not a date like 2026-01-31");
        assert!(parse_uuid("case", "nope").is_err());
        assert!(parse_millis("planned for", i64::MAX).is_err());
        assert_eq!(parse_optional_date("d", Some("  ")).unwrap(), None);
        assert_eq!(
            parse_date("d", "2026-02-28").unwrap(),
            NaiveDate::from_ymd_opt(2026, 2, 28).unwrap()
        );
    }
}
