import Doorstep

/// The choices the input forms offer, with the words the core uses for them in its view data
/// (`core/src/view/labels.rs`). The same known gap as Android's `Choices.kt`: the core does not
/// expose its choice lists through the bindings yet, so these words are a copy.
enum Choices {
    /// Plans, most protective first.
    static let plans: [(PlanType, String)] = [
        (.childProtection, "Child protection plan"),
        (.childInNeed, "Child in need plan"),
        (.lookedAfter, "Looked after child"),
        (.targetedEarlyHelp, "Early help"),
        (.universal, "Universal services"),
    ]

    /// RAG ratings.
    static let rags: [(Rag, String)] = [(.red, "Red"), (.amber, "Amber"), (.green, "Green")]

    /// Kinds of contact a practitioner can plan.
    static let visitKinds: [(VisitKind, String)] = [
        (.announcedHome, "Home visit"),
        (.unannouncedHome, "Unannounced home visit"),
        (.clinicOrSchool, "Clinic, school or nursery"),
        (.virtual, "Video call"),
        (.telephone, "Telephone call"),
    ]

    /// Roles of people in a household.
    static let roles: [(PersonRole, String)] = [
        (.child, "Child"),
        (.unborn, "Unborn baby"),
        (.parentCarer, "Parent or carer"),
        (.knownAdult, "Other adult in the home"),
    ]
}
