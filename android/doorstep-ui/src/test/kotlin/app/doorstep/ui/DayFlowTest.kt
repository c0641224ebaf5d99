package app.doorstep.ui

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.SkikoComposeUiTest
import androidx.compose.ui.test.hasAnyAncestor
import androidx.compose.ui.test.hasClickAction
import androidx.compose.ui.test.hasTestTag
import androidx.compose.ui.test.hasText
import androidx.compose.ui.test.hasContentDescription
import androidx.compose.ui.test.assertIsNotEnabled
import androidx.compose.ui.test.onNodeWithTag
import app.doorstep.ffi.Answer
import app.doorstep.ffi.PromptInput
import kotlinx.coroutines.runBlocking
import app.doorstep.ffi.Rag
import app.doorstep.ffi.VisitId
import app.doorstep.ffi.VisitStatus
import app.doorstep.ffi.maxCount
import app.doorstep.ui.app.AppState
import app.doorstep.ui.app.Platform
import app.doorstep.ffi.CaseId
import app.doorstep.ui.app.Route
import app.doorstep.ui.theme.Palette
import java.io.File
import java.time.LocalDate
import java.time.ZoneId
import java.time.format.DateTimeFormatter
import kotlin.test.assertEquals
import kotlin.test.assertNotNull
import kotlin.test.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/**
 * A health visitor's day, tapped through the real screens over the real core (the Rust library
 * through the bindings; a store on disk in a temp dir): set up, add a family and a case, change
 * the rating, plan visits (a video call refused without its reason), check in, record a visit,
 * record declined and cancelled visits and an unanswered call, log an answered call, read the
 * alerts, book the four-week plan, write a note, see sync, change the passphrase, lock and unlock.
 * Every screen and state is written as a PNG, once at normal size and once at 2× font scale, and
 * each is checked for 48 dp touch targets, labels, and text that does not fit.
 */
@OptIn(ExperimentalTestApi::class)
class DayFlowTest {
    @TempDir
    lateinit var tmp: File

    @Test
    fun `the day's work, tapped through at normal font size`() = dayFlow(1f)

    @Test
    fun `the day's work, tapped through at double font size`() = dayFlow(2f)

    @Test
    fun `the day's work, tapped through in the dark theme`() = dayFlow(1f, dark = true)

    private fun dayFlow(scale: Float, dark: Boolean = false) = phone(scale) {
        currentScale = scale
        currentDark = dark
        val copies = File(tmp, "copies")
        val s = app(File(tmp, "store"), dark, Platform(familyCopyDir = copies))
        fun shot(name: String) = shoot(name, scale, dark)

        // Set up: who the practitioner is and a passphrase.
        await(hasTestTag("set-up"))
        shot("01-set-up")
        // The theme asked for is the one drawn: the screen's background is the scheme's surface.
        assertEquals(if (dark) Palette.dark.surface else Palette.light.surface, backgroundColour())
        type("name", "Sam Patel")
        tap(hasText("Health visiting"))
        type("passphrase", PASS)
        type("passphrase2", PASS + "x")
        await(hasText(Words.PASSPHRASES_DIFFER))
        onNodeWithTag("set-up").assertIsNotEnabled()
        shot("01b-set-up-passphrases-differ")
        type("passphrase2", PASS)
        tap(hasTestTag("set-up"))
        await(hasText(Words.NO_VISITS_TODAY))
        settle(s)
        shot("02-today-empty")

        // A household, its people and a child's case.
        tap(hasTestTag("menu"))
        shot("03-today-menu")
        tap(hasText(Words.ADD_HOUSEHOLD))
        await(hasTestTag("address"))
        shot("04-household-address")
        type("address", "14 Elm Road, Leeds")
        type("postcode", "LS6 2AB")
        type("access", "Side gate; dog kept in the kitchen")
        tap(hasTestTag("save-address"))
        await(hasTestTag("person-name"))
        settle(s)
        addPerson(s, "Child", "Amelia Hart", born = "02/03/2024")
        addPerson(s, "Parent or carer", "Jo Hart", relationship = "Mother")
        addPerson(s, "Other adult in the home", "Dean Marsh", relationship = "Mother's partner")
        assertEquals(3, s.householdPeople.size)
        shot("05-household-people")
        tap(hasTestTag("to-case"))
        await(hasTestTag("save-case"))
        tap(hasText("Amelia Hart") and hasClickAction())
        tap(hasText("Child protection plan"))
        tap(hasText("Red"))
        type("rag-reason", "Initial conference: neglect; unknown adults in the home")
        shot("06-household-case")
        tap(hasTestTag("save-case"))
        await(hasTestTag("child-list"))
        settle(s)
        val child = assertNotNull(s.child)
        val caseId = child.caseId
        assertEquals(Rag.RED, child.rag)
        await(hasText(child.ragLabel))
        shot("07-child")

        // The rating changes, with its reason.
        tap(hasTestTag("change-rag"))
        await(hasTestTag("reason"))
        tap(hasText("Amber"))
        type("reason", "Core group: home conditions improved for eight weeks")
        shot("08-change-rag")
        tap(hasTestTag("save"))
        await(hasTestTag("child-list"))
        settle(s)
        assertEquals(Rag.AMBER, s.child?.rag)
        await(hasText("Why: Core group: home conditions improved for eight weeks"))
        shot("09-child-amber")

        // Plan visits: a video call needs its reason on a child protection plan (the core says so).
        // Dates and times are read by the core, UK style: a day that does not exist is refused with
        // its message, naming the field only.
        planVisit(s, "Home visit", "31/02/2026", "09:30", reason = null)
        val badDate = assertNotNull(s.error, "the core refuses a date that does not exist")
        assertTrue(badDate.contains("not a date like 31/01/2026"), badDate)
        await(hasText(badDate))
        s.back()
        settle(s)
        val today = LocalDate.now(ZoneId.of("Europe/London")).format(DateTimeFormatter.ofPattern("dd/MM/yyyy"))
        planVisit(s, "Video call", today, "09:30", reason = null)
        val refusal = assertNotNull(s.error, "the core refuses a video call without a reason")
        await(hasText(refusal))
        shot("10-plan-visit-refused")
        type("departure", "Family isolating with flu; face to face booked for next week")
        tap(hasTestTag("save"))
        await(hasTestTag("child-list"))
        settle(s)
        planVisit(s, "Home visit", today, "14:00", reason = null)
        await(hasTestTag("child-list")); settle(s)
        planVisit(s, "Unannounced home visit", today, "16:30", reason = null)
        await(hasTestTag("child-list")); settle(s)
        planVisit(s, "Home visit", today, "11:00", reason = null)
        await(hasTestTag("child-list")); settle(s)

        // Today: the visits as the core lists them; the unannounced one marked.
        s.back()
        settle(s)
        await(hasTestTag("today-list"))
        settle(s)
        eventually("four visits today") { s.today?.visits?.size == 4 }
        val visits = assertNotNull(s.today).visits
        shot("11-today-visits")
        reveal(hasText(Words.UNANNOUNCED))
        await(hasText(Words.UNANNOUNCED))
        shot("11b-today-unannounced")

        // Lone working: check in at the 14:00 visit.
        val home = visits.single { it.timeLabel.contains("14:00") }
        tap(hasTestTag("lone-${home.visitId}"))
        await(hasTestTag("check-in"))
        settle(s)
        shot("12-lone-working")
        tap(hasTestTag("check-in"))
        await(hasTestTag("check-out"))
        settle(s)
        shot("13-lone-working-checked-in")
        s.back()
        await(hasTestTag("today-list"))
        settle(s)
        eventually("checked in: check out offered") { s.today?.visits?.single { it.visitId == home.visitId }?.canCheckOut == true }
        assertEquals(null, s.today?.banner, "no banner until the check-out is overdue")
        shot("14-today-checked-in")

        // Record the home visit: every prompt answered as the core asks, until it can be saved.
        tap(hasTestTag("record-${home.visitId}"))
        await(hasTestTag("form"))
        settle(s)
        shot("15-record-visit-fresh")
        // A draft: the first answer is sealed in the core as it is given; leaving and coming back
        // (a phone call, a lock) resumes it, with the choice to discard it.
        tap(hasText(Words.YES) and hasAnyAncestor(hasTestTag("prompt-child_seen")))
        settle(s)
        eventually("the draft is saved") { runBlocking { s.doorstep?.draft(home.visitId) } != null }
        s.back()
        await(hasTestTag("today-list"))
        settle(s)
        tap(hasTestTag("record-${home.visitId}"))
        await(hasTestTag("draft-resumed"))
        settle(s)
        assertEquals(Answer.YesNo(true), s.answerFor("child_seen"), "the draft's answer is back")
        shot("15b-record-visit-draft-resumed")
        answerUntilSaveable(s)
        shot("16-record-visit-answered")
        tap(hasTestTag("save-visit"))
        await(hasTestTag("done"))
        settle(s)
        shot("17-record-visit-saved")
        familyCopy(s, caseId, copies)
        eventually("the visit is completed") { s.today?.visits?.single { it.visitId == home.visitId }?.status == VisitStatus.COMPLETED }
        assertEquals(null, runBlocking { s.doorstep?.draft(home.visitId) }, "saving the visit discards its draft")

        // Check out safely.
        tap(hasTestTag("lone-${home.visitId}"))
        tap(hasTestTag("check-out"))
        settle(s)
        s.back()
        await(hasTestTag("today-list"))
        settle(s)
        eventually("checked out: no check-out offered") { s.today?.visits?.single { it.visitId == home.visitId }?.canCheckOut == false }
        assertEquals(null, s.today?.banner, "checked out: no banner")

        // The unannounced visit: the family declined.
        val unannounced = visits.single { it.unannounced }
        outcome(s, unannounced.visitId, "DECLINED", "Mother said it was not convenient; did not open the door fully", "Joint visit with social worker tomorrow at 10:00", "18-declined")
        eventually("declined") { s.today?.visits?.single { it.visitId == unannounced.visitId }?.status == VisitStatus.DECLINED }

        // The 11:00 visit: cancelled.
        val eleven = visits.single { it.timeLabel.contains("11:00") }
        outcome(s, eleven.visitId, "CANCELLED", "Clinic emergency cover", "Rebooked for Thursday morning", "19-cancelled")
        eventually("cancelled") { s.today?.visits?.single { it.visitId == eleven.visitId }?.status == VisitStatus.CANCELLED }

        // A telephone call nobody answered, then one that was answered.
        s.go(Route.Child(caseId))
        await(hasTestTag("log-call"))
        settle(s)
        tap(hasTestTag("log-call"))
        await(hasTestTag("answered"))
        shot("20-log-call")
        type("departure", "Checking in after the declined visit")
        tap(hasTestTag("unanswered"))
        type("happened", "Rang twice at 15:10, no answer, no voicemail")
        type("follow-up", "Try again at 18:00; unannounced visit tomorrow if no contact")
        shot("21-log-call-unanswered")
        tap(hasTestTag("save"))
        await(hasTestTag("done"))
        settle(s)
        assertEquals(VisitStatus.NO_ACCESS, s.saved?.status)
        shot("22-log-call-unanswered-saved")
        tap(hasTestTag("done"))
        await(hasTestTag("today-list"))
        settle(s)

        s.go(Route.Child(caseId))
        await(hasTestTag("log-call"))
        settle(s)
        tap(hasTestTag("log-call"))
        type("departure", "Evening call agreed with mother")
        tap(hasTestTag("answered"))
        await(hasTestTag("form"))
        settle(s)
        assertTrue(assertNotNull(s.form).remote, "a call is a remote contact")
        shot("23-telephone-record")
        answerUntilSaveable(s)
        tap(hasTestTag("save-visit"))
        await(hasTestTag("done"))
        settle(s)
        assertEquals(VisitStatus.COMPLETED, s.saved?.status)
        tap(hasTestTag("done"))
        await(hasTestTag("today-list"))
        settle(s)
        shot("24-today-after-the-day")

        // The alerts digest.
        tap(hasTestTag("menu"))
        tap(hasText(Words.ALERTS))
        val alerts = waitFor(s) { s.alerts }
        await(hasText(alerts.summary))
        shot("25-alerts")
        s.back()
        settle(s)

        // The four-week plan, booked.
        tap(hasTestTag("menu"))
        tap(hasText(Words.PLAN_TITLE))
        val plan = waitFor(s) { s.plan }
        await(hasText(plan.horizonLabel))
        shot("26-plan")
        if (plan.slots.any { it.visitId == null }) {
            tap(hasTestTag("book"))
            await(hasText(Words.BOOKED))
            settle(s)
            assertTrue(assertNotNull(s.plan).slots.all { it.visitId != null }, "every slot booked")
            shot("27-plan-booked")
        }
        s.back()
        settle(s)

        // Notes, the caseload, sync.
        s.go(Route.Notes(caseId))
        await(hasTestTag("note-text"))
        settle(s)
        type("note-text", "Strategy discussion with social care: agreed joint visit tomorrow.")
        tap(hasText(Words.SIGNIFICANT))
        tap(hasTestTag("save-note"))
        settle(s)
        await(hasText("Strategy discussion with social care: agreed joint visit tomorrow."))
        shot("28-notes")
        s.back()
        s.back()
        settle(s)
        tap(hasTestTag("menu"))
        tap(hasText(Words.CASELOAD))
        await(hasText("Amelia Hart"))
        settle(s)
        shot("29-caseload")
        s.back()
        settle(s)
        tap(hasTestTag("sync"))
        val status = waitFor(s) { s.doorstep?.syncState?.value?.status }
        await(hasText(status.summary))
        assertTrue(status.pending > 0, "changes wait to be sent")
        shot("30-sync")
        s.back()
        settle(s)

        // Change the passphrase (a wrong current one is refused by the core), lock, unlock.
        tap(hasTestTag("menu"))
        tap(hasText(Words.CHANGE_PASSPHRASE))
        await(hasTestTag("old"))
        shot("31-change-passphrase")
        type("old", "not the passphrase")
        type("new", NEW_PASS)
        type("new2", NEW_PASS)
        tap(hasTestTag("change"))
        settle(s)
        val wrong = assertNotNull(s.error, "a wrong current passphrase is refused")
        await(hasText(wrong))
        shot("32-change-passphrase-refused")
        type("old", PASS)
        type("new", NEW_PASS)
        type("new2", NEW_PASS)
        tap(hasTestTag("change"))
        await(hasText(Words.PASSPHRASE_CHANGED))
        settle(s)
        shot("33-passphrase-changed")
        s.back()
        settle(s)
        tap(hasTestTag("menu"))
        tap(hasText(Words.LOCK))
        await(hasTestTag("unlock"))
        settle(s)
        assertEquals(null, s.today, "nothing of the caseload is kept once locked")
        shot("34-unlock")
        type("passphrase", PASS)
        tap(hasTestTag("unlock"))
        settle(s)
        val refused = assertNotNull(s.error, "the old passphrase no longer unlocks")
        await(hasText(refused))
        shot("35-unlock-wrong")
        type("passphrase", NEW_PASS)
        tap(hasTestTag("unlock"))
        await(hasTestTag("today-list"))
        settle(s)
        eventually("the day's visits are back after unlocking") {
            s.today?.visits?.map { it.visitId }?.containsAll(visits.map { it.visitId }) == true
        }
        shot("36-today-unlocked-again")
    }

    private fun SkikoComposeUiTest.addPerson(
        s: AppState,
        role: String,
        name: String,
        born: String? = null,
        relationship: String? = null,
    ) {
        tap(hasText(role) and hasClickAction())
        type("person-name", name)
        born?.let { type("born", it) }
        relationship?.let { type("relationship", it) }
        tap(hasTestTag("save-person"))
        settle(s)
        assertEquals(null, s.error)
        await(hasText(name, substring = true))
    }

    private fun SkikoComposeUiTest.planVisit(s: AppState, kind: String, date: String, time: String, reason: String?) {
        tap(hasTestTag("plan-visit"))
        await(hasTestTag("date"))
        tap(hasText(kind) and hasClickAction())
        type("date", date)
        type("time", time)
        type("minutes", "45")
        reason?.let { type("departure", it) }
        tap(hasTestTag("save"))
        settle(s)
    }

    private fun SkikoComposeUiTest.outcome(s: AppState, visitId: VisitId, kind: String, reason: String, followUp: String, shotName: String) {
        tap(hasTestTag("record-$visitId"))
        await(hasTestTag("form"))
        settle(s)
        tap(hasTestTag("outcome-$kind"))
        await(hasTestTag("follow-up"))
        type("reason", reason)
        type("follow-up", followUp)
        shoot(shotName, currentScale, currentDark)
        tap(hasTestTag("save"))
        await(hasTestTag("done"))
        settle(s)
        shoot("$shotName-saved", currentScale, currentDark)
        tap(hasTestTag("done"))
        await(hasTestTag("today-list"))
        settle(s)
    }

    /**
     * Answers whatever the core's form asks, prompt by prompt, until it says the visit can be
     * saved: yes to yes/no questions, the first engagement choice, the known adults present, a
     * line in each list, words in each text field.
     */
    private fun SkikoComposeUiTest.answerUntilSaveable(s: AppState) {
        val answered = mutableSetOf<String>()
        repeat(30) {
            val form = assertNotNull(s.form)
            if (form.canSave) return
            val prompt = form.prompts.firstOrNull { it.key !in answered } ?: error("nothing left to answer: ${form.messages}")
            answered += prompt.key
            val inPrompt = hasAnyAncestor(hasTestTag("prompt-${prompt.key}"))
            when (prompt.input) {
                // Yes, except "spoken to alone": no, with one adult present (the count below).
                PromptInput.YES_NO -> tap(hasText(if (prompt.key == "child_spoken_to_alone") Words.NO else Words.YES) and inPrompt)
                PromptInput.SHORT_TEXT, PromptInput.LONG_TEXT -> type("text-${prompt.key}", "Seen in the living room with mother")
                // One adult in the room while the child spoke, said with the + button (and so not alone).
                PromptInput.COUNT -> {
                    // The stepper stops where the core says (the same limit on iOS).
                    assertEquals(maxCount(), prompt.maxCount)
                    tap(hasContentDescription("${Words.INCREASE}: ${prompt.question}") and hasClickAction())
                }
                PromptInput.CHOICE -> tap(hasText(form.engagementChoices.first().label) and inPrompt)
                PromptInput.PEOPLE_PRESENT -> {
                    if (form.knownAdults.isEmpty()) {
                        tap(hasTestTag("nobody-else"))
                    } else {
                        form.knownAdults.forEach { tap(hasText("${it.name} (${it.roleLabel})")) }
                    }
                }
                PromptInput.TEXT_LIST -> {
                    tap(hasTestTag("add-${prompt.key}"))
                    type("list-${prompt.key}-0", "Safe sleep advice repeated")
                }
            }
            settle(s)
        }
        assertTrue(assertNotNull(s.form).canSave, "the form is saveable: ${s.form?.messages}")
    }

    private var currentScale = 1f
    private var currentDark = false

    private fun <T : Any> SkikoComposeUiTest.waitFor(s: AppState, read: () -> T?): T {
        waitUntil("the core's answer", CORE_TIMEOUT_MS) { !s.busy && read() != null }
        waitForIdle()
        return read()!!
    }

    companion object {
        private const val PASS = "correct horse battery staple"
        private const val NEW_PASS = "a new and longer passphrase"
    }

    /**
     * The family's copy of the visit just saved: offered from the saved dialog, to the parent or
     * carer the core names (not the mother's partner), every line of the core's review on screen,
     * large print chosen, given; the PDF the platform received (the desktop default writes it to
     * [copies]) is a PDF whose text names the child, and the chronology says a copy was given.
     */
    private fun SkikoComposeUiTest.familyCopy(s: AppState, caseId: CaseId, copies: File) {
        fun shot(name: String) = shoot(name, currentScale, currentDark)
        tap(hasTestTag("family-copy"))
        await(hasTestTag("recipients"))
        settle(s)
        assertEquals(listOf("Jo Hart"), assertNotNull(s.copyRecipients).map { it.name }, "only the parent or carer is offered")
        await(hasText("Jo Hart", substring = true))
        assertTrue(onAllNodes(hasText("Dean Marsh", substring = true)).fetchSemanticsNodes().isEmpty(), "the partner is not offered")
        shot("17b-family-copy-recipients")

        tap(hasText("Jo Hart", substring = true) and hasClickAction())
        await(hasTestTag("copy-review"))
        settle(s)
        val review = assertNotNull(s.copyReview)
        val lines = listOf(review.title) + review.warnings.map { "⚠ $it" } +
            review.sections.flatMap { listOf(it.heading) + it.paragraphs + it.items.map { item -> "• $item" } } +
            review.withheld.map { "${it.what}: ${it.reason}" }
        assertTrue(review.sections.isNotEmpty(), "the core's copy has sections")
        for (line in lines) {
            assertTrue(onAllNodes(hasText(line)).fetchSemanticsNodes().isNotEmpty(), "the review shows the core's line: $line")
        }
        val printed = review.sections.flatMap { it.paragraphs + it.items }.joinToString("\n")
        assertTrue(printed.contains("Amelia Hart"), "the core's copy names the child seen: $printed")
        assertTrue(printed.contains("Jo Hart"), "and whom it is for")
        shot("17c-family-copy-review")

        tap(hasTestTag("large-print"))
        reveal(hasTestTag("give-copy"))
        shot("17d-family-copy-large-print")
        tap(hasTestTag("give-copy"))
        await(hasTestTag("copy-given"))
        settle(s)
        assertTrue(s.copyGiven)
        reveal(hasTestTag("copy-done"))
        shot("17e-family-copy-given")

        val pdf = File(copies, Words.FAMILY_COPY_FILE)
        val bytes = pdf.readBytes()
        assertEquals("%PDF", String(bytes.copyOfRange(0, 4), Charsets.US_ASCII))
        val text = pdfText(pdf)
        assertTrue(text.contains("Amelia"), "pdftotext finds the child's first name in the copy: $text")
        assertTrue(!text.contains("Dean Marsh"), "nothing about the partner in the copy")
        val chronology = runBlocking { assertNotNull(s.doorstep).child(caseId) }.chronology
        assertTrue(chronology.any { it.kindCode == "copy_given" }, "the chronology records the copy as given")

        tap(hasTestTag("copy-done"))
        await(hasTestTag("today-list"))
        settle(s)
    }

    /** The PDF's text as poppler's `pdftotext` reads it (installed by `.ci/run`). */
    private fun pdfText(pdf: File): String {
        val process = ProcessBuilder("pdftotext", "-layout", pdf.path, "-").redirectErrorStream(true).start()
        val out = process.inputStream.bufferedReader().readText()
        assertEquals(0, process.waitFor(), "pdftotext failed: $out")
        return out
    }
}