package app.doorstep.kotlin

import app.doorstep.ffi.Agency
import app.doorstep.ffi.CaseId
import app.doorstep.ffi.CaseInput
import app.doorstep.ffi.HouseholdId
import app.doorstep.ffi.HouseholdInput
import app.doorstep.ffi.PersonId
import app.doorstep.ffi.PersonInput
import app.doorstep.ffi.PersonRole
import app.doorstep.ffi.PlanType
import app.doorstep.ffi.PractitionerInput
import app.doorstep.ffi.Rag
import java.time.LocalDate
import java.time.ZoneId

/** Test data and helpers shared by the tests. */
object Fixtures {
    /** A health visitor working without a server. */
    val practitioner = PractitionerInput("Test Visitor", Agency.HEALTH_VISITING, "North Team")

    /** A social worker (their policy times some child protection visits unannounced). */
    val socialWorker = PractitionerInput("Test Social Worker", Agency.SOCIAL_CARE, "Child Protection Team")

    /** Ids of a household with one child, one carer and the child's case. */
    data class Family(val household: HouseholdId, val child: PersonId, val carer: PersonId, val case: CaseId)

    /** Adds a household, a two-year-old child, a carer and a case. */
    suspend fun Doorstep.family(
        plan: PlanType = PlanType.UNIVERSAL,
        rag: Rag = Rag.GREEN,
        childName: String = "Test Child",
    ): Family {
        val household = addHousehold(HouseholdInput("1 Test Street, Testtown", "TE1 1ST", "Side door"))
        val child = addPerson(
            PersonInput(household, PersonRole.CHILD, childName, LocalDate.now().minusYears(2).toString(), null, null),
        )
        val carer = addPerson(PersonInput(household, PersonRole.PARENT_CARER, "Test Carer", null, null, "mother"))
        val case = openCase(CaseInput(child, plan, rag, "test rating"))
        return Family(household, child, carer, case)
    }

    /** UTC milliseconds of [hour]:[minute] today in Europe/London (today's list, whatever the time now). */
    fun todayAt(hour: Int, minute: Int = 0): Long =
        LocalDate.now(LONDON).atTime(hour, 0).plusMinutes(minute.toLong()).atZone(LONDON).toInstant().toEpochMilli()

    private val LONDON = ZoneId.of("Europe/London")
}
