//! Telling the screens what changed: after every transaction that wrote records (the
//! practitioner's own actions and every page a sync applies) and after every sync, the store
//! tells its [`ChangeObserver`] which screens may now show something else, so that Today, a
//! child's screen and the alerts re-read themselves instead of waiting for the app to resume.

use super::records::{Kind, Touched};
use super::Store;
use crate::domain::CaseId;
use std::collections::BTreeSet;
use std::sync::Arc;

/// Which screens' data may have changed. Says nothing about what the records hold: only which
/// views to read again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DataChanges {
    /// The day list ("today") may have changed.
    pub today: bool,
    /// The caseload may have changed.
    pub caseload: bool,
    /// The alerts may have changed.
    pub alerts: bool,
    /// Cases whose child screen may have changed (ids).
    pub case_ids: Vec<CaseId>,
    /// Every child screen may have changed (a household, a person or the practitioner changed).
    pub every_case: bool,
    /// The sync status may have changed (something was queued, sent, received or refused).
    pub sync: bool,
}

impl DataChanges {
    /// Nothing any screen shows changed.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Whether the child screen of `case_id` may have changed.
    pub fn touches_case(&self, case_id: CaseId) -> bool {
        self.every_case || self.case_ids.contains(&case_id)
    }

    /// What the records written in one transaction (kind, id, parent) change on the screens.
    pub(crate) fn of_written(touched: &[Touched]) -> Self {
        let mut out = Self::default();
        let mut cases = BTreeSet::new();
        for (kind, id, parent) in touched {
            out.sync |= kind.syncable();
            match kind {
                Kind::Visit => {
                    out.today = true;
                    out.alerts = true;
                    cases.extend(*parent);
                }
                Kind::Case => {
                    out.today = true;
                    out.caseload = true;
                    out.alerts = true;
                    cases.insert(*id);
                }
                Kind::Note => {
                    cases.extend(*parent);
                }
                Kind::Household | Kind::Person | Kind::Practitioner => {
                    out.today = true;
                    out.caseload = true;
                    out.alerts = true;
                    out.every_case = true;
                }
                Kind::Settings | Kind::Plan => {
                    out.today = true;
                    out.alerts = true;
                }
                // A copy given is recorded on its visit; a draft is the form's own.
                Kind::FamilySummary | Kind::Draft => {}
            }
        }
        out.case_ids = cases
            .into_iter()
            .map(|c| CaseId(uuid::Uuid::from_bytes(c)))
            .collect();
        out
    }
}

/// Told after the store's data changed, on the thread that changed it, once the store's lock is
/// released (so it may read the store again). Must return quickly: hand the news to the UI's own
/// queue.
pub trait ChangeObserver: Send + Sync {
    /// What may have changed.
    fn changed(&self, changes: &DataChanges);
}

impl Store {
    /// Sets (or with `None`, removes) the observer told after every change.
    pub fn set_change_observer(&self, observer: Option<Arc<dyn ChangeObserver>>) {
        if let Ok(mut o) = self.observer.write() {
            *o = observer;
        }
    }

    /// Tells the observer, if any, about `changes` (nothing when they are empty).
    pub(crate) fn tell(&self, changes: &DataChanges) {
        if changes.is_empty() {
            return;
        }
        let observer = self.observer.read().ok().and_then(|o| o.clone());
        if let Some(o) = observer {
            o.changed(changes);
        }
    }
}
