//! Supervision records are written by managers on the server only: a device that pushes a case
//! naming `supervisions` — a new case, or a change to one — has that field dropped, and nothing
//! it sent reaches the stored case or the change log.

mod common;

use common::*;
use doorstep_core::sync::merge::Stamped;
use doorstep_server::db::with_tx;
use doorstep_server::sync::load_record;
use doorstep_server::Config;
use serde_json::json;

#[test]
fn a_device_cannot_add_a_supervision_record() {
    for b in backends() {
        let e = env(b, Config::default());
        let p = e.practitioner("Alex Able");
        let (device, token) = e.device(&p);
        let mut o = e.ops(device, &p);
        let (h, child, case) = (
            uuid::Uuid::new_v4(),
            uuid::Uuid::new_v4(),
            uuid::Uuid::new_v4(),
        );
        let mut forged = o.case(h, case, child);
        let hlc = forged.hlc;
        forged.delta.insert(
            "supervisions".into(),
            Stamped {
                value: json!([{"id": uuid::Uuid::new_v4(), "at": "2026-11-02T09:00:00Z",
                    "by_name": "Forged Manager", "decision": "close the case", "actions": "none",
                    "owner": "nobody", "due": "2026-11-03"}]),
                hlc,
            },
        );
        let batch = [o.household(h), o.person(h, child), forged];
        let (status, body) = e.push(&token, &batch);
        assert_eq!(status, 200, "{body}");
        let stored = with_tx(e.db.as_ref(), |tx| load_record(tx, &case.to_string()))
            .unwrap()
            .unwrap();
        assert!(
            !stored.fields.contains_key("supervisions"),
            "{b}: {:?}",
            stored.fields
        );
        assert!(!stored.stamps.contains_key("supervisions"));
        let (_, token2) = e.device(&p);
        let pulled = e.pull_all(&token2, 100);
        assert!(
            !pulled
                .iter()
                .any(|c| c.to_string().contains("Forged Manager")),
            "{b}"
        );
    }
}
