import Doorstep

/// The choices the input forms offer, with the words the core uses for them in its view data
/// (`core/src/view/labels.rs`). The same known gap as Android's `Choices.kt`: the core does not
/// expose its choice lists through the bindings yet, so these words are a copy.
enum Choices {
    /// One choice: the value the core takes and its words.
    struct Choice<Value: Hashable>: Identifiable {
        let value: Value
        let label: String
        var id: Value { value }

        init(_ value: Value, _ label: String) {
            self.value = value
            self.label = label
        }
    }

    /// The words for `value` in `choices`.
    static func label<Value: Hashable>(_ value: Value, in choices: [Choice<Value>]) -> String {
        choices.first { $0.value == value }?.label ?? ""
    }

    /// Plans, most protective first.
    static let plans: [Choice<PlanType>] = [
        Choice(.childProtection, "Child protection plan"),
        Choice(.childInNeed, "Child in need plan"),
        Choice(.lookedAfter, "Looked after child"),
        Choice(.targetedEarlyHelp, "Early help"),
        Choice(.universal, "Universal services"),
    ]

    /// RAG ratings.
    static let rags: [Choice<Rag>] = [Choice(.red, "Red"), Choice(.amber, "Amber"), Choice(.green, "Green")]

    /// Kinds of contact a practitioner can plan.
    static let visitKinds: [Choice<VisitKind>] = [
        Choice(.announcedHome, "Home visit"),
        Choice(.unannouncedHome, "Unannounced home visit"),
        Choice(.clinicOrSchool, "Clinic, school or nursery"),
        Choice(.virtual, "Video call"),
        Choice(.telephone, "Telephone call"),
    ]

    /// Roles of people in a household.
    static let roles: [Choice<PersonRole>] = [
        Choice(.child, "Child"),
        Choice(.unborn, "Unborn baby"),
        Choice(.parentCarer, "Parent or carer"),
        Choice(.knownAdult, "Other adult in the home"),
    ]
}
