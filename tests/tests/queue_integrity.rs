//! The sync queue inside the integrity model, against the real server on loopback: a queued
//! operation damaged in the file is parked as needing attention and its record's current state
//! queued in its place, so that the change still reaches the server and later syncs flow; a
//! queued operation deleted from the file is detected, never silently dropped.

use doorstep_core::domain::Agency;
use doorstep_core::StoreError;
use doorstep_tests::stores;
use doorstep_tests::sync_env::{quick, transport};
use doorstep_tests::sync_world::{family, World};
use rusqlite::params;

/// Flips one bit in the middle of the sealed body of the outbox row `seq`.
fn flip_body(dir: &std::path::Path, seq: i64) {
    let c = stores::raw_db(dir);
    let mut body: Vec<u8> = c
        .query_row("SELECT body FROM outbox WHERE seq = ?1", [seq], |r| {
            r.get(0)
        })
        .unwrap();
    let mid = body.len() / 2;
    body[mid] ^= 0x10;
    c.execute(
        "UPDATE outbox SET body = ?1 WHERE seq = ?2",
        params![body, seq],
    )
    .unwrap();
}

#[test]
fn a_damaged_queued_change_is_parked_and_its_record_queued_again_so_later_syncs_flow() {
    let w = World::new(false);
    let sw = w.practitioner("Social Worker", Agency::SocialCare);
    let a = w.device(&sw, "a");
    let (_, case) = family(&a, 1, false);
    a.sync(&transport(), None, quick()).unwrap();
    assert!(a.queue_status().unwrap().last_sync.is_some());
    // The time of the last sync is sealed, not a clear timestamp.
    let clear: Vec<u8> = stores::raw_db(&w.dir.join("a"))
        .query_row("SELECT value FROM meta WHERE key = 'last_sync'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(clear.len() > 8 + 16, "{} bytes", clear.len());
    let note = a
        .add_note(case, "Partner present, not known to us.", true)
        .unwrap();
    let dir = w.dir.join("a");
    drop(a);
    stores::checkpoint(&dir);
    let c = stores::raw_db(&dir);
    let seqs: Vec<i64> = c
        .prepare("SELECT seq FROM outbox ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    drop(c);
    // The note's operation, then the case's chain-head update.
    assert_eq!(seqs.len(), 2, "{seqs:?}");
    flip_body(&dir, seqs[0]);

    // Reopened on the server's clock (the device's clock must not run ahead of it).
    let a = doorstep_core::Store::open(&dir, w.clock.clone()).unwrap();
    a.unlock_with_provider(stores::provider(doorstep_tests::sync_env::DEVICE_KEY))
        .unwrap();
    let r = a.sync(&transport(), None, quick()).unwrap();
    assert_eq!(r.progress.remaining, 0, "{r:?}");
    let status = a.queue_status().unwrap();
    assert_eq!(status.parked.len(), 1, "{:?}", status.parked);
    let parked = &status.parked[0];
    assert_eq!(parked.parked.as_ref().unwrap().code, "damaged");
    assert_eq!(
        parked.op.record_id, note.id.0,
        "it names the note it carried"
    );
    // The note reached the server all the same, whole.
    let fields = w.fields(&note.id.to_string());
    assert_eq!(
        fields.get("text").and_then(|v| v.as_str()),
        Some("Partner present, not known to us.")
    );
    // Later changes flow.
    a.add_note(case, "Second note after the damage.", false)
        .unwrap();
    let r = a.sync(&transport(), None, quick()).unwrap();
    assert_eq!((r.progress.sent, r.progress.remaining), (2, 0), "{r:?}");
    assert_eq!(a.queue_status().unwrap().parked.len(), 1);
    // Dealing with it clears it away; verify is clean again.
    assert_eq!(a.retry_parked().unwrap(), 1);
    assert!(a.queue_status().unwrap().parked.is_empty());
    assert!(a.verify().unwrap().is_ok());
}

#[test]
fn a_deleted_queued_change_is_detected_by_unlock_sync_and_verify() {
    let w = World::new(false);
    let sw = w.practitioner("Social Worker", Agency::SocialCare);
    let a = w.device(&sw, "a");
    let (_, case) = family(&a, 1, false);
    a.sync(&transport(), None, quick()).unwrap();
    a.add_note(
        case,
        "A significant note, then deleted from the file.",
        true,
    )
    .unwrap();
    let dir = w.dir.join("a");
    drop(a);
    stores::checkpoint(&dir);
    let c = stores::raw_db(&dir);
    assert!(
        c.execute(
            "DELETE FROM outbox WHERE seq = (SELECT min(seq) FROM outbox)",
            []
        )
        .unwrap()
            == 1
    );
    drop(c);
    let r = doorstep_tests::sync_env::reopen(&dir, doorstep_tests::sync_env::DEVICE_KEY);
    assert!(
        matches!(r, Err(StoreError::Tampered { .. })),
        "unlock: {r:?}"
    );
    let a =
        doorstep_core::Store::open(&dir, std::sync::Arc::new(doorstep_core::SystemClock)).unwrap();
    let _ = a.unlock_with_provider(stores::provider(doorstep_tests::sync_env::DEVICE_KEY));
    assert!(matches!(
        a.sync(&transport(), None, quick()),
        Err(StoreError::Tampered { .. })
    ));
    let report = a.verify().unwrap();
    assert!(!report.digest_ok && !report.is_ok(), "{report:?}");
}
