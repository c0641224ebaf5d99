//! The bindings' API driven from Rust as the apps drive it: a sync in progress never blocks the
//! screens, a wipe waits for it, errors keep their stable codes, and platform failures are errors.

use doorstep_core::sync::http::UreqTransport;
use doorstep_core::sync::transport::Transport as CoreTransport;
use doorstep_core::Clock;
use doorstep_ffi::{
    CaseInput, DoorstepError, DoorstepStore, HouseholdInput, HttpHeader, HttpRequest, HttpResponse,
    KeyProvider, PersonInput, PersonRole, PlanType, PlatformError, Rag, Transport, VisitAnswers,
    VisitInput, VisitKind,
};
use doorstep_tests::sync_world::World;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The platform HTTP stack, played by a real client.
struct Http(UreqTransport);

impl Transport for Http {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, PlatformError> {
        let method = match request.method.as_str() {
            "GET" => doorstep_core::sync::transport::Method::Get,
            _ => doorstep_core::sync::transport::Method::Post,
        };
        let r = self
            .0
            .send(doorstep_core::sync::transport::HttpRequest {
                method,
                url: request.url,
                headers: request
                    .headers
                    .into_iter()
                    .map(|h| (h.name, h.value))
                    .collect(),
                body: request.body,
            })
            .map_err(|_| PlatformError::Unreachable)?;
        Ok(HttpResponse {
            status: i32::from(r.status),
            headers: r
                .headers
                .into_iter()
                .map(|(name, value)| HttpHeader { name, value })
                .collect(),
            body: r.body,
        })
    }
}

/// A transport that holds its first request until the test says go (or 20 s pass).
struct Gate {
    inner: Http,
    entered: Mutex<Option<Sender<()>>>,
    go: Mutex<Receiver<()>>,
    released_by_test: Mutex<Option<bool>>,
}

impl Transport for Gate {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, PlatformError> {
        if let Some(tx) = self.entered.lock().unwrap().take() {
            let _ = tx.send(());
            let ok = self
                .go
                .lock()
                .unwrap()
                .recv_timeout(Duration::from_secs(600))
                .is_ok();
            *self.released_by_test.lock().unwrap() = Some(ok);
        }
        self.inner.send(request)
    }
}

struct Keys;

impl KeyProvider for Keys {
    fn wrap_key(&self, key: Vec<u8>) -> Result<Vec<u8>, PlatformError> {
        Ok(key.iter().map(|b| b ^ 0x5a).collect())
    }
    fn unwrap_key(&self, wrapped: Vec<u8>) -> Result<Vec<u8>, PlatformError> {
        Ok(wrapped.iter().map(|b| b ^ 0x5a).collect())
    }
    fn destroy_key(&self) -> Result<(), PlatformError> {
        Ok(())
    }
}

struct BrokenKeys;

impl KeyProvider for BrokenKeys {
    fn wrap_key(&self, _: Vec<u8>) -> Result<Vec<u8>, PlatformError> {
        Err(PlatformError::KeyUnavailable {
            reason: "device locked".into(),
        })
    }
    fn unwrap_key(&self, _: Vec<u8>) -> Result<Vec<u8>, PlatformError> {
        Err(PlatformError::KeyInvalidated {
            reason: "biometrics changed".into(),
        })
    }
    fn destroy_key(&self) -> Result<(), PlatformError> {
        Ok(())
    }
}

fn http() -> Arc<dyn Transport> {
    Arc::new(Http(UreqTransport::new(Duration::from_secs(10))))
}

fn world_on_system_time() -> World {
    let w = World::new(false);
    w.clock.set(doorstep_core::SystemClock.now());
    w
}

fn enrolled(w: &World, name: &str) -> Arc<DoorstepStore> {
    let p = w.practitioner(name, doorstep_core::domain::Agency::SocialCare);
    let code = doorstep_server::admin::issue_code(w.db.as_ref(), &p, w.now(), 3_600_000).unwrap();
    DoorstepStore::enrol(
        w.dir.join(name).to_string_lossy().into_owned(),
        w.server.url(),
        code,
        http(),
        None,
        Some(Arc::new(Keys)),
        None,
    )
    .unwrap()
}

fn family(s: &DoorstepStore) -> (doorstep_ffi::PersonId, doorstep_ffi::CaseId) {
    let h = s
        .add_household(HouseholdInput {
            address: "1 Ffi Street".into(),
            postcode: None,
            access_notes: None,
        })
        .unwrap();
    let child = s
        .add_person(PersonInput {
            household_id: h,
            role: PersonRole::Child,
            name: "Ffi Child".into(),
            date_of_birth: Some("2022-03-04".into()),
            expected_date: None,
            relationship: None,
        })
        .unwrap();
    s.add_person(PersonInput {
        household_id: h,
        role: PersonRole::ParentCarer,
        name: "Ffi Parent".into(),
        date_of_birth: None,
        expected_date: None,
        relationship: Some("mother".into()),
    })
    .unwrap();
    let case = s
        .open_case(CaseInput {
            child_id: child,
            plan: PlanType::ChildProtection,
            rag: Rag::Red,
            rag_reason: "neglect".into(),
        })
        .unwrap();
    (child, case)
}

fn code(e: DoorstepError) -> String {
    e.code()
}

#[test]
fn a_running_sync_blocks_neither_the_screens_nor_new_notes_and_wipe_waits_for_it() {
    let w = world_on_system_time();
    let s = enrolled(&w, "gated");
    let (_, case) = family(&s);
    let (entered_tx, entered_rx) = channel();
    let (go_tx, go_rx) = channel();
    let gate = Arc::new(Gate {
        inner: Http(UreqTransport::new(Duration::from_secs(10))),
        entered: Mutex::new(Some(entered_tx)),
        go: Mutex::new(go_rx),
        released_by_test: Mutex::new(None),
    });
    let syncing = {
        let s = s.clone();
        let gate: Arc<dyn Transport> = gate.clone();
        std::thread::spawn(move || s.sync(gate, None))
    };
    entered_rx
        .recv_timeout(Duration::from_secs(600))
        .expect("the sync reached the network");
    // The sync is now waiting on the network. The screens must still work.
    assert_eq!(s.caseload().unwrap().len(), 1);
    s.today().unwrap();
    s.child(case).unwrap();
    s.add_note(case, "written while syncing".into(), false)
        .unwrap();
    assert_eq!(code(s.wipe().unwrap_err()), "Busy");
    go_tx.send(()).unwrap();
    let result = syncing.join().unwrap().unwrap();
    assert_eq!(*gate.released_by_test.lock().unwrap(), Some(true));
    // The household, two people, the case, and the note written during the sync with the case's
    // note-chain head: the push takes batches until the queue is empty, so the note went too.
    assert_eq!(result.sent, 6, "{result:?}");
    assert_eq!(result.remaining, 0);
    let status = s.sync_status().unwrap();
    assert!(status.all_sent, "{}", status.summary);
    assert_eq!(s.sync(http(), None).unwrap().sent, 0);
    s.wipe().unwrap();
    assert_eq!(code(s.today().unwrap_err()), "NoStore");
}

#[test]
fn a_background_sync_key_syncs_a_locked_store_and_opens_nothing_else() {
    let w = world_on_system_time();
    let s = enrolled(&w, "background");
    let (_, case) = family(&s);
    s.set_background_key_provider(Arc::new(BackgroundKeys))
        .unwrap();
    assert!(s.unlock_options().unwrap().background_sync);
    s.lock().unwrap();
    // The worker wakes: only sync is possible.
    s.unlock_for_background_sync(Arc::new(BackgroundKeys))
        .unwrap();
    assert!(s.is_locked().unwrap());
    assert_eq!(code(s.today().unwrap_err()), "Locked");
    assert_eq!(code(s.notes(case).unwrap_err()), "Locked");
    assert_eq!(
        code(s.set_key_provider(Arc::new(Keys)).unwrap_err()),
        "Locked"
    );
    let sent = s.sync(http(), None).unwrap();
    assert_eq!(sent.sent, 4);
    s.end_background_sync().unwrap();
    assert_eq!(code(s.today().unwrap_err()), "Locked");
    // The app's own key is not the background key, and the other way round.
    assert_eq!(
        code(s.unlock_for_background_sync(Arc::new(Keys)).unwrap_err()),
        "WrongKey"
    );
    // A practitioner who unlocks during a background sync stays unlocked after it.
    s.unlock_with_key_provider(Arc::new(Keys)).unwrap();
    s.unlock_for_background_sync(Arc::new(BackgroundKeys))
        .unwrap();
    s.end_background_sync().unwrap();
    assert!(!s.is_locked().unwrap());
    s.today().unwrap();
}

struct BackgroundKeys;

impl KeyProvider for BackgroundKeys {
    fn wrap_key(&self, key: Vec<u8>) -> Result<Vec<u8>, PlatformError> {
        Ok(key.iter().map(|b| b ^ 0xa5).collect())
    }
    fn unwrap_key(&self, wrapped: Vec<u8>) -> Result<Vec<u8>, PlatformError> {
        Ok(wrapped.iter().map(|b| b ^ 0xa5).collect())
    }
    fn destroy_key(&self) -> Result<(), PlatformError> {
        Ok(())
    }
}

#[test]
fn an_enrolment_that_would_fail_does_not_spend_the_code() {
    let w = world_on_system_time();
    let p = w.practitioner(
        "Careful Enroller",
        doorstep_core::domain::Agency::SocialCare,
    );
    let code = doorstep_server::admin::issue_code(w.db.as_ref(), &p, w.now(), 3_600_000).unwrap();
    let dir = w.dir.join("careful").to_string_lossy().into_owned();
    let weak = DoorstepStore::enrol(
        dir.clone(),
        w.server.url(),
        code.clone(),
        http(),
        Some("short".into()),
        None,
        None,
    );
    assert_eq!(code_of(weak), "WeakPassphrase");
    let store = DoorstepStore::enrol(
        dir,
        w.server.url(),
        code,
        http(),
        None,
        Some(Arc::new(Keys)),
        None,
    );
    assert!(store.is_ok(), "the code still works");
}

fn code_of<T>(r: Result<T, DoorstepError>) -> String {
    match r {
        Ok(_) => "ok".into(),
        Err(e) => e.code(),
    }
}

#[test]
fn the_visit_form_asks_who_else_was_present_on_a_call_and_refuses_without_it() {
    let dir = tempfile::tempdir().unwrap();
    let s = DoorstepStore::create(
        dir.path().join("s").to_string_lossy().into_owned(),
        doorstep_ffi::PractitionerInput {
            name: "Form Tester".into(),
            agency: doorstep_core::domain::Agency::HealthVisiting,
            team: None,
        },
        Some("correct horse battery staple".into()),
        None,
        None,
    )
    .unwrap();
    let (_, case) = family(&s);
    let visit = s
        .plan_visit(VisitInput {
            case_id: case,
            kind: VisitKind::Virtual,
            planned_for_millis: doorstep_core::SystemClock.now().timestamp_millis(),
            expected_minutes: 30,
            departure_reason: Some("family isolating with covid".into()),
        })
        .unwrap();
    let fresh = s.visit_form(visit, None).unwrap();
    assert_eq!(fresh.prompts[0].key, "child_seen");
    assert_eq!(fresh.prompts[0].input, doorstep_ffi::PromptInput::YesNo);
    // Nothing answered yet about seeing the child: that is the first thing asked for.
    let unanswered = s.visit_form(visit, Some(VisitAnswers::default())).unwrap();
    assert_eq!(unanswered.messages[0].field_key, "child_seen");
    assert!(!unanswered.can_save);
    assert!(fresh.remote && fresh.messages.is_empty() && !fresh.can_save);
    let who = fresh
        .prompts
        .iter()
        .find(|p| p.key == "others_present")
        .unwrap();
    assert!(who.required);
    assert_eq!(fresh.known_adults.len(), 1);
    let mut answers = VisitAnswers {
        child_seen: Some(true),
        ..Default::default()
    };
    let form = s.visit_form(visit, Some(answers.clone())).unwrap();
    assert!(!form.can_save);
    assert_eq!(form.messages[0].field_key, "others_present");
    assert_eq!(form.messages[0].code, "others_present_required");
    let who = form
        .prompts
        .iter()
        .find(|p| p.key == "others_present")
        .unwrap();
    assert_eq!(who.messages[0].code, "others_present_required");
    assert!(form.form_messages.is_empty());
    // A widget writes its answer by key; the wrong shape is refused.
    let by_widget = doorstep_ffi::with_answer(
        answers.clone(),
        "others_present".into(),
        doorstep_ffi::Answer::PeoplePresent {
            known_adult_ids: vec![],
            unknown_adults: 0,
            unknown_descriptions: vec![],
        },
    )
    .unwrap();
    assert!(s.visit_form(visit, Some(by_widget)).unwrap().can_save);
    let wrong = doorstep_ffi::with_answer(
        answers.clone(),
        "others_present".into(),
        doorstep_ffi::Answer::Count { value: 2 },
    );
    assert_eq!(code(wrong.unwrap_err()), "InvalidInput");
    let refused = s.complete_visit(visit, answers.clone()).unwrap_err();
    assert_eq!(code(refused), "ValidationFailed");
    answers.others_present_answered = true;
    answers.known_adults_present = vec![fresh.known_adults[0].person_id];
    answers.unknown_adults = 1;
    answers.unknown_adult_descriptions = vec!["man, said he was a friend".into()];
    assert!(s.visit_form(visit, Some(answers.clone())).unwrap().can_save);
    let saved = s.complete_visit(visit, answers).unwrap();
    assert_eq!(saved.status, doorstep_ffi::VisitStatus::Completed);
}

#[test]
fn a_check_in_gives_the_lone_working_deadlines_and_the_day_shows_the_visit() {
    let dir = tempfile::tempdir().unwrap();
    let s = DoorstepStore::create(
        dir.path().join("s").to_string_lossy().into_owned(),
        doorstep_ffi::PractitionerInput {
            name: "Lone Worker".into(),
            agency: doorstep_core::domain::Agency::SocialCare,
            team: None,
        },
        None,
        Some(Arc::new(Keys)),
        None,
    )
    .unwrap();
    let (_, case) = family(&s);
    let now = doorstep_core::SystemClock.now().timestamp_millis();
    let visit = s
        .plan_visit(VisitInput {
            case_id: case,
            kind: VisitKind::UnannouncedHome,
            planned_for_millis: now,
            expected_minutes: 45,
            departure_reason: None,
        })
        .unwrap();
    let line = s.visit(visit).unwrap();
    assert!(line.unannounced && line.can_check_in && !line.can_check_out);
    let check = s.check_in(visit).unwrap();
    let amber_minutes = (check.amber_at_millis - now) / 60_000;
    assert!((45..=120).contains(&amber_minutes), "{amber_minutes}");
    assert!(check.red_at_millis > check.amber_at_millis);
    assert!(!check.reminder.contains("Ffi"), "the reminder names no one");
    let line = s.visit(visit).unwrap();
    assert!(line.can_check_out && !line.can_check_in);
    // Recording the visit while still in the home does not end lone working.
    s.complete_visit(
        visit,
        VisitAnswers {
            child_seen: Some(true),
            others_present_answered: true,
            ..Default::default()
        },
    )
    .unwrap();
    let line = s.visit(visit).unwrap();
    assert!(line.can_check_out && !line.can_record);
    s.check_out(visit).unwrap();
    assert!(!s.visit(visit).unwrap().can_check_out);
    assert_eq!(code(s.check_out(visit).unwrap_err()), "NotAllowed");
    // Visits that did not happen, each with its own status.
    for (record, status) in [
        (
            DoorstepStore::record_no_access
                as fn(&DoorstepStore, doorstep_ffi::VisitId, String, String) -> _,
            doorstep_ffi::VisitStatus::NoAccess,
        ),
        (
            DoorstepStore::record_declined,
            doorstep_ffi::VisitStatus::Declined,
        ),
        (
            DoorstepStore::cancel_visit,
            doorstep_ffi::VisitStatus::Cancelled,
        ),
    ] {
        let v = s
            .plan_visit(VisitInput {
                case_id: line.case_id,
                kind: VisitKind::AnnouncedHome,
                planned_for_millis: now,
                expected_minutes: 30,
                departure_reason: None,
            })
            .unwrap();
        let saved = record(&s, v, "no answer".into(), "call tomorrow".into()).unwrap();
        assert_eq!(saved.status, status);
    }
}

#[test]
fn bad_input_locked_stores_and_failing_key_stores_are_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s").to_string_lossy().into_owned();
    let s = DoorstepStore::create(
        path.clone(),
        doorstep_ffi::PractitionerInput {
            name: "Error Tester".into(),
            agency: doorstep_core::domain::Agency::HealthVisiting,
            team: None,
        },
        None,
        Some(Arc::new(Keys)),
        None,
    )
    .unwrap();
    let (_, case) = family(&s);
    // (Text that is not an id is refused as the id crosses the boundary: `bindings/src/ids.rs`
    // and the Kotlin `IdsTest`.)
    let long = "x".repeat(60_000);
    let e = s.add_note(case, long, false).unwrap_err();
    assert_eq!(code(e), "InvalidInput");
    let e = s
        .plan_visit(VisitInput {
            case_id: case,
            kind: VisitKind::AnnouncedHome,
            planned_for_millis: i64::MAX,
            expected_minutes: 30,
            departure_reason: None,
        })
        .unwrap_err();
    assert_eq!(code(e), "InvalidInput");
    s.lock().unwrap();
    assert_eq!(code(s.today().unwrap_err()), "Locked");
    assert_eq!(
        code(
            s.unlock_with_passphrase("no passphrase slot here".into())
                .unwrap_err()
        ),
        "UnlockMethodNotSet"
    );
    let e = s
        .unlock_with_key_provider(Arc::new(BrokenKeys))
        .unwrap_err();
    assert_eq!(code(e), "KeyInvalidated");
    let options = s.unlock_options().unwrap();
    assert!(options.key_provider && !options.passphrase);
    s.unlock_with_key_provider(Arc::new(Keys)).unwrap();
    assert_eq!(s.notes(case).unwrap().len(), 0);
    drop(s);
    let reopened = DoorstepStore::open(path, None).unwrap();
    assert!(reopened.is_locked().unwrap());
    assert_eq!(
        code(
            DoorstepStore::open(dir.path().join("none").to_string_lossy().into_owned(), None)
                .err()
                .unwrap()
        ),
        "NoStore"
    );
}
