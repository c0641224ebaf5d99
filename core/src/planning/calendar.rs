//! The working calendar: bank holidays in England and Wales, the practitioner's working pattern,
//! leave and appointments, and working-day arithmetic.

use super::PlanningError;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};

/// The official list shipped with the app (gov.uk, England and Wales, 2024–2030).
const OFFICIAL_LIST: &str = include_str!("data/bank-holidays-england-and-wales.txt");

/// Bank holidays in England and Wales: the shipped official list, optionally overridden.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BankHolidays {
    /// Sorted, without duplicates.
    dates: Vec<NaiveDate>,
}

impl BankHolidays {
    /// The official list for England and Wales shipped in `data/` (2024–2030).
    pub fn official() -> Self {
        // The shipped file is checked by a unit test; a parse failure cannot happen at run time,
        // and if it somehow did the empty list is the safe fallback (more days count as working).
        Self::parse(OFFICIAL_LIST).unwrap_or(Self { dates: Vec::new() })
    }

    /// Parses lines of `YYYY-MM-DD name`; blank lines and lines starting with `#` are skipped.
    pub fn parse(text: &str) -> Result<Self, PlanningError> {
        let mut dates = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let first = line.split_whitespace().next().unwrap_or("");
            let date = NaiveDate::parse_from_str(first, "%Y-%m-%d")
                .map_err(|_| PlanningError::HolidayData { line: i + 1 })?;
            dates.push(date);
        }
        Ok(Self::from_dates(dates))
    }

    /// A list of exactly these dates.
    pub fn from_dates(mut dates: Vec<NaiveDate>) -> Self {
        dates.sort_unstable();
        dates.dedup();
        Self { dates }
    }

    /// This list with `add` added and `remove` removed (a newly proclaimed or moved holiday).
    pub fn with_overrides(&self, add: &[NaiveDate], remove: &[NaiveDate]) -> Self {
        let mut dates: Vec<NaiveDate> = self
            .dates
            .iter()
            .copied()
            .filter(|d| !remove.contains(d))
            .collect();
        dates.extend_from_slice(add);
        Self::from_dates(dates)
    }

    /// Whether `date` is a bank holiday.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.dates.binary_search(&date).is_ok()
    }

    /// Every holiday, in order.
    pub fn dates(&self) -> &[NaiveDate] {
        &self.dates
    }

    /// A working day in England and Wales: Monday to Friday and not a bank holiday. This is the
    /// meaning of "working day" in every policy interval, whatever the practitioner's own pattern.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !self.contains(date)
    }

    /// The date `n` working days after `date` (`n` = 0 gives `date` itself).
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, PlanningError> {
        let mut d = date;
        let mut left = n;
        while left > 0 {
            d = d.succ_opt().ok_or(PlanningError::DateOutOfRange)?;
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        Ok(d)
    }

    /// The date `n` working days before `date`.
    pub fn sub_working_days(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, PlanningError> {
        let mut d = date;
        let mut left = n;
        while left > 0 {
            d = d.pred_opt().ok_or(PlanningError::DateOutOfRange)?;
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        Ok(d)
    }

    /// Working days after `from` up to and including `to` (0 when `to <= from`).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        if to <= from {
            return 0;
        }
        let days = (to - from).num_days();
        // Whole weeks hold five weekdays each; the few days left are counted one by one.
        let mut weekdays = days / 7 * 5;
        let mut d = from + Duration::days(days / 7 * 7);
        while d < to {
            match d.succ_opt() {
                Some(next) => d = next,
                None => break,
            }
            if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
                weekdays += 1;
            }
        }
        let lo = self.dates.partition_point(|h| *h <= from);
        let hi = self.dates.partition_point(|h| *h <= to);
        let holidays = self
            .dates
            .get(lo..hi)
            .unwrap_or(&[])
            .iter()
            .filter(|h| !matches!(h.weekday(), Weekday::Sat | Weekday::Sun))
            .count() as i64;
        (weekdays - holidays).clamp(0, i64::from(u32::MAX)) as u32
    }
}

/// `t + d`, saturating at the ends of time instead of panicking.
pub(crate) fn add(t: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    t.checked_add_signed(d).unwrap_or(if d < Duration::zero() {
        DateTime::<Utc>::MIN_UTC
    } else {
        DateTime::<Utc>::MAX_UTC
    })
}

/// Working hours on one weekday, in Europe/London local time, as minutes after midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DayHours {
    /// Start, minutes after local midnight.
    pub start_minute: u16,
    /// End, minutes after local midnight (exclusive; at most 1440).
    pub end_minute: u16,
}

impl DayHours {
    /// From `HH:MM` to `HH:MM`.
    pub fn new(start_hour: u16, start_min: u16, end_hour: u16, end_min: u16) -> Self {
        Self {
            start_minute: start_hour.saturating_mul(60).saturating_add(start_min),
            end_minute: end_hour.saturating_mul(60).saturating_add(end_min),
        }
    }
}

/// Which weekdays the practitioner works and when (part-time patterns leave days out).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WorkingPattern {
    /// Monday first; `None` on a day not worked.
    pub days: [Option<DayHours>; 7],
}

impl Default for WorkingPattern {
    /// Monday to Friday, 09:00 to 17:00.
    fn default() -> Self {
        let day = Some(DayHours::new(9, 0, 17, 0));
        Self {
            days: [day, day, day, day, day, None, None],
        }
    }
}

impl WorkingPattern {
    /// Hours worked on `weekday`, if any.
    pub fn hours(&self, weekday: Weekday) -> Option<DayHours> {
        self.days
            .get(weekday.num_days_from_monday() as usize)
            .copied()
            .flatten()
    }

    /// Checks that every range is non-empty and inside the day.
    pub fn validate(&self) -> Result<(), PlanningError> {
        for (weekday, h) in self.days.iter().enumerate() {
            if let Some(h) = h {
                if h.start_minute >= h.end_minute || h.end_minute > 1440 {
                    return Err(PlanningError::WorkingHours { weekday });
                }
            }
        }
        Ok(())
    }
}

/// Whole days of leave (annual leave, training, sickness), inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Leave {
    /// First day away.
    pub first: NaiveDate,
    /// Last day away.
    pub last: NaiveDate,
}

/// A time already taken (a meeting, a court hearing, part-day leave, a booked visit elsewhere).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Appointment {
    /// Start (UTC).
    pub start: DateTime<Utc>,
    /// End (UTC, exclusive).
    pub end: DateTime<Utc>,
}

/// Everything about the practitioner's time that planning needs.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PractitionerCalendar {
    /// Bank holidays (the official list, with any local overrides).
    pub holidays: BankHolidays,
    /// The weekly working pattern.
    pub pattern: WorkingPattern,
    /// Leave.
    pub leave: Vec<Leave>,
    /// Existing appointments.
    pub appointments: Vec<Appointment>,
}

impl Default for PractitionerCalendar {
    /// The official holidays, Monday to Friday 09:00–17:00, no leave or appointments.
    fn default() -> Self {
        Self {
            holidays: BankHolidays::official(),
            pattern: WorkingPattern::default(),
            leave: Vec::new(),
            appointments: Vec::new(),
        }
    }
}

impl PractitionerCalendar {
    /// Whether the practitioner can visit at all on `date`: a working day in England and Wales,
    /// a day of their pattern, and not on leave.
    pub fn is_available(&self, date: NaiveDate) -> bool {
        self.holidays.is_working_day(date)
            && self.pattern.hours(date.weekday()).is_some()
            && !self.on_leave(date)
    }

    /// Whether `date` is inside any leave.
    pub fn on_leave(&self, date: NaiveDate) -> bool {
        self.leave.iter().any(|l| l.first <= date && date <= l.last)
    }

    /// Whether `[start, end)` widened by `buffer` on each side meets an appointment.
    pub fn clashes(&self, start: DateTime<Utc>, end: DateTime<Utc>, buffer: Duration) -> bool {
        self.appointments
            .iter()
            .any(|a| start < add(a.end, buffer) && add(a.start, -buffer) < end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// Easter Sunday (anonymous Gregorian algorithm).
    fn easter(y: i32) -> NaiveDate {
        let a = y % 19;
        let b = y / 100;
        let c = y % 100;
        let dd = b / 4;
        let e = b % 4;
        let f = (b + 8) / 25;
        let g = (b - f + 1) / 3;
        let h = (19 * a + b - dd - g + 15) % 30;
        let i = c / 4;
        let k = c % 4;
        let l = (32 + 2 * e + 2 * i - h - k) % 7;
        let m = (a + 11 * h + 22 * l) / 451;
        let month = (h + l - 7 * m + 114) / 31;
        let day = (h + l - 7 * m + 114) % 31 + 1;
        d(y, month as u32, day as u32)
    }

    fn first_monday(y: i32, m: u32) -> NaiveDate {
        (1..=7)
            .map(|x| d(y, m, x))
            .find(|x| x.weekday() == Weekday::Mon)
            .unwrap()
    }

    fn last_monday(y: i32, m: u32) -> NaiveDate {
        let last = if m == 12 {
            31
        } else {
            d(y, m + 1, 1).pred_opt().unwrap().day()
        };
        (last - 6..=last)
            .map(|x| d(y, m, x))
            .find(|x| x.weekday() == Weekday::Mon)
            .unwrap()
    }

    /// The holidays the statutory rules give for a year with no special proclamations.
    fn rule_based(y: i32) -> Vec<NaiveDate> {
        let next_weekday = |x: NaiveDate| {
            let mut x = x;
            while matches!(x.weekday(), Weekday::Sat | Weekday::Sun) {
                x = x.succ_opt().unwrap();
            }
            x
        };
        let new_year = next_weekday(d(y, 1, 1));
        let christmas = next_weekday(d(y, 12, 25));
        let mut boxing = next_weekday(d(y, 12, 26));
        if boxing == christmas {
            boxing = next_weekday(boxing.succ_opt().unwrap());
        }
        let e = easter(y);
        let mut v = vec![
            new_year,
            e - Duration::days(2),
            e + Duration::days(1),
            first_monday(y, 5),
            last_monday(y, 5),
            last_monday(y, 8),
            christmas,
            boxing,
        ];
        v.sort();
        v
    }

    #[test]
    fn shipped_list_matches_the_statutory_rules_2024_to_2030() {
        let official = BankHolidays::official();
        assert_eq!(official.dates().len(), 56);
        for y in 2024..=2030 {
            let in_year: Vec<NaiveDate> = official
                .dates()
                .iter()
                .copied()
                .filter(|x| x.year() == y)
                .collect();
            assert_eq!(in_year, rule_based(y), "year {y}");
        }
        // Substitute days.
        assert!(official.contains(d(2026, 12, 28)));
        assert!(official.contains(d(2027, 12, 27)) && official.contains(d(2027, 12, 28)));
        assert!(official.contains(d(2028, 1, 3)));
        assert!(!official.contains(d(2028, 1, 1)));
    }

    #[test]
    fn working_days_skip_weekends_and_bank_holidays() {
        let h = BankHolidays::official();
        // Friday 18 Dec 2026 + 10 working days: skips 25 and 28 Dec and 1 Jan.
        assert_eq!(
            h.add_working_days(d(2026, 12, 18), 10).unwrap(),
            d(2027, 1, 6)
        );
        assert_eq!(
            h.sub_working_days(d(2027, 1, 6), 10).unwrap(),
            d(2026, 12, 18)
        );
        assert_eq!(h.working_days_between(d(2026, 12, 18), d(2027, 1, 6)), 10);
        assert_eq!(h.working_days_between(d(2027, 1, 6), d(2026, 12, 18)), 0);
        assert!(!h.is_working_day(d(2026, 4, 3)));
        assert!(h.is_working_day(d(2026, 4, 7)));
    }

    #[test]
    fn working_days_between_matches_counting_day_by_day() {
        let h = BankHolidays::official();
        let start = d(2025, 12, 20);
        for a in 0..40 {
            for b in 0..60 {
                let from = start + Duration::days(a);
                let to = from + Duration::days(b);
                let mut n = 0;
                let mut x = from;
                while x < to {
                    x = x.succ_opt().unwrap();
                    if h.is_working_day(x) {
                        n += 1;
                    }
                }
                assert_eq!(h.working_days_between(from, to), n, "{from} {to}");
            }
        }
        // Far-apart dates are counted without walking every day.
        assert!(h.working_days_between(NaiveDate::MIN, NaiveDate::MAX) > 0);
    }

    #[test]
    fn overrides_and_parse_errors() {
        let h = BankHolidays::official().with_overrides(&[d(2029, 6, 1)], &[d(2029, 5, 7)]);
        assert!(h.contains(d(2029, 6, 1)) && !h.contains(d(2029, 5, 7)));
        assert_eq!(
            BankHolidays::parse("# c\n2026-01-01 x\nnot a date\n"),
            Err(PlanningError::HolidayData { line: 3 })
        );
    }

    #[test]
    fn availability_follows_pattern_and_leave() {
        let mut cal = PractitionerCalendar::default();
        cal.pattern.days[2] = None; // no Wednesdays (part time)
        cal.leave.push(Leave {
            first: d(2026, 11, 9),
            last: d(2026, 11, 10),
        });
        assert!(!cal.is_available(d(2026, 11, 11))); // Wednesday
        assert!(!cal.is_available(d(2026, 11, 10))); // leave
        assert!(cal.is_available(d(2026, 11, 12)));
        assert!(!cal.is_available(d(2026, 11, 14))); // Saturday
        let bad = WorkingPattern {
            days: [
                Some(DayHours::new(17, 0, 9, 0)),
                None,
                None,
                None,
                None,
                None,
                None,
            ],
        };
        assert_eq!(
            bad.validate(),
            Err(PlanningError::WorkingHours { weekday: 0 })
        );
    }
}
