//! Lone-working reminders and the next instant an alert changes colour, for the phones: the
//! reminders each open check-in still has to fire (amber and red, with their lock-screen words,
//! naming no one), which the apps schedule after a check-in and again after a reboot or a launch,
//! and the instant the screens must read their alerts again without any record changing.

use super::records::Kind;
use super::{Store, StoreError};
use crate::domain::{Visit, VisitId};
use crate::planning::{lone_working_deadlines, LoneWorking};
use crate::time::{from_local, local_date};
use crate::view::time_of_day_label;
use chrono::{DateTime, Duration, Utc};

/// Which reminder of a check-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum ReminderStage {
    /// The expected time and the grace period have passed: check out or call in.
    Amber,
    /// The check-out is overdue.
    Red,
}

/// A reminder the phone must fire at `at_millis` (it shows on the lock screen: it names no one).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LoneWorkingReminder {
    /// The visit checked in (the platform's notification id is made from it and the stage).
    pub visit_id: VisitId,
    /// Amber or red.
    pub stage: ReminderStage,
    /// When, UTC milliseconds.
    pub at_millis: i64,
    /// ... in words ("11:15").
    pub at_label: String,
    /// The words to show.
    pub text: String,
}

/// A visit checked in and not checked out, with the instants it turns amber and red.
type OpenCheckIn = (Visit, DateTime<Utc>, DateTime<Utc>);

impl Store {
    /// Every visit checked in and not checked out, with its amber and red instants.
    fn open_check_ins(&self) -> Result<Vec<OpenCheckIn>, StoreError> {
        let settings = self.planning_settings_for_reminders()?;
        let visits: Vec<Visit> = self.sync_read(|r| r.list(Kind::Visit, None))?;
        Ok(visits
            .into_iter()
            .filter(|v| v.checked_out_at.is_none())
            .filter_map(|v| {
                let at = v.started_at?;
                let (amber, red) = lone_working_deadlines(at, v.expected_minutes, &settings.policy);
                Some((v, amber, red))
            })
            .collect())
    }

    /// The lone-working reminders still to fire for this practitioner's open check-ins, soonest
    /// first: each check-in's amber reminder while its amber time is ahead, and its red reminder
    /// while its red time is ahead. A reminder whose time has passed is not returned (the alert
    /// shows it in the app), so scheduling these again at every launch never repeats one. Works
    /// also when the store is open for a background sync only (after a reboot): the reminders
    /// hold no name, address or note.
    pub fn lone_working_reminders(&self) -> Result<Vec<LoneWorkingReminder>, StoreError> {
        let now = self.clock.now();
        let settings = self.planning_settings_for_reminders()?;
        let lone = LoneWorking {
            monitor: settings.lone_working.monitor,
            call: settings.lone_working.call.clone(),
            check_ins: Vec::new(),
        };
        let mut out = Vec::new();
        for (v, amber, red) in self.open_check_ins()? {
            if v.practitioner_id != self.practitioner_id {
                continue;
            }
            let red_label = time_of_day_label(red);
            let stages = [
                (ReminderStage::Amber, amber, lone.reminder(&red_label)),
                (ReminderStage::Red, red, lone.red_reminder()),
            ];
            for (stage, at, text) in stages {
                if at > now {
                    out.push(LoneWorkingReminder {
                        visit_id: v.id,
                        stage,
                        at_millis: at.timestamp_millis(),
                        at_label: time_of_day_label(at),
                        text,
                    });
                }
            }
        }
        out.sort_by_key(|r| (r.at_millis, r.visit_id));
        Ok(out)
    }

    /// The next instant at which the alerts or the day list change without any record changing:
    /// an open check-in turning amber or red, or the local day ending (the day list and what is
    /// overdue move on). The screens read themselves again then.
    pub fn next_alert_change(&self) -> Result<DateTime<Utc>, StoreError> {
        let now = self.clock.now();
        let midnight = local_date(now)
            .succ_opt()
            .and_then(|d| from_local(d, 0, 0))
            .unwrap_or(now + Duration::hours(24));
        Ok(self
            .open_check_ins()?
            .into_iter()
            .flat_map(|(_, amber, red)| [amber, red])
            .filter(|t| *t > now)
            .fold(midnight, std::cmp::min))
    }
}
