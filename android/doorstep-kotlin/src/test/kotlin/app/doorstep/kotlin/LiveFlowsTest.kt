package app.doorstep.kotlin

import app.doorstep.kotlin.jvm.JdkHttpTransport
import app.doorstep.ffi.AlertsView
import app.doorstep.ffi.CaseLine
import app.doorstep.ffi.ChildView
import app.doorstep.ffi.PlanType
import app.doorstep.ffi.Rag
import app.doorstep.ffi.VisitInput
import app.doorstep.ffi.VisitKind
import app.doorstep.ffi.WallClock
import app.doorstep.kotlin.Fixtures.family
import app.doorstep.kotlin.Fixtures.todayAt
import java.io.File
import java.util.concurrent.CopyOnWriteArrayList
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertTrue
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.test.StandardTestDispatcher
import kotlinx.coroutines.test.TestScope
import kotlinx.coroutines.test.advanceTimeBy
import kotlinx.coroutines.test.runCurrent
import kotlinx.coroutines.test.runTest
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/**
 * The child, alerts and caseload flows (Today's are in [LiveScreensTest]), over the real library:
 * each emits again on a change that concerns its screen — a write on this phone, a colour change on
 * the clock, a sync from the real reference server — and not on changes that leave its screen as
 * it was (another child's note, a draft), so a screen is not redrawn for nothing.
 */
class LiveFlowsTest {
    @TempDir
    lateinit var tmp: File

    /** A store on the test scheduler, reading the scheduler's time from [base]. */
    private suspend fun TestScope.store(name: String, base: Long): Pair<Doorstep, WallClock> {
        val clock = object : WallClock {
            override fun nowMillis(): Long = base + testScheduler.currentTime
        }
        val d = Doorstep.create(
            File(tmp, name),
            Fixtures.practitioner,
            keyProvider = InMemoryKeyProvider(),
            io = StandardTestDispatcher(testScheduler),
            clock = clock,
        )
        return d to clock
    }

    @Test
    fun `a child's flow emits on its own case's changes and not on another child's`() = runTest {
        val (d, _) = store("child", todayAt(9))
        d.use {
            val amelia = d.family(PlanType.CHILD_IN_NEED, Rag.AMBER, childName = "Amelia Hart")
            val other = d.family(PlanType.UNIVERSAL, Rag.GREEN, childName = "Other Child")
            val seen = CopyOnWriteArrayList<ChildView>()
            backgroundScope.launch { d.childFlow(amelia.case).collect { seen.add(it) } }
            runCurrent()
            assertEquals(1, seen.size)
            assertEquals("Amelia Hart", seen.last().childName)

            d.addNote(other.case, "Another family's note")
            val visit = d.planVisit(VisitInput(other.case, VisitKind.ANNOUNCED_HOME, todayAt(11), 30, null))
            d.setRag(other.case, Rag.RED, "Another family's rating")
            runCurrent()
            assertEquals(1, seen.size, "another child's note, visit and rating leave this screen alone")
            d.saveDraft(visit, visitAnswers { childSeen = true })
            runCurrent()
            assertEquals(1, seen.size, "a draft changes no child screen")

            d.addNote(amelia.case, "Nursery place agreed")
            runCurrent()
            assertEquals(2, seen.size, "its own note re-emits")
            assertEquals("Nursery place agreed", seen.last().notes.single().currentText)

            d.setRag(amelia.case, Rag.RED, "Bruising seen at nursery")
            runCurrent()
            assertEquals(3, seen.size)
            assertEquals(Rag.RED, seen.last().rag)
            assertEquals("Bruising seen at nursery", seen.last().ragReason)
        }
    }

    @Test
    fun `the alerts flow emits when an alert appears or changes colour, and not on a note`() = runTest {
        val base = todayAt(10)
        val (d, clock) = store("alerts", base)
        d.use {
            val f = d.family(PlanType.CHILD_IN_NEED, Rag.AMBER)
            val seen = CopyOnWriteArrayList<AlertsView>()
            backgroundScope.launch { d.alertsFlow().collect { seen.add(it) } }
            runCurrent()
            val before = seen.size
            assertTrue(seen.last().lines.none { it.loneWorker })

            d.addNote(f.case, "Discussed sleep routine")
            runCurrent()
            assertEquals(before, seen.size, "a note changes no alert")

            // Two calls nobody answered: the core raises its alert for the family.
            d.recordUnansweredCall(f.case, "No answer", "Call again tomorrow", departureReason = "Family asked for calls")
            d.recordUnansweredCall(f.case, "No answer again", "Unannounced visit", departureReason = "Family asked for calls")
            runCurrent()
            assertTrue(seen.size > before, "the new alert re-emits")
            val after = seen.last()
            assertTrue(after.total > seen[before - 1].total, "one more alert: ${after.summary}")
            assertTrue(after.lines.any { it.caseId == f.case }, "about this child")

            // A check-in turns amber on the clock alone: the flow wakes at the instant the core gave.
            val visit = d.planVisit(VisitInput(f.case, VisitKind.ANNOUNCED_HOME, base + 60_000, 30, null))
            val checkIn = d.checkIn(visit)
            runCurrent()
            val counted = seen.size
            assertTrue(seen.last().lines.none { it.loneWorker }, "not amber yet")
            advanceTimeBy(checkIn.amberAtMillis - clock.nowMillis() + 10)
            runCurrent()
            assertTrue(seen.size > counted, "amber re-emits without any write")
            assertTrue(seen.last().lines.first().loneWorker, "the lone-working alert leads")
        }
    }

    @Test
    fun `the caseload flow emits on a new case and a rating, not on a note or a draft`() = runTest {
        val (d, _) = store("caseload", todayAt(9))
        d.use {
            val seen = CopyOnWriteArrayList<List<CaseLine>>()
            backgroundScope.launch { d.caseloadFlow().collect { seen.add(it) } }
            runCurrent()
            assertEquals(listOf(emptyList()), seen.toList())

            val f = d.family(PlanType.CHILD_PROTECTION, Rag.AMBER, childName = "Amelia Hart")
            runCurrent()
            assertEquals(2, seen.size, "the household and people alone change nothing; the case adds a line")
            assertEquals(f.case, seen.last().single().caseId)

            d.addNote(f.case, "Strategy discussion held")
            val visit = d.planVisit(VisitInput(f.case, VisitKind.ANNOUNCED_HOME, todayAt(14), 30, null))
            d.saveDraft(visit, visitAnswers { childSeen = true })
            runCurrent()
            assertEquals(2, seen.size, "a note, a planned visit and a draft leave the caseload as it was")

            d.setRag(f.case, Rag.RED, "Conference: plan escalated")
            runCurrent()
            assertEquals(3, seen.size)
            assertEquals(Rag.RED, seen.last().single().rag)
        }
    }

    @Test
    fun `a sync from the reference server makes the child, caseload and alerts flows emit what it brought`() = runBlocking {
        val (server, codes) = ReferenceServer.servingOnePractitioner(File(tmp, "server"), devices = 2)
        server.use { live ->
            val transport = JdkHttpTransport()
            val a = Doorstep.enrol(File(tmp, "a"), live.url, codes[0], transport, keyProvider = InMemoryKeyProvider())
            val b = Doorstep.enrol(File(tmp, "b"), live.url, codes[1], transport, keyProvider = InMemoryKeyProvider())
            val f = a.family(PlanType.CHILD_IN_NEED, Rag.AMBER, childName = "Synced Child")
            a.sync(transport)
            b.sync(transport)

            val child = CopyOnWriteArrayList<ChildView>()
            val caseload = CopyOnWriteArrayList<List<CaseLine>>()
            val alerts = CopyOnWriteArrayList<AlertsView>()
            val collectors = listOf(
                launch(Dispatchers.Default) { b.childFlow(f.case).collect { child.add(it) } },
                launch(Dispatchers.Default) { b.caseloadFlow().collect { caseload.add(it) } },
                launch(Dispatchers.Default) { b.alertsFlow().collect { alerts.add(it) } },
            )
            withTimeout(300_000) { while (child.isEmpty() || caseload.isEmpty() || alerts.isEmpty()) delay(10) }
            assertEquals(Rag.AMBER, caseload.last().single().rag)
            val alertsBefore = alerts.last().total

            // Written on the other phone, then synced through the server.
            a.addNote(f.case, "Written on the other phone")
            a.setRag(f.case, Rag.RED, "Raised on the other phone")
            a.recordUnansweredCall(f.case, "No answer", "Call tomorrow", departureReason = "Family asked for calls")
            a.recordUnansweredCall(f.case, "No answer again", "Visit unannounced", departureReason = "Family asked for calls")
            a.sync(transport)
            assertFalse(child.last().notes.any { it.currentText == "Written on the other phone" }, "not before b syncs")
            b.sync(transport)

            withTimeout(300_000) {
                while (child.last().notes.none { it.currentText == "Written on the other phone" }) delay(10)
                while (caseload.last().single().rag != Rag.RED) delay(10)
                while (alerts.last().total <= alertsBefore) delay(10)
            }
            assertEquals(Rag.RED, child.last().rag)
            assertEquals("Raised on the other phone", child.last().ragReason)
            assertTrue(alerts.last().lines.any { it.caseId == f.case })
            collectors.forEach { it.cancel() }
            a.close()
            b.close()
        }
    }
}
