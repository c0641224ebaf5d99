//! Local time for England and Wales: records are stored in UTC and shown in Europe/London.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::London;

/// The calendar date in England and Wales at `at`.
pub fn local_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&London).date_naive()
}

/// `at` in Europe/London, formatted `YYYY-MM-DD HH:MM`.
pub fn local_display(at: DateTime<Utc>) -> String {
    at.with_timezone(&London)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The UTC instant of a local date and time in Europe/London. In the autumn repeated hour the
/// earlier instant is taken; a time inside the spring-forward gap is moved an hour later.
pub fn from_local(date: NaiveDate, hour: u32, minute: u32) -> Option<DateTime<Utc>> {
    let naive = date.and_hms_opt(hour, minute, 0)?;
    match London.from_local_datetime(&naive) {
        chrono::LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        chrono::LocalResult::Ambiguous(a, _) => Some(a.with_timezone(&Utc)),
        chrono::LocalResult::None => London
            .from_local_datetime(&(naive + chrono::Duration::hours(1)))
            .earliest()
            .map(|t| t.with_timezone(&Utc)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn london_dates_across_dst() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap();
        let t = from_local(d, 1, 30).unwrap(); // inside the gap: 02:30 BST = 01:30 UTC
        assert_eq!(local_display(t), "2026-03-29 02:30");
        let t = from_local(NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(), 0, 30).unwrap();
        assert_eq!(local_date(t), NaiveDate::from_ymd_opt(2026, 6, 1).unwrap());
        assert_eq!(
            t.date_naive(),
            NaiveDate::from_ymd_opt(2026, 5, 31).unwrap()
        );
    }
}
