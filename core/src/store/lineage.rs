//! The day list's read: the records carrying a blind tag (a day's visits), each with its ancestors
//! (case, child, household), and every group they belong to checked against its digest — in the
//! same few statements whatever the day holds (four distinct ones, compiled once per connection):
//! the tagged records; the ancestors of every generation by id; the members of their parents'
//! groups, for the generations checked among their siblings; all the stored digests at once.

use super::digest::{self, Digest, GroupKey};
use super::records::{
    row_to_raw, row_to_raw_at, tampered_id, Kind, RawRecord, Records, MEMBER_COLUMNS, RAW_COLUMNS,
};
use super::StoreError;
use std::collections::HashMap;

/// How a generation of ancestors is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Against its parent's group, read with its siblings in the same statement (a case among
    /// its child's cases, a child among its household's people).
    Siblings,
    /// Against its own digest (a household: its parent group is every household on the phone).
    Own,
}

/// A record and its raw ancestors, nearest first (see `Records::tagged_with_ancestors`).
pub struct Lineage {
    /// The record.
    pub record: RawRecord,
    /// Its parent, grandparent and great-grandparent, when they exist.
    pub ancestors: [Option<RawRecord>; 3],
}

/// A group's digest as the rows read give it, to compare with the stored one.
pub(super) struct Expected {
    /// The group.
    pub(super) group: GroupKey,
    /// The digest of its rows as read.
    pub(super) digest: Digest,
    /// The kind of its records.
    pub(super) kind: Kind,
    /// The id reported when it differs (the group's parent, or the record of an own group).
    pub(super) named: Option<[u8; 16]>,
}

/// Ids bound per statement (unused places are NULL, which matches nothing), so that one cached
/// statement serves every call.
const WIDTH: usize = 8;
/// Group keys bound per digest statement.
const DIGESTS_WIDTH: usize = 16;

impl Records<'_> {
    /// Every record of `kind` carrying the blind tag `tag`, each with its parent, grandparent and
    /// great-grandparent of the kinds `ancestors` names (nearest first), found along the clear
    /// parent ids. Checked before anything is returned: the tagged records against their tag's
    /// group (none deleted, rolled back or moved to another day), and each generation of
    /// ancestors as its [`Check`] says; any difference is `Tampered`. A missing ancestor (or one
    /// relabelled to another kind) is `None`. The rows are not opened.
    pub fn tagged_with_ancestors(
        &self,
        kind: Kind,
        tag: [u8; 16],
        ancestors: [(Kind, Check); 3],
    ) -> Result<Vec<Lineage>, StoreError> {
        // The kind and tag are written into the statement as literals, not bound: the tag index
        // is partial (`WHERE tag IS NOT NULL`), and only a literal lets the planner use it with
        // plans that never depend on bound values. The statement is cached (a day's tag is the
        // same all day). Both are safe to inline: a fixed name and hex digits.
        let sql = format!(
            "SELECT {RAW_COLUMNS} FROM records WHERE kind = '{}' AND tag = X'{}' ORDER BY seq",
            kind.name(),
            hex::encode(tag)
        );
        let mut records = Vec::new();
        for raw in self.conn.prepare_cached(&sql)?.query_map([], row_to_raw)? {
            records.push(raw??);
        }
        let key = &self.keys.digest;
        let mut expected = Vec::new();
        let g = digest::tag_group(key, kind.name(), &tag);
        if !self.is_checked(&g) {
            let mut acc = [0u8; 32];
            for raw in &records {
                digest::xor_into(&mut acc, &self.contribution(kind, raw));
            }
            expected.push(Expected {
                group: g,
                digest: acc,
                kind,
                named: None,
            });
        }
        let mut generations: Vec<HashMap<[u8; 16], RawRecord>> = Vec::new();
        let mut wanted: Vec<[u8; 16]> = records.iter().filter_map(|r| r.parent).collect();
        for (generation_kind, check) in ancestors {
            wanted.sort_unstable();
            wanted.dedup();
            let found = self.by_ids(generation_kind, &wanted)?;
            match check {
                Check::Siblings => {
                    let mut parents: Vec<[u8; 16]> =
                        found.values().filter_map(|r| r.parent).collect();
                    parents.sort_unstable();
                    parents.dedup();
                    let members = self.children_of(generation_kind, &parents)?;
                    self.expect_parent_groups(generation_kind, &members, &mut expected);
                }
                Check::Own => {
                    for raw in found.values() {
                        let g = digest::own_group(key, generation_kind.name(), &raw.id);
                        if !self.is_checked(&g) {
                            expected.push(Expected {
                                group: g,
                                digest: self.contribution(generation_kind, raw),
                                kind: generation_kind,
                                named: Some(raw.id),
                            });
                        }
                    }
                }
            }
            wanted = found.values().filter_map(|r| r.parent).collect();
            generations.push(found);
        }
        self.check_digests(&expected)?;
        let mut out = Vec::with_capacity(records.len());
        for record in records {
            let mut ancestors: [Option<RawRecord>; 3] = [None, None, None];
            let mut next = record.parent;
            for (slot, generation) in ancestors.iter_mut().zip(&generations) {
                *slot = next.and_then(|id| generation.get(&id).cloned());
                next = slot.as_ref().and_then(|r| r.parent);
            }
            out.push(Lineage { record, ancestors });
        }
        Ok(out)
    }

    /// The rows of `kind` with these ids (a row relabelled to another kind is not found). One
    /// statement serves every kind: the kind is compared here, not in SQL, so that a day list
    /// compiles it once.
    fn by_ids(
        &self,
        kind: Kind,
        ids: &[[u8; 16]],
    ) -> Result<HashMap<[u8; 16], RawRecord>, StoreError> {
        let places = ["?"; WIDTH].join(", ");
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT kind, {RAW_COLUMNS} FROM records WHERE id IN ({places})"
        ))?;
        let mut out = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(WIDTH) {
            let mut params: [Option<&[u8]>; WIDTH] = [None; WIDTH];
            for (p, id) in params.iter_mut().zip(chunk) {
                *p = Some(&id[..]);
            }
            let mut rows = stmt.query(params)?;
            while let Some(row) = rows.next()? {
                if row.get_ref(0)?.as_str().ok() == Some(kind.name()) {
                    let raw = row_to_raw_at(row, 1)??;
                    out.insert(raw.id, raw);
                }
            }
        }
        Ok(out)
    }

    /// Every row of `kind` under these parents (the members of their groups).
    fn children_of(&self, kind: Kind, parents: &[[u8; 16]]) -> Result<Vec<RawRecord>, StoreError> {
        let places = (2..=WIDTH + 1)
            .map(|i| format!("?{i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {MEMBER_COLUMNS} FROM records WHERE kind = ?1 AND parent IN ({places})"
        ))?;
        let mut out = Vec::new();
        for chunk in parents.chunks(WIDTH) {
            let mut params: [Option<&[u8]>; WIDTH] = [None; WIDTH];
            for (p, id) in params.iter_mut().zip(chunk) {
                *p = Some(&id[..]);
            }
            let mut rows = stmt.query(rusqlite::params_from_iter(
                std::iter::once(&kind.name() as &dyn rusqlite::ToSql)
                    .chain(params.iter().map(|p| p as &dyn rusqlite::ToSql)),
            ))?;
            while let Some(row) = rows.next()? {
                out.push(row_to_raw_at(row, 0)??);
            }
        }
        Ok(out)
    }

    /// The digest of each parent's group that `rows` (every member of those groups) give.
    fn expect_parent_groups(&self, kind: Kind, rows: &[RawRecord], expected: &mut Vec<Expected>) {
        let mut groups: HashMap<Option<[u8; 16]>, Digest> = HashMap::new();
        for raw in rows {
            digest::xor_into(
                groups.entry(raw.parent).or_insert([0u8; 32]),
                &self.contribution(kind, raw),
            );
        }
        for (parent, acc) in groups {
            let g = digest::parent_group(&self.keys.digest, kind.name(), parent.as_ref());
            if !self.is_checked(&g) {
                expected.push(Expected {
                    group: g,
                    digest: acc,
                    kind,
                    named: parent,
                });
            }
        }
    }

    /// Compares the digests the rows gave with the stored ones, [`DIGESTS_WIDTH`] groups per
    /// statement (a value this transaction changed wins over the stored one); the groups that
    /// match are remembered as checked. The first that differs answers `Tampered`.
    pub(super) fn check_digests(&self, expected: &[Expected]) -> Result<(), StoreError> {
        if expected.is_empty() {
            return Ok(());
        }
        let places = ["?"; DIGESTS_WIDTH].join(", ");
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT grp, value FROM digests WHERE grp IN ({places})"
        ))?;
        for chunk in expected.chunks(DIGESTS_WIDTH) {
            let mut params: [Option<&[u8]>; DIGESTS_WIDTH] = [None; DIGESTS_WIDTH];
            for (p, e) in params.iter_mut().zip(chunk) {
                *p = Some(&e.group[..]);
            }
            let mut stored: Vec<(Vec<u8>, Vec<u8>)> = Vec::with_capacity(chunk.len());
            let mut rows = stmt.query(params)?;
            while let Some(row) = rows.next()? {
                stored.push((row.get(0)?, row.get(1)?));
            }
            for e in chunk {
                let want = match self.group_in_transaction(&e.group) {
                    Some(acc) => acc,
                    None => match stored.iter().find(|(g, _)| g[..] == e.group[..]) {
                        None => [0u8; 32],
                        Some((_, v)) => {
                            <Digest>::try_from(v.as_slice()).map_err(|_| StoreError::Corrupt {
                                detail: "a group digest has the wrong length".into(),
                            })?
                        }
                    },
                };
                if e.digest != want {
                    return Err(match e.named {
                        Some(id) => tampered_id(&id),
                        None => StoreError::Tampered {
                            record_id: format!("{}s", e.kind.name()),
                        },
                    });
                }
                self.mark_checked(e.group);
            }
        }
        Ok(())
    }
}
