//! The slot grid: every candidate visit start in the practitioner's working time, in
//! Europe/London local time converted to UTC, with what has been placed on each day.
//!
//! Flat vectors, one entry per candidate start; each day owns a contiguous range. A visit placed
//! at local minute `m` keeps every other visit's start at least `visit + travel buffer` minutes
//! away, so the most visits that still fit in a day is found greedily (earliest start first is
//! optimal for equal-length visits).

use super::calendar::add;
use super::{Capacity, PlanningError, PractitionerCalendar};
use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::London;

/// One working day of the grid.
#[derive(Debug, Clone)]
pub(crate) struct GridDay {
    pub date: NaiveDate,
    /// First candidate index.
    pub first: usize,
    /// One past the last candidate index.
    pub end: usize,
    /// Local minutes of visits already placed (booked or planned) on this day.
    pub placed: Vec<u16>,
}

/// The slot grid over a range of dates.
#[derive(Debug, Clone)]
pub(crate) struct Grid {
    pub days: Vec<GridDay>,
    /// UTC start of each candidate.
    pub start: Vec<DateTime<Utc>>,
    /// Local minute after midnight of each candidate.
    pub minute: Vec<u16>,
    /// Whether the candidate is usable at all (exists locally, in the future, no clash).
    pub ok: Vec<bool>,
    /// Whether the candidate is taken by an appointment (or its travel buffer).
    pub clash: Vec<bool>,
    /// Minutes that must separate two visit starts (visit length + travel buffer).
    pub spacing: u16,
    pub visit: Duration,
    pub max_per_day: u32,
}

impl Grid {
    /// The grid for every date from `from` to `to` inclusive, no candidate before `now`.
    pub(crate) fn build(
        cal: &PractitionerCalendar,
        cap: &Capacity,
        now: DateTime<Utc>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Self, PlanningError> {
        cap.validate()?;
        cal.pattern.validate()?;
        let visit = Duration::minutes(i64::from(cap.visit_minutes));
        let buffer = Duration::minutes(i64::from(cap.travel_buffer_minutes));
        let mut appts = cal.appointments.clone();
        appts.sort_by_key(|a| a.start);
        let mut g = Grid {
            days: Vec::new(),
            start: Vec::new(),
            minute: Vec::new(),
            ok: Vec::new(),
            clash: Vec::new(),
            spacing: cap.visit_minutes.saturating_add(cap.travel_buffer_minutes),
            visit,
            max_per_day: u32::from(cap.max_visits_per_day),
        };
        let mut date = from;
        while date <= to {
            if let (true, Some(hours)) = (cal.is_available(date), cal.pattern.hours(date.weekday()))
            {
                let first = g.start.len();
                let last_start = hours.end_minute.saturating_sub(cap.visit_minutes);
                let mut m = hours.start_minute;
                while m <= last_start && hours.end_minute >= cap.visit_minutes {
                    let naive = date
                        .and_hms_opt(u32::from(m / 60), u32::from(m % 60), 0)
                        .ok_or(PlanningError::DateOutOfRange)?;
                    let (utc, exists) = match London.from_local_datetime(&naive) {
                        LocalResult::Single(t) => (t.with_timezone(&Utc), true),
                        LocalResult::Ambiguous(t, _) => (t.with_timezone(&Utc), true),
                        LocalResult::None => (naive.and_utc(), false),
                    };
                    let clash = {
                        let end = add(utc, visit);
                        // Appointments are sorted by start: only those starting before the
                        // widened end can clash.
                        let upto = appts.partition_point(|a| add(a.start, -buffer) < end);
                        appts
                            .get(..upto)
                            .unwrap_or(&[])
                            .iter()
                            .any(|a| utc < add(a.end, buffer))
                    };
                    g.start.push(utc);
                    g.minute.push(m);
                    g.ok.push(exists && utc >= now && !clash);
                    g.clash.push(clash);
                    m = m.saturating_add(cap.slot_minutes);
                    if m == u16::MAX {
                        break;
                    }
                }
                g.days.push(GridDay {
                    date,
                    first,
                    end: g.start.len(),
                    placed: Vec::new(),
                });
            }
            date = date.succ_opt().ok_or(PlanningError::DateOutOfRange)?;
        }
        Ok(g)
    }

    /// Index of the first day on or after `date` (may be `days.len()`).
    pub(crate) fn day_on_or_after(&self, date: NaiveDate) -> usize {
        self.days.partition_point(|d| d.date < date)
    }

    /// Index of the last day on or before `date`, if any.
    pub(crate) fn day_on_or_before(&self, date: NaiveDate) -> Option<usize> {
        self.days.partition_point(|d| d.date <= date).checked_sub(1)
    }

    /// Index of the grid day on `date`, if the practitioner works that day.
    pub(crate) fn day_index(&self, date: NaiveDate) -> Option<usize> {
        let i = self.day_on_or_after(date);
        self.days.get(i).filter(|d| d.date == date).map(|_| i)
    }

    /// Whether an appointment takes any start of day `d`.
    pub(crate) fn appointment_blocked(&self, d: usize) -> bool {
        self.days.get(d).is_some_and(|day| {
            self.clash
                .get(day.first..day.end)
                .is_some_and(|c| c.iter().any(|&x| x))
        })
    }

    /// Free candidates of day `d`.
    pub(crate) fn free_slots(&self, d: usize) -> impl Iterator<Item = usize> + '_ {
        let range = self.days.get(d).map_or(0..0, |day| day.first..day.end);
        range.filter(move |&s| self.is_free(d, s))
    }

    fn clear_of(&self, placed: &[u16], m: u16) -> bool {
        placed.iter().all(|&p| p.abs_diff(m) >= self.spacing)
    }

    /// Whether candidate `s` of day `d` is free: usable and clear of visits placed that day.
    pub(crate) fn is_free(&self, d: usize, s: usize) -> bool {
        match (self.days.get(d), self.ok.get(s), self.minute.get(s)) {
            (Some(day), Some(true), Some(&m)) => {
                (day.placed.len() as u32) < self.max_per_day && self.clear_of(&day.placed, m)
            }
            _ => false,
        }
    }

    /// How many more visits fit on day `d`, optionally after also placing one at minute `extra`.
    pub(crate) fn capacity_with(&self, d: usize, extra: Option<u16>) -> u32 {
        self.fit(d, extra, self.max_per_day)
    }

    /// How many more visits the time of day `d` holds, whatever the daily limit.
    pub(crate) fn time_capacity(&self, d: usize) -> u32 {
        self.fit(d, None, u32::MAX)
    }

    fn fit(&self, d: usize, extra: Option<u16>, max_per_day: u32) -> u32 {
        let Some(day) = self.days.get(d) else {
            return 0;
        };
        let placed = day.placed.len() as u32 + u32::from(extra.is_some());
        let limit = max_per_day.saturating_sub(placed);
        if limit == 0 {
            return 0;
        }
        let mut count = 0u32;
        let mut last: Option<u16> = None;
        for s in day.first..day.end {
            let (Some(true), Some(&m)) = (self.ok.get(s), self.minute.get(s)) else {
                continue;
            };
            if last.is_some_and(|l| m.saturating_sub(l) < self.spacing) {
                continue;
            }
            if !self.clear_of(&day.placed, m) || extra.is_some_and(|e| e.abs_diff(m) < self.spacing)
            {
                continue;
            }
            count += 1;
            last = Some(m);
            if count >= limit {
                break;
            }
        }
        count
    }

    /// How many more visits fit on every day.
    pub(crate) fn capacities(&self) -> Vec<u32> {
        (0..self.days.len())
            .map(|d| self.capacity_with(d, None))
            .collect()
    }

    /// Places a visit at candidate `s` of day `d`.
    pub(crate) fn place(&mut self, d: usize, s: usize) {
        if let (Some(&m), Some(day)) = (self.minute.get(s), self.days.get_mut(d)) {
            day.placed.push(m);
        }
    }

    /// Places a visit already booked at `at`, if it falls on a grid day.
    pub(crate) fn place_booked(&mut self, at: DateTime<Utc>) {
        let local = at.with_timezone(&London);
        let m = (local.hour_minute()) as u16;
        if let Some(d) = self.day_on_or_before(local.date_naive()) {
            if let Some(day) = self.days.get_mut(d) {
                if day.date == local.date_naive() {
                    day.placed.push(m);
                }
            }
        }
    }
}

trait HourMinute {
    fn hour_minute(&self) -> u32;
}

impl<T: chrono::Timelike> HourMinute for T {
    fn hour_minute(&self) -> u32 {
        self.hour() * 60 + self.minute()
    }
}
