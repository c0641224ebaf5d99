import DoorstepFFI
import Foundation

/// The Doorstep store for Swift concurrency. Every call of the generated `DoorstepStore` blocks
/// (SQLite; PBKDF2 on unlock; the network during a sync), so none runs on the caller's executor:
/// short calls run in `Task.detached`; the two long ones — passphrase unlock (deliberately slow)
/// and sync (seconds on the network) — run on a GCD queue, so they never hold one of the few
/// threads of Swift's cooperative pool. Threading only: every rule and word comes from the core.
public actor AsyncStore {
    /// The generated store (thread-safe: `@unchecked Sendable`, locked inside the core).
    public nonisolated let store: DoorstepStore

    private static let longCalls = DispatchQueue(
        label: "app.doorstep.core.long", qos: .userInitiated, attributes: .concurrent
    )

    private init(store: DoorstepStore) {
        self.store = store
    }

    // MARK: Opening

    /// Whether `directory` holds a store ("unlock" rather than "set up").
    public static func exists(at directory: URL) -> Bool {
        storeExists(dir: directory.path)
    }

    /// Opens the store in `directory`, locked.
    public static func open(at directory: URL) async throws -> AsyncStore {
        let store = try await Task.detached { try DoorstepStore.open(dir: directory.path, clock: nil) }.value
        return AsyncStore(store: store)
    }

    /// Enrols this phone with a sync server and creates its store, unlocked.
    public static func enrol(
        at directory: URL, serverUrl: String, code: String, transport: Transport,
        passphrase: String?, keyProvider: KeyProvider?
    ) async throws -> AsyncStore {
        let store = try await onLongQueue {
            var bytes = passphrase.map(passphraseBytes)
            defer { if bytes != nil { bytes!.resetBytes() } }
            return try DoorstepStore.enrol(
                dir: directory.path, serverUrl: serverUrl, code: code, transport: transport,
                passphrase: bytes.map { Data($0) }, keyProvider: keyProvider, clock: nil)
        }
        return AsyncStore(store: store)
    }

    // MARK: Keys

    /// Unlocks with the passphrase (slow on purpose).
    public func unlock(passphrase: String) async throws {
        let store = self.store
        try await Self.onLongQueue {
            var bytes = passphraseBytes(passphrase)
            defer { bytes.resetBytes() }
            try store.unlockWithPassphrase(passphrase: Data(bytes))
        }
    }

    /// Unlocks with the platform key (Face ID / Touch ID appears; waits for the user).
    public func unlock(keyProvider: KeyProvider) async throws {
        let store = self.store
        try await Self.onLongQueue { try store.unlockWithKeyProvider(keyProvider: keyProvider) }
    }

    /// Wraps the data key with a (new) platform key.
    public func setKeyProvider(_ keyProvider: KeyProvider) async throws {
        let store = self.store
        try await Self.onLongQueue { try store.setKeyProvider(keyProvider: keyProvider) }
    }

    /// Wraps the data key with the background-sync key (`unlockOptions().backgroundSync` then).
    public func setBackgroundKeyProvider(_ keyProvider: KeyProvider) async throws {
        try await run { try $0.setBackgroundKeyProvider(keyProvider: keyProvider) }
    }

    /// Removes the background-sync key slot: sync then runs only while the app is unlocked.
    public func clearBackgroundKeyProvider() async throws {
        try await run { try $0.clearBackgroundKeyProvider() }
    }

    /// How this store can be unlocked (which buttons the unlock screen shows). Works while locked.
    public func unlockOptions() async throws -> UnlockOptions { try await run { try $0.unlockOptions() } }

    /// Locks the store: the core zeroizes its keys.
    public func lock() async throws { try await run { try $0.lock() } }

    // MARK: Screens

    public func today() async throws -> TodayView { try await run { try $0.today() } }
    /// The caseload, red first.
    public func caseload() async throws -> [CaseLine] { try await run { try $0.caseload() } }
    /// One visit's line, as on the "today" screen.
    public func visit(visitId: String) async throws -> TodayVisit { try await run { try $0.visit(visit: visitId) } }
    public func child(caseId: String) async throws -> ChildView { try await run { try $0.child(caseId: caseId) } }
    public func notes(caseId: String) async throws -> [NoteThreadLine] { try await run { try $0.notes(caseId: caseId) } }
    public func syncStatus() async throws -> SyncStatusView { try await run { try $0.syncStatus() } }
    /// The alerts digest: every alert line, the rest counted.
    public func alertDigest() async throws -> AlertsView { try await run { try $0.alertDigest() } }

    /// The plan for the next `weeks` weeks; `book` books every slot not yet booked as a planned
    /// visit (unannounced ones included). Writes only when booking.
    public func plan(weeks: Int32, book: Bool) async throws -> PlanScreen {
        try await run { try $0.plan(weeks: weeks, book: book) }
    }

    /// The visit form for the answers so far (`nil` for a fresh form). Saves nothing.
    public func visitForm(visitId: String, answers: VisitAnswers?) async throws -> VisitForm {
        try await run { try $0.visitForm(visit: visitId, answers: answers) }
    }

    // MARK: Changes

    /// A household (address, postcode, access notes); returns its id.
    public func addHousehold(_ household: HouseholdInput) async throws -> String {
        try await run { try $0.addHousehold(household: household) }
    }

    /// A person in a household; returns their id.
    public func addPerson(_ person: PersonInput) async throws -> String {
        try await run { try $0.addPerson(person: person) }
    }

    /// A case for a child, with its plan and first rating (and the reason); returns its id.
    public func openCase(_ input: CaseInput) async throws -> String {
        try await run { try $0.openCase(case: input) }
    }

    /// Changes a case's rating; the core keeps the reason in the case's history.
    public func setRag(caseId: String, rag: Rag, reason: String) async throws {
        try await run { try $0.setRag(caseId: caseId, rag: rag, reason: reason) }
    }

    /// Plans a visit; the core refuses a video or telephone contact that replaces a visit without
    /// its reason. Returns the visit's id.
    public func planVisit(_ visit: VisitInput) async throws -> String {
        try await run { try $0.planVisit(visit: visit) }
    }

    public func recordDeclined(visitId: String, reason: String, followUpAction: String) async throws -> VisitSaved {
        try await run { try $0.recordDeclined(visit: visitId, reason: reason, followUpAction: followUpAction) }
    }

    public func cancelVisit(visitId: String, reason: String, followUpAction: String) async throws -> VisitSaved {
        try await run { try $0.cancelVisit(visit: visitId, reason: reason, followUpAction: followUpAction) }
    }

    public func completeVisit(visitId: String, answers: VisitAnswers) async throws -> VisitSaved {
        try await run { try $0.completeVisit(visit: visitId, answers: answers) }
    }

    public func recordNoAccess(visitId: String, reason: String, followUpAction: String) async throws -> VisitSaved {
        try await run { try $0.recordNoAccess(visit: visitId, reason: reason, followUpAction: followUpAction) }
    }

    /// Checks in at the door; returns the lone-working deadlines and the reminder to schedule.
    public func checkIn(visitId: String) async throws -> CheckInView { try await run { try $0.checkIn(visit: visitId) } }
    public func checkOut(visitId: String) async throws { try await run { try $0.checkOut(visit: visitId) } }

    @discardableResult
    public func addNote(caseId: String, text: String, significant: Bool) async throws -> String {
        try await run { try $0.addNote(caseId: caseId, text: text, significant: significant) }
    }

    @discardableResult
    public func amendNote(noteId: String, text: String, significant: Bool?) async throws -> String {
        try await run { try $0.amendNote(noteId: noteId, text: text, significant: significant) }
    }

    @discardableResult
    public func retryNeedsAttention() async throws -> Int64 { try await run { try $0.retryNeedsAttention() } }

    // MARK: Drafts, calls, reminders, changes

    /// Saves the answers typed so far (sealed, on this phone only); survives a lock, a killed app
    /// and a restart. Call it on every change of the record-visit form.
    public func saveDraft(visitId: String, answers: VisitAnswers) async throws {
        try await run { try $0.saveDraft(visit: visitId, answers: answers) }
    }

    /// The draft of a visit being recorded, if any: its answers resume the form.
    public func draft(visitId: String) async throws -> VisitDraft? { try await run { try $0.draft(visit: visitId) } }

    /// Discards a visit's draft (the practitioner's choice).
    @discardableResult
    public func discardDraft(visitId: String) async throws -> Bool { try await run { try $0.discardDraft(visit: visitId) } }

    /// Who may be given the family's copy of a visit: the household's parents and carers (nobody
    /// until the visit is completed).
    public func familyCopyRecipients(visitId: String) async throws -> [AdultChoice] {
        try await run { try $0.familyCopyRecipients(visit: visitId) }
    }

    /// Exactly what the family's copy of a visit will say for `recipientId`, what is left out and
    /// why, and the fingerprint that giving it confirms.
    public func familyCopyReview(visitId: String, recipientId: String) async throws -> FamilyCopyReview {
        try await run { try $0.familyCopyReview(visit: visitId, recipientId: recipientId) }
    }

    /// Plans the telephone call just answered, now, with the core's length for a call (recorded
    /// next with the visit form); returns its visit id.
    public func startAnsweredCall(caseId: String, departureReason: String?) async throws -> String {
        try await run { try $0.startAnsweredCall(caseId: caseId, departureReason: departureReason) }
    }

    /// Logs a call to the family, just made, that nobody answered.
    public func recordUnansweredCall(
        caseId: String, reason: String, followUpAction: String, departureReason: String?
    ) async throws -> VisitSaved {
        try await run {
            try $0.recordUnansweredCall(
                caseId: caseId, departureReason: departureReason, reason: reason,
                followUpAction: followUpAction)
        }
    }

    /// The lone-working reminders still to fire (amber and red), soonest first.
    public func loneWorkingReminders() async throws -> [LoneWorkingReminder] {
        try await run { try $0.loneWorkingReminders() }
    }

    /// When (UTC milliseconds) an alert next changes colour or the day ends.
    public func nextAlertChangeMillis() async throws -> Int64 { try await run { try $0.nextAlertChangeMillis() } }

    /// Tells `onChange` which screens changed after every write, every page a sync applies and
    /// every sync's end (on the writer's thread: hop to the main actor inside).
    public func observeChanges(_ onChange: @escaping @Sendable (DataChanges) -> Void) async throws {
        let relay = ChangeRelay(onChange)
        try await run { try $0.setDataObserver(observer: relay) }
    }

    /// Changes the passphrase (unlocked).
    public func changePassphrase(old: String, new: String) async throws {
        let store = self.store
        try await Self.onLongQueue {
            var o = passphraseBytes(old), n = passphraseBytes(new)
            defer { o.resetBytes(); n.resetBytes() }
            try store.changePassphrase(old: Data(o), new: Data(n))
        }
    }

    // MARK: Sync

    private var syncing = false

    /// Sends queued changes and receives new ones. One at a time: a second call while one runs
    /// returns `nil` at once. `progress` is called on the sync's thread.
    public func sync(
        transport: Transport, progress: (@Sendable (SyncProgress) -> Void)? = nil
    ) async throws -> SyncResult? {
        guard !syncing else { return nil }
        syncing = true
        defer { syncing = false }
        let store = self.store
        let observer = progress.map(ProgressRelay.init)
        return try await Self.onLongQueue { try store.sync(transport: transport, observer: observer) }
    }

    /// A sync while the app may be locked: opens the store for sync only with the background-sync
    /// key (a no-op if the practitioner has it unlocked), syncs, and always locks it again
    /// (`endBackgroundSync`, on the same thread, even if the calling task is cancelled). `nil` if a
    /// sync was already running.
    public func backgroundSync(keyProvider: KeyProvider, transport: Transport) async throws -> SyncResult? {
        guard !syncing else { return nil }
        syncing = true
        defer { syncing = false }
        let store = self.store
        return try await Self.onLongQueue {
            try store.unlockForBackgroundSync(keyProvider: keyProvider)
            defer { try? store.endBackgroundSync() }
            return try store.sync(transport: transport, observer: nil)
        }
    }

    // MARK: Plumbing

    private func run<T: Sendable>(_ body: @escaping @Sendable (DoorstepStore) throws -> T) async throws -> T {
        let store = self.store
        return try await Task.detached(priority: .userInitiated) { try body(store) }.value
    }

    private static func onLongQueue<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            longCalls.async { continuation.resume(with: Result { try body() }) }
        }
    }
}

/// Relays the core's change reports to a closure.
private final class ChangeRelay: DataObserver, @unchecked Sendable {
    private let report: @Sendable (DataChanges) -> Void

    init(_ report: @escaping @Sendable (DataChanges) -> Void) {
        self.report = report
    }

    func changed(changes: DataChanges) throws {
        report(changes)
    }
}

extension Array where Element == UInt8 {
    /// Overwrites every byte with zero (a passphrase's bytes once the core has them).
    mutating func resetBytes() {
        for i in indices { self[i] = 0 }
    }
}

/// Relays the core's progress reports to a closure.
private final class ProgressRelay: SyncObserver, @unchecked Sendable {
    private let report: @Sendable (SyncProgress) -> Void

    init(_ report: @escaping @Sendable (SyncProgress) -> Void) {
        self.report = report
    }

    func progress(progress: SyncProgress) throws {
        report(progress)
    }
}
