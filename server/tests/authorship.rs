//! The server decides who wrote what, tried by a device that forges: a note in another
//! practitioner's name at the next link of their chain, a note off its own chain, a case moving
//! another device's chain head, a RAG change in someone else's name. Each is refused with a typed
//! code, nothing is applied, and the chain head stays where it was — on SQLite and PostgreSQL.

mod common;

use common::*;
use doorstep_core::domain::{Agency, ChainHead, DeviceId, PractitionerId};
use doorstep_core::sync::merge::Stamped;
use doorstep_server::db::{with_tx, Val};
use doorstep_server::{admin, Config};
use serde_json::{json, Value};

fn each(mut f: impl FnMut(&str)) {
    for b in backends() {
        eprintln!("backend: {b}");
        f(b);
    }
}

/// How many rows `sql` counts.
fn count(e: &Env, sql: &str) -> i64 {
    with_tx(e.db.as_ref(), |tx| tx.query(sql, &[]))
        .unwrap()
        .first()
        .and_then(|r| r[0].int())
        .unwrap()
}

/// The chain head the server holds for `device` on `case`.
fn head(e: &Env, case: uuid::Uuid, device: DeviceId) -> Option<(i64, String)> {
    with_tx(e.db.as_ref(), |tx| {
        tx.query_opt(
            "SELECT count, hash FROM note_heads WHERE case_id = $1 AND device_id = $2",
            &[Val::Text(case.to_string()), Val::Text(device.to_string())],
        )
    })
    .unwrap()
    .map(|r| (r[0].int().unwrap(), r[1].text().unwrap().to_string()))
}

/// Practitioner B (another team) with a family and one note; practitioner A, who shares B's case,
/// with a second device that will forge.
struct Scene {
    e: Env,
    a: String,
    forger: DeviceId,
    forger_token: String,
    b: String,
    b_device: DeviceId,
    b_token: String,
    household: uuid::Uuid,
    case: uuid::Uuid,
    b_head: ChainHead,
}

fn scene(backend: &str) -> Scene {
    let e = env(backend, Config::default());
    let a = e.practitioner("Alex Able");
    let other_team = admin::add_team(e.db.as_ref(), "Team B").unwrap();
    let b = admin::add_practitioner(
        e.db.as_ref(),
        &other_team,
        "Bo Baker",
        Agency::HealthVisiting,
        e.now(),
    )
    .unwrap();
    let (_a1, _) = e.device(&a);
    let (forger, forger_token) = e.device(&a);
    let (b_device, b_token) = e.device(&b);
    let mut ob = e.ops(b_device, &b);
    let (household, child, case) = family();
    let batch = vec![
        ob.household(household),
        ob.person(household, child),
        ob.case(household, case, child),
        ob.note(household, case, uuid::Uuid::new_v4(), "B's first note"),
    ];
    let (s, body) = e.push(&b_token, &batch);
    assert_eq!((s, results(&body)), (200, vec!["applied".to_string(); 4]));
    admin::allocate(e.db.as_ref(), &case.to_string(), &a, false, e.now()).unwrap();
    let b_head = ob.heads[&case];
    Scene {
        e,
        a,
        forger,
        forger_token,
        b,
        b_device,
        b_token,
        household,
        case,
        b_head,
    }
}

#[test]
fn a_note_forged_in_another_practitioners_name_is_refused_and_changes_nothing() {
    each(|backend| {
        let s = scene(backend);
        let e = &s.e;
        let records = count(e, "SELECT COUNT(*) FROM records");
        let changes = count(e, "SELECT COUNT(*) FROM changes");
        let before = head(e, s.case, s.b_device);
        assert_eq!(before.as_ref().map(|h| h.0), Some(1));
        let (b_name, _) = admin::practitioner(e.db.as_ref(), &s.b).unwrap();
        let b_id: PractitionerId = s.b.parse().unwrap();
        let mut forger = e.ops(s.forger, &s.a);
        // B's name, B's device, the next link of B's chain: everything a phone would check.
        let forged = forger.note_as(
            s.case,
            uuid::Uuid::new_v4(),
            "Written by B (really by A's second phone)",
            (b_id, b_name.clone()),
            s.b_device,
            s.b_head,
        );
        let op = forger.note_op(s.household, &forged);
        let (status, body) = e.push(&s.forger_token, &[op]);
        assert_eq!(status, 200, "{body}");
        assert_eq!(results(&body), ["rejected:wrong_author"], "{backend}");
        // Only the author, or only the name, or only the device: each refused.
        let me: PractitionerId = s.a.parse().unwrap();
        let (a_name, _) = admin::practitioner(e.db.as_ref(), &s.a).unwrap();
        for (author, device) in [
            ((b_id, b_name.clone()), s.forger),
            ((me, b_name.clone()), s.forger),
            ((me, a_name.clone()), s.b_device),
        ] {
            let n = forger.note_as(
                s.case,
                uuid::Uuid::new_v4(),
                "forged",
                author,
                device,
                ChainHead::default(),
            );
            let op = forger.note_op(s.household, &n);
            let (_, body) = e.push(&s.forger_token, &[op]);
            assert_eq!(results(&body), ["rejected:wrong_author"], "{backend}");
        }
        assert_eq!(
            count(e, "SELECT COUNT(*) FROM records"),
            records,
            "nothing applied"
        );
        assert_eq!(
            count(e, "SELECT COUNT(*) FROM changes"),
            changes,
            "nothing logged"
        );
        assert_eq!(
            head(e, s.case, s.b_device),
            before,
            "B's chain head unchanged"
        );
        // B receives only its own note back (in the allocation's snapshot), nothing forged.
        let b_sees = e.pull_all(&s.b_token, 100);
        assert!(
            b_sees
                .iter()
                .filter(|c| c["op"]["kind"] == "note")
                .all(|c| c["op"]["delta"]["text"]["value"] == "B's first note"),
            "{b_sees:?}"
        );
    });
}

#[test]
fn a_note_off_its_own_chain_is_refused_and_a_true_one_is_vouched() {
    each(|backend| {
        let s = scene(backend);
        let e = &s.e;
        let mut a = e.ops(s.forger, &s.a);
        let me = a.author.clone();
        // Skips a link.
        let skipped = a.note_as(
            s.case,
            uuid::Uuid::new_v4(),
            "skips",
            me.clone(),
            s.forger,
            ChainHead {
                count: 1,
                hash: [7; 32],
            },
        );
        // Edited after hashing.
        let mut edited = a.note_as(
            s.case,
            uuid::Uuid::new_v4(),
            "original",
            me.clone(),
            s.forger,
            ChainHead::default(),
        );
        edited.text = "edited".into();
        let ops = [
            a.note_op(s.household, &skipped),
            a.note_op(s.household, &edited),
        ];
        let (_, body) = e.push(&s.forger_token, &ops);
        assert_eq!(
            results(&body),
            ["rejected:chain_break", "rejected:chain_break"],
            "{backend}"
        );
        assert_eq!(head(e, s.case, s.forger), None);
        // A note that carries a field beyond the note's own is refused too.
        let mut extra = a.note(s.household, s.case, uuid::Uuid::new_v4(), "true");
        let stamp = extra.delta["text"].hlc;
        extra.delta.insert(
            "vouched_by".into(),
            Stamped {
                value: json!({"practitioner_id": s.b}),
                hlc: stamp,
            },
        );
        let (_, body) = e.push(&s.forger_token, &[extra]);
        assert_eq!(results(&body), ["rejected:invalid"], "{backend}");
        // The true note, first link of this device's chain, is applied and vouched as A's.
        a.heads.clear();
        let good = a.note(s.household, s.case, uuid::Uuid::new_v4(), "true");
        let (_, body) = e.push(&s.forger_token, &[good]);
        assert_eq!(results(&body), ["applied"], "{backend}");
        assert_eq!(head(e, s.case, s.forger).map(|h| h.0), Some(1));
        let b_sees = e.pull_all(&s.b_token, 100);
        let note = b_sees
            .iter()
            .find(|c| c["op"]["device_id"] == json!(s.forger))
            .expect("B receives A's note");
        assert_eq!(note["vouched"], json!(s.a));
    });
}

#[test]
fn a_case_change_may_move_only_its_own_devices_chain_and_rate_in_its_own_name() {
    each(|backend| {
        let s = scene(backend);
        let e = &s.e;
        let mut a = e.ops(s.forger, &s.a);
        let case_op = |a: &mut Ops, field: &str, value: Value| {
            let mut op = a.case(s.household, s.case, uuid::Uuid::new_v4());
            let hlc = op.hlc;
            op.delta.clear();
            op.delta.insert(field.into(), Stamped { value, hlc });
            op
        };
        let heads = case_op(
            &mut a,
            &format!("notes_heads.{}", s.b_device),
            json!({"count": 0, "hash": hex_zero()}),
        );
        let rag = case_op(
            &mut a,
            "rag_history",
            json!([{"id": uuid::Uuid::new_v4(), "from": null, "to": "red",
                    "reason": "x", "at": "2026-11-02T09:00:00Z", "by": s.b}]),
        );
        let own = case_op(
            &mut a,
            &format!("notes_heads.{}", s.forger),
            json!({"count": 0, "hash": hex_zero()}),
        );
        let (_, body) = e.push(&s.forger_token, &[heads, rag, own]);
        assert_eq!(
            results(&body),
            ["rejected:wrong_author", "rejected:wrong_author", "applied"],
            "{backend}"
        );
    });
}

fn hex_zero() -> String {
    "0".repeat(64)
}
