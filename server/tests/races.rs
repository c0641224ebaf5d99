//! Raced requests, on SQLite and PostgreSQL: many redemptions of one enrolment code at once give
//! exactly one token; identical pushes at once never answer a server error and apply each
//! operation once; the reserved nil device id is refused and device ids are the server's.

mod common;

use common::*;
use doorstep_server::db::with_tx;
use doorstep_server::rate::RateLimits;
use doorstep_server::{admin, Config};
use serde_json::json;
use std::collections::BTreeSet;
use std::sync::Barrier;

fn each(mut f: impl FnMut(&str)) {
    for b in backends() {
        eprintln!("backend: {b}");
        f(b);
    }
}

fn generous() -> Config {
    Config {
        rate: RateLimits::generous(),
        ..Config::default()
    }
}

#[test]
fn concurrent_redemptions_of_one_code_enrol_exactly_one_device() {
    const CODES: usize = 25;
    const RACERS: usize = 8;
    each(|backend| {
        let e = env(backend, generous());
        let p = e.practitioner("Alex");
        let codes: Vec<String> = (0..CODES)
            .map(|_| admin::issue_code(e.db.as_ref(), &p, e.now(), 3_600_000).unwrap())
            .collect();
        let mut tokens = 0;
        for code in &codes {
            let barrier = Barrier::new(RACERS);
            let statuses: Vec<u16> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..RACERS)
                    .map(|_| {
                        s.spawn(|| {
                            barrier.wait();
                            e.post("/v1/enrol", None, &json!({ "code": code })).0
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            assert!(
                statuses.iter().all(|s| *s == 200 || *s == 403),
                "{backend}: {statuses:?}"
            );
            tokens += statuses.iter().filter(|s| **s == 200).count();
        }
        assert_eq!(tokens, CODES, "{backend}: one token per code");
        let devices = with_tx(e.db.as_ref(), |tx| tx.query("SELECT id FROM devices", &[])).unwrap();
        assert_eq!(devices.len(), CODES, "{backend}: one device per code");
    });
}

#[test]
fn device_ids_are_the_servers_and_the_nil_id_is_refused() {
    each(|backend| {
        let e = env(backend, generous());
        let p = e.practitioner("Alex");
        let code = admin::issue_code(e.db.as_ref(), &p, e.now(), 3_600_000).unwrap();
        let (s, body) = e.post(
            "/v1/enrol",
            None,
            &json!({"code": code, "device_id": uuid::Uuid::nil()}),
        );
        assert_eq!((s, body["error"].as_str()), (400, Some("bad_request")));
        // The refused request did not spend the code.
        let mut ids = BTreeSet::new();
        let proposed = uuid::Uuid::new_v4();
        let (s, body) = e.post(
            "/v1/enrol",
            None,
            &json!({"code": code, "device_id": proposed}),
        );
        assert_eq!(s, 200, "{body}");
        let id: uuid::Uuid = body["device_id"].as_str().unwrap().parse().unwrap();
        assert_ne!(id, proposed, "the server assigns the id");
        ids.insert(id);
        for _ in 0..5 {
            ids.insert(e.device(&p).0 .0);
        }
        assert_eq!(ids.len(), 6);
        assert!(ids.iter().all(|i| !i.is_nil() && i.get_version_num() == 4));
    });
}

#[test]
fn identical_pushes_racing_never_answer_a_server_error() {
    const RACERS: usize = 8;
    each(|backend| {
        let e = env(backend, generous());
        let p = e.practitioner("Alex");
        let (device, token) = e.device(&p);
        let mut o = e.ops(device, &p);
        for round in 0..5 {
            let (h, child, case) = family();
            let mut batch = vec![o.household(h), o.person(h, child), o.case(h, case, child)];
            for i in 0..20 {
                batch.push(o.note(h, case, uuid::Uuid::new_v4(), &format!("{round}.{i}")));
            }
            let barrier = Barrier::new(RACERS);
            let answers: Vec<(u16, serde_json::Value)> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..RACERS)
                    .map(|_| {
                        s.spawn(|| {
                            barrier.wait();
                            e.push(&token, &batch)
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            for (status, body) in &answers {
                assert_eq!(*status, 200, "{backend}: {body}");
            }
            // Each operation applied by exactly one of the racers; a duplicate for the rest.
            for i in 0..batch.len() {
                let applied = answers
                    .iter()
                    .filter(|(_, b)| results(b)[i] == "applied")
                    .count();
                assert_eq!(applied, 1, "{backend}: op {i}");
            }
        }
        let ops = with_tx(e.db.as_ref(), |tx| tx.query("SELECT op_id FROM ops", &[])).unwrap();
        assert_eq!(ops.len(), 5 * 23, "{backend}");
    });
}
