package app.doorstep.kotlin

import app.doorstep.ffi.AdultChoice
import app.doorstep.ffi.AlertLine
import app.doorstep.ffi.AlertsView
import app.doorstep.ffi.CaseId
import app.doorstep.ffi.CaseInput
import app.doorstep.ffi.CaseLine
import app.doorstep.ffi.CheckInView
import app.doorstep.ffi.ChildView
import app.doorstep.ffi.DataChanges
import app.doorstep.ffi.DataObserver
import app.doorstep.ffi.DoorstepException
import app.doorstep.ffi.DoorstepStore
import app.doorstep.ffi.FamilyCopyReview
import app.doorstep.ffi.FamilyShareInput
import app.doorstep.ffi.HouseholdId
import app.doorstep.ffi.HouseholdInput
import app.doorstep.ffi.IntegrityReport
import app.doorstep.ffi.KeyProvider
import app.doorstep.ffi.LoneWorkingReminder
import app.doorstep.ffi.NoteId
import app.doorstep.ffi.NoteThreadLine
import app.doorstep.ffi.PersonId
import app.doorstep.ffi.PersonInput
import app.doorstep.ffi.PlanScreen
import app.doorstep.ffi.PractitionerInput
import app.doorstep.ffi.Rag
import app.doorstep.ffi.SyncObserver
import app.doorstep.ffi.SyncProgress
import app.doorstep.ffi.SyncResult
import app.doorstep.ffi.SyncStatusView
import app.doorstep.ffi.TodayView
import app.doorstep.ffi.TodayVisit
import app.doorstep.ffi.Transport
import app.doorstep.ffi.UnlockOptions
import app.doorstep.ffi.VisitAnswers
import app.doorstep.ffi.VisitDraft
import app.doorstep.ffi.VisitForm
import app.doorstep.ffi.VisitId
import app.doorstep.ffi.VisitInput
import app.doorstep.ffi.VisitSaved
import app.doorstep.ffi.WallClock
import app.doorstep.ffi.storeExists
import java.io.File
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.channels.BufferOverflow
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.channelFlow
import kotlinx.coroutines.flow.distinctUntilChanged
import kotlinx.coroutines.launch
import kotlinx.coroutines.flow.MutableSharedFlow
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.SharedFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asSharedFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import kotlinx.coroutines.withContext

/**
 * The Doorstep core for Kotlin callers: every call of the generated [DoorstepStore] as a suspend
 * function on [io] (the calls block: SQLite, and PBKDF2 on unlock), the sync status as a
 * [StateFlow], and live screens ([todayFlow], [childFlow], [alertsFlow], [caseloadFlow]) that
 * read themselves again when the core says their data changed or an alert changes colour.
 * Threading and flows only: every rule, label and message comes from the core.
 *
 * Errors are the generated [DoorstepException] subclasses; see [code], [retryable] and
 * [userMessage]. Passphrases are `CharArray`s, wiped once used.
 */
class Doorstep private constructor(
    /** The generated store, for anything not wrapped here. Its calls block the calling thread. */
    val store: DoorstepStore,
    private val io: CoroutineDispatcher,
    /** The clock the core was given, if any (the live screens' timers read the same time). */
    private val clock: WallClock?,
) : AutoCloseable {

    private val changeEvents = MutableSharedFlow<DataChanges>(
        extraBufferCapacity = 64,
        onBufferOverflow = BufferOverflow.DROP_OLDEST,
    )

    /**
     * What the core says changed, after every write, every page a sync applies and every sync's
     * end (and everything, after an unlock). Nothing replayed: the live screens subscribe first.
     */
    val changes: SharedFlow<DataChanges> = changeEvents.asSharedFlow()

    init {
        store.setDataObserver(object : DataObserver {
            override fun changed(changes: DataChanges) {
                changeEvents.tryEmit(changes)
            }
        })
    }

    private fun nowMillis(): Long = clock?.nowMillis() ?: System.currentTimeMillis()

    /** Tells the live screens to read everything again (after an unlock: they could not read). */
    private fun everythingChanged() {
        changeEvents.tryEmit(DataChanges(today = true, caseload = true, alerts = true, caseIds = emptyList(), everyCase = true, sync = true))
    }

    /**
     * A screen's data, read now and again whenever [relevant] says a change concerns it, and at
     * the instant the core says an alert changes colour (a check-in turning amber or red, the
     * day ending). While the store is locked nothing is emitted; the unlock reads it again.
     * Equal consecutive values are not repeated.
     */
    private fun <T> live(relevant: (DataChanges) -> Boolean, read: DoorstepStore.() -> T): Flow<T> = channelFlow {
        val wake = Channel<Unit>(Channel.CONFLATED)
        launch(start = CoroutineStart.UNDISPATCHED) {
            changes.collect { if (relevant(it)) wake.send(Unit) }
        }
        wake.send(Unit)
        var timer: Job? = null
        for (signal in wake) {
            timer?.cancel()
            val value = try {
                call { read() }
            } catch (_: DoorstepException.Locked) {
                continue
            }
            send(value)
            val next = try {
                call { nextAlertChangeMillis() }
            } catch (_: DoorstepException) {
                continue
            }
            timer = launch {
                // One millisecond past the instant: the core's comparison is strict.
                delay((next - nowMillis()).coerceAtLeast(0) + 1)
                wake.send(Unit)
            }
        }
    }.distinctUntilChanged()

    /** The "today" screen, live: re-read when visits, cases, alerts or the plan change, and when an alert changes colour. */
    fun todayFlow(): Flow<TodayView> = live({ it.today || it.alerts }) { today() }

    /** The alerts screen, live. */
    fun alertsFlow(): Flow<AlertsView> = live({ it.alerts }) { alertDigest() }

    /** The caseload, live. */
    fun caseloadFlow(): Flow<List<CaseLine>> = live({ it.caseload }) { caseload() }

    /** A child's screen, live: re-read when anything of that case (or every case) changes. */
    fun childFlow(caseId: CaseId): Flow<ChildView> = live({ it.everyCase || caseId in it.caseIds }) { child(caseId) }

    private val syncLock = Mutex()
    private val state = MutableStateFlow<SyncState>(SyncState.Idle(null))

    /** The sync status, with the progress of a running sync; updated after writes and syncs. */
    val syncState: StateFlow<SyncState> = state.asStateFlow()

    private val progressEvents = MutableSharedFlow<SyncProgress>(
        extraBufferCapacity = 64,
        onBufferOverflow = BufferOverflow.DROP_OLDEST,
    )

    /**
     * Every progress report of the syncs that run while collecting, as the core makes them after
     * each batch sent or page received (nothing replayed; a slow collector loses the oldest).
     * [syncState] carries the latest one too.
     */
    val syncProgress: SharedFlow<SyncProgress> = progressEvents.asSharedFlow()

    /** Runs [block] on the store on the I/O dispatcher: for calls not wrapped here. */
    suspend fun <T> call(block: DoorstepStore.() -> T): T = withContext(io) { store.block() }

    /** Runs a write, then refreshes [syncState] (one more change waiting to be sent). */
    private suspend fun <T> write(block: DoorstepStore.() -> T): T = withContext(io) {
        store.block().also { refreshStatusBlocking() }
    }

    private fun readStatusOrNull(): SyncStatusView? = try {
        store.syncStatus()
    } catch (_: DoorstepException) {
        null // locked or wiped: nothing to show
    }

    private fun refreshStatusBlocking() {
        val status = readStatusOrNull() ?: return
        state.update {
            when (it) {
                is SyncState.Idle -> it.copy(status = status)
                is SyncState.Syncing -> it.copy(status = status)
                is SyncState.Failed -> it.copy(status = status)
            }
        }
    }

    /** Reads the sync status again into [syncState] (e.g. on returning to the foreground). */
    suspend fun refreshSyncStatus() = withContext(io) { refreshStatusBlocking() }

    // --- Keys and the store's life ----------------------------------------------------------

    /** Unlocks with the passphrase (slow on purpose); [passphrase] is wiped. */
    suspend fun unlock(passphrase: CharArray) = withContext(io) {
        withPassphraseBytes(passphrase) { store.unlockWithPassphrase(it) }
        refreshStatusBlocking()
        everythingChanged()
    }

    /** Unlocks with the platform key provider. */
    suspend fun unlock(keyProvider: KeyProvider) = withContext(io) {
        store.unlockWithKeyProvider(keyProvider)
        refreshStatusBlocking()
        everythingChanged()
    }

    /** Locks the store: the keys are wiped from memory (on going to the background). */
    suspend fun lock() = call { lock() }

    /** How this store can be unlocked (which unlock screen to offer). */
    suspend fun unlockOptions(): UnlockOptions = call { unlockOptions() }

    /** Whether the store is locked. */
    suspend fun isLocked(): Boolean = call { isLocked() }

    /** Changes the passphrase (the store must be unlocked); both are wiped. */
    suspend fun changePassphrase(old: CharArray, new: CharArray) = withContext(io) {
        withPassphraseBytes(old) { o -> withPassphraseBytes(new) { n -> store.changePassphrase(o, n) } }
    }

    /**
     * Rotates the data key: a new key wrapped by the passphrase and / or key provider given (a slot
     * not given is dropped), every record re-sealed; returns how many. Resumed by the next unlock
     * if the app is killed. [passphrase] is wiped.
     */
    suspend fun rotateDataKey(passphrase: CharArray?, keyProvider: KeyProvider?): Long = withContext(io) {
        withOptionalPassphraseBytes(passphrase) { store.rotateDataKey(it, keyProvider) }
    }

    /** Sets (or replaces) the platform key provider slot. */
    suspend fun setKeyProvider(keyProvider: KeyProvider) = call { setKeyProvider(keyProvider) }

    /** Erases the store for good. Refused with [DoorstepException.Busy] while a sync runs. */
    suspend fun wipe() = call { wipe() }

    /** Checks every record, queued change, digest and note chain; `problems` counts what is wrong. */
    suspend fun verify(): IntegrityReport = call { verify() }

    // --- Records ------------------------------------------------------------------------------

    /** Adds a household; returns its id. */
    suspend fun addHousehold(household: HouseholdInput): HouseholdId = write { addHousehold(household) }

    /** Adds a person to a household; returns their id. */
    suspend fun addPerson(person: PersonInput): PersonId = write { addPerson(person) }

    /** Opens a case for a child; returns its id. */
    suspend fun openCase(case: CaseInput): CaseId = write { openCase(case) }

    /** Changes a case's RAG rating, with the reason. */
    suspend fun setRag(caseId: CaseId, rag: Rag, reason: String) = write { setRag(caseId, rag, reason) }

    /** Plans a visit; returns its id. */
    suspend fun planVisit(visit: VisitInput): VisitId = write { planVisit(visit) }

    /** Checks in at the door; returns the lone-working deadlines it starts. */
    suspend fun checkIn(visitId: VisitId): CheckInView = write { checkIn(visitId) }

    /** Checks out safely after a visit. */
    suspend fun checkOut(visitId: VisitId) = write { checkOut(visitId) }

    /** The visit form for the answers so far (`null` for a fresh form). Saves nothing. */
    suspend fun visitForm(visitId: VisitId, answers: VisitAnswers? = null): VisitForm =
        call { visitForm(visitId, answers) }

    /** Records a completed visit; [DoorstepException.ValidationFailed] if a blocking rule is broken. */
    suspend fun completeVisit(visitId: VisitId, answers: VisitAnswers): VisitSaved =
        write { completeVisit(visitId, answers) }

    /** Records that nobody answered or the practitioner could not get in. */
    suspend fun recordNoAccess(visitId: VisitId, reason: String, followUpAction: String): VisitSaved =
        write { recordNoAccess(visitId, reason, followUpAction) }

    /** Records that the family declined the visit. */
    suspend fun recordDeclined(visitId: VisitId, reason: String, followUpAction: String): VisitSaved =
        write { recordDeclined(visitId, reason, followUpAction) }

    /** Cancels a visit, with the reason and what happens instead. */
    suspend fun cancelVisit(visitId: VisitId, reason: String, followUpAction: String): VisitSaved =
        write { cancelVisit(visitId, reason, followUpAction) }

    /** Appends a case note; returns its id. */
    suspend fun addNote(caseId: CaseId, text: String, significant: Boolean = false): NoteId =
        write { addNote(caseId, text, significant) }

    /** Amends a note (the original is kept); returns the amendment's id. */
    suspend fun amendNote(noteId: NoteId, text: String, significant: Boolean? = null): NoteId =
        write { amendNote(noteId, text, significant) }

    // --- The family's copy of a visit summary ------------------------------------------------

    /** Sets what is marked "share with family" on a visit (nothing is shared unless marked). */
    suspend fun setFamilyShare(visitId: VisitId, share: FamilyShareInput) =
        write { setFamilyShare(visitId, share) }

    /** Who may be given the family's copy of [visitId]: the parents and carers of the child's household. */
    suspend fun familyCopyRecipients(visitId: VisitId): List<AdultChoice> =
        call { familyCopyRecipients(visitId) }

    /** The review: exactly what the family's copy will say, and what is left out and why. */
    suspend fun familyCopyReview(visitId: VisitId, recipientId: PersonId): FamilyCopyReview =
        call { familyCopyReview(visitId, recipientId) }

    /**
     * Produces the copy the practitioner reviewed (refused if it changed since) and returns the
     * PDF's bytes, for the print framework or the share sheet.
     */
    suspend fun giveFamilyCopy(
        visitId: VisitId,
        recipientId: PersonId,
        largePrint: Boolean,
        fingerprint: String,
    ): ByteArray = write { giveFamilyCopy(visitId, recipientId, largePrint, fingerprint) }

    // --- Screens ------------------------------------------------------------------------------

    /** The caseload, red first. */
    suspend fun caseload(): List<CaseLine> = call { caseload() }

    /** One visit's line, as on the "today" screen. */
    suspend fun visit(visitId: VisitId): TodayVisit = call { visit(visitId) }

    /** The child screen for a case. */
    suspend fun child(caseId: CaseId): ChildView = call { child(caseId) }

    /** A case's notes, newest first, each with its history. */
    suspend fun notes(caseId: CaseId): List<NoteThreadLine> = call { notes(caseId) }

    /** The "today" screen. */
    suspend fun today(): TodayView = call { today() }

    /** Every alert, most urgent first by the core's risk ranking. */
    suspend fun alerts(): List<AlertLine> = call { alerts() }

    /** The alerts screen: the most urgent alerts in full, the rest counted per kind. */
    suspend fun alertDigest(): AlertsView = call { alertDigest() }

    /**
     * Plans the next [weeks] weeks (1 to 52; unannounced visits timed at random by the core); with
     * [book], every slot becomes a planned visit.
     */
    suspend fun plan(weeks: Int, book: Boolean = false): PlanScreen = write { plan(weeks, book) }

    /** The sync screen's data (also kept in [syncState]). */
    suspend fun syncStatus(): SyncStatusView = call { syncStatus() }

    /** Puts refused changes back in the queue; returns how many. */
    suspend fun retryNeedsAttention(): Long = write { retryNeedsAttention() }

    // --- Drafts, calls, reminders --------------------------------------------------------------

    /**
     * Saves the answers typed so far on a visit being recorded (sealed, on this phone only, never
     * synced). Call it on every change; it survives a lock, a killed app and a restart.
     */
    suspend fun saveDraft(visitId: VisitId, answers: VisitAnswers) = call { saveDraft(visitId, answers) }

    /** The draft of a visit being recorded, if any: its answers resume the form where it stopped. */
    suspend fun draft(visitId: VisitId): VisitDraft? = call { draft(visitId) }

    /** Discards a visit's draft (the practitioner's choice); whether there was one. */
    suspend fun discardDraft(visitId: VisitId): Boolean = call { discardDraft(visitId) }

    /**
     * Starts a call with the family, answered just now: a telephone contact planned for now (the
     * core's length for a call), to record with [visitForm] and [completeVisit]. [departureReason]
     * is needed when the child must be seen face to face.
     */
    suspend fun startAnsweredCall(caseId: CaseId, departureReason: String? = null): VisitId =
        write { startAnsweredCall(caseId, departureReason) }

    /**
     * Logs a call to the family, just made, that nobody answered (it counts towards consecutive
     * unsuccessful contacts). [departureReason] is needed when the child must be seen face to face.
     */
    suspend fun recordUnansweredCall(
        caseId: CaseId,
        reason: String,
        followUpAction: String,
        departureReason: String? = null,
    ): VisitSaved = write { recordUnansweredCall(caseId, departureReason, reason, followUpAction) }

    /** The lone-working reminders still to fire (amber and red), soonest first, with their words. */
    suspend fun loneWorkingReminders(): List<LoneWorkingReminder> = call { loneWorkingReminders() }

    /** When (UTC milliseconds) an alert next changes colour or the day ends. */
    suspend fun nextAlertChangeMillis(): Long = call { nextAlertChangeMillis() }

    // --- Sync ---------------------------------------------------------------------------------

    /**
     * Sends every queued change and receives every change since the last sync through
     * [transport]. [syncState] goes to [SyncState.Syncing] with each progress report, then to
     * [SyncState.Idle] or [SyncState.Failed]. One sync at a time per store: a second call waits.
     * [observer], if given, is also told the progress (on the sync's thread).
     */
    suspend fun sync(transport: Transport, observer: SyncObserver? = null): SyncResult = syncLock.withLock {
        val before = state.value.status
        state.value = SyncState.Syncing(before)
        val relay = object : SyncObserver {
            override fun progress(progress: SyncProgress) {
                state.value = SyncState.Syncing(state.value.status, progress)
                progressEvents.tryEmit(progress)
                observer?.progress(progress)
            }
        }
        try {
            withContext(io) {
                val result = store.sync(transport, relay)
                state.value = SyncState.Idle(readStatusOrNull(), result)
                result
            }
        } catch (e: DoorstepException) {
            state.value = SyncState.Failed(withContext(io) { readStatusOrNull() } ?: before, e)
            throw e
        } catch (e: Throwable) {
            // Cancelled, or a failure outside the core's errors: not a sync failure to show.
            state.value = SyncState.Idle(before)
            throw e
        }
    }

    /** Frees the native store now rather than when collected. Calls after this fail. */
    override fun close() {
        runCatching { store.setDataObserver(null) }
        store.close()
    }

    /** Opening and creating stores. */
    companion object {
        /** The version of the core the native library was built from. */
        fun coreVersion(): String = app.doorstep.ffi.coreVersion()

        /** Whether [dir] holds a store ("unlock" rather than "set up"). */
        fun exists(dir: File): Boolean = storeExists(dir.path)

        /**
         * Creates a store in [dir] for a practitioner without a sync server, unlocked. [passphrase]
         * is wiped; [clock] is the time the core reads (the system's when `null`).
         */
        suspend fun create(
            dir: File,
            practitioner: PractitionerInput,
            passphrase: CharArray? = null,
            keyProvider: KeyProvider? = null,
            io: CoroutineDispatcher = Dispatchers.IO,
            clock: WallClock? = null,
        ): Doorstep = withContext(io) {
            val store = withOptionalPassphraseBytes(passphrase) {
                DoorstepStore.create(dir.path, practitioner, it, keyProvider, clock)
            }
            Doorstep(store, io, clock).also { it.refreshStatusBlocking() }
        }

        /** Enrols with a sync server using a one-time code, then creates the store in [dir], unlocked. */
        suspend fun enrol(
            dir: File,
            serverUrl: String,
            code: String,
            transport: Transport,
            passphrase: CharArray? = null,
            keyProvider: KeyProvider? = null,
            io: CoroutineDispatcher = Dispatchers.IO,
            clock: WallClock? = null,
        ): Doorstep = withContext(io) {
            val store = withOptionalPassphraseBytes(passphrase) {
                DoorstepStore.enrol(dir.path, serverUrl, code, transport, it, keyProvider, clock)
            }
            Doorstep(store, io, clock).also { it.refreshStatusBlocking() }
        }

        /** Wraps a store opened through the generated API (this object then owns it). */
        fun wrap(store: DoorstepStore, io: CoroutineDispatcher = Dispatchers.IO, clock: WallClock? = null): Doorstep =
            Doorstep(store, io, clock)

        /** Opens the store in [dir], locked. */
        suspend fun open(dir: File, io: CoroutineDispatcher = Dispatchers.IO, clock: WallClock? = null): Doorstep =
            withContext(io) { Doorstep(DoorstepStore.open(dir.path, clock), io, clock) }
    }
}
