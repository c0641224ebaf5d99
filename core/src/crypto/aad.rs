//! The associated data that binds a sealed record to its place.

use super::KeyId;

/// Where a sealed value lives: a ciphertext copied to another row, table or store, or put back in
/// place of a newer version of itself, or moved to another parent or day tag, fails to open.
#[derive(Debug, Clone, Copy)]
pub struct RecordAad<'a> {
    /// The store's random id.
    pub store_id: &'a [u8; 16],
    /// The logical table (record kind).
    pub table: &'a str,
    /// The record's random id.
    pub record_id: &'a [u8; 16],
    /// The data key that sealed it.
    pub key_id: KeyId,
    /// The record format version it was written in.
    pub schema_version: u32,
    /// How many times the record has been written (1 for a new record).
    pub version: u64,
    /// The record it belongs to (clear `parent` column), if any.
    pub parent: Option<&'a [u8; 16]>,
    /// Its blind tag (clear `tag` column), if any.
    pub tag: Option<&'a [u8; 16]>,
}

impl RecordAad<'_> {
    /// A length-prefixed, unambiguous encoding of every field.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + self.table.len());
        out.extend_from_slice(b"doorstep.record.v1");
        out.extend_from_slice(self.store_id);
        out.extend_from_slice(&(self.table.len() as u32).to_be_bytes());
        out.extend_from_slice(self.table.as_bytes());
        out.extend_from_slice(self.record_id);
        out.extend_from_slice(&self.key_id.0.to_be_bytes());
        out.extend_from_slice(&self.schema_version.to_be_bytes());
        out.extend_from_slice(&self.version.to_be_bytes());
        for optional in [self.parent, self.tag] {
            match optional {
                Some(v) => {
                    out.push(1);
                    out.extend_from_slice(v);
                }
                None => out.push(0),
            }
        }
        out
    }
}
