//! Keys and unlocking, against stores on disk: wrong and weak passphrases, keyrings from another
//! store, passphrase changes that leave the records untouched, lock, wipe and key providers.

use doorstep_core::crypto::{Passphrase, SoftwareKeyProvider};
use doorstep_core::{Store, StoreError, UnlockMethods};
use doorstep_tests::rng::Rng;
use doorstep_tests::sample::{self, Markers};
use doorstep_tests::stores;
use std::path::Path;
use std::sync::Arc;

const PASS: &str = "first passphrase 4 tests";
const NEW_PASS: &str = "second passphrase 4 tests";

fn pass(s: &str) -> Passphrase {
    Passphrase::new(s.to_string())
}

fn markers() -> Markers {
    Markers::new(&mut Rng::new(Rng::seed_from_env_or_time()))
}

fn catch<T>(f: impl FnOnce() -> T) -> T {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(v) => v,
        Err(_) => panic!("the core panicked"),
    }
}

fn file_bytes(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap()
}

#[test]
fn wrong_passphrase_is_wrong_passphrase_and_right_one_opens() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    let m = markers();
    let s = stores::create_with_passphrase(&dir, PASS, m.practitioner()).unwrap();
    let sample = sample::populate(&s, &m).unwrap();
    drop(s);
    let s = Store::open(&dir, stores::clock()).unwrap();
    assert!(s.is_locked());
    let e = s
        .unlock_with_passphrase(&pass("not the passphrase at all"))
        .unwrap_err();
    assert!(matches!(e, StoreError::WrongPassphrase), "{e:?}");
    assert!(s.is_locked());
    assert!(matches!(s.households(), Err(StoreError::Locked)));
    // A passphrase that differs only in case is wrong too.
    let e = s
        .unlock_with_passphrase(&pass(&PASS.to_uppercase()))
        .unwrap_err();
    assert!(matches!(e, StoreError::WrongPassphrase), "{e:?}");
    s.unlock_with_passphrase(&pass(PASS)).unwrap();
    assert_eq!(s.household(sample.household).unwrap().id, sample.household);
    assert_eq!(s.unlock_methods(), (true, false));
}

#[test]
fn short_passphrases_are_refused_when_creating_and_changing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    let e = stores::create_with_passphrase(&dir, "short1234", stores::practitioner("A B", None))
        .unwrap_err();
    assert!(matches!(e, StoreError::WeakPassphrase { min: 10 }), "{e:?}");
    assert!(!doorstep_core::store::exists(&dir), "nothing was created");
    // Ten characters, counted as characters not bytes: nine multi-byte letters are too few.
    let e = stores::create_with_passphrase(&dir, "ééééééééé", stores::practitioner("A B", None))
        .unwrap_err();
    assert!(matches!(e, StoreError::WeakPassphrase { .. }), "{e:?}");

    let s = stores::create_with_passphrase(&dir, PASS, stores::practitioner("A B", None)).unwrap();
    let before = file_bytes(&dir.join("keyring.json"));
    let e = s.change_passphrase(&pass(PASS), &pass("tiny")).unwrap_err();
    assert!(matches!(e, StoreError::WeakPassphrase { .. }), "{e:?}");
    assert_eq!(before, file_bytes(&dir.join("keyring.json")));
    // A wrong old passphrase changes nothing either.
    let e = s
        .change_passphrase(&pass("wrong old passphrase"), &pass(NEW_PASS))
        .unwrap_err();
    assert!(matches!(e, StoreError::WrongPassphrase), "{e:?}");
    assert_eq!(before, file_bytes(&dir.join("keyring.json")));
}

#[test]
fn change_passphrase_rewraps_the_key_and_leaves_the_database_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    let m = markers();
    let s = stores::create_with_passphrase(&dir, PASS, m.practitioner()).unwrap();
    let sample = sample::populate(&s, &m).unwrap();
    stores::checkpoint(&dir);
    let db_before = file_bytes(&dir.join("doorstep.db"));
    let ring_before = file_bytes(&dir.join("keyring.json"));

    s.change_passphrase(&pass(PASS), &pass(NEW_PASS)).unwrap();
    stores::checkpoint(&dir);
    assert!(
        db_before == file_bytes(&dir.join("doorstep.db")),
        "changing the passphrase rewrote the database"
    );
    assert_ne!(ring_before, file_bytes(&dir.join("keyring.json")));
    assert!(!dir.join("keyring.json.tmp").exists());
    // Still unlocked, still readable.
    assert_eq!(s.notes(sample.cases[0]).unwrap().len(), 3);
    drop(s);

    let s = Store::open(&dir, stores::clock()).unwrap();
    let e = s.unlock_with_passphrase(&pass(PASS)).unwrap_err();
    assert!(matches!(e, StoreError::WrongPassphrase), "{e:?}");
    s.unlock_with_passphrase(&pass(NEW_PASS)).unwrap();
    assert!(s.verify().unwrap().is_ok());
    assert_eq!(s.visits_for_case(sample.cases[0]).unwrap().len(), 5);
}

#[test]
fn a_keyring_copied_from_another_store_never_opens_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let key = [3u8; 32];
    // Same provider key on both stores: only the store binding can tell them apart.
    let sa = stores::create_with_key(&a, key, stores::practitioner("A A", None)).unwrap();
    let sb = stores::create_with_key(&b, key, stores::practitioner("B B", None)).unwrap();
    let m = markers();
    sample::populate(&sa, &m).unwrap();
    drop((sa, sb));

    // Plain copy: the keyring's store id does not match the database's.
    let victim = tmp.path().join("victim");
    stores::copy_dir(&a, &victim).unwrap();
    std::fs::copy(b.join("keyring.json"), victim.join("keyring.json")).unwrap();
    let e = catch(|| Store::open(&victim, stores::clock())).unwrap_err();
    assert!(matches!(e, StoreError::StoreMismatch), "{e:?}");

    // The copy edited to claim the victim's store id: the canary (bound to the store id) fails.
    let ring_a: serde_like::Ring = serde_like::read(&a.join("keyring.json"));
    let mut text = std::fs::read_to_string(b.join("keyring.json")).unwrap();
    let ring_b: serde_like::Ring = serde_like::read(&b.join("keyring.json"));
    text = text.replace(&ring_b.store_id, &ring_a.store_id);
    std::fs::write(victim.join("keyring.json"), text).unwrap();
    let s = catch(|| Store::open(&victim, stores::clock())).unwrap();
    let e = catch(|| s.unlock_with_provider(stores::provider(key))).unwrap_err();
    assert!(
        matches!(e, StoreError::WrongKey | StoreError::StoreMismatch),
        "{e:?}"
    );
    assert!(matches!(s.households(), Err(StoreError::Locked)));
}

#[test]
fn a_passphrase_keyring_from_another_store_gives_no_access() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    // The same passphrase on both stores.
    drop(stores::create_with_passphrase(&a, PASS, stores::practitioner("A A", None)).unwrap());
    drop(stores::create_with_passphrase(&b, PASS, stores::practitioner("B B", None)).unwrap());
    let ring_a = serde_like::read(&a.join("keyring.json"));
    let ring_b = serde_like::read(&b.join("keyring.json"));
    let text = std::fs::read_to_string(b.join("keyring.json"))
        .unwrap()
        .replace(&ring_b.store_id, &ring_a.store_id);
    std::fs::write(a.join("keyring.json"), text).unwrap();
    let s = catch(|| Store::open(&a, stores::clock())).unwrap();
    let e = catch(|| s.unlock_with_passphrase(&pass(PASS))).unwrap_err();
    assert!(
        matches!(e, StoreError::WrongKey | StoreError::WrongPassphrase),
        "{e:?}"
    );
    assert!(s.is_locked());
}

#[test]
fn lock_forgets_the_keys_for_every_read_and_write() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    let key = [9u8; 32];
    let m = markers();
    let s = stores::create_with_key(&dir, key, m.practitioner()).unwrap();
    let x = sample::populate(&s, &m).unwrap();
    s.lock();
    assert!(s.is_locked());
    let locked = |r: Result<(), StoreError>| assert!(matches!(r, Err(StoreError::Locked)), "{r:?}");
    locked(s.practitioner().map(drop));
    locked(s.households().map(drop));
    locked(s.household(x.household).map(drop));
    locked(s.people(x.household).map(drop));
    locked(s.person(x.child).map(drop));
    locked(s.cases().map(drop));
    locked(s.case(x.cases[0]).map(drop));
    locked(s.visit(x.visits[0]).map(drop));
    locked(s.visits_for_case(x.cases[0]).map(drop));
    locked(s.notes(x.cases[0]).map(drop));
    locked(s.today().map(drop));
    locked(s.day_list(sample::visit_times()[0].date_naive()).map(drop));
    locked(
        s.chronology(x.child, &doorstep_core::domain::ChronologyFilter::default())
            .map(drop),
    );
    locked(s.verify().map(drop));
    locked(s.add_note(x.cases[0], "while locked", false).map(drop));
    locked(
        s.add_household(doorstep_core::domain::NewHousehold {
            address: "1 Locked Road".into(),
            ..Default::default()
        })
        .map(drop),
    );
    locked(s.set_key_provider(stores::provider([1; 32])).map(drop));
    // Nothing was written while locked.
    s.unlock_with_provider(stores::provider(key)).unwrap();
    assert_eq!(s.households().unwrap().len(), 1);
    assert_eq!(s.notes(x.cases[0]).unwrap().len(), 3);
    assert!(s.verify().unwrap().is_ok());
}

#[test]
fn wipe_removes_every_file_and_a_prior_copy_is_useless_without_the_keyring() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    let key = [5u8; 32];
    let m = markers();
    let s = stores::create_with_key(&dir, key, m.practitioner()).unwrap();
    sample::populate(&s, &m).unwrap();
    stores::checkpoint(&dir);
    // An attacker's copy of the database (not the keyring) taken before the wipe.
    let copy = tmp.path().join("copy");
    std::fs::create_dir_all(&copy).unwrap();
    std::fs::copy(dir.join("doorstep.db"), copy.join("doorstep.db")).unwrap();
    s.lock();
    s.wipe().unwrap();
    assert!(
        !dir.exists(),
        "wipe left {:?}",
        doorstep_tests::scan::files(&dir)
    );

    let e = catch(|| Store::open(&copy, stores::clock())).unwrap_err();
    assert!(matches!(e, StoreError::NoStore), "{e:?}");
    // With some other store's keyring beside it (same provider key), it still does not open.
    let other = tmp.path().join("other");
    drop(stores::create_with_key(&other, key, stores::practitioner("C C", None)).unwrap());
    std::fs::copy(other.join("keyring.json"), copy.join("keyring.json")).unwrap();
    let e = catch(|| Store::open(&copy, stores::clock())).unwrap_err();
    assert!(matches!(e, StoreError::StoreMismatch), "{e:?}");
    // And the copy holds no marker in the clear.
    let needles: Vec<(String, Vec<u8>)> = m
        .all()
        .iter()
        .map(|(f, v)| (f.to_string(), v.as_bytes().to_vec()))
        .collect();
    assert!(doorstep_tests::scan::scan(&copy, &needles).is_empty());
}

#[test]
fn wipe_of_a_passphrase_store_removes_the_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    let s = stores::create_with_passphrase(&dir, PASS, stores::practitioner("A B", None)).unwrap();
    drop(s);
    // A remote wipe works on a store that was never unlocked.
    let s = Store::open(&dir, stores::clock()).unwrap();
    s.wipe().unwrap();
    assert!(!dir.exists());
    let e = Store::open(&dir, stores::clock()).unwrap_err();
    assert!(matches!(e, StoreError::NoStore), "{e:?}");
}

#[test]
fn a_provider_store_opens_only_with_its_provider() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    let key = [0x42u8; 32];
    let m = markers();
    let s = stores::create_with_key(&dir, key, m.practitioner()).unwrap();
    let x = sample::populate(&s, &m).unwrap();
    drop(s);

    let s = Store::open(&dir, stores::clock()).unwrap();
    assert_eq!(s.unlock_methods(), (false, true));
    for _ in 0..3 {
        let other = Arc::new(SoftwareKeyProvider::generate().unwrap());
        let e = catch(|| s.unlock_with_provider(other)).unwrap_err();
        assert!(
            matches!(e, StoreError::WrongKey | StoreError::KeyProvider(_)),
            "{e:?}"
        );
        assert!(s.is_locked());
    }
    // A provider-only store has no passphrase: asking for one is refused, without a panic.
    let e = catch(|| s.unlock_with_passphrase(&pass(PASS))).unwrap_err();
    assert!(!matches!(e, StoreError::Locked), "{e:?}");
    assert!(s.is_locked());

    s.unlock_with_provider(stores::provider(key)).unwrap();
    assert_eq!(
        s.person(x.child).unwrap().date_of_birth,
        Some(sample::child_dob())
    );
}

#[test]
fn a_store_with_both_methods_opens_with_either() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    let key = [0x17u8; 32];
    let s = Store::create(
        &dir,
        UnlockMethods {
            passphrase: Some(pass(PASS)),
            provider: Some(stores::provider(key)),
        },
        stores::practitioner("Both Ways", None),
        stores::clock(),
    )
    .unwrap();
    let h = s
        .add_household(doorstep_core::domain::NewHousehold {
            address: "2 Either Road".into(),
            ..Default::default()
        })
        .unwrap();
    drop(s);
    let s = stores::open_with_key(&dir, key).unwrap();
    assert_eq!(s.household(h.id).unwrap().address, "2 Either Road");
    drop(s);
    let s = stores::open_with_passphrase(&dir, PASS).unwrap();
    assert_eq!(s.household(h.id).unwrap().address, "2 Either Road");
}

#[test]
fn a_keyring_with_weakened_kdf_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    drop(stores::create_with_passphrase(&dir, PASS, stores::practitioner("A B", None)).unwrap());
    let path = dir.join("keyring.json");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("600000"), "{text}");
    std::fs::write(&path, text.replace("600000", "1000")).unwrap();
    let s = Store::open(&dir, stores::clock()).unwrap();
    let e = catch(|| s.unlock_with_passphrase(&pass(PASS))).unwrap_err();
    assert!(matches!(e, StoreError::Corrupt { .. }), "{e:?}");
    assert!(s.is_locked());
}

/// Just enough of the keyring's JSON to find its store id, without a JSON dependency.
mod serde_like {
    use std::path::Path;

    pub struct Ring {
        pub store_id: String,
    }

    pub fn read(p: &Path) -> Ring {
        let text = std::fs::read_to_string(p).unwrap();
        let at = text.find("\"store_id\"").unwrap();
        let rest = &text[at + "\"store_id\"".len()..];
        let start = rest.find('"').unwrap() + 1;
        let end = start + rest[start..].find('"').unwrap();
        let id = rest[start..end].to_string();
        assert_eq!(id.len(), 32, "store id is 16 bytes of hex");
        Ring { store_id: id }
    }
}
