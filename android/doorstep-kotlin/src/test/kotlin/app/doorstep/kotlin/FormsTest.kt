package app.doorstep.kotlin

import app.doorstep.ffi.DoorstepException
import app.doorstep.ffi.PersonInput
import app.doorstep.ffi.PersonRole
import app.doorstep.ffi.PlanType
import app.doorstep.ffi.Rag
import app.doorstep.ffi.VisitInput
import app.doorstep.ffi.VisitKind
import app.doorstep.ffi.expectedMinutes
import app.doorstep.ffi.formChoices
import app.doorstep.ffi.maxCount
import app.doorstep.ffi.maxExpectedMinutes
import app.doorstep.ffi.ukDateInDays
import app.doorstep.ffi.ukLocalMillis
import app.doorstep.kotlin.Fixtures.family
import java.io.File
import java.time.LocalDate
import java.time.LocalDateTime
import java.time.ZoneId
import java.time.format.DateTimeFormatter
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertTrue
import kotlinx.coroutines.test.StandardTestDispatcher
import kotlinx.coroutines.test.runTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/**
 * What the input forms take from the core, through the real library: the choice lists with the
 * words the screens' view data uses, typed UK dates and times read (or refused with a message for
 * the screen), and the count limit the steppers stop at.
 */
class FormsTest {
    @TempDir
    lateinit var tmp: File

    private val london = ZoneId.of("Europe/London")

    @Test
    fun `the choice lists are the core's, in its words`() = runTest {
        val choices = formChoices()
        assertEquals(PlanType.CHILD_PROTECTION, choices.plans.first().value)
        assertEquals(listOf(Rag.RED, Rag.AMBER, Rag.GREEN), choices.rags.map { it.value })
        assertEquals(VisitKind.entries.toSet(), choices.visitKinds.map { it.value }.toSet())
        assertEquals(PersonRole.entries.toSet(), choices.roles.map { it.value }.toSet())
        Doorstep.create(File(tmp, "s"), Fixtures.practitioner, keyProvider = InMemoryKeyProvider(), io = StandardTestDispatcher(testScheduler)).use { d ->
            val f = d.family(PlanType.CHILD_IN_NEED, Rag.AMBER)
            val child = d.child(f.case)
            // The same words the screens show for the case.
            assertEquals(child.planLabel, choices.plans.single { it.value == PlanType.CHILD_IN_NEED }.label)
            assertEquals(child.ragLabel, choices.rags.single { it.value == Rag.AMBER }.label)
            // Where the steppers stop: on each counting question of the form, and as maxCount().
            val visit = d.planVisit(VisitInput(f.case, VisitKind.ANNOUNCED_HOME, Fixtures.todayAt(10), 30))
            assertEquals(maxCount(), d.visitForm(visit).prompts.firstNotNullOf { it.maxCount })
        }
    }

    @Test
    fun `UK dates and times typed on a form are read by the core, or refused with its words`() = runTest {
        val expected = LocalDateTime.of(2026, 7, 1, 14, 30).atZone(london).toInstant().toEpochMilli()
        assertEquals(expected, ukLocalMillis("01/07/2026", "14:30"))
        assertEquals(expected, ukLocalMillis("1/7/2026", "14.30"))
        assertEquals(expected, ukLocalMillis("2026-07-01", " 14:30 "))
        val badDate = assertFailsWith<DoorstepException.InvalidInput> { ukLocalMillis("31/02/2026", "10:00") }
        assertEquals("InvalidInput", badDate.code)
        assertTrue(badDate.userMessage.contains("not a date like 31/01/2026"), badDate.userMessage)
        val badTime = assertFailsWith<DoorstepException.InvalidInput> { ukLocalMillis("01/07/2026", "2pm") }
        assertTrue(badTime.userMessage.contains("not a time like 14:30"), badTime.userMessage)
        assertFalse(badTime.userMessage.contains("2pm"), "what was typed is not repeated")
        // 29 March 2026: the clocks go forward at 01:00, so 01:30 never happens that day.
        val gap = assertFailsWith<DoorstepException.InvalidInput> { ukLocalMillis("29/03/2026", "01:30") }
        assertTrue(gap.userMessage.contains("clocks go forward"), gap.userMessage)

        assertEquals(45, expectedMinutes(" 45 "))
        // The longest length both apps' fields and steppers allow is the core's (planning's limit).
        assertEquals(720, maxExpectedMinutes())
        assertEquals(maxExpectedMinutes(), expectedMinutes("${maxExpectedMinutes()}"))
        for (bad in listOf("0", "721", "-5", "an hour", "")) {
            assertFailsWith<DoorstepException.InvalidInput>(bad) { expectedMinutes(bad) }
        }
        val tomorrow = LocalDate.now(london).plusDays(1).format(DateTimeFormatter.ofPattern("dd/MM/yyyy"))
        assertEquals(tomorrow, ukDateInDays(1))
        assertFailsWith<DoorstepException.InvalidInput> { ukDateInDays(-1) }
    }

    @Test
    fun `a date of birth goes in as typed, UK style, and a day that does not exist is refused`() = runTest {
        Doorstep.create(File(tmp, "p"), Fixtures.practitioner, keyProvider = InMemoryKeyProvider(), io = StandardTestDispatcher(testScheduler)).use { d ->
            val f = d.family()
            d.addPerson(PersonInput(f.household, PersonRole.CHILD, "Baby Test", dateOfBirth = "02/03/2025"))
            val bad = assertFailsWith<DoorstepException.InvalidInput> {
                d.addPerson(PersonInput(f.household, PersonRole.CHILD, "Baby Test", dateOfBirth = "30/02/2025"))
            }
            assertTrue(bad.userMessage.contains("date of birth", ignoreCase = true), bad.userMessage)
        }
    }
}
