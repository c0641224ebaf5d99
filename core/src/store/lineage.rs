//! The day list's read: the records carrying a blind tag (a day's visits), each with its ancestors
//! (case, child, household), and every group they belong to checked against its digest — in the
//! same few statements whatever the day holds: one for the tagged records, one per generation of
//! ancestors (with the siblings its check needs) and one for all the stored digests.

use super::digest::{self, Digest, GroupKey};
use super::records::{row_to_raw, tampered_id, Kind, RawRecord, Records, RAW_COLUMNS};
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
struct Expected {
    group: GroupKey,
    digest: Digest,
    kind: Kind,
    /// The id reported when it differs (the group's parent, or the record of an own group).
    named: Option<[u8; 16]>,
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
            let found = match check {
                Check::Siblings => {
                    let mut rows = self.with_siblings(generation_kind, &wanted)?;
                    self.expect_parent_groups(generation_kind, &rows, &mut expected);
                    rows.retain(|id, _| wanted.binary_search(id).is_ok());
                    rows
                }
                Check::Own => {
                    let rows = self.by_ids(generation_kind, &wanted)?;
                    for raw in rows.values() {
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
                    rows
                }
            };
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

    /// The rows of `kind` with these ids (a row relabelled to another kind is not found).
    fn by_ids(
        &self,
        kind: Kind,
        ids: &[[u8; 16]],
    ) -> Result<HashMap<[u8; 16], RawRecord>, StoreError> {
        let places = ["?"; WIDTH].join(", ");
        // `+kind`: the kind filters the rows found by id; it must not steer the look-up onto
        // the (kind, parent) index (a scan of every record of the kind).
        let sql = format!(
            "SELECT {RAW_COLUMNS} FROM records WHERE +kind = '{}' AND id IN ({places})",
            kind.name()
        );
        self.rows_for_ids(&sql, ids)
    }

    /// The rows of `kind` with these ids and every other row of `kind` under the same parents
    /// (their siblings, read without their sealed bodies): what their parents' groups hold.
    fn with_siblings(
        &self,
        kind: Kind,
        ids: &[[u8; 16]],
    ) -> Result<HashMap<[u8; 16], RawRecord>, StoreError> {
        let places = (1..=WIDTH)
            .map(|i| format!("?{i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT id, CASE WHEN id IN ({places}) THEN body ELSE X'' END AS body, key_id, \
             format, version, parent, tag FROM records WHERE kind = '{kind}' AND parent IN \
             (SELECT parent FROM records WHERE +kind = '{kind}' AND id IN ({places}))",
            kind = kind.name()
        );
        self.rows_for_ids(&sql, ids)
    }

    /// Runs `sql` (with [`WIDTH`] places for ids) over `ids` in chunks; a row returned by two
    /// chunks is kept once, with its body if either read it.
    fn rows_for_ids(
        &self,
        sql: &str,
        ids: &[[u8; 16]],
    ) -> Result<HashMap<[u8; 16], RawRecord>, StoreError> {
        let mut out: HashMap<[u8; 16], RawRecord> = HashMap::with_capacity(ids.len());
        let mut stmt = self.conn.prepare_cached(sql)?;
        for chunk in ids.chunks(WIDTH) {
            let mut params: [Option<&[u8]>; WIDTH] = [None; WIDTH];
            for (p, id) in params.iter_mut().zip(chunk) {
                *p = Some(&id[..]);
            }
            for raw in stmt.query_map(params, row_to_raw)? {
                let raw = raw??;
                match out.get(&raw.id) {
                    Some(kept) if raw.body.is_empty() || !kept.body.is_empty() => {}
                    _ => {
                        out.insert(raw.id, raw);
                    }
                }
            }
        }
        Ok(out)
    }

    /// The digest of each parent's group that `rows` (every member of those groups) give.
    fn expect_parent_groups(
        &self,
        kind: Kind,
        rows: &HashMap<[u8; 16], RawRecord>,
        expected: &mut Vec<Expected>,
    ) {
        let mut groups: HashMap<Option<[u8; 16]>, Digest> = HashMap::new();
        for raw in rows.values() {
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
    fn check_digests(&self, expected: &[Expected]) -> Result<(), StoreError> {
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
