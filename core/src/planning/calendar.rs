//! The working calendar: bank holidays in England and Wales, the practitioner's working pattern,
//! leave and appointments, and working-day arithmetic.

use super::PlanningError;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};

/// The table of one-off changes (moved and extra holidays) shipped with the app.
const ONE_OFFS: &str = include_str!("data/bank-holidays-one-offs.txt");

/// The first year the rules in [`rule_holidays`] describe (the early May holiday began in 1978).
pub const RULES_FROM_YEAR: i32 = 1978;
/// Years whose holidays are kept in a sorted list; other years are computed when asked.
const CACHE_YEARS: (i32, i32) = (RULES_FROM_YEAR, 2200);

/// Where a year's bank holidays come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HolidaySource {
    /// The statutory rules plus the table of one-off changes, checked against the official list.
    RulesAndTable,
    /// The statutory rules alone: the table has not been checked this far ahead (a one-off
    /// holiday proclaimed for this year is not known until added).
    RulesOnly,
}

/// Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm).
fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let (d, e) = (b.div_euclid(4), b.rem_euclid(4));
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let (i, k) = (c.div_euclid(4), c.rem_euclid(4));
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let month = (h + l - 7 * m + 114).div_euclid(31);
    let day = (h + l - 7 * m + 114).rem_euclid(31) + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The first weekday on or after `d` that is not in `taken`.
fn substitute(d: NaiveDate, taken: &[NaiveDate]) -> Option<NaiveDate> {
    let mut x = d;
    while is_weekend(x) || taken.contains(&x) {
        x = x.succ_opt()?;
    }
    Some(x)
}

/// The Monday of week `nth` (0-based) of `month`, or the last Monday when `nth` is `None`.
fn monday(year: i32, month: u32, nth: Option<u32>) -> Option<NaiveDate> {
    match nth {
        Some(n) => NaiveDate::from_weekday_of_month_opt(
            year,
            month,
            Weekday::Mon,
            u8::try_from(n + 1).ok()?,
        ),
        None => {
            let next = if month == 12 {
                NaiveDate::from_ymd_opt(year + 1, 1, 1)?
            } else {
                NaiveDate::from_ymd_opt(year, month + 1, 1)?
            };
            let mut d = next.pred_opt()?;
            while d.weekday() != Weekday::Mon {
                d = d.pred_opt()?;
            }
            Some(d)
        }
    }
}

/// The eight bank holidays the statutory rules give for `year` in England and Wales, sorted:
/// New Year's Day, Good Friday, Easter Monday, the first Monday of May, the last Mondays of May
/// and August, Christmas Day and Boxing Day, each moved to the next free weekday when it falls at
/// a weekend. All eight are weekdays of `year`. `None` only at the ends of the date range.
pub fn rule_holidays(year: i32) -> Option<[NaiveDate; 8]> {
    let easter = easter_sunday(year)?;
    let new_year = substitute(NaiveDate::from_ymd_opt(year, 1, 1)?, &[])?;
    let christmas = substitute(NaiveDate::from_ymd_opt(year, 12, 25)?, &[])?;
    let boxing = substitute(NaiveDate::from_ymd_opt(year, 12, 26)?, &[christmas])?;
    let mut v = [
        new_year,
        easter.checked_sub_signed(Duration::days(2))?,
        easter.checked_add_signed(Duration::days(1))?,
        monday(year, 5, Some(0))?,
        monday(year, 5, None)?,
        monday(year, 8, None)?,
        christmas,
        boxing,
    ];
    v.sort_unstable();
    Some(v)
}

/// One line of the one-off table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct OneOff {
    date: NaiveDate,
    added: bool,
}

/// Bank holidays in England and Wales: the statutory rules for any year, the table of one-off
/// changes, and any local changes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BankHolidays {
    /// Every holiday of the cached years, sorted, without duplicates.
    dates: Vec<NaiveDate>,
    /// Extra holidays (table and local), sorted.
    added: Vec<NaiveDate>,
    /// Rule holidays that do not apply (moved by proclamation, or worked locally), sorted.
    removed: Vec<NaiveDate>,
    /// The last year the one-off table was checked against the official list.
    table_through: i32,
}

impl BankHolidays {
    /// The rules and the shipped table of one-off changes.
    pub fn official() -> Self {
        // The shipped table is checked by a unit test; if it somehow failed to parse, the rules
        // alone are the safe fallback (they hold for every ordinary year).
        Self::with_table(ONE_OFFS).unwrap_or_else(|_| Self::build(Vec::new(), Vec::new(), 0))
    }

    /// The rules with a table of one-off changes in the shipped format (`through YYYY`, then
    /// lines of `YYYY-MM-DD +|- description`; blank lines and `#` comments skipped).
    pub fn with_table(text: &str) -> Result<Self, PlanningError> {
        let mut added = Vec::new();
        let mut removed = Vec::new();
        let mut through = None;
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = PlanningError::HolidayData { line: i + 1 };
            let mut parts = line.split_whitespace();
            let first = parts.next().unwrap_or("");
            if first == "through" {
                let y = parts.next().and_then(|y| y.parse::<i32>().ok());
                through = Some(y.ok_or(bad)?);
                continue;
            }
            let one = OneOff {
                date: NaiveDate::parse_from_str(first, "%Y-%m-%d").map_err(|_| bad.clone())?,
                added: match parts.next() {
                    Some("+") => true,
                    Some("-") => false,
                    _ => return Err(bad),
                },
            };
            if one.added {
                added.push(one.date);
            } else {
                removed.push(one.date);
            }
        }
        let through = through.ok_or(PlanningError::HolidayData { line: 0 })?;
        Ok(Self::build(added, removed, through))
    }

    fn build(mut added: Vec<NaiveDate>, mut removed: Vec<NaiveDate>, table_through: i32) -> Self {
        added.sort_unstable();
        added.dedup();
        removed.retain(|d| !added.contains(d));
        removed.sort_unstable();
        removed.dedup();
        let mut dates = Vec::new();
        for y in CACHE_YEARS.0..=CACHE_YEARS.1 {
            if let Some(rule) = rule_holidays(y) {
                dates.extend(rule.iter().filter(|d| removed.binary_search(d).is_err()));
            }
        }
        dates.extend(
            added
                .iter()
                .filter(|d| (CACHE_YEARS.0..=CACHE_YEARS.1).contains(&d.year())),
        );
        dates.sort_unstable();
        dates.dedup();
        Self {
            dates,
            added,
            removed,
            table_through,
        }
    }

    /// These holidays with `add` added and `remove` removed (a newly proclaimed holiday, or a
    /// bank holiday worked locally).
    pub fn with_overrides(&self, add: &[NaiveDate], remove: &[NaiveDate]) -> Self {
        let mut added: Vec<NaiveDate> = self
            .added
            .iter()
            .copied()
            .filter(|d| !remove.contains(d))
            .collect();
        added.extend_from_slice(add);
        let mut removed: Vec<NaiveDate> = self
            .removed
            .iter()
            .copied()
            .filter(|d| !add.contains(d))
            .collect();
        removed.extend_from_slice(remove);
        Self::build(added, removed, self.table_through)
    }

    /// Where `year`'s holidays come from.
    pub fn source(&self, year: i32) -> HolidaySource {
        if year <= self.table_through {
            HolidaySource::RulesAndTable
        } else {
            HolidaySource::RulesOnly
        }
    }

    /// The last year the one-off table was checked against the official list.
    pub fn table_through(&self) -> i32 {
        self.table_through
    }

    fn cached(year: i32) -> bool {
        (CACHE_YEARS.0..=CACHE_YEARS.1).contains(&year)
    }

    /// Whether `date` is a bank holiday.
    pub fn contains(&self, date: NaiveDate) -> bool {
        if Self::cached(date.year()) {
            return self.dates.binary_search(&date).is_ok();
        }
        if self.added.binary_search(&date).is_ok() {
            return true;
        }
        rule_holidays(date.year()).is_some_and(|r| r.contains(&date))
            && self.removed.binary_search(&date).is_err()
    }

    /// The holidays of `year`, in order.
    pub fn in_year(&self, year: i32) -> Vec<NaiveDate> {
        if Self::cached(year) {
            return self
                .dates
                .iter()
                .copied()
                .filter(|d| d.year() == year)
                .collect();
        }
        let mut v: Vec<NaiveDate> = rule_holidays(year)
            .map(|r| r.to_vec())
            .unwrap_or_default()
            .into_iter()
            .filter(|d| self.removed.binary_search(d).is_err())
            .chain(self.added.iter().copied().filter(|d| d.year() == year))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// A working day in England and Wales: Monday to Friday and not a bank holiday. This is the
    /// meaning of "working day" in every policy interval, whatever the practitioner's own pattern.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !is_weekend(date) && !self.contains(date)
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

    /// Weekday bank holidays after `from` up to and including `to`.
    fn weekday_holidays_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let in_cache = |d: &NaiveDate| Self::cached(d.year());
        let lo = self.dates.partition_point(|h| *h <= from);
        let hi = self.dates.partition_point(|h| *h <= to);
        let mut n = self
            .dates
            .get(lo..hi)
            .unwrap_or(&[])
            .iter()
            .filter(|h| !is_weekend(**h))
            .count() as i64;
        // Years outside the cache: each whole year has exactly eight weekday rule holidays; the
        // partial years at the ends are counted one by one; table and local changes adjusted.
        let count_in = |y: i32| {
            rule_holidays(y).map_or(0, |r| r.iter().filter(|d| from < **d && **d <= to).count())
                as i64
        };
        let (fy, ty) = (from.year(), to.year());
        for (a, b) in [
            (fy, ty.min(CACHE_YEARS.0 - 1)),
            (fy.max(CACHE_YEARS.1 + 1), ty),
        ] {
            if a == b {
                n += count_in(a);
            } else if a < b {
                n += count_in(a) + count_in(b) + 8 * i64::from(b - a - 1);
            }
        }
        let outside = |d: &&NaiveDate| !in_cache(d) && from < **d && **d <= to && !is_weekend(**d);
        n += self
            .added
            .iter()
            .filter(outside)
            .filter(|d| !rule_holidays(d.year()).is_some_and(|r| r.contains(d)))
            .count() as i64;
        n -= self
            .removed
            .iter()
            .filter(outside)
            .filter(|d| rule_holidays(d.year()).is_some_and(|r| r.contains(d)))
            .count() as i64;
        n
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
            if !is_weekend(d) {
                weekdays += 1;
            }
        }
        let holidays = self.weekday_holidays_between(from, to);
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
    /// Whether the practitioner can visit at all on `date`: a day of their pattern (Saturday and
    /// Sunday included when declared), not a bank holiday, and not on leave.
    pub fn is_available(&self, date: NaiveDate) -> bool {
        !self.holidays.contains(date)
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

    #[test]
    fn the_shipped_table_parses_and_holds_the_one_offs() {
        let h = BankHolidays::with_table(ONE_OFFS).unwrap();
        assert_eq!(h, BankHolidays::official());
        assert_eq!(h.table_through(), 2027);
        // Coronation, state funeral, Platinum Jubilee (the spring holiday moved to 2 June).
        for x in [d(2023, 5, 8), d(2022, 9, 19), d(2022, 6, 2), d(2022, 6, 3)] {
            assert!(h.contains(x), "{x}");
        }
        assert!(!h.contains(d(2022, 5, 30)));
        assert_eq!(h.in_year(2022).len(), 10);
        assert_eq!(h.source(2027), HolidaySource::RulesAndTable);
        assert_eq!(h.source(2028), HolidaySource::RulesOnly);
    }

    #[test]
    fn rules_hold_for_any_year_including_beyond_the_table() {
        let h = BankHolidays::official();
        // New Year's Day stays a holiday after 2030 (it used to silently become a working day).
        for y in [2031, 2045, 2100, 2250, 3000] {
            let first = substitute(d(y, 1, 1), &[]).unwrap();
            assert!(h.contains(first), "{y}");
            assert!(!h.is_working_day(first));
            assert_eq!(h.in_year(y).len(), 8, "{y}");
        }
        // Christmas on a Saturday: 27th and 28th are the substitutes (2032, 2038).
        assert!(h.contains(d(2032, 12, 27)) && h.contains(d(2032, 12, 28)));
        // Christmas on a Sunday: Boxing Day Monday, Christmas substitute Tuesday (2033).
        assert!(h.contains(d(2033, 12, 26)) && h.contains(d(2033, 12, 27)));
        // Easter 2038 is 25 April, 2035 is 25 March.
        assert!(h.contains(d(2038, 4, 23)) && h.contains(d(2038, 4, 26)));
        assert!(h.contains(d(2035, 3, 23)) && h.contains(d(2035, 3, 26)));
    }

    #[test]
    fn table_errors_are_typed() {
        assert_eq!(
            BankHolidays::with_table("through 2027\n2026-01-01 + x\nnot a date\n"),
            Err(PlanningError::HolidayData { line: 3 })
        );
        assert_eq!(
            BankHolidays::with_table("through 2027\n2026-01-01 ? x\n"),
            Err(PlanningError::HolidayData { line: 2 })
        );
        assert_eq!(
            BankHolidays::with_table("2026-01-01 + x\n"),
            Err(PlanningError::HolidayData { line: 0 })
        );
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

    fn count_day_by_day(h: &BankHolidays, from: NaiveDate, to: NaiveDate) -> u32 {
        let mut n = 0;
        let mut x = from;
        while x < to {
            x = x.succ_opt().unwrap();
            if h.is_working_day(x) {
                n += 1;
            }
        }
        n
    }

    #[test]
    fn working_days_between_matches_counting_day_by_day() {
        let h = BankHolidays::official().with_overrides(&[d(2301, 6, 1)], &[d(2302, 5, 7)]);
        for start in [d(2025, 12, 20), d(2200, 12, 1), d(1977, 12, 1)] {
            for a in 0..40 {
                for b in (0..60).chain([400, 800]) {
                    let from = start + Duration::days(a);
                    let to = from + Duration::days(b);
                    assert_eq!(
                        h.working_days_between(from, to),
                        count_day_by_day(&h, from, to),
                        "{from} {to}"
                    );
                }
            }
        }
        // Spanning years outside the cache on both sides, with local changes out there.
        for (from, to) in [
            (d(1970, 3, 1), d(1985, 2, 1)),
            (d(2195, 3, 1), d(2305, 2, 1)),
        ] {
            assert_eq!(
                h.working_days_between(from, to),
                count_day_by_day(&h, from, to)
            );
        }
        // Far-apart dates are counted without walking every day.
        assert!(h.working_days_between(NaiveDate::MIN, NaiveDate::MAX) > 0);
    }

    #[test]
    fn overrides_add_and_remove() {
        let h = BankHolidays::official().with_overrides(&[d(2029, 6, 1)], &[d(2029, 5, 7)]);
        assert!(h.contains(d(2029, 6, 1)) && !h.contains(d(2029, 5, 7)));
        let far = BankHolidays::official().with_overrides(&[d(2400, 6, 1)], &[]);
        assert!(far.contains(d(2400, 6, 1)));
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
        assert!(!cal.is_available(d(2026, 11, 14))); // Saturday, not declared
        cal.pattern.days[5] = Some(DayHours::new(10, 0, 14, 0));
        assert!(cal.is_available(d(2026, 11, 14))); // Saturday, declared
        assert!(!cal.is_available(d(2026, 12, 26 + 2))); // bank holiday Monday 28 Dec
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
