//! Finding a record from a full id or a unique prefix of one, as people type them.

use anyhow::{anyhow, bail, Result};
use doorstep_core::domain::{CaseId, HouseholdId, NoteId, PersonId, VisitId};
use doorstep_core::Store;
use std::str::FromStr;

/// The fewest hex characters a prefix may have.
pub const MIN_PREFIX: usize = 6;

/// Lower-case hex digits without dashes, or `None` if anything else was typed.
fn normalise(s: &str) -> Option<String> {
    let t: String = s.trim().chars().filter(|c| *c != '-').collect();
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    Some(t.to_ascii_lowercase())
}

/// Picks the one id among `candidates` that starts with the typed prefix.
pub fn pick<T: Copy + std::fmt::Display>(
    what: &str,
    typed: &str,
    candidates: impl IntoIterator<Item = T>,
) -> Result<T> {
    let prefix = normalise(typed).ok_or_else(|| anyhow!("not a valid {what} id"))?;
    if prefix.len() < MIN_PREFIX {
        bail!("{what} id too short: give at least {MIN_PREFIX} characters");
    }
    let mut found = candidates
        .into_iter()
        .filter(|c| c.to_string().replace('-', "").starts_with(&prefix));
    let first = found
        .next()
        .ok_or_else(|| anyhow!("no {what} with that id"))?;
    if found.next().is_some() {
        bail!("more than one {what} id starts with that: type more of it");
    }
    Ok(first)
}

/// A full id, parsed directly, when one was typed.
fn full<T: FromStr>(typed: &str) -> Option<T> {
    let t = typed.trim();
    if t.len() >= 32 {
        t.parse().ok()
    } else {
        None
    }
}

/// A household.
pub fn household(store: &Store, typed: &str) -> Result<HouseholdId> {
    if let Some(id) = full::<HouseholdId>(typed) {
        return Ok(store.household(id)?.id);
    }
    pick(
        "household",
        typed,
        store.households()?.into_iter().map(|h| h.id),
    )
}

/// A person, in any household.
pub fn person(store: &Store, typed: &str) -> Result<PersonId> {
    if let Some(id) = full::<PersonId>(typed) {
        return Ok(store.person(id)?.id);
    }
    let mut all = Vec::new();
    for h in store.households()? {
        all.extend(store.people(h.id)?.into_iter().map(|p| p.id));
    }
    pick("person", typed, all)
}

/// A case.
pub fn case(store: &Store, typed: &str) -> Result<CaseId> {
    if let Some(id) = full::<CaseId>(typed) {
        return Ok(store.case(id)?.id);
    }
    pick("case", typed, store.cases()?.into_iter().map(|c| c.id))
}

/// A visit, on any case.
pub fn visit(store: &Store, typed: &str) -> Result<VisitId> {
    if let Some(id) = full::<VisitId>(typed) {
        return Ok(store.visit(id)?.id);
    }
    let mut all = Vec::new();
    for c in store.cases()? {
        all.extend(store.visits_for_case(c.id)?.into_iter().map(|v| v.id));
    }
    pick("visit", typed, all)
}

/// A note or amendment, on any case.
pub fn note(store: &Store, typed: &str) -> Result<NoteId> {
    let mut all = Vec::new();
    for c in store.cases()? {
        for t in store.notes(c.id)? {
            all.push(t.original.id);
            all.extend(t.amendments.iter().map(|a| a.id));
        }
    }
    if let Some(id) = full::<NoteId>(typed) {
        return all
            .into_iter()
            .find(|n| *n == id)
            .ok_or_else(|| anyhow!("no note with that id"));
    }
    pick("note", typed, all)
}

#[cfg(test)]
mod tests {
    use super::*;
    use doorstep_core::domain::CaseId;

    #[test]
    fn prefixes() {
        let a = CaseId("a1b2c3d4-0000-4000-8000-000000000001".parse().unwrap());
        let b = CaseId("a1b2c3ff-0000-4000-8000-000000000002".parse().unwrap());
        assert_eq!(pick("case", "A1B2C3D", [a, b]).unwrap(), a);
        assert!(pick("case", "a1b2c3", [a, b])
            .unwrap_err()
            .to_string()
            .contains("more than one"));
        assert!(pick("case", "a1b2c", [a, b])
            .unwrap_err()
            .to_string()
            .contains("too short"));
        assert!(pick("case", "ffffff", [a, b])
            .unwrap_err()
            .to_string()
            .contains("no case"));
        assert!(pick("case", "zzzzzz", [a, b])
            .unwrap_err()
            .to_string()
            .contains("not a valid"));
        assert_eq!(pick("case", "a1b2c3d4-00", [a, b]).unwrap(), a);
    }
}
