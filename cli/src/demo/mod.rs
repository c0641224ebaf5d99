//! `demo`: builds an invented caseload in a store and walks through a practitioner's day of visits.
//! Runs with no input: a fixed demo passphrase unless `DOORSTEP_PASSPHRASE` is set, and a new
//! temporary directory unless `--store` is given. The store is left in place to explore.

mod caseload;
mod dashboard;
mod day;
mod family_copy;
mod featured;
mod history;
mod lone_working;
mod names;
mod planning;
mod rng;
mod signal;
mod sync;

use crate::context::Ctx;
use crate::outln;
use anyhow::{anyhow, bail, Result};
use chrono::{DateTime, NaiveDate, Utc};
use doorstep_core::crypto::Passphrase;
use doorstep_core::domain::{Agency, NewPractitioner};
use doorstep_core::{FixedClock, Store, UnlockMethods};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

/// The passphrase the demo store gets when `DOORSTEP_PASSPHRASE` is not set. Not a secret.
pub const DEMO_PASSPHRASE: &str = "demo-passphrase-not-secret";
/// How many generated households the demo caseload has (besides the three featured families).
pub const HOUSEHOLDS: usize = 300;
/// The fixed seed of the caseload generator.
pub const SEED: u64 = 0xD002_57E9;

/// A local (Europe/London) date and time as an instant.
pub(crate) fn at(date: NaiveDate, hour: u32, minute: u32) -> Result<DateTime<Utc>> {
    doorstep_core::time::from_local(date, hour, minute)
        .ok_or_else(|| anyhow!("demo time out of range"))
}

/// The date `days` days before `date`.
pub(crate) fn days_before(date: NaiveDate, days: u64) -> Result<NaiveDate> {
    date.checked_sub_days(chrono::Days::new(days))
        .ok_or_else(|| anyhow!("demo date out of range"))
}

/// Prints a section heading (human mode only).
pub(crate) fn section(human: bool, title: &str) {
    if human {
        outln!();
        outln!("== {title} ==");
    }
}

/// Runs the demo.
pub fn run(ctx: &Ctx) -> Result<()> {
    let started = Instant::now();
    let human = !ctx.out.json;
    let dir: PathBuf = match &ctx.store {
        Some(d) => {
            if doorstep_core::store::exists(d) || d.join("sync").exists() {
                bail!("a store already exists at this location: give the demo a new directory");
            }
            d.clone()
        }
        None => tempfile::Builder::new()
            .prefix("doorstep-demo-")
            .tempdir()
            .map_err(|_| anyhow!("could not create a temporary directory"))?
            .keep(),
    };
    let (pass, from_env) = match std::env::var(crate::passphrase::ENV) {
        Ok(p) if !p.is_empty() => (p, true),
        _ => (DEMO_PASSPHRASE.to_string(), false),
    };
    let today = doorstep_core::time::local_date(Utc::now());
    let clock = Arc::new(FixedClock::new(at(today, 7, 30)?));
    if human {
        outln!("Doorstep demo: one health visitor's caseload, one day of visits, then sync between two devices.");
        outln!("Every name, address and event below is invented (fixed seed {SEED:#x}).");
        outln!("Store: {}", dir.display());
        if from_env {
            outln!("Passphrase: taken from DOORSTEP_PASSPHRASE.");
        } else {
            outln!("Passphrase: the fixed demo passphrase \"{DEMO_PASSPHRASE}\" (DOORSTEP_PASSPHRASE is not set).");
        }
    }
    let store = Store::create(
        &dir,
        UnlockMethods {
            passphrase: Some(Passphrase::new(pass.clone())),
            provider: None,
        },
        NewPractitioner {
            name: "Jordan Ashby".into(),
            agency: Agency::HealthVisiting,
            team: Some("0-19 Public Health Nursing, North Locality (demo)".into()),
        },
        clock.clone(),
    )?;

    section(human, "1. Building the caseload");
    let t = Instant::now();
    let mut rng = rng::Rng::new(SEED);
    let load = caseload::generate(&store, &clock, today, &mut rng, HOUSEHOLDS)?;
    let families = featured::add(&store, &clock, today, &mut rng)?;
    let build_secs = t.elapsed().as_secs_f64();
    if human {
        day::print_caseload(&store, &load, build_secs)?;
    }

    let result = day::walk(&store, &clock, today, &load, &families, human)?;
    let planned = planning::show(&store, &clock, today, &load, &families, human)?;
    let synced = sync::show(&dir.join("sync"), &pass, &clock, today, human)?;
    let copy = family_copy::show(&store, &dir, &result.home_visit.visit, human)?;
    let lone = lone_working::show(&dir.join("lone-working"), &pass, today, human)?;
    let total_secs = started.elapsed().as_secs_f64();

    let example_child = crate::output::short(families[2].child.id);
    if human {
        section(human, "Explore the demo store");
        outln!("The store is left in place. Try:");
        let pass_env = if from_env {
            String::new()
        } else {
            format!("DOORSTEP_PASSPHRASE='{DEMO_PASSPHRASE}' ")
        };
        let base = format!("{pass_env}doorstep --store {}", dir.display());
        outln!("  {base} visit list");
        outln!("  {base} case list");
        outln!("  {base} chronology --child {example_child}");
        outln!(
            "  {base} note list --case {}",
            crate::output::short(families[2].case.id)
        );
        outln!("  {base} alerts");
        outln!("  {base} due");
        outln!("  {base} plan --show");
        outln!("  {base} calendar show");
        outln!("  {base} verify");
        outln!(
            "  {pass_env}doorstep --store {} queue",
            dir.join("sync").join("social-worker-phone").display()
        );
        outln!("  {base} wipe --yes");
        outln!();
        outln!("Demo finished in {total_secs:.1} s.");
    } else {
        let households = store.households()?;
        let mut people = 0;
        for h in &households {
            people += store.people(h.id)?.len();
        }
        crate::output::print_json(&serde_json::json!({
            "store": dir,
            "passphrase_from_env": from_env,
            "households": households.len(),
            "people": people,
            "cases": store.cases()?.len(),
            "day": result,
            "planning": planned,
            "sync": synced,
            "family_copy": copy,
            "lone_working": lone,
            "seconds": total_secs,
        }))?;
    }
    if !result.verify.is_ok() {
        bail!("the demo store did not verify");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds the demo caseload as if today were `today`, walks the demo's day and plans the 4
    /// weeks: the plan misses exactly the visits the demo set up to miss (each set-up child's
    /// overdue visit, once), nothing else — no knock-on of a set-up child, no other child.
    fn misses_only_what_it_sets_up(today: NaiveDate) {
        // On tmpfs when there is one: the caseload is ~3,800 durable transactions.
        let shm = std::path::Path::new("/dev/shm");
        let tmp = if shm.is_dir() {
            tempfile::tempdir_in(shm).unwrap()
        } else {
            tempfile::tempdir().unwrap()
        };
        let clock = Arc::new(FixedClock::new(at(today, 7, 30).unwrap()));
        let store = Store::create(
            &tmp.path().join("demo"),
            UnlockMethods {
                passphrase: Some(Passphrase::new(DEMO_PASSPHRASE.to_string())),
                provider: None,
            },
            NewPractitioner {
                name: "Jordan Ashby".into(),
                agency: Agency::HealthVisiting,
                team: None,
            },
            clock.clone(),
        )
        .unwrap();
        let mut rng = rng::Rng::new(SEED);
        let load = caseload::generate(&store, &clock, today, &mut rng, HOUSEHOLDS).unwrap();
        let families = featured::add(&store, &clock, today, &mut rng).unwrap();
        day::walk(&store, &clock, today, &load, &families, false).unwrap();
        let planned = planning::show(&store, &clock, today, &load, &families, false).unwrap();
        let shortfalls = &planned.plan.plan.shortfalls;
        let misses: Vec<_> = shortfalls
            .iter()
            .filter(|s| !planning::set_up_miss(s, &planned.late_on_purpose))
            .collect();
        assert!(misses.is_empty(), "{today}: misses not set up: {misses:#?}");
        assert_eq!(planned.unexpected_shortfalls, 0, "{today}");
        // Each set-up child misses once (its overdue visit), and every one of them does.
        let mut missed: Vec<_> = shortfalls.iter().map(|s| s.case).collect();
        missed.sort_unstable();
        let mut set_up = planned.late_on_purpose.clone();
        set_up.sort_unstable();
        set_up.dedup();
        assert_eq!(missed, set_up, "{today}: {shortfalls:#?}");
    }

    #[test]
    fn the_demo_plan_misses_only_the_visits_it_sets_up_to_miss() {
        let today = doorstep_core::time::local_date(Utc::now());
        // Today, and two runs of four weeks up to Christmas and New Year (bank holidays, the
        // daily limit).
        for d in [
            Some(today),
            NaiveDate::from_ymd_opt(2026, 12, 4),
            NaiveDate::from_ymd_opt(2027, 12, 6),
        ]
        .into_iter()
        .flatten()
        {
            misses_only_what_it_sets_up(d);
        }
    }
}
