import Doorstep
import Foundation
import Observation

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
            let directory = try StoreDirectory.prepare()
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

    /// Opens the store (locked) once per launch.
    func openStore() async throws -> AsyncStore {
        if let store { return store }
        guard let directory else { throw DoorstepError.Storage(message: "Storage unavailable") }
        let opened = try await AsyncStore.open(at: directory)
        store = opened
        return opened
    }

    /// A store made by enrolment (unlocked).
    func adopt(_ created: AsyncStore) {
        store = created
        didUnlock()
    }

    func didUnlock() {
        phase = .unlocked
        syncSoon()
    }

    /// Locks the store (the core zeroizes its keys) and shows the unlock screen.
    func lock() async {
        guard let store else { return }
        try? await store.lock()
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

    /// After unlocking or saving: queued changes go when they can.
    func syncSoon() {
        Task { await syncIfUnlocked() }
    }

    /// The server revoked this phone and the core erased the store; the Secure Enclave key goes too.
    private func wiped() {
        store = nil
        try? keyProvider().destroyKey()
        phase = .enrol
    }
}
