package app.doorstep.ui

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.SkikoComposeUiTest
import androidx.compose.ui.test.hasAnyAncestor
import androidx.compose.ui.test.hasTestTag
import androidx.compose.ui.test.hasText
import app.doorstep.ffi.Answer
import app.doorstep.ffi.CaseInput
import app.doorstep.ffi.CheckInView
import app.doorstep.ffi.HouseholdInput
import app.doorstep.ffi.KeyProvider
import app.doorstep.ffi.LoneWorkingReminder
import app.doorstep.ffi.PersonInput
import app.doorstep.ffi.PersonRole
import app.doorstep.ffi.PlanType
import app.doorstep.ffi.Rag
import app.doorstep.ffi.ReminderStage
import app.doorstep.ffi.VisitInput
import app.doorstep.ffi.VisitId
import app.doorstep.ffi.VisitKind
import app.doorstep.ffi.WallClock
import app.doorstep.kotlin.Doorstep
import app.doorstep.kotlin.InMemoryKeyProvider
import app.doorstep.kotlin.ReferenceServer
import app.doorstep.kotlin.jvm.JdkHttpTransport
import app.doorstep.ui.app.AppState
import app.doorstep.ui.app.Platform
import app.doorstep.ui.app.Route
import java.io.File
import java.time.LocalDate
import java.time.ZoneId
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicLong
import kotlin.test.assertEquals
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/**
 * A phone enrolled with the real reference server (its own process, over HTTP on loopback),
 * through [AppState]'s platform hooks as the Android app uses them: enrol with a one-time code,
 * check in and watch Today's banner turn red when the clock passes the check-in's red time, sync
 * for real, go to the background in the middle of recording (the draft is kept, nothing of the
 * caseload stays on screen, unlocking returns to the form), unlock with the biometric key, and
 * fall back to the passphrase when the core says that key is dead.
 */
@OptIn(ExperimentalTestApi::class)
class EnrolledPhoneTest {
    @TempDir
    lateinit var tmp: File

    /** The device's clock: 10:00 today in the UK plus the real time since, moved on by the test. */
    private class MovableClock : WallClock {
        private val base = LocalDate.now(UK).atTime(10, 0).atZone(UK).toInstant().toEpochMilli()
        private val started = System.currentTimeMillis()
        val offset = AtomicLong(0)
        override fun nowMillis(): Long = base + (System.currentTimeMillis() - started) + offset.get()
    }

    /** The platform hooks, recording what the app told the platform. */
    private class PhonePlatform(clock: WallClock) : Platform(JdkHttpTransport(), clock) {
        var key: KeyProvider = InMemoryKeyProvider()
        val unlocked = AtomicInteger()
        val changed = AtomicInteger()
        val checkIns = mutableListOf<CheckInView>()
        val checkOuts = mutableListOf<VisitId>()
        val wiped = AtomicInteger()
        override val biometricAvailable = true
        override fun keyProvider(): KeyProvider = key
        override suspend fun onUnlocked(store: Doorstep) { unlocked.incrementAndGet() }
        override fun onChanged() { changed.incrementAndGet() }
        val reminders = mutableListOf<LoneWorkingReminder>()
        override suspend fun onCheckedIn(store: Doorstep, view: CheckInView) {
            checkIns += view
            // What Android schedules as alarms, read as it reads them.
            reminders += store.loneWorkingReminders()
        }
        override fun onCheckedOut(visitId: VisitId) { checkOuts += visitId }
        override fun onWiped() { wiped.incrementAndGet() }
    }

    @Test
    fun `an enrolled phone - enrol, a red lone-working banner, a real sync, the background and biometric unlock`() =
        enrolledPhone(1f, dark = false)

    @Test
    fun `an enrolled phone at double font size`() = enrolledPhone(2f, dark = false)

    @Test
    fun `an enrolled phone in the dark theme`() = enrolledPhone(1f, dark = true)

    private fun enrolledPhone(scale: Float, dark: Boolean) =
        ReferenceServer.inDir(File(tmp, "server").also { it.mkdirs() }).use { server ->
            val team = server.addTeam("Leeds North health visiting")
            val me = server.addPractitioner(team, "Sam Patel", "health_visiting")
            val code = server.enrolCode(me)
            server.serve()
            val clock = MovableClock()
            val platform = PhonePlatform(clock)
            phone(scale) { enrolledDay(server, code, clock, platform, scale, dark) }
        }

    private fun SkikoComposeUiTest.enrolledDay(
        server: ReferenceServer,
        code: String,
        clock: MovableClock,
        platform: PhonePlatform,
        scale: Float,
        dark: Boolean,
    ) {
        val url = server.url
        val s = app(File(tmp, "store"), dark, platform)
        fun shot(name: String) = shoot(name, scale, dark)

        // First run with a server: the enrol screen, not the stand-alone set-up.
        await(hasTestTag("enrol"))
        assertEquals(Route.Enrol, s.route)
        type("server", url)
        type("code", code)
        type("passphrase", PASS)
        shot("40-enrol")
        tap(hasTestTag("enrol"))
        await(hasTestTag("today-list"))
        settle(s)
        assertEquals(1, platform.unlocked.get(), "enrolment tells the platform the store is open")

        // A family and a visit now (through the core), then check in from Today.
        val visitId = runBlocking { family(assertNotNull(s.doorstep), clock.nowMillis()) }
        eventually("the visit is on Today") { s.today?.visits?.any { it.visitId == visitId } == true }
        tap(hasTestTag("lone-$visitId"))
        await(hasTestTag("check-in"))
        settle(s)
        tap(hasTestTag("check-in"))
        await(hasTestTag("check-out"))
        settle(s)
        val checkIn = platform.checkIns.single()
        assertEquals(visitId, checkIn.visitId, "the platform was given the core's reminder times")
        assertEquals(
            listOf(ReminderStage.AMBER to checkIn.amberAtMillis, ReminderStage.RED to checkIn.redAtMillis),
            platform.reminders.map { it.stage to it.atMillis },
            "an amber and a red reminder, at the check-in's times",
        )
        assertTrue(platform.changed.get() > 0, "the check-in asked the platform for a sync")

        // A real sync with the server: nothing left waiting, the time of the sync shown.
        s.back()
        await(hasTestTag("today-list"))
        settle(s)
        tap(hasTestTag("sync"))
        await(hasTestTag("sync-now"))
        settle(s)
        tap(hasTestTag("sync-now"))
        eventually("everything sent") {
            val status = s.doorstep?.syncState?.value?.status
            status != null && status.enrolled && status.pending.toLong() == 0L && status.lastSyncLabel != null
        }
        settle(s)
        val status = assertNotNull(s.doorstep?.syncState?.value?.status)
        await(hasText(status.summary))
        await(hasText("${Words.LAST_SYNC}: ${status.lastSyncLabel}"))
        shot("41-sync-enrolled")
        s.back()
        await(hasTestTag("today-list"))
        settle(s)

        // Past the red time: Today opens with the red banner, first on the screen.
        clock.offset.set(checkIn.redAtMillis - clock.nowMillis() + 60_000)
        s.go(Route.Caseload)
        settle(s)
        s.back()
        eventually("Today is red") { s.today?.loneWorkerRed == true }
        val banner = assertNotNull(s.today?.banner)
        await(hasText(banner))
        await(hasTestTag("lone-banner"))
        shot("42-today-lone-working-red")

        // Recording, then the phone rings and the app goes to the background: the answer is
        // sealed as the draft, the store locks, and nothing of the caseload stays on screen.
        tap(hasTestTag("record-$visitId"))
        await(hasTestTag("form"))
        settle(s)
        tap(hasText(Words.YES) and hasAnyAncestor(hasTestTag("prompt-child_seen")))
        s.onBackground()
        await(hasTestTag("unlock"))
        settle(s)
        assertEquals(Route.Unlock, s.route)
        assertNull(s.today)
        assertNull(s.form)
        assertNull(s.answers)
        assertTrue(onAllNodes(hasText("Amelia Hart", substring = true)).fetchSemanticsNodes().isEmpty(), "no name on the lock screen")
        assertTrue(runBlocking { s.doorstep?.isLocked() } == true, "the store is locked")

        // The passphrase unlocks; the biometric key is offered (the store has none yet). Leaving
        // the app with the offer still on screen locks the store again.
        type("passphrase", PASS)
        tap(hasTestTag("unlock"))
        await(hasTestTag("biometric-yes"))
        settle(s)
        assertTrue(runBlocking { s.doorstep?.isLocked() } == false, "unlocked under the offer")
        shot("43-unlock-biometric-offer")
        s.onBackground()
        // The unlock screen was already showing: wait for the lock itself, then the offer goes.
        eventually("leaving during the offer locks the store") { runBlocking { s.doorstep?.isLocked() } == true }
        eventually("the offer is gone") { !s.offerBiometric }
        settle(s)
        assertTrue(onAllNodes(hasTestTag("biometric-yes")).fetchSemanticsNodes().isEmpty(), "the offer is gone")
        // Then the key is set up, and back where the practitioner was: the form, resumed from its draft.
        unlockAndSetUpKey(s) {}
        assertEquals(Route.Record(visitId), s.route)
        assertEquals(Answer.YesNo(true), s.answerFor("child_seen"))
        assertTrue(runBlocking { assertNotNull(s.doorstep).unlockOptions().keyProvider }, "the key slot is set up")

        // Background again; this time the biometric key unlocks.
        backgroundThenBiometric(s) { shot("44-unlock-biometric") }
        await(hasTestTag("draft-resumed"))
        settle(s)
        assertEquals(Route.Record(visitId), s.route)

        // The key dies (biometrics changed): the core's message, the passphrase, a new key offered.
        platform.key.destroyKey()
        backgroundThenBiometric(s) {}
        val refusal = assertNotNull(s.error, "the core reports the dead key")
        await(hasText(refusal))
        assertTrue(s.keyInvalidated)
        assertTrue(onAllNodes(hasTestTag("biometric")).fetchSemanticsNodes().isEmpty(), "no biometric button for a dead key")
        shot("45-unlock-key-invalidated")
        platform.key = InMemoryKeyProvider()
        unlockAndSetUpKey(s) {}
        assertEquals(false, s.keyInvalidated, "a new key is set up")
        assertEquals(5, platform.unlocked.get(), "every unlock told the platform")

        // The phone is lost: the administrator revokes it, and at its next sync the core erases
        // the store; the platform forgets its keys and the app is back at enrolment.
        val device = server.admin("devices").lines().drop(1).single() // after the header line
            .substringBefore('\t')
        server.admin("revoke", device)
        s.go(Route.Sync)
        await(hasTestTag("sync-now"))
        settle(s)
        tap(hasTestTag("sync-now"))
        await(hasTestTag("enrol"))
        settle(s)
        assertEquals(Route.Enrol, s.route)
        assertEquals(1, platform.wiped.get(), "the platform was told to forget its keys")
        assertNull(s.doorstep)
        assertTrue(!Doorstep.exists(File(tmp, "store")), "nothing of the store is left")
        assertTrue(onAllNodes(hasText("Amelia Hart", substring = true)).fetchSemanticsNodes().isEmpty())
        shot("46-enrol-after-wipe")
    }

    /** Unlocks with the passphrase, accepts the biometric key offered ([atOffer] runs at the offer), waits for the form. */
    private fun SkikoComposeUiTest.unlockAndSetUpKey(s: AppState, atOffer: () -> Unit) {
        type("passphrase", PASS)
        tap(hasTestTag("unlock"))
        await(hasTestTag("biometric-yes"))
        settle(s)
        atOffer()
        tap(hasTestTag("biometric-yes"))
        await(hasTestTag("draft-resumed"))
        settle(s)
    }

    /** The app goes to the background; back on the unlock screen ([atUnlock] runs there), the biometric is tapped. */
    private fun SkikoComposeUiTest.backgroundThenBiometric(s: AppState, atUnlock: () -> Unit) {
        s.onBackground()
        await(hasTestTag("biometric"))
        settle(s)
        atUnlock()
        tap(hasTestTag("biometric"))
        settle(s)
    }

    /** A child protection case with a home visit starting a minute from [now]; returns the visit. */
    private suspend fun family(d: Doorstep, now: Long): VisitId {
        val home = d.addHousehold(HouseholdInput("14 Elm Road, Leeds", "LS6 2AB", null))
        val child = d.addPerson(PersonInput(home, PersonRole.CHILD, "Amelia Hart", "2024-03-02", null, null))
        val case = d.openCase(CaseInput(child, PlanType.CHILD_PROTECTION, Rag.RED, "Initial conference: neglect"))
        return d.planVisit(VisitInput(case, VisitKind.ANNOUNCED_HOME, now + 60_000, 30, null))
    }

    private companion object {
        const val PASS = "correct horse battery staple"
        val UK: ZoneId = ZoneId.of("Europe/London")
    }
}
