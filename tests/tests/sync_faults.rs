//! Sync over a hostile network: a seeded fault-injecting transport wraps the real HTTP client and,
//! request by request, drops the request, drops the answer after the server committed, delivers
//! twice, answers 500 or 429 without sending, or cuts the answer in half. Every operation a device
//! made must reach the server's database exactly once, and a second device must pull the same
//! state. Also: an operation the server refuses is parked with its reason without blocking the
//! rest, and a record edited while its upload is in flight keeps the newer edit queued.

use doorstep_core::domain::{
    Agency, CaseId, ChronologyFilter, NewVisit, PersonId, Rag, UnsuccessfulVisit, VisitId,
    VisitKind, VisitOutcome, VisitStatus,
};
use doorstep_core::sync::protocol::Operation;
use doorstep_core::sync::transport::{
    HttpRequest, HttpResponse, Method, Transport, TransportError,
};
use doorstep_core::{Clock, FixedClock, Store, StoreError};
use doorstep_server::admin;
use doorstep_server::db::with_tx;
use doorstep_tests::rng::Rng;
use doorstep_tests::sync_env::{quick, transport};
use doorstep_tests::sync_world::{family, World};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Operations the fault test records (each note also moves its case's chain head: two operations).
const TARGET_OPS: u64 = 2_000;
/// Syncs allowed before the queue must be empty.
const MAX_SYNCS: usize = 400;

/// The faults the transport injects, in the order of the counters.
const FAULTS: [&str; 7] = [
    "none",
    "drop request",
    "drop response after commit",
    "deliver twice",
    "synthetic 500",
    "429 Retry-After: 0",
    "truncated body",
];

/// A transport that injects network faults around the real HTTP client, from a seeded generator.
struct Faulty {
    inner: doorstep_core::sync::http::UreqTransport,
    rng: Mutex<Rng>,
    /// Chance of a fault on each request, in percent (spread evenly over the six faults).
    fault_percent: u64,
    counts: Mutex<[u64; 7]>,
}

impl Faulty {
    fn new(seed: u64, fault_percent: u64) -> Self {
        Self {
            inner: transport(),
            rng: Mutex::new(Rng::new(seed)),
            fault_percent,
            counts: Mutex::new([0; 7]),
        }
    }

    fn counts(&self) -> BTreeMap<&'static str, u64> {
        let c = self.counts.lock().unwrap();
        FAULTS.iter().copied().zip(c.iter().copied()).collect()
    }
}

fn error_response(status: u16, extra: Vec<(String, String)>) -> HttpResponse {
    let mut headers = vec![("content-type".to_string(), "application/json".to_string())];
    headers.extend(extra);
    HttpResponse {
        status,
        headers,
        body: br#"{"error":"injected","message":"injected fault"}"#.to_vec(),
    }
}

impl Transport for Faulty {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let fault = {
            let mut rng = self.rng.lock().unwrap();
            if rng.range(0, 100) < self.fault_percent {
                1 + rng.index(6)
            } else {
                0
            }
        };
        self.counts.lock().unwrap()[fault] += 1;
        match fault {
            1 => Err(TransportError::Unreachable),
            2 => {
                self.inner.send(request)?;
                Err(TransportError::Timeout)
            }
            3 => {
                self.inner.send(request.clone())?;
                self.inner.send(request)
            }
            4 => Ok(error_response(500, Vec::new())),
            5 => Ok(error_response(
                429,
                vec![("retry-after".to_string(), "0".to_string())],
            )),
            6 => {
                let mut resp = self.inner.send(request)?;
                let half = resp.body.len() / 2;
                resp.body.truncate(half);
                Ok(resp)
            }
            _ => self.inner.send(request),
        }
    }
}

/// Small batches and pages: many requests, so many faults.
fn small_batches() -> doorstep_core::store::SyncOptions {
    doorstep_core::store::SyncOptions {
        push_batch: 10,
        pull_page: 25,
        ..quick()
    }
}

/// Syncs until the queue is empty and a whole sync succeeded; returns how many syncs it took.
fn sync_until_done(s: &Store, net: &dyn Transport) -> usize {
    for i in 1..=MAX_SYNCS {
        if let Ok(r) = s.sync(net, None, small_batches()) {
            if r.progress.remaining == 0 && s.queue_status().unwrap().pending == 0 {
                return i;
            }
        }
    }
    panic!(
        "the queue did not empty in {MAX_SYNCS} syncs: {} pending",
        s.queue_status().unwrap().pending
    );
}

/// Every record id on a device, by kind.
fn record_ids(s: &Store) -> BTreeMap<&'static str, HashSet<String>> {
    let mut out: BTreeMap<&'static str, HashSet<String>> = BTreeMap::new();
    for h in s.households().unwrap() {
        out.entry("household").or_default().insert(h.id.to_string());
        for p in s.people(h.id).unwrap() {
            out.entry("person").or_default().insert(p.id.to_string());
        }
    }
    for c in s.cases().unwrap() {
        out.entry("case").or_default().insert(c.id.to_string());
        for v in s.visits_for_case(c.id).unwrap() {
            out.entry("visit").or_default().insert(v.id.to_string());
        }
        for t in s.notes(c.id).unwrap() {
            out.entry("note")
                .or_default()
                .insert(t.original.id.to_string());
            for a in t.amendments {
                out.entry("note").or_default().insert(a.id.to_string());
            }
        }
    }
    out
}

/// Every note text on a device (originals and amendments).
fn device_note_texts(s: &Store) -> Vec<String> {
    let mut out = Vec::new();
    for c in s.cases().unwrap() {
        for t in s.notes(c.id).unwrap() {
            out.push(t.original.text.clone());
            out.extend(t.amendments.iter().map(|a| a.text.clone()));
        }
    }
    out
}

#[test]
fn every_operation_arrives_exactly_once_through_a_faulty_network() {
    let seed = Rng::seed_from_env_or_time();
    eprintln!("seed {seed} (DOORSTEP_TEST_SEED replays it)");
    let mut rng = Rng::new(seed);
    let w = World::new(false);
    let sw = w.practitioner("Social Worker", Agency::SocialCare);
    let a = w.device(&sw, "a");

    // Record about TARGET_OPS operations across three cases, offline.
    let started = Instant::now();
    let families: Vec<(PersonId, CaseId)> = (0..3).map(|n| family(&a, n, false)).collect();
    let mut open_visits: Vec<VisitId> = Vec::new();
    let mut n = 0u64;
    let mut actions = 0u64;
    while a.queue_status().unwrap().pending < TARGET_OPS {
        w.clock.advance(chrono::Duration::minutes(7));
        let (_, case) = families[rng.index(families.len())];
        let roll = rng.index(100);
        if roll < 15 {
            let v = a
                .plan_visit(NewVisit {
                    case_id: case,
                    kind: VisitKind::AnnouncedHome,
                    planned_for: w.clock.now() + chrono::Duration::hours(2),
                    expected_minutes: 45,
                    departure_reason: None,
                })
                .unwrap();
            open_visits.push(v.id);
        } else if roll < 25 && !open_visits.is_empty() {
            let v = open_visits.swap_remove(rng.index(open_visits.len()));
            a.complete_visit(
                v,
                VisitOutcome {
                    child_seen: true,
                    child_seen_alone: rng.index(2) == 0,
                    concerns: vec![format!("concern {n}")],
                    ..Default::default()
                },
            )
            .unwrap();
        } else if roll < 30 && !open_visits.is_empty() {
            let v = open_visits.swap_remove(rng.index(open_visits.len()));
            a.record_no_access(
                v,
                UnsuccessfulVisit {
                    reason: format!("no answer {n}"),
                    follow_up_action: "call tomorrow".into(),
                },
            )
            .unwrap();
        } else if roll < 36 {
            let rag = [Rag::Green, Rag::Amber, Rag::Red][rng.index(3)];
            a.set_rag(case, rag, &format!("reviewed {n}")).unwrap();
        } else if roll < 44 {
            let threads = a.notes(case).unwrap();
            if let Some(t) = threads.get(rng.index(threads.len().max(1))) {
                a.amend_note(t.original.id, &format!("amendment {n}"), None)
                    .unwrap();
            }
        } else {
            a.add_note(case, &format!("note {n}"), rng.index(5) == 0)
                .unwrap();
        }
        n += 1;
        actions += 1;
    }
    let queued = a.queue_status().unwrap().pending;
    let record_time = started.elapsed();
    eprintln!(
        "recorded {queued} operations in {actions} actions in {record_time:?} ({:.2} ms per action)",
        record_time.as_secs_f64() * 1000.0 / actions as f64
    );

    // Sync through the faulty network until the queue is empty.
    let net = Faulty::new(seed ^ 0xfa17, 45);
    let started = Instant::now();
    let syncs = sync_until_done(&a, &net);
    eprintln!(
        "device A: {syncs} syncs in {:?}; faults {:?}",
        started.elapsed(),
        net.counts()
    );
    let counts = net.counts();
    for f in &FAULTS[1..] {
        assert!(counts[f] > 0, "the fault {f} was never injected");
    }

    // Exactly once on the server.
    assert_eq!(
        w.ops_from(&a),
        queued as i64,
        "each operation recorded once"
    );
    let logged: Vec<Operation> = w
        .logged_ops()
        .into_iter()
        .filter(|o| o.device_id == a.device_id())
        .collect();
    let ids: HashSet<_> = logged.iter().map(|o| o.op_id).collect();
    assert_eq!(ids.len(), logged.len(), "no operation logged twice");
    assert_eq!(logged.len() as u64, queued, "every operation logged");
    let mine = record_ids(&a);
    let on_server: HashMap<String, String> = w
        .query("SELECT id, kind FROM records")
        .into_iter()
        .map(|r| {
            (
                r[0].text().unwrap().to_string(),
                r[1].text().unwrap().to_string(),
            )
        })
        .collect();
    let total: usize = mine.values().map(HashSet::len).sum();
    assert_eq!(
        on_server.len(),
        total,
        "the server holds the device's records"
    );
    for (kind, ids) in &mine {
        for id in ids {
            assert_eq!(on_server.get(id).map(String::as_str), Some(*kind), "{id}");
        }
    }
    let mut server_texts: HashMap<String, usize> = HashMap::new();
    for r in w.query("SELECT id FROM records WHERE kind = 'note'") {
        let f = w.fields(r[0].text().unwrap());
        *server_texts
            .entry(f["text"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    let texts = device_note_texts(&a);
    assert_eq!(server_texts.len(), texts.len());
    for t in &texts {
        assert_eq!(server_texts.get(t), Some(&1), "note text present once");
    }
    for v in a
        .cases()
        .unwrap()
        .iter()
        .flat_map(|c| a.visits_for_case(c.id).unwrap())
    {
        let f = w.fields(&v.id.to_string());
        assert_eq!(f["status"], serde_json::to_value(v.status).unwrap());
    }
    assert!(a.verify().unwrap().is_ok(), "{:?}", a.verify().unwrap());

    // A second practitioner allocated to the cases pulls the same state, through faults too.
    let hv = w.practitioner("Health Visitor", Agency::HealthVisiting);
    for (_, case) in &families {
        admin::allocate(w.db.as_ref(), &case.to_string(), &hv, false, w.now()).unwrap();
    }
    let b = w.device(&hv, "b");
    let net_b = Faulty::new(seed ^ 0xb0b, 45);
    let mut pulled = false;
    for _ in 0..MAX_SYNCS {
        if b.sync(&net_b, None, small_batches()).is_ok() {
            pulled = true;
            break;
        }
    }
    assert!(pulled, "device B never completed a sync");
    eprintln!("device B faults {:?}", net_b.counts());
    let all = ChronologyFilter::default();
    for (child, case) in &families {
        assert_eq!(b.notes(*case).unwrap(), a.notes(*case).unwrap());
        assert_eq!(
            b.visits_for_case(*case).unwrap(),
            a.visits_for_case(*case).unwrap()
        );
        assert_eq!(
            b.chronology(*child, &all).unwrap(),
            a.chronology(*child, &all).unwrap()
        );
        let (ca, cb) = (a.case(*case).unwrap(), b.case(*case).unwrap());
        assert_eq!((ca.rag, ca.rag_review), (cb.rag, cb.rag_review));
    }
    assert!(b.verify().unwrap().is_ok(), "{:?}", b.verify().unwrap());
}

/// A network that damages one operation on its way: the server genuinely refuses it (its case
/// scope is missing), as it would an operation it can never accept.
struct Damaging {
    inner: doorstep_core::sync::http::UreqTransport,
    target: doorstep_core::domain::CaseId,
}

impl doorstep_core::sync::transport::Transport for Damaging {
    fn send(
        &self,
        mut request: doorstep_core::sync::transport::HttpRequest,
    ) -> Result<
        doorstep_core::sync::transport::HttpResponse,
        doorstep_core::sync::transport::TransportError,
    > {
        if request.url.ends_with("/v1/push") {
            let mut body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
            for op in body["ops"].as_array_mut().unwrap() {
                let refused = op["delta"]["rag_history"]["value"]
                    .to_string()
                    .contains("the change the server refuses");
                if op["record_id"] == serde_json::json!(self.target) && refused {
                    op["case_id"] = serde_json::Value::Null;
                }
            }
            request.body = serde_json::to_vec(&body).unwrap();
        }
        self.inner.send(request)
    }
}

#[test]
fn an_operation_the_server_refuses_is_parked_with_its_reason_and_the_rest_is_sent() {
    let w = World::new(false);
    let sw = w.practitioner("Social Worker", Agency::SocialCare);
    let a = w.device(&sw, "a");
    // Family 1 has a safeguarding concern (urgent lane), so its household goes first.
    let (_, case1) = family(&a, 1, true);
    let (_, case2) = family(&a, 2, false);
    for i in 0..4 {
        a.add_note(case2, &format!("routine note {i}"), false)
            .unwrap();
    }
    a.set_rag(case1, Rag::Red, "the change the server refuses")
        .unwrap();
    let queued = a.queue_status().unwrap().pending;
    let options = doorstep_core::store::SyncOptions {
        push_batch: 3,
        ..quick()
    };
    let net = Damaging {
        inner: transport(),
        target: case1,
    };
    let r = a.sync(&net, None, options).unwrap();
    assert_eq!(r.parked, 1, "{r:?}");
    let status = a.queue_status().unwrap();
    assert_eq!(status.pending, 0, "the refusal does not block the queue");
    assert_eq!(status.parked.len(), 1);
    let p = &status.parked[0];
    assert_eq!(p.op.record_id, case1.0);
    let why = p.parked.as_ref().expect("parked with its reason");
    assert_eq!(why.code, "invalid");
    assert!(!why.reason.is_empty());
    // Everything else arrived, including family 2's work queued after the refused change.
    assert_eq!(w.ops_from(&a), queued as i64 - 1);
    assert_eq!(r.progress.sent, queued - 1);
    let f = w.fields(&case1.to_string());
    assert!(!format!("{f:?}").contains("the change the server refuses"));
    assert_eq!(
        w.query("SELECT count(*) FROM records WHERE kind = 'note'")[0][0].int(),
        Some(5)
    );
    // A parked operation stays parked through later syncs (it is not resent blindly)...
    a.sync(&transport(), None, quick()).unwrap();
    assert_eq!(a.queue_status().unwrap().parked.len(), 1);
    assert_eq!(w.ops_from(&a), queued as i64 - 1);
    // ...until someone deals with it and retries: then it goes (the network is whole again).
    assert_eq!(a.retry_parked().unwrap(), 1);
    a.sync(&transport(), None, quick()).unwrap();
    assert!(a.queue_status().unwrap().parked.is_empty());
    assert_eq!(w.ops_from(&a), queued as i64);
    assert!(format!("{:?}", w.fields(&case1.to_string())).contains("the change the server refuses"));
}

/// Completes a visit on the same store while the push that carries the visit's planning is in
/// flight (after the server committed it, before the device has the answer); later pushes fail.
struct EditInFlight<'a> {
    inner: doorstep_core::sync::http::UreqTransport,
    store: &'a Store,
    visit: VisitId,
    pushes: AtomicU32,
}

impl Transport for EditInFlight<'_> {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        if request.method != Method::Post || !request.url.ends_with("/v1/push") {
            return self.inner.send(request);
        }
        if self.pushes.fetch_add(1, Ordering::SeqCst) > 0 {
            return Err(TransportError::Unreachable);
        }
        let resp = self.inner.send(request)?;
        self.store
            .complete_visit(
                self.visit,
                VisitOutcome {
                    child_seen: true,
                    child_seen_alone: true,
                    concerns: vec!["written while uploading".into()],
                    ..Default::default()
                },
            )
            .expect("the store accepts a write during a sync");
        Ok(resp)
    }
}

#[test]
fn a_record_edited_while_its_upload_is_in_flight_keeps_the_newer_edit_queued() {
    let w = World::new(false);
    let sw = w.practitioner("Social Worker", Agency::SocialCare);
    let a = w.device(&sw, "a");
    let (_, case) = family(&a, 1, false);
    let v = a
        .plan_visit(NewVisit {
            case_id: case,
            kind: VisitKind::AnnouncedHome,
            planned_for: w.clock.now(),
            expected_minutes: 60,
            departure_reason: None,
        })
        .unwrap();
    let first = a.queue_status().unwrap().pending;
    let net = EditInFlight {
        inner: transport(),
        store: &a,
        visit: v.id,
        pushes: AtomicU32::new(0),
    };
    let e = a.sync(&net, None, quick()).unwrap_err();
    assert!(matches!(e, StoreError::Offline(_)), "{e:?}");
    assert_eq!(w.ops_from(&a), first as i64, "the first push arrived");
    let status = a.queue_status().unwrap();
    let newer = status.pending;
    assert!(
        newer > 0,
        "the acknowledgement removed only the older operations"
    );
    assert!(status.parked.is_empty());
    assert_eq!(
        w.fields(&v.id.to_string())["status"],
        serde_json::to_value(VisitStatus::Planned).unwrap()
    );
    assert_eq!(a.visit(v.id).unwrap().status, VisitStatus::Completed);

    let r = a.sync(&transport(), None, quick()).unwrap();
    assert_eq!(
        (r.progress.sent, r.progress.remaining, r.parked),
        (newer, 0, 0)
    );
    assert_eq!(w.ops_from(&a), (first + newer) as i64);
    let f = w.fields(&v.id.to_string());
    assert_eq!(
        f["status"],
        serde_json::to_value(VisitStatus::Completed).unwrap()
    );
    assert!(format!("{f:?}").contains("written while uploading"));
    let local = a.visit(v.id).unwrap();
    assert_eq!(
        local.status,
        VisitStatus::Completed,
        "the pull kept the newer edit"
    );
    assert_eq!(
        local.outcome.unwrap().concerns,
        vec!["written while uploading".to_string()]
    );
    assert!(a.verify().unwrap().is_ok());
}

/// A phone whose date was wrong and is set right again: the work done after the correction must
/// reach the server. Today the device's hybrid logical clock never goes back, so every later
/// change is stamped a day and a half ahead too, refused as `clock_ahead` and parked for good
/// (nothing ever retries a parked operation): a note written after the correction never arrives.
/// A device with a family, synced, whose date then jumps a day and a half ahead.
fn synced_phone_then_date_ahead(w: &World) -> (Store, Arc<FixedClock>, CaseId) {
    let sw = w.practitioner("Social Worker", Agency::SocialCare);
    let phone_clock = Arc::new(FixedClock::new(w.clock.now()));
    let a = w.device_on(&sw, "a", phone_clock.clone());
    let (_, case) = family(&a, 1, false);
    a.sync(&transport(), None, quick()).unwrap();
    phone_clock.advance(chrono::Duration::hours(36));
    (a, phone_clock, case)
}

#[test]
fn work_done_after_the_phone_clock_is_corrected_reaches_the_server() {
    let w = World::new(false);
    let (a, phone_clock, case) = synced_phone_then_date_ahead(&w);
    a.set_rag(case, Rag::Red, "wrong date on the phone")
        .unwrap();
    let held = a.sync(&transport(), None, quick()).unwrap();
    // Refused as clock_ahead, but never parked: held in the queue until the date is right.
    assert!(held.held >= 1, "{held:?}");
    assert!(a.queue_status().unwrap().parked.is_empty());
    assert!(a.queue_status().unwrap().pending >= 1);
    // The practitioner corrects the date and carries on.
    phone_clock.set(w.clock.now());
    let note = a
        .add_note(case, "written after the clock was corrected", false)
        .unwrap();
    for _ in 0..3 {
        a.sync(&transport(), None, quick()).unwrap();
    }
    let rows = with_tx(w.db.as_ref(), |tx| {
        tx.query(
            "SELECT count(*) FROM records WHERE id = $1",
            &[doorstep_server::db::Val::Text(note.id.to_string())],
        )
    })
    .unwrap();
    assert_eq!(
        a.queue_status().unwrap().pending,
        0,
        "the held change went too"
    );
    assert_eq!(
        rows[0][0].int(),
        Some(1),
        "the note written after the correction did not arrive: {:?}",
        a.queue_status()
            .unwrap()
            .parked
            .iter()
            .map(|p| p.parked.clone())
            .collect::<Vec<_>>()
    );
}

/// A note written while the phone's date was a day and a half ahead is refused as `clock_ahead`;
/// once the date is corrected it goes with a fresh stamp, and the note on the phone (append-only)
/// is left exactly as written.
#[test]
fn a_note_written_with_the_phone_date_ahead_arrives_once_the_date_is_corrected() {
    let w = World::new(false);
    let (a, phone_clock, case) = synced_phone_then_date_ahead(&w);
    let note = a
        .add_note(case, "written while the phone's date was wrong", false)
        .unwrap();
    let held = a.sync(&transport(), None, quick()).unwrap();
    assert!(held.held >= 1, "{held:?}");
    phone_clock.set(w.clock.now());
    for _ in 0..3 {
        a.sync(&transport(), None, quick()).unwrap();
    }
    assert_eq!(a.queue_status().unwrap().pending, 0);
    let f = w.fields(&note.id.to_string());
    assert_eq!(f["text"], serde_json::json!(note.text));
    assert_eq!(a.notes(case).unwrap()[0].original, note);
    assert!(a.verify().unwrap().is_ok(), "{:?}", a.verify().unwrap());
}
