//! Convergence, property-tested: two or three practitioners allocated to the same case edit it
//! offline on their own devices (notes, amendments, RAG ratings with reasons, visits planned and
//! then completed or not answered), syncing in a random order with random repeats. After a final
//! round in which every device syncs twice, every device holds the same notes and amendments, the
//! same RAG rating and review flag, the same visits and the same chronology, and verifies clean.

use doorstep_core::domain::{
    Agency, CaseId, ChronologyFilter, NewVisit, PersonId, Rag, UnsuccessfulVisit, VisitKind,
    VisitOutcome,
};
use doorstep_core::{Clock, FixedClock, Store};
use doorstep_server::admin;
use doorstep_tests::sync_env::{quick, transport};
use doorstep_tests::sync_world::{family, World};
use proptest::prelude::*;
use std::sync::Arc;

/// One thing a device does.
#[derive(Debug, Clone)]
enum Step {
    Note { dev: usize, significant: bool },
    Amend { dev: usize, pick: usize },
    Rag { dev: usize, rag: usize },
    Plan { dev: usize, hours: i64 },
    Complete { dev: usize, pick: usize },
    NoAccess { dev: usize, pick: usize },
    Sync { dev: usize },
}

fn step() -> impl Strategy<Value = Step> {
    let dev = 0usize..3;
    prop_oneof![
        3 => (dev.clone(), any::<bool>()).prop_map(|(dev, significant)| Step::Note { dev, significant }),
        2 => (dev.clone(), any::<usize>()).prop_map(|(dev, pick)| Step::Amend { dev, pick }),
        2 => (dev.clone(), 0usize..3).prop_map(|(dev, rag)| Step::Rag { dev, rag }),
        2 => (dev.clone(), 1i64..72).prop_map(|(dev, hours)| Step::Plan { dev, hours }),
        2 => (dev.clone(), any::<usize>()).prop_map(|(dev, pick)| Step::Complete { dev, pick }),
        1 => (dev.clone(), any::<usize>()).prop_map(|(dev, pick)| Step::NoAccess { dev, pick }),
        3 => dev.prop_map(|dev| Step::Sync { dev }),
    ]
}

struct Case {
    _world: World,
    clock: Arc<FixedClock>,
    devices: Vec<Store>,
    child: PersonId,
    case: CaseId,
}

/// A server, a case opened on the first device and allocated to `n` practitioners, each with a
/// device that has pulled it.
fn setup(n: usize) -> Case {
    let w = World::new(false);
    let agencies = [
        Agency::SocialCare,
        Agency::HealthVisiting,
        Agency::SocialCare,
    ];
    let mut devices = Vec::new();
    let mut ids: Option<(PersonId, CaseId)> = None;
    for (i, agency) in agencies.iter().take(n).enumerate() {
        let p = w.practitioner(&format!("P{i}"), *agency);
        if let Some((_, case)) = ids {
            admin::allocate(w.db.as_ref(), &case.to_string(), &p, false, w.now()).unwrap();
        }
        let s = w.device(&p, &format!("d{i}"));
        if i == 0 {
            ids = Some(family(&s, 1, false));
        }
        s.sync(&transport(), None, quick()).unwrap();
        devices.push(s);
    }
    let (child, case) = ids.unwrap();
    let clock = w.clock.clone();
    Case {
        _world: w,
        clock,
        devices,
        child,
        case,
    }
}

/// Applies one step; returns how many notes it wrote.
fn apply(c: &Case, step: &Step) -> usize {
    let n = c.devices.len();
    let ok = |r: Result<(), doorstep_core::StoreError>| r.unwrap();
    match *step {
        Step::Note { dev, significant } => {
            let s = &c.devices[dev % n];
            let text = format!("note by {} at {}", dev % n, c.clock.now());
            ok(s.add_note(c.case, &text, significant).map(drop));
            1
        }
        Step::Amend { dev, pick } => {
            let s = &c.devices[dev % n];
            let threads = s.notes(c.case).unwrap();
            if threads.is_empty() {
                return 0;
            }
            let original = threads[pick % threads.len()].original.id;
            let text = format!("amended by {} at {}", dev % n, c.clock.now());
            ok(s.amend_note(original, &text, None).map(drop));
            1
        }
        Step::Rag { dev, rag } => {
            let s = &c.devices[dev % n];
            let rag = [Rag::Green, Rag::Amber, Rag::Red][rag % 3];
            let reason = format!("rated by {} at {}", dev % n, c.clock.now());
            ok(s.set_rag(c.case, rag, &reason).map(drop));
            0
        }
        Step::Plan { dev, hours } => {
            let s = &c.devices[dev % n];
            ok(s.plan_visit(NewVisit {
                case_id: c.case,
                kind: VisitKind::AnnouncedHome,
                planned_for: c.clock.now() + chrono::Duration::hours(hours),
                expected_minutes: 45,
                departure_reason: None,
            })
            .map(drop));
            0
        }
        Step::Complete { dev, pick } | Step::NoAccess { dev, pick } => {
            let s = &c.devices[dev % n];
            let me = s.practitioner().unwrap().id;
            let open: Vec<_> = s
                .visits_for_case(c.case)
                .unwrap()
                .into_iter()
                .filter(|v| v.practitioner_id == me && v.status.is_open())
                .collect();
            if open.is_empty() {
                return 0;
            }
            let v = open[pick % open.len()].id;
            if matches!(step, Step::Complete { .. }) {
                let outcome = VisitOutcome {
                    child_seen: true,
                    child_seen_alone: pick % 2 == 0,
                    concerns: vec![format!("seen by {} at {}", dev % n, c.clock.now())],
                    ..Default::default()
                };
                ok(s.complete_visit(v, outcome).map(drop));
            } else {
                let what = UnsuccessfulVisit {
                    reason: format!("no answer at {}", c.clock.now()),
                    follow_up_action: "call tomorrow".into(),
                };
                ok(s.record_no_access(v, what).map(drop));
            }
            0
        }
        Step::Sync { dev } => {
            let r = c.devices[dev % n]
                .sync(&transport(), None, quick())
                .unwrap();
            assert_eq!(r.parked, 0, "nothing is refused: {r:?}");
            0
        }
    }
}

/// A case with its RAG history in one order (by time, then id): the history is a set, and which
/// order a device lists it in is checked separately (see the ignored test below).
fn normalised(mut case: doorstep_core::domain::Case) -> doorstep_core::domain::Case {
    case.rag_history.sort_by_key(|c| (c.at, c.id));
    case
}

fn check_converged(c: &Case, written: usize) {
    let all = ChronologyFilter::default();
    let first = &c.devices[0];
    let notes = first.notes(c.case).unwrap();
    let count: usize = notes.iter().map(|t| 1 + t.amendments.len()).sum();
    assert_eq!(count, written, "every note and amendment arrived");
    let case = first.case(c.case).unwrap();
    let visits = first.visits_for_case(c.case).unwrap();
    let chronology = first.chronology(c.child, &all).unwrap();
    for (i, s) in c.devices.iter().enumerate() {
        let status = s.queue_status().unwrap();
        assert_eq!(status.pending, 0, "device {i} has nothing queued");
        assert!(status.parked.is_empty(), "device {i} has nothing parked");
        assert_eq!(s.notes(c.case).unwrap(), notes, "device {i} notes");
        let other = s.case(c.case).unwrap();
        assert_eq!(
            (other.rag, other.rag_review),
            (case.rag, case.rag_review),
            "device {i} RAG"
        );
        assert_eq!(
            normalised(other),
            normalised(case.clone()),
            "device {i} case"
        );
        assert_eq!(
            s.visits_for_case(c.case).unwrap(),
            visits,
            "device {i} visits"
        );
        assert_eq!(
            s.chronology(c.child, &all).unwrap(),
            chronology,
            "device {i} chronology"
        );
        let report = s.verify().unwrap();
        assert!(report.is_ok(), "device {i}: {report:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 16,
        max_shrink_iters: 24,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn devices_editing_one_case_offline_converge(
        n in 2usize..=3,
        steps in prop::collection::vec(step(), 4..28),
    ) {
        let c = setup(n);
        let mut written = 0;
        for s in &steps {
            c.clock.advance(chrono::Duration::minutes(3));
            written += apply(&c, s);
        }
        for _ in 0..2 {
            for i in 0..n {
                apply(&c, &Step::Sync { dev: i });
            }
        }
        check_converged(&c, written);
    }
}

/// The RAG history is a safeguarding record read top to bottom: every device should list it in the
/// same, chronological, order. The device that made a change lists it in the order written; a
/// device that received it lists the merged set sorted by the changes' random ids
/// (`merge::union_by_id`), so the history reads shuffled there.
#[test]
fn the_rag_history_reads_in_the_same_order_on_every_device() {
    let c = setup(2);
    let (a, b) = (&c.devices[0], &c.devices[1]);
    for (i, rag) in [Rag::Red, Rag::Green, Rag::Red, Rag::Amber, Rag::Green]
        .into_iter()
        .enumerate()
    {
        c.clock.advance(chrono::Duration::minutes(5));
        a.set_rag(c.case, rag, &format!("review {i}")).unwrap();
    }
    a.sync(&transport(), None, quick()).unwrap();
    b.sync(&transport(), None, quick()).unwrap();
    let reasons = |s: &Store| -> Vec<String> {
        s.case(c.case)
            .unwrap()
            .rag_history
            .into_iter()
            .map(|r| r.reason)
            .collect()
    };
    let written = reasons(a);
    assert_eq!(written.len(), 6);
    assert_eq!(
        reasons(b),
        written,
        "the receiving device lists the history in another order"
    );
}
