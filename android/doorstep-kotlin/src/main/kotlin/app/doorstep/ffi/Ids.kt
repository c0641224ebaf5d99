package app.doorstep.ffi

// The core's record ids, each a type of its own (bindings/uniffi.toml maps the core's custom types
// here). The text inside is what the core gave; the core checks any id it is given and refuses
// text that is not one with DoorstepException.InvalidInput. Nothing else is decided here.

/** A case: one child's involvement with the practitioner's service. */
@JvmInline
value class CaseId(val value: String) {
    override fun toString(): String = value
}

/** A visit or contact. */
@JvmInline
value class VisitId(val value: String) {
    override fun toString(): String = value
}

/** A person in a household: a child, an unborn child, a parent or carer, or another adult. */
@JvmInline
value class PersonId(val value: String) {
    override fun toString(): String = value
}

/** A household (one address). */
@JvmInline
value class HouseholdId(val value: String) {
    override fun toString(): String = value
}

/** A case note or an amendment of one. */
@JvmInline
value class NoteId(val value: String) {
    override fun toString(): String = value
}
