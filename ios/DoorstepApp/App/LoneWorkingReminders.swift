import Doorstep
import UserNotifications

/// The phone's own lone-working reminders: the core's amber and red reminders
/// (`loneWorkingReminders()`: times and words, naming no one, as they show on a lock screen) as
/// local notifications. Time-sensitive, so Focus does not hold them back (the app carries the
/// `com.apple.developer.usernotifications.time-sensitive` entitlement). Scheduled after a
/// check-in and again at every launch and unlock (iOS keeps pending notifications across a
/// reboot, but an app update or a cleared schedule does not); cancelled on check-out. No time or
/// word is decided here.
enum LoneWorkingReminders {
    /// Schedules every reminder the core lists (replacing any with the same visit and stage).
    /// Asks for permission the first time; checking in has already happened either way.
    static func schedule(_ reminders: [LoneWorkingReminder]) async {
        let center = UNUserNotificationCenter.current()
        guard (try? await center.requestAuthorization(options: [.alert, .sound, .timeSensitive])) == true
        else { return }
        for reminder in reminders {
            let content = UNMutableNotificationContent()
            content.title = "Doorstep"
            content.body = reminder.text
            content.sound = .default
            content.interruptionLevel = .timeSensitive
            let seconds = Double(reminder.atMillis) / 1000 - Date().timeIntervalSince1970
            let trigger = UNTimeIntervalNotificationTrigger(timeInterval: max(1, seconds), repeats: false)
            let request = UNNotificationRequest(
                identifier: identifier(reminder.visitId, reminder.stage), content: content, trigger: trigger)
            try? await center.add(request)
        }
    }

    /// Cancels a visit's reminders (checked out), and removes any already shown.
    static func cancel(visitId: String) {
        let center = UNUserNotificationCenter.current()
        let ids = [identifier(visitId, .amber), identifier(visitId, .red)]
        center.removePendingNotificationRequests(withIdentifiers: ids)
        center.removeDeliveredNotifications(withIdentifiers: ids)
    }

    /// One reminder per visit and stage; the visit id is opaque (nothing identifying).
    private static func identifier(_ visitId: String, _ stage: ReminderStage) -> String {
        "lone-working.\(visitId).\(stage == .amber ? "amber" : "red")"
    }
}
