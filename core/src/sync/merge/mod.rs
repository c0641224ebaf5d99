//! Merge rules for replicated records, written down and property-tested.
//!
//! A record is replicated as a map from field path to `(value, stamp)`; a change is a delta of the
//! fields it touched, each stamped with the hybrid logical clock of the change. Applying a delta
//! keeps, per field, the value with the greater stamp (last writer wins per field), so deltas can
//! arrive in any order, any number of times, and every replica converges.
//!
//! Domain-specific rules on top of that:
//! - **Notes** are append-only: a note's content never changes, so its delta is applied once.
//! - **Visit outcomes** merge per field (`outcome.child_seen`, `outcome.concerns`, ...).
//! - **RAG ratings** are a grow-only set of changes (`rag_history`), each naming the changes it
//!   supersedes. Changes that nobody supersedes are the current ones; when two devices changed the
//!   rating concurrently there are several, the *more severe* rating wins and `rag_review` is set
//!   until someone records a rating that supersedes them all.
//! - **Supervision records** (`supervisions` on a case) are a grow-only set the server alone adds
//!   to: a device's delta naming them is stripped by the server's push handler.
//! - **Allocations** are server-authoritative: the server ignores `allocated_to` in device deltas
//!   and sends its own (see the server's push handler).

use super::Hlc;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// A field value with the stamp of the write that set it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Stamped {
    /// The value (JSON).
    pub value: Value,
    /// When it was written.
    pub hlc: Hlc,
}

/// The fields a change touched, by path.
pub type Delta = BTreeMap<String, Stamped>;

/// Per-field stamps of a stored record, by path.
pub type Stamps = BTreeMap<String, Hlc>;

/// Field paths whose object values are merged per sub-field rather than as a whole.
fn nested(kind: &str, key: &str) -> bool {
    matches!((kind, key), ("visit", "outcome") | ("case", "notes_heads"))
}

/// Fields merged as grow-only sets of objects with a unique `id`.
fn grow_only_set(kind: &str, key: &str) -> bool {
    matches!(
        (kind, key),
        ("case", "rag_history") | ("case", "supervisions") | ("visit", "copies_given")
    )
}

/// Fields computed from others (after every merge, or from the device's visits); never
/// replicated themselves.
fn derived(kind: &str, key: &str) -> bool {
    matches!(
        (kind, key),
        ("case", "rag") | ("case", "rag_review") | ("case", "consecutive_no_access")
    )
}

/// Flattens a record value into field paths (one level of nesting for the fields that merge per
/// sub-field).
pub fn flatten(kind: &str, value: &Value) -> BTreeMap<String, Value> {
    flatten_ref(kind, value)
        .into_iter()
        .map(|(k, v)| (k.into_owned(), v.to_value()))
        .collect()
}

/// A field of a flattened record, borrowed from the record's value: `Present` is the marker that
/// a per-sub-field object exists (what `flatten` writes as an empty object).
#[derive(Clone, Copy)]
enum FieldRef<'a> {
    Value(&'a Value),
    Present,
}

impl PartialEq for FieldRef<'_> {
    fn eq(&self, other: &Self) -> bool {
        let empty = |v: &Value| matches!(v, Value::Object(m) if m.is_empty());
        match (self, other) {
            (FieldRef::Value(a), FieldRef::Value(b)) => a == b,
            (FieldRef::Present, FieldRef::Present) => true,
            (FieldRef::Value(v), FieldRef::Present) | (FieldRef::Present, FieldRef::Value(v)) => {
                empty(v)
            }
        }
    }
}

impl FieldRef<'_> {
    fn to_value(self) -> Value {
        match self {
            FieldRef::Value(v) => v.clone(),
            FieldRef::Present => Value::Object(Map::new()),
        }
    }
}

/// The flattened fields, each borrowing its value from the record (`flatten` copies them). The
/// object of a per-sub-field path is kept as a marker that it exists (it may be empty).
fn flatten_ref<'a>(kind: &str, value: &'a Value) -> BTreeMap<Cow<'a, str>, FieldRef<'a>> {
    let mut out = BTreeMap::new();
    if let Value::Object(map) = value {
        for (k, v) in map {
            if derived(kind, k) {
                continue;
            }
            match v {
                Value::Object(inner) if nested(kind, k) => {
                    for (ik, iv) in inner {
                        out.insert(Cow::Owned(format!("{k}.{ik}")), FieldRef::Value(iv));
                    }
                    out.insert(Cow::Borrowed(k.as_str()), FieldRef::Present);
                }
                _ => {
                    out.insert(Cow::Borrowed(k.as_str()), FieldRef::Value(v));
                }
            }
        }
    }
    out
}

/// The delta from `old` (none for a new record) to `new`, every changed field stamped `hlc`.
/// Only the changed values are copied.
pub fn diff(kind: &str, old: Option<&Value>, new: &Value, hlc: Hlc) -> Delta {
    let before = old.map(|o| flatten_ref(kind, o)).unwrap_or_default();
    let after = flatten_ref(kind, new);
    let mut delta = Delta::new();
    for (k, v) in &after {
        if before.get(k) != Some(v) {
            delta.insert(
                k.to_string(),
                Stamped {
                    value: v.to_value(),
                    hlc,
                },
            );
        }
    }
    for k in before.keys() {
        if !after.contains_key(k) {
            delta.insert(
                k.to_string(),
                Stamped {
                    value: Value::Null,
                    hlc,
                },
            );
        }
    }
    delta
}

/// Every field's stamp, the default (`""`) spelled out for each field of `value` (a field with
/// neither its own stamp nor a default has none).
pub fn full_stamps(kind: &str, value: &Value, stamps: &Stamps) -> Stamps {
    resolve(&flatten_ref(kind, value), stamps)
}

fn resolve(fields: &BTreeMap<Cow<'_, str>, FieldRef<'_>>, stamps: &Stamps) -> Stamps {
    let default = stamps.get("").copied();
    fields
        .keys()
        .filter_map(|k| {
            let h = stamps.get(k.as_ref()).copied().or(default)?;
            Some((k.to_string(), h))
        })
        .collect()
}

/// The same stamps in their smallest form: the stamp that most of `value`'s fields carry becomes
/// the default (`""`, the stamp of every field not listed) and only fields stamped otherwise are
/// listed. A completed visit whose thirty fields were all stamped by one change then stores one
/// stamp instead of thirty. Stamps of paths `value` no longer has (a removed sub-field) are kept
/// as they are. Every field of `value` resolves to the same stamp before and after; when one of
/// them has no stamp at all the stamps are returned unchanged (a default would give it one).
pub fn compact_stamps(kind: &str, value: &Value, stamps: &Stamps) -> Stamps {
    let fields = flatten_ref(kind, value);
    let full = resolve(&fields, stamps);
    if full.len() != fields.len() {
        return stamps.clone();
    }
    let mut counts: Vec<(Hlc, usize)> = Vec::new();
    for h in full.values() {
        match counts.iter_mut().find(|(c, _)| c == h) {
            Some((_, n)) => *n += 1,
            None => counts.push((*h, 1)),
        }
    }
    // The most common stamp; among equally common ones the latest, so the choice is the same
    // on every device.
    let Some((common, _)) = counts.into_iter().max_by_key(|(h, n)| (*n, *h)) else {
        return stamps.clone();
    };
    let removed = stamps
        .iter()
        .filter(|(k, _)| !k.is_empty() && !fields.contains_key(k.as_str()));
    let mut out: Stamps = full.into_iter().filter(|(_, h)| *h != common).collect();
    out.extend(removed.map(|(k, h)| (k.clone(), *h)));
    out.insert(String::new(), common);
    out
}

/// Applies `delta` to a flattened record and its stamps. Returns whether anything changed.
pub fn apply(
    kind: &str,
    fields: &mut BTreeMap<String, Value>,
    stamps: &mut Stamps,
    delta: &Delta,
) -> bool {
    let mut changed = false;
    for (k, incoming) in delta {
        if grow_only_set(kind, k) {
            changed |= union_by_id(
                fields.entry(k.clone()).or_insert(Value::Array(Vec::new())),
                &incoming.value,
            );
            let s = stamps.entry(k.clone()).or_insert(incoming.hlc);
            if incoming.hlc > *s {
                *s = incoming.hlc;
            }
            continue;
        }
        let newer = stamps.get(k).is_none_or(|s| incoming.hlc > *s);
        if newer {
            stamps.insert(k.clone(), incoming.hlc);
            if fields.get(k) != Some(&incoming.value) {
                fields.insert(k.clone(), incoming.value.clone());
                changed = true;
            }
        }
    }
    changed
}

/// The order of a grow-only history: when (`at`, parsed, so `09:00:00Z` and `09:00:00.5Z` compare
/// as times), then the id.
pub fn history_key(v: &Value) -> (Option<chrono::DateTime<chrono::FixedOffset>>, String) {
    let at = v
        .get("at")
        .and_then(Value::as_str)
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok());
    (at, v.get("id").map(Value::to_string).unwrap_or_default())
}

fn union_by_id(current: &mut Value, incoming: &Value) -> bool {
    let (Value::Array(cur), Value::Array(inc)) = (current, incoming) else {
        return false;
    };
    let mut changed = false;
    for item in inc {
        let id = item.get("id");
        if !cur.iter().any(|c| c.get("id") == id) {
            cur.push(item.clone());
            changed = true;
        }
    }
    // A canonical order, so every replica holds the same value: by time, then id.
    cur.sort_by_key(history_key);
    changed
}

/// Rebuilds the record value from its flattened fields, then computes the derived fields.
///
/// A nested field whose parent was set to `null` at or after its sub-fields were written is `null`;
/// otherwise the sub-fields form the object.
pub fn materialize(kind: &str, fields: &BTreeMap<String, Value>, stamps: &Stamps) -> Value {
    let mut out = Map::new();
    let mut subs: BTreeMap<&str, Map<String, Value>> = BTreeMap::new();
    let mut sub_stamp: BTreeMap<&str, Hlc> = BTreeMap::new();
    for (k, v) in fields {
        if let Some((parent, child)) = k.split_once('.') {
            if nested(kind, parent) {
                subs.entry(parent)
                    .or_default()
                    .insert(child.to_string(), v.clone());
                if let Some(s) = stamps.get(k) {
                    let e = sub_stamp.entry(parent).or_insert(*s);
                    if *s > *e {
                        *e = *s;
                    }
                }
                continue;
            }
        }
        out.insert(k.clone(), v.clone());
    }
    for (parent, obj) in subs {
        let parent_is_null = out.get(parent).is_some_and(Value::is_null);
        let parent_newer = match (stamps.get(parent), sub_stamp.get(parent)) {
            (Some(p), Some(s)) => p >= s,
            _ => false,
        };
        if !(parent_is_null && parent_newer) {
            out.insert(parent.to_string(), Value::Object(obj));
        }
    }
    if kind == "case" {
        let (rag, review) = current_rag(out.get("rag_history"));
        if let Some(rag) = rag {
            out.insert("rag".into(), rag);
        }
        out.insert("rag_review".into(), Value::Bool(review));
    }
    Value::Object(out)
}

const SEVERITY: [&str; 3] = ["green", "amber", "red"];

/// The current RAG rating from its history: among the changes no other change supersedes, the most
/// severe; and whether those current changes disagree (concurrent changes: flag for review).
pub fn current_rag(history: Option<&Value>) -> (Option<Value>, bool) {
    let Some(Value::Array(changes)) = history else {
        return (None, false);
    };
    let superseded: Vec<&Value> = changes
        .iter()
        .filter_map(|c| c.get("supersedes").and_then(Value::as_array))
        .flatten()
        .collect();
    let leaves: Vec<&Value> = changes
        .iter()
        .filter(|c| c.get("id").is_none_or(|id| !superseded.contains(&id)))
        .collect();
    let rank = |c: &Value| {
        c.get("to")
            .and_then(Value::as_str)
            .and_then(|r| SEVERITY.iter().position(|s| *s == r))
    };
    let best = leaves
        .iter()
        .copied()
        .max_by_key(|c| rank(c))
        .and_then(|c| c.get("to").cloned());
    let distinct: std::collections::BTreeSet<Option<usize>> =
        leaves.iter().map(|c| rank(c)).collect();
    (best, distinct.len() > 1)
}

#[cfg(test)]
mod tests;
