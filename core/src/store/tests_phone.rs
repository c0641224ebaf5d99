//! What the phone apps rely on: drafts that survive, the change observer, lone-working reminders
//! and the next instant an alert changes colour, unanswered calls.

use super::records::{raw_list, Kind};
use super::tests::{new_store_with_clock, TEST_KEK};
use super::*;
use crate::crypto::SoftwareKeyProvider;
use crate::domain::{
    CaseId, NewVisit, Rag, UnsuccessfulVisit, VisitId, VisitKind, VisitOutcome, VisitStatus,
};
use crate::view::VisitAnswers;
use chrono::Duration;
use std::sync::Mutex;

fn answers(concern: &str) -> VisitAnswers {
    VisitAnswers {
        child_seen: Some(true),
        child_seen_alone: true,
        concerns: vec![concern.into()],
        ..Default::default()
    }
}

fn plan(store: &Store, case: CaseId, kind: VisitKind, minutes: u32) -> VisitId {
    let at = store.clock.now() + Duration::minutes(5);
    store
        .plan_visit(NewVisit {
            case_id: case,
            kind,
            planned_for: at,
            expected_minutes: minutes,
            departure_reason: Some("the family asked for a call".into()),
        })
        .unwrap()
        .id
}

fn reopen(dir: &std::path::Path, clock: Arc<crate::clock::FixedClock>) -> Store {
    let store = Store::open(dir, clock).unwrap();
    store
        .unlock_with_provider(Arc::new(SoftwareKeyProvider::from_bytes(TEST_KEK)))
        .unwrap();
    store
}

#[test]
fn a_draft_survives_lock_and_reopening_and_the_latest_answers_win() {
    let dir = tempfile::tempdir().unwrap();
    let (store, case, clock) = new_store_with_clock(dir.path());
    let visit = plan(&store, case, VisitKind::AnnouncedHome, 30);
    assert_eq!(store.draft(visit).unwrap(), None);
    store.save_draft(visit, &answers("first")).unwrap();
    store.save_draft(visit, &answers("second")).unwrap();
    store.lock();
    assert!(matches!(store.draft(visit), Err(StoreError::Locked)));
    drop(store);
    let store = reopen(dir.path(), clock);
    let draft = store.draft(visit).unwrap().expect("the draft is kept");
    assert_eq!(draft.answers, answers("second"));
    assert_eq!(draft.visit_id, visit);
    assert!(store.verify().unwrap().is_ok());
    // One record per visit, however often it is saved; never queued for the server.
    let inner = store.lock_inner();
    assert_eq!(
        raw_list(&inner.conn, Kind::Draft, Some(visit.bytes()))
            .unwrap()
            .len(),
        1
    );
    drop(inner);
    let pending_before = store.queue_status().unwrap().pending;
    store.save_draft(visit, &answers("third")).unwrap();
    assert_eq!(store.queue_status().unwrap().pending, pending_before);
}

#[test]
fn a_draft_goes_only_when_discarded_or_the_visit_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let (store, case, _clock) = new_store_with_clock(dir.path());
    let kept = plan(&store, case, VisitKind::AnnouncedHome, 30);
    let completed = plan(&store, case, VisitKind::AnnouncedHome, 30);
    let missed = plan(&store, case, VisitKind::AnnouncedHome, 30);
    for v in [kept, completed, missed] {
        store.save_draft(v, &answers("typed")).unwrap();
    }
    store
        .complete_visit(
            completed,
            VisitOutcome {
                child_seen: true,
                child_seen_alone: true,
                child_spoken_to_alone: true,
                sleeping_area_seen: true,
                ..Default::default()
            },
        )
        .unwrap();
    store
        .record_no_access(
            missed,
            UnsuccessfulVisit {
                reason: "no answer".into(),
                follow_up_action: "call tomorrow".into(),
            },
        )
        .unwrap();
    assert_eq!(store.draft(completed).unwrap(), None);
    assert_eq!(store.draft(missed).unwrap(), None);
    assert!(store.draft(kept).unwrap().is_some());
    // A recorded visit takes no new draft.
    assert!(matches!(
        store.save_draft(completed, &answers("late")),
        Err(StoreError::InvalidState(_))
    ));
    assert!(store.discard_draft(kept).unwrap());
    assert!(!store.discard_draft(kept).unwrap());
    assert_eq!(store.draft(kept).unwrap(), None);
    let report = store.verify().unwrap();
    assert!(report.is_ok(), "{report:?}");
}

#[test]
fn a_draft_put_back_after_it_was_discarded_is_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let (store, case, _clock) = new_store_with_clock(dir.path());
    let visit = plan(&store, case, VisitKind::AnnouncedHome, 30);
    store.save_draft(visit, &answers("secret")).unwrap();
    let saved = {
        let inner = store.lock_inner();
        raw_list(&inner.conn, Kind::Draft, Some(visit.bytes()))
            .unwrap()
            .remove(0)
    };
    store.discard_draft(visit).unwrap();
    {
        let inner = store.lock_inner();
        inner
            .conn
            .execute(
                "INSERT INTO records (id, kind, parent, tag, key_id, format, version, body) \
                 VALUES (?1, 'draft', ?2, NULL, ?3, ?4, ?5, ?6)",
                rusqlite::params![
                    &saved.id[..],
                    &visit.bytes()[..],
                    saved.key_id,
                    saved.format,
                    saved.version,
                    saved.body
                ],
            )
            .unwrap();
    }
    assert!(matches!(
        store.draft(visit),
        Err(StoreError::Tampered { .. })
    ));
    assert!(!store.verify().unwrap().is_ok());
}

#[test]
fn an_overlong_draft_is_refused_whole() {
    let dir = tempfile::tempdir().unwrap();
    let (store, case, _clock) = new_store_with_clock(dir.path());
    let visit = plan(&store, case, VisitKind::AnnouncedHome, 30);
    let huge = "x".repeat(MAX_DRAFT_BYTES + 1);
    assert!(matches!(
        store.save_draft(visit, &answers(&huge)),
        Err(StoreError::Input(_))
    ));
    assert_eq!(store.draft(visit).unwrap(), None);
}

#[derive(Default)]
struct Recorder(Mutex<Vec<DataChanges>>);

impl ChangeObserver for Recorder {
    fn changed(&self, changes: &DataChanges) {
        self.0.lock().unwrap().push(changes.clone());
    }
}

#[test]
fn the_observer_hears_which_screens_changed_and_may_read_the_store_meanwhile() {
    let dir = tempfile::tempdir().unwrap();
    let (store, case, _clock) = new_store_with_clock(dir.path());
    let store = Arc::new(store);
    let heard = Arc::new(Recorder::default());
    store.set_change_observer(Some(heard.clone()));
    let visit = plan(&store, case, VisitKind::AnnouncedHome, 30);
    {
        let got = heard.0.lock().unwrap().pop().expect("planning is told");
        assert!(got.today && got.alerts && got.sync);
        assert_eq!(got.case_ids, vec![case]);
        assert!(got.touches_case(case) && !got.every_case);
    }
    // A draft changes no screen but the form's own.
    store.save_draft(visit, &answers("typed")).unwrap();
    assert!(heard.0.lock().unwrap().is_empty());
    store.add_note(case, "a note", false).unwrap();
    let got = heard.0.lock().unwrap().pop().unwrap();
    // (A note also moves its case's chain head, so the case itself changed too.)
    assert!(got.touches_case(case) && got.sync);

    // The observer is called with the store's lock released: it may read again at once.
    struct Reader(Arc<Store>, Mutex<usize>);
    impl ChangeObserver for Reader {
        fn changed(&self, _: &DataChanges) {
            let n = self.0.today_view().unwrap().visits.len();
            *self.1.lock().unwrap() = n;
        }
    }
    let reader = Arc::new(Reader(store.clone(), Mutex::new(0)));
    store.set_change_observer(Some(reader.clone()));
    store.checkout_visit(visit).unwrap_err();
    store.start_visit(visit).unwrap();
    assert_eq!(*reader.1.lock().unwrap(), 1);
    store.set_change_observer(None);
}

#[test]
fn reminders_come_amber_then_red_and_the_next_change_is_the_next_colour() {
    let dir = tempfile::tempdir().unwrap();
    let (store, case, clock) = new_store_with_clock(dir.path());
    let visit = plan(&store, case, VisitKind::AnnouncedHome, 30);
    assert!(store.lone_working_reminders().unwrap().is_empty());
    let midnight = store.next_alert_change().unwrap();
    assert!(midnight > clock.now() && midnight - clock.now() <= Duration::hours(24));
    let check_in = store.check_in(visit).unwrap();
    let reminders = store.lone_working_reminders().unwrap();
    let stages: Vec<ReminderStage> = reminders.iter().map(|r| r.stage).collect();
    assert_eq!(stages, vec![ReminderStage::Amber, ReminderStage::Red]);
    assert_eq!(reminders[0].at_millis, check_in.amber_at_millis);
    assert_eq!(reminders[1].at_millis, check_in.red_at_millis);
    assert_eq!(reminders[0].text, check_in.reminder);
    for r in &reminders {
        assert!(!r.text.contains("Test Child") && !r.text.contains("Test Row"));
        assert_eq!(r.visit_id, visit);
    }
    assert_eq!(
        store.next_alert_change().unwrap().timestamp_millis(),
        check_in.amber_at_millis
    );
    // Past amber: only red is left to fire, and red is the next change.
    clock.set(chrono::DateTime::from_timestamp_millis(check_in.amber_at_millis + 1000).unwrap());
    let left = store.lone_working_reminders().unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].stage, ReminderStage::Red);
    assert_eq!(
        store.next_alert_change().unwrap().timestamp_millis(),
        check_in.red_at_millis
    );
    store.checkout_visit(visit).unwrap();
    assert!(store.lone_working_reminders().unwrap().is_empty());
}

#[test]
fn an_unanswered_call_is_a_telephone_contact_without_access_that_counts() {
    let dir = tempfile::tempdir().unwrap();
    let (store, case, _clock) = new_store_with_clock(dir.path());
    let what = || UnsuccessfulVisit {
        reason: "no answer, voicemail left".into(),
        follow_up_action: "unannounced visit this week".into(),
    };
    let first = store
        .record_unanswered_call(case, Some("the family asked for a call".into()), what())
        .unwrap();
    assert_eq!(first.visit.kind, VisitKind::Telephone);
    assert_eq!(first.visit.status, VisitStatus::NoAccess);
    assert_eq!(first.consecutive_no_access, 1);
    let second = store
        .record_unanswered_call(case, Some("the family asked for a call".into()), what())
        .unwrap();
    assert_eq!(second.consecutive_no_access, 2);
    // A reason and a follow-up are required, as for any visit that did not happen.
    let blank = UnsuccessfulVisit {
        reason: " ".into(),
        follow_up_action: "x".into(),
    };
    assert!(matches!(
        store.record_unanswered_call(case, Some("asked".into()), blank),
        Err(StoreError::Validation(_))
    ));
    assert_eq!(store.visits_for_case(case).unwrap().len(), 2);
}

#[test]
fn a_flipped_byte_in_a_draft_is_found_by_reading_and_by_verify() {
    let dir = tempfile::tempdir().unwrap();
    let (store, case, _clock) = new_store_with_clock(dir.path());
    let visit = plan(&store, case, VisitKind::AnnouncedHome, 30);
    store.save_draft(visit, &answers("kept")).unwrap();
    let before = store.verify().unwrap().records_checked;
    assert!(before > 0);
    // An insider flips a byte of the sealed draft: reading it says so.
    {
        let inner = store.lock_inner();
        let mut body: Vec<u8> = inner
            .conn
            .query_row("SELECT body FROM records WHERE kind = 'draft'", [], |row| {
                row.get(0)
            })
            .unwrap();
        body[40] ^= 0x01;
        inner
            .conn
            .execute("UPDATE records SET body = ?1 WHERE kind = 'draft'", [&body])
            .unwrap();
    }
    assert!(store.draft(visit).is_err());
    assert!(!store.verify().unwrap().is_ok());
}

#[test]
fn reminders_are_read_with_the_background_sync_key_alone_after_a_reboot() {
    let dir = tempfile::tempdir().unwrap();
    let (store, case, clock) = new_store_with_clock(dir.path());
    let background = Arc::new(SoftwareKeyProvider::from_bytes([9u8; 32]));
    store
        .set_background_key_provider(background.clone())
        .unwrap();
    let visit = plan(&store, case, VisitKind::AnnouncedHome, 30);
    store.check_in(visit).unwrap();
    drop(store);
    let store = Store::open(dir.path(), clock).unwrap();
    store.unlock_for_background_sync(background).unwrap();
    assert!(matches!(store.today_view(), Err(StoreError::Locked)));
    let stages: Vec<ReminderStage> = store
        .lone_working_reminders()
        .unwrap()
        .iter()
        .map(|r| r.stage)
        .collect();
    assert_eq!(stages, vec![ReminderStage::Amber, ReminderStage::Red]);
}

#[test]
fn the_child_screen_gives_the_reason_of_the_latest_rating_even_within_one_instant() {
    // The clock stands still: every change below has the same time, so only what supersedes
    // what says which reason is current (found by doorstep-kotlin's LiveFlowsTest).
    let dir = tempfile::tempdir().unwrap();
    let (store, case, _clock) = new_store_with_clock(dir.path());
    for (rag, reason) in [
        (Rag::Red, "Bruising seen at nursery"),
        (Rag::Amber, "Core group: bruising explained"),
        (Rag::Red, "Second bruise in a month"),
    ] {
        store.set_rag(case, rag, reason).unwrap();
        let view = store.child_view(case).unwrap();
        assert_eq!(view.rag, rag);
        assert_eq!(view.rag_reason.as_deref(), Some(reason));
    }
}
