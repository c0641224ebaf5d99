import Doorstep

/// The choices the input forms offer — plans, ratings, kinds of contact, roles — in the core's
/// order and words (`formChoices()`, the same list the Android screens use).
enum Choices {
    /// Every list, read once from the core (a pure call: no store, no I/O).
    static let all = formChoices()

    /// The core's words for a role.
    static func label(_ role: PersonRole) -> String {
        all.roles.first { $0.value == role }?.label ?? ""
    }
}
