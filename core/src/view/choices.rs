//! The choices the input forms offer, each with its words, in the order a form lists them: the
//! apps draw these lists and send back the value chosen, so no shell keeps its own copy of a label
//! or decides which options exist.

use super::labels::{agency_label, plan_label, rag_label, role_label, visit_kind_label};
use crate::domain::{Agency, PersonRole, PlanType, Rag, VisitKind};

/// Declares one option type of a form's list: the value to send back and its words.
macro_rules! choice {
    ($($(#[$doc:meta])* $name:ident($value:ty) = $label:path;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name {
            /// The value to send back.
            pub value: $value,
            /// Its words, as the core shows them everywhere else.
            pub label: String,
        }

        impl Labelled for $name {
            type Value = $value;
            fn of(value: $value) -> Self {
                Self { value, label: $label(value).to_string() }
            }
        }
    )*};
}

/// An option built from its value (its words are the core's).
trait Labelled {
    type Value;
    fn of(value: Self::Value) -> Self;
}

choice! {
    /// A plan to choose.
    PlanChoice(PlanType) = plan_label;
    /// A RAG rating to choose.
    RagChoice(Rag) = rag_label;
    /// A kind of contact to choose.
    VisitKindChoice(VisitKind) = visit_kind_label;
    /// A role in a household to choose.
    RoleChoice(PersonRole) = role_label;
    /// An agency to choose.
    AgencyChoice(Agency) = agency_label;
}

/// Every list the input forms offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormChoices {
    /// A child's plan, most protective first.
    pub plans: Vec<PlanChoice>,
    /// RAG ratings, red first.
    pub rags: Vec<RagChoice>,
    /// The kinds of contact a practitioner can plan, face to face first.
    pub visit_kinds: Vec<VisitKindChoice>,
    /// The roles of people in a household.
    pub roles: Vec<RoleChoice>,
    /// The agencies whose practitioners set up a store on a phone.
    pub agencies: Vec<AgencyChoice>,
}

fn labelled<L: Labelled>(values: impl IntoIterator<Item = L::Value>) -> Vec<L> {
    values.into_iter().map(L::of).collect()
}

/// The lists, with the same words the screens' view data uses.
pub fn form_choices() -> FormChoices {
    FormChoices {
        plans: labelled([
            PlanType::ChildProtection,
            PlanType::ChildInNeed,
            PlanType::LookedAfter,
            PlanType::TargetedEarlyHelp,
            PlanType::Universal,
        ]),
        rags: labelled([Rag::Red, Rag::Amber, Rag::Green]),
        visit_kinds: labelled([
            VisitKind::AnnouncedHome,
            VisitKind::UnannouncedHome,
            VisitKind::ClinicOrSchool,
            VisitKind::Virtual,
            VisitKind::Telephone,
        ]),
        roles: labelled([
            PersonRole::Child,
            PersonRole::Unborn,
            PersonRole::ParentCarer,
            PersonRole::KnownAdult,
        ]),
        agencies: labelled([
            Agency::HealthVisiting,
            Agency::SocialCare,
            Agency::Midwifery,
            Agency::Gp,
        ]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_plan_rating_kind_and_role_is_offered_once_with_the_screens_words() {
        let c = form_choices();
        assert_eq!(c.plans.len(), 5);
        assert_eq!(c.rags.len(), 3);
        assert_eq!(c.visit_kinds.len(), 5);
        assert_eq!(c.roles.len(), 4);
        assert_eq!(c.plans[0].label, "Child protection plan");
        assert_eq!(c.rags[0].value, Rag::Red);
        assert!(c
            .visit_kinds
            .iter()
            .all(|k| k.label == visit_kind_label(k.value)));
        let mut kinds: Vec<String> = c.visit_kinds.iter().map(|k| k.label.clone()).collect();
        kinds.dedup();
        assert_eq!(kinds.len(), 5);
        assert!(c.agencies.iter().any(|a| a.value == Agency::HealthVisiting));
    }
}
