//! Overrides are allowed but watched: a practitioner may book or move an unannounced visit by
//! hand, and the plan warns when a child's recent unannounced visits (done or booked) fall on the
//! same weekday or in the same hour more often than a fair draw over the practitioner's declared
//! hours would make likely — a pattern a family could learn.
//!
//! The measure: of the child's last [`RECENT`] unannounced visits, the most common weekday (and,
//! separately, local hour) holds `k`; under a fair draw each visit falls there with probability
//! `p`, that weekday's (hour's) share of the declared working minutes of a week. The warning is
//! raised when `k >= 3` and the binomial tail `P(X >= k)` is below [`ALARM`]. Both numbers are in
//! the warning.

use super::{ChildFacts, WorkingPattern};
use crate::domain::{CaseId, VisitKind, VisitStatus};
use chrono::{Datelike, Timelike};
use chrono_tz::Europe::London;

/// How many of a child's most recent unannounced visits are looked at.
pub const RECENT: usize = 6;
/// The binomial tail below which a pattern is reported (1 in 100).
pub const ALARM: f64 = 0.01;

/// A pattern in a child's recent unannounced visits that a family could learn.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PatternWarning {
    /// The case.
    pub case: CaseId,
    /// "weekday" or "hour".
    pub dimension: String,
    /// The weekday ("Tuesday") or hour ("10:00-10:59").
    pub value: String,
    /// How many of the recent unannounced visits fall there.
    pub matching: u32,
    /// How many recent unannounced visits were looked at.
    pub recent: u32,
    /// The chance a fair draw gives at least `matching` there, in parts per million.
    pub chance_ppm: u32,
    /// The warning in words (counts and the measure only).
    pub message: String,
}

const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// `P(X >= k)` for `X ~ Binomial(n, p)`.
pub(crate) fn binomial_tail(n: u32, k: u32, p: f64) -> f64 {
    let mut total = 0.0;
    for i in k..=n {
        let mut c = 1.0;
        for j in 0..i {
            c = c * f64::from(n - j) / f64::from(j + 1);
        }
        total += c * p.powi(i as i32) * (1.0 - p).powi((n - i) as i32);
    }
    total.min(1.0)
}

/// Each weekday's and each local hour's share of the declared working minutes of a week.
fn shares(pattern: &WorkingPattern) -> ([f64; 7], [f64; 24]) {
    let mut wd = [0f64; 7];
    let mut hr = [0f64; 24];
    for (i, h) in pattern.days.iter().enumerate() {
        let Some(h) = h else { continue };
        for m in h.start_minute..h.end_minute {
            if let Some(x) = wd.get_mut(i) {
                *x += 1.0;
            }
            if let Some(x) = hr.get_mut(usize::from(m / 60)) {
                *x += 1.0;
            }
        }
    }
    let total: f64 = wd.iter().sum();
    if total > 0.0 {
        wd.iter_mut().for_each(|x| *x /= total);
        hr.iter_mut().for_each(|x| *x /= total);
    }
    (wd, hr)
}

/// Warnings for every child whose recent unannounced visits form a learnable pattern.
pub fn pattern_warnings(children: &[ChildFacts], pattern: &WorkingPattern) -> Vec<PatternWarning> {
    let (wd_share, hr_share) = shares(pattern);
    let mut out = Vec::new();
    for c in children {
        let mut times: Vec<_> = c
            .visits
            .iter()
            .filter(|v| v.kind == VisitKind::UnannouncedHome && v.status != VisitStatus::Cancelled)
            .map(|v| v.started_at.unwrap_or(v.planned_for).with_timezone(&London))
            .collect();
        times.sort();
        let recent: Vec<_> = times.iter().rev().take(RECENT).collect();
        let n = recent.len() as u32;
        if n < 3 {
            continue;
        }
        let mut by_wd = [0u32; 7];
        let mut by_hr = [0u32; 24];
        for t in &recent {
            if let Some(x) = by_wd.get_mut(t.weekday().num_days_from_monday() as usize) {
                *x += 1;
            }
            if let Some(x) = by_hr.get_mut(t.hour() as usize) {
                *x += 1;
            }
        }
        let checks = [
            ("weekday", &by_wd[..], &wd_share[..]),
            ("hour", &by_hr[..], &hr_share[..]),
        ];
        for (dimension, counts, share) in checks {
            let Some((i, &k)) = counts
                .iter()
                .enumerate()
                .max_by_key(|(i, k)| (**k, usize::MAX - i))
            else {
                continue;
            };
            let p = share.get(i).copied().unwrap_or(0.0);
            // A weekday or hour outside the declared pattern has share 0: any visit there is
            // already a pattern of hand choices; treat it as the smallest share seen.
            let p = if p > 0.0 { p } else { 1.0 / 168.0 };
            let tail = binomial_tail(n, k, p);
            if k >= 3 && tail < ALARM {
                let value = if dimension == "weekday" {
                    DAYS.get(i).copied().unwrap_or("?").to_string()
                } else {
                    format!("{i:02}:00-{i:02}:59")
                };
                out.push(PatternWarning {
                    case: c.case,
                    dimension: dimension.into(),
                    message: format!(
                        "{k} of the last {n} unannounced visits were {} {value}: a fair draw over your declared hours gives that with chance {:.2}% (binomial tail, share {:.0}%). A family could learn it: vary the {dimension}.",
                        if dimension == "weekday" { "on a" } else { "at" },
                        tail * 100.0,
                        p * 100.0
                    ),
                    value,
                    matching: k,
                    recent: n,
                    chance_ppm: (tail * 1e6).round() as u32,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::domain::{CaseId, PlanType, Rag, VisitStatus};
    use chrono::{Duration, NaiveDate, TimeZone};

    fn child_with(times: &[(NaiveDate, u32)]) -> ChildFacts {
        ChildFacts {
            case: CaseId::random(),
            plan: PlanType::ChildProtection,
            rag: Rag::Amber,
            date_of_birth: None,
            expected_date: None,
            placement_date: None,
            looked_after_since: None,
            placement_intended_until_18: false,
            household: None,
            opened_on: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            visits: times
                .iter()
                .map(|&(d, h)| {
                    let at = London
                        .from_local_datetime(&d.and_hms_opt(h, 0, 0).unwrap())
                        .unwrap()
                        .with_timezone(&chrono::Utc);
                    super::super::VisitFact {
                        kind: VisitKind::UnannouncedHome,
                        status: VisitStatus::Completed,
                        planned_for: at,
                        expected_minutes: 60,
                        started_at: Some(at),
                        checked_out: true,
                        ended_at: None,
                        child_seen: true,
                        child_seen_alone: true,
                        not_alone_reason_recorded: false,
                        sleeping_area_seen: true,
                        departure_reason_recorded: false,
                        hcp_contact: None,
                    }
                })
                .collect(),
            household_pregnancies: Vec::new(),
            unanswered_attempts: 0,
        }
    }

    #[test]
    fn hand_chosen_tuesdays_are_reported_with_the_measure() {
        let tuesday = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
        let pattern = WorkingPattern::default();
        // Five of the last six on a Tuesday, at varied hours: 0.16% under a fair draw.
        let mut t: Vec<(NaiveDate, u32)> = (0..5)
            .map(|k| (tuesday + Duration::weeks(2 * k), 9 + k as u32))
            .collect();
        t.push((tuesday + Duration::days(3), 15));
        let w = pattern_warnings(&[child_with(&t)], &pattern);
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(
            (w[0].dimension.as_str(), w[0].value.as_str()),
            ("weekday", "Tuesday")
        );
        assert_eq!((w[0].matching, w[0].recent), (5, 6));
        assert_eq!(w[0].chance_ppm, 1600);
        assert!(w[0].message.contains("0.16%"), "{}", w[0].message);
        // Four of six (1.7%) is not reported; neither are varied days.
        t[4].0 += Duration::days(1);
        assert!(pattern_warnings(&[child_with(&t)], &pattern).is_empty());
        // The same hour: 10:00 in four of four at 1/8 a visit.
        let hours: Vec<(NaiveDate, u32)> = (0..4)
            .map(|k| (tuesday + Duration::days(8 * k), 10))
            .collect();
        let w = pattern_warnings(&[child_with(&hours)], &pattern);
        assert!(
            w.iter()
                .any(|x| x.dimension == "hour" && x.value == "10:00-10:59"),
            "{w:?}"
        );
    }

    #[test]
    fn binomial_tail_matches_hand_values() {
        assert!((binomial_tail(4, 3, 0.2) - 0.0272).abs() < 1e-4);
        assert!((binomial_tail(6, 0, 0.3) - 1.0).abs() < 1e-12);
        assert!((binomial_tail(6, 6, 0.5) - 1.0 / 64.0).abs() < 1e-12);
    }
}
