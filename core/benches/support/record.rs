//! Benchmark A's work, shared by the product's bench and the unsealed twin's (`benches/twin`):
//! record a visit with its note on the store, and the same reads and writes on the plaintext
//! schema, interleaved (see `paired`).

use super::{data, fixture, paired, plain};
use chrono::Duration;
use doorstep_core::domain::{CaseId, DeviceId, NewVisit, PractitionerId, VisitId, VisitKind};
use doorstep_core::{FixedClock, Store};
use std::path::Path;
use std::sync::Arc;

/// Walks round a list of items.
pub struct Cursor(pub usize);

impl Cursor {
    /// The next item, round and round.
    pub fn next<T: Copy>(&mut self, items: &[T]) -> T {
        self.0 = (self.0 + 1) % items.len();
        items[self.0]
    }
}

/// Plans a visit for today at 14:00 on `case` (the untimed setup of each encrypted iteration).
pub fn plan(store: &Store, case: CaseId) -> doorstep_core::domain::VisitId {
    store
        .plan_visit(NewVisit {
            case_id: case,
            kind: VisitKind::AnnouncedHome,
            planned_for: data::at(data::today(), 14, 0),
            expected_minutes: 60,
            departure_reason: None,
        })
        .unwrap()
        .id
}

/// The encrypted side's timed work: record the visit, then its note.
pub fn record(store: &Store, case: CaseId, visit: doorstep_core::domain::VisitId, text: &str) {
    store.complete_visit(visit, data::outcome()).unwrap();
    store.add_note(case, text, false).unwrap();
}

/// The plaintext side's untimed setup: plans a visit for today at 14:00 on `case`.
pub fn plain_plan(
    conn: &mut rusqlite::Connection,
    case: CaseId,
    practitioner: PractitionerId,
) -> VisitId {
    let template = plain::planned_visit(case, practitioner, data::at(data::today(), 14, 0));
    plain::plan_visit(conn, &template).unwrap()
}

/// The plaintext side's timed work: the same reads and writes as `record`.
pub fn plain_record(
    conn: &mut rusqlite::Connection,
    visit: VisitId,
    who: (PractitionerId, DeviceId),
    text: &str,
    now: chrono::DateTime<chrono::Utc>,
) {
    plain::record_visit(conn, visit, who.0, &data::outcome(), text, now, who.1).unwrap();
}

/// A copy of the store fixture under `base/name`, opened and unlocked, with its clock and the ids
/// of its cases.
pub fn open_store_copy(base: &Path, name: &str) -> (Store, Arc<FixedClock>, Vec<CaseId>) {
    let dir = fixture::working_copy(&fixture::encrypted(), base, name);
    let clock = fixture::clock();
    let store = Store::open(&dir, clock.clone()).unwrap();
    store.unlock_with_provider(fixture::provider()).unwrap();
    let cases = store.cases().unwrap().iter().map(|c| c.id).collect();
    (store, clock, cases)
}

/// A and its plaintext baseline interleaved on copies of the fixture under `base` (see
/// `support::paired`); only the recording is timed, not the planning before it.
pub fn paired_record(name: &str, base: &Path, text: &str) {
    let (store, clock, cases) = open_store_copy(base, "paired-encrypted");
    let mut enc_cursor = Cursor(0);

    let pdir = fixture::working_copy(&fixture::plain("plain", None), base, "paired-plain");
    let mut conn = plain::open(&pdir, None, plain::Sync::Full).unwrap();
    let practitioner = plain::practitioner_id(&conn).unwrap();
    let device = DeviceId::random();
    let mut now = data::at(data::today(), 15, 0);
    // The plaintext side walks its own cases (the same ones; the unsealed twin's store has its
    // own ids, while both share one plaintext fixture).
    let plain_cases = plain::case_ids(&conn).unwrap();
    let mut plain_cursor = Cursor(0);

    paired::compare(
        name,
        41,
        20,
        &mut || {
            let case = enc_cursor.next(&cases);
            let visit = plan(&store, case);
            clock.advance(Duration::seconds(1));
            paired::time(|| record(&store, case, visit, text))
        },
        &mut || {
            let visit = plain_plan(&mut conn, plain_cursor.next(&plain_cases), practitioner);
            now += Duration::seconds(1);
            paired::time(|| plain_record(&mut conn, visit, (practitioner, device), text, now))
        },
    );
}
