//! The practitioner who uses the device.

use super::input::{optional, required, InputError, MAX_NAME_CHARS};
use super::PractitionerId;

/// The agencies of the multi-agency partnership.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Agency {
    /// Health visiting (0–5 public health nursing).
    HealthVisiting,
    /// Children's social care.
    SocialCare,
    /// Midwifery.
    Midwifery,
    /// General practice.
    Gp,
    /// Police.
    Police,
    /// Education (schools, early years).
    Education,
    /// Housing.
    Housing,
    /// Paediatrics.
    Paediatrics,
}

impl Agency {
    /// Every agency, in display order.
    pub const ALL: [Agency; 8] = [
        Agency::HealthVisiting,
        Agency::SocialCare,
        Agency::Midwifery,
        Agency::Gp,
        Agency::Police,
        Agency::Education,
        Agency::Housing,
        Agency::Paediatrics,
    ];

    /// The stable machine name (`health_visiting`, ...).
    pub fn code(&self) -> &'static str {
        match self {
            Agency::HealthVisiting => "health_visiting",
            Agency::SocialCare => "social_care",
            Agency::Midwifery => "midwifery",
            Agency::Gp => "gp",
            Agency::Police => "police",
            Agency::Education => "education",
            Agency::Housing => "housing",
            Agency::Paediatrics => "paediatrics",
        }
    }

    /// Parses a machine name.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }
}

/// A practitioner's profile.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Practitioner {
    /// Random id.
    pub id: PractitionerId,
    /// Full name.
    pub name: String,
    /// Their agency.
    pub agency: Agency,
    /// Team or base, if given.
    pub team: Option<String>,
}

/// What is needed to create a practitioner profile.
#[derive(Debug, Clone)]
pub struct NewPractitioner {
    /// Full name.
    pub name: String,
    /// Their agency.
    pub agency: Agency,
    /// Team or base.
    pub team: Option<String>,
}

impl NewPractitioner {
    /// Validates the input and gives the profile a new id.
    pub fn build(self) -> Result<Practitioner, InputError> {
        Ok(Practitioner {
            id: PractitionerId::random(),
            name: required("name", &self.name, MAX_NAME_CHARS)?,
            agency: self.agency,
            team: optional("team", self.team.as_deref(), MAX_NAME_CHARS)?,
        })
    }
}
