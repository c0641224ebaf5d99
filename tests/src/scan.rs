//! Byte scans of every file in a store directory, for strings that must never be there.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One needle found in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The file.
    pub file: PathBuf,
    /// What was being looked for (a description, e.g. the field name).
    pub what: String,
    /// The byte offset of the first occurrence.
    pub offset: usize,
}

/// Every regular file under `dir`, recursively, sorted.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(p),
                Ok(t) if t.is_file() => out.push(p),
                _ => {}
            }
        }
    }
    out.sort();
    out
}

const PREFIX: usize = 4;

/// Looks for each (description, needle) in every file under `dir`, ignoring ASCII case. Needles
/// are searched as UTF-8 and as UTF-16LE. Each needle must be at least four bytes long.
pub fn scan(dir: &Path, needles: &[(String, Vec<u8>)]) -> Vec<Hit> {
    // Every needle (lower-cased, in both encodings) indexed by its first bytes, so each file is
    // walked once whatever the number of needles.
    let mut index: HashMap<[u8; PREFIX], Vec<(usize, Vec<u8>)>> = HashMap::new();
    for (i, (what, needle)) in needles.iter().enumerate() {
        assert!(
            needle.len() >= PREFIX,
            "needle {what} is too short to scan for"
        );
        let lower = needle.to_ascii_lowercase();
        let utf16: Vec<u8> = String::from_utf8_lossy(&lower)
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        for n in [lower, utf16] {
            let mut key = [0u8; PREFIX];
            key.copy_from_slice(&n[..PREFIX]);
            index.entry(key).or_default().push((i, n));
        }
    }
    let mut hits = Vec::new();
    for file in files(dir) {
        let Ok(bytes) = std::fs::read(&file) else {
            continue;
        };
        let hay = bytes.to_ascii_lowercase();
        let mut found: Vec<Option<usize>> = vec![None; needles.len()];
        for at in 0..hay.len().saturating_sub(PREFIX - 1) {
            let mut key = [0u8; PREFIX];
            key.copy_from_slice(&hay[at..at + PREFIX]);
            if let Some(candidates) = index.get(&key) {
                for (i, n) in candidates {
                    if found[*i].is_none() && hay[at..].starts_with(n) {
                        found[*i] = Some(at);
                    }
                }
            }
        }
        for (i, offset) in found.into_iter().enumerate() {
            if let Some(offset) = offset {
                hits.push(Hit {
                    file: file.clone(),
                    what: needles[i].0.clone(),
                    offset,
                });
            }
        }
    }
    hits
}

/// Looks for `needle` exactly (case-sensitive, raw bytes) in every file under `dir`.
pub fn contains_bytes(dir: &Path, needle: &[u8]) -> Vec<PathBuf> {
    files(dir)
        .into_iter()
        .filter(|f| {
            std::fs::read(f)
                .is_ok_and(|b| !needle.is_empty() && b.windows(needle.len()).any(|w| w == needle))
        })
        .collect()
}
