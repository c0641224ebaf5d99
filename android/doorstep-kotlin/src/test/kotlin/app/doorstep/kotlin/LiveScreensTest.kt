package app.doorstep.kotlin

import app.doorstep.kotlin.jvm.JdkHttpTransport
import app.doorstep.ffi.PlanType
import app.doorstep.ffi.Rag
import app.doorstep.ffi.TodayView
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
import kotlinx.coroutines.test.advanceTimeBy
import kotlinx.coroutines.test.runCurrent
import kotlinx.coroutines.test.runTest
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/**
 * The live screens: Today's `Flow` emits again when a sync from the real reference server lands,
 * and when a lone-working check-in turns amber and then red on the clock alone (no record
 * changes: the core says when the next colour change is and the flow wakes then).
 */
class LiveScreensTest {
    @TempDir
    lateinit var tmp: File

    @Test
    fun `Today turns amber then red as the clock passes the check-in's deadlines`() = runTest {
        val base = todayAt(10)
        // The core and the flow's timer read the same time: the test scheduler's.
        val clock = object : WallClock {
            override fun nowMillis(): Long = base + testScheduler.currentTime
        }
        Doorstep.create(
            File(tmp, "store"),
            Fixtures.practitioner,
            keyProvider = InMemoryKeyProvider(),
            io = StandardTestDispatcher(testScheduler),
            clock = clock,
        ).use { d ->
            val f = d.family()
            val visit = d.planVisit(VisitInput(f.case, VisitKind.ANNOUNCED_HOME, base + 60_000, 30, null))
            val seen = CopyOnWriteArrayList<TodayView>()
            backgroundScope.launch { d.todayFlow().collect { seen.add(it) } }
            runCurrent()
            assertFalse(seen.last().alerts.any { it.loneWorker }, "no lone-working alert before check-in")

            val checkIn = d.checkIn(visit)
            runCurrent()
            assertEquals("Checked in", seen.last().visits.single().statusLabel, "the check-in itself re-emits Today")
            assertFalse(seen.last().alerts.any { it.loneWorker }, "not amber yet")
            val reminders = d.loneWorkingReminders()
            assertEquals(listOf(checkIn.amberAtMillis, checkIn.redAtMillis), reminders.map { it.atMillis })
            assertEquals(checkIn.amberAtMillis, d.nextAlertChangeMillis())

            val emitted = seen.size
            advanceTimeBy(checkIn.amberAtMillis - clock.nowMillis() + 10)
            runCurrent()
            assertTrue(seen.size > emitted, "the clock passing amber re-emits Today without any write")
            val amber = seen.last()
            assertTrue(amber.alerts.any { it.loneWorker }, "amber: a lone-working alert leads")
            assertFalse(amber.loneWorkerRed)

            advanceTimeBy(checkIn.redAtMillis - clock.nowMillis() + 10)
            runCurrent()
            assertTrue(seen.last().loneWorkerRed, "red on the clock alone")
            assertEquals(listOf(), d.loneWorkingReminders(), "nothing left to fire once red has passed")

            d.checkOut(visit)
            runCurrent()
            assertFalse(seen.last().loneWorkerRed, "checking out clears it")
        }
    }

    @Test
    fun `a sync from the reference server makes Today emit what it brought`() = runBlocking {
        val (server, codes) = ReferenceServer.servingOnePractitioner(File(tmp, "server"), devices = 2)
        server.use { live ->
            val transport = JdkHttpTransport()
            val a = Doorstep.enrol(File(tmp, "a"), live.url, codes[0], transport, keyProvider = InMemoryKeyProvider())
            val b = Doorstep.enrol(File(tmp, "b"), live.url, codes[1], transport, keyProvider = InMemoryKeyProvider())
            val seen = CopyOnWriteArrayList<TodayView>()
            val collector = launch(Dispatchers.Default) { b.todayFlow().collect { seen.add(it) } }
            withTimeout(300_000) { while (seen.isEmpty()) delay(10) }
            assertTrue(seen.last().visits.isEmpty())

            val f = a.family(PlanType.CHILD_IN_NEED, Rag.AMBER, childName = "Synced Child")
            a.planVisit(VisitInput(f.case, VisitKind.ANNOUNCED_HOME, todayAt(15), 30, null))
            a.sync(transport)
            b.sync(transport)
            withTimeout(300_000) { while (seen.last().visits.isEmpty()) delay(10) }
            assertEquals("Synced Child", seen.last().visits.single().childName)
            collector.cancel()
            a.close()
            b.close()
        }
    }
}
