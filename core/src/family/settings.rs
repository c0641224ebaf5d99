//! The service's details printed on every family copy: how to reach the practitioner, the
//! out-of-hours number, how to complain. Settings of the device, with placeholders that say they
//! are settings until someone fills them in.

use crate::domain::{optional_text, InputError};

/// The placeholder's marker: text that starts with it is a setting nobody has filled in.
pub const PLACEHOLDER_MARK: &str = "[Setting not filled in:";

/// The family copy's service details.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FamilyCopySettings {
    /// How the family reaches the practitioner (work phone, email, office hours).
    pub contact: String,
    /// The out-of-hours number and when to use it.
    pub out_of_hours: String,
    /// How to complain, and to whom.
    pub complaints: String,
}

impl Default for FamilyCopySettings {
    fn default() -> Self {
        Self {
            contact: format!(
                "{PLACEHOLDER_MARK} the practitioner's work phone and email (setting \"contact\")]"
            ),
            out_of_hours: format!(
                "{PLACEHOLDER_MARK} the service's out-of-hours number (setting \"out_of_hours\")]"
            ),
            complaints: format!(
                "{PLACEHOLDER_MARK} how to complain and to whom (setting \"complaints\")]"
            ),
        }
    }
}

impl FamilyCopySettings {
    /// Validates new settings: each is required, up to the usual length of free text.
    pub fn build(contact: &str, out_of_hours: &str, complaints: &str) -> Result<Self, InputError> {
        let field = |name: &'static str, v: &str| {
            optional_text(name, Some(v))?.ok_or(InputError::Required { field: name })
        };
        Ok(Self {
            contact: field("contact", contact)?,
            out_of_hours: field("out of hours", out_of_hours)?,
            complaints: field("complaints", complaints)?,
        })
    }

    /// The settings still showing their placeholder, by name.
    pub fn unset(&self) -> Vec<&'static str> {
        [
            ("contact", &self.contact),
            ("out_of_hours", &self.out_of_hours),
            ("complaints", &self.complaints),
        ]
        .into_iter()
        .filter(|(_, v)| v.starts_with(PLACEHOLDER_MARK))
        .map(|(n, _)| n)
        .collect()
    }
}
