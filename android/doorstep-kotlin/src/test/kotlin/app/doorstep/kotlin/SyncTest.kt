package app.doorstep.kotlin

import app.doorstep.kotlin.jvm.JdkHttpTransport
import app.doorstep.ffi.DoorstepException
import app.doorstep.ffi.HttpRequest
import app.doorstep.ffi.HttpResponse
import app.doorstep.ffi.PlanType
import app.doorstep.ffi.Rag
import app.doorstep.ffi.SyncObserver
import app.doorstep.ffi.SyncProgress
import app.doorstep.ffi.Transport
import app.doorstep.ffi.VisitInput
import app.doorstep.ffi.VisitKind
import app.doorstep.kotlin.Fixtures.family
import app.doorstep.kotlin.Fixtures.todayAt
import java.io.File
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.atomic.AtomicInteger
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.onSubscription
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/**
 * Two enrolled devices and the real reference server over loopback HTTP, through the Kotlin
 * [JdkHttpTransport]: what one records reaches the other; a failing network loses nothing.
 */
class SyncTest {
    @TempDir
    lateinit var tmp: File

    /** A server with one practitioner and [devices] enrolment codes for them, serving. */
    private fun server(devices: Int): Pair<ReferenceServer, List<String>> =
        ReferenceServer.servingOnePractitioner(File(tmp, "server"), devices)

    @Test
    fun `a visit recorded on one device reaches the other, with progress observed`() = runBlocking {
        val (server, codes) = server(2)
        server.use {
            val transport = JdkHttpTransport()
            val a = Doorstep.enrol(File(tmp, "a"), server.url, codes[0], transport, keyProvider = InMemoryKeyProvider())
            val b = Doorstep.enrol(File(tmp, "b"), server.url, codes[1], transport, passphrase = "correct horse battery staple".toCharArray())
            assertTrue(a.syncState.value.status!!.enrolled)

            val f = a.family(PlanType.CHILD_IN_NEED, Rag.AMBER, childName = "Shared Child")
            val visit = a.planVisit(VisitInput(f.case, VisitKind.ANNOUNCED_HOME, todayAt(9), 30, null))
            a.completeVisit(visit, visitAnswers { childSeen = true; childSeenAlone = true; othersPresentAnswered = true })
            a.addNote(f.case, "Discussed nursery place.", significant = true)
            val pending = a.syncState.value.status!!.pending
            assertTrue(pending > 0, "writes update the status flow (pending $pending)")

            val observed = CopyOnWriteArrayList<SyncProgress>()
            val fromFlow = CopyOnWriteArrayList<SyncProgress>()
            val subscribed = CompletableDeferred<Unit>()
            val collector = launch(Dispatchers.Default) {
                a.syncProgress.onSubscription { subscribed.complete(Unit) }.collect { fromFlow.add(it) }
            }
            subscribed.await()
            val result = a.sync(transport, object : SyncObserver {
                override fun progress(progress: SyncProgress) {
                    observed.add(progress)
                }
            })
            assertEquals(pending, result.sent)
            assertEquals(0L, result.remaining)
            assertTrue(observed.isNotEmpty(), "the Kotlin observer was told the progress")
            assertEquals(result.sent, observed.last().sent)
            withTimeout(300_000) { while (fromFlow.size < observed.size) delay(10) }
            collector.cancel()
            assertEquals(observed.toList(), fromFlow.toList())

            val after = a.syncState.value
            assertTrue(after is SyncState.Idle, "state $after")
            assertEquals(result, after.lastResult)
            assertTrue(after.status!!.allSent)
            assertEquals(0L, after.status.pending)

            assertTrue(b.caseload().isEmpty())
            val received = b.sync(transport)
            assertTrue(received.received > 0)
            val line = b.caseload().single()
            assertEquals(f.case, line.caseId)
            assertEquals("Shared Child", line.childName)
            val child = b.child(f.case)
            assertEquals(a.child(f.case).chronology, child.chronology)
            assertEquals("Discussed nursery place.", child.notes.single().currentText)
            a.close()
            b.close()
        }
    }

    @Test
    fun `a transport that throws leaves everything queued for the next sync`() = runBlocking {
        val (server, codes) = server(2)
        server.use {
            val transport = JdkHttpTransport()
            val a = Doorstep.enrol(File(tmp, "a"), server.url, codes[0], transport, keyProvider = InMemoryKeyProvider())
            val b = Doorstep.enrol(File(tmp, "b"), server.url, codes[1], transport, keyProvider = InMemoryKeyProvider())
            val f = a.family()
            a.addNote(f.case, "Written in a stairwell with no signal.")
            val pending = a.syncStatus().pending
            assertTrue(pending > 0)

            val calls = AtomicInteger()
            val broken = object : Transport {
                override fun send(request: HttpRequest): HttpResponse {
                    calls.incrementAndGet()
                    throw IllegalStateException("socket closed https://x/?token=secret")
                }
            }
            val e = assertFailsWith<DoorstepException.Offline> { a.sync(broken) }
            assertEquals("Offline", e.code)
            assertTrue(!e.userMessage.contains("secret"))
            assertTrue(calls.get() >= 1)
            val failed = a.syncState.value
            assertTrue(failed is SyncState.Failed, "state $failed")
            assertEquals(pending, failed.status!!.pending, "nothing lost")
            assertEquals(pending, a.syncStatus().pending)

            val result = a.sync(transport)
            assertEquals(pending, result.sent)
            assertTrue(a.syncStatus().allSent)
            b.sync(transport)
            assertEquals("Written in a stairwell with no signal.", b.notes(f.case).single().currentText)
            a.close()
            b.close()
        }
    }

    @Test
    fun `enrolment refuses a plain http server beyond this machine and a wrong code`() = runBlocking {
        val insecure = assertFailsWith<DoorstepException.BadServerUrl> {
            Doorstep.enrol(File(tmp, "a"), "http://doorstep.example", "AAAA-BBBB-CCCC", JdkHttpTransport(), keyProvider = InMemoryKeyProvider())
        }
        assertEquals("BadServerUrl", insecure.code)
        assertTrue(!Doorstep.exists(File(tmp, "a")))

        val (server, _) = server(0)
        server.use {
            val wrong = assertFailsWith<DoorstepException.Unauthorized> {
                Doorstep.enrol(File(tmp, "b"), server.url, "AAAA-BBBB-CCCC", JdkHttpTransport(), keyProvider = InMemoryKeyProvider())
            }
            assertEquals("Unauthorized", wrong.code)
            assertTrue(!Doorstep.exists(File(tmp, "b")))
        }
    }
}
