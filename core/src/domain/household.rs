//! Households and the people in them.

use super::input::{optional, required, InputError, MAX_NAME_CHARS, MAX_TEXT_CHARS};
use super::{HouseholdId, PersonId};
use chrono::NaiveDate;

/// One address and what a visitor needs to know to get in.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Household {
    /// Random id.
    pub id: HouseholdId,
    /// The address (free text, one or more lines).
    pub address: String,
    /// Postcode, if known.
    pub postcode: Option<String>,
    /// Access notes: entry codes, dogs, which door, safety warnings.
    pub access_notes: Option<String>,
}

/// What is needed to add a household.
#[derive(Debug, Clone, Default)]
pub struct NewHousehold {
    /// The address.
    pub address: String,
    /// Postcode.
    pub postcode: Option<String>,
    /// Access notes.
    pub access_notes: Option<String>,
}

impl NewHousehold {
    /// Validates the input and gives the household a new id.
    pub fn build(self) -> Result<Household, InputError> {
        Ok(Household {
            id: HouseholdId::random(),
            address: required("address", &self.address, MAX_NAME_CHARS * 2)?,
            postcode: optional("postcode", self.postcode.as_deref(), 16)?,
            access_notes: optional("access notes", self.access_notes.as_deref(), MAX_TEXT_CHARS)?,
        })
    }
}

/// A person's place in the household.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonRole {
    /// A child (has a date of birth).
    Child,
    /// An unborn child (has an expected date of delivery).
    Unborn,
    /// A parent or carer.
    ParentCarer,
    /// Another adult known to live in or visit the home (a partner, a lodger, a relative).
    KnownAdult,
}

impl PersonRole {
    /// The stable machine name.
    pub fn code(&self) -> &'static str {
        match self {
            PersonRole::Child => "child",
            PersonRole::Unborn => "unborn",
            PersonRole::ParentCarer => "parent_carer",
            PersonRole::KnownAdult => "known_adult",
        }
    }

    /// Parses a machine name.
    pub fn from_code(code: &str) -> Option<Self> {
        [
            Self::Child,
            Self::Unborn,
            Self::ParentCarer,
            Self::KnownAdult,
        ]
        .into_iter()
        .find(|r| r.code() == code)
    }

    /// Whether this person is a child (born or unborn), who can be the subject of a case.
    pub fn is_child(&self) -> bool {
        matches!(self, PersonRole::Child | PersonRole::Unborn)
    }
}

/// A person known to the service.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Person {
    /// Random id.
    pub id: PersonId,
    /// The household they belong to.
    pub household_id: HouseholdId,
    /// Their role.
    pub role: PersonRole,
    /// Full name (for an unborn child, a working name such as "Baby of ...").
    pub name: String,
    /// Date of birth (children; optional for adults).
    pub date_of_birth: Option<NaiveDate>,
    /// Expected date of delivery (unborn children).
    pub expected_date: Option<NaiveDate>,
    /// Relationship to the children ("mother", "mother's partner", ...).
    pub relationship: Option<String>,
}

/// What is needed to add a person.
#[derive(Debug, Clone)]
pub struct NewPerson {
    /// The household.
    pub household_id: HouseholdId,
    /// Role.
    pub role: PersonRole,
    /// Name.
    pub name: String,
    /// Date of birth.
    pub date_of_birth: Option<NaiveDate>,
    /// Expected date of delivery.
    pub expected_date: Option<NaiveDate>,
    /// Relationship.
    pub relationship: Option<String>,
}

impl NewPerson {
    /// Validates the input against `today` and gives the person a new id.
    pub fn build(self, today: NaiveDate) -> Result<Person, InputError> {
        match self.role {
            PersonRole::Child if self.date_of_birth.is_none() => {
                return Err(InputError::Required {
                    field: "date of birth",
                })
            }
            PersonRole::Unborn if self.expected_date.is_none() => {
                return Err(InputError::Required {
                    field: "expected date",
                })
            }
            PersonRole::Unborn if self.date_of_birth.is_some() => {
                return Err(InputError::Invalid {
                    field: "date of birth",
                    reason: "an unborn child has an expected date, not a date of birth",
                })
            }
            _ => {}
        }
        if let Some(dob) = self.date_of_birth {
            super::check_date_of_birth(dob, self.role, today)?;
        }
        if let Some(expected) = self.expected_date {
            super::check_expected_date(expected, today)?;
        }
        if self.role != PersonRole::Unborn && self.expected_date.is_some() {
            return Err(InputError::Invalid {
                field: "expected date",
                reason: "only an unborn child has an expected date",
            });
        }
        Ok(Person {
            id: PersonId::random(),
            household_id: self.household_id,
            role: self.role,
            name: required("name", &self.name, MAX_NAME_CHARS)?,
            date_of_birth: self.date_of_birth,
            expected_date: self.expected_date,
            relationship: optional("relationship", self.relationship.as_deref(), MAX_NAME_CHARS)?,
        })
    }
}
