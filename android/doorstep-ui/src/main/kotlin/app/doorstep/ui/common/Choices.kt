package app.doorstep.ui.common

import app.doorstep.ffi.Agency
import app.doorstep.ffi.PersonRole
import app.doorstep.ffi.PlanType
import app.doorstep.ffi.Rag
import app.doorstep.ffi.VisitKind

/**
 * The choices the input forms offer, with the words the core uses for them in its view data
 * (`core/src/view/labels.rs`). A known gap: the core does not yet expose its choice lists through
 * the bindings, so these words are a copy; when it does, the forms take them from there.
 */
object Choices {
    /** Plans, most protective first. */
    val plans: List<Pair<PlanType, String>> = listOf(
        PlanType.CHILD_PROTECTION to "Child protection plan",
        PlanType.CHILD_IN_NEED to "Child in need plan",
        PlanType.LOOKED_AFTER to "Looked after child",
        PlanType.TARGETED_EARLY_HELP to "Early help",
        PlanType.UNIVERSAL to "Universal services",
    )

    /** RAG ratings. */
    val rags: List<Pair<Rag, String>> = listOf(Rag.RED to "Red", Rag.AMBER to "Amber", Rag.GREEN to "Green")

    /** Kinds of contact a practitioner can plan. */
    val visitKinds: List<Pair<VisitKind, String>> = listOf(
        VisitKind.ANNOUNCED_HOME to "Home visit",
        VisitKind.UNANNOUNCED_HOME to "Unannounced home visit",
        VisitKind.CLINIC_OR_SCHOOL to "Clinic, school or nursery",
        VisitKind.VIRTUAL to "Video call",
        VisitKind.TELEPHONE to "Telephone call",
    )

    /** Roles of people in a household. */
    val roles: List<Pair<PersonRole, String>> = listOf(
        PersonRole.CHILD to "Child",
        PersonRole.UNBORN to "Unborn baby",
        PersonRole.PARENT_CARER to "Parent or carer",
        PersonRole.KNOWN_ADULT to "Other adult in the home",
    )

    /** Agencies. */
    val agencies: List<Pair<Agency, String>> = listOf(
        Agency.HEALTH_VISITING to "Health visiting",
        Agency.SOCIAL_CARE to "Children's social care",
        Agency.MIDWIFERY to "Midwifery",
        Agency.GP to "General practice",
    )
}
