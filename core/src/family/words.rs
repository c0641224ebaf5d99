//! The words a family reads about who visited and how to reach them.

use super::settings::FamilyCopySettings;
use crate::domain::{Agency, Practitioner};

/// The practitioner's role in plain words: "health visitor", "social worker", ...
pub fn role_words(agency: Agency) -> &'static str {
    match agency {
        Agency::HealthVisiting => "health visitor",
        Agency::SocialCare => "social worker",
        Agency::Midwifery => "midwife",
        Agency::Gp => "doctor (GP)",
        Agency::Police => "police officer",
        Agency::Education => "education worker",
        Agency::Housing => "housing officer",
        Agency::Paediatrics => "children's doctor (paediatrician)",
    }
}

/// The practitioner's service: "the health visiting service (North team)".
pub fn service_words(p: &Practitioner) -> String {
    let agency = match p.agency {
        Agency::HealthVisiting => "the health visiting service",
        Agency::SocialCare => "children's social care",
        Agency::Midwifery => "the midwifery service",
        Agency::Gp => "your GP practice",
        Agency::Police => "the police",
        Agency::Education => "the education service",
        Agency::Housing => "the housing service",
        Agency::Paediatrics => "the children's hospital service",
    };
    match &p.team {
        Some(team) => format!("{agency} ({team})"),
        None => agency.to_string(),
    }
}

/// The closing sections: how to reach the practitioner, out of hours, how to complain.
pub fn contact_words(
    p: &Practitioner,
    settings: &FamilyCopySettings,
) -> Vec<(&'static str, Vec<String>)> {
    vec![
        (
            "How to reach me",
            vec![
                format!("{}, {}.", p.name, role_words(p.agency)),
                settings.contact.clone(),
                format!(
                    "This is your copy to keep. If anything in it is wrong, please tell {}.",
                    p.name
                ),
            ],
        ),
        (
            "Out of hours",
            vec![
                settings.out_of_hours.clone(),
                "If a child is in danger right now, call 999.".to_string(),
            ],
        ),
        (
            "If you are unhappy with our service",
            vec![settings.complaints.clone()],
        ),
    ]
}
