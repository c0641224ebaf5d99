//! Sealed at rest on the server: after a family, its child and a note are pushed, the SQLite
//! file (with its WAL) and a `pg_dump` of the PostgreSQL schema hold no name, address, date of
//! birth, key-safe code or note text; the data key rotates with the admin command, after which
//! the old key opens nothing and the new one everything.

mod common;

use common::*;
use doorstep_core::sync::merge::Stamped;
use doorstep_server::db::{with_tx, Backend, PostgresBackend, SqliteBackend};
use doorstep_server::seal::{KeyProvider, KeyRing};
use doorstep_server::sync::load_record;
use doorstep_server::Config;
use serde_json::json;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

const ADDRESS: &str = "17 Marigold Close, Ludlow";
const KEY_SAFE: &str = "key safe by the back door, code 4719";
const CHILD: &str = "Keeley Wrenfield";
const BIRTH: &str = "2019-03-14";
const NOTE: &str = "Mum said the boyfriend Darren stays most nights";
const MARKERS: [&str; 5] = [ADDRESS, KEY_SAFE, CHILD, BIRTH, NOTE];

fn each(mut f: impl FnMut(&str)) {
    for b in backends() {
        eprintln!("backend: {b}");
        f(b);
    }
}

/// Pushes the family; returns the household id.
fn push_family(e: &Env) -> uuid::Uuid {
    let p = e.practitioner("Alex Able");
    let (device, token) = e.device(&p);
    let mut o = e.ops(device, &p);
    let (h, child, case) = family();
    let mut household = o.household(h);
    let hlc = household.hlc;
    household.delta.get_mut("address").unwrap().value = json!(ADDRESS);
    household.delta.insert(
        "access_notes".into(),
        Stamped {
            value: json!(KEY_SAFE),
            hlc,
        },
    );
    let mut person = o.person(h, child);
    let hlc = person.hlc;
    person.delta.get_mut("name").unwrap().value = json!(CHILD);
    person.delta.insert(
        "date_of_birth".into(),
        Stamped {
            value: json!(BIRTH),
            hlc,
        },
    );
    let batch = [
        household,
        person,
        o.case(h, case, child),
        o.note(h, case, uuid::Uuid::new_v4(), NOTE),
    ];
    let (_, body) = e.push(&token, &batch);
    assert_eq!(results(&body), ["applied"; 4]);
    h
}

fn leaks(haystack: &[u8]) -> Vec<&'static str> {
    let text = String::from_utf8_lossy(haystack);
    MARKERS.into_iter().filter(|m| text.contains(m)).collect()
}

/// What an attacker with the database's files or a dump of it would read.
fn stored_bytes(e: &Env) -> Vec<u8> {
    match &e.pg_schema {
        None => {
            let mut all = std::fs::read(&e.sqlite_path).unwrap();
            if let Ok(wal) = std::fs::read(e.sqlite_path.with_extension("db-wal")) {
                all.extend(wal);
            }
            all
        }
        Some(schema) => {
            let url = std::env::var("DOORSTEP_TEST_POSTGRES_URL").unwrap();
            let out = Command::new("pg_dump")
                .args(["--schema", schema, "--dbname", &url])
                .output()
                .expect("pg_dump (installed with PostgreSQL by .ci/run)");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            out.stdout
        }
    }
}

/// Another connection to the test's database with `keys`.
fn reopen(e: &Env, keys: Arc<dyn KeyProvider>) -> Box<dyn Backend> {
    match &e.pg_schema {
        None => Box::new(SqliteBackend::open(&e.sqlite_path, keys).unwrap()),
        Some(schema) => Box::new(PostgresBackend::connect(&pg_url(schema), 1, keys).unwrap()),
    }
}

fn pg_url(schema: &str) -> String {
    let base = std::env::var("DOORSTEP_TEST_POSTGRES_URL").unwrap();
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}options=-csearch_path%3D{schema}")
}

fn address(db: &dyn Backend, h: uuid::Uuid) -> Option<String> {
    with_tx(db, |tx| load_record(tx, &h.to_string()))
        .ok()
        .flatten()
        .and_then(|r| {
            r.fields
                .get("address")
                .and_then(|v| v.as_str())
                .map(String::from)
        })
}

fn rotate(e: &Env, key_file: &Path) {
    let db = match &e.pg_schema {
        None => e.sqlite_path.display().to_string(),
        Some(schema) => pg_url(schema),
    };
    let out = Command::new(env!("CARGO_BIN_EXE_doorstep-server"))
        .args(["--db", &db, "--key-file"])
        .arg(key_file)
        .args(["admin", "rotate-key"])
        .env_remove("DOORSTEP_SERVER_DATA_KEY")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_servers_database_and_its_dump_hold_no_personal_data_and_the_key_rotates() {
    each(|backend| {
        let dir = tempfile::tempdir().unwrap();
        let key_file = dir.path().join("data.key");
        KeyRing::create_file(&key_file).unwrap();
        let old: Arc<dyn KeyProvider> = Arc::new(KeyRing::from_file(&key_file).unwrap());
        let e = env_with_keys(backend, Config::default(), old.clone());
        let h = push_family(&e);
        let stored = stored_bytes(&e);
        // The scan would see clear text: the staff's own names are not sealed.
        assert!(
            String::from_utf8_lossy(&stored).contains("Alex Able"),
            "{backend}: scan reads the store"
        );
        assert_eq!(
            leaks(&stored),
            Vec::<&str>::new(),
            "{backend}: clear personal data at rest"
        );
        assert_eq!(address(e.db.as_ref(), h).as_deref(), Some(ADDRESS));

        rotate(&e, &key_file);
        let text = std::fs::read_to_string(&key_file).unwrap();
        assert_eq!(text.lines().count(), 1, "old keys dropped after re-sealing");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let new: Arc<dyn KeyProvider> = Arc::new(KeyRing::from_file(&key_file).unwrap());
        assert_ne!(new.current().id(), old.current().id());
        assert_eq!(
            address(reopen(&e, new).as_ref(), h).as_deref(),
            Some(ADDRESS)
        );
        assert_eq!(
            address(reopen(&e, old).as_ref(), h),
            None,
            "the old key opens nothing"
        );
        assert_eq!(
            leaks(&stored_bytes(&e)),
            Vec::<&str>::new(),
            "{backend}: after rotation"
        );
    });
}
