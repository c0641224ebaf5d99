//! Random identifiers. They are the only identifiers stored in plaintext, and they say nothing.

macro_rules! id_type {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub uuid::Uuid);

        impl $name {
            /// A new random (v4) id.
            pub fn random() -> Self {
                Self(uuid::Uuid::new_v4())
            }

            /// The 16 raw bytes, as stored.
            pub fn bytes(&self) -> [u8; 16] {
                *self.0.as_bytes()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                uuid::Uuid::parse_str(s).map(Self)
            }
        }
    )*};
}

id_type!(
    /// A practitioner (the device's user, or a colleague).
    PractitionerId,
    /// A household (one address).
    HouseholdId,
    /// A person in a household: a child, an unborn child, a parent or carer, or another adult.
    PersonId,
    /// A case: one child's involvement with this practitioner's service.
    CaseId,
    /// A visit or contact.
    VisitId,
    /// A case note or an amendment of one.
    NoteId,
    /// The device a store lives on.
    DeviceId,
);
