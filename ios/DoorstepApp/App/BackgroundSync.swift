import BackgroundTasks
import Foundation

/// Background sync with BGTaskScheduler: a processing task that needs a network connection,
/// scheduled when the app goes to the background and again at each run, at most every 15 minutes.
/// Each run opens the store for sync only with the background-sync key (Keychain, after first
/// unlock), syncs, and locks it again; the screens stay locked throughout. See ios/README.md.
enum BackgroundSync {
    static let identifier = "app.doorstep.sync" // also in Info.plist, BGTaskSchedulerPermittedIdentifiers

    /// Background sync on: the store gets a background-sync key slot at unlock, and its directory
    /// `completeUntilFirstUserAuthentication` protection. Off: no slot, `complete` protection,
    /// sync only while the app is unlocked.
    static let isEnabled = true

    /// Registers the handler; must run before the app finishes launching.
    static func register(model: AppModel) {
        BGTaskScheduler.shared.register(forTaskWithIdentifier: identifier, using: nil) { task in
            guard let task = task as? BGProcessingTask else { return }
            schedule()
            let completion = Completion(task)
            let work = Task { @MainActor in
                completion.finish(success: await model.syncInBackground())
            }
            task.expirationHandler = {
                work.cancel()
                completion.finish(success: false)
            }
        }
    }

    /// Asks for the next run (replaces a pending request).
    static func schedule() {
        let request = BGProcessingTaskRequest(identifier: identifier)
        request.requiresNetworkConnectivity = true
        request.requiresExternalPower = false
        request.earliestBeginDate = Date(timeIntervalSinceNow: 15 * 60)
        try? BGTaskScheduler.shared.submit(request)
    }
}

/// Tells the system a task is done exactly once: at the end of the work or at expiry, whichever
/// comes first (the sync itself always ends by locking the store again).
private final class Completion: @unchecked Sendable {
    private let task: BGTask
    private let lock = NSLock()
    private var done = false

    init(_ task: BGTask) {
        self.task = task
    }

    func finish(success: Bool) {
        lock.lock()
        defer { lock.unlock() }
        guard !done else { return }
        done = true
        task.setTaskCompleted(success: success)
    }
}
