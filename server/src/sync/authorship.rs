//! The server decides who wrote what: every author field an operation carries is checked against
//! the authenticated device, a note must continue its device's hash chain on the case at the head
//! the server holds, and no field is longer than the app itself allows.

use super::reject;
use crate::auth::DeviceAuth;
use doorstep_core::domain::{ChainHead, Note, MAX_TEXT_CHARS};
use doorstep_core::sync::protocol::{OpResult, Operation};
use serde_json::Value;

/// Refusal of an operation whose author fields name someone other than the authenticated device.
pub(super) fn wrong_author(op: &Operation) -> OpResult {
    reject(
        op,
        "wrong_author",
        "the author of this change is not this device's practitioner",
    )
}

/// Whether some string in the operation's fields is longer than the app accepts
/// ([`MAX_TEXT_CHARS`]), or a field nests deeper than any record does.
pub(super) fn oversized(op: &Operation) -> bool {
    fn too_big(v: &Value, depth: u8) -> bool {
        match v {
            Value::String(s) => s.len() > MAX_TEXT_CHARS && s.chars().count() > MAX_TEXT_CHARS,
            Value::Array(items) => depth > 3 || items.iter().any(|i| too_big(i, depth + 1)),
            Value::Object(m) => {
                depth > 3
                    || m.iter()
                        .any(|(k, v)| k.len() > MAX_TEXT_CHARS || too_big(v, depth + 1))
            }
            _ => false,
        }
    }
    op.delta
        .iter()
        .any(|(k, s)| k.len() > MAX_TEXT_CHARS || too_big(&s.value, 0))
}

/// The author fields of a change to a case: a device may move only its own note-chain head, and
/// may add RAG changes only in its practitioner's name (`stored`: the case's RAG history before).
pub(super) fn case_author_error(
    op: &Operation,
    auth: &DeviceAuth,
    stored: Option<&Value>,
) -> Option<OpResult> {
    for (key, s) in &op.delta {
        if let Some(device) = key.strip_prefix("notes_heads.") {
            if device != auth.device_id {
                return Some(wrong_author(op));
            }
        }
        if key == "rag_history" {
            let known = |id: &Value| {
                stored
                    .and_then(Value::as_array)
                    .is_some_and(|h| h.iter().any(|c| c.get("id") == Some(id)))
            };
            let Some(items) = s.value.as_array() else {
                continue;
            };
            let forged = items.iter().any(|c| {
                let by = c.get("by").and_then(Value::as_str);
                match c.get("id") {
                    Some(id) if known(id) => false,
                    _ => by != Some(auth.practitioner_id.as_str()),
                }
            });
            if forged {
                return Some(wrong_author(op));
            }
        }
    }
    None
}

/// A new note, as its operation carries it, checked: its author, author name and device are the
/// authenticated device's, its hash matches its content, and it is the next link of its device's
/// chain on the case (`head`: the chain's head on the server). Returns the chain's new head, or
/// the refusal.
pub(super) fn check_note(
    op: &Operation,
    auth: &DeviceAuth,
    head: ChainHead,
) -> Result<ChainHead, OpResult> {
    let fields: serde_json::Map<String, Value> = op
        .delta
        .iter()
        .map(|(k, s)| (k.clone(), s.value.clone()))
        .collect();
    let invalid = |why: &str| reject(op, "invalid", why);
    let Ok(note) = serde_json::from_value::<Note>(Value::Object(fields)) else {
        return Err(invalid("not a complete note"));
    };
    // No field beyond the note's own: nothing rides along unchecked.
    let expected = serde_json::to_value(&note).unwrap_or(Value::Null);
    let extra = op.delta.keys().any(|k| expected.get(k.as_str()).is_none());
    if extra {
        return Err(invalid("a note carries only its own fields"));
    }
    if note.id.0 != op.record_id || Some(note.case_id.0) != op.case_id {
        return Err(invalid("the note's ids do not match the change"));
    }
    if note.author_id.to_string() != auth.practitioner_id
        || note.author_name != auth.practitioner_name
        || note.device_id.to_string() != auth.device_id
    {
        return Err(wrong_author(op));
    }
    if note.compute_hash() != note.hash {
        return Err(reject(
            op,
            "chain_break",
            "the note does not match its hash",
        ));
    }
    if note.position != head.count || note.prev_hash != head.hash {
        return Err(reject(
            op,
            "chain_break",
            "the note does not follow this device's last note on the case",
        ));
    }
    Ok(note.head())
}
