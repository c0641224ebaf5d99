//! Plausible dates: a date of birth, an expected date of delivery or a visit's time outside these
//! bounds is a typing slip (0000-01-01, 1900, a year too many), refused with a typed error that
//! names the field and the bounds, never the date typed.

use super::input::InputError;
use super::PersonRole;
use chrono::{DateTime, Months, NaiveDate, Utc};

/// The oldest a person's date of birth may make them, in years.
pub const MAX_AGE_YEARS: u32 = 120;
/// The oldest a child in the caseload may be, in years (care leavers are supported to 25).
pub const MAX_CHILD_AGE_YEARS: u32 = 25;
/// How far before today a visit may be planned or recorded, in years.
pub const VISIT_YEARS_BACK: u32 = 5;
/// How far after today a visit may be planned, in years.
pub const VISIT_YEARS_AHEAD: u32 = 2;
/// How far an expected date of delivery may be from today, in months, either way.
pub const EXPECTED_DATE_MONTHS: u32 = 12;

fn years_before(day: NaiveDate, years: u32) -> NaiveDate {
    day.checked_sub_months(Months::new(years * 12))
        .unwrap_or(NaiveDate::MIN)
}

/// Checks a date of birth against `today`: not in the future, and not older than a person (or, for
/// a child, a child in the caseload) can be.
pub fn check_date_of_birth(
    dob: NaiveDate,
    role: PersonRole,
    today: NaiveDate,
) -> Result<(), InputError> {
    let field = "date of birth";
    if dob > today {
        return Err(InputError::Invalid {
            field,
            reason: "is in the future",
        });
    }
    if dob < years_before(today, MAX_AGE_YEARS) {
        return Err(InputError::Invalid {
            field,
            reason: "is more than 120 years ago",
        });
    }
    if role == PersonRole::Child && dob < years_before(today, MAX_CHILD_AGE_YEARS) {
        return Err(InputError::Invalid {
            field,
            reason: "makes the child older than 25",
        });
    }
    Ok(())
}

/// Checks an unborn child's expected date of delivery: within a year of today, either way.
pub fn check_expected_date(expected: NaiveDate, today: NaiveDate) -> Result<(), InputError> {
    let months = Months::new(EXPECTED_DATE_MONTHS);
    let early = today.checked_sub_months(months).unwrap_or(NaiveDate::MIN);
    let late = today.checked_add_months(months).unwrap_or(NaiveDate::MAX);
    if expected < early || expected > late {
        return Err(InputError::Invalid {
            field: "expected date",
            reason: "must be within a year of today",
        });
    }
    Ok(())
}

/// Checks a visit's planned time against `now`: from five years before to two years after.
pub fn check_visit_time(at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), InputError> {
    let early = now
        .checked_sub_months(Months::new(VISIT_YEARS_BACK * 12))
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    let late = now
        .checked_add_months(Months::new(VISIT_YEARS_AHEAD * 12))
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    if at < early || at > late {
        return Err(InputError::Invalid {
            field: "planned time",
            reason: "must be between five years before and two years after today",
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn implausible_dates_of_birth_are_refused_with_the_field_named() {
        let today = day(2026, 12, 4);
        for (dob, role) in [
            (day(0, 1, 1), PersonRole::ParentCarer),
            (day(1900, 1, 1), PersonRole::ParentCarer),
            (day(1906, 12, 3), PersonRole::ParentCarer),
            (day(2000, 1, 1), PersonRole::Child),
            (day(2026, 12, 5), PersonRole::Child),
        ] {
            let e = check_date_of_birth(dob, role, today).unwrap_err();
            assert!(matches!(
                e,
                InputError::Invalid {
                    field: "date of birth",
                    ..
                }
            ));
            assert!(!e.to_string().contains(&dob.to_string()), "{e}");
        }
        for (dob, role) in [
            (day(1906, 12, 4), PersonRole::ParentCarer),
            (day(2001, 12, 4), PersonRole::Child),
            (today, PersonRole::Child),
        ] {
            check_date_of_birth(dob, role, today).unwrap();
        }
    }

    #[test]
    fn visits_in_1900_or_years_ahead_are_refused() {
        let now = Utc.with_ymd_and_hms(2026, 12, 4, 9, 0, 0).unwrap();
        for at in [
            Utc.with_ymd_and_hms(1900, 6, 1, 10, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2021, 12, 4, 8, 59, 0).unwrap(),
            Utc.with_ymd_and_hms(2028, 12, 4, 9, 1, 0).unwrap(),
        ] {
            assert!(matches!(
                check_visit_time(at, now),
                Err(InputError::Invalid {
                    field: "planned time",
                    ..
                })
            ));
        }
        check_visit_time(now, now).unwrap();
        check_visit_time(Utc.with_ymd_and_hms(2028, 12, 4, 9, 0, 0).unwrap(), now).unwrap();
        assert!(check_expected_date(day(2028, 1, 1), now.date_naive()).is_err());
        check_expected_date(day(2027, 5, 1), now.date_naive()).unwrap();
    }
}
