//! A writer for the kill -9 durability test: opens (or creates) a store unlocked by a software key
//! provider whose key is given in hex in `DOORSTEP_TEST_KEY`, then performs user actions forever,
//! printing `READY` once it has loaded the store, then `ACK <n> <kind> <id>` and flushing after
//! each core call has returned. The test kills it
//! with SIGKILL at random moments and checks that every acknowledged action survived whole.
//!
//! A `draft` action saves a visit's answers so far (`ACK <n> draft <visit id>:<token>`).
//!
//! Usage: `durability_writer <store dir>`; `DOORSTEP_TEST_SEED` seeds the choice of actions.

use chrono::{Duration, NaiveDate, Utc};
use doorstep_core::crypto::SoftwareKeyProvider;
use doorstep_core::domain::{
    CaseId, NewCase, NewHousehold, NewPerson, NewVisit, NoteId, PersonId, PersonRole, PlanType,
    Rag, UnsuccessfulVisit, VisitId, VisitKind, VisitOutcome,
};
use doorstep_core::view::VisitAnswers;
use doorstep_core::{Store, StoreError, SystemClock, UnlockMethods};
use doorstep_tests::durability::{concern_for, draft_text, KEY_ENV};
use doorstep_tests::{hexkey, rng::Rng};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What the writer knows of the store: enough to pick the next action.
#[derive(Default)]
struct State {
    households: Vec<doorstep_core::domain::HouseholdId>,
    children_without_case: Vec<PersonId>,
    cases: Vec<CaseId>,
    open_visits: Vec<VisitId>,
    originals: Vec<NoteId>,
}

fn load(s: &Store) -> Result<State, StoreError> {
    let mut st = State::default();
    let cases = s.cases()?;
    let with_case: std::collections::HashSet<PersonId> = cases.iter().map(|c| c.child_id).collect();
    for h in s.households()? {
        st.households.push(h.id);
        for p in s.people(h.id)? {
            if p.role.is_child() && !with_case.contains(&p.id) {
                st.children_without_case.push(p.id);
            }
        }
    }
    for c in cases {
        st.cases.push(c.id);
        for v in s.visits_for_case(c.id)? {
            if v.status.is_open() {
                st.open_visits.push(v.id);
            }
        }
        for t in s.notes(c.id)? {
            st.originals.push(t.original.id);
        }
    }
    Ok(st)
}

fn open_or_create(dir: &Path, key: [u8; 32]) -> Result<Store, StoreError> {
    let provider = Arc::new(SoftwareKeyProvider::from_bytes(key));
    if doorstep_core::store::exists(dir) {
        let s = Store::open(dir, Arc::new(SystemClock))?;
        s.unlock_with_provider(provider)?;
        return Ok(s);
    }
    // A store whose creation was interrupted has no keyring; `create` replaces it.
    Store::create(
        dir,
        UnlockMethods {
            passphrase: None,
            provider: Some(provider),
        },
        doorstep_tests::stores::practitioner("Durability Writer", None),
        Arc::new(SystemClock),
    )
}

fn run() -> Result<(), String> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .ok_or("usage: durability_writer <dir>")?,
    );
    let key = std::env::var(KEY_ENV)
        .ok()
        .and_then(|k| hexkey::decode32(&k))
        .ok_or("DOORSTEP_TEST_KEY must hold 64 hex digits")?;
    let mut rng = Rng::new(Rng::seed_from_env_or_time());
    let s = open_or_create(&dir, key).map_err(|e| format!("open: {e}"))?;
    let mut st = load(&s).map_err(|e| format!("load: {e}"))?;
    let out = std::io::stdout();
    {
        let mut lock = out.lock();
        writeln!(lock, "READY").map_err(|e| e.to_string())?;
        lock.flush().map_err(|e| e.to_string())?;
    }
    let mut n = 0u64;
    let dob = NaiveDate::from_ymd_opt(2022, 5, 1).ok_or("date")?;
    loop {
        let roll = rng.index(100);
        let (kind, id) = if st.households.is_empty() || roll < 6 {
            let h = s.add_household(NewHousehold {
                address: format!("{n} Writer Street"),
                postcode: None,
                access_notes: None,
            });
            let h = h.map_err(|e| format!("household: {e}"))?;
            st.households.push(h.id);
            ("household", h.id.to_string())
        } else if st.cases.is_empty() && st.children_without_case.is_empty() || roll < 14 {
            let hid = st.households[rng.index(st.households.len())];
            let p = s
                .add_person(NewPerson {
                    household_id: hid,
                    role: PersonRole::Child,
                    name: format!("Child {n}"),
                    date_of_birth: Some(dob),
                    expected_date: None,
                    relationship: None,
                })
                .map_err(|e| format!("person: {e}"))?;
            st.children_without_case.push(p.id);
            ("person", p.id.to_string())
        } else if st.cases.is_empty() || (roll < 22 && !st.children_without_case.is_empty()) {
            let Some(child) = st.children_without_case.pop() else {
                continue;
            };
            let c = s
                .open_case(NewCase {
                    child_id: child,
                    plan: PlanType::ChildInNeed,
                    rag: Rag::Amber,
                    rag_reason: format!("reason {n}"),
                    allocated_to: None,
                })
                .map_err(|e| format!("case: {e}"))?;
            st.cases.push(c.id);
            ("case", c.id.to_string())
        } else if st.open_visits.is_empty() || roll < 40 {
            let cid = st.cases[rng.index(st.cases.len())];
            let v = s
                .plan_visit(NewVisit {
                    case_id: cid,
                    kind: VisitKind::AnnouncedHome,
                    planned_for: Utc::now() + Duration::minutes(rng.range(0, 20_000) as i64),
                    expected_minutes: 30,
                    departure_reason: None,
                })
                .map_err(|e| format!("plan: {e}"))?;
            st.open_visits.push(v.id);
            ("plan", v.id.to_string())
        } else if roll < 55 {
            let vid = st.open_visits.swap_remove(rng.index(st.open_visits.len()));
            s.complete_visit(
                vid,
                VisitOutcome {
                    child_seen: true,
                    child_seen_alone: true,
                    child_spoken_to_alone: true,
                    sleeping_area_seen: true,
                    concerns: vec![concern_for(vid)],
                    ..Default::default()
                },
            )
            .map_err(|e| format!("complete: {e}"))?;
            ("complete", vid.to_string())
        } else if roll < 68 {
            let vid = st.open_visits.swap_remove(rng.index(st.open_visits.len()));
            s.record_no_access(
                vid,
                UnsuccessfulVisit {
                    reason: format!("no answer {n}"),
                    follow_up_action: "call tomorrow".into(),
                },
            )
            .map_err(|e| format!("no access: {e}"))?;
            ("noaccess", vid.to_string())
        } else if roll < 76 {
            // A visit being recorded: its answers saved as they are typed, each draft marked with
            // a token the test finds again after the kill.
            let vid = st.open_visits[rng.index(st.open_visits.len())];
            let token = rng.range(0, u32::MAX as u64);
            let answers = VisitAnswers {
                child_seen: Some(true),
                concerns: vec![draft_text(vid, token)],
                ..Default::default()
            };
            s.save_draft(vid, &answers)
                .map_err(|e| format!("draft: {e}"))?;
            ("draft", format!("{vid}:{token}"))
        } else if st.originals.is_empty() || roll < 88 {
            let cid = st.cases[rng.index(st.cases.len())];
            let note = s
                .add_note(cid, &format!("note {n}"), rng.index(3) == 0)
                .map_err(|e| format!("note: {e}"))?;
            st.originals.push(note.id);
            ("note", note.id.to_string())
        } else {
            let original = st.originals[rng.index(st.originals.len())];
            let a = s
                .amend_note(original, &format!("amendment {n}"), None)
                .map_err(|e| format!("amend: {e}"))?;
            ("amend", a.id.to_string())
        };
        let mut lock = out.lock();
        writeln!(lock, "ACK {n} {kind} {id}").map_err(|e| e.to_string())?;
        lock.flush().map_err(|e| e.to_string())?;
        n += 1;
    }
}

fn main() {
    if let Err(e) = run() {
        eprintln!("durability_writer: {e}");
        std::process::exit(1);
    }
}
