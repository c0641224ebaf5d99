//! Visit histories for the generated caseload: every Healthy Child Programme contact whose window
//! has passed was made on time (most within the window, as a health visitor books them), and every
//! child whose RAG rating sets a visiting frequency was last seen part-way through the interval, so
//! that due dates spread over the weeks ahead and a plan can meet them all.

use super::rng::Rng;
use super::{at, days_before};
use anyhow::Result;
use chrono::{Datelike, Duration, Months, NaiveDate, Weekday};
use doorstep_core::domain::{
    Case, Engagement, NewVisit, OthersPresent, UnsuccessfulVisit, VisitKind, VisitOutcome,
};
use doorstep_core::{FixedClock, Store};

/// A past visit, planned and recorded with the clock at that time.
pub fn past_visit(
    store: &Store,
    clock: &FixedClock,
    case: &Case,
    kind: VisitKind,
    when: chrono::DateTime<chrono::Utc>,
    outcome: Result<VisitOutcome, UnsuccessfulVisit>,
) -> Result<()> {
    clock.set(when - Duration::days(3));
    let v = store.plan_visit(NewVisit {
        case_id: case.id,
        kind,
        planned_for: when,
        expected_minutes: 60,
        departure_reason: None,
    })?;
    clock.set(when + Duration::minutes(50));
    match outcome {
        Ok(o) => {
            store.complete_visit(v.id, o)?;
        }
        Err(u) => {
            store.record_no_access(v.id, u)?;
        }
    }
    Ok(())
}

/// What a routine visit recorded: the child seen, alone when old enough to be spoken to alone
/// (three and over), otherwise with the reason.
pub fn seen(alone: bool) -> VisitOutcome {
    VisitOutcome {
        child_seen: true,
        child_seen_alone: alone,
        child_spoken_to_alone: alone,
        not_alone_reason: (!alone).then(|| "Young child, seen with a parent.".to_string()),
        others_present: Some(OthersPresent::default()),
        engagement: Some(Engagement::Good),
        ..Default::default()
    }
}

/// The antenatal contact: the mother seen (the child is not born).
fn antenatal() -> VisitOutcome {
    VisitOutcome {
        child_seen: false,
        not_seen_reason: Some("Antenatal contact: the mother was seen.".into()),
        follow_up_action: Some("New birth visit 10-14 days after the birth.".into()),
        others_present: Some(OthersPresent::default()),
        engagement: Some(Engagement::Good),
        ..Default::default()
    }
}

/// The nearest weekday on or before `d` (visits are made Monday to Friday).
pub fn weekday_on_or_before(d: NaiveDate) -> NaiveDate {
    match d.weekday() {
        Weekday::Sat => d - Duration::days(1),
        Weekday::Sun => d - Duration::days(2),
        _ => d,
    }
}

/// One mandated contact's window (earliest, due) and how it is usually made.
pub struct Window {
    /// The first day.
    pub earliest: NaiveDate,
    /// The last day.
    pub due: NaiveDate,
    /// Home or clinic.
    pub kind: VisitKind,
}

/// The mandated contacts of a child born on `dob` (the health-visiting defaults: new birth
/// 10-14 days, 6-8 weeks, 9-12 months, 2-2½ years).
pub fn windows_from_birth(dob: NaiveDate) -> Vec<Window> {
    let m = |n| dob.checked_add_months(Months::new(n)).unwrap_or(dob);
    vec![
        Window {
            earliest: dob + Duration::days(10),
            due: dob + Duration::days(14),
            kind: VisitKind::AnnouncedHome,
        },
        Window {
            earliest: dob + Duration::weeks(6),
            due: dob + Duration::weeks(8),
            kind: VisitKind::AnnouncedHome,
        },
        Window {
            earliest: m(9),
            due: m(12),
            kind: VisitKind::ClinicOrSchool,
        },
        Window {
            earliest: m(24),
            due: m(30),
            kind: VisitKind::ClinicOrSchool,
        },
    ]
}

/// The antenatal contact's window for a pregnancy due on `edd` (from 28 weeks, by 36).
pub fn antenatal_window(edd: NaiveDate) -> Window {
    Window {
        earliest: edd - Duration::weeks(12),
        due: edd - Duration::weeks(4),
        kind: VisitKind::AnnouncedHome,
    }
}

/// How soon after its window opens a mandated contact is made, at the latest (days).
const BOOKED_WITHIN_DAYS: i64 = 21;

/// Records the mandated contacts of `case` before `today`: every window already closed, and an
/// open one more likely the longer it has been open; `skip` leaves those windows unrecorded (a
/// problem the demo sets up). Returns how many visits were recorded.
#[allow(clippy::too_many_arguments)]
pub fn mandated_contacts(
    store: &Store,
    clock: &FixedClock,
    rng: &mut Rng,
    case: &Case,
    windows: &[Window],
    dob: Option<NaiveDate>,
    today: NaiveDate,
    skip: &[usize],
) -> Result<usize> {
    let mut n = 0;
    let yesterday = today - Duration::days(1);
    for (i, w) in windows.iter().enumerate() {
        if w.earliest > yesterday || skip.contains(&i) {
            continue;
        }
        // A contact is booked early in its window: within three weeks of it opening (sooner in the
        // short windows), so only the most recently opened are still to do.
        let open_days = (w.due - w.earliest).num_days().clamp(1, BOOKED_WITHIN_DAYS) as u64;
        let elapsed = (yesterday - w.earliest).num_days().max(0) as u64;
        if w.due >= today && rng.range(0, open_days) > elapsed {
            continue; // Not made yet: still in its window.
        }
        let last = w
            .due
            .min(yesterday)
            .min(w.earliest + Duration::days(BOOKED_WITHIN_DAYS));
        let span = (last - w.earliest).num_days().max(0) as u64;
        // Most contacts are made early in the window.
        let offset = rng.range(0, span).min(rng.range(0, span));
        let mut day = weekday_on_or_before(w.earliest + Duration::days(offset as i64));
        if day < w.earliest {
            day = w.earliest;
        }
        let outcome = match dob {
            Some(dob) => seen(day >= dob + Duration::days(3 * 365)),
            None => antenatal(),
        };
        past_visit(
            store,
            clock,
            case,
            w.kind,
            at(day, 10 + rng.range(0, 5) as u32, 0)?,
            Ok(outcome),
        )?;
        n += 1;
    }
    Ok(n)
}

/// Records the regular visits of a child whose RAG rating sets a frequency of `interval_days`:
/// the last part-way through the interval (so the next is due within it), and for children on a
/// child protection or child in need plan one interval before that. `alone` says whether the child
/// is old enough to be seen alone. Returns how many visits were recorded.
#[allow(clippy::too_many_arguments)]
pub fn regular_visits(
    store: &Store,
    clock: &FixedClock,
    rng: &mut Rng,
    case: &Case,
    interval_days: u64,
    earlier_too: bool,
    alone: bool,
    today: NaiveDate,
) -> Result<usize> {
    let ago = rng.range((interval_days * 15 / 100).max(1), interval_days * 80 / 100);
    let last = weekday_on_or_before(days_before(today, ago)?);
    let mut days = vec![last];
    if earlier_too {
        days.insert(0, weekday_on_or_before(days_before(last, interval_days)?));
    }
    for d in &days {
        past_visit(
            store,
            clock,
            case,
            VisitKind::AnnouncedHome,
            at(*d, 9 + rng.range(0, 6) as u32, 30)?,
            Ok(seen(alone)),
        )?;
    }
    Ok(days.len())
}
