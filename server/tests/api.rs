//! The sync API over real HTTP on loopback, against SQLite (always) and PostgreSQL (when
//! available; always in CI): enrolment, exactly-once push, allocation refusals, visibility,
//! sharing a child's history on allocation, revocation with remote wipe, expiry, limits.

mod common;

use chrono::Duration;
use common::*;
use doorstep_server::rate::{RateLimit, RateLimits};
use doorstep_server::{admin, Config};
use serde_json::{json, Value};

fn each(mut f: impl FnMut(&str)) {
    for b in backends() {
        eprintln!("backend: {b}");
        f(b);
    }
}

#[test]
fn a_code_enrols_one_device_once_and_expires() {
    each(|b| {
        let e = env(b, Config::default());
        let p = e.practitioner("Alex");
        let code = admin::issue_code(e.db.as_ref(), &p, e.now(), 3_600_000).unwrap();
        let d1 = doorstep_core::domain::DeviceId::random();
        let (s, body) = e.post("/v1/enrol", None, &json!({"code": code, "device_id": d1}));
        assert_eq!(s, 200, "{body}");
        assert_eq!(body["practitioner_id"], json!(p));
        assert_eq!(body["agency"], json!("social_care"));
        let d2 = doorstep_core::domain::DeviceId::random();
        let (s, body) = e.post("/v1/enrol", None, &json!({"code": code, "device_id": d2}));
        assert_eq!(
            (s, body["error"].as_str()),
            (403, Some("bad_code")),
            "a used code is refused"
        );
        let late = admin::issue_code(e.db.as_ref(), &p, e.now(), 3_600_000).unwrap();
        e.clock.advance(Duration::hours(2));
        let (s, _) = e.post("/v1/enrol", None, &json!({"code": late, "device_id": d2}));
        assert_eq!(s, 403, "an expired code is refused");
        let (s, _) = e.post(
            "/v1/enrol",
            None,
            &json!({"code": "AAAA-BBBB-CCCC", "device_id": d2}),
        );
        assert_eq!(s, 403, "a guessed code is refused");
    });
}

#[test]
fn a_push_applies_each_operation_exactly_once() {
    each(|b| {
        let e = env(b, Config::default());
        let p = e.practitioner("Alex");
        let (device, token) = e.device(&p);
        let mut ops = e.ops(device, &p);
        let (h, child, case) = family();
        let batch = vec![
            ops.household(h),
            ops.person(h, child),
            ops.case(h, case, child),
            ops.note(h, case, uuid::Uuid::new_v4(), "seen"),
        ];
        let (s, body) = e.push(&token, &batch);
        assert_eq!(s, 200, "{body}");
        assert_eq!(results(&body), ["applied"; 4]);
        // The same batch again (a retry after a lost response): nothing is applied twice.
        let (_, body) = e.push(&token, &batch);
        assert_eq!(results(&body), ["duplicate"; 4]);
        // No echo: the device gets back only what the server changed — the case, whose
        // allocation the server decides (the device's own guess is replaced).
        let own = e.pull_all(&token, 100);
        assert_eq!(own.len(), 1, "{own:?}");
        assert_eq!(own[0]["op"]["kind"], "case");
        assert_eq!(own[0]["op"]["delta"]["allocated_to"]["value"], json!(p));
        // The practitioner's other device gets all four, each vouched as theirs.
        let (_, other) = e.device(&p);
        let changes = e.pull_all(&other, 100);
        assert_eq!(changes.len(), 4);
        assert!(
            changes.iter().all(|c| c["vouched"] == json!(p)),
            "{changes:?}"
        );
    });
}

#[test]
fn devices_are_refused_what_is_not_allocated_to_them() {
    each(|b| {
        let e = env(b, Config::default());
        let (alex, sam) = (e.practitioner("Alex"), e.practitioner("Sam"));
        let (da, ta) = e.device(&alex);
        let (ds, ts) = e.device(&sam);
        let (mut oa, mut os) = (e.ops(da, &alex), e.ops(ds, &sam));
        let (h, child, case) = family();
        let (_, body) = e.push(
            &ta,
            &[
                oa.household(h),
                oa.person(h, child),
                oa.case(h, case, child),
            ],
        );
        assert_eq!(results(&body), ["applied"; 3]);

        let guessed = uuid::Uuid::new_v4();
        let attempts = vec![
            os.visit(h, case, uuid::Uuid::new_v4(), "completed"), // another practitioner's case
            os.note(h, case, uuid::Uuid::new_v4(), "x"),
            os.person(h, uuid::Uuid::new_v4()), // their household
            os.visit(h, guessed, uuid::Uuid::new_v4(), "planned"), // a guessed case id
        ];
        let (_, body) = e.push(&ts, &attempts);
        assert_eq!(results(&body), ["rejected:not_allocated"; 4]);
        // An operation signed as another device is refused.
        let (_, body) = e.push(&ts, &[oa.visit(h, case, uuid::Uuid::new_v4(), "planned")]);
        assert_eq!(results(&body), ["rejected:wrong_device"]);
        // Sam sees nothing of Alex's family.
        assert!(e.pull_all(&ts, 100).is_empty());
        // A note cannot be rewritten; moving a record to another case is refused.
        let n = uuid::Uuid::new_v4();
        let (_, body) = e.push(&ta, &[oa.note(h, case, n, "original")]);
        assert_eq!(results(&body), ["applied"]);
        let (_, body) = e.push(&ta, &[oa.note(h, case, n, "rewritten")]);
        assert_eq!(results(&body), ["rejected:append_only"]);
        let (h2, c2, k2) = family();
        let (_, body) = e.push(
            &ta,
            &[oa.household(h2), oa.person(h2, c2), oa.case(h2, k2, c2)],
        );
        assert_eq!(results(&body), ["applied"; 3]);
        let mut moved = oa.note(h2, k2, n, "original");
        moved.op_id = uuid::Uuid::new_v4();
        let (_, body) = e.push(&ta, &[moved]);
        assert_eq!(results(&body), ["rejected:scope_mismatch"]);
        // A clock a week ahead is refused rather than allowed to win every merge.
        let mut ahead = oa.visit(h, case, uuid::Uuid::new_v4(), "planned");
        ahead.hlc.millis += 7 * 24 * 3_600_000;
        let (_, body) = e.push(&ta, &[ahead]);
        assert_eq!(results(&body), ["rejected:clock_ahead"]);
    });
}

#[test]
fn allocation_shares_the_childs_history_with_the_new_practitioner() {
    each(|b| {
        let e = env(b, Config::default());
        let (sw, hv) = (
            e.practitioner("Social worker"),
            e.practitioner("Health visitor"),
        );
        let (dsw, tsw) = e.device(&sw);
        let (_, thv) = e.device(&hv);
        let mut o = e.ops(dsw, &sw);
        let (h, child, case) = family();
        let mut batch = vec![o.household(h), o.person(h, child), o.case(h, case, child)];
        for i in 0..5 {
            batch.push(o.note(h, case, uuid::Uuid::new_v4(), &format!("history {i}")));
        }
        batch.push(o.visit(h, case, uuid::Uuid::new_v4(), "no_access"));
        let (_, body) = e.push(&tsw, &batch);
        assert!(results(&body).iter().all(|r| r == "applied"));
        let before = e.pull_all(&thv, 100);
        assert!(before.is_empty());
        admin::allocate(e.db.as_ref(), &case.to_string(), &hv, false, e.now()).unwrap();
        let after = e.pull_all(&thv, 3);
        let ids: std::collections::BTreeSet<_> = after
            .iter()
            .map(|c| c["op"]["record_id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            ids.len(),
            batch.len(),
            "every record of the child's history arrives"
        );
        // Later changes reach both practitioners.
        let (_, body) = e.push(
            &tsw,
            &[o.note(h, case, uuid::Uuid::new_v4(), "after allocation")],
        );
        assert_eq!(results(&body), ["applied"]);
        assert_eq!(e.pull_all(&thv, 100).len(), after.len() + 1);
    });
}

#[test]
fn revoked_devices_are_told_to_wipe_and_expired_tokens_are_refused() {
    each(|b| {
        let e = env(b, Config::default());
        let p = e.practitioner("Alex");
        let (d1, t1) = e.device(&p);
        let (_, t2) = e.device(&p);
        admin::revoke_device(e.db.as_ref(), &d1.to_string(), e.now()).unwrap();
        let (s, body) = e.get("/v1/changes?since=0", Some(&t1));
        assert_eq!(
            (s, body["error"].as_str(), body["wipe"].as_bool()),
            (401, Some("revoked"), Some(true))
        );
        let (s, body) = e.push(&t1, &[]);
        assert_eq!((s, body["wipe"].as_bool()), (401, Some(true)));
        let (s, body) = e.get("/v1/changes?since=0", Some(&t2));
        assert_eq!(s, 200, "the other device still works: {body}");
        e.clock.advance(Duration::days(181));
        let (s, body) = e.get("/v1/changes?since=0", Some(&t2));
        assert_eq!(
            (s, body["error"].as_str(), body["wipe"].as_bool()),
            (401, Some("expired"), Some(false))
        );
        let (s, _) = e.get("/v1/changes?since=0", Some("not-a-token"));
        assert_eq!(s, 401);
        let (s, _) = e.get("/v1/changes?since=0", None);
        assert_eq!(s, 401);
    });
}

#[test]
fn oversized_and_too_frequent_requests_are_refused() {
    each(|b| {
        let config = Config {
            max_body_bytes: 64 * 1024,
            rate: RateLimits {
                device: RateLimit {
                    per_second: 1.0,
                    burst: 5,
                },
                ..RateLimits::generous()
            },
            ..Config::default()
        };
        let e = env(b, config);
        let p = e.practitioner("Alex");
        let (device, token) = e.device(&p);
        let mut o = e.ops(device, &p);
        let (h, _, _) = family();
        let mut big = o.household(h);
        big.delta.get_mut("address").unwrap().value = json!("x".repeat(100 * 1024));
        let (s, body) = e.push(&token, &[big]);
        assert_eq!((s, body["error"].as_str()), (413, Some("too_large")));
        let mut limited = None;
        for _ in 0..10 {
            let mut resp = e
                .agent
                .get(format!("{}/v1/changes?since=0", e.server.url()))
                .header("Authorization", &format!("Bearer {token}"))
                .call()
                .unwrap();
            if resp.status().as_u16() == 429 {
                limited = resp
                    .headers()
                    .get("retry-after")
                    .map(|v| v.to_str().unwrap().to_string());
                let _ = resp.body_mut().read_to_string();
                break;
            }
        }
        assert!(
            limited.is_some_and(|s| s.parse::<u64>().unwrap() >= 1),
            "no 429 with Retry-After"
        );
    });
}

#[test]
fn pages_follow_the_cursor_without_gaps_or_repeats() {
    each(|b| {
        let e = env(b, Config::default());
        let p = e.practitioner("Alex");
        let (device, token) = e.device(&p);
        let mut o = e.ops(device, &p);
        let (h, child, case) = family();
        let mut batch = vec![o.household(h), o.person(h, child), o.case(h, case, child)];
        for i in 0..40 {
            batch.push(o.note(h, case, uuid::Uuid::new_v4(), &format!("n{i}")));
        }
        let (_, body) = e.push(&token, &batch);
        assert!(results(&body).iter().all(|r| r == "applied"));
        let (_, other) = e.device(&p);
        let all = e.pull_all(&other, 7);
        let seqs: Vec<i64> = all.iter().map(|c| c["seq"].as_i64().unwrap()).collect();
        assert_eq!(seqs.len(), 43);
        assert!(seqs.windows(2).all(|w| w[0] < w[1]), "in order, no repeats");
    });
}

#[test]
fn a_device_never_receives_its_own_changes() {
    each(|b| {
        let e = env(b, Config::default());
        let p = e.practitioner("Alex");
        let (device, token) = e.device(&p);
        let (_, other) = e.device(&p);
        let mut o = e.ops(device, &p);
        let (h, child, case) = family();
        let mut batch = vec![o.household(h), o.person(h, child), o.case(h, case, child)];
        for i in 0..100 {
            let text = format!("Visit {i}: saw the child in the kitchen with mum; ").repeat(12);
            batch.push(o.note(h, case, uuid::Uuid::new_v4(), &text));
        }
        let (_, body) = e.push(&token, &batch);
        assert!(results(&body).iter().all(|r| r == "applied"));
        let bytes = |token: &str| {
            let mut resp = e
                .agent
                .get(format!("{}/v1/changes?since=0&limit=1000", e.server.url()))
                .header("Authorization", &format!("Bearer {token}"))
                .call()
                .unwrap();
            resp.body_mut().read_to_string().unwrap()
        };
        let own = bytes(&token);
        let theirs = bytes(&other);
        let own_changes: Value = serde_json::from_str(&own).unwrap();
        // Only the case comes back: the server rewrote its allocation.
        assert_eq!(own_changes["changes"].as_array().unwrap().len(), 1, "{b}");
        eprintln!(
            "{b}: 103 changes pushed; pulled back by the pushing device {} bytes, by another device {} bytes",
            own.len(),
            theirs.len()
        );
        assert!(own.len() * 20 < theirs.len(), "{b}");
    });
}
