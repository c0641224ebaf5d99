import Doorstep
import Foundation
import Observation
import os
import SwiftUI

/// The app's state: where the practitioner is (set up, locked, unlocked) and the open store.
/// No rules: those are in the core.
@Observable
@MainActor
final class AppModel {
    enum Phase: Equatable {
        case enrol, locked, unlocked
        case unavailable(String)
    }

    private(set) var phase: Phase
    private(set) var store: AsyncStore?
    /// The last sync's outcome or error, for the sync screen.
    var lastSyncMessage: String?
    var syncProgress: SyncProgress?

    let directory: URL?
    let transport: URLSessionTransport

    init() {
        #if DEBUG
        transport = URLSessionTransport(allowLoopbackHTTP: true)
        #else
        transport = URLSessionTransport(allowLoopbackHTTP: false)
        #endif
        do {
            // Background sync reads the store while the phone is locked (after its first unlock).
            let directory = try StoreDirectory.prepare(
                protection: BackgroundSync.isEnabled ? .completeUntilFirstUserAuthentication : .complete)
            self.directory = directory
            phase = AsyncStore.exists(at: directory) ? .locked : .enrol
        } catch {
            directory = nil
            phase = .unavailable("This phone's storage cannot be used for Doorstep right now.")
        }
    }

    /// A Secure Enclave key provider with the app's prompt text.
    func keyProvider() -> SecureEnclaveKeyProvider {
        SecureEnclaveKeyProvider(reason: "Unlock your caseload")
    }

    /// The background-sync key: needs the phone unlocked once since restart, not the practitioner.
    let backgroundKeyProvider = BackgroundKeychainKeyProvider()

    private let log = Logger(subsystem: "app.doorstep", category: "sync")

    /// Opens the store (locked) once per launch.
    func openStore() async throws -> AsyncStore {
        if let store { return store }
        guard let directory else { throw DoorstepError.Storage(reason: "Storage unavailable") }
        let opened = try await AsyncStore.open(at: directory)
        store = opened
        return opened
    }

    /// A store made by enrolment (unlocked).
    func adopt(_ created: AsyncStore) {
        store = created
        didUnlock()
    }

    /// Bumped whenever the core says data changed or an alert changes colour: screens showing
    /// Today, a child or the alerts re-read themselves when it moves (`.task(id:)`).
    private(set) var dataVersion = 0

    private var alertTimer: Task<Void, Never>?

    /// After any unlock or enrolment: screens show, the background key is set up, queued changes
    /// go, the core's change reports and the next colour change drive the screens, and the
    /// lone-working reminders are scheduled again (an update or a cleared schedule loses them).
    func didUnlock() {
        phase = .unlocked
        Task {
            await observeChanges()
            await setUpBackgroundSync()
            if let store, let reminders = try? await store.loneWorkingReminders() {
                await LoneWorkingReminders.schedule(reminders)
            }
            await syncIfUnlocked()
        }
    }

    /// Listens to the core's change reports, and wakes at the next instant an alert changes
    /// colour (the core's `nextAlertChangeMillis`), so Today turns amber or red on time.
    private func observeChanges() async {
        guard let store else { return }
        try? await store.observeChanges { _ in
            Task { @MainActor in self.dataChanged() }
        }
        dataChanged()
    }

    private func dataChanged() {
        dataVersion += 1
        alertTimer?.cancel()
        guard phase == .unlocked, let store else { return }
        alertTimer = Task {
            guard let next = try? await store.nextAlertChangeMillis() else { return }
            let wait = max(0, Double(next) / 1000 - Date().timeIntervalSince1970) + 0.001
            try? await Task.sleep(nanoseconds: UInt64(wait * 1_000_000_000))
            if !Task.isCancelled { dataChanged() }
        }
    }

    /// Adds the background-sync slot if the store has none (or the Keychain lost the key), or
    /// removes it if background sync is switched off. A failure only means sync waits for the
    /// app: logged by error code, nothing else.
    private func setUpBackgroundSync() async {
        guard let store else { return }
        do {
            let hasSlot = try await store.unlockOptions().backgroundSync
            if BackgroundSync.isEnabled {
                if !hasSlot || !backgroundKeyProvider.hasKey {
                    try await store.setBackgroundKeyProvider(backgroundKeyProvider)
                }
            } else if hasSlot {
                try await store.clearBackgroundKeyProvider()
                try? backgroundKeyProvider.destroyKey()
            }
        } catch {
            log.error("background sync key not set up: \(Self.code(of: error), privacy: .public)")
        }
    }

    /// A sync from a background task: the phone may be locked, the app too. True if it ran to
    /// the end or there was nothing it could do until the next unlock; false to try again later.
    func syncInBackground() async -> Bool {
        do {
            let store = try await openStore()
            _ = try await store.backgroundSync(keyProvider: backgroundKeyProvider, transport: transport)
            return true
        } catch DoorstepError.Wiped {
            wiped()
            return true
        } catch {
            // Whether time mends it (offline, the phone locked, ...) is the core's classifier,
            // the same answer Android's SyncWorker uses; anything else waits for the next unlock.
            log.notice("background sync: \(Self.code(of: error), privacy: .public)")
            return !((error as? DoorstepError)?.retryable ?? true)
        }
    }

    /// An error's stable code for logs (never its message): the core's.
    private static func code(of error: Error) -> String {
        (error as? DoorstepError)?.code ?? "other"
    }

    /// Where the practitioner is in the app (record ids only). Kept when the app goes to the
    /// background, so unlocking returns to the same screen (a record form resumes from its draft);
    /// emptied when the practitioner locks from the menu.
    var path = NavigationPath()

    /// The last draft write: locking waits for it, so an answer given just before the app goes to
    /// the background is sealed in the draft rather than refused by a locked store.
    private var draftWrite: Task<Void, Error>?

    /// Saves a visit's answers so far as its sealed draft, after any write still running.
    func saveDraft(visitId: String, answers: VisitAnswers) async throws {
        let store = try await openStore()
        let previous = draftWrite
        let write = Task {
            _ = await previous?.result
            try await store.saveDraft(visitId: visitId, answers: answers)
        }
        draftWrite = write
        try await write.value
    }

    /// Locks the store (the core zeroizes its keys) once the last draft write is in, and shows
    /// the unlock screen. `keepPlace`: the app went to the background (the way back is kept).
    func lock(keepPlace: Bool = false) async {
        guard let store else { return }
        _ = await draftWrite?.result
        try? await store.lock()
        if !keepPlace { path = NavigationPath() }
        if phase == .unlocked { phase = .locked }
    }

    /// Handles an error from any core call: a locked or wiped store changes the phase.
    func handle(_ error: Error) -> String {
        switch error as? DoorstepError {
        case .Locked?: phase = .locked
        case .Wiped?: wiped()
        default: break
        }
        return userMessage(for: error)
    }

    /// Syncs if the store is unlocked; true if it ran to the end.
    @discardableResult
    func syncIfUnlocked() async -> Bool {
        guard phase == .unlocked, let store else { return false }
        do {
            let result = try await store.sync(transport: transport) { progress in
                Task { @MainActor in self.syncProgress = progress }
            }
            syncProgress = nil
            lastSyncMessage = nil
            return result != nil
        } catch {
            syncProgress = nil
            lastSyncMessage = handle(error)
            return false
        }
    }

    /// Runs one core call for a screen: `busy` while it runs, the core's message in `error` if it
    /// fails (a locked or wiped store changes the phase), and, after a change (`saves`), a sync
    /// when one can run.
    func run(
        busy: Binding<Bool>, error: Binding<String?>, saves: Bool = true,
        _ work: @escaping @MainActor (AsyncStore) async throws -> Void
    ) {
        busy.wrappedValue = true
        error.wrappedValue = nil
        Task {
            defer { busy.wrappedValue = false }
            do {
                try await work(openStore())
                if saves { syncSoon() }
            } catch let failure {
                error.wrappedValue = handle(failure)
            }
        }
    }

    /// After unlocking or saving: queued changes go when they can.
    func syncSoon() {
        Task { await syncIfUnlocked() }
    }

    /// The server revoked this phone and the core erased the store; the Secure Enclave key and
    /// the background-sync key go too (the core destroys neither here).
    private func wiped() {
        store = nil
        path = NavigationPath()
        try? keyProvider().destroyKey()
        try? backgroundKeyProvider.destroyKey()
        phase = .enrol
    }
}
