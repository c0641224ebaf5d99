//! Case notes: legal records. Append-only; a correction is an amendment that keeps the original;
//! every note is linked into a per-case hash chain so that an edit or deletion of history shows.

use super::{CaseId, DeviceId, NoteId, PractitionerId};
use chrono::{DateTime, Utc};
use ring::digest::{Context, SHA256};

/// The newest link of a case's note chain: how many notes it holds and the last note's hash.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChainHead {
    /// Notes and amendments in the chain.
    pub count: u64,
    /// Hash of the newest one (all zeroes for an empty chain).
    #[serde(with = "hex::serde")]
    pub hash: [u8; 32],
}

/// A note or an amendment of one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Note {
    /// Random id.
    pub id: NoteId,
    /// The case.
    pub case_id: CaseId,
    /// Author.
    pub author_id: PractitionerId,
    /// Author's name at the time of writing.
    pub author_name: String,
    /// The device it was written on.
    pub device_id: DeviceId,
    /// When it was written.
    pub written_at: DateTime<Utc>,
    /// The text.
    pub text: String,
    /// Marked significant: shown in the chronology.
    pub significant: bool,
    /// The note this one corrects, for an amendment.
    pub amends: Option<NoteId>,
    /// Position in the case's chain, from 0.
    pub position: u64,
    /// Hash of the previous link.
    #[serde(with = "hex::serde")]
    pub prev_hash: [u8; 32],
    /// This link's hash, over every field above.
    #[serde(with = "hex::serde")]
    pub hash: [u8; 32],
}

impl Note {
    /// Computes the chain hash over every field but `hash` itself.
    pub fn compute_hash(&self) -> [u8; 32] {
        let mut ctx = Context::new(&SHA256);
        let mut field = |bytes: &[u8]| {
            ctx.update(&(bytes.len() as u64).to_be_bytes());
            ctx.update(bytes);
        };
        field(b"doorstep.note.v1");
        field(&self.prev_hash);
        field(&self.position.to_be_bytes());
        field(self.id.0.as_bytes());
        field(self.case_id.0.as_bytes());
        field(self.author_id.0.as_bytes());
        field(self.author_name.as_bytes());
        field(self.device_id.0.as_bytes());
        field(self.written_at.to_rfc3339().as_bytes());
        field(self.text.as_bytes());
        field(&[u8::from(self.significant)]);
        field(
            self.amends
                .map(|a| *a.0.as_bytes())
                .as_ref()
                .map_or(&[][..], |b| &b[..]),
        );
        let mut out = [0u8; 32];
        out.copy_from_slice(ctx.finish().as_ref());
        out
    }

    /// The chain head after this note.
    pub fn head(&self) -> ChainHead {
        ChainHead {
            count: self.position + 1,
            hash: self.hash,
        }
    }
}

/// A note with its amendments, oldest first. The original is never replaced.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NoteThread {
    /// The note as first written.
    pub original: Note,
    /// Corrections, oldest first.
    pub amendments: Vec<Note>,
}

impl NoteThread {
    /// The text as it now stands: the newest amendment, or the original.
    pub fn current_text(&self) -> &str {
        self.amendments
            .last()
            .map_or(&self.original.text, |a| &a.text)
    }

    /// Whether the newest version is marked significant.
    pub fn is_significant(&self) -> bool {
        self.amendments
            .last()
            .map_or(self.original.significant, |a| a.significant)
    }
}

/// Groups a case's notes into threads of an original and its amendments, oldest first (by time
/// written, then by device chain), whatever order they arrived in.
pub fn threads(mut notes: Vec<Note>) -> Vec<NoteThread> {
    notes.sort_by(|a, b| {
        (a.written_at, a.device_id, a.position).cmp(&(b.written_at, b.device_id, b.position))
    });
    let (originals, amendments): (Vec<Note>, Vec<Note>) =
        notes.into_iter().partition(|n| n.amends.is_none());
    let mut out: Vec<NoteThread> = originals
        .into_iter()
        .map(|original| NoteThread {
            original,
            amendments: Vec::new(),
        })
        .collect();
    for n in amendments {
        match n
            .amends
            .and_then(|a| out.iter_mut().find(|t| t.original.id == a))
        {
            Some(t) => t.amendments.push(n),
            // An amendment whose original has not arrived yet is still shown, on its own.
            None => out.push(NoteThread {
                original: n,
                amendments: Vec::new(),
            }),
        }
    }
    out
}
