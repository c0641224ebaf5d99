package app.doorstep.kotlin

import app.doorstep.kotlin.jvm.JdkHttpTransport
import app.doorstep.ffi.DoorstepException
import app.doorstep.ffi.FamilyShareInput
import app.doorstep.ffi.PlanType
import app.doorstep.ffi.PractitionerInput
import app.doorstep.ffi.Rag
import app.doorstep.ffi.VisitInput
import app.doorstep.ffi.VisitKind
import app.doorstep.ffi.VisitStatus
import app.doorstep.kotlin.Fixtures.family
import app.doorstep.kotlin.Fixtures.todayAt
import java.io.File
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertTrue
import kotlinx.coroutines.test.StandardTestDispatcher
import kotlinx.coroutines.test.TestScope
import kotlinx.coroutines.test.runTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/** A practitioner's day through the Kotlin layer, on the real library and a real store on disk. */
class StoreFlowTest {
    @TempDir
    lateinit var tmp: File

    /** A new store under the test's own dispatcher (the layer's dispatcher is injectable). */
    private suspend fun TestScope.newStore(who: PractitionerInput = Fixtures.practitioner): Doorstep = Doorstep.create(
        File(tmp, "store"),
        who,
        keyProvider = InMemoryKeyProvider(),
        io = StandardTestDispatcher(testScheduler),
    )

    @Test
    fun `a virtual visit is refused until who else is present is answered, then saved`() = runTest {
        newStore().use { d ->
            assertTrue(Doorstep.exists(File(tmp, "store")))
            val f = d.family()
            val visit = d.planVisit(VisitInput(f.case, VisitKind.VIRTUAL, todayAt(10), 30, null))

            val fresh = d.visitForm(visit)
            assertTrue(fresh.remote)
            assertTrue(fresh.prompts.any { it.key == "others_present" && it.required })
            assertFalse(fresh.canSave, "a fresh form cannot be saved")
            assertTrue(fresh.knownAdults.any { it.personId == f.carer })

            val answers = visitAnswers {
                childSeen = true
                notAloneReason = "video call: carer held the phone"
                engagement = fresh.engagementChoices.first().code
            }
            val form = d.visitForm(visit, answers)
            val blocking = form.messages.filter { it.blocking }
            assertEquals(listOf("others_present"), blocking.map { it.fieldKey }, "messages: ${form.messages}")
            assertFalse(form.canSave)

            val refused = assertFailsWith<DoorstepException.ValidationFailed> { d.completeVisit(visit, answers) }
            assertEquals("ValidationFailed", refused.code)
            assertTrue(refused.userMessage.isNotBlank())
            assertEquals(VisitStatus.PLANNED, d.today().visits.single { it.visitId == visit }.status)

            val complete = answers.copy(othersPresentAnswered = true, knownAdultsPresent = listOf(f.carer))
            val ready = d.visitForm(visit, complete)
            assertTrue(ready.canSave, "messages: ${ready.messages}")
            assertTrue(ready.messages.none { it.blocking })

            val saved = d.completeVisit(visit, complete)
            assertEquals(visit, saved.visitId)
            assertEquals(VisitStatus.COMPLETED, saved.status)
            assertEquals(VisitStatus.COMPLETED, d.today().visits.single { it.visitId == visit }.status)
            assertTrue(d.child(f.case).chronology.isNotEmpty())
        }
    }

    @Test
    fun `a home visit is checked in and recorded`() = runTest {
        newStore().use { d ->
            val f = d.family()
            val visit = d.planVisit(VisitInput(f.case, VisitKind.ANNOUNCED_HOME, todayAt(14), 45, null))
            val line = d.today().visits.single { it.visitId == visit }
            assertTrue(line.canCheckIn)
            val started = d.checkIn(visit)
            // Not enrolled, so no server monitor: the reminder must not promise that anyone is alerted.
            assertTrue(started.reminder.contains("No one is alerted automatically"), started.reminder)
            assertTrue(d.today().visits.single { it.visitId == visit }.canCheckOut)
            val saved = d.completeVisit(
                visit,
                visitAnswers {
                    childSeen = true
                    childSeenAlone = true
                    childSpokenToAlone = true
                    sleepingAreaSeen = true
                    othersPresentAnswered = true
                    concerns = listOf("damp in the bedroom")
                },
            )
            assertEquals(VisitStatus.COMPLETED, saved.status)
            // Recorded in the home: lone working goes on until the practitioner checks out.
            assertTrue(d.today().visits.single { it.visitId == visit }.canCheckOut)
            d.checkOut(visit)
            assertFalse(d.today().visits.single { it.visitId == visit }.canCheckOut)
            assertTrue(d.alerts().none { it.loneWorker }, "checked out: no lone-working alert")
            val digest = d.alertDigest()
            assertTrue(digest.lines.none { it.loneWorker })
            assertEquals(digest.total, digest.lines.size + digest.more.sumOf { it.count })
            assertTrue(digest.summary.isNotBlank())
            assertEquals(digest.more.isEmpty(), digest.moreLabel == null)
            assertTrue(d.verify().ok)
        }
    }

    @Test
    fun `the family's copy shares only what is marked and comes back as a PDF`() = runTest {
        newStore().use { d ->
            val f = d.family()
            val visit = d.planVisit(VisitInput(f.case, VisitKind.ANNOUNCED_HOME, todayAt(9), 45, null))
            d.completeVisit(
                visit,
                visitAnswers {
                    childSeen = true
                    othersPresentAnswered = true
                    concerns = listOf("nappy rash")
                    actionsAgreed = listOf("try the new cream for a week")
                },
            )
            // Offered: the carer only (the child is no recipient).
            assertEquals(listOf(f.carer), d.familyCopyRecipients(visit).map { it.personId })
            val unmarked = d.familyCopyReview(visit, f.carer)
            val printed = { r: app.doorstep.ffi.FamilyCopyReview ->
                r.sections.flatMap { it.paragraphs + it.items }.joinToString("\n")
            }
            assertFalse(printed(unmarked).contains("nappy rash"), "nothing is shared unless marked")
            assertTrue(unmarked.withheld.any { it.reasonCode == "not_marked" })

            d.setFamilyShare(visit, FamilyShareInput(listOf("concerns"), emptyList(), emptyList()))
            val review = d.familyCopyReview(visit, f.carer)
            assertTrue(printed(review).contains("nappy rash"))
            assertFalse(printed(review).contains("new cream"))

            val pdf = d.giveFamilyCopy(visit, f.carer, true, review.fingerprint)
            assertEquals("%PDF", String(pdf.copyOfRange(0, 4), Charsets.US_ASCII))
            val stale = assertFailsWith<DoorstepException.NotAllowed> {
                d.giveFamilyCopy(visit, f.carer, false, "0".repeat(64))
            }
            assertEquals("NotAllowed", stale.code)
            assertTrue(d.child(f.case).chronology.any { it.kindCode == "copy_given" })
        }
    }

    @Test
    fun `an amended note keeps both versions`() = runTest {
        newStore().use { d ->
            val f = d.family()
            val note = d.addNote(f.case, "Carer says the child sleeps in the front room.")
            d.amendNote(note, "Carer says the child sleeps in the front room with a sibling.", significant = true)

            val thread = d.notes(f.case).single()
            assertEquals(note, thread.noteId)
            assertTrue(thread.amended)
            assertTrue(thread.significant)
            assertEquals(2, thread.versions.size)
            assertEquals("Carer says the child sleeps in the front room with a sibling.", thread.currentText)
            assertEquals("Carer says the child sleeps in the front room.", thread.versions.first().text)
            assertEquals(thread, d.child(f.case).notes.single())
        }
    }

    @Test
    fun `the plan times unannounced visits for a child protection case`() = runTest {
        newStore(Fixtures.socialWorker).use { d ->
            val cp = d.family(PlanType.CHILD_PROTECTION, Rag.RED, childName = "Protected Child")
            d.family(PlanType.UNIVERSAL, Rag.GREEN, childName = "Universal Child")

            // Each visit is unannounced at random (about a third, the OS's secure source); every
            // re-plan redraws, so one of 40 plans has one (the chance of none is below 1e-20).
            var plan = d.plan(4, book = false)
            var tries = 1
            while (plan.slots.none { it.caseId == cp.case && it.unannounced } && tries < 40) {
                plan = d.plan(4, book = false)
                tries++
            }
            assertTrue(plan.slots.isNotEmpty())
            assertTrue(
                plan.slots.any { it.caseId == cp.case && it.unannounced },
                "slots: ${plan.slots.map { it.caseId to it.unannounced }}",
            )
            assertTrue(plan.patternWarnings.isEmpty())
            assertTrue(plan.slots.none { it.visitId != null }, "not booked")
        }
    }

    @Test
    fun `a store without a server cannot sync, and the status flow says so`() = runTest {
        newStore().use { d ->
            val status = d.syncState.value.status
            assertFalse(status!!.enrolled)
            assertFalse(status.allSent)
            assertTrue(d.syncState.value is SyncState.Idle)

            val e = assertFailsWith<DoorstepException.NotEnrolled> { d.sync(JdkHttpTransport()) }
            val failed = d.syncState.value
            assertTrue(failed is SyncState.Failed, "state $failed")
            assertEquals("NotEnrolled", failed.error.code)
            assertEquals(e.userMessage, failed.error.userMessage)
        }
    }
}
