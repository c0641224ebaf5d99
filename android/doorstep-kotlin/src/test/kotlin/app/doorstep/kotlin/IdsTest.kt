package app.doorstep.kotlin

import app.doorstep.ffi.CaseId
import app.doorstep.ffi.DoorstepException
import app.doorstep.ffi.HouseholdId
import app.doorstep.ffi.NoteId
import app.doorstep.ffi.PersonId
import app.doorstep.ffi.VisitId
import app.doorstep.ffi.VisitInput
import app.doorstep.ffi.VisitKind
import app.doorstep.kotlin.Fixtures.family
import app.doorstep.kotlin.Fixtures.todayAt
import java.io.File
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNotEquals
import kotlin.test.assertTrue
import kotlinx.coroutines.test.StandardTestDispatcher
import kotlinx.coroutines.test.runTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/**
 * Ids are distinct types: a case id where a visit id is expected does not compile. The lines
 * commented out below document it — each is a type error (`Argument type mismatch: actual type
 * is 'CaseId', but 'VisitId' was expected`), which [IdsCompileTest] checks by running the
 * compiler; the rest shows the ids round-trip through the real core unchanged.
 */
class IdsTest {
    @TempDir
    lateinit var tmp: File

    /** Takes only a visit id: the compiler refuses any other id here. */
    private fun onlyAVisit(id: VisitId): String = id.value

    @Test
    fun `each id is its own type and comes back from the core as it went in`() = runTest {
        Doorstep.create(File(tmp, "s"), Fixtures.practitioner, keyProvider = InMemoryKeyProvider(), io = StandardTestDispatcher(testScheduler)).use { d ->
            val f = d.family()
            val household: HouseholdId = f.household
            val child: PersonId = f.child
            val case: CaseId = f.case
            val visit: VisitId = d.planVisit(VisitInput(case, VisitKind.ANNOUNCED_HOME, todayAt(10), 30, null))
            val note: NoteId = d.addNote(case, "Ids test note")

            assertEquals(visit.value, onlyAVisit(visit))
            // onlyAVisit(case)             // does not compile: a CaseId is not a VisitId
            // d.checkIn(case)              // does not compile
            // d.child(visit)               // does not compile
            // d.amendNote(case, "text")    // does not compile
            // val s: String = visit        // does not compile: an id is not a String

            // What the core hands back is the same id, of the same type.
            val line = d.today().visits.single()
            assertEquals(visit, line.visitId)
            assertEquals(case, line.caseId)
            assertEquals(child, line.childId)
            assertEquals(case, d.caseload().single().caseId)
            assertEquals(case, d.child(case).caseId)
            assertEquals(note, d.notes(case).single().noteId)
            assertEquals(visit, d.visitForm(visit).visitId)
            assertTrue(d.visitForm(visit).knownAdults.any { it.personId == f.carer })
            assertNotEquals<Any>(household, child)
            // The text inside is what the core gave (for logs of ids, deep links, saved state).
            assertEquals(visit, VisitId(visit.value))
            assertEquals(visit.value, visit.toString())
        }
    }

    @Test
    fun `text that is not an id is refused by the core as InvalidInput, naming the kind of id only`() = runTest {
        Doorstep.create(File(tmp, "t"), Fixtures.practitioner, keyProvider = InMemoryKeyProvider(), io = StandardTestDispatcher(testScheduler)).use { d ->
            d.family()
            val e = assertFailsWith<DoorstepException.InvalidInput> { d.checkIn(VisitId("Jane Doe, 12 High Street")) }
            assertEquals("InvalidInput", e.code)
            assertFalse(e.retryable)
            assertTrue(e.userMessage.contains("visit"), e.userMessage)
            assertFalse(e.userMessage.contains("Jane"), e.userMessage)
            assertFailsWith<DoorstepException.InvalidInput> { d.child(CaseId("")) }
            assertFailsWith<DoorstepException.InvalidInput> { d.amendNote(NoteId("42"), "text") }
        }
    }
}
