//! Property tests of the merge rules: any order, any duplication, same result.

use super::*;
use crate::domain::DeviceId;
use proptest::prelude::*;
use serde_json::json;

fn dev(n: u8) -> DeviceId {
    DeviceId(uuid::Uuid::from_bytes([n; 16]))
}

fn hlc(millis: u64, d: u8) -> Hlc {
    Hlc {
        millis,
        counter: 0,
        device: dev(d),
    }
}

fn replay(kind: &str, deltas: &[Delta]) -> Value {
    let mut fields = BTreeMap::new();
    let mut stamps = Stamps::new();
    for d in deltas {
        apply(kind, &mut fields, &mut stamps, d);
    }
    materialize(kind, &fields, &stamps)
}

/// A random visit edit: which fields a device sets.
fn visit_value() -> impl Strategy<Value = Value> {
    (
        prop_oneof![Just("planned"), Just("completed"), Just("no_access")],
        proptest::option::of((any::<bool>(), any::<bool>(), 0u32..4, proptest::collection::vec("[a-c]{1,3}", 0..3))),
    )
        .prop_map(|(status, outcome)| {
            let outcome = outcome.map(|(seen, alone, adults, concerns)| {
                json!({"child_seen": seen, "child_seen_alone": alone, "adults_present_when_spoken_to": adults, "concerns": concerns})
            });
            json!({"id": "v1", "status": status, "outcome": outcome})
        })
}

proptest! {
    /// Three devices each make a series of edits to the same visit; every permutation of delivery,
    /// with duplicates, converges to the same value.
    #[test]
    fn visit_edits_converge_in_any_order(
        edits in proptest::collection::vec((0u8..3, visit_value()), 1..8),
        order in Just(()).prop_perturb(|_, mut rng| {
            let mut idx: Vec<usize> = (0..32).collect();
            for i in (1..idx.len()).rev() {
                let j = (rng.next_u32() as usize) % (i + 1);
                idx.swap(i, j);
            }
            idx
        }),
    ) {
        let mut prev: BTreeMap<u8, Value> = BTreeMap::new();
        let mut deltas = Vec::new();
        for (i, (d, value)) in edits.iter().enumerate() {
            let delta = diff("visit", prev.get(d), value, hlc(i as u64 + 1, *d));
            prev.insert(*d, value.clone());
            deltas.push(delta);
        }
        let in_order = replay("visit", &deltas);
        let mut shuffled: Vec<Delta> = order.iter().filter(|i| **i < deltas.len()).map(|i| deltas[*i].clone()).collect();
        shuffled.extend(deltas.iter().rev().cloned()); // duplicates, reversed
        prop_assert_eq!(replay("visit", &shuffled), in_order);
    }

    /// Concurrent RAG changes converge to the most severe rating, flagged for review, whatever the
    /// order of arrival; a later change that supersedes both clears the flag.
    #[test]
    fn concurrent_rag_changes_take_the_more_severe(a in 0usize..3, b in 0usize..3, a_first in any::<bool>()) {
        let base = json!({"id": hlc(1, 9), "to": "green", "supersedes": []});
        let ca = json!({"id": hlc(5, 1), "to": SEVERITY[a], "supersedes": [hlc(1, 9)]});
        let cb = json!({"id": hlc(6, 2), "to": SEVERITY[b], "supersedes": [hlc(1, 9)]});
        let mk = |c: &Value, t: u64, d: u8| Delta::from([("rag_history".to_string(), Stamped { value: json!([base.clone(), c.clone()]), hlc: hlc(t, d) })]);
        let (da, db) = (mk(&ca, 5, 1), mk(&cb, 6, 2));
        let merged = if a_first { replay("case", &[da.clone(), db.clone()]) } else { replay("case", &[db.clone(), da.clone()]) };
        prop_assert_eq!(&merged["rag"], &json!(SEVERITY[a.max(b)]));
        prop_assert_eq!(&merged["rag_review"], &json!(a != b));
        let resolve = json!({"id": hlc(9, 1), "to": "amber", "supersedes": [hlc(5, 1), hlc(6, 2)]});
        let dr = Delta::from([("rag_history".to_string(), Stamped { value: json!([resolve]), hlc: hlc(9, 1) })]);
        let resolved = replay("case", &[da, db, dr]);
        prop_assert_eq!(&resolved["rag"], &json!("amber"));
        prop_assert_eq!(&resolved["rag_review"], &json!(false));
    }
}

#[test]
fn an_outcome_recorded_offline_survives_a_reschedule_on_another_device() {
    let planned = json!({"id": "v", "status": "planned", "planned_for": "2026-01-05T10:00:00Z", "outcome": null});
    let a = json!({"id": "v", "status": "completed", "planned_for": "2026-01-05T10:00:00Z", "outcome": {"child_seen": true}});
    let b = json!({"id": "v", "status": "planned", "planned_for": "2026-01-06T10:00:00Z", "outcome": null});
    let d0 = diff("visit", None, &planned, hlc(1, 1));
    let da = diff("visit", Some(&planned), &a, hlc(3, 1));
    let db = diff("visit", Some(&planned), &b, hlc(2, 2));
    let merged = replay("visit", &[d0.clone(), db.clone(), da.clone()]);
    assert_eq!(merged, replay("visit", &[d0, da, db]));
    assert_eq!(merged["status"], json!("completed"));
    assert_eq!(merged["planned_for"], json!("2026-01-06T10:00:00Z"));
    assert_eq!(merged["outcome"]["child_seen"], json!(true));
}

#[test]
fn an_outcome_cleared_later_stays_cleared() {
    let with = json!({"id": "v", "outcome": {"child_seen": true}});
    let without = json!({"id": "v", "outcome": null});
    let d1 = diff("visit", None, &with, hlc(1, 1));
    let d2 = diff("visit", Some(&with), &without, hlc(2, 1));
    assert_eq!(
        replay("visit", &[d2.clone(), d1.clone()]),
        json!({"id": "v", "outcome": null})
    );
    assert_eq!(
        replay("visit", &[d1, d2]),
        json!({"id": "v", "outcome": null})
    );
}

/// The delta as `flatten` defines it (what `diff` computed before it borrowed instead of copying).
fn reference_diff(kind: &str, old: Option<&Value>, new: &Value, hlc: Hlc) -> Delta {
    let before = old.map(|o| flatten(kind, o)).unwrap_or_default();
    let after = flatten(kind, new);
    let mut delta = Delta::new();
    for (k, v) in &after {
        if before.get(k) != Some(v) {
            delta.insert(
                k.clone(),
                Stamped {
                    value: v.clone(),
                    hlc,
                },
            );
        }
    }
    for k in before.keys().filter(|k| !after.contains_key(*k)) {
        delta.insert(
            k.clone(),
            Stamped {
                value: Value::Null,
                hlc,
            },
        );
    }
    delta
}

/// Record-shaped values over the fields that flatten differently: nested objects (possibly empty
/// or null), a grow-only list, a derived field and plain ones.
fn record_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (0u8..3).prop_map(Value::from),
        Just(json!({})),
        Just(json!({"a": 1})),
    ];
    let keys = prop_oneof![
        Just("outcome"),
        Just("notes_heads"),
        Just("rag_history"),
        Just("rag"),
        Just("status"),
        Just("text"),
    ];
    let inner = proptest::collection::btree_map(
        prop_oneof![Just("a"), Just("b"), Just("c")],
        leaf.clone(),
        0..3,
    )
    .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()));
    proptest::collection::btree_map(keys, prop_oneof![leaf, inner], 0..6)
        .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()))
}

proptest! {
    #[test]
    fn diff_is_the_delta_flatten_defines(
        kind in prop_oneof![Just("visit"), Just("case"), Just("note")],
        old in proptest::option::of(record_value()),
        new in record_value(),
    ) {
        let h = hlc(5, 1);
        prop_assert_eq!(diff(kind, old.as_ref(), &new, h), reference_diff(kind, old.as_ref(), &new, h));
    }
}

/// Every field's stamp as `full_stamps` resolves it (the default spelled out per present field),
/// with the stamps of paths the value does not hold.
fn resolved(kind: &str, value: &Value, stamps: &Stamps) -> BTreeMap<String, Option<Hlc>> {
    let default = stamps.get("").copied();
    let fields = flatten(kind, value);
    let mut out: BTreeMap<String, Option<Hlc>> = fields
        .keys()
        .map(|k| (k.clone(), stamps.get(k).copied().or(default)))
        .collect();
    for (k, h) in stamps {
        if !k.is_empty() && !fields.contains_key(k) {
            out.insert(k.clone(), Some(*h));
        }
    }
    out
}

/// Random stamps for a value: a default or not, some fields stamped on their own, some paths the
/// value does not have.
fn stamps_for(value: &Value, kind: &str) -> impl Strategy<Value = Stamps> {
    let keys: Vec<String> = flatten(kind, value).into_keys().collect();
    (
        proptest::option::of(1u64..4),
        proptest::collection::vec((any::<bool>(), 1u64..4), keys.len()),
        proptest::collection::btree_map("outcome\\.[x-z]", 1u64..4, 0..2),
    )
        .prop_map(move |(default, per_field, gone)| {
            let mut s = Stamps::new();
            if let Some(d) = default {
                s.insert(String::new(), hlc(d, 1));
            }
            for (k, (own, t)) in keys.iter().zip(per_field) {
                if own {
                    s.insert(k.clone(), hlc(t, 2));
                }
            }
            for (k, t) in gone {
                s.insert(k, hlc(t, 3));
            }
            s
        })
}

proptest! {
    /// Compacting stamps never changes the stamp any field resolves to (nor those of removed
    /// paths), never lists more than before, and compacting twice changes nothing more.
    #[test]
    fn compact_stamps_keeps_every_fields_stamp(
        (kind, value, stamps) in (prop_oneof![Just("visit"), Just("case")], record_value())
            .prop_flat_map(|(kind, value)| {
                let s = stamps_for(&value, kind);
                (Just(kind), Just(value), s)
            }),
    ) {
        let compact = compact_stamps(kind, &value, &stamps);
        prop_assert_eq!(resolved(kind, &value, &compact), resolved(kind, &value, &stamps));
        let full = resolved(kind, &value, &stamps).len();
        prop_assert!(compact.len() <= full.max(stamps.len()) + 1);
        prop_assert_eq!(compact_stamps(kind, &value, &compact), compact);
    }
}

#[test]
fn a_change_to_most_fields_becomes_the_default_stamp() {
    let value = json!({"id": "v1", "status": "completed", "outcome": {"a": 1, "b": 2, "c": 3}});
    let mut stamps = Stamps::from([(String::new(), hlc(1, 1))]);
    for k in ["status", "outcome", "outcome.a", "outcome.b", "outcome.c"] {
        stamps.insert(k.into(), hlc(2, 1));
    }
    let compact = compact_stamps("visit", &value, &stamps);
    assert_eq!(
        compact,
        Stamps::from([(String::new(), hlc(2, 1)), ("id".into(), hlc(1, 1))])
    );
}
