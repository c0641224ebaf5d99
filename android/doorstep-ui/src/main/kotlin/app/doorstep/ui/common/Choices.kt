package app.doorstep.ui.common

import app.doorstep.ffi.Agency
import app.doorstep.ffi.FormChoices
import app.doorstep.ffi.PersonRole
import app.doorstep.ffi.PlanType
import app.doorstep.ffi.Rag
import app.doorstep.ffi.VisitKind
import app.doorstep.ffi.formChoices

/**
 * The choices the input forms offer, in the core's order and words (`formChoices()`, from
 * `core/src/view/choices.rs`), as the (value, label) pairs [ChoiceGroup] draws. Nothing is listed
 * or worded here.
 */
object Choices {
    private val core: FormChoices by lazy { formChoices() }

    /** Plans, most protective first. */
    val plans: List<Pair<PlanType, String>> get() = core.plans.map { it.value to it.label }

    /** RAG ratings. */
    val rags: List<Pair<Rag, String>> get() = core.rags.map { it.value to it.label }

    /** Kinds of contact a practitioner can plan. */
    val visitKinds: List<Pair<VisitKind, String>> get() = core.visitKinds.map { it.value to it.label }

    /** Roles of people in a household. */
    val roles: List<Pair<PersonRole, String>> get() = core.roles.map { it.value to it.label }

    /** Agencies. */
    val agencies: List<Pair<Agency, String>> get() = core.agencies.map { it.value to it.label }
}
