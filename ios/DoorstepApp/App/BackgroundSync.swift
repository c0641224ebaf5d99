import BackgroundTasks
import Foundation

/// Background sync with BGTaskScheduler: a processing task that needs a network connection,
/// scheduled when the app goes to the background, at most every 15 minutes.
///
/// Limitation (see ios/README.md): the store is locked on going to the background and its files
/// are unreadable while the phone is locked (NSFileProtectionComplete), and the core needs the
/// data key to sync; so this task can only sync if the app is unlocked at that moment. Until the
/// core can push its queue without the data key, sync happens in the foreground — on unlock,
/// after each change and from the sync screen.
enum BackgroundSync {
    static let identifier = "app.doorstep.sync" // also in Info.plist, BGTaskSchedulerPermittedIdentifiers

    /// Registers the handler; must run before the app finishes launching.
    static func register(model: AppModel) {
        BGTaskScheduler.shared.register(forTaskWithIdentifier: identifier, using: nil) { task in
            guard let task = task as? BGProcessingTask else { return }
            schedule()
            let work = Task { @MainActor in
                let synced = await model.syncIfUnlocked()
                task.setTaskCompleted(success: synced)
            }
            task.expirationHandler = { work.cancel() }
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
