//! The demo's family copy: the morning's home visit summarised for the mother, reviewed, then
//! written as an accessible PDF beside the demo store.

use super::section;
use crate::outln;
use anyhow::{anyhow, Result};
use doorstep_core::domain::{FamilyAction, FamilyShare, PersonRole, ShareableAnswer, Visit};
use doorstep_core::family::FamilyCopySettings;
use doorstep_core::Store;
use std::path::Path;

/// What the demo's family copy came to.
#[derive(Debug, serde::Serialize)]
pub struct CopyResult {
    /// Where the PDF was written.
    pub pdf: std::path::PathBuf,
    /// Its size in bytes.
    pub bytes: usize,
    /// Lines printed in it.
    pub printed_lines: usize,
    /// Things left out of it, with reasons.
    pub withheld: usize,
}

/// Marks the visit's concerns and agreed actions for sharing, reviews the copy and writes it.
pub fn show(store: &Store, dir: &Path, visit: &Visit, human: bool) -> Result<CopyResult> {
    section(
        human,
        "21. A copy for the family of the morning's home visit",
    );
    store.set_family_copy_settings(&FamilyCopySettings {
        contact: "Call the North health visiting team on 01632 960 111, Monday to Friday 9am to 5pm."
            .into(),
        out_of_hours: "Call NHS 111 in the evening and at weekends.".into(),
        complaints: "Ask for the Patient Advice and Liaison Service (PALS) on 01632 960 222, or write to PALS, Town Hall.".into(),
    })?;
    let case = store.case(visit.case_id)?;
    let mother = store
        .people(case.household_id)?
        .into_iter()
        .find(|p| p.role == PersonRole::ParentCarer)
        .ok_or_else(|| anyhow!("the demo family has no parent or carer"))?;
    let by = doorstep_core::time::local_date(store.clock().now()) + chrono::Duration::days(14);
    store.set_family_share(
        visit.id,
        FamilyShare {
            answers: vec![ShareableAnswer::Concerns, ShareableAnswer::ActionsAgreed],
            notes: Vec::new(),
            actions: vec![FamilyAction {
                what: "Take the baby to the clinic to be weighed".into(),
                owner: mother.name.clone(),
                by: Some(by),
            }],
        },
    )?;
    let review = store.family_summary(visit.id, mother.id)?;
    let copy = store.give_family_copy(visit.id, mother.id, false, &review.fingerprint)?;
    // Beside the store, not in it: the copy is the family's, in the clear.
    let name = dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("doorstep");
    let pdf = dir.with_file_name(format!("{name}-family-copy.pdf"));
    std::fs::write(&pdf, &copy.pdf)?;
    if human {
        outln!(
            "The morning's home visit, for {}: {} printed lines, {} things left out (not marked, other adults, internal ratings, unannounced plans).",
            review.recipient_name,
            review.printed_lines().len(),
            review.withheld.len()
        );
        outln!(
            "Written as an accessible PDF (tagged, font embedded): {}",
            pdf.display()
        );
    }
    Ok(CopyResult {
        pdf,
        bytes: copy.pdf.len(),
        printed_lines: review.printed_lines().len(),
        withheld: review.withheld.len(),
    })
}
