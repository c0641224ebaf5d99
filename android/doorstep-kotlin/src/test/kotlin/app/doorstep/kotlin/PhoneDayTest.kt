package app.doorstep.kotlin

import app.doorstep.ffi.DoorstepException
import app.doorstep.ffi.PlanType
import app.doorstep.ffi.Rag
import app.doorstep.ffi.VisitId
import app.doorstep.ffi.VisitInput
import app.doorstep.ffi.VisitKind
import app.doorstep.ffi.VisitStatus
import app.doorstep.kotlin.Fixtures.family
import app.doorstep.kotlin.Fixtures.todayAt
import java.io.File
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.test.StandardTestDispatcher
import kotlinx.coroutines.test.runTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/** What the phone needs beyond the basics: drafts, calls, passphrases, the core's classifier. */
class PhoneDayTest {
    @TempDir
    lateinit var tmp: File

    @Test
    fun `a draft survives a lock and reopening and resumes the form where it stopped`() = runTest {
        val dir = File(tmp, "store")
        val keys = InMemoryKeyProvider()
        val visit: VisitId
        Doorstep.create(dir, Fixtures.practitioner, keyProvider = keys, io = StandardTestDispatcher(testScheduler)).use { d ->
            val f = d.family()
            visit = d.planVisit(VisitInput(f.case, VisitKind.ANNOUNCED_HOME, todayAt(11), 30, null))
            assertNull(d.draft(visit))
            d.saveDraft(visit, visitAnswers { childSeen = true })
            d.saveDraft(visit, visitAnswers { childSeen = true; childSeenAlone = true; concerns = listOf("Damp in the bedroom") })
            d.lock()
            assertFailsWith<DoorstepException.Locked> { d.draft(visit) }
        }
        Doorstep.open(dir, io = StandardTestDispatcher(testScheduler)).use { d ->
            d.unlock(keys)
            val draft = assertNotNull(d.draft(visit), "the draft outlives the process's store")
            assertEquals(listOf("Damp in the bedroom"), draft.answers.concerns)
            val form = d.visitForm(visit, draft.answers)
            assertEquals(visit, form.visitId)
            assertTrue(d.discardDraft(visit))
            assertNull(d.draft(visit))
            d.saveDraft(visit, draft.answers)
            d.completeVisit(visit, visitAnswers { childSeen = true; childSeenAlone = true; childSpokenToAlone = true; sleepingAreaSeen = true; othersPresentAnswered = true })
            assertNull(d.draft(visit), "saving the visit discards its draft")
            val late = assertFailsWith<DoorstepException.NotAllowed> { d.saveDraft(visit, draft.answers) }
            assertFalse(late.retryable)
        }
    }

    @Test
    fun `an unanswered call counts and the plan takes weeks as an Int, checked by the core`() = runTest {
        Doorstep.create(File(tmp, "s"), Fixtures.practitioner, keyProvider = InMemoryKeyProvider(), io = StandardTestDispatcher(testScheduler)).use { d ->
            val f = d.family(PlanType.CHILD_IN_NEED, Rag.AMBER)
            val first = d.recordUnansweredCall(f.case, "No answer", "Unannounced visit this week", departureReason = "Family asked for calls")
            assertEquals(VisitStatus.NO_ACCESS, first.status)
            assertEquals(1, first.consecutiveNoAccess)
            val second = d.recordUnansweredCall(f.case, "No answer again", "Visit tomorrow", departureReason = "Family asked for calls")
            assertEquals(2, second.consecutiveNoAccess)
            assertEquals(VisitKind.TELEPHONE, d.visit(second.visitId).kind)
            val bad = assertFailsWith<DoorstepException.InvalidInput> { d.plan(-1) }
            assertEquals("InvalidInput", bad.code)
            val booked = d.plan(4, book = true)
            assertTrue(booked.slots.all { it.visitId != null }, "booking makes every slot a visit")
            // Counts are Ints; the core refuses a negative one (or one past the form's limit) with a
            // typed error when the visit is recorded, and puts a message under the question.
            val visit = d.planVisit(VisitInput(f.case, VisitKind.ANNOUNCED_HOME, todayAt(15), 30, null))
            val negative = visitAnswers { childSeen = true; othersPresentAnswered = true; unknownAdults = -1 }
            val refused = assertFailsWith<DoorstepException.InvalidInput> { d.completeVisit(visit, negative) }
            assertEquals("InvalidInput", refused.code)
            assertTrue(d.visitForm(visit, negative).messages.any { it.fieldKey == "others_present" && it.blocking })
        }
    }

    @Test
    fun `a passphrase is a CharArray wiped after use`() = runTest {
        val passphrase = "correct horse battery staple".toCharArray()
        Doorstep.create(File(tmp, "p"), Fixtures.practitioner, passphrase = passphrase, io = StandardTestDispatcher(testScheduler)).use { d ->
            assertTrue(passphrase.all { it == '\u0000' }, "create wiped the passphrase")
            d.lock()
            val wrong = "not the passphrase at all".toCharArray()
            val e = assertFailsWith<DoorstepException.WrongPassphrase> { d.unlock(wrong) }
            assertTrue(wrong.all { it == '\u0000' }, "a refused passphrase is wiped too")
            assertFalse(e.retryable)
            val right = "correct horse battery staple".toCharArray()
            d.unlock(right)
            assertTrue(right.all { it == '\u0000' })
            val old = "correct horse battery staple".toCharArray()
            val new = "a different long passphrase".toCharArray()
            d.changePassphrase(old, new)
            assertTrue(old.all { it == '\u0000' } && new.all { it == '\u0000' })
            d.lock()
            d.unlock("a different long passphrase".toCharArray())
            assertFalse(d.isLocked())
        }
    }

    @Test
    fun `whether a sync error is retried comes from the core`() {
        val retried = listOf(
            DoorstepException.Offline("x"),
            DoorstepException.Locked("x"),
            DoorstepException.KeyProvider("x"),
            DoorstepException.WrongKey("x"),
            DoorstepException.Platform("x"),
        )
        assertTrue(retried.all { it.retryable }, retried.filter { !it.retryable }.joinToString { it.code })
        val shown = listOf(
            DoorstepException.Unauthorized("x"),
            DoorstepException.NotEnrolled("x"),
            DoorstepException.Wiped("x"),
            DoorstepException.UnlockMethodNotSet("x"),
            DoorstepException.Protocol("x"),
        )
        assertTrue(shown.none { it.retryable }, shown.filter { it.retryable }.joinToString { it.code })
        assertEquals(listOf("Offline", "Locked", "KeyProvider", "WrongKey", "Platform"), retried.map { it.code })
        assertEquals("The store is locked", DoorstepException.Locked("The store is locked").userMessage)
    }
}
