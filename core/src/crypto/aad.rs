//! The associated data that binds a sealed record to its place.

use super::KeyId;

/// Where a sealed value lives: a ciphertext copied to another row, table or store fails to open.
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
        out
    }
}
