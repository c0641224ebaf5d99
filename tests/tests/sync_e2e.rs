//! Two practitioners' devices and the reference server over real HTTP on loopback: a child's
//! history shared on allocation, notes written offline on both devices converging, queued work
//! surviving the server being down, and a revoked device erasing itself.

use doorstep_core::domain::{Agency, ChronologyFilter, NewVisit, Rag, VisitKind, VisitOutcome};
use doorstep_core::{Store, StoreError};
use doorstep_server::admin;
use doorstep_tests::sync_env::{quick, transport};
use doorstep_tests::sync_world::{family, World};

#[test]
fn a_childs_history_reaches_the_newly_allocated_practitioner_and_offline_notes_converge() {
    let w = World::new(true);
    let sw = w.practitioner("Social Worker", Agency::SocialCare);
    let hv = w.practitioner("Health Visitor", Agency::HealthVisiting);
    let a = w.device(&sw, "a");
    let (child, case) = family(&a, 1, false);
    let v = a
        .plan_visit(NewVisit {
            case_id: case,
            kind: VisitKind::AnnouncedHome,
            planned_for: doorstep_core::Clock::now(w.clock.as_ref()),
            expected_minutes: 60,
            departure_reason: None,
        })
        .unwrap();
    a.start_visit(v.id).unwrap();
    a.complete_visit(
        v.id,
        VisitOutcome {
            child_seen: true,
            child_seen_alone: true,
            concerns: vec!["bruise on forearm".into()],
            ..Default::default()
        },
    )
    .unwrap();
    a.add_note(case, "Mother's new partner present; not known to us.", true)
        .unwrap();
    let r = a.sync(&transport(), None, quick()).unwrap();
    assert_eq!(r.progress.remaining, 0);
    assert_eq!(r.parked, 0);

    admin::allocate(w.db.as_ref(), &case.to_string(), &hv, false, w.now()).unwrap();
    let b = w.device(&hv, "b");
    b.sync(&transport(), None, quick()).unwrap();
    let all = ChronologyFilter::default();
    assert_eq!(
        b.chronology(child, &all).unwrap(),
        a.chronology(child, &all).unwrap(),
        "the health visitor sees the same history"
    );
    assert!(b
        .chronology(child, &all)
        .unwrap()
        .iter()
        .any(|e| e.summary.contains("bruise on forearm")));

    // Both write offline, then sync in every order: both end with both notes, chains intact.
    a.add_note(case, "Called school: attendance 60%.", false)
        .unwrap();
    a.set_rag(case, Rag::Red, "injury and unknown adult")
        .unwrap();
    b.add_note(case, "Health visitor: missed 9-12 month review.", false)
        .unwrap();
    for s in [&a, &b, &a] {
        s.sync(&transport(), None, quick()).unwrap();
    }
    let texts = |s: &Store| {
        let mut t: Vec<String> = s
            .notes(case)
            .unwrap()
            .iter()
            .map(|n| n.current_text().to_string())
            .collect();
        t.sort();
        t
    };
    assert_eq!(texts(&a), texts(&b));
    assert_eq!(texts(&a).len(), 3);
    assert_eq!(a.case(case).unwrap().rag, Rag::Red);
    assert_eq!(b.case(case).unwrap().rag, Rag::Red);
    assert!(a.verify().unwrap().is_ok(), "{:?}", a.verify().unwrap());
    assert!(b.verify().unwrap().is_ok(), "{:?}", b.verify().unwrap());
}

#[test]
fn concurrent_rag_changes_merge_to_the_more_severe_and_ask_for_review() {
    let w = World::new(true);
    let sw = w.practitioner("Social Worker", Agency::SocialCare);
    let a = w.device(&sw, "a");
    let (_, case) = family(&a, 1, false);
    a.sync(&transport(), None, quick()).unwrap();
    let hv = w.practitioner("Health Visitor", Agency::HealthVisiting);
    admin::allocate(w.db.as_ref(), &case.to_string(), &hv, false, w.now()).unwrap();
    let b = w.device(&hv, "b");
    b.sync(&transport(), None, quick()).unwrap();
    a.set_rag(case, Rag::Green, "engaging well").unwrap();
    b.set_rag(case, Rag::Red, "new injury seen").unwrap();
    for s in [&a, &b, &a] {
        s.sync(&transport(), None, quick()).unwrap();
    }
    for s in [&a, &b] {
        let c = s.case(case).unwrap();
        assert_eq!(c.rag, Rag::Red);
        assert!(c.rag_review, "concurrent changes are flagged for review");
    }
    a.set_rag(case, Rag::Amber, "reviewed with manager")
        .unwrap();
    for s in [&a, &b] {
        s.sync(&transport(), None, quick()).unwrap();
    }
    for s in [&a, &b] {
        let c = s.case(case).unwrap();
        assert_eq!((c.rag, c.rag_review), (Rag::Amber, false));
    }
}

/// A transport whose network can be switched off (no signal in the stairwell).
struct Signal {
    inner: doorstep_core::sync::http::UreqTransport,
    up: std::sync::atomic::AtomicBool,
}

impl doorstep_core::sync::transport::Transport for Signal {
    fn send(
        &self,
        request: doorstep_core::sync::transport::HttpRequest,
    ) -> Result<
        doorstep_core::sync::transport::HttpResponse,
        doorstep_core::sync::transport::TransportError,
    > {
        if self.up.load(std::sync::atomic::Ordering::SeqCst) {
            self.inner.send(request)
        } else {
            Err(doorstep_core::sync::transport::TransportError::Unreachable)
        }
    }
}

#[test]
fn work_done_without_signal_waits_and_then_arrives_once() {
    let w = World::new(true);
    let sw = w.practitioner("Social Worker", Agency::SocialCare);
    let a = w.device(&sw, "a");
    let (_, case) = family(&a, 1, false);
    let net = Signal {
        inner: transport(),
        up: std::sync::atomic::AtomicBool::new(false),
    };
    for i in 0..5 {
        a.add_note(case, &format!("written in the car {i}"), false)
            .unwrap();
    }
    let e = a.sync(&net, None, quick()).unwrap_err();
    assert!(matches!(e, StoreError::Offline(_)), "{e:?}");
    let queued = a.queue_status().unwrap().pending;
    // Household, child, case, five notes and the five updates of the case's chain head.
    assert_eq!(queued, 13, "everything stays queued");
    net.up.store(true, std::sync::atomic::Ordering::SeqCst);
    let r = a.sync(&net, None, quick()).unwrap();
    assert_eq!((r.progress.sent, r.progress.remaining), (13, 0));
    let ops: i64 = doorstep_server::db::with_tx(w.db.as_ref(), |tx| {
        Ok(tx.query("SELECT count(*) FROM ops", &[])?[0][0]
            .int()
            .unwrap_or(-1))
    })
    .unwrap();
    assert_eq!(ops, 13, "each change reached the server exactly once");
    assert!(a.queue_status().unwrap().last_sync.is_some());
}

#[test]
fn a_revoked_device_erases_its_store_on_next_contact() {
    let w = World::new(true);
    let sw = w.practitioner("Social Worker", Agency::SocialCare);
    let a = w.device(&sw, "a");
    family(&a, 1, false);
    a.sync(&transport(), None, quick()).unwrap();
    let devices = admin::devices(w.db.as_ref()).unwrap();
    // What `admin devices` prints: its last contact and what its last push left waiting.
    assert_eq!(devices[0].last_seen, Some(w.now()));
    assert_eq!(devices[0].backlog, Some((0, w.now())));
    admin::revoke_device(w.db.as_ref(), &devices[0].id, w.now()).unwrap();
    let e = a.sync(&transport(), None, quick()).unwrap_err();
    assert!(matches!(e, StoreError::Wiped), "{e:?}");
    assert!(!w.dir.join("a").join("keyring.json").exists());
    assert!(!w.dir.join("a").join("doorstep.db").exists());
    assert!(a.households().is_err());
    assert!(matches!(
        Store::open_default(&w.dir.join("a")),
        Err(StoreError::NoStore)
    ));
}
