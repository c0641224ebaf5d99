package app.doorstep.ui.app

import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateListOf
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import app.doorstep.ffi.AdultChoice
import app.doorstep.ffi.Agency
import app.doorstep.ffi.AlertsView
import app.doorstep.ffi.Answer
import app.doorstep.ffi.CaseId
import app.doorstep.ffi.CaseInput
import app.doorstep.ffi.CaseLine
import app.doorstep.ffi.ChildView
import app.doorstep.ffi.DoorstepException
import app.doorstep.ffi.FamilyCopyReview
import app.doorstep.ffi.HouseholdId
import app.doorstep.ffi.HouseholdInput
import app.doorstep.ffi.NoteId
import app.doorstep.ffi.NoteThreadLine
import app.doorstep.ffi.PersonId
import app.doorstep.ffi.PersonInput
import app.doorstep.ffi.PlanScreen
import app.doorstep.ffi.PlanType
import app.doorstep.ffi.PractitionerInput
import app.doorstep.ffi.Rag
import app.doorstep.ffi.TodayView
import app.doorstep.ffi.TodayVisit
import app.doorstep.ffi.UnlockOptions
import app.doorstep.ffi.VisitAnswers
import app.doorstep.ffi.VisitForm
import app.doorstep.ffi.VisitId
import app.doorstep.ffi.VisitInput
import app.doorstep.ffi.VisitSaved
import app.doorstep.ffi.answerOf
import app.doorstep.ffi.emptyAnswers
import app.doorstep.ffi.expectedMinutes
import app.doorstep.ffi.ukDateInDays
import app.doorstep.ffi.ukLocalMillis
import app.doorstep.ffi.withAnswer
import app.doorstep.kotlin.Doorstep
import app.doorstep.kotlin.userMessage
import app.doorstep.ui.Words
import app.doorstep.ui.screens.AddedPerson
import app.doorstep.ui.screens.HouseholdStep
import app.doorstep.ui.screens.OutcomeKind
import app.doorstep.ui.screens.PersonRequest
import app.doorstep.ui.screens.VisitRequest
import java.io.File
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.launch

/**
 * The screens' state and what their buttons do, over one store in [dir]: the one wiring of the
 * desktop app, the tests and the Android app (whose view model holds one of these over its
 * [Platform]). It calls the core and keeps what the core answers; it decides nothing itself.
 *
 * [scope] runs the calls (the composition's or the view model's scope: the core's work goes to
 * its I/O dispatcher inside [Doorstep]); [platform] is what the device offers (a server
 * transport, a biometric key, reminders, background sync), each hook with a desktop default.
 */
class AppState(
    private val dir: File,
    private val scope: CoroutineScope,
    private val platform: Platform = Platform(),
) {
    /** The open store, once set up or opened. */
    var doorstep: Doorstep? by mutableStateOf(null)
        private set

    private val stack = mutableStateListOf(firstRoute())

    /** Where the practitioner was when the app went to the background (ids only), restored by unlocking. */
    private var place: List<Route> = emptyList()

    /** The screen on top. */
    val route: Route get() = stack.last()

    /** A call is running. */
    var busy by mutableStateOf(false)
        private set

    /** The core's message for the last failed call (or a form's own word), or null. */
    var error by mutableStateOf<String?>(null)
        private set

    // --- What the screens show (each the core's answer) ---------------------------------------
    var unlockOptions by mutableStateOf<UnlockOptions?>(null); private set
    var today by mutableStateOf<TodayView?>(null); private set
    var caseload by mutableStateOf<List<CaseLine>?>(null); private set
    var child by mutableStateOf<ChildView?>(null); private set
    var alerts by mutableStateOf<AlertsView?>(null); private set
    var plan by mutableStateOf<PlanScreen?>(null); private set
    var planBooked by mutableStateOf(false); private set
    var form by mutableStateOf<VisitForm?>(null); private set
    var answers by mutableStateOf<VisitAnswers?>(null); private set
    var saved by mutableStateOf<VisitSaved?>(null); private set
    var visit by mutableStateOf<TodayVisit?>(null); private set
    var notes by mutableStateOf<List<NoteThreadLine>?>(null); private set
    var passphraseChanged by mutableStateOf(false); private set
    var householdStep by mutableStateOf(HouseholdStep.ADDRESS); private set
    var householdPeople by mutableStateOf<List<AddedPerson>>(emptyList()); private set

    /** Whom the core offers the family's copy of the visit just saved or shown (empty: nobody). */
    var copyRecipients by mutableStateOf<List<AdultChoice>?>(null); private set
    /** The parent or carer chosen for the copy. */
    var copyRecipient by mutableStateOf<PersonId?>(null); private set
    /** The core's review of the copy for [copyRecipient]: exactly what it will say. */
    var copyReview by mutableStateOf<FamilyCopyReview?>(null); private set
    /** The reviewed copy was produced and handed to the platform. */
    var copyGiven by mutableStateOf(false); private set

    /** After a passphrase unlock: offer to set up (or set up again) the biometric key. */
    var offerBiometric by mutableStateOf(false); private set

    /** The core said the biometric key is dead (`KeyInvalidated`): passphrase until set up again. */
    var keyInvalidated by mutableStateOf(false); private set

    /** Unlocking with the biometric key is offered: the core has the slot and the device a biometric. */
    val biometricOffered: Boolean
        get() = platform.biometricAvailable && !keyInvalidated && unlockOptions?.keyProvider == true
    private var householdId: HouseholdId? = null
    private var callVisitId: VisitId? = null
    private var formJob: Job? = null
    private var liveJob: Job? = null

    /** The answers on the record form came from a saved draft (the practitioner may discard them). */
    var draftResumed by mutableStateOf(false); private set

    // --- Navigation ---------------------------------------------------------------------------

    /** Opens [to] on top of the current screen. */
    fun go(to: Route) {
        error = null
        stack.add(to)
    }

    /** There is a screen below this one (the system back gesture goes there). */
    val canGoBack: Boolean get() = stack.size > 1

    /** Back to the screen below (the first screen stays). */
    fun back() {
        error = null
        if (stack.size > 1) stack.removeAt(stack.lastIndex)
    }

    /** Replaces the whole stack with [to] (after unlocking, locking, finishing a flow). */
    private fun reset(to: Route) {
        error = null
        stack.clear()
        stack.add(to)
    }

    /** Replaces the screen on top with [to]. */
    private fun replace(to: Route) {
        error = null
        stack[stack.lastIndex] = to
    }

    /** Reads what [route] shows, from the core. Called whenever a screen is shown. */
    fun load(route: Route) {
        liveJob?.cancel()
        when (route) {
            Route.Unlock -> attempt { unlockOptions = opened().unlockOptions() }
            // Live: the core says when its data changed (a write, a sync, an alert changing colour).
            Route.Today -> live { d -> d.todayFlow().collect { today = it } }
            Route.Caseload -> live { d -> d.caseloadFlow().collect { caseload = it } }
            Route.Alerts -> live { d -> d.alertsFlow().collect { alerts = it } }
            Route.Plan -> call { planBooked = false; plan = it.plan(WEEKS, false) }
            Route.AddHousehold -> { householdStep = HouseholdStep.ADDRESS; householdPeople = emptyList(); householdId = null }
            Route.ChangePassphrase -> passphraseChanged = false
            Route.Sync -> call { it.refreshSyncStatus() }
            is Route.Child -> live { d -> d.childFlow(route.caseId).collect { child = it } }
            is Route.ChangeRag -> call { child = it.child(route.caseId) }
            is Route.PlanVisit -> call { child = it.child(route.caseId) }
            is Route.LogCall -> call { callVisitId = null; child = it.child(route.caseId) }
            // A draft resumes the form where the practitioner stopped (lock, killed app, restart).
            is Route.Record -> call {
                saved = null
                val draft = it.draft(route.visitId)
                answers = draft?.answers
                draftResumed = draft != null
                form = it.visitForm(route.visitId, answers)
            }
            is Route.Outcome -> call { saved = null; form = it.visitForm(route.visitId, null) }
            is Route.Lone -> call { visit = it.visit(route.visitId); today = it.today() }
            is Route.Notes -> call { notes = it.notes(route.caseId) }
            is Route.FamilyCopy -> call {
                copyRecipient = null; copyReview = null; copyGiven = false
                copyRecipients = it.familyCopyRecipients(route.visitId)
            }
            Route.SetUp, Route.Enrol -> Unit
        }
    }

    // --- Keys ---------------------------------------------------------------------------------

    /** Creates the store for a practitioner without a sync server, unlocked. */
    fun setUp(name: String, agency: Agency, team: String?, passphrase: CharArray) = attempt {
        val store = try {
            Doorstep.create(dir, PractitionerInput(name, agency, team), passphrase, clock = platform.clock)
        } finally {
            passphrase.fill('\u0000')
        }
        adopt(store)
    }

    /** Enrols this device with the sync server (its address and a one-time code), unlocked. */
    fun enrol(serverUrl: String, code: String, passphrase: CharArray) = attempt {
        val transport = platform.transport ?: return@attempt
        val store = try {
            Doorstep.enrol(dir, serverUrl.trim(), code.trim(), transport, passphrase, clock = platform.clock)
        } finally {
            passphrase.fill('\u0000')
        }
        adopt(store)
    }

    private suspend fun adopt(store: Doorstep) {
        doorstep = store
        platform.adopt(store)
        platform.onUnlocked(store)
        reset(Route.Today)
    }

    /** Unlocks with the passphrase; then offers the biometric key when the device has one and the store not (yet). */
    fun unlock(passphrase: CharArray) = attempt {
        val store = opened()
        try {
            store.unlock(passphrase)
        } finally {
            passphrase.fill('\u0000')
        }
        platform.onUnlocked(store)
        if (platform.biometricAvailable && (keyInvalidated || !store.unlockOptions().keyProvider)) {
            offerBiometric = true
        } else {
            returnToPlace()
        }
    }

    /** Unlocks with the platform's biometric key (Android shows the system prompt). */
    fun unlockWithBiometric() = attempt {
        val provider = platform.keyProvider() ?: return@attempt
        val store = opened()
        try {
            store.unlock(provider)
        } catch (e: DoorstepException.KeyInvalidated) {
            // Biometrics changed: the core's message, the passphrase, then a new key is offered.
            keyInvalidated = true
            throw e
        }
        platform.onUnlocked(store)
        returnToPlace()
    }

    /** Wraps the data key with a fresh biometric key (the prompt appears once). */
    fun enrolBiometric() = call {
        try {
            platform.keyProvider()?.let { provider -> it.setKeyProvider(provider) }
            keyInvalidated = false
        } finally {
            offerBiometric = false
            returnToPlace()
        }
    }

    /** Keeps the passphrase only. */
    fun skipBiometric() {
        offerBiometric = false
        returnToPlace()
    }

    /** Locks the store (keys wiped from memory) and shows the unlock screen with nothing on it. */
    fun lock() = attempt {
        formJob?.join()
        doorstep?.lock()
        place = emptyList()
        locked()
    }

    /**
     * The app left the screen: the answers being typed reach their sealed draft first, then the
     * store locks and nothing of the caseload stays on screen. Unlocking returns to the same screen
     * (the route keeps record ids only), and the record form resumes from its draft.
     */
    fun onBackground() = attempt {
        val store = doorstep ?: return@attempt
        formJob?.join()
        // Also on the unlock screen: the store is open there while the biometric key is offered.
        store.lock()
        if (route != Route.Unlock) place = stack.toList()
        locked()
    }

    /**
     * The server revoked this device and the core erased the store (found by a call here, or by
     * the platform's background sync): the store object goes, nothing of the caseload stays, and
     * first run shows again. Safe to call twice.
     */
    fun storeWiped() {
        if (doorstep == null && route == firstRoute()) return
        clearScreens() // the live flows stop before the store object goes
        doorstep?.close()
        doorstep = null
        place = emptyList()
        offerBiometric = false
        reset(firstRoute())
    }

    /** The store was locked under the screens (by the platform, or found locked): keep the place. */
    private fun locked() {
        offerBiometric = false
        clearScreens()
        reset(Route.Unlock)
        load(Route.Unlock)
    }

    private fun returnToPlace() {
        val back = place
        place = emptyList()
        if (back.isEmpty()) {
            reset(Route.Today)
        } else {
            stack.clear()
            stack.addAll(back)
        }
    }

    private suspend fun opened(): Doorstep = doorstep ?: platform.open(dir).also { doorstep = it }

    /** Changes the passphrase. */
    fun changePassphrase(old: CharArray, new: CharArray) = call {
        passphraseChanged = false
        try {
            it.changePassphrase(old, new)
        } finally {
            old.fill('\u0000')
            new.fill('\u0000')
        }
        passphraseChanged = true
    }

    // --- The day's work -----------------------------------------------------------------------

    /** Saves the household's address; then its people. */
    fun addHousehold(address: String, postcode: String?, accessNotes: String?) = write {
        householdId = it.addHousehold(HouseholdInput(address, postcode, accessNotes))
        householdStep = HouseholdStep.PEOPLE
    }

    /** Adds a person to the household being added. */
    fun addPerson(person: PersonRequest) = write {
        val household = householdId ?: return@write
        val id = it.addPerson(
            PersonInput(household, person.role, person.name, person.dateOfBirth, person.expectedDate, person.relationship),
        )
        householdPeople = householdPeople + AddedPerson(id, person.name, person.role)
    }

    /** From people to the child's case. */
    fun toCase() {
        householdStep = HouseholdStep.CASE
    }

    /** Opens a case for a child in the household; then the child's screen. */
    fun openCase(childId: PersonId, plan: PlanType, rag: Rag, reason: String) = write {
        val caseId = it.openCase(CaseInput(childId, plan, rag, reason))
        reset(Route.Today)
        go(Route.Child(caseId))
    }

    /** Changes the case's rating, with the reason; back to the child. */
    fun setRag(caseId: CaseId, rag: Rag, reason: String) = write {
        it.setRag(caseId, rag, reason)
        back()
    }

    /** Plans a visit (UK local date and time, read by the core); back to the child. */
    fun planVisit(caseId: CaseId, request: VisitRequest) = write {
        val at = ukLocalMillis(request.date, request.time)
        val minutes = expectedMinutes(request.minutes)
        it.planVisit(VisitInput(caseId, request.kind, at, minutes, request.departureReason))
        back()
    }

    /** A telephone call with the family now, answered: the record form for it follows. */
    fun callAnswered(caseId: CaseId, departureReason: String?) = write {
        val id = callVisit(it, caseId, departureReason)
        replace(Route.Record(id))
        load(route)
    }

    /**
     * A telephone call with the family just made that nobody answered: the core logs it (it counts
     * towards consecutive unsuccessful contacts) with what happened and the follow-up.
     */
    fun callUnanswered(caseId: CaseId, departureReason: String?, whatHappened: String, followUp: String) = write {
        saved = it.recordUnansweredCall(caseId, whatHappened, followUp, departureReason)
    }

    /** The call being logged (planned once, even if the first save was refused). */
    private suspend fun callVisit(store: Doorstep, caseId: CaseId, departureReason: String?): VisitId =
        callVisitId ?: store.startAnsweredCall(caseId, departureReason).also { callVisitId = it }

    /** One answer changed: the core puts it in place and draws the form again (latest answer wins). */
    fun answer(visitId: VisitId, key: String, answer: Answer) {
        val next = try {
            withAnswer(answers ?: emptyAnswers(), key, answer)
        } catch (e: DoorstepException) {
            error = e.userMessage
            return
        }
        answers = next
        formJob?.cancel()
        formJob = scope.launch {
            try {
                // Sealed in the core as it is typed: a phone call or a lock loses nothing.
                doorstep?.saveDraft(visitId, next)
                form = doorstep?.visitForm(visitId, next)
            } catch (e: DoorstepException) {
                error = e.userMessage
            }
        }
    }

    /** Discards the draft (the practitioner's choice): a fresh form. */
    fun discardDraft(visitId: VisitId) = call {
        formJob?.cancel()
        it.discardDraft(visitId)
        answers = null
        draftResumed = false
        form = it.visitForm(visitId, null)
    }

    /** The core's answer for a prompt, for its widget. */
    fun answerFor(key: String): Answer? = answers?.let { answerOf(it, key) }

    /** Saves the visit; the core refuses it if a blocking rule is broken. Then whom the family's copy may go to. */
    fun saveVisit(visitId: VisitId) = write {
        val current = answers ?: return@write
        val done = it.completeVisit(visitId, current)
        copyRecipients = it.familyCopyRecipients(visitId)
        saved = done
    }

    /** From the saved dialog: the family's copy of [visitId] (back leads to the day). */
    fun familyCopy(visitId: VisitId) {
        doneSaving()
        go(Route.FamilyCopy(visitId))
    }

    /** The practitioner chose who the copy is for: the core's review of exactly what it will say. */
    fun reviewFamilyCopy(visitId: VisitId, recipient: PersonId) = call {
        copyRecipient = recipient
        copyReview = null
        copyGiven = false
        copyReview = it.familyCopyReview(visitId, recipient)
    }

    /**
     * Produces the copy as reviewed (the core refuses it if anything changed since, and records
     * it as given) and hands the PDF to the platform: the print dialog on the phone, a file on
     * the desktop.
     */
    fun giveFamilyCopy(visitId: VisitId, largePrint: Boolean) = write {
        val review = copyReview ?: return@write
        val recipient = copyRecipient ?: return@write
        val pdf = it.giveFamilyCopy(visitId, recipient, largePrint, review.fingerprint)
        try {
            platform.shareFamilyCopy(pdf, Words.FAMILY_COPY_FILE)
        } catch (e: java.io.IOException) {
            error = Words.FAMILY_COPY_NOT_HANDED
            return@write
        }
        copyGiven = true
    }

    /** Saves a visit that did not happen. */
    fun saveOutcome(visitId: VisitId, kind: OutcomeKind, reason: String, followUp: String) = write {
        saved = when (kind) {
            OutcomeKind.NO_ACCESS -> it.recordNoAccess(visitId, reason, followUp)
            OutcomeKind.DECLINED -> it.recordDeclined(visitId, reason, followUp)
            OutcomeKind.CANCELLED -> it.cancelVisit(visitId, reason, followUp)
        }
    }

    /** After the saved dialog: back to the day. */
    fun doneSaving() {
        saved = null
        copyRecipients = null
        reset(Route.Today)
        load(Route.Today)
    }

    /** Books every slot of the plan as a planned visit. */
    fun bookPlan() = write {
        plan = it.plan(WEEKS, true)
        planBooked = true
    }

    /** Checks in at the door; the platform schedules its reminder. */
    fun checkIn(visitId: VisitId) = write {
        val view = it.checkIn(visitId)
        platform.onCheckedIn(it, view)
        visit = it.visit(visitId)
        today = it.today()
    }

    /** Checks out safely. */
    fun checkOut(visitId: VisitId) = write {
        it.checkOut(visitId)
        platform.onCheckedOut(visitId)
        visit = it.visit(visitId)
        today = it.today()
    }

    /** Adds a note. */
    fun addNote(caseId: CaseId, text: String, significant: Boolean) = write {
        it.addNote(caseId, text, significant)
        notes = it.notes(caseId)
    }

    /** Amends a note (the original is kept). */
    fun amendNote(caseId: CaseId, noteId: NoteId, text: String, significant: Boolean?) = write {
        it.amendNote(noteId, text, significant)
        notes = it.notes(caseId)
    }

    /** Syncs through the platform's transport, if it has one. */
    fun syncNow() = call { store -> platform.transport?.let { store.sync(it) } }

    /** Puts refused changes back in the queue. */
    fun retryNeedsAttention() = write { it.retryNeedsAttention() }

    // --- Helpers ------------------------------------------------------------------------------

    private fun clearScreens() {
        liveJob?.cancel()
        formJob?.cancel()
        today = null; caseload = null; child = null; alerts = null; plan = null; form = null
        answers = null; saved = null; visit = null; notes = null
        copyRecipients = null; copyRecipient = null; copyReview = null; copyGiven = false
        householdPeople = emptyList(); householdId = null; householdStep = HouseholdStep.ADDRESS
    }

    /** Collects one of the core's live flows for the screen shown (cancelled when it changes). */
    private fun live(block: suspend (Doorstep) -> Unit) {
        val store = doorstep ?: return
        liveJob = scope.launch {
            try {
                block(store)
            } catch (e: DoorstepException) {
                error = e.userMessage
            }
        }
    }

    /** A call that saves a change: once it is in, the platform hears of it (a sync is asked for). */
    private fun write(block: suspend (Doorstep) -> Unit) = call {
        block(it)
        platform.onChanged()
    }

    /** Runs a call on the open store; the core's errors land in [error]. */
    private fun call(block: suspend (Doorstep) -> Unit) = attempt {
        val store = doorstep ?: return@attempt
        block(store)
    }

    private fun attempt(block: suspend () -> Unit) {
        scope.launch {
            busy = true
            error = null
            try {
                block()
            } catch (e: DoorstepException) {
                error = e.userMessage
                when (e) {
                    is DoorstepException.Locked -> {
                        if (route != Route.Unlock) place = stack.toList()
                        locked()
                    }
                    is DoorstepException.Wiped -> {
                        platform.onWiped()
                        storeWiped()
                        error = e.userMessage
                    }
                    else -> Unit
                }
            } finally {
                busy = false
            }
        }
    }

    private fun firstRoute(): Route = when {
        Doorstep.exists(dir) -> Route.Unlock
        platform.enrolsWithServer -> Route.Enrol
        else -> Route.SetUp
    }

    companion object {
        /** The plan's horizon: four weeks. */
        const val WEEKS: Int = 4

        /** Tomorrow in the UK as the planning form shows it (the core's date). */
        fun tomorrow(): String = ukDateInDays(1)
    }
}
