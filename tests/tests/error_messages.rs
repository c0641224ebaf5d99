//! Errors carry nothing identifying: every error the core can be driven to, with marker strings in
//! the input (names, addresses, notes, passphrases, the directory), is checked for those markers
//! in both its `Display` and its `Debug` text.

use doorstep_core::crypto::{Passphrase, SoftwareKeyProvider};
use doorstep_core::domain::{
    HouseholdId, InputError, NewCase, NewHousehold, NewPerson, NewVisit, OthersPresent, PersonId,
    PersonRole, PlanType, Rag, UnsuccessfulVisit, VisitKind, VisitOutcome,
};
use doorstep_core::{Store, StoreError, UnlockMethods};
use doorstep_tests::rng::Rng;
use doorstep_tests::sample::{self, Markers};
use doorstep_tests::stores;
use std::sync::Arc;

/// Collects errors and the markers that must not appear in them.
struct Checker {
    markers: Vec<String>,
    checked: Vec<&'static str>,
}

impl Checker {
    fn new(m: &Markers, extra: &[&str]) -> Self {
        let mut markers: Vec<String> = m.all().iter().map(|(_, v)| v.clone()).collect();
        // The random part alone, too.
        markers.extend(m.all().iter().map(|(_, v)| v[4..].to_string()));
        markers.extend(extra.iter().map(|s| s.to_string()));
        Self {
            markers,
            checked: Vec::new(),
        }
    }

    /// Asserts `r` is an error matching `expected` whose texts hold no marker.
    fn check<T: std::fmt::Debug>(
        &mut self,
        what: &'static str,
        r: Result<T, StoreError>,
        expected: impl Fn(&StoreError) -> bool,
    ) {
        let e = match r {
            Err(e) => e,
            Ok(v) => panic!("{what}: expected an error, got Ok({v:?})"),
        };
        assert!(expected(&e), "{what}: unexpected error {e:?}");
        if let Some(t) = self.leak(&e) {
            panic!("{what}: error text {t:?} contains a marker");
        }
        self.checked.push(what);
    }

    /// The Display or Debug text of `e` that contains a marker, if any.
    fn leak(&self, e: &StoreError) -> Option<String> {
        [e.to_string(), format!("{e:?}"), format!("{e:#?}")]
            .into_iter()
            .find(|t| {
                let lower = t.to_lowercase();
                self.markers
                    .iter()
                    .any(|m| lower.contains(&m.to_lowercase()))
            })
    }
}

fn long(marker: &str, chars: usize) -> String {
    marker.repeat(chars / marker.len() + 1)
}

#[test]
fn no_error_quotes_what_was_typed() {
    let mut rng = Rng::new(Rng::seed_from_env_or_time());
    let m = Markers::new(&mut rng);
    let secret = format!("Zqsecret{:08x}phrase", rng.next_u64() as u32);
    let short_secret = format!("Zq{:06x}", rng.next_u64() as u32 & 0xff_ffff);
    let tmp = tempfile::tempdir().unwrap();
    let dir_marker = format!("Zqdir{:08x}", rng.next_u64() as u32);
    let dir = tmp
        .path()
        .join(format!("{dir_marker} {}", m.get("child name")));
    let mut c = Checker::new(&m, &[&secret, &short_secret, &dir_marker]);
    let is_input = |e: &StoreError| matches!(e, StoreError::Input(_));
    let too_long = |e: &StoreError| matches!(e, StoreError::Input(InputError::TooLong { .. }));
    let validation = |e: &StoreError| matches!(e, StoreError::Validation(_));

    // Creating.
    let pass = |s: &str| Passphrase::new(s.to_string());
    let methods = |p: &str| UnlockMethods {
        passphrase: Some(pass(p)),
        provider: None,
    };
    c.check(
        "weak passphrase",
        Store::create(
            &dir,
            methods(&short_secret),
            m.practitioner(),
            stores::clock(),
        ),
        |e| matches!(e, StoreError::WeakPassphrase { .. }),
    );
    c.check(
        "practitioner name too long",
        Store::create(
            &dir,
            methods(&secret),
            stores::practitioner(&long(&m.get("practitioner name"), 250), None),
            stores::clock(),
        ),
        too_long,
    );
    c.check(
        "team too long",
        Store::create(
            &dir,
            methods(&secret),
            stores::practitioner("A Name", Some(&long(&m.get("practitioner team"), 250))),
            stores::clock(),
        ),
        too_long,
    );
    c.check(
        "name with NUL",
        Store::create(
            &dir,
            methods(&secret),
            stores::practitioner(&format!("{}\0", m.get("practitioner name")), None),
            stores::clock(),
        ),
        |e| matches!(e, StoreError::Input(InputError::Invalid { .. })),
    );
    c.check(
        "no unlock method",
        Store::create(
            &dir,
            UnlockMethods::default(),
            m.practitioner(),
            stores::clock(),
        ),
        |e| matches!(e, StoreError::InvalidState(_)),
    );
    c.check("no store yet", Store::open(&dir, stores::clock()), |e| {
        matches!(e, StoreError::NoStore)
    });

    let s = Store::create(&dir, methods(&secret), m.practitioner(), stores::clock()).unwrap();
    let x = sample::populate(&s, &m).unwrap();
    c.check(
        "already exists",
        Store::create(&dir, methods(&secret), m.practitioner(), stores::clock()),
        |e| matches!(e, StoreError::AlreadyExists),
    );

    // Households and people.
    c.check(
        "address too long",
        s.add_household(NewHousehold {
            address: long(&m.get("address"), 500),
            ..Default::default()
        }),
        too_long,
    );
    c.check(
        "postcode too long",
        s.add_household(NewHousehold {
            address: m.get("address"),
            postcode: Some(long(&m.get("postcode"), 20)),
            ..Default::default()
        }),
        too_long,
    );
    c.check(
        "access notes too long",
        s.add_household(NewHousehold {
            address: m.get("address"),
            access_notes: Some(long(&m.get("access notes"), 50_001)),
            ..Default::default()
        }),
        too_long,
    );
    c.check(
        "address blank",
        s.add_household(NewHousehold {
            address: "   ".into(),
            postcode: Some(m.get("postcode")),
            access_notes: Some(m.get("access notes")),
        }),
        |e| matches!(e, StoreError::Input(InputError::Required { .. })),
    );
    let person = |role, name: String, dob, exp, rel: Option<String>| NewPerson {
        household_id: x.household,
        role,
        name,
        date_of_birth: dob,
        expected_date: exp,
        relationship: rel,
    };
    c.check(
        "person name too long",
        s.add_person(person(
            PersonRole::ParentCarer,
            long(&m.get("mother name"), 300),
            None,
            None,
            None,
        )),
        too_long,
    );
    c.check(
        "relationship too long",
        s.add_person(person(
            PersonRole::KnownAdult,
            m.get("partner name"),
            None,
            None,
            Some(long(&m.get("partner relationship"), 300)),
        )),
        too_long,
    );
    c.check(
        "child without date of birth",
        s.add_person(person(
            PersonRole::Child,
            m.get("child name"),
            None,
            None,
            None,
        )),
        is_input,
    );
    c.check(
        "unborn with a date of birth",
        s.add_person(person(
            PersonRole::Unborn,
            m.get("unborn name"),
            Some(sample::child_dob()),
            Some(sample::expected_date()),
            None,
        )),
        is_input,
    );
    c.check(
        "date of birth in the future",
        s.add_person(person(
            PersonRole::Child,
            m.get("child name"),
            Some(sample::expected_date()),
            None,
            None,
        )),
        is_input,
    );
    c.check(
        "person in a missing household",
        s.add_person(NewPerson {
            household_id: HouseholdId::random(),
            ..person(
                PersonRole::ParentCarer,
                m.get("mother name"),
                None,
                None,
                None,
            )
        }),
        |e| matches!(e, StoreError::NotFound { .. }),
    );
    c.check("missing person", s.person(PersonId::random()), |e| {
        matches!(e, StoreError::NotFound { .. })
    });

    // Cases.
    c.check(
        "RAG reason too long",
        s.open_case(NewCase {
            child_id: x.child,
            plan: PlanType::ChildInNeed,
            rag: Rag::Red,
            rag_reason: long(&m.get("rag reason open"), 50_001),
            allocated_to: None,
        }),
        too_long,
    );
    c.check(
        "case for an adult",
        s.open_case(NewCase {
            child_id: x.people[2],
            plan: PlanType::ChildInNeed,
            rag: Rag::Red,
            rag_reason: m.get("rag reason open"),
            allocated_to: None,
        }),
        |e| matches!(e, StoreError::InvalidState(_)),
    );
    c.check(
        "RAG change reason too long",
        s.set_rag(
            x.cases[0],
            Rag::Green,
            &long(&m.get("rag reason change"), 50_001),
        ),
        too_long,
    );
    c.check(
        "RAG change without reason",
        s.set_rag(x.cases[0], Rag::Green, " "),
        is_input,
    );

    // Visits.
    c.check(
        "visit of zero minutes",
        s.plan_visit(NewVisit {
            case_id: x.cases[0],
            kind: VisitKind::Virtual,
            planned_for: sample::visit_times()[0],
            expected_minutes: 0,
            departure_reason: None,
        }),
        is_input,
    );
    c.check(
        "virtual visit for a child who must be seen face to face, without a reason",
        s.plan_visit(NewVisit {
            case_id: x.cases[0],
            kind: VisitKind::Virtual,
            planned_for: sample::visit_times()[0],
            expected_minutes: 30,
            departure_reason: None,
        }),
        |e| matches!(e, StoreError::Validation(_)),
    );
    let v = s
        .plan_visit(NewVisit {
            case_id: x.cases[0],
            kind: VisitKind::Virtual,
            planned_for: sample::visit_times()[0],
            expected_minutes: 30,
            departure_reason: Some(m.get("departure reason")),
        })
        .unwrap();
    c.check(
        "outcome with long texts and missing answers",
        s.complete_visit(
            v.id,
            VisitOutcome {
                child_seen: false,
                child_seen_alone: true,
                not_alone_reason: Some(long(&m.get("not alone reason"), 50_001)),
                injuries_observed: Some(long(&m.get("injuries"), 50_001)),
                concerns: vec![long(&m.get("concern"), 50_001)],
                actions_agreed: vec![long(&m.get("action"), 50_001)],
                others_present: Some(OthersPresent {
                    known_adults: vec![PersonId::random()],
                    unknown_adults: 1,
                    unknown_descriptions: vec![long(&m.get("unknown adult"), 300)],
                }),
                ..Default::default()
            },
        ),
        validation,
    );
    c.check(
        "virtual outcome without who was present",
        s.complete_visit(
            v.id,
            VisitOutcome {
                child_seen: true,
                concerns: vec![m.get("concern")],
                child_spoken_to_alone: true,
                adults_present_when_spoken_to: 1,
                ..Default::default()
            },
        ),
        validation,
    );
    c.check(
        "no access without a reason",
        s.record_no_access(
            v.id,
            UnsuccessfulVisit {
                reason: " ".into(),
                follow_up_action: long(&m.get("no access follow-up"), 50_001),
            },
        ),
        validation,
    );
    c.check(
        "declined with a long reason",
        s.record_declined(
            v.id,
            UnsuccessfulVisit {
                reason: long(&m.get("declined reason"), 50_001),
                follow_up_action: m.get("declined follow-up"),
            },
        ),
        validation,
    );
    c.check(
        "completing a recorded visit",
        s.complete_visit(
            x.visits[1],
            VisitOutcome {
                child_seen: true,
                concerns: vec![m.get("concern")],
                others_present: Some(OthersPresent::default()),
                ..Default::default()
            },
        ),
        |e| matches!(e, StoreError::InvalidState(_)),
    );

    // Notes.
    c.check(
        "note too long",
        s.add_note(x.cases[0], &long(&m.get("note text"), 50_001), true),
        too_long,
    );
    c.check("empty note", s.add_note(x.cases[0], " \n ", true), is_input);
    c.check(
        "amendment too long",
        s.amend_note(x.notes[0], &long(&m.get("amendment text"), 50_001), None),
        too_long,
    );
    c.check(
        "amending an amendment",
        s.amend_note(x.notes[2], &m.get("amendment text"), None),
        |e| matches!(e, StoreError::InvalidState(_)),
    );

    // Keys.
    c.check(
        "change to a weak passphrase",
        s.change_passphrase(&pass(&secret), &pass(&short_secret)),
        |e| matches!(e, StoreError::WeakPassphrase { .. }),
    );
    c.check(
        "change from a wrong passphrase",
        s.change_passphrase(&pass(&format!("{secret}x")), &pass(&secret)),
        |e| matches!(e, StoreError::WrongPassphrase),
    );
    s.lock();
    c.check("locked", s.notes(x.cases[0]), |e| {
        matches!(e, StoreError::Locked)
    });
    c.check(
        "wrong passphrase",
        s.unlock_with_passphrase(&pass(&format!("{secret}!"))),
        |e| matches!(e, StoreError::WrongPassphrase),
    );
    c.check(
        "no provider slot",
        s.unlock_with_provider(Arc::new(SoftwareKeyProvider::from_bytes([1; 32]))),
        |e| !matches!(e, StoreError::Locked),
    );
    s.unlock_with_passphrase(&pass(&secret)).unwrap();
    drop(s);

    // Tampered: the note carrying a marker.
    let conn = stores::raw_db(&dir);
    conn.execute_batch("DROP TRIGGER notes_are_append_only_update;")
        .unwrap();
    let id = x.notes[0].bytes();
    let mut body: Vec<u8> = conn
        .query_row("SELECT body FROM records WHERE id = ?1", [&id[..]], |r| {
            r.get(0)
        })
        .unwrap();
    let last = body.len() - 1;
    body[last] ^= 1;
    conn.execute(
        "UPDATE records SET body = ?1 WHERE id = ?2",
        rusqlite::params![body, &id[..]],
    )
    .unwrap();
    drop(conn);
    let s = stores::open_with_passphrase(&dir, &secret).unwrap();
    c.check("tampered note", s.notes(x.cases[0]), |e| {
        matches!(e, StoreError::Tampered { .. })
    });
    c.check(
        "amending a tampered note",
        s.amend_note(x.notes[0], &m.get("amendment text"), None),
        |e| matches!(e, StoreError::Tampered { .. }),
    );
    drop(s);

    // Damaged and foreign files.
    let other = tmp.path().join(format!("{dir_marker} other"));
    drop(stores::create_with_key(&other, [8; 32], m.practitioner()).unwrap());
    let mismatched = tmp.path().join(format!("{dir_marker} mismatched"));
    stores::copy_dir(&dir, &mismatched).unwrap();
    std::fs::copy(other.join("keyring.json"), mismatched.join("keyring.json")).unwrap();
    c.check(
        "store mismatch",
        Store::open(&mismatched, stores::clock()),
        |e| matches!(e, StoreError::StoreMismatch),
    );
    let s = Store::open(&other, stores::clock()).unwrap();
    c.check(
        "wrong provider key",
        s.unlock_with_provider(stores::provider([9; 32])),
        |e| matches!(e, StoreError::KeyProvider(_)),
    );
    drop(s);
    // A canary that no longer opens: the key is not this store's.
    let ring = std::fs::read_to_string(other.join("keyring.json")).unwrap();
    let at = ring.find("\"canary\": \"").unwrap() + "\"canary\": \"".len();
    let flipped = if &ring[at..at + 1] == "0" { "1" } else { "0" };
    let bad = format!("{}{flipped}{}", &ring[..at], &ring[at + 1..]);
    std::fs::write(other.join("keyring.json"), bad).unwrap();
    let s = Store::open(&other, stores::clock()).unwrap();
    c.check(
        "wrong key",
        s.unlock_with_provider(stores::provider([8; 32])),
        |e| matches!(e, StoreError::WrongKey),
    );
    drop(s);
    std::fs::write(other.join("keyring.json"), m.get("note text")).unwrap();
    c.check(
        "corrupt keyring",
        Store::open(&other, stores::clock()),
        |e| matches!(e, StoreError::Corrupt { .. }),
    );
    let newer = tmp.path().join(format!("{dir_marker} newer"));
    stores::copy_dir(&dir, &newer).unwrap();
    stores::raw_db(&newer)
        .pragma_update(None, "user_version", 7)
        .unwrap();
    c.check(
        "schema too new",
        Store::open(&newer, stores::clock()),
        |e| matches!(e, StoreError::SchemaTooNew { .. }),
    );
    let damaged = tmp.path().join(format!("{dir_marker} damaged"));
    stores::copy_dir(&dir, &damaged).unwrap();
    std::fs::write(damaged.join("doorstep.db"), long(&m.get("address"), 9000)).unwrap();
    c.check(
        "corrupt database",
        Store::open(&damaged, stores::clock()),
        |e| matches!(e, StoreError::Corrupt { .. }),
    );
    std::fs::remove_file(damaged.join("doorstep.db")).unwrap();
    std::fs::create_dir(damaged.join("doorstep.db")).unwrap();
    c.check(
        "database is a directory",
        Store::open(&damaged, stores::clock()),
        |e| {
            matches!(
                e,
                StoreError::NoStore | StoreError::Io(_) | StoreError::Corrupt { .. }
            )
        },
    );

    eprintln!("{} errors checked: {:?}", c.checked.len(), c.checked);
    assert!(c.checked.len() >= 40);
}

#[test]
fn the_checker_finds_a_marker_in_an_error() {
    // The check itself can fail: an error that quotes its input is caught.
    let m = Markers::new(&mut Rng::new(3));
    let c = Checker::new(&m, &["Zqsecret"]);
    let leaky = StoreError::Corrupt {
        detail: format!("bad row for {}", m.get("child name").to_uppercase()),
    };
    assert!(c.leak(&leaky).is_some());
    assert!(c
        .leak(&StoreError::KeyProvider("zqSECRET".into()))
        .is_some());
    assert!(c.leak(&StoreError::Locked).is_none());
}
