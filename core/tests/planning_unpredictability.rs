//! Unpredictability as a measured property. A social worker's 30-child caseload is lived day by
//! day for two years with two seeds (each morning: re-plan, book each child's next visit once,
//! the day's visits happen, 12% with no access). A family that knows the policy, its whole
//! visit history and the practitioner's declared hours then tries to guess its visits with the
//! predictors below. Each predictor's hits are compared with what chance gives for the same
//! guesses (the share of the feasible slots, or of the policy's rate, each guess covers):
//! `z = (hits - expected) / sqrt(sum p(1-p))`, and a predictor fails the planner when `z >= 4`
//! (one-sided; p < 0.00004 per predictor, so eleven predictors leave a false alarm rate under
//! 1 in 2,000 for a fair planner). χ² tests then check weekday, hour and place-in-window of the
//! unannounced visits against the feasible slots they were drawn from. Everything is seeded:
//! the result never depends on machine speed or luck; production uses the OS CSPRNG through the
//! same `RandomSource` seam.
#[path = "planning_common/mod.rs"]
mod common;
use chrono::{Datelike, Duration, Timelike};
use chrono_tz::Europe::London;
use common::sim::{live, social_worker, weekday_hour, Booked};
use common::*;
use doorstep_core::domain::PlanType;
use doorstep_core::planning::*;
use std::collections::BTreeMap;

/// One-sided z threshold for "better than chance".
const Z_MAX: f64 = 4.0;
/// The fewest guesses a predictor must make for its result to count.
const MIN_GUESSES: usize = 150;

/// Hits against chance for one predictor.
#[derive(Debug, Default, Clone)]
struct Score {
    guesses: usize,
    hits: f64,
    expected: f64,
    variance: f64,
}

impl Score {
    fn add(&mut self, hit: bool, chance: f64) {
        self.guesses += 1;
        self.hits += f64::from(u8::from(hit));
        self.expected += chance;
        self.variance += chance * (1.0 - chance);
    }
    fn z(&self) -> f64 {
        (self.hits - self.expected) / self.variance.sqrt().max(1e-9)
    }
    fn rate(&self) -> (f64, f64) {
        let n = self.guesses.max(1) as f64;
        (self.hits / n, self.expected / n)
    }
}

/// The share of `options` for which `f` holds.
fn share(options: &[DateTime<Utc>], f: impl Fn(DateTime<Utc>) -> bool) -> f64 {
    options.iter().filter(|&&o| f(o)).count() as f64 / options.len().max(1) as f64
}

fn day(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&London).date_naive()
}

/// The two lived years, computed once for every test in this file.
fn lived_fair() -> &'static [Booked] {
    static ONCE: std::sync::OnceLock<Vec<Booked>> = std::sync::OnceLock::new();
    ONCE.get_or_init(|| lived(&seeded))
}

fn lived(rng_for: &dyn Fn(u64) -> Box<dyn RandomSource>) -> Vec<Booked> {
    let start = date(2027, 1, 4);
    let mut all = Vec::new();
    for seed in [1u64, 2] {
        let mut w = social_worker(30, start, seed);
        let mut rng = rng_for(seed);
        let mut b = live(&mut w, start, 730, rng.as_mut(), seed + 100);
        for x in &mut b {
            x.child += seed as usize * 1000;
        }
        all.extend(b);
    }
    all
}

/// Runs every predictor over the booked visits.
fn predictors(visits: &[Booked], hol: &BankHolidays) -> BTreeMap<&'static str, Score> {
    let policy = Policy::default();
    let mut s: BTreeMap<&'static str, Score> = BTreeMap::new();
    for b in visits {
        let rule = match b.plan {
            PlanType::ChildProtection => policy.child_protection.unannounced,
            PlanType::ChildInNeed => policy.child_in_need.unannounced,
            _ => None,
        };
        // Which visit: only where the plan has an unannounced rule; chance is the long-run
        // share a family knowing only the rate would expect.
        if let Some(rule) = rule {
            let base = rule.long_run_share();
            if b.index % 3 == 2 {
                s.entry("fixed rotation (every third visit unannounced)")
                    .or_default()
                    .add(b.unannounced, base);
            }
            let k = b.past_kinds.len();
            if k >= 2 && !b.past_kinds[k - 1] && !b.past_kinds[k - 2] {
                // The run cap gives this guess a small unavoidable edge: the stated tolerance
                // adds it to chance (see docs/PLANNING.md).
                s.entry("last two announced -> unannounced")
                    .or_default()
                    .add(b.unannounced, rule.share_after_two_announced());
            }
            // The calibration check: the draw happens at exactly the policy's rate.
            s.entry("policy rate after the run (calibration, two-sided)")
                .or_default()
                .add(b.unannounced, rule.chance_after(b.run_before).value());
        }
        if !b.unannounced || b.options.is_empty() {
            continue;
        }
        let o = &b.options;
        let first = *o.iter().min().unwrap();
        let last = *o.iter().max().unwrap();
        let (wd, hr) = weekday_hour(b.start);
        if b.late {
            s.entry("overdue -> first feasible slot")
                .or_default()
                .add(b.start == first, 1.0 / o.len() as f64);
            s.entry("overdue -> first feasible day").or_default().add(
                day(b.start) == day(first),
                share(o, |x| day(x) == day(first)),
            );
            continue;
        }
        s.entry("earliest feasible slot")
            .or_default()
            .add(b.start == first, 1.0 / o.len() as f64);
        s.entry("latest feasible slot")
            .or_default()
            .add(b.start == last, 1.0 / o.len() as f64);
        s.entry("earliest feasible day").or_default().add(
            day(b.start) == day(first),
            share(o, |x| day(x) == day(first)),
        );
        s.entry("latest feasible day")
            .or_default()
            .add(day(b.start) == day(last), share(o, |x| day(x) == day(last)));
        let before_due = hol.sub_working_days(b.due, 1).unwrap();
        s.entry("just before due (last two working days)")
            .or_default()
            .add(
                day(b.start) >= before_due,
                share(o, |x| day(x) >= before_due),
            );
        if let Some(prev) = b.previous {
            let (pw, ph) = (prev.weekday(), prev.hour());
            s.entry("same weekday as the last visit")
                .or_default()
                .add(wd == pw, share(o, |x| weekday_hour(x).0 == pw));
            s.entry("same hour as the last visit")
                .or_default()
                .add(hr == ph, share(o, |x| weekday_hour(x).1 == ph));
            s.entry("same weekday and hour as the last visit")
                .or_default()
                .add(
                    (wd, hr) == (pw, ph),
                    share(o, |x| weekday_hour(x) == (pw, ph)),
                );
            if let Some(gap) = b.previous_gap {
                let guess = prev.date_naive() + Duration::days(gap);
                s.entry("same gap as the last two visits")
                    .or_default()
                    .add(day(b.start) == guess, share(o, |x| day(x) == guess));
            }
        }
        if !b.past_unannounced_hours.is_empty() {
            let mut counts = [0u32; 24];
            for &h in &b.past_unannounced_hours {
                counts[h as usize] += 1;
            }
            let mode = (0..24).max_by_key(|&h| (counts[h], 24 - h)).unwrap() as u32;
            s.entry("hour-of-day frequency (family's past unannounced)")
                .or_default()
                .add(hr == mode, share(o, |x| weekday_hour(x).1 == mode));
        }
    }
    s
}

/// Wilson–Hilferty approximation of the χ² critical value with `df` degrees of freedom at
/// p = 0.001 (z = 3.09).
fn chi_critical(df: usize) -> f64 {
    let k = df as f64;
    let z = 3.09;
    k * (1.0 - 2.0 / (9.0 * k) + z * (2.0 / (9.0 * k)).sqrt()).powi(3)
}

/// χ² of observed categories against the expected counts summed over every draw's feasible
/// slots; bins expected below 5 are merged into one.
fn chi_square(
    visits: &[Booked],
    category: impl Fn(&Booked, DateTime<Utc>) -> usize,
    bins: usize,
) -> (f64, usize) {
    let mut observed = vec![0f64; bins];
    let mut expected = vec![0f64; bins];
    for b in visits
        .iter()
        .filter(|b| b.unannounced && !b.options.is_empty())
    {
        observed[category(b, b.start)] += 1.0;
        let w = 1.0 / b.options.len() as f64;
        for &o in &b.options {
            expected[category(b, o)] += w;
        }
    }
    let (mut chi, mut df, mut small_o, mut small_e) = (0.0, 0usize, 0.0, 0.0);
    for (o, e) in observed.iter().zip(&expected) {
        if *e >= 5.0 {
            chi += (o - e).powi(2) / e;
            df += 1;
        } else {
            small_o += o;
            small_e += e;
        }
    }
    if small_e > 0.0 {
        chi += (small_o - small_e).powi(2) / small_e.max(1e-9);
        df += 1;
    }
    (chi, df.saturating_sub(1).max(1))
}

/// A way of sorting a visit's start into bins.
type Category = Box<dyn Fn(&Booked, DateTime<Utc>) -> usize>;

/// Where in its window a visit falls, in tenths of the window (first to last feasible day).
fn tenth(b: &Booked, t: DateTime<Utc>) -> usize {
    let first = day(*b.options.iter().min().unwrap());
    let last = day(*b.options.iter().max().unwrap());
    let span = (last - first).num_days().max(1) as f64;
    (((day(t) - first).num_days() as f64 / span) * 9.999).floor() as usize
}

fn seeded(seed: u64) -> Box<dyn RandomSource> {
    Box::new(Seeded::new(seed))
}

#[test]
fn no_predictor_beats_chance_over_two_years_of_a_caseload() {
    let visits = lived_fair();
    let unannounced = visits.iter().filter(|b| b.unannounced).count();
    eprintln!(
        "{} visits booked, {unannounced} unannounced, {} overdue unannounced",
        visits.len(),
        visits.iter().filter(|b| b.unannounced && b.late).count()
    );
    assert!(
        visits.len() >= 2000 && unannounced >= 600,
        "{}",
        visits.len()
    );
    let hol = BankHolidays::official();
    for (name, score) in predictors(visits, &hol) {
        let (hit, chance) = score.rate();
        eprintln!(
            "{name}: {} guesses, hit rate {:.3} vs chance {:.3}, z = {:.2}",
            score.guesses,
            hit,
            chance,
            score.z()
        );
        if name.starts_with("overdue") {
            // Fewer overdue visits: still enough for the test to mean something.
            assert!(score.guesses >= 40, "{name}: {}", score.guesses);
        } else {
            assert!(score.guesses >= MIN_GUESSES, "{name}: {}", score.guesses);
        }
        assert!(score.z() < Z_MAX, "{name}: z = {}", score.z());
        if name.contains("calibration") {
            assert!(score.z() > -Z_MAX, "{name}: z = {}", score.z());
        }
    }
}

#[test]
fn weekday_hour_and_place_in_window_follow_the_feasible_slots() {
    let visits = lived_fair();
    let checks: [(&str, Category, usize); 3] = [
        (
            "weekday",
            Box::new(|_, t| weekday_hour(t).0.num_days_from_monday() as usize),
            7,
        ),
        ("hour", Box::new(|_, t| weekday_hour(t).1 as usize), 24),
        ("tenth of the window", Box::new(tenth), 10),
    ];
    for (name, f, bins) in checks {
        let (chi, df) = chi_square(visits, f, bins);
        let crit = chi_critical(df);
        eprintln!("{name}: chi-square {chi:.1} on {df} df (critical {crit:.1} at p = 0.001)");
        assert!(chi < crit, "{name}: {chi} >= {crit}");
    }
    // Saturday mornings and Tuesday evenings were declared: unannounced visits use them.
    let u: Vec<_> = visits.iter().filter(|b| b.unannounced).collect();
    let sat = u
        .iter()
        .filter(|b| weekday_hour(b.start).0 == chrono::Weekday::Sat)
        .count();
    let eve = u.iter().filter(|b| weekday_hour(b.start).1 >= 17).count();
    assert!(sat > 20 && eve > 20, "saturday {sat}, evening {eve}");
}

#[test]
fn announced_visits_leave_the_hours_unbiased() {
    // The share of unannounced visits starting at 12:00 or later, against the share of the
    // declared starts at 12:00 or later (a week of the pattern). Announced visits taking the
    // mornings first pushed this to 78% against 60%; the tolerance allows the edge effect of
    // day ends being blocked by fewer neighbours (measured about 2 points) plus 4 σ.
    let visits = lived_fair();
    let u: Vec<_> = visits.iter().filter(|b| b.unannounced).collect();
    let w = social_worker(1, date(2027, 1, 4), 1);
    let (mut all, mut pm) = (0f64, 0f64);
    for h in w.cal.pattern.days.iter().flatten() {
        let mut m = h.start_minute;
        while m + 60 <= h.end_minute {
            all += 1.0;
            pm += f64::from(u8::from(m >= 12 * 60));
            m += 30;
        }
    }
    let declared = pm / all;
    let observed =
        u.iter().filter(|b| weekday_hour(b.start).1 >= 12).count() as f64 / u.len() as f64;
    let sigma = (declared * (1.0 - declared) / u.len() as f64).sqrt();
    eprintln!(
        "afternoon share: unannounced {observed:.3}, declared starts {declared:.3} (sigma {sigma:.3})"
    );
    assert!((observed - declared).abs() < 0.03 + 4.0 * sigma);
}

#[test]
fn the_predictors_catch_a_biased_planner() {
    // Negative control: a source that always gives 0 makes every draw take its first option
    // (and every visit unannounced). The same predictors must see it at once.
    struct Zero;
    impl RandomSource for Zero {
        fn fill(&mut self, dest: &mut [u8]) -> Result<(), PlanningError> {
            dest.fill(0);
            Ok(())
        }
    }
    let start = date(2027, 1, 4);
    let mut w = social_worker(30, start, 1);
    let visits = live(&mut w, start, 60, &mut Zero, 101);
    let s = predictors(&visits, &BankHolidays::official());
    let z = s["earliest feasible slot"].z();
    eprintln!("biased planner: earliest feasible slot z = {z:.1}");
    assert!(z > 20.0, "{z}");
    // And the old fixed rule ("unannounced after two announced") is what the rotation and
    // last-two predictors are built to catch.
    let mut old = Score::default();
    for _ in 0..100 {
        old.add(true, 0.36); // every third visit guessed, every one unannounced
    }
    assert!(old.z() > 10.0);
}
