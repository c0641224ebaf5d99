//! Reading what the phones send: ids, dates and instants as the forms hold them, each refused with
//! a clear input error that names the field, never its content.

use crate::domain::InputError;
use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::London;

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
    optional(field, text, parse_date)
}

/// `text` read by `parse`, or `None` when it is absent or blank.
fn optional<T>(
    field: &'static str,
    text: Option<&str>,
    parse: fn(&'static str, &str) -> Result<T, InputError>,
) -> Result<Option<T>, InputError> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => parse(field, t).map(Some),
    }
}

/// A date as a practitioner in the UK writes it: day first, `31/01/2026` (or `31/1/2026`), or
/// `2026-01-31`. Anything else, or a day that does not exist, is an input error naming the field.
pub fn parse_uk_date(field: &'static str, text: &str) -> Result<NaiveDate, InputError> {
    let text = text.trim();
    let invalid = InputError::Invalid {
        field,
        reason: "not a date like 31/01/2026",
    };
    let parts: Vec<&str> = text.split('/').collect();
    if let [day, month, year] = parts[..] {
        let number = |s: &str, max_len: usize| {
            (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse::<u32>().ok())
                .flatten()
        };
        let (Some(d), Some(m), Some(y)) = (number(day, 2), number(month, 2), number(year, 4))
        else {
            return Err(invalid);
        };
        if year.len() != 4 {
            return Err(invalid);
        }
        let y = i32::try_from(y).map_err(|_| invalid.clone())?;
        return NaiveDate::from_ymd_opt(y, m, d).ok_or(invalid);
    }
    if text.len() == 10 {
        return NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| invalid);
    }
    Err(invalid)
}

/// An optional UK date (`None` or blank means not given).
pub fn parse_optional_uk_date(
    field: &'static str,
    text: Option<&str>,
) -> Result<Option<NaiveDate>, InputError> {
    optional(field, text, parse_uk_date)
}

/// A time of day on the 24-hour clock as written in the UK: `14:30` or `9:05` (a dot works too:
/// `14.30`).
pub fn parse_uk_time(field: &'static str, text: &str) -> Result<NaiveTime, InputError> {
    let invalid = InputError::Invalid {
        field,
        reason: "not a time like 14:30",
    };
    let text = text.trim();
    let Some((h, m)) = text.split_once([':', '.']) else {
        return Err(invalid);
    };
    let digits = |s: &str, lens: std::ops::RangeInclusive<usize>| {
        (lens.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    match (digits(h, 1..=2), digits(m, 2..=2)) {
        (Some(h), Some(m)) => NaiveTime::from_hms_opt(h, m, 0).ok_or(invalid),
        _ => Err(invalid),
    }
}

/// The instant of a UK local date and time (Europe/London), both as written on a form. In the
/// autumn's repeated hour the earlier instant is taken; a time the spring clock change skips is
/// refused (it never happens on that day).
pub fn parse_uk_local(date: &str, time: &str) -> Result<DateTime<Utc>, InputError> {
    let day = parse_uk_date("date", date)?;
    let at = parse_uk_time("time", time)?;
    London
        .from_local_datetime(&day.and_time(at))
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or(InputError::Invalid {
            field: "time",
            reason: "does not exist that day in the UK (the clocks go forward)",
        })
}

/// A visit's expected length as written on a form: a whole number of minutes, 1 to 720.
pub fn parse_minutes(field: &'static str, text: &str) -> Result<i32, InputError> {
    let text = text.trim();
    let minutes = (!text.is_empty() && text.len() <= 4 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse::<i32>().ok())
        .flatten();
    minutes
        .filter(|&m| m >= 1 && m.unsigned_abs() <= crate::store::MAX_VISIT_MINUTES)
        .ok_or(InputError::Invalid {
            field,
            reason: "must be a number of minutes from 1 to 720",
        })
}

/// The date `days` after today in the UK, written as a form shows it (`31/01/2026`), for a form's
/// starting value.
pub fn uk_date_label(at: DateTime<Utc>, days: u16) -> String {
    let today = crate::time::local_date(at);
    let day = today
        .checked_add_days(chrono::Days::new(days.into()))
        .unwrap_or(today);
    day.format("%d/%m/%Y").to_string()
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

    #[test]
    fn uk_forms_read_day_first_dates_and_24_hour_times() {
        let d = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
        assert_eq!(parse_uk_date("date", "31/01/2026").unwrap(), d);
        assert_eq!(parse_uk_date("date", " 31/1/2026 ").unwrap(), d);
        assert_eq!(parse_uk_date("date", "2026-01-31").unwrap(), d);
        for bad in [
            "01/31/2026",
            "31/01/26",
            "30/02/2026",
            "31-01-2026",
            "",
            "//",
            "1/1/+202",
        ] {
            let e = parse_uk_date("date", bad).unwrap_err();
            assert_eq!(e.to_string(), "date: not a date like 31/01/2026", "{bad}");
        }
        assert_eq!(
            parse_uk_time("time", "9.05").unwrap(),
            NaiveTime::from_hms_opt(9, 5, 0).unwrap()
        );
        for bad in ["24:00", "9", "9:5", "12:60", "-1:30", "+9:30", "٣:30"] {
            assert!(parse_uk_time("time", bad).is_err(), "{bad}");
        }
        // 29 March 2026: the clocks go forward at 01:00; 01:30 never happens.
        let gap = parse_uk_local("29/03/2026", "01:30").unwrap_err();
        assert!(gap.to_string().contains("clocks go forward"), "{gap}");
        // 25 October 2026: 01:30 happens twice; the earlier (BST) is taken.
        let twice = parse_uk_local("25/10/2026", "01:30").unwrap();
        assert_eq!(twice.to_rfc3339(), "2026-10-25T00:30:00+00:00");
        assert_eq!(parse_minutes("minutes", " 45 ").unwrap(), 45);
        for bad in ["0", "721", "-5", "4.5", "", "99999999999"] {
            assert!(parse_minutes("minutes", bad).is_err(), "{bad}");
        }
        let at = parse_uk_local("31/12/2026", "23:30").unwrap();
        assert_eq!(uk_date_label(at, 1), "01/01/2027");
        assert_eq!(uk_date_label(at, u16::MAX).len(), 10);
    }

    mod properties {
        use super::super::*;
        use chrono::{Datelike, Timelike};
        use proptest::prelude::*;

        fn any_date() -> impl Strategy<Value = NaiveDate> {
            (1000i32..=9999, 1u32..=366)
                .prop_filter_map("a day of that year", |(y, d)| NaiveDate::from_yo_opt(y, d))
        }

        proptest! {
            #[test]
            fn every_valid_date_round_trips_in_each_way_it_is_written(d in any_date()) {
                for written in [
                    d.format("%d/%m/%Y").to_string(),
                    d.format("%-d/%-m/%Y").to_string(),
                    d.format("%Y-%m-%d").to_string(),
                ] {
                    prop_assert_eq!(parse_uk_date("date", &written).unwrap(), d);
                }
            }

            #[test]
            fn every_time_of_day_round_trips(h in 0u32..24, m in 0u32..60) {
                let t = NaiveTime::from_hms_opt(h, m, 0).unwrap();
                prop_assert_eq!(parse_uk_time("time", &t.format("%H:%M").to_string()).unwrap(), t);
                prop_assert_eq!(parse_uk_time("time", &format!("{h}.{m:02}")).unwrap(), t);
            }

            #[test]
            fn a_uk_local_time_is_that_time_in_london_or_refused_in_the_spring_gap(
                d in (1971i32..=2100, 1u32..=366).prop_filter_map("day", |(y, o)| NaiveDate::from_yo_opt(y, o)),
                h in 0u32..24,
                m in 0u32..60,
            ) {
                let written = (d.format("%d/%m/%Y").to_string(), format!("{h:02}:{m:02}"));
                match parse_uk_local(&written.0, &written.1) {
                    Ok(at) => {
                        let local = at.with_timezone(&London);
                        prop_assert_eq!(local.date_naive(), d);
                        prop_assert_eq!((local.hour(), local.minute()), (h, m));
                        prop_assert_eq!(crate::view::input::uk_date_label(at, 0), written.0);
                    }
                    Err(e) => {
                        // Only the hour the clocks skip, on a Sunday in March.
                        prop_assert!(e.to_string().contains("clocks go forward"));
                        prop_assert_eq!(d.month(), 3);
                        prop_assert_eq!(d.weekday(), chrono::Weekday::Sun);
                    }
                }
            }

            #[test]
            fn garbage_is_a_typed_error_naming_the_field_never_a_panic(text in any::<String>(), time in any::<String>()) {
                if let Err(e) = parse_uk_date("date of birth", &text) {
                    // Always the same words: nothing of what was typed comes back.
                    prop_assert_eq!(e.to_string(), "date of birth: not a date like 31/01/2026");
                }
                if let Err(e) = parse_uk_time("time", &text) {
                    prop_assert_eq!(e.to_string(), "time: not a time like 14:30");
                }
                let _ = parse_uk_local(&text, &time);
                match parse_minutes("expected minutes", &text) {
                    Ok(m) => prop_assert!((1..=720).contains(&m)),
                    Err(e) => prop_assert!(e.to_string().starts_with("expected minutes: ")),
                }
            }

            #[test]
            fn garbage_shaped_like_a_date_is_refused_or_a_real_day(d in 0u32..100, m in 0u32..100, y in 0u32..100_000) {
                let written = format!("{d}/{m}/{y}");
                if let Ok(day) = parse_uk_date("date", &written) {
                    prop_assert_eq!((day.day(), day.month(), day.year()), (d, m, i32::try_from(y).unwrap()));
                }
            }
        }
    }
}
