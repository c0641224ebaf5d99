//! `calendar show|hours|leave|appointment|capacity`: the practitioner's working pattern, leave,
//! appointments and capacity that planning works within. Each change loads the planning settings,
//! changes them and saves them (the stored plan becomes stale).

use crate::context::Ctx;
use crate::labels::{contact, interval};
use crate::outln;
use crate::output::{print_table, table, words, yes_no};
use anyhow::{anyhow, bail, Result};
use chrono::{Datelike, Weekday};
use doorstep_core::domain::PlanType;
use doorstep_core::planning::{Appointment, DayHours, HolidaySource, Leave, RULES_FROM_YEAR};
use doorstep_core::store::PlanningSettings;
use doorstep_core::time::{local_date, local_display};

/// `calendar` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum CalendarCmd {
    /// Working pattern, leave, appointments, capacity and a summary of the visiting policy.
    Show,
    /// Set the working hours of one weekday, or mark it not worked.
    Hours {
        /// mon, tue, wed, thu, fri, sat or sun.
        #[arg(long)]
        day: String,
        /// Start, HH:MM (UK local time).
        #[arg(
            long,
            value_name = "HH:MM",
            required_unless_present = "off",
            conflicts_with = "off"
        )]
        from: Option<String>,
        /// End, HH:MM (UK local time).
        #[arg(
            long,
            value_name = "HH:MM",
            required_unless_present = "off",
            conflicts_with = "off"
        )]
        to: Option<String>,
        /// The day is not worked.
        #[arg(long)]
        off: bool,
    },
    /// Leave (whole days).
    #[command(subcommand)]
    Leave(LeaveCmd),
    /// Appointments that are not visits (meetings, court, training, part-day leave).
    #[command(subcommand)]
    Appointment(AppointmentCmd),
    /// Visit length, travel time between visits, and the most visits in a day.
    Capacity {
        /// Length of one visit in minutes.
        #[arg(long, value_name = "N")]
        visit_minutes: Option<u16>,
        /// Travel time kept free between visits, in minutes.
        #[arg(long, value_name = "N")]
        travel_minutes: Option<u16>,
        /// The most visits in one day.
        #[arg(long, value_name = "N")]
        max_per_day: Option<u16>,
    },
}

/// `calendar leave` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum LeaveCmd {
    /// Add leave from one date to another, inclusive.
    Add {
        /// First day away, YYYY-MM-DD.
        #[arg(long, value_name = "YYYY-MM-DD")]
        from: String,
        /// Last day away, YYYY-MM-DD.
        #[arg(long, value_name = "YYYY-MM-DD")]
        to: String,
    },
}

/// `calendar appointment` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum AppointmentCmd {
    /// Add an appointment.
    Add {
        /// Start, in UK local time: "YYYY-MM-DD HH:MM".
        #[arg(long, value_name = "YYYY-MM-DD HH:MM")]
        at: String,
        /// Length in minutes.
        #[arg(long, value_name = "N")]
        minutes: u32,
    },
}

/// Runs a `calendar` subcommand.
pub fn run(ctx: &Ctx, cmd: CalendarCmd) -> Result<()> {
    let store = ctx.open()?;
    let mut s = store.planning_settings()?;
    let year = local_date(store.clock().now()).year();
    match cmd {
        CalendarCmd::Show => return ctx.out.emit(&s, || print_settings(&s, year)),
        CalendarCmd::Hours { day, from, to, off } => {
            let wd = weekday(&day)?;
            let hours = if off {
                None
            } else {
                let from = minute_of_day("--from", from.as_deref().unwrap_or_default())?;
                let to = minute_of_day("--to", to.as_deref().unwrap_or_default())?;
                if from >= to {
                    bail!("--from must be before --to");
                }
                Some(DayHours {
                    start_minute: from,
                    end_minute: to,
                })
            };
            if let Some(slot) = s.pattern.days.get_mut(wd.num_days_from_monday() as usize) {
                *slot = hours;
            }
        }
        CalendarCmd::Leave(LeaveCmd::Add { from, to }) => {
            let first = crate::parse::date("--from", &from)?;
            let last = crate::parse::date("--to", &to)?;
            if first > last {
                bail!("--from must not be after --to");
            }
            s.leave.push(Leave { first, last });
            s.leave.sort_by_key(|l| (l.first, l.last));
        }
        CalendarCmd::Appointment(AppointmentCmd::Add { at, minutes }) => {
            if minutes == 0 || minutes > 24 * 60 {
                bail!("--minutes must be between 1 and 1440");
            }
            let start = crate::parse::local_datetime("--at", &at)?;
            let end = start + chrono::Duration::minutes(i64::from(minutes));
            s.appointments.push(Appointment { start, end });
            s.appointments.sort_by_key(|a| a.start);
        }
        CalendarCmd::Capacity {
            visit_minutes,
            travel_minutes,
            max_per_day,
        } => {
            if let Some(v) = visit_minutes {
                s.capacity.visit_minutes = v;
            }
            if let Some(v) = travel_minutes {
                s.capacity.travel_buffer_minutes = v;
            }
            if let Some(v) = max_per_day {
                s.capacity.max_visits_per_day = v;
            }
            s.capacity
                .validate()
                .map_err(|_| anyhow!("capacity out of range: visit 1-720 minutes, travel 0-240 minutes, at least 1 visit a day"))?;
        }
    }
    store.save_planning_settings(&s)?;
    ctx.out.emit(&s, || {
        outln!("Saved. The stored plan is now stale: run `doorstep plan` to re-plan.");
        print_settings(&s, year)
    })
}

/// A weekday from `mon`, `monday`, etc.
fn weekday(s: &str) -> Result<Weekday> {
    s.trim()
        .parse::<Weekday>()
        .map_err(|_| anyhow!("--day: use one of mon, tue, wed, thu, fri, sat, sun"))
}

/// `HH:MM` as minutes after midnight (24:00 allowed as the end of the day).
fn minute_of_day(option: &str, s: &str) -> Result<u16> {
    let bad = || anyhow!("{option}: not a valid time, use HH:MM");
    let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
    let h: u16 = h.parse().map_err(|_| bad())?;
    let m: u16 = m.parse().map_err(|_| bad())?;
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

fn hhmm(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
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

/// Prints the settings: pattern, leave, appointments, capacity, policy summary.
pub fn print_settings(s: &PlanningSettings, year: i32) {
    outln!("Working pattern (UK local time):");
    let mut t = table(&["Day", "Hours"]);
    for (name, h) in DAYS.iter().zip(s.pattern.days.iter()) {
        t.add_row(vec![
            name.to_string(),
            h.map_or_else(
                || "not worked".into(),
                |h| format!("{}-{}", hhmm(h.start_minute), hhmm(h.end_minute)),
            ),
        ]);
    }
    outln!("{t}");
    outln!("Leave:");
    if s.leave.is_empty() {
        outln!("  none");
    }
    for l in &s.leave {
        outln!("  {} to {}", l.first, l.last);
    }
    outln!("Appointments:");
    if s.appointments.is_empty() {
        outln!("  none");
    }
    for a in &s.appointments {
        outln!("  {} to {}", local_display(a.start), local_display(a.end));
    }
    print_holiday_sources(s, year);
    let c = &s.capacity;
    outln!(
        "Capacity: visits of {} min, {} min travel between visits, at most {} visits a day (slots every {} min).",
        c.visit_minutes,
        c.travel_buffer_minutes,
        c.max_visits_per_day,
        c.slot_minutes
    );
    print_policy(s);
}

/// Which years' bank holidays come from the rules and the checked table of one-off changes, and
/// which from the rules alone.
fn print_holiday_sources(s: &PlanningSettings, this_year: i32) {
    let h = s.calendar().holidays;
    outln!("Bank holidays (England and Wales):");
    let through = h.table_through();
    outln!(
        "  {RULES_FROM_YEAR}-{through}: the statutory rules plus the table of one-off changes (jubilees, coronation, moved days), checked against the official gov.uk list."
    );
    outln!(
        "  {}-: the statutory rules alone (Easter, the May, spring and summer Mondays, Christmas, Boxing Day, New Year, with substitute days); a one-off holiday proclaimed later must be added.",
        through + 1
    );
    let mut t = table(&["Year", "Source", "Holidays"]);
    for y in this_year..=this_year + 5 {
        t.add_row(vec![
            y.to_string(),
            match h.source(y) {
                HolidaySource::RulesAndTable => "rules + table".into(),
                HolidaySource::RulesOnly => "rules only".to_string(),
            },
            h.in_year(y)
                .iter()
                .map(|d| d.format("%d %b").to_string())
                .collect::<Vec<_>>()
                .join(", "),
        ]);
    }
    outln!("{t}");
    if !s.holidays_added.is_empty() || !s.holidays_removed.is_empty() {
        outln!(
            "  Local changes: {} added, {} worked.",
            s.holidays_added.len(),
            s.holidays_removed.len()
        );
    }
}

fn print_policy(s: &PlanningSettings) {
    let p = &s.policy;
    outln!("Visiting policy:");
    let mut t = table(&[
        "Plan",
        "Every",
        "Contact",
        "See alone",
        "Unannounced",
        "Bedroom",
    ]);
    for plan in PlanType::ALL {
        let r = p.rule(plan);
        t.add_row(vec![
            words(plan.code()),
            r.interval.map_or_else(|| "-".into(), interval),
            contact(r.contact).to_string(),
            yes_no(r.see_alone).to_string(),
            r.unannounced.map_or_else(
                || "-".into(),
                |u| {
                    format!(
                        "{}% a visit, at most {} announced in a row (about {:.0}% overall)",
                        u.percent,
                        u.max_announced_run,
                        u.long_run_share() * 100.0
                    )
                },
            ),
            r.bedroom_every
                .map_or_else(|| "-".into(), |n| format!("1 in {n}")),
        ]);
    }
    print_table(&t, "");
    outln!(
        "  RAG (for {}): red every {} ({}), amber every {} ({}), green every {} ({}); the stricter of plan and RAG wins.",
        p.rag_plans
            .iter()
            .map(|x| words(x.code()))
            .collect::<Vec<_>>()
            .join(", "),
        interval(p.rag_red.interval),
        contact(p.rag_red.contact),
        interval(p.rag_amber.interval),
        contact(p.rag_amber.contact),
        interval(p.rag_green.interval),
        contact(p.rag_green.contact)
    );
    outln!(
        "  Looked after: within {} of a placement; every {} after the first year.",
        interval(p.lac_placement_visit),
        interval(p.lac_after_first_year)
    );
    outln!(
        "  Healthy Child Programme contacts: {}.",
        if p.hcp_contacts {
            "planned"
        } else {
            "not planned"
        }
    );
    outln!(
        "  Lone working: amber {} min after the expected end (or {} min when unknown), red {} min later.",
        p.lone_grace_minutes,
        p.lone_default_minutes,
        p.lone_red_after_minutes
    );
    outln!(
        "  Disengagement prompt after {} no-access/declined visits or {} unanswered contacts.",
        p.disengagement_visits,
        p.disengagement_unanswered
    );
}
